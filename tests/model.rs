//! The validated model: the example kommun's exact size (and the README's figures for
//! it), focused snapshots of its policy, one förvaltning and one ärendetyp with delmoment,
//! and the normalisation rules (frekvens per year, times in minutes, shares as fractions,
//! inheritance) on the corpus.

mod common;

use common::{TempDir, copy_dir, corpus_dir};
use rosa::Ruleset;
use serde_json::{Value, json};
use std::sync::LazyLock;

/// Loaded by its relative path (tests run in the crate root) so that `root` and every
/// `location.file` are the same on every machine.
static EXAMPLE: LazyLock<Ruleset> =
    LazyLock::new(|| Ruleset::load("rulesets/exempelkommun").unwrap_or_else(|d| panic!("{d}")));

/// The example kommun's size, counted from the model. A unit is what gets decided
/// (`docs/semantik.md` §2): one per delmoment, or the ärendetyp itself when it has none.
/// So "delmoment" counts the units with a part, not all units.
fn example_counts() -> Vec<(&'static str, usize)> {
    let r = &*EXAMPLE;
    let units = r.arendetyper().iter().flat_map(|t| &t.units);
    let delmoment = units.filter(|u| u.part.is_some()).count();
    vec![
        ("förvaltningar", r.forvaltningar().len()),
        ("ärendetyper", r.arendetyper().len()),
        ("delmoment", delmoment),
        ("checklists", r.scripts().len()),
        ("guarded rules", r.rules().len()),
        ("tests", r.tests().len()),
    ]
}

/// The exact size of the example kommun. A change to the example that adds or removes
/// anything must update this test, and the README (see the next test).
#[test]
fn example_kommun_has_exactly_these_parts() {
    assert_eq!(
        example_counts(),
        [
            ("förvaltningar", 10),
            ("ärendetyper", 132),
            ("delmoment", 160),
            ("checklists", 53),
            ("guarded rules", 12),
            ("tests", 57),
        ]
    );
    let r = &*EXAMPLE;
    // 59 ärendetyper are split into the 160 delmoment; the other 73 are one unit each.
    let with_parts = r.arendetyper().iter().filter(|t| t.has_parts).count();
    let units: usize = r.arendetyper().iter().map(|t| t.units.len()).sum();
    assert_eq!((with_parts, units), (59, 160 + (132 - 59)));
    // Scripts are loaded when a unit names them; in the example each checklist belongs
    // to exactly one unit, so 53 checklists are 53 units that can be scripted.
    let scripted_units = r
        .arendetyper()
        .iter()
        .flat_map(|t| &t.units)
        .filter(|u| u.script.is_some())
        .count();
    assert_eq!(scripted_units, r.scripts().len());
    assert_eq!(
        (r.systems().len(), r.policy().kommunkod.as_str()),
        (20, "1299")
    );
    for script in r.scripts() {
        let lines = script.text.lines().filter(|l| !l.trim().is_empty()).count();
        assert!(
            (3..=60).contains(&lines),
            "{} is a short checklist ({lines} lines)",
            script.path
        );
        assert!(!script.title.is_empty(), "{} has a title", script.path);
    }
}

/// README.md quotes the example's size ("(10 förvaltningar, 132 ärendetyper, …)"); the
/// figures are read from the README and compared with the model, so they cannot drift.
#[test]
fn readme_counts_match_the_example() {
    let readme = std::fs::read_to_string("README.md").expect("README.md");
    let readme = readme.split_whitespace().collect::<Vec<_>>().join(" ");
    let anchor = "`rulesets/exempelkommun/` (";
    let start = readme.find(anchor).expect("the README names the example") + anchor.len();
    let list = &readme[start..start + readme[start..].find(')').expect("a closing `)`")];
    let quoted: Vec<(&str, usize)> = list
        .split(", ")
        .map(|item| {
            let (number, what) = item.split_once(' ').expect("`N what`");
            let number = number.replace(',', "").parse().expect("a count");
            (what, number)
        })
        .collect();
    assert_eq!(quoted, example_counts(), "README.md: ({list})");
}

/// The model as a reviewer reads it: system, script and rule indices replaced by what
/// they point at.
fn readable(value: Value, r: &Ruleset) -> Value {
    match value {
        Value::Object(map) => map
            .into_iter()
            .map(|(key, v)| {
                let v = resolve(&key, v, r);
                (key, v)
            })
            .collect::<serde_json::Map<_, _>>()
            .into(),
        Value::Array(items) => items.into_iter().map(|v| readable(v, r)).collect(),
        other => other,
    }
}

/// An index field (`systems`, `script`, `rules`) as what it points at; any other field
/// made readable inside.
fn resolve(key: &str, value: Value, r: &Ruleset) -> Value {
    if !matches!(key, "systems" | "script" | "rules") {
        return readable(value, r);
    }
    let index = |v: &Value| v.as_u64().map(|i| i as usize);
    match (key, &value) {
        // `systems` in the policy snapshot is the list of systems itself, not indices.
        ("systems", Value::Array(ids)) if ids.iter().all(Value::is_u64) => {
            json!(
                ids.iter()
                    .map(|i| &r.systems()[index(i).unwrap()].name)
                    .collect::<Vec<_>>()
            )
        }
        ("script", Value::Number(i)) => json!(r.scripts()[index(&i.clone().into()).unwrap()].path),
        ("rules", Value::Array(ids)) => {
            json!(
                ids.iter()
                    .map(|i| &r.rules()[index(i).expect("a rule index")])
                    .collect::<Vec<_>>()
            )
        }
        _ => readable(value, r),
    }
}

/// The policy: levels, channels, typed attributes, threshold per year, fallback, and the
/// staffing parameters, with the systems it declares (`access: false` = `övriga system`).
#[test]
fn example_policy() {
    let r = &*EXAMPLE;
    let value = json!({ "policy": r.policy(), "systems": r.systems() });
    insta::assert_yaml_snapshot!("exempelkommun_policy", readable(value, r));
}

/// One förvaltning: its forward target and the guarded rule that applies to all its
/// ärendetyper (`attr.akut` goes to 112), and which ärendetyper it has.
#[test]
fn example_forvaltning() {
    let r = &*EXAMPLE;
    let (index, forvaltning) = r
        .forvaltningar()
        .iter()
        .enumerate()
        .find(|(_, f)| f.id == "raddningstjansten")
        .expect("raddningstjansten");
    let types: Vec<&str> = r
        .arendetyper()
        .iter()
        .filter(|t| t.forvaltning == index)
        .map(|t| t.id.as_str())
        .collect();
    let value = json!({ "forvaltning": forvaltning, "arendetyper": types });
    insta::assert_yaml_snapshot!("exempelkommun_forvaltning", readable(value, r));
}

/// One ärendetyp with delmoment, after inheritance: each delmoment's level, frekvens per
/// year (own or the type's), systems (own replace the type's), channels, sekretess,
/// times, target, and its own rules; the type's rule applies to every delmoment.
#[test]
fn example_arendetyp_with_delmoment() {
    let r = &*EXAMPLE;
    let typ = r
        .arendetyp("ekonomiskt-bistand")
        .expect("ekonomiskt-bistand");
    let mut value = serde_json::to_value(typ).unwrap();
    value["forvaltning"] = json!(r.forvaltningar()[typ.forvaltning].id);
    insta::assert_yaml_snapshot!("exempelkommun_arendetyp", readable(value, r));
}

fn base() -> Ruleset {
    Ruleset::load(corpus_dir().join("base")).unwrap_or_else(|d| panic!("{d}"))
}

#[test]
fn quantities_are_normalised() {
    let r = base();
    assert_eq!(
        r.policy().frequency_threshold_per_year,
        120.0,
        "10 per månad"
    );
    assert_eq!(r.policy().goal_share, 0.6, "60 %");
    assert_eq!(r.policy().default_times.kundtjanst, 4.0);
    assert_eq!(r.policy().default_times.forvaltning, 10.0);
    let status = r.arendetyp("bygglov-status").expect("type");
    let unit = &status.units[0];
    assert_eq!(unit.frekvens, Some(720.0), "60 per månad");
    assert_eq!((unit.times.kundtjanst, unit.times.forvaltning), (4.0, 9.0));
    assert_eq!(unit.level, 3);
    assert_eq!(r.systems()[unit.systems[0]].name, "ByggR");
    assert_eq!(
        r.scripts()[unit.script.expect("script")].path,
        "manus/bygglov-status.md"
    );
    assert_eq!(r.scripts()[0].title, "Status på bygglovsärende");
    assert_eq!(r.id().len(), 64);
}

/// `per dag` is per working day: 250 a year. `per vecka` is 52 weeks, `s` and `tim` are
/// converted to minutes.
#[test]
fn per_dag_counts_working_days() {
    let dir = TempDir::new("enheter");
    copy_dir(&corpus_dir().join("base"), &dir.path);
    let file = dir.path.join("bygg.rosa");
    let text = std::fs::read_to_string(&file).unwrap();
    let text = text
        .replace("frekvens 60 per månad", "frekvens 2 per dag")
        .replace("frekvens 40 per månad", "frekvens 3 per vecka")
        .replace(
            "tid 4 min, förvaltning 9 min",
            "tid 90 s, förvaltning 1,5 tim",
        );
    std::fs::write(&file, text).unwrap();
    let r = Ruleset::load(&dir.path).unwrap_or_else(|d| panic!("{d}"));
    let status = &r.arendetyp("bygglov-status").unwrap().units[0];
    assert_eq!(status.frekvens, Some(500.0));
    assert_eq!(
        (status.times.kundtjanst, status.times.forvaltning),
        (1.5, 90.0)
    );
    assert_eq!(r.arendetyp("bygglov").unwrap().frekvens, Some(156.0));
}

#[test]
fn delmoment_inherit_from_their_arendetyp_and_forvaltning() {
    let r = base();
    let bygglov = r.arendetyp("bygglov").expect("type");
    assert!(bygglov.has_parts);
    let parts: Vec<_> = bygglov.units.iter().map(|u| u.part.as_deref()).collect();
    assert_eq!(parts, [Some("regler"), Some("bedomning")]);
    for unit in &bygglov.units {
        assert_eq!(unit.frekvens, Some(480.0), "the type's 40 per månad");
        assert_eq!(unit.own_frekvens, None);
        assert_eq!(unit.times.kundtjanst, 4.0, "the policy's default time");
        assert_eq!(unit.target.forvaltning, "bygg");
        assert_eq!(unit.target.queue.as_deref(), Some("Bygglov"));
        assert_eq!(unit.target.phone.as_deref(), Some("0123-45 67 00"));
    }
    assert_eq!(bygglov.rules.len(), 1, "the type's guarded rule");
    assert_eq!(r.policy().fallback.queue.as_deref(), Some("Växeln"));
    assert_eq!(r.policy().fallback.forvaltning, "bygg");
}

#[test]
fn the_model_serialises_without_spans_or_sources() {
    let value = serde_json::to_value(base()).unwrap();
    let text = value.to_string();
    assert!(!text.contains("\"span\""), "spans are internal");
    assert!(!text.contains("\"warnings\""));
    assert!(!text.contains("\"sources\""));
    assert_eq!(value["tests"][0]["expected"], "scripted");
}

/// The id is SHA-256 over the files exactly as docs/semantik.md §9 describes, so an
/// auditor can recompute it with any SHA-256 tool.
#[test]
fn ruleset_id_is_the_documented_sha256() {
    use sha2::{Digest, Sha256};
    let dir = TempDir::new("model-id");
    copy_dir(&common::example_dir(), &dir.path);
    let ruleset = Ruleset::load(&dir.path).unwrap_or_else(|d| panic!("{d}"));
    let mut files: Vec<(String, Vec<u8>)> = ruleset
        .sources()
        .files()
        .map(|(_, f)| (f.display_path(), f.text.clone().into_bytes()))
        .chain(
            ruleset
                .scripts()
                .iter()
                .map(|s| (s.path.clone(), s.text.clone().into_bytes())),
        )
        .collect();
    files.sort();
    let mut hasher = Sha256::new();
    for (path, text) in &files {
        for field in [path.as_bytes(), text.as_slice()] {
            hasher.update((field.len() as u64).to_le_bytes());
            hasher.update(field);
        }
    }
    let expected: String = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(ruleset.id(), expected);
    assert_eq!(ruleset.short_id(), &expected[..16]);
    // Any edit gives another id.
    let first = dir.path.join(&files[0].0);
    let text = std::fs::read_to_string(&first).expect("read") + "\n// en kommentar\n";
    std::fs::write(&first, text).expect("write");
    let edited = Ruleset::load(&dir.path).unwrap_or_else(|d| panic!("{d}"));
    assert_ne!(edited.id(), ruleset.id());
}
