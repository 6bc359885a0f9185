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
use crate::engine::Engine;
use crate::model::{Arendetyp, ChannelSet, Policy, Ruleset, Unit};

const DAYS_PER_YEAR: f64 = 365.0;
const WEEKS_PER_YEAR: f64 = 52.0;

/// Compute the report from the counts.
pub fn build(engine: &Engine, counted: &Counted, options: &Options) -> Report {
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
    let mut staffing = staffing(&ruleset.policy, tally, counted);
    let phone_hours = tally.phone.minutes / 60.0 * factor;
    posts(
        &ruleset.policy,
        &mut staffing,
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
            description: "deklarerad frekvens per år i regelfilerna (ingen logg)".into(),
        },
        VolumeSource::Log {
            path,
            period_days,
            from_timestamps,
        } => {
            let factor = DAYS_PER_YEAR / period_days;
            let how = if *from_timestamps {
                "enligt tidsstämplarna"
            } else {
                "enligt --period"
            };
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
                description: format!(
                    "logg med {} rader som täcker {} dagar ({how}), uppräknat till ett år med faktorn {}",
                    crate::numbers::sv(counted.tally.rows as f64, 0),
                    crate::numbers::sv(*period_days, 0),
                    crate::numbers::sv(factor, 3)
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
    Figures {
        volume: handled + forwarded + conditional,
        kundtjanst,
        scripted,
        forwarded,
        conditional,
        share: share(handled, handled + forwarded + conditional),
        kundtjanst_hours: hours,
        kundtjanst_fte: hours / policy.productive_hours_per_fte,
        handed_over_hours: handled * unit.times.forvaltning / 60.0,
    }
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

fn staffing(policy: &Policy, tally: &Tally, counted: &Counted) -> StaffingReport {
    let open_minutes = f64::from(policy.open_minutes_per_week());
    let weeks = match &counted.source {
        VolumeSource::Declared => WEEKS_PER_YEAR,
        VolumeSource::Log { period_days, .. } => period_days / 7.0,
    };
    let mut report = StaffingReport {
        model: "Erlang C (M/M/N)",
        assumptions: vec![
            "inga uppringare lägger på medan de väntar (Erlang C överskattar därför bemanningen något)".into(),
            "samtalen kommer slumpmässigt och jämnt inom varje timme (Poisson)".into(),
            format!("bemanningen räknas per timme under öppettiderna ({} timmar per vecka)", crate::numbers::sv(open_minutes / 60.0, 1)),
        ],
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
        phone_hours_per_year: 0.0,
        other_hours_per_year: 0.0,
        fte_formula: Vec::new(),
    };
    if open_minutes <= 0.0 || tally.phone.calls <= 0.0 {
        report.error = Some("inga telefonsamtal eller inga öppettider att bemanna".into());
        return report;
    }
    let average = PhoneHour {
        calls: tally.phone.calls / weeks / (open_minutes / 60.0),
        minutes: tally.phone.minutes / weeks / (open_minutes / 60.0),
    };
    match hour_staffing(policy, 0, 0, average) {
        Ok(h) => report.average = Some(h),
        Err(e) => report.error = Some(e),
    }
    let has_times = tally.phone_hours.iter().any(|h| h.calls > 0.0);
    if has_times {
        per_hour(policy, tally, weeks, &mut report);
    } else {
        report.assumptions.push(
            "loggen saknar tidsstämplar: samtalen antas fördelade jämnt över öppettiderna".into(),
        );
    }
    report
}

/// The posts kundtjänst needs. The phone is staffed by the Erlang C roster in every
/// open hour, busy or not; other channels can be worked when there is time, so their
/// handling hours are enough, at the occupancy and absence the policy states.
fn posts(policy: &Policy, s: &mut StaffingReport, total_hours: f64, phone_hours: f64) {
    use crate::numbers::{percent, sv};
    let per_post = policy.productive_hours_per_fte;
    s.phone_rostered_hours_per_week = if s.hours.is_empty() {
        s.average
            .map_or(0.0, |a| f64::from(a.rostered) * s.open_hours_per_week)
    } else {
        s.hours.iter().map(|h| f64::from(h.rostered)).sum()
    };
    s.phone_hours_per_year = phone_hours;
    s.other_hours_per_year = (total_hours - phone_hours).max(0.0);
    let other_factor = policy.max_occupancy * (1.0 - policy.shrinkage);
    if per_post > 0.0 {
        s.fte_phone = s.phone_rostered_hours_per_week * WEEKS_PER_YEAR / per_post;
        if other_factor > 0.0 {
            s.fte_other = s.other_hours_per_year / other_factor / per_post;
        }
    }
    s.fte_total = s.fte_phone + s.fte_other;
    let roster = if s.hours.is_empty() {
        "schemalagda i genomsnittlig öppettimme × öppettimmar per vecka"
    } else {
        "schemalagda summerat över veckans öppettimmar"
    };
    s.fte_formula = vec![
        format!(
            "telefon: {} schemalagda timmar per vecka ({roster}) × {} veckor / {} tim per årsarbetare = {} årsarbetare",
            sv(s.phone_rostered_hours_per_week, 0),
            sv(WEEKS_PER_YEAR, 0),
            sv(per_post, 0),
            sv(s.fte_phone, 1)
        ),
        format!(
            "övriga kanaler: {} timmar per år / {} beläggning / (1 − {} frånvaro) / {} tim per årsarbetare = {} årsarbetare",
            sv(s.other_hours_per_year, 0),
            percent(policy.max_occupancy),
            percent(policy.shrinkage),
            sv(per_post, 0),
            sv(s.fte_other, 1)
        ),
        "telefonen bemannas varje öppettimme hela året enligt Erlang C (schemalagda inkluderar frånvaron); helgdagar är inte borträknade".into(),
    ];
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
        rows.push(row(
            "okand",
            "okända ärendetyper (reserven)",
            unknown_hours,
            0.0,
        ));
    }
    Financing {
        cost_per_fte,
        rows,
        basis: "andel av kundtjänstens arbetstid (timmar) som går till förvaltningens ärenden; årsarbetare = andel × kundtjänstens behov; okända ärendetyper redovisas på egen rad".into(),
    }
}

fn per_hour(policy: &Policy, tally: &Tally, weeks: f64, report: &mut StaffingReport) {
    for slot in 0..HOURS_PER_WEEK {
        let (weekday, hour) = ((slot / 24 + 1) as u8, (slot % 24) as u8);
        let bucket = tally.phone_hours[slot];
        let per_week = PhoneHour {
            calls: bucket.calls / weeks,
            minutes: bucket.minutes / weeks,
        };
        if !is_open(policy, weekday, hour) {
            report.outside_opening_per_week += per_week.calls;
            continue;
        }
        match hour_staffing(policy, weekday, hour, per_week) {
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
    let s = required_staff(&input).map_err(|e| format!("bemanningen kunde inte beräknas: {e}"))?;
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
    let mut out = vec![
        format!(
            "kundtjänst lägger {} min på en kontakt som vidarekopplas (svara, registrera, koppla)",
            options.forward_minutes
        ),
        "avlastad tid för förvaltningen = volym som kundtjänst hanterar × förvaltningens handläggningstid".into(),
        "årsarbetare = timmar / policyns årsarbetstid".into(),
        "`per dag` i regelfilerna räknas som per arbetsdag (250 per år)".into(),
    ];
    if counted.source == VolumeSource::Declared {
        out.push(format!(
            "utan logg antas {:.0} % av kontakterna komma per telefon (--phone-share)",
            options.phone_share * 100.0
        ));
        out.push("ärendetyper vars utfall beror på villkor redovisas som villkorade, inte gissade; deras tid räknas som om kundtjänst hanterar dem".into());
        out.push(
            "en ärendetyps frekvens utan eget delmoment avgörs som dess första delmoment".into(),
        );
    }
    out
}
