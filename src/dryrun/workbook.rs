//! The report as a workbook (`--format xlsx`, and each sheet as `--format csv
//! --section NAME`), and the flat CSV of figures (`--format csv`): sections of the
//! report model, numbers kept as numbers.

use super::analysis::Analysis;
use super::model::{
    Column, Kind, Labels, Section, Table, Value, figure_cells, figure_columns, system_cells,
};
use super::rows::{Figures, HourStaffing, RejectedRow, Report};
use super::wording::{DECLARED_VERSUS_LOGGED, day, joined, short_id, yes_no};

/// Every section as a sheet (a table titled with the sheet's name), in the workbook's
/// order. `Jämförelse` is there only when the analysis has a comparison (`--compare` or
/// a scenario).
pub(super) fn sheets(a: &Analysis) -> Vec<Table> {
    Section::ALL
        .into_iter()
        .filter_map(|s| sheet(a, s))
        .collect()
}

/// One section as a sheet; `None` for `Jämförelse` without a comparison.
pub(super) fn sheet(a: &Analysis, section: Section) -> Option<Table> {
    let r = &a.report;
    let (columns, rows) = match section {
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
    let mut table = Table::new(section.sheet_name(), columns);
    table.rows = rows;
    Some(table)
}

type Cells = (Vec<Column>, Vec<Vec<Value>>);

fn col(label: &str, kind: Kind) -> Column {
    if kind == Kind::Text {
        Column::text(label)
    } else {
        Column::number(label, kind)
    }
}

fn texts(labels: &[&str]) -> Vec<Column> {
    labels.iter().map(|l| Column::text(*l)).collect()
}

/// The label of the summary row with the share kundtjänst handles.
pub(super) const SHARE_LABEL: &str = "andel som kundtjänst hanterar";
/// The upper end of the share: if every contact that depends on conditions were handled.
const SHARE_MAX_LABEL: &str = "andel om alla villkorade hanteras";

fn summary(a: &Analysis) -> Cells {
    let r = &a.report;
    let t = &r.total;
    let s = &r.staffing;
    let v = &r.volumes;
    let item = |label: &str, value: Value| vec![Value::text(label), value];
    let mut rows = vec![
        item("kommun", Value::text(&r.kommun)),
        item("kommunkod", Value::text(&r.kommunkod)),
        item("kundtjänst", Value::text(&r.kundtjanst)),
        item("rapporten gjord", Value::text(&r.date)),
        item("regeluppsättning", Value::text(short_id(&r.ruleset))),
        item("volymer", Value::text(&v.description)),
        item("kontakter per år", Value::whole(t.volume)),
        item("direkt", Value::whole(t.kundtjanst)),
        item("manus", Value::whole(t.scripted)),
        item("vidarekopplat", Value::whole(t.forwarded)),
        item("villkorat", Value::whole(t.conditional)),
        item(SHARE_LABEL, Value::share(t.share)),
        item(SHARE_MAX_LABEL, Value::share(t.share_max)),
        item("varav manus", Value::share(t.scripted_share)),
        item("beroende på villkor", Value::share(t.conditional_share)),
        item("mål", Value::share(r.goal_share)),
        item("når målet", Value::text(yes_no(r.meets_goal))),
        item(
            "årsarbetare som kundtjänst behöver",
            Value::tenths(s.fte_total),
        ),
        item("varav telefon", Value::tenths(s.fte_phone)),
        item("varav övriga kanaler", Value::tenths(s.fte_other)),
        item(
            "kundtjänstens handläggningstimmar per år",
            Value::whole(t.kundtjanst_hours),
        ),
        item(
            "samma timmar i årsarbetare vid full beläggning",
            Value::tenths(t.kundtjanst_fte),
        ),
        item(
            "förvaltningarnas avlastade timmar per år",
            Value::whole(t.handed_over_hours),
        ),
    ];
    if let Some(avg) = &s.average {
        rows.push(item(
            "agenter genomsnittlig öppettimme",
            Value::count(u64::from(avg.agents)),
        ));
    }
    if let Some(peak) = &s.peak {
        rows.push(item(
            "agenter topptimme",
            Value::count(u64::from(peak.agents)),
        ));
    }
    if let Some(cost) = r.financing.cost_per_fte {
        rows.push(item("kronor per årsarbetare", Value::money(cost)));
        rows.push(item(
            "kundtjänstens kostnad i kronor per år",
            Value::money(cost * s.fte_total),
        ));
    }
    if let (Some(read), Some(decided), Some(rejected)) =
        (v.lines_read, v.rows_decided, v.rows_rejected)
    {
        rows.push(item("loggens rader lästa", Value::count(read)));
        rows.push(item("avgjorda rader", Value::count(decided)));
        rows.push(item("avvisade rader", Value::count(rejected)));
    }
    if let Some(c) = &a.comparison {
        rows.push(item(
            "jämfört med",
            Value::Text(format!(
                "{} ({})",
                c.before.dir,
                short_id(&c.before.ruleset)
            )),
        ));
        rows.push(item("andel före", Value::share(c.before.share)));
        rows.push(item(
            "förändring av andelen (procentenheter)",
            Value::tenths(c.share_delta * 100.0),
        ));
        rows.push(item(
            "förändring av årsarbetare",
            Value::tenths(c.fte_total_delta),
        ));
    }
    (texts(&["uppgift", "värde"]), rows)
}

fn forvaltningar(r: &Report) -> Cells {
    let cost = r.financing.cost_per_fte.is_some();
    let mut columns = texts(&["förvaltning", "id"]);
    columns.extend(figure_columns(Labels::Sheet));
    columns.push(col("andel av kundtjänstens tid", Kind::Share));
    columns.push(col("årsarbetare (finansiering)", Kind::Tenths));
    if cost {
        columns.push(col("kronor per år", Kind::Money));
    }
    let financing = |id: &str| r.financing.rows.iter().find(|f| f.id == id);
    let money = |cells: &mut Vec<Value>, id: &str| {
        let f = financing(id);
        cells.push(Value::opt(f.map(|f| f.budget_share), Value::share));
        cells.push(Value::opt(f.map(|f| f.fte), Value::tenths));
        if cost {
            cells.push(Value::opt(f.and_then(|f| f.cost), Value::money));
        }
    };
    let mut rows: Vec<Vec<Value>> = r
        .forvaltningar
        .iter()
        .map(|f| {
            let mut cells = vec![Value::text(&f.name), Value::text(&f.id)];
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
        let only_hours = Figures {
            kundtjanst_hours: f.kundtjanst_hours,
            handed_over_hours: f.relieved_hours,
            ..Figures::default()
        };
        let mut cells = vec![Value::text(&f.name), Value::text(&f.id)];
        cells.extend(
            super::model::FIGURES
                .iter()
                .zip(figure_cells(&only_hours))
                .map(|(figure, cell)| {
                    // Only the hours are known for work no förvaltning owns.
                    let hours =
                        figure.sheet == "kundtjänst timmar" || figure.sheet == "avlastade timmar";
                    if hours { cell } else { Value::Empty }
                }),
        );
        money(&mut cells, &f.id);
        rows.push(cells);
    }
    (columns, rows)
}

fn arendetyper(r: &Report) -> Cells {
    let mut columns = texts(&[
        "rad",
        "ärendetyp",
        "id",
        "delmoment",
        "delmoment-id",
        "förvaltning",
    ]);
    columns.push(col("nivå", Kind::Count));
    columns.extend(figure_columns(Labels::Sheet));
    columns.push(col("deklarerat per år", Kind::Whole));
    columns.push(col("i loggen per år", Kind::Whole));
    columns.push(col("vidarekopplas i kanal", Kind::Text));
    let forvaltning = |id: &str| forvaltning_name(r, id);
    let channels = |c: &crate::model::ChannelSet| {
        if c.is_empty() {
            Value::Empty
        } else {
            Value::text(c.names())
        }
    };
    let mut rows = Vec::new();
    for t in &r.arendetyper {
        let mut cells = vec![
            Value::text("ärendetyp"),
            Value::text(&t.name),
            Value::text(&t.id),
            Value::Empty,
            Value::Empty,
            Value::text(forvaltning(&t.forvaltning)),
            Value::Empty,
        ];
        cells.extend(figure_cells(&t.figures));
        cells.push(Value::opt(t.declared_per_year, Value::whole));
        cells.push(Value::opt(t.observed_per_year, Value::whole));
        cells.push(channels(&t.forwarded_channels));
        rows.push(cells);
        for p in t.parts.iter().filter(|p| p.part.is_some()) {
            let mut cells = vec![
                Value::text("delmoment"),
                Value::text(&t.name),
                Value::text(&t.id),
                Value::text(&p.name),
                Value::text(p.part.clone().unwrap_or_default()),
                Value::text(forvaltning(&t.forvaltning)),
                Value::count(u64::from(p.level)),
            ];
            cells.extend(figure_cells(&p.figures));
            cells.extend([Value::Empty, Value::Empty, channels(&p.forwarded_channels)]);
            rows.push(cells);
        }
    }
    (columns, rows)
}

/// A förvaltning's name from its id (the id itself if there is none).
fn forvaltning_name(r: &Report, id: &str) -> String {
    r.forvaltningar
        .iter()
        .find(|f| f.id == id)
        .map_or(id.to_string(), |f| f.name.clone())
}

fn hour_cells(day: Value, hour: Value, h: &HourStaffing) -> Vec<Value> {
    vec![
        day,
        hour,
        Value::tenths(h.calls_per_hour),
        Value::whole(h.aht_seconds),
        Value::count(u64::from(h.agents)),
        Value::count(u64::from(h.rostered)),
        Value::share(h.service_level),
        Value::tenths(h.asa_seconds),
        Value::share(h.occupancy),
    ]
}

fn staffing(r: &Report) -> Cells {
    let s = &r.staffing;
    let mut rows = Vec::new();
    if let Some(a) = &s.average {
        rows.push(hour_cells(
            Value::text("genomsnittlig öppettimme"),
            Value::Empty,
            a,
        ));
    }
    for h in &s.hours {
        rows.push(hour_cells(
            Value::text(day(h.weekday)),
            Value::count(u64::from(h.hour)),
            h,
        ));
    }
    let columns = vec![
        col("veckodag", Kind::Text),
        col("timme", Kind::Count),
        col("samtal per timme", Kind::Tenths),
        col("samtalstid (AHT) s", Kind::Whole),
        col("agenter", Kind::Count),
        col("schemalagda", Kind::Count),
        col("servicenivå", Kind::Share),
        col("svarstid s", Kind::Tenths),
        col("beläggning", Kind::Share),
    ];
    (columns, rows)
}

fn systems(r: &Report) -> Cells {
    let rows = r.systems.iter().map(system_cells).collect();
    let columns = vec![
        col("system", Kind::Text),
        col("kundtjänst har åtkomst", Kind::Text),
        col("hanterad volym per år", Kind::Whole),
        col("stoppad volym per år", Kind::Whole),
        col("stoppad avlastning timmar", Kind::Whole),
    ];
    (columns, rows)
}

fn candidates(r: &Report) -> Cells {
    let rows = r
        .candidates
        .iter()
        .map(|c| {
            vec![
                Value::text(&c.name),
                Value::text(&c.arendetyp),
                Value::text(c.part.clone().unwrap_or_default()),
                Value::text(forvaltning_name(r, &c.forvaltning)),
                Value::count(u64::from(c.level)),
                Value::whole(c.forwarded_volume),
                Value::whole(c.hours),
                Value::whole(c.kundtjanst_hours),
                Value::hundredths(c.kundtjanst_fte),
                Value::text(c.blocked_by.join("; ")),
                Value::text(joined(&c.would_take)),
            ]
        })
        .collect();
    let mut columns = texts(&["ärendetyp", "id", "delmoment-id", "förvaltning"]);
    columns.extend([
        col("nivå", Kind::Count),
        col("vidarekopplas per år", Kind::Whole),
        col("förvaltningens timmar", Kind::Whole),
        col("kundtjänst timmar", Kind::Whole),
        col("kundtjänst årsarbetare", Kind::Hundredths),
        col("stoppas av", Kind::Text),
        col("det som krävs", Kind::Text),
    ]);
    (columns, rows)
}

fn comparison(a: &Analysis) -> Option<Cells> {
    let c = a.comparison.as_ref()?;
    let rows = c
        .changed
        .iter()
        .map(|t| {
            vec![
                Value::text(&t.name),
                Value::text(&t.id),
                Value::text(forvaltning_name(&a.report, &t.forvaltning)),
                Value::whole(t.before.kundtjanst),
                Value::whole(t.before.scripted),
                Value::whole(t.before.forwarded),
                Value::whole(t.before.conditional),
                Value::whole(t.after.kundtjanst),
                Value::whole(t.after.scripted),
                Value::whole(t.after.forwarded),
                Value::whole(t.after.conditional),
                Value::whole(t.moved_volume),
                Value::whole(t.moved_hours),
            ]
        })
        .collect();
    let mut columns = texts(&["ärendetyp", "id", "förvaltning"]);
    columns.extend(
        [
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
        ]
        .map(|l| col(l, Kind::Whole)),
    );
    Some((columns, rows))
}

fn rejected(r: &Report) -> Cells {
    let mut list: Vec<&RejectedRow> = r.rejected.rows.iter().collect();
    list.sort_by_cached_key(|row| (row.group(), row.line));
    let rows = list
        .into_iter()
        .map(|row| {
            vec![
                Value::text(row.group()),
                Value::count(row.line),
                Value::count(row.last_line),
                Value::text(row.reason.to_string()),
            ]
        })
        .collect();
    let columns = vec![
        col("orsak", Kind::Text),
        col("rad", Kind::Count),
        col("till rad", Kind::Count),
        col("detaljer", Kind::Text),
    ];
    (columns, rows)
}

fn assumptions(r: &Report) -> Cells {
    let s = &r.staffing;
    let lines = std::iter::once(format!("volymer: {}", r.volumes.description))
        .chain(
            (r.volumes.mode == "log")
                .then(|| format!("loggen och frekvensen: {DECLARED_VERSUS_LOGGED}")),
        )
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
        texts(&["antagande"]),
        lines.map(|l| vec![Value::Text(l)]).collect(),
    )
}

/// The figures flat, for programs and pivot tables (`--format csv`): one row per
/// ärendetyp, per förvaltning and the total, with a `niva` column.
pub(super) fn flat(a: &Analysis) -> Table {
    let r = &a.report;
    let mut columns = texts(&["niva", "forvaltning", "arendetyp", "namn"]);
    columns.extend(figure_columns(Labels::Csv));
    columns.push(col("deklarerad_per_ar", Kind::Whole));
    columns.push(col("observerad_per_ar", Kind::Whole));
    let row = |level: &str,
               forv: &str,
               id: &str,
               name: &str,
               f: &Figures,
               declared: Option<f64>,
               observed: Option<f64>| {
        [level, forv, id, name]
            .into_iter()
            .map(Value::text)
            .chain(figure_cells(f))
            .chain([
                Value::opt(declared, Value::whole),
                Value::opt(observed, Value::whole),
            ])
            .collect::<Vec<_>>()
    };
    let mut table = Table::new("Provkörning", columns);
    for t in &r.arendetyper {
        table.rows.push(row(
            "arendetyp",
            &t.forvaltning,
            &t.id,
            &t.name,
            &t.figures,
            t.declared_per_year,
            t.observed_per_year,
        ));
    }
    for f in &r.forvaltningar {
        table.rows.push(row(
            "forvaltning",
            &f.id,
            "",
            &f.name,
            &f.figures,
            None,
            None,
        ));
    }
    table
        .rows
        .push(row("totalt", "", "", &r.kommun, &r.total, None, None));
    table
}
