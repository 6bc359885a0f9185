//! Inquiry logs kept in Excel: the first sheet of an `.xlsx` workbook, its first row the
//! headers and the same columns as a CSV log. A workbook cannot be streamed, so the
//! sheet is read whole (Excel's own limit is about a million rows); its rows are then
//! turned into CSV records chunk by chunk and decided like CSV rows, numbered as the
//! sheet numbers them.

use super::chunk::{Chunk, LogError, RawRow};
use super::rejection::{CellProblem, Rejection};
use calamine::{Data, Range, Reader, Xlsx};
use std::io::{BufReader, Read, Seek};
use std::path::Path;

/// The first sheet of a workbook, read, and how far it has been handed out.
pub struct Sheet {
    range: Range<Data>,
    /// The header row's index in `range` (always 0: calamine starts the range at the
    /// first row with a value).
    next: usize,
    /// The sheet's row number (1-based) of `range`'s first row.
    first_row: u64,
    first_col: u32,
    headers: Vec<String>,
}

impl Sheet {
    pub fn open<R: Read + Seek>(path: &Path, input: R) -> Result<Sheet, LogError> {
        let unreadable = |e: &dyn std::fmt::Display| {
            LogError(format!(
                "loggen `{}` går inte att läsa som Excel-arbetsbok (.xlsx): {e}",
                path.display()
            ))
        };
        let mut workbook: Xlsx<_> = Xlsx::new(BufReader::new(input)).map_err(|e| unreadable(&e))?;
        let name =
            workbook.sheet_names().first().cloned().ok_or_else(|| {
                LogError(format!("arbetsboken `{}` har inga blad", path.display()))
            })?;
        let range = workbook
            .worksheet_range(&name)
            .map_err(|e| unreadable(&e))?;
        let Some((row, col)) = range.start() else {
            return Err(LogError(format!(
                "loggen `{}` är tom: första bladet `{name}` har inga celler",
                path.display()
            )));
        };
        let headers = range
            .rows()
            .next()
            .unwrap_or(&[])
            .iter()
            .map(|cell| match cell {
                Data::Empty => String::new(),
                other => other.to_string(),
            })
            .collect();
        Ok(Sheet {
            range,
            next: 1,
            first_row: u64::from(row) + 1,
            first_col: col,
            headers,
        })
    }

    /// The header row as a CSV record, from which the reader learns its columns.
    pub fn header(&self) -> csv::ByteRecord {
        csv::ByteRecord::from(self.headers.clone())
    }

    /// Rows up to and including the header (empty rows above it count as header).
    pub fn header_lines(&self) -> u64 {
        self.first_row
    }

    /// Every row of the sheet up to its last one with a value.
    pub fn lines(&self) -> u64 {
        self.first_row + self.range.height().saturating_sub(1) as u64
    }

    /// Fill `out` with up to `max` rows; `false` when the sheet is exhausted. Empty
    /// rows are skipped (and counted as blank lines in the report).
    pub fn next_chunk(&mut self, max: usize, out: &mut Chunk) -> bool {
        let height = self.range.height();
        while out.len < max {
            if self.next >= height {
                return false;
            }
            // Indexing a range by row is a slice of it (`rows().nth` would walk).
            let cells = &self.range[self.next];
            let line = self.first_row + self.next as u64;
            self.next += 1;
            if cells.iter().all(|c| matches!(c, Data::Empty)) {
                continue;
            }
            match self.record(cells, line) {
                Ok(fields) => {
                    let record = out.next_csv_record();
                    record.clear();
                    for field in &fields {
                        record.push_field(field.as_bytes());
                    }
                    let mut position = csv::Position::new();
                    position.set_line(line);
                    record.set_position(Some(position));
                    out.len += 1;
                }
                Err(reason) => out.push(RawRow::Broken {
                    line,
                    lines: 1,
                    reason,
                }),
            }
        }
        self.next < height
    }

    /// A row's cells as the text a CSV log would have, or why a cell cannot be used.
    fn record(&self, cells: &[Data], line: u64) -> Result<Vec<String>, Rejection> {
        cells
            .iter()
            .enumerate()
            .map(|(i, cell)| {
                cell_text(cell).map_err(|problem| Rejection::Cell {
                    cell: format!("{}{line}", column_letters(self.first_col + i as u32)),
                    column: self.headers.get(i).cloned().unwrap_or_default(),
                    problem,
                })
            })
            .collect()
    }
}

/// A cell as CSV text: whole numbers without decimals, `ja`/`nej` for TRUE/FALSE,
/// dates and times as ISO 8601 (`2026-01-01T07:05`).
fn cell_text(cell: &Data) -> Result<String, CellProblem> {
    Ok(match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "ja" } else { "nej" }.to_string(),
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, mo, d, h, mi, s, _) = dt.to_ymd_hms_milli();
            if dt.as_f64() < 1.0 {
                return Err(CellProblem::TimeWithoutDate);
            }
            if s == 0 {
                format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}")
            } else {
                format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}")
            }
        }
        Data::DateTime(_) | Data::DurationIso(_) => {
            return Err(CellProblem::Duration);
        }
        Data::Error(e) => return Err(CellProblem::ErrorValue(e.to_string())),
    })
}

/// `A`, `B`, …, `Z`, `AA`, … for a 0-based column.
fn column_letters(col: u32) -> String {
    let mut n = col + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_as_excel_names_them() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }
}
