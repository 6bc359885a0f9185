//! `rosa import` of a 5,000-row tjänsteurval (issue 24's bar: ≤ 2 s on 2 cores), against
//! reading the same workbook with calamine alone: the import's own cost is the ratio.
//! `import_and_check` includes writing the ruleset and the real checker; `import` reads,
//! interprets and formats only.
//!
//! Run: `cargo bench --bench import`

use criterion::{Criterion, criterion_group, criterion_main};
use rosa::tjansteurval;
use rust_xlsxwriter::Workbook;
use std::hint::black_box;
use std::path::Path;

const ROWS: u32 = 5_000;
const FORVALTNINGAR: u32 = 10;

const POLICY: &str = r#"kundtjänst "Kontaktcenter" {
    kommun "Benchkommun" kommunkod 0001
    skala 6 nivåer
    system Webbplats
    övriga system Ärendesystem
    kanaler telefon, e-post, chatt, besök
    frekvensgräns 10 per månad
    direkt rosa 1-2
    manus rosa 3-4
    reserv vidarekoppla till f0 kö "Växeln"
}
"#;

/// 5,000 rows the untidy way: förvaltning written once above its rows, `ca`, ranges,
/// `nivå N`, in every ten rows an ärendetyp heading and two delmoment.
fn workbook(path: &Path) {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let header = [
        "Förvaltning",
        "Ärendetyp",
        "Delmoment",
        "ROSA-nivå",
        "Antal per månad",
        "System",
        "Manus",
        "Sökord",
    ];
    for (col, h) in header.iter().enumerate() {
        sheet.write_string(0, col as u16, *h).expect("header");
    }
    for i in 0..ROWS {
        let row = i + 1;
        let per = ROWS / FORVALTNINGAR;
        if i % per == 0 {
            sheet
                .write_string(row, 0, format!("Förvaltning {}", i / per))
                .expect("cell");
        }
        match i % 10 {
            // An ärendetyp heading without a level, then two delmoment.
            7 => {
                sheet
                    .write_string(row, 1, format!("Ärende nummer {i}"))
                    .expect("cell");
                continue;
            }
            8 | 9 => sheet
                .write_string(row, 2, format!("Del {i}"))
                .expect("cell"),
            _ => sheet
                .write_string(row, 1, format!("Ärende nummer {i}"))
                .expect("cell"),
        };
        let level = 1 + i % 6;
        let level_text = if i % 3 == 0 {
            format!("nivå {level}")
        } else {
            level.to_string()
        };
        sheet.write_string(row, 3, level_text).expect("cell");
        let freq = if i % 2 == 0 {
            format!("ca {}", 5 + i % 80)
        } else {
            format!("{}–{}", 10 + i % 40, 20 + i % 40)
        };
        sheet.write_string(row, 4, freq).expect("cell");
        sheet
            .write_string(
                row,
                5,
                if i % 4 == 0 {
                    "Webbplats"
                } else {
                    "Ärendesystem"
                },
            )
            .expect("cell");
        sheet
            .write_string(
                row,
                6,
                if (3..=4).contains(&level) {
                    "ja"
                } else {
                    "nej"
                },
            )
            .expect("cell");
        sheet.write_string(row, 7, "ett, två, tre").expect("cell");
    }
    book.save(path).expect("saved");
}

fn calamine_alone(path: &Path) -> usize {
    use calamine::{DataType, Reader, Xlsx, open_workbook};
    let mut book: Xlsx<_> = open_workbook(path).expect("a workbook");
    let mut cells = 0;
    for name in book.sheet_names() {
        let mut reader = book.worksheet_cells_reader(&name).expect("a sheet");
        while let Some(cell) = reader.next_cell().expect("a cell") {
            cells += usize::from(!cell.get_value().is_empty());
        }
    }
    cells
}

fn import(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("tjansteurval.xlsx");
    workbook(&path);
    let mut group = c.benchmark_group("import_5000_rows");
    group.sample_size(10);
    group.bench_function("calamine_alone", |b| {
        b.iter(|| black_box(calamine_alone(&path)))
    });
    group.bench_function("import", |b| {
        b.iter(|| {
            black_box(
                tjansteurval::import(&path, &[], POLICY)
                    .expect("imports")
                    .files
                    .len(),
            )
        })
    });
    let mut n = 0;
    group.bench_function("import_and_check", |b| {
        b.iter(|| {
            n += 1;
            let out = dir.path().join(format!("ut-{n}"));
            let imported = tjansteurval::import(&path, &[], POLICY).expect("imports");
            let ruleset = imported.write(&out).expect("checks");
            black_box(ruleset.arendetyper().len())
        })
    });
    group.finish();
}

criterion_group!(benches, import);
criterion_main!(benches);
