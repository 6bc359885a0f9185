//! Every rule example in the guide (docs/regelsprak.md) and in the README's "Your first
//! rule file" is checked, so that a cut-off or stale example fails here, not for a reader.
//!
//! The convention, in the fenced code block's info string (a Markdown renderer colours
//! by the first word, `rosa`, and ignores the rest):
//!
//! - ```` ```rosa ````: a whole rule file. It must parse (`rosa::format_source`).
//! - ```` ```rosa regeluppsättning ````: one file of a whole ruleset that the text presents.
//!   All such blocks of one document are written to a directory as separate files and
//!   must load without errors or warnings, and the ruleset's own tests must pass. The
//!   checklists they name (`manus "…"`) are not in the text; the test writes a one-line
//!   placeholder for each. In the guide they are also `tests/corpus/base/`, file by file.
//! - ```` ```rosa fragment ````: a part of a file, shown out of its block. A line that is
//!   only `…`, or ends in ` …` (as in `ärendetyp …`), stands for what is left out and is
//!   dropped. The rest must parse as a whole file or inside a minimal block: a
//!   `förvaltning`, an `ärendetyp` in a förvaltning, the `kundtjänst` policy or a `test`.
//! - ```` ```rosa fel ````: an example that deliberately shows a mistake (section 15's
//!   "Fel:"). It must be taken from the broken ruleset that proves its code: its lines,
//!   indentation aside, stand in that order in a rule file of a `tests/corpus/` case whose
//!   name starts with the code of the section (`### R0003` → `tests/corpus/R0003-…/`),
//!   and tests/diagnostics.rs proves that case gives that code.
//!
//! Any other info string after `rosa` fails, so a new kind is documented here first.

mod common;

use common::{TempDir, corpus_dir, files_with_ext, manifest_dir};
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    File,
    Ruleset,
    Fragment,
    Mistake,
}

struct Example {
    /// `docs/regelsprak.md:944`: the line of the opening fence.
    at: String,
    kind: Kind,
    text: String,
    /// The closest `### R00NN` heading above the block, for `rosa fel`.
    code: Option<String>,
}

/// The `rosa` blocks of `markdown` (a document shown as `name`).
fn examples(name: &str, markdown: &str) -> Vec<Example> {
    let mut out = Vec::new();
    let mut code = None;
    let mut lines = markdown.lines().enumerate();
    while let Some((i, line)) = lines.next() {
        if let Some(heading) = line.strip_prefix("### ") {
            code = heading
                .split_whitespace()
                .next()
                .filter(|w| w.len() == 5 && w.starts_with('R'))
                .map(str::to_string);
        }
        let Some(info) = line.strip_prefix("```") else {
            continue;
        };
        let mut text = String::new();
        let mut closed = false;
        for (_, body) in lines.by_ref() {
            if body.starts_with("```") {
                closed = true;
                break;
            }
            text.push_str(body);
            text.push('\n');
        }
        let at = format!("{name}:{}", i + 1);
        assert!(closed, "{at}: the code block is never closed");
        let mut words = info.split_whitespace();
        if words.next() != Some("rosa") {
            continue;
        }
        let kind = match words.collect::<Vec<_>>().as_slice() {
            [] => Kind::File,
            ["regeluppsättning"] => Kind::Ruleset,
            ["fragment"] => Kind::Fragment,
            ["fel"] => Kind::Mistake,
            other => panic!("{at}: unknown kind of rosa example `{}`", other.join(" ")),
        };
        out.push(Example {
            at,
            kind,
            text,
            code: code.clone(),
        });
    }
    out
}

fn read(path: &str) -> String {
    std::fs::read_to_string(manifest_dir().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The README's "Your first rule file" section, up to the next `## ` heading.
fn readme_first_rule_file() -> String {
    let readme = read("README.md");
    let start = readme
        .find("## Your first rule file")
        .expect("README has a section \"Your first rule file\"");
    let end = readme[start + 3..]
        .find("\n## ")
        .map_or(readme.len(), |i| start + 3 + i);
    // Keep the line numbers of the whole README.
    format!(
        "{}{}",
        "\n".repeat(readme[..start].matches('\n').count()),
        &readme[start..end]
    )
}

fn parses(text: &str) -> Result<(), String> {
    rosa::format_source(0, text)
        .map(|_| ())
        .map_err(|d| d.message.clone())
}

/// The blocks a fragment may stand in, innermost last.
const CONTEXTS: &[(&str, &str)] = &[
    ("", ""),
    ("förvaltning f \"F\" {\n", "}\n"),
    ("förvaltning f \"F\" {\närendetyp t \"T\" {\n", "}\n}\n"),
    ("kundtjänst \"K\" {\n", "}\n"),
    ("test \"T\" {\n", "}\n"),
];

fn check_fragment(example: &Example) -> Result<(), String> {
    let kept: String = example
        .text
        .lines()
        .filter(|l| {
            let t = l.trim();
            t != "…" && !t.ends_with(" …")
        })
        .map(|l| format!("{l}\n"))
        .collect();
    if kept.trim().is_empty() {
        return Err("the fragment is empty".into());
    }
    let mut first_error = None;
    for (before, after) in CONTEXTS {
        match parses(&format!("{before}{kept}{after}")) {
            Ok(()) => return Ok(()),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    Err(format!(
        "parses neither as a file nor inside a förvaltning, ärendetyp, policy or test: {}",
        first_error.unwrap_or_default()
    ))
}

/// The non-blank lines of `text`, without their indentation.
fn trimmed_lines(text: &str) -> Vec<&str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect()
}

fn check_mistake(example: &Example) -> Result<(), String> {
    let code = example
        .code
        .as_deref()
        .ok_or("a `rosa fel` example outside a `### R00NN` section")?;
    let wanted = trimmed_lines(&example.text);
    let mut cases = Vec::new();
    for entry in std::fs::read_dir(corpus_dir()).expect("tests/corpus") {
        let dir = entry.expect("entry").path();
        let name = dir.file_name().unwrap_or_default().to_string_lossy();
        if dir.is_dir() && name.starts_with(&format!("{code}-")) {
            cases.push(dir);
        }
    }
    if cases.is_empty() {
        return Err(format!("no case tests/corpus/{code}-…"));
    }
    for dir in &cases {
        for file in files_with_ext(dir, "rosa") {
            let Ok(text) = std::fs::read_to_string(&file) else {
                continue;
            };
            let have = trimmed_lines(&text);
            if have.windows(wanted.len()).any(|w| w == wanted.as_slice()) {
                return Ok(());
            }
        }
    }
    Err(format!(
        "these lines are in no rule file of tests/corpus/{code}-…; copy them from the case"
    ))
}

/// Writes the `rosa regeluppsättning` blocks to a directory, with a placeholder for each
/// checklist they name; the ruleset loads without a diagnostic and its tests pass.
fn check_ruleset(name: &str, blocks: &[&Example]) -> Result<(), String> {
    let dir = TempDir::new("guide-ruleset");
    for (i, example) in blocks.iter().enumerate() {
        std::fs::write(dir.path.join(format!("exempel-{i}.rosa")), &example.text)
            .expect("write example");
        for (at, _) in example.text.match_indices("manus \"") {
            let rest = &example.text[at + 7..];
            let path = &rest[..rest.find('"').unwrap_or(0)];
            if !path.is_empty() {
                let file = dir.path.join(path);
                std::fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
                std::fs::write(&file, "# Manus\n").expect("write manus");
            }
        }
    }
    let ruleset = rosa::Ruleset::load(&dir.path)
        .map_err(|d| format!("{name}: the ruleset does not load:\n{}", d.render()))?;
    if !ruleset.warnings().items.is_empty() {
        return Err(format!(
            "{name}: the ruleset loads with warnings:\n{}",
            ruleset.warnings().render()
        ));
    }
    let engine = rosa::Engine::new(&ruleset);
    let results = rosa::run_tests(&engine);
    if results.is_empty() {
        return Err(format!("{name}: the ruleset has no tests"));
    }
    match results.iter().find(|r| !r.passed) {
        Some(r) => Err(format!(
            "{name}: test \"{}\" expected {:?}, got {:?}",
            r.name, r.expected, r.got
        )),
        None => Ok(()),
    }
}

/// Checks every example of one document; returns the failures, one line each.
fn check_document(name: &str, markdown: &str) -> (usize, Vec<String>) {
    let all = examples(name, markdown);
    let mut failures = Vec::new();
    for example in &all {
        let result = match example.kind {
            Kind::File | Kind::Ruleset => parses(&example.text),
            Kind::Fragment => check_fragment(example),
            Kind::Mistake => check_mistake(example),
        };
        if let Err(e) = result {
            failures.push(format!("{}: {e}", example.at));
        }
    }
    let ruleset: Vec<&Example> = all.iter().filter(|e| e.kind == Kind::Ruleset).collect();
    if !ruleset.is_empty()
        && let Err(e) = check_ruleset(name, &ruleset)
    {
        failures.push(e);
    }
    (all.len(), failures)
}

fn assert_no_failures(failures: &[String]) {
    assert!(
        failures.is_empty(),
        "{} example(s) in the docs are broken:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_rosa_example_in_the_guide_is_sound() {
    let guide = read("docs/regelsprak.md");
    let (count, failures) = check_document("docs/regelsprak.md", &guide);
    assert_no_failures(&failures);
    assert!(count >= 80, "only {count} rosa examples found in the guide");
    let kinds = examples("docs/regelsprak.md", &guide);
    for kind in [Kind::File, Kind::Ruleset, Kind::Fragment, Kind::Mistake] {
        assert!(
            kinds.iter().any(|e| e.kind == kind),
            "the guide has no example of kind {kind:?}: is the convention still used?"
        );
    }
}

/// The guide's first example says it is `tests/corpus/base/`: it is, file by file.
#[test]
fn the_guides_first_example_is_the_corpus_base() {
    let guide = read("docs/regelsprak.md");
    let blocks: Vec<String> = examples("docs/regelsprak.md", &guide)
        .into_iter()
        .filter(|e| e.kind == Kind::Ruleset)
        .map(|e| e.text)
        .collect();
    let base = corpus_dir().join("base");
    let files = files_with_ext(&base, "rosa");
    assert_eq!(blocks.len(), files.len(), "one block per file of {base:?}");
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read base");
        let name = file.strip_prefix(&base).unwrap_or(Path::new("?")).display();
        assert!(
            blocks.contains(&text),
            "tests/corpus/base/{name} differs from the guide's section 2; copy it over"
        );
    }
}

#[test]
fn the_readmes_first_rule_file_is_sound() {
    let section = readme_first_rule_file();
    let (count, failures) = check_document("README.md", &section);
    assert_no_failures(&failures);
    assert!(
        count >= 1,
        "no rosa example in README's \"Your first rule file\""
    );
}

/// The checks catch what they are for: a cut-off example, a stale keyword, a mistake
/// that is no longer the corpus's, and a ruleset that no longer loads.
#[test]
fn a_broken_example_fails() {
    let doc = |kind: &str, text: &str| format!("### R0003\n\n```rosa {kind}\n{text}```\n");
    let cut_off = "ärendetyp bygglov-status \"Status\" {\n    rosa 3\n";
    for kind in ["", "fragment"] {
        let (_, failures) = check_document("x.md", &doc(kind, cut_off));
        assert_eq!(failures.len(), 1, "a cut-off `rosa {kind}` example fails");
    }
    let stale = "ärendetyp t \"T\" {\n    nivå 3\n}\n";
    assert_eq!(check_document("x.md", &doc("fragment", stale)).1.len(), 1);
    let not_in_corpus = "ärendetyp t \"T\" {\n    system Byggrr\n}\n";
    assert_eq!(
        check_document("x.md", &doc("fel", not_in_corpus)).1.len(),
        1
    );
    let in_corpus = "    system Byggr\n";
    assert_eq!(
        check_document("x.md", &doc("fel", in_corpus)).1,
        Vec::<String>::new()
    );
    let no_policy = "förvaltning f \"F\" {\n}\n";
    let (_, failures) = check_document("x.md", &doc("regeluppsättning", no_policy));
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert!(failures[0].contains("does not load"), "{failures:?}");
}
