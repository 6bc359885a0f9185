//! `rosa import` and `rosa export`: the bundled untidy tjänsteurval decides as its rows
//! say, export → import is the identity on the example kommun, an edit shows as exactly
//! the edited units, and bad files are refused with nothing written.

use rosa::tjansteurval::{self, Column};
use rosa::{Engine, Inquiry, Outcome, Ruleset};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Formula, Workbook};
use std::path::{Path, PathBuf};
use std::process::Output;

const EXAMPLE: &str = "tests/fixtures/import/tjansteurval.xlsx";
const CHANNELS: [&str; 4] = ["telefon", "e-post", "chatt", "besök"];

fn rosa(args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_rosa"))
        .args(args)
        .output()
        .expect("rosa runs")
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn import(file: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "import",
        file.to_str().expect("utf-8 path"),
        "--out",
        out.to_str().expect("utf-8 path"),
        "--kommun",
        "Exempelkommun",
        "--kommunkod",
        "1299",
    ];
    args.extend(extra);
    rosa(&args)
}

/// One row of the bundled example: the sheet row, the ärendetyp and delmoment as the
/// row names them, its level, and the outcome in telefon, e-post, chatt and besök as the
/// policy's method gives it (docs/semantik.md §8) for what the row says.
struct Expected {
    row: u32,
    typ: &'static str,
    part: Option<&'static str>,
    level: u8,
    outcomes: [&'static str; 4],
}

const D: &str = "direkt";
const M: &str = "manus";
const V: &str = "vidarekoppla";

const EXPECTED: &[Expected] = &[
    // Level 1 and 2: direkt, whatever the frekvens.
    Expected {
        row: 4,
        typ: "Bygglov",
        part: Some("Allmänna regler"),
        level: 1,
        outcomes: [D, D, D, D],
    },
    Expected {
        row: 5,
        typ: "Bygglov",
        part: Some("Hjälp med e-tjänsten"),
        level: 2,
        outcomes: [D, D, D, D],
    },
    // Level 3, 60 per month (over the threshold of 10), a manus: scripted.
    Expected {
        row: 6,
        typ: "Bygglov",
        part: Some("Kontroll av att ansökan är komplett"),
        level: 3,
        outcomes: [M, M, M, M],
    },
    // `5-6`: the higher, 6, above the scripted levels.
    Expected {
        row: 7,
        typ: "Bygglov",
        part: Some("Bedömning och beslut"),
        level: 6,
        outcomes: [V, V, V, V],
    },
    // A manus written as text in the cell.
    Expected {
        row: 8,
        typ: "Status på bygglovsärende",
        part: None,
        level: 3,
        outcomes: [M, M, M, M],
    },
    // ByggR is a system kundtjänst lacks (a new system goes to `övriga system`), and 6 a month is under the threshold.
    Expected {
        row: 9,
        typ: "Anmälan om ovårdad tomt",
        part: None,
        level: 3,
        outcomes: [V, V, V, V],
    },
    Expected {
        row: 12,
        typ: "Information om hemtjänst",
        part: None,
        level: 2,
        outcomes: [D, D, D, D],
    },
    Expected {
        row: 13,
        typ: "Biståndsbedömning",
        part: None,
        level: 6,
        outcomes: [V, V, V, V],
    },
    Expected {
        row: 17,
        typ: "Bokning av lokal",
        part: None,
        level: 2,
        outcomes: [D, D, D, D],
    },
    // 20–30 per year: 25, under the threshold of 120 per year.
    Expected {
        row: 18,
        typ: "Föreningsbidrag",
        part: None,
        level: 4,
        outcomes: [V, V, V, V],
    },
    // `ej kanaler besök`.
    Expected {
        row: 19,
        typ: "Öppettider på biblioteket",
        part: None,
        level: 1,
        outcomes: [D, D, D, V],
    },
];

/// The bundled example: a tjänsteurval as kommuner keep them, with a title above the
/// header, a förvaltning in merged cells or written once above its rows, an ärendetyp
/// merged over its delmoment, blank spacer rows, `ca`, ranges, `5-6`, `nivå 2`, decimal
/// commas, periods in the header and in cells, a row without a level, a sum row with a
/// formula, and a sheet of notes.
fn write_example(path: &Path) {
    let mut book = Workbook::new();
    let created = ExcelDateTime::from_ymd(2025, 9, 23).expect("a date");
    book.set_properties(&DocProperties::new().set_creation_datetime(&created));
    let bold = Format::new().set_bold();
    let merged = Format::new().set_align(rust_xlsxwriter::FormatAlign::Top);
    let sheet = book.add_worksheet();
    sheet.set_name("Tjänsteurval 2025").unwrap();
    sheet
        .write_string_with_format(
            0,
            0,
            "Tjänsteurval för Exempelkommun – bilaga 3 till KS 2025/123",
            &bold,
        )
        .unwrap();
    let header = [
        "Verksamhet",
        "Ärende",
        "Delmoment",
        "ROSA-nivå (1–6)",
        "Antal per månad",
        "Verksamhetssystem",
        "Talmanus",
        "Sekretess",
        "Handläggningstid",
        "Sökord",
        "Anteckning",
        "Ej kanaler",
    ];
    for (col, h) in header.iter().enumerate() {
        sheet
            .write_string_with_format(2, col as u16, *h, &bold)
            .unwrap();
    }
    sheet
        .merge_range(3, 0, 8, 0, "Samhällsbyggnadsförvaltningen", &merged)
        .unwrap();
    sheet.merge_range(3, 1, 6, 1, "Bygglov", &merged).unwrap();
    // Sheet rows are 1-based in the comments and in `EXPECTED`; the writer's are 0-based.
    let rows: &[(u32, &[(u16, &str)])] = &[
        (
            4,
            &[
                (2, "Allmänna regler"),
                (3, "1"),
                (4, "ca 150"),
                (5, "Webbplats"),
                (6, "nej"),
                (8, "4"),
                (9, "bygglov, bygga, altan"),
                (10, "Från workshopen 2025-09-23"),
            ],
        ),
        (
            5,
            &[
                (2, "Hjälp med e-tjänsten"),
                (3, "nivå 2"),
                (4, "40–60"),
                (5, "Webbplats"),
                (8, "6 min"),
            ],
        ),
        (
            6,
            &[
                (2, "Kontroll av att ansökan är komplett"),
                (3, "3"),
                (4, "60"),
                (6, "ja"),
                (8, "8"),
            ],
        ),
        (7, &[(2, "Bedömning och beslut"), (3, "5-6"), (4, "400")]),
        (
            8,
            &[
                (1, "Status på bygglovsärende"),
                (3, "3"),
                (4, "120"),
                (6, "Fråga efter ärendenumret och läs upp senaste händelsen."),
                (9, "status; startbesked"),
            ],
        ),
        (
            9,
            &[
                (1, "Anmälan om ovårdad tomt"),
                (3, "3"),
                (4, "6"),
                (5, "ByggR"),
                (6, "ja"),
            ],
        ),
        (11, &[(0, "Vård och omsorg")]),
        (
            12,
            &[
                (1, "Information om hemtjänst"),
                (3, "2"),
                (4, "2,5 per vecka"),
            ],
        ),
        (
            13,
            &[
                (1, "Biståndsbedömning"),
                (3, "6"),
                (4, "30 st/år"),
                (5, "Procapita"),
                (7, "ja"),
            ],
        ),
        (
            14,
            &[
                (1, "Avgift för hemtjänst"),
                (4, "25"),
                (10, "nivå diskuteras med förvaltningen"),
            ],
        ),
        (
            17,
            &[
                (0, "Kultur och fritid"),
                (1, "Bokning av lokal"),
                (3, "2"),
                (4, "45/mån"),
                (5, "Webbplats"),
                (8, "ca 5"),
                (9, "lokal, boka"),
            ],
        ),
        (
            18,
            &[
                (1, "Föreningsbidrag"),
                (3, "4"),
                (4, "20–30 per år"),
                (6, "manus/foreningsbidrag.md"),
            ],
        ),
        (
            19,
            &[
                (1, "Öppettider på biblioteket"),
                (3, "1"),
                (4, "80"),
                (11, "besök"),
            ],
        ),
    ];
    for (row, cells) in rows {
        for (col, value) in *cells {
            match value.parse::<f64>() {
                Ok(n) => sheet.write_number(row - 1, *col, n).unwrap(),
                Err(_) => sheet.write_string(row - 1, *col, *value).unwrap(),
            };
        }
    }
    sheet.write_string(14, 1, "Summa").unwrap();
    sheet
        .write_formula(14, 4, Formula::new("=SUM(E13:E14)").set_result("55"))
        .unwrap();
    let notes = book.add_worksheet();
    notes.set_name("Anteckningar").unwrap();
    notes
        .write_string(0, 0, "Listan gicks igenom med förvaltningarna hösten 2025.")
        .unwrap();
    book.save(path).unwrap();
}

/// The bundled file is what [`write_example`] writes; `ROSA_BLESS=1` rewrites it.
#[test]
fn the_bundled_example_is_written_by_the_helper() {
    let dir = tempfile::tempdir().unwrap();
    let fresh = dir.path().join("tjansteurval.xlsx");
    write_example(&fresh);
    if std::env::var_os("ROSA_BLESS").is_some() {
        std::fs::copy(&fresh, EXAMPLE).unwrap();
    }
    assert_eq!(
        cells(&fresh),
        cells(Path::new(EXAMPLE)),
        "run `ROSA_BLESS=1 cargo test --test import` to rewrite {EXAMPLE}"
    );
}

/// Every sheet's cells as text, to compare workbooks by content.
fn cells(path: &Path) -> Vec<(String, Vec<Vec<String>>)> {
    use calamine::{Reader, Xlsx, open_workbook};
    let mut book: Xlsx<_> = open_workbook(path).expect("a workbook");
    book.sheet_names()
        .into_iter()
        .map(|name| {
            let range = book.worksheet_range(&name).expect("a sheet");
            let rows = range
                .rows()
                .map(|r| r.iter().map(|c| c.to_string()).collect())
                .collect();
            (name, rows)
        })
        .collect()
}

fn outcome_word(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Kundtjanst => "direkt",
        Outcome::Scripted => "manus",
        _ => "vidarekoppla",
    }
}

#[test]
fn the_bundled_example_decides_as_its_rows_say() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("exempel");
    let output = import(Path::new(EXAMPLE), &out, &["--verbose"]);
    let report = text(&output);
    assert!(output.status.success(), "{report}");
    let ruleset = Ruleset::load(&out).unwrap_or_else(|d| panic!("{}", d.render()));
    let engine = Engine::new(&ruleset);
    let mut units = 0;
    for e in EXPECTED {
        let typ = ruleset
            .arendetyper()
            .iter()
            .find(|t| t.name == e.typ)
            .unwrap_or_else(|| panic!("row {}: no ärendetyp `{}`\n{report}", e.row, e.typ));
        let unit = typ
            .units
            .iter()
            .find(|u| e.part.is_none_or(|p| u.name == p))
            .unwrap_or_else(|| panic!("row {}: no delmoment {:?}", e.row, e.part));
        assert_eq!(unit.level, e.level, "row {}: level", e.row);
        for (channel, expected) in CHANNELS.iter().zip(e.outcomes) {
            let mut inquiry = Inquiry::new(typ.id.as_str()).channel(channel);
            if let Some(part) = &unit.part {
                inquiry = inquiry.part(part.as_str());
            }
            let decision = engine.decide(&inquiry);
            assert_eq!(
                outcome_word(decision.outcome),
                expected,
                "row {} `{}` {:?} in {channel}",
                e.row,
                e.typ,
                e.part
            );
        }
        units += 1;
    }
    let all: usize = ruleset.arendetyper().iter().map(|t| t.units.len()).sum();
    assert_eq!(all, units, "every unit in the ruleset is a row of EXPECTED");
    // Every reading said, with its cell.
    for said in [
        "rad 1: hoppades över",
        "rad 2: hoppades över: tom rad",
        "E4: tolkat: `ca 150`: `ca` togs bort",
        "E5: tolkat: `40–60`: spannet 40–60 togs som mitten, 50",
        "D7: tolkat: `5-6` spänner över två nivåer; den högre, 6, togs",
        "D5: tolkat: `nivå` togs bort",
        "A5: tolkat: tom förvaltning: `Samhällsbyggnadsförvaltningen` från raden ovanför",
        "B5: tolkat: tom ärendetyp: `Bygglov` från raden ovanför",
        "A4:A9: tolkat: sammanfogade celler",
        "E12: tolkat: `2,5 per vecka`: decimalkomma",
        "E15: tolkat: en formel: dess sparade värde `55` används",
        "rad 14: hoppades över: ärendetypen `Avgift för hemtjänst` har ingen ROSA-nivå och inga delmoment",
        "rad 15: hoppades över: ärendetypen `Summa` har ingen ROSA-nivå",
        "rad 11: läst: förvaltningen `Vård och omsorg`",
        "blad `Anteckningar`:\n  bladet: hoppades över",
        "G8: tolkat: manustexten blir manusfilens innehåll",
        "G18: att skriva: `manus/foreningsbidrag.md` har bara en rubrik: skriv manuset innan överenskommelsen används",
    ] {
        assert!(report.contains(said), "the report says `{said}`:\n{report}");
    }
    let script = std::fs::read_to_string(out.join("manus/status-pa-bygglovsarende.md")).unwrap();
    assert!(script.contains("Fråga efter ärendenumret"), "{script}");
    assert!(out.join("manus/foreningsbidrag.md").is_file());
    // Formatted as `rosa fmt` lays it out.
    let check = rosa(&["fmt", "--check", out.to_str().unwrap()]);
    assert!(check.status.success(), "{}", text(&check));
}

/// Every unit in every channel, with each ja/nej attribute on alone and all off.
fn same_decisions(a: &Ruleset, b: &Ruleset) -> Vec<tjansteurval::DecisionChange> {
    let mut changes = tjansteurval::decision_changes(a, b);
    changes.extend(tjansteurval::decision_changes(b, a));
    changes
}

fn export(dir: &Path, out: &Path) -> Output {
    rosa(&[
        "export",
        dir.to_str().unwrap(),
        "--format",
        "xlsx",
        "--out",
        out.to_str().unwrap(),
    ])
}

#[test]
fn export_then_import_is_the_identity_on_the_example_kommun() {
    let dir = tempfile::tempdir().unwrap();
    let original = Ruleset::load("rulesets/exempelkommun").expect("the example loads");
    let book = dir.path().join("export.xlsx");
    let exported = export(Path::new("rulesets/exempelkommun"), &book);
    assert!(exported.status.success(), "{}", text(&exported));
    // The hidden Regeltext sheet carries the tests, loose comments and manus texts, so
    // nothing is said to be left out.
    let said = text(&exported);
    assert!(!said.contains("följer inte med"), "{said}");

    let first = dir.path().join("first");
    let imported = import(&book, &first, &[]);
    assert!(imported.status.success(), "{}", text(&imported));
    assert!(
        text(&imported).contains("ingen rad är ändrad"),
        "{}",
        text(&imported)
    );
    let first_set = Ruleset::load(&first).unwrap();
    assert_eq!(
        same_decisions(&original, &first_set),
        vec![],
        "decisions of every unit in every channel"
    );
    assert_eq!(original.arendetyper().len(), first_set.arendetyper().len());
    assert_eq!(first_set.id(), original.id(), "the same files, the same id");
    assert_eq!(
        changed_files(Path::new("rulesets/exempelkommun"), &first),
        vec![] as Vec<String>
    );

    // The ruleset id: what the import writes from an export is a fixed point, so the
    // second round gives the very same files and id.
    let book2 = dir.path().join("export2.xlsx");
    assert!(export(&first, &book2).status.success());
    let second = dir.path().join("second");
    assert!(import(&book2, &second, &[]).status.success());
    let second_set = Ruleset::load(&second).unwrap();
    assert_eq!(first_set.id(), second_set.id());
}

#[test]
fn an_edited_export_shows_exactly_the_edited_units_before_writing() {
    let dir = tempfile::tempdir().unwrap();
    let book = exported_example(dir.path());
    // Raise bygglov-status from 3 to 5 (`ROSA-nivå`, the fourth column).
    let edited = dir.path().join("edited.xlsx");
    rewrite(&book, &edited, |sheet, row, col, value| {
        let id = sheet
            .get(row)
            .and_then(|r: &Vec<String>| r.get(16))
            .map(String::as_str);
        (id == Some("bygglov-status") && col == 3 && row > 0)
            .then(|| "5".to_string())
            .or(Some(value.to_string()))
    });
    let out = dir.path().join("ny");
    let output = import(&edited, &out, &["--compare", "rulesets/exempelkommun"]);
    let said = text(&output);
    assert!(output.status.success(), "{said}");
    let changed: Vec<&str> = said
        .lines()
        .filter(|l| l.starts_with("  ") && l.contains(" → "))
        .collect();
    assert!(!changed.is_empty(), "{said}");
    assert!(
        changed.iter().all(|l| l.starts_with("  bygglov-status i ")),
        "only the edited unit: {said}"
    );
    assert!(
        said.contains("bygglov-status i telefon: manus → vidarekoppla till samhallsbyggnad"),
        "{said}"
    );
    assert!(
        said.contains("; 1 ärendetyp med ändrad volym per utfall"),
        "the dry-run's comparison: {said}"
    );
}

/// The example kommun exported to `dir/export.xlsx`.
fn exported_example(dir: &Path) -> PathBuf {
    let book = dir.join("export.xlsx");
    let exported = export(Path::new("rulesets/exempelkommun"), &book);
    assert!(exported.status.success(), "{}", text(&exported));
    book
}

/// Copy a workbook's sheets cell by cell, `change` giving each cell's new text.
fn rewrite(
    from: &Path,
    to: &Path,
    change: impl Fn(&Vec<Vec<String>>, usize, usize, &str) -> Option<String>,
) {
    rewrite_rows(from, to, |_, rows| {
        rows.iter()
            .enumerate()
            .map(|(r, row)| {
                row.iter()
                    .enumerate()
                    .map(|(c, value)| change(&rows, r, c, value).unwrap_or_default())
                    .collect()
            })
            .collect()
    });
}

#[test]
fn a_swedish_csv_with_a_bom_and_semicolons_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("lista.csv");
    std::fs::write(
        &csv,
        "\u{feff}Förvaltning;Tjänst;Nivå;Frekvens\nVA och avfall;Fakturafrågor;2;\"1 200 per år\"\n;Tömning av slam;3-4;ca 15/mån\n",
    )
    .unwrap();
    let out = dir.path().join("va");
    let output = import(&csv, &out, &["--verbose"]);
    let said = text(&output);
    assert!(output.status.success(), "{said}");
    let ruleset = Ruleset::load(&out).unwrap();
    let slam = ruleset
        .arendetyp("tomning-av-slam")
        .expect("an id from the name");
    assert_eq!(slam.units[0].level, 4);
    assert_eq!(slam.units[0].frekvens, Some(180.0));
    assert_eq!(
        ruleset.arendetyp("fakturafragor").unwrap().units[0].frekvens,
        Some(1200.0)
    );
}

#[test]
fn a_comma_csv_and_a_column_mapping_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("lista.csv");
    std::fs::write(&csv, "Verksamhet,Vad,Grad\nSkola,Skolskjuts,2\n").unwrap();
    let out = dir.path().join("skola");
    let without = import(&csv, &out, &[]);
    assert_eq!(without.status.code(), Some(1), "{}", text(&without));
    assert!(!out.exists());
    let with = import(
        &csv,
        &out,
        &["--column", "ärendetyp=B", "--kolumn", "ROSA=C"],
    );
    assert!(with.status.success(), "{}", text(&with));
    assert!(
        Ruleset::load(&out)
            .unwrap()
            .arendetyp("skolskjuts")
            .is_some()
    );
}

#[test]
fn no_header_lists_the_columns_looked_for_and_the_first_rows() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("lista.csv");
    std::fs::write(&csv, "Namn;Färg\nBygglov;blå\n").unwrap();
    let out = dir.path().join("ut");
    let output = import(&csv, &out, &[]);
    let said = text(&output);
    assert_eq!(output.status.code(), Some(1), "{said}");
    assert!(said.contains("hittade ingen rubrikrad"), "{said}");
    assert!(said.contains("arendetyp/arende/tjanst"), "{said}");
    assert!(said.contains("rad 2: A2: Bygglov | B2: blå"), "{said}");
    assert!(!out.exists(), "nothing written");
}

#[test]
fn bad_files_are_refused_with_nothing_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ut");
    let cases: Vec<(PathBuf, &str)> = vec![
        (
            write(dir.path(), "bild.xlsx", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            "varken en Excel-arbetsbok",
        ),
        (
            write(
                dir.path(),
                "krypterad.xlsx",
                b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0\0\0",
            ),
            "lösenordsskyddad",
        ),
        (
            write(dir.path(), "trasig.xlsx", b"PK\x03\x04 not really a zip"),
            "ingen Excel-arbetsbok",
        ),
        (bomb(dir.path()), "packas upp till mer än"),
        (million_rows(dir.path()), "högst 100 000 rader"),
    ];
    for (file, expected) in cases {
        let started = std::time::Instant::now();
        let output = import(&file, &out, &[]);
        let said = text(&output);
        assert_eq!(output.status.code(), Some(1), "{}: {said}", file.display());
        assert!(said.contains(expected), "{}: {said}", file.display());
        assert!(!said.contains("panicked"), "{said}");
        assert!(!out.exists(), "nothing written for {}", file.display());
        assert!(
            started.elapsed().as_secs() < 30,
            "{} in bounded time",
            file.display()
        );
    }
}

#[test]
fn a_non_empty_directory_is_not_written_into() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ut");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("egen.txt"), "min fil").unwrap();
    let output = import(Path::new(EXAMPLE), &out, &[]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(text(&output).contains("finns redan och är inte tom"));
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 1);
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// A minimal workbook whose one sheet's rows `rows` writes.
fn raw_workbook(path: &Path, rows: impl FnOnce(&mut dyn std::io::Write)) {
    raw_workbook_packed(path, zip::CompressionMethod::Deflated, rows);
}

/// As [`raw_workbook`], the parts packed with `method` (stored: a big sheet written fast).
fn raw_workbook_packed(
    path: &Path,
    method: zip::CompressionMethod,
    rows: impl FnOnce(&mut dyn std::io::Write),
) {
    use std::io::Write;
    use zip::write::SimpleFileOptions;
    let mut zip = zip::ZipWriter::new(std::io::BufWriter::new(
        std::fs::File::create(path).unwrap(),
    ));
    let options = SimpleFileOptions::default().compression_method(method);
    let parts = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        ),
        (
            "xl/workbook.xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Blad1" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
        ),
    ];
    for (name, text) in parts {
        zip.start_file(name, options).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.start_file("xl/worksheets/sheet1.xml", options).unwrap();
    zip.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#).unwrap();
    rows(&mut zip);
    zip.write_all(b"</sheetData></worksheet>").unwrap();
    zip.finish().unwrap();
}

fn inline(reference: &str, text: &str) -> String {
    format!(r#"<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>"#)
}

/// A header and a million rows: refused at the first row past the limit.
fn million_rows(dir: &Path) -> PathBuf {
    let path = dir.join("miljon.xlsx");
    raw_workbook_packed(&path, zip::CompressionMethod::Stored, |w| {
        write!(
            w,
            r#"<row r="1">{}{}</row>"#,
            inline("A1", "Ärendetyp"),
            inline("B1", "ROSA")
        )
        .unwrap();
        for r in 2..=1_000_000 {
            write!(w, r#"<row r="{r}"><c r="B{r}"><v>2</v></c></row>"#).unwrap();
        }
    });
    path
}

/// A workbook whose sheet claims (in the zip's directory) to unpack to 3 GiB: refused
/// from the directory, before anything is unpacked.
fn bomb(dir: &Path) -> PathBuf {
    let path = dir.join("bomb.xlsx");
    raw_workbook(&path, |w| {
        write!(
            w,
            r#"<row r="1">{}{}</row>"#,
            inline("A1", "Ärendetyp"),
            inline("B1", "ROSA")
        )
        .unwrap();
    });
    let mut bytes = std::fs::read(&path).unwrap();
    let at = bytes.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
    bytes[at + 24..at + 28].copy_from_slice(&0xC000_0000u32.to_le_bytes());
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn a_formula_without_a_cached_value_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("formel.xlsx");
    raw_workbook(&path, |w| {
        write!(
            w,
            r#"<row r="1">{}{}{}</row>"#,
            inline("A1", "Förvaltning"),
            inline("B1", "Ärendetyp"),
            inline("C1", "ROSA")
        )
        .unwrap();
        write!(
            w,
            r#"<row r="2">{}{}<c r="C2"><f>1+1</f><v>2</v></c></row>"#,
            inline("A2", "Skola"),
            inline("B2", "Skolskjuts")
        )
        .unwrap();
        write!(
            w,
            r#"<row r="3">{}<c r="C3"><f>1+2</f></c></row>"#,
            inline("B3", "Läxhjälp")
        )
        .unwrap();
    });
    let out = dir.path().join("ut");
    let output = import(&path, &out, &["--verbose"]);
    let said = text(&output);
    assert!(output.status.success(), "{said}");
    assert!(
        said.contains("C2: tolkat: en formel: dess sparade värde `2` används"),
        "{said}"
    );
    assert!(
        said.contains("C3: tolkat: en formel utan sparat värde"),
        "{said}"
    );
    assert!(
        said.contains("ärendetypen `Läxhjälp` har ingen ROSA-nivå"),
        "{said}"
    );
}

#[test]
fn ids_are_stable_and_unique() {
    assert_eq!(
        tjansteurval::values::id_from("Bokning av lokal"),
        "bokning-av-lokal"
    );
    assert_eq!(
        tjansteurval::header::parse_mapping("rosa=E").ok(),
        Some((Column::Rosa, 4))
    );
}

#[test]
fn a_rule_cell_that_is_not_rule_language_names_its_row() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("lista.csv");
    std::fs::write(
        &csv,
        "Förvaltning;Ärendetyp;Nivå;Regler\nBygg;Bygglov;2;\nBygg;Strandskydd;3;om akut så vidare\n",
    )
    .unwrap();
    let out = dir.path().join("ut");
    let output = import(&csv, &out, &[]);
    let said = text(&output);
    assert_eq!(output.status.code(), Some(1), "{said}");
    assert!(
        said.contains("blad `lista` rad 3: en cell innehåller något som inte är regelspråk"),
        "{said}"
    );
    assert!(!out.exists());
}

/// A CSV whose id cells try to leave the output folder: each is said (sheet and cell)
/// and passed over, the ids come from the names, and nothing is written outside.
#[test]
fn id_cells_that_are_not_identifiers_are_refused_and_written_nowhere() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("lista.csv");
    std::fs::write(
        &csv,
        "Förvaltning;Förvaltning-id;Ärendetyp;Ärendetyp-id;Delmoment;Delmoment-id;Nivå;Frekvens;Manus\n\
         Bygg;../../pwn;Bygglov;\"x \"\"n\"\" {\n// /../../../tmp/pwn\";Status;../../../s;3;40 per månad;ja\n",
    )
    .unwrap();
    let out = dir.path().join("ut");
    let output = import(&csv, &out, &[]);
    let said = text(&output);
    assert!(output.status.success(), "{said}");
    assert!(
        said.contains("blad `lista` B2: hoppades över: `../../pwn` är inget id"),
        "{said}"
    );
    assert!(said.contains("blad `lista` D2: hoppades över:"), "{said}");
    assert!(said.contains("blad `lista` F2: hoppades över:"), "{said}");
    let ruleset = Ruleset::load(&out).unwrap();
    assert!(ruleset.arendetyp("bygglov").is_some(), "id from the name");
    assert!(out.join("bygg.rosa").exists());
    assert!(out.join("manus/bygglov-status.md").exists());
    let mut written: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    assert_eq!(
        written,
        ["lista.csv", "ut"],
        "nothing beside the output folder"
    );
}

/// A lone CR in a Kommentar cell ends the comment in the grammar; the import splits
/// there too, so the text after it stays a comment and is no statement.
#[test]
fn a_lone_carriage_return_in_a_comment_injects_no_statement() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("lista.csv");
    std::fs::write(
        &csv,
        "Förvaltning;Ärendetyp;Nivå;Kommentar\nBygg;Bygglov;1;\"bra\rrosa 6\"\n",
    )
    .unwrap();
    let out = dir.path().join("ut");
    let output = import(&csv, &out, &[]);
    assert!(output.status.success(), "{}", text(&output));
    let ruleset = Ruleset::load(&out).unwrap();
    assert_eq!(ruleset.arendetyp("bygglov").unwrap().units[0].level, 1);
    let file = std::fs::read_to_string(out.join("bygg.rosa")).unwrap();
    assert!(!file.contains('\r'), "{file:?}");
    assert!(file.contains("// rosa 6"), "{file}");
}

/// Control characters in a name reach neither the rule file nor the terminal.
#[test]
fn control_characters_in_names_reach_no_file_and_no_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("lista.csv");
    std::fs::write(
        &csv,
        "Förvaltning;Ärendetyp;Nivå\nBygg\u{1b}[2J;Bygg\u{7}lov;1\nBygg\u{1b}[2J;Strand\u{1b}]0;x;nej\n",
    )
    .unwrap();
    let out = dir.path().join("ut");
    let output = import(&csv, &out, &["--verbose"]);
    let said = text(&output);
    assert!(output.status.success(), "{said}");
    assert!(!said.contains(['\u{1b}', '\u{7}']), "{said:?}");
    for entry in std::fs::read_dir(&out).unwrap() {
        let file = std::fs::read_to_string(entry.unwrap().path()).unwrap_or_default();
        assert!(
            !file.contains(|c: char| c.is_control() && c != '\n'),
            "{file:?}"
        );
    }
}

/// The import's own cell limit: a CSV of small cells past it is refused, naming it.
#[test]
fn a_file_past_the_cell_limit_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("stor.csv");
    let mut body = String::from("Ärendetyp;ROSA\n");
    let row = "a;".repeat(40);
    let rows = 2_000_000 / 40 + 2;
    body.reserve(rows * (row.len() + 1));
    for _ in 0..rows {
        body.push_str(&row);
        body.push('\n');
    }
    std::fs::write(&csv, body).unwrap();
    let out = dir.path().join("ut");
    let output = import(&csv, &out, &[]);
    let said = text(&output);
    assert_eq!(output.status.code(), Some(1), "{said}");
    assert!(
        said.contains("fler än 2 000 000 celler med värden"),
        "{said}"
    );
    assert!(said.contains("bladet `stor`"), "{said}");
    assert!(!out.exists());
}

/// A FIFO named as the input is refused at once, not waited on.
#[cfg(unix)]
#[test]
fn a_fifo_as_input_is_refused_without_hanging() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("lista.csv");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let out = dir.path().join("ut");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_rosa"))
        .args([
            "import",
            fifo.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed().as_secs() > 20 {
            child.kill().unwrap();
            panic!("rosa import hangs on a FIFO");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let output = child.wait_with_output().unwrap();
    let said = text(&output);
    assert_eq!(output.status.code(), Some(1), "{said}");
    assert!(said.contains("är inte en vanlig fil"), "{said}");
    assert!(!out.exists());
}

/// A cell over Excel's 32 767 characters is named (unit and column) before the
/// workbook is built.
#[test]
fn an_export_cell_over_excels_limit_names_its_unit_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("lista.csv");
    std::fs::write(&csv, "Förvaltning;Ärendetyp;Nivå\nBygg;Bygglov;1\n").unwrap();
    let rules = dir.path().join("regler");
    assert!(import(&csv, &rules, &[]).status.success());
    let file = rules.join("bygg.rosa");
    let source = std::fs::read_to_string(&file).unwrap();
    let comment = format!("        // {}\n", "lång kommentar ".repeat(200));
    let long = source.replacen(
        "\"Bygglov\" {\n",
        &format!("\"Bygglov\" {{\n{}", comment.repeat(12)),
        1,
    );
    assert_ne!(long, source, "the comment went in");
    std::fs::write(&file, long).unwrap();
    let book = dir.path().join("export.xlsx");
    let output = export(&rules, &book);
    let said = text(&output);
    assert_eq!(output.status.code(), Some(2), "{said}");
    assert!(
        said.contains("ärendetypen `Bygglov` i förvaltningen `Bygg` har mer än 32 767 tecken i kolumnen `Kommentar`"),
        "{said}"
    );
    assert!(!book.exists());
}

#[test]
fn a_one_line_policy_sheet_is_one_rad() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("policy.xlsx");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "Ärendetyp").unwrap();
    sheet.write_string(0, 1, "ROSA").unwrap();
    sheet.write_string(1, 0, "Bygglov").unwrap();
    sheet.write_number(1, 1, 1).unwrap();
    let policy = book.add_worksheet();
    policy.write_string(0, 0, "Regelrad").unwrap();
    policy
        .write_string(1, 0, "kundtjänst \"Exempelkommun\"")
        .unwrap();
    book.save(&path).unwrap();
    let output = import(&path, &dir.path().join("ut"), &["--verbose"]);
    let said = text(&output);
    assert!(said.contains("policyn (1 rad)"), "{said}");
}

/// The files under `imported` (relative paths) whose bytes differ from the same path
/// under `original`, or that `original` lacks.
fn changed_files(original: &Path, imported: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                out.push(
                    path.strip_prefix(root)
                        .unwrap()
                        .to_string_lossy()
                        .into_owned(),
                );
            }
        }
    }
    let mut files = Vec::new();
    walk(imported, imported, &mut files);
    files.sort();
    files
        .into_iter()
        .filter(|f| std::fs::read(original.join(f)).ok() != std::fs::read(imported.join(f)).ok())
        .collect()
}

/// The rows of the exported `Tjänsteurval` sheet.
fn unit_rows(book: &Path) -> Vec<Vec<String>> {
    cells(book)
        .into_iter()
        .find(|(name, _)| name == "Tjänsteurval")
        .map(|(_, rows)| rows)
        .expect("the tjänsteurval sheet")
}

fn column(header: &str, rows: &[Vec<String>]) -> usize {
    rows[0]
        .iter()
        .position(|h| h == header)
        .unwrap_or_else(|| panic!("a `{header}` column"))
}

/// The first ärendetyp row without delmoment, with a level, a frekvens and no `Regler`:
/// its row index and ärendetyp id (computed from the example, whatever it holds).
fn plain_type_row(rows: &[Vec<String>]) -> (usize, String) {
    let cell = |r: &Vec<String>, c: usize| r.get(c).cloned().unwrap_or_default();
    let (level, frekvens, rules) = (
        column("ROSA-nivå", rows),
        column("Frekvens", rows),
        column("Regler", rows),
    );
    let (type_id, part) = (column("Ärendetyp-id", rows), column("Delmoment", rows));
    let has_parts = |id: &str| {
        rows.iter()
            .any(|r| cell(r, type_id) == id && !cell(r, part).is_empty())
    };
    rows.iter()
        .enumerate()
        .skip(1)
        .find(|(_, r)| {
            !cell(r, type_id).is_empty()
                && cell(r, part).is_empty()
                && !cell(r, level).is_empty()
                && !cell(r, frekvens).is_empty()
                && cell(r, rules).is_empty()
                && !has_parts(&cell(r, type_id))
        })
        .map(|(i, r)| (i, cell(r, type_id)))
        .expect("a plain ärendetyp row in the example")
}

/// Export the example, set one cell of one ärendetyp's row, import with `--compare`:
/// the output, the ärendetyp id and the imported directory.
fn edit_one_cell(
    dir: &Path,
    header: &str,
    value: impl Fn(&str) -> String,
) -> (String, String, PathBuf) {
    let book = exported_example(dir);
    let rows = unit_rows(&book);
    let (row, id) = plain_type_row(&rows);
    let col = column(header, &rows);
    let edited = dir.join("edited.xlsx");
    rewrite(&book, &edited, |_, r, c, v| {
        Some(if r == row && c == col {
            value(v)
        } else {
            v.to_string()
        })
    });
    let out = dir.join("ny");
    let output = import(&edited, &out, &["--compare", "rulesets/exempelkommun"]);
    assert!(output.status.success(), "{}", text(&output));
    (text(&output), id, out)
}

/// Only the file holding ärendetyp `id` differs, and in it only that block's lines:
/// the file's text before and after.
fn only_the_block_changed(out: &Path, id: &str) -> (String, String) {
    let original = Path::new("rulesets/exempelkommun");
    let changed = changed_files(original, out);
    assert_eq!(changed.len(), 1, "one file changed: {changed:?}");
    let before = std::fs::read_to_string(original.join(&changed[0])).unwrap();
    let after = std::fs::read_to_string(out.join(&changed[0])).unwrap();
    let (old, new): (Vec<&str>, Vec<&str>) = (before.lines().collect(), after.lines().collect());
    let start = old
        .iter()
        .position(|l| l.trim_start().starts_with(&format!("ärendetyp {id} ")))
        .expect("the block in its file");
    let indent = old[start].len() - old[start].trim_start().len();
    let end = start
        + old[start..]
            .iter()
            .position(|l| l.len() == indent + 1 && l.ends_with('}'))
            .expect("the block's end");
    assert_eq!(old[..start], new[..start], "the lines above the block");
    let tail = old.len() - end - 1;
    assert_eq!(
        old[end + 1..],
        new[new.len() - tail..],
        "the lines below the block"
    );
    assert!(Ruleset::load(out).is_ok());
    (before, after)
}

#[test]
fn an_edited_level_rewrites_exactly_that_unit_and_no_other_file() {
    let dir = tempfile::tempdir().unwrap();
    let (said, id, out) = edit_one_cell(dir.path(), "ROSA-nivå", |v| {
        if v.parse::<u8>().unwrap_or(0) <= 2 {
            "5"
        } else {
            "1"
        }
        .to_string()
    });
    let changed: Vec<&str> = said
        .lines()
        .filter(|l| l.starts_with("  ") && l.contains(" → "))
        .collect();
    assert!(!changed.is_empty(), "{said}");
    assert!(
        changed.iter().all(|l| l.starts_with(&format!("  {id} i "))),
        "only the edited unit: {said}"
    );
    assert!(
        said.contains(&format!(
            "ändrad från sin rad i tjänsteurvalet: ärendetypen `{id}`"
        )),
        "{said}"
    );
    let (before, after) = only_the_block_changed(&out, &id);
    let differing = before
        .lines()
        .zip(after.lines())
        .filter(|(a, b)| a != b)
        .collect::<Vec<_>>();
    assert_eq!(before.lines().count(), after.lines().count());
    assert_eq!(differing.len(), 1, "only the level's line: {differing:?}");
    assert!(
        differing[0].1.trim_start().starts_with("rosa "),
        "{differing:?}"
    );
}

#[test]
fn an_edited_frekvens_rewrites_exactly_that_unit_and_no_other_file() {
    let dir = tempfile::tempdir().unwrap();
    let (said, id, out) = edit_one_cell(dir.path(), "Frekvens", |_| "9999 per månad".into());
    assert!(
        said.contains("inga beslut ändras jämfört med --compare"),
        "{said}"
    );
    assert!(
        said.contains("; 1 ärendetyp med ändrad volym per utfall"),
        "the dry-run's comparison: {said}"
    );
    let (_, after) = only_the_block_changed(&out, &id);
    assert!(after.contains("frekvens 9999 per månad"), "{after}");
}

/// A workbook with only a Regeltext sheet of these rows (path, line, text).
fn regeltext_book(path: &Path, rows: &[(&str, &str, &str)]) {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Regeltext").unwrap();
    sheet.write_string(0, 0, "Regeltext").unwrap();
    for (r, (file, line, text)) in rows.iter().enumerate() {
        let r = r as u32 + 2;
        sheet.write_string(r, 0, *file).unwrap();
        sheet.write_string(r, 1, *line).unwrap();
        sheet.write_string(r, 2, *text).unwrap();
    }
    book.save(path).unwrap();
}

#[test]
fn a_hostile_regeltext_sheet_is_refused_naming_its_cell_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    for (i, bad) in ["../x.rosa", "/tmp/x.rosa", "manus/../../x.md", "x.sh"]
        .into_iter()
        .enumerate()
    {
        let book = dir.path().join(format!("bad{i}.xlsx"));
        regeltext_book(&book, &[("kundtjanst.rosa", "1", "// ok"), (bad, "1", "x")]);
        let out = dir.path().join(format!("ut{i}"));
        let output = import(&book, &out, &[]);
        let said = text(&output);
        assert!(!output.status.success(), "{bad}: {said}");
        assert!(said.contains("bladet `Regeltext` cell A4"), "{bad}: {said}");
        assert!(said.contains("Ingenting skrevs"), "{said}");
        assert!(!out.exists(), "nothing written for {bad}");
    }
    assert!(!dir.path().join("x.rosa").exists());
    // A file past the size one rule file may have (4 MiB), cell by cell of 4,000 chars.
    let line = "x".repeat(4_000);
    let numbers: Vec<String> = (1..=1_100).map(|n| n.to_string()).collect();
    let rows: Vec<(&str, &str, &str)> = numbers
        .iter()
        .map(|n| ("stor.rosa", n.as_str(), line.as_str()))
        .collect();
    let book = dir.path().join("huge.xlsx");
    regeltext_book(&book, &rows);
    let out = dir.path().join("huge");
    let output = import(&book, &out, &[]);
    let said = text(&output);
    assert!(!output.status.success(), "{said}");
    assert!(said.contains("bladet `Regeltext` cell C"), "{said}");
    assert!(said.contains("större än gränsen"), "{said}");
    assert!(!out.exists());
}

/// Copy a workbook, `edit` giving each sheet's new rows (from its rows); a sheet given
/// no rows is left out.
fn rewrite_rows(from: &Path, to: &Path, edit: impl Fn(&str, Vec<Vec<String>>) -> Vec<Vec<String>>) {
    let mut book = Workbook::new();
    for (name, rows) in cells(from) {
        let rows = edit(&name, rows);
        if rows.is_empty() {
            continue;
        }
        let sheet = book.add_worksheet();
        sheet.set_name(&name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, value) in row.iter().enumerate().filter(|(_, v)| !v.is_empty()) {
                sheet.write_string(r as u32, c as u16, value).unwrap();
            }
        }
    }
    book.save(to).unwrap();
}

#[test]
fn a_new_row_adds_a_unit_and_a_missing_row_removes_one() {
    let dir = tempfile::tempdir().unwrap();
    let book = exported_example(dir.path());
    let rows = unit_rows(&book);
    let (template, _) = plain_type_row(&rows);
    let (name, type_id) = (column("Ärendetyp", &rows), column("Ärendetyp-id", &rows));
    // A type no other file names (no test, no rule), so removing it leaves a ruleset
    // that checks.
    let sources: String = std::fs::read_dir("rulesets/exempelkommun")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rosa"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    let (removed_row, removed) = rows
        .iter()
        .enumerate()
        .skip(1)
        .filter(|(i, r)| *i != template && !r[type_id].is_empty())
        .find(|(_, r)| {
            let id = &r[type_id];
            sources.matches(id.as_str()).count() == 1
                && rows.iter().filter(|o| &o[type_id] == id).count() == 1
        })
        .map(|(i, r)| (i, r[type_id].clone()))
        .expect("a type named once");
    let mut added = rows[template].clone();
    added[name] = "Helt ny tjänst".to_string();
    added[type_id] = "helt-ny-tjanst".to_string();
    // A förvaltning that only its ärendetyp's row names (no row of its own).
    let mut elsewhere = added.clone();
    elsewhere[column("Förvaltning", &rows)] = "Ny förvaltning".to_string();
    elsewhere[column("Förvaltning-id", &rows)] = "ny-forvaltning".to_string();
    elsewhere[type_id] = "annan-ny-tjanst".to_string();
    let edited = dir.path().join("edited.xlsx");
    rewrite_rows(&book, &edited, |sheet, mut rows| {
        if sheet == "Tjänsteurval" {
            rows.remove(removed_row);
            rows.push(added.clone());
            rows.push(elsewhere.clone());
        }
        rows
    });
    let out = dir.path().join("ny");
    let output = import(&edited, &out, &[]);
    let said = text(&output);
    assert!(output.status.success(), "{said}");
    assert!(
        said.contains("ny från sin rad i tjänsteurvalet: ärendetypen `helt-ny-tjanst`"),
        "{said}"
    );
    assert!(
        said.contains(&format!(
            "borttagen, ingen rad i tjänsteurvalet: ärendetypen `{removed}`"
        )),
        "{said}"
    );
    assert!(
        said.contains("ny från sin rad i tjänsteurvalet: förvaltningen `ny-forvaltning`"),
        "{said}"
    );
    let after = Ruleset::load(&out).unwrap();
    assert!(after.arendetyp("helt-ny-tjanst").is_some());
    assert!(after.arendetyp("annan-ny-tjanst").is_some());
    assert!(after.arendetyp(&removed).is_none());
    let original = Ruleset::load("rulesets/exempelkommun").unwrap();
    assert_eq!(
        original.arendetyper().len() + 1,
        after.arendetyper().len(),
        "two in, one out"
    );
    // Only the files of the two förvaltningar changed, and the new one's file is new.
    let changed = changed_files(Path::new("rulesets/exempelkommun"), &out);
    assert!(
        changed.contains(&"ny-forvaltning.rosa".to_string()),
        "{changed:?}"
    );
    assert!(changed.len() <= 3, "{changed:?}");
}

#[test]
fn without_the_regeltext_sheet_the_rows_alone_give_the_same_decisions() {
    let dir = tempfile::tempdir().unwrap();
    let book = exported_example(dir.path());
    let bare = dir.path().join("bare.xlsx");
    rewrite_rows(&book, &bare, |sheet, rows| {
        if sheet == "Regeltext" {
            Vec::new()
        } else {
            rows
        }
    });
    let out = dir.path().join("ny");
    let output = import(&bare, &out, &[]);
    let said = text(&output);
    assert!(output.status.success(), "{said}");
    assert!(
        !said.contains("Regeltext"),
        "read as any tjänsteurval: {said}"
    );
    let original = Ruleset::load("rulesets/exempelkommun").unwrap();
    let imported = Ruleset::load(&out).unwrap();
    assert_eq!(same_decisions(&original, &imported), vec![]);
    assert_ne!(original.id(), imported.id(), "the import's own layout");
}

#[test]
fn an_edited_policy_sheet_rewrites_the_policy_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let book = exported_example(dir.path());
    let edited = dir.path().join("edited.xlsx");
    rewrite(&book, &edited, |_, _, _, value| {
        Some(if value.starts_with("kommun \"") {
            value.replacen("kommun \"", "kommun \"Nya ", 1)
        } else {
            value.to_string()
        })
    });
    let out = dir.path().join("ny");
    let output = import(&edited, &out, &[]);
    let said = text(&output);
    assert!(output.status.success(), "{said}");
    assert!(said.contains("policyn ändrad från policybladet"), "{said}");
    let original = Ruleset::load("rulesets/exempelkommun").unwrap();
    let after = Ruleset::load(&out).unwrap();
    assert_eq!(
        after.policy().kommun,
        format!("Nya {}", original.policy().kommun)
    );
    assert_eq!(same_decisions(&original, &after), vec![]);
    let changed = changed_files(Path::new("rulesets/exempelkommun"), &out);
    assert_eq!(changed.len(), 1, "only the policy's file: {changed:?}");
    let policy_file = std::fs::read_to_string(out.join(&changed[0])).unwrap();
    // The comments above the policy block came with Regeltext.
    assert!(policy_file.starts_with("// "), "{policy_file}");
    assert!(policy_file.contains("kommun \"Nya "), "{policy_file}");
}
