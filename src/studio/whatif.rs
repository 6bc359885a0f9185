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

/// One unit at another level.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct LevelChange {
    pub case_type: String,
    pub part: Option<String>,
    pub level: u8,
}

/// The headline figures the room watches.
#[derive(Debug, Clone, Serialize)]
pub(super) struct Figures {
    /// Share of contacts kundtjänst handles, 0–1.
    pub share: f64,
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
        description: scenario.describe(),
    };
    let description = what_if.description.clone();
    Ok((what_if, Some((changed, description))))
}

impl From<&Report> for Figures {
    fn from(report: &Report) -> Self {
        let staffing = &report.staffing;
        Figures {
            share: report.total.share,
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
                    handed_over_hours: f.figures.handed_over_hours,
                })
                .collect(),
            candidates: report.candidates.iter().take(8).cloned().collect(),
        }
    }
}
