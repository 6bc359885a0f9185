//! What-if without editing files: the workshop's decisions (grant a system, change the
//! frekvensgräns, a unit's level, the goal) applied to a copy of the ruleset, so that the
//! dry-run can compare the scenario with the ruleset as it is.

use crate::model::Ruleset;

/// The workshop's decisions to try. Empty: the ruleset as it is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scenario {
    /// Systems kundtjänst would get access to, by name.
    pub grant_systems: Vec<String>,
    /// A new frekvensgräns, per year.
    pub threshold_per_year: Option<f64>,
    /// New levels: ärendetyp id, optional delmoment id, level.
    pub set_levels: Vec<(String, Option<String>, u8)>,
    /// A new goal share, 0–1.
    pub goal_share: Option<f64>,
}

impl Scenario {
    /// Whether it changes anything.
    pub fn is_empty(&self) -> bool {
        *self == Scenario::default()
    }

    /// The ruleset with the scenario's changes, or why one of them cannot be made (in
    /// Swedish, naming what is wrong).
    pub fn apply(&self, ruleset: &Ruleset) -> Result<Ruleset, String> {
        let mut changed = ruleset.clone();
        for name in &self.grant_systems {
            let Some(system) = changed.systems.iter_mut().find(|s| s.name == *name) else {
                let known: Vec<&str> = ruleset.systems.iter().map(|s| s.name.as_str()).collect();
                return Err(format!(
                    "systemet `{name}` finns inte i policyn (kända: {})",
                    known.join(", ")
                ));
            };
            system.access = true;
        }
        if let Some(threshold) = self.threshold_per_year {
            changed.policy.frequency_threshold_per_year = threshold;
        }
        for (id, part, level) in &self.set_levels {
            let scale = changed.policy.scale;
            if !(1..=scale).contains(level) {
                return Err(format!("nivån {level} ligger utanför skalan 1–{scale}"));
            }
            let Some(typ) = changed.arendetyper.iter_mut().find(|t| t.id == *id) else {
                return Err(format!("ärendetypen `{id}` finns inte"));
            };
            let units: Vec<&mut crate::model::Unit> = match part {
                Some(part) => typ
                    .units
                    .iter_mut()
                    .filter(|u| u.part.as_deref() == Some(part))
                    .collect(),
                None => typ.units.iter_mut().collect(),
            };
            if units.is_empty() {
                return Err(format!(
                    "delmomentet `{}` finns inte i ärendetypen `{id}`",
                    part.as_deref().unwrap_or("")
                ));
            }
            for unit in units {
                unit.level = *level;
            }
        }
        if let Some(goal) = self.goal_share {
            changed.policy.goal_share = goal;
        }
        Ok(changed)
    }

    /// The scenario in words, for the report's comparison.
    pub fn describe(&self) -> String {
        let mut parts: Vec<String> = self
            .grant_systems
            .iter()
            .map(|s| format!("kundtjänst får {s}"))
            .collect();
        if let Some(t) = self.threshold_per_year {
            parts.push(format!("frekvensgräns {} per år", crate::numbers::sv(t, 0)));
        }
        for (id, part, level) in &self.set_levels {
            let unit = match part {
                Some(part) => format!("{id}/{part}"),
                None => id.clone(),
            };
            parts.push(format!("{unit} på nivå {level}"));
        }
        if let Some(goal) = self.goal_share {
            parts.push(format!("målet {}", crate::numbers::percent(goal)));
        }
        format!("scenario: {}", parts.join(", "))
    }
}

/// The frequency conversion is the language's; re-exported as `rosa::dryrun::per_year`.
pub use crate::lang::per_year;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frekvens_in_words() {
        assert_eq!(per_year("10 per månad"), Ok(120.0));
        assert_eq!(per_year("2 per dag"), Ok(500.0));
        assert!(per_year("10 i månaden").is_err());
        assert!(per_year("tio per år").is_err());
    }
}
