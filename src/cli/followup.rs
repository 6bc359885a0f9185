//! `rosa uppföljning`: what the decision logs say happened after go-live.

use super::{
    EXIT_PROBLEMS, EXIT_USAGE, ReportFormat, chosen_ruleset, csv_dialect, load_or_report,
    write_out, write_report,
};
use rosa::dryrun::CsvDialect;
use rosa::followup::{self, Options};
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub(super) struct Args {
    /// Katalogen med den gällande regeluppsättningen (standard: den aktuella katalogen eller exempelkommunen)
    #[arg(value_name = "KATALOG")]
    dir: Option<PathBuf>,
    /// Beslutsloggar från `rosa serve`: filer (även .gz), kataloger eller mönster som
    /// 'loggar/beslut*.jsonl*' (kan upprepas)
    #[arg(long = "log", value_name = "LOGG", required_unless_present = "generate", num_args = 1..)]
    logs: Vec<PathBuf>,
    /// Skriv i stället ett exempelår i KATALOG: beslutsloggar per månad, ärendesystemets
    /// export och den tidigare regeluppsättningen (överenskommelsen ändras 1 juli)
    #[arg(
        long = "generera",
        alias = "generate",
        value_name = "KATALOG",
        conflicts_with = "logs"
    )]
    generate: Option<PathBuf>,
    /// Med --generera: antal kontakter under året (annars den deklarerade volymen)
    #[arg(long, requires = "generate")]
    contacts: Option<u64>,
    /// Med --generera: slumpfrö (samma frö ger samma filer)
    #[arg(long, default_value_t = 2026, requires = "generate")]
    seed: u64,
    /// Den tidigare regeluppsättningen, när överenskommelsen ändrades under perioden
    /// (kan upprepas)
    #[arg(long = "tidigare", alias = "earlier", value_name = "KATALOG")]
    earlier: Vec<PathBuf>,
    /// Ärendesystemets export av vad som hände med varje kontakt (CSV, JSON Lines eller
    /// xlsx): tid, arendetyp, delmoment, kanal, resultat; för nyckeltalen även enkel och besvarad
    #[arg(long = "arenden", alias = "cases", value_name = "EXPORT")]
    cases: Option<PathBuf>,
    /// Rapportens format (xlsx: ett blad per avsnitt; kräver --out när stdout är en terminal)
    #[arg(long, value_enum, default_value_t)]
    format: ReportFormat,
    /// Med --format csv: ett annat avsnitt än per-manad (t.ex. finansiering)
    #[arg(long, value_name = "AVSNITT")]
    section: Option<String>,
    /// Skriv rapporten till en fil i stället för stdout
    #[arg(long)]
    out: Option<PathBuf>,
    /// Kronor per årsarbetare och år (annars policyns årskostnad)
    #[arg(long, value_name = "KR")]
    cost_per_fte: Option<f64>,
    /// CSV med `,` och decimalpunkt utan BOM (för program); annars för svenska Excel
    #[arg(long)]
    csv_plain: bool,
}

/// Kronor per årsarbetare accepted: far above any salary, below figures that would
/// swamp the report's sums.
const MAX_COST_PER_FTE: f64 = 10_000_000.0;

pub(super) fn run(args: Args) -> u8 {
    if args
        .cost_per_fte
        .is_some_and(|c| !(0.0..=MAX_COST_PER_FTE).contains(&c))
    {
        eprintln!("fel: --cost-per-fte ska vara ett tal från 0 till 10 000 000 kr");
        return EXIT_USAGE;
    }
    if args.contacts.is_some_and(|n| n > followup::MAX_CONTACTS) {
        eprintln!("fel: --contacts får vara högst 10 000 000 kontakter");
        return EXIT_USAGE;
    }
    if args.section.is_some() && args.format != ReportFormat::Csv {
        eprintln!("fel: --section gäller bara --format csv");
        return EXIT_USAGE;
    }
    let (_, current) = match chosen_ruleset(args.dir.clone()) {
        Ok(chosen) => chosen,
        Err(code) => return code,
    };
    if let Some(out) = &args.generate {
        return generate(&current, out, &args);
    }
    let mut earlier = Vec::new();
    for d in &args.earlier {
        match load_or_report(d) {
            Ok(r) => earlier.push(r),
            Err(code) => return code,
        }
    }
    let options = Options {
        logs: args.logs.clone(),
        cost_per_fte: args.cost_per_fte,
        cases: args.cases.clone(),
    };
    let report = match followup::run(&current, &earlier.iter().collect::<Vec<_>>(), &options) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("fel: {}", rosa::terminal_safe(&e.0));
            return EXIT_PROBLEMS;
        }
    };
    let dialect = csv_dialect(args.csv_plain);
    match args.section.as_deref() {
        Some(section) => section_csv(&report, section, dialect, args.out.as_deref()),
        None => write_report(&report, args.format, dialect, args.out.as_deref()),
    }
}

/// `--section` (only with `--format csv`): one section of the report as CSV.
fn section_csv(
    report: &followup::Report,
    section: &str,
    dialect: CsvDialect,
    out: Option<&std::path::Path>,
) -> u8 {
    match followup::csv(report, Some(section), dialect) {
        Ok(Some(text)) => write_out(out, &text),
        Ok(None) => {
            eprintln!(
                "fel: okänt avsnitt `{}`; välj ett av: {}",
                rosa::terminal_safe(section),
                followup::section_names(report).join(", ")
            );
            EXIT_USAGE
        }
        Err(e) => {
            eprintln!("fel: kunde inte skriva CSV: {e}");
            EXIT_PROBLEMS
        }
    }
}

fn generate(current: &rosa::Ruleset, out: &std::path::Path, args: &Args) -> u8 {
    let options = followup::GenerateOptions {
        contacts: args.contacts,
        seed: args.seed,
        ..followup::GenerateOptions::default()
    };
    match followup::generate(current, &options, out) {
        Ok(p) => {
            let show =
                |p: &std::path::Path| rosa::terminal_safe(&p.display().to_string()).into_owned();
            eprintln!(
                "skrev {} beslutsrader i {} filer under {}, ärendesystemets export {} och den tidigare regeluppsättningen {} (kundtjänst får {} den {})",
                p.lines,
                p.files.len(),
                show(&out.join("loggar")),
                show(&p.export),
                show(&p.earlier_dir),
                rosa::terminal_safe(&p.system),
                p.change_date
            );
            0
        }
        Err(e) => {
            eprintln!("fel: {}", rosa::terminal_safe(&e.0));
            EXIT_PROBLEMS
        }
    }
}
