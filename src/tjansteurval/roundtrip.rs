//! Importing an export: the files come from the `Regeltext` sheet exactly as they were,
//! and only a unit whose row in the visible sheet differs from the row the export writes
//! for those files is taken from its row (its own statements rewritten in place). A row
//! with no unit in the files is a new unit; a unit with no row is removed.

use super::export::{Cells, sheet_rows};
use super::header::{Column, EXPORT_HEADERS, Layout};
use super::read::{MAX_CELL_CHARS, Sheet};
use super::rows::{Rows, Unit};
use super::{ImportError, Imported, Kind, Report, write};
use crate::syntax::ast::{Block, BlockKind, Comment, StmtKind};

/// A unit's ids: förvaltning, ärendetyp, delmoment (empty when the row has none).
type Key = (String, String, String);

/// What an import of an export took from where, for the import to say.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Carried {
    /// How many files came from the `Regeltext` sheet.
    pub files: usize,
    /// Units rewritten from their edited row (`ärendetypen `bygglov``).
    pub edited: Vec<String>,
    /// Units added from rows with no unit in the files.
    pub added: Vec<String>,
    /// Units in the files with no row, removed.
    pub removed: Vec<String>,
    /// Whether the policy sheet was edited (the policy block rewritten from it).
    pub policy: bool,
}

/// A visible row: where it is, its unit and its cells as the export would write them.
struct VisibleRow {
    sheet: String,
    row: u32,
    key: Key,
    cells: Cells,
}

/// A unit block in the files: which file, and the block.
struct Located {
    key: Key,
    file: usize,
    block: Block,
}

/// Merge the visible rows into the files from `Regeltext`.
pub(crate) fn merge(
    files: Vec<(String, String)>,
    visible: &[(&Sheet, &Layout)],
    found: &Rows,
    policy: Option<&[String]>,
    report: Report,
) -> Result<Imported, ImportError> {
    let exported = sheet_rows(files.iter().map(|(p, t)| (p.as_str(), t.as_str())));
    let rows = visible_rows(visible, found);
    let mut merge = Merge {
        blocks: unit_blocks(&files),
        edits: vec![Vec::new(); files.len()],
        carried: Carried {
            files: files.len(),
            ..Carried::default()
        },
        files,
        found,
        report,
        touched: Vec::new(),
        new_forvaltningar: Vec::new(),
        new_types: Vec::new(),
    };
    let mut seen: Vec<(&Key, u32)> = Vec::new();
    for row in &rows {
        match seen.iter().find(|(k, _)| *k == &row.key) {
            Some((_, first)) => merge.duplicate(row, *first),
            None => {
                seen.push((&row.key, row.row));
                let before = exported.rows.iter().find(|c| key_of(c) == row.key);
                merge.row(row, before);
            }
        }
    }
    merge.remove_units_without_rows(&rows);
    if let Some(lines) = policy.filter(|l| *l != exported.policy.as_slice()) {
        merge.policy(lines);
    }
    merge.finish()
}

/// The merge's state: the files and their blocks, the edits so far, and what is said.
struct Merge<'a> {
    files: Vec<(String, String)>,
    blocks: Vec<Located>,
    found: &'a Rows,
    edits: Vec<Vec<Edit>>,
    carried: Carried,
    report: Report,
    /// The rows that changed a file, to name when a changed file does not parse.
    touched: Vec<String>,
    /// Förvaltningar with no block in the files, each to get a file of its own.
    new_forvaltningar: Vec<String>,
    /// Ärendetyper with no block in the files, already written whole with their delmoment.
    new_types: Vec<Key>,
}

impl Merge<'_> {
    fn duplicate(&mut self, row: &VisibleRow, first: u32) {
        self.report.add(
            &row.sheet,
            &format!("rad {}", row.row + 1),
            Kind::Skipped,
            format!(
                "{} har redan raden {}: ge raden egna id:n (kolumnerna med -id) för att lägga till en ny enhet",
                describe(&row.key),
                first + 1
            ),
        );
    }

    /// One row: equal to the exported one (nothing to do), edited, or new.
    fn row(&mut self, row: &VisibleRow, exported: Option<&Cells>) {
        let what = match exported {
            Some(cells) if same(cells, &row.cells) => return,
            Some(_) => {
                if !self.edited(&row.key) {
                    return;
                }
                self.carried.edited.push(describe(&row.key));
                format!("ändrad: {} skrivs om från raden", describe(&row.key))
            }
            None => {
                let Some(unit) = self.added(&row.key) else {
                    return;
                };
                let what = format!("ny: {unit} läggs till från raden");
                self.carried.added.push(unit);
                what
            }
        };
        let at = format!("rad {}", row.row + 1);
        self.touched.push(format!("blad `{}` {at}", row.sheet));
        self.report.add(&row.sheet, &at, Kind::Read, what);
    }

    /// The unit's block rewritten from its row; removed when the import could not read
    /// the row as a unit (the report says why).
    fn edited(&mut self, key: &Key) -> bool {
        let Some(at) = self.blocks.iter().find(|b| &b.key == key) else {
            return false;
        };
        let src = &self.files[at.file].1;
        let edits = match unit_text(self.found, key) {
            Some((name, lines)) => rewrite(src, &at.block, &name, &lines),
            None => vec![whole_lines(src, at.block.span)],
        };
        self.edits[at.file].extend(edits);
        true
    }

    /// A row with no unit in the files, put where it belongs: a delmoment before its
    /// ärendetyp's closing brace, an ärendetyp (with its delmoment) before its
    /// förvaltning's, a förvaltning in a file of its own. The unit added, or `None` when
    /// the row's unit came with one added before (or the import did not read it).
    fn added(&mut self, key: &Key) -> Option<String> {
        let forv: Key = (key.0.clone(), String::new(), String::new());
        let typ: Key = (key.0.clone(), key.1.clone(), String::new());
        let has = |k: &Key| self.blocks.iter().any(|b| &b.key == k);
        if !has(&forv) {
            let known = self.found.forvaltningar.iter().any(|f| f.head.id == key.0);
            if !known || self.new_forvaltningar.contains(&key.0) {
                return None;
            }
            self.new_forvaltningar.push(key.0.clone());
            return Some(describe(&forv));
        }
        let t = found_type_of(self.found, &key.0, &key.1)?;
        let (parent, text, unit) = if has(&typ) {
            let part = t.parts.iter().find(|p| p.id == key.2)?;
            (typ, part_text(part), key.clone())
        } else {
            if self.new_types.contains(&typ) {
                return None;
            }
            self.new_types.push(typ.clone());
            let mut text = String::new();
            write::type_text(&mut text, t);
            (forv, text, typ)
        };
        let at = self.blocks.iter().find(|b| b.key == parent)?;
        let close = at.block.span.end.saturating_sub(1);
        if self.files[at.file].1.as_bytes().get(close) != Some(&b'}') {
            return None;
        }
        self.edits[at.file].push((close, close, format!("\n{text}")));
        Some(describe(&unit))
    }

    /// Every unit with no row, unless its förvaltning or ärendetyp goes with it.
    fn remove_units_without_rows(&mut self, rows: &[VisibleRow]) {
        let has_row = |key: &Key| rows.iter().any(|r| &r.key == key);
        for b in &self.blocks {
            let parent_gone = self
                .blocks
                .iter()
                .any(|p| p.key != b.key && contains(&p.key, &b.key) && !has_row(&p.key));
            if has_row(&b.key) || parent_gone {
                continue;
            }
            self.edits[b.file].push(whole_lines(&self.files[b.file].1, b.block.span));
            self.carried.removed.push(describe(&b.key));
            self.report.add(
                super::regeltext::SHEET,
                "bladet",
                Kind::Read,
                format!(
                    "borttagen: {} har ingen rad i tjänsteurvalet och tas bort",
                    describe(&b.key)
                ),
            );
        }
    }

    /// The policy block rewritten from the policy sheet's lines.
    fn policy(&mut self, lines: &[String]) {
        if let Some((file, span)) = policy_block(&self.files) {
            let text = super::policy_from_lines(lines);
            self.edits[file].push((span.start, span.end, text));
            self.carried.policy = true;
            self.touched.push("bladet med policyn".to_string());
        }
    }

    /// The edits applied, new förvaltningar and manus files added, and the report's
    /// last word: everything else came from Regeltext.
    fn finish(mut self) -> Result<Imported, ImportError> {
        apply(&mut self.files, self.edits, &self.touched)?;
        for fid in &self.new_forvaltningar {
            if let Some(f) = self.found.forvaltningar.iter().find(|f| &f.head.id == fid) {
                let name = unique_file(&self.files, fid);
                let text = super::format_rule_text(&name, &write::forvaltning_text(f))?;
                self.files.push((name, text));
            }
        }
        keep_new_scripts(&mut self.files, self.found, &mut self.report);
        self.report.add(
            super::regeltext::SHEET,
            "bladet",
            Kind::Read,
            format!(
                "{} från bladet `{}`; allt som inte står ovan som ändrat, nytt eller borttaget är oförändrat",
                crate::numbers::count(self.carried.files, "fil", "filer"),
                super::regeltext::SHEET
            ),
        );
        Ok(Imported {
            files: self.files,
            report: self.report,
            origins: Vec::new(),
            carried: Some(self.carried),
        })
    }
}

/// A replacement in a file's text: start, end, new text.
type Edit = (usize, usize, String);

/// Apply each file's edits (from the end, so earlier offsets hold) and format the files
/// that changed.
fn apply(
    files: &mut [(String, String)],
    edits: Vec<Vec<Edit>>,
    touched: &[String],
) -> Result<(), ImportError> {
    for ((path, text), mut file_edits) in files.iter_mut().zip(edits) {
        if file_edits.is_empty() {
            continue;
        }
        file_edits.sort_by_key(|e| std::cmp::Reverse((e.0, e.1)));
        for (start, end, with) in file_edits {
            if text.get(start..end).is_some() {
                text.replace_range(start..end, &with);
            }
        }
        *text = crate::syntax::format::format_source(0, text).map_err(|d| {
            ImportError(format!(
                "den ändrade filen `{path}` går inte att läsa: {} (en ändrad rad har något som inte är regelspråk: {})",
                d.message,
                touched.join(", ")
            ))
        })?;
    }
    Ok(())
}

/// The visible rows of every tjänsteurval sheet, keyed by their unit's ids (from the id
/// columns, or as the import made them from the names).
fn visible_rows(visible: &[(&Sheet, &Layout)], found: &Rows) -> Vec<VisibleRow> {
    let mut out = Vec::new();
    for (sheet, layout) in visible {
        let (mut forv, mut typ) = (String::new(), String::new());
        for row in &sheet.rows {
            if layout.header_row.is_some_and(|h| row.index <= h) {
                continue;
            }
            let cells: Cells = EXPORT_HEADERS
                .iter()
                .filter_map(|(column, _)| {
                    let text = layout.col(*column).map_or("", |c| row.cell(c).trim());
                    (!text.is_empty()).then(|| (*column, text.to_string()))
                })
                .collect();
            let get = |column: Column| {
                cells
                    .iter()
                    .find(|(c, _)| *c == column)
                    .map_or("", |(_, t)| t.as_str())
            };
            let f = found_forvaltning(found, get(Column::ForvaltningId), get(Column::Forvaltning));
            if let Some(f) = &f {
                if *f != forv {
                    typ.clear();
                }
                forv.clone_from(f);
            }
            let (type_name, part_name) = (get(Column::Arendetyp), get(Column::Delmoment));
            if forv.is_empty() || (f.is_none() && type_name.is_empty() && part_name.is_empty()) {
                continue;
            }
            if type_name.is_empty() && part_name.is_empty() {
                typ.clear();
            } else if let Some(t) = found_type(found, &forv, get(Column::ArendetypId), type_name) {
                typ = t;
            }
            let part = if part_name.is_empty() || typ.is_empty() {
                String::new()
            } else {
                found_part(found, &forv, &typ, get(Column::DelmomentId), part_name)
            };
            out.push(VisibleRow {
                sheet: sheet.name.clone(),
                row: row.index,
                key: (forv.clone(), typ.clone(), part),
                cells,
            });
        }
    }
    out
}

fn found_forvaltning(found: &Rows, id: &str, name: &str) -> Option<String> {
    if !id.is_empty() && super::values::is_ident(id) {
        return Some(id.to_string());
    }
    if name.is_empty() {
        return None;
    }
    let f = found.forvaltningar.iter().find(|f| f.head.name == name);
    Some(f.map_or_else(|| super::values::id_from(name), |f| f.head.id.clone()))
}

fn found_type(found: &Rows, forv: &str, id: &str, name: &str) -> Option<String> {
    if !id.is_empty() && super::values::is_ident(id) {
        return Some(id.to_string());
    }
    if name.is_empty() {
        return None;
    }
    let t = found
        .forvaltningar
        .iter()
        .filter(|f| f.head.id == forv)
        .flat_map(|f| &f.types)
        .find(|t| t.head.name == name);
    Some(t.map_or_else(|| super::values::id_from(name), |t| t.head.id.clone()))
}

fn found_part(found: &Rows, forv: &str, typ: &str, id: &str, name: &str) -> String {
    if !id.is_empty() && super::values::is_ident(id) {
        return id.to_string();
    }
    found_type_of(found, forv, typ)
        .and_then(|t| t.parts.iter().find(|p| p.name == name))
        .map_or_else(|| super::values::id_from(name), |p| p.id.clone())
}

fn found_type_of<'a>(found: &'a Rows, forv: &str, typ: &str) -> Option<&'a super::rows::Type> {
    found
        .forvaltningar
        .iter()
        .filter(|f| f.head.id == forv)
        .flat_map(|f| &f.types)
        .find(|t| t.head.id == typ)
}

/// An export row's unit.
fn key_of(cells: &Cells) -> Key {
    let get = |column: Column| {
        cells
            .iter()
            .find(|(c, _)| *c == column)
            .map_or_else(String::new, |(_, t)| t.trim().to_string())
    };
    (
        get(Column::ForvaltningId),
        get(Column::ArendetypId),
        get(Column::DelmomentId),
    )
}

/// Whether the row read back says what the export wrote: every column equal, as the
/// reader sees a cell (trimmed, cut at the longest cell it reads).
fn same(exported: &Cells, read: &Cells) -> bool {
    let seen = |cells: &Cells, column: Column| -> String {
        let text = cells
            .iter()
            .find(|(c, _)| *c == column)
            .map_or("", |(_, t)| t.trim());
        text.chars()
            .take(MAX_CELL_CHARS)
            .collect::<String>()
            .trim()
            .to_string()
    };
    EXPORT_HEADERS
        .iter()
        .all(|(column, _)| seen(exported, *column) == seen(read, *column))
}

/// `ärendetypen `bygglov`` and the like, for the report.
fn describe(key: &Key) -> String {
    match key {
        (f, t, _) if t.is_empty() => format!("förvaltningen `{f}`"),
        (_, t, p) if p.is_empty() => format!("ärendetypen `{t}`"),
        (_, t, p) => format!("delmomentet `{t}/{p}`"),
    }
}

/// Whether `inner` is a unit inside `outer`.
fn contains(outer: &Key, inner: &Key) -> bool {
    match outer {
        (f, t, p) if t.is_empty() && p.is_empty() => inner.0 == *f,
        (f, t, p) if p.is_empty() => inner.0 == *f && inner.1 == *t,
        _ => false,
    }
}

/// Every förvaltning, ärendetyp and delmoment block in the rule files.
fn unit_blocks(files: &[(String, String)]) -> Vec<Located> {
    let mut out = Vec::new();
    for (index, (path, text)) in files.iter().enumerate() {
        if !path.ends_with(".rosa") {
            continue;
        }
        let Ok(parsed) = crate::syntax::parse(0, text) else {
            continue;
        };
        for f in parsed
            .blocks
            .iter()
            .filter(|b| b.kind == BlockKind::Forvaltning)
        {
            let fid = id_of(f);
            out.push(located(
                index,
                f,
                (fid.clone(), String::new(), String::new()),
            ));
            for t in children(f, BlockKind::Arendetyp) {
                let tid = id_of(t);
                out.push(located(index, t, (fid.clone(), tid.clone(), String::new())));
                for p in children(t, BlockKind::Delmoment) {
                    out.push(located(index, p, (fid.clone(), tid.clone(), id_of(p))));
                }
            }
        }
    }
    out
}

fn located(file: usize, block: &Block, key: Key) -> Located {
    Located {
        key,
        file,
        block: block.clone(),
    }
}

fn id_of(block: &Block) -> String {
    block
        .id
        .as_ref()
        .map_or_else(String::new, |i| i.name.clone())
}

fn children(block: &Block, kind: BlockKind) -> impl Iterator<Item = &Block> {
    block.stmts.iter().filter_map(move |s| match &s.kind {
        StmtKind::Block(b) if b.kind == kind => Some(b),
        _ => None,
    })
}

fn policy_block(files: &[(String, String)]) -> Option<(usize, crate::source::Span)> {
    files.iter().enumerate().find_map(|(index, (path, text))| {
        if !path.ends_with(".rosa") {
            return None;
        }
        let parsed = crate::syntax::parse(0, text).ok()?;
        let block = parsed.blocks.iter().find(|b| b.kind == BlockKind::Policy)?;
        Some((index, block.span))
    })
}

/// A unit as the import reads its row: its name and its own lines (comments, statements,
/// and for an ärendetyp its sökord).
fn unit_text(found: &Rows, key: &Key) -> Option<(String, Vec<String>)> {
    let f = found.forvaltningar.iter().find(|f| f.head.id == key.0)?;
    if key.1.is_empty() {
        return Some((f.head.name.clone(), own_lines(&f.head, &[])));
    }
    let t = f.types.iter().find(|t| t.head.id == key.1)?;
    if key.2.is_empty() {
        return Some((t.head.name.clone(), own_lines(&t.head, &t.sokord)));
    }
    let p = t.parts.iter().find(|p| p.id == key.2)?;
    Some((p.name.clone(), own_lines(p, &[])))
}

fn own_lines(unit: &Unit, sokord: &[String]) -> Vec<String> {
    let mut lines: Vec<String> = unit.comments.iter().map(|c| format!("// {c}")).collect();
    lines.extend(unit.lines.iter().cloned());
    if !sokord.is_empty() {
        let words: Vec<String> = sokord
            .iter()
            .map(|w| format!("\"{}\"", w.replace('"', "'")))
            .collect();
        lines.push(format!("sökord {}", words.join(", ")));
    }
    lines
}

/// The edits that give `block` the name, comments and own statements of its row, its
/// children left as they are. A statement the row still says stays where it is; one the
/// row says differently is replaced in place (the first of the same keyword); the rest
/// are removed, and new ones go in after the opening brace.
fn rewrite(src: &str, block: &Block, name: &str, lines: &[String]) -> Vec<Edit> {
    let mut edits = Vec::new();
    if let Some(n) = &block.name
        && n.value != name
    {
        let quoted = format!("\"{}\"", name.replace('"', "'"));
        edits.push((n.span.start, n.span.end, quoted));
    }
    let (wanted_comments, mut wanted): (Vec<&String>, Vec<&String>) =
        lines.iter().partition(|l| l.starts_with("//"));
    let mut stale = Vec::new();
    for stmt in &block.stmts {
        if matches!(stmt.kind, StmtKind::Block(_)) {
            continue;
        }
        let text = collapse(src.get(stmt.span.start..stmt.span.end).unwrap_or(""));
        match wanted.iter().position(|l| collapse(l) == text) {
            Some(i) => {
                wanted.remove(i);
            }
            None => stale.push(stmt.span),
        }
    }
    let mut added = Vec::new();
    for line in wanted {
        let keyword = line.split_whitespace().next().unwrap_or("");
        let same_keyword = stale.iter().position(|span| {
            src.get(span.start..span.end)
                .and_then(|t| t.split_whitespace().next())
                == Some(keyword)
        });
        match same_keyword {
            Some(i) => {
                let span = stale.remove(i);
                edits.push((span.start, span.end, line.clone()));
            }
            None => added.push(line.clone()),
        }
    }
    edits.extend(stale.into_iter().map(|span| whole_lines(src, span)));
    let comments = crate::syntax::parse(0, src)
        .map(|f| f.comments)
        .unwrap_or_default();
    let own: Vec<&Comment> = own_comments(&comments, block).collect();
    let kept = own.len() == wanted_comments.len()
        && own
            .iter()
            .zip(&wanted_comments)
            .all(|(c, w)| comment_words(&c.text) == comment_words(w));
    if !kept {
        edits.extend(own.iter().map(|c| whole_lines(src, c.span)));
        added.splice(0..0, wanted_comments.into_iter().cloned());
    }
    let head_end = block
        .name
        .as_ref()
        .map(|n| n.span.end)
        .or(block.id.as_ref().map(|i| i.span.end))
        .unwrap_or(block.keyword.end);
    if !added.is_empty()
        && let Some(brace) = src.get(head_end..).and_then(|rest| rest.find('{'))
    {
        let at = head_end + brace + 1;
        let text: String = added.iter().map(|l| format!("\n{l}")).collect();
        edits.push((at, at, text));
    }
    edits
}

fn comment_words(comment: &str) -> String {
    collapse(comment.trim_start_matches('/'))
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn own_comments<'a>(
    comments: &'a [Comment],
    block: &'a Block,
) -> impl Iterator<Item = &'a Comment> {
    let inside = |c: &Comment, b: &Block| c.span.start >= b.span.start && c.span.end <= b.span.end;
    comments.iter().filter(move |c| {
        inside(c, block)
            && !block.stmts.iter().any(|s| match &s.kind {
                StmtKind::Block(child) => inside(c, child),
                _ => false,
            })
    })
}

/// The edit removing `span`, with its whole lines when nothing else is on them.
fn whole_lines(src: &str, span: crate::source::Span) -> Edit {
    let (mut start, mut end) = (span.start, span.end);
    let before = src.get(..start).unwrap_or("");
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let after = src.get(end..).unwrap_or("");
    let line_end = after.find('\n').map_or(src.len(), |i| end + i + 1);
    if before[line_start..].trim().is_empty()
        && src.get(end..line_end).is_some_and(|r| r.trim().is_empty())
    {
        start = line_start;
        end = line_end;
    }
    (start, end, String::new())
}

fn part_text(p: &Unit) -> String {
    let mut text = format!("delmoment {} \"{}\" {{\n", p.id, p.name);
    for line in own_lines(p, &[]) {
        text.push_str(&format!("{line}\n"));
    }
    text.push_str("}\n");
    text
}

/// `id.rosa`, or `id-2.rosa`, … when a file has that name.
fn unique_file(files: &[(String, String)], id: &str) -> String {
    let taken = |name: &str| files.iter().any(|(p, _)| p == name);
    let first = format!("{id}.rosa");
    if !taken(&first) {
        return first;
    }
    (2..)
        .map(|n| format!("{id}-{n}.rosa"))
        .find(|n| !taken(n))
        .unwrap_or(first)
}

/// Placeholders only for manus files the files do not have (a new or edited row naming
/// a new one); the report's "att skriva" only for those.
fn keep_new_scripts(files: &mut Vec<(String, String)>, found: &Rows, report: &mut Report) {
    let mut new = Vec::new();
    for script in &found.scripts {
        if !files.iter().any(|(p, _)| *p == script.path) {
            new.push(script.path.clone());
            files.push((script.path.clone(), script.text.clone()));
        }
    }
    report.entries.retain(|e| {
        e.kind != Kind::ToWrite || new.iter().any(|p| e.text.starts_with(&format!("`{p}`")))
    });
}
