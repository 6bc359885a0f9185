//! `rosa check` over the real binary: the example kommun passes, and each kind of error
//! from issue 2, put into a copy of it, is reported at the right `file:line:col` with
//! exit code 1. Also `--format json`, `--deny-warnings` and the exit code for I/O errors.

mod common;

use common::{TempDir, copy_dir, example_dir, manifest_dir};
use std::process::Output;

fn rosa(args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_rosa"))
        .args(args)
        .current_dir(manifest_dir())
        .output()
        .expect("run rosa")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn both(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Byte index of the first `needle` at or after the first `anchor`.
fn find_after(text: &str, anchor: &str, needle: &str) -> usize {
    let start = text
        .find(anchor)
        .unwrap_or_else(|| panic!("the example no longer contains `{anchor}`"));
    start
        + text[start..]
            .find(needle)
            .unwrap_or_else(|| panic!("no `{needle}` after `{anchor}` in the example"))
}

/// 1-based line and column (in characters) of a byte index.
fn line_col(text: &str, at: usize) -> (usize, usize) {
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// The end of the line that `at` is on (the index of its `\n`).
fn line_end(text: &str, at: usize) -> usize {
    text[at..].find('\n').map_or(text.len(), |i| at + i)
}

/// A copy of the example kommun in a temporary directory.
struct Copy {
    dir: TempDir,
}

impl Copy {
    fn new(label: &str) -> Copy {
        let dir = TempDir::new(label);
        copy_dir(&example_dir(), &dir.path);
        Copy { dir }
    }

    fn path(&self) -> String {
        self.dir.display()
    }

    fn read(&self, file: &str) -> String {
        std::fs::read_to_string(self.dir.path.join(file)).expect("read example file")
    }

    fn write(&self, file: &str, text: &str) {
        std::fs::write(self.dir.path.join(file), text).expect("write example file")
    }

    fn check(&self, extra: &[&str]) -> Output {
        let path = self.path();
        let mut args = vec!["check", path.as_str()];
        args.extend_from_slice(extra);
        rosa(&args)
    }
}

/// The type every injection goes into: a level 3 type with frekvens, system and script.
const TYPE: &str = "ärendetyp bygglov-status ";
const FILE: &str = "samhallsbyggnad.rosa";

/// One error put into a copy of the example, and where it must be reported: at the first
/// `needle` after `anchor` in the edited file, plus `offset` bytes.
struct Injection {
    file: &'static str,
    code: &'static str,
    edit: fn(&str) -> String,
    anchor: &'static str,
    needle: &'static str,
    offset: usize,
}

/// Insert a line right after the line that `TYPE` is on.
fn insert_in_type(text: &str, line: &str) -> String {
    let at = line_end(text, find_after(text, TYPE, TYPE));
    format!("{}\n        {line}{}", &text[..at], &text[at..])
}

/// Replace the level after `rosa ` in `TYPE`.
fn set_level(text: &str, level: &str) -> String {
    let at = find_after(text, TYPE, "rosa ") + "rosa ".len();
    let digits = text[at..].chars().take_while(char::is_ascii_digit).count();
    format!("{}{level}{}", &text[..at], &text[at + digits..])
}

/// Replace what follows the number of `frekvens` in `TYPE` (its unit) with `unit`.
fn set_frekvens_unit(text: &str, unit: &str) -> String {
    let number = find_after(text, TYPE, "frekvens ") + "frekvens ".len();
    let end = number
        + text[number..]
            .find(|c: char| !c.is_ascii_digit() && c != ',')
            .unwrap_or(0);
    format!("{}{unit}{}", &text[..end], &text[line_end(text, end)..])
}

fn syntax_error(text: &str) -> String {
    set_level(text, "tre")
}

fn level_outside_scale(text: &str) -> String {
    set_level(text, "9")
}

fn duplicate_id_in_other_file(text: &str) -> String {
    format!(
        "{text}\nförvaltning extra \"Extra\" {{\n    ärendetyp bygglov-status \"Dubblett\" {{\n        rosa 1\n    }}\n}}\n"
    )
}

fn unknown_system(text: &str) -> String {
    let at = find_after(text, TYPE, "system ") + "system ".len();
    format!("{}Bygglovsportalen, {}", &text[..at], &text[at..])
}

fn unknown_target(text: &str) -> String {
    insert_in_type(text, "vidarekoppla till bygglovsenheten")
}

fn missing_script(text: &str) -> String {
    let at = find_after(text, TYPE, "manus \"") + "manus \"".len();
    format!("{}saknas/{}", &text[..at], &text[at..])
}

fn without_frekvens(text: &str) -> String {
    let at = find_after(text, TYPE, "frekvens ");
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    format!("{}{}", &text[..start], &text[line_end(text, at) + 1..])
}

fn number_without_unit(text: &str) -> String {
    set_frekvens_unit(text, "")
}

fn wrong_unit(text: &str) -> String {
    set_frekvens_unit(text, " min")
}

fn condition_does_not_compile(text: &str) -> String {
    insert_in_type(text, "om `kanal == \"besök\" &&` => vidarekoppla")
}

fn unknown_name_in_condition(text: &str) -> String {
    insert_in_type(text, "om `kanl == \"besök\"` => vidarekoppla")
}

fn flag_compared_with_text(text: &str) -> String {
    insert_in_type(text, "om `attr.akut == \"ja\"` => vidarekoppla")
}

fn number_compared_with_text(text: &str) -> String {
    insert_in_type(text, "om `attr.belopp > \"10000\"` => vidarekoppla")
}

fn channel_compared_with_number(text: &str) -> String {
    insert_in_type(text, "om `kanal == 5` => vidarekoppla")
}

fn channel_that_cannot_occur(text: &str) -> String {
    insert_in_type(text, "om `kanal == \"telefn\"` => vidarekoppla")
}

/// The hostile condition from issue 9 (functions that cost 20 ms each under Rhai),
/// 7 KB of it: refused for its size before it is even parsed.
fn hostile_condition(text: &str) -> String {
    let part = "[0].pad(999,\"\").to_debug() != \"\"";
    insert_in_type(
        text,
        &format!("om `{}` => vidarekoppla", vec![part; 200].join(" && ")),
    )
}

fn function_call(text: &str) -> String {
    insert_in_type(text, "om `len(attr.belopp) > 3` => vidarekoppla")
}

fn test_with_unknown_type(text: &str) -> String {
    format!(
        "{text}\ntest \"Okänd ärendetyp\" {{\n    ärendetyp bygglov-statu\n    förväntat manus\n}}\n"
    )
}

const INJECTIONS: &[Injection] = &[
    Injection {
        file: FILE,
        code: "R0001",
        edit: syntax_error,
        anchor: TYPE,
        needle: "rosa tre",
        offset: 5,
    },
    Injection {
        file: "va-avfall.rosa",
        code: "R0002",
        edit: duplicate_id_in_other_file,
        anchor: "förvaltning extra",
        needle: "bygglov-status",
        offset: 0,
    },
    Injection {
        file: FILE,
        code: "R0003",
        edit: unknown_system,
        anchor: TYPE,
        needle: "Bygglovsportalen",
        offset: 0,
    },
    Injection {
        file: FILE,
        code: "R0004",
        edit: unknown_target,
        anchor: TYPE,
        needle: "bygglovsenheten",
        offset: 0,
    },
    Injection {
        file: FILE,
        code: "R0005",
        edit: missing_script,
        anchor: TYPE,
        needle: "\"saknas/",
        offset: 0,
    },
    Injection {
        file: FILE,
        code: "R0006",
        edit: level_outside_scale,
        anchor: TYPE,
        needle: "rosa 9",
        offset: 5,
    },
    Injection {
        file: FILE,
        code: "R0007",
        edit: without_frekvens,
        anchor: TYPE,
        needle: "rosa ",
        offset: 5,
    },
    Injection {
        file: FILE,
        code: "R0008",
        edit: number_without_unit,
        anchor: TYPE,
        needle: "frekvens ",
        offset: 9,
    },
    Injection {
        file: FILE,
        code: "R0009",
        edit: wrong_unit,
        anchor: TYPE,
        needle: " min\n",
        offset: 1,
    },
    Injection {
        file: FILE,
        code: "R0010",
        edit: condition_does_not_compile,
        anchor: TYPE,
        needle: "&&`",
        offset: 2,
    },
    Injection {
        file: FILE,
        code: "R0011",
        edit: unknown_name_in_condition,
        anchor: TYPE,
        needle: "kanl",
        offset: 0,
    },
    Injection {
        file: FILE,
        code: "R0022",
        edit: flag_compared_with_text,
        anchor: TYPE,
        needle: "\"ja\"`",
        offset: 0,
    },
    Injection {
        file: FILE,
        code: "R0022",
        edit: number_compared_with_text,
        anchor: TYPE,
        needle: "attr.belopp > \"",
        offset: 0,
    },
    Injection {
        file: FILE,
        code: "R0022",
        edit: channel_compared_with_number,
        anchor: TYPE,
        needle: "kanal == 5",
        offset: 0,
    },
    Injection {
        file: FILE,
        code: "R0023",
        edit: channel_that_cannot_occur,
        anchor: TYPE,
        needle: "\"telefn\"",
        offset: 0,
    },
    Injection {
        file: FILE,
        code: "R0025",
        edit: hostile_condition,
        anchor: TYPE,
        needle: "[0]",
        offset: 0,
    },
    Injection {
        file: FILE,
        code: "R0024",
        edit: function_call,
        anchor: TYPE,
        needle: "len(",
        offset: 0,
    },
    Injection {
        file: FILE,
        code: "R0012",
        edit: test_with_unknown_type,
        anchor: "test \"Okänd ärendetyp\"",
        needle: "bygglov-statu\n",
        offset: 0,
    },
];

/// Put the injection into a fresh copy; return the copy and the expected `file:line:col`.
fn inject(i: &Injection) -> (Copy, String, (usize, usize)) {
    let copy = Copy::new(i.code);
    let edited = (i.edit)(&copy.read(i.file));
    copy.write(i.file, &edited);
    let at = find_after(&edited, i.anchor, i.needle) + i.offset;
    let (line, column) = line_col(&edited, at);
    (copy, format!("{}:{line}:{column}", i.file), (line, column))
}

#[test]
fn the_example_kommun_checks_clean() {
    let out = rosa(&["check", "rulesets/exempelkommun"]);
    assert_eq!(out.status.code(), Some(0), "{}", both(&out));
    assert!(
        stdout(&out).contains("Exempelkommun (1299)"),
        "{}",
        stdout(&out)
    );
}

/// Attribute names follow the rules of ids: å, ä and ö included.
#[test]
fn an_attribute_with_swedish_letters_loads_and_decides() {
    let copy = Copy::new("brådskande");
    let policy = copy
        .read("kundtjanst.rosa")
        .replace("akut ja/nej", "akut ja/nej, brådskande ja/nej");
    copy.write("kundtjanst.rosa", &policy);
    let edited = insert_in_type(
        &copy.read(FILE),
        "om `attr.brådskande || timme >= 16` => vidarekoppla kö \"Jouren\"",
    );
    copy.write(FILE, &edited);
    let out = copy.check(&[]);
    assert_eq!(out.status.code(), Some(0), "{}", both(&out));
    let path = copy.path();
    let decide = |extra: &[&str]| {
        let mut args = vec![
            "decide",
            path.as_str(),
            "--case",
            "bygglov-status",
            "--channel",
            "telefon",
            "--format",
            "json",
        ];
        args.extend_from_slice(extra);
        let out = rosa(&args);
        serde_json::from_slice::<serde_json::Value>(&out.stdout).expect("json")
    };
    // Urgent and no time: the rule fires without reading the time (short circuit).
    let urgent = decide(&["--attr", "brådskande=ja"]);
    assert_eq!(
        (urgent["basis"].as_str(), urgent["target"]["queue"].as_str()),
        (Some("rule"), Some("Jouren")),
        "{urgent}"
    );
    // Not urgent and no time: the rule needs the time, so a person takes it.
    let not_urgent = decide(&["--attr", "brådskande=nej"]);
    assert_eq!(not_urgent["basis"], "condition_error", "{not_urgent}");
}

#[test]
fn the_example_kommun_is_the_default() {
    let out = rosa(&["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", both(&out));
}

#[test]
fn each_kind_of_error_is_reported_at_its_place_with_exit_1() {
    for i in INJECTIONS {
        let (copy, location, _) = inject(i);
        let out = copy.check(&[]);
        let text = both(&out);
        assert_eq!(out.status.code(), Some(1), "{}: {text}", i.code);
        let expected = format!("fel[{}]", i.code);
        let rendered = text
            .split("\n\n")
            .find(|d| d.starts_with(&expected))
            .unwrap_or_else(|| panic!("{}: no {expected} in\n{text}", i.code));
        assert!(
            rendered.contains(&format!("--> {location}\n")),
            "{}: expected at {location}:\n{text}",
            i.code
        );
        assert!(
            text.contains("regeluppsättningen laddades inte"),
            "{}: {text}",
            i.code
        );
    }
}

#[test]
fn json_output_carries_file_line_column_code_severity_message() {
    for i in INJECTIONS {
        let (copy, _, (line, column)) = inject(i);
        let out = copy.check(&["--format", "json"]);
        assert_eq!(out.status.code(), Some(1), "{}", i.code);
        let report: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{}: not JSON ({e}): {}", i.code, both(&out)));
        assert_eq!(
            report["errors"], 1,
            "{}: one error, one diagnostic: {report:#}",
            i.code
        );
        let records = report["diagnostics"].as_array().expect("diagnostics");
        let record = records
            .iter()
            .find(|r| r["code"] == i.code)
            .unwrap_or_else(|| panic!("{}: not in {report:#}", i.code));
        assert_eq!(record["file"], i.file, "{record}");
        assert_eq!(record["line"], line, "{record}");
        assert_eq!(record["column"], column, "{record}");
        assert_eq!(record["severity"], "error", "{record}");
        assert!(
            !record["message"].as_str().unwrap_or("").is_empty(),
            "{record}"
        );
        for r in records {
            for key in ["file", "line", "column", "code", "severity", "message"] {
                assert!(r.get(key).is_some(), "{key} missing in {r}");
            }
        }
    }
}

#[test]
fn json_output_of_a_clean_ruleset_parses() {
    let out = rosa(&["check", "rulesets/exempelkommun", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", both(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(report["errors"], 0);
    assert!(report["diagnostics"].is_array());
}

#[test]
fn deny_warnings_turns_a_warning_into_exit_1() {
    let copy = Copy::new("varning");
    let rule = "om `kanal == \"chatt\"` => vidarekoppla";
    let edited = insert_in_type(&insert_in_type(&copy.read(FILE), rule), rule);
    copy.write(FILE, &edited);

    let out = copy.check(&[]);
    assert_eq!(out.status.code(), Some(0), "{}", both(&out));
    assert!(stdout(&out).contains("varning[R0101]"), "{}", stdout(&out));

    let out = copy.check(&["--deny-warnings"]);
    assert_eq!(out.status.code(), Some(1), "{}", both(&out));

    let out = copy.check(&["--deny-warnings", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let warning = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "R0101")
        .expect("R0101 in JSON");
    assert_eq!(warning["severity"], "warning");
}

#[test]
fn a_missing_directory_exits_2() {
    let out = rosa(&["check", "rulesets/finns-inte"]);
    assert_eq!(out.status.code(), Some(2), "{}", both(&out));
    assert!(
        both(&out).contains("katalogen `rulesets/finns-inte` finns inte"),
        "{}",
        both(&out)
    );
}

#[test]
fn a_directory_without_rule_files_exits_2() {
    let empty = TempDir::new("tom");
    let out = rosa(&["check", &empty.display()]);
    assert_eq!(out.status.code(), Some(2), "{}", both(&out));
    assert!(both(&out).contains("R0019"), "{}", both(&out));
}

#[test]
fn a_usage_error_exits_2() {
    let out = rosa(&["check", "--format", "xml"]);
    assert_eq!(out.status.code(), Some(2), "{}", both(&out));
}

#[test]
fn several_errors_in_several_files_are_all_reported() {
    let copy = Copy::new("flera");
    let mut expected = Vec::new();
    for i in [
        &INJECTIONS[2],
        &INJECTIONS[1],
        &INJECTIONS[INJECTIONS.len() - 1],
    ] {
        let edited = (i.edit)(&copy.read(i.file));
        copy.write(i.file, &edited);
        let (line, column) = line_col(&edited, find_after(&edited, i.anchor, i.needle) + i.offset);
        expected.push(format!("{}:{line}:{column}", i.file));
    }
    let out = copy.check(&[]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    for location in expected {
        assert!(text.contains(&location), "no {location} in\n{text}");
    }
    assert!(text.contains("3 fel"), "{text}");
}

// ---------------------------------------------------------------- the first hour

fn rosa_in(dir: &std::path::Path, args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_rosa"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run rosa")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn rosa_new_writes_a_ruleset_that_checks_and_tests_green() {
    let tmp = TempDir::new("ny");
    let dir = tmp.path.join("min-kommun");
    let dir_text = dir.to_string_lossy().into_owned();
    let out = rosa(&[
        "new",
        &dir_text,
        "--kommun",
        "Lillby",
        "--kommunkod",
        "1234",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", both(&out));
    let check = rosa(&["check", &dir_text, "--deny-warnings"]);
    assert_eq!(check.status.code(), Some(0), "{}", both(&check));
    assert!(
        stdout(&check).starts_with("ok: Lillby (1234), 1 förvaltning, 1 ärendetyp, 1 beslutsenhet"),
        "{}",
        stdout(&check)
    );
    let test = rosa(&["test", &dir_text]);
    assert_eq!(test.status.code(), Some(0), "{}", both(&test));
    assert!(
        stdout(&test).ends_with("2 tester gick igenom, 0 misslyckades\n"),
        "{}",
        stdout(&test)
    );
    let fmt = rosa(&["fmt", "--check", &dir_text]);
    assert_eq!(
        fmt.status.code(),
        Some(0),
        "the template is formatted: {}",
        both(&fmt)
    );

    // Never over an existing ruleset.
    let again = rosa(&["new", &dir_text]);
    assert_eq!(again.status.code(), Some(2), "{}", both(&again));
    assert!(
        stderr(&again).contains("finns redan och är inte tom"),
        "{}",
        both(&again)
    );
}

#[test]
fn without_a_directory_rosa_uses_the_current_one_and_says_so() {
    let tmp = TempDir::new("cwd");
    let dir = tmp.path.join("k");
    let out = rosa(&["new", &dir.to_string_lossy()]);
    assert_eq!(out.status.code(), Some(0), "{}", both(&out));
    let check = rosa_in(&dir, &["check"]);
    assert_eq!(check.status.code(), Some(0), "{}", both(&check));
    assert!(
        stderr(&check).contains("använder regelkatalogen ."),
        "{}",
        both(&check)
    );
    assert!(
        stdout(&check).contains("Min kommun (0000)"),
        "{}",
        both(&check)
    );

    // In the crate root it is the example kommun.
    let out = rosa(&["check"]);
    assert!(
        stderr(&out).contains("använder regelkatalogen rulesets/exempelkommun"),
        "{}",
        both(&out)
    );

    // Elsewhere there is nothing to use: say so, and what to do.
    let out = rosa_in(&tmp.path, &["check"]);
    assert_eq!(out.status.code(), Some(2), "{}", both(&out));
    assert!(
        stderr(&out).contains("exempelkommunen (`rulesets/exempelkommun`) finns inte här"),
        "{}",
        both(&out)
    );
    assert!(stderr(&out).contains("rosa new"), "{}", both(&out));
}

#[test]
fn a_single_file_is_checked_as_a_ruleset_of_one_file() {
    let tmp = TempDir::new("enfil");
    let out = rosa(&["new", &tmp.path.join("k").to_string_lossy()]);
    assert_eq!(out.status.code(), Some(0), "{}", both(&out));
    // The whole ruleset in one file, next to the others: only that file is read, and
    // its manus is found from the file's directory.
    let whole: String = ["kundtjanst.rosa", "bygg.rosa", "tester.rosa"]
        .iter()
        .map(|f| std::fs::read_to_string(tmp.path.join("k").join(f)).unwrap() + "\n")
        .collect();
    let policy = tmp.path.join("k/alla.rosa");
    std::fs::write(&policy, whole).unwrap();
    let out = rosa(&["check", &policy.to_string_lossy()]);
    assert_eq!(out.status.code(), Some(0), "{}", both(&out));
    assert!(stdout(&out).contains("1 förvaltning,"), "{}", stdout(&out));
    let out = rosa(&["test", &policy.to_string_lossy()]);
    assert_eq!(out.status.code(), Some(0), "{}", both(&out));
    // A förvaltning alone has no policy: that is what the author sees.
    let out = rosa(&["check", &tmp.path.join("k/bygg.rosa").to_string_lossy()]);
    assert_eq!(out.status.code(), Some(1), "{}", both(&out));
    assert!(stdout(&out).contains("R0013"), "{}", both(&out));
    let out = rosa(&[
        "fmt",
        "--check",
        &tmp.path.join("k/bygg.rosa").to_string_lossy(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", both(&out));
}

#[test]
fn a_rule_file_that_is_not_text_exits_1() {
    let latin1 = Copy::new("latin1");
    std::fs::write(latin1.dir.path.join("extra.rosa"), b"// f\xf6rvaltning\n").unwrap();
    let out = latin1.check(&[]);
    assert_eq!(out.status.code(), Some(1), "{}", both(&out));
    assert!(both(&out).contains("inte UTF-8"), "{}", both(&out));

    let binary = Copy::new("binar");
    std::fs::write(
        binary.dir.path.join("bild.rosa"),
        [0x89, b'P', b'N', b'G', 0, 0xff, 0xfe, 0],
    )
    .unwrap();
    let out = binary.check(&[]);
    assert_eq!(out.status.code(), Some(1), "{}", both(&out));

    // Notepad's "Unicode": named, so the author knows which setting to change.
    let utf16 = Copy::new("utf16");
    std::fs::write(
        utf16.dir.path.join("utf16.rosa"),
        [0xff, 0xfe, b'/', 0, b'/', 0],
    )
    .unwrap();
    let out = utf16.check(&[]);
    assert_eq!(out.status.code(), Some(1), "{}", both(&out));
    assert!(both(&out).contains("sparad som UTF-16"), "{}", both(&out));

    let nul = Copy::new("nul");
    std::fs::write(nul.dir.path.join("nul.rosa"), b"test \"a\" {\0}").unwrap();
    let out = nul.check(&[]);
    assert_eq!(out.status.code(), Some(1), "{}", both(&out));
}

#[test]
fn help_and_errors_are_in_swedish() {
    let out = rosa(&["--help"]);
    assert_eq!(out.status.code(), Some(0), "{}", both(&out));
    let help = stdout(&out);
    for swedish in [
        "Användning: rosa [FLAGGOR] <KOMMANDO>",
        "Kommandon:",
        "Flaggor:",
        "Visa den här hjälpen",
        "Exempel:",
    ] {
        assert!(help.contains(swedish), "no `{swedish}` in\n{help}");
    }
    for english in [
        "Usage:",
        "Options:",
        "Commands:",
        "Print help",
        "Print version",
    ] {
        assert!(!help.contains(english), "`{english}` in\n{help}");
    }
    let out = rosa(&["check", "--help"]);
    let help = stdout(&out);
    assert!(
        help.contains("Användning: rosa check [FLAGGOR] [KATALOG]"),
        "{help}"
    );
    assert!(help.contains("Argument:"), "{help}");
    assert!(help.contains("Exempel:"), "{help}");

    let out = rosa(&["chek"]);
    assert_eq!(out.status.code(), Some(2), "{}", both(&out));
    let err = stderr(&out);
    assert!(err.contains("fel: okänt kommando `chek`"), "{err}");
    assert!(err.contains("menade du `check`?"), "{err}");
    assert!(!err.contains("error"), "{err}");

    let out = rosa(&["new"]);
    assert_eq!(out.status.code(), Some(2), "{}", both(&out));
    assert!(
        stderr(&out).contains("fel: <KATALOG> saknas"),
        "{}",
        stderr(&out)
    );

    let out = rosa(&["check", "--format", "xml"]);
    assert!(
        stderr(&out).contains("`xml` är inget giltigt värde för `--format"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn version_names_the_commit() {
    let out = rosa(&["--version"]);
    assert_eq!(out.status.code(), Some(0), "{}", both(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with(&format!("rosa {} (", env!("CARGO_PKG_VERSION"))),
        "{text}"
    );
}

/// Shell completions and the man page come from the same definition as `--help`, so
/// every command is in them; a closed pipe ends them quietly.
#[test]
fn completions_and_man_page_name_every_command() {
    let commands = [
        "new",
        "check",
        "fmt",
        "decide",
        "test",
        "search",
        "dry-run",
        "generate-log",
        "serve",
        "lsp",
    ];
    for shell in ["bash", "zsh", "fish"] {
        let out = rosa(&["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{}", both(&out));
        let script = stdout(&out);
        for command in commands {
            assert!(script.contains(command), "{shell}: no `{command}`");
        }
    }
    let out = rosa(&["man"]);
    assert_eq!(out.status.code(), Some(0), "{}", both(&out));
    let page = stdout(&out);
    assert!(
        page.starts_with(".ie") && page.contains(".TH rosa 1"),
        "{page}"
    );
    for command in commands {
        // roff escapes a hyphen as `\-`.
        assert!(
            page.contains(&command.replace('-', "\\-")),
            "man: no `{command}`"
        );
    }
    let out = rosa(&["completions", "powershel"]);
    assert_eq!(out.status.code(), Some(2), "{}", both(&out));
}

/// `--format xlsx` writes the workbook to a pipe (never to a terminal: that is refused),
/// `--section` gives one section as CSV, and a wrong section or format says what to do.
#[test]
fn dry_run_xlsx_and_csv_sections() {
    let out = rosa(&["dry-run", "rulesets/exempelkommun", "--format", "xlsx"]);
    assert_eq!(out.status.code(), Some(0), "{}", both(&out));
    assert!(
        out.stdout.starts_with(b"PK\x03\x04"),
        "a zip archive on a pipe"
    );

    let out = rosa(&[
        "dry-run",
        "rulesets/exempelkommun",
        "--format",
        "csv",
        "--csv-plain",
        "--section",
        "system",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", both(&out));
    assert!(
        stdout(&out).starts_with("system,kundtjänst har åtkomst,"),
        "{}",
        both(&out)
    );

    let out = rosa(&["dry-run", "rulesets/exempelkommun", "--section", "system"]);
    assert_eq!(out.status.code(), Some(2), "{}", both(&out));
    assert!(both(&out).contains("--section gäller bara --format csv"));

    let out = rosa(&[
        "dry-run",
        "rulesets/exempelkommun",
        "--format",
        "csv",
        "--section",
        "personal",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", both(&out));
    assert!(
        both(&out)
            .contains("okänt avsnitt `personal`; välj ett av: sammanfattning, forvaltningar,"),
        "{}",
        both(&out)
    );

    let out = rosa(&[
        "dry-run",
        "rulesets/exempelkommun",
        "--format",
        "csv",
        "--section",
        "jamforelse",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", both(&out));
    assert!(both(&out).contains("finns bara med --compare eller ett scenario"));
}

/// `generate-log` streams through a temporary beside `--out`: a symbolic link planted at
/// `--out` is refused, and the file it points to stays as it was.
#[cfg(unix)]
#[test]
fn generate_log_never_writes_through_a_link() {
    let dir = TempDir::new("generate-log-link");
    let target = dir.path.join("annan.csv");
    std::fs::write(&target, "orörd").expect("target");
    let link = dir.path.join("arenden.csv");
    std::os::unix::fs::symlink(&target, &link).expect("symlink");
    let link_arg = link.to_string_lossy().into_owned();
    let args = [
        "generate-log",
        "rulesets/exempelkommun",
        "--rows",
        "20",
        "--out",
        &link_arg,
    ];
    let out = rosa(&args);
    assert_eq!(out.status.code(), Some(2), "{}", both(&out));
    assert!(both(&out).contains("symbolisk länk"), "{}", both(&out));
    assert_eq!(std::fs::read_to_string(&target).expect("target"), "orörd");
    assert!(link.is_symlink(), "the link itself is left in place");

    std::fs::remove_file(&link).expect("remove link");
    let out = rosa(&args);
    assert_eq!(out.status.code(), Some(0), "{}", both(&out));
    assert!(both(&out).contains("skrev 20 rader till"), "{}", both(&out));
    let written = std::fs::read_to_string(&link).expect("log");
    assert_eq!(written.lines().count(), 21, "a header and 20 rows");
    let left = std::fs::read_dir(&dir.path).expect("dir").count();
    assert_eq!(left, 2, "no temporary left beside the log");
}
