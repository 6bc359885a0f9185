//! Finding the ärendetyp from the citizen's words, measured on a corpus of phrasings
//! written as people say them (tests/fixtures/sok/fraser.tsv): recall@1 and recall@3
//! must not fall below what the README publishes, at two levels: the right ärendetyp,
//! and the right delmoment where the corpus names one (else the right ärendetyp).

use rosa::{Engine, Ruleset};
use std::sync::LazyLock;

static ENGINE: LazyLock<Engine> = LazyLock::new(|| {
    Engine::new(&Ruleset::load("rulesets/exempelkommun").unwrap_or_else(|d| panic!("{d}")))
});

/// Published in the README ("Finding the ärendetyp"); raise them when search improves.
const RECALL_AT_1: f64 = 0.91;
const RECALL_AT_3: f64 = 0.98;

/// The same at delmoment-or-ärendetyp level.
const PART_RECALL_AT_1: f64 = 0.87;
const PART_RECALL_AT_3: f64 = 0.97;

struct Phrase {
    text: String,
    /// Each acceptable answer: an ärendetyp, and the delmoment when the corpus names one.
    expected: Vec<Expected>,
    hard: bool,
}

struct Expected {
    case_type: String,
    part: Option<String>,
}

/// How exactly a hit must match what the corpus expects.
#[derive(Clone, Copy)]
enum Level {
    /// The ärendetyp is enough.
    Arendetyp,
    /// The delmoment too, where the corpus names one.
    Delmoment,
}

impl Expected {
    fn found_by(&self, hit: &Found, level: Level) -> bool {
        hit.case_type == self.case_type
            && match (level, &self.part) {
                (Level::Arendetyp, _) | (Level::Delmoment, None) => true,
                (Level::Delmoment, Some(part)) => hit.part.as_ref() == Some(part),
            }
    }

    fn id(&self) -> String {
        match &self.part {
            Some(part) => format!("{}/{part}", self.case_type),
            None => self.case_type.clone(),
        }
    }
}

/// What a search hit names.
struct Found {
    case_type: String,
    part: Option<String>,
}

fn search(text: &str, limit: usize) -> Vec<Found> {
    ENGINE
        .search(text, limit)
        .into_iter()
        .map(|h| Found {
            case_type: h.case_type,
            part: h.part,
        })
        .collect()
}

/// The validation set (tests/fixtures/sok/validering.tsv), written apart from both
/// others from the units' names alone on 2026-12-07: measured on every run to see
/// whether a change to the search carries beyond the tuning set, before the control
/// set is measured. Its misses are not printed, so nothing is tuned on it.
/// Recall@1 and @3 at ärendetyp level, then at delmoment-or-ärendetyp level.
const VALIDATION: [f64; 4] = [0.82, 0.91, 0.73, 0.84];

/// The held-out control set, written apart and never tuned on: the honest figure.
/// In the order of [`VALIDATION`].
const CONTROL: [f64; 4] = [0.87, 0.93, 0.81, 0.93];

fn corpus() -> Vec<Phrase> {
    read("tests/fixtures/sok/fraser.tsv")
}

fn read(path: &str) -> Vec<Phrase> {
    let text = std::fs::read_to_string(path).expect("the corpus");
    let mut hard = false;
    let mut out = Vec::new();
    for line in text.lines().skip(1) {
        if line.starts_with("# svåra") {
            hard = true;
        }
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let mut fields = line.split('\t');
        let (Some(phrase), Some(expected)) = (fields.next(), fields.next()) else {
            panic!("a line without two fields: {line}");
        };
        out.push(Phrase {
            text: phrase.to_string(),
            expected: expected
                .split('|')
                .map(|e| match e.split_once('/') {
                    Some((case_type, part)) => Expected {
                        case_type: case_type.to_string(),
                        part: Some(part.to_string()),
                    },
                    None => Expected {
                        case_type: e.to_string(),
                        part: None,
                    },
                })
                .collect(),
            hard,
        });
    }
    out
}

/// (recall@1, recall@3, misses) over the phrasings that are not marked hard.
fn recall(phrases: &[Phrase], level: Level) -> (f64, f64, Vec<String>) {
    let phrases: Vec<&Phrase> = phrases.iter().filter(|p| !p.hard).collect();
    let (mut at1, mut at3, mut misses) = (0, 0, Vec::new());
    for p in &phrases {
        let hits = search(&p.text, 3);
        let rank = hits
            .iter()
            .position(|h| p.expected.iter().any(|e| e.found_by(h, level)));
        match rank {
            Some(0) => {
                at1 += 1;
                at3 += 1;
            }
            Some(_) => at3 += 1,
            None => misses.push(format!(
                "{} → {:?} (väntat {:?})",
                p.text,
                hits.iter().map(Found::id).collect::<Vec<_>>(),
                p.expected.iter().map(Expected::id).collect::<Vec<_>>()
            )),
        }
    }
    let n = phrases.len() as f64;
    (f64::from(at1) / n, f64::from(at3) / n, misses)
}

impl Found {
    fn id(&self) -> String {
        match &self.part {
            Some(part) => format!("{}/{part}", self.case_type),
            None => self.case_type.clone(),
        }
    }
}

/// Measures `phrases` at `level`, prints the figures (and every miss when
/// `show_misses`: not for the control set, whose misses must not steer tuning), and
/// returns (recall@1, recall@3).
fn measure(name: &str, phrases: &[Phrase], level: Level, show_misses: bool) -> (f64, f64) {
    let (at1, at3, misses) = recall(phrases, level);
    let level_name = match level {
        Level::Arendetyp => "ärendetyp",
        Level::Delmoment => "delmoment eller ärendetyp",
    };
    println!(
        "{name}, {level_name}: recall@1 {:.1} %, recall@3 {:.1} %",
        at1 * 100.0,
        at3 * 100.0
    );
    if show_misses {
        for miss in &misses {
            println!("  miss: {miss}");
        }
    } else {
        println!("  {} misses (not shown: the set is held out)", misses.len());
    }
    (at1, at3)
}

#[test]
fn the_corpora_are_large_and_name_real_types_and_delmoment() {
    for (path, least) in [
        ("tests/fixtures/sok/fraser.tsv", 80),
        ("tests/fixtures/sok/kontroll.tsv", 100),
        ("tests/fixtures/sok/validering.tsv", 200),
    ] {
        let phrases = read(path);
        assert!(
            phrases.len() >= least,
            "{path}: {} phrasings",
            phrases.len()
        );
        for p in &phrases {
            for e in &p.expected {
                let typ = ENGINE.ruleset().arendetyp(&e.case_type);
                let Some(typ) = typ else {
                    panic!("{}: no ärendetyp `{}`", p.text, e.case_type);
                };
                if let Some(part) = &e.part {
                    assert!(
                        typ.units.iter().any(|u| u.part.as_ref() == Some(part)),
                        "{}: `{}` has no delmoment `{part}`",
                        p.text,
                        e.case_type
                    );
                }
            }
        }
    }
}

/// Recall@1 and @3 at ärendetyp level, then at delmoment-or-ärendetyp level, at least
/// `floors` (in that order); a held-out set's misses are not printed.
fn holds_its_floors(name: &str, phrases: &[Phrase], floors: [f64; 4], show_misses: bool) {
    let [at1_floor, at3_floor, part_at1_floor, part_at3_floor] = floors;
    let (at1, at3) = measure(name, phrases, Level::Arendetyp, show_misses);
    assert!(at1 >= at1_floor, "{name}: recall@1 {at1:.3} < {at1_floor}");
    assert!(at3 >= at3_floor, "{name}: recall@3 {at3:.3} < {at3_floor}");
    let (at1, at3) = measure(name, phrases, Level::Delmoment, show_misses);
    assert!(
        at1 >= part_at1_floor,
        "{name}: delmoment recall@1 {at1:.3} < {part_at1_floor}"
    );
    assert!(
        at3 >= part_at3_floor,
        "{name}: delmoment recall@3 {at3:.3} < {part_at3_floor}"
    );
}

#[test]
fn recall_on_the_validation_set() {
    let phrases = read("tests/fixtures/sok/validering.tsv");
    holds_its_floors("validation", &phrases, VALIDATION, false);
}

#[test]
fn recall_on_the_held_out_control_set() {
    let phrases = read("tests/fixtures/sok/kontroll.tsv");
    holds_its_floors("control", &phrases, CONTROL, false);
}

#[test]
fn recall_on_citizen_phrasings() {
    let floors = [RECALL_AT_1, RECALL_AT_3, PART_RECALL_AT_1, PART_RECALL_AT_3];
    holds_its_floors("tuning", &corpus(), floors, true);
}

#[test]
fn the_issue_example_puts_sophamtning_first() {
    let hits = ENGINE.search("när kommer sopbilen", 5);
    assert_eq!(hits[0].case_type, "sophamtning", "{hits:?}");
    assert_eq!(hits[0].matched, ["sopbilen"]);
}

#[test]
fn filler_words_alone_find_nothing() {
    assert!(ENGINE.search("hej jag undrar hur det är", 5).is_empty());
    assert!(ENGINE.search("", 5).is_empty());
}

/// Published in the README: how often a "säker" first hit is the right ärendetyp on
/// the tuning corpus, and on how many phrasings the first hit is "säker".
const SURE_PRECISION: f64 = 0.94;
const SURE_SHARE: f64 = 0.70;

#[test]
fn a_sure_first_hit_is_nearly_always_right() {
    let phrases: Vec<Phrase> = corpus().into_iter().filter(|p| !p.hard).collect();
    let (mut sure, mut right) = (0, 0);
    for p in &phrases {
        let hits = ENGINE.search(&p.text, 3);
        for (i, hit) in hits.iter().enumerate() {
            assert!(
                hit.strength == "möjlig" || (i == 0 && hit.strength == "säker"),
                "{}: {} is {}",
                p.text,
                hit.case_type,
                hit.strength
            );
        }
        if let Some(first) = hits.first().filter(|h| h.strength == "säker") {
            sure += 1;
            right += usize::from(p.expected.iter().any(|e| e.case_type == first.case_type));
        }
    }
    let precision = right as f64 / sure.max(1) as f64;
    let share = sure as f64 / phrases.len() as f64;
    println!(
        "säker: {sure} of {} first hits ({:.1} %), right {:.1} %",
        phrases.len(),
        share * 100.0,
        precision * 100.0
    );
    assert!(precision >= SURE_PRECISION, "precision {precision:.3}");
    assert!(share >= SURE_SHARE, "share {share:.3}");
}

/// The issue's calls that missed: now in the top 3.
#[test]
fn the_issue_calls_are_in_the_top_three() {
    for (words, expected) in [
        ("grannen eldar trädgårdsavfall", "eldning"),
        ("det sprutar vatten ur marken", "vattenlacka"),
    ] {
        let hits = search(words, 3);
        assert!(
            hits.iter().any(|h| h.case_type == expected),
            "{words}: {:?}",
            hits.iter().map(Found::id).collect::<Vec<_>>()
        );
    }
}

/// A hyphenated `sökord` is one word: "p-tillstånd" finds the parking permit, not
/// every unit with a "tillstånd".
#[test]
fn a_hyphenated_sokord_is_found_whole() {
    let hits = search("p-tillstånd rullstol", 3);
    assert_eq!(
        hits.first().map(|h| h.case_type.as_str()),
        Some("parkeringstillstand"),
        "{:?}",
        hits.iter().map(Found::id).collect::<Vec<_>>()
    );
}

/// Two ärendetyper, each found by "plats": one chose it alone as a `sökord`, the other
/// has it inside a phrase. The word chosen alone ranks first, whichever is likelier.
#[test]
fn a_word_of_a_phrase_weighs_less_than_a_word_chosen_alone() {
    let policy = r#"kundtjänst "Kontaktcenter" {
    kommun "Exempelkommun" kommunkod 1299
    kanaler telefon
    frekvensgräns 10 per månad
    reserv vidarekoppla till bygg kö "Växeln"
}
"#;
    let forvaltning = r#"förvaltning bygg "Samhällsbyggnad" {
    vidarekoppla kö "Bygglov"
    ärendetyp skola "Skolval" {
        rosa 1
        frekvens 900 per månad
        sökord "fick inte plats", "skolbyte"
    }
    ärendetyp bryggor "Båtbryggor" {
        rosa 1
        frekvens 20 per månad
        sökord "plats", "båtplats"
    }
}
"#;
    let mut sources = rosa::SourceMap::default();
    sources.add(rosa::SourceFile::new("kundtjanst.rosa", policy));
    sources.add(rosa::SourceFile::new("bygg.rosa", forvaltning));
    let ruleset =
        Ruleset::from_sources("fras", sources, vec![]).unwrap_or_else(|d| panic!("{}", d.render()));
    let hits = Engine::new(&ruleset).search("plats", 2);
    let order: Vec<&str> = hits.iter().map(|h| h.case_type.as_str()).collect();
    assert_eq!(order, ["bryggor", "skola"]);
}

/// Words written with å/ä/ö mean their a and o: "stod" is not "stöd", "grav" not
/// "gräv", "fäst" not "fast".
#[test]
fn a_query_with_swedish_letters_is_not_folded() {
    for (words, word, not) in [
        (
            "bilen stod på gatan hela natten",
            "stod",
            &[
                "sarskilt-stod",
                "anhorigstod",
                "lss",
                "missbruk",
                "socialpsykiatri",
            ][..],
        ),
        (
            "vem sköter graven på kyrkogården",
            "graven",
            &["gravtillstand", "gatuarbeten"][..],
        ),
        (
            "fäst skylten på fasaden",
            "fäst",
            &["fastighet-info", "lantmateri"][..],
        ),
    ] {
        for hit in ENGINE.search(words, 10) {
            assert!(
                !(not.contains(&hit.case_type.as_str()) && hit.matched.iter().any(|m| m == word)),
                "{words}: {} matched by {word}",
                hit.case_type
            );
        }
    }
}

/// A query without å/ä/ö is still folded, and a word as written ranks above one that
/// matches only folded.
#[test]
fn a_query_without_swedish_letters_is_folded_below_exact_matches() {
    let hits = search("snorojning", 3);
    assert_eq!(hits[0].case_type, "snorojning");
    let hits = search("sarskilt stod", 3);
    assert_eq!(hits[0].case_type, "sarskilt-stod");
    let exact = ENGINE.search("stod", 10);
    let folded = ENGINE.search("stöd", 10);
    assert!(!exact.is_empty() && !folded.is_empty());
    assert!(
        exact[0].score < folded[0].score,
        "stod {} ≥ stöd {}",
        exact[0].score,
        folded[0].score
    );
}

/// The form of the question chooses the delmoment in any kommun's ruleset: none of the
/// delmoment below shares a word with the queries, only what they are for.
#[test]
fn the_form_of_the_question_chooses_the_delmoment() {
    use rosa::{SourceFile, SourceMap};
    let text = "kundtjänst \"K\" {\n    kommun \"Liten\" kommunkod 9996\n    kanaler telefon\n    \
                frekvensgräns 10 per månad\n    reserv vidarekoppla till f\n}\n\
                förvaltning f \"Förvaltningen\" {\n    ärendetyp bredband \"Bredband och fiber\" {\n        \
                sökord \"bredband\", \"fiber\"\n        \
                delmoment villkor \"Priser och villkor\" { rosa 5 }\n        \
                delmoment handlaggning \"Handläggning av beställning\" { rosa 5 }\n        \
                delmoment beslut \"Beslut och överklagande\" { rosa 5 }\n    }\n}\n";
    let mut sources = SourceMap::default();
    sources.add(SourceFile::new("liten.rosa", text));
    let ruleset = Ruleset::from_sources(".", sources, vec![]).unwrap_or_else(|d| panic!("{d:?}"));
    let engine = Engine::new(&ruleset);
    for (words, part) in [
        ("vad kostar fiber", "villkor"),
        ("hur går det med vår fiber", "handlaggning"),
        ("vi fick avslag på fibern", "beslut"),
    ] {
        let hits = engine.search(words, 3);
        assert_eq!(hits[0].part.as_deref(), Some(part), "{words}: {hits:?}");
    }
    assert_eq!(
        engine.search("fiber", 3)[0].part,
        None,
        "no intent, no delmoment"
    );
}

/// A word no ärendetyp has finds one through its thesaurus synonyms ("klubb" is a
/// "förening", a part of "föreningsbidrag"), below a word the ruleset has, and the hit
/// shows the word as typed. A word the ruleset has is not looked up there.
#[test]
fn an_unknown_word_is_found_through_the_thesaurus() {
    use rosa::{SourceFile, SourceMap};
    let text = "kundtjänst \"K\" {\n    kommun \"Liten\" kommunkod 9996\n    kanaler telefon\n    \
                frekvensgräns 10 per månad\n    reserv vidarekoppla till f\n}\n\
                förvaltning f \"Förvaltningen\" {\n    \
                ärendetyp bidrag \"Föreningsbidrag\" { rosa 5 }\n    \
                ärendetyp bygglov \"Bygglov\" { rosa 5 }\n}\n";
    let mut sources = SourceMap::default();
    sources.add(SourceFile::new("liten.rosa", text));
    let ruleset = Ruleset::from_sources(".", sources, vec![]).unwrap_or_else(|d| panic!("{d:?}"));
    let engine = Engine::new(&ruleset);
    let hits = engine.search("pengar till vår klubb", 3);
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(hits[0].case_type, "bidrag");
    assert_eq!(hits[0].matched, ["klubb"]);
    let direct = engine.search("föreningen", 3);
    assert!(direct[0].score > hits[0].score, "{direct:?} {hits:?}");
    assert!(
        engine
            .search("bygget", 3)
            .iter()
            .all(|h| h.case_type == "bygglov")
    );
}

/// The README's table ("Finding the ärendetyp") publishes what these sets measure: each
/// row's four figures are recall@1 and @3 at ärendetyp level, then at
/// delmoment-or-ärendetyp level, as printed here.
#[test]
fn the_readme_publishes_what_the_sets_measure() {
    let readme = std::fs::read_to_string("README.md").expect("the README");
    // The halves are of the phrasings measured, those not marked hard.
    let tuning: Vec<Phrase> = corpus().into_iter().filter(|p| !p.hard).collect();
    let (first, second) = tuning.split_at(tuning.len() / 2);
    let rows: [(&str, &[Phrase]); 5] = [
        ("| tuning set (", &tuning),
        ("| of which the first half |", first),
        ("| of which the second half |", second),
        (
            "| validation set (",
            &read("tests/fixtures/sok/validering.tsv"),
        ),
        (
            "| held-out control set (",
            &read("tests/fixtures/sok/kontroll.tsv"),
        ),
    ];
    for (start, phrases) in rows {
        let row = readme
            .lines()
            .find(|l| l.starts_with(start))
            .unwrap_or_else(|| panic!("no README row starting {start:?}"));
        let (a1, a3, _) = recall(phrases, Level::Arendetyp);
        let (d1, d3, _) = recall(phrases, Level::Delmoment);
        let figures = [a1, a3, d1, d3].map(|r| format!("| {:.1} % ", r * 100.0));
        let published: String = figures.concat();
        assert!(
            row.contains(&published),
            "README row {start:?} should end in {published:?}: {row}"
        );
    }
}
