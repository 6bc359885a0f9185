//! The VS Code extension's TextMate grammar (`editors/vscode/syntaxes/rosa.tmLanguage.json`)
//! cannot drift from the language: every pattern compiles (with `fancy-regex`, which
//! reads the lookarounds and `\p{…}` classes the grammar uses the way Oniguruma does),
//! every keyword spelling of `grammar/rosa.pest` is coloured as a keyword, and the
//! units, periods and days of the grammar are known. `scripts/vscode-grammar-check.mjs`
//! tokenises the example kommun with VS Code's own engine on top of this.

use fancy_regex::Regex;
use serde_json::Value;
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn grammar() -> Value {
    let path = root().join("editors/vscode/syntaxes/rosa.tmLanguage.json");
    let text = std::fs::read_to_string(&path).expect("read the TextMate grammar");
    serde_json::from_str(&text).expect("the TextMate grammar is JSON")
}

/// Every rule of the grammar that has `match`, `begin` or `end`, anywhere in it.
fn rules(value: &Value, out: &mut Vec<Value>) {
    match value {
        Value::Object(map) => {
            if ["match", "begin", "end"]
                .iter()
                .any(|k| map.contains_key(*k))
            {
                out.push(value.clone());
            }
            map.values().for_each(|v| rules(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| rules(v, out)),
        _ => {}
    }
}

/// The scopes a `match` rule gives: its `name` and the names of its captures.
fn scopes(rule: &Value) -> Vec<String> {
    let mut out: Vec<String> = rule["name"]
        .as_str()
        .map(String::from)
        .into_iter()
        .collect();
    if let Some(captures) = rule["captures"].as_object() {
        out.extend(
            captures
                .values()
                .filter_map(|c| c["name"].as_str().map(String::from)),
        );
    }
    out
}

/// The string alternatives of one rule in `grammar/rosa.pest`, e.g. `kw_ko` → `kö`, `ko`.
fn pest_alternatives(pest: &str, rule: &str) -> Vec<String> {
    let line = pest
        .lines()
        .find(|l| l.split_whitespace().next() == Some(rule))
        .unwrap_or_else(|| panic!("no rule `{rule}` in grammar/rosa.pest"));
    let body = &line[line.find('{').unwrap()..];
    // What follows `!` (the word must end: `!(LETTER | … | "_")`) is no alternative.
    let body = &body[..body.find('!').unwrap_or(body.len())];
    body.split('"')
        .skip(1)
        .step_by(2)
        .map(String::from)
        .collect()
}

fn compiled() -> Vec<(Regex, Vec<String>)> {
    let mut all = Vec::new();
    rules(&grammar(), &mut all);
    assert!(all.len() > 15, "the grammar has {} rules", all.len());
    let mut out = Vec::new();
    for rule in &all {
        for key in ["match", "begin", "end"] {
            if let Some(pattern) = rule[key].as_str() {
                let regex = Regex::new(pattern)
                    .unwrap_or_else(|e| panic!("`{pattern}` does not compile: {e}"));
                if key == "match" {
                    out.push((regex, scopes(rule)));
                }
            }
        }
    }
    out
}

/// Whether some `match` rule with a scope starting with one of `prefixes` matches the
/// whole of `text`.
fn coloured(rules: &[(Regex, Vec<String>)], text: &str, prefixes: &[&str]) -> bool {
    rules.iter().any(|(regex, scopes)| {
        scopes
            .iter()
            .any(|s| prefixes.iter().any(|p| s.starts_with(p)))
            && matches!(regex.find(text), Ok(Some(m)) if m.start() == 0 && m.end() == text.len())
    })
}

#[test]
fn every_keyword_of_the_language_is_coloured() {
    let pest = std::fs::read_to_string(root().join("grammar/rosa.pest")).unwrap();
    let rules = compiled();
    let keyword_rules: Vec<&str> = pest
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| name.starts_with("kw_"))
        .collect();
    assert!(keyword_rules.len() > 30, "{keyword_rules:?}");
    let mut missing = Vec::new();
    for rule in keyword_rules {
        for keyword in pest_alternatives(&pest, rule) {
            if !coloured(&rules, &keyword, &["keyword.", "storage."]) {
                missing.push(keyword);
            }
        }
    }
    assert!(
        missing.is_empty(),
        "keywords of grammar/rosa.pest that the TextMate grammar does not colour: {missing:?}"
    );
    // A keyword inside an id is part of the id.
    let keyword = rules
        .iter()
        .find(|(_, s)| s.iter().any(|s| s == "keyword.other.rosa") && s.len() == 1)
        .map(|(r, _)| r)
        .expect("a keyword rule");
    for id in ["sop-manus", "manus_2", "testfall", "omsorg", "kommunal"] {
        assert!(
            keyword.find(id).unwrap().is_none(),
            "`{id}` is coloured as a keyword"
        );
    }
}

#[test]
fn units_periods_days_and_levels_are_coloured() {
    let pest = std::fs::read_to_string(root().join("grammar/rosa.pest")).unwrap();
    let rules = compiled();
    for unit in pest_alternatives(&pest, "unit_word") {
        let text = format!("4 {unit}");
        assert!(coloured(&rules, &text, &["constant.numeric"]), "`{text}`");
    }
    for period in pest_alternatives(&pest, "period") {
        let text = format!("per {period}");
        assert!(coloured(&rules, &text, &["keyword."]), "`{text}`");
    }
    for day in pest_alternatives(&pest, "day") {
        let rule = rules
            .iter()
            .find(|(_, s)| s.iter().any(|s| s.starts_with("constant.language.weekday")))
            .expect("a weekday rule");
        let text = format!("{day} 08:00-16:30");
        let found = rule.0.find(&text).unwrap().map(|m| m.as_str());
        assert_eq!(found, Some(day.as_str()), "`{text}`");
    }
    for text in ["rosa 3", "rosa 1-2", "rosa 1 - 2"] {
        assert!(
            coloured(&rules, text, &["constant.numeric.level"]),
            "`{text}`"
        );
    }
    for text in ["// en kommentar", "\"manus/bygglov-status.md\""] {
        assert!(coloured(&rules, text, &["comment.", "string."]), "`{text}`");
    }
}
