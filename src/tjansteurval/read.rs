//! The file as cells: every sheet of a workbook (sparsely, only cells with a value, as
//! the dry-run's Excel logs are read) or a CSV file, with the same bounds.

use super::ImportError;
use crate::dryrun::{MAX_UNPACKED_BYTES, column_letters, zip_parts};
use calamine::{Data, Reader, Xlsx};
use std::io::{BufReader, Cursor, Read, Seek, SeekFrom};
use std::path::Path;

/// The hidden sheet in which an export carries the ruleset's files (src/tjansteurval/
/// regeltext.rs): the one sheet whose cells of only spaces are kept as written.
pub(crate) const REGELTEXT_SHEET: &str = "Regeltext";

/// The most rows a tjänsteurval may have: a kommun's list has hundreds; a sheet past
/// this is not a tjänsteurval, and is refused as soon as a cell past it is read.
pub const MAX_ROWS: u32 = 100_000;

/// The longest cell text read; a longer cell is cut and the cut reported.
pub const MAX_CELL_CHARS: usize = 4_000;

/// The largest CSV file read (a CSV of [`MAX_ROWS`] rows is far smaller).
pub const MAX_CSV_BYTES: u64 = 64 << 20;

/// The most cells with a value (text, number, date, error value or formula) read from
/// one file, all sheets together: a tjänsteurval has thousands.
pub const MAX_CELLS: u64 = 2_000_000;

/// The most cell text kept from one file, in bytes: [`MAX_CELLS`] cells of
/// [`MAX_CELL_CHARS`] would be tens of GiB, shared strings make such a file small.
pub const MAX_TEXT_BYTES: u64 = 256 << 20;

/// The most notes (cut cells, formulas, dates) kept per sheet; the rest are counted.
pub const MAX_NOTES: usize = 1_000;

/// What one file may still hold: cells and bytes of text, over all its sheets.
#[derive(Debug, Default)]
struct Budget {
    cells: u64,
    bytes: u64,
}

impl Budget {
    /// Count one cell with a value, of `bytes` text kept, in sheet `sheet`.
    fn take(&mut self, path: &Path, sheet: &str, bytes: usize) -> Result<(), ImportError> {
        self.cells += 1;
        self.bytes = self.bytes.saturating_add(bytes as u64);
        let what = if self.cells > MAX_CELLS {
            format!(
                "fler än {} celler med värden",
                crate::numbers::sv(MAX_CELLS as f64, 0)
            )
        } else if self.bytes > MAX_TEXT_BYTES {
            format!("mer än {} MiB celltext", MAX_TEXT_BYTES >> 20)
        } else {
            return Ok(());
        };
        Err(ImportError(format!(
            "`{}` har {what} (räknat till och med bladet `{sheet}`), gränsen för ett tjänsteurval: filen läses inte",
            path.display()
        )))
    }
}

/// A sheet's notes, at most [`MAX_NOTES`]; the rest only counted.
#[derive(Debug, Default)]
struct Notes {
    kept: Vec<(String, String)>,
    more: usize,
}

impl Notes {
    fn push(&mut self, at: String, text: String) {
        if self.kept.len() < MAX_NOTES {
            self.kept.push((at, text));
        } else {
            self.more += 1;
        }
    }

    fn finish(mut self) -> Vec<(String, String)> {
        if self.more > 0 {
            self.kept.push((
                "bladet".to_string(),
                format!(
                    "och {} till som inte visas",
                    crate::numbers::count(self.more, "anmärkning", "anmärkningar")
                ),
            ));
        }
        self.kept
    }
}

/// One sheet: its name, its rows with a value in sheet order, and what was noticed
/// while reading (formulas, cut cells, merged cells).
#[derive(Debug, Default)]
pub(crate) struct Sheet {
    pub name: String,
    pub rows: Vec<Row>,
    pub notes: Vec<(String, String)>,
    /// Merged regions: first row, last row, first column, last column (0-based).
    pub merged: Vec<(u32, u32, u32, u32)>,
}

/// A row with a value: its 0-based row index and its cells by 0-based column.
#[derive(Debug, Default, Clone)]
pub(crate) struct Row {
    pub index: u32,
    pub cells: Vec<(u32, String)>,
}

impl Row {
    pub(crate) fn cell(&self, col: u32) -> &str {
        self.cells
            .iter()
            .find(|(c, _)| *c == col)
            .map_or("", |(_, text)| text.as_str())
    }
}

/// `B7` for a 0-based row and column.
pub(crate) fn address(row: u32, col: u32) -> String {
    format!("{}{}", column_letters(col), u64::from(row) + 1)
}

/// Read `path` by what its bytes are, not its name: a zip is a workbook, an OLE file is
/// an encrypted (or old .xls) workbook, text is CSV.
pub(crate) fn read(path: &Path) -> Result<Vec<Sheet>, ImportError> {
    let shown = path.display();
    let io = |e: std::io::Error| ImportError(format!("kunde inte läsa `{shown}`: {e}"));
    // Only a regular file: a FIFO or device named as the input would hang the import.
    let (mut file, _) = crate::files::open_regular(path).map_err(|refusal| match refusal {
        crate::files::Refusal::Io(e) => io(e),
        other => ImportError(format!("`{shown}` {}", other.reason())),
    })?;
    let mut magic = [0u8; 8];
    let got = file.read(&mut magic).map_err(io)?;
    file.seek(SeekFrom::Start(0)).map_err(io)?;
    match &magic[..got] {
        [0x50, 0x4B, ..] => read_xlsx(path, file),
        [0xD0, 0xCF, 0x11, 0xE0, ..] => Err(ImportError(format!(
            "`{shown}` är en lösenordsskyddad (krypterad) arbetsbok eller en gammal .xls-fil: \
             rosa kan inte läsa den. Ta bort lösenordet (Arkiv → Info → Skydda arbetsbok) \
             och spara som .xlsx, eller spara bladet som CSV UTF-8"
        ))),
        _ => read_csv(path, file),
    }
}

fn read_xlsx(path: &Path, mut file: std::fs::File) -> Result<Vec<Sheet>, ImportError> {
    let shown = path.display();
    check_unpacked_size(path, &mut file)?;
    let mut workbook: Xlsx<_> = Xlsx::new(BufReader::new(file)).map_err(|e| {
        ImportError(format!(
            "`{shown}` är ingen Excel-arbetsbok som går att läsa (.xlsx): {e}"
        ))
    })?;
    let names = workbook.sheet_names();
    let mut sheets = Vec::new();
    let mut budget = Budget::default();
    for name in names {
        let mut sheet = read_sheet(path, &name, &mut workbook, &mut budget)?;
        if let Ok(regions) = workbook.merge_cells_by_sheet_name(&name) {
            sheet.merged = regions
                .iter()
                .take(MAX_ROWS as usize)
                .map(|d| (d.start.0, d.end.0, d.start.1, d.end.1))
                .collect();
        }
        sheets.push(sheet);
    }
    Ok(sheets)
}

fn read_sheet<RS: Read + Seek>(
    path: &Path,
    name: &str,
    workbook: &mut Xlsx<RS>,
    budget: &mut Budget,
) -> Result<Sheet, ImportError> {
    let unreadable = |e: &dyn std::fmt::Display| {
        ImportError(format!(
            "bladet `{name}` i `{}` går inte att läsa: {e}",
            path.display()
        ))
    };
    let mut reader = workbook
        .worksheet_cells_reader(name)
        .map_err(|e| unreadable(&e))?;
    let mut sheet = Sheet {
        name: name.to_string(),
        ..Sheet::default()
    };
    let mut notes = Notes::default();
    let keeps_blank = super::values::fold(name) == super::values::fold(REGELTEXT_SHEET);
    while let Some(cell) = reader
        .next_cell_with_formula_metadata()
        .map_err(|e| unreadable(&e))?
    {
        let (row, col) = cell.pos;
        if row >= MAX_ROWS || col >= 16_384 {
            return Err(too_large(path, name, row));
        }
        let value = Data::from(cell.value.clone());
        if matches!(value, Data::Empty) && cell.formula.is_none() {
            continue;
        }
        let at = address(row, col);
        let text = match cell_text(&value) {
            Ok(text) => text,
            Err(problem) => {
                budget.take(path, name, 0)?;
                notes.push(at, problem);
                continue;
            }
        };
        if cell.formula.is_some() {
            let note = if text.is_empty() {
                "en formel utan sparat värde: cellen räknas som tom (öppna och spara filen i Excel så sparas värdet)".to_string()
            } else {
                format!(
                    "en formel: dess sparade värde `{}` används",
                    crate::bounds::bounded(&text)
                )
            };
            notes.push(at.clone(), note);
        }
        // The regeltext keeps a line of spaces as it is: it is part of a file's text.
        if text.is_empty() || (text.trim().is_empty() && !keeps_blank) {
            budget.take(path, name, 0)?;
            continue;
        }
        let text = cut(text, &at, &mut notes);
        budget.take(path, name, text.len())?;
        push_cell(&mut sheet.rows, row, col, text);
    }
    sheet.notes = notes.finish();
    for row in &mut sheet.rows {
        row.cells.sort_by_key(|(c, _)| *c);
    }
    sheet.rows.sort_by_key(|r| r.index);
    Ok(sheet)
}

fn push_cell(rows: &mut Vec<Row>, row: u32, col: u32, text: String) {
    match rows.last_mut() {
        Some(last) if last.index == row => last.cells.push((col, text)),
        _ => rows.push(Row {
            index: row,
            cells: vec![(col, text)],
        }),
    }
}

fn cut(text: String, at: &str, notes: &mut Notes) -> String {
    match text.char_indices().nth(MAX_CELL_CHARS) {
        Some((end, _)) => {
            notes.push(
                at.to_string(),
                format!("cellen är längre än {MAX_CELL_CHARS} tecken; resten läses inte"),
            );
            text[..end].to_string()
        }
        None => text,
    }
}

fn too_large(path: &Path, name: &str, row: u32) -> ImportError {
    ImportError(format!(
        "bladet `{name}` i `{}` har värden på rad {} eller fler celler än rosa läser; ett tjänsteurval har högst {} rader",
        path.display(),
        crate::numbers::sv(f64::from(row) + 1.0, 0),
        crate::numbers::sv(f64::from(MAX_ROWS), 0)
    ))
}

/// A cell as the text a person sees: whole numbers without decimals, ja/nej for
/// TRUE/FALSE. Errors (`#REF!`) and dates are reported, not read.
fn cell_text(cell: &Data) -> Result<String, String> {
    Ok(match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "ja" } else { "nej" }.to_string(),
        Data::DateTime(_) | Data::DateTimeIso(_) | Data::DurationIso(_) => {
            return Err(
                "ett datum eller en tid, inte en siffra eller text: cellen läses inte".into(),
            );
        }
        Data::Error(e) => return Err(format!("ett felvärde ({e}): cellen läses inte")),
    })
}

/// Refuse a workbook whose parts unpack past [`MAX_UNPACKED_BYTES`] before anything is
/// unpacked (the dry-run's check of its Excel logs).
fn check_unpacked_size(path: &Path, input: &mut std::fs::File) -> Result<(), ImportError> {
    let io = |e: std::io::Error| ImportError(format!("kunde inte läsa `{}`: {e}", path.display()));
    let parts = zip_parts(input).map_err(io)?;
    input.seek(SeekFrom::Start(0)).map_err(io)?;
    let total = parts.iter().map(|(_, s)| *s).fold(0, u64::saturating_add);
    if total <= MAX_UNPACKED_BYTES {
        return Ok(());
    }
    Err(ImportError(format!(
        "arbetsboken `{}` packas upp till mer än {} MiB, gränsen för ett tjänsteurval: filen är trasig eller inte ett tjänsteurval",
        path.display(),
        MAX_UNPACKED_BYTES >> 20
    )))
}

fn read_csv(path: &Path, file: std::fs::File) -> Result<Vec<Sheet>, ImportError> {
    let shown = path.display();
    let mut bytes = Vec::new();
    file.take(MAX_CSV_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| ImportError(format!("kunde inte läsa `{shown}`: {e}")))?;
    if bytes.len() as u64 > MAX_CSV_BYTES {
        return Err(ImportError(format!(
            "`{shown}` är större än {} MiB, gränsen för ett tjänsteurval i CSV",
            MAX_CSV_BYTES >> 20
        )));
    }
    if bytes.contains(&0) {
        return Err(ImportError(format!(
            "`{shown}` är varken en Excel-arbetsbok (.xlsx) eller en textfil (CSV): rosa kan inte läsa den"
        )));
    }
    let mut notes = Notes::default();
    let text = decode(bytes, &mut notes);
    let name = path
        .file_stem()
        .map_or_else(|| "CSV".to_string(), |s| s.to_string_lossy().into_owned());
    let mut budget = Budget::default();
    let delimiter = guess_delimiter(&text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(Cursor::new(text.as_bytes()));
    let mut rows = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let Ok(index) = u32::try_from(index) else {
            break;
        };
        if index >= MAX_ROWS {
            return Err(too_large(path, "CSV", index));
        }
        let record =
            record.map_err(|e| ImportError(format!("`{shown}` går inte att läsa som CSV: {e}")))?;
        let mut row = Row {
            index,
            cells: Vec::new(),
        };
        for (col, field) in record.iter().enumerate() {
            if field.trim().is_empty() {
                continue;
            }
            let col = u32::try_from(col).unwrap_or(u32::MAX);
            let at = address(index, col);
            let text = cut(field.to_string(), &at, &mut notes);
            budget.take(path, &name, text.len())?;
            row.cells.push((col, text));
        }
        if !row.cells.is_empty() {
            rows.push(row);
        }
    }
    Ok(vec![Sheet {
        name,
        rows,
        notes: notes.finish(),
        merged: Vec::new(),
    }])
}

/// UTF-8 (with or without Excel's BOM), else Windows-1252 as Excel writes "CSV" on a
/// Swedish Windows, said in the report.
fn decode(bytes: Vec<u8>, notes: &mut Notes) -> String {
    let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            notes.push(
                "filen".to_string(),
                "är inte UTF-8; läst som Windows-1252 (Excels \"CSV (semikolonavgränsad)\")"
                    .to_string(),
            );
            e.into_bytes().iter().map(|&b| windows_1252(b)).collect()
        }
    }
}

fn windows_1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž',
        '\u{8F}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9F => HIGH[usize::from(b - 0x80)],
        _ => char::from(b),
    }
}

/// `;` (Excel in Swedish) or `,`: whichever the first lines hold more of.
fn guess_delimiter(text: &str) -> u8 {
    let head: String = text.lines().take(20).collect();
    let semicolons = head.matches(';').count();
    let commas = head.matches(',').count();
    if semicolons >= commas && semicolons > 0 {
        b';'
    } else if commas > 0 {
        b','
    } else {
        b';'
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_refuses_too_many_cells_and_too_much_text() {
        let path = Path::new("lista.xlsx");
        let mut cells = Budget {
            cells: MAX_CELLS - 1,
            bytes: 0,
        };
        assert!(cells.take(path, "Blad1", 1).is_ok());
        let refused = cells.take(path, "Blad1", 1).expect_err("one cell too many");
        assert!(refused.0.contains("fler än 2 000 000 celler"), "{refused}");
        assert!(refused.0.contains("bladet `Blad1`"), "{refused}");
        let mut text = Budget::default();
        assert!(text.take(path, "Blad2", 200 << 20).is_ok());
        let refused = text
            .take(path, "Blad2", 100 << 20)
            .expect_err("too much text");
        assert!(refused.0.contains("mer än 256 MiB celltext"), "{refused}");
        assert!(refused.0.contains("bladet `Blad2`"), "{refused}");
    }

    #[test]
    fn notes_past_the_cap_are_counted() {
        let mut notes = Notes::default();
        for i in 0..MAX_NOTES + 2 {
            notes.push(format!("A{i}"), "en formel".to_string());
        }
        let kept = notes.finish();
        assert_eq!(kept.len(), MAX_NOTES + 1);
        assert_eq!(
            kept.last().map(|(_, t)| t.as_str()),
            Some("och 2 anmärkningar till som inte visas")
        );
    }
}
