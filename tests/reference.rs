//! A plain reference evaluation of docs/semantik.md (§3–§9), written from the text and
//! the validated model alone, and properties: for random inquiries the compiled engine
//! decides exactly as the reference.
//!
//! The reference reads `rosa::model` fields, but uses neither the engine nor
//! the method's criteria in `rosa::model` (`model/method.rs`), nor the engine's condition evaluator (`model/condition.rs`):
//! it evaluates each guarded rule's condition *text* (`rule.condition.source`) with Rhai,
//! whose expression syntax the condition language is a subset of (grammar/villkor.pest),
//! in a sandbox whose inputs are read lazily (docs/semantik.md §5–§6; see `Sandbox`).
//!
//! Besides the fixtures and the example kommun, a differential property
//! (`random_conditions_decide_as_in_rhai`) generates random well-typed conditions as
//! syntax, builds small rulesets around them and compares engine and reference on
//! random inquiries, rule by rule (`rules_tried`). Each function and test names the
//! sections it implements or checks.

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use rhai::{Array, Dynamic, EvalAltResult, ImmutableString, Position};
use rosa::DecisionRecord;
use rosa::LocalTime;
use rosa::model::{AttrKind, Channel, Outcome, Rule, Ruleset, Target, Unit};
use rosa::{
    AttrValue, Attributes, Engine, Inquiry, OwnedInquiry, RuleResult, SourceFile, SourceMap,
};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, LazyLock};

// ---------------------------------------------------------------- the reference

/// What a decision must say (docs/semantik.md §9), in a form both sides can produce.
#[derive(Debug, Clone, PartialEq)]
struct Expected {
    outcome: Outcome,
    basis: &'static str,
    /// Förvaltning and queue.
    target: Option<(String, Option<String>)>,
    script: Option<String>,
    /// `file:line` of the rule that decided or failed.
    rule: Option<String>,
    error: bool,
    /// Every criterion of the method with pass (true) or fail.
    criteria: Vec<(&'static str, bool)>,
    /// Every guarded rule of the unit, in the order tried, and what happened (§5, §9).
    tried: Vec<Tried>,
}

/// One guarded rule of the chain and what happened to it (docs/semantik.md §5, §9
/// `rules_tried`).
#[derive(Debug, Clone, PartialEq)]
struct Tried {
    /// `file:line`.
    rule: String,
    result: RuleResult,
    /// For [`RuleResult::Error`], why.
    fault: Option<Fault>,
}

/// Why a condition could not be evaluated (docs/semantik.md §6), as a category that
/// both sides can name: the engine's reasons are Swedish sentences, the reference's
/// Rhai errors, and only the category has to agree.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Fault {
    /// The condition read `kanal` and the inquiry has no channel.
    NoChannel,
    /// The condition read the time and the inquiry has none.
    NoTime,
    /// The condition read the time and the inquiry's does not parse.
    BadTime,
    /// The condition read an attribute the inquiry does not have.
    MissingAttribute(String),
    /// The condition read an attribute the inquiry sent with another type than declared.
    WrongType(String),
    /// Anything else. The engine has no such error (but for the decision budget, which
    /// no ruleset here reaches), so this is always a disagreement.
    Other(String),
}

fn target_of(t: &Target) -> Option<(String, Option<String>)> {
    Some((t.forvaltning.clone(), t.queue.clone()))
}

/// docs/semantik.md §3 (step 1): forwarded without looking further, no rule, no criteria.
/// Unknown types and parts are forwarded with an explanation in `error`.
fn forwarded(basis: &'static str, target: &Target) -> Expected {
    Expected {
        outcome: Outcome::Forwarded,
        basis,
        target: target_of(target),
        script: None,
        rule: None,
        error: true,
        criteria: Vec::new(),
        tried: Vec::new(),
    }
}

/// The inquiry's channel (docs/semantik.md §1): absent, a known channel (aliases
/// resolved), or a name that is not a channel.
#[derive(Debug, Clone, Copy)]
enum Kanal {
    Absent,
    Known(Channel),
    Unknown,
}

fn kanal(inquiry: &Inquiry<'_>) -> Kanal {
    match inquiry.channel {
        None => Kanal::Absent,
        Some(name) => Channel::parse(name).map_or(Kanal::Unknown, Kanal::Known),
    }
}

/// docs/semantik.md §8 (step 5) as a list of criteria, each true when it does not stand
/// in the way, in the order the section reports them.
struct Method {
    direct: bool,
    scripted: bool,
    criteria: Vec<(&'static str, bool)>,
}

impl Method {
    fn new(ruleset: &Ruleset, unit: &Unit, kanal: Kanal) -> Method {
        let policy = &ruleset.policy();
        let direct = policy.direct_levels.contains(&unit.level);
        let scripted = policy.scripted_levels.contains(&unit.level);
        // §8 `channel`: kundtjänst handles a unit in a channel if the policy serves the
        // channel, the unit (when it names channels at all) allows it, and none of its
        // förvaltning, ärendetyp or delmoment excludes it (`ej kanaler`, §2).
        let ej = &unit.excluded_channels;
        let handles = |c: Channel| {
            policy.channels.iter().any(|s| s == c)
                && unit.channels.is_none_or(|own| own.iter().any(|o| o == c))
                && ![ej.forvaltning, ej.arendetyp, ej.delmoment]
                    .iter()
                    .any(|set| set.iter().any(|e| e == c))
        };
        let channel = match kanal {
            Kanal::Known(c) => handles(c),
            Kanal::Unknown => false,
            Kanal::Absent => Channel::all().any(handles),
        };
        let mut criteria = vec![
            ("level", direct || scripted),
            ("sekretess", !unit.sekretess),
            ("channel", channel),
        ];
        for &system in &unit.systems {
            criteria.push(("system", ruleset.systems()[system].access));
        }
        // §8: frekvens and script only matter in the scripted range, and are only reported there.
        if scripted {
            let often = unit
                .frekvens
                .is_some_and(|f| f >= policy.frequency_threshold_per_year);
            criteria.push(("frequency", often));
            criteria.push(("script", unit.script.is_some()));
        }
        Method {
            direct,
            scripted,
            criteria,
        }
    }

    fn passed(&self, name: &str) -> bool {
        self.criteria.iter().filter(|c| c.0 == name).all(|c| c.1)
    }

    /// §8 "The outcome follows from the criteria".
    fn outcome(&self) -> Outcome {
        let blocked = !(self.direct || self.scripted)
            || !self.passed("sekretess")
            || !self.passed("channel")
            || !self.passed("system");
        if blocked {
            Outcome::Forwarded
        } else if self.direct {
            Outcome::Kundtjanst
        } else if self.passed("frequency") && self.passed("script") {
            Outcome::Scripted
        } else {
            Outcome::Forwarded
        }
    }
}

fn location(rule: &Rule) -> Option<String> {
    Some(format!(
        "{}:{}",
        rule.location.file.to_string_lossy().replace('\\', "/"),
        rule.location.line
    ))
}

/// An inquiry as built here (borrowed) or generated (owned), as the engine reads it.
trait AsInquiry {
    fn as_inquiry(&self) -> Inquiry<'_>;
}

impl AsInquiry for Inquiry<'_> {
    fn as_inquiry(&self) -> Inquiry<'_> {
        *self
    }
}

impl AsInquiry for OwnedInquiry {
    fn as_inquiry(&self) -> Inquiry<'_> {
        self.view()
    }
}

/// docs/semantik.md, step by step (§3–§8), with what the decision carries (§9).
fn reference(ruleset: &Ruleset, inquiry: &impl AsInquiry) -> Expected {
    let inquiry = &inquiry.as_inquiry();
    // §3 (step 1): unknown ärendetyp or delmoment.
    let Some(typ) = ruleset
        .arendetyper()
        .iter()
        .find(|t| t.id == inquiry.case_type)
    else {
        return forwarded("unknown_case_type", &ruleset.policy().fallback);
    };
    // §4 (step 2): the unit: the named delmoment, the type itself, or its first delmoment.
    let unit = match inquiry.part {
        None => &typ.units[0],
        Some(part) => match typ.units.iter().find(|u| u.part.as_deref() == Some(part)) {
            Some(unit) => unit,
            None => return forwarded("unknown_part", &typ.target),
        },
    };
    let kanal = kanal(inquiry);
    let method = Method::new(ruleset, unit, kanal);
    // §9: a target exactly when forwarded (the unit's, §2), the unit's script exactly when
    // scripted, and the method's criteria whatever decided.
    let decided = |outcome: Outcome, basis: &'static str| Expected {
        outcome,
        basis,
        target: (outcome == Outcome::Forwarded)
            .then(|| target_of(&unit.target))
            .flatten(),
        script: (outcome == Outcome::Scripted)
            .then(|| unit.script.map(|s| ruleset.scripts()[s].path.clone()))
            .flatten(),
        rule: None,
        error: false,
        criteria: method.criteria.clone(),
        tried: Vec::new(),
    };

    // §5 (step 3): guarded rules, innermost first, each level in file order.
    let chain: Vec<&Rule> = unit
        .rules
        .iter()
        .chain(&typ.rules)
        .chain(&ruleset.forvaltningar()[typ.forvaltning].rules)
        .chain(&ruleset.policy().rules)
        .map(|&id| &ruleset.rules()[id])
        .collect();
    // §6: a condition error forwards to the unit's target, naming the rule.
    let failed = |rule: &Rule| Expected {
        rule: location(rule),
        error: true,
        ..decided(Outcome::Forwarded, "condition_error")
    };
    // §5 "What a true rule gives", including `manus` without a script.
    let fired = |rule: &Rule| {
        let outcome = rule.outcome;
        let no_script = outcome == Outcome::Scripted && unit.script.is_none();
        if outcome == Outcome::Forwarded || no_script {
            let target = rule.target.as_ref().unwrap_or(&unit.target);
            return Expected {
                target: target_of(target),
                rule: location(rule),
                error: no_script,
                ..decided(Outcome::Forwarded, "rule")
            };
        }
        Expected {
            rule: location(rule),
            ..decided(outcome, "rule")
        }
    };
    // §5: the first true condition decides, a condition error ends the chain (§6), and
    // the rules after either are not reached. Conditions read the inquiry only when
    // evaluation reaches a name (the sandbox's inputs are lazy).
    let inputs = Inputs::new(ruleset, unit, inquiry, kanal);
    let mut tried = Vec::with_capacity(chain.len());
    let mut by_rule = None;
    for rule in chain {
        let (result, fault) = if by_rule.is_some() {
            (RuleResult::NotReached, None)
        } else {
            match SANDBOX.eval(&rule.condition.source, &inputs) {
                Ok(false) => (RuleResult::False, None),
                Ok(true) => {
                    by_rule = Some(fired(rule));
                    (RuleResult::Fired, None)
                }
                Err(fault) => {
                    by_rule = Some(failed(rule));
                    (RuleResult::Error, Some(fault))
                }
            }
        };
        tried.push(Tried {
            rule: location(rule).expect("a rule has a location"),
            result,
            fault,
        });
    }
    let with_tried = |e: Expected| Expected { tried, ..e };
    if let Some(decision) = by_rule {
        return with_tried(decision);
    }

    // §7 (step 4): an explicit agreed outcome, in any channel.
    if let Some(outcome) = unit.agreed {
        return with_tried(decided(outcome, "agreement"));
    }

    // §8 (step 5): the default method.
    with_tried(decided(method.outcome(), "method"))
}

// ---------------------------------------------------------------- conditions in Rhai

/// The Rhai sandbox in which the reference evaluates conditions (docs/semantik.md §5–§6),
/// independent of the engine's own evaluator. The condition language is a subset of
/// Rhai's expressions with the same precedence, so the text runs as written, except for
/// attribute names (`AttrNames`).
///
/// - A raw engine (no packages, no optimiser, so the text is evaluated as written), no
///   loops, only expressions (`compile_expression`), and limits on operations, depth
///   and sizes, so that whatever a condition says, it ends.
/// - Every name is an input read *lazily*, through `Engine::on_var`, only when
///   evaluation reaches it; `&&` and `||` short-circuit left to right in Rhai too. A
///   missing channel or time, or a time that does not parse, is a Rhai runtime error
///   carrying its [`Fault`].
/// - `attr` is an object map whose missing property is an error
///   (`set_fail_on_invalid_map_property`). It holds only the declared attributes the
///   inquiry sent *with their declared type* (`policy.attributes`): one sent with
///   another type is left out, so that reading it fails exactly when it is read, and the
///   error is told apart from a missing attribute by whether the inquiry has it at all.
/// - `kanal` is a value of its own ([`KanalValue`]) equal to a text exactly when the text
///   names the same channel (§1: `kanal == "besok"` holds for `besök`), so an unknown
///   channel (`fax`) equals no text. Numbers compare as numbers whether written `5` or
///   `5.0` (Rhai's built-in operators mix integers and floats), and `x in [..]` is
///   Rhai's call `contains(list, x)`, registered here with the same equality.
struct Sandbox {
    engine: rhai::Engine,
}

/// The scope variable holding one evaluation's [`Inputs`]; a name no condition can spell.
const INPUTS: &str = "rosa inputs";

static SANDBOX: LazyLock<Sandbox> = LazyLock::new(Sandbox::new);

/// The channel as a condition sees it: a known channel, or `None` for one that is sent
/// but unknown (§1).
#[derive(Debug, Clone, Copy)]
struct KanalValue(Option<Channel>);

impl KanalValue {
    /// Whether a text in a condition names this channel.
    fn is(self, text: &str) -> bool {
        self.0.is_some() && self.0 == Channel::parse(text)
    }
}

/// `==` of two values a condition can hold (the equality of `in`).
fn same(a: &Dynamic, b: &Dynamic) -> bool {
    fn number(d: &Dynamic) -> Option<f64> {
        d.as_int()
            .map(|i| i as f64)
            .ok()
            .or_else(|| d.as_float().ok())
    }
    if let Some(k) = a.clone().try_cast::<KanalValue>() {
        return b.clone().into_string().is_ok_and(|t| k.is(&t));
    }
    if let Some(k) = b.clone().try_cast::<KanalValue>() {
        return a.clone().into_string().is_ok_and(|t| k.is(&t));
    }
    if let (Some(x), Some(y)) = (number(a), number(b)) {
        return x == y;
    }
    if let (Ok(x), Ok(y)) = (a.as_bool(), b.as_bool()) {
        return x == y;
    }
    match (
        a.clone().into_immutable_string(),
        b.clone().into_immutable_string(),
    ) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

impl Sandbox {
    fn new() -> Sandbox {
        let mut engine = rhai::Engine::new_raw();
        engine.set_optimization_level(rhai::OptimizationLevel::None);
        engine.set_allow_looping(false);
        engine.set_fail_on_invalid_map_property(true);
        engine.set_max_operations(10_000);
        engine.set_max_expr_depths(32);
        engine.set_max_string_size(4_096);
        engine.set_max_array_size(1_000);
        engine.set_max_map_size(1_000);
        engine.register_type_with_name::<KanalValue>("kanal");
        engine.register_fn("==", |k: KanalValue, t: ImmutableString| k.is(&t));
        engine.register_fn("==", |t: ImmutableString, k: KanalValue| k.is(&t));
        engine.register_fn("!=", |k: KanalValue, t: ImmutableString| !k.is(&t));
        engine.register_fn("!=", |t: ImmutableString, k: KanalValue| !k.is(&t));
        engine.register_fn("contains", |list: Array, x: Dynamic| {
            list.iter().any(|item| same(item, &x))
        });
        // `on_var` is marked deprecated only to say that its signature may change.
        #[allow(deprecated)]
        engine.on_var(|name, _, context| {
            let inputs: Arc<Inputs> = context
                .scope()
                .get_value(INPUTS)
                .expect("every evaluation has its inputs in scope");
            inputs.read(name)
        });
        Sandbox { engine }
    }

    /// Evaluate a condition's text for one inquiry: its value, or why it has none.
    fn eval(&self, source: &str, inputs: &Arc<Inputs>) -> Result<bool, Fault> {
        let text = inputs.names.to_rhai(source);
        let ast = self
            .engine
            .compile_expression(&text)
            .map_err(|e| Fault::Other(format!("`{text}` does not compile in Rhai: {e}")))?;
        let mut scope = rhai::Scope::new();
        scope.push_constant(INPUTS, Arc::clone(inputs));
        self.engine
            .eval_ast_with_scope::<bool>(&mut scope, &ast)
            .map_err(|e| inputs.fault(*e))
    }
}

/// Attribute names in Rhai. Attribute names are ids, which may contain å, ä, ö and `-`,
/// or be one of Rhai's keywords (`fn`, `match`, `in`); Rhai identifiers and property names
/// may not. So before compiling, every `attr.NAME` of a declared attribute (outside
/// string literals) becomes `attr.P`, where P is an ASCII placeholder: the name with every
/// character that is not an ASCII letter, digit or `_` replaced by `_`, then `_` and the
/// attribute's index in the policy (`brådskande`, the 4th, is `br_dskande_3`). The index
/// makes placeholders distinct, and no Rhai keyword ends in `_` and a digit.
struct AttrNames {
    names: Vec<String>,
}

impl AttrNames {
    fn placeholder(&self, index: usize) -> String {
        let name: String = self.names[index]
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        let name = if name.starts_with(|c: char| c.is_ascii_alphabetic()) {
            name
        } else {
            format!("a{name}")
        };
        format!("{name}_{index}")
    }

    /// The declared attribute a placeholder stands for.
    fn name_of(&self, placeholder: &str) -> Option<&str> {
        (0..self.names.len())
            .find(|&i| self.placeholder(i) == placeholder)
            .map(|i| self.names[i].as_str())
    }

    /// The condition text with placeholders for attribute names.
    fn to_rhai(&self, source: &str) -> String {
        // As grammar/villkor.pest: ident_char = LETTER | MARK | NUMBER | "_" | "-".
        let ident = |c: char| {
            c.is_alphanumeric() || c == '_' || c == '-' || ('\u{300}'..='\u{36f}').contains(&c)
        };
        let mut out = String::with_capacity(source.len() + 16);
        let mut rest = source;
        let mut previous: Option<char> = None;
        while let Some(c) = rest.chars().next() {
            if c == '"' {
                // A string literal runs to the next `"` (no escapes in the grammar).
                let end = rest[1..].find('"').map_or(rest.len(), |i| i + 2);
                out.push_str(&rest[..end]);
                rest = &rest[end..];
                previous = Some('"');
                continue;
            }
            if rest.starts_with("attr.") && !previous.is_some_and(ident) {
                let after = &rest["attr.".len()..];
                let len = after.find(|c: char| !ident(c)).unwrap_or(after.len());
                let name = &after[..len];
                if let Some(index) = self.names.iter().position(|n| n == name) {
                    out.push_str("attr.");
                    out.push_str(&self.placeholder(index));
                    rest = &after[len..];
                    previous = name.chars().last();
                    continue;
                }
            }
            out.push(c);
            rest = &rest[c.len_utf8()..];
            previous = Some(c);
        }
        out
    }
}

/// What a condition may read of one inquiry, for the unit decided (docs/semantik.md §5).
struct Inputs {
    /// `None` when the inquiry has no channel.
    channel: Option<KanalValue>,
    /// The unit's delmoment id, `""` without delmoment (§4).
    part: ImmutableString,
    /// The inquiry's time as sent.
    time: Option<String>,
    /// `attr`: the declared attributes sent with their declared type, by placeholder.
    attributes: rhai::Map,
    /// The names of the attributes the inquiry sent at all.
    sent: Vec<String>,
    names: AttrNames,
}

impl Inputs {
    fn new(ruleset: &Ruleset, unit: &Unit, inquiry: &Inquiry, kanal: Kanal) -> Arc<Inputs> {
        let declared = &ruleset.policy().attributes;
        let names = AttrNames {
            names: declared.iter().map(|a| a.name.clone()).collect(),
        };
        let mut attributes = rhai::Map::new();
        for (index, attribute) in declared.iter().enumerate() {
            let Some(value) = inquiry.attributes.get(attribute.name.as_str()) else {
                continue;
            };
            let value = match (attribute.kind, value) {
                (Some(AttrKind::Bool) | None, AttrValue::Bool(b)) => Dynamic::from_bool(*b),
                (Some(AttrKind::Number) | None, AttrValue::Number(n)) => Dynamic::from_float(*n),
                (Some(AttrKind::Text) | None, AttrValue::Text(t)) => Dynamic::from(t.clone()),
                // §6: sent with another type than declared; reading it fails.
                _ => continue,
            };
            attributes.insert(names.placeholder(index).into(), value);
        }
        Arc::new(Inputs {
            channel: match kanal {
                Kanal::Absent => None,
                Kanal::Known(c) => Some(KanalValue(Some(c))),
                Kanal::Unknown => Some(KanalValue(None)),
            },
            part: unit.part.as_deref().unwrap_or("").into(),
            time: inquiry.time.map(str::to_string),
            attributes,
            sent: inquiry.attributes.keys().map(|k| k.to_string()).collect(),
            names,
        })
    }

    /// One name, as Rhai asks for it when evaluation reaches it.
    fn read(&self, name: &str) -> Result<Option<Dynamic>, Box<EvalAltResult>> {
        let fail = |fault: Fault| {
            Err(Box::new(EvalAltResult::ErrorRuntime(
                Dynamic::from(fault),
                Position::NONE,
            )))
        };
        let time = || match self.time.as_deref().map(LocalTime::parse) {
            None => Err(Fault::NoTime),
            Some(Err(_)) => Err(Fault::BadTime),
            Some(Ok(t)) => Ok(t),
        };
        let value = match name {
            "kanal" => match self.channel {
                Some(k) => Dynamic::from(k),
                None => return fail(Fault::NoChannel),
            },
            "delmoment" => Dynamic::from(self.part.clone()),
            "timme" | "minut" | "veckodag" => match time() {
                Ok(t) => Dynamic::from_int(rhai::INT::from(match name {
                    "timme" => t.hour(),
                    "minut" => t.minute(),
                    _ => t.weekday(),
                })),
                Err(fault) => return fail(fault),
            },
            "attr" => Dynamic::from_map(self.attributes.clone()),
            // Not an input: Rhai reports an unknown variable (never for a loaded rule).
            _ => return Ok(None),
        };
        Ok(Some(value))
    }

    /// The category of a Rhai error.
    fn fault(&self, error: EvalAltResult) -> Fault {
        match error {
            EvalAltResult::ErrorRuntime(value, _) if value.is::<Fault>() => value.cast(),
            EvalAltResult::ErrorPropertyNotFound(placeholder, _) => {
                match self.names.name_of(&placeholder) {
                    Some(name) if self.sent.iter().any(|s| s == name) => {
                        Fault::WrongType(name.to_string())
                    }
                    Some(name) => Fault::MissingAttribute(name.to_string()),
                    None => Fault::Other(format!("unknown property `{placeholder}`")),
                }
            }
            other => Fault::Other(other.to_string()),
        }
    }
}

/// The category of one of the engine's reasons for a condition error (the wording of
/// `rosa::model::EvalError`, docs/semantik.md §6).
fn engine_fault(reason: &str) -> Fault {
    let quoted = || {
        let start = reason.find('`').map(|i| i + 1)?;
        let len = reason[start..].find('`')?;
        Some(reason[start..start + len].to_string())
    };
    if reason.contains("saknar kanal") {
        Fault::NoChannel
    } else if reason.contains("saknar tid") {
        Fault::NoTime
    } else if reason.starts_with("ogiltig tid") {
        Fault::BadTime
    } else if reason.contains("saknar attributet") {
        quoted().map_or_else(|| Fault::Other(reason.into()), Fault::MissingAttribute)
    } else if reason.starts_with("attributet") && reason.contains(" ska vara ") {
        quoted().map_or_else(|| Fault::Other(reason.into()), Fault::WrongType)
    } else {
        Fault::Other(reason.into())
    }
}

/// Every basis (docs/semantik.md §1) and criterion (§8) name of the JSON shape.
const NAMES: [&str; 12] = [
    "unknown_case_type",
    "unknown_part",
    "rule",
    "condition_error",
    "agreement",
    "method",
    "level",
    "sekretess",
    "channel",
    "system",
    "frequency",
    "script",
];

/// The engine's decision in the same form (docs/semantik.md §9).
fn actual(engine: &Engine, inquiry: &impl AsInquiry) -> Expected {
    let r: DecisionRecord = engine.decide_record(&inquiry.as_inquiry());
    let name = |v: serde_json::Value| -> &'static str {
        let s = v.as_str().unwrap();
        NAMES
            .iter()
            .find(|n| **n == s)
            .unwrap_or_else(|| panic!("unknown name `{s}`"))
    };
    Expected {
        outcome: r.outcome,
        basis: name(serde_json::to_value(r.basis).unwrap()),
        target: r.target.map(|t| (t.forvaltning, t.queue)),
        script: r.script.map(|s| s.path),
        rule: r.rule.map(|rule| format!("{}:{}", rule.file, rule.line)),
        error: r.error.is_some(),
        criteria: r
            .criteria
            .iter()
            .map(|c| (name(serde_json::to_value(c.criterion).unwrap()), c.passed))
            .collect(),
        tried: r
            .rules_tried
            .iter()
            .map(|t| Tried {
                rule: format!("{}:{}", t.file, t.line),
                result: t.result,
                fault: t.reason.as_deref().map(engine_fault),
            })
            .collect(),
    }
}

// ---------------------------------------------------------------- rulesets

fn dir(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(relative)
}

fn load(relative: &str) -> (Ruleset, Engine) {
    let ruleset = Ruleset::load(dir(relative)).unwrap_or_else(|d| panic!("{}", d.render()));
    // The engine gets its own copy; the reference reads the model it was compiled from.
    let engine = Engine::new(&ruleset.clone());
    (ruleset, engine)
}

static EXAMPLE: LazyLock<(Ruleset, Engine)> = LazyLock::new(|| load("rulesets/exempelkommun"));
static METOD: LazyLock<(Ruleset, Engine)> = LazyLock::new(|| load("tests/fixtures/engine/metod"));
static ORDNING: LazyLock<(Ruleset, Engine)> =
    LazyLock::new(|| load("tests/fixtures/engine/ordning"));
static VILLKOR: LazyLock<(Ruleset, Engine)> =
    LazyLock::new(|| load("tests/fixtures/engine/villkor"));
static LOKALER: LazyLock<(Ruleset, Engine)> =
    LazyLock::new(|| load("tests/fixtures/engine/lokaler"));

// ---------------------------------------------------------------- random inquiries

const ATTRIBUTES: [&str; 5] = ["skyddad_identitet", "belopp", "akut", "steg", "okänt"];

const CHANNELS: [&str; 16] = [
    "telefon",
    "e-post",
    "chatt",
    "besök",
    "webb",
    "brev",
    "sociala-medier",
    "sms",
    "epost",
    "mejl",
    "besok",
    "chat",
    "phone",
    "e-tjänst",
    "sociala_medier",
    "letter",
];

const BAD_TIMES: [&str; 9] = [
    "",
    "igår",
    "2026-13-01T10:00",
    "2026-02-29T10:00",
    "2026-03-02",
    "2026-03-02T24:00",
    "2026-03-02T10:00+25:00",
    "10:15",
    "2026-03-02T10:15 ",
];

fn value() -> impl Strategy<Value = AttrValue> {
    prop_oneof![
        3 => any::<bool>().prop_map(AttrValue::Bool),
        2 => (-2_000i64..20_000).prop_map(|n| AttrValue::Number(n as f64)),
        2 => (-1i64..6).prop_map(|n| AttrValue::Number(n as f64)),
        1 => prop_oneof![Just(5000.0), Just(10000.0), -1e6..1e6f64].prop_map(AttrValue::Number),
        2 => prop::sample::select(vec!["ja", "nej", "true", "6000", "mycket", ""])
            .prop_map(|s| AttrValue::Text(s.to_string())),
    ]
}

fn attributes() -> impl Strategy<Value = BTreeMap<String, AttrValue>> {
    prop::collection::vec(prop::option::weighted(0.6, value()), ATTRIBUTES.len()).prop_map(
        |values| {
            ATTRIBUTES
                .iter()
                .zip(values)
                .filter_map(|(name, v)| v.map(|v| (name.to_string(), v)))
                .collect()
        },
    )
}

fn channel() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        2 => Just(None),
        7 => prop::sample::select(CHANNELS.to_vec()).prop_map(|c| Some(c.to_string())),
        1 => "[a-zåäö-]{0,8}".prop_map(Some),
    ]
}

fn time() -> impl Strategy<Value = Option<String>> {
    let valid = (
        2025u32..2028,
        1u32..13,
        1u32..29,
        0u32..24,
        0u32..60,
        0usize..4,
    )
        .prop_map(|(y, mo, d, h, mi, zone)| {
            let zone = ["", "Z", "+01:00", ":30"][zone];
            Some(format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}{zone}"))
        });
    prop_oneof![
        3 => Just(None),
        6 => valid,
        1 => prop::sample::select(BAD_TIMES.to_vec()).prop_map(|t| Some(t.to_string())),
    ]
}

/// Random inquiries over a ruleset: known and unknown types; no part, the type's own
/// parts, another type's parts and unknown ones; every channel spelling, unknown and no
/// channel; valid, invalid and no times; random subsets of attributes of random types.
fn inquiries(ruleset: &'static Ruleset) -> impl Strategy<Value = OwnedInquiry> {
    let types: Vec<&'static str> = ruleset
        .arendetyper()
        .iter()
        .map(|t| t.id.as_str())
        .collect();
    // Types where a guarded rule can decide, so that rules are tried often.
    let guarded: Vec<&'static str> = ruleset
        .arendetyper()
        .iter()
        .filter(|t| {
            let forvaltning = &ruleset.forvaltningar()[t.forvaltning];
            let any_rules = !ruleset.policy().rules.is_empty() || !forvaltning.rules.is_empty();
            any_rules || !t.rules.is_empty() || t.units.iter().any(|u| !u.rules.is_empty())
        })
        .map(|t| t.id.as_str())
        .collect();
    let guarded = if guarded.is_empty() {
        types.clone()
    } else {
        guarded
    };
    let case_type = prop_oneof![
        5 => prop::sample::select(types).prop_map(str::to_string),
        3 => prop::sample::select(guarded).prop_map(str::to_string),
        1 => "[a-z-]{0,12}",
        1 => prop::sample::select(vec!["BYGGLOV", "bygglov ", "status ", "Direkt", ""])
            .prop_map(str::to_string),
    ];
    let all_parts: Vec<&'static str> = ruleset
        .arendetyper()
        .iter()
        .flat_map(|t| t.units.iter().filter_map(|u| u.part.as_deref()))
        .collect();
    let part = prop_oneof![
        4 => Just(PartChoice::None),
        4 => any::<prop::sample::Index>().prop_map(PartChoice::Own),
        1 => prop::sample::select(all_parts).prop_map(|p| PartChoice::Named(p.to_string())),
        1 => "[a-z-]{0,10}".prop_map(PartChoice::Named),
    ];
    (case_type, part, channel(), time(), attributes()).prop_map(
        move |(case_type, part, channel, time, attributes)| {
            let part = match part {
                PartChoice::None => None,
                PartChoice::Named(p) => Some(p),
                PartChoice::Own(index) => ruleset
                    .arendetyp(&case_type)
                    .filter(|t| t.has_parts)
                    .map(|t| index.get(&t.units).part.clone().unwrap_or_default()),
            };
            OwnedInquiry {
                case_type,
                part,
                channel,
                time,
                attributes: attributes
                    .into_iter()
                    .map(|(name, value)| (name.into(), value))
                    .collect(),
            }
        },
    )
}

#[derive(Debug, Clone)]
enum PartChoice {
    None,
    Own(prop::sample::Index),
    Named(String),
}

const CASES: u32 = 4_000;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    /// docs/semantik.md §3–§9 on the example kommun: every field of §9 (outcome, basis,
    /// target, script, rule, error, criteria) equals the reference's.
    #[test]
    fn engine_decides_as_the_reference_on_the_example(inquiry in inquiries(&EXAMPLE.0)) {
        let (ruleset, engine) = &*EXAMPLE;
        prop_assert_eq!(actual(engine, &inquiry), reference(ruleset, &inquiry), "{:?}", inquiry);
    }

    /// docs/semantik.md §8 above all: the `metod` fixture fails each criterion in turn.
    #[test]
    fn engine_decides_as_the_reference_on_the_method_fixture(inquiry in inquiries(&METOD.0)) {
        let (ruleset, engine) = &*METOD;
        prop_assert_eq!(actual(engine, &inquiry), reference(ruleset, &inquiry), "{:?}", inquiry);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES / 2))]

    /// docs/semantik.md §5: rule order (delmoment, ärendetyp, förvaltning, policy; file
    /// order within each) on the `ordning` fixture.
    #[test]
    fn engine_decides_as_the_reference_on_the_rule_order_fixture(inquiry in inquiries(&ORDNING.0)) {
        let (ruleset, engine) = &*ORDNING;
        prop_assert_eq!(actual(engine, &inquiry), reference(ruleset, &inquiry), "{:?}", inquiry);
    }

    /// docs/semantik.md §5 and §6: what conditions read and every kind of condition error,
    /// on the `villkor` fixture.
    #[test]
    fn engine_decides_as_the_reference_on_the_condition_fixture(inquiry in inquiries(&VILLKOR.0)) {
        let (ruleset, engine) = &*VILLKOR;
        prop_assert_eq!(actual(engine, &inquiry), reference(ruleset, &inquiry), "{:?}", inquiry);
    }
}

// ---------------------------------------------------------------- exhaustive and coverage

/// Every unit of every type (named, and by default: §4), in every channel spelling of §1,
/// unknown and absent, without time or attributes: the method's channel criterion (§8)
/// and the fast path for every unit.
fn sweep(ruleset: &Ruleset, engine: &Engine) -> usize {
    let mut count = 0;
    let channels = CHANNELS
        .iter()
        .map(|c| Some(c.to_string()))
        .chain([None, Some("fax".into())]);
    let channels: Vec<Option<String>> = channels.collect();
    for typ in ruleset.arendetyper() {
        let parts = std::iter::once(None).chain(typ.units.iter().map(|u| u.part.clone()));
        for part in parts.collect::<std::collections::BTreeSet<_>>() {
            for channel in &channels {
                let inquiry = Inquiry {
                    part: part.as_deref(),
                    channel: channel.as_deref(),
                    ..Inquiry::new(&typ.id)
                };
                assert_eq!(
                    actual(engine, &inquiry),
                    reference(ruleset, &inquiry),
                    "{inquiry:?}"
                );
                count += 1;
            }
        }
    }
    count
}

/// docs/semantik.md §4 and §8 on every unit of the example kommun.
#[test]
fn every_unit_in_every_channel_on_the_example() {
    let (ruleset, engine) = &*EXAMPLE;
    assert!(sweep(ruleset, engine) > 4_000);
}

/// docs/semantik.md §4 and §8 on every unit of the `metod` fixture.
#[test]
fn every_unit_in_every_channel_on_the_method_fixture() {
    let (ruleset, engine) = &*METOD;
    assert!(sweep(ruleset, engine) > 350);
}

/// docs/semantik.md §2 and §8, `ej kanaler` at every level, on every unit of the
/// `lokaler` fixture.
#[test]
fn every_unit_in_every_channel_on_the_premises_fixture() {
    let (ruleset, engine) = &*LOKALER;
    assert!(sweep(ruleset, engine) > 150);
}

/// The random inquiries reach every step of docs/semantik.md (every basis of §1: §3, §5,
/// §6, §7, §8), every outcome and every failing criterion of §8 often enough for the
/// properties above to mean something.
#[test]
fn random_inquiries_cover_every_step() {
    let (ruleset, engine) = &*EXAMPLE;
    let strategy = inquiries(ruleset);
    let mut runner = TestRunner::deterministic();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for _ in 0..CASES {
        let inquiry = strategy.new_tree(&mut runner).unwrap().current();
        let decision = actual(engine, &inquiry);
        *seen.entry(format!("basis {}", decision.basis)).or_default() += 1;
        *seen
            .entry(format!("outcome {}", decision.outcome))
            .or_default() += 1;
        for (criterion, passed) in &decision.criteria {
            *seen.entry(format!("{criterion} {passed}")).or_default() += 1;
        }
    }
    let keys = [
        "basis unknown_case_type",
        "basis unknown_part",
        "basis rule",
        "basis condition_error",
        "basis agreement",
        "basis method",
        "outcome kundtjanst",
        "outcome scripted",
        "outcome forwarded",
        "level false",
        "sekretess false",
        "channel false",
        "system false",
        "frequency false",
        "script false",
    ];
    for key in keys {
        let n = seen.get(key).copied().unwrap_or(0);
        assert!(n >= 40, "`{key}` only {n} times in {CASES}: {seen:#?}");
    }
}

// ---------------------------------------------------------------- the reference itself

/// The reference (docs/semantik.md §3–§8) agrees with the example's own tests (written by
/// the förvaltningar), outcome and target förvaltning, so it is not merely a copy of
/// whatever the engine does.
#[test]
fn reference_passes_the_examples_tests() {
    let (ruleset, _) = &*EXAMPLE;
    for test in ruleset.tests() {
        let attributes: Attributes = test
            .attributes
            .iter()
            .map(|(name, value)| (name.as_str().into(), value.clone()))
            .collect();
        let inquiry = Inquiry {
            part: test.part.as_deref(),
            channel: test.channel.as_deref(),
            time: test.time.as_deref(),
            ..Inquiry::new(&test.case_type).attributes(&attributes)
        };
        let want = reference(ruleset, &inquiry);
        assert_eq!(
            want.outcome, test.expected,
            "{} ({})",
            test.name, test.location
        );
        if let Some(forvaltning) = &test.expected_forvaltning {
            assert_eq!(
                want.target.as_ref().map(|t| &t.0),
                Some(forvaltning),
                "{}",
                test.name
            );
        }
    }
}

// ---------------------------------------------------------------- differential: random conditions

/// A condition as syntax (grammar/villkor.pest), generated well-typed for the
/// attributes of [`DIFF_POLICY`]: what the checker accepts (docs/semantik.md §5). Shown
/// as its text, so that a failing case reads as the rule file would.
#[derive(Clone)]
enum Cond {
    Bool(bool),
    /// A ja/nej attribute: `attr.akut`.
    Flag(&'static str),
    Not(Box<Cond>),
    And(Vec<Cond>),
    Or(Vec<Cond>),
    /// Parentheses the precedence does not need.
    Paren(Box<Cond>),
    /// `(a) == (b)` (`false`: `!=`) of two conditions.
    Same(bool, Box<Cond>, Box<Cond>),
    /// `kanal == "x"` (`false`: `!=`); the last field puts the literal first.
    Channel(bool, &'static str, bool),
    ChannelIn(Vec<&'static str>),
    /// `delmoment == "x"` (`false`: `!=`); the last field puts the literal first.
    Part(bool, &'static str, bool),
    PartIn(Vec<&'static str>),
    /// `a OP b` of numbers.
    Number(&'static str, Num, Num),
    /// `a in [numbers]`.
    NumberIn(Num, Vec<String>),
    /// `a == b` (`false`: `!=`) of texts.
    Text(bool, Txt, Txt),
    /// `attr.kommundel in [texts]`.
    TextIn(Vec<&'static str>),
}

#[derive(Debug, Clone)]
enum Num {
    /// `timme`, `minut`, `veckodag`, `attr.belopp`.
    Name(&'static str),
    /// A number literal as written.
    Literal(String),
}

#[derive(Debug, Clone)]
enum Txt {
    /// `attr.kommundel`.
    Attribute,
    Literal(&'static str),
}

/// Where a condition stands, for parentheses: `||` binds loosest, then `&&`, then
/// comparisons; the operand of `!` or of a comparison is a unary expression.
#[derive(Clone, Copy, PartialEq, PartialOrd)]
enum Place {
    Top,
    InAnd,
    Operand,
}

impl Num {
    fn text(&self) -> &str {
        match self {
            Num::Name(n) => n,
            Num::Literal(l) => l,
        }
    }
}

impl Txt {
    fn text(&self) -> String {
        match self {
            Txt::Attribute => "attr.kommundel".into(),
            Txt::Literal(t) => format!("\"{t}\""),
        }
    }
}

fn quoted_list<T: AsRef<str>>(items: &[T], quote: bool) -> String {
    let items: Vec<String> = items
        .iter()
        .map(|i| {
            if quote {
                format!("\"{}\"", i.as_ref())
            } else {
                i.as_ref().to_string()
            }
        })
        .collect();
    format!("[{}]", items.join(", "))
}

impl Cond {
    fn render(&self, place: Place) -> String {
        let wrap = |text: String, needed: bool| if needed { format!("({text})") } else { text };
        let eq = |is: bool| if is { "==" } else { "!=" };
        let comparison = |text: String| wrap(text, place == Place::Operand);
        match self {
            Cond::Bool(b) => b.to_string(),
            Cond::Flag(name) => format!("attr.{name}"),
            Cond::Not(c) => format!("!{}", c.render(Place::Operand)),
            Cond::And(parts) => {
                let parts: Vec<String> = parts.iter().map(|p| p.render(Place::InAnd)).collect();
                wrap(parts.join(" && "), place == Place::Operand)
            }
            Cond::Or(parts) => {
                let parts: Vec<String> = parts.iter().map(|p| p.render(Place::Top)).collect();
                wrap(parts.join(" || "), place >= Place::InAnd)
            }
            Cond::Paren(c) => format!("({})", c.render(Place::Top)),
            Cond::Same(is, a, b) => comparison(format!(
                "{} {} {}",
                a.render(Place::Operand),
                eq(*is),
                b.render(Place::Operand)
            )),
            Cond::Channel(is, c, first) | Cond::Part(is, c, first) => {
                let name = if matches!(self, Cond::Channel(..)) {
                    "kanal"
                } else {
                    "delmoment"
                };
                comparison(if *first {
                    format!("\"{c}\" {} {name}", eq(*is))
                } else {
                    format!("{name} {} \"{c}\"", eq(*is))
                })
            }
            Cond::ChannelIn(list) => comparison(format!("kanal in {}", quoted_list(list, true))),
            Cond::PartIn(list) => comparison(format!("delmoment in {}", quoted_list(list, true))),
            Cond::Number(op, a, b) => comparison(format!("{} {op} {}", a.text(), b.text())),
            Cond::NumberIn(a, list) => {
                comparison(format!("{} in {}", a.text(), quoted_list(list, false)))
            }
            Cond::Text(is, a, b) => comparison(format!("{} {} {}", a.text(), eq(*is), b.text())),
            Cond::TextIn(list) => {
                comparison(format!("attr.kommundel in {}", quoted_list(list, true)))
            }
        }
    }

    fn text(&self) -> String {
        self.render(Place::Top)
    }

    /// Its size as the checker counts it (`check::condition`, at most 100 parts).
    fn parts(&self) -> usize {
        match self {
            Cond::Bool(_) | Cond::Flag(_) => 1,
            Cond::Not(c) => 1 + c.parts(),
            Cond::And(parts) | Cond::Or(parts) => 1 + parts.iter().map(Cond::parts).sum::<usize>(),
            Cond::Paren(c) => c.parts(),
            Cond::Same(_, a, b) => 1 + a.parts() + b.parts(),
            Cond::Channel(..) | Cond::Part(..) | Cond::Number(..) | Cond::Text(..) => 3,
            Cond::ChannelIn(l) | Cond::PartIn(l) | Cond::TextIn(l) => 2 + l.len(),
            Cond::NumberIn(_, l) => 2 + l.len(),
        }
    }
}

impl std::fmt::Debug for Cond {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "`{}`", self.text())
    }
}

/// Channel literals: every channel, and aliases (§1), which name their channel.
const CHANNEL_LITERALS: [&str; 18] = [
    "telefon",
    "e-post",
    "chatt",
    "besök",
    "webb",
    "brev",
    "sociala-medier",
    "sms",
    "besok",
    "chat",
    "epost",
    "mejl",
    "phone",
    "disk",
    "web",
    "e-tjänst",
    "letter",
    "social",
];

/// Text literals, one that looks like an attribute (the reference's rewrite of
/// attribute names must leave strings alone).
const KOMMUNDELAR: [&str; 7] = [
    "Norr",
    "Söder",
    "",
    "norr",
    "Öst väst",
    "Centrum",
    "attr.brådskande",
];

fn number_literal() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => (-2i32..26).prop_map(|n| n.to_string()),
        1 => (0i32..61).prop_map(|n| n.to_string()),
        2 => prop::sample::select(vec!["5000", "10000", "-250", "2.5", "7.5", "0.5", "16.0", "0"])
            .prop_map(str::to_string),
    ]
}

fn number() -> impl Strategy<Value = Num> {
    prop_oneof![
        3 => prop::sample::select(vec!["timme", "minut", "veckodag", "attr.belopp"]).prop_map(Num::Name),
        2 => number_literal().prop_map(Num::Literal),
    ]
}

fn text() -> impl Strategy<Value = Txt> {
    prop_oneof![
        2 => Just(Txt::Attribute),
        3 => prop::sample::select(KOMMUNDELAR.to_vec()).prop_map(Txt::Literal),
    ]
}

fn leaf() -> impl Strategy<Value = Cond> {
    let channel = || prop::sample::select(CHANNEL_LITERALS.to_vec());
    let part = || prop::sample::select(vec!["a", "b"]);
    let op = prop::sample::select(vec!["==", "!=", "<", "<=", ">", ">="]);
    prop_oneof![
        1 => any::<bool>().prop_map(Cond::Bool),
        3 => prop::sample::select(vec!["akut", "brådskande"]).prop_map(Cond::Flag),
        3 => (any::<bool>(), channel(), any::<bool>()).prop_map(|(e, c, f)| Cond::Channel(e, c, f)),
        2 => prop::collection::vec(channel(), 0..4).prop_map(Cond::ChannelIn),
        2 => (any::<bool>(), part(), any::<bool>()).prop_map(|(e, p, f)| Cond::Part(e, p, f)),
        1 => prop::collection::vec(part(), 0..3).prop_map(Cond::PartIn),
        6 => (op, number(), number()).prop_map(|(op, a, b)| Cond::Number(op, a, b)),
        2 => (number(), prop::collection::vec(number_literal(), 0..4))
            .prop_map(|(a, l)| Cond::NumberIn(a, l)),
        2 => (any::<bool>(), text(), text()).prop_map(|(e, a, b)| Cond::Text(e, a, b)),
        1 => prop::collection::vec(prop::sample::select(KOMMUNDELAR.to_vec()), 0..4)
            .prop_map(Cond::TextIn),
    ]
}

/// Random well-typed conditions: depth at most 4, under 100 parts.
fn condition() -> impl Strategy<Value = Cond> {
    leaf()
        .prop_recursive(4, 24, 3, |inner| {
            prop_oneof![
                2 => inner.clone().prop_map(|c| Cond::Not(Box::new(c))),
                3 => prop::collection::vec(inner.clone(), 2..=3).prop_map(Cond::And),
                3 => prop::collection::vec(inner.clone(), 2..=3).prop_map(Cond::Or),
                1 => inner.clone().prop_map(|c| Cond::Paren(Box::new(c))),
                1 => (any::<bool>(), inner.clone(), inner)
                    .prop_map(|(e, a, b)| Cond::Same(e, Box::new(a), Box::new(b))),
            ]
        })
        .prop_filter("at most 100 parts", |c| c.parts() <= 100)
}

/// Where a generated rule stands (§5: ärendetyp, förvaltning, policy).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Level {
    Arendetyp,
    Forvaltning,
    Policy,
}

#[derive(Debug, Clone)]
struct GeneratedRule {
    condition: Cond,
    level: Level,
    /// 0 `direkt`, 1 `manus`, 2 `vidarekoppla`, 3 `vidarekoppla` with a queue.
    outcome: u8,
}

/// The policy of the generated rulesets: the four typed attributes of docs/semantik.md
/// §6, one with å in its name.
const DIFF_POLICY: &str = r#"kundtjänst "Kontaktcenter Testkommun" {
    kommun "Testkommun" kommunkod 9999
    skala 6 nivåer
    kanaler telefon, e-post, chatt, besök
    attribut belopp tal, akut ja/nej, kommundel text, brådskande ja/nej
    frekvensgräns 10 per månad
    direkt rosa 1-2
    manus rosa 3-4
    reserv vidarekoppla till f kö "Växeln"
"#;

/// A ruleset around the rules: one förvaltning with an ärendetyp `med` with delmoment
/// `a` and `b` (and a script) and one, `utan`, without delmoment (and without a script,
/// so that a förvaltning's or the policy's `manus` rule forwards it, §5).
fn diff_sources(rules: &[GeneratedRule]) -> Vec<(&'static str, String)> {
    let rule = |r: &GeneratedRule| {
        let outcome = match (r.outcome, r.level) {
            (0, _) => "direkt",
            (1, _) => "manus",
            (2, _) => "vidarekoppla",
            (_, Level::Policy) => r#"vidarekoppla till f kö "Policyns regel""#,
            _ => r#"vidarekoppla kö "Regelns kö""#,
        };
        format!("    om `{}` => {outcome}\n", r.condition.text())
    };
    let at = |level: Level| -> String {
        rules
            .iter()
            .filter(|r| r.level == level)
            .map(rule)
            .collect()
    };
    let policy = format!("{DIFF_POLICY}{}}}\n", at(Level::Policy));
    let forvaltning = format!(
        r#"förvaltning f "Förvaltningen" {{
    vidarekoppla kö "Förvaltningen"
{}
    ärendetyp med "Med delmoment" {{
        frekvens 50 per månad
        manus "manus/status.md"
        delmoment a "A" {{ rosa 1 }}
        delmoment b "B" {{ rosa 3 }}
{}    }}
    ärendetyp utan "Utan delmoment" {{
        rosa 4
        frekvens 50 per månad
    }}
}}
"#,
        at(Level::Forvaltning),
        at(Level::Arendetyp)
            .replace("\n    om", "\n        om")
            .replacen("    om", "        om", 1),
    );
    vec![("kundtjanst.rosa", policy), ("f.rosa", forvaltning)]
}

/// Build the ruleset with `Ruleset::from_sources` (scripts resolve under the `metod`
/// fixture).
fn diff_ruleset(rules: &[GeneratedRule]) -> Result<Ruleset, String> {
    let mut sources = SourceMap::default();
    for (path, text) in diff_sources(rules) {
        sources.add(SourceFile::new(path, text.as_str()));
    }
    Ruleset::from_sources(dir("tests/fixtures/engine/metod"), sources, vec![])
        .map_err(|d| d.render())
}

fn generated_rules() -> impl Strategy<Value = Vec<GeneratedRule>> {
    let level = prop_oneof![
        1 => Just(Level::Arendetyp),
        3 => Just(Level::Forvaltning),
        1 => Just(Level::Policy),
    ];
    let rule = (condition(), level, 0u8..4).prop_map(|(condition, level, outcome)| GeneratedRule {
        condition,
        level,
        outcome,
    });
    prop::collection::vec(rule, 1..=3)
}

/// An attribute: absent (1 in 5), of its declared type, or of another type (1 in 8).
fn sent(
    right: impl Strategy<Value = AttrValue>,
    wrong: Vec<AttrValue>,
) -> impl Strategy<Value = Option<AttrValue>> {
    prop::option::weighted(
        0.8,
        prop_oneof![7 => right, 1 => prop::sample::select(wrong)],
    )
}

/// Random inquiries for the generated rulesets: every unit, some unknown ones; channel
/// absent, known (also by alias), unknown; time absent, valid, invalid; each attribute
/// absent, of the right type, of another type.
fn diff_inquiry() -> impl Strategy<Value = OwnedInquiry> {
    let unit = prop_oneof![
        12 => prop::sample::select(vec![
            ("med", None),
            ("med", Some("a")),
            ("med", Some("b")),
            ("utan", None),
        ]),
        1 => prop::sample::select(vec![("utan", Some("a")), ("med", Some("c")), ("okänd", None)]),
    ];
    let channel = prop_oneof![
        2 => Just(None),
        6 => prop::sample::select(CHANNEL_LITERALS.to_vec()).prop_map(Some),
        1 => prop::sample::select(vec!["fax", "Telefon", "", "besök "]).prop_map(Some),
    ];
    let belopp = sent(
        prop_oneof![
            2 => prop::sample::select(vec![0.0, 5000.0, 10000.0, -250.0, 2.5, 7.5, 16.0]),
            1 => -20_000.0..20_000.0f64,
            1 => (0i32..30).prop_map(f64::from),
        ]
        .prop_map(AttrValue::Number),
        vec![AttrValue::Text("6000".into()), AttrValue::Bool(true)],
    );
    let flag = || {
        sent(
            any::<bool>().prop_map(AttrValue::Bool),
            vec![AttrValue::Text("ja".into()), AttrValue::Number(1.0)],
        )
    };
    let kommundel = sent(
        prop::sample::select(vec![
            "Norr",
            "Söder",
            "",
            "Centrum",
            "Väster",
            "attr.brådskande",
        ])
        .prop_map(|t| AttrValue::Text(t.into())),
        vec![AttrValue::Number(1.0), AttrValue::Bool(false)],
    );
    let attributes = (
        belopp,
        flag(),
        kommundel,
        flag(),
        prop::option::weighted(0.1, Just(AttrValue::Bool(true))),
    );
    (unit, channel, time(), attributes).prop_map(
        |((case_type, part), channel, time, (belopp, akut, kommundel, bradskande, okant))| {
            let attributes = [
                ("belopp", belopp),
                ("akut", akut),
                ("kommundel", kommundel),
                ("brådskande", bradskande),
                ("okänt", okant),
            ]
            .into_iter()
            .filter_map(|(name, value)| Some((name.into(), value?)))
            .collect();
            OwnedInquiry {
                case_type: case_type.into(),
                part: part.map(Into::into),
                channel: channel.map(Into::into),
                time,
                attributes,
            }
        },
    )
}

/// Random proptest cases of the differential property, each a ruleset and
/// [`DIFF_INQUIRIES`] inquiries.
const DIFF_CASES: u32 = 3_000;
const DIFF_INQUIRIES: usize = 8;

/// One ruleset of generated rules and its inquiries, decided by the engine and by the
/// reference (the conditions in Rhai).
fn differential(rules: &[GeneratedRule], inquiries: &[OwnedInquiry]) -> Result<(), TestCaseError> {
    let ruleset = diff_ruleset(rules).map_err(|d| {
        TestCaseError::fail(format!("the checker rejects a well-typed condition:\n{d}"))
    })?;
    let engine = Engine::new(&ruleset);
    for inquiry in inquiries {
        let (got, want) = (actual(&engine, inquiry), reference(&ruleset, inquiry));
        prop_assert_eq!(
            &got,
            &want,
            "engine (left) and Rhai reference (right) on {:?}",
            inquiry
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(DIFF_CASES))]

    /// docs/semantik.md §5–§6: random well-typed conditions (as syntax, rendered to text)
    /// in small rulesets decide the same in the engine (typed, native) and in the
    /// reference (the text in Rhai, inputs read lazily): outcome, basis, target, rule,
    /// error, criteria, and every rule's result with the category of its condition
    /// error. 3,000 rulesets × 8 inquiries: 24,000 decisions.
    #[test]
    fn random_conditions_decide_as_in_rhai(
        rules in generated_rules(),
        inquiries in prop::collection::vec(diff_inquiry(), DIFF_INQUIRIES),
    ) {
        differential(&rules, &inquiries)?;
    }
}

/// The random conditions and inquiries reach every result of a rule (§5, §9
/// `rules_tried`), every kind of condition error of §6 for every input, and every basis
/// a guarded rule can lead to, often enough for the differential property to mean
/// something.
#[test]
fn random_conditions_cover_every_result() {
    let strategy = (
        generated_rules(),
        prop::collection::vec(diff_inquiry(), DIFF_INQUIRIES),
    );
    let mut runner = TestRunner::deterministic();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let cases = DIFF_CASES / 4;
    for _ in 0..cases {
        let (rules, inquiries) = strategy.new_tree(&mut runner).unwrap().current();
        let ruleset = diff_ruleset(&rules).unwrap_or_else(|d| panic!("{d}"));
        for inquiry in &inquiries {
            let want = reference(&ruleset, inquiry);
            *seen.entry(format!("basis {}", want.basis)).or_default() += 1;
            *seen.entry(format!("outcome {}", want.outcome)).or_default() += 1;
            for tried in &want.tried {
                *seen.entry(format!("{:?}", tried.result)).or_default() += 1;
                if let Some(fault) = &tried.fault {
                    *seen.entry(format!("{fault:?}")).or_default() += 1;
                }
            }
        }
    }
    let mut keys: Vec<String> = [
        "basis rule",
        "basis condition_error",
        "basis method",
        "basis unknown_part",
        "outcome kundtjanst",
        "outcome scripted",
        "outcome forwarded",
        "Fired",
        "False",
        "Error",
        "NotReached",
        "NoChannel",
        "NoTime",
        "BadTime",
    ]
    .map(String::from)
    .to_vec();
    for name in ["belopp", "akut", "kommundel", "brådskande"] {
        keys.push(format!("{:?}", Fault::MissingAttribute(name.into())));
        keys.push(format!("{:?}", Fault::WrongType(name.into())));
    }
    for key in &keys {
        let n = seen.get(key).copied().unwrap_or(0);
        assert!(
            n >= 40,
            "`{key}` only {n} times in {cases} rulesets: {seen:#?}"
        );
    }
    assert!(!seen.keys().any(|k| k.starts_with("Other")), "{seen:#?}");
}

/// docs/semantik.md §5–§6 in both: `attr.akut || timme >= 16` by telephone without a
/// time fires when `akut` is true (the time is never read), and is a condition error
/// for the missing time when it is false.
#[test]
fn short_circuit_in_the_engine_and_in_rhai() {
    let condition = Cond::Or(vec![
        Cond::Flag("akut"),
        Cond::Number(">=", Num::Name("timme"), Num::Literal("16".into())),
    ]);
    assert_eq!(condition.text(), "attr.akut || timme >= 16");
    let rules = [GeneratedRule {
        condition,
        level: Level::Forvaltning,
        outcome: 2,
    }];
    let ruleset = diff_ruleset(&rules).unwrap_or_else(|d| panic!("{d}"));
    let engine = Engine::new(&ruleset);
    for (akut, basis, result, fault) in [
        (true, "rule", RuleResult::Fired, None),
        (
            false,
            "condition_error",
            RuleResult::Error,
            Some(Fault::NoTime),
        ),
    ] {
        let attributes = Attributes::new().with("akut", akut);
        let inquiry = Inquiry::new("utan")
            .channel("telefon")
            .attributes(&attributes);
        let want = reference(&ruleset, &inquiry);
        assert_eq!(actual(&engine, &inquiry), want, "akut = {akut}");
        let tried = &want.tried[0];
        assert_eq!(
            (want.basis, tried.result, tried.fault.clone()),
            (basis, result, fault)
        );
    }
}

/// The reference's one rewrite of a condition's text before Rhai compiles it: attribute
/// names (å, ä, ö, `-`, Rhai keywords) become ASCII placeholders, outside string literals
/// only, and a placeholder's error names the attribute again.
#[test]
fn attribute_names_become_ascii_placeholders_outside_strings() {
    let names = AttrNames {
        names: ["belopp", "brådskande", "fn", "kommun-del", "_x"]
            .map(String::from)
            .to_vec(),
    };
    assert_eq!(
        names.to_rhai(r#"attr.brådskande && attr.fn == "attr.brådskande" || attr.kommun-del in ["attr.belopp"] && attr._x"#),
        r#"attr.br_dskande_1 && attr.fn_2 == "attr.brådskande" || attr.kommun_del_3 in ["attr.belopp"] && attr.a_x_4"#
    );
    assert_eq!(names.to_rhai("attr.belopp>=5000"), "attr.belopp_0>=5000");
    for (index, name) in names.names.iter().enumerate() {
        assert_eq!(
            names.name_of(&names.placeholder(index)),
            Some(name.as_str())
        );
    }
    // In the sandbox: `brådskande` is read as declared, a missing attribute or channel
    // fails only when evaluation reaches it.
    let attributes = Attributes::new().with("brådskande", true);
    let inquiry = Inquiry::new("utan").attributes(&attributes);
    let ruleset = diff_ruleset(&[GeneratedRule {
        condition: Cond::Flag("brådskande"),
        level: Level::Policy,
        outcome: 0,
    }])
    .unwrap_or_else(|d| panic!("{d}"));
    let unit = &ruleset.arendetyp("utan").unwrap().units[0];
    let inputs = Inputs::new(&ruleset, unit, &inquiry, Kanal::Absent);
    let eval = |text: &str| SANDBOX.eval(text, &inputs);
    assert_eq!(
        eval("attr.brådskande && !attr.brådskande == false"),
        Ok(true)
    );
    assert_eq!(
        eval(r#"attr.brådskande && attr.kommundel == "Norr""#),
        Err(Fault::MissingAttribute("kommundel".into()))
    );
    assert_eq!(
        eval(r#"!attr.brådskande && attr.kommundel == "Norr""#),
        Ok(false)
    );
    assert_eq!(eval(r#"attr.brådskande || kanal == "sms""#), Ok(true));
    assert_eq!(
        eval(r#"kanal == "sms" || attr.brådskande"#),
        Err(Fault::NoChannel)
    );
}
