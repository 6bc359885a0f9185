//! The Swedish calendar in the rule language: the policy's `stängt` says which days
//! kundtjänst keeps closed, and the condition `helgdag` is true on them.

use rosa::calendar::DaysOff;
use rosa::{Engine, Inquiry, Outcome, Ruleset, SourceFile, SourceMap};

/// A small ruleset whose policy has `policy_line` (if any), and one ärendetyp that is
/// forwarded on a day off and answered directly otherwise.
fn ruleset(policy_line: &str) -> Result<Ruleset, rosa::Diagnostics> {
    let policy = format!(
        r#"kundtjänst "Kontaktcenter" {{
    kommun "Exempelkommun" kommunkod 1299
    kanaler telefon, e-post
    frekvensgräns 10 per månad
    reserv vidarekoppla till bygg kö "Växeln"
    {policy_line}
}}
"#
    );
    let forvaltning = r#"förvaltning bygg "Samhällsbyggnad" {
    vidarekoppla kö "Bygglov"
    ärendetyp oppettider "Öppettider" {
        rosa 1
        frekvens 60 per månad
        om `helgdag` => vidarekoppla
    }
}
"#;
    let mut sources = SourceMap::default();
    sources.add(SourceFile::new("kundtjanst.rosa", policy));
    sources.add(SourceFile::new("bygg.rosa", forvaltning));
    Ruleset::from_sources("kalender", sources, vec![])
}

fn days_off(policy_line: &str) -> DaysOff {
    ruleset(policy_line)
        .unwrap_or_else(|d| panic!("{}", d.render()))
        .policy()
        .days_off
}

fn refusal(policy_line: &str) -> String {
    ruleset(policy_line)
        .expect_err("the policy line is wrong")
        .render()
}

#[test]
fn without_stangt_holidays_and_all_three_aftnar_are_closed() {
    assert_eq!(days_off(""), DaysOff::ALL);
}

#[test]
fn stangt_closes_exactly_the_days_named() {
    let days = days_off("stängt helgdagar, nyarsafton");
    assert_eq!(
        days,
        DaysOff {
            public_holidays: true,
            midsommarafton: false,
            julafton: false,
            nyarsafton: true,
        }
    );
    assert_eq!(days_off("stangt aftnar, helgdagar"), DaysOff::ALL);
    assert_eq!(days_off("stängt inga"), DaysOff::NONE);
    assert_eq!(
        days_off("stängt julafton"),
        DaysOff {
            julafton: true,
            ..DaysOff::NONE
        }
    );
}

#[test]
fn an_unknown_day_or_inga_with_others_is_refused_in_swedish() {
    let text = refusal("stängt helgdagar, påskafton");
    assert!(
        text.contains("`stängt` känner inte dagen `påskafton`"),
        "{text}"
    );
    let text = refusal("stängt julaftn");
    assert!(text.contains("Menade du `julafton`?"), "{text}");
    let text = refusal("stängt inga, julafton");
    assert!(text.contains("`stängt inga` står ensamt"), "{text}");
    let text = refusal("stängt helgdagar\n    stängt julafton");
    assert!(text.contains("`stängt` står två gånger"), "{text}");
}

#[test]
fn fmt_writes_the_swedish_spelling() {
    let source = "kundtjänst \"K\" {\n    stangt   helgdagar,nyarsafton\n}\n";
    let formatted = rosa::format_source(0, source).expect("parses");
    assert!(
        formatted.contains("    stängt helgdagar, nyårsafton\n"),
        "{formatted}"
    );
}

fn outcome(ruleset: &Ruleset, time: &str) -> Outcome {
    let engine = Engine::new(ruleset);
    let inquiry = Inquiry::new("oppettider").channel("telefon").time(time);
    engine.decide(&inquiry).outcome
}

#[test]
fn helgdag_is_true_on_holidays_and_closed_aftnar_in_swedish_time() {
    let ruleset = ruleset("").expect("loads");
    // Långfredagen 2026, and midsommarafton.
    assert_eq!(outcome(&ruleset, "2026-04-03T10:00"), Outcome::Forwarded);
    assert_eq!(outcome(&ruleset, "2026-06-19T10:00"), Outcome::Forwarded);
    // An ordinary Thursday, and a Saturday that is no holiday.
    assert_eq!(outcome(&ruleset, "2026-04-02T10:00"), Outcome::Kundtjanst);
    assert_eq!(outcome(&ruleset, "2026-04-11T10:00"), Outcome::Kundtjanst);
    // 23:30 UTC on 31 December is nyårsdagen in Stockholm; 22:30 UTC on 23 December
    // is still 23 December.
    assert_eq!(outcome(&ruleset, "2026-12-31T23:30Z"), Outcome::Forwarded);
    assert_eq!(outcome(&ruleset, "2026-12-23T22:30Z"), Outcome::Kundtjanst);
}

#[test]
fn helgdag_follows_the_policys_aftnar() {
    let open_julafton = ruleset("stängt helgdagar, midsommarafton, nyårsafton").expect("loads");
    assert_eq!(
        outcome(&open_julafton, "2026-12-24T10:00"),
        Outcome::Kundtjanst
    );
    assert_eq!(
        outcome(&open_julafton, "2026-12-25T10:00"),
        Outcome::Forwarded
    );
    let nothing_closed = ruleset("stängt inga").expect("loads");
    assert_eq!(
        outcome(&nothing_closed, "2026-12-25T10:00"),
        Outcome::Kundtjanst
    );
}

#[test]
fn helgdag_without_a_time_forwards_with_the_reason() {
    let ruleset = ruleset("").expect("loads");
    let engine = Engine::new(&ruleset);
    let decision = engine.decide(&Inquiry::new("oppettider").channel("telefon"));
    assert_eq!(decision.outcome, Outcome::Forwarded);
    let error = decision.error.expect("the condition could not be tried");
    assert!(
        matches!(
            error,
            rosa::DecisionError::Condition {
                reason: rosa::model::EvalError::MissingTime,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(error.to_string().contains("saknar tid"), "{error}");
}

/// `per dag` in the rule language is a 250th of a year (`lang::WORKING_DAYS_PER_YEAR`),
/// a fixed definition so that a declared frequency means the same every year. The
/// calendar keeps it honest: every year from 1990 to 2100 has 249–254 working days
/// (weekdays that are not holidays or aftnar), 251 on average.
#[test]
fn the_languages_250_working_days_fit_every_year() {
    use jiff::civil::date;
    let days: Vec<u32> = (1990..=2100)
        .map(|year| {
            rosa::calendar::working_days(date(year, 1, 1), date(year, 12, 31), &DaysOff::ALL)
        })
        .collect();
    let (least, most) = (days.iter().min(), days.iter().max());
    assert_eq!((least, most), (Some(&249), Some(&254)));
    let mean = f64::from(days.iter().sum::<u32>()) / days.len() as f64;
    assert!(
        (mean - rosa::lang::WORKING_DAYS_PER_YEAR).abs() < 1.5,
        "{mean}"
    );
}
