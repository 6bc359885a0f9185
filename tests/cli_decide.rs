//! `rosa decide` and `rosa test` over the real binary, on the example kommun.

use rosa::DecisionRecord;
use rosa::{Engine, Inquiry, OwnedInquiry, Ruleset};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::LazyLock;

const EXAMPLE: &str = "rulesets/exempelkommun";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The example as the library sees it, to compare the command's output with.
static ENGINE: LazyLock<Engine> =
    LazyLock::new(|| Engine::new(&Ruleset::load(root().join(EXAMPLE)).expect("the example loads")));

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Run `rosa ARGS` in the crate root, with `input` on stdin.
///
/// A command may exit without reading its input (a usage error, a ruleset that does not
/// load): writing to the closed pipe then fails with `BrokenPipe`, or not, depending on
/// who gets scheduled first. That race says nothing about `rosa`, so it is ignored here;
/// the exit code, stdout and stderr that every test asserts on say what happened. Any
/// other write error is a failure of the test harness and panics.
fn rosa_with_input(args: &[&str], input: &str) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rosa"))
        .args(args)
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("rosa runs");
    let mut stdin = child.stdin.take().expect("stdin");
    let input = input.to_string();
    // Dropping `stdin` at the end of the thread closes the pipe: `rosa` sees end of input.
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child.wait_with_output().expect("rosa finishes");
    if let Err(e) = writer.join().expect("the stdin writer does not panic")
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        panic!("writing stdin: {e}");
    }
    Run {
        code: output.status.code().expect("an exit code"),
        stdout: String::from_utf8(output.stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8(output.stderr).expect("UTF-8 stderr"),
    }
}

fn rosa(args: &[&str]) -> Run {
    rosa_with_input(args, "")
}

/// `rosa decide rulesets/exempelkommun ARGS`, which must succeed.
#[track_caller]
fn decide(args: &[&str]) -> String {
    let run = rosa(&[&["decide", EXAMPLE], args].concat());
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    run.stdout
}

/// `rosa decide … --format json`, parsed.
#[track_caller]
fn decide_json(args: &[&str]) -> DecisionRecord {
    let out = decide(&[args, &["--format", "json"]].concat());
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

fn outcome_basis(r: &DecisionRecord) -> String {
    let basis = serde_json::to_value(r.basis).unwrap();
    format!("{}/{}", r.outcome, basis.as_str().unwrap())
}

// ---------------------------------------------------------------- rosa decide: text

#[test]
fn text_scripted() {
    assert_eq!(
        decide(&["--case", "bygglov-status", "--channel", "telefon"]),
        "kundtjänst hanterar med manus (scripted): Status på bygglovsärende [bygglov-status]\n\
         \x20 manus: manus/bygglov-status.md (Status på bygglovsärende)\n\
         \x20 ärendesystem: REGISTERED_EXTERNAL_SYSTEM / Informerat\n"
    );
}

#[test]
fn text_direct() {
    let out = decide(&["--case", "vaxel-koppla", "--channel", "telefon"]);
    assert!(
        out.starts_with("kundtjänst svarar direkt (kundtjanst): "),
        "{out}"
    );
    assert!(
        out.ends_with("  ärendesystem: SOLVED / Informerat\n"),
        "{out}"
    );
}

#[test]
fn text_forwarded_by_rule_shows_target_and_rule() {
    let out = decide(&[
        "--case",
        "lokalbokning",
        "--part",
        "bokning",
        "--channel",
        "telefon",
        "--attr",
        "belopp=6000",
    ]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "vidarekoppla (forwarded): Bokning av idrottshallar, lokaler och planer [lokalbokning, delmoment bokning]"
    );
    assert_eq!(
        lines[1],
        "  mottagare: Kultur- och fritidsförvaltningen (kultur-fritid) kö Bokningsansvarig, 0123-45 68 11, bokning@exempelkommun.se"
    );
    assert!(
        lines[2].starts_with("  regel: kultur-fritid.rosa:")
            && lines[2].ends_with(" `attr.belopp > 5000`"),
        "{out}"
    );
    assert_eq!(lines[3], "  ärendesystem: CONNECTED / Kopplat");
}

#[test]
fn text_condition_error_shows_the_reason() {
    let out = decide(&[
        "--case",
        "lokalbokning",
        "--part",
        "bokning",
        "--channel",
        "telefon",
    ]);
    let reason = out
        .lines()
        .find(|l| l.starts_with("  orsak: "))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(reason.contains("saknar attributet `belopp`"), "{out}");
}

#[test]
fn text_unknown_type() {
    let out = decide(&["--case", "finns-inte"]);
    assert!(
        out.starts_with("vidarekoppla (forwarded): okänd ärendetyp [finns-inte]\n"),
        "{out}"
    );
    assert!(
        out.contains("  mottagare: Kommunledningsförvaltningen (kommunledning) kö Växeln"),
        "{out}"
    );
}

#[test]
fn text_forwarded_in_writing_is_eskalerat() {
    assert!(
        decide(&["--case", "kontaktuppgifter", "--channel", "brev"])
            .contains("CONNECTED / Eskalerat")
    );
}

#[test]
fn explain_lists_every_criterion() {
    let args = [
        "--case",
        "halsoskydd",
        "--part",
        "registrera",
        "--channel",
        "telefon",
        "--explain",
    ];
    let out = decide(&args);
    let inquiry = Inquiry::new("halsoskydd")
        .part("registrera")
        .channel("telefon");
    let record = ENGINE.decide_record(&inquiry);
    let marks: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with("  ✓ ") || l.starts_with("  ✗ "))
        .collect();
    let expected: Vec<String> = record
        .criteria
        .iter()
        .map(|c| format!("  {} {}", if c.passed { "✓" } else { "✗" }, c.text))
        .collect();
    assert_eq!(marks, expected);
    assert_eq!(marks.len(), 6);
    assert!(
        marks.contains(&"  ✗ kundtjänst saknar åtkomst till Ecos"),
        "{out}"
    );
    assert!(
        out.ends_with(&format!("  regeluppsättning: {}\n", &record.ruleset[..16])),
        "{out}"
    );
}

#[test]
fn explain_for_a_rule_still_lists_the_criteria() {
    let out = decide(&[
        "--case",
        "eldning",
        "--channel",
        "telefon",
        "--attr",
        "akut=ja",
        "--explain",
    ]);
    assert!(out.contains("  regel: raddningstjansten.rosa:"), "{out}");
    assert_eq!(
        out.lines().filter(|l| l.starts_with("  ✓ ")).count(),
        4,
        "{out}"
    );
}

#[test]
fn without_explain_no_criteria() {
    let out = decide(&[
        "--case",
        "halsoskydd",
        "--part",
        "registrera",
        "--channel",
        "telefon",
    ]);
    assert!(
        !out.contains('✓') && !out.contains('✗') && !out.contains("regeluppsättning"),
        "{out}"
    );
}

#[test]
fn default_directory_is_the_example() {
    let run = rosa(&["decide", "--case", "bygglov-status", "--channel", "telefon"]);
    assert_eq!(
        (run.code, run.stdout),
        (
            0,
            decide(&["--case", "bygglov-status", "--channel", "telefon"])
        )
    );
}

// ---------------------------------------------------------------- rosa decide: JSON

#[test]
fn json_is_the_libraries_decision_record() {
    let cases: [(&[&str], Inquiry); 5] = [
        (
            &["--case", "bygglov-status", "--channel", "telefon"],
            Inquiry::new("bygglov-status").channel("telefon"),
        ),
        (
            &["--case", "bygglov", "--channel", "chatt"],
            Inquiry::new("bygglov").channel("chatt"),
        ),
        (
            &[
                "--case",
                "ekonomiskt-bistand",
                "--part",
                "nodprovning",
                "--channel",
                "besök",
                "--time",
                "2026-03-07T10:00",
            ],
            Inquiry::new("ekonomiskt-bistand")
                .part("nodprovning")
                .channel("besök")
                .time("2026-03-07T10:00"),
        ),
        (&["--case", "finns-inte"], Inquiry::new("finns-inte")),
        (
            &[
                "--case",
                "evenemang",
                "--part",
                "tips",
                "--channel",
                "e-post",
            ],
            Inquiry::new("evenemang").part("tips").channel("e-post"),
        ),
    ];
    for (args, inquiry) in cases {
        assert_eq!(
            decide_json(args),
            ENGINE.decide_record(&inquiry),
            "{args:?}"
        );
    }
}

#[test]
fn json_has_every_field() {
    let out = decide(&[
        "--case",
        "bygglov-status",
        "--channel",
        "telefon",
        "--format",
        "json",
    ]);
    let value: serde_json::Value = serde_json::from_str(&out).unwrap();
    let keys: Vec<&str> = value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut expected = [
        "outcome",
        "basis",
        "case_type",
        "case_type_name",
        "part",
        "forvaltning",
        "channel",
        "level",
        "target",
        "script",
        "criteria",
        "rule",
        "rules_tried",
        "error",
        "resolution",
        "ruleset",
        "explanation",
    ];
    expected.sort();
    let mut keys = keys;
    keys.sort();
    assert_eq!(keys, expected);
    assert_eq!(value["ruleset"], ENGINE.ruleset().id());
}

#[test]
fn json_with_explain_is_the_same_json() {
    let args = [
        "--case",
        "attefall",
        "--part",
        "komplettering",
        "--channel",
        "telefon",
        "--format",
        "json",
    ];
    assert_eq!(decide(&[&args[..], &["--explain"]].concat()), decide(&args));
}

// ---------------------------------------------------------------- rosa decide: --attr

#[test]
fn attr_numbers() {
    let at = |value: &str| {
        let attr = format!("belopp={value}");
        outcome_basis(&decide_json(&[
            "--case",
            "lokalbokning",
            "--part",
            "bokning",
            "--channel",
            "telefon",
            "--attr",
            &attr,
        ]))
    };
    assert_eq!(at("6000"), "forwarded/rule");
    assert_eq!(at("4000"), "scripted/method");
    assert_eq!(at("5000,5"), "forwarded/rule");
    assert_eq!(at("5000.5"), "forwarded/rule");
    assert_eq!(at(" 6000 "), "forwarded/rule");
}

#[test]
fn attr_booleans() {
    let at = |value: &str| {
        let attr = format!("skyddad_identitet={value}");
        outcome_basis(&decide_json(&[
            "--case",
            "bygglov",
            "--part",
            "komplettering",
            "--channel",
            "besök",
            "--attr",
            &attr,
        ]))
    };
    for yes in ["ja", "sant", "true"] {
        assert_eq!(at(yes), "forwarded/rule", "{yes}");
    }
    for no in ["nej", "falskt", "false"] {
        assert_eq!(at(no), "scripted/method", "{no}");
    }
    // Text where a boolean is read cannot be evaluated: forwarded, fail towards a person.
    assert_eq!(at("kanske"), "forwarded/condition_error");
}

#[test]
fn attr_name_and_value_are_trimmed_and_repeatable() {
    let r = decide_json(&[
        "--case",
        "eldning",
        "--channel",
        "telefon",
        "--attr",
        " akut = nej ",
        "--attr",
        "belopp=1",
    ]);
    assert_eq!(outcome_basis(&r), "kundtjanst/method");
}

#[test]
fn attr_without_equals_is_a_usage_error() {
    let run = rosa(&["decide", EXAMPLE, "--case", "eldning", "--attr", "akut"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("`akut` ska skrivas som namn=värde"),
        "{}",
        run.stderr
    );
}

#[test]
fn time_flag_reaches_conditions() {
    let at = |time: &str| {
        outcome_basis(&decide_json(&[
            "--case",
            "vattenlacka",
            "--channel",
            "telefon",
            "--time",
            time,
        ]))
    };
    assert_eq!(at("2026-03-02T10:00"), "scripted/method");
    assert_eq!(at("2026-03-02T06:00"), "forwarded/rule");
    assert_eq!(at("igår"), "forwarded/condition_error");
}

#[test]
fn missing_case_is_a_usage_error() {
    assert_eq!(rosa(&["decide", EXAMPLE, "--channel", "telefon"]).code, 2);
}

#[test]
fn missing_directory_is_a_usage_error() {
    let run = rosa(&["decide", "finns/inte", "--case", "bygglov"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("finns/inte"), "{}", run.stderr);
}

// ---------------------------------------------------------------- rosa decide --stdin

fn stdin(input: &str) -> (i32, Vec<serde_json::Value>) {
    let run = rosa_with_input(&["decide", EXAMPLE, "--stdin"], input);
    let lines = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    (run.code, lines)
}

/// One line per inquiry: the JSON of `inquiry` on the library, for comparison.
fn expected(inquiry: &str) -> serde_json::Value {
    let inquiry: OwnedInquiry = serde_json::from_str(inquiry).unwrap();
    serde_json::to_value(ENGINE.decide_record(&inquiry.view())).unwrap()
}

const GOOD: [&str; 6] = [
    r#"{"case_type": "bygglov-status", "channel": "telefon"}"#,
    r#"{"arendetyp": "lokalbokning", "delmoment": "bokning", "kanal": "telefon", "attribut": {"belopp": 6000}}"#,
    r#"{"case_type": "finns-inte"}"#,
    r#"{"case_type": "vattenlacka", "channel": "telefon", "time": "2026-03-02T06:00"}"#,
    r#"{"case_type": "bygglov", "part": "komplettering", "channel": "besök", "attributes": {"skyddad_identitet": true}}"#,
    r#"{"case_type": "evenemang", "part": "tips", "channel": "e-post"}"#,
];

#[test]
fn stdin_decides_each_line_in_order() {
    let (code, out) = stdin(&(GOOD.join("\n") + "\n"));
    let want: Vec<serde_json::Value> = GOOD.iter().map(|l| expected(l)).collect();
    assert_eq!((code, out), (0, want));
}

#[test]
fn stdin_many_lines_stay_in_order() {
    let types: Vec<&str> = ENGINE
        .ruleset()
        .arendetyper()
        .iter()
        .map(|t| t.id.as_str())
        .collect();
    let lines: Vec<String> = types
        .iter()
        .map(|t| format!(r#"{{"case_type": "{t}", "channel": "telefon", "attributes": {{"akut": false, "belopp": 100}}}}"#))
        .collect();
    let (code, out) = stdin(&lines.join("\n"));
    assert_eq!(code, 0);
    let got: Vec<&str> = out
        .iter()
        .map(|v| v["case_type"].as_str().unwrap())
        .collect();
    assert_eq!(got, types);
    for (line, value) in lines.iter().zip(&out) {
        assert_eq!(value, &expected(line));
    }
}

#[test]
fn stdin_bad_line_gives_an_error_record_and_the_rest_go_on() {
    let input = [
        GOOD[0],
        "inte json",
        GOOD[1],
        r#"{"case_type": "bygglov", "okant_falt": 1}"#,
        r#"{"channel": "telefon"}"#,
        r#"{"case_type": "bygglov", "attributes": {"belopp": [1, 2]}}"#,
        GOOD[2],
    ]
    .join("\n");
    let (code, out) = stdin(&input);
    assert_eq!(code, 1, "exit 1 when any line was bad");
    assert_eq!(out.len(), 7);
    assert_eq!(
        (&out[0], &out[2], &out[6]),
        (&expected(GOOD[0]), &expected(GOOD[1]), &expected(GOOD[2]))
    );
    for (i, line) in [(1, 2), (3, 4), (4, 5), (5, 6)] {
        assert_eq!(out[i]["line"], line, "{:?}", out[i]);
        assert!(
            out[i]["error"].as_str().is_some_and(|e| !e.is_empty()),
            "{:?}",
            out[i]
        );
        assert!(out[i].get("outcome").is_none(), "{:?}", out[i]);
    }
    assert!(
        out[3]["error"].as_str().unwrap().contains("okant_falt"),
        "{:?}",
        out[3]
    );
}

#[test]
fn stdin_blank_lines_get_error_records_so_output_lines_match_input_lines() {
    let (code, out) = stdin(&format!("\n{}\n   \n{}\n", GOOD[0], GOOD[2]));
    assert_eq!(code, 1);
    assert_eq!(out.len(), 4);
    assert_eq!(
        (out[0]["line"].as_u64(), out[2]["line"].as_u64()),
        (Some(1), Some(3))
    );
    assert_eq!((&out[1], &out[3]), (&expected(GOOD[0]), &expected(GOOD[2])));
}

#[test]
fn stdin_empty_input() {
    assert_eq!(stdin(""), (0, vec![]));
}

/// A usage error: clap exits with 2 before reading stdin, and says which flags clash.
/// The input is still piped in, as a user would, so this also pins that a command which
/// never reads its input is judged by its exit code and message, not by a broken pipe.
#[test]
fn stdin_conflicts_with_case() {
    let run = rosa_with_input(
        &["decide", EXAMPLE, "--stdin", "--case", "bygglov"],
        &GOOD.join("\n"),
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("`--stdin` kan inte användas tillsammans med `--case"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stdout, "", "no decision is written");
}

// ---------------------------------------------------------------- rosa test

#[test]
fn test_example_passes() {
    let run = rosa(&["test", EXAMPLE]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let n = ENGINE.ruleset().tests().len();
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines.last().copied(),
        Some(format!("{n} tester gick igenom, 0 misslyckades").as_str())
    );
    assert_eq!(lines.len(), n + 1);
    assert!(
        lines[..n]
            .iter()
            .all(|l| l.starts_with("ok      ") && l.ends_with(')')),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("ok      Växeln kopplar samtal direkt (tester.rosa:"),
        "{}",
        run.stdout
    );
}

#[test]
fn test_example_json() {
    let run = rosa(&["test", EXAMPLE, "--format", "json"]);
    assert_eq!(run.code, 0);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let n = ENGINE.ruleset().tests().len();
    assert_eq!(
        (report["passed"].as_u64(), report["failed"].as_u64()),
        (Some(n as u64), Some(0))
    );
    assert_eq!(report["results"].as_array().unwrap().len(), n);
}

/// A copy of the example's rule files and scripts (not the log) in a temporary directory.
fn copy_example(to: &Path) {
    let from = root().join(EXAMPLE);
    for entry in std::fs::read_dir(&from).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "rosa") {
            std::fs::copy(&path, to.join(path.file_name().unwrap())).unwrap();
        }
    }
    std::fs::create_dir(to.join("manus")).unwrap();
    for entry in std::fs::read_dir(from.join("manus")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, to.join("manus").join(path.file_name().unwrap())).unwrap();
    }
}

/// Replace the first `from` after the line containing `after` in `file`; the 1-based line
/// of `after`.
fn edit(dir: &Path, file: &str, after: &str, from: &str, to: &str) -> usize {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let start = text
        .find(after)
        .unwrap_or_else(|| panic!("`{after}` not in {file}"));
    let at = start + text[start..].find(from).unwrap();
    let edited = format!("{}{to}{}", &text[..at], &text[at + from.len()..]);
    std::fs::write(&path, edited).unwrap();
    text[..start].lines().count() + 1
}

#[test]
fn wrong_expectations_fail_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    copy_example(dir.path());
    let brev = "test \"Brev hanteras inte av kundtjänst\"";
    let brev_line = edit(
        dir.path(),
        "tester.rosa",
        brev,
        "förväntat vidarekoppla till kommunledning",
        "förväntat direkt",
    );
    let vaxel = "test \"Växeln kopplar samtal direkt\"";
    let vaxel_line = edit(
        dir.path(),
        "tester.rosa",
        vaxel,
        "förväntat direkt",
        "förväntat vidarekoppla till tekniska",
    );

    let run = rosa(&["test", dir.path().to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let out = run.stdout;
    let n = ENGINE.ruleset().tests().len();
    assert!(
        out.ends_with(&format!("\n{} tester gick igenom, 2 misslyckades\n", n - 2)),
        "{out}"
    );

    let failed = format!(
        "FEL     Brev hanteras inte av kundtjänst (tester.rosa:{brev_line})\n        \
         förväntat direkt, fick vidarekoppla till kommunledning\n          \
         ✓ nivå 1 ligger i direktnivåerna 1–2: kundtjänst kan svara direkt\n          \
         ✓ ingen sekretess\n          \
         ✗ kundtjänst betjänar inte kanalen brev\n"
    );
    assert!(out.contains(&failed), "{out}");
    let failed = format!(
        "FEL     Växeln kopplar samtal direkt (tester.rosa:{vaxel_line})\n        \
         förväntat vidarekoppla till tekniska, fick direkt\n          \
         ✓ nivå 1 ligger i direktnivåerna 1–2: kundtjänst kan svara direkt\n"
    );
    assert!(out.contains(&failed), "{out}");
    assert_eq!(
        out.lines().filter(|l| l.starts_with("FEL ")).count(),
        2,
        "{out}"
    );
}

#[test]
fn wrong_expectation_in_json() {
    let dir = tempfile::tempdir().unwrap();
    copy_example(dir.path());
    let brev = "test \"Brev hanteras inte av kundtjänst\"";
    let line = edit(
        dir.path(),
        "tester.rosa",
        brev,
        "förväntat vidarekoppla till kommunledning",
        "förväntat manus",
    );
    let run = rosa(&["test", dir.path().to_str().unwrap(), "--format", "json"]);
    assert_eq!(run.code, 1);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["failed"], 1);
    let results = report["results"].as_array().unwrap();
    let failed: Vec<&serde_json::Value> = results.iter().filter(|r| r["passed"] == false).collect();
    assert_eq!(failed.len(), 1);
    let f = failed[0];
    assert_eq!(f["location"], format!("tester.rosa:{line}"));
    assert_eq!(
        (&f["expected"], &f["got"], &f["got_forvaltning"]),
        (
            &"scripted".into(),
            &"forwarded".into(),
            &"kommunledning".into()
        )
    );
    let why: Vec<&str> = f["explanation"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|l| l.as_str())
        .collect();
    assert!(
        why.contains(&"✗ kundtjänst betjänar inte kanalen brev"),
        "{why:?}"
    );
}

#[test]
fn test_on_a_broken_ruleset_reports_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    copy_example(dir.path());
    edit(
        dir.path(),
        "tester.rosa",
        "test \"Växeln",
        "ärendetyp vaxel-koppla",
        "ärendetyp finns-inte",
    );
    let run = rosa(&["test", dir.path().to_str().unwrap()]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("finns-inte"), "{}", run.stderr);
}

/// `--explain` lists every guarded rule in the order tried, and what happened to each
/// (docs/semantik.md §5, §9); the JSON record carries the same list.
#[test]
fn explain_lists_the_rules_tried() {
    let args = [
        "decide",
        "--case",
        "ekonomiskt-bistand",
        "--part",
        "nodprovning",
        "--channel",
        "besök",
        "--time",
        "2026-03-02T10:00",
    ];
    let text = rosa(&[&args[..], &["--explain"]].concat()).stdout;
    let rules: Vec<&str> = text
        .lines()
        .skip_while(|l| *l != "  regler, i den ordning de prövas:")
        .skip(1)
        .take_while(|l| l.starts_with("    "))
        .collect();
    assert_eq!(rules.len(), 2, "{text}");
    // Rules are named by file and line (the condition is in the file).
    assert!(rules[0].ends_with(".rosa:47 var falsk"), "{text}");
    assert!(
        rules[1].ends_with(".rosa:58 var sann och avgjorde: vidarekoppla"),
        "{text}"
    );

    let json = rosa(&[&args[..], &["--explain", "--format", "json"]].concat()).stdout;
    let record: serde_json::Value = serde_json::from_str(&json).expect("json");
    let results: Vec<&str> = record["rules_tried"]
        .as_array()
        .expect("rules_tried")
        .iter()
        .map(|r| r["result"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(results, ["false", "fired"]);

    // Without a time the first rule cannot be evaluated, and the second is not reached.
    let without_time = rosa(&[&args[..7], &["--format", "json"]].concat()).stdout;
    let record: serde_json::Value = serde_json::from_str(&without_time).expect("json");
    let tried = record["rules_tried"].as_array().expect("rules_tried");
    assert_eq!(tried[0]["result"], "error");
    assert_eq!(
        tried[0]["reason"],
        "frågan saknar tid, som villkoret använder"
    );
    assert_eq!(tried[1]["result"], "not_reached");
}

/// `rosa search [DIR] ORD…`: the issue's example, in text and JSON.
#[test]
fn search_finds_the_type_from_the_citizens_words() {
    let run = rosa(&[
        "search",
        "rulesets/exempelkommun",
        "när kommer sopbilen",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let hits: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(hits[0]["case_type"], "sophamtning", "{hits}");
    for field in ["name", "forvaltning", "score", "matched"] {
        assert!(hits[0].get(field).is_some(), "{field}: {hits}");
    }
    let text = rosa(&["search", "bygglv", "status"]).stdout;
    assert!(text.starts_with("1. "), "{text}");
    assert!(text.contains("[bygglov-status]"), "{text}");
}
