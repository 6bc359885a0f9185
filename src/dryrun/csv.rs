//! The report as CSV, in two dialects: the flat figures (`--format csv`) and any one
//! section of the workbook (`--section NAME`).

use super::analysis::Analysis;
use super::model::{Kind, Section, Table, Value};
use super::workbook::{flat, sheet};
use std::borrow::Cow;

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
pub(crate) fn table(t: &Table, dialect: CsvDialect) -> Result<String, csv::Error> {
    let excel = dialect == CsvDialect::SwedishExcel;
    let mut w = csv::WriterBuilder::new()
        .delimiter(if excel { b';' } else { b',' })
        .from_writer(Vec::new());
    w.write_record(t.labels().map(|label| neutralised(label).into_owned()))?;
    for row in &t.rows {
        w.write_record(row.iter().map(|cell| match cell {
            Value::Text(s) => neutralised(s).into_owned(),
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

/// The characters that make a spreadsheet read a cell as a formula (OWASP, "CSV
/// Injection"): `=`, `+`, `-`, `@`, and tab or carriage return before them.
const FORMULA_STARTS: &[char] = &['=', '+', '-', '@', '\t', '\r'];

/// A text cell as a spreadsheet will show it, never run it: one that would start a
/// formula (a rule name or log value such as `=HYPERLINK(…)`) gets a leading `'`, which
/// Excel shows as text. Numbers are written as numbers elsewhere, so `-12,5` stays one.
fn neutralised(text: &str) -> Cow<'_, str> {
    if text.starts_with(FORMULA_STARTS) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dryrun::model::{Column, Table};

    fn one_row(cells: Vec<Value>) -> Table {
        let mut t = Table::new(
            "t",
            vec![
                Column::text("namn"),
                Column::number("värde", Kind::Hundredths),
            ],
        );
        t.rows.push(cells);
        t
    }

    #[test]
    fn a_text_cell_that_would_be_a_formula_is_written_as_text() {
        for (text, written) in [
            ("=1+1", "'=1+1"),
            ("+46 8 123", "'+46 8 123"),
            ("-x", "'-x"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\r=x", "'\r=x"),
            ("vanlig text", "vanlig text"),
        ] {
            assert_eq!(neutralised(text), written, "{text:?}");
        }
    }

    #[test]
    fn a_negative_number_stays_a_number_in_both_dialects() {
        let t = one_row(vec![
            Value::Text("=HYPERLINK(\"x\")".into()),
            Value::Number(-12.5, Kind::Hundredths),
        ]);
        let excel = table(&t, CsvDialect::SwedishExcel).unwrap();
        assert!(
            excel.ends_with("\"'=HYPERLINK(\"\"x\"\")\";-12,500\n"),
            "{excel}"
        );
        let plain = table(&t, CsvDialect::Plain).unwrap();
        assert!(
            plain.ends_with("\"'=HYPERLINK(\"\"x\"\")\",-12.500\n"),
            "{plain}"
        );
    }
}
