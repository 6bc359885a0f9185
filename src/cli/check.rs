//! `rosa check` and `rosa fmt`.

use super::{EXIT_PROBLEMS, EXIT_USAGE, Format, count, exit_for, ruleset_dir};
use rosa::Diagnostics;
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
    /// Behandla varningar som fel (avslutar med 1)
    #[arg(long)]
    deny_warnings: bool,
}

pub(super) fn run(args: Args) -> u8 {
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

pub(super) fn summary(r: &rosa::Ruleset) -> String {
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
pub(super) struct FmtArgs {
    /// Katalogen med regelfilerna, eller en enda `.rosa`-fil, eller `-` för att läsa en
    /// regelfil från stdin och skriva den formaterad till stdout (standard: den aktuella
    /// katalogen eller exempelkommunen)
    #[arg(value_name = "KATALOG")]
    dir: Option<PathBuf>,
    /// Ändra inget; avsluta med 1 om någon fil inte är formaterad
    #[arg(long)]
    check: bool,
    /// Ändra inget; visa vad formateringen skulle ändra i varje fil (unified diff) och
    /// avsluta med 1 om någon fil skulle ändras
    #[arg(long)]
    diff: bool,
}

/// The name a rule file read from stdin goes by in diagnostics and diffs.
const STDIN_NAME: &str = "<stdin>";

/// The most `rosa fmt -` reads from stdin, as for a rule file on disk (4 MiB).
const MAX_STDIN_BYTES: u64 = 4 * 1024 * 1024;

pub(super) fn fmt(args: FmtArgs) -> u8 {
    if args.dir.as_deref() == Some(std::path::Path::new("-")) {
        return fmt_stdin(&args);
    }
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
        if args.diff {
            out!(
                "{}",
                unified_diff(&shown_path(root, file), &file.text, &formatted)
            );
            unformatted += 1;
        } else if args.check {
            outln!("inte formaterad: {path}");
            unformatted += 1;
        } else if let Err(refusal) = rosa::write_file(&root.join(&file.path), formatted.as_bytes())
        {
            eprintln!("fel: filen {path} {}", refusal.reason());
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
    if args.diff && unformatted > 0 {
        eprintln!(
            "{} skulle ändras av `rosa fmt`",
            count(unformatted, "fil", "filer")
        );
    }
    if unformatted > 0 { EXIT_PROBLEMS } else { 0 }
}

/// `rosa fmt -`: one rule file from stdin, formatted to stdout (or, with `--check` or
/// `--diff`, only told whether and how it would change).
fn fmt_stdin(args: &FmtArgs) -> u8 {
    use std::io::Read;
    let mut bytes = Vec::new();
    if let Err(e) = std::io::stdin()
        .lock()
        .take(MAX_STDIN_BYTES + 1)
        .read_to_end(&mut bytes)
    {
        eprintln!("fel: kunde inte läsa stdin: {e}");
        return EXIT_USAGE;
    }
    let problem = |d: rosa::Diagnostic| {
        let d = Diagnostics::new(vec![d], rosa::SourceMap::default());
        eprint!("{}", d.render());
        EXIT_PROBLEMS
    };
    if bytes.len() as u64 > MAX_STDIN_BYTES {
        return problem(
            rosa::Diagnostic::for_path(
                rosa::Code::Unreadable,
                STDIN_NAME,
                "texten är större än gränsen 4 MiB för en regelfil",
            )
            .help("en regelfil är text för människor; dela upp den i flera filer"),
        );
    }
    let Ok(text) = String::from_utf8(bytes) else {
        return problem(
            rosa::Diagnostic::for_path(rosa::Code::Unreadable, STDIN_NAME, "texten är inte UTF-8")
                .help("spara filen som UTF-8 (de flesta editorer har det som val när man sparar)"),
        );
    };
    let mut sources = rosa::SourceMap::default();
    let id = sources.add(rosa::SourceFile::new(STDIN_NAME, text));
    let text = &sources.get(id).text;
    let formatted = match rosa::format_source(id, text) {
        Ok(f) => f,
        Err(d) => {
            let d = Diagnostics::new(vec![*d], sources);
            eprint!("{}", d.render());
            return EXIT_PROBLEMS;
        }
    };
    let changed = formatted != *text;
    if args.diff {
        if changed {
            out!("{}", unified_diff(STDIN_NAME, text, &formatted));
        }
    } else if args.check {
        if changed {
            outln!("inte formaterad: {STDIN_NAME}");
        }
    } else {
        out!("{formatted}");
        return 0;
    }
    if changed { EXIT_PROBLEMS } else { 0 }
}

/// The file's path as the author named it on the command line (`min-kommun/bygg.rosa`),
/// so that the diff's headers say which file and `patch -p0` can apply it.
fn shown_path(root: &std::path::Path, file: &rosa::SourceFile) -> String {
    let path = rosa::SourceFile::new(root.join(&file.path), "").display_path();
    match path.strip_prefix("./") {
        Some(rest) => rest.to_string(),
        None => path,
    }
}

/// A unified diff (three lines of context) from `before` to `after`, both headers
/// naming `path`.
fn unified_diff(path: &str, before: &str, after: &str) -> String {
    similar::TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(3)
        .header(path, path)
        .missing_newline_hint(true)
        .to_string()
}
