//! The report as CSV, in two dialects: the flat figures (`--format csv`) and any one
//! section of the workbook (`--section NAME`).

use super::analysis::Analysis;
use super::model::{Kind, Section, Table, Value};
use super::workbook::{flat, sheet};

/// How the CSV is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CsvDialect {
    /// What Swedish Excel opens as columns: UTF-8 with a byte order mark, `;` between
    /// fields, decimal comma.
    #[default]
    SwedishExcel,
    /// `,` between fields, decimal point, no byte order mark: for programs.
    Plain,
}

/// One row per ärendetyp, per förvaltning and the total, with a `nivå` column.
///
/// # Errors
///
/// When the CSV writer fails (in practice never: it writes to memory).
pub fn csv(a: &Analysis, dialect: CsvDialect) -> Result<String, csv::Error> {
    table(&flat(a), dialect)
}

/// One section of the report as CSV (`rosa dry-run --format csv --section NAME`), or
/// `None` for [`Section::Comparison`] when there is no comparison.
///
/// ```
/// use rosa::dryrun::{self, Analysis, CsvDialect, Options, Section};
/// let ruleset = rosa::Ruleset::load("rulesets/exempelkommun").unwrap();
/// let a = Analysis::from(dryrun::run(&ruleset, &Options::default()).unwrap());
/// let csv = dryrun::section_csv(&a, Section::Forvaltningar, CsvDialect::Plain).unwrap();
/// assert!(csv.unwrap().starts_with("förvaltning,id,volym per år,"));
/// assert!(dryrun::section_csv(&a, Section::Comparison, CsvDialect::Plain).unwrap().is_none());
/// ```
///
/// # Errors
///
/// When the CSV writer fails (in practice never: it writes to memory).
pub fn section_csv(
    a: &Analysis,
    section: Section,
    dialect: CsvDialect,
) -> Result<Option<String>, csv::Error> {
    sheet(a, section).map(|s| table(&s, dialect)).transpose()
}

/// A table as CSV in `dialect`: numbers unrounded to three decimals (shares as 0–1
/// to four, counts whole), with a decimal comma for Swedish Excel.
pub fn table(t: &Table, dialect: CsvDialect) -> Result<String, csv::Error> {
    let excel = dialect == CsvDialect::SwedishExcel;
    let mut w = csv::WriterBuilder::new()
        .delimiter(if excel { b';' } else { b',' })
        .from_writer(Vec::new());
    w.write_record(t.labels())?;
    for row in &t.rows {
        w.write_record(row.iter().map(|cell| match cell {
            Value::Text(s) => s.clone(),
            Value::Empty => String::new(),
            Value::Number(v, kind) => {
                let text = match kind {
                    Kind::Share => format!("{v:.4}"),
                    Kind::Count => format!("{v:.0}"),
                    _ => format!("{v:.3}"),
                };
                if excel { text.replace('.', ",") } else { text }
            }
        }))?;
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    // The byte order mark is how Excel knows the file is UTF-8 (else "FÃ¶rskoleplats").
    let bom = if excel { "\u{feff}" } else { "" };
    Ok(format!("{bom}{}", String::from_utf8_lossy(&bytes)))
}
