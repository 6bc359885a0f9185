//! The report as sheets of typed cells: one model for the Excel workbook
//! (`--format xlsx`) and for each section as CSV (`--format csv --section NAME`), so
//! that the two never disagree. Numbers stay numbers here; each writer formats them.

use super::analysis::Analysis;
use super::render::{CsvDialect, WEEKDAYS, short_id};
use super::report::{Figures, HourStaffing, Report};

/// How a number is meant to be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberFormat {
    /// A count, exactly whole: `1 204` rows.
    Count,
    /// A figure shown as a whole number: `153 790` (CSV keeps three decimals).
    Whole,
    /// One decimal: `63,5`.
    OneDecimal,
    /// Two decimals: `0,25`.
    TwoDecimals,
    /// A share 0–1 shown as a percentage: `63,5 %`.
    Percent,
}

/// One cell of a sheet.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64, NumberFormat),
    Empty,
}

impl Cell {
    fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    fn whole(v: f64) -> Cell {
        Cell::Number(v, NumberFormat::Whole)
    }

    fn count(v: u64) -> Cell {
        Cell::Number(v as f64, NumberFormat::Count)
    }

    fn one(v: f64) -> Cell {
        Cell::Number(v, NumberFormat::OneDecimal)
    }

    fn two(v: f64) -> Cell {
        Cell::Number(v, NumberFormat::TwoDecimals)
    }

    fn percent(v: f64) -> Cell {
        Cell::Number(v, NumberFormat::Percent)
    }

    fn opt(v: Option<f64>, f: fn(f64) -> Cell) -> Cell {
        v.map_or(Cell::Empty, f)
    }

    /// Characters the cell takes on screen, for column widths.
    pub fn width(&self) -> usize {
        match self {
            Cell::Text(s) => s.chars().count(),
            Cell::Number(v, NumberFormat::Percent) => crate::numbers::percent(*v).chars().count(),
            Cell::Number(v, f) => crate::numbers::sv(*v, decimals(*f)).chars().count(),
            Cell::Empty => 0,
        }
    }
}

fn decimals(f: NumberFormat) -> usize {
    match f {
        NumberFormat::Count | NumberFormat::Whole => 0,
        NumberFormat::OneDecimal | NumberFormat::Percent => 1,
        NumberFormat::TwoDecimals => 2,
    }
}

/// The sections of the report, in the workbook's order.
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

/// One section of the report as a table: a header row and rows of typed cells.
#[derive(Debug, Clone)]
pub struct Sheet {
    pub section: Section,
    pub headers: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
}

/// Every section of the report as a sheet, in the workbook's order. `Jämförelse` is
/// there only when the analysis has a comparison (`--compare` or a scenario).
pub fn sheets(a: &Analysis) -> Vec<Sheet> {
    Section::ALL
        .into_iter()
        .filter_map(|s| sheet(a, s))
        .collect()
}

/// One section as a sheet; `None` for `Jämförelse` without a comparison.
pub fn sheet(a: &Analysis, section: Section) -> Option<Sheet> {
    let r = &a.report;
    let (headers, rows) = match section {
        Section::Summary => summary(a),
        Section::Forvaltningar => forvaltningar(r),
        Section::Arendetyper => arendetyper(r),
        Section::Staffing => staffing(r),
        Section::Systems => systems(r),
        Section::Candidates => candidates(r),
        Section::Comparison => comparison(a)?,
        Section::Rejected => rejected(r),
        Section::Assumptions => assumptions(r),
    };
    Some(Sheet {
        section,
        headers,
        rows,
    })
}

type Table = (Vec<&'static str>, Vec<Vec<Cell>>);

const FIGURE_HEADERS: [&str; 9] = [
    "volym per år",
    "direkt",
    "manus",
    "vidarekopplat",
    "villkorat",
    "andel kundtjänst",
    "kundtjänst timmar",
    "kundtjänst årsarbetare",
    "avlastade timmar",
];

fn figure_cells(f: &Figures) -> Vec<Cell> {
    vec![
        Cell::whole(f.volume),
        Cell::whole(f.kundtjanst),
        Cell::whole(f.scripted),
        Cell::whole(f.forwarded),
        Cell::whole(f.conditional),
        Cell::percent(f.share),
        Cell::whole(f.kundtjanst_hours),
        Cell::one(f.kundtjanst_fte),
        Cell::whole(f.handed_over_hours),
    ]
}

fn yes_no(b: bool) -> Cell {
    Cell::text(if b { "ja" } else { "nej" })
}

/// The label of the summary row with the share kundtjänst handles.
pub const SHARE_LABEL: &str = "andel som kundtjänst hanterar";

fn summary(a: &Analysis) -> Table {
    let r = &a.report;
    let t = &r.total;
    let s = &r.staffing;
    let v = &r.volumes;
    let mut rows = vec![
        vec![Cell::text("kommun"), Cell::text(&r.kommun)],
        vec![Cell::text("kommunkod"), Cell::text(&r.kommunkod)],
        vec![Cell::text("kundtjänst"), Cell::text(&r.kundtjanst)],
        vec![Cell::text("rapporten gjord"), Cell::text(&r.date)],
        vec![
            Cell::text("regeluppsättning"),
            Cell::text(short_id(&r.ruleset)),
        ],
        vec![Cell::text("volymer"), Cell::text(&v.description)],
        vec![Cell::text("kontakter per år"), Cell::whole(t.volume)],
        vec![Cell::text("direkt"), Cell::whole(t.kundtjanst)],
        vec![Cell::text("manus"), Cell::whole(t.scripted)],
        vec![Cell::text("vidarekopplat"), Cell::whole(t.forwarded)],
        vec![Cell::text("villkorat"), Cell::whole(t.conditional)],
        vec![Cell::text(SHARE_LABEL), Cell::percent(t.share)],
        vec![Cell::text("mål"), Cell::percent(r.goal_share)],
        vec![Cell::text("når målet"), yes_no(r.meets_goal)],
        vec![
            Cell::text("årsarbetare som kundtjänst behöver"),
            Cell::one(s.fte_total),
        ],
        vec![Cell::text("varav telefon"), Cell::one(s.fte_phone)],
        vec![Cell::text("varav övriga kanaler"), Cell::one(s.fte_other)],
        vec![
            Cell::text("kundtjänstens handläggningstimmar per år"),
            Cell::whole(t.kundtjanst_hours),
        ],
        vec![
            Cell::text("samma timmar i årsarbetare vid full beläggning"),
            Cell::one(t.kundtjanst_fte),
        ],
        vec![
            Cell::text("förvaltningarnas avlastade timmar per år"),
            Cell::whole(t.handed_over_hours),
        ],
    ];
    if let Some(avg) = &s.average {
        rows.push(vec![
            Cell::text("agenter genomsnittlig öppettimme"),
            Cell::count(u64::from(avg.agents)),
        ]);
    }
    if let Some(peak) = &s.peak {
        rows.push(vec![
            Cell::text("agenter topptimme"),
            Cell::count(u64::from(peak.agents)),
        ]);
    }
    if let Some(cost) = r.financing.cost_per_fte {
        rows.push(vec![
            Cell::text("kronor per årsarbetare"),
            Cell::whole(cost),
        ]);
        rows.push(vec![
            Cell::text("kundtjänstens kostnad i kronor per år"),
            Cell::whole(cost * s.fte_total),
        ]);
    }
    if let (Some(read), Some(decided), Some(rejected)) =
        (v.lines_read, v.rows_decided, v.rows_rejected)
    {
        rows.push(vec![Cell::text("loggens rader lästa"), Cell::count(read)]);
        rows.push(vec![Cell::text("avgjorda rader"), Cell::count(decided)]);
        rows.push(vec![Cell::text("avvisade rader"), Cell::count(rejected)]);
    }
    if let Some(c) = &a.comparison {
        rows.push(vec![
            Cell::text("jämfört med"),
            Cell::text(format!(
                "{} ({})",
                c.before.dir,
                short_id(&c.before.ruleset)
            )),
        ]);
        rows.push(vec![
            Cell::text("andel före"),
            Cell::percent(c.before.share),
        ]);
        rows.push(vec![
            Cell::text("förändring av andelen (procentenheter)"),
            Cell::one(c.share_delta * 100.0),
        ]);
        rows.push(vec![
            Cell::text("förändring av årsarbetare"),
            Cell::one(c.fte_total_delta),
        ]);
    }
    (vec!["uppgift", "värde"], rows)
}

fn forvaltningar(r: &Report) -> Table {
    let cost = r.financing.cost_per_fte.is_some();
    let mut headers = vec!["förvaltning", "id"];
    headers.extend(FIGURE_HEADERS);
    headers.extend(["andel av kundtjänstens tid", "årsarbetare (finansiering)"]);
    if cost {
        headers.push("kronor per år");
    }
    let financing = |id: &str| r.financing.rows.iter().find(|f| f.id == id);
    let money = |cells: &mut Vec<Cell>, id: &str| {
        let f = financing(id);
        cells.push(Cell::opt(f.map(|f| f.budget_share), Cell::percent));
        cells.push(Cell::opt(f.map(|f| f.fte), Cell::one));
        if cost {
            cells.push(Cell::opt(f.and_then(|f| f.cost), Cell::whole));
        }
    };
    let mut rows: Vec<Vec<Cell>> = r
        .forvaltningar
        .iter()
        .map(|f| {
            let mut cells = vec![Cell::text(&f.name), Cell::text(&f.id)];
            cells.extend(figure_cells(&f.figures));
            money(&mut cells, &f.id);
            cells
        })
        .collect();
    // Unknown ärendetyper belong to no förvaltning but take kundtjänst's time.
    for f in r
        .financing
        .rows
        .iter()
        .filter(|f| !r.forvaltningar.iter().any(|g| g.id == f.id))
    {
        let mut cells = vec![Cell::text(&f.name), Cell::text(&f.id)];
        cells.extend(std::iter::repeat_n(Cell::Empty, 6));
        cells.push(Cell::whole(f.kundtjanst_hours));
        cells.extend([Cell::Empty, Cell::whole(f.relieved_hours)]);
        money(&mut cells, &f.id);
        rows.push(cells);
    }
    (headers, rows)
}

fn arendetyper(r: &Report) -> Table {
    let mut headers = vec![
        "rad",
        "ärendetyp",
        "id",
        "delmoment",
        "delmoment-id",
        "förvaltning",
        "nivå",
    ];
    headers.extend(FIGURE_HEADERS);
    headers.extend([
        "deklarerat per år",
        "i loggen per år",
        "vidarekopplas i kanal",
    ]);
    let forvaltning = |id: &str| forvaltning_name(r, id);
    let channels = |c: &crate::model::ChannelSet| {
        if c.is_empty() {
            Cell::Empty
        } else {
            Cell::text(c.names())
        }
    };
    let mut rows = Vec::new();
    for t in &r.arendetyper {
        let mut cells = vec![
            Cell::text("ärendetyp"),
            Cell::text(&t.name),
            Cell::text(&t.id),
            Cell::Empty,
            Cell::Empty,
            Cell::text(forvaltning(&t.forvaltning)),
            Cell::Empty,
        ];
        cells.extend(figure_cells(&t.figures));
        cells.push(Cell::opt(t.declared_per_year, Cell::whole));
        cells.push(Cell::opt(t.observed_per_year, Cell::whole));
        cells.push(channels(&t.forwarded_channels));
        rows.push(cells);
        for p in t.parts.iter().filter(|p| p.part.is_some()) {
            let mut cells = vec![
                Cell::text("delmoment"),
                Cell::text(&t.name),
                Cell::text(&t.id),
                Cell::text(&p.name),
                Cell::text(p.part.clone().unwrap_or_default()),
                Cell::text(forvaltning(&t.forvaltning)),
                Cell::count(u64::from(p.level)),
            ];
            cells.extend(figure_cells(&p.figures));
            cells.extend([Cell::Empty, Cell::Empty, channels(&p.forwarded_channels)]);
            rows.push(cells);
        }
    }
    (headers, rows)
}

/// A förvaltning's name from its id (the id itself if there is none).
fn forvaltning_name(r: &Report, id: &str) -> String {
    r.forvaltningar
        .iter()
        .find(|f| f.id == id)
        .map_or(id.to_string(), |f| f.name.clone())
}

fn hour_cells(day: Cell, hour: Cell, h: &HourStaffing) -> Vec<Cell> {
    vec![
        day,
        hour,
        Cell::one(h.calls_per_hour),
        Cell::whole(h.aht_seconds),
        Cell::count(u64::from(h.agents)),
        Cell::count(u64::from(h.rostered)),
        Cell::percent(h.service_level),
        Cell::one(h.asa_seconds),
        Cell::percent(h.occupancy),
    ]
}

fn staffing(r: &Report) -> Table {
    let s = &r.staffing;
    let mut rows = Vec::new();
    if let Some(a) = &s.average {
        rows.push(hour_cells(
            Cell::text("genomsnittlig öppettimme"),
            Cell::Empty,
            a,
        ));
    }
    for h in &s.hours {
        let day = WEEKDAYS[usize::from(h.weekday.clamp(1, 7)) - 1];
        rows.push(hour_cells(
            Cell::text(day),
            Cell::count(u64::from(h.hour)),
            h,
        ));
    }
    (
        vec![
            "veckodag",
            "timme",
            "samtal per timme",
            "samtalstid (AHT) s",
            "agenter",
            "schemalagda",
            "servicenivå",
            "svarstid s",
            "beläggning",
        ],
        rows,
    )
}

fn systems(r: &Report) -> Table {
    let rows = r
        .systems
        .iter()
        .map(|s| {
            vec![
                Cell::text(&s.name),
                yes_no(s.access),
                Cell::whole(s.handled_volume_using),
                if s.access {
                    Cell::Empty
                } else {
                    Cell::whole(s.blocked_volume)
                },
                if s.access {
                    Cell::Empty
                } else {
                    Cell::whole(s.blocked_handed_over_hours)
                },
            ]
        })
        .collect();
    (
        vec![
            "system",
            "kundtjänst har åtkomst",
            "hanterad volym per år",
            "stoppad volym per år",
            "stoppad avlastning timmar",
        ],
        rows,
    )
}

fn candidates(r: &Report) -> Table {
    let rows = r
        .candidates
        .iter()
        .map(|c| {
            vec![
                Cell::text(&c.name),
                Cell::text(&c.arendetyp),
                Cell::text(c.part.clone().unwrap_or_default()),
                Cell::text(forvaltning_name(r, &c.forvaltning)),
                Cell::count(u64::from(c.level)),
                Cell::whole(c.forwarded_volume),
                Cell::whole(c.hours),
                Cell::whole(c.kundtjanst_hours),
                Cell::two(c.kundtjanst_fte),
                Cell::text(c.blocked_by.join("; ")),
                Cell::text(c.would_take.join("; ")),
            ]
        })
        .collect();
    (
        vec![
            "ärendetyp",
            "id",
            "delmoment-id",
            "förvaltning",
            "nivå",
            "vidarekopplas per år",
            "förvaltningens timmar",
            "kundtjänst timmar",
            "kundtjänst årsarbetare",
            "stoppas av",
            "det som krävs",
        ],
        rows,
    )
}

fn comparison(a: &Analysis) -> Option<Table> {
    let c = a.comparison.as_ref()?;
    let rows = c
        .changed
        .iter()
        .map(|t| {
            vec![
                Cell::text(&t.name),
                Cell::text(&t.id),
                Cell::text(forvaltning_name(&a.report, &t.forvaltning)),
                Cell::whole(t.before.kundtjanst),
                Cell::whole(t.before.scripted),
                Cell::whole(t.before.forwarded),
                Cell::whole(t.before.conditional),
                Cell::whole(t.after.kundtjanst),
                Cell::whole(t.after.scripted),
                Cell::whole(t.after.forwarded),
                Cell::whole(t.after.conditional),
                Cell::whole(t.moved_volume),
                Cell::whole(t.moved_hours),
            ]
        })
        .collect();
    Some((
        vec![
            "ärendetyp",
            "id",
            "förvaltning",
            "före direkt",
            "före manus",
            "före vidarekopplat",
            "före villkorat",
            "efter direkt",
            "efter manus",
            "efter vidarekopplat",
            "efter villkorat",
            "flyttad volym per år",
            "flyttade timmar per år",
        ],
        rows,
    ))
}

/// The reason without the quoted value, so that rows group by kind of problem.
pub(super) fn reason_kind(reason: &str) -> &str {
    let kind = reason
        .split('`')
        .next()
        .unwrap_or("")
        .trim_end_matches([' ', ':']);
    if kind.is_empty() { reason } else { kind }
}

fn rejected(r: &Report) -> Table {
    let mut list: Vec<&super::report::RejectedRow> = r.rejected.rows.iter().collect();
    list.sort_by(|a, b| {
        reason_kind(&a.reason)
            .cmp(reason_kind(&b.reason))
            .then(a.line.cmp(&b.line))
    });
    let rows = list
        .into_iter()
        .map(|row| {
            vec![
                Cell::text(reason_kind(&row.reason)),
                Cell::count(row.line),
                Cell::count(row.last_line),
                Cell::text(&row.reason),
            ]
        })
        .collect();
    (vec!["orsak", "rad", "till rad", "detaljer"], rows)
}

fn assumptions(r: &Report) -> Table {
    let s = &r.staffing;
    let lines = std::iter::once(format!("volymer: {}", r.volumes.description))
        .chain((r.volumes.mode == "log").then(|| {
            format!(
                "loggen och frekvensen: {}",
                super::render::DECLARED_VERSUS_LOGGED
            )
        }))
        .chain(r.assumptions.iter().cloned())
        .chain(s.assumptions.iter().map(|a| format!("bemanning: {a}")))
        .chain(s.fte_formula.iter().map(|f| format!("årsarbetare: {f}")))
        .chain(std::iter::once(format!(
            "finansiering: {}",
            r.financing.basis
        )))
        .chain((r.rejected.total > r.rejected.rows.len() as u64).then(|| {
            format!(
                "avvisade rader: {} avvisades, arket visar de första {}",
                r.rejected.total,
                r.rejected.rows.len()
            )
        }));
    (
        vec!["antagande"],
        lines.map(|l| vec![Cell::Text(l)]).collect(),
    )
}

/// One section of the report as CSV (`rosa dry-run --format csv --section NAME`), or
/// `None` for [`Section::Comparison`] when there is no comparison.
///
/// ```
/// use rosa::dryrun::{self, Analysis, CsvDialect, Options, Section};
/// let ruleset = rosa::Ruleset::load("rulesets/exempelkommun").unwrap();
/// let a = Analysis::from(dryrun::run(&ruleset, &Options::default()).unwrap());
/// let csv = dryrun::section_csv(&a, Section::Forvaltningar, CsvDialect::Plain).unwrap();
/// assert!(csv.unwrap().starts_with("förvaltning,id,volym per år,"));
/// assert!(dryrun::section_csv(&a, Section::Comparison, CsvDialect::Plain).unwrap().is_none());
/// ```
///
/// # Errors
///
/// When the CSV writer fails (in practice never: it writes to memory).
pub fn section_csv(
    a: &Analysis,
    section: Section,
    dialect: CsvDialect,
) -> Result<Option<String>, csv::Error> {
    sheet(a, section)
        .map(|s| sheet_csv(&s, dialect))
        .transpose()
}

/// One sheet as CSV in `dialect`: numbers unrounded to three decimals (shares as 0–1
/// to four), with a decimal comma for Swedish Excel.
fn sheet_csv(sheet: &Sheet, dialect: CsvDialect) -> Result<String, csv::Error> {
    let excel = dialect == CsvDialect::SwedishExcel;
    let mut w = csv::WriterBuilder::new()
        .delimiter(if excel { b';' } else { b',' })
        .from_writer(Vec::new());
    w.write_record(&sheet.headers)?;
    for row in &sheet.rows {
        w.write_record(row.iter().map(|cell| match cell {
            Cell::Text(s) => s.clone(),
            Cell::Empty => String::new(),
            Cell::Number(v, f) => {
                let text = match f {
                    NumberFormat::Percent => format!("{v:.4}"),
                    NumberFormat::Count => format!("{v:.0}"),
                    _ => format!("{v:.3}"),
                };
                if excel { text.replace('.', ",") } else { text }
            }
        }))?;
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    let bom = if excel { "\u{feff}" } else { "" };
    Ok(format!("{bom}{}", String::from_utf8_lossy(&bytes)))
}
