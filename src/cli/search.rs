//! `rosa search`: which ärendetyp is this? The desk's lookup from the citizen's words.

use super::{EXIT_USAGE, Format, count, load_or_report, ruleset_dir};
use rosa::{MAX_SEARCH_CHARS, MAX_SEARCH_WORDS, SearchTooLong};
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub(super) struct Args {
    /// Katalogen med regelfilerna (valfri), följd av orden att söka på
    #[arg(required = true, num_args = 1..)]
    words: Vec<String>,
    /// Högst så många förslag
    #[arg(long, default_value_t = 5)]
    limit: usize,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub(super) fn run(args: Args) -> u8 {
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
    let dir = match ruleset_dir(dir) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let ruleset = match load_or_report(&dir) {
        Ok(r) => r,
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
