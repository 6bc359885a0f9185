//! `rosa test`: the agreement, pinned by the förvaltning's own tests.

use super::{EXIT_PROBLEMS, Format, count, load_or_report, ruleset_dir};
use rosa::run_tests;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub(super) struct Args {
    /// Katalogen med regelfilerna, eller en enda `.rosa`-fil (standard: den aktuella
    /// katalogen eller exempelkommunen)
    #[arg(value_name = "KATALOG")]
    dir: Option<PathBuf>,
    /// Utdataformat: text för människor, json för andra program
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub(super) fn run(args: Args) -> u8 {
    let ruleset = match load_or_report(&match ruleset_dir(args.dir) {
        Ok(d) => d,
        Err(code) => return code,
    }) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let engine = rosa::Engine::new(&ruleset);
    let results = run_tests(&engine);
    let failed = results.iter().filter(|r| !r.passed).count();
    let passed = results.len() - failed;
    match args.format {
        Format::Json => {
            let report =
                serde_json::json!({ "passed": passed, "failed": failed, "results": results });
            outln!(
                "{}",
                serde_json::to_string_pretty(&report).unwrap_or_default()
            );
        }
        Format::Text => {
            for r in &results {
                if r.passed {
                    outln!("ok      {} ({})", r.name, r.location);
                } else {
                    let target = |f: &Option<String>| {
                        f.as_ref().map(|f| format!(" till {f}")).unwrap_or_default()
                    };
                    outln!(
                        "FEL     {} ({})\n        förväntat {}{}, fick {}{}{}",
                        r.name,
                        r.location,
                        r.expected.keyword(),
                        target(&r.expected_forvaltning),
                        r.got.keyword(),
                        target(&r.got_forvaltning),
                        r.explanation
                            .iter()
                            .map(|line| format!("\n          {line}"))
                            .collect::<String>()
                    );
                }
            }
            outln!(
                "{} gick igenom, {} misslyckades",
                count(passed, "test", "tester"),
                failed
            );
        }
    }
    if failed > 0 { EXIT_PROBLEMS } else { 0 }
}
