//! Every diagnostic code, proved on a real broken ruleset from `tests/corpus/`.
//!
//! Each case is the valid `tests/corpus/base/` with one mistake. The test checks that
//! exactly that code is reported (errors: the ruleset does not load; warnings: it loads
//! with that warning), at the expected file, line and column, with a Swedish message and
//! a hint what to do; and it snapshots the input and the rendered diagnostic, so that
//! `tests/snapshots/` documents every code as `rosa check` shows it.

mod common;

use common::{Case, diagnostics, looks_swedish, position};
use rosa::{Code, Diagnostic, Diagnostics, FileId, Severity, SourceFile, SourceMap, Span};
use std::collections::BTreeSet;

/// Where a case's diagnostic must point: file, and line and column (1-based) unless the
/// problem concerns a whole file or directory.
struct Expected {
    case: &'static str,
    code: Code,
    file: &'static str,
    at: Option<(usize, usize)>,
}

const fn at(
    case: &'static str,
    code: Code,
    file: &'static str,
    line: usize,
    column: usize,
) -> Expected {
    Expected {
        case,
        code,
        file,
        at: Some((line, column)),
    }
}

/// A whole-file or whole-directory problem; `file` is `""` for the ruleset directory itself.
const fn whole(case: &'static str, code: Code, file: &'static str) -> Expected {
    Expected {
        case,
        code,
        file,
        at: None,
    }
}

const CASES: &[Expected] = &[
    at("R0001-syntaxfel", Code::Syntax, "bygg.rosa", 4, 30),
    at(
        "R0001-citattecken-fran-word",
        Code::Syntax,
        "bygg.rosa",
        8,
        15,
    ),
    at("R0001-felstavat-nyckelord", Code::Syntax, "bygg.rosa", 4, 5),
    at("R0001-i-manaden", Code::Syntax, "bygg.rosa", 6, 21),
    at(
        "R0001-mellanslag-i-tal",
        Code::Syntax,
        "kundtjanst.rosa",
        19,
        20,
    ),
    at("R0001-niva-med-decimaler", Code::Syntax, "bygg.rosa", 5, 15),
    at(
        "R0001-niva-i-stallet-for-rosa",
        Code::Syntax,
        "bygg.rosa",
        5,
        9,
    ),
    at("R0001-sekretess-ja", Code::Syntax, "bygg.rosa", 8, 19),
    at(
        "R0002-samma-id-i-tva-filer",
        Code::Duplicate,
        "miljo.rosa",
        4,
        15,
    ),
    at(
        "R0003-okant-system",
        Code::UnknownSystem,
        "bygg.rosa",
        7,
        16,
    ),
    at(
        "R0004-okand-mottagare",
        Code::UnknownTarget,
        "bygg.rosa",
        16,
        78,
    ),
    at(
        "R0005-manusfil-saknas",
        Code::MissingScript,
        "bygg.rosa",
        8,
        15,
    ),
    at(
        "R0006-niva-utanfor-skalan",
        Code::LevelOutOfScale,
        "bygg.rosa",
        15,
        48,
    ),
    at(
        "R0007-frekvens-saknas",
        Code::MissingFrekvens,
        "bygg.rosa",
        5,
        14,
    ),
    at(
        "R0008-tal-utan-enhet",
        Code::MissingUnit,
        "bygg.rosa",
        6,
        18,
    ),
    at("R0009-fel-enhet", Code::WrongUnit, "bygg.rosa", 6, 21),
    at(
        "R0010-villkoret-gar-inte-att-tolka",
        Code::ConditionSyntax,
        "bygg.rosa",
        16,
        32,
    ),
    at(
        "R0011-okant-namn-i-villkor",
        Code::ConditionName,
        "bygg.rosa",
        16,
        13,
    ),
    at(
        "R0011-odeklarerat-attribut",
        Code::ConditionName,
        "bygg.rosa",
        16,
        33,
    ),
    at(
        "R0012-test-okand-arendetyp",
        Code::UnknownInTest,
        "tester.rosa",
        2,
        15,
    ),
    at(
        "R0013-policy-saknar-kanaler",
        Code::Policy,
        "kundtjanst.rosa",
        4,
        1,
    ),
    whole("R0013-policy-saknas", Code::Policy, ""),
    at(
        "R0014-okand-kanal",
        Code::UnknownChannel,
        "bygg.rosa",
        8,
        26,
    ),
    at(
        "R0014-okand-kanal-i-ej-kanaler",
        Code::UnknownChannel,
        "bygg.rosa",
        4,
        16,
    ),
    at(
        "R0015-uppgift-tva-ganger",
        Code::RepeatedStatement,
        "bygg.rosa",
        10,
        9,
    ),
    at("R0016-niva-saknas", Code::Level, "bygg.rosa", 4, 15),
    at(
        "R0017-ogiltigt-varde",
        Code::InvalidValue,
        "kundtjanst.rosa",
        5,
        35,
    ),
    whole("R0018-inte-utf8", Code::Unreadable, "bygg.rosa"),
    whole("R0019-inga-regelfiler", Code::NoRuleFiles, ""),
    at(
        "R0020-manus-utan-manusfil",
        Code::ScriptedWithoutScript,
        "bygg.rosa",
        18,
        27,
    ),
    at(
        "R0021-ofullstandigt-test",
        Code::IncompleteTest,
        "tester.rosa",
        1,
        1,
    ),
    at(
        "R0022-ja-nej-jamfors-med-text",
        Code::ConditionType,
        "bygg.rosa",
        16,
        26,
    ),
    at(
        "R0022-tal-inom-citattecken",
        Code::ConditionType,
        "bygg.rosa",
        16,
        13,
    ),
    at(
        "R0022-kanal-jamfors-med-tal",
        Code::ConditionType,
        "bygg.rosa",
        16,
        13,
    ),
    at(
        "R0023-okand-kanal-i-villkor",
        Code::ConditionImpossible,
        "bygg.rosa",
        16,
        22,
    ),
    at(
        "R0023-okant-delmoment",
        Code::ConditionImpossible,
        "bygg.rosa",
        16,
        26,
    ),
    at(
        "R0024-funktion-i-villkor",
        Code::ConditionFunction,
        "bygg.rosa",
        16,
        13,
    ),
    at(
        "R0025-villkoret-ar-for-stort",
        Code::ConditionTooLarge,
        "bygg.rosa",
        17,
        13,
    ),
    at(
        "R0026-attribut-utan-typ",
        Code::UntypedAttribute,
        "kundtjanst.rosa",
        10,
        52,
    ),
    at(
        "R0101-regeln-kan-aldrig-avgora",
        Code::UnreachableRule,
        "bygg.rosa",
        17,
        9,
    ),
    at(
        "R0102-overenskommelse-strider-mot-policyn",
        Code::AgreementContradictsPolicy,
        "bygg.rosa",
        15,
        65,
    ),
    at(
        "R0103-blandade-skriftsystem",
        Code::MixedScripts,
        "bygg.rosa",
        12,
        15,
    ),
    at(
        "R0104-forvaxlingsbara-id",
        Code::ConfusableIds,
        "bygg.rosa",
        12,
        15,
    ),
    at(
        "R0105-manus-skulle-flytta",
        Code::ScriptWouldMove,
        "bygg.rosa",
        12,
        5,
    ),
    at(
        "R0106-direktniva-utan-svar",
        Code::DirectWithoutAnswer,
        "bygg.rosa",
        14,
        9,
    ),
];

fn expected(case: &str) -> &'static Expected {
    CASES
        .iter()
        .find(|e| e.case == case)
        .unwrap_or_else(|| panic!("no expectation for {case}"))
}

/// Load one case, check the one diagnostic it must produce, and snapshot it.
fn check_case(name: &str) {
    let expected = expected(name);
    let case = Case::new(name);
    let (result, dir) = case.load();
    let diags = diagnostics(&result);
    let codes: Vec<Code> = diags.items.iter().map(|d| d.code).collect();
    assert_eq!(
        codes,
        vec![expected.code],
        "{name}: expected exactly one {}, got:\n{}",
        expected.code,
        diags.render()
    );
    match expected.code.severity() {
        Severity::Error => assert!(result.is_err(), "{name}: a ruleset with errors loaded"),
        Severity::Warning => assert!(
            result.is_ok(),
            "{name}: a ruleset with only warnings did not load"
        ),
    }

    let d = &diags.items[0];
    let (file, line, column) = position(diags, d);
    let expected_file = if expected.file.is_empty() {
        dir.display()
    } else {
        expected.file.to_string()
    };
    assert_eq!(file, expected_file, "{name}: file");
    assert_eq!(
        line.zip(column),
        expected.at,
        "{name}: line and column\n{}",
        diags.render()
    );

    // Swedish, lowercase, and says what to do.
    looks_swedish(&d.message).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert!(
        !d.message.starts_with(char::is_uppercase),
        "{name}: messages start in lowercase: {}",
        d.message
    );
    let help = d
        .help
        .as_deref()
        .unwrap_or_else(|| panic!("{name}: no help in {}", diags.render()));
    looks_swedish(help).unwrap_or_else(|e| panic!("{name}: {e}"));

    // The rendered text shows `file:line:col` like rustc.
    let rendered = diags.render().replace(&dir.display(), "<regelkatalog>");
    if let Some((line, column)) = expected.at {
        let location = format!("--> {}:{line}:{column}", expected.file);
        assert!(
            rendered.contains(&location),
            "{name}: no `{location}` in\n{rendered}"
        );
    }

    insta::assert_snapshot!(name, snapshot_text(&case, &rendered));
}

/// The case's input files (with line numbers, so that positions can be checked by eye)
/// and what `rosa check` prints.
fn snapshot_text(case: &Case, rendered: &str) -> String {
    let mut out = String::new();
    for rel in case.own_files() {
        let path = rel.to_string_lossy().replace('\\', "/");
        out.push_str(&format!("----- {path} -----\n"));
        match std::fs::read_to_string(case.dir.join(&rel)) {
            Ok(text) => {
                for (i, line) in text.lines().enumerate() {
                    let numbered = format!("{:>3} | {line}", i + 1);
                    out.push_str(numbered.trim_end());
                    out.push('\n');
                }
            }
            Err(_) => out.push_str("(inte UTF-8: sparad som Latin-1)\n"),
        }
    }
    for removed in case.removed() {
        out.push_str(&format!("----- {removed}: borttagen -----\n"));
    }
    out.push_str("----- rosa check -----\n");
    out.push_str(rendered);
    out
}

macro_rules! cases {
    ($($test:ident => $case:literal;)*) => {
        $(
            #[test]
            fn $test() {
                check_case($case);
            }
        )*

        /// Every corpus directory has a test above.
        const TESTED: &[&str] = &[$($case),*];
    };
}

cases! {
    r0001_syntax_error => "R0001-syntaxfel";
    r0001_curly_quotes_from_word => "R0001-citattecken-fran-word";
    r0001_misspelt_keyword => "R0001-felstavat-nyckelord";
    r0001_i_manaden => "R0001-i-manaden";
    r0001_space_inside_a_number => "R0001-mellanslag-i-tal";
    r0001_level_with_decimals => "R0001-niva-med-decimaler";
    r0001_niva_instead_of_rosa => "R0001-niva-i-stallet-for-rosa";
    r0001_sekretess_ja => "R0001-sekretess-ja";
    r0002_duplicate_id_across_files => "R0002-samma-id-i-tva-filer";
    r0003_unknown_system => "R0003-okant-system";
    r0004_unknown_forward_target => "R0004-okand-mottagare";
    r0005_missing_script_file => "R0005-manusfil-saknas";
    r0006_level_outside_scale => "R0006-niva-utanfor-skalan";
    r0007_level_3_without_frekvens => "R0007-frekvens-saknas";
    r0008_number_without_unit => "R0008-tal-utan-enhet";
    r0009_wrong_unit => "R0009-fel-enhet";
    r0010_condition_does_not_compile => "R0010-villkoret-gar-inte-att-tolka";
    r0011_unknown_name_in_condition => "R0011-okant-namn-i-villkor";
    r0011_undeclared_attribute_in_condition => "R0011-odeklarerat-attribut";
    r0012_test_names_unknown_arendetyp => "R0012-test-okand-arendetyp";
    r0013_policy_without_kanaler => "R0013-policy-saknar-kanaler";
    r0013_no_policy => "R0013-policy-saknas";
    r0014_unknown_channel => "R0014-okand-kanal";
    r0014_unknown_channel_in_ej_kanaler => "R0014-okand-kanal-i-ej-kanaler";
    r0015_statement_twice => "R0015-uppgift-tva-ganger";
    r0016_no_level => "R0016-niva-saknas";
    r0017_invalid_value => "R0017-ogiltigt-varde";
    r0018_file_not_utf8 => "R0018-inte-utf8";
    r0019_no_rule_files => "R0019-inga-regelfiler";
    r0020_scripted_without_script => "R0020-manus-utan-manusfil";
    r0021_incomplete_test => "R0021-ofullstandigt-test";
    r0022_yes_no_attribute_compared_with_text => "R0022-ja-nej-jamfors-med-text";
    r0022_number_in_quotes => "R0022-tal-inom-citattecken";
    r0022_channel_compared_with_number => "R0022-kanal-jamfors-med-tal";
    r0023_misspelt_channel_in_condition => "R0023-okand-kanal-i-villkor";
    r0023_delmoment_the_rule_does_not_cover => "R0023-okant-delmoment";
    r0024_function_in_condition => "R0024-funktion-i-villkor";
    r0025_condition_too_large => "R0025-villkoret-ar-for-stort";
    r0026_attribute_without_type => "R0026-attribut-utan-typ";
    r0101_unreachable_rule => "R0101-regeln-kan-aldrig-avgora";
    r0102_agreement_contradicts_policy => "R0102-overenskommelse-strider-mot-policyn";
    r0103_mixed_scripts => "R0103-blandade-skriftsystem";
    r0104_confusable_ids => "R0104-forvaxlingsbara-id";
    r0105_script_would_move => "R0105-manus-skulle-flytta";
    r0106_direct_level_without_answer => "R0106-direktniva-utan-svar";
}

#[test]
fn every_code_has_a_case_and_every_case_a_test() {
    let covered: BTreeSet<Code> = CASES.iter().map(|e| e.code).collect();
    let missing: Vec<&str> = Code::ALL
        .iter()
        .filter(|c| !covered.contains(c))
        .map(|c| c.as_str())
        .collect();
    assert!(
        missing.is_empty(),
        "codes without a corpus case: {missing:?}"
    );
    for e in CASES {
        assert!(
            e.case.starts_with(e.code.as_str()),
            "{} is named after its code",
            e.case
        );
        assert!(TESTED.contains(&e.case), "{} has no test", e.case);
    }
    for case in Case::all() {
        if case.name == "flera-fel" {
            continue;
        }
        assert!(
            CASES.iter().any(|e| e.case == case.name),
            "corpus directory {} has no expectation",
            case.name
        );
    }
}

#[test]
fn the_base_is_valid_without_warnings() {
    let ruleset = rosa::Ruleset::load(common::corpus_dir().join("base"))
        .unwrap_or_else(|d| panic!("{}", d.render()));
    assert!(
        ruleset.warnings().items.is_empty(),
        "{}",
        ruleset.warnings().render()
    );
}

/// Every code has a Swedish title in the catalogue, and codes are unique and stable.
#[test]
fn the_catalogue_is_complete() {
    let mut seen = BTreeSet::new();
    for code in Code::ALL {
        assert!(seen.insert(code.as_str()), "{code} twice");
        assert!(code.as_str().starts_with('R') && code.as_str().len() == 5);
        looks_swedish(code.title()).unwrap();
        let warning = code.as_str() >= "R0100";
        assert_eq!(code.severity() == Severity::Warning, warning, "{code}");
    }
}

/// Errors in the policy, a förvaltning file and the tests are all reported in one run.
#[test]
fn several_errors_in_several_files_are_reported_at_once() {
    let (result, _dir) = Case::new("flera-fel").load();
    let diags = result.expect_err("a broken ruleset must not load");
    let found: BTreeSet<(String, &str)> = diags
        .records()
        .into_iter()
        .map(|r| (format!("{}:{}", r.file, r.line.unwrap_or(0)), r.code))
        .collect();
    let expected: BTreeSet<(String, &str)> = [
        ("kundtjanst.rosa:5", "R0017"),
        ("kundtjanst.rosa:12", "R0008"),
        ("bygg.rosa:7", "R0003"),
        ("bygg.rosa:8", "R0005"),
        ("bygg.rosa:15", "R0006"),
        ("tester.rosa:2", "R0012"),
    ]
    .into_iter()
    .map(|(at, code)| (at.to_string(), code))
    .collect();
    assert_eq!(found, expected, "\n{}", diags.render());
    assert!(diags.render().ends_with("6 fel\n"), "{}", diags.render());
}

/// A syntax error in one file does not hide the problems of the others, and does not
/// cause false errors about what that file would have defined.
#[test]
fn a_syntax_error_does_not_hide_other_files_or_cascade() {
    let dir = Case::new("R0001-syntaxfel").materialize();
    let tests = dir.path.join("tester.rosa");
    let text = std::fs::read_to_string(&tests).unwrap();
    std::fs::write(&tests, text.replace("kanal telefon", "kanal fax")).unwrap();
    let diags = rosa::Ruleset::load(&dir.path).expect_err("does not load");
    let codes: Vec<&str> = diags.items.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["R0001", "R0014"], "{}", diags.render());
}

/// The JSON records carry what `rosa check --format json` promises.
#[test]
fn records_carry_file_line_column_code_severity_message() {
    let (result, _dir) = Case::new("R0003-okant-system").load();
    let diags = result.expect_err("does not load");
    let record = serde_json::to_value(&diags.records()[0]).unwrap();
    assert_eq!(record["file"], "bygg.rosa");
    assert_eq!(record["line"], 7);
    assert_eq!(record["column"], 16);
    assert_eq!(record["end_column"], 21);
    assert_eq!(record["code"], "R0003");
    assert_eq!(record["severity"], "error");
    assert_eq!(record["message"], "okänt system `Byggr`");
    assert!(
        record["help"]
            .as_str()
            .unwrap()
            .contains("Menade du `ByggR`?")
    );
}

/// The guide for rule authors shows every code, as `rosa check` really prints it.
#[test]
fn the_guide_documents_every_code_with_its_real_message() {
    let guide = std::fs::read_to_string(common::manifest_dir().join("docs/regelsprak.md"))
        .expect("docs/regelsprak.md");
    for code in Code::ALL {
        assert!(
            guide.contains(&format!("\n### {code}\n")),
            "docs/regelsprak.md has no section for {code}"
        );
    }
    for e in CASES {
        let (result, dir) = Case::new(e.case).load();
        let diags = diagnostics(&result);
        let rendered = diags.render().replace(&dir.display(), "<regelkatalog>");
        // The whole diagnostic, so that the guide's excerpts follow the renderer.
        let shown = rendered.split("\n\n").next().unwrap_or_default();
        assert!(
            guide.contains(shown),
            "docs/regelsprak.md does not show exactly this ({}):\n{shown}",
            e.case
        );
    }
}

/// One mistake gives one diagnostic: a value that is present but wrong is not also
/// reported as missing, and what it breaks is not reported again elsewhere.
#[test]
fn one_mistake_gives_one_diagnostic() {
    let cases: &[(&str, &str, &str, &[&str])] = &[
        // A level outside the scale: not also "saknar nivå", nor an unknown type in the test.
        ("bygg.rosa", "rosa 3", "rosa 7", &["R0006"]),
        // A part's level outside the scale: the test naming the part is not reported.
        ("bygg.rosa", "{ rosa 1 svar", "{ rosa 0 svar", &["R0006"]),
        // No level at all: the test naming the type is not reported too.
        ("bygg.rosa", "        rosa 3\n", "", &["R0016"]),
        // A frekvens with a bad unit is not also "utan frekvens".
        ("bygg.rosa", "60 per månad", "60 %", &["R0009"]),
        // A policy value that is wrong is not also "saknas".
        ("kundtjanst.rosa", "10 per månad", "10", &["R0008"]),
        ("kundtjanst.rosa", "till bygg", "till byg", &["R0004"]),
        (
            "kundtjanst.rosa",
            "kommunkod 1299",
            "kommunkod 12",
            &["R0017"],
        ),
        // A policy level range outside the scale does not stop the rest of the check.
        (
            "kundtjanst.rosa",
            "manus rosa 3-4",
            "manus rosa 3-9",
            &["R0006"],
        ),
    ];
    for (file, old, new, expected) in cases {
        let dir = common::TempDir::new("ett-fel");
        common::copy_dir(&common::corpus_dir().join("base"), &dir.path);
        let path = dir.path.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.matches(old).count(), 1, "`{old}` once in {file}");
        std::fs::write(&path, text.replacen(old, new, 1)).unwrap();
        // The test also names the delmoment, so that a broken part would show up there.
        let tests = dir.path.join("tester.rosa");
        let more = "\ntest \"regler\" {\n    ärendetyp bygglov\n    delmoment regler\n    förväntat direkt\n}\n";
        let t = std::fs::read_to_string(&tests).unwrap();
        std::fs::write(&tests, t + more).unwrap();
        let diags = rosa::Ruleset::load(&dir.path).expect_err("does not load");
        let codes: Vec<&str> = diags.items.iter().map(|d| d.code.as_str()).collect();
        assert_eq!(&codes, expected, "`{old}` → `{new}`:\n{}", diags.render());
    }
}

/// The slips that the guide's "Vanliga misstag" (docs/regelsprak.md §10) lists, and a
/// few more: each gives one diagnostic, with the code and the hint the guide promises.
#[test]
fn common_condition_mistakes_get_the_promised_hint() {
    let cases: &[(&str, &str, &str)] = &[
        (r#"attr.akut == "ja""#, "R0022", "skriv `attr.akut`"),
        (r#"attr.akut == "nej""#, "R0022", "skriv `!attr.akut`"),
        (r#"attr.akut != "ja""#, "R0022", "skriv `!attr.akut`"),
        (
            r#"attr.belopp > "10000""#,
            "R0022",
            "skriv talet utan citattecken: `10000`",
        ),
        (
            r#"attr.belopp > "10 000""#,
            "R0022",
            "skriv talet utan citattecken: `10000`",
        ),
        (r#"kanal = "besök""#, "R0010", "skriv `==` för att jämföra"),
        (r#"kanal == "Besök""#, "R0023", "Menade du `besök`?"),
        (r#"kanal == "telefn""#, "R0023", "Menade du `telefon`?"),
        ("akut", "R0011", "`attr.akut`"),
        (r#"kanal == "besök" && akut"#, "R0011", "`attr.akut`"),
        ("kanal == “besök”", "R0010", "använd raka citattecken"),
        ("kanal == 'besök'", "R0010", "raka dubbla citattecken"),
        ("attr.akut & attr.skyddad_identitet", "R0010", "skriv `&&`"),
        ("attr.akut | attr.skyddad_identitet", "R0010", "skriv `||`"),
        ("kanal == besök", "R0011", "text skrivs inom citattecken"),
        ("kanal == 5", "R0022", "kanalnamn inom citattecken"),
        (r#"kanal < "besök""#, "R0022", "kan bara jämföra tal"),
        ("attr.belopp", "R0022", "här behövs ja eller nej"),
        (
            "attr.belopp + 100 > 5000",
            "R0010",
            "villkor kan inte räkna",
        ),
        ("len(attr.kommundel) > 3", "R0024", "funktionen `len`"),
        // `[` cannot start an operand: a syntax error before any function is seen.
        (r#"[0].pad(999,"").to_debug() != """#, "R0010", "`[0].pad"),
        (
            "attr.brådskande",
            "R0011",
            "`brådskande` är inte deklarerat",
        ),
        ("", "R0010", "villkoret är tomt"),
    ];
    let policy = "attribut skyddad_identitet ja/nej, belopp tal";
    let typed = "attribut skyddad_identitet ja/nej, belopp tal, akut ja/nej, kommundel text";
    let rule = "`kanal == \"besök\" && attr.skyddad_identitet`";
    for (condition, code, hint) in cases {
        let dir = common::TempDir::new("villkor");
        common::copy_dir(&common::corpus_dir().join("base"), &dir.path);
        for (file, old, new) in [
            ("kundtjanst.rosa", policy, typed.to_string()),
            ("bygg.rosa", rule, format!("`{condition}`")),
        ] {
            let path = dir.path.join(file);
            let text = std::fs::read_to_string(&path).unwrap();
            assert_eq!(text.matches(old).count(), 1, "`{old}` once in {file}");
            std::fs::write(&path, text.replacen(old, &new, 1)).unwrap();
        }
        let diags = rosa::Ruleset::load(&dir.path).expect_err("does not load");
        let records = diags.records();
        let codes: Vec<&str> = records.iter().map(|r| r.code).collect();
        assert_eq!(codes, [*code], "`{condition}`:\n{}", diags.render());
        let said = format!(
            "{} {}",
            records[0].message,
            records[0].help.as_deref().unwrap_or_default()
        );
        assert!(
            said.contains(hint),
            "`{condition}`: no `{hint}` in\n{}",
            diags.render()
        );
    }
}

/// Conditions may use every name, operator and `in`; these all load.
#[test]
fn well_formed_conditions_load() {
    let conditions = [
        r#"kanal == "besök" && attr.skyddad_identitet"#,
        r#"kanal in ["besök", "chatt"] || !attr.akut"#,
        r#"!(kanal in ["besok", "mejl"])"#,
        r#"delmoment == "bedomning" || delmoment in ["regler"]"#,
        "timme < 8 || timme >= 17 || veckodag >= 6",
        "timme == 16 && minut >= 30",
        "veckodag in [6, 7]",
        "attr.belopp >= 10000.5 && attr.belopp != -1",
        r#"attr.kommundel == "Norr" || attr.kommundel in ["Söder", "Öster"]"#,
        "attr.brådskande == true",
        "(attr.akut || attr.brådskande) && kanal != \"sms\"",
    ];
    for condition in conditions {
        let dir = common::TempDir::new("villkor");
        common::copy_dir(&common::corpus_dir().join("base"), &dir.path);
        let policy = dir.path.join("kundtjanst.rosa");
        let text = std::fs::read_to_string(&policy).unwrap();
        std::fs::write(
            &policy,
            text.replacen(
                "belopp tal",
                "belopp tal, akut ja/nej, kommundel text, brådskande ja/nej",
                1,
            ),
        )
        .unwrap();
        let rules = dir.path.join("bygg.rosa");
        let text = std::fs::read_to_string(&rules).unwrap();
        std::fs::write(
            &rules,
            text.replacen(
                "`kanal == \"besök\" && attr.skyddad_identitet`",
                &format!("`{condition}`"),
                1,
            ),
        )
        .unwrap();
        let ruleset = rosa::Ruleset::load(&dir.path)
            .unwrap_or_else(|d| panic!("`{condition}`:\n{}", d.render()));
        assert!(
            ruleset.warnings().items.is_empty(),
            "`{condition}`:\n{}",
            ruleset.warnings().render()
        );
    }
}

/// Typed attributes: a `test` value must have the declared type (R0017), and the type
/// is kept in the model.
#[test]
fn typed_attributes_are_checked_in_tests() {
    let mut sources = rosa::SourceMap::default();
    sources.add(rosa::SourceFile::new(
        "k.rosa",
        "kundtjänst \"K\" {\n    kommun \"K\" kommunkod 1234\n    kanaler telefon\n    attribut belopp tal, akut ja/nej\n    frekvensgräns 1 per månad\n    reserv vidarekoppla till f\n}\nförvaltning f \"F\" {\n    ärendetyp a \"A\" { rosa 1  frekvens 5 per månad svar \"Ja.\" }\n}\ntest \"t\" {\n    ärendetyp a\n    attribut belopp = \"mycket\"\n    förväntat direkt\n}\n",
    ));
    let diagnostics = rosa::Ruleset::from_sources(".", sources, vec![])
        .expect_err("the test value has the wrong type");
    let records = diagnostics.records();
    assert_eq!(records.len(), 1, "{}", diagnostics.render());
    assert_eq!(
        (records[0].code, records[0].line, records[0].column),
        ("R0017", Some(13), Some(23))
    );
    assert!(
        records[0].message.contains("deklarerat som ett tal"),
        "{}",
        records[0].message
    );
}

/// `ej kanaler` is one statement per block, like `kanaler`: written twice in a
/// förvaltning, an ärendetyp or a delmoment it is R0015; once in each is fine.
#[test]
fn ej_kanaler_twice_in_one_block() {
    let policy = "kundtjänst \"K\" {\n    kommun \"K\" kommunkod 1234\n    kanaler telefon, besök\n    frekvensgräns 1 per månad\n    reserv vidarekoppla till f\n}\n";
    let load = |forvaltning: &str| {
        let mut sources = rosa::SourceMap::default();
        sources.add(rosa::SourceFile::new("k.rosa", policy));
        sources.add(rosa::SourceFile::new("f.rosa", forvaltning));
        rosa::Ruleset::from_sources(".", sources, vec![])
    };
    let twice = [
        "förvaltning f \"F\" {\n    ej kanaler besök\n    ej kanal telefon\n    ärendetyp a \"A\" { rosa 5 }\n}\n",
        "förvaltning f \"F\" {\n    ärendetyp a \"A\" {\n        rosa 5\n        ej kanaler besök\n        ej kanaler telefon\n    }\n}\n",
        "förvaltning f \"F\" {\n    ärendetyp a \"A\" {\n        delmoment d \"D\" {\n            rosa 5\n            ej kanaler besök\n            ej kanaler telefon\n        }\n    }\n}\n",
    ];
    for text in twice {
        let diagnostics = load(text).expect_err("written twice");
        let records = diagnostics.records();
        let codes: Vec<&str> = records.iter().map(|r| r.code).collect();
        assert_eq!(codes, ["R0015"], "{}", diagnostics.render());
        assert_eq!(
            records[0].message,
            "`ej kanaler` står två gånger i samma block"
        );
    }
    let once_each = "förvaltning f \"F\" {\n    ej kanaler besök\n    ärendetyp a \"A\" {\n        ej kanaler besök\n        delmoment d \"D\" { rosa 1  ej kanaler telefon }\n    }\n}\n";
    load(once_each).unwrap_or_else(|d| panic!("{}", d.render()));
}

/// A hand-made `bygg.rosa` with one diagnostic in it.
fn one_in(text: &str, diagnostic: impl FnOnce(FileId) -> Diagnostic) -> Diagnostics {
    let mut sources = SourceMap::default();
    let file = sources.add(SourceFile::new("bygg.rosa", text));
    Diagnostics {
        items: vec![diagnostic(file)],
        sources,
    }
}

/// A span over several lines shows every line, with the markers joining its start and
/// end; å/ä/ö before the end do not shift the caret.
#[test]
fn a_span_over_three_lines_renders_whole() {
    let text = "förvaltning bygg \"Bygg\" {\n    ärendetyp bygglov \"Bygglov\" {\n        frekvens 40 per månad\n        tid 4 min, förvaltning 9 min }\n}\n";
    let start = text.find("ärendetyp").unwrap();
    let end = text.find("min }").unwrap() + "min }".len();
    let diagnostics = one_in(text, |file| {
        Diagnostic::new(
            Code::Level,
            Span::new(file, start, end),
            "ärendetypen saknar nivå",
        )
        .label("hela ärendetypen")
        .help("ange `rosa N`")
    });
    assert_eq!(
        diagnostics.render(),
        "\
fel[R0016]: ärendetypen saknar nivå
 --> bygg.rosa:2:5
  |
2 | /     ärendetyp bygglov \"Bygglov\" {
3 | |         frekvens 40 per månad
4 | |         tid 4 min, förvaltning 9 min }
  | |______________________________________^ hela ärendetypen
  |
  = hjälp: ange `rosa N`

1 fel
"
    );
}

/// The renderer has no line after a file's last line break, where an error at the end
/// of the file points: the text must still say what the JSON form (and an editor) says.
#[test]
fn an_error_at_the_end_of_the_file_points_past_the_last_line() {
    let text = "förvaltning bygg \"Bygg\" {\n";
    let diagnostics = one_in(text, |file| {
        let at_end = Span::new(file, text.len(), text.len());
        Diagnostic::new(Code::Syntax, at_end, "väntade mig `}`").help("lägg till `}`")
    });
    let record = &diagnostics.records()[0];
    assert_eq!((record.line, record.column), (Some(2), Some(1)));
    let rendered = diagnostics.render();
    assert!(rendered.contains(" --> bygg.rosa:2:1\n"), "{rendered}");
}
