//! The follow-up's figures: what [`run`](super::run) computes and `--format json`
//! writes. Shares are 0–1, hours are hours, money is kronor.

use super::FollowupError;
use super::decisions::FileRead;
pub use super::known::RulesetSpan;
use super::known::{Known, unit_name};
use super::tally::{Counts, Month, Tally};
use crate::dryrun;
use crate::engine::{Engine, Inquiry};
use crate::model::Ruleset;
use serde::Serialize;

/// The id shown for contacts of unknown ärendetyper, which no förvaltning owns.
pub(super) const UNKNOWN_ID: &str = "okand";
pub(super) const UNKNOWN_NAME: &str = "Okända ärendetyper";
/// The id of a month's total row.
pub(super) const TOTAL_ID: &str = "totalt";

/// The follow-up's figures for one kommun over the period the logs cover.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The kommun's name, from the policy.
    pub kommun: String,
    /// The kommunkod, from the policy.
    pub kommunkod: String,
    /// Kundtjänst's name, from the policy.
    pub kundtjanst: String,
    /// The day the report was made, `YYYY-MM-DD`.
    pub date: String,
    /// The id of the ruleset in force now.
    pub ruleset: String,
    /// The policy's goal for the share kundtjänst handles (`mål`).
    pub goal_share: f64,
    /// Every line of every file: read = counted + rejected.
    pub lines: LineAccount,
    /// Each ruleset id the logs name, first seen first.
    pub rulesets: Vec<RulesetSpan>,
    /// Where the logs go from one ruleset id to the next.
    pub changes: Vec<RulesetChange>,
    /// Per month: each förvaltning, then the month's total (`id` = `totalt`).
    pub months: Vec<MonthRow>,
    /// The financing: the agreed share beside the share from the work actually done.
    pub financing: Vec<FinancingRow>,
    /// Kronor per year the financing divides (the agreement's posts × `årskostnad`).
    pub total_cost: Option<f64>,
    /// Where practice and agreement part ways, each with counts and examples.
    pub deviations: Vec<super::Deviation>,
    /// What the case system's export gave, when one was read.
    pub case_export: Option<super::CaseExport>,
    /// In Swedish, for the kommunstyrelse: the headline and what to do next.
    pub headline: Vec<String>,
    /// What to do next, in Swedish.
    pub next_steps: Vec<String>,
}

/// Every line of every decision log, and what became of it.
#[derive(Debug, Clone, Serialize)]
pub struct LineAccount {
    /// Physical lines read.
    pub read: u64,
    /// Lines counted as decisions.
    pub counted: u64,
    /// Lines rejected, with their reasons.
    pub rejected: u64,
    /// Per file.
    pub files: Vec<FileLines>,
    /// Rejected lines by reason (Swedish), most first.
    pub by_reason: Vec<(String, u64)>,
    /// The first rejected lines.
    pub examples: Vec<RejectedLine>,
}

/// One decision-log file: its lines and whether it could be read to its end.
#[derive(Debug, Clone, Serialize)]
pub struct FileLines {
    /// The file's path as given.
    pub path: String,
    /// Physical lines read.
    pub lines: u64,
    /// Lines counted as decisions.
    pub counted: u64,
    /// Lines rejected, with their reasons.
    pub rejected: u64,
    /// Why the file could not be read to its end.
    pub problem: Option<String>,
}

/// One line that could not be counted.
#[derive(Debug, Clone, Serialize)]
pub struct RejectedLine {
    /// The file's path as given.
    pub file: String,
    /// The line number (1-based).
    pub line: u64,
    /// Why, in Swedish.
    pub reason: String,
}

/// A change of ruleset in the logs: the agreement changed.
#[derive(Debug, Clone, Serialize)]
pub struct RulesetChange {
    /// The first day the new ruleset decided, `YYYY-MM-DD`.
    pub date: String,
    /// The ruleset id before.
    pub from: String,
    /// The ruleset id after.
    pub to: String,
    /// Lines the earlier ruleset decided.
    pub lines_before: u64,
    /// Lines the later ruleset decided.
    pub lines_after: u64,
    /// Units whose outcome differs, when both rulesets are known.
    pub changed_units: Option<Vec<UnitChange>>,
}

/// A unit whose outcome the change altered.
#[derive(Debug, Clone, Serialize)]
pub struct UnitChange {
    /// Ärendetyp, and delmoment after a comma.
    pub name: String,
    /// The outcome before (`direkt`, `manus`, `vidarekoppla`).
    pub before: String,
    /// The outcome after.
    pub after: String,
}

/// One förvaltning (or the total) in one month.
#[derive(Debug, Clone, Serialize)]
pub struct MonthRow {
    /// `YYYY-MM`.
    pub month: String,
    /// The ruleset that decided most of the month's contacts.
    pub ruleset: String,
    /// The förvaltning's id (`totalt` for the month's total, `okand` for unknown ärendetyper).
    pub forvaltning: String,
    /// Its name.
    pub name: String,
    /// Contacts decided.
    pub contacts: u64,
    /// Kundtjänst's name, from the policy.
    pub kundtjanst: u64,
    /// Handled with a script (manus).
    pub scripted: u64,
    /// Forwarded.
    pub forwarded: u64,
    /// (kundtjänst + manus) / contacts.
    pub share: f64,
    /// The forecast share (declared dry-run of the ruleset in force).
    pub forecast_share: Option<f64>,
    /// A twelfth of the forecast contacts per year.
    pub forecast_contacts: Option<f64>,
    /// Kundtjänst hours: handled contacts at their handling time, forwarded at the forwarding time.
    pub kundtjanst_hours: f64,
    /// A twelfth of the forecast kundtjänst hours per year.
    pub forecast_kundtjanst_hours: Option<f64>,
    /// Förvaltning hours kundtjänst took over (handled contacts × förvaltning minutes).
    pub handed_over_hours: f64,
    /// A twelfth of the forecast förvaltning hours per year taken over.
    pub forecast_handed_over_hours: Option<f64>,
    /// The month's kundtjänst hours as posts at a yearly pace.
    pub posts: f64,
}

/// One förvaltning's share of the financing, agreed and adjusted.
#[derive(Debug, Clone, Serialize)]
pub struct FinancingRow {
    /// The id (a ruleset's hash, a förvaltning's id).
    pub id: String,
    /// Its name.
    pub name: String,
    /// The agreed share: the declared dry-run's financing of the current ruleset.
    pub agreed_share: f64,
    /// Kundtjänst hours actually spent on the förvaltning's contacts in the period.
    pub kundtjanst_hours: f64,
    /// `kundtjanst_hours` / all kundtjänst hours: the shares sum to 1.
    pub adjusted_share: f64,
    /// `agreed_share` of the total cost, when `årskostnad` is known.
    pub agreed_cost: Option<f64>,
    /// `adjusted_share` of the total cost.
    pub adjusted_cost: Option<f64>,
    /// `adjusted_cost − agreed_cost`: what the förvaltning pays more (+) or less (−).
    pub difference: Option<f64>,
}

/// Each known ruleset's declared dry-run (its forecast), in the order of `known`.
fn forecasts(known: &Known, options: &super::Options) -> Vec<Option<dryrun::Report>> {
    let dry = dryrun::Options {
        cost_per_fte: options.cost_per_fte,
        progress: false,
        ..dryrun::Options::default()
    };
    known
        .rulesets
        .iter()
        .map(|r| dryrun::run(r, &dry).ok())
        .collect()
}

pub(super) fn build(
    known: &Known,
    tally: &Tally,
    read: &[FileRead],
    options: &super::Options,
) -> Result<Report, FollowupError> {
    let current = known.current();
    let forecasts = forecasts(known, options);
    let months = month_rows(known, tally, &forecasts);
    let (financing, total_cost) = financing(known, tally, forecasts[0].as_ref());
    let mut report = Report {
        kommun: current.policy.kommun.clone(),
        kommunkod: current.policy.kommunkod.clone(),
        kundtjanst: current.policy.name.clone(),
        date: crate::clock::today().to_string(),
        ruleset: current.id.clone(),
        goal_share: current.policy.goal_share,
        lines: line_account(tally, read),
        rulesets: spans(known, tally),
        changes: Vec::new(),
        months,
        financing,
        total_cost,
        deviations: Vec::new(),
        case_export: None,
        headline: Vec::new(),
        next_steps: Vec::new(),
    };
    report.changes = changes(known, &report.rulesets);
    let mut units_seen = tally.units_seen.clone();
    if let Some(path) = &options.cases {
        let found = super::cases::read(path, known, &report.rulesets)?;
        report.deviations = found.deviations();
        for (a, b) in units_seen.iter_mut().zip(&found.units_seen) {
            *a += b;
        }
        report.case_export = Some(found.export);
    }
    report.deviations.push(unknown_in_log(tally));
    report.deviations.push(never_seen(known, &units_seen));
    report
        .deviations
        .push(busy_hours(tally, forecasts[0].as_ref()));
    Ok(report)
}

fn line_account(tally: &Tally, read: &[FileRead]) -> LineAccount {
    let name = |file: u32| {
        read.get(file as usize)
            .map_or_else(String::new, |f| f.path.display().to_string())
    };
    let files = read
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let rejected: u64 = tally
                .rejected
                .iter()
                .filter(|((file, _), _)| *file as usize == i)
                .map(|(_, n)| n)
                .sum();
            FileLines {
                path: f.path.display().to_string(),
                lines: f.lines,
                counted: f.lines.saturating_sub(rejected),
                rejected,
                problem: f.problem.clone(),
            }
        })
        .collect();
    let mut by_reason: Vec<(String, u64)> = Vec::new();
    for ((_, problem), n) in &tally.rejected {
        match by_reason.iter_mut().find(|(r, _)| r == problem.reason()) {
            Some((_, total)) => *total += n,
            None => by_reason.push((problem.reason().to_string(), *n)),
        }
    }
    by_reason.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    LineAccount {
        read: read.iter().map(|f| f.lines).sum(),
        counted: tally.counted,
        rejected: tally.rejected_total(),
        files,
        by_reason,
        examples: tally
            .examples
            .iter()
            .map(|(file, line, problem)| RejectedLine {
                file: name(*file),
                line: *line,
                reason: problem.reason().to_string(),
            })
            .collect(),
    }
}

fn spans(known: &Known, tally: &Tally) -> Vec<RulesetSpan> {
    let mut seen: Vec<(&String, &super::tally::Seen)> = tally.rulesets.iter().collect();
    seen.sort_by_key(|(id, s)| (s.first, s.last, (*id).clone()));
    seen.into_iter()
        .map(|(id, s)| RulesetSpan {
            id: id.clone(),
            role: match known.rulesets.iter().position(|r| &r.id == id) {
                Some(0) => "gällande",
                Some(_) => "tidigare",
                None => "okänd",
            }
            .to_string(),
            lines: s.lines,
            first: s.first.to_string(),
            last: s.last.to_string(),
        })
        .collect()
}

fn changes(known: &Known, spans: &[RulesetSpan]) -> Vec<RulesetChange> {
    let find = |id: &str| known.rulesets.iter().find(|r| r.id == id).copied();
    spans
        .windows(2)
        .map(|pair| RulesetChange {
            date: pair[1]
                .first
                .get(..10)
                .unwrap_or(&pair[1].first)
                .to_string(),
            from: pair[0].id.clone(),
            to: pair[1].id.clone(),
            lines_before: pair[0].lines,
            lines_after: pair[1].lines,
            changed_units: match (find(&pair[0].id), find(&pair[1].id)) {
                (Some(before), Some(after)) => Some(changed_units(before, after)),
                _ => None,
            },
        })
        .collect()
}

/// Units of `after` that `before` also has and decides otherwise (without a channel).
pub(super) fn changed_units(before: &Ruleset, after: &Ruleset) -> Vec<UnitChange> {
    let (old, new) = (Engine::new(before), Engine::new(after));
    let mut changed = Vec::new();
    for typ in &after.arendetyper {
        let Some(old_typ) = before.arendetyp(&typ.id) else {
            continue;
        };
        for unit in &typ.units {
            if !old_typ.units.iter().any(|u| u.part == unit.part) {
                continue;
            }
            let mut inquiry = Inquiry::new(typ.id.as_str());
            inquiry.part = unit.part.as_deref();
            let (a, b) = (old.decide(&inquiry).outcome, new.decide(&inquiry).outcome);
            if a != b {
                changed.push(UnitChange {
                    name: unit_name(&typ.name, unit.part.as_ref().map(|_| unit.name.as_str())),
                    before: a.keyword().to_string(),
                    after: b.keyword().to_string(),
                });
            }
        }
    }
    changed
}

/// The ruleset that decided most of a month's contacts (ties: the smaller id).
fn in_force(month: &super::tally::MonthTally) -> &str {
    month
        .rulesets
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
        .map_or("", |(id, _)| id.as_str())
}

fn month_rows(known: &Known, tally: &Tally, forecasts: &[Option<dryrun::Report>]) -> Vec<MonthRow> {
    let fte_hours = known.current().policy.productive_hours_per_fte;
    let mut rows = Vec::new();
    for (&month, m) in &tally.months {
        let id = in_force(m);
        let r = known.rulesets.iter().position(|r| r.id == id);
        let forecast = r.and_then(|r| forecasts[r].as_ref());
        let mut total = Counts::default();
        for (slot, counts) in m.forvaltningar.iter().enumerate() {
            total.add(counts);
            if counts.contacts() == 0 && slot == known.forvaltningar.len() {
                continue;
            }
            let (fid, name) = known
                .forvaltningar
                .get(slot)
                .map_or((UNKNOWN_ID, UNKNOWN_NAME), |(i, n)| {
                    (i.as_str(), n.as_str())
                });
            let figures = forecast
                .and_then(|f| f.forvaltningar.iter().find(|row| row.id == fid))
                .map(|row| &row.figures);
            rows.push(month_row(month, id, fid, name, counts, figures, fte_hours));
        }
        let figures = forecast.map(|f| &f.total);
        rows.push(month_row(
            month,
            id,
            TOTAL_ID,
            "Alla förvaltningar",
            &total,
            figures,
            fte_hours,
        ));
    }
    rows
}

fn month_row(
    month: Month,
    ruleset: &str,
    id: &str,
    name: &str,
    c: &Counts,
    forecast: Option<&dryrun::Figures>,
    fte_hours: f64,
) -> MonthRow {
    let hours = c.kundtjanst_minutes / 60.0;
    MonthRow {
        month: format!("{:04}-{:02}", month.0, month.1),
        ruleset: ruleset.to_string(),
        forvaltning: id.to_string(),
        name: name.to_string(),
        contacts: c.contacts(),
        kundtjanst: c.outcomes[0],
        scripted: c.outcomes[1],
        forwarded: c.outcomes[2],
        share: ratio(c.handled() as f64, c.contacts() as f64),
        forecast_share: forecast.map(|f| f.share),
        forecast_contacts: forecast.map(|f| f.volume / 12.0),
        kundtjanst_hours: hours,
        forecast_kundtjanst_hours: forecast.map(|f| f.kundtjanst_hours / 12.0),
        handed_over_hours: c.relieved_minutes / 60.0,
        forecast_handed_over_hours: forecast.map(|f| f.handed_over_hours / 12.0),
        posts: if fte_hours > 0.0 {
            hours * 12.0 / fte_hours
        } else {
            0.0
        },
    }
}

pub(super) fn ratio(part: f64, whole: f64) -> f64 {
    if whole > 0.0 { part / whole } else { 0.0 }
}

/// Each förvaltning's share of kundtjänst's hours in practice beside the agreed share,
/// and the total cost the shares divide.
fn financing(
    known: &Known,
    tally: &Tally,
    forecast: Option<&dryrun::Report>,
) -> (Vec<FinancingRow>, Option<f64>) {
    let slots = known.forvaltningar.len() + 1;
    let mut minutes = vec![0.0; slots];
    for m in tally.months.values() {
        for (slot, c) in m.forvaltningar.iter().enumerate() {
            minutes[slot] += c.kundtjanst_minutes;
        }
    }
    let all: f64 = minutes.iter().sum();
    let agreed_rows = forecast.map_or(&[][..], |f| &f.financing.rows[..]);
    let total_cost: Option<f64> = forecast
        .filter(|f| f.financing.cost_per_fte.is_some())
        .map(|f| f.financing.rows.iter().filter_map(|r| r.cost).sum());
    let rows = (0..slots)
        .filter_map(|slot| {
            let (id, name) = known
                .forvaltningar
                .get(slot)
                .map_or((UNKNOWN_ID, UNKNOWN_NAME), |(i, n)| {
                    (i.as_str(), n.as_str())
                });
            let agreed_share = agreed_rows
                .iter()
                .find(|r| r.id == id)
                .map_or(0.0, |r| r.budget_share);
            if minutes[slot] == 0.0 && agreed_share == 0.0 {
                return None;
            }
            let adjusted_share = ratio(minutes[slot], all);
            let agreed_cost = total_cost.map(|c| c * agreed_share);
            let adjusted_cost = total_cost.map(|c| c * adjusted_share);
            Some(FinancingRow {
                id: id.to_string(),
                name: name.to_string(),
                agreed_share,
                kundtjanst_hours: minutes[slot] / 60.0,
                adjusted_share,
                agreed_cost,
                adjusted_cost,
                difference: adjusted_cost.zip(agreed_cost).map(|(a, b)| a - b),
            })
        })
        .collect();
    (rows, total_cost)
}

/// Unknown ärendetyper the server withheld or no known ruleset has.
fn unknown_in_log(tally: &Tally) -> super::Deviation {
    let mut named: Vec<(&String, &u64)> = tally.unknown_named.iter().collect();
    named.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
    let mut examples: Vec<String> = named
        .into_iter()
        .take(super::cases::EXAMPLES)
        .map(|(name, n)| format!("{name} ({n})"))
        .collect();
    if tally.unknown_withheld > 0 {
        examples.push(format!(
            "namn som servern inte loggar, eftersom reglerna inte känner dem ({})",
            tally.unknown_withheld
        ));
    }
    super::Deviation {
        kind: "Okända ärendetyper i beslutsloggen".into(),
        count: tally.unknown_withheld
            + tally.unknown_named.values().sum::<u64>()
            + tally.unknown_named_other,
        examples,
        action: "Gå igenom sökningarna i desken och ärendesystemets export: kandidater till nya ärendetyper eller `sökord`.".into(),
    }
}

/// Units of the current ruleset no contact ever reached: delmoment of an ärendetyp that
/// has them, else the ärendetyp itself.
fn never_seen(known: &Known, seen: &[u64]) -> super::Deviation {
    let current = known.current();
    // Those the agreement expected most contacts for first: the surprising ones.
    let mut unseen: Vec<(f64, String)> = known
        .current_units()
        .filter(|&(flat, t, u)| {
            let typ = &current.arendetyper[t];
            seen[flat] == 0 && (typ.units[u].part.is_some() || !typ.has_parts)
        })
        .map(|(_, t, u)| {
            let typ = &current.arendetyper[t];
            let unit = &typ.units[u];
            let name = unit_name(&typ.name, unit.part.as_ref().map(|_| unit.name.as_str()));
            (unit.frekvens.unwrap_or(0.0), name)
        })
        .collect();
    unseen.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    let names: Vec<String> = unseen.into_iter().map(|(_, n)| n).collect();
    super::Deviation {
        kind: "Delmoment som aldrig förekom".into(),
        count: names.len() as u64,
        examples: names.into_iter().take(super::cases::EXAMPLES).collect(),
        action: "Kandidater att ta bort eller slå ihop vid nästa workshop.".into(),
    }
}

/// Hours with more phone contacts than the staffing plan's average open hour assumed.
fn busy_hours(tally: &Tally, forecast: Option<&dryrun::Report>) -> super::Deviation {
    let plan = forecast
        .and_then(|f| f.staffing.average)
        .map(|h| h.calls_per_hour);
    let mut over: Vec<(&(jiff::civil::Date, u8), &u32)> = match plan {
        Some(plan) => tally
            .phone_hours
            .iter()
            .filter(|(_, n)| f64::from(**n) > plan)
            .collect(),
        None => Vec::new(),
    };
    over.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
    let examples = over
        .iter()
        .take(super::cases::EXAMPLES)
        .map(|((date, hour), n)| {
            format!(
                "{date} kl. {hour:02}: {} samtal (planen {})",
                crate::numbers::sv(f64::from(**n), 0),
                crate::numbers::sv(plan.unwrap_or_default(), 1)
            )
        })
        .collect();
    super::Deviation {
        kind: "Timmar med fler samtal än bemanningsplanen räknade med".into(),
        count: over.len() as u64,
        examples,
        action: match plan {
            Some(_) => "Se över bemanningen de timmarna, eller provkör med en ärendelogg (`rosa dry-run --log`) för en plan per timme.".into(),
            None => "Bemanningsplanen kunde inte räknas fram för den gällande regeluppsättningen.".into(),
        },
    }
}
