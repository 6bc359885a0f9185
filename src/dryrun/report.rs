//! From counts to figures: volumes by outcome, share against the goal, workload in
//! hours and full-time posts, hours handed over, systems, staffing by Erlang C.
//! Every figure is a plain sum or ratio of the counts, so an analyst can explain it.

use super::aggregate::{HOURS_PER_WEEK, PhoneHour, Tally, UnitIndex, declared_volume};
use super::candidates::candidates;
use super::erlang::{StaffingInput, required_staff};
use super::options::{Counted, Options, VolumeSource};
use super::rows::{
    Annualisation, ArendetypRow, Figures, Financing, FinancingRow, ForvaltningRow, HourStaffing,
    PartRow, Rejected, RejectedRow, Report, StaffingReport, SystemRow, UnknownChannel, UnknownType,
    share,
};
use super::wording;
use crate::calendar::{self, DaysOff};
use crate::engine::Engine;
use crate::lang::WEEKS_PER_YEAR;
use crate::model::{Arendetyp, ChannelSet, Policy, Ruleset, Unit};

const DAYS_PER_YEAR: f64 = 365.0;

/// Compute the report from the counts.
pub(super) fn build(engine: &Engine, counted: &Counted, options: &Options) -> Report {
    let ruleset = engine.ruleset();
    let tally = &counted.tally;
    let volumes = annualisation(counted);
    let factor = volumes.factor;
    let index = UnitIndex::new(ruleset);
    let arendetyper: Vec<ArendetypRow> = ruleset
        .arendetyper
        .iter()
        .enumerate()
        .map(|(t, typ)| arendetyp_row(engine, typ, t, &index, tally, factor, options, counted))
        .collect();
    let forvaltningar = forvaltning_rows(ruleset, &arendetyper);
    let mut total = Figures::default();
    for row in &forvaltningar {
        total.add(&row.figures);
    }
    let unknown_volume: f64 = tally.unknown.values().sum::<f64>() + tally.unknown_other;
    add_forwarded(
        &mut total,
        unknown_volume * factor,
        options.forward_minutes,
        &ruleset.policy,
    );
    let mut unknown_case_types: Vec<UnknownType> = tally
        .unknown
        .iter()
        .map(|(name, v)| UnknownType {
            case_type: name.clone(),
            volume: v * factor,
        })
        .collect();
    unknown_case_types.sort_by(|a, b| {
        b.volume
            .total_cmp(&a.volume)
            .then(a.case_type.cmp(&b.case_type))
    });
    let open = open_days(&ruleset.policy, counted, options);
    let mut staffing = staffing(&ruleset.policy, tally, counted, &open);
    let phone_hours = tally.phone.minutes / 60.0 * factor;
    posts(
        &ruleset.policy,
        &mut staffing,
        &open,
        total.kundtjanst_hours,
        phone_hours,
    );
    let unknown_hours = unknown_volume * factor * options.forward_minutes / 60.0;
    let financing = financing(
        &forvaltningar,
        unknown_hours,
        total.kundtjanst_hours,
        staffing.fte_total,
        // The flag overrides the policy's `årskostnad`.
        options.cost_per_fte.or(ruleset.policy.cost_per_fte),
    );
    Report {
        kommun: ruleset.policy.kommun.clone(),
        kommunkod: ruleset.policy.kommunkod.clone(),
        kundtjanst: ruleset.policy.name.clone(),
        date: crate::clock::today().to_string(),
        ruleset: ruleset.id.clone(),
        goal_share: ruleset.policy.goal_share,
        meets_goal: total.share >= ruleset.policy.goal_share,
        staffing,
        financing,
        systems: system_rows(ruleset, &arendetyper, tally, factor),
        candidates: candidates(ruleset, &arendetyper),
        volumes,
        total,
        forvaltningar,
        arendetyper,
        unknown_case_types,
        unknown_case_types_other: tally.unknown_other * factor,
        unknown_channels: unknown_channels(tally),
        rejected: Rejected {
            total: tally.rejected_total,
            rows: tally
                .rejected
                .iter()
                .map(|(line, lines, reason)| RejectedRow {
                    line: *line,
                    last_line: line + lines.saturating_sub(1),
                    reason: reason.to_string(),
                    problem: reason.clone(),
                })
                .collect(),
        },
        assumptions: assumptions(counted, options),
    }
}

fn unknown_channels(tally: &Tally) -> Vec<UnknownChannel> {
    let mut out: Vec<UnknownChannel> = tally
        .unknown_channels
        .iter()
        .map(|(channel, rows)| UnknownChannel {
            channel: channel.clone(),
            rows: *rows,
        })
        .collect();
    out.sort_by(|a, b| b.rows.cmp(&a.rows).then(a.channel.cmp(&b.channel)));
    out
}

fn annualisation(counted: &Counted) -> Annualisation {
    match &counted.source {
        VolumeSource::Declared => Annualisation {
            mode: "declared",
            log: None,
            rows: 0,
            period_days: None,
            period_source: "declared",
            factor: 1.0,
            lines_read: None,
            header_lines: None,
            rows_decided: None,
            rows_rejected: None,
            blank_lines: None,
            description: wording::DECLARED_VOLUMES.into(),
        },
        VolumeSource::Log {
            path,
            period_days,
            from_timestamps,
        } => {
            let factor = DAYS_PER_YEAR / period_days;
            Annualisation {
                mode: "log",
                log: Some(crate::source::display_path(path)),
                rows: counted.tally.rows,
                period_days: Some(*period_days),
                period_source: if *from_timestamps {
                    "timestamps"
                } else {
                    "period"
                },
                factor,
                lines_read: counted.lines.map(|l| l.read),
                header_lines: counted.lines.map(|l| l.header),
                rows_decided: Some(counted.tally.rows),
                rows_rejected: Some(counted.tally.rejected_total),
                blank_lines: counted.lines.map(|l| {
                    l.read.saturating_sub(
                        l.header + counted.tally.rows + counted.tally.rejected_total,
                    )
                }),
                description: wording::log_volumes(
                    counted.tally.rows,
                    *period_days,
                    *from_timestamps,
                    factor,
                ),
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn arendetyp_row(
    engine: &Engine,
    typ: &Arendetyp,
    t: usize,
    index: &UnitIndex,
    tally: &Tally,
    factor: f64,
    options: &Options,
    counted: &Counted,
) -> ArendetypRow {
    let ruleset = engine.ruleset();
    let parts: Vec<PartRow> = typ
        .units
        .iter()
        .enumerate()
        .map(|(u, unit)| {
            let slot = index.of(t, u);
            PartRow {
                part: unit.part.clone(),
                name: unit.name.clone(),
                level: unit.level,
                figures: unit_figures(
                    unit,
                    tally.units[slot],
                    tally.conditional[slot],
                    factor,
                    options,
                    &ruleset.policy,
                ),
                forwarded_channels: engine.forwarded_channels(t, u),
            }
        })
        .collect();
    let mut figures = Figures::default();
    for part in &parts {
        figures.add(&part.figures);
    }
    let unknown_part = tally.unknown_part[t] * factor;
    add_forwarded(
        &mut figures,
        unknown_part,
        options.forward_minutes,
        &ruleset.policy,
    );
    let declared: f64 = (0..typ.units.len()).map(|u| declared_volume(typ, u)).sum();
    let observed = match counted.source {
        VolumeSource::Log { .. } => Some(figures.volume),
        VolumeSource::Declared => None,
    };
    ArendetypRow {
        id: typ.id.clone(),
        name: typ.name.clone(),
        forvaltning: ruleset.forvaltningar[typ.forvaltning].id.clone(),
        figures,
        declared_per_year: (declared > 0.0).then_some(declared),
        observed_per_year: observed,
        unknown_part,
        forwarded_channels: parts
            .iter()
            .fold(ChannelSet::default(), |all, p| all | p.forwarded_channels),
        parts,
    }
}

fn unit_figures(
    unit: &Unit,
    counts: [f64; 3],
    conditional: f64,
    factor: f64,
    options: &Options,
    policy: &Policy,
) -> Figures {
    let [kundtjanst, scripted, forwarded] = counts.map(|c| c * factor);
    let conditional = conditional * factor;
    let handled = kundtjanst + scripted;
    // Conditional volume is costed as if handled: staffing errs on the safe side.
    let minutes =
        (handled + conditional) * unit.times.kundtjanst + forwarded * options.forward_minutes;
    let hours = minutes / 60.0;
    let mut figures = Figures {
        volume: handled + forwarded + conditional,
        kundtjanst,
        scripted,
        forwarded,
        conditional,
        kundtjanst_hours: hours,
        kundtjanst_fte: hours / policy.productive_hours_per_fte,
        handed_over_hours: handled * unit.times.forvaltning / 60.0,
        ..Figures::default()
    };
    figures.set_shares();
    figures
}

/// Forwarded contacts outside any unit (unknown types and delmoment).
fn add_forwarded(figures: &mut Figures, volume: f64, forward_minutes: f64, policy: &Policy) {
    let hours = volume * forward_minutes / 60.0;
    figures.add(&Figures {
        volume,
        forwarded: volume,
        kundtjanst_hours: hours,
        kundtjanst_fte: hours / policy.productive_hours_per_fte,
        ..Figures::default()
    });
}

fn forvaltning_rows(ruleset: &Ruleset, types: &[ArendetypRow]) -> Vec<ForvaltningRow> {
    ruleset
        .forvaltningar
        .iter()
        .map(|f| {
            let mut figures = Figures::default();
            for row in types.iter().filter(|r| r.forvaltning == f.id) {
                figures.add(&row.figures);
            }
            ForvaltningRow {
                id: f.id.clone(),
                name: f.name.clone(),
                figures,
            }
        })
        .collect()
}

fn system_rows(
    ruleset: &Ruleset,
    types: &[ArendetypRow],
    tally: &Tally,
    factor: f64,
) -> Vec<SystemRow> {
    let mut blocked = tally.blocked.iter();
    ruleset
        .systems
        .iter()
        .enumerate()
        .map(|(id, system)| {
            let handled: f64 = ruleset
                .arendetyper
                .iter()
                .zip(types)
                .flat_map(|(typ, row)| typ.units.iter().zip(&row.parts))
                .filter(|(unit, _)| unit.systems.contains(&id))
                .map(|(_, part)| part.figures.handled())
                .sum();
            // Missing systems come in the same order as the tally's `blocked`.
            let b = if system.access {
                Default::default()
            } else {
                blocked.next().copied().unwrap_or_default()
            };
            SystemRow {
                name: system.name.clone(),
                access: system.access,
                handled_volume_using: handled,
                blocked_volume: b.volume * factor,
                blocked_handed_over_hours: b.forvaltning_minutes * factor / 60.0,
            }
        })
        .collect()
}

/// The days the phone is open, per weekday (index 0 = måndag), with the policy's days
/// off left out: those the counted calls are spread over (`in_period`), and those of
/// the year the posts are rostered for (`in_year`).
pub(super) struct OpenDays {
    pub year: i16,
    pub in_period: [f64; 7],
    pub in_year: [f64; 7],
}

fn open_days(policy: &Policy, counted: &Counted, options: &Options) -> OpenDays {
    let days_off = &policy.days_off;
    let (first, last) = (counted.tally.first, counted.tally.last);
    let year = options
        .calendar_year
        .or(first.map(|t| t.date().year()))
        .unwrap_or_else(|| crate::clock::today().year());
    let in_year = calendar::open_days_in_year(year, days_off).map(f64::from);
    let in_period = match (&counted.source, first, last) {
        (VolumeSource::Declared, ..) => in_year,
        (
            VolumeSource::Log {
                from_timestamps: true,
                ..
            },
            Some(first),
            Some(last),
        ) => calendar::open_days_per_weekday(first.date(), last.date(), days_off).map(f64::from),
        (VolumeSource::Log { period_days, .. }, ..) => {
            // `--period`: the year's open days in proportion.
            let days_in_year: f64 = calendar::open_days_in_year(year, &DaysOff::NONE)
                .iter()
                .map(|d| f64::from(*d))
                .sum();
            in_year.map(|d| d * period_days / days_in_year.max(1.0))
        }
    };
    OpenDays {
        year,
        in_period,
        in_year,
    }
}

/// Open hours on each weekday (index 0 = måndag) under the policy's `öppettider`.
fn open_hours_per_weekday(policy: &Policy) -> [f64; 7] {
    let mut hours = [0.0; 7];
    for o in &policy.opening_hours {
        if let Some(h) = hours.get_mut(usize::from(o.weekday.saturating_sub(1))) {
            *h += f64::from(o.closes.saturating_sub(o.opens)) / 60.0;
        }
    }
    hours
}

/// Open hours over the given open days per weekday.
fn open_hours(policy: &Policy, days: &[f64; 7]) -> f64 {
    open_hours_per_weekday(policy)
        .iter()
        .zip(days)
        .map(|(hours, days)| hours * days)
        .sum()
}

fn staffing(policy: &Policy, tally: &Tally, counted: &Counted, open: &OpenDays) -> StaffingReport {
    let open_minutes = f64::from(policy.open_minutes_per_week());
    let weeks = match &counted.source {
        VolumeSource::Declared => WEEKS_PER_YEAR,
        VolumeSource::Log { period_days, .. } => period_days / 7.0,
    };
    let period_open_hours = open_hours(policy, &open.in_period);
    let mut report = StaffingReport {
        model: "Erlang C (M/M/N)",
        assumptions: wording::staffing_assumptions(open_minutes / 60.0),
        target_share: policy.service_level_share,
        target_seconds: policy.service_level_seconds,
        max_occupancy: policy.max_occupancy,
        shrinkage: policy.shrinkage,
        phone_volume_per_year: tally.phone.calls * WEEKS_PER_YEAR / weeks,
        open_hours_per_week: open_minutes / 60.0,
        average: None,
        peak: None,
        hours: Vec::new(),
        outside_opening_per_week: 0.0,
        error: None,
        fte_total: 0.0,
        fte_phone: 0.0,
        fte_other: 0.0,
        phone_rostered_hours_per_week: 0.0,
        calendar_year: open.year,
        open_hours_per_year: open_hours(policy, &open.in_year),
        phone_rostered_hours_per_year: 0.0,
        phone_hours_per_year: 0.0,
        other_hours_per_year: 0.0,
        fte_formula: Vec::new(),
    };
    if period_open_hours <= 0.0 || tally.phone.calls <= 0.0 {
        report.error = Some(wording::NOTHING_TO_STAFF.into());
        return report;
    }
    let average = PhoneHour {
        calls: tally.phone.calls / period_open_hours,
        minutes: tally.phone.minutes / period_open_hours,
    };
    match hour_staffing(policy, 0, 0, average) {
        Ok(h) => report.average = Some(h),
        Err(e) => report.error = Some(e),
    }
    let has_times = tally.phone_hours.iter().any(|h| h.calls > 0.0);
    if has_times {
        per_hour(policy, tally, weeks, &open.in_period, &mut report);
    } else {
        report.assumptions.push(wording::NO_TIMESTAMPS.into());
    }
    report
}

/// The posts kundtjänst needs. The phone is staffed by the Erlang C roster in every
/// open hour, busy or not; other channels can be worked when there is time, so their
/// handling hours are enough, at the occupancy and absence the policy states.
fn posts(
    policy: &Policy,
    s: &mut StaffingReport,
    open: &OpenDays,
    total_hours: f64,
    phone_hours: f64,
) {
    let per_post = policy.productive_hours_per_fte;
    let on_weekday = |weekday: u8| {
        open.in_year
            .get(usize::from(weekday.saturating_sub(1)))
            .copied()
            .unwrap_or(0.0)
    };
    (
        s.phone_rostered_hours_per_week,
        s.phone_rostered_hours_per_year,
    ) = if s.hours.is_empty() {
        let rostered = s.average.map_or(0.0, |a| f64::from(a.rostered));
        (
            rostered * s.open_hours_per_week,
            rostered * s.open_hours_per_year,
        )
    } else {
        let rostered = |h: &HourStaffing| f64::from(h.rostered);
        (
            s.hours.iter().map(rostered).sum(),
            s.hours
                .iter()
                .map(|h| rostered(h) * on_weekday(h.weekday))
                .sum(),
        )
    };
    s.phone_hours_per_year = phone_hours;
    s.other_hours_per_year = (total_hours - phone_hours).max(0.0);
    let other_factor = policy.max_occupancy * (1.0 - policy.shrinkage);
    if per_post > 0.0 {
        s.fte_phone = s.phone_rostered_hours_per_year / per_post;
        if other_factor > 0.0 {
            s.fte_other = s.other_hours_per_year / other_factor / per_post;
        }
    }
    s.fte_total = s.fte_phone + s.fte_other;
    s.fte_formula = wording::fte_formula(s, policy);
}

/// Each förvaltning's share of kundtjänst's working hours; unknown ärendetyper, which
/// no förvaltning owns, are their own line so that the shares still sum to 1.
fn financing(
    forvaltningar: &[ForvaltningRow],
    unknown_hours: f64,
    total_hours: f64,
    fte_total: f64,
    cost_per_fte: Option<f64>,
) -> Financing {
    let row = |id: &str, name: &str, hours: f64, relieved: f64| {
        let budget_share = share(hours, total_hours);
        let fte = budget_share * fte_total;
        FinancingRow {
            id: id.to_string(),
            name: name.to_string(),
            budget_share,
            kundtjanst_hours: hours,
            fte,
            cost: cost_per_fte.map(|c| fte * c),
            relieved_hours: relieved,
        }
    };
    let mut rows: Vec<FinancingRow> = forvaltningar
        .iter()
        .map(|f| {
            row(
                &f.id,
                &f.name,
                f.figures.kundtjanst_hours,
                f.figures.handed_over_hours,
            )
        })
        .collect();
    if unknown_hours > 0.0 {
        rows.push(row("okand", wording::UNKNOWN_TYPES, unknown_hours, 0.0));
    }
    Financing {
        cost_per_fte,
        rows,
        basis: wording::FINANCING_BASIS.into(),
    }
}

/// Each open hour of the week staffed for its calls per open day: the calls of that
/// hour divided by the days it was open (days off left out, so calls that came on a
/// day off weigh on the open days).
fn per_hour(
    policy: &Policy,
    tally: &Tally,
    weeks: f64,
    open_days: &[f64; 7],
    report: &mut StaffingReport,
) {
    for slot in 0..HOURS_PER_WEEK {
        let (weekday, hour) = ((slot / 24 + 1) as u8, (slot % 24) as u8);
        let bucket = tally.phone_hours[slot];
        if !is_open(policy, weekday, hour) {
            report.outside_opening_per_week += bucket.calls / weeks;
            continue;
        }
        let days = open_days[slot / 24];
        let days = if days > 0.0 { days } else { weeks };
        let per_open_day = PhoneHour {
            calls: bucket.calls / days,
            minutes: bucket.minutes / days,
        };
        match hour_staffing(policy, weekday, hour, per_open_day) {
            Ok(h) => report.hours.push(h),
            Err(e) => report.error = Some(e),
        }
    }
    report.peak = report.hours.iter().copied().max_by(|a, b| {
        a.agents
            .cmp(&b.agents)
            .then(a.calls_per_hour.total_cmp(&b.calls_per_hour))
    });
}

/// An hour counts as open if any part of it is within the opening hours.
fn is_open(policy: &Policy, weekday: u8, hour: u8) -> bool {
    let (start, end) = (u32::from(hour) * 60, u32::from(hour) * 60 + 60);
    policy
        .opening_hours
        .iter()
        .any(|o| o.weekday == weekday && o.opens < end && o.closes > start)
}

fn hour_staffing(
    policy: &Policy,
    weekday: u8,
    hour: u8,
    load: PhoneHour,
) -> Result<HourStaffing, String> {
    let aht_seconds = if load.calls > 0.0 {
        load.minutes / load.calls * 60.0
    } else {
        60.0
    };
    let input = StaffingInput {
        calls: load.calls,
        interval_seconds: 3600.0,
        aht_seconds,
        target_share: policy.service_level_share,
        target_seconds: policy.service_level_seconds,
        max_occupancy: policy.max_occupancy,
        shrinkage: policy.shrinkage,
    };
    let s = required_staff(&input).map_err(|e| wording::staffing_failed(&e))?;
    Ok(HourStaffing {
        weekday,
        hour,
        calls_per_hour: load.calls,
        aht_seconds,
        agents: s.agents,
        rostered: s.rostered,
        service_level: s.service_level,
        asa_seconds: s.asa_seconds,
        occupancy: s.occupancy,
    })
}

fn assumptions(counted: &Counted, options: &Options) -> Vec<String> {
    wording::assumptions(
        options.forward_minutes,
        (counted.source == VolumeSource::Declared).then_some(options.phone_share),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dryrun::options::Lines;

    const FIXTURE: &str = "tests/fixtures/dryrun";

    fn ruleset() -> Ruleset {
        Ruleset::load(FIXTURE).expect("the fixture loads")
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9 * a.abs().max(b.abs()).max(1.0)
    }

    fn counted_log(ruleset: &Ruleset, period_days: f64, rows: u64, rejected: u64) -> Counted {
        let mut tally = Tally::new(ruleset, &UnitIndex::new(ruleset), 0);
        tally.rows = rows;
        tally.rejected_total = rejected;
        Counted {
            tally,
            source: VolumeSource::Log {
                path: "logg.csv".into(),
                period_days,
                from_timestamps: false,
            },
            lines: Some(Lines {
                read: rows + rejected + 3,
                header: 1,
            }),
        }
    }

    #[test]
    fn a_log_is_scaled_to_a_year_by_its_days() {
        let ruleset = ruleset();
        let a = annualisation(&counted_log(&ruleset, 73.0, 9, 3));
        assert_eq!((a.mode, a.period_source), ("log", "period"));
        assert!(close(a.factor, 5.0), "365 / 73 days: {}", a.factor);
        assert_eq!(a.period_days, Some(73.0));
        // The lines add up: header + decided + rejected + blank.
        assert_eq!(
            (a.lines_read, a.rows_decided, a.rows_rejected, a.blank_lines),
            (Some(15), Some(9), Some(3), Some(2))
        );
        let declared = Counted {
            tally: Tally::new(&ruleset, &UnitIndex::new(&ruleset), 0),
            source: VolumeSource::Declared,
            lines: None,
        };
        let d = annualisation(&declared);
        assert_eq!((d.mode, d.factor, d.lines_read), ("declared", 1.0, None));
    }

    fn forvaltning(id: &str, hours: f64, relieved: f64) -> ForvaltningRow {
        ForvaltningRow {
            id: id.into(),
            name: id.to_uppercase(),
            figures: Figures {
                kundtjanst_hours: hours,
                handed_over_hours: relieved,
                ..Figures::default()
            },
        }
    }

    #[test]
    fn financing_shares_sum_to_the_whole_and_posts_to_the_need() {
        let rows = [forvaltning("a", 300.0, 40.0), forvaltning("b", 100.0, 0.0)];
        let f = financing(&rows, 100.0, 500.0, 4.0, Some(600_000.0));
        let shares: Vec<f64> = f.rows.iter().map(|r| r.budget_share).collect();
        assert_eq!(
            shares,
            [0.6, 0.2, 0.2],
            "unknown ärendetyper on their own row"
        );
        assert_eq!(f.rows[2].id, "okand");
        assert!(close(shares.iter().sum(), 1.0));
        assert!(close(f.rows.iter().map(|r| r.fte).sum(), 4.0));
        let cost: f64 = f.rows.iter().filter_map(|r| r.cost).sum();
        assert!(close(cost, 4.0 * 600_000.0));
        assert_eq!(f.rows[0].relieved_hours, 40.0);
        // No unknown work, no row for it; no cost per post, no kronor.
        let f = financing(&rows, 0.0, 400.0, 2.0, None);
        assert_eq!(f.rows.len(), 2);
        assert!(f.rows.iter().all(|r| r.cost.is_none()));
    }

    #[test]
    fn posts_are_the_phone_roster_plus_the_other_channels() {
        let ruleset = ruleset();
        let policy = &ruleset.policy;
        let counted = counted_log(&ruleset, 7.0, 0, 0);
        let options = Options {
            calendar_year: Some(2026),
            ..Options::default()
        };
        let open = open_days(policy, &counted, &options);
        let mut s = staffing(policy, &counted.tally, &counted, &open);
        s.open_hours_per_week = 20.0;
        // Open 4 hours on each of 2026's 251 working days.
        s.open_hours_per_year = 1_004.0;
        s.average = Some(HourStaffing {
            weekday: 0,
            hour: 0,
            calls_per_hour: 3.0,
            aht_seconds: 300.0,
            agents: 1,
            rostered: 2,
            service_level: 0.9,
            asa_seconds: 10.0,
            occupancy: 0.25,
        });
        posts(policy, &mut s, &open, 1_000.0, 400.0);
        // 2 rostered × 1004 open hours / 1000 hours per post.
        assert!(close(s.fte_phone, 2.008), "{}", s.fte_phone);
        // 600 other hours / 85 % occupancy / (1 − 30 % absence) / 1000 hours per post.
        assert!(
            close(s.fte_other, 600.0 / 0.85 / 0.7 / 1000.0),
            "{}",
            s.fte_other
        );
        assert!(close(s.fte_total, s.fte_phone + s.fte_other));
        assert_eq!(s.fte_formula.len(), 3);
    }

    #[test]
    fn the_headline_is_the_sum_of_its_breakdown() {
        let ruleset = ruleset();
        let engine = Engine::new(&ruleset);
        let options = Options::default();
        let counted = super::super::count(&engine, &options).expect("declared volumes");
        let r = build(&engine, &counted, &options);
        let s = &r.staffing;
        assert!(s.fte_total > 0.0);
        assert!(close(s.fte_total, s.fte_phone + s.fte_other));
        let financed: f64 = r.financing.rows.iter().map(|f| f.fte).sum();
        assert!(close(financed, s.fte_total));
        let by_forvaltning: f64 = r.forvaltningar.iter().map(|f| f.figures.volume).sum();
        assert!(close(r.total.volume, by_forvaltning));
        assert!(close(
            r.total.share,
            (r.total.kundtjanst + r.total.scripted) / r.total.volume
        ));
    }
}
