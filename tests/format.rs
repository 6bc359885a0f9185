//! `rosa fmt`: formatting twice changes nothing, keeps every comment, and a formatted
//! ruleset loads to the same model; for every rule file in `rulesets/` and `tests/corpus/`.

mod common;

use common::{
    Case, TempDir, copy_dir, corpus_dir, example_dir, files_with_ext, manifest_dir, model_value,
};
use rosa::Code;
use rosa::Ruleset;
use rosa::format_source;
use rosa::{SourceFile, SourceMap};
use std::path::{Path, PathBuf};

fn all_rule_files() -> Vec<PathBuf> {
    let mut files = files_with_ext(&manifest_dir().join("rulesets"), "rosa");
    assert!(!files.is_empty(), "no rule files in rulesets/");
    files.extend(files_with_ext(&corpus_dir(), "rosa"));
    files
}

fn under_case(path: &Path, code: &str) -> bool {
    path.components()
        .any(|c| c.as_os_str().to_string_lossy().starts_with(code))
}

/// Every `// …` comment, outside strings and condition backticks, trimmed.
fn comments(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let mut quote = None;
        let mut chars = line.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            match (quote, c) {
                (None, '"' | '`') => quote = Some(c),
                (Some(q), c) if c == q => quote = None,
                (None, '/') if chars.peek().is_some_and(|&(_, n)| n == '/') => {
                    out.push(line[i..].trim().to_string());
                    break;
                }
                _ => {}
            }
        }
    }
    out
}

#[test]
fn formatting_twice_changes_nothing_and_keeps_every_comment() {
    let mut formatted = 0;
    for path in all_rule_files() {
        let Ok(text) = String::from_utf8(std::fs::read(&path).expect("read")) else {
            assert!(
                under_case(&path, "R0018"),
                "{} is not UTF-8",
                path.display()
            );
            continue;
        };
        let once = match format_source(0, &text) {
            Ok(once) => once,
            Err(d) => {
                assert_eq!(d.code, Code::Syntax, "{}", path.display());
                assert!(
                    under_case(&path, "R0001"),
                    "{} does not parse: {}",
                    path.display(),
                    d.message
                );
                continue;
            }
        };
        let twice = format_source(0, &once).unwrap_or_else(|d| {
            panic!("formatted {} does not parse: {}", path.display(), d.message)
        });
        assert_eq!(
            once,
            twice,
            "formatting {} twice changed it",
            path.display()
        );
        assert_eq!(
            comments(&text),
            comments(&once),
            "formatting {} lost or changed a comment",
            path.display()
        );
        formatted += 1;
    }
    assert!(formatted > 30, "only {formatted} files formatted");
}

/// Load `dir` as it is and with every file formatted: both load to the same model.
fn assert_formatted_loads_the_same(dir: &Path) {
    let original =
        Ruleset::load(dir).unwrap_or_else(|d| panic!("{} loads: {}", dir.display(), d.render()));
    let (sources, problems) = rosa::SourceMap::read_dir(dir);
    assert!(problems.is_empty());
    let mut formatted = SourceMap::default();
    for (id, file) in sources.files() {
        let text = format_source(id, &file.text).expect("formats");
        formatted.add(SourceFile::new(file.path.clone(), text));
    }
    let reformatted = Ruleset::from_sources(dir, formatted, Vec::new())
        .unwrap_or_else(|d| panic!("formatted {} loads: {}", dir.display(), d.render()));
    assert_eq!(
        model_value(&original),
        model_value(&reformatted),
        "formatting changed the model of {}",
        dir.display()
    );
    let codes = |r: &Ruleset| -> Vec<Code> { r.warnings().items.iter().map(|d| d.code).collect() };
    assert_eq!(codes(&original), codes(&reformatted), "{}", dir.display());
}

#[test]
fn every_ruleset_in_rulesets_formats_to_the_same_model() {
    let mut dirs = 0;
    for entry in std::fs::read_dir(manifest_dir().join("rulesets")).expect("rulesets/") {
        let dir = entry.expect("entry").path();
        if dir.is_dir() {
            assert_formatted_loads_the_same(&dir);
            dirs += 1;
        }
    }
    assert!(dirs >= 1);
}

#[test]
fn every_corpus_ruleset_that_loads_formats_to_the_same_model() {
    assert_formatted_loads_the_same(&corpus_dir().join("base"));
    let mut loaded = 0;
    for case in Case::all() {
        let dir = case.materialize();
        if Ruleset::load(&dir.path).is_ok() {
            assert_formatted_loads_the_same(&dir.path);
            loaded += 1;
        }
    }
    assert!(loaded >= 5, "the warning cases load: {loaded}");
}

#[test]
fn the_example_kommun_is_formatted() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_rosa"))
        .args(["fmt", "--check", "rulesets/exempelkommun"])
        .current_dir(manifest_dir())
        .output()
        .expect("run rosa");
    assert_eq!(
        out.status.code(),
        Some(0),
        "run `rosa fmt rulesets/exempelkommun`:\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn rosa_fmt_formats_a_copy_and_then_check_passes() {
    let dir = TempDir::new("fmt");
    copy_dir(&example_dir(), &dir.path);
    let messy = "förvaltning  x \"X\"{arendetyp t \"T\" {rosa 1 // nivå\n frekvens 2 per manad}}\n";
    std::fs::write(dir.path.join("ostadig.rosa"), messy).unwrap();
    let rosa = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_rosa"))
            .args(args)
            .output()
            .expect("run rosa")
    };
    let path = dir.display();
    assert_eq!(rosa(&["fmt", "--check", &path]).status.code(), Some(1));
    assert_eq!(rosa(&["fmt", &path]).status.code(), Some(0));
    assert_eq!(rosa(&["fmt", "--check", &path]).status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(dir.path.join("ostadig.rosa")).unwrap(),
        "förvaltning x \"X\" {\n    ärendetyp t \"T\" {\n        rosa 1 // nivå\n        frekvens 2 per månad\n    }\n}\n"
    );
}

#[test]
fn rosa_fmt_refuses_a_file_with_a_syntax_error() {
    let dir = Case::new("R0001-syntaxfel").materialize();
    let before = std::fs::read_to_string(dir.path.join("bygg.rosa")).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_rosa"))
        .args(["fmt", &dir.display()])
        .output()
        .expect("run rosa");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bygg.rosa:4:30"));
    let after = std::fs::read_to_string(dir.path.join("bygg.rosa")).unwrap();
    assert_eq!(before, after, "a file that does not parse is left alone");
}

/// Comments stay where they were, also where pest's implicit whitespace used to pull
/// them into a statement (after a single system, a target, a number without unit).
#[test]
fn comments_stay_in_place() {
    let src = "kundtjänst \"K\" {\n    system A\n    // om A\n    reserv vidarekoppla till f kö \"V\" // växeln\n}\n\nförvaltning f \"F\" {\n    vidarekoppla kö \"X\" // kö\n    ärendetyp t \"T\" { rosa 1 frekvens 3 per år // c\n    }\n}\n";
    let out = format_source(0, src).unwrap();
    assert_eq!(
        out,
        "kundtjänst \"K\" {\n    system A\n    // om A\n    reserv vidarekoppla till f kö \"V\" // växeln\n}\n\nförvaltning f \"F\" {\n    vidarekoppla kö \"X\" // kö\n    ärendetyp t \"T\" {\n        rosa 1\n        frekvens 3 per år // c\n    }\n}\n"
    );
    assert_eq!(format_source(0, &out).unwrap(), out);
}

/// Blank lines the author left between statements are kept (at most one).
#[test]
fn blank_lines_between_statements_are_kept() {
    let src = "kundtjänst \"K\" {\n    system A\n\n\n    kanaler telefon\n}\n";
    assert_eq!(
        format_source(0, src).unwrap(),
        "kundtjänst \"K\" {\n    system A\n\n    kanaler telefon\n}\n"
    );
}

/// `ej kanaler` at every level: `ej kanal` and spacing become the canonical form, the
/// channel names stay as written, comments stay, and the formatted files load to the
/// same model.
#[test]
fn ej_kanaler_round_trips() {
    let src = "förvaltning f \"F\" {\n  ej  kanal besok ,telefon // receptionen ligger på annat håll\n  arendetyp t \"T\" { frekvens 2 per manad ej kanaler sms\n delmoment d \"D\" { rosa 1  ej kanal chatt } }\n}\n";
    let out = format_source(0, src).unwrap();
    assert_eq!(
        out,
        "förvaltning f \"F\" {\n    ej kanaler besok, telefon // receptionen ligger på annat håll\n    ärendetyp t \"T\" {\n        frekvens 2 per månad\n        ej kanaler sms\n        delmoment d \"D\" { rosa 1 ej kanaler chatt }\n    }\n}\n"
    );
    assert_eq!(format_source(0, &out).unwrap(), out);
    let policy = "kundtjänst \"K\" {\n    kommun \"K\" kommunkod 1234\n    kanaler telefon, besök, chatt\n    frekvensgräns 1 per månad\n    reserv vidarekoppla till f\n}\n";
    let load = |text: &str| {
        let mut sources = SourceMap::default();
        sources.add(SourceFile::new("k.rosa", policy));
        sources.add(SourceFile::new("f.rosa", text));
        Ruleset::from_sources(".", sources, Vec::new()).unwrap_or_else(|d| panic!("{}", d.render()))
    };
    assert_eq!(model_value(&load(src)), model_value(&load(&out)));
}

/// `årskostnad`: the ASCII spelling and `kronor` become the canonical form, `per
/// årsarbetare` is written out when left off, and the model keeps the kronor.
#[test]
fn arskostnad_round_trips() {
    let src = "kundtjänst \"K\" {\n    kommun \"K\" kommunkod 1234\n    kanaler telefon\n    frekvensgräns 1 per månad\n    reserv vidarekoppla till f\n    arskostnad 650000 kronor\n}\n";
    let out = format_source(0, src).unwrap();
    assert!(
        out.contains("    årskostnad 650000 kr per årsarbetare\n"),
        "{out}"
    );
    assert_eq!(format_source(0, &out).unwrap(), out);
    let load = |text: &str| {
        let mut sources = SourceMap::default();
        sources.add(SourceFile::new("k.rosa", text));
        sources.add(SourceFile::new("f.rosa", "förvaltning f \"F\" { }\n"));
        Ruleset::from_sources(".", sources, Vec::new()).unwrap_or_else(|d| panic!("{}", d.render()))
    };
    let (a, b) = (load(src), load(&out));
    assert_eq!(model_value(&a), model_value(&b));
    assert_eq!(a.policy().cost_per_fte, Some(650_000.0));
}

fn rosa_fmt(args: &[&str], stdin: Option<&[u8]>) -> std::process::Output {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_rosa"))
        .args(args)
        .current_dir(manifest_dir())
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run rosa");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input)
            .expect("write stdin");
    }
    child.wait_with_output().expect("rosa ends")
}

const MESSY: &str =
    "förvaltning  x \"X\"{arendetyp t \"T\" {rosa 1 // nivå\n frekvens 2 per manad}}\n";
const TIDY: &str = "förvaltning x \"X\" {\n    ärendetyp t \"T\" {\n        rosa 1 // nivå\n        frekvens 2 per månad\n    }\n}\n";

/// `rosa fmt --diff`: a unified diff per file that would change, nothing written, exit 1;
/// on a formatted ruleset nothing and exit 0.
#[test]
fn rosa_fmt_diff_shows_the_changes_and_writes_nothing() {
    let dir = TempDir::new("fmt-diff");
    copy_dir(&example_dir(), &dir.path);
    let path = dir.display();
    let clean = rosa_fmt(&["fmt", "--diff", &path], None);
    assert_eq!(clean.status.code(), Some(0));
    assert!(
        clean.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&clean.stdout)
    );

    std::fs::write(dir.path.join("ostadig.rosa"), MESSY).unwrap();
    let out = rosa_fmt(&["fmt", "--diff", &path], None);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    let file = format!("{path}/ostadig.rosa");
    assert!(
        stdout.starts_with(&format!("--- {file}\n+++ {file}\n@@ -1,2 +1,6 @@\n")),
        "{stdout}"
    );
    assert!(
        stdout.contains("\n-förvaltning  x \"X\"{arendetyp"),
        "{stdout}"
    );
    assert!(
        stdout.contains("\n+        frekvens 2 per månad\n"),
        "{stdout}"
    );
    assert_eq!(
        stdout.matches("--- ").count(),
        1,
        "only the changed file: {stdout}"
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "1 fil skulle ändras av `rosa fmt`\n"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path.join("ostadig.rosa")).unwrap(),
        MESSY,
        "--diff writes nothing"
    );

    // Run in the ruleset, the headers name the file as the author does, and the diff
    // applies: `patch -p0` turns the file into what `rosa fmt` writes.
    let here = std::process::Command::new(env!("CARGO_BIN_EXE_rosa"))
        .args(["fmt", "--diff", "."])
        .current_dir(&dir.path)
        .output()
        .expect("run rosa");
    let stdout = String::from_utf8_lossy(&here.stdout);
    assert!(
        stdout.starts_with("--- ostadig.rosa\n+++ ostadig.rosa\n"),
        "{stdout}"
    );
    if let Ok(mut patch) = std::process::Command::new("patch")
        .args(["-p0", "--quiet", "--batch"])
        .current_dir(&dir.path)
        .stdin(std::process::Stdio::piped())
        .spawn()
    {
        use std::io::Write;
        patch.stdin.take().unwrap().write_all(&here.stdout).unwrap();
        assert!(patch.wait().unwrap().success(), "patch applies the diff");
        assert_eq!(
            std::fs::read_to_string(dir.path.join("ostadig.rosa")).unwrap(),
            TIDY
        );
    }
}

/// `rosa fmt -`: stdin to stdout, for editors and pipes.
#[test]
fn rosa_fmt_stdin_writes_the_formatted_text_to_stdout() {
    let out = rosa_fmt(&["fmt", "-"], Some(MESSY.as_bytes()));
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stdout), TIDY);
    assert!(out.stderr.is_empty());

    let again = rosa_fmt(&["fmt", "-"], Some(TIDY.as_bytes()));
    assert_eq!(String::from_utf8_lossy(&again.stdout), TIDY);

    let diff = rosa_fmt(&["fmt", "--diff", "-"], Some(MESSY.as_bytes()));
    assert_eq!(diff.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&diff.stdout).starts_with("--- <stdin>\n+++ <stdin>\n"),
        "{}",
        String::from_utf8_lossy(&diff.stdout)
    );
    let check = rosa_fmt(&["fmt", "--check", "-"], Some(TIDY.as_bytes()));
    assert_eq!(check.status.code(), Some(0));
    assert!(check.stdout.is_empty());
}

/// A rule file on stdin that does not parse: the Swedish diagnostic naming `<stdin>` on
/// stderr, nothing on stdout, exit 1. Bytes that are not UTF-8 are told the same way.
#[test]
fn rosa_fmt_stdin_with_a_syntax_error_says_where_on_stderr() {
    let broken =
        "förvaltning bygg \"Bygg\" {\n    ärendetyp bygglov-status {\n        rosa 3\n    }\n}\n";
    let out = rosa_fmt(&["fmt", "-"], Some(broken.as_bytes()));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(out.stdout.is_empty());
    assert!(stderr.contains("fel[R0001]"), "{stderr}");
    assert!(stderr.contains("--> <stdin>:2:30"), "{stderr}");
    assert!(
        stderr.contains("väntade mig en text inom citattecken"),
        "{stderr}"
    );

    let latin1 = rosa_fmt(&["fmt", "-"], Some(b"f\xf6rvaltning x \"X\" { }\n"));
    let stderr = String::from_utf8_lossy(&latin1.stderr);
    assert_eq!(latin1.status.code(), Some(1), "{stderr}");
    assert!(latin1.stdout.is_empty());
    assert!(stderr.contains("<stdin>"), "{stderr}");
    assert!(stderr.contains("UTF-8"), "{stderr}");
}
