//! `rosa check` and `rosa fmt`.

use super::{EXIT_PROBLEMS, EXIT_USAGE, Format, count, exit_for, ruleset_dir};
use rosa::Diagnostics;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Katalogen med regelfilerna, eller en enda `.rosa`-fil (standard: den aktuella
    /// katalogen eller exempelkommunen)
    #[arg(value_name = "KATALOG")]
    dir: Option<PathBuf>,
    /// Utdataformat: text för människor, json för andra program
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    /// Behandla varningar som fel (avslutar med 1)
    #[arg(long)]
    deny_warnings: bool,
}

pub fn run(args: Args) -> u8 {
    let dir = match ruleset_dir(args.dir) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let (summary, diagnostics) = match rosa::Ruleset::load(&dir) {
        Ok(ruleset) => (Some(summary(&ruleset)), ruleset.warnings().clone()),
        Err(diagnostics) => (None, diagnostics),
    };
    match args.format {
        Format::Text => print_text(summary.as_deref(), &diagnostics),
        Format::Json => print_json(&diagnostics),
    }
    if diagnostics.has_errors() {
        exit_for(&diagnostics, &dir)
    } else if args.deny_warnings && diagnostics.warnings() > 0 {
        EXIT_PROBLEMS
    } else {
        0
    }
}

fn print_text(summary: Option<&str>, diagnostics: &Diagnostics) {
    for d in &diagnostics.items {
        let mut out = String::new();
        diagnostics.render_one(d, &mut out);
        outln!("{out}");
    }
    match summary {
        Some(s) if diagnostics.items.is_empty() => outln!("ok: {s}"),
        Some(s) => outln!("{}; {s}", diagnostics.summary()),
        None => outln!(
            "{}: regeluppsättningen laddades inte",
            diagnostics.summary()
        ),
    }
}

fn print_json(diagnostics: &Diagnostics) {
    let report = serde_json::json!({
        "errors": diagnostics.errors(),
        "warnings": diagnostics.warnings(),
        "diagnostics": diagnostics.records(),
    });
    outln!(
        "{}",
        serde_json::to_string_pretty(&report).unwrap_or_default()
    );
}

pub fn summary(r: &rosa::Ruleset) -> String {
    let units: usize = r.arendetyper().iter().map(|t| t.units.len()).sum();
    format!(
        "{} ({}), {}, {}, {} (ärendetyper och delmoment som avgörs var för sig), {}, {}, id {}",
        r.policy().kommun,
        r.policy().kommunkod,
        count(r.forvaltningar().len(), "förvaltning", "förvaltningar"),
        count(r.arendetyper().len(), "ärendetyp", "ärendetyper"),
        count(units, "beslutsenhet", "beslutsenheter"),
        count(r.rules().len(), "regel", "regler"),
        count(r.tests().len(), "test", "tester"),
        r.short_id()
    )
}

#[derive(clap::Args, Debug)]
pub struct FmtArgs {
    /// Katalogen med regelfilerna, eller en enda `.rosa`-fil (standard: den aktuella
    /// katalogen eller exempelkommunen)
    #[arg(value_name = "KATALOG")]
    dir: Option<PathBuf>,
    /// Ändra inget; avsluta med 1 om någon fil inte är formaterad
    #[arg(long)]
    check: bool,
}

pub fn fmt(args: FmtArgs) -> u8 {
    let dir = match ruleset_dir(args.dir) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let (sources, problems) = rosa::SourceMap::read_dir(&dir);
    if !problems.is_empty() {
        let d = Diagnostics::new(problems, sources);
        eprint!("{}", d.render());
        return exit_for(&d, &dir);
    }
    // Paths in `sources` are relative to the ruleset's root (a single file's directory).
    let root = rosa::ruleset_root(&dir);
    let mut unformatted = 0;
    let mut failed = Vec::new();
    for (id, file) in sources.files() {
        let formatted = match rosa::format_source(id, &file.text) {
            Ok(f) => f,
            Err(d) => {
                failed.push(*d);
                continue;
            }
        };
        if formatted == file.text {
            continue;
        }
        let path = file.display_path();
        if args.check {
            outln!("inte formaterad: {path}");
            unformatted += 1;
        } else if let Err(e) = std::fs::write(root.join(&file.path), formatted) {
            eprintln!("fel: kunde inte skriva {path}: {e}");
            return EXIT_USAGE;
        } else {
            outln!("formaterade {path}");
        }
    }
    if !failed.is_empty() {
        let d = Diagnostics::new(failed, sources);
        eprint!("{}", d.render());
        return EXIT_PROBLEMS;
    }
    if unformatted > 0 { EXIT_PROBLEMS } else { 0 }
}
