//! Stage 1: rule file text → syntax tree ([`ast`]), with the grammar in `grammar/rosa.pest`.
//!
//! A syntax error stops the file it is in (pest does not recover); the loader goes on
//! with the other files so that the author sees every broken file at once.

pub(crate) mod ast;
pub(crate) mod condition;
pub(crate) mod format;

use crate::diagnostics::{Code, Diagnostic};
use crate::source::{FileId, Span};
use ast::{
    Block, BlockKind, Comment, File, Ident, Level, LevelRange, Opening, OutcomeWord, Quantity,
    Stmt, StmtKind, Target, TargetPart, Text, Unit, Value, Word,
};
use pest::Parser as _;
use pest::iterators::Pair;

#[derive(pest_derive::Parser)]
#[grammar = "grammar/rosa.pest"]
struct RosaParser;

/// Parse one rule file.
pub(crate) fn parse(file: FileId, text: &str) -> Result<File, Box<Diagnostic>> {
    let mut pairs =
        RosaParser::parse(Rule::file, text).map_err(|e| Box::new(syntax_error(file, text, &e)))?;
    let root = pairs
        .next()
        .expect("the grammar's `file` rule always yields one pair");
    // Comments can end up inside any non-atomic pair (pest's implicit whitespace before
    // an optional or repeated part that then does not match), so collect them all here
    // and skip them wherever the tree is read.
    let mut comments: Vec<Comment> = root
        .clone()
        .into_inner()
        .flatten()
        .filter(|p| p.as_rule() == Rule::COMMENT)
        .map(|p| comment(file, p))
        .collect();
    comments.sort_by_key(|c| c.span.start);
    let builder = Builder {
        file,
        text,
        comments: &comments,
    };
    let mut blocks = Vec::new();
    for pair in inner(root) {
        if pair.as_rule() != Rule::EOI {
            blocks.push(builder.block(pair));
        }
    }
    Ok(File {
        file,
        blocks,
        comments,
    })
}

/// A comment; its span ends where its text ends (trailing blanks are not part of it).
fn comment(file: FileId, pair: Pair<Rule>) -> Comment {
    let text = pair.as_str().trim_end().to_string();
    let start = pair.as_span().start();
    Comment {
        span: Span::new(file, start, start + text.len()),
        text,
    }
}

/// The children of a pair without comments.
fn inner(pair: Pair<'_, Rule>) -> impl Iterator<Item = Pair<'_, Rule>> {
    pair.into_inner().filter(|p| p.as_rule() != Rule::COMMENT)
}

struct Builder<'t> {
    file: FileId,
    text: &'t str,
    /// Every comment of the file, in order.
    comments: &'t [Comment],
}

impl Builder<'_> {
    /// A pair's span without the whitespace and comments that pest's implicit
    /// whitespace may have attached to its end.
    fn span(&self, pair: &Pair<Rule>) -> Span {
        let s = pair.as_span();
        let (start, mut end) = (s.start(), s.end());
        loop {
            end = start
                + self.text[start..end]
                    .trim_end_matches([' ', '\t', '\n', '\r', '\u{FEFF}'])
                    .len();
            match self.comments.binary_search_by_key(&end, |c| c.span.end) {
                Ok(i) if self.comments[i].span.start >= start && end > start => {
                    end = self.comments[i].span.start;
                }
                _ => break,
            }
        }
        Span::new(self.file, start, end)
    }

    /// The meaningful children of a pair: comments and punctuation are dropped.
    fn children<'i>(&self, pair: Pair<'i, Rule>) -> Vec<Pair<'i, Rule>> {
        inner(pair)
            .filter(|child| !matches!(child.as_rule(), Rule::open | Rule::close | Rule::arrow))
            .collect()
    }

    fn block(&self, pair: Pair<Rule>) -> Block {
        let kind = match pair.as_rule() {
            Rule::policy => BlockKind::Policy,
            Rule::forvaltning => BlockKind::Forvaltning,
            Rule::arendetyp => BlockKind::Arendetyp,
            Rule::delmoment => BlockKind::Delmoment,
            _ => BlockKind::Test,
        };
        let span = self.span(&pair);
        let mut id = None;
        let mut name = None;
        let mut keyword = span;
        let mut stmts = Vec::new();
        for child in self.children(pair) {
            match child.as_rule() {
                r if is_keyword(r) => keyword = self.span(&child),
                Rule::ident => id = Some(self.ident(child)),
                Rule::string => name = Some(self.text(child)),
                _ => stmts.push(self.stmt(child)),
            }
        }
        Block {
            kind,
            id,
            name,
            stmts,
            span,
            keyword,
        }
    }

    fn stmt(&self, pair: Pair<Rule>) -> Stmt {
        let span = self.span(&pair);
        let kind = pair.as_rule();
        if matches!(kind, Rule::arendetyp | Rule::delmoment) {
            return Stmt {
                kind: StmtKind::Block(self.block(pair)),
                span,
            };
        }
        let args: Vec<Pair<Rule>> = self
            .children(pair)
            .into_iter()
            .filter(|p| !is_keyword(p.as_rule()))
            .collect();
        Stmt {
            kind: self.stmt_kind(kind, args, span),
            span,
        }
    }

    fn stmt_kind(&self, kind: Rule, args: Vec<Pair<Rule>>, span: Span) -> StmtKind {
        let mut args = args.into_iter();
        let mut next = || args.next().expect("the grammar guarantees this argument");
        match kind {
            Rule::kommun_stmt => StmtKind::Kommun {
                name: self.text(next()),
                code: self.raw_text(next()),
            },
            Rule::skala_stmt => StmtKind::Skala(self.quantity(next())),
            Rule::system_stmt => StmtKind::System(self.ident_list(next())),
            Rule::ovriga_system_stmt => StmtKind::OvrigaSystem(self.ident_list(next())),
            Rule::kanaler_stmt => StmtKind::Kanaler(self.ident_list(next())),
            Rule::attribut_stmt => {
                let mut decls = vec![self.attr_decl(next())];
                decls.extend(args.map(|p| self.attr_decl(p)));
                StmtKind::Attribut(decls)
            }
            Rule::frekvensgrans_stmt => StmtKind::Frekvensgrans(self.quantity(next())),
            Rule::direkt_stmt => StmtKind::DirektRange(self.level_range(next())),
            Rule::manusniva_stmt => StmtKind::ManusRange(self.level_range(next())),
            Rule::reserv_stmt => StmtKind::Reserv(self.target(next())),
            Rule::mal_stmt => StmtKind::Mal(self.quantity(next())),
            Rule::arsarbetstid_stmt => StmtKind::Arsarbetstid(self.quantity(next())),
            Rule::arskostnad_stmt => StmtKind::Arskostnad(self.quantity(next())),
            Rule::oppettider_stmt => {
                let mut openings = vec![self.opening(next())];
                openings.extend(args.map(|p| self.opening(p)));
                StmtKind::Oppettider(openings)
            }
            Rule::serviceniva_stmt => StmtKind::Serviceniva {
                share: self.quantity(next()),
                within: self.quantity(next()),
            },
            Rule::maxbelaggning_stmt => StmtKind::Maxbelaggning(self.quantity(next())),
            Rule::franvaro_stmt => StmtKind::Franvaro(self.quantity(next())),
            Rule::stangt_stmt => StmtKind::Stangt(self.ident_list(next())),
            Rule::tid_stmt => StmtKind::Tid {
                kundtjanst: self.quantity(next()),
                forvaltning: args.next().map(|p| self.quantity(p)),
            },
            Rule::forward_stmt => StmtKind::Forward(self.target(next())),
            Rule::ej_kanaler_stmt => StmtKind::EjKanaler(self.ident_list(next())),
            Rule::rule => StmtKind::Rule(self.rule(next(), args.collect(), span)),
            Rule::rosa_stmt => StmtKind::Rosa(self.level(next())),
            Rule::frekvens_stmt => StmtKind::Frekvens(self.quantity(next())),
            Rule::manus_stmt => StmtKind::Manus(self.text(next())),
            Rule::sekretess_stmt => StmtKind::Sekretess,
            Rule::overenskommet_stmt => StmtKind::Overenskommet(self.outcome(next())),
            Rule::sokord_stmt => {
                let mut words = vec![self.text(next())];
                words.extend(args.map(|p| self.text(p)));
                StmtKind::Sokord(words)
            }
            Rule::test_arendetyp => StmtKind::TestArendetyp(self.ident(next())),
            Rule::test_delmoment => StmtKind::TestDelmoment(self.ident(next())),
            Rule::test_kanal => StmtKind::TestKanal(self.ident(next())),
            Rule::test_tid => StmtKind::TestTid(self.raw_text(next())),
            Rule::test_attribut => {
                let mut pairs = vec![self.attr_assign(next())];
                pairs.extend(args.map(|p| self.attr_assign(p)));
                StmtKind::TestAttribut(pairs)
            }
            Rule::test_forvantat => StmtKind::TestForvantat {
                outcome: self.outcome(next()),
                till: args.next().map(|p| self.target_till(p)),
            },
            other => {
                unreachable!("statement rule {other:?} is not in the grammar's statement lists")
            }
        }
    }

    fn ident(&self, pair: Pair<Rule>) -> Ident {
        Ident {
            name: pair.as_str().to_string(),
            span: self.span(&pair),
        }
    }

    fn attr_decl(&self, pair: Pair<Rule>) -> ast::AttrDecl {
        let mut parts = inner(pair);
        let name = self.ident(parts.next().expect("an attribute has a name"));
        let kind = parts.next().map(|k| Word {
            value: match k.as_str() {
                "tal" => ast::AttrKind::Tal,
                "text" => ast::AttrKind::Text,
                _ => ast::AttrKind::JaNej,
            },
            span: self.span(&k),
        });
        ast::AttrDecl { name, kind }
    }

    fn ident_list(&self, pair: Pair<Rule>) -> Vec<Ident> {
        inner(pair).map(|p| self.ident(p)).collect()
    }

    /// A quoted string: the value without quotes, the span with them.
    fn text(&self, pair: Pair<Rule>) -> Text {
        let span = self.span(&pair);
        let value = pair
            .into_inner()
            .next()
            .map(|p| p.as_str().to_string())
            .unwrap_or_default();
        Text { value, span }
    }

    /// An unquoted token kept as text (kommunkod, timestamp).
    fn raw_text(&self, pair: Pair<Rule>) -> Text {
        Text {
            value: pair.as_str().to_string(),
            span: self.span(&pair),
        }
    }

    fn quantity(&self, pair: Pair<Rule>) -> Quantity {
        let span = self.span(&pair);
        let mut inner = inner(pair);
        let number = inner.next().expect("quantity starts with a number");
        let text = number.as_str().to_string();
        let unit = inner.next().map(|u| Word {
            value: unit_of(u.as_str()),
            span: self.span(&u),
        });
        Quantity {
            value: parse_number(&text),
            text,
            unit,
            span,
        }
    }

    fn level(&self, pair: Pair<Rule>) -> Level {
        Level {
            value: pair.as_str().parse().unwrap_or(u32::MAX),
            span: self.span(&pair),
        }
    }

    fn level_range(&self, pair: Pair<Rule>) -> LevelRange {
        let span = self.span(&pair);
        let mut inner = inner(pair);
        let from = self.level(inner.next().expect("a range starts with a level"));
        let to = inner.next().map(|p| self.level(p)).unwrap_or(from);
        LevelRange { from, to, span }
    }

    fn opening(&self, pair: Pair<Rule>) -> Opening {
        let span = self.span(&pair);
        let parts: Vec<Pair<Rule>> = inner(pair).collect();
        let day = |p: &Pair<Rule>| Word {
            value: weekday_of(p.as_str()),
            span: self.span(p),
        };
        let clock = |p: &Pair<Rule>| Word {
            value: minutes_of(p.as_str()),
            span: self.span(p),
        };
        let (first, last, clocks) = match parts.as_slice() {
            [d1, d2, c1, c2] => (d1, Some(d2), [c1, c2]),
            [d1, c1, c2] => (d1, None, [c1, c2]),
            _ => unreachable!("an opening is day[-day] clock-clock"),
        };
        Opening {
            first_day: day(first),
            last_day: last.map(day),
            opens: clock(clocks[0]),
            closes: clock(clocks[1]),
            span,
        }
    }

    fn outcome(&self, pair: Pair<Rule>) -> Word<OutcomeWord> {
        let value = match pair.as_rule() {
            Rule::outcome_direkt => OutcomeWord::Direkt,
            Rule::outcome_manus => OutcomeWord::Manus,
            _ => OutcomeWord::Vidarekoppla,
        };
        Word {
            value,
            span: self.span(&pair),
        }
    }

    fn target(&self, pair: Pair<Rule>) -> Target {
        let span = self.span(&pair);
        let parts = inner(pair)
            .filter(|p| !is_keyword(p.as_rule()))
            .map(|p| self.target_part(p))
            .collect();
        Target { parts, span }
    }

    fn target_part(&self, pair: Pair<Rule>) -> TargetPart {
        let kind = pair.as_rule();
        let arg = inner(pair)
            .find(|p| !is_keyword(p.as_rule()))
            .expect("a target part has an argument");
        match kind {
            Rule::target_till => TargetPart::Till(self.ident(arg)),
            Rule::target_ko => TargetPart::Ko(self.text(arg)),
            Rule::target_telefon => TargetPart::Telefon(self.text(arg)),
            _ => TargetPart::Epost(self.text(arg)),
        }
    }

    fn target_till(&self, pair: Pair<Rule>) -> Ident {
        match self.target_part(pair) {
            TargetPart::Till(id) => id,
            _ => unreachable!("`förväntat` only takes `till`"),
        }
    }

    fn rule(&self, condition: Pair<Rule>, rest: Vec<Pair<Rule>>, span: Span) -> ast::Rule {
        let text = condition
            .into_inner()
            .next()
            .expect("a condition has its text");
        let mut rest = rest.into_iter();
        let outcome = self.outcome(rest.next().expect("a rule has an outcome"));
        ast::Rule {
            condition: Text {
                value: text.as_str().to_string(),
                span: self.span(&text),
            },
            outcome,
            target: rest.map(|p| self.target_part(p)).collect(),
            span,
        }
    }

    fn attr_assign(&self, pair: Pair<Rule>) -> (Ident, Word<Value>) {
        let mut inner = inner(pair);
        let name = self.ident(inner.next().expect("name = value"));
        let value = inner.next().expect("name = value");
        let span = self.span(&value);
        let value = match value.as_rule() {
            Rule::string => Value::Text(self.text(value).value),
            Rule::bool_true => Value::Bool(true),
            Rule::bool_false => Value::Bool(false),
            _ => Value::Number(parse_number(value.as_str())),
        };
        (name, Word { value, span })
    }
}

fn is_keyword(kind: Rule) -> bool {
    use Rule::*;
    matches!(
        kind,
        kw_kundtjanst
            | kw_forvaltning
            | kw_arendetyp
            | kw_delmoment
            | kw_test
            | kw_kommun
            | kw_kommunkod
            | kw_skala
            | kw_system
            | kw_ovriga
            | kw_kanaler
            | kw_ej
            | kw_attribut
            | kw_frekvensgrans
            | kw_direkt
            | kw_manus
            | kw_rosa
            | kw_reserv
            | kw_mal
            | kw_arsarbetstid
            | kw_arskostnad
            | kw_arsarbetare
            | kw_oppettider
            | kw_serviceniva
            | kw_inom
            | kw_maxbelaggning
            | kw_franvaro
            | kw_tid
            | kw_stangt
            | kw_frekvens
            | kw_sekretess
            | kw_overenskommet
            | kw_sokord
            | kw_vidarekoppla
            | kw_till
            | kw_ko
            | kw_telefon
            | kw_epost
            | kw_om
            | kw_kanal
            | kw_forvantat
            | kw_per
    )
}

/// `2,5` and `2.5` are the same number.
fn parse_number(text: &str) -> f64 {
    text.replace(',', ".").parse().unwrap_or(f64::MAX)
}

/// The grammar admits only the language's units, so the fallback is never taken.
fn unit_of(text: &str) -> Unit {
    match text.strip_prefix("per") {
        Some(period) => Unit::period(period.trim_start()),
        None => Unit::word(text),
    }
    .unwrap_or(Unit::Levels)
}

/// The grammar admits only weekdays; 7 as the old reading did for anything else.
fn weekday_of(text: &str) -> u8 {
    crate::lang::weekday(text).unwrap_or(7)
}

fn minutes_of(text: &str) -> u32 {
    let (h, m) = text.split_once([':', '.']).unwrap_or((text, "0"));
    match (h.parse::<u32>(), m.parse::<u32>()) {
        (Ok(h), Ok(m)) if h <= 24 && m < 60 => h * 60 + m,
        _ => u32::MAX,
    }
}

/// The Swedish words a rule author sees for what the parser expected.
fn describe(kind: &Rule) -> &'static str {
    use Rule::*;
    match kind {
        EOI => "filens slut",
        policy | kw_kundtjanst => "`kundtjänst`",
        forvaltning | kw_forvaltning => "`förvaltning`",
        arendetyp | kw_arendetyp | test_arendetyp => "`ärendetyp`",
        delmoment | kw_delmoment | test_delmoment => "`delmoment`",
        test | kw_test => "`test`",
        open => "`{`",
        close => "`}`",
        arrow => "`=>`",
        kommun_stmt | kw_kommun => "`kommun`",
        kw_kommunkod => "`kommunkod`",
        skala_stmt | kw_skala => "`skala`",
        system_stmt | kw_system => "`system`",
        ovriga_system_stmt | kw_ovriga => "`övriga system`",
        kanaler_stmt | kw_kanaler => "`kanaler`",
        ej_kanaler_stmt | kw_ej => "`ej kanaler`",
        attribut_stmt | kw_attribut | test_attribut => "`attribut`",
        frekvensgrans_stmt | kw_frekvensgrans => "`frekvensgräns`",
        direkt_stmt => "`direkt rosa`",
        manusniva_stmt => "`manus rosa`",
        reserv_stmt | kw_reserv => "`reserv`",
        mal_stmt | kw_mal => "`mål`",
        arsarbetstid_stmt | kw_arsarbetstid => "`årsarbetstid`",
        arskostnad_stmt | kw_arskostnad => "`årskostnad`",
        kw_arsarbetare => "`årsarbetare`",
        oppettider_stmt | kw_oppettider => "`öppettider`",
        serviceniva_stmt | kw_serviceniva => "`servicenivå`",
        kw_inom => "`inom`",
        maxbelaggning_stmt | kw_maxbelaggning => "`maxbeläggning`",
        franvaro_stmt | kw_franvaro => "`frånvaro`",
        tid_stmt | test_tid | kw_tid => "`tid`",
        stangt_stmt | kw_stangt => "`stängt`",
        rosa_stmt | kw_rosa => "`rosa`",
        frekvens_stmt | kw_frekvens => "`frekvens`",
        manus_stmt | kw_manus | outcome_manus => "`manus`",
        sekretess_stmt | kw_sekretess => "`sekretess`",
        overenskommet_stmt | kw_overenskommet => "`överenskommet`",
        sokord_stmt | kw_sokord => "`sökord`",
        forward_stmt | target | kw_vidarekoppla | outcome_vidarekoppla => "`vidarekoppla`",
        outcome_direkt | kw_direkt => "`direkt`",
        target_till | kw_till => "`till`",
        target_ko | kw_ko => "`kö`",
        target_telefon | kw_telefon => "`telefon`",
        target_epost | kw_epost => "`e-post`",
        rule | kw_om => "`om`",
        test_kanal | kw_kanal => "`kanal`",
        test_forvantat | kw_forvantat => "`förväntat`",
        kw_per | per_unit => "`per` och en period (år, månad, vecka, dag)",
        period => "en period (år, månad, vecka eller dag)",
        unit_word => "en enhet (t.ex. `min`, `%`, `s`, `tim`)",
        quantity | number | signed_number => "ett tal",
        level => "en nivå (ett heltal)",
        level_range => "en nivå eller ett intervall som `3-4`",
        opening => "öppettider som `mån-fre 08:00-16:30`",
        day => "en veckodag (mån, tis, ons, tor, fre, lör, sön)",
        clock => "ett klockslag som `08:00`",
        kommunkod => "en kommunkod med fyra siffror",
        condition | condition_text => "ett villkor inom bakåtfnuttar, t.ex. `kanal == \"besök\"`",
        timestamp => "en tidpunkt som `2026-03-02T10:00`",
        attr_assign => "`namn = värde`",
        bool_true | bool_false => "`ja` eller `nej`",
        attr_decl => "ett attributnamn, t.ex. `belopp tal`",
        attr_kind => "en typ: `tal`, `text` eller `ja/nej`",
        ident | ident_list => "ett id (bokstäver, siffror, `-` och `_`)",
        string | string_text => "en text inom citattecken",
        _ => "något annat",
    }
}

fn syntax_error(file: FileId, text: &str, error: &pest::error::Error<Rule>) -> Diagnostic {
    let pos = match error.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    };
    let found = found_at(text, pos);
    let end = (pos
        + found
            .len()
            .max(text[pos..].chars().next().map_or(0, char::len_utf8)))
    .min(text.len());
    let span = Span::new(file, pos, end);
    let positives: Vec<Rule> = match &error.variant {
        // A comment may come almost anywhere; it is never what the author missed.
        pest::error::ErrorVariant::ParsingError { positives, .. } => positives
            .iter()
            .copied()
            .filter(|r| !matches!(r, Rule::COMMENT | Rule::WHITESPACE))
            .collect(),
        pest::error::ErrorVariant::CustomError { .. } => Vec::new(),
    };
    if let Some(slip) = slip(text, pos, found, &positives) {
        return Diagnostic::new(Code::Syntax, span, slip.message)
            .label(slip.label)
            .help(slip.help);
    }
    let expected = match &error.variant {
        pest::error::ErrorVariant::ParsingError { .. } => expected_list(&positives),
        pest::error::ErrorVariant::CustomError { message } => message.clone(),
    };
    let found_text = if found.is_empty() {
        "filens slut".to_string()
    } else {
        format!("`{found}`")
    };
    Diagnostic::new(
        Code::Syntax,
        span,
        format!("väntade mig {expected}, men hittade {found_text}"),
    )
    .label(if expected.chars().count() <= 60 {
        format!("här väntades {expected}")
    } else {
        "det här passar inte här".to_string()
    })
    .help("se docs/regelsprak.md för hur raden ska skrivas")
}

/// A natural slip, recognised so that the message names the cause and shows the fix.
struct Slip {
    message: String,
    label: String,
    help: String,
}

fn slip(text: &str, pos: usize, found: &str, positives: &[Rule]) -> Option<Slip> {
    let before = text[..pos].trim_end_matches([' ', '\t']);
    let previous = before
        .rsplit(|c: char| c.is_whitespace())
        .next()
        .unwrap_or_default();
    let next_word = text[pos + found.len()..]
        .split_whitespace()
        .next()
        .unwrap_or_default();
    let slip = |message: String, label: &str, help: String| {
        Some(Slip {
            message,
            label: label.to_string(),
            help,
        })
    };
    // Word and Outlook turn "…" into “…” as you type.
    if found.starts_with(['“', '”', '„', '«', '»', '‘', '’']) {
        return slip(
            "typografiska citattecken (“…”) räknas inte som citattecken i rosa".to_string(),
            "citattecken från Word",
            "använd raka citattecken `\"…\"`, inte “…” från Word".to_string(),
        );
    }
    let is_number = |w: &str| !w.is_empty() && w.bytes().all(|b| b.is_ascii_digit());
    // `20 i månaden`: how one says it, not how rosa writes it.
    if found == "i" && is_number(previous) {
        let period = match next_word.trim_end_matches([',', '.']) {
            "månaden" | "månad" | "manaden" => Some("månad"),
            "veckan" | "vecka" => Some("vecka"),
            "året" | "år" | "aret" => Some("år"),
            "dagen" | "dag" => Some("dag"),
            _ => None,
        };
        if let Some(period) = period {
            return slip(
                format!("`{previous} i {next_word}` går inte att läsa som en frekvens"),
                "skriv `per` i stället för `i`",
                format!("skriv `{previous} per {period}`"),
            );
        }
    }
    // `1 600 tim`: a thousands separator splits the number in two.
    if is_number(found) && is_number(previous) && previous.len() <= 3 && found.len() == 3 {
        let rest: Vec<&str> = text[pos + found.len()..]
            .split_whitespace()
            .take(2)
            .collect();
        let unit = match rest.as_slice() {
            ["per", period, ..] => format!(" per {period}"),
            [unit, ..] if is_unit(unit) => format!(" {unit}"),
            _ => String::new(),
        };
        return slip(
            format!("`{previous} {found}` är två tal för rosa"),
            "mellanslag inne i talet",
            format!("rosa skriver tal utan mellanslag: `{previous}{found}{unit}`"),
        );
    }
    // `nivå 3`: the level is written with the name of the method.
    let rosa_expected = positives
        .iter()
        .any(|r| matches!(r, Rule::rosa_stmt | Rule::kw_rosa));
    if matches!(found, "nivå" | "niva") && rosa_expected {
        let level = next_word.trim_end_matches(['}', ',']);
        let level = if is_number(level) { level } else { "3" };
        return slip(
            format!("`{found}` är inget ord i rosa; nivån skrivs med `rosa`"),
            "skriv `rosa` här",
            format!("skriv `rosa {level}`"),
        );
    }
    // `sekretess ja`: the statement is a flag on its own.
    if matches!(previous, "sekretess") && matches!(found, "ja" | "nej" | "sant" | "falskt") {
        return slip(
            format!("`sekretess` står ensamt, utan `{found}`"),
            "ta bort det här ordet",
            "skriv bara `sekretess`; står raden inte med finns ingen sekretess".to_string(),
        );
    }
    // `rosa 3,5`: a level is a step on the scale, not a measure.
    let decimal = found.len() > 1
        && found.starts_with([',', '.'])
        && found[1..].starts_with(|c: char| c.is_ascii_digit());
    if decimal && is_number(previous) && positives.iter().all(|r| *r != Rule::number) {
        let line_start = text[..pos].rfind('\n').map_or(0, |i| i + 1);
        if text[line_start..pos].contains("rosa") {
            return slip(
                format!("`{previous}{found}` är ingen nivå"),
                "nivån har decimaler",
                format!(
                    "en nivå är ett heltal 1–8: välj `rosa {previous}` eller `rosa {}`",
                    previous.parse::<u32>().map_or(0, |n| n + 1)
                ),
            );
        }
    }
    // `ärendtyp`: a keyword with a letter too few or too many.
    let word = found.trim_end_matches(['{', '}', ',', '`']);
    if word.chars().next().is_some_and(char::is_alphabetic) {
        let keywords: Vec<&str> = positives
            .iter()
            .map(describe)
            .filter_map(|d| d.strip_prefix('`')?.strip_suffix('`'))
            .filter(|k| k.chars().all(|c| c.is_alphabetic() || c == ' ' || c == '-'))
            .collect();
        if let Some(keyword) = crate::lang::names::suggest(word, keywords) {
            return slip(
                format!("okänt ord `{word}`. Menade du `{keyword}`?"),
                "okänt ord",
                format!("skriv `{keyword}`; se docs/regelsprak.md för vilka ord som finns"),
            );
        }
    }
    None
}

/// A unit of a measure (not a period, `nivåer` or `kr`), for the "1 600 tim" slip.
fn is_unit(word: &str) -> bool {
    matches!(
        Unit::word(word),
        Some(Unit::Percent | Unit::Minutes | Unit::Seconds | Unit::Hours)
    )
}

/// What pest expected, described in Swedish; a long list is grouped into keywords
/// (with a few examples) and the rest, since 19 alternatives help nobody.
fn expected_list(positives: &[Rule]) -> String {
    let mut words: Vec<&str> = positives.iter().map(describe).collect();
    let mut seen = std::collections::HashSet::new();
    words.retain(|w| seen.insert(*w));
    if words.len() <= 4 {
        return join_or(&words);
    }
    let (keywords, rest): (Vec<&str>, Vec<&str>) = words.iter().partition(|w| {
        w.starts_with('`') && w.ends_with('`') && w[1..w.len() - 1].chars().all(char::is_alphabetic)
    });
    if keywords.len() < 3 {
        return join_or(&words);
    }
    // The statements an author writes most, first: pest lists them in grammar order.
    const COMMON: [&str; 8] = [
        "`rosa`",
        "`frekvens`",
        "`system`",
        "`manus`",
        "`om`",
        "`vidarekoppla`",
        "`ärendetyp`",
        "`kommun`",
    ];
    let mut keywords = keywords;
    keywords.sort_by_key(|k| COMMON.iter().position(|c| c == k).unwrap_or(COMMON.len()));
    let examples = keywords[..3].join(", ");
    let mut groups = vec![format!(
        "en rad som börjar med ett nyckelord (som {examples})"
    )];
    groups.extend(rest.iter().map(|w| w.to_string()));
    let groups: Vec<&str> = groups.iter().map(String::as_str).collect();
    join_or(&groups)
}

/// The word at `pos`, for "men hittade `…`".
fn found_at(text: &str, pos: usize) -> &str {
    let rest = &text[pos.min(text.len())..];
    let end = rest
        .char_indices()
        .find(|&(i, c)| c.is_whitespace() || (i > 0 && "{}\",`".contains(c)))
        .map_or(rest.len(), |(i, _)| i);
    let word = &rest[..end];
    match word.char_indices().nth(30) {
        Some((i, _)) => &word[..i],
        None => word,
    }
}

fn join_or(words: &[&str]) -> String {
    match words {
        [] => "något annat".to_string(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} eller {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_type_with_units_and_a_rule() {
        let file = parse(
            0,
            "förvaltning bygg \"Bygg\" {\n  ärendetyp a \"A\" { rosa 3 frekvens 2,5 per månad\n  om `kanal == \"besök\"` => vidarekoppla kö \"X\" } }",
        )
        .unwrap();
        let forv = &file.blocks[0];
        let StmtKind::Block(typ) = &forv.stmts[0].kind else {
            panic!("expected a type")
        };
        assert_eq!(typ.id.as_ref().unwrap().name, "a");
        let StmtKind::Frekvens(q) = &typ.stmts[1].kind else {
            panic!("expected frekvens")
        };
        assert_eq!(
            (q.value, q.unit.as_ref().unwrap().value),
            (2.5, Unit::PerMonth)
        );
        assert!(
            matches!(&typ.stmts[2].kind, StmtKind::Rule(r) if r.condition.value == "kanal == \"besök\"" && r.target.len() == 1)
        );
    }

    #[test]
    fn a_syntax_error_names_what_was_expected_in_swedish() {
        let err = parse(0, "förvaltning bygg \"Bygg\" {\n  ärendetyp a { }\n}").unwrap_err();
        assert_eq!(err.code, Code::Syntax);
        assert!(
            err.message.contains("en text inom citattecken"),
            "{}",
            err.message
        );
        assert!(err.message.contains("hittade `{`"), "{}", err.message);
    }

    #[test]
    fn a_long_list_of_what_could_come_is_grouped() {
        let err = parse(0, "förvaltning f \"F\" {\n  ärendetyp a \"A\" { 42 }\n}").unwrap_err();
        assert!(
            err.message
                .contains("en rad som börjar med ett nyckelord (som `"),
            "{}",
            err.message
        );
        assert!(err.message.chars().count() < 160, "{}", err.message);
    }

    #[test]
    fn niva_is_written_rosa() {
        let err = parse(0, "förvaltning f \"F\" { ärendetyp a \"A\" { nivå 4 } }").unwrap_err();
        assert_eq!(
            err.help.as_deref(),
            Some("skriv `rosa 4`"),
            "{}",
            err.message
        );
    }

    #[test]
    fn ej_kanaler_and_ej_kanal_are_one_statement() {
        for text in ["ej kanaler besök, telefon", "ej kanal besök, telefon"] {
            let file = parse(0, &format!("förvaltning f \"F\" {{ {text} }}")).unwrap();
            let StmtKind::EjKanaler(ids) = &file.blocks[0].stmts[0].kind else {
                panic!("expected ej kanaler: {text}")
            };
            let names: Vec<&str> = ids.iter().map(|i| i.name.as_str()).collect();
            assert_eq!(names, ["besök", "telefon"]);
        }
        // `ej` needs a list of channels after it.
        assert!(parse(0, "förvaltning f \"F\" { ej besök }").is_err());
    }

    /// Every statement of `crate::lang` parses in exactly the places it says it may stand.
    #[test]
    fn the_languages_statements_stand_where_the_grammar_lets_them() {
        use crate::lang::{PLACES, Place, STATEMENTS};
        let wrap = |place: Place, example: &str| match place {
            Place::File => example.to_string(),
            Place::Policy => format!("kundtjänst \"K\" {{\n{example}\n}}"),
            Place::Forvaltning => format!("förvaltning f \"F\" {{\n{example}\n}}"),
            Place::Arendetyp => {
                format!("förvaltning f \"F\" {{ ärendetyp a \"A\" {{\n{example}\n}} }}")
            }
            Place::Delmoment => format!(
                "förvaltning f \"F\" {{ ärendetyp a \"A\" {{ delmoment d {{\n{example}\n}} }} }}"
            ),
            Place::Test => format!("test \"t\" {{\n{example}\n}}"),
        };
        for statement in STATEMENTS {
            for place in PLACES {
                let parses = parse(0, &wrap(place, statement.example)).is_ok();
                assert_eq!(
                    parses,
                    statement.places.contains(&place),
                    "`{}` in {place:?}",
                    statement.example
                );
            }
        }
    }

    #[test]
    fn the_languages_outcomes_and_attribute_types_parse() {
        for outcome in crate::lang::OUTCOMES {
            let text = format!(
                "förvaltning f \"F\" {{ ärendetyp a \"A\" {{ överenskommet {outcome} }} }}"
            );
            assert!(parse(0, &text).is_ok(), "{outcome}");
        }
        for kind in crate::lang::ATTRIBUTE_TYPES {
            let file = parse(0, &format!("kundtjänst \"K\" {{ attribut a {kind} }}")).unwrap();
            let StmtKind::Attribut(decls) = &file.blocks[0].stmts[0].kind else {
                panic!("expected attribut")
            };
            assert_eq!(decls[0].kind.map(|k| k.value.keyword()), Some(kind));
        }
    }

    #[test]
    fn ascii_keywords_parse_like_swedish_ones() {
        let a = parse(0, "forvaltning x \"X\" { arendetyp t \"T\" { rosa 1 } }").unwrap();
        let b = parse(0, "förvaltning x \"X\" { ärendetyp t \"T\" { rosa 1 } }").unwrap();
        assert_eq!(a.blocks.len(), b.blocks.len());
    }
}
