//! The validated model: a snapshot of the example kommun's, and the normalisation rules
//! (frekvens per year, times in minutes, shares as fractions, inheritance) on the corpus.

mod common;

use common::{TempDir, copy_dir, corpus_dir};
use rosa::Ruleset;

/// The whole model of the example kommun, as `serde` gives it. Loaded by its relative
/// path (tests run in the crate root) so that `root` is the same on every machine.
#[test]
fn example_kommun_model() {
    let ruleset = Ruleset::load("rulesets/exempelkommun").unwrap_or_else(|d| panic!("{d}"));
    insta::assert_yaml_snapshot!("exempelkommun", ruleset);
}

/// What issue 2 asks of the example kommun.
#[test]
fn example_kommun_is_complete() {
    let r = Ruleset::load("rulesets/exempelkommun").unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(r.policy().kommunkod.len(), 4);
    assert!(
        r.forvaltningar().len() >= 8,
        "{} förvaltningar",
        r.forvaltningar().len()
    );
    assert!(
        r.arendetyper().len() >= 80,
        "{} ärendetyper",
        r.arendetyper().len()
    );
    assert!(r.arendetyper().iter().any(|t| t.has_parts), "delmoment");
    assert!(!r.rules().is_empty(), "guarded rules");
    assert!(!r.tests().is_empty(), "tests");
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
