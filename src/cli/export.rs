//! `rosa export`: a ruleset out as a tjänsteurval workbook that `rosa import` reads back.

use super::{EXIT_PROBLEMS, EXIT_USAGE};
use rosa::tjansteurval;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub(super) struct ExportArgs {
    /// Regelkatalogen (utan katalog: den aktuella, eller exempelkommunen)
    #[arg(value_name = "KATALOG")]
    dir: Option<PathBuf>,
    /// Filformatet (bara xlsx)
    #[arg(long, value_enum, default_value = "xlsx")]
    format: ExportFormat,
    /// Filen att skriva
    #[arg(long, visible_alias = "ut", value_name = "FIL")]
    out: PathBuf,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
enum ExportFormat {
    Xlsx,
}

pub(super) fn run(args: ExportArgs) -> u8 {
    let ExportFormat::Xlsx = args.format;
    let dir = match super::ruleset_dir(args.dir) {
        Ok(dir) => dir,
        Err(code) => return code,
    };
    let Ok(ruleset) = super::load_or_report(&dir) else {
        return EXIT_PROBLEMS;
    };
    match tjansteurval::export_xlsx(&ruleset, &args.out) {
        Ok(()) => {
            outln!(
                "skrev tjänsteurvalet till {}, med regelfilerna i det dolda bladet Regeltext \
                 (en import ger samma filer, utom de rader som ändrats)",
                args.out.display()
            );
            0
        }
        Err(e) => {
            eprintln!("fel: {}", rosa::terminal_safe(&e));
            EXIT_USAGE
        }
    }
}
