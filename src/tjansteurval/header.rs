//! Which column is which: headers recognised by their Swedish names, in any case, with
//! or without å/ä/ö, in any order, on any sheet; `--column ROSA=E` for the rest.

use super::ImportError;
use super::read::{Row, Sheet, address};
use super::values::fold;

/// A column the importer reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Column {
    /// `Förvaltning`, `Verksamhet`.
    Forvaltning,
    /// `Förvaltning-id` (written by the export; otherwise made from the name).
    ForvaltningId,
    /// `Ärendetyp`, `Ärende`, `Tjänst`.
    Arendetyp,
    /// `Ärendetyp-id`.
    ArendetypId,
    /// `Delmoment`, `Del`.
    Delmoment,
    /// `Delmoment-id`.
    DelmomentId,
    /// `ROSA`, `Nivå`, `ROSA-nivå`, `Servicenivå`.
    Rosa,
    /// `Frekvens`, `Antal`, `Volym`, maybe with the period (`Antal per år`).
    Frekvens,
    /// `System`, `Verksamhetssystem`.
    System,
    /// `Manus`, `Talmanus`.
    Manus,
    /// `Kanaler`.
    Kanaler,
    /// `Ej kanaler`.
    EjKanaler,
    /// `Sekretess`.
    Sekretess,
    /// `Tid`, `Handläggningstid`.
    Tid,
    /// `Sökord`.
    Sokord,
    /// `Kommentar`, `Anteckning`.
    Kommentar,
    /// `Vidarekoppla`: where the row's unit is forwarded (`kö "Bygglov"`).
    Vidarekoppla,
    /// `Regler`: rule lines as written in a rule file, one per line.
    Regler,
}

/// Every column with its names (folded, see [`fold`]); the first is the one the export writes.
pub const COLUMNS: &[(Column, &[&str])] = &[
    (Column::Forvaltning, &["forvaltning", "verksamhet"]),
    (
        Column::Arendetyp,
        &["arendetyp", "arende", "tjanst", "arendetyper"],
    ),
    (Column::Delmoment, &["delmoment", "del"]),
    (Column::Rosa, &["rosa", "niva", "rosa niva", "serviceniva"]),
    (Column::Frekvens, &["frekvens", "antal", "volym"]),
    (Column::System, &["system", "verksamhetssystem"]),
    (Column::Manus, &["manus", "talmanus"]),
    (Column::Kanaler, &["kanaler", "kanal"]),
    (Column::EjKanaler, &["ej kanaler", "ej kanal"]),
    (Column::Sekretess, &["sekretess"]),
    (Column::Tid, &["tid", "handlaggningstid"]),
    (Column::Sokord, &["sokord"]),
    (
        Column::Kommentar,
        &["kommentar", "anteckning", "kommentarer", "anteckningar"],
    ),
    (Column::Vidarekoppla, &["vidarekoppla"]),
    (Column::Regler, &["regler", "regelrader"]),
    (Column::ForvaltningId, &["forvaltning id"]),
    (Column::ArendetypId, &["arendetyp id"]),
    (Column::DelmomentId, &["delmoment id"]),
];

/// The header as the export writes it, in its order.
pub const EXPORT_HEADERS: &[(Column, &str)] = &[
    (Column::Forvaltning, "Förvaltning"),
    (Column::Arendetyp, "Ärendetyp"),
    (Column::Delmoment, "Delmoment"),
    (Column::Rosa, "ROSA-nivå"),
    (Column::Frekvens, "Frekvens"),
    (Column::System, "System"),
    (Column::Manus, "Manus"),
    (Column::Kanaler, "Kanaler"),
    (Column::EjKanaler, "Ej kanaler"),
    (Column::Sekretess, "Sekretess"),
    (Column::Tid, "Tid"),
    (Column::Sokord, "Sökord"),
    (Column::Kommentar, "Kommentar"),
    (Column::Vidarekoppla, "Vidarekoppla"),
    (Column::Regler, "Regler"),
    (Column::ForvaltningId, "Förvaltning-id"),
    (Column::ArendetypId, "Ärendetyp-id"),
    (Column::DelmomentId, "Delmoment-id"),
];

/// The column a header cell names, and the period it names (`Antal per år` → `år`).
pub fn recognise(cell: &str) -> Option<(Column, Option<super::values::Period>)> {
    let folded = fold(cell);
    if let Some(column) = exact(&folded) {
        return Some((column, None));
    }
    // `Frekvens per månad`, `Antal/år`, `Volym (st/mån)` has lost its parenthesis.
    let (first, rest) = folded.split_once(' ')?;
    let column = exact(first).filter(|c| *c == Column::Frekvens)?;
    let period = super::values::period_in(rest)?;
    Some((column, Some(period)))
}

fn exact(folded: &str) -> Option<Column> {
    COLUMNS
        .iter()
        .find(|(_, names)| names.contains(&folded))
        .map(|(c, _)| *c)
}

/// The columns of a sheet: where each is and where the header row is.
#[derive(Debug, Clone)]
pub struct Layout {
    /// The header row, 0-based; `None` when every column came from `--column`.
    pub header_row: Option<u32>,
    /// Column → 0-based sheet column.
    pub columns: Vec<(Column, u32)>,
    /// The period the frekvens header names.
    pub period: Option<super::values::Period>,
}

impl Layout {
    pub(crate) fn col(&self, column: Column) -> Option<u32> {
        self.columns
            .iter()
            .find(|(c, _)| *c == column)
            .map(|(_, at)| *at)
    }
}

/// How many rows from the top of a sheet are looked at for its header.
const HEADER_SEARCH_ROWS: usize = 30;

/// The header of `sheet`, if it has one: the first row among its first rows naming an
/// ärendetyp (or delmoment) column and a level column.
pub(crate) fn find(sheet: &Sheet, mapping: &[(Column, u32)]) -> Option<Layout> {
    for row in sheet.rows.iter().take(HEADER_SEARCH_ROWS) {
        let layout = from_row(row, mapping);
        let has = |c| layout.col(c).is_some();
        if (has(Column::Arendetyp) || has(Column::Delmoment)) && has(Column::Rosa) {
            return Some(layout);
        }
    }
    let has = |c| mapping.iter().any(|(m, _)| *m == c);
    ((has(Column::Arendetyp) || has(Column::Delmoment)) && has(Column::Rosa)).then(|| Layout {
        header_row: None,
        columns: mapping.to_vec(),
        period: None,
    })
}

fn from_row(row: &Row, mapping: &[(Column, u32)]) -> Layout {
    let mut columns: Vec<(Column, u32)> = mapping.to_vec();
    let mut period = None;
    for (col, text) in &row.cells {
        let Some((column, named_period)) = recognise(text) else {
            continue;
        };
        if columns.iter().any(|(c, at)| *c == column || at == col) {
            continue;
        }
        if named_period.is_some() {
            period = named_period;
        }
        columns.push((column, *col));
    }
    Layout {
        header_row: Some(row.index),
        columns,
        period,
    }
}

/// Whether `row` repeats a header (a header row printed again further down).
pub(crate) fn is_header_like(row: &Row) -> bool {
    row.cells
        .iter()
        .filter(|(_, t)| recognise(t).is_some())
        .count()
        >= 2
}

/// `ROSA=E`, `sökord=K`: a column name and a column letter.
pub fn parse_mapping(text: &str) -> Result<(Column, u32), ImportError> {
    let (name, letters) = text.split_once('=').ok_or_else(|| {
        ImportError(format!(
            "`--column {}`: skriv kolumnens namn och bokstav, t.ex. `ROSA=E`",
            crate::bounds::bounded(text)
        ))
    })?;
    let column = exact(&fold(name)).ok_or_else(|| {
        ImportError(format!(
            "`--column`: `{}` är ingen kolumn rosa läser; de är {}",
            crate::bounds::bounded(name),
            looked_for()
        ))
    })?;
    let col = letters_to_col(letters.trim()).ok_or_else(|| {
        ImportError(format!(
            "`--column {}`: `{}` är ingen kolumnbokstav (A–XFD)",
            crate::bounds::bounded(text),
            crate::bounds::bounded(letters)
        ))
    })?;
    Ok((column, col))
}

fn letters_to_col(letters: &str) -> Option<u32> {
    if letters.is_empty() || letters.len() > 3 {
        return None;
    }
    let mut n = 0u32;
    for c in letters.chars() {
        let c = c.to_ascii_uppercase();
        if !c.is_ascii_uppercase() {
            return None;
        }
        n = n * 26 + (u32::from(c) - u32::from('A') + 1);
    }
    (n <= 16_384).then(|| n - 1)
}

/// The column names looked for, for the error when no header is found.
pub fn looked_for() -> String {
    COLUMNS
        .iter()
        .filter(|(c, _)| {
            !matches!(
                c,
                Column::ForvaltningId | Column::ArendetypId | Column::DelmomentId
            )
        })
        .map(|(_, names)| names.join("/"))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The error when no sheet has a header: what was looked for, and the first rows seen.
pub(crate) fn not_found(sheets: &[Sheet]) -> ImportError {
    let mut seen = String::new();
    for sheet in sheets {
        for row in sheet.rows.iter().take(5) {
            let cells: Vec<String> = row
                .cells
                .iter()
                .take(8)
                .map(|(col, text)| {
                    format!(
                        "{}: {}",
                        address(row.index, *col),
                        crate::bounds::bounded(text)
                    )
                })
                .collect();
            seen.push_str(&format!(
                "\n  {} rad {}: {}",
                sheet.name,
                row.index + 1,
                cells.join(" | ")
            ));
        }
    }
    if seen.is_empty() {
        seen = "\n  (filen har inga celler med värden)".to_string();
    }
    ImportError(format!(
        "hittade ingen rubrikrad med en kolumn för ärendetyp (eller delmoment) och en för ROSA-nivå.\n\
         rosa letar efter kolumnerna (stora eller små bokstäver, med eller utan å/ä/ö): {}.\n\
         de första raderna i filen:{seen}\n\
         hjälp: byt namn på rubrikerna, eller ange kolumnerna, t.ex. `--column ärendetyp=B --column rosa=E`",
        looked_for()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_recognised_in_any_case_and_spelling() {
        assert_eq!(recognise("ROSA-nivå").map(|r| r.0), Some(Column::Rosa));
        assert_eq!(
            recognise("  Arendetyp ").map(|r| r.0),
            Some(Column::Arendetyp)
        );
        assert_eq!(
            recognise("VERKSAMHET").map(|r| r.0),
            Some(Column::Forvaltning)
        );
        assert_eq!(
            recognise("Ej kanaler").map(|r| r.0),
            Some(Column::EjKanaler)
        );
        assert_eq!(recognise("Nivå (1–6)").map(|r| r.0), Some(Column::Rosa));
        let (c, p) = recognise("Antal per år").expect("a frekvens header");
        assert_eq!(c, Column::Frekvens);
        assert_eq!(p, Some(super::super::values::Period::Year));
        assert_eq!(recognise("Namn"), None);
    }

    #[test]
    fn a_mapping_names_a_column_and_a_letter() {
        assert_eq!(parse_mapping("ROSA=E").ok(), Some((Column::Rosa, 4)));
        assert_eq!(parse_mapping("sökord=AA").ok(), Some((Column::Sokord, 26)));
        assert!(parse_mapping("ROSA").is_err());
        assert!(parse_mapping("färg=B").is_err());
        assert!(parse_mapping("ROSA=5").is_err());
    }
}
