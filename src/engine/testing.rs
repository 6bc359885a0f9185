//! `rosa test`: run the tests written in a ruleset against its engine.

use super::{Attributes, DecisionRecord, Engine, Inquiry, RuleResult};
use crate::model::{Outcome, TestCase};
use serde::Serialize;
use std::borrow::Cow;

/// The result of one test written in the ruleset (a `test` block), as [`run_tests`]
/// gives it and `rosa test --format json` writes it.
#[derive(Debug, Clone, Serialize)]
pub struct TestResult {
    /// The test's name as written (`test "…"`).
    pub name: String,
    /// `file:line` of the test.
    pub location: String,
    /// Whether the outcome, and the förvaltning when the test names one, were as expected.
    pub passed: bool,
    /// The outcome the test expects (`förväntat`).
    pub expected: Outcome,
    /// The förvaltning id the test expects the inquiry to be forwarded to, if it says.
    pub expected_forvaltning: Option<String>,
    /// The outcome the engine gave.
    pub got: Outcome,
    /// The förvaltning id of the target the engine forwarded to; `None` unless forwarded.
    pub got_forvaltning: Option<String>,
    /// For a failing test, what the decision became and why, in Swedish, a line each:
    /// the error, every guarded rule tried and the method's criteria. Empty when passed.
    pub explanation: Vec<String>,
}

/// The attributes of a test, named as it holds them.
fn attributes_of(test: &TestCase) -> Attributes<'_> {
    let attributes = test.attributes.iter();
    attributes
        .map(|(name, value)| (Cow::Borrowed(name.as_str()), value.clone()))
        .collect()
}

fn inquiry_of<'a>(test: &'a TestCase, attributes: &'a Attributes<'a>) -> Inquiry<'a> {
    Inquiry {
        case_type: &test.case_type,
        part: test.part.as_deref(),
        channel: test.channel.as_deref(),
        time: test.time.as_deref(),
        attributes,
    }
}

/// Run every test written in the engine's ruleset ([`crate::Ruleset::tests`]), in file
/// order: each test's inquiry is decided as by [`Engine::decide_record`] and compared
/// with what the förvaltning agreed. What `rosa test` runs.
///
/// ```
/// use rosa::{Engine, Ruleset, run_tests};
/// let engine = Engine::new(&Ruleset::load("rulesets/exempelkommun").unwrap());
/// let results = run_tests(&engine);
/// assert_eq!(results.len(), engine.ruleset().tests().len());
/// for failed in results.iter().filter(|r| !r.passed) {
///     eprintln!("{} ({}): {}", failed.name, failed.location, failed.explanation.join("; "));
/// }
/// assert!(results.iter().all(|r| r.passed), "the example's tests pass");
/// ```
pub fn run_tests(engine: &Engine) -> Vec<TestResult> {
    engine
        .ruleset()
        .tests
        .iter()
        .map(|test| run_one(engine, test))
        .collect()
}

fn run_one(engine: &Engine, test: &TestCase) -> TestResult {
    let attributes = attributes_of(test);
    let record = engine.decide_record(&inquiry_of(test, &attributes));
    let got_forvaltning = record.target.as_ref().map(|t| t.forvaltning.clone());
    let target_ok =
        test.expected_forvaltning.is_none() || test.expected_forvaltning == got_forvaltning;
    let passed = record.outcome == test.expected && target_ok;
    let explanation = if passed { Vec::new() } else { explain(&record) };
    TestResult {
        name: test.name.clone(),
        location: test.location.to_string(),
        passed,
        expected: test.expected,
        expected_forvaltning: test.expected_forvaltning.clone(),
        got: record.outcome,
        got_forvaltning,
        explanation,
    }
}

/// What the decision became and why, a line each: the error, every guarded rule tried,
/// and the method's criteria.
fn explain(record: &DecisionRecord) -> Vec<String> {
    // A condition error is told by its rule's line; other errors stand on their own.
    let rule_failed = record
        .rules_tried
        .iter()
        .any(|r| r.result == RuleResult::Error);
    let mut why: Vec<String> = record
        .error
        .iter()
        .filter(|_| !rule_failed)
        .cloned()
        .collect();
    why.extend(record.rules_tried.iter().map(|r| r.describe()));
    why.extend(
        record
            .criteria
            .iter()
            .map(|c| format!("{} {}", if c.passed { "✓" } else { "✗" }, c.text)),
    );
    why
}
