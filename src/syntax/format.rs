//! `rosa fmt`: one canonical layout. Keywords in their Swedish spelling, four spaces
//! per level, one statement per line (short delmoment on one line), one blank line
//! between top-level blocks, at most one blank line kept where the author had one,
//! and every comment kept where it was: on its own line, or after a statement.

use super::ast::{
    Block, BlockKind, Comment, Opening, OutcomeWord, Quantity, Stmt, StmtKind, TargetPart, Text,
    Value, Word,
};
use crate::diagnostics::Diagnostic;
use crate::lang;
use crate::source::FileId;

const INDENT: &str = "    ";
const MAX_ONE_LINE: usize = 100;

/// Format one rule file in the canonical layout, as `rosa fmt` does: four spaces per
/// level, one statement per line, every comment kept where it was. Formatting twice
/// changes nothing. `file` is the id the diagnostic's span points into (see
/// [`SourceMap::add`](crate::SourceMap::add)).
///
/// # Errors
///
/// Only a syntax error (R0001), as the diagnostic `rosa check` would give.
///
/// ```
/// let messy = "förvaltning va \"VA och avfall\" {\nvidarekoppla kö \"VA\"\n  \
///     ärendetyp va-faktura \"Faktura\" { rosa 2 // enkel fråga\n frekvens 40 per månad }\n}\n";
/// let tidy = rosa::format_source(0, messy).expect("no syntax error");
/// assert_eq!(
///     tidy,
///     "\
/// förvaltning va \"VA och avfall\" {
///     vidarekoppla kö \"VA\"
///     ärendetyp va-faktura \"Faktura\" {
///         rosa 2 // enkel fråga
///         frekvens 40 per månad
///     }
/// }
/// "
/// );
/// assert_eq!(rosa::format_source(0, &tidy).unwrap(), tidy);
///
/// let broken = rosa::format_source(0, "förvaltning va {").unwrap_err();
/// assert_eq!(broken.code, rosa::Code::Syntax);
/// ```
pub fn format_source(file: FileId, text: &str) -> Result<String, Box<Diagnostic>> {
    let parsed = super::parse(file, text)?;
    let mut p = Printer {
        src: text,
        comments: &parsed.comments,
        next_comment: 0,
        out: String::new(),
        depth: 0,
        last_end: 0,
        first_in_block: true,
        force_blank: false,
    };
    for (i, block) in parsed.blocks.iter().enumerate() {
        p.force_blank = i > 0;
        p.comments_before(block.span.start);
        let next = parsed
            .blocks
            .get(i + 1)
            .map_or(usize::MAX, |b| b.span.start);
        p.block(block, next);
    }
    p.comments_before(text.len());
    Ok(p.out)
}

struct Printer<'a> {
    src: &'a str,
    comments: &'a [Comment],
    next_comment: usize,
    out: String,
    depth: usize,
    last_end: usize,
    first_in_block: bool,
    force_blank: bool,
}

impl Printer<'_> {
    /// Write one line for source text that started at `start` and ended at `end`.
    fn line(&mut self, text: &str, start: usize, end: usize) {
        let gap = &self.src[self.last_end.min(start)..start];
        let blank = self.force_blank || (!self.first_in_block && gap.matches('\n').count() >= 2);
        if blank && !self.out.is_empty() {
            self.out.push('\n');
        }
        for _ in 0..self.depth {
            self.out.push_str(INDENT);
        }
        self.out.push_str(text);
        self.out.push('\n');
        self.last_end = end;
        self.first_in_block = false;
        self.force_blank = false;
    }

    fn comments_before(&mut self, pos: usize) {
        while let Some(c) = self.comments.get(self.next_comment) {
            if c.span.start >= pos {
                break;
            }
            self.next_comment += 1;
            self.line(&c.text, c.span.start, c.span.end);
        }
    }

    /// A comment on the same source line as `end` goes after the printed line.
    /// `before`: the comment must come before this offset (the block's first statement).
    fn trailing_comment(&mut self, end: usize, before: usize) {
        let Some(c) = self.comments.get(self.next_comment) else {
            return;
        };
        if c.span.start < end
            || c.span.start >= before
            || self.src[end..c.span.start].contains('\n')
        {
            return;
        }
        self.next_comment += 1;
        self.out.pop();
        self.out.push(' ');
        self.out.push_str(&c.text);
        self.out.push('\n');
        self.last_end = c.span.end;
    }

    fn has_comment_within(&self, start: usize, end: usize) -> bool {
        self.comments[self.next_comment..]
            .iter()
            .any(|c| c.span.start >= start && c.span.start < end)
    }

    /// `next`: where the next statement or block starts; a comment after that belongs to it.
    fn block(&mut self, block: &Block, next: usize) {
        let header = self.header(block);
        let open_end = self.header_end(block);
        if let Some(one_line) = self.one_line(block, &header) {
            self.line(&one_line, block.span.start, block.span.end);
            self.trailing_comment(block.span.end, next);
            return;
        }
        self.line(&format!("{header} {{"), block.span.start, open_end);
        let first = block.stmts.first().map_or(block.span.end, |s| s.span.start);
        self.trailing_comment(open_end, first);
        self.depth += 1;
        self.first_in_block = true;
        for (i, stmt) in block.stmts.iter().enumerate() {
            self.comments_before(stmt.span.start);
            let next = block
                .stmts
                .get(i + 1)
                .map_or(block.span.end - 1, |s| s.span.start);
            self.stmt(stmt, next);
        }
        self.comments_before(block.span.end);
        self.depth -= 1;
        self.first_in_block = true;
        self.line("}", block.span.end - 1, block.span.end);
        self.trailing_comment(block.span.end, next);
    }

    /// Byte offset just after the block's opening brace.
    fn header_end(&self, block: &Block) -> usize {
        let after = block
            .name
            .as_ref()
            .map(|n| n.span.end)
            .or(block.id.as_ref().map(|i| i.span.end))
            .unwrap_or(block.keyword.end);
        self.src[after..].find('{').map_or(after, |i| after + i + 1)
    }

    fn header(&self, block: &Block) -> String {
        let keyword = match block.kind {
            BlockKind::Policy => lang::KUNDTJANST.name,
            BlockKind::Forvaltning => lang::FORVALTNING.name,
            BlockKind::Arendetyp => lang::ARENDETYP.name,
            BlockKind::Delmoment => lang::DELMOMENT.name,
            BlockKind::Test => lang::TEST.name,
        };
        let mut header = keyword.to_string();
        if let Some(id) = &block.id {
            header.push(' ');
            header.push_str(&id.name);
        }
        if let Some(name) = &block.name {
            header.push(' ');
            header.push_str(&quoted(name));
        }
        header
    }

    /// Short delmoment without comments stay on one line: `delmoment x "X" { rosa 1 }`.
    fn one_line(&self, block: &Block, header: &str) -> Option<String> {
        let simple = block.kind == BlockKind::Delmoment
            && block.stmts.len() <= 2
            && !self.has_comment_within(block.span.start, block.span.end);
        if !simple {
            return None;
        }
        let parts: Vec<String> = block.stmts.iter().map(|s| self.stmt_text(s)).collect();
        let line = if parts.is_empty() {
            format!("{header} {{ }}")
        } else {
            format!("{header} {{ {} }}", parts.join(" "))
        };
        let width = line.chars().count() + self.depth * INDENT.len();
        (width <= MAX_ONE_LINE && !line.contains('\n')).then_some(line)
    }

    fn stmt(&mut self, stmt: &Stmt, next: usize) {
        if let StmtKind::Block(inner) = &stmt.kind {
            self.block(inner, next);
            return;
        }
        let text = self.stmt_text(stmt);
        self.line(&text, stmt.span.start, stmt.span.end);
        self.trailing_comment(stmt.span.end, next);
    }

    fn stmt_text(&self, stmt: &Stmt) -> String {
        let q = |q: &Quantity| quantity(q);
        let ids = |ids: &[super::ast::Ident]| {
            ids.iter()
                .map(|i| i.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        match &stmt.kind {
            StmtKind::Kommun { name, code } => {
                format!("kommun {} kommunkod {}", quoted(name), code.value)
            }
            StmtKind::Skala(x) => with(lang::SKALA, q(x)),
            StmtKind::System(list) => with(lang::SYSTEM, ids(list)),
            StmtKind::OvrigaSystem(list) => with(lang::OVRIGA_SYSTEM, ids(list)),
            StmtKind::Kanaler(list) => with(lang::KANALER, ids(list)),
            StmtKind::Attribut(decls) => {
                let decls: Vec<String> = decls
                    .iter()
                    .map(|d| match &d.kind {
                        Some(kind) => format!("{} {}", d.name.name, kind.value.keyword()),
                        None => d.name.name.clone(),
                    })
                    .collect();
                format!("attribut {}", decls.join(", "))
            }
            StmtKind::Frekvensgrans(x) => with(lang::FREKVENSGRANS, q(x)),
            StmtKind::DirektRange(r) => with(lang::DIREKT_ROSA, self.slice(r.span)),
            StmtKind::ManusRange(r) => with(lang::MANUS_ROSA, self.slice(r.span)),
            StmtKind::Reserv(t) => format!("reserv vidarekoppla {}", target_parts(&t.parts)),
            StmtKind::Mal(x) => with(lang::MAL, q(x)),
            StmtKind::Arsarbetstid(x) => with(lang::ARSARBETSTID, q(x)),
            StmtKind::Arskostnad(x) => format!("årskostnad {} per årsarbetare", q(x)),
            StmtKind::Oppettider(list) => {
                let list: Vec<String> = list.iter().map(|o| self.opening(o)).collect();
                with(lang::OPPETTIDER, list.join(", "))
            }
            StmtKind::Serviceniva { share, within } => {
                format!("servicenivå {} inom {}", q(share), q(within))
            }
            StmtKind::Maxbelaggning(x) => with(lang::MAXBELAGGNING, q(x)),
            StmtKind::Franvaro(x) => with(lang::FRANVARO, q(x)),
            StmtKind::Stangt(list) => {
                let days: Vec<&str> = list
                    .iter()
                    .map(|d| lang::closed_day(&d.name).unwrap_or(&d.name))
                    .collect();
                with(lang::STANGT, days.join(", "))
            }
            StmtKind::Tid {
                kundtjanst,
                forvaltning,
            } => match forvaltning {
                Some(f) => format!("tid {}, förvaltning {}", q(kundtjanst), q(f)),
                None => format!("tid {}", q(kundtjanst)),
            },
            StmtKind::Forward(t) => with(lang::VIDAREKOPPLA, target_parts(&t.parts)),
            StmtKind::EjKanaler(list) => with(lang::EJ_KANALER, ids(list)),
            StmtKind::Rule(rule) => {
                let mut s = format!(
                    "om `{}` => {}",
                    rule.condition.value,
                    outcome(rule.outcome.value)
                );
                if !rule.target.is_empty() {
                    s.push(' ');
                    s.push_str(&target_parts(&rule.target));
                }
                s
            }
            StmtKind::Rosa(level) => with(lang::ROSA, self.slice(level.span)),
            StmtKind::Frekvens(x) => with(lang::FREKVENS, q(x)),
            StmtKind::Manus(path) => with(lang::MANUS, quoted(path)),
            StmtKind::Sekretess => lang::SEKRETESS.name.into(),
            StmtKind::Overenskommet(o) => with(lang::OVERENSKOMMET, outcome(o.value)),
            StmtKind::Sokord(words) => {
                let words: Vec<String> = words.iter().map(quoted).collect();
                with(lang::SOKORD, words.join(", "))
            }
            StmtKind::Block(_) => String::new(),
            StmtKind::TestArendetyp(id) => format!("ärendetyp {}", id.name),
            StmtKind::TestDelmoment(id) => format!("delmoment {}", id.name),
            StmtKind::TestKanal(id) => format!("kanal {}", id.name),
            StmtKind::TestTid(t) => format!("tid {}", t.value),
            StmtKind::TestAttribut(pairs) => {
                let pairs: Vec<String> = pairs
                    .iter()
                    .map(|(name, value)| format!("{} = {}", name.name, self.value(value)))
                    .collect();
                format!("attribut {}", pairs.join(", "))
            }
            StmtKind::TestForvantat { outcome: o, till } => match till {
                Some(t) => format!("förväntat {} till {}", outcome(o.value), t.name),
                None => format!("förväntat {}", outcome(o.value)),
            },
        }
    }

    fn slice(&self, span: crate::source::Span) -> &str {
        &self.src[span.start..span.end]
    }

    fn value(&self, value: &Word<Value>) -> String {
        match &value.value {
            Value::Text(t) => format!("\"{t}\""),
            Value::Bool(true) => "ja".into(),
            Value::Bool(false) => "nej".into(),
            Value::Number(_) => self.slice(value.span).to_string(),
        }
    }

    fn opening(&self, o: &Opening) -> String {
        let days = match o.last_day {
            Some(last) => format!("{}-{}", day(o.first_day.value), day(last.value)),
            None => day(o.first_day.value).to_string(),
        };
        format!("{days} {}-{}", self.clock(o.opens), self.clock(o.closes))
    }

    /// `8:00` becomes `08:00`; an invalid time is kept as written for the checker to report.
    fn clock(&self, c: Word<u32>) -> String {
        if c.value == u32::MAX {
            return self.slice(c.span).to_string();
        }
        format!("{:02}:{:02}", c.value / 60, c.value % 60)
    }
}

fn quoted(text: &Text) -> String {
    format!("\"{}\"", text.value)
}

fn quantity(q: &Quantity) -> String {
    match &q.unit {
        Some(unit) => format!("{} {}", q.text, unit.value.canonical()),
        None => q.text.clone(),
    }
}

fn outcome(word: OutcomeWord) -> &'static str {
    word.keyword()
}

fn target_parts(parts: &[TargetPart]) -> String {
    parts
        .iter()
        .map(|p| match p {
            TargetPart::Till(id) => format!("till {}", id.name),
            TargetPart::Ko(t) => format!("kö {}", quoted(t)),
            TargetPart::Telefon(t) => format!("telefon {}", quoted(t)),
            TargetPart::Epost(t) => format!("e-post {}", quoted(t)),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn day(d: u8) -> &'static str {
    lang::weekday_name(d)
}

/// A statement's keywords and what follows them.
fn with(statement: lang::Statement, rest: impl std::fmt::Display) -> String {
    format!("{} {rest}", statement.name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(text: &str) -> String {
        format_source(0, text).unwrap()
    }

    #[test]
    fn canonical_layout_keeps_comments() {
        let src = "// Bygg\nforvaltning bygg \"Bygg\" { // huvud\n  arendetyp a \"A\" {rosa 3 // nivå\n\n\n frekvens 5 per manad }\n  // sist\n}";
        let out = fmt(src);
        assert_eq!(
            out,
            "// Bygg\nförvaltning bygg \"Bygg\" { // huvud\n    ärendetyp a \"A\" {\n        rosa 3 // nivå\n\n        frekvens 5 per månad\n    }\n    // sist\n}\n"
        );
        assert_eq!(fmt(&out), out, "formatting twice changes nothing");
    }

    #[test]
    fn short_delmoment_stay_on_one_line() {
        let out =
            fmt("förvaltning b \"B\" { ärendetyp a \"A\" { delmoment x \"X\" {\n rosa 1\n } } }");
        assert!(
            out.contains("        delmoment x \"X\" { rosa 1 }\n"),
            "{out}"
        );
        // One space between statements, as everywhere else on a line.
        let out =
            fmt("förvaltning b \"B\" { ärendetyp a \"A\" { delmoment x { rosa 1\n system S } } }");
        assert!(out.contains("delmoment x { rosa 1 system S }\n"), "{out}");
    }
}
