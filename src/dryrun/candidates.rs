//! Kandidater till nästa workshop: forwarded volume at levels the policy lets kundtjänst
//! handle, ranked by the förvaltning hours that would move, each with what blocks it
//! (the method's own failing criteria) and what it would take.

use super::report::ArendetypRow;
use crate::model::method::{self, ChannelSlot};
use crate::model::{CriterionKind, Ruleset};
use crate::numbers::sv;
use serde::Serialize;

/// At most this many candidates are listed.
const MAX: usize = 25;

/// One unit that could move to kundtjänst.
#[derive(Debug, Clone, Serialize)]
pub struct Candidate {
    /// The ärendetyp id.
    pub arendetyp: String,
    /// The delmoment id, when it is one.
    pub part: Option<String>,
    /// The unit's name (ärendetyp, and delmoment after a comma).
    pub name: String,
    /// The förvaltning id.
    pub forvaltning: String,
    /// Its ROSA level.
    pub level: u8,
    /// Contacts per year forwarded today.
    pub forwarded_volume: f64,
    /// Förvaltning hours per year that would move to kundtjänst.
    pub hours: f64,
    /// Kundtjänst hours per year it would take.
    pub kundtjanst_hours: f64,
    /// `kundtjanst_hours` in posts (the policy's productive hours per post).
    pub kundtjanst_fte: f64,
    /// The method's failing criteria, in Swedish.
    pub blocked_by: Vec<String>,
    /// What it would take, in Swedish.
    pub would_take: Vec<String>,
}

/// The candidates, most hours first.
pub(crate) fn candidates(ruleset: &Ruleset, rows: &[ArendetypRow]) -> Vec<Candidate> {
    let policy = &ruleset.policy;
    let mut out = Vec::new();
    for (typ, row) in ruleset.arendetyper.iter().zip(rows) {
        for (unit, part) in typ.units.iter().zip(&row.parts) {
            let forwarded = part.figures.forwarded;
            let movable = policy.scripted_levels.contains(&unit.level)
                || policy.direct_levels.contains(&unit.level);
            if forwarded <= 0.0 || !movable || unit.sekretess {
                continue;
            }
            let failing: Vec<_> = method::criteria(ruleset, typ, unit, ChannelSlot::None, None)
                .into_iter()
                .filter(|c| !c.passed)
                .collect();
            let mut would_take: Vec<String> = failing
                .iter()
                .map(|c| match c.criterion {
                    CriterionKind::System => c
                        .text
                        .replace("kundtjänst saknar åtkomst till ", "åtkomst till "),
                    CriterionKind::Script => "ett manus från förvaltningen".into(),
                    CriterionKind::Frequency => format!(
                        "frekvensgränsen sänkt till {} per år",
                        sv(unit.frekvens.unwrap_or(0.0), 0)
                    ),
                    CriterionKind::Channel => "kanalerna öppnade för kundtjänst".into(),
                    CriterionKind::Level => "en annan nivå".into(),
                    CriterionKind::Sekretess => "inget (sekretess)".into(),
                })
                .collect();
            if unit.agreed.is_some() {
                would_take.push("en ändrad överenskommelse".into());
            }
            // Nothing in the method blocks it: a channel or a guarded rule forwards it.
            if would_take.is_empty() && !part.forwarded_channels.is_empty() {
                would_take.push(format!(
                    "att kundtjänst hanterar {} (kanaler, ej kanaler)",
                    part.forwarded_channels.names()
                ));
            }
            let has_rules = !unit.rules.is_empty()
                || !typ.rules.is_empty()
                || !ruleset.forvaltningar[typ.forvaltning].rules.is_empty()
                || !policy.rules.is_empty();
            if would_take.is_empty() && has_rules {
                would_take.push("ändrade villkor (om …)".into());
            }
            let name = match &unit.part {
                Some(_) => format!("{}, {}", typ.name, unit.name),
                None => typ.name.clone(),
            };
            let kundtjanst_hours = forwarded * unit.times.kundtjanst / 60.0;
            out.push(Candidate {
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
            });
        }
    }
    out.sort_by(|a, b| b.hours.total_cmp(&a.hours).then(a.name.cmp(&b.name)));
    out.truncate(MAX);
    out
}
