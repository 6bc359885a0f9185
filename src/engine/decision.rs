//! What the engine answers. [`Decision`] borrows from the engine so that deciding does
//! not allocate; [`DecisionRecord`] is its owned, serialisable form with the
//! explanation (criteria in plain Swedish) built on demand.

use super::Engine;
use crate::model::method::{ChannelSlot, Criterion, criteria};
use crate::model::{Arendetyp, Outcome, Rule, Script, Target, Unit};
use serde::{Deserialize, Serialize};

/// What decided the outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// The ärendetyp is not in the ruleset: forwarded to the policy's fallback.
    UnknownCaseType,
    /// The delmoment is not part of the ärendetyp: forwarded.
    UnknownPart,
    /// A guarded rule's condition was true.
    Rule,
    /// A guarded rule's condition could not be evaluated: forwarded, fail towards a person.
    ConditionError,
    /// The explicit agreed outcome (`överenskommet`).
    Agreement,
    /// The policy's default method.
    Method,
}

/// A decision for one inquiry, borrowing from the [`Engine`].
#[derive(Debug, Clone)]
pub struct Decision<'a> {
    pub outcome: Outcome,
    pub basis: Basis,
    pub case_type: Option<&'a Arendetyp>,
    pub unit: Option<&'a Unit>,
    pub target: Option<&'a Target>,
    pub script: Option<&'a Script>,
    pub rule: Option<&'a Rule>,
    /// Why a condition failed, or why a rule's outcome could not be followed. (Unknown
    /// types and parts get theirs in [`Decision::to_record`].)
    pub error: Option<String>,
    /// Index of the ärendetyp and unit in the ruleset, for aggregation.
    pub(crate) position: Option<(usize, usize)>,
    pub(super) channel: ChannelSlot,
    pub(super) engine: &'a Engine,
}

/// Case-system resolution codes for an outcome (docs/semantik.md §9): Sundsvall's
/// open-source case system Draken, and the Informerat / Kopplat / Eskalerat of older
/// requirements.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resolution {
    /// Sundsvall Draken: `SOLVED`, `CONNECTED` or `REGISTERED_EXTERNAL_SYSTEM`.
    pub draken: String,
    /// Older requirement wording: `Informerat`, `Kopplat` or `Eskalerat`.
    pub legacy: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScriptRef {
    pub path: String,
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleRef {
    pub file: String,
    pub line: usize,
    pub condition: String,
}

/// The JSON shape of a decision (stable; documented in docs/integration.md).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecisionRecord {
    pub outcome: Outcome,
    pub basis: Basis,
    pub case_type: String,
    pub case_type_name: Option<String>,
    pub part: Option<String>,
    pub forvaltning: Option<String>,
    pub channel: Option<String>,
    pub level: Option<u8>,
    pub target: Option<Target>,
    pub script: Option<ScriptRef>,
    pub criteria: Vec<Criterion>,
    pub rule: Option<RuleRef>,
    pub error: Option<String>,
    pub resolution: Resolution,
    pub ruleset: String,
}

impl Decision<'_> {
    /// The inquiry's channel, if it named a known one.
    pub fn channel(&self) -> Option<crate::model::Channel> {
        match self.channel {
            ChannelSlot::Known(c) => Some(c),
            _ => None,
        }
    }

    /// Index of the ärendetyp in [`crate::Ruleset::arendetyper`] and of the unit in it.
    pub fn position(&self) -> Option<(usize, usize)> {
        self.position
    }

    /// The method's criteria for the unit decided, whatever decided the outcome, so an
    /// analyst sees what it would take to move it. Empty for unknown types and parts.
    pub fn criteria(&self, channel_text: Option<&str>) -> Vec<Criterion> {
        match (self.case_type, self.unit) {
            (Some(typ), Some(unit)) => {
                criteria(self.engine.ruleset(), typ, unit, self.channel, channel_text)
            }
            _ => Vec::new(),
        }
    }

    /// In Swedish, why an unknown type or part was forwarded.
    fn unknown_reason(&self, inquiry: &super::Inquiry) -> Option<String> {
        match (self.basis, self.case_type) {
            (Basis::UnknownCaseType, _) => Some(format!(
                "ärendetypen `{}` finns inte i regeluppsättningen",
                inquiry.case_type
            )),
            (Basis::UnknownPart, Some(t)) => {
                let parts: Vec<&str> = t.units.iter().filter_map(|u| u.part.as_deref()).collect();
                Some(format!(
                    "delmomentet `{}` finns inte i ärendetypen `{}` (den har: {})",
                    inquiry.part.as_deref().unwrap_or(""),
                    t.id,
                    if parts.is_empty() {
                        "inga delmoment".to_string()
                    } else {
                        parts.join(", ")
                    }
                ))
            }
            _ => None,
        }
    }

    pub fn resolution(&self) -> Resolution {
        let (draken, legacy) = match self.outcome {
            Outcome::Kundtjanst => ("SOLVED", "Informerat"),
            Outcome::Scripted if self.unit.is_some_and(|u| !u.systems.is_empty()) => {
                ("REGISTERED_EXTERNAL_SYSTEM", "Informerat")
            }
            Outcome::Scripted => ("SOLVED", "Informerat"),
            Outcome::Forwarded => match self.channel {
                ChannelSlot::Known(c) if !matches!(c.name(), "telefon" | "chatt" | "besök") => {
                    ("CONNECTED", "Eskalerat")
                }
                _ => ("CONNECTED", "Kopplat"),
            },
        };
        Resolution {
            draken: draken.into(),
            legacy: legacy.into(),
        }
    }

    /// The owned, serialisable form, with criteria built now.
    pub fn to_record(&self, inquiry: &super::Inquiry) -> DecisionRecord {
        let sources_path = |r: &Rule| crate::source::display_path(&r.location.file);
        let channel = inquiry.channel.as_deref();
        DecisionRecord {
            outcome: self.outcome,
            basis: self.basis,
            case_type: inquiry.case_type.to_string(),
            case_type_name: self.case_type.map(|t| t.name.clone()),
            part: match self.basis {
                Basis::UnknownPart => inquiry.part.as_deref().map(str::to_string),
                _ => self.unit.and_then(|u| u.part.clone()),
            },
            forvaltning: self.case_type.map(|t| {
                self.engine.ruleset().forvaltningar[t.forvaltning]
                    .id
                    .clone()
            }),
            channel: channel.map(str::to_string),
            level: self.unit.map(|u| u.level),
            target: self.target.cloned(),
            script: self.script.map(|s| ScriptRef {
                path: s.path.clone(),
                title: s.title.clone(),
            }),
            criteria: self.criteria(channel),
            error: self.error.clone().or_else(|| self.unknown_reason(inquiry)),
            rule: self.rule.map(|r| RuleRef {
                file: sources_path(r),
                line: r.location.line,
                condition: r.condition.source.clone(),
            }),
            resolution: self.resolution(),
            ruleset: self.engine.ruleset().id.clone(),
        }
    }
}
