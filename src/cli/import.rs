//! `rosa import`: a kommun's tjänsteurval (Excel or CSV) in, a checked ruleset out.

use super::{EXIT_PROBLEMS, EXIT_USAGE, count};
use rosa::tjansteurval::{self, Column, Kind};
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub(super) struct Args {
    /// Tjänsteurvalet: en Excel-arbetsbok (.xlsx) eller en CSV-fil (`;` eller `,`)
    #[arg(value_name = "FIL")]
    file: PathBuf,
    /// Katalogen att skriva regeluppsättningen till (den får inte finnas, eller måste vara tom)
    #[arg(long = "out", visible_alias = "ut", value_name = "KATALOG")]
    out_dir: PathBuf,
    /// Kommunens namn (när filen inte har ett policyblad)
    #[arg(long, value_name = "NAMN", default_value = "Min kommun")]
    kommun: String,
    /// Kommunkoden, fyra siffror (när filen inte har ett policyblad)
    #[arg(long, value_name = "NNNN", default_value = "0000")]
    kommunkod: String,
    /// Vilken kolumn som är vilken, när rubriken inte säger det, t.ex. `ROSA=E` (flera går)
    #[arg(long, visible_alias = "kolumn", value_name = "NAMN=KOLUMN")]
    column: Vec<String>,
    /// Visa vilka beslut som ändras jämfört med en befintlig regeluppsättning innan filerna skrivs
    #[arg(long, value_name = "KATALOG")]
    compare: Option<PathBuf>,
    /// Visa hela rapporten: varje rad som lästes, hoppades över eller tolkades
    #[arg(long)]
    verbose: bool,
}

pub(super) fn run(args: Args) -> u8 {
    if !super::new::kommun_is_valid(&args.kommun, &args.kommunkod) {
        return EXIT_USAGE;
    }
    if std::fs::read_dir(&args.out_dir).is_ok_and(|mut entries| entries.next().is_some()) {
        eprintln!(
            "fel: `{}` finns redan och är inte tom; rosa skriver inte över befintliga filer\n\
             hjälp: välj ett nytt katalognamn",
            args.out_dir.display()
        );
        return EXIT_USAGE;
    }
    let mut columns: Vec<(Column, u32)> = Vec::new();
    for mapping in &args.column {
        match tjansteurval::header::parse_mapping(mapping) {
            Ok(m) => columns.push(m),
            Err(e) => {
                eprintln!("fel: {}", rosa::terminal_safe(&e.0));
                return EXIT_USAGE;
            }
        }
    }
    let policy = super::new::policy(&args.kommun, &args.kommunkod);
    let imported = match tjansteurval::import(&args.file, &columns, &policy) {
        Ok(imported) => imported,
        Err(e) => {
            eprintln!("fel: {}", rosa::terminal_safe(&e.0));
            return EXIT_PROBLEMS;
        }
    };
    let report = &imported.report;
    if args.verbose {
        out!("{}", rosa::terminal_safe(&report.render()));
    } else {
        let skipped: Vec<_> = report
            .entries
            .iter()
            .filter(|e| matches!(e.kind, Kind::Skipped | Kind::ToWrite))
            .collect();
        for e in &skipped {
            let what = match e.kind {
                Kind::ToWrite => "att skriva",
                _ => "hoppades över",
            };
            let line = format!("blad `{}` {}: {what}: {}", e.sheet, e.at, e.text);
            outln!("{}", rosa::terminal_safe(&line));
        }
    }
    let hint = if args.verbose {
        ""
    } else {
        " (se alla med --verbose)"
    };
    outln!(
        "{} lästa, {} överhoppade, {} tolkade{hint}",
        count(report.count(Kind::Read), "rad", "rader"),
        count(
            report.count(Kind::Skipped),
            "rad eller värde",
            "rader eller värden"
        ),
        count(report.count(Kind::Interpreted), "värde", "värden"),
    );
    if let Some(carried) = &imported.carried {
        print_carried(carried);
    }
    let to_write = report.count(Kind::ToWrite);
    if to_write > 0 {
        outln!(
            "{} utan text: skriv {} innan överenskommelsen används",
            count(to_write, "manusfil", "manusfiler"),
            if to_write == 1 { "den" } else { "dem" }
        );
    }
    if let Some(before_dir) = &args.compare {
        let Ok(before) = super::load_or_report(before_dir) else {
            return EXIT_USAGE;
        };
        let scratch = args.out_dir.parent().map(PathBuf::from).unwrap_or_default();
        let scratch = if scratch.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            scratch
        };
        match imported.load_in(&scratch.join("jamforelse")) {
            Ok(after) => {
                print_changes(&tjansteurval::decision_changes(&before, &after));
                print_volumes(&before, before_dir, &after);
            }
            Err(e) => {
                eprintln!("fel: {}", rosa::terminal_safe(&e.0));
                return EXIT_PROBLEMS;
            }
        }
    }
    match imported.write(&args.out_dir) {
        Ok(ruleset) => {
            let warnings = ruleset.warnings();
            if warnings.warnings() > 0 {
                eprint!("{}", warnings.render());
            }
            outln!(
                "skrev {} till {} (id {}); `rosa check` klar med {}",
                count(imported.files.len(), "fil", "filer"),
                args.out_dir.display(),
                ruleset.short_id(),
                count(warnings.warnings(), "varning", "varningar")
            );
            0
        }
        Err(e) => {
            eprintln!("fel: {}", rosa::terminal_safe(&e.0));
            EXIT_PROBLEMS
        }
    }
}

/// What an export's workbook gave: the files from its `Regeltext` sheet, and the units
/// taken from edited, new or missing rows.
fn print_carried(carried: &tjansteurval::Carried) {
    outln!(
        "{} från bladet Regeltext, exakt som de exporterades, utom det som står här",
        count(carried.files, "fil", "filer")
    );
    let groups = [
        ("ändrad från sin rad i tjänsteurvalet", &carried.edited),
        ("ny från sin rad i tjänsteurvalet", &carried.added),
        ("borttagen, ingen rad i tjänsteurvalet", &carried.removed),
    ];
    for (what, units) in groups {
        for unit in units {
            outln!("  {what}: {}", rosa::terminal_safe(unit));
        }
    }
    if carried.policy {
        outln!("  policyn ändrad från policybladet");
    }
    if carried.edited.is_empty()
        && carried.added.is_empty()
        && carried.removed.is_empty()
        && !carried.policy
    {
        outln!("  ingen rad är ändrad: filerna är de exporterade");
    }
}

/// The dry-run's `--compare` over the declared frekvens: the share kundtjänst solves and
/// the ärendetyper whose volume by outcome moves.
fn print_volumes(before: &rosa::Ruleset, before_dir: &std::path::Path, after: &rosa::Ruleset) {
    let options = rosa::dryrun::Options {
        progress: false,
        ..rosa::dryrun::Options::default()
    };
    let (Ok(b), Ok(a)) = (
        rosa::dryrun::run(before, &options),
        rosa::dryrun::run(after, &options),
    ) else {
        return;
    };
    let c = rosa::dryrun::compare(&b, &before_dir.display().to_string(), &a, "importen");
    let percent = |share: f64| format!("{:.1} %", share * 100.0).replace('.', ",");
    outln!(
        "andel som kundtjänsten löser (deklarerad frekvens): {} → {}; {} med ändrad volym per utfall",
        percent(c.before.share),
        percent(c.after.share),
        count(c.changed.len(), "ärendetyp", "ärendetyper")
    );
}

fn print_changes(changes: &[tjansteurval::DecisionChange]) {
    if changes.is_empty() {
        outln!("inga beslut ändras jämfört med --compare");
        return;
    }
    outln!("{} ändras:", count(changes.len(), "beslut", "beslut"));
    for c in changes {
        let unit = match &c.delmoment {
            Some(part) => format!("{}/{part}", c.arendetyp),
            None => c.arendetyp.clone(),
        };
        let attrs = if c.attributes.is_empty() {
            String::new()
        } else {
            format!(" ({} = ja)", c.attributes.join(", "))
        };
        outln!(
            "  {unit} i {}{attrs}: {} → {}",
            c.channel,
            c.before,
            c.after
        );
    }
}
