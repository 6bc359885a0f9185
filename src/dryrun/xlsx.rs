//! The report as an Excel workbook: one sheet per section ([`sheets`](super::workbook::sheets)),
//! numbers as numbers with number formats, a bold and frozen header row, a filter on
//! the header of each table and columns as wide as their contents.

use super::analysis::Analysis;
use super::model::Table;
use super::model::{Kind, Value};
use super::workbook::sheets;
use rust_xlsxwriter::{Format, FormatBorder, Workbook, Worksheet, XlsxError};

/// Columns are never narrower or wider than this (in characters).
const MIN_WIDTH: usize = 6;
const MAX_WIDTH: usize = 60;

/// The report as the bytes of an `.xlsx` file.
///
/// ```
/// use rosa::dryrun::{self, Analysis, Options};
/// let ruleset = rosa::Ruleset::load("rulesets/exempelkommun").unwrap();
/// let report = dryrun::run(&ruleset, &Options::default()).unwrap();
/// let bytes = dryrun::xlsx(&Analysis::from(report)).unwrap();
/// assert!(bytes.starts_with(b"PK\x03\x04"), "an xlsx file is a zip archive");
/// ```
///
/// # Errors
///
/// When the workbook cannot be put together (in practice never: the names and sizes
/// are fixed).
pub fn xlsx(a: &Analysis) -> Result<Vec<u8>, XlsxError> {
    workbook(&sheets(a))
}

/// Each table on a sheet of its own, named by its title.
pub(crate) fn workbook<'a>(
    tables: impl IntoIterator<Item = &'a Table>,
) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let header = Format::new()
        .set_bold()
        .set_border_bottom(FormatBorder::Thin);
    for table in tables {
        let ws = workbook.add_worksheet();
        ws.set_name(&table.title)?;
        write_table(ws, table, &header)?;
    }
    workbook.save_to_buffer()
}

/// Excel shows these codes the local way: `# ##0` and `63,5 %` in Swedish Excel.
fn number_format(kind: Kind) -> Format {
    Format::new().set_num_format(match kind {
        Kind::Text | Kind::Count | Kind::Whole | Kind::Money | Kind::Change => "#,##0",
        Kind::Tenths => "#,##0.0",
        Kind::Hundredths => "#,##0.00",
        Kind::Share => "0.0%",
    })
}

/// One table on one sheet: a bold, frozen header row, numbers with their format,
/// columns as wide as their contents and a filter on a table's header.
fn write_table(ws: &mut Worksheet, t: &Table, header: &Format) -> Result<(), XlsxError> {
    let mut widths: Vec<usize> = t.labels().map(|h| h.chars().count()).collect();
    for (col, h) in t.labels().enumerate() {
        ws.write_string_with_format(0, col as u16, h, header)?;
    }
    for (i, row) in t.rows.iter().enumerate() {
        let r = i as u32 + 1;
        for (col, cell) in row.iter().enumerate() {
            let c = col as u16;
            match cell {
                Value::Text(s) => {
                    ws.write_string(r, c, s)?;
                }
                Value::Number(v, kind) if v.is_finite() => {
                    ws.write_number_with_format(r, c, *v, &number_format(*kind))?;
                }
                Value::Number(..) | Value::Empty => {}
            }
            if let Some(w) = widths.get_mut(col) {
                *w = (*w).max(cell.width());
            }
        }
    }
    for (col, w) in widths.iter().enumerate() {
        ws.set_column_width(col as u16, (w + 2).clamp(MIN_WIDTH, MAX_WIDTH) as f64)?;
    }
    ws.set_freeze_panes(1, 0)?;
    // A filter helps in tables, not in a list of figures or of sentences.
    if !t.rows.is_empty() && t.columns.len() > 2 {
        ws.autofilter(0, 0, t.rows.len() as u32, t.columns.len() as u16 - 1)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dryrun::model::{Column, Value};
    use calamine::{Data, Reader};

    /// A text that looks like a formula is stored as a string: the sheet's XML holds no
    /// `<f>` element, and the cell reads back as the same text.
    #[test]
    fn a_text_starting_with_a_formula_sign_is_written_as_text() {
        let texts = ["=HYPERLINK(\"http://x\")", "+1", "-x", "@SUM(A1)"];
        let mut t = Table::new("t", vec![Column::text("=namn")]);
        t.rows = texts.iter().map(|s| vec![Value::text(*s)]).collect();
        let bytes = workbook([&t]).unwrap();
        let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let name = book.sheet_names()[0].clone();
        let formulas = book.worksheet_formula(&name).unwrap();
        assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()));
        let range = book.worksheet_range(&name).unwrap();
        let read: Vec<Data> = range.rows().map(|r| r[0].clone()).collect();
        let mut expected = vec![Data::String("=namn".into())];
        expected.extend(texts.iter().map(|s| Data::String((*s).into())));
        assert_eq!(read, expected);
    }
}
