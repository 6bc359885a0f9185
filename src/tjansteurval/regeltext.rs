//! The hidden `Regeltext` sheet: every file the ruleset id covers (rule files, manus and
//! svar files), line by line, so that importing an unedited export writes the same files
//! and gets the same ruleset id.
//!
//! Layout: row 1 says what the sheet is, row 2 is the header `Fil`, `Rad`, `Text`, and
//! every following row is one line of one file (a line longer than a cell the import
//! reads is split over several rows with the same line number).

use super::ImportError;
pub(crate) use super::read::REGELTEXT_SHEET as SHEET;
use super::read::{MAX_CELL_CHARS, Sheet, address};
use rust_xlsxwriter::{Format, Workbook, XlsxError};

/// The first row: what the sheet is, for whoever unhides it.
const NOTICE: &str = "Regeltext: regeluppsättningens filer rad för rad, så att en import ger exakt samma filer. Ändra inte här; ändra i bladet Tjänsteurval (en ändrad rad där skriver om just den enheten).";

/// The first data row (0-based): below the notice and the header.
const FIRST_ROW: u32 = 2;

/// The rows of the sheet for `files`: path, 1-based line number, text (possibly empty).
fn rows(files: &[(String, String)]) -> Vec<(&str, u32, &str)> {
    let mut out = Vec::new();
    for (path, text) in files {
        for (n, line) in text.split('\n').enumerate() {
            let n = u32::try_from(n + 1).unwrap_or(u32::MAX);
            let mut rest = line;
            loop {
                let end = rest
                    .char_indices()
                    .nth(MAX_CELL_CHARS)
                    .map_or(rest.len(), |(i, _)| i);
                out.push((path.as_str(), n, &rest[..end]));
                rest = &rest[end..];
                if rest.is_empty() {
                    break;
                }
            }
        }
    }
    out
}

/// Add the hidden sheet with `files` to `book`.
pub(crate) fn write_sheet(
    book: &mut Workbook,
    files: &[(String, String)],
) -> Result<(), XlsxError> {
    let bold = Format::new().set_bold();
    let sheet = book.add_worksheet();
    sheet.set_name(SHEET)?;
    sheet.set_hidden(true);
    sheet.write_string_with_format(0, 0, NOTICE, &bold)?;
    for (col, header) in ["Fil", "Rad", "Text"].into_iter().enumerate() {
        let col = u16::try_from(col).unwrap_or(0);
        sheet.write_string_with_format(1, col, header, &bold)?;
    }
    sheet.set_column_width(0, 30)?;
    sheet.set_column_width(2, 100)?;
    for (i, (path, n, text)) in rows(files).into_iter().enumerate() {
        let r = u32::try_from(i)
            .unwrap_or(u32::MAX)
            .saturating_add(FIRST_ROW);
        sheet.write_string(r, 0, path)?;
        sheet.write_number(r, 1, f64::from(n))?;
        // Always a string cell: a line starting with `=` is text, never a formula.
        if !text.is_empty() {
            sheet.write_string(r, 2, text)?;
        }
    }
    Ok(())
}

/// Whether `sheet` is the `Regeltext` sheet.
pub(crate) fn is_sheet(sheet: &Sheet) -> bool {
    super::values::fold(&sheet.name) == super::values::fold(SHEET)
}

/// The files the sheet holds, in the order they first appear. Every path is checked as
/// an id cell is: relative, plain names only, a `.rosa` or `.md` file; the count and the
/// sizes are bounded as when a ruleset directory is read.
///
/// # Errors
///
/// The first bad cell, with the sheet and the cell's address, in Swedish.
pub(crate) fn rebuild(sheet: &Sheet) -> Result<Vec<(String, String)>, ImportError> {
    let mut files: Vec<(String, Vec<String>)> = Vec::new();
    let mut total = 0u64;
    for row in sheet.rows.iter().filter(|r| r.index >= FIRST_ROW) {
        let bad = |col: u32, why: String| {
            ImportError(format!(
                "bladet `{}` cell {}: {why}; bladet är regeltexten som exporten skrev och ska inte ändras (exportera igen, eller ta bort bladet för att läsa bara tjänsteurvalet). Ingenting skrevs.",
                sheet.name,
                address(row.index, col)
            ))
        };
        let path = row.cell(0);
        if !is_ruleset_file(path) {
            return Err(bad(
                0,
                format!(
                    "`{}` är ingen fil i en regeluppsättning (en relativ sökväg utan `..` till en `.rosa`- eller `.md`-fil)",
                    crate::bounds::bounded(path)
                ),
            ));
        }
        let text = row.cell(2);
        let index = match files.iter().position(|(p, _)| p == path) {
            Some(i) => i,
            None if files.len() < crate::files::MAX_FILES => {
                files.push((path.to_string(), Vec::new()));
                files.len() - 1
            }
            None => {
                return Err(bad(
                    0,
                    format!(
                        "fler än {} filer",
                        crate::numbers::sv(crate::files::MAX_FILES as f64, 0)
                    ),
                ));
            }
        };
        let lines = &mut files[index].1;
        let n = row.cell(1).trim().parse::<usize>().ok();
        match n {
            Some(n) if n == lines.len() + 1 => lines.push(text.to_string()),
            Some(n) if n == lines.len() && n > 0 => {
                if let Some(last) = lines.last_mut() {
                    last.push_str(text);
                }
            }
            _ => {
                return Err(bad(
                    1,
                    format!(
                        "radnumret `{}` följer inte på filens förra rad ({})",
                        crate::bounds::bounded(row.cell(1)),
                        lines.len()
                    ),
                ));
            }
        }
        let size: usize = lines.iter().map(|l| l.len() + 1).sum();
        total = total.saturating_add(text.len() as u64 + 1);
        if size as u64 > crate::files::MAX_FILE_BYTES || total > crate::files::MAX_TOTAL_BYTES {
            return Err(bad(
                2,
                format!(
                    "filen `{}` eller alla filer tillsammans blir större än gränsen för en regeluppsättning ({} per fil, {} totalt)",
                    crate::bounds::bounded(path),
                    crate::files::mib(crate::files::MAX_FILE_BYTES),
                    crate::files::mib(crate::files::MAX_TOTAL_BYTES)
                ),
            ));
        }
    }
    if !files.iter().any(|(p, _)| p.ends_with(".rosa")) {
        return Err(ImportError(format!(
            "bladet `{}` har ingen regelfil (`.rosa`); ta bort bladet för att läsa bara tjänsteurvalet. Ingenting skrevs.",
            sheet.name
        )));
    }
    Ok(files
        .into_iter()
        .map(|(path, lines)| (path, lines.join("\n")))
        .collect())
}

/// A path the ruleset may hold: plain relative names no deeper than a ruleset is read,
/// a `.rosa` or `.md` file.
fn is_ruleset_file(path: &str) -> bool {
    super::is_plain_relative(path)
        && std::path::Path::new(path).components().count() <= crate::files::MAX_DEPTH
        && std::path::Path::new(path)
            .extension()
            .is_some_and(|e| e == "rosa" || e == "md")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tjansteurval::read::Row;

    fn sheet(rows: &[(&str, &str, &str)]) -> Sheet {
        Sheet {
            name: SHEET.to_string(),
            rows: rows
                .iter()
                .enumerate()
                .map(|(i, (path, n, text))| Row {
                    index: FIRST_ROW + u32::try_from(i).unwrap_or(0),
                    cells: [(0, *path), (1, *n), (2, *text)]
                        .into_iter()
                        .filter(|(_, t)| !t.is_empty())
                        .map(|(c, t)| (c, t.to_string()))
                        .collect(),
                })
                .collect(),
            ..Sheet::default()
        }
    }

    #[test]
    fn lines_split_into_rows_and_back_give_the_same_text() {
        let long = "x".repeat(MAX_CELL_CHARS * 2 + 5);
        let files = vec![
            (
                "a.rosa".to_string(),
                format!("förvaltning a \"A\" {{\n\n  {long}\n}}\n"),
            ),
            (
                "manus/b.md".to_string(),
                "# B\n=SUM(A1)\n   \n-x".to_string(),
            ),
        ];
        let rows = rows(&files);
        let cells: Vec<(String, String, String)> = rows
            .iter()
            .map(|(p, n, t)| (p.to_string(), n.to_string(), t.to_string()))
            .collect();
        let refs: Vec<(&str, &str, &str)> = cells
            .iter()
            .map(|(p, n, t)| (p.as_str(), n.as_str(), t.as_str()))
            .collect();
        assert!(
            rows.iter()
                .all(|(_, _, t)| t.chars().count() <= MAX_CELL_CHARS)
        );
        assert_eq!(rebuild(&sheet(&refs)).expect("rebuilt"), files);
    }

    #[test]
    fn a_real_workbook_keeps_every_line_exactly() {
        // Formula-like starts, edge spaces, a line of spaces, CRLF, control characters
        // and the workbook writer's own `_x000D_` escape form, all as written.
        let text = "=SUM(A1)\n+1\n-x\n@x\n  leading\ntrailing  \n   \n\tx\n\nÅÄÖ \"q\" <&>\n\
                    x\r\ny\r\n\u{1b}z\u{7f}\u{0}\n_x000D_ _x005F_\n";
        let files = vec![
            ("a.rosa".to_string(), text.to_string()),
            ("svar/b.md".to_string(), String::new()),
        ];
        let mut book = Workbook::new();
        write_sheet(&mut book, &files).expect("the sheet");
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("r.xlsx");
        std::fs::write(&path, book.save_to_buffer().expect("a workbook")).expect("written");
        let sheets = crate::tjansteurval::read::read(&path).expect("read back");
        let sheet = sheets.iter().find(|s| is_sheet(s)).expect("the sheet");
        assert_eq!(rebuild(sheet).expect("rebuilt"), files);
    }

    #[test]
    fn a_line_number_out_of_order_is_refused_with_its_cell() {
        let refused =
            rebuild(&sheet(&[("a.rosa", "1", "x"), ("a.rosa", "3", "y")])).expect_err("a gap");
        assert!(
            refused.0.contains("bladet `Regeltext` cell B4"),
            "{refused}"
        );
    }

    #[test]
    fn paths_outside_the_ruleset_or_of_other_kinds_are_refused() {
        let deep = "a/".repeat(crate::files::MAX_DEPTH) + "x.rosa";
        for bad in [
            "../x.rosa",
            "/tmp/x.rosa",
            "manus/../../x.md",
            "x.sh",
            "",
            &deep,
        ] {
            let refused = rebuild(&sheet(&[(bad, "1", "x")])).expect_err(bad);
            assert!(refused.0.contains("cell A3"), "{refused}");
            assert!(refused.0.contains("Ingenting skrevs"), "{refused}");
        }
    }
}
