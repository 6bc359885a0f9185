//! What the README and the integrator guide quote is what the code prints, so the
//! docs cannot drift from the code.

use rosa::{Attributes, Engine, Inquiry, Ruleset};
use std::sync::LazyLock;

static EXAMPLE: LazyLock<Ruleset> =
    LazyLock::new(|| Ruleset::load("rulesets/exempelkommun").unwrap_or_else(|d| panic!("{d}")));

/// The first fenced block of `lang` after `heading` in a Markdown file.
fn block_after(path: &str, heading: &str, lang: &str) -> String {
    let text = std::fs::read_to_string(path).expect("read the doc");
    let start = text
        .find(heading)
        .unwrap_or_else(|| panic!("{path}: no `{heading}`"));
    let fence = format!("```{lang}\n");
    let open = start + text[start..].find(&fence).expect("a fenced block") + fence.len();
    let close = open + text[open..].find("```").expect("a closing fence");
    text[open..close].to_string()
}

#[test]
fn the_integration_guide_shows_a_real_decision() {
    let quoted: serde_json::Value = serde_json::from_str(&block_after(
        "docs/integration.md",
        "### The decision",
        "json",
    ))
    .expect("the quoted decision is JSON");
    let engine = Engine::new(&EXAMPLE);
    let attributes = Attributes::new().with("belopp", 12000);
    let inquiry = Inquiry::new("va-faktura")
        .part("avbetalning")
        .channel("telefon")
        .attributes(&attributes);
    let actual = serde_json::to_value(engine.decide_record(&inquiry)).expect("serialises");
    assert_eq!(quoted, actual);
}

#[test]
fn the_readme_dry_run_excerpt_is_what_the_dry_run_prints() {
    let excerpt = block_after(
        "README.md",
        "Excerpt of `cargo run --release -- dry-run",
        "",
    );
    let options = rosa::dryrun::Options {
        log: Some("rulesets/exempelkommun/logg/2026.csv".into()),
        ..Default::default()
    };
    let report = rosa::dryrun::run(&EXAMPLE, &options).expect("the dry-run runs");
    let printed = rosa::dryrun::text(&report.into());
    let printed: Vec<&str> = printed.lines().map(str::trim_end).collect();
    let mut quoted = 0;
    for line in excerpt.lines().map(str::trim_end) {
        if line.is_empty() || line == "..." {
            continue;
        }
        assert!(
            printed.contains(&line),
            "README quotes a line the dry-run does not print:\n{line}"
        );
        quoted += 1;
    }
    assert!(quoted > 10, "the excerpt has {quoted} lines");
}
