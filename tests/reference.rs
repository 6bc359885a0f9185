//! A plain reference evaluation of docs/semantik.md (§3–§9), written from the text and
//! the validated model alone (it reads `rosa::model` fields and evaluates conditions with
//! `Condition::eval`, but uses neither the engine nor `rosa::engine::method`), and
//! properties: for random inquiries the compiled engine decides exactly as the reference.
//! Each function and test names the sections it implements or checks.

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use rosa::DecisionRecord;
use rosa::LocalTime;
use rosa::model::{Channel, EvalContext, Outcome, Rule, Ruleset, Target, Unit};
use rosa::{AttrValue, Engine, Inquiry};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::LazyLock;

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
    }
}

/// The inquiry's channel (docs/semantik.md §1): absent, a known channel (aliases
/// resolved), or a name that is not a channel.
#[derive(Debug, Clone, Copy)]
enum Kanal<'a> {
    Absent,
    Known(Channel),
    Unknown(&'a str),
}

fn kanal<'a>(inquiry: &'a Inquiry<'_>) -> Kanal<'a> {
    match inquiry.channel.as_deref() {
        None => Kanal::Absent,
        Some(name) => Channel::parse(name).map_or(Kanal::Unknown(name), Kanal::Known),
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
            Kanal::Unknown(_) => false,
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

/// docs/semantik.md, step by step (§3–§8), with what the decision carries (§9).
fn reference(ruleset: &Ruleset, inquiry: &Inquiry) -> Expected {
    // §3 (step 1): unknown ärendetyp or delmoment.
    let Some(typ) = ruleset
        .arendetyper()
        .iter()
        .find(|t| t.id == inquiry.case_type)
    else {
        return forwarded("unknown_case_type", &ruleset.policy().fallback);
    };
    // §4 (step 2): the unit: the named delmoment, the type itself, or its first delmoment.
    let unit = match inquiry.part.as_deref() {
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
    if !chain.is_empty() {
        // §6: a time that does not parse fails the first rule that reads the time.
        let parsed = inquiry.time.as_deref().map(LocalTime::parse);
        let bad_time = matches!(parsed, Some(Err(_)));
        let time = parsed.and_then(Result::ok);
        let ctx = EvalContext {
            channel: match kanal {
                Kanal::Known(c) => Some(c.name()),
                Kanal::Unknown(name) => Some(name),
                Kanal::Absent => None,
            },
            part: unit.part.as_deref(),
            time,
            attributes: &inquiry.attributes,
        };
        for rule in chain {
            if bad_time && rule.condition.needs.time {
                return failed(rule);
            }
            match rule.condition.eval(&ctx) {
                Ok(false) => continue,
                Err(_) => return failed(rule),
                Ok(true) => {
                    // §5 "What a true rule gives", including `manus` without a script.
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
                    return Expected {
                        rule: location(rule),
                        ..decided(outcome, "rule")
                    };
                }
            }
        }
    }

    // §7 (step 4): an explicit agreed outcome, in any channel.
    if let Some(outcome) = unit.agreed {
        return decided(outcome, "agreement");
    }

    // §8 (step 5): the default method.
    decided(method.outcome(), "method")
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
fn actual(engine: &Engine, inquiry: &Inquiry) -> Expected {
    let r: DecisionRecord = engine.decide_record(inquiry);
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
fn inquiries(ruleset: &'static Ruleset) -> impl Strategy<Value = Inquiry<'static>> {
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
            Inquiry {
                case_type: case_type.into(),
                part: part.map(Into::into),
                channel: channel.map(Into::into),
                time: time.map(Into::into),
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
                    case_type: typ.id.as_str().into(),
                    part: part.as_deref().map(Into::into),
                    channel: channel.as_deref().map(Into::into),
                    ..Inquiry::default()
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
        let inquiry = Inquiry {
            case_type: test.case_type.as_str().into(),
            part: test.part.as_deref().map(Into::into),
            channel: test.channel.as_deref().map(Into::into),
            time: test.time.as_deref().map(Into::into),
            attributes: test
                .attributes
                .iter()
                .map(|(name, value)| (name.as_str().into(), value.clone()))
                .collect(),
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
