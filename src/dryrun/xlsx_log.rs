//! Inquiry logs kept in Excel: the first sheet of an `.xlsx` workbook, its first row the
//! headers and the same columns as a CSV log. A workbook cannot be streamed, so the
//! sheet's cells are read first – sparsely, only the cells that hold a value – and its
//! rows then handed out chunk by chunk like CSV rows, numbered as the sheet numbers them.
//!
//! A workbook is a zip archive of XML, so a small file can claim a huge sheet. Before
//! anything is unpacked the archive's own table of contents is checked against
//! [`MAX_UNPACKED_BYTES`]; while the sheet is read, the cells against [`MAX_CELLS`] and
//! Excel's grid. Nothing is ever allocated from a size the file declares.

use super::chunk::{Chunk, LogError, RawRow};
use super::rejection::{CellProblem, Rejection};
use calamine::{Data, Reader, Xlsx};
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;

/// The most a workbook may unpack to, all its parts together (the sum of the sizes in the
/// zip's central directory; the zip reader refuses to unpack a part past its stated size).
/// A sheet of a million rows of ten columns unpacks to about 300 MiB.
pub const MAX_UNPACKED_BYTES: u64 = 1 << 30;

/// The most cells with a value the first sheet may hold: Excel's million rows, sixteen
/// columns each. Each costs some 40 bytes while the sheet is read.
pub const MAX_CELLS: u64 = 16 * 1_048_576;

/// Excel's grid: a cell outside it is not from Excel.
const EXCEL_ROWS: u32 = 1_048_576;
const EXCEL_COLUMNS: u32 = 16_384;

/// The first sheet of a workbook, read, and how far it has been handed out.
pub(super) struct Sheet {
    /// The rows with a value, in order; the first is the header row.
    rows: Vec<SheetRow>,
    next: usize,
    /// The sheet's row number (1-based) of the header row.
    first_row: u64,
    /// The sheet's row number of the last row with a value.
    last_row: u64,
    first_col: u32,
    headers: Vec<String>,
}

/// One row with a value: its sheet row number and its cells, by 0-based column.
struct SheetRow {
    line: u64,
    cells: Vec<(u32, Result<String, CellProblem>)>,
}

/// A cell as read: row, column, its text or why it has none.
type ReadCell = (u32, u32, Result<String, CellProblem>);

impl Sheet {
    pub(super) fn open<R: Read + Seek>(path: &Path, mut input: R) -> Result<Sheet, LogError> {
        check_unpacked_size(path, &mut input)?;
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
        let mut cells = read_cells(path, &name, &mut workbook)?;
        if cells.is_empty() {
            return Err(LogError(format!(
                "loggen `{}` är tom: första bladet `{name}` har inga celler",
                path.display()
            )));
        }
        // XML order is row by row in practice, but nothing requires it.
        cells.sort_by_key(|(row, col, _)| (*row, *col));
        Ok(Sheet::from_cells(cells))
    }

    fn from_cells(cells: Vec<ReadCell>) -> Sheet {
        let first_col = cells.iter().map(|(_, col, _)| *col).min().unwrap_or(0);
        let header_row = cells.first().map_or(0, |(row, _, _)| *row);
        let last_row = cells.last().map_or(0, |(row, _, _)| *row);
        let mut rows: Vec<SheetRow> = Vec::new();
        for (row, col, text) in cells {
            let line = u64::from(row) + 1;
            match rows.last_mut() {
                Some(last) if last.line == line => last.cells.push((col - first_col, text)),
                _ => rows.push(SheetRow {
                    line,
                    cells: vec![(col - first_col, text)],
                }),
            }
        }
        // The header row decides the width: cells right of it have no column name and
        // are not read (a stray cell far right must not widen every row).
        let width = rows
            .first()
            .and_then(|r| r.cells.last())
            .map_or(0, |(col, _)| *col as usize + 1);
        let mut headers = vec![String::new(); width];
        if let Some(header) = rows.first() {
            for (col, text) in &header.cells {
                headers[*col as usize] = text.clone().unwrap_or_default();
            }
        }
        Sheet {
            rows,
            next: 1,
            first_row: u64::from(header_row) + 1,
            last_row: u64::from(last_row) + 1,
            first_col,
            headers,
        }
    }

    /// The header row as a CSV record, from which the reader learns its columns.
    pub(super) fn header(&self) -> csv::ByteRecord {
        csv::ByteRecord::from(self.headers.clone())
    }

    /// Rows up to and including the header (empty rows above it count as header).
    pub(super) fn header_lines(&self) -> u64 {
        self.first_row
    }

    /// Every row of the sheet up to its last one with a value.
    pub(super) fn lines(&self) -> u64 {
        self.last_row
    }

    /// Fill `out` with up to `max` rows; `false` when the sheet is exhausted. Empty
    /// rows are skipped (and counted as blank lines in the report).
    pub(super) fn next_chunk(&mut self, max: usize, out: &mut Chunk) -> bool {
        while out.len < max {
            let Some(row) = self.rows.get(self.next) else {
                return false;
            };
            self.next += 1;
            let line = row.line;
            match self.record(row) {
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
        self.next < self.rows.len()
    }

    /// A row's cells under the headers as the text a CSV log would have, or why a cell
    /// cannot be used. (A row with a value only right of the headers is a row of empty
    /// fields, rejected for its missing ärendetyp, as a CSV log's would be.)
    fn record(&self, row: &SheetRow) -> Result<Vec<String>, Rejection> {
        let width = self.headers.len();
        let mut fields = vec![String::new(); width];
        for (col, text) in row.cells.iter().filter(|(col, _)| (*col as usize) < width) {
            let i = *col as usize;
            match text {
                Ok(text) => fields[i].clone_from(text),
                Err(problem) => {
                    return Err(Rejection::Cell {
                        cell: format!("{}{}", column_letters(self.first_col + col), row.line),
                        column: self.headers[i].clone(),
                        problem: problem.clone(),
                    });
                }
            }
        }
        Ok(fields)
    }
}

/// Every cell with a value in the sheet `name`, read one at a time (never the dense
/// rectangle the sheet declares), up to [`MAX_CELLS`].
fn read_cells<RS: Read + Seek>(
    path: &Path,
    name: &str,
    workbook: &mut Xlsx<RS>,
) -> Result<Vec<ReadCell>, LogError> {
    let unreadable = |e: &dyn std::fmt::Display| {
        LogError(format!(
            "första bladet `{name}` i `{}` går inte att läsa: {e}",
            path.display()
        ))
    };
    let mut reader = workbook
        .worksheet_cells_reader(name)
        .map_err(|e| unreadable(&e))?;
    let declared = reader.dimensions();
    if outside_grid(declared.end) {
        return Err(outside(path, name, declared.end));
    }
    let mut cells = Vec::new();
    while let Some(cell) = reader.next_cell().map_err(|e| unreadable(&e))? {
        let (row, col) = cell.get_position();
        if outside_grid((row, col)) {
            return Err(outside(path, name, (row, col)));
        }
        let value = Data::from(cell.get_value().clone());
        if matches!(value, Data::Empty) {
            continue;
        }
        if cells.len() as u64 >= MAX_CELLS {
            return Err(LogError(format!(
                "första bladet `{name}` i `{}` har fler än {} celler med värden, gränsen för en Excel-logg: spara bladet som CSV UTF-8 (en CSV-logg läses rad för rad, utan gräns)",
                path.display(),
                crate::numbers::sv(MAX_CELLS as f64, 0)
            )));
        }
        cells.push((row, col, cell_text(&value)));
    }
    Ok(cells)
}

fn outside_grid((row, col): (u32, u32)) -> bool {
    row >= EXCEL_ROWS || col >= EXCEL_COLUMNS
}

fn outside(path: &Path, name: &str, (row, col): (u32, u32)) -> LogError {
    LogError(format!(
        "första bladet `{name}` i `{}` har en cell utanför Excels rutnät (rad {}, kolumn {}; Excel har högst {} rader och {} kolumner): filen är inte sparad av Excel",
        path.display(),
        u64::from(row) + 1,
        u64::from(col) + 1,
        crate::numbers::sv(f64::from(EXCEL_ROWS), 0),
        crate::numbers::sv(f64::from(EXCEL_COLUMNS), 0),
    ))
}

/// Refuse a workbook whose parts unpack to more than [`MAX_UNPACKED_BYTES`], from the
/// sizes in the zip's central directory, before anything is unpacked. A file whose
/// directory cannot be found is left to the zip reader to refuse.
fn check_unpacked_size(path: &Path, input: &mut (impl Read + Seek)) -> Result<(), LogError> {
    let io = |e: std::io::Error| {
        LogError(format!(
            "loggen `{}` går inte att läsa: {e}",
            path.display()
        ))
    };
    let parts = zip_parts(input).map_err(io)?;
    input.seek(SeekFrom::Start(0)).map_err(io)?;
    let total: u64 = parts
        .iter()
        .map(|(_, size)| *size)
        .fold(0, u64::saturating_add);
    if total <= MAX_UNPACKED_BYTES {
        return Ok(());
    }
    let (largest, size) = parts
        .iter()
        .max_by_key(|(_, size)| *size)
        .cloned()
        .unwrap_or_default();
    Err(LogError(format!(
        "arbetsboken `{}` packas upp till {} MiB, mer än gränsen {} MiB för en Excel-logg (största delen `{largest}`, {} MiB): spara bladet som CSV UTF-8 (en CSV-logg läses rad för rad, utan gräns)",
        path.display(),
        crate::numbers::sv(mib(total), 0),
        crate::numbers::sv(mib(MAX_UNPACKED_BYTES), 0),
        crate::numbers::sv(mib(size), 0),
    )))
}

fn mib(bytes: u64) -> f64 {
    (bytes / (1 << 20)) as f64
}

const END_OF_DIRECTORY: &[u8] = b"PK\x05\x06";
const DIRECTORY_ENTRY: &[u8] = b"PK\x01\x02";
/// A 32-bit size or offset of all ones: the real one is in a zip64 record.
const ZIP64: u32 = u32::MAX;

/// Each part's name and unpacked size, from the central directory (empty when there is
/// no readable directory). A zip64 size counts as unbounded: no workbook needs one.
pub(crate) fn zip_parts(input: &mut (impl Read + Seek)) -> std::io::Result<Vec<(String, u64)>> {
    let len = input.seek(SeekFrom::End(0))?;
    // The end record is 22 bytes plus a comment of at most 65,535.
    let tail_len = len.min(22 + 65_535);
    input.seek(SeekFrom::Start(len - tail_len))?;
    let mut tail = Vec::new();
    input.take(tail_len).read_to_end(&mut tail)?;
    let Some(end) = tail.windows(4).rposition(|w| w == END_OF_DIRECTORY) else {
        return Ok(Vec::new());
    };
    let record = &tail[end..];
    let (Some(size), Some(offset)) = (le32(record, 12), le32(record, 16)) else {
        return Ok(Vec::new());
    };
    if size == ZIP64 || offset == ZIP64 {
        return Ok(vec![("zip64".into(), u64::MAX)]);
    }
    if u64::from(offset) + u64::from(size) > len {
        return Ok(Vec::new());
    }
    input.seek(SeekFrom::Start(u64::from(offset)))?;
    let mut directory = Vec::new();
    input.take(u64::from(size)).read_to_end(&mut directory)?;
    Ok(directory_entries(&directory))
}

fn directory_entries(directory: &[u8]) -> Vec<(String, u64)> {
    let mut parts = Vec::new();
    let mut at = 0;
    while directory.get(at..at + 4) == Some(DIRECTORY_ENTRY) {
        let entry = &directory[at..];
        let (Some(unpacked), Some(name_len), Some(extra_len), Some(comment_len)) = (
            le32(entry, 24),
            le16(entry, 28),
            le16(entry, 30),
            le16(entry, 32),
        ) else {
            break;
        };
        let name_end = (46 + name_len).min(entry.len());
        let name = String::from_utf8_lossy(&entry[46.min(name_end)..name_end]).into_owned();
        let size = if unpacked == ZIP64 {
            u64::MAX
        } else {
            u64::from(unpacked)
        };
        parts.push((name, size));
        at += 46 + name_len + extra_len + comment_len;
    }
    parts
}

fn le32(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

fn le16(bytes: &[u8], at: usize) -> Option<usize> {
    Some(usize::from(u16::from_le_bytes(
        bytes.get(at..at + 2)?.try_into().ok()?,
    )))
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
pub(crate) fn column_letters(col: u32) -> String {
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
