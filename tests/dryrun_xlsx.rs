//! Excel both ways: the dry-run report as a workbook, read back with calamine, each of
//! its sections as CSV, and inquiry logs kept in `.xlsx` giving the same figures as the
//! same rows in CSV.

use calamine::{Data, Reader, Xlsx};
use rosa::Ruleset;
use rosa::dryrun::{self, Analysis, CsvDialect, Options, Section};
use std::io::Cursor;
use std::path::{Path, PathBuf};

const EXAMPLE: &str = "rulesets/exempelkommun";
const EXAMPLE_LOG: &str = "rulesets/exempelkommun/logg/2026.csv";

fn example() -> Ruleset {
    Ruleset::load(EXAMPLE).expect("the example loads")
}

fn analysis(log: Option<&Path>) -> Analysis {
    let options = Options {
        log: log.map(Path::to_path_buf),
        cost_per_fte: Some(650_000.0),
        ..Options::default()
    };
    dryrun::run(&example(), &options).expect("dry-run").into()
}

fn workbook(a: &Analysis) -> Xlsx<Cursor<Vec<u8>>> {
    let bytes = dryrun::xlsx(a).expect("the workbook is written");
    Xlsx::new(Cursor::new(bytes)).expect("calamine reads the workbook")
}

fn number(cell: Option<&Data>) -> f64 {
    match cell {
        Some(Data::Float(f)) => *f,
        Some(Data::Int(i)) => *i as f64,
        other => panic!("expected a number cell, got {other:?}"),
    }
}

#[test]
fn workbook_has_a_sheet_per_section_with_numbers_as_numbers() {
    let log = PathBuf::from(EXAMPLE_LOG);
    let a = analysis(Some(&log));
    let json = serde_json::to_value(&a).expect("json");
    let mut wb = workbook(&a);
    assert_eq!(
        wb.sheet_names(),
        [
            "Sammanfattning",
            "Förvaltningar",
            "Ärendetyper",
            "Bemanning per timme",
            "System",
            "Kandidater",
            "Avvisade rader",
            "Antaganden"
        ],
        "no Jämförelse without a comparison"
    );

    let summary = wb.worksheet_range("Sammanfattning").expect("summary");
    let row = |label: &str| {
        summary
            .rows()
            .find(|r| r[0] == Data::String(label.into()))
            .unwrap_or_else(|| panic!("no row `{label}`"))
    };
    let share = number(row("andel som kundtjänst hanterar").get(1));
    assert_eq!(share, json["total"]["share"].as_f64().expect("share"));
    let volume = number(row("kontakter per år").get(1));
    assert_eq!(volume, json["total"]["volume"].as_f64().expect("volume"));
    let posts = number(row("årsarbetare som kundtjänst behöver").get(1));
    assert_eq!(posts, a.report.staffing.fte_total);
    assert_eq!(
        number(row("avvisade rader").get(1)) as u64,
        a.report.rejected.total
    );

    let forv = wb.worksheet_range("Förvaltningar").expect("förvaltningar");
    let header: Vec<String> = forv
        .rows()
        .next()
        .expect("header")
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(&header[..3], ["förvaltning", "id", "volym per år"]);
    let budget = header
        .iter()
        .position(|h| h == "andel av kundtjänstens tid")
        .expect("budget share column");
    let kronor = header
        .iter()
        .position(|h| h == "kronor per år")
        .expect("kronor column");
    let mut shares = 0.0;
    for (row, f) in forv.rows().skip(1).zip(&a.report.forvaltningar) {
        assert_eq!(row[0], Data::String(f.name.clone()), "name before id");
        assert_eq!(row[1], Data::String(f.id.clone()));
        assert_eq!(number(row.get(2)), f.figures.volume);
        shares += number(row.get(budget));
        assert!(number(row.get(kronor)) > 0.0);
    }
    let unknown = forv.rows().skip(1 + a.report.forvaltningar.len());
    shares += unknown.map(|r| number(r.get(budget))).sum::<f64>();
    assert!(
        (shares - 1.0).abs() < 1e-9,
        "budget shares sum to 1: {shares}"
    );

    let types = wb.worksheet_range("Ärendetyper").expect("ärendetyper");
    let type_rows = types
        .rows()
        .filter(|r| r[0] == Data::String("ärendetyp".into()))
        .count();
    assert_eq!(type_rows, a.report.arendetyper.len());
    assert!(
        types
            .rows()
            .any(|r| r[0] == Data::String("delmoment".into())),
        "delmoment rows follow their ärendetyp"
    );

    let rejected = wb.worksheet_range("Avvisade rader").expect("avvisade");
    assert_eq!(rejected.height() - 1, a.report.rejected.rows.len());
    let first = &a.report.rejected.rows;
    let lines: Vec<u64> = rejected
        .rows()
        .skip(1)
        .map(|r| number(r.get(1)) as u64)
        .collect();
    assert!(
        first.iter().all(|r| lines.contains(&r.line)),
        "every rejected line is listed"
    );

    let staffing = wb
        .worksheet_range("Bemanning per timme")
        .expect("bemanning");
    assert_eq!(staffing.height() - 1, 1 + a.report.staffing.hours.len());
}

#[test]
fn a_scenario_adds_the_comparison_sheet() {
    let ruleset = example();
    let after = rosa::dryrun::Scenario {
        goal_share: Some(0.9),
        ..Default::default()
    };
    let before = dryrun::run(&ruleset, &Options::default()).expect("before");
    let changed = after.apply(&ruleset).expect("scenario");
    let report = dryrun::run(&changed, &Options::default()).expect("after");
    let comparison = dryrun::compare(&before, "nuläge", &report, &after.describe());
    let a = Analysis {
        report,
        comparison: Some(comparison),
    };
    let wb = workbook(&a);
    assert!(wb.sheet_names().contains(&"Jämförelse".to_string()));
    let csv = dryrun::section_csv(&a, Section::Comparison, CsvDialect::Plain)
        .expect("csv")
        .expect("a comparison section");
    assert!(
        csv.starts_with("ärendetyp,id,förvaltning,före direkt,"),
        "{csv}"
    );
}

#[test]
fn every_section_is_reachable_as_csv() {
    let a = analysis(None);
    for section in Section::ALL {
        assert_eq!(Section::from_slug(section.slug()), Some(section));
        assert_eq!(Section::from_slug(section.sheet_name()), Some(section));
        let csv = dryrun::section_csv(&a, section, CsvDialect::SwedishExcel).expect("csv");
        if section == Section::Comparison {
            assert!(
                csv.is_none(),
                "no comparison without --compare or a scenario"
            );
            continue;
        }
        let csv = csv.expect("a section");
        assert!(
            csv.starts_with('\u{feff}'),
            "{}: BOM for Excel",
            section.slug()
        );
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(b';')
            .from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
        let width = reader.headers().expect("header").len();
        for record in reader.records() {
            assert_eq!(record.expect("a record").len(), width, "{}", section.slug());
        }
    }
    let plain = dryrun::section_csv(&a, Section::Summary, CsvDialect::Plain)
        .expect("csv")
        .expect("summary");
    let share = plain
        .lines()
        .find(|l| l.starts_with("andel som kundtjänst hanterar,"))
        .expect("share row");
    let value: f64 = share
        .rsplit(',')
        .next()
        .expect("value")
        .parse()
        .expect("a number");
    assert!((value - a.report.total.share).abs() < 1e-4, "{share}");
}

/// The first rows of the example log, as CSV and as a workbook with real Excel types:
/// times as dates, amounts as numbers, `nej` as FALSE.
fn example_rows(n: usize) -> (Vec<String>, Vec<Vec<String>>) {
    let text = std::fs::read_to_string(EXAMPLE_LOG).expect("the example log");
    let mut lines = text.lines();
    let header: Vec<String> = lines
        .next()
        .expect("header")
        .split(',')
        .map(String::from)
        .collect();
    let rows = lines
        .take(n)
        .map(|l| l.split(',').map(String::from).collect::<Vec<_>>())
        // A row short of a field is a CSV problem a sheet cannot have.
        .filter(|r| r.len() == header.len())
        .collect();
    (header, rows)
}

fn write_csv(path: &Path, header: &[String], rows: &[Vec<String>]) {
    let mut text = header.join(",") + "\n";
    for row in rows {
        text += &(row.join(",") + "\n");
    }
    std::fs::write(path, text).expect("csv written");
}

/// With `typed`, times become Excel dates, except on rows in `keep_text` (1-based sheet
/// rows whose time is wrong: Excel would roll `25:58` over to the next day).
fn write_xlsx(
    path: &Path,
    header: &[String],
    rows: &[Vec<String>],
    typed: bool,
    keep_text: &[u64],
) {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let date = Format::new().set_num_format("yyyy-mm-dd hh:mm");
    for (c, h) in header.iter().enumerate() {
        ws.write_string(0, c as u16, h).expect("header");
    }
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, value) in row.iter().enumerate() {
            let c = c as u16;
            match (header[usize::from(c)].as_str(), value.as_str()) {
                (_, "") => {}
                ("tid", v) if typed && !keep_text.contains(&(u64::from(r) + 1)) => {
                    match ExcelDateTime::parse_from_str(v) {
                        Ok(dt) => ws.write_datetime_with_format(r, c, &dt, &date),
                        // Rows the generator broke on purpose stay text.
                        Err(_) => ws.write_string(r, c, v),
                    }
                    .expect("time");
                }
                ("belopp", v) if typed && v.parse::<f64>().is_ok() => {
                    ws.write_number(r, c, v.parse::<f64>().expect("number"))
                        .expect("amount");
                }
                (_, "nej") if typed => {
                    ws.write_boolean(r, c, false).expect("bool");
                }
                (_, v) => {
                    ws.write_string(r, c, v).expect("text");
                }
            }
        }
    }
    wb.save(path).expect("workbook saved");
}

fn counts(a: &Analysis) -> Vec<(String, f64, f64, f64)> {
    a.report
        .arendetyper
        .iter()
        .map(|t| {
            (
                t.id.clone(),
                t.figures.kundtjanst,
                t.figures.scripted,
                t.figures.forwarded,
            )
        })
        .collect()
}

#[test]
fn an_xlsx_log_gives_the_same_figures_as_the_csv_log() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (header, rows) = example_rows(10_000);
    let csv = dir.path().join("logg.csv");
    write_csv(&csv, &header, &rows);
    let from_csv = analysis(Some(&csv));
    assert!(
        from_csv.report.rejected.total > 0,
        "the rows include some the generator broke on purpose"
    );
    for typed in [true, false] {
        let xlsx = dir.path().join(format!("logg-{typed}.xlsx"));
        let bad_times: Vec<u64> = from_csv
            .report
            .rejected
            .rows
            .iter()
            .filter(|r| r.reason.starts_with("ogiltig tid"))
            .map(|r| r.line)
            .collect();
        write_xlsx(&xlsx, &header, &rows, typed, &bad_times);
        let from_xlsx = analysis(Some(&xlsx));
        assert_eq!(
            counts(&from_xlsx),
            counts(&from_csv),
            "typed cells: {typed}"
        );
        assert_eq!(from_xlsx.report.total, from_csv.report.total);
        assert_eq!(from_xlsx.report.volumes.rows, from_csv.report.volumes.rows);
        assert_eq!(
            from_xlsx.report.volumes.period_days,
            from_csv.report.volumes.period_days
        );
        // Rows are numbered as in the sheet, which are the CSV's line numbers here.
        let lines = |a: &Analysis| {
            let mut l: Vec<u64> = a.report.rejected.rows.iter().map(|r| r.line).collect();
            l.sort_unstable();
            l
        };
        assert_eq!(lines(&from_xlsx), lines(&from_csv));
        assert_eq!(
            from_xlsx.report.volumes.lines_read,
            from_csv.report.volumes.lines_read
        );
    }
}

#[test]
fn a_workbook_named_csv_is_read_as_a_workbook() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (header, rows) = example_rows(200);
    let xlsx = dir.path().join("logg.xlsx");
    write_xlsx(&xlsx, &header, &rows, true, &[]);
    let disguised = dir.path().join("export.csv");
    std::fs::copy(&xlsx, &disguised).expect("copy");
    let a = analysis(Some(&disguised));
    assert_eq!(counts(&a), counts(&analysis(Some(&xlsx))));
}

fn error_for_workbook(header: &[&str], rows: &[&[&str]]) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("fel.xlsx");
    let header: Vec<String> = header.iter().map(|h| h.to_string()).collect();
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    write_xlsx(&path, &header, &rows, false, &[]);
    let options = Options {
        log: Some(path),
        ..Options::default()
    };
    match dryrun::run(&example(), &options) {
        Ok(r) => format!(
            "ok: {} rejected: {:?}",
            r.volumes.rows,
            r.rejected
                .rows
                .iter()
                .map(|r| (r.line, &r.reason))
                .collect::<Vec<_>>()
        ),
        Err(e) => e.0,
    }
}

#[test]
fn bad_workbooks_give_clear_swedish_messages() {
    let missing = error_for_workbook(&["kanal", "tid"], &[&["telefon", "2026-01-01T10:00"]]);
    assert!(
        missing.contains("saknar kolumnen `arendetyp`") && missing.contains("fel.xlsx"),
        "{missing}"
    );
    assert!(!missing.contains("Latin-1"), "{missing}");
    let dir = tempfile::tempdir().expect("temp dir");
    let renamed = dir.path().join("logg.xlsx");
    std::fs::write(&renamed, "arendetyp,kanal\nbygglov,telefon\n").expect("write");
    let err = dryrun::run(
        &example(),
        &Options {
            log: Some(renamed),
            ..Options::default()
        },
    )
    .expect_err("a CSV file named .xlsx");
    assert!(
        err.0.contains("är ingen Excel-arbetsbok") && err.0.contains("--log-format csv"),
        "{err}"
    );
    let empty = error_for_workbook(&["arendetyp", "tid"], &[]);
    assert!(empty.contains("inga rader"), "{empty}");
    // A time only Excel can hold: a time of day without a date.
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("klockslag.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    let time = rust_xlsxwriter::Format::new().set_num_format("hh:mm");
    for (c, h) in ["arendetyp", "kanal", "tid"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).expect("header");
    }
    ws.write_string(1, 0, "bygglov").expect("type");
    ws.write_string(1, 1, "telefon").expect("channel");
    let t = rust_xlsxwriter::ExcelDateTime::from_hms(10, 15, 0).expect("a time");
    ws.write_datetime_with_format(1, 2, &t, &time)
        .expect("time");
    ws.write_string(2, 0, "bygglov").expect("type");
    ws.write_string(2, 1, "telefon").expect("channel");
    ws.write_string(2, 2, "2026-03-02T10:15").expect("time");
    wb.save(&path).expect("saved");
    let r = dryrun::run(
        &example(),
        &Options {
            log: Some(path),
            ..Options::default()
        },
    )
    .expect("one good row is enough");
    assert_eq!((r.volumes.rows, r.rejected.total), (1, 1));
    let reason = &r.rejected.rows[0];
    assert_eq!(reason.line, 2, "numbered as the sheet's row");
    assert!(
        reason.reason.contains("cell C2 (kolumnen `tid`)") && reason.reason.contains("datum"),
        "{}",
        reason.reason
    );
}

#[test]
fn an_old_xls_file_is_named_as_such() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("logg.xls");
    std::fs::write(
        &path,
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest of an old workbook",
    )
    .expect("write");
    let err = dryrun::run(
        &example(),
        &Options {
            log: Some(path),
            ..Options::default()
        },
    )
    .expect_err("not readable");
    assert!(
        err.0.contains(".xls") && err.0.contains("spara den som"),
        "{err}"
    );
}
