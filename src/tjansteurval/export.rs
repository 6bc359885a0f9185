//! `rosa export`: a ruleset as a tjänsteurval workbook the import reads back. Every
//! förvaltning, ärendetyp and delmoment is a row; what has a column goes there, and
//! every other statement (guarded rules, `överenskommet`) goes into the `Regler` column
//! as written, so the import gives the same decisions. The hidden `Regeltext` sheet
//! carries the files themselves (tests, comments, manus and svar texts included).

use super::header::{Column, EXPORT_HEADERS};
use crate::model::Ruleset;
use crate::syntax::ast::{Block, BlockKind, Comment, StmtKind};
use rust_xlsxwriter::{DataValidation, Format, Workbook};
use std::path::Path;

pub(crate) type Cells = Vec<(Column, String)>;

/// The visible sheets for a ruleset's files: one row per unit and the policy's lines.
#[derive(Debug, Default)]
pub(crate) struct SheetRows {
    pub rows: Vec<Cells>,
    pub policy: Vec<String>,
}

/// The rows the export writes for these files (path, text); only `.rosa` files count.
/// The import compares a re-imported workbook's rows with these.
pub(crate) fn sheet_rows<'a>(files: impl Iterator<Item = (&'a str, &'a str)>) -> SheetRows {
    let mut out = SheetRows::default();
    for (id, (path, src)) in files.enumerate() {
        if Path::new(path).extension().is_none_or(|e| e != "rosa") {
            continue;
        }
        let id = crate::source::FileId::try_from(id).unwrap_or(crate::source::FileId::MAX);
        let Ok(file) = crate::syntax::parse(id, src) else {
            continue;
        };
        for block in &file.blocks {
            match block.kind {
                BlockKind::Policy => out.policy = policy_lines(src, block),
                BlockKind::Forvaltning => {
                    forvaltning_rows(src, block, &file.comments, &mut out.rows);
                }
                _ => {}
            }
        }
    }
    out
}

/// Every file the ruleset id covers, by path: rule files, manus and svar files.
fn ruleset_files(ruleset: &Ruleset) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = ruleset
        .sources()
        .files()
        .map(|(_, f)| (f.display_path(), f.text.clone()))
        .chain(
            ruleset
                .scripts()
                .iter()
                .chain(&ruleset.answer_files)
                .map(|s| (s.path.clone(), s.text.clone())),
        )
        .collect();
    files.sort();
    files.dedup_by(|a, b| a.0 == b.0);
    files
}

/// Write `ruleset` as a workbook to `out` (through [`crate::write_file`]): the
/// tjänsteurval, the policy, and every file the ruleset id covers in the hidden
/// `Regeltext` sheet, so that importing it unedited gives the same files.
///
/// # Errors
///
/// The workbook could not be built or written, in Swedish.
pub fn export_xlsx(ruleset: &Ruleset, out: &Path) -> Result<(), String> {
    let files = ruleset_files(ruleset);
    let sheets = sheet_rows(files.iter().map(|(p, t)| (p.as_str(), t.as_str())));
    if let Some(problem) = too_long_cell(&sheets.rows, &sheets.policy) {
        return Err(problem);
    }
    let bytes = workbook(&sheets, &files, ruleset.policy().scale)
        .map_err(|e| format!("kunde inte bygga arbetsboken: {e}"))?;
    crate::files::write_file(out, &bytes)
        .map_err(|e| format!("filen `{}` {}", out.display(), e.reason()))
}

/// The most characters an Excel cell holds.
const MAX_EXCEL_CELL_CHARS: usize = 32_767;

/// The first cell longer than Excel allows, said with the unit and column it belongs to
/// (checked before building, so the author learns which text to shorten).
fn too_long_cell(rows: &[Cells], policy: &[String]) -> Option<String> {
    let limit = crate::numbers::sv(MAX_EXCEL_CELL_CHARS as f64, 0);
    for cells in rows {
        for (column, text) in cells {
            if text.chars().count() > MAX_EXCEL_CELL_CHARS {
                let header = EXPORT_HEADERS
                    .iter()
                    .find(|(c, _)| c == column)
                    .map_or("", |(_, h)| *h);
                return Some(format!(
                    "{} har mer än {limit} tecken i kolumnen `{header}`, det mesta en Excel-cell rymmer: korta texten och exportera igen",
                    unit_named(cells)
                ));
            }
        }
    }
    policy.iter().enumerate().find_map(|(i, line)| {
        (line.chars().count() > MAX_EXCEL_CELL_CHARS).then(|| {
            format!(
                "policyns rad {} har mer än {limit} tecken, det mesta en Excel-cell rymmer: korta den och exportera igen",
                i + 1
            )
        })
    })
}

/// `ärendetypen `Bygglov` i förvaltningen `Bygg``, for a row's cells.
fn unit_named(cells: &Cells) -> String {
    let get = |column: Column| {
        cells
            .iter()
            .find(|(c, _)| *c == column)
            .map(|(_, text)| crate::bounds::bounded(text))
    };
    let forvaltning = get(Column::Forvaltning).unwrap_or_default();
    match (get(Column::Arendetyp), get(Column::Delmoment)) {
        (Some(typ), Some(part)) => {
            format!("delmomentet `{part}` i ärendetypen `{typ}` (förvaltningen `{forvaltning}`)")
        }
        (Some(typ), None) => format!("ärendetypen `{typ}` i förvaltningen `{forvaltning}`"),
        _ => format!("förvaltningen `{forvaltning}`"),
    }
}

fn inside(c: &Comment, b: &Block) -> bool {
    c.span.start >= b.span.start && c.span.end <= b.span.end
}

fn slice(src: &str, span: crate::source::Span) -> &str {
    src.get(span.start..span.end).unwrap_or("")
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// After the statement's first word (`tid 4 min` → `4 min`).
fn after_keyword(text: &str) -> String {
    collapse(
        text.split_once(char::is_whitespace)
            .map_or("", |(_, rest)| rest),
    )
}

fn policy_lines(src: &str, block: &Block) -> Vec<String> {
    let head = src.get(block.span.start..block.span.end).unwrap_or("");
    let head = collapse(head.split('{').next().unwrap_or(""));
    let mut lines = vec![head];
    lines.extend(block.stmts.iter().map(|s| collapse(slice(src, s.span))));
    lines
}

fn forvaltning_rows(src: &str, block: &Block, comments: &[Comment], rows: &mut Vec<Cells>) {
    let name = block
        .name
        .as_ref()
        .map_or(String::new(), |n| n.value.clone());
    let id = block.id.as_ref().map_or(String::new(), |i| i.name.clone());
    let base = vec![(Column::Forvaltning, name), (Column::ForvaltningId, id)];
    rows.push(unit_row(src, block, comments, base.clone()));
    for typ in children(block) {
        let mut type_base = base.clone();
        type_base.push((
            Column::Arendetyp,
            typ.name.as_ref().map_or(String::new(), |n| n.value.clone()),
        ));
        type_base.push((
            Column::ArendetypId,
            typ.id.as_ref().map_or(String::new(), |i| i.name.clone()),
        ));
        rows.push(unit_row(src, typ, comments, type_base.clone()));
        for part in children(typ) {
            let mut part_base = type_base.clone();
            let part_id = part.id.as_ref().map_or(String::new(), |i| i.name.clone());
            let part_name = part
                .name
                .as_ref()
                .map_or(part_id.clone(), |n| n.value.clone());
            part_base.push((Column::Delmoment, part_name));
            part_base.push((Column::DelmomentId, part_id));
            rows.push(unit_row(src, part, comments, part_base));
        }
    }
}

fn children(block: &Block) -> impl Iterator<Item = &Block> {
    block.stmts.iter().filter_map(|s| match &s.kind {
        StmtKind::Block(b) => Some(b),
        _ => None,
    })
}

/// One block's own statements as cells; anything without a column goes to `Regler`.
fn unit_row(src: &str, block: &Block, comments: &[Comment], mut cells: Cells) -> Cells {
    let mut rules = Vec::new();
    let names = |ids: &[crate::syntax::ast::Ident]| {
        ids.iter()
            .map(|i| i.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    for stmt in &block.stmts {
        let text = slice(src, stmt.span);
        let cell = match &stmt.kind {
            StmtKind::Block(_) => continue,
            StmtKind::Rosa(level) => (Column::Rosa, level.value.to_string()),
            StmtKind::Frekvens(_) => (Column::Frekvens, after_keyword(text)),
            StmtKind::System(ids) => (Column::System, names(ids)),
            StmtKind::Manus(path) => (Column::Manus, path.value.clone()),
            StmtKind::Kanaler(ids) => (Column::Kanaler, names(ids)),
            StmtKind::EjKanaler(ids) => (Column::EjKanaler, names(ids)),
            StmtKind::Sekretess => (Column::Sekretess, "ja".to_string()),
            StmtKind::Tid { .. } => (Column::Tid, after_keyword(text)),
            StmtKind::Forward(_) => (Column::Vidarekoppla, after_keyword(text)),
            StmtKind::Sokord(words) => {
                let plain = words.iter().all(|w| !w.value.contains([',', ';', '"']));
                let list = if plain {
                    words
                        .iter()
                        .map(|w| w.value.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                } else {
                    after_keyword(text)
                };
                (Column::Sokord, list)
            }
            _ => {
                rules.push(collapse(text));
                continue;
            }
        };
        cells.push(cell);
    }
    if !rules.is_empty() {
        cells.push((Column::Regler, rules.join("\n")));
    }
    let own: Vec<String> = comments
        .iter()
        .filter(|c| inside(c, block) && !children(block).any(|child| inside(c, child)))
        .map(|c| c.text.trim_start_matches('/').trim().to_string())
        .collect();
    if !own.is_empty() {
        cells.push((Column::Kommentar, own.join("\n")));
    }
    cells
}

fn workbook(
    sheets: &SheetRows,
    files: &[(String, String)],
    scale: u8,
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let (rows, policy) = (&sheets.rows, &sheets.policy);
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = book.add_worksheet();
    sheet.set_name("Tjänsteurval")?;
    for (col, (_, header)) in EXPORT_HEADERS.iter().enumerate() {
        let col = u16::try_from(col).unwrap_or(u16::MAX);
        sheet.write_string_with_format(0, col, *header, &bold)?;
        sheet.set_column_width(col, 18)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    for (r, cells) in rows.iter().enumerate() {
        let r = u32::try_from(r + 1).unwrap_or(u32::MAX);
        for (column, text) in cells {
            let Some(col) = EXPORT_HEADERS.iter().position(|(c, _)| c == column) else {
                continue;
            };
            let col = u16::try_from(col).unwrap_or(u16::MAX);
            match (column, text.parse::<u32>()) {
                (Column::Rosa, Ok(n)) => sheet.write_number(r, col, f64::from(n))?,
                _ => sheet.write_string(r, col, text.as_str())?,
            };
        }
    }
    let rosa = u16::try_from(
        EXPORT_HEADERS
            .iter()
            .position(|(c, _)| *c == Column::Rosa)
            .unwrap_or(3),
    )
    .unwrap_or(3);
    let last = u32::try_from(rows.len().max(1) + 1000).unwrap_or(1_048_575);
    let validation = DataValidation::new()
        .allow_whole_number(rust_xlsxwriter::DataValidationRule::Between(
            1,
            i32::from(scale.max(1)),
        ))
        .set_error_title("ROSA-nivå")?
        .set_error_message(format!("Nivån är en hel siffra från 1 till {scale}."))?;
    sheet.add_data_validation(1, rosa, last, rosa, &validation)?;
    let policy_sheet = book.add_worksheet();
    policy_sheet.set_name("Kundtjänst")?;
    policy_sheet.write_string_with_format(0, 0, super::POLICY_HEADER, &bold)?;
    policy_sheet.set_column_width(0, 100)?;
    for (r, line) in policy.iter().enumerate() {
        let r = u32::try_from(r + 1).unwrap_or(u32::MAX);
        policy_sheet.write_string(r, 0, line.as_str())?;
    }
    if !files.is_empty() {
        super::regeltext::write_sheet(&mut book, files)?;
    }
    book.save_to_buffer()
}
