//! The workshop's live what-if: the figures of the saved ruleset and of the decisions
//! being tried (a system granted, another frekvensgräns, a level, the goal), from each
//! unit's declared frekvens, on the dry-run's machinery.

use crate::dryrun::{self, Candidate, Options, Report, Scenario};
use crate::model::Ruleset;
use serde::{Deserialize, Serialize};

/// What the room is trying, as the page sends it.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Trial {
    #[serde(default)]
    pub grant_systems: Vec<String>,
    pub threshold_per_month: Option<f64>,
    #[serde(default)]
    pub set_levels: Vec<LevelChange>,
    pub goal_percent: Option<f64>,
}

/// One unit at another level. Saving it carries the version of its file as the page
/// showed it (a trial needs none).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct LevelChange {
    pub case_type: String,
    pub part: Option<String>,
    pub level: u8,
    #[serde(default)]
    pub version: String,
}

/// The headline figures the room watches.
#[derive(Debug, Clone, Serialize)]
pub(super) struct Figures {
    /// The dry-run's three shares (0–1), as `rosa dry-run` defines them: handled,
    /// of which scripted, and the share that depends on conditions.
    pub share: f64,
    pub scripted_share: f64,
    pub conditional_share: f64,
    /// The share if every conditional contact were handled: the range's upper end.
    pub share_max: f64,
    /// The share in words as the dry-run writes it (`50,8–76,2 % beroende på villkor`).
    pub share_text: String,
    pub goal_share: f64,
    pub meets_goal: bool,
    /// Posts kundtjänst needs, and their split.
    pub fte_total: f64,
    pub fte_phone: f64,
    pub fte_other: f64,
    /// Phone agents needed at the busiest open hour; from declared volumes, which
    /// have no hourly profile, in an average open hour.
    pub phone_agents: Option<u32>,
    /// `peak` or `average`: which hour `phone_agents` is for.
    pub phone_agents_hour: &'static str,
    /// Förvaltning hours per year handed over to kundtjänst.
    pub handed_over_hours: f64,
    pub forvaltningar: Vec<ForvaltningFigures>,
    pub candidates: Vec<Candidate>,
}

#[derive(Debug, Clone, Serialize)]
pub(super) struct ForvaltningFigures {
    pub id: String,
    pub name: String,
    pub share: f64,
    pub share_max: f64,
    pub share_text: String,
    /// Contacts per year and kundtjänst's hours for them.
    pub volume: f64,
    pub kundtjanst_hours: f64,
    pub handed_over_hours: f64,
}

/// The saved ruleset's figures and the trial's, side by side.
#[derive(Debug, Serialize)]
pub(super) struct WhatIf {
    pub baseline: Figures,
    pub scenario: Figures,
    /// The trial in words (`scenario: kundtjänst får Procapita, …`); empty when none.
    pub description: String,
}

impl Trial {
    /// The trial in the room's words: names, not ids, and the frekvensgräns per month
    /// as it was typed (`scenario: kundtjänst får Ecos, Status på bygglovsärende på nivå 4`).
    fn describe(&self, ruleset: &Ruleset) -> String {
        let mut parts: Vec<String> = self
            .grant_systems
            .iter()
            .map(|s| format!("kundtjänst får {s}"))
            .collect();
        if let Some(n) = self.threshold_per_month {
            let decimals = if n.fract() == 0.0 { 0 } else { 1 };
            parts.push(format!(
                "frekvensgräns {} per månad",
                crate::numbers::sv(n, decimals)
            ));
        }
        for change in &self.set_levels {
            parts.push(format!(
                "{} på nivå {}",
                unit_name(ruleset, &change.case_type, change.part.as_deref()),
                change.level
            ));
        }
        if let Some(goal) = self.goal_percent {
            parts.push(format!("målet {}", crate::numbers::percent(goal / 100.0)));
        }
        format!("scenario: {}", parts.join(", "))
    }

    fn scenario(&self) -> Result<Scenario, String> {
        let threshold_per_year = match self.threshold_per_month {
            Some(n) if !n.is_finite() || n < 0.0 => {
                return Err(format!(
                    "frekvensgränsen {n} per månad går inte att använda"
                ));
            }
            other => other.map(|n| n * crate::lang::MONTHS_PER_YEAR),
        };
        let goal_share = match self.goal_percent {
            Some(p) if !(0.0..=100.0).contains(&p) => {
                return Err(format!("målet {p} % ligger utanför 0–100 %"));
            }
            other => other.map(|p| p / 100.0),
        };
        Ok(Scenario {
            grant_systems: self.grant_systems.clone(),
            threshold_per_year,
            set_levels: self
                .set_levels
                .iter()
                .map(|c| (c.case_type.clone(), c.part.clone(), c.level))
                .collect(),
            goal_share,
        })
    }
}

/// A unit's name as the agreement shows it (`Bygglov, status`); the id when unknown.
fn unit_name(ruleset: &Ruleset, case_type: &str, part: Option<&str>) -> String {
    let Some(typ) = ruleset.arendetyp(case_type) else {
        return case_type.to_string();
    };
    match part.filter(|p| !p.is_empty()) {
        Some(part) => match typ.unit(part) {
            Some(unit) => format!("{}, {}", typ.name, unit.name),
            None => format!("{}, {part}", typ.name),
        },
        None => typ.name.clone(),
    }
}

/// The figures of `ruleset` as saved.
pub(super) fn figures(ruleset: &Ruleset) -> Result<Figures, String> {
    let report = dryrun::run(ruleset, &Options::default()).map_err(|e| e.0)?;
    Ok(Figures::from(&report))
}

/// The trial's figures against `baseline` (the saved ruleset's), and the ruleset it
/// gives with the trial in words (`None` when it changes nothing).
pub(super) fn try_out(
    ruleset: &Ruleset,
    baseline: Figures,
    trial: &Trial,
) -> Result<(WhatIf, Option<(Ruleset, String)>), String> {
    let scenario = trial.scenario()?;
    if scenario.is_empty() {
        let same = WhatIf {
            scenario: baseline.clone(),
            baseline,
            description: String::new(),
        };
        return Ok((same, None));
    }
    let changed = scenario.apply(ruleset)?;
    let what_if = WhatIf {
        scenario: figures(&changed)?,
        baseline,
        description: trial.describe(ruleset),
    };
    let description = what_if.description.clone();
    Ok((what_if, Some((changed, description))))
}

impl From<&Report> for Figures {
    fn from(report: &Report) -> Self {
        let staffing = &report.staffing;
        let total = &report.total;
        Figures {
            share: total.share,
            scripted_share: total.scripted_share,
            conditional_share: total.conditional_share,
            share_max: total.share_max,
            share_text: total.share_in_words(),
            goal_share: report.goal_share,
            meets_goal: report.meets_goal,
            fte_total: staffing.fte_total,
            fte_phone: staffing.fte_phone,
            fte_other: staffing.fte_other,
            phone_agents: staffing
                .peak
                .as_ref()
                .or(staffing.average.as_ref())
                .map(|h| h.agents),
            phone_agents_hour: if staffing.peak.is_some() {
                "peak"
            } else {
                "average"
            },
            handed_over_hours: report.total.handed_over_hours,
            forvaltningar: report
                .forvaltningar
                .iter()
                .map(|f| ForvaltningFigures {
                    id: f.id.clone(),
                    name: f.name.clone(),
                    share: f.figures.share,
                    share_max: f.figures.share_max,
                    share_text: f.figures.share_in_words(),
                    volume: f.figures.volume,
                    kundtjanst_hours: f.figures.kundtjanst_hours,
                    handed_over_hours: f.figures.handed_over_hours,
                })
                .collect(),
            candidates: report.candidates.iter().take(8).cloned().collect(),
        }
    }
}
