//! Kandidater till nästa workshop: forwarded volume at levels the policy lets kundtjänst
//! handle, ranked by the förvaltning hours that would move, each with what blocks it
//! (the method's own failing criteria) and what it would take.

use super::rows::{ArendetypRow, Candidate, PartRow, Requirement};
use crate::model::method::{self, ChannelSlot, Criterion};
use crate::model::{Arendetyp, CriterionKind, Ruleset, Unit};

/// At most this many candidates are listed.
const MAX: usize = 25;

/// The candidates, most hours first.
pub(crate) fn candidates(ruleset: &Ruleset, rows: &[ArendetypRow]) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = ruleset
        .arendetyper
        .iter()
        .zip(rows)
        .flat_map(|(typ, row)| {
            typ.units
                .iter()
                .zip(&row.parts)
                .filter_map(move |(unit, part)| candidate(ruleset, typ, unit, part))
        })
        .collect();
    out.sort_by(|a, b| b.hours.total_cmp(&a.hours).then(a.name.cmp(&b.name)));
    out.truncate(MAX);
    out
}

/// The unit as a candidate: forwarded volume, a level kundtjänst may handle, no
/// sekretess (the method's own level and sekretess criteria say so).
fn candidate(ruleset: &Ruleset, typ: &Arendetyp, unit: &Unit, part: &PartRow) -> Option<Candidate> {
    let forwarded = part.figures.forwarded;
    let criteria = method::criteria(ruleset, typ, unit, ChannelSlot::None, None);
    let passes = |kind| criteria.iter().any(|c| c.criterion == kind && c.passed);
    if forwarded <= 0.0 || !passes(CriterionKind::Level) || !passes(CriterionKind::Sekretess) {
        return None;
    }
    let failing: Vec<Criterion> = criteria.into_iter().filter(|c| !c.passed).collect();
    let would_take = requirements(ruleset, typ, unit, part, &failing);
    let name = match &unit.part {
        Some(_) => format!("{}, {}", typ.name, unit.name),
        None => typ.name.clone(),
    };
    let policy = &ruleset.policy;
    let kundtjanst_hours = forwarded * unit.times.kundtjanst / 60.0;
    Some(Candidate {
        arendetyp: typ.id.clone(),
        part: unit.part.clone(),
        name,
        forvaltning: ruleset.forvaltningar[typ.forvaltning].id.clone(),
        level: unit.level,
        forwarded_volume: forwarded,
        hours: forwarded * unit.times.forvaltning / 60.0,
        kundtjanst_hours,
        kundtjanst_fte: kundtjanst_hours / policy.productive_hours_per_fte,
        blocked_by: failing.into_iter().map(|c| c.text).collect(),
        would_take,
    })
}

/// What would move the unit: one requirement per failing criterion, matched on its
/// kind; else what else forwards it (an agreement, a channel, a guarded rule).
fn requirements(
    ruleset: &Ruleset,
    typ: &Arendetyp,
    unit: &Unit,
    part: &PartRow,
    failing: &[Criterion],
) -> Vec<Requirement> {
    // The method checks the unit's systems in its order, one criterion each.
    let mut systems = unit.systems.iter().map(|&id| &ruleset.systems[id]);
    let mut out: Vec<Requirement> = Vec::new();
    for c in failing {
        out.push(match c.criterion {
            CriterionKind::System => {
                let Some(system) = systems.find(|s| !s.access) else {
                    continue;
                };
                Requirement::SystemAccess(system.name.clone())
            }
            CriterionKind::Script => Requirement::Script,
            CriterionKind::Frequency => Requirement::LowerThreshold(unit.frekvens.unwrap_or(0.0)),
            CriterionKind::Channel => Requirement::OpenChannels,
            CriterionKind::Level => Requirement::OtherLevel,
            CriterionKind::Sekretess => Requirement::NoSekretess,
        });
    }
    if unit.agreed.is_some() {
        out.push(Requirement::ChangedAgreement);
    }
    // Nothing in the method blocks it: a channel or a guarded rule forwards it.
    if out.is_empty() && !part.forwarded_channels.is_empty() {
        out.push(Requirement::HandleIn(part.forwarded_channels));
    }
    if out.is_empty() && ruleset.unit_rules(typ, unit).next().is_some() {
        out.push(Requirement::ChangedConditions);
    }
    out
}
