//! The `rosa` command line: thin verbs over the library.

/// `print!` to stdout, but a closed pipe (`rosa … | head`) ends the program quietly
/// instead of panicking.
macro_rules! out {
    ($($arg:tt)*) => { $crate::cli::write_stdout(format_args!($($arg)*)) };
}

/// `println!` with the same care as [`out!`].
macro_rules! outln {
    ($($arg:tt)*) => { $crate::cli::write_stdout(format_args!("{}\n", format_args!($($arg)*))) };
}

mod check;
mod decide;
mod dryrun;
mod export;
mod followup;
mod help;
mod import;
mod lsp;
mod new;
mod search;
mod serve;
mod studio;
mod test;

use clap::{Parser, Subcommand, ValueEnum};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The example kommun, used when no directory is given and the current one has no rules.
pub(crate) const DEFAULT_RULESET: &str = "rulesets/exempelkommun";

/// `0.1.0 (abc1234)`: the commit tells which rules engine an answer came from.
pub(crate) const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (",
    env!("ROSA_GIT_COMMIT"),
    ")"
);

#[derive(Parser, Debug)]
#[command(
    name = "rosa",
    version = VERSION,
    about = "ROSA-regelmotor för kommunens kundtjänst",
    after_help = "Exempel:\n  rosa new min-kommun --kommun \"Min kommun\" --kommunkod 1234\n  rosa check min-kommun\n\nUtan KATALOG används den aktuella katalogen om den har `.rosa`-filer, annars exempelkommunen.",
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Skapa en ny, liten regeluppsättning att börja från
    #[command(
        after_help = "Exempel:\n  rosa new min-kommun --kommun \"Min kommun\" --kommunkod 1234"
    )]
    New(new::Args),
    /// Kontrollera en regeluppsättning och visa alla fel och varningar
    #[command(
        after_help = "Exempel:\n  rosa check rulesets/exempelkommun\n  rosa check min-kommun/bygg.rosa --format json"
    )]
    Check(check::Args),
    /// Formatera regelfilerna i en kanonisk layout (kommentarer behålls)
    #[command(
        after_help = "Exempel:\n  rosa fmt min-kommun                  # skriver om filerna\n  rosa fmt --check min-kommun          # ändrar inget; utgång 1 om någon fil inte är formaterad\n  rosa fmt --diff min-kommun           # ändrar inget; visar ändringarna som diff, utgång 1 om någon fil skulle ändras\n  rosa fmt - < bygg.rosa > ny.rosa     # läser en regelfil från stdin och skriver den formaterad till stdout"
    )]
    Fmt(check::FmtArgs),
    /// Avgör en fråga (eller JSON Lines från stdin med --stdin)
    #[command(
        after_help = "Exempel:\n  rosa decide rulesets/exempelkommun --case bygglov-status --channel telefon --explain"
    )]
    Decide(decide::Args),
    /// Kör testerna som står i regeluppsättningen
    #[command(after_help = "Exempel:\n  rosa test min-kommun")]
    Test(test::Args),
    /// Hitta ärendetypen från medborgarens ord, t.ex. `rosa search när kommer sopbilen`
    Search(search::Args),
    /// Provkör utfallet: andel, arbetstid, bemanning och system (deklarerat eller från en logg)
    #[command(
        after_help = "Exempel:\n  rosa dry-run rulesets/exempelkommun\n  rosa dry-run min-kommun --log arenden.csv --format html --out rapport.html"
    )]
    DryRun(dryrun::Args),
    /// Läs in kommunens tjänsteurval (Excel eller CSV) som en ny regeluppsättning
    #[command(
        after_help = "Exempel:\n  rosa import tjansteurval.xlsx --out min-kommun --kommun \"Min kommun\" --kommunkod 1234\n  rosa import lista.csv --out min-kommun --column ROSA=E\n  rosa import andrad.xlsx --out ny --compare min-kommun"
    )]
    Import(import::Args),
    /// Skriv regeluppsättningen som ett tjänsteurval i Excel, att redigera och läsa in igen
    #[command(
        after_help = "Exempel:\n  rosa export rulesets/exempelkommun --format xlsx --out tjansteurval.xlsx"
    )]
    Export(export::ExportArgs),
    /// Skriv en realistisk ärendelogg för en regeluppsättning
    #[command(
        after_help = "Exempel:\n  rosa generate-log rulesets/exempelkommun --out arenden.csv"
    )]
    GenerateLog(dryrun::GenerateArgs),
    /// Följ upp efter start: vad beslutsloggarna visar per månad och förvaltning, mot målet, prognosen och finansieringen
    #[command(
        name = "uppföljning",
        alias = "uppfoljning",
        after_help = "Exempel:\n  rosa uppföljning rulesets/exempelkommun --log loggar/\n  rosa uppfoljning min-kommun --log 'loggar/beslut*.jsonl*' --tidigare min-kommun-v1 --format html --out uppfoljning.html"
    )]
    Followup(followup::Args),
    /// Servera beslut över HTTP (JSON) för ärendesystemen, med omladdning av reglerna
    #[command(after_help = "Exempel:\n  rosa serve rulesets/exempelkommun --addr 127.0.0.1:8080")]
    Serve(serve::Args),
    /// Öppna studion: överenskommelsen, prova beslut och redigera reglerna i webbläsaren
    #[command(after_help = "Exempel:\n  rosa studio min-kommun --open")]
    Studio(studio::Args),
    /// Starta språkservern (LSP) för editorer: fel medan du skriver, formatering, förklaringar och komplettering
    #[command(
        after_help = "Editorn startar språkservern och talar med den över stdin och stdout; du startar den inte själv.\nSe editors/vscode/README.md för VS Code, Neovim och Helix.\n\nExempel (i editorns inställningar):\n  rosa lsp"
    )]
    Lsp(lsp::Args),
    /// Skriv kompletteringar för skalet (bash, zsh, fish, elvish, powershell)
    #[command(
        after_help = "Exempel:\n  rosa completions bash > ~/.local/share/bash-completion/completions/rosa"
    )]
    Completions(CompletionsArgs),
    /// Skriv manualsidan (man-format) för rosa
    #[command(after_help = "Exempel:\n  rosa man > rosa.1 && man ./rosa.1")]
    Man,
}

#[derive(clap::Args, Debug)]
struct CompletionsArgs {
    /// Skalet
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) enum Format {
    #[default]
    Text,
    Json,
}

/// `--format` of the commands that write a report (`dry-run`, `uppföljning`).
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) enum ReportFormat {
    #[default]
    Table,
    Json,
    Csv,
    Md,
    Html,
    Xlsx,
}

impl From<ReportFormat> for rosa::dryrun::ReportFormat {
    fn from(format: ReportFormat) -> Self {
        match format {
            ReportFormat::Table => Self::Text,
            ReportFormat::Json => Self::Json,
            ReportFormat::Csv => Self::Csv,
            ReportFormat::Md => Self::Markdown,
            ReportFormat::Html => Self::Html,
            ReportFormat::Xlsx => Self::Xlsx,
        }
    }
}

/// Exit codes: 0 fine, 1 problems found in the rule files or input, 2 rosa could not
/// run (bad arguments, a missing directory, a file it may not read).
pub(crate) const EXIT_PROBLEMS: u8 = 1;
pub(crate) const EXIT_USAGE: u8 = 2;

/// The ruleset a command works on: the one given, else the current directory if it
/// holds `.rosa` files, else the example kommun. Says on stderr which it chose, since
/// the author did not.
fn ruleset_dir(dir: Option<PathBuf>) -> Result<PathBuf, u8> {
    if let Some(dir) = dir {
        return Ok(dir);
    }
    let chosen = if has_rule_files(Path::new(".")) {
        PathBuf::from(".")
    } else if Path::new(DEFAULT_RULESET).is_dir() {
        PathBuf::from(DEFAULT_RULESET)
    } else {
        eprintln!(
            "fel: ingen regelkatalog angavs, den aktuella katalogen har inga `.rosa`-filer \
             och exempelkommunen (`{DEFAULT_RULESET}`) finns inte här\n\
             hjälp: ange katalogen, t.ex. `rosa check min-kommun`, eller skapa en ny med \
             `rosa new min-kommun`"
        );
        return Err(EXIT_USAGE);
    };
    eprintln!("använder regelkatalogen {}", chosen.display());
    Ok(chosen)
}

fn has_rule_files(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries
            .flatten()
            .any(|e| e.path().extension().is_some_and(|x| x == "rosa"))
    })
}

/// `1 regel`, `2 regler`: Swedish counts read wrong with the wrong form.
pub(crate) fn count(n: usize, singular: &str, plural: &str) -> String {
    format!("{n} {}", if n == 1 { singular } else { plural })
}

pub(crate) fn run() -> ExitCode {
    let cli = match help::parse() {
        Ok(cli) => cli,
        Err(code) => return ExitCode::from(code),
    };
    let code = match cli.command {
        Command::New(args) => new::run(args),
        Command::Check(args) => check::run(args),
        Command::Fmt(args) => check::fmt(args),
        Command::Decide(args) => decide::run(args),
        Command::Test(args) => test::run(args),
        Command::Search(args) => search::run(args),
        Command::DryRun(args) => dryrun::run(args),
        Command::GenerateLog(args) => dryrun::generate_log(args),
        Command::Followup(args) => followup::run(args),
        Command::Import(args) => import::run(args),
        Command::Export(args) => export::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Studio(args) => studio::run(args),
        Command::Lsp(args) => lsp::run(args),
        Command::Completions(args) => {
            // Into a buffer first: clap_complete panics on a closed pipe (`| head`).
            let mut script = Vec::new();
            clap_complete::generate(args.shell, &mut help::command(), "rosa", &mut script);
            out!("{}", String::from_utf8_lossy(&script));
            0
        }
        Command::Man => man(),
    };
    ExitCode::from(code)
}

/// The man page, from the same definition as `--help`.
fn man() -> u8 {
    let mut page = Vec::new();
    match clap_mangen::Man::new(help::command()).render(&mut page) {
        Ok(()) => {
            out!("{}", String::from_utf8_lossy(&page));
            0
        }
        Err(e) => {
            eprintln!("fel: kunde inte skriva manualsidan: {e}");
            EXIT_USAGE
        }
    }
}

/// Write to stdout with every control character from rule files or logs made visible
/// ([`rosa::terminal_safe`]).
pub(crate) fn write_stdout(args: std::fmt::Arguments) {
    use std::io::Write;
    let text = match args.as_str() {
        Some(text) => std::borrow::Cow::Borrowed(text),
        None => std::borrow::Cow::Owned(args.to_string()),
    };
    let safe = rosa::terminal_safe(&text);
    if let Err(e) = std::io::stdout().lock().write_all(safe.as_bytes()) {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("fel: kunde inte skriva till stdout: {e}");
            std::process::exit(i32::from(EXIT_USAGE));
        }
        std::process::exit(0);
    }
}

/// `--csv-plain`: `,` and a decimal point for programs; else CSV for Swedish Excel.
fn csv_dialect(plain: bool) -> rosa::dryrun::CsvDialect {
    if plain {
        rosa::dryrun::CsvDialect::Plain
    } else {
        rosa::dryrun::CsvDialect::SwedishExcel
    }
}

/// A report in `format` to `--out`, else to stdout; exit 2 when it cannot be made or
/// written.
fn write_report(
    report: &impl rosa::dryrun::Render,
    format: ReportFormat,
    dialect: rosa::dryrun::CsvDialect,
    out: Option<&Path>,
) -> u8 {
    let format = rosa::dryrun::ReportFormat::from(format);
    match report.render(format, dialect) {
        Ok(bytes) if format.is_binary() => write_bytes(out, &bytes),
        Ok(bytes) => write_out(out, &String::from_utf8_lossy(&bytes)),
        Err(e) => {
            eprintln!("fel: {e}");
            EXIT_USAGE
        }
    }
}

/// The workbook to `path`; to stdout only when stdout is not a terminal (a pipe or a
/// file), since a zip archive on a terminal is noise and can upset it.
fn write_bytes(path: Option<&Path>, bytes: &[u8]) -> u8 {
    use std::io::{IsTerminal, Write};
    let Some(path) = path else {
        let mut stdout = std::io::stdout().lock();
        if stdout.is_terminal() {
            eprintln!(
                "fel: --format xlsx skriver en binär fil, inte text till terminalen: ange --out RAPPORT.xlsx (eller styr om utdata till en fil)"
            );
            return EXIT_USAGE;
        }
        return match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
            Ok(()) => 0,
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => 0,
            Err(e) => {
                eprintln!("fel: kunde inte skriva till stdout: {e}");
                EXIT_USAGE
            }
        };
    };
    write_report_file(path, bytes)
}

/// Text to `path`, else to stdout made terminal-safe.
fn write_out(path: Option<&Path>, text: &str) -> u8 {
    let Some(path) = path else {
        out!("{text}");
        return 0;
    };
    write_report_file(path, text.as_bytes())
}

/// The report to `--out` (exclusive temporary, never through a symbolic link); exit 2
/// with the reason when it cannot be written.
fn write_report_file(path: &Path, bytes: &[u8]) -> u8 {
    match rosa::write_file(path, bytes) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!(
                "fel: rapportfilen {} {}",
                rosa::terminal_safe(&path.display().to_string()),
                e.reason()
            );
            EXIT_USAGE
        }
    }
}

/// The ruleset a command works on ([`ruleset_dir`]), loaded, with its directory.
fn chosen_ruleset(dir: Option<PathBuf>) -> Result<(PathBuf, rosa::Ruleset), u8> {
    let dir = ruleset_dir(dir)?;
    let ruleset = load_or_report(&dir)?;
    Ok((dir, ruleset))
}

/// Load a ruleset for a command that needs one, printing diagnostics if it does not load.
fn load_or_report(dir: &std::path::Path) -> Result<rosa::Ruleset, u8> {
    rosa::Ruleset::load(dir).map_err(|diagnostics| {
        eprint!("{}", diagnostics.render());
        exit_for(&diagnostics, dir)
    })
}

/// 2 when rosa could not run: the directory itself cannot be used, or a file may not be
/// read (permissions); every other problem with a file in it (not UTF-8, a FIFO, a link
/// out of the directory, too large) is a problem in the ruleset (1), like any other.
fn exit_for(diagnostics: &rosa::Diagnostics, dir: &std::path::Path) -> u8 {
    use rosa::Code;
    let could_not_run = diagnostics.items.iter().any(|d| {
        d.span.is_none()
            && match d.code {
                Code::NoRuleFiles => true,
                Code::Unreadable => {
                    d.path.as_deref() == Some(dir) || d.message.contains("behörighet saknas")
                }
                _ => false,
            }
    });
    if could_not_run {
        EXIT_USAGE
    } else {
        EXIT_PROBLEMS
    }
}
