//! One report, any format: the dry-run's [`Analysis`] and the follow-up's report both
//! implement [`Render`], so a format is picked and its failure worded in one place.

use super::analysis::Analysis;
use super::csv::CsvDialect;

/// The formats rosa writes a report in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    /// Plain-text tables for a terminal.
    Text,
    /// The report as Markdown.
    Markdown,
    /// One self-contained HTML page.
    Html,
    /// The report's main table as CSV.
    Csv,
    /// The report's fields as pretty-printed JSON.
    Json,
    /// An Excel workbook, a sheet per section.
    Xlsx,
}

impl ReportFormat {
    /// Whether the output is binary (a workbook) rather than text.
    pub fn is_binary(self) -> bool {
        self == ReportFormat::Xlsx
    }
}

/// A report rosa writes in every [`ReportFormat`]: each implementor lays out its own
/// formats, [`Render::render`] picks one.
pub trait Render: serde::Serialize {
    /// Plain-text tables for a terminal.
    fn text(&self) -> String;
    /// The report as Markdown.
    fn markdown(&self) -> String;
    /// One self-contained HTML page.
    fn html(&self) -> String;
    /// The report's main table as CSV.
    ///
    /// # Errors
    ///
    /// When the CSV writer fails (in practice never: it writes to memory).
    fn csv(&self, dialect: CsvDialect) -> Result<String, csv::Error>;
    /// An Excel workbook, a sheet per section.
    ///
    /// # Errors
    ///
    /// When the workbook cannot be put together (in practice never: names are fixed).
    fn xlsx(&self) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError>;

    /// The report in `format` (CSV in `dialect`).
    ///
    /// ```
    /// use rosa::dryrun::{self, Analysis, CsvDialect, Options, Render, ReportFormat};
    /// let ruleset = rosa::Ruleset::load("rulesets/exempelkommun").unwrap();
    /// let a = Analysis::from(dryrun::run(&ruleset, &Options::default()).unwrap());
    /// let md = a.render(ReportFormat::Markdown, CsvDialect::Plain).unwrap();
    /// assert_eq!(md, dryrun::markdown(&a).into_bytes());
    /// ```
    ///
    /// # Errors
    ///
    /// What could not be written, in Swedish ("kunde inte skriva CSV: …").
    fn render(&self, format: ReportFormat, dialect: CsvDialect) -> Result<Vec<u8>, String> {
        Ok(match format {
            ReportFormat::Text => self.text().into_bytes(),
            ReportFormat::Markdown => self.markdown().into_bytes(),
            ReportFormat::Html => self.html().into_bytes(),
            ReportFormat::Json => serde_json::to_string_pretty(self)
                .map(|json| json + "\n")
                .map_err(|e| format!("kunde inte skriva JSON: {e}"))?
                .into_bytes(),
            ReportFormat::Csv => self
                .csv(dialect)
                .map_err(|e| format!("kunde inte skriva CSV: {e}"))?
                .into_bytes(),
            ReportFormat::Xlsx => self
                .xlsx()
                .map_err(|e| format!("kunde inte skapa arbetsboken: {e}"))?,
        })
    }
}

impl Render for Analysis {
    fn text(&self) -> String {
        super::text::text(self)
    }

    fn markdown(&self) -> String {
        super::markdown::markdown(self)
    }

    fn html(&self) -> String {
        super::html::html(self)
    }

    fn csv(&self, dialect: CsvDialect) -> Result<String, csv::Error> {
        super::csv::csv(self, dialect)
    }

    fn xlsx(&self) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
        super::xlsx::xlsx(self)
    }
}
