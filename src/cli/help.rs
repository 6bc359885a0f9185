//! clap in Swedish: headings, usage lines, the help and version flags and the error
//! messages. clap has no translations, so its English strings are replaced here.

use super::{Cli, EXIT_USAGE};
use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, Command, CommandFactory, FromArgMatches};

const TEMPLATE: &str = "{about-with-newline}\nAnvändning: {usage}\n\n{all-args}{after-help}";

/// The whole command line, with its Swedish help: what is parsed, what the shell
/// completions and the man page are made from.
pub(super) fn command() -> Command {
    swedish(Cli::command(), "rosa")
}

/// Parse the command line; on a usage error print it in Swedish and give the exit code.
pub(super) fn parse() -> Result<Cli, u8> {
    let cmd = command();
    let matches = cmd
        .clone()
        .try_get_matches()
        .map_err(|e| report(&e, &cmd))?;
    Cli::from_arg_matches(&matches).map_err(|e| report(&e, &cmd))
}

fn swedish(cmd: Command, path: &str) -> Command {
    let has_version = cmd.get_version().is_some();
    let mut cmd = cmd
        .disable_help_flag(true)
        .disable_version_flag(true)
        .disable_help_subcommand(true)
        .help_template(TEMPLATE)
        .subcommand_help_heading("Kommandon")
        .subcommand_value_name("KOMMANDO")
        .mut_args(|a| {
            let a = swedish_values(a);
            if a.get_help_heading().is_some() {
                a
            } else if a.is_positional() {
                a.help_heading("Argument")
            } else {
                a.help_heading("Flaggor")
            }
        })
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help("Visa den här hjälpen")
                .help_heading("Flaggor"),
        );
    if has_version {
        cmd = cmd.arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help("Visa versionen (och git-commiten den byggdes från)")
                .help_heading("Flaggor"),
        );
    }
    let usage = usage(&cmd, path);
    cmd = cmd.override_usage(usage);
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in names {
        let sub_path = format!("{path} {name}");
        cmd = cmd.mut_subcommand(&name, |s| swedish(s, &sub_path));
    }
    cmd
}

/// clap writes `[default: text] [possible values: text, json]`; say it in the help text.
fn swedish_values(a: Arg) -> Arg {
    let mut help = a.get_help().map(ToString::to_string).unwrap_or_default();
    let values: Vec<String> = a
        .get_possible_values()
        .iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| v.get_name().to_string())
        .collect();
    let defaults: Vec<String> = a
        .get_default_values()
        .iter()
        .map(|v| v.to_string_lossy().into_owned())
        .collect();
    // A flag (`--strict`) has no value worth showing, and clap refuses to hide it.
    if !a.get_action().takes_values() {
        return a;
    }
    if !defaults.is_empty() {
        help.push_str(&format!(" [standard: {}]", defaults.join(", ")));
    }
    if !values.is_empty() {
        help.push_str(&format!(" [möjliga värden: {}]", values.join(", ")));
    }
    let name = match a.get_id().as_str() {
        "case_type" => Some("ID"),
        "part" => Some("DELMOMENT"),
        "channel" => Some("KANAL"),
        "time" => Some("TIDPUNKT"),
        "attributes" => Some("NAMN=VÄRDE"),
        "log" | "out" => Some("FIL"),
        "log_format" => Some("FORMAT"),
        "period" => Some("DAGAR"),
        "compare" => Some("KATALOG"),
        "phone_share" => Some("PROCENT"),
        "forward_minutes" => Some("MINUTER"),
        "rows" => Some("ANTAL"),
        "seed" => Some("FRÖ"),
        "year" => Some("ÅR"),
        "addr" => Some("ADRESS"),
        _ => None,
    };
    let a = match name {
        Some(name) => a.value_name(name),
        None => a,
    };
    a.help(help.trim().to_string())
        .hide_default_value(true)
        .hide_possible_values(true)
}

/// `rosa check [FLAGGOR] [KATALOG]`, built here because clap writes `[OPTIONS]`.
fn usage(cmd: &Command, path: &str) -> String {
    let mut parts = vec![path.to_string(), "[FLAGGOR]".to_string()];
    for a in cmd.get_positionals() {
        let name = a
            .get_value_names()
            .and_then(|n| n.first())
            .map_or_else(|| a.get_id().as_str().to_uppercase(), |n| n.to_string());
        let many = if matches!(a.get_action(), ArgAction::Append) {
            "…"
        } else {
            ""
        };
        parts.push(if a.is_required_set() {
            format!("<{name}>{many}")
        } else {
            format!("[{name}]{many}")
        });
    }
    if cmd.has_subcommands() {
        parts.push("<KOMMANDO>".to_string());
    }
    parts.join(" ")
}

/// Print a clap error (or the help or version it stands for) and give the exit code.
fn report(e: &clap::Error, cmd: &Command) -> u8 {
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = e.print();
            return 0;
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand | ErrorKind::MissingSubcommand => {
            let _ = cmd.clone().write_help(&mut std::io::stderr());
            return EXIT_USAGE;
        }
        _ => {}
    }
    let get = |kind| match e.get(kind) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join(", "),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    let arg = get(ContextKind::InvalidArg);
    let value = get(ContextKind::InvalidValue);
    let mut message = match e.kind() {
        ErrorKind::InvalidSubcommand => {
            format!("okänt kommando `{}`", get(ContextKind::InvalidSubcommand))
        }
        ErrorKind::UnknownArgument => format!("okänd flagga eller okänt argument `{arg}`"),
        ErrorKind::InvalidValue if value.is_empty() => format!("`{arg}` behöver ett värde"),
        ErrorKind::InvalidValue => format!("`{value}` är inget giltigt värde för `{arg}`"),
        ErrorKind::ValueValidation => {
            let why = std::error::Error::source(e)
                .map(|s| format!(": {s}"))
                .unwrap_or_default();
            format!("`{value}` är inget giltigt värde för `{arg}`{why}")
        }
        ErrorKind::MissingRequiredArgument => format!("{arg} saknas"),
        ErrorKind::ArgumentConflict => format!(
            "`{arg}` kan inte användas tillsammans med `{}`",
            get(ContextKind::PriorArg)
        ),
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues => {
            format!("för många värden för `{arg}`")
        }
        ErrorKind::TooFewValues => format!("för få värden för `{arg}`"),
        ErrorKind::NoEquals => format!("`{arg}` ska skrivas med `=` före värdet"),
        ErrorKind::InvalidUtf8 => "ett argument är inte UTF-8-text".to_string(),
        _ => e
            .render()
            .to_string()
            .lines()
            .next()
            .unwrap_or_default()
            .trim_start_matches("error: ")
            .to_string(),
    };
    let valid = get(ContextKind::ValidValue);
    if !valid.is_empty() {
        message.push_str(&format!("\nmöjliga värden: {valid}"));
    }
    for kind in [ContextKind::SuggestedSubcommand, ContextKind::SuggestedArg] {
        let suggestion = get(kind);
        if !suggestion.is_empty() {
            message.push_str(&format!("\nmenade du `{suggestion}`?"));
        }
    }
    let usage = match e.get(ContextKind::Usage) {
        Some(ContextValue::StyledStr(s)) => s.to_string(),
        _ => String::new(),
    };
    let usage = usage.trim().trim_start_matches("Usage:").trim();
    eprintln!("fel: {message}\n");
    if !usage.is_empty() {
        eprintln!("Användning: {usage}\n");
    }
    eprintln!("Mer hjälp: `rosa --help` eller `rosa KOMMANDO --help`");
    EXIT_USAGE
}
