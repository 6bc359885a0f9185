//! `rosa search`: which ärendetyp is this? The desk's lookup from the citizen's words.

use super::{EXIT_USAGE, Format, chosen_ruleset, count};
use rosa::{MAX_SEARCH_CHARS, MAX_SEARCH_WORDS, SearchTooLong};
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub(super) struct Args {
    /// Katalogen med regelfilerna (valfri), följd av orden att söka på
    #[arg(required_unless_present = "forslag", num_args = 1..)]
    words: Vec<String>,
    /// Föreslå sökord från handbokens söklogg (`rosa serve --search-log`): ord som
    /// handläggarna använde för en ärendetyp men som sökningen inte hittar den på i dag.
    /// Ange då bara katalogen (valfri) utan sökord
    #[arg(long, value_name = "LOGG", alias = "förslag")]
    forslag: Option<PathBuf>,
    /// Med --forslag: föreslå bara ord som setts minst så här många gånger för samma
    /// ärendetyp, så att en enskild uppringares ord aldrig blir ett förslag
    #[arg(long, value_name = "N", default_value_t = rosa::search_log::DEFAULT_MIN_COUNT, requires = "forslag")]
    minst: usize,
    /// Högst så många förslag
    #[arg(long, default_value_t = 5)]
    limit: usize,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub(super) fn run(args: Args) -> u8 {
    if let Some(log) = &args.forslag {
        return proposals(log, &args);
    }
    // The first word is the ruleset when it names a directory: `rosa search DIR ord…`.
    let mut words = args.words;
    let dir = match words.first().map(PathBuf::from) {
        Some(path) if path.is_dir() && words.len() > 1 => {
            words.remove(0);
            Some(path)
        }
        _ => None,
    };
    let text = words.join(" ");
    if let Err(too_long) = rosa::check_search(&text) {
        eprintln!("fel: {}", too_long_message(too_long));
        return EXIT_USAGE;
    }
    let ruleset = match chosen_ruleset(dir) {
        Ok((_, ruleset)) => ruleset,
        Err(code) => return code,
    };
    let engine = rosa::Engine::new(&ruleset);
    let hits = engine.search(&text, args.limit);
    match args.format {
        Format::Json => outln!(
            "{}",
            serde_json::to_string_pretty(&hits).unwrap_or_default()
        ),
        Format::Text if hits.is_empty() => outln!("inga ärendetyper matchar"),
        Format::Text => {
            for (i, hit) in hits.iter().enumerate() {
                let id = match &hit.part {
                    Some(part) => format!("{}/{part}", hit.case_type),
                    None => hit.case_type.clone(),
                };
                outln!(
                    "{}. {} [{id}] ({}), träffar: {}",
                    i + 1,
                    hit.name,
                    hit.forvaltning,
                    hit.matched.join(", ")
                );
            }
        }
    }
    0
}

/// Why the words are not searched, in Swedish, with the limit.
fn too_long_message(too_long: SearchTooLong) -> String {
    match too_long {
        SearchTooLong::Chars(chars) => format!(
            "sökningen är för lång: {}, men högst {} läses; skriv medborgarens ord kortare",
            count(chars, "tecken", "tecken"),
            count(MAX_SEARCH_CHARS, "tecken", "tecken"),
        ),
        SearchTooLong::Words(words) => format!(
            "sökningen har för många ord: {}, men högst {} läses; skriv medborgarens ord kortare",
            count(words, "ord", "ord"),
            count(MAX_SEARCH_WORDS, "ord", "ord"),
        ),
    }
}

/// `rosa search --forslag LOGG [KATALOG]`: the `sökord` proposals from a desk log.
fn proposals(log: &std::path::Path, args: &Args) -> u8 {
    let dir = match args.words.as_slice() {
        [] => None,
        [dir] => Some(PathBuf::from(dir)),
        _ => {
            eprintln!(
                "fel: med --forslag anges bara regelkatalogen, inga sökord\n\
                 hjälp: rosa search --forslag sokning.tsv rulesets/exempelkommun"
            );
            return EXIT_USAGE;
        }
    };
    let read = match rosa::search_log::read_log(log) {
        Ok(read) => read,
        Err(reason) => {
            eprintln!("fel: {}", rosa::terminal_safe(&reason));
            return EXIT_USAGE;
        }
    };
    report_bad_lines(log, &read);
    let ruleset = match chosen_ruleset(dir) {
        Ok((_, ruleset)) => ruleset,
        Err(code) => return code,
    };
    let engine = rosa::Engine::new(&ruleset);
    let proposals = rosa::search_log::propose(&engine, &read.entries, args.minst);
    match args.format {
        Format::Json => outln!(
            "{}",
            serde_json::to_string_pretty(&proposals).unwrap_or_default()
        ),
        Format::Text => print_proposals(&proposals, read.entries.len(), args.minst),
    }
    0
}

/// Bad lines are skipped, each said on stderr with its number.
fn report_bad_lines(log: &std::path::Path, read: &rosa::search_log::ReadLog) {
    let path = log.display().to_string();
    let shown = rosa::terminal_safe(&path);
    for bad in &read.bad_lines {
        eprintln!(
            "varning: {shown}:{}: raden hoppas över: {}",
            bad.line, bad.reason
        );
    }
    let unreported = read.bad_count - read.bad_lines.len();
    if unreported > 0 {
        eprintln!(
            "varning: {shown}: {} till hoppas över",
            count(unreported, "rad", "rader")
        );
    }
}

fn print_proposals(proposals: &[rosa::search_log::Proposal], entries: usize, minst: usize) {
    if proposals.is_empty() {
        outln!(
            "inga förslag: inget ord i loggens {} har använts minst {} för en ärendetyp som sökningen inte redan hittar",
            count(entries, "val", "val"),
            count(minst, "gång", "gånger")
        );
        return;
    }
    outln!(
        "{} från {}:",
        count(proposals.len(), "förslag", "förslag"),
        count(entries, "val", "val")
    );
    for p in proposals {
        let id = match &p.part {
            Some(part) => format!("{}/{part}", p.case_type),
            None => p.case_type.clone(),
        };
        let today = match &p.found_today {
            Some(name) => format!("sökningen ger i dag {name} först"),
            None => "sökningen ger i dag inget".to_string(),
        };
        outln!(
            "  sökord \"{}\" för {} [{id}]: {}; {today}",
            p.word,
            p.name,
            count(p.count, "gång", "gånger")
        );
    }
}
