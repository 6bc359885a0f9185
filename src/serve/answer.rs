//! A decision's JSON answer written straight from the borrowed [`Decision`], byte for
//! byte what serde_json writes for its owned [`DecisionRecord`](crate::DecisionRecord),
//! with the ruleset's constant parts escaped once per loaded ruleset.

use crate::engine::{Basis, Decision, Engine, Inquiry, RuleResult, ScriptRef, words};
use crate::model::method::{ChannelSlot, criteria};
use crate::model::{Outcome, Rule};
use serde::Serialize;
use std::collections::HashMap;

/// The parts of a decision's JSON that depend only on the ruleset, escaped once when
/// the engine is compiled: per unit its names, target, script and the criteria in each
/// known channel; per rule how `rule` and `rules_tried` name it. With them
/// [`Decision::write_json`] copies bytes instead of escaping them on every answer.
#[derive(Debug, Clone)]
pub(crate) struct AnswerParts {
    /// The engine's ruleset, to tell whether these parts are its own.
    ruleset: std::sync::Arc<crate::Ruleset>,
    /// Indexed like [`Decision::position`].
    units: Vec<Vec<UnitParts>>,
    /// Indexed by [`crate::model::RuleId`].
    rules: Vec<RuleParts>,
    /// Per ärendetyp, its id as `case_type` writes it (cut to 300 characters, escaped).
    case_types: Vec<Box<str>>,
    /// The ruleset id, quoted.
    ruleset_id: Box<str>,
    /// Per ärendetyp id, the most bytes an answer about it can take.
    type_bounds: HashMap<Box<str>, usize>,
    /// The most bytes an answer about an unknown ärendetyp can take.
    unknown_type_bound: usize,
}

/// The most bytes the fixed words of a staff sentence (`explanation`) take beyond the
/// ruleset's names in it, which are counted escaped where they are known.
const SENTENCE_BOUND: usize = 512;

/// The most bytes a text cut to 300 characters takes in JSON: every character
/// escaped as `\u00XX`, the `…` and the quotes.
const TEXT_BOUND: usize = 300 * 6 + 3 + 2;

/// Texts of an answer taken from the inquiry or made for it, each at most
/// [`TEXT_BOUND`]: `case_type`, `part`, `channel`, `error`, the one `reason` in
/// `rules_tried`, and an unknown channel's criterion.
const TEXTS: usize = 6;

/// The rest of an answer: keys, outcome, basis, level, nulls, the resolution and the
/// ruleset id, with room to spare.
const ENVELOPE_BOUND: usize = 640;

/// A rule's `rules_tried` entry beyond its constant start: the longest result
/// (`"not_reached"`), the closing brace and the comma.
const TRIED_END: usize = 15;

#[derive(Debug, Clone)]
struct UnitParts {
    /// `"case_type_name":…,"part":…,"forvaltning":…` (`part` as the unit names it).
    names: Box<str>,
    target: Box<str>,
    script: Option<Box<str>>,
    /// The criteria array per [`ChannelSlot::index`].
    criteria: Vec<Box<str>>,
    /// Per [`ChannelSlot::index`], the outcome and basis when no rule decides, with
    /// the escaped staff sentence that goes with them: written on every answer, and
    /// the same for every answer that takes this path.
    settled: Vec<(Outcome, Basis, Box<str>)>,
}

#[derive(Debug, Clone)]
struct RuleParts {
    /// `{"file":…,"line":…,"condition":…,"explanation":…}`.
    reference: Box<str>,
    /// `{"file":…,"line":…,"outcome":…,"result":` of its `rules_tried` entry.
    tried: Box<str>,
    /// `,"explanation":…}` ending its `rules_tried` entry when it fired, was false or
    /// was not reached, indexed by [`explained_index`].
    explained: [Box<str>; 3],
    /// The escaped length of its staff sentence, for the bound of an answer.
    sentence: usize,
    /// The decision's escaped `explanation` when this rule decides.
    decided: Box<str>,
    target: Option<Box<str>>,
}

/// Where [`RuleParts::explained`] keeps a result's ending; `None` for an error, whose
/// ending names the missing answer.
fn explained_index(result: RuleResult) -> Option<usize> {
    match result {
        RuleResult::Fired => Some(0),
        RuleResult::False => Some(1),
        RuleResult::NotReached => Some(2),
        _ => None,
    }
}

/// `value` as serde_json writes it (strings escaped): only for the ruleset's values,
/// which always serialise.
fn json_text<T: Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".into())
}

impl AnswerParts {
    /// Escape the ruleset's parts of every answer once.
    pub(crate) fn new(engine: &Engine) -> AnswerParts {
        let ruleset = engine.ruleset();
        let units: Vec<Vec<UnitParts>> = ruleset
            .arendetyper
            .iter()
            .enumerate()
            .map(|(t, typ)| {
                (0..typ.units.len())
                    .map(|u| UnitParts::new(engine, t, u))
                    .collect()
            })
            .collect();
        let rules: Vec<RuleParts> = ruleset
            .rules
            .iter()
            .map(|r| RuleParts::new(ruleset, r))
            .collect();
        // Names a staff sentence may hold: the longest question, system list and name.
        let questions = (ruleset.policy.attributes.iter())
            .map(|a| json_text(&a.question_text()).len())
            .max()
            .unwrap_or(0);
        let systems: usize = ruleset
            .systems
            .iter()
            .map(|s| json_text(&s.name).len())
            .sum();
        let type_bounds = (ruleset.arendetyper.iter().enumerate())
            .map(|(t, typ)| {
                let unit_bound = |(u, unit): (usize, &UnitParts)| {
                    unit.bound(engine.chain(t, u).iter().map(|&id| &rules[id]))
                };
                let units: &[UnitParts] = &units[t];
                let largest = units.iter().enumerate().map(unit_bound).max();
                // The decision's `explanation` names the type, a question, the systems.
                let explanation =
                    SENTENCE_BOUND + json_text(&typ.name).len() + 2 * questions + systems;
                // An unknown delmoment is forwarded to the ärendetyp's target.
                let bound =
                    largest.unwrap_or(ENVELOPE_BOUND) + json_text(&typ.target).len() + explanation;
                (Box::from(typ.id.as_str()), bound)
            })
            .collect();
        let fallback = json_text(&ruleset.policy.fallback).len();
        let case_types = (ruleset.arendetyper.iter())
            .map(|typ| {
                let mut out = Vec::new();
                Json(&mut out).bounded(&typ.id);
                String::from_utf8_lossy(&out).into()
            })
            .collect();
        AnswerParts {
            ruleset: engine.ruleset_arc().clone(),
            units,
            rules,
            case_types,
            ruleset_id: json_text(&ruleset.id).into(),
            type_bounds,
            // The explanation of an unknown type names the fallback target once more.
            unknown_type_bound: ENVELOPE_BOUND + TEXTS * TEXT_BOUND + 2 * fallback + SENTENCE_BOUND,
        }
    }

    /// The most bytes the answer to `inquiry` can take, known before deciding it: the
    /// largest unit of its ärendetyp, with every text as long as it may be and every
    /// guarded rule of the unit tried.
    pub(crate) fn answer_bound(&self, inquiry: &Inquiry) -> usize {
        let bound = self.type_bounds.get(inquiry.case_type);
        let bound = bound.copied().unwrap_or(self.unknown_type_bound);
        // An unknown channel is quoted whole in its criterion, not cut.
        let channel = inquiry.channel;
        let unknown = channel.filter(|c| crate::Channel::parse(c).is_none());
        bound + unknown.map_or(0, |c| 6 * c.len())
    }

    fn belong_to(&self, engine: &Engine) -> bool {
        std::sync::Arc::ptr_eq(&self.ruleset, engine.ruleset_arc())
    }
}

impl UnitParts {
    /// The most bytes an answer about this unit can take, with `chain` its rules.
    fn bound<'r>(&self, chain: impl Iterator<Item = &'r RuleParts>) -> usize {
        let (mut tried, mut reference, mut target) = (0, 0, self.target.len());
        // At most one rule per decision fires or cannot be tried, and only that one
        // carries its sentence; the others end in what `explained` holds for them.
        let mut error_ending = 0;
        for rule in chain {
            let [fired, not_true, not_reached] = &rule.explained;
            tried += rule.tried.len() + TRIED_END + not_true.len().max(not_reached.len());
            error_ending = error_ending
                .max(rule.sentence + SENTENCE_BOUND)
                .max(fired.len());
            reference = reference.max(rule.reference.len());
            target = target.max(rule.target.as_deref().map_or(0, str::len));
        }
        let criteria = self.criteria.iter().map(|c| c.len()).max().unwrap_or(0);
        let script = self.script.as_deref().map_or(0, str::len);
        // The decision's own `explanation` repeats at most a rule's sentence and a target.
        let explanation = error_ending.saturating_sub(SENTENCE_BOUND) + target;
        ENVELOPE_BOUND
            + TEXTS * TEXT_BOUND
            + error_ending
            + explanation
            + self.names.len()
            + target
            + script
            + criteria
            + reference
            + tried
    }

    fn new(engine: &Engine, t: usize, u: usize) -> UnitParts {
        let ruleset = engine.ruleset();
        let typ = &ruleset.arendetyper[t];
        let unit = &typ.units[u];
        let forvaltning = &ruleset.forvaltningar[typ.forvaltning].id;
        let names = format!(
            "\"case_type_name\":{},\"part\":{},\"forvaltning\":{}",
            json_text(&typ.name),
            json_text(&unit.part),
            json_text(forvaltning)
        );
        let script = unit.script.map(|id| {
            let s = &ruleset.scripts[id];
            json_text(&ScriptRef {
                path: s.path.clone(),
                title: s.title.clone(),
            })
        });
        let mut by_slot = vec![Box::from("[]"); ChannelSlot::COUNT];
        let mut settled =
            vec![(Outcome::Forwarded, Basis::Method, Box::from("")); ChannelSlot::COUNT];
        for slot in ChannelSlot::all() {
            if let Some(i) = slot.index() {
                by_slot[i] = json_text(&criteria(ruleset, typ, unit, slot, None)).into();
                let d = engine.decide_without_rules(t, u, slot);
                settled[i] = (d.outcome, d.basis, json_text(&d.explanation(None)).into());
            }
        }
        UnitParts {
            names: names.into(),
            target: json_text(&unit.target).into(),
            script: script.map(Box::from),
            criteria: by_slot,
            settled,
        }
    }
}

impl RuleParts {
    fn new(ruleset: &crate::Ruleset, rule: &Rule) -> RuleParts {
        let file = json_text(&crate::source::display_path(&rule.location.file));
        let line = rule.location.line;
        let mut condition = Vec::new();
        Json(&mut condition).bounded(&rule.condition.source);
        let condition = String::from_utf8_lossy(&condition);
        let outcome = json_text(&rule.outcome);
        let sentence = json_text(&words::rule(ruleset, rule));
        // As serde writes it: an empty explanation is left out.
        let ending = |result| {
            let explanation = words::rule_tried(ruleset, rule, result, None);
            if explanation.is_empty() {
                return Box::from("}");
            }
            Box::from(format!(",\"explanation\":{}}}", json_text(&explanation)))
        };
        RuleParts {
            reference: format!(
                "{{\"file\":{file},\"line\":{line},\"condition\":{condition},\"explanation\":{sentence}}}"
            )
            .into(),
            explained: [
                ending(RuleResult::Fired),
                ending(RuleResult::False),
                ending(RuleResult::NotReached),
            ],
            sentence: sentence.len(),
            decided: json_text(&crate::engine::rule_decided(ruleset, rule)).into(),
            tried: format!("{{\"file\":{file},\"line\":{line},\"outcome\":{outcome},\"result\":")
                .into(),
            target: rule.target.as_ref().map(|t| json_text(t).into()),
        }
    }
}

/// The JSON name of a [`Basis`], as serde writes it.
fn basis_json(basis: Basis) -> &'static str {
    match basis {
        Basis::UnknownCaseType => "\"unknown_case_type\"",
        Basis::UnknownPart => "\"unknown_part\"",
        Basis::Rule => "\"rule\"",
        Basis::ConditionError => "\"condition_error\"",
        Basis::Agreement => "\"agreement\"",
        Basis::Method => "\"method\"",
    }
}

fn outcome_json(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Kundtjanst => "\"kundtjanst\"",
        Outcome::Scripted => "\"scripted\"",
        Outcome::Forwarded => "\"forwarded\"",
    }
}

fn result_json(result: RuleResult) -> &'static str {
    match result {
        RuleResult::Fired => "\"fired\"",
        RuleResult::False => "\"false\"",
        RuleResult::Error => "\"error\"",
        RuleResult::NotReached => "\"not_reached\"",
    }
}

/// Writes JSON into a byte buffer; writing to a `Vec` cannot fail.
struct Json<'o>(&'o mut Vec<u8>);

impl Json<'_> {
    fn raw(&mut self, text: &str) {
        self.0.extend_from_slice(text.as_bytes());
    }

    fn value<T: Serialize + ?Sized>(&mut self, value: &T) {
        // Strings, numbers and the model's plain structs: serde_json cannot fail on them.
        let _ = serde_json::to_writer(&mut *self.0, value);
    }

    /// `text` escaped as it is written, without building the string.
    fn display(&mut self, text: &impl std::fmt::Display) {
        use serde::Serializer as _;
        let _ = serde_json::Serializer::new(&mut *self.0).collect_str(text);
    }

    /// `text` cut like [`bounded`], escaped, without building the cut string.
    fn bounded(&mut self, text: &str) {
        match crate::bounds::cut_at(text) {
            None => self.value(text),
            Some(end) => {
                self.value(&text[..end]);
                self.0.pop();
                self.raw("…\"");
            }
        }
    }

    fn optional(&mut self, text: Option<&str>) {
        match text {
            Some(text) => self.raw(text),
            None => self.raw("null"),
        }
    }
}

/// The answer's JSON, byte for byte what serde_json writes for
/// [`Decision::to_record`], written from the borrowed decision with the ruleset's
/// parts already escaped. `parts` must be of this decision's engine; if they are
/// not, the record is built and serialised instead.
pub(super) fn write_json(d: &Decision, inquiry: &Inquiry, parts: &AnswerParts, out: &mut Vec<u8>) {
    if !parts.belong_to(d.engine) {
        let _ = serde_json::to_writer(&mut *out, &d.to_record(inquiry));
        return;
    }
    let unit_parts = d.position().map(|(t, u)| &parts.units[t][u]);
    let mut json = Json(out);
    json.raw("{\"outcome\":");
    json.raw(outcome_json(d.outcome));
    json.raw(",\"basis\":");
    json.raw(basis_json(d.basis));
    json.raw(",\"case_type\":");
    match d.position() {
        // Found by its exact id: the inquiry's text is the ärendetyp's id.
        Some((t, _)) => json.raw(&parts.case_types[t]),
        None => json.bounded(inquiry.case_type),
    }
    json.raw(",");
    write_names(d, inquiry, unit_parts, &mut json);
    json.raw(",\"channel\":");
    write_channel(d, inquiry, &mut json);
    json.raw(",\"level\":");
    match d.unit {
        Some(unit) => json.value(&unit.level),
        None => json.raw("null"),
    }
    json.raw(",\"target\":");
    write_target(d, parts, unit_parts, &mut json);
    json.raw(",\"script\":");
    write_script(d, unit_parts, &mut json);
    json.raw(",\"criteria\":");
    write_criteria(d, inquiry, unit_parts, &mut json);
    json.raw(",\"rule\":");
    json.optional(rule_id(d).map(|id| &*parts.rules[id].reference));
    json.raw(",\"rules_tried\":");
    let why_not = write_rules_tried(d, inquiry, parts, &mut json);
    json.raw(",\"error\":");
    write_error(d, inquiry, &mut json);
    let (draken, legacy) = d.resolution_codes();
    json.raw(",\"resolution\":{\"draken\":\"");
    json.raw(draken);
    json.raw("\",\"legacy\":\"");
    json.raw(legacy);
    json.raw("\"},\"ruleset\":");
    json.raw(&parts.ruleset_id);
    json.raw(",\"explanation\":");
    match (
        settled_explanation(d, unit_parts, parts),
        d.unknown_explanation(),
    ) {
        (Some(sentence), _) => json.raw(sentence),
        (None, Some(sentence)) => json.display(&sentence),
        (None, None) => json.value(&d.explanation(why_not.as_deref())),
    }
    json.raw("}");
}

/// The decision's staff sentence as escaped when the ruleset was loaded, where it
/// depends on the ruleset alone: a rule decided, or no rule did.
fn settled_explanation<'p>(
    d: &Decision,
    unit: Option<&'p UnitParts>,
    parts: &'p AnswerParts,
) -> Option<&'p str> {
    match d.basis {
        Basis::Rule => rule_id(d).map(|id| &*parts.rules[id].decided),
        Basis::Method | Basis::Agreement => {
            let (outcome, basis, sentence) = unit?.settled.get(d.channel.index()?)?;
            (*outcome == d.outcome && *basis == d.basis).then_some(&**sentence)
        }
        _ => None,
    }
}

/// The channel as sent: a canonical name (no character of it needs escaping) is
/// copied, anything else cut and escaped.
fn write_channel(d: &Decision, inquiry: &Inquiry, json: &mut Json) {
    let Some(sent) = inquiry.channel else {
        return json.raw("null");
    };
    match d.channel {
        ChannelSlot::Known(c) if c.name() == sent => {
            json.raw("\"");
            json.raw(sent);
            json.raw("\"");
        }
        _ => json.bounded(sent),
    }
}

fn write_names(d: &Decision, inquiry: &Inquiry, unit: Option<&UnitParts>, json: &mut Json) {
    if let Some(unit) = unit {
        return json.raw(&unit.names);
    }
    json.raw("\"case_type_name\":");
    json.value(&d.case_type.map(|t| &t.name));
    json.raw(",\"part\":");
    match (d.basis, inquiry.part) {
        (Basis::UnknownPart, Some(part)) => json.bounded(part),
        _ => json.value(&d.unit.and_then(|u| u.part.as_deref())),
    }
    json.raw(",\"forvaltning\":");
    let forvaltningar = &d.engine.ruleset().forvaltningar;
    json.value(&d.case_type.map(|t| &forvaltningar[t.forvaltning].id));
}

fn write_target(d: &Decision, parts: &AnswerParts, unit: Option<&UnitParts>, json: &mut Json) {
    let Some(target) = d.target else {
        return json.raw("null");
    };
    let of_rule = d
        .rule
        .filter(|r| r.target.as_ref().is_some_and(|t| std::ptr::eq(t, target)))
        .and_then(|_| rule_id(d))
        .and_then(|id| parts.rules[id].target.as_deref());
    let of_unit = d
        .unit
        .filter(|u| std::ptr::eq(&u.target, target))
        .and(unit)
        .map(|u| &*u.target);
    match of_rule.or(of_unit) {
        Some(escaped) => json.raw(escaped),
        None => json.value(target),
    }
}

fn write_script(d: &Decision, unit: Option<&UnitParts>, json: &mut Json) {
    let Some(script) = d.script else {
        return json.raw("null");
    };
    let ruleset = d.engine.ruleset();
    let of_unit = d
        .unit
        .and_then(|u| u.script)
        .filter(|&id| std::ptr::eq(&ruleset.scripts[id], script));
    match (of_unit, unit.and_then(|u| u.script.as_deref())) {
        (Some(_), Some(escaped)) => json.raw(escaped),
        _ => json.value(&ScriptRef {
            path: script.path.clone(),
            title: script.title.clone(),
        }),
    }
}

fn write_criteria(d: &Decision, inquiry: &Inquiry, unit: Option<&UnitParts>, json: &mut Json) {
    match (unit, d.channel.index()) {
        (Some(unit), Some(slot)) => json.raw(&unit.criteria[slot]),
        _ => json.value(&d.criteria(inquiry.channel)),
    }
}

/// The deciding rule's id, found in the unit's chain.
fn rule_id(d: &Decision) -> Option<crate::model::RuleId> {
    let rule = d.rule?;
    let (t, u) = d.position()?;
    let rules = &d.engine.ruleset().rules;
    let chain = d.engine.chain(t, u);
    chain
        .iter()
        .copied()
        .find(|&id| std::ptr::eq(&rules[id], rule))
}

/// The same evaluation as [`Decision::rules_tried`], written as it goes; for a rule
/// that could not be tried, why in staff words.
fn write_rules_tried(
    d: &Decision,
    inquiry: &Inquiry,
    parts: &AnswerParts,
    json: &mut Json,
) -> Option<String> {
    let (Some((t, u)), Some(unit)) = (d.position(), d.unit) else {
        json.raw("[]");
        return None;
    };
    let engine = d.engine;
    let evaluation = engine.evaluation(inquiry, unit, d.channel);
    let mut decided = false;
    let mut why_not = None;
    let ending =
        |id: usize, result| explained_index(result).map_or("}", |i| &*parts.rules[id].explained[i]);
    json.raw("[");
    for (i, &id) in engine.chain(t, u).iter().enumerate() {
        if i > 0 {
            json.raw(",");
        }
        json.raw(&parts.rules[id].tried);
        if decided {
            json.raw(result_json(RuleResult::NotReached));
            json.raw(ending(id, RuleResult::NotReached));
            continue;
        }
        let rule = &engine.ruleset().rules[id];
        let result = match rule.condition.eval(&evaluation) {
            Ok(false) => RuleResult::False,
            Ok(true) => RuleResult::Fired,
            Err(e) => {
                json.raw(result_json(RuleResult::Error));
                json.raw(",\"reason\":");
                json.bounded(&e.to_string());
                let staff = words::eval_error(engine.ruleset(), &e);
                json.raw(",\"explanation\":");
                json.value(&words::rule_tried(
                    engine.ruleset(),
                    rule,
                    RuleResult::Error,
                    Some(&staff),
                ));
                json.raw("}");
                why_not = Some(staff);
                decided = true;
                continue;
            }
        };
        json.raw(result_json(result));
        json.raw(ending(id, result));
        decided |= result != RuleResult::False;
    }
    json.raw("]");
    why_not
}

fn write_error(d: &Decision, inquiry: &Inquiry, json: &mut Json) {
    match (d.error, d.unknown_reason(inquiry)) {
        (Some(error), _) => json.display(&crate::bounds::Bounded(error)),
        (None, Some(reason)) => json.display(&crate::bounds::Bounded(reason)),
        (None, None) => json.raw("null"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Texts past the 300-character cut, escapes and an unknown channel, written by
    /// hand, are what serde_json writes for the owned record.
    #[test]
    fn long_and_escaped_texts_are_cut_like_the_record() {
        let ruleset = crate::Ruleset::load("rulesets/exempelkommun").expect("the example loads");
        let engine = Engine::new(&ruleset);
        let parts = AnswerParts::new(&engine);
        let long = format!("\"{}\u{1}", "å".repeat(400));
        let protected = crate::Attributes::new().with("skyddad_identitet", true);
        let inquiries = [
            Inquiry::new(long.as_str()).channel(long.as_str()),
            Inquiry::new("bygglov")
                .part(long.as_str())
                .channel("telefon"),
            Inquiry::new("bygglov").channel(long.as_str()),
            Inquiry::new("bygglov")
                .part("regler")
                .channel("besök")
                .attributes(&protected),
        ];
        for inquiry in &inquiries {
            let decision = engine.decide(inquiry);
            let mut written = Vec::new();
            write_json(&decision, inquiry, &parts, &mut written);
            let expected = serde_json::to_vec(&decision.to_record(inquiry)).unwrap();
            assert_eq!(
                String::from_utf8_lossy(&written),
                String::from_utf8_lossy(&expected)
            );
        }
    }

    /// `write_channel` copies a canonical name between quotes.
    #[test]
    fn canonical_channel_names_need_no_escaping() {
        for channel in crate::Channel::all() {
            assert_eq!(json_text(channel.name()), format!("\"{}\"", channel.name()));
        }
    }

    #[test]
    fn parts_of_another_engine_are_not_used() {
        let ruleset = crate::Ruleset::load("rulesets/exempelkommun").expect("the example loads");
        let (engine, other) = (Engine::new(&ruleset), Engine::new(&ruleset));
        let parts = AnswerParts::new(&other);
        let inquiry = Inquiry::new("bygglov").channel("telefon");
        let mut written = Vec::new();
        write_json(&engine.decide(&inquiry), &inquiry, &parts, &mut written);
        let expected = serde_json::to_vec(&engine.decide_record(&inquiry)).unwrap();
        assert_eq!(written, expected);
    }

    /// The bound a batch is refused by holds: every answer of the example, with long
    /// texts, is within its inquiry's bound.
    #[test]
    fn answers_are_within_their_bound() {
        let ruleset = crate::Ruleset::load("rulesets/exempelkommun").expect("the example loads");
        let engine = Engine::new(&ruleset);
        let parts = AnswerParts::new(&engine);
        let long = "\u{1}".repeat(400);
        for typ in ruleset.arendetyper() {
            for part in typ
                .units
                .iter()
                .map(|u| u.part.as_deref())
                .chain([Some(&*long)])
            {
                for channel in [None, Some("besök"), Some(&*long)] {
                    let inquiry = Inquiry {
                        part,
                        channel,
                        ..Inquiry::new(typ.id.as_str()).time(long.as_str())
                    };
                    let mut written = Vec::new();
                    write_json(&engine.decide(&inquiry), &inquiry, &parts, &mut written);
                    assert!(written.len() <= parts.answer_bound(&inquiry), "{}", typ.id);
                }
            }
        }
        let unknown = Inquiry::new(long.as_str()).channel(long.as_str());
        let mut written = Vec::new();
        write_json(&engine.decide(&unknown), &unknown, &parts, &mut written);
        assert!(written.len() <= parts.answer_bound(&unknown));
    }
}
