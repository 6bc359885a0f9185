//! What the renderers write: a report, and its comparison with another when there is one.

use super::compare::Comparison;
use super::rows::Report;
use serde::Serialize;

/// A dry-run report, optionally compared with the report of another ruleset
/// (`--compare`). JSON: the report's fields, plus `comparison`.
#[derive(Debug, Clone, Serialize)]
pub struct Analysis {
    /// The figures of the ruleset being analysed.
    #[serde(flatten)]
    pub report: Report,
    /// What changes from the other ruleset to this one.
    pub comparison: Option<Comparison>,
}

impl From<Report> for Analysis {
    fn from(report: Report) -> Self {
        Analysis {
            report,
            comparison: None,
        }
    }
}
