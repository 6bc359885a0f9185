//! Guarded-rule conditions at the edges of docs/semantik.md §5–§6: conditions whose
//! types do not fit never load (the checker, through `Ruleset::from_sources`, with the
//! diagnostic code in the rendered report), and `||` reads its right side only when
//! its left side is false, so an input the right side needs is missing only then.
//! tests/reference.rs compares the engine with Rhai on random well-typed conditions.

use rosa::{Attributes, Basis, DecisionRecord, Engine, Inquiry, Outcome, RuleResult, Ruleset};
use rosa::{SourceFile, SourceMap};
use std::path::PathBuf;

const POLICY: &str = r#"kundtjänst "Kontaktcenter Testkommun" {
    kommun "Testkommun" kommunkod 9999
    skala 6 nivåer
    kanaler telefon, e-post, chatt, besök
    attribut belopp tal, akut ja/nej, kommundel text, brådskande ja/nej
    frekvensgräns 10 per månad
    direkt rosa 1-2
    manus rosa 3-4
    reserv vidarekoppla till f kö "Växeln"
}
"#;

/// A ruleset whose one ärendetyp, `typ` (level 1: the method answers directly), has
/// one guarded rule that forwards when `condition` is true.
fn load(condition: &str) -> Result<Ruleset, rosa::Diagnostics> {
    let forvaltning = format!(
        r#"förvaltning f "Förvaltningen" {{
    vidarekoppla kö "Förvaltningen"
    ärendetyp typ "Typ" {{
        rosa 1
        frekvens 50 per månad
        om `{condition}` => vidarekoppla kö "Regeln"
    }}
}}
"#
    );
    let mut sources = SourceMap::default();
    sources.add(SourceFile::new("kundtjanst.rosa", POLICY));
    sources.add(SourceFile::new("f.rosa", forvaltning.as_str()));
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/engine/metod");
    Ruleset::from_sources(root, sources, vec![])
}

/// The rendered report of a condition the checker must reject.
fn rejected(condition: &str) -> String {
    match load(condition) {
        Ok(_) => panic!("`{condition}` loads, but its types do not fit"),
        Err(d) => d.render(),
    }
}

fn engine(condition: &str) -> Engine {
    Engine::new(&load(condition).unwrap_or_else(|d| panic!("{}", d.render())))
}

/// docs/semantik.md §5: a condition whose types do not fit is a load error, never a
/// silently false rule at run time.
mod rejected {
    use super::*;

    #[test]
    fn ja_nej_attribute_compared_with_text() {
        let report = rejected(r#"attr.akut == "ja""#);
        assert!(report.contains("R0022"), "{report}");
    }

    #[test]
    fn number_attribute_compared_with_text() {
        let report = rejected(r#"attr.belopp > "10000""#);
        assert!(report.contains("R0022"), "{report}");
    }

    #[test]
    fn channel_compared_with_a_number() {
        let report = rejected("kanal == 5");
        assert!(report.contains("R0022"), "{report}");
    }

    #[test]
    fn channel_that_does_not_exist() {
        let report = rejected(r#"kanal == "telefn""#);
        assert!(report.contains("R0023"), "{report}");
    }

    #[test]
    fn function_call() {
        let report = rejected("len(attr.kommundel) > 1");
        assert!(report.contains("R0024"), "{report}");
    }

    /// The same rule with types that fit loads, so the rejections above are the types'.
    #[test]
    fn the_same_conditions_with_types_that_fit_load() {
        for condition in [
            "attr.akut",
            "!attr.akut",
            "attr.belopp > 10000",
            r#"kanal == "telefon""#,
            r#"kanal == "phone""#,
            r#"attr.kommundel != """#,
            r#"attr.brådskande && attr.kommundel in ["Norr", "Söder"]"#,
        ] {
            load(condition).unwrap_or_else(|d| panic!("`{condition}`: {}", d.render()));
        }
    }
}

/// docs/semantik.md §5–§6: `&&` and `||` short-circuit left to right, and an input is
/// read only when evaluation reaches it.
mod short_circuit {
    use super::*;

    fn decide(akut: bool) -> DecisionRecord {
        let engine = engine("attr.akut || timme >= 16");
        let attributes = Attributes::new().with("akut", akut);
        let inquiry = Inquiry::new("typ")
            .channel("telefon")
            .attributes(&attributes);
        engine.decide_record(&inquiry)
    }

    #[test]
    fn a_true_left_side_fires_without_the_time() {
        let r = decide(true);
        assert_eq!(
            (r.outcome, r.basis),
            (Outcome::Forwarded, Basis::Rule),
            "{r:#?}"
        );
        assert_eq!(r.target.as_ref().unwrap().queue.as_deref(), Some("Regeln"));
        assert_eq!(r.rules_tried.len(), 1);
        assert_eq!(r.rules_tried[0].result, RuleResult::Fired);
        assert_eq!(r.error, None);
    }

    #[test]
    fn a_false_left_side_reads_the_missing_time() {
        let r = decide(false);
        assert_eq!(
            (r.outcome, r.basis),
            (Outcome::Forwarded, Basis::ConditionError),
            "{r:#?}"
        );
        // §6: to the unit's target, not the rule's.
        assert_eq!(
            r.target.as_ref().unwrap().queue.as_deref(),
            Some("Förvaltningen")
        );
        assert_eq!(r.rules_tried.len(), 1);
        assert_eq!(r.rules_tried[0].result, RuleResult::Error);
        let reason = r.rules_tried[0].reason.as_deref().unwrap_or_default();
        assert!(reason.contains("saknar tid"), "{r:#?}");
        assert!(
            r.error
                .as_deref()
                .unwrap_or_default()
                .contains("saknar tid")
        );
    }

    #[test]
    fn with_the_time_the_right_side_decides() {
        let engine = engine("attr.akut || timme >= 16");
        let attributes = Attributes::new().with("akut", false);
        let at = |time: &'static str| {
            let inquiry = Inquiry::new("typ")
                .channel("telefon")
                .attributes(&attributes)
                .time(time);
            engine.decide_record(&inquiry).basis
        };
        assert_eq!(at("2026-03-02T16:00"), Basis::Rule);
        assert_eq!(at("2026-03-02T15:59"), Basis::Method);
    }
}
