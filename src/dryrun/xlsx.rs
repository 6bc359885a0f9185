//! The report as an Excel workbook: one sheet per section ([`sheets`](super::sheets)),
//! numbers as numbers with number formats, a bold and frozen header row, a filter on
//! the header of each table and columns as wide as their contents.

use super::analysis::Analysis;
use super::sheets::{Cell, NumberFormat, sheets};
use rust_xlsxwriter::{Format, FormatBorder, Workbook, XlsxError};

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
    let mut workbook = Workbook::new();
    // Excel shows these codes the local way: `# ##0` and `63,5 %` in Swedish Excel.
    let format = |f: NumberFormat| {
        Format::new().set_num_format(match f {
            NumberFormat::Count | NumberFormat::Whole => "#,##0",
            NumberFormat::OneDecimal => "#,##0.0",
            NumberFormat::TwoDecimals => "#,##0.00",
            NumberFormat::Percent => "0.0%",
        })
    };
    // Indexed by `NumberFormat as usize`.
    let formats = [
        NumberFormat::Count,
        NumberFormat::Whole,
        NumberFormat::OneDecimal,
        NumberFormat::TwoDecimals,
        NumberFormat::Percent,
    ]
    .map(format);
    let header = Format::new()
        .set_bold()
        .set_border_bottom(FormatBorder::Thin);
    for sheet in sheets(a) {
        let ws = workbook.add_worksheet();
        ws.set_name(sheet.section.sheet_name())?;
        let mut widths: Vec<usize> = sheet.headers.iter().map(|h| h.chars().count()).collect();
        for (col, h) in sheet.headers.iter().enumerate() {
            ws.write_string_with_format(0, col as u16, *h, &header)?;
        }
        for (i, row) in sheet.rows.iter().enumerate() {
            let r = i as u32 + 1;
            for (col, cell) in row.iter().enumerate() {
                let c = col as u16;
                match cell {
                    Cell::Text(s) => {
                        ws.write_string(r, c, s)?;
                    }
                    Cell::Number(v, f) if v.is_finite() => {
                        ws.write_number_with_format(r, c, *v, &formats[*f as usize])?;
                    }
                    Cell::Number(..) | Cell::Empty => {}
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
        if !sheet.rows.is_empty() && sheet.headers.len() > 2 {
            ws.autofilter(
                0,
                0,
                sheet.rows.len() as u32,
                sheet.headers.len() as u16 - 1,
            )?;
        }
    }
    workbook.save_to_buffer()
}
