//! Robustness: random and mutated rule files never make the parser, the checker or the
//! formatter panic or hang, and formatting is idempotent on every input that parses.
//!
//! Inputs stay small (corpus files and slices of the example kommun, a few mutations
//! each) so that the 12,000 cases below run in a few seconds in a debug build.

mod common;

use common::{corpus_dir, example_dir, files_with_ext, model_value};
use proptest::prelude::*;
use rosa::format_source;
use rosa::{SourceFile, SourceMap};
use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};
use std::thread::ThreadId;
use std::time::{Duration, Instant};

const RANDOM_STRING_CASES: u32 = 3_000;
const TOKEN_SOUP_CASES: u32 = 3_000;
const MUTATED_FILE_CASES: u32 = 6_000;

/// A case that takes longer than this is a hang.
const DEADLINE: Duration = Duration::from_secs(20);

/// Pieces of the language and of trouble, put in at random places.
const TOKENS: &[&str] = &[
    "{",
    "}",
    "\"",
    "`",
    "rosa 9",
    "rosa 0",
    "rosa 4294967296",
    "per",
    "per dag",
    "å",
    "ä",
    "ö",
    "🦀",
    "\u{0}",
    "\u{FEFF}",
    "\u{301}",
    "\r\n",
    "\n",
    "\t",
    "а",
    "99999999999999999999999999999999999999",
    "1,5",
    "0.0000001",
    "-",
    ",",
    "=>",
    "//",
    "// kommentar\n",
    "{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{",
    "}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}",
    "((((((((((((((((((((((((((((((((((((((((",
    "ärendetyp x \"X\" {",
    "delmoment d {",
    "förvaltning f \"F\" {",
    "kundtjänst \"K\" {",
    "test \"t\" {",
    "om `kanal == \"besök\"` => vidarekoppla",
    "ej kanaler besök, telefon",
    "om `",
    "`attr.belopp > 1e400`",
    "`\"a\" + \"b\" * 99999999`",
    "vidarekoppla till",
    "manus \"../../etc/passwd\"",
    "manus \"/\"",
    "manus \"\"",
    "frekvens",
    "%",
    "min",
    "tid 0 min",
    "skala 8 nivåer",
    "direkt rosa 4-1",
    "öppettider mån-fre 25:00-08:00",
    "kommunkod 12",
    "sekretess",
    "överenskommet manus",
    "förväntat",
    "attribut x = ",
];

/// Words that make token soup look like rule files.
const WORDS: &[&str] = &[
    "kundtjänst",
    "kundtjanst",
    "förvaltning",
    "ärendetyp",
    "arendetyp",
    "delmoment",
    "test",
    "kommun",
    "kommunkod",
    "1299",
    "skala",
    "system",
    "övriga",
    "kanaler",
    "ej",
    "telefon",
    "e-post",
    "besök",
    "attribut",
    "frekvensgräns",
    "direkt",
    "manus",
    "rosa",
    "reserv",
    "vidarekoppla",
    "till",
    "kö",
    "mål",
    "tid",
    "förvaltning",
    "frekvens",
    "per",
    "månad",
    "år",
    "3",
    "60",
    "10",
    "\"X\"",
    "x",
    "bygg",
    "{",
    "}",
    ",",
    "om",
    "`kanal == \"besök\"`",
    "=>",
    "förväntat",
    "kanal",
    "sekretess",
    "\n",
];

/// Small real rule files to mutate: the corpus, and every ärendetyp and test of the
/// example kommun on its own (an ärendetyp inside the förvaltning the corpus policy knows).
static SEEDS: LazyLock<Vec<String>> = LazyLock::new(|| {
    let mut seeds: Vec<String> = files_with_ext(&corpus_dir(), "rosa")
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect();
    for path in files_with_ext(&example_dir(), "rosa") {
        let text = std::fs::read_to_string(path).expect("example file");
        let mut block: Option<(&str, String)> = None;
        for line in text.split_inclusive('\n') {
            if block.is_none() {
                if line.starts_with("    ärendetyp ") {
                    block = Some(("    }", String::new()));
                } else if line.starts_with("test ") {
                    block = Some(("}", String::new()));
                }
            }
            if let Some((end, body)) = &mut block {
                body.push_str(line);
                if line.trim_end() == *end {
                    let body = std::mem::take(body);
                    seeds.push(if *end == "}" {
                        body
                    } else {
                        format!("förvaltning bygg \"Bygg\" {{\n{body}}}\n")
                    });
                    block = None;
                }
            }
        }
    }
    seeds
});

/// The valid policy of the corpus, loaded next to each input so that the checker gets
/// past the policy and into förvaltningar, types and tests.
static POLICY: LazyLock<String> = LazyLock::new(|| {
    std::fs::read_to_string(corpus_dir().join("base/kundtjanst.rosa")).expect("base policy")
});

/// Plausible values put in place of a word: they keep a file parsing more often than
/// raw tokens do, which takes the checker deeper (unknown names, bad units and levels).
const VALUES: &[&str] = &[
    "0",
    "1",
    "3",
    "4",
    "6",
    "7",
    "9",
    "60",
    "1,5",
    "bygg",
    "bygglov-status",
    "bygglov",
    "ByggR",
    "Byggr",
    "Ecos",
    "telefon",
    "fax",
    "besök",
    "min",
    "s",
    "tim",
    "%",
    "per år",
    "per dag",
    "nivåer",
    "direkt",
    "manus",
    "vidarekoppla",
    "kanal",
    "attr.belopp",
    "\"manus/bygglov-status.md\"",
    "\"\"",
    "x",
    "sekretess",
    "miljo",
    "skyddad_identitet",
];

#[derive(Debug, Clone)]
enum Mutation {
    DeleteLine { at: usize },
    RepeatLine { at: usize },
    SwapLines { a: usize, b: usize },
    ReplaceWord { at: usize, value: usize },
    Insert { at: usize, token: usize },
    InsertChar { at: usize, c: char },
    Delete { at: usize, len: usize },
    Replace { at: usize, len: usize, token: usize },
    Repeat { at: usize, len: usize, times: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let at = any::<usize>();
    let token = 0..TOKENS.len();
    prop_oneof![
        3 => at.prop_map(|at| Mutation::DeleteLine { at }),
        3 => at.prop_map(|at| Mutation::RepeatLine { at }),
        2 => (at, at).prop_map(|(a, b)| Mutation::SwapLines { a, b }),
        6 => (at, 0..VALUES.len())
            .prop_map(|(at, value)| Mutation::ReplaceWord { at, value }),
        2 => (at, token.clone()).prop_map(|(at, token)| Mutation::Insert { at, token }),
        1 => (at, any::<char>()).prop_map(|(at, c)| Mutation::InsertChar { at, c }),
        1 => (at, 1..40usize).prop_map(|(at, len)| Mutation::Delete { at, len }),
        1 => (at, 1..20usize, token)
            .prop_map(|(at, len, token)| Mutation::Replace { at, len, token }),
        1 => (at, 1..30usize, 2..20usize)
            .prop_map(|(at, len, times)| Mutation::Repeat { at, len, times }),
    ]
}

/// The nearest char boundary at or before `at % (len + 1)`.
fn boundary(text: &str, at: usize) -> usize {
    let mut i = at % (text.len() + 1);
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn apply(text: &str, m: &Mutation) -> String {
    let span = |at: usize, len: usize| {
        let start = boundary(text, at);
        (start, boundary(text, start + len.min(text.len() - start)))
    };
    let splice =
        |start: usize, end: usize, new: &str| format!("{}{new}{}", &text[..start], &text[end..]);
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let line = |at: usize| at % lines.len().max(1);
    match *m {
        _ if lines.is_empty() && !matches!(m, Mutation::Insert { .. }) => text.to_string(),
        Mutation::DeleteLine { at } => {
            let mut lines = lines.clone();
            lines.remove(line(at));
            lines.concat()
        }
        Mutation::RepeatLine { at } => {
            let mut lines = lines.clone();
            lines.insert(line(at), lines[line(at)]);
            lines.concat()
        }
        Mutation::SwapLines { a, b } => {
            let mut lines = lines.clone();
            lines.swap(line(a), line(b));
            lines.concat()
        }
        Mutation::ReplaceWord { at, value } => {
            let start = boundary(text, at);
            let is_word = |c: char| c.is_alphanumeric() || "-_,.\"/".contains(c);
            let start = text[..start]
                .char_indices()
                .rev()
                .find(|&(_, c)| !is_word(c))
                .map_or(0, |(i, c)| i + c.len_utf8());
            let end = text[start..]
                .find(|c: char| !is_word(c))
                .map_or(text.len(), |i| start + i);
            splice(start, end, VALUES[value])
        }
        Mutation::Insert { at, token } => {
            let i = boundary(text, at);
            splice(i, i, TOKENS[token])
        }
        Mutation::InsertChar { at, c } => {
            let i = boundary(text, at);
            splice(i, i, c.encode_utf8(&mut [0; 4]))
        }
        Mutation::Delete { at, len } => {
            let (start, end) = span(at, len);
            splice(start, end, "")
        }
        Mutation::Replace { at, len, token } => {
            let (start, end) = span(at, len);
            splice(start, end, TOKENS[token])
        }
        Mutation::Repeat { at, len, times } => {
            let (start, end) = span(at, len);
            splice(start, start, &text[start..end].repeat(times))
        }
    }
}

/// The cases running now, by thread, with when they started: a watchdog ends the test
/// run (printing the input) if one takes longer than [`DEADLINE`], so that a hang fails
/// instead of stalling CI. Cheaper than a thread per case.
static RUNNING: LazyLock<Mutex<HashMap<ThreadId, (Instant, String)>>> = LazyLock::new(|| {
    std::thread::spawn(|| {
        loop {
            std::thread::sleep(Duration::from_millis(500));
            let running = RUNNING.lock().unwrap_or_else(|e| e.into_inner());
            if let Some((_, input)) = running.values().find(|(t, _)| t.elapsed() > DEADLINE) {
                eprintln!("a case took longer than {DEADLINE:?} (a hang) on input:\n{input:?}");
                std::process::abort();
            }
        }
    });
    Mutex::new(HashMap::new())
});

/// Parse, check and format `text`: no panic, no hang, and formatting is idempotent when
/// it parses. A file that parses is checked next to the corpus policy (unless it has one),
/// so that the checker gets past the policy into förvaltningar, types and tests.
fn exercise(text: String) -> Result<(), TestCaseError> {
    let me = std::thread::current().id();
    let lock = || RUNNING.lock().unwrap_or_else(|e| e.into_inner());
    lock().insert(me, (Instant::now(), text.clone()));
    let result = exercise_inline(&text);
    lock().remove(&me);
    result
}

fn exercise_inline(text: &str) -> Result<(), TestCaseError> {
    let formatted = format_source(0, text);
    let mut sources = SourceMap::default();
    if formatted.is_ok() && !text.contains("kundtjänst \"") {
        sources.add(SourceFile::new("kundtjanst.rosa", POLICY.as_str()));
    }
    sources.add(SourceFile::new("fuzz.rosa", text));
    let loaded = rosa::Ruleset::from_sources(corpus_dir().join("base"), sources, Vec::new());
    // Rendering touches every span: it must not panic either.
    let _ = match &loaded {
        Ok(r) => r.warnings().render(),
        Err(d) => d.render(),
    };

    if let Ok(once) = formatted {
        let twice = format_source(0, &once).map_err(|d| {
            TestCaseError::fail(format!("formatted text does not parse: {}", d.message))
        })?;
        prop_assert_eq!(&once, &twice, "formatting is not idempotent");
        // A ruleset that loads loads to the same model once formatted.
        if let Ok(ruleset) = &loaded {
            let mut sources = SourceMap::default();
            for (_, file) in ruleset.sources().files() {
                let text = if file.path.to_str() == Some("fuzz.rosa") {
                    once.clone()
                } else {
                    file.text.clone()
                };
                sources.add(SourceFile::new(file.path.clone(), text));
            }
            let reformatted =
                rosa::Ruleset::from_sources(corpus_dir().join("base"), sources, Vec::new())
                    .map_err(|d| {
                        TestCaseError::fail(format!("formatted ruleset does not load: {d}"))
                    })?;
            prop_assert_eq!(
                model_value(ruleset),
                model_value(&reformatted),
                "formatting changed the model"
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        // Failures are kept as plain tests in `known_troublemakers` instead.
        failure_persistence: None,
        ..ProptestConfig::with_cases(RANDOM_STRING_CASES)
    })]

    #[test]
    fn random_strings_never_panic(text in "\\PC{0,200}") {
        exercise(text)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        // Failures are kept as plain tests in `known_troublemakers` instead.
        failure_persistence: None,
        ..ProptestConfig::with_cases(TOKEN_SOUP_CASES)
    })]

    #[test]
    fn token_soup_never_panics(
        words in prop::collection::vec(
            prop_oneof![prop::sample::select(WORDS), prop::sample::select(TOKENS)],
            0..80,
        )
    ) {
        exercise(words.join(" "))?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        // Failures are kept as plain tests in `known_troublemakers` instead.
        failure_persistence: None,
        ..ProptestConfig::with_cases(MUTATED_FILE_CASES)
    })]

    #[test]
    fn mutated_rule_files_never_panic(
        seed in any::<prop::sample::Index>(),
        mutations in prop::collection::vec(mutation(), 1..4),
    ) {
        let mut text = SEEDS[seed.index(SEEDS.len())].clone();
        for m in &mutations {
            text = apply(&text, m);
        }
        exercise(text)?;
    }
}

/// Inputs that once broke something, kept as plain tests.
#[test]
fn known_troublemakers() {
    let cases = [
        // A comment after a target part made the parser panic.
        "förvaltning f \"F\" {\n    vidarekoppla kö \"X\" // kommentar\n}\n",
        // A comment after a single system was read as a system name.
        "kundtjänst \"K\" {\n    system A\n    // kommentar\n}\n",
        // A comment inside an opening-hours entry.
        "kundtjänst \"K\" { öppettider mån // a\n - // b\n tis // c\n 08:00 - 09:00 }",
        // A comment between an attribute name and its value.
        "test \"t\" { attribut x = // c\n 1 }",
        "",
        "\u{0}",
        "{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{",
    ];
    for case in cases {
        exercise(case.to_string()).unwrap();
    }
    let deep = format!(
        "förvaltning f \"F\" {{ ärendetyp t \"T\" {{ rosa 1 om `{}true{}` => direkt }} }}",
        "(".repeat(5_000),
        ")".repeat(5_000)
    );
    exercise(deep).unwrap();
}
