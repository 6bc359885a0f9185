//! What a dry-run is asked to do, and the counts it gathers before they become figures.

use super::aggregate::Tally;
use super::reader::LogFormat;
use std::path::PathBuf;

/// What to dry-run.
#[derive(Debug, Clone)]
pub struct Options {
    /// The inquiry log to decide row by row; `None` (the default): each unit's
    /// declared frekvens.
    pub log: Option<PathBuf>,
    /// The log's format; `None`: by its extension ([`LogFormat::of_path`]).
    pub log_format: Option<LogFormat>,
    /// Days the log covers; otherwise taken from its timestamps.
    pub period_days: Option<f64>,
    /// Stop at the first rejected row.
    pub strict: bool,
    /// Declared mode: share of contacts assumed to come by phone, for staffing.
    pub phone_share: f64,
    /// Minutes kundtjänst spends on a contact it forwards (answer, register, connect).
    pub forward_minutes: f64,
    /// Kronor per post and year, for the financing table's cost column; without it, the
    /// policy's `årskostnad`.
    pub cost_per_fte: Option<f64>,
    /// The year whose holidays and closed aftnar are left out of the open hours the
    /// phone is staffed for; `None`: the year of the log's first timestamp, else this year.
    pub calendar_year: Option<i16>,
    /// Show a progress bar on standard error while reading a log (only on a terminal,
    /// never under `CI`).
    pub progress: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            log: None,
            log_format: None,
            period_days: None,
            strict: false,
            phone_share: 1.0,
            forward_minutes: 1.0,
            cost_per_fte: None,
            calendar_year: None,
            progress: false,
        }
    }
}

/// Counts before they become figures: the tally and where the volumes came from.
pub(crate) struct Counted {
    pub tally: Tally,
    pub source: VolumeSource,
    /// Log mode: the physical lines of the log, counted apart from the rows.
    pub lines: Option<Lines>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Lines {
    pub read: u64,
    /// The CSV header (0 for JSON Lines).
    pub header: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum VolumeSource {
    Declared,
    Log {
        path: PathBuf,
        /// Days the volumes cover, and whether from `--period` or the timestamps.
        period_days: f64,
        from_timestamps: bool,
    },
}
