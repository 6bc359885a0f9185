//! Follow-up after go-live (`rosa uppföljning`): what the decision logs `rosa serve`
//! wrote say happened, month by month and förvaltning by förvaltning, against the goal
//! and against the agreement's forecast (the declared dry-run of the ruleset in force);
//! the financing recomputed from the work actually handed over; and, with the case
//! system's own export, where practice and agreement part ways.
//!
//! [`run`] reads and computes a [`Report`]; its sections are tables of the dry-run's one
//! report model, so [`text`], [`markdown`], [`html`], [`csv()`] and [`xlsx`] are
//! projections of the same figures.

mod cases;
mod decisions;
mod generate;
mod input;
mod known;
mod output;
mod report;
mod sections;
mod tally;
mod wording;
mod workdays;

use crate::model::Ruleset;
use std::path::PathBuf;

pub use cases::{CaseExport, Deviation, KeyFigures};
pub use generate::{GenerateOptions, MAX_CONTACTS, Planted, generate};
pub use output::{csv, html, markdown, section_names, text, xlsx};
pub use report::{
    FileLines, FinancingRow, LineAccount, MonthRow, RejectedLine, Report, RulesetChange,
    RulesetSpan, UnitChange,
};

/// A follow-up that cannot produce a report.
#[derive(Debug, Clone, PartialEq)]
pub struct FollowupError(pub String);

impl std::fmt::Display for FollowupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FollowupError {}

/// What to read and how.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Decision logs: files (plain or gzip), directories or globs (`logs/beslut*.jsonl*`).
    pub logs: Vec<PathBuf>,
    /// Kronor per post and year; otherwise the policy's `årskostnad`.
    pub cost_per_fte: Option<f64>,
    /// The case system's export of what happened per contact (CSV, JSON Lines or xlsx):
    /// `tid`, `arendetyp`, `delmoment`, `kanal`, `resultat`, and for the key figures
    /// `enkel` (ja/nej) and `besvarad` (when an e-mail was answered).
    pub cases: Option<PathBuf>,
}

/// Read the logs and compute the report. `current` is the ruleset in force now;
/// `earlier` rulesets (an agreement the logs name from before a change) give those
/// months their own forecast and the units whose outcome changed.
///
/// # Errors
///
/// No log given, a path that names nothing, or logs without a single counted line.
pub fn run(
    current: &Ruleset,
    earlier: &[&Ruleset],
    options: &Options,
) -> Result<Report, FollowupError> {
    let files = input::expand(&options.logs)?;
    let mut rulesets = vec![current];
    rulesets.extend(earlier.iter().copied().filter(|r| r.id != current.id));
    let dry = crate::dryrun::Options::default();
    let known = known::Known::new(rulesets, dry.forward_minutes);
    let (tally, read) = decisions::read(files, &known);
    if tally.counted == 0 {
        return Err(nothing_counted(tally.rejected_total(), &read));
    }
    let mut report = report::build(&known, &tally, &read, options)?;
    wording::conclude(&mut report);
    Ok(report)
}

/// Why logs without a counted line give no report: empty, unreadable or all rejected.
fn nothing_counted(rejected: u64, read: &[decisions::FileRead]) -> FollowupError {
    let text = match (rejected, read.iter().find(|f| f.problem.is_some())) {
        (0, Some(file)) => format!(
            "beslutsloggen `{}` {}",
            crate::terminal::terminal_safe(&file.path.display().to_string()),
            file.problem.as_deref().unwrap_or_default()
        ),
        (0, None) => "beslutsloggarna är tomma".to_string(),
        (1, _) => "beslutsloggarna har ingen rad som går att räkna (1 rad läst och avvisad)".into(),
        (n, _) => format!(
            "beslutsloggarna har ingen rad som går att räkna ({}, alla avvisade)",
            wording::count(n, "rad läst", "rader lästa")
        ),
    };
    FollowupError(text)
}
