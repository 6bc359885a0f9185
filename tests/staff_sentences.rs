//! Issue 21, "sentences, not source": every staff sentence a decision carries
//! (`explanation`, `rule.explanation`, `rules_tried[].explanation`) is Swedish without a
//! rule file, a raw condition or an attribute id, for every unit of the example kommun
//! in several channels and times, with and without the attributes its rules read.

use rosa::{Attributes, Engine, Inquiry, Ruleset};

fn example() -> Ruleset {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rulesets/exempelkommun");
    Ruleset::load(dir).unwrap_or_else(|d| panic!("{}", d.render()))
}

/// What a staff sentence must not hold: file names, operators, condition syntax, ids.
fn source_in(sentence: &str, attribute_ids: &[String]) -> Option<String> {
    let markers = [
        ".rosa", "`", "attr.", "==", "!=", "&&", "||", ">=", "<=", "timme", "veckodag",
    ];
    if let Some(m) = markers.iter().find(|m| sentence.contains(**m)) {
        return Some(format!("`{m}`"));
    }
    attribute_ids
        .iter()
        .find(|id| sentence.contains(id.as_str()))
        .map(|id| format!("the attribute id `{id}`"))
}

#[test]
fn every_staff_sentence_of_the_example_is_free_of_source() {
    let ruleset = example();
    let engine = Engine::new(&ruleset);
    // Ids with `_` cannot be ordinary words; `akut` and `belopp` are words in questions.
    let ids: Vec<String> = ruleset
        .policy()
        .attributes
        .iter()
        .map(|a| a.name.clone())
        .filter(|n| n.contains('_'))
        .collect();
    let attributes = Attributes::new()
        .with("akut", true)
        .with("skyddad_identitet", false)
        .with("belopp", 20000);
    let mut checked = 0;
    for typ in ruleset.arendetyper() {
        for unit in &typ.units {
            for channel in [None, Some("telefon"), Some("besök"), Some("brev")] {
                for time in [None, Some("2026-03-02T10:00"), Some("2026-03-07T18:00")] {
                    for with_attributes in [false, true] {
                        let mut inquiry = Inquiry::new(typ.id.as_str());
                        inquiry.part = unit.part.as_deref();
                        inquiry.channel = channel;
                        inquiry.time = time;
                        if with_attributes {
                            inquiry = inquiry.attributes(&attributes);
                        }
                        let record = engine.decide_record(&inquiry);
                        let mut sentences = vec![record.explanation.clone()];
                        sentences.extend(record.rule.iter().map(|r| r.explanation.clone()));
                        sentences.extend(record.rules_tried.iter().map(|r| r.explanation.clone()));
                        // Rules that did not decide carry none.
                        for sentence in sentences.into_iter().filter(|s| !s.is_empty()) {
                            assert!(sentence.ends_with(['.', '?']), "{sentence}");
                            assert!(sentence.starts_with(char::is_uppercase), "{sentence}");
                            if let Some(what) = source_in(&sentence, &ids) {
                                panic!("{} {:?}: {what} in «{sentence}»", typ.id, unit.part);
                            }
                            checked += 1;
                        }
                    }
                }
            }
        }
    }
    assert!(checked > 1000, "{checked}");
}

#[test]
fn level_sekretess_and_system_forwards_do_not_blame_the_channel() {
    let ruleset = example();
    let engine = Engine::new(&ruleset);
    let cases = [
        // sekretess
        Inquiry::new("hemtjanst")
            .part("meddelande")
            .channel("telefon"),
        // level above the scripted range
        Inquiry::new("hemtjanst")
            .part("bistandsbedomning")
            .channel("telefon"),
    ];
    for inquiry in &cases {
        let record = engine.decide_record(inquiry);
        assert_eq!(record.outcome, rosa::Outcome::Forwarded);
        assert!(
            !record.explanation.contains("kanal"),
            "{}",
            record.explanation
        );
    }
    let sekretess = engine.decide_record(&cases[0]).explanation;
    assert!(sekretess.contains("sekretess"), "{sekretess}");
    let level = engine.decide_record(&cases[1]).explanation;
    assert!(level.contains("nivå 5"), "{level}");
}

#[test]
fn a_rule_on_office_hours_reads_in_words() {
    let ruleset = example();
    let engine = Engine::new(&ruleset);
    let sunday = Inquiry::new("hemtjanst")
        .part("utebliven-insats")
        .channel("telefon")
        .time("2026-03-08T10:00");
    let record = engine.decide_record(&sunday);
    let rule = record.rule.expect("the evening rule decides");
    assert_eq!(
        rule.explanation,
        "Ärendet kopplas vidare till Hemtjänstens kvällspatrull på Vård- och omsorgsförvaltningen \
         när ärendet kommer från kl. 16 eller på lördag–söndag."
    );
    assert!(
        record
            .explanation
            .starts_with("En särskild regel avgör: ärendet kopplas vidare")
    );
    // Without a time the rule cannot be tried: the sentence says what is missing.
    let no_time = Inquiry::new("hemtjanst")
        .part("utebliven-insats")
        .channel("telefon");
    let record = engine.decide_record(&no_time);
    assert!(
        record.explanation.contains("det inte står när ärendet kom"),
        "{}",
        record.explanation
    );
}

#[test]
fn a_missing_answer_is_named_by_its_question() {
    let ruleset = example();
    let engine = Engine::new(&ruleset);
    let inquiry = Inquiry::new("bygglov").part("regler").channel("besök");
    let record = engine.decide_record(&inquiry);
    assert_eq!(record.basis, rosa::Basis::ConditionError);
    assert!(
        record
            .explanation
            .contains("svaret saknas på frågan ”Har personen skyddade personuppgifter?”"),
        "{}",
        record.explanation
    );
}
