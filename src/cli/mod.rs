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
mod search;
mod serve;
mod test;

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

/// The example kommun that every command uses when no directory is given.
pub const DEFAULT_RULESET: &str = "rulesets/exempelkommun";

#[derive(Parser, Debug)]
#[command(
    name = "rosa",
    version,
    about = "ROSA-regelmotor för kommunens kundtjänst"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Kontrollera en regeluppsättning och visa alla fel och varningar
    Check(check::Args),
    /// Formatera regelfilerna i en kanonisk layout (kommentarer behålls)
    Fmt(check::FmtArgs),
    /// Avgör en fråga (eller JSON Lines från stdin med --stdin)
    Decide(decide::Args),
    /// Kör testerna som står i regeluppsättningen
    Test(test::Args),
    /// Hitta ärendetypen från medborgarens ord, t.ex. `rosa search när kommer sopbilen`
    Search(search::Args),
    /// Provkör utfallet: andel, arbetstid, bemanning och system (deklarerat eller från en logg)
    DryRun(dryrun::Args),
    /// Skriv en realistisk ärendelogg för en regeluppsättning
    GenerateLog(dryrun::GenerateArgs),
    /// Servera beslut över HTTP (JSON) för ärendesystemen, med omladdning av reglerna
    Serve(serve::Args),
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Text,
    Json,
}

/// Exit codes: 0 fine, 1 problems found in the input, 2 usage or I/O error.
pub const EXIT_PROBLEMS: u8 = 1;
pub const EXIT_USAGE: u8 = 2;

fn ruleset_dir(dir: Option<PathBuf>) -> PathBuf {
    dir.unwrap_or_else(|| PathBuf::from(DEFAULT_RULESET))
}

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Check(args) => check::run(args),
        Command::Fmt(args) => check::fmt(args),
        Command::Decide(args) => decide::run(args),
        Command::Test(args) => test::run(args),
        Command::Search(args) => search::run(args),
        Command::DryRun(args) => dryrun::run(args),
        Command::GenerateLog(args) => dryrun::generate_log(args),
        Command::Serve(args) => serve::run(args),
    };
    ExitCode::from(code)
}

pub(crate) fn write_stdout(args: std::fmt::Arguments) {
    use std::io::Write;
    if let Err(e) = std::io::stdout().lock().write_fmt(args) {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("fel: kunde inte skriva till stdout: {e}");
            std::process::exit(i32::from(EXIT_USAGE));
        }
        std::process::exit(0);
    }
}

/// Load a ruleset for a command that needs one, printing diagnostics if it does not load.
fn load_or_report(dir: &std::path::Path) -> Result<rosa::Ruleset, u8> {
    rosa::Ruleset::load(dir).map_err(|diagnostics| {
        eprint!("{}", diagnostics.render());
        exit_for(&diagnostics, dir)
    })
}

/// 2 when the directory itself cannot be used; a file in it that cannot be read is a
/// problem in the ruleset (1), like any other.
fn exit_for(diagnostics: &rosa::Diagnostics, dir: &std::path::Path) -> u8 {
    use rosa::Code;
    let io = diagnostics.items.iter().any(|d| {
        matches!(d.code, Code::Unreadable | Code::NoRuleFiles)
            && d.span.is_none()
            && d.path.as_deref() == Some(dir)
    });
    if io { EXIT_USAGE } else { EXIT_PROBLEMS }
}
