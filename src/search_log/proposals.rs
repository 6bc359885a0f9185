//! `sökord` proposals from the desk's search log: per unit, the words staff used to
//! reach it that the search does not already answer with it first.

use super::log::Entry;
use crate::engine::Engine;
use serde::Serialize;
use std::collections::BTreeMap;

/// A word is proposed only when seen at least this many times by default, so that one
/// caller's words never become a `sökord`.
pub const DEFAULT_MIN_COUNT: usize = 3;

/// Words that say nothing about which unit a call is about, never proposed however
/// often they were typed.
const NEVER_PROPOSED: &[&str] = &[
    "att", "av", "bara", "blir", "de", "dem", "den", "det", "detta", "din", "ditt", "du", "där",
    "efter", "eller", "en", "er", "ett", "finns", "för", "från", "får", "gör", "ha", "har", "hade",
    "hej", "hos", "hur", "i", "igen", "inte", "ingen", "inget", "jag", "ja", "kan", "kommer",
    "man", "med", "mig", "min", "mina", "mitt", "måste", "nej", "ni", "nu", "när", "och", "också",
    "om", "oss", "på", "sig", "sin", "ska", "skulle", "som", "så", "tack", "till", "under", "ut",
    "vad", "var", "vara", "vem", "vi", "vid", "vill", "vår", "är", "än", "över",
];

/// One proposed `sökord`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Proposal {
    /// The ärendetyp id.
    pub case_type: String,
    /// The delmoment id, when the choices named one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub part: Option<String>,
    /// The unit's name (the delmoment's, or the ärendetyp's).
    pub name: String,
    /// The word to add.
    pub word: String,
    /// How many choices of this unit used the word.
    pub count: usize,
    /// The name of what the search finds first for the word today, if anything.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub found_today: Option<String>,
}

/// The proposals for `engine`'s ruleset from `entries` (other kommuners' entries and
/// units that no longer exist are skipped), words seen at least `min_count` times for
/// the unit, and more often for it than for any other unit. Most used first.
pub fn propose(engine: &Engine, entries: &[Entry], min_count: usize) -> Vec<Proposal> {
    let ruleset = engine.ruleset();
    let kommunkod = ruleset.policy.kommunkod.as_str();
    let mut by_unit: BTreeMap<(&str, Option<&str>, &str), usize> = BTreeMap::new();
    for entry in entries.iter().filter(|e| e.kommunkod == kommunkod) {
        if unit_name(engine, &entry.case_type, entry.part.as_deref()).is_none() {
            continue;
        }
        let mut seen: Vec<&str> = Vec::new();
        for word in &entry.words {
            if seen.contains(&word.as_str()) {
                continue;
            }
            seen.push(word);
            let key = (
                entry.case_type.as_str(),
                entry.part.as_deref(),
                word.as_str(),
            );
            *by_unit.entry(key).or_default() += 1;
        }
    }
    let mut proposals = Vec::new();
    for (&(case_type, part, word), &count) in &by_unit {
        let others_more = by_unit
            .iter()
            .any(|(&(c, p, w), &n)| w == word && (c, p) != (case_type, part) && n >= count);
        if count < min_count.max(1) || others_more || NEVER_PROPOSED.contains(&word) {
            continue;
        }
        let first = engine.search(word, 1).into_iter().next();
        let found = first.as_ref().is_some_and(|hit| {
            hit.case_type == case_type && (part.is_none() || hit.part.as_deref() == part)
        });
        if found {
            continue;
        }
        proposals.push(Proposal {
            case_type: case_type.to_string(),
            part: part.map(str::to_string),
            name: unit_name(engine, case_type, part).unwrap_or_default(),
            word: word.to_string(),
            count,
            found_today: first.map(|hit| hit.name),
        });
    }
    proposals.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| (&a.case_type, &a.part, &a.word).cmp(&(&b.case_type, &b.part, &b.word)))
    });
    proposals
}

/// The unit's name, or `None` when the ruleset has no such unit.
fn unit_name(engine: &Engine, case_type: &str, part: Option<&str>) -> Option<String> {
    let typ = engine.ruleset().arendetyp(case_type)?;
    match part {
        Some(part) => typ.unit(part).map(|u| format!("{}, {}", typ.name, u.name)),
        None => Some(typ.name.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Ruleset;

    fn entry(kommunkod: &str, case_type: &str, part: Option<&str>, words: &[&str]) -> Entry {
        Entry {
            day: "2026-12-07".into(),
            kommunkod: kommunkod.into(),
            ruleset: String::new(),
            case_type: case_type.into(),
            part: part.map(str::to_string),
            words: words.iter().map(|w| w.to_string()).collect(),
        }
    }

    #[test]
    fn only_words_seen_often_enough_for_units_that_exist_are_proposed() {
        let ruleset = Ruleset::load("rulesets/exempelkommun").expect("loads");
        let engine = Engine::new(&ruleset);
        let code = ruleset.policy.kommunkod.clone();
        let typ = &ruleset.arendetyper()[0];
        let mut entries = vec![entry(&code, &typ.id, None, &["zzyzx"]); 3];
        entries.push(entry(&code, &typ.id, None, &["qqwwee"]));
        entries.push(entry("0000", &typ.id, None, &["qqwwee"]));
        entries.push(entry(&code, "finns-inte", None, &["qqwwee"]));
        let proposals = propose(&engine, &entries, 2);
        assert_eq!(proposals.len(), 1, "{proposals:?}");
        assert_eq!(proposals[0].word, "zzyzx");
        assert_eq!(proposals[0].count, 3);
        assert!(propose(&engine, &entries, 4).is_empty());
    }
}
