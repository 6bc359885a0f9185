//! The report model every output projects: sections of typed columns and cells.
//! Text, Markdown, HTML, CSV and xlsx only lay these out, so a figure added here (or a
//! column added to [`FIGURES`]) appears in all of them. Numbers stay numbers; each
//! projection formats them for its reader.

use super::rows::{Figures, SystemRow};
use super::wording::yes_no;

/// How a number is meant to be read, and so how each format writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Text, as it is.
    Text,
    /// A count, exactly whole: `1 204` rows.
    Count,
    /// A volume or hours shown whole: `153 790` (CSV keeps three decimals).
    Whole,
    /// One decimal: `63,5` (posts, calls per hour).
    Tenths,
    /// Two decimals: `0,25`.
    Hundredths,
    /// A share 0–1 shown as a percentage: `63,5 %`.
    Share,
    /// Kronor, shown whole.
    Money,
    /// A change, shown whole with its sign: `+600`.
    Change,
}

impl Kind {
    /// Decimals shown on screen.
    pub(crate) fn decimals(self) -> usize {
        match self {
            Kind::Text | Kind::Count | Kind::Whole | Kind::Money | Kind::Change => 0,
            Kind::Tenths | Kind::Share => 1,
            Kind::Hundredths => 2,
        }
    }
}

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Text(String),
    Number(f64, Kind),
    /// No value (a dash on screen, empty in CSV and Excel).
    Empty,
}

impl Value {
    pub(crate) fn text(s: impl Into<String>) -> Value {
        Value::Text(s.into())
    }
    pub(crate) fn count(v: u64) -> Value {
        Value::Number(v as f64, Kind::Count)
    }
    pub(crate) fn whole(v: f64) -> Value {
        Value::Number(v, Kind::Whole)
    }
    pub(crate) fn tenths(v: f64) -> Value {
        Value::Number(v, Kind::Tenths)
    }
    pub(crate) fn hundredths(v: f64) -> Value {
        Value::Number(v, Kind::Hundredths)
    }
    pub(crate) fn share(v: f64) -> Value {
        Value::Number(v, Kind::Share)
    }
    pub(crate) fn money(v: f64) -> Value {
        Value::Number(v, Kind::Money)
    }
    pub(crate) fn change(v: f64) -> Value {
        Value::Number(v, Kind::Change)
    }
    pub(crate) fn opt(v: Option<f64>, f: fn(f64) -> Value) -> Value {
        v.map_or(Value::Empty, f)
    }

    /// The cell as a reader sees it on screen, Swedish style (`153 790`, `50,8 %`).
    pub(crate) fn display(&self) -> String {
        use crate::numbers::{percent, sv};
        match self {
            Value::Text(s) => s.clone(),
            Value::Empty => "–".into(),
            Value::Number(v, Kind::Share) => percent(*v),
            Value::Number(v, Kind::Change) if *v > 0.0 => format!("+{}", sv(*v, 0)),
            Value::Number(v, kind) => sv(*v, kind.decimals()),
        }
    }

    /// Characters the cell takes in a spreadsheet, for column widths.
    pub(crate) fn width(&self) -> usize {
        match self {
            Value::Empty => 0,
            other => other.display().chars().count(),
        }
    }
}

/// Where a column's cells sit on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Right,
}

/// A column: its label and what its cells hold.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Column {
    pub label: String,
    pub kind: Kind,
    pub align: Align,
}

impl Column {
    /// A text column, left-aligned.
    pub(crate) fn text(label: impl Into<String>) -> Column {
        Column {
            label: label.into(),
            kind: Kind::Text,
            align: Align::Left,
        }
    }

    /// A column of numbers (or short values read like numbers), right-aligned.
    pub(crate) fn number(label: impl Into<String>, kind: Kind) -> Column {
        Column {
            label: label.into(),
            kind,
            align: Align::Right,
        }
    }
}

/// One section: a title, a table (possibly without columns) and sentences after it.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Table {
    pub title: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Value>>,
    /// Lines of text after the table.
    pub notes: Vec<String>,
}

impl Table {
    pub(crate) fn new(title: impl Into<String>, columns: Vec<Column>) -> Table {
        Table {
            title: title.into(),
            columns,
            ..Table::default()
        }
    }

    pub(crate) fn labels(&self) -> impl Iterator<Item = &str> {
        self.columns.iter().map(|c| c.label.as_str())
    }
}

/// The figures every level of the report has (total, förvaltning, ärendetyp,
/// delmoment), each written once: its short label on screen, its label in the
/// workbook, its name in the flat CSV, its kind and where it comes from.
pub(super) struct Figure {
    pub screen: &'static str,
    pub sheet: &'static str,
    pub csv: &'static str,
    pub kind: Kind,
    pub of: fn(&Figures) -> f64,
}

pub(super) const FIGURES: [Figure; 9] = [
    Figure {
        screen: "volym/år",
        sheet: "volym per år",
        csv: "volym",
        kind: Kind::Whole,
        of: |f| f.volume,
    },
    Figure {
        screen: "direkt",
        sheet: "direkt",
        csv: "direkt",
        kind: Kind::Whole,
        of: |f| f.kundtjanst,
    },
    Figure {
        screen: "manus",
        sheet: "manus",
        csv: "manus",
        kind: Kind::Whole,
        of: |f| f.scripted,
    },
    Figure {
        screen: "vidarek.",
        sheet: "vidarekopplat",
        csv: "vidarekopplat",
        kind: Kind::Whole,
        of: |f| f.forwarded,
    },
    Figure {
        screen: "villkorat",
        sheet: "villkorat",
        csv: "villkorat",
        kind: Kind::Whole,
        of: |f| f.conditional,
    },
    Figure {
        screen: "andel",
        sheet: "andel kundtjänst",
        csv: "andel",
        kind: Kind::Share,
        of: |f| f.share,
    },
    Figure {
        screen: "kt tim",
        sheet: "kundtjänst timmar",
        csv: "kundtjanst_timmar",
        kind: Kind::Whole,
        of: |f| f.kundtjanst_hours,
    },
    Figure {
        screen: "kt åa",
        sheet: "kundtjänst årsarbetare",
        csv: "kundtjanst_arsarbetare",
        kind: Kind::Tenths,
        of: |f| f.kundtjanst_fte,
    },
    Figure {
        screen: "avlastat tim",
        sheet: "avlastade timmar",
        csv: "avlastade_timmar",
        kind: Kind::Whole,
        of: |f| f.handed_over_hours,
    },
];

/// Which of a figure's labels a document uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Labels {
    Screen,
    Sheet,
    Csv,
}

/// The figure columns, labelled for one document.
pub(super) fn figure_columns(labels: Labels) -> impl Iterator<Item = Column> {
    FIGURES.iter().map(move |f| {
        let label = match labels {
            Labels::Screen => f.screen,
            Labels::Sheet => f.sheet,
            Labels::Csv => f.csv,
        };
        Column::number(label, f.kind)
    })
}

/// The figure cells of one row.
pub(super) fn figure_cells(figures: &Figures) -> impl Iterator<Item = Value> + '_ {
    FIGURES
        .iter()
        .map(move |f| Value::Number((f.of)(figures), f.kind))
}

/// The sections of the workbook (and of `--format csv --section`), in its order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// `Sammanfattning`: the headline figures, one per row.
    Summary,
    /// `Förvaltningar`: figures and financing per förvaltning.
    Forvaltningar,
    /// `Ärendetyper`: figures per ärendetyp, each followed by its delmoment.
    Arendetyper,
    /// `Bemanning per timme`: Erlang C staffing, the average open hour and each hour.
    Staffing,
    /// `System`: volume handled with each system, and what a missing one stops.
    Systems,
    /// `Kandidater`: units to take up at the next workshop.
    Candidates,
    /// `Jämförelse`: the ärendetyper that change (only with a comparison).
    Comparison,
    /// `Avvisade rader`: rejected log rows by reason, with line numbers.
    Rejected,
    /// `Antaganden`: the assumptions and formulas behind the figures.
    Assumptions,
}

impl Section {
    /// Every section, in the workbook's order.
    pub const ALL: [Section; 9] = [
        Section::Summary,
        Section::Forvaltningar,
        Section::Arendetyper,
        Section::Staffing,
        Section::Systems,
        Section::Candidates,
        Section::Comparison,
        Section::Rejected,
        Section::Assumptions,
    ];

    /// The name on the command line (`--section`): Swedish, without å, ä, ö.
    pub fn slug(self) -> &'static str {
        match self {
            Section::Summary => "sammanfattning",
            Section::Forvaltningar => "forvaltningar",
            Section::Arendetyper => "arendetyper",
            Section::Staffing => "bemanning",
            Section::Systems => "system",
            Section::Candidates => "kandidater",
            Section::Comparison => "jamforelse",
            Section::Rejected => "avvisade",
            Section::Assumptions => "antaganden",
        }
    }

    /// The sheet's name in the workbook.
    pub fn sheet_name(self) -> &'static str {
        match self {
            Section::Summary => "Sammanfattning",
            Section::Forvaltningar => "Förvaltningar",
            Section::Arendetyper => "Ärendetyper",
            Section::Staffing => "Bemanning per timme",
            Section::Systems => "System",
            Section::Candidates => "Kandidater",
            Section::Comparison => "Jämförelse",
            Section::Rejected => "Avvisade rader",
            Section::Assumptions => "Antaganden",
        }
    }

    /// The section named `slug` (as in [`Section::slug`]; the sheet name is accepted
    /// too, in any case).
    pub fn from_slug(slug: &str) -> Option<Section> {
        let wanted = slug.trim().to_lowercase();
        Section::ALL
            .into_iter()
            .find(|s| s.slug() == wanted || s.sheet_name().to_lowercase() == wanted)
    }
}

/// One system's row, the same on screen and in the workbook: what it is used for, and
/// what its absence stops (nothing when kundtjänst has access).
pub(super) fn system_cells(s: &SystemRow) -> Vec<Value> {
    let unless_access = |v: f64| {
        if s.access {
            Value::Empty
        } else {
            Value::whole(v)
        }
    };
    vec![
        Value::text(&s.name),
        Value::text(yes_no(s.access)),
        Value::whole(s.handled_volume_using),
        unless_access(s.blocked_volume),
        unless_access(s.blocked_handed_over_hours),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swedish_numbers() {
        use crate::numbers::sv;
        assert_eq!(sv(153790.4, 0), "153 790");
        assert_eq!(sv(63.54, 1), "63,5");
        assert_eq!(sv(-1234.0, 0), "-1 234");
        assert_eq!(sv(999.0, 0), "999");
        assert_eq!(sv(-0.01, 1), "0,0");
    }

    #[test]
    fn cells_display_by_kind() {
        assert_eq!(Value::whole(153790.4).display(), "153 790");
        assert_eq!(Value::tenths(63.54).display(), "63,5");
        assert_eq!(Value::hundredths(0.254).display(), "0,25");
        assert_eq!(Value::share(0.635).display(), "63,5 %");
        assert_eq!(Value::change(600.0).display(), "+600");
        assert_eq!(Value::change(-600.0).display(), "-600");
        assert_eq!(Value::Empty.display(), "–");
        assert_eq!(Value::Empty.width(), 0);
    }

    /// Every format that writes a table, as text to search in (xlsx read back with
    /// calamine, one line per row, cells as calamine reads them).
    fn every_format(tables: &[Table]) -> Vec<(&'static str, String)> {
        use calamine::{Reader, Xlsx};
        let mut html = String::new();
        for t in tables {
            super::super::html::html_table(t, &mut html);
        }
        let csv = |dialect| {
            tables
                .iter()
                .map(|t| super::super::csv::table(t, dialect).expect("csv"))
                .collect::<String>()
        };
        let bytes = super::super::xlsx::workbook(tables).expect("xlsx");
        let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).expect("calamine");
        let mut xlsx = String::new();
        for name in book.sheet_names() {
            let range = book.worksheet_range(&name).expect("sheet");
            for row in range.rows() {
                let cells: Vec<String> = row.iter().map(ToString::to_string).collect();
                xlsx.push_str(&cells.join("|"));
                xlsx.push('\n');
            }
        }
        vec![
            (
                "text",
                tables.iter().map(super::super::text::table).collect(),
            ),
            (
                "markdown",
                tables.iter().map(super::super::markdown::table).collect(),
            ),
            ("html", html),
            (
                "csv excel",
                csv(super::super::csv::CsvDialect::SwedishExcel),
            ),
            ("csv plain", csv(super::super::csv::CsvDialect::Plain)),
            ("xlsx", xlsx),
        ]
    }

    #[test]
    fn a_figure_added_to_the_model_appears_in_every_format() {
        let mut t = Table::new(
            "Per förvaltning",
            vec![
                Column::text("förvaltning"),
                Column::number("volym/år", Kind::Whole),
            ],
        );
        t.rows
            .push(vec![Value::text("Miljö"), Value::whole(1200.0)]);
        let before = every_format(std::slice::from_ref(&t));
        // The new figure: a column and its value in the one row, and a row of its own.
        t.columns.push(Column::number("väntetimmar", Kind::Tenths));
        t.rows[0].push(Value::tenths(4321.26));
        t.rows.push(vec![
            Value::text("Kultur"),
            Value::whole(7.0),
            Value::tenths(0.5),
        ]);
        let after = every_format(std::slice::from_ref(&t));
        for ((format, old), (_, new)) in before.iter().zip(&after) {
            assert!(
                !old.contains("väntetimmar") && !old.contains("Kultur"),
                "{format}"
            );
            assert!(new.contains("väntetimmar"), "{format}: {new}");
            assert!(new.contains("Kultur"), "{format}: {new}");
            let value = match *format {
                "csv excel" => "4321,260",
                "csv plain" => "4321.260",
                "xlsx" => "4321.26",
                _ => "4 321,3",
            };
            assert!(new.contains(value), "{format}: {value} in {new}");
        }
    }

    #[test]
    fn every_figure_reaches_every_format_of_a_real_report() {
        use super::super::{Analysis, CsvDialect, Options};
        let ruleset = crate::Ruleset::load("tests/fixtures/dryrun").expect("fixture");
        let a = Analysis::from(super::super::run(&ruleset, &Options::default()).expect("run"));
        let text = super::super::text(&a);
        let markdown = super::super::markdown(&a);
        let html = super::super::html(&a);
        let flat = [CsvDialect::SwedishExcel, CsvDialect::Plain]
            .map(|d| super::super::csv(&a, d).expect("csv"));
        let sheet = [CsvDialect::SwedishExcel, CsvDialect::Plain].map(|d| {
            super::super::section_csv(&a, Section::Forvaltningar, d)
                .expect("csv")
                .expect("a section")
        });
        let xlsx = every_format(&[
            super::super::workbook::sheet(&a, Section::Forvaltningar).expect("sheet")
        ])
        .pop()
        .expect("xlsx")
        .1;
        for f in &FIGURES {
            for (format, out) in [("text", &text), ("markdown", &markdown), ("html", &html)] {
                assert!(out.contains(f.screen), "{} in {format}", f.screen);
            }
            for out in flat.iter() {
                assert!(
                    out.lines().next().expect("header").contains(f.csv),
                    "{}",
                    f.csv
                );
            }
            for out in sheet.iter().chain([&xlsx]) {
                assert!(
                    out.lines().next().expect("header").contains(f.sheet),
                    "{}",
                    f.sheet
                );
            }
        }
    }
}
