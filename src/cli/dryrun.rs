//! `rosa dry-run` and `rosa generate-log`.

use super::{
    EXIT_PROBLEMS, EXIT_USAGE, ReportFormat, chosen_ruleset, count, csv_dialect, load_or_report,
    write_out, write_report,
};
use clap::ValueEnum;
use rosa::dryrun::{
    self, Analysis, GenerateOptions, LogFormat, Options, Scenario, Section, generate, per_year,
};
use std::path::PathBuf;

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum LogFormatArg {
    Csv,
    Jsonl,
    Xlsx,
}

#[derive(clap::Args, Debug)]
pub(super) struct Args {
    /// Katalogen med regelfilerna (standard: den aktuella katalogen eller exempelkommunen)
    #[arg(value_name = "KATALOG")]
    dir: Option<PathBuf>,
    /// Ärendelogg (CSV med rubrikrad, JSON Lines eller Excel .xlsx); utan logg används deklarerad frekvens
    #[arg(long)]
    log: Option<PathBuf>,
    /// Loggens format (annars efter filändelsen)
    #[arg(long, value_enum)]
    log_format: Option<LogFormatArg>,
    /// Antal dagar loggen täcker (annars från tidsstämplarna)
    #[arg(long)]
    period: Option<f64>,
    /// Jämför med en annan regeluppsättning (före workshopen); KATALOG är efter
    #[arg(long)]
    compare: Option<PathBuf>,
    /// Rapportens format (xlsx: en Excel-arbetsbok med ett blad per avsnitt; kräver --out
    /// när stdout är en terminal)
    #[arg(long, value_enum, default_value_t)]
    format: ReportFormat,
    /// Med --format csv: bara ett avsnitt (sammanfattning, forvaltningar, arendetyper,
    /// bemanning, system, kandidater, jamforelse, avvisade, antaganden)
    #[arg(long, value_name = "AVSNITT")]
    section: Option<String>,
    /// Skriv rapporten till en fil i stället för stdout
    #[arg(long)]
    out: Option<PathBuf>,
    /// Avbryt vid första avvisade rad
    #[arg(long)]
    strict: bool,
    /// Utan logg: andel kontakter som antas komma per telefon, i procent
    #[arg(long, default_value_t = 100.0)]
    phone_share: f64,
    /// Minuter kundtjänst lägger på en kontakt som vidarekopplas
    #[arg(long, default_value_t = 1.0)]
    forward_minutes: f64,
    /// Kronor per årsarbetare och år, för finansieringstabellen (annars policyns årskostnad)
    #[arg(long, value_name = "KR")]
    cost_per_fte: Option<f64>,
    /// CSV med `,` och decimalpunkt utan BOM (för program); annars för svenska Excel
    #[arg(long)]
    csv_plain: bool,
    /// Scenario: kundtjänst får systemet (kan upprepas); jämförs med nuläget
    #[arg(long, value_name = "SYSTEM")]
    grant_system: Vec<String>,
    /// Scenario: en annan frekvensgräns, t.ex. "5 per månad"
    #[arg(long, value_name = "N per PERIOD")]
    threshold: Option<String>,
    /// Scenario: en annan nivå för en ärendetyp eller ett delmoment (kan upprepas)
    #[arg(long, value_name = "ÄRENDETYP[/DELMOMENT]=NIVÅ")]
    set_level: Vec<String>,
    /// Scenario: ett annat mål för andelen kundtjänst hanterar, i procent
    #[arg(long, value_name = "PROCENT")]
    goal: Option<f64>,
}

/// The what-if flags as a scenario, or why one of them cannot be read.
fn scenario(args: &Args) -> Result<Scenario, String> {
    let threshold_per_year = args.threshold.as_deref().map(per_year).transpose()?;
    let mut set_levels = Vec::new();
    for spec in &args.set_level {
        let (unit, level) = spec.split_once('=').ok_or_else(|| {
            format!("skriv `--set-level ärendetyp[/delmoment]=nivå`, inte `{spec}`")
        })?;
        let level: u8 = level
            .trim()
            .parse()
            .map_err(|_| format!("nivån i `{spec}` ska vara ett heltal"))?;
        let (typ, part) = match unit.split_once('/') {
            Some((t, p)) => (t.to_string(), Some(p.to_string())),
            None => (unit.to_string(), None),
        };
        set_levels.push((typ, part, level));
    }
    let goal_share = match args.goal {
        Some(g) if !(0.0..=100.0).contains(&g) => return Err("--goal ska vara 0–100".into()),
        g => g.map(|g| g / 100.0),
    };
    Ok(Scenario {
        grant_systems: args.grant_system.clone(),
        threshold_per_year,
        set_levels,
        goal_share,
    })
}

pub(super) fn run(args: Args) -> u8 {
    if !(0.0..=100.0).contains(&args.phone_share)
        || !(0.0..=f64::MAX).contains(&args.forward_minutes)
        || args
            .cost_per_fte
            .is_some_and(|c| !(0.0..=f64::MAX).contains(&c))
    {
        eprintln!(
            "fel: --phone-share ska vara 0–100, --forward-minutes och --cost-per-fte 0 eller mer"
        );
        return EXIT_USAGE;
    }
    let section = match section(&args) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("fel: {e}");
            return EXIT_USAGE;
        }
    };
    let (dir, ruleset) = match chosen_ruleset(args.dir.clone()) {
        Ok(chosen) => chosen,
        Err(code) => return code,
    };
    let what_if = match scenario(&args) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("fel: {e}");
            return EXIT_USAGE;
        }
    };
    if !what_if.is_empty() && args.compare.is_some() {
        eprintln!(
            "fel: välj antingen --compare eller ett scenario (--grant-system, --threshold, --set-level, --goal)"
        );
        return EXIT_USAGE;
    }
    let baseline = ruleset;
    let ruleset = match what_if.apply(&baseline) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("fel i scenariot: {e}");
            return EXIT_USAGE;
        }
    };
    let options = Options {
        log: args.log,
        log_format: args.log_format.map(|f| match f {
            LogFormatArg::Csv => LogFormat::Csv,
            LogFormatArg::Jsonl => LogFormat::JsonLines,
            LogFormatArg::Xlsx => LogFormat::Xlsx,
        }),
        period_days: args.period,
        strict: args.strict,
        phone_share: args.phone_share / 100.0,
        forward_minutes: args.forward_minutes,
        cost_per_fte: args.cost_per_fte,
        calendar_year: None,
        progress: true,
    };
    let mut analysis: Analysis = match dryrun::run(&ruleset, &options) {
        Ok(r) => r.into(),
        Err(e) => {
            eprintln!("fel: {e}");
            return if args.strict && e.0.contains("--strict") {
                EXIT_PROBLEMS
            } else {
                EXIT_USAGE
            };
        }
    };
    if !what_if.is_empty() {
        let before = match dryrun::run(
            &baseline,
            &Options {
                progress: false,
                ..options.clone()
            },
        ) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("fel i nuläget: {e}");
                return EXIT_USAGE;
            }
        };
        analysis.comparison = Some(dryrun::compare(
            &before,
            "nuläge",
            &analysis.report,
            &what_if.describe(),
        ));
    }
    if let Some(other_dir) = &args.compare {
        let other = match load_or_report(other_dir) {
            Ok(r) => r,
            Err(code) => return code,
        };
        let before = match dryrun::run(
            &other,
            &Options {
                progress: false,
                ..options.clone()
            },
        ) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("fel i jämförelsen: {e}");
                return EXIT_USAGE;
            }
        };
        let show = |p: &std::path::Path| p.to_string_lossy().replace('\\', "/");
        analysis.comparison = Some(dryrun::compare(
            &before,
            &show(other_dir),
            &analysis.report,
            &show(&dir),
        ));
    }
    let dialect = csv_dialect(args.csv_plain);
    if let Some(section) = section {
        return match dryrun::section_csv(&analysis, section, dialect) {
            Ok(Some(text)) => write_out(args.out.as_deref(), &text),
            Ok(None) => {
                eprintln!(
                    "fel: avsnittet `{}` finns bara med --compare eller ett scenario (--grant-system, --threshold, --set-level, --goal)",
                    section.slug()
                );
                EXIT_USAGE
            }
            Err(e) => {
                eprintln!("fel: kunde inte skriva CSV: {e}");
                EXIT_USAGE
            }
        };
    }
    write_report(&analysis, args.format, dialect, args.out.as_deref())
}

/// `--section`, checked before any work: only with CSV, and a name rosa knows.
fn section(args: &Args) -> Result<Option<Section>, String> {
    let Some(name) = &args.section else {
        return Ok(None);
    };
    if args.format != ReportFormat::Csv {
        return Err(
            "--section gäller bara --format csv (arbetsboken i --format xlsx har alla avsnitt)"
                .into(),
        );
    }
    Section::from_slug(name).map(Some).ok_or_else(|| {
        let names: Vec<&str> = Section::ALL.iter().map(|s| s.slug()).collect();
        format!("okänt avsnitt `{name}`; välj ett av: {}", names.join(", "))
    })
}

#[derive(clap::Args, Debug)]
pub(super) struct GenerateArgs {
    /// Katalogen med regelfilerna (standard: den aktuella katalogen eller exempelkommunen)
    #[arg(value_name = "KATALOG")]
    dir: Option<PathBuf>,
    /// Fil att skriva (CSV, eller JSON Lines om namnet slutar på .jsonl)
    #[arg(long)]
    out: PathBuf,
    /// Antal rader (standard: regeluppsättningens deklarerade kontakter under ett år)
    #[arg(long)]
    rows: Option<u64>,
    /// Slumpfrö: samma frö ger samma logg
    #[arg(long, default_value_t = 2026)]
    seed: u64,
    /// Året som loggen täcker
    #[arg(long, default_value_t = 2026)]
    year: i32,
}

pub(super) fn generate_log(args: GenerateArgs) -> u8 {
    let (_, ruleset) = match chosen_ruleset(args.dir) {
        Ok(chosen) => chosen,
        Err(code) => return code,
    };
    let options = GenerateOptions {
        rows: args.rows,
        seed: args.seed,
        year: args.year,
        json_lines: LogFormat::of_path(&args.out) == LogFormat::JsonLines,
        ..GenerateOptions::default()
    };
    let shown = rosa::terminal_safe(&args.out.display().to_string()).into_owned();
    // Streamed: a year's log can be far larger than a report held in memory.
    match rosa::write_file_with(&args.out, |mut w| generate(&ruleset, &options, &mut w)) {
        Ok(stats) => {
            eprintln!(
                "skrev {} till {shown} ({}, {})",
                count(stats.rows as usize, "rad", "rader"),
                count(
                    stats.unknown as usize,
                    "okänd ärendetyp",
                    "okända ärendetyper"
                ),
                count(stats.broken as usize, "trasig rad", "trasiga rader")
            );
            0
        }
        Err(e) => {
            eprintln!("fel: loggfilen {shown} {}", e.reason());
            EXIT_USAGE
        }
    }
}
