//! What the engine answers. [`Decision`] borrows from the engine so that deciding does
//! not allocate; [`DecisionRecord`] is its owned, serialisable form with the
//! explanation (criteria in plain Swedish) built on demand.

use super::Engine;
use crate::bounds::Bounded;
use crate::model::method::{ChannelSlot, Criterion, criteria};
use crate::model::{Arendetyp, EvalError, Outcome, Rule, Script, Target, Unit};
use serde::{Deserialize, Serialize};
use std::fmt;

/// What decided the outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
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

/// A decision for one inquiry, borrowing from the [`Engine`]: what [`Engine::decide`]
/// returns. [`Decision::to_record`] (or [`Engine::decide_record`]) gives the owned JSON
/// form with the criteria; `docs/semantik.md` §9 lists what each part holds.
#[derive(Debug, Clone, Copy)]
pub struct Decision<'a> {
    /// Who handles the inquiry (`docs/semantik.md` §1).
    pub outcome: Outcome,
    /// Which step decided it (§3–§8).
    pub basis: Basis,
    /// The ärendetyp asked about; `None` when it is not in the ruleset.
    pub case_type: Option<&'a Arendetyp>,
    /// The unit decided: the delmoment named, else the ärendetyp's first delmoment,
    /// else the ärendetyp itself (§4). `None` for an unknown ärendetyp or delmoment (§3).
    pub unit: Option<&'a Unit>,
    /// Where to forward it; set exactly when `outcome` is [`Outcome::Forwarded`].
    pub target: Option<&'a Target>,
    /// The förvaltning's script to follow; set exactly when `outcome` is
    /// [`Outcome::Scripted`].
    pub script: Option<&'a Script>,
    /// The guarded rule that decided ([`Basis::Rule`]) or could not be evaluated
    /// ([`Basis::ConditionError`]); `None` for every other basis.
    pub rule: Option<&'a Rule>,
    /// Why a condition failed, or why a rule's outcome could not be followed. (Unknown
    /// types and parts get theirs in [`Decision::to_record`].)
    pub error: Option<DecisionError<'a>>,
    /// Index of the ärendetyp and unit in the ruleset, for aggregation.
    /// Kept as `u32`s, which makes the decision two words smaller to build.
    pub(crate) position: Option<(u32, u32)>,
    pub(crate) channel: ChannelSlot,
    pub(crate) engine: &'a Engine,
}

/// Why a guarded rule could not decide as written, so the inquiry was forwarded.
///
/// Typed and borrowed from the engine rather than text, so that a decision owns
/// nothing and deciding never allocates for it; `Display` gives the Swedish sentence
/// of [`DecisionRecord::error`].
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum DecisionError<'a> {
    /// The rule gives `manus`, but the unit has no script to follow.
    NoScript {
        /// The rule that decided.
        rule: &'a Rule,
        /// The unit it decided, which has no script.
        unit: &'a Unit,
    },
    /// The rule's condition could not be evaluated for this inquiry.
    Condition {
        /// The rule whose condition failed.
        rule: &'a Rule,
        /// What was missing or wrong in the inquiry.
        reason: EvalError<'a>,
    },
}

impl fmt::Display for DecisionError<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecisionError::NoScript { rule, unit } => write!(
                f,
                "regeln på {} ger manus, men `{}` har inget manus",
                rule.location, unit.name
            ),
            DecisionError::Condition { rule, reason } => write!(
                f,
                "villkoret på {} kunde inte prövas: {reason}",
                rule.location
            ),
        }
    }
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

/// The script of a scripted decision, as [`DecisionRecord::script`] names it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScriptRef {
    /// Path of the script file relative to the ruleset directory, with forward slashes
    /// (`manus/bygglov-status.md`).
    pub path: String,
    /// Its first heading or line, to show to staff.
    pub title: String,
}

/// What happened to one guarded rule when a decision was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RuleResult {
    /// Its condition was true: it decided.
    Fired,
    /// Its condition was false: the next rule was tried.
    False,
    /// Its condition could not be evaluated: the inquiry was forwarded (`reason` says why).
    Error,
    /// An earlier rule decided, so it was not tried.
    NotReached,
}

pub(crate) use crate::bounds::bounded;

/// One guarded rule of the unit decided, in the order rules are tried
/// (docs/semantik.md §5), and what happened to it. The rule is named by file and line;
/// its condition is in the ruleset the record's `ruleset` id names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleTried {
    /// Rule file, relative to the ruleset directory.
    pub file: String,
    /// 1-based line of the rule.
    pub line: usize,
    /// The outcome the rule gives when it fires.
    pub outcome: Outcome,
    /// What happened.
    pub result: RuleResult,
    /// Why the condition could not be evaluated, for [`RuleResult::Error`] (at most
    /// 300 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// For staff, in Swedish sentences without file names or ids, for the rule that
    /// fired or could not be tried: what it does, when, and what happened ("Ärendet
    /// kopplas vidare när ärendet kommer via besök. Det gäller här."). Empty, and left
    /// out of the JSON, for the rules that did not decide: a unit may have hundreds.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub explanation: String,
}

impl RuleTried {
    /// What happened, in plain Swedish, for explanations to staff and rule authors.
    pub fn describe(&self) -> String {
        let at = format!("regeln på {}:{}", self.file, self.line);
        match self.result {
            RuleResult::Fired => format!("{at} var sann och avgjorde: {}", self.outcome.keyword()),
            RuleResult::False => format!("{at} var falsk"),
            RuleResult::Error => format!(
                "{at} kunde inte prövas: {}",
                self.reason.as_deref().unwrap_or("okänt fel")
            ),
            RuleResult::NotReached => format!("{at} prövades inte, en tidigare regel avgjorde"),
        }
    }
}

/// The guarded rule behind a decision, as [`DecisionRecord::rule`] names it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleRef {
    /// The rule file, relative to the ruleset directory, with forward slashes.
    pub file: String,
    /// 1-based line of the rule in that file.
    pub line: usize,
    /// The condition as written between the backticks (`kanal == "besök"`), cut to
    /// 300 characters.
    pub condition: String,
    /// For staff: what the rule does and when, as a Swedish sentence without file
    /// names, operators or ids ("Ärendet kopplas vidare när ärendet kommer före kl. 07.").
    #[serde(default)]
    pub explanation: String,
}

/// The JSON shape of a decision (stable; documented in `docs/integration.md`), as
/// [`Engine::decide_record`] gives it. Field by field it is `docs/semantik.md` §9.
/// Every text field holds at most 300 characters; `rules_tried` adds a
/// short entry (file, line, result) per guarded rule of the unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecisionRecord {
    /// Who handles the inquiry: `kundtjanst`, `scripted` or `forwarded`.
    pub outcome: Outcome,
    /// Which step decided it (`unknown_case_type`, `rule`, `method`, …).
    pub basis: Basis,
    /// The ärendetyp id as sent in the inquiry (cut to 300 characters).
    pub case_type: String,
    /// The ärendetyp's name from the ruleset; `None` for an unknown ärendetyp.
    pub case_type_name: Option<String>,
    /// The delmoment decided: the one named (also when unknown, as sent), the first one
    /// when none was named; `None` for an ärendetyp without delmoment and for an unknown
    /// ärendetyp.
    pub part: Option<String>,
    /// The id of the ärendetyp's förvaltning; `None` for an unknown ärendetyp.
    pub forvaltning: Option<String>,
    /// The channel as sent (an alias stays as written).
    pub channel: Option<String>,
    /// The unit's ROSA level; `None` for an unknown ärendetyp or delmoment.
    pub level: Option<u8>,
    /// Where to forward it; set exactly when `outcome` is `forwarded`.
    pub target: Option<Target>,
    /// The script to follow; set exactly when `outcome` is `scripted`.
    pub script: Option<ScriptRef>,
    /// The default method's criteria for the unit in the channel, in the order of
    /// `docs/semantik.md` §8, whatever decided; empty only for an unknown ärendetyp or
    /// delmoment.
    pub criteria: Vec<Criterion>,
    /// The guarded rule that decided or could not be evaluated (basis `rule` or
    /// `condition_error`).
    pub rule: Option<RuleRef>,
    /// Every guarded rule of the unit, in the order they are tried, with what happened
    /// to each; empty when the unit has none (or the ärendetyp or delmoment is unknown).
    pub rules_tried: Vec<RuleTried>,
    /// Why, in Swedish, for a condition error, a `manus` rule for a unit without a
    /// script, or an unknown ärendetyp or delmoment; else `None`.
    pub error: Option<String>,
    /// The outcome as case-system resolution codes.
    pub resolution: Resolution,
    /// The [ruleset id](crate::Ruleset::id) (64 hex digits) of the files that decided.
    pub ruleset: String,
    /// For staff: why this outcome, as Swedish sentences without file names, conditions
    /// or attribute ids. A forward because of the level, sekretess or a system says so,
    /// and names the channel only when the channel is the reason.
    #[serde(default)]
    pub explanation: String,
}

impl Decision<'_> {
    /// The inquiry's channel, if it named a known one.
    pub fn channel(&self) -> Option<crate::model::Channel> {
        match self.channel {
            ChannelSlot::Known(c) => Some(c),
            _ => None,
        }
    }

    /// Index of the ärendetyp in [`crate::Ruleset::arendetyper`] and of the unit in its
    /// [`units`](Arendetyp::units); `None` for an unknown ärendetyp or delmoment.
    pub fn position(&self) -> Option<(usize, usize)> {
        self.position.map(|(t, u)| (t as usize, u as usize))
    }

    /// The method's criteria for the unit decided, whatever decided the outcome, so an
    /// analyst sees what it would take to move it. Empty for unknown types and parts.
    /// `channel_text` is the inquiry's channel as sent, quoted when it is unknown.
    pub fn criteria(&self, channel_text: Option<&str>) -> Vec<Criterion> {
        match (self.case_type, self.unit) {
            (Some(typ), Some(unit)) => {
                criteria(self.engine.ruleset(), typ, unit, self.channel, channel_text)
            }
            _ => Vec::new(),
        }
    }

    /// In Swedish, why an unknown type or part was forwarded, as written (not yet cut
    /// to the answer's bound: it names the inquiry's own text).
    pub(crate) fn unknown_reason<'i>(
        &self,
        inquiry: &'i super::Inquiry,
    ) -> Option<UnknownReason<'i, '_>> {
        let case_type = inquiry.case_type;
        match (self.basis, self.case_type) {
            (Basis::UnknownCaseType, _) => Some(UnknownReason::CaseType(case_type)),
            (Basis::UnknownPart, Some(t)) => {
                Some(UnknownReason::Part(inquiry.part.unwrap_or(""), t))
            }
            _ => None,
        }
    }

    /// The staff sentence of a forward because the type or part is unknown; `None` for
    /// a unit that was found. A `Display`, so an answer escapes it straight into its JSON.
    pub(crate) fn unknown_explanation(&self) -> Option<UnknownExplanation<'_>> {
        let in_type = match self.basis {
            Basis::UnknownCaseType => None,
            Basis::UnknownPart => Some(self.case_type.map_or("", |t| t.name.as_str())),
            _ => return None,
        };
        Some(UnknownExplanation {
            in_type,
            target: self.target,
        })
    }

    /// The outcome as case-system resolution codes (`docs/semantik.md` §9): Draken's
    /// code depends on whether the unit needs a system, the older wording on whether a
    /// forwarded inquiry came by a written channel.
    pub fn resolution(&self) -> Resolution {
        let (draken, legacy) = self.resolution_codes();
        Resolution {
            draken: draken.into(),
            legacy: legacy.into(),
        }
    }

    /// [`Decision::resolution`]'s codes as the constants they are, for an answer that
    /// writes them without owning them.
    pub(crate) fn resolution_codes(&self) -> (&'static str, &'static str) {
        match self.outcome {
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
        }
    }

    /// Every guarded rule of the unit decided, in order, with what happened to each:
    /// the same evaluation as [`Engine::decide`], repeated to explain it.
    pub fn rules_tried(&self, inquiry: &super::Inquiry) -> Vec<RuleTried> {
        self.tried(inquiry).0
    }

    /// [`Decision::rules_tried`], and for a rule that could not be tried, why in staff words.
    fn tried(&self, inquiry: &super::Inquiry) -> (Vec<RuleTried>, Option<String>) {
        let (Some((t, u)), Some(unit)) = (self.position(), self.unit) else {
            return (Vec::new(), None);
        };
        let engine = self.engine;
        let evaluation = engine.evaluation(inquiry, unit, self.channel);
        let mut decided = false;
        let mut why_not = None;
        let tried = engine
            .chain(t, u)
            .iter()
            .map(|&id| {
                let rule = &engine.ruleset().rules[id];
                let (result, reason, staff) = if decided {
                    (RuleResult::NotReached, None, None)
                } else {
                    match rule.condition.eval(&evaluation) {
                        Ok(false) => (RuleResult::False, None, None),
                        Ok(true) => (RuleResult::Fired, None, None),
                        Err(e) => (
                            RuleResult::Error,
                            Some(bounded(&e.to_string())),
                            Some(words::eval_error(engine.ruleset(), &e)),
                        ),
                    }
                };
                decided |= result != RuleResult::False;
                if staff.is_some() {
                    why_not.clone_from(&staff);
                }
                RuleTried {
                    file: crate::source::display_path(&rule.location.file),
                    line: rule.location.line,
                    outcome: rule.outcome,
                    result,
                    reason,
                    explanation: words::rule_tried(
                        engine.ruleset(),
                        rule,
                        result,
                        staff.as_deref(),
                    ),
                }
            })
            .collect();
        (tried, why_not)
    }

    /// The owned, serialisable form, with criteria built now.
    pub fn to_record(&self, inquiry: &super::Inquiry) -> DecisionRecord {
        let sources_path = |r: &Rule| crate::source::display_path(&r.location.file);
        let channel = inquiry.channel;
        let (rules_tried, why_not) = self.tried(inquiry);
        let explanation = self.explanation(why_not.as_deref());
        DecisionRecord {
            outcome: self.outcome,
            basis: self.basis,
            case_type: bounded(inquiry.case_type),
            case_type_name: self.case_type.map(|t| t.name.clone()),
            part: match self.basis {
                Basis::UnknownPart => inquiry.part.map(bounded),
                _ => self.unit.and_then(|u| u.part.clone()),
            },
            forvaltning: self.case_type.map(|t| {
                self.engine.ruleset().forvaltningar[t.forvaltning]
                    .id
                    .clone()
            }),
            channel: channel.map(bounded),
            level: self.unit.map(|u| u.level),
            target: self.target.cloned(),
            script: self.script.map(|s| ScriptRef {
                path: s.path.clone(),
                title: s.title.clone(),
            }),
            criteria: self.criteria(channel),
            error: match (self.error, self.unknown_reason(inquiry)) {
                (Some(error), _) => Some(Bounded(error).to_string()),
                (None, reason) => reason.map(|reason| Bounded(reason).to_string()),
            },
            rule: self.rule.map(|r| RuleRef {
                file: sources_path(r),
                line: r.location.line,
                condition: bounded(&r.condition.source),
                explanation: words::rule(self.engine.ruleset(), r),
            }),
            rules_tried,
            resolution: self.resolution(),
            ruleset: self.engine.ruleset().id.clone(),
            explanation,
        }
    }
}

impl Decision<'_> {
    /// For staff: why this outcome, in Swedish sentences (see [`DecisionRecord::explanation`]).
    /// `why_not`: for a condition that could not be tried, why, in staff words.
    pub(crate) fn explanation(&self, why_not: Option<&str>) -> String {
        let ruleset = self.engine.ruleset();
        match self.basis {
            Basis::UnknownCaseType | Basis::UnknownPart => self
                .unknown_explanation()
                .map(|sentence| sentence.to_string())
                .unwrap_or_default(),
            Basis::Rule => match self.rule {
                Some(rule) => rule_decided(ruleset, rule),
                None => words::outcome_sentence(self.outcome, self.target),
            },
            Basis::ConditionError => {
                let why = why_not.unwrap_or("en uppgift saknas");
                format!(
                    "Det går inte att avgöra ärendet, eftersom {why}. Utan den uppgiften kopplas ärendet vidare{}.",
                    words::place(self.target)
                )
            }
            Basis::Agreement => format!(
                "Förvaltningen och kundtjänst har kommit överens: {}",
                lower_first(&words::outcome_sentence(self.outcome, self.target))
            ),
            Basis::Method => match (self.case_type, self.unit) {
                (Some(typ), Some(unit)) => {
                    words::method(ruleset, typ, unit, self.channel, self.outcome, self.target)
                }
                _ => words::outcome_sentence(self.outcome, self.target),
            },
        }
    }
}

/// See [`Decision::unknown_reason`]: the type or the part sent, and the type it is not in.
pub(crate) enum UnknownReason<'i, 'r> {
    CaseType(&'i str),
    Part(&'i str, &'r Arendetyp),
}

impl std::fmt::Display for UnknownReason<'_, '_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            UnknownReason::CaseType(sent) => {
                write!(f, "ärendetypen `{sent}` finns inte i regeluppsättningen")
            }
            UnknownReason::Part(sent, t) => {
                write!(
                    f,
                    "delmomentet `{sent}` finns inte i ärendetypen `{}` (den har: ",
                    t.id
                )?;
                let mut parts = t.units.iter().filter_map(|u| u.part.as_deref());
                match parts.next() {
                    None => f.write_str("inga delmoment")?,
                    Some(first) => {
                        f.write_str(first)?;
                        parts.try_for_each(|p| write!(f, ", {p}"))?;
                    }
                }
                f.write_str(")")
            }
        }
    }
}

/// See [`Decision::unknown_explanation`]: the ärendetyp's name when the part is unknown.
pub(crate) struct UnknownExplanation<'d> {
    in_type: Option<&'d str>,
    target: Option<&'d Target>,
}

impl std::fmt::Display for UnknownExplanation<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let to = words::forwarded_to(self.target);
        match self.in_type {
            None => write!(
                f,
                "Ärendetypen finns inte i kommunens regler, så ärendet {to}."
            ),
            Some(name) => write!(f, "Delmomentet finns inte i ”{name}”, så ärendet {to}."),
        }
    }
}

/// The staff sentence of a decision that `rule` made.
pub(crate) fn rule_decided(ruleset: &crate::Ruleset, rule: &Rule) -> String {
    format!(
        "En särskild regel avgör: {}",
        lower_first(&words::rule(ruleset, rule))
    )
}

/// "Ärendet …" → "ärendet …", for a sentence that goes on after a colon.
fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Staff sentences for decisions: what a rule does and when, why the method forwards.
/// No file names, operators or attribute ids (issue 21: sentences, not source).
pub(crate) mod words {
    use super::RuleResult;
    use crate::model::method::{ChannelSlot, assess};
    use crate::model::{Arendetyp, EvalError, Outcome, Rule, Ruleset, Target, Unit};
    use std::fmt::{self, Display};

    /// "kopplas vidare till Växeln på Kommunledningsförvaltningen" (after "ärendet").
    pub(crate) fn forwarded_to(target: Option<&Target>) -> ForwardedTo<'_> {
        ForwardedTo(target)
    }

    /// See [`forwarded_to`].
    pub(crate) struct ForwardedTo<'t>(Option<&'t Target>);

    impl Display for ForwardedTo<'_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "kopplas vidare{}", Place(self.0))
        }
    }

    /// " till Växeln på Kommunledningsförvaltningen", or "" for no target.
    pub(crate) fn place(target: Option<&Target>) -> Place<'_> {
        Place(target)
    }

    /// See [`place`].
    pub(crate) struct Place<'t>(Option<&'t Target>);

    impl Display for Place<'_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self.0 {
                Some(t) if !t.forvaltning_name.is_empty() => match &t.queue {
                    Some(queue) => write!(f, " till {queue} på {}", t.forvaltning_name),
                    None => write!(f, " till {}", t.forvaltning_name),
                },
                _ => Ok(()),
            }
        }
    }

    /// "Kundtjänst svarar direkt.", "Ärendet kopplas vidare till X."
    pub(crate) fn outcome_sentence(outcome: Outcome, target: Option<&Target>) -> String {
        format!("{}.", does(outcome, target))
    }

    fn does(outcome: Outcome, target: Option<&Target>) -> String {
        match outcome {
            Outcome::Kundtjanst => "Kundtjänst svarar direkt".into(),
            Outcome::Scripted => "Kundtjänst tar ärendet med förvaltningens manus".into(),
            _ => format!("Ärendet {}", forwarded_to(target)),
        }
    }

    /// "Ärendet kopplas vidare till X när ärendet kommer före kl. 07." The condition in
    /// words is cut like every echoed text: a condition may hold long literals.
    pub(crate) fn rule(ruleset: &Ruleset, rule: &Rule) -> String {
        let when = crate::bounds::bounded(&rule.condition.describe(ruleset));
        format!("{} när {when}.", does(rule.outcome, rule.target.as_ref()))
    }

    /// A rule of `rules_tried`: what it does and what happened to it; empty for a rule
    /// that did not decide (a unit may have hundreds, and the answer's size is bounded
    /// per rule).
    pub(crate) fn rule_tried(
        ruleset: &Ruleset,
        r: &Rule,
        result: RuleResult,
        error: Option<&str>,
    ) -> String {
        match result {
            RuleResult::Fired => format!("{} Det gäller här.", rule(ruleset, r)),
            RuleResult::False => String::new(),
            RuleResult::Error => format!(
                "{} Det gick inte att pröva, eftersom {}.",
                rule(ruleset, r),
                error.unwrap_or("en uppgift saknas")
            ),
            RuleResult::NotReached => String::new(),
        }
    }

    /// Why a condition could not be tried, in staff words: the question left unanswered.
    pub(crate) fn eval_error(ruleset: &Ruleset, error: &EvalError) -> String {
        let question = |name: &str| {
            ruleset
                .policy
                .attributes
                .iter()
                .find(|a| a.name == name)
                .map_or_else(|| name.replace(['_', '-'], " "), |a| a.question_text())
        };
        match error {
            EvalError::MissingChannel => "det inte står vilken kanal ärendet kommer i".into(),
            EvalError::MissingTime => "det inte står när ärendet kom".into(),
            EvalError::BadTime(_) => "tidpunkten för ärendet inte går att läsa".into(),
            EvalError::MissingAttribute(name) => {
                format!("svaret saknas på frågan ”{}”", question(name))
            }
            EvalError::WrongType { name, expected, .. } => format!(
                "svaret på frågan ”{}” ska vara {}",
                question(name),
                expected.words()
            ),
            _ => "reglerna blev för många att pröva".into(),
        }
    }

    /// Why the default method gave this outcome; for a forward, the first reason.
    pub(crate) fn method(
        ruleset: &Ruleset,
        typ: &Arendetyp,
        unit: &Unit,
        channel: ChannelSlot,
        outcome: Outcome,
        target: Option<&Target>,
    ) -> String {
        let a = assess(ruleset, unit, channel);
        let to = forwarded_to(target);
        match outcome {
            Outcome::Kundtjanst => format!(
                "Svara direkt: ärendet ligger på nivå {}, som kundtjänst besvarar själv.",
                unit.level
            ),
            Outcome::Scripted => format!(
                "Följ förvaltningens manus: ärendet ligger på nivå {}, som kundtjänst tar med manus.",
                unit.level
            ),
            _ if !(a.level_direct || a.level_scripted) => format!(
                "Ärendet ligger på nivå {} och kräver förvaltningens handläggare, så det {to}.",
                unit.level
            ),
            _ if a.sekretess => {
                format!(
                    "Ärendet omfattas av sekretess och kopplas därför alltid vidare{}.",
                    place(target)
                )
            }
            _ if !a.channel_ok => match channel {
                ChannelSlot::Known(c) => format!(
                    "Kundtjänst tar inte ”{}” när det kommer via {c}, så det {to}.",
                    typ.name
                ),
                ChannelSlot::Unknown => {
                    format!("Kanalen som ärendet kom i är okänd, så det {to}.")
                }
                ChannelSlot::None => {
                    format!(
                        "Kundtjänst tar inte ”{}” i någon kanal, så det {to}.",
                        typ.name
                    )
                }
            },
            _ if !a.systems_ok => {
                let missing: Vec<&str> = unit
                    .systems
                    .iter()
                    .map(|&s| &ruleset.systems[s])
                    .filter(|s| !s.access)
                    .map(|s| s.name.as_str())
                    .collect();
                format!(
                    "Ärendet kräver {}, som kundtjänst saknar åtkomst till, så det {to}.",
                    missing.join(" och ")
                )
            }
            _ if !a.frequency_ok => format!(
                "Ärendet är för ovanligt för att kundtjänst ska ta det med manus, så det {to}."
            ),
            _ => format!("Förvaltningen har inte lämnat något manus för ärendet, så det {to}."),
        }
    }
}
