//! Dry-run for analysts: what a workshop outcome means in volume, staff and systems.
//!
//! Volumes come from the declared frekvens, or from an inquiry log streamed in chunks
//! and decided in parallel. [`run`] decides them and computes a [`Report`]; [`text`],
//! [`markdown`], [`csv()`], [`html`] and [`xlsx()`] write it out ([`section_csv`] one
//! section of the workbook as CSV), and [`compare`] sets two reports side by side.

mod aggregate;
mod analysis;
mod candidates;
mod chunk;
mod compare;
mod csv;
pub mod erlang;
mod generate;
mod html;
mod markdown;
mod model;
mod options;
mod reader;
mod rejection;
mod render;
mod report;
mod rows;
mod scenario;
mod screen;
mod text;
mod wording;
mod workbook;
mod xlsx;
mod xlsx_log;

use crate::engine::{Engine, Inquiry, OwnedInquiry};
use crate::model::{Outcome, Ruleset};
use aggregate::{Tally, TallyContext, UnitIndex, declared_volume, outcome_slot};
use chunk::{Chunk, RawRow};
use rayon::prelude::*;
use reader::LogReader;
use std::io::IsTerminal;

pub use analysis::Analysis;
pub use compare::{Comparison, compare};
pub use csv::{CsvDialect, csv, section_csv};
pub use generate::{GenerateOptions, GenerateStats, generate};
pub use html::html;
pub use markdown::markdown;
pub use model::Section;
pub use options::Options;
use options::{Counted, Lines, VolumeSource};
pub use reader::{LogFormat, MAX_LINE_BYTES};
pub use rejection::{CellProblem, Rejection};
pub use render::{Render, ReportFormat};
pub(crate) use rows::Figures;
pub use rows::{Candidate, Report, Requirement};
pub use scenario::{Scenario, per_year};
pub use text::text;
pub use xlsx::xlsx;
pub use xlsx_log::{MAX_CELLS, MAX_UNPACKED_BYTES};
pub(crate) use xlsx_log::{column_letters, zip_parts};

// The report model and its projections, for `rosa uppföljning`'s report (src/followup/).
pub(crate) use html::{CSS as HTML_CSS, html_table};
pub(crate) use model::{Column, Kind, Table, Value};
pub(crate) use reader::GuardedLines;
pub(crate) use xlsx::workbook as xlsx_workbook;
pub(crate) mod project {
    pub(crate) use super::csv::table as csv;
    pub(crate) use super::markdown::table as markdown;
    pub(crate) use super::text::table as text;
}

/// Rows per chunk: large enough to keep both cores busy, small enough to keep memory flat.
const CHUNK_ROWS: usize = 16 * 1024;

/// A dry-run that cannot produce a report.
#[derive(Debug, Clone, PartialEq)]
pub struct DryRunError(pub String);

impl std::fmt::Display for DryRunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DryRunError {}

/// Run the dry-run and compute the report: decide every unit's declared volume (no
/// [`Options::log`]) or every row of the log, and turn the counts into figures per year.
///
/// # Errors
///
/// A log that cannot be read, has no rows or no period (neither timestamps nor
/// [`Options::period_days`]), or, with [`Options::strict`], a rejected row.
///
/// ```
/// use rosa::Ruleset;
/// use rosa::dryrun::{self, Options};
/// let ruleset = Ruleset::load("rulesets/exempelkommun").unwrap();
/// // Without a log, the volumes are each unit's declared frekvens per year.
/// let report = dryrun::run(&ruleset, &Options::default()).expect("the example has frekvens");
/// assert_eq!(report.volumes.mode, "declared");
/// let total = &report.total;
/// assert!(total.volume > 100_000.0);
/// assert!((total.share - (total.kundtjanst + total.scripted) / total.volume).abs() < 1e-9);
/// assert_eq!(report.meets_goal, total.share >= report.goal_share);
/// ```
pub fn run(ruleset: &Ruleset, options: &Options) -> Result<Report, DryRunError> {
    let engine = Engine::new(ruleset);
    let counted = count(&engine, options)?;
    Ok(report::build(&engine, &counted, options))
}

/// Count volumes through one engine (declared, or from the log).
fn count(engine: &Engine, options: &Options) -> Result<Counted, DryRunError> {
    let with_system = engines_with_missing_systems(engine.ruleset());
    let index = UnitIndex::new(engine.ruleset());
    let ctx = TallyContext {
        engine,
        index: &index,
        with_system: &with_system,
        forward_minutes: options.forward_minutes,
    };
    match &options.log {
        None => Ok(Counted {
            tally: declared(&ctx, options.phone_share),
            source: VolumeSource::Declared,
            lines: None,
        }),
        Some(path) => from_log(&ctx, path, options),
    }
}

/// One engine per system kundtjänst lacks, as if it had that system.
fn engines_with_missing_systems(ruleset: &Ruleset) -> Vec<(usize, Engine)> {
    ruleset
        .systems
        .iter()
        .enumerate()
        .filter(|(_, s)| !s.access)
        .map(|(id, _)| (id, Engine::new(&ruleset.with_system_access(id))))
        .collect()
}

/// Declared mode: each unit's yearly volume, decided without a channel. Units whose
/// outcome depends on guarded rules are counted as conditional, not guessed.
fn declared(ctx: &TallyContext, phone_share: f64) -> Tally {
    let ruleset = ctx.engine.ruleset();
    let mut tally = Tally::new(ruleset, ctx.index, ctx.with_system.len());
    for (t, typ) in ruleset.arendetyper.iter().enumerate() {
        for (u, unit) in typ.units.iter().enumerate() {
            let volume = declared_volume(typ, u);
            if volume <= 0.0 {
                continue;
            }
            let slot = ctx.index.of(t, u);
            let inquiry = Inquiry {
                part: unit.part.as_deref(),
                ..Inquiry::new(typ.id.as_str())
            };
            if ctx.engine.has_conditions(t, u) {
                tally.conditional[slot] += volume;
                tally.phone_call(None, unit.times.kundtjanst, volume * phone_share);
                continue;
            }
            let decision = ctx.engine.decide(&inquiry);
            tally.units[slot][outcome_slot(decision.outcome)] += volume;
            let minutes = if decision.outcome.handled_by_kundtjanst() {
                unit.times.kundtjanst
            } else {
                ctx.forward_minutes
            };
            tally.phone_call(None, minutes, volume * phone_share);
            if decision.outcome == Outcome::Forwarded {
                tally.blocked_by_systems(ctx, &decision, &inquiry, volume);
            }
        }
    }
    tally
}

fn from_log(
    ctx: &TallyContext,
    path: &std::path::Path,
    options: &Options,
) -> Result<Counted, DryRunError> {
    let format = options
        .log_format
        .unwrap_or_else(|| LogFormat::of_path(path));
    let mut reader = LogReader::open(path, format).map_err(|e| DryRunError(e.0))?;
    let columns = reader.columns().cloned();
    let progress = progress_bar(options.progress, reader.total_bytes);
    let ruleset = ctx.engine.ruleset();
    let mut total = Tally::new(ruleset, ctx.index, ctx.with_system.len());
    let mut current = Chunk::default();
    let mut next = Chunk::default();
    let mut more = reader
        .next_chunk(CHUNK_ROWS, &mut current)
        .map_err(|e| DryRunError(e.0))?;
    while more || !current.is_empty() {
        // Read the next chunk while the workers decide this one.
        let (read, tally) = rayon::join(
            || {
                if more {
                    reader.next_chunk(CHUNK_ROWS, &mut next)
                } else {
                    Ok(false)
                }
            },
            || tally_chunk(ctx, columns.as_ref(), current.rows()),
        );
        if options.strict
            && let Some((line, _, reason)) = tally.rejected.first()
        {
            return Err(DryRunError(format!(
                "rad {line} avvisades: {reason} (--strict stoppar vid första felet)"
            )));
        }
        total.merge(tally);
        if let Some(bar) = &progress {
            bar.set_position(reader.bytes_read.load(std::sync::atomic::Ordering::Relaxed));
        }
        let was_more = more;
        more = read.map_err(|e| DryRunError(e.0))?;
        std::mem::swap(&mut current, &mut next);
        if !was_more {
            break;
        }
    }
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    if total.rows == 0 && total.rejected_total == 0 {
        return Err(DryRunError(format!(
            "loggen `{}` innehåller inga rader efter rubrikraden",
            path.display()
        )));
    }
    let source = log_period(path, &total, options)?;
    Ok(Counted {
        tally: total,
        source,
        lines: Some(Lines {
            read: reader.lines_read(),
            header: reader.header_lines(),
        }),
    })
}

fn tally_chunk(ctx: &TallyContext, columns: Option<&reader::Columns>, rows: &[RawRow]) -> Tally {
    let ruleset = ctx.engine.ruleset();
    let fresh = || {
        (
            Tally::new(ruleset, ctx.index, ctx.with_system.len()),
            OwnedInquiry::default(),
        )
    };
    rows.par_iter()
        .fold(fresh, |(mut tally, mut inquiry), raw| {
            tally_raw(ctx, columns, raw, &mut inquiry, &mut tally);
            (tally, inquiry)
        })
        .map(|(tally, _)| tally)
        .reduce(
            || Tally::new(ruleset, ctx.index, ctx.with_system.len()),
            |mut a, b| {
                a.merge(b);
                a
            },
        )
}

fn tally_raw(
    ctx: &TallyContext,
    columns: Option<&reader::Columns>,
    raw: &RawRow,
    inquiry: &mut OwnedInquiry,
    tally: &mut Tally,
) {
    let (line, filled) = match (raw, columns) {
        (RawRow::Csv(record), Some(columns)) => (
            record.position().map_or(0, |p| p.line()),
            columns.fill(record, inquiry),
        ),
        (RawRow::Json { line, text }, _) => (*line, reader::fill_json(text, inquiry)),
        (
            RawRow::Broken {
                line,
                lines,
                reason,
            },
            _,
        ) => {
            tally.reject(*line, *lines, reason.clone());
            return;
        }
        (RawRow::Csv(record), None) => (
            record.position().map_or(0, |p| p.line()),
            Err(Rejection::MissingColumns),
        ),
    };
    match filled {
        Ok(time) => tally.row(ctx, &inquiry.view(), time),
        Err(reason) => tally.reject(line, 1, reason),
    }
}

/// Every row of an inquiry log as the dry-run reads it (CSV, JSON Lines or xlsx, by
/// extension or content; every line through the same guards), one at a time with its
/// line number: the inquiry and its time, or why the row was rejected. Returns the
/// physical lines read and the header lines among them. For the case-system export
/// `rosa uppföljning` reads.
pub(crate) fn for_each_row(
    path: &std::path::Path,
    mut each: impl FnMut(u64, u64, Result<(Inquiry<'_>, Option<crate::clock::LocalTime>), Rejection>),
) -> Result<(u64, u64), DryRunError> {
    let mut reader =
        LogReader::open(path, LogFormat::of_path(path)).map_err(|e| DryRunError(e.0))?;
    let columns = reader.columns().cloned();
    let mut chunk = Chunk::default();
    let mut inquiry = OwnedInquiry::default();
    loop {
        let more = reader
            .next_chunk(CHUNK_ROWS, &mut chunk)
            .map_err(|e| DryRunError(e.0))?;
        for raw in chunk.rows() {
            let (line, lines, filled) = match (raw, columns.as_ref()) {
                (RawRow::Csv(record), Some(columns)) => (
                    record.position().map_or(0, |p| p.line()),
                    1,
                    columns.fill(record, &mut inquiry),
                ),
                (RawRow::Json { line, text }, _) => {
                    (*line, 1, reader::fill_json(text, &mut inquiry))
                }
                (
                    RawRow::Broken {
                        line,
                        lines,
                        reason,
                    },
                    _,
                ) => (*line, *lines, Err(reason.clone())),
                (RawRow::Csv(record), None) => (
                    record.position().map_or(0, |p| p.line()),
                    1,
                    Err(Rejection::MissingColumns),
                ),
            };
            each(line, lines, filled.map(|time| (inquiry.view(), time)));
        }
        if !more {
            break;
        }
    }
    Ok((reader.lines_read(), reader.header_lines()))
}

fn log_period(
    path: &std::path::Path,
    tally: &Tally,
    options: &Options,
) -> Result<VolumeSource, DryRunError> {
    let (period_days, from_timestamps) = match (options.period_days, tally.first, tally.last) {
        (Some(days), ..) if days > 0.0 && days.is_finite() => (days, false),
        (Some(days), ..) => {
            return Err(DryRunError(format!(
                "--period måste vara ett positivt antal dagar, inte {days}"
            )));
        }
        (None, Some(first), Some(last)) => {
            (f64::from((last.date() - first.date()).get_days() + 1), true)
        }
        _ => {
            return Err(DryRunError(
                "loggen har inga tidsstämplar: ange hur många dagar den täcker med --period DAGAR"
                    .into(),
            ));
        }
    };
    Ok(VolumeSource::Log {
        path: path.to_path_buf(),
        period_days,
        from_timestamps,
    })
}

fn progress_bar(wanted: bool, total: u64) -> Option<indicatif::ProgressBar> {
    let on_terminal = std::io::stderr().is_terminal() && std::env::var_os("CI").is_none();
    if !wanted || !on_terminal {
        return None;
    }
    let bar = indicatif::ProgressBar::new(total);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{bar:40} {bytes}/{total_bytes} {elapsed} kvar {eta}",
    ) {
        bar.set_style(style);
    }
    Some(bar)
}
