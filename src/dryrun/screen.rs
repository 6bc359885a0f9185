//! The report as a reader sees it on screen (text, Markdown, HTML): its sections in
//! reading order, as [`Table`]s of the report model.

use super::analysis::Analysis;
use super::model::{
    Column, Kind, Labels, Table, Value, figure_cells, figure_columns, system_cells,
};
use super::rows::{ArendetypRow, HourStaffing, Report, SystemRow};
use super::wording::{self, DECLARED_VERSUS_LOGGED, day, joined, rows, short_id};
use crate::numbers::{percent, sv};

/// Every section of the report, in reading order.
pub(super) fn sections(a: &Analysis) -> Vec<Table> {
    let r = &a.report;
    let mut out = vec![summary(r)];
    // A comparison is what the reader came for: right after the headline.
    out.extend(comparison(a));
    out.extend([
        forvaltningar(r),
        financing(r),
        arendetyper(r),
        systems(r),
        candidates(r),
        staffing(r),
    ]);
    out.extend(staffing_grid(r));
    out.extend(unknown(r));
    out.push(rejected(r));
    out.push(glossary());
    let mut assumptions = Table::new("Antaganden", vec![]);
    assumptions.notes = r.assumptions.clone();
    out.push(assumptions);
    out
}

/// Leading text columns, then the figures.
fn with_figures(first: &[&str]) -> Vec<Column> {
    first
        .iter()
        .map(|l| Column::text(*l))
        .chain(figure_columns(Labels::Screen))
        .collect()
}

/// The words and abbreviations of the tables, for readers who are not analysts.
fn glossary() -> Table {
    let words = [
        ("direkt", "kundtjänst svarar direkt vid första kontakten"),
        (
            "manus",
            "kundtjänst hanterar ärendet med förvaltningens manus eller checklista",
        ),
        ("vidarek.", "vidarekopplat: ärendet går till förvaltningen"),
        (
            "villkorat",
            "utfallet beror på villkor i reglerna och gissas inte (bara utan logg)",
        ),
        (
            "andel",
            "andelen kontakter som kundtjänst hanterar (direkt + manus)",
        ),
        (
            "kt tim",
            "kundtjänstens arbetstimmar per år för kontakterna",
        ),
        (
            "kt åa",
            "samma timmar i årsarbetare vid full beläggning (inte bemanning)",
        ),
        (
            "avlastat tim",
            "förvaltningens timmar per år som kundtjänst tar över",
        ),
        ("AHT", "genomsnittlig samtalstid (average handling time)"),
        ("svarstid", "genomsnittlig tid innan ett samtal besvaras"),
        (
            "servicenivå",
            "andelen samtal som besvaras inom målets sekunder",
        ),
        (
            "beläggning",
            "andelen av agenternas tid som går åt till samtal",
        ),
        (
            "schemalagda",
            "agenter inklusive frånvaro (raster, möten, utbildning)",
        ),
    ];
    let mut t = Table::new(
        "Ordlista",
        vec![Column::text("ord"), Column::text("betyder")],
    );
    t.rows = words
        .iter()
        .map(|(w, m)| vec![Value::text(*w), Value::text(*m)])
        .collect();
    t
}

fn summary(r: &Report) -> Table {
    let goal = wording::goal_verdict(r);
    let mut t = Table::new(
        format!(
            "Provkörning: {} ({}), regeluppsättning {}",
            r.kommun,
            r.kommunkod,
            short_id(&r.ruleset)
        ),
        with_figures(&[""]),
    );
    t.rows = vec![
        std::iter::once(Value::text("totalt"))
            .chain(figure_cells(&r.total))
            .collect(),
    ];
    t.notes = summary_notes(r, goal);
    t
}

fn summary_notes(r: &Report, goal: &str) -> Vec<String> {
    let t = &r.total;
    let s = &r.staffing;
    let mut notes = vec![
        format!("{}, rapporten gjord {}", r.kundtjanst, r.date),
        format!("volymer: {}", r.volumes.description),
    ];
    let v = &r.volumes;
    if let (Some(read), Some(decided), Some(rejected)) =
        (v.lines_read, v.rows_decided, v.rows_rejected)
    {
        let mut parts = vec![
            format!("{} avgjorda", rows(decided)),
            format!("{} avvisade", rows(rejected)),
        ];
        if v.header_lines.unwrap_or(0) > 0 {
            parts.push("rubrikraden".into());
        }
        if let Some(blank) = v.blank_lines.filter(|b| *b > 0) {
            parts.push(format!("{} tomma", rows(blank)));
        }
        notes.push(format!(
            "loggens rader: {} lästa = {}",
            rows(read),
            parts.join(" + ")
        ));
    }
    for c in &r.unknown_channels {
        notes.push(format!(
            "okänd kanal `{}`: {}, avgjorda och medräknade (metoden vidarekopplar en okänd kanal)",
            c.channel,
            rows(c.rows)
        ));
    }
    notes.push(format!(
        "kundtjänst hanterar {} (direkt + manus) mot målet {}: {goal}",
        t.share_in_words(),
        percent(r.goal_share)
    ));
    notes.push(format!(
        "kundtjänst behöver {} årsarbetare: telefon {} (Erlang C-schemat alla öppettimmar) + övriga kanaler {}",
        sv(s.fte_total, 1),
        sv(s.fte_phone, 1),
        sv(s.fte_other, 1)
    ));
    notes.push(format!(
        "ren handläggningstid: {} timmar per år = {} årsarbetare vid full beläggning (kolumnen kt åa); förvaltningarna avlastas {} timmar per år",
        sv(t.kundtjanst_hours, 0),
        sv(t.kundtjanst_fte, 1),
        sv(t.handed_over_hours, 0)
    ));
    notes
}

fn financing(r: &Report) -> Table {
    let f = &r.financing;
    let mut columns = vec![
        Column::text("förvaltning"),
        Column::number("andel", Kind::Share),
        Column::number("kt tim", Kind::Whole),
        Column::number("årsarbetare", Kind::Tenths),
    ];
    if f.cost_per_fte.is_some() {
        columns.push(Column::number("kr per år", Kind::Money));
    }
    columns.push(Column::number("avlastat tim", Kind::Whole));
    let mut t = Table::new("Finansiering per förvaltning", columns);
    t.rows = f
        .rows
        .iter()
        .map(|row| {
            let mut cells = vec![
                Value::text(&row.name),
                Value::share(row.budget_share),
                Value::whole(row.kundtjanst_hours),
                Value::tenths(row.fte),
            ];
            if let Some(cost) = row.cost {
                cells.push(Value::money(cost));
            }
            cells.push(Value::whole(row.relieved_hours));
            cells
        })
        .collect();
    t.notes = vec![
        format!("andel: {}", f.basis),
        format!(
            "årsarbetare: andel × {} årsarbetare som kundtjänst behöver",
            sv(r.staffing.fte_total, 1)
        ),
    ];
    match f.cost_per_fte {
        Some(cost) => t.notes.push(format!(
            "kronor: årsarbetare × {} kr per årsarbetare",
            sv(cost, 0)
        )),
        None => t.notes.push(
            "ange --cost-per-fte KR, eller `årskostnad 650000 kr per årsarbetare` i policyn, för kostnaden i kronor"
                .into(),
        ),
    }
    t
}

fn forvaltningar(r: &Report) -> Table {
    let mut t = Table::new("Per förvaltning", with_figures(&["förvaltning"]));
    t.rows = r
        .forvaltningar
        .iter()
        .map(|f| {
            std::iter::once(Value::text(&f.name))
                .chain(figure_cells(&f.figures))
                .collect()
        })
        .collect();
    t
}

fn arendetyper(r: &Report) -> Table {
    let mut types: Vec<&ArendetypRow> = r.arendetyper.iter().collect();
    types.sort_by(|a, b| {
        b.figures
            .volume
            .total_cmp(&a.figures.volume)
            .then(a.id.cmp(&b.id))
    });
    let log = r.volumes.mode == "log";
    // Only when some unit differs by channel, so that other reports stay as they were.
    let by_channel = types.iter().any(|t| !t.forwarded_channels.is_empty());
    let mut first = vec!["ärendetyp", "förv."];
    let mut notes = vec![];
    if by_channel {
        first.push("vidarek. i kanal");
        notes.push(format!(
            "vidarek. i kanal: kanaler där ärendetypen (eller ett av dess delmoment) vidarekopplas fast kundtjänst hanterar den i andra (`kanaler`, `ej kanaler`; regler med `om` ej medräknade); {}",
            if log {
                "i loggen avgörs varje kontakt i sin kanal"
            } else {
                "de deklarerade volymerna avgörs utan kanal, alltså som om kontakten kom i en kanal som kundtjänst hanterar"
            }
        ));
    }
    let mut columns = with_figures(&first);
    if log {
        columns.push(Column::number("deklarerat/år", Kind::Whole));
        notes.push(DECLARED_VERSUS_LOGGED.into());
    }
    let mut t = Table::new("Per ärendetyp (störst volym först)", columns);
    t.rows = types
        .iter()
        .map(|typ| {
            let mut row = vec![Value::text(&typ.id), Value::text(&typ.forvaltning)];
            if by_channel {
                row.push(if typ.forwarded_channels.is_empty() {
                    Value::Empty
                } else {
                    Value::text(typ.forwarded_channels.names())
                });
            }
            row.extend(figure_cells(&typ.figures));
            if log {
                row.push(Value::opt(typ.declared_per_year, Value::whole));
            }
            row
        })
        .collect();
    t.notes = notes;
    t
}

fn systems(r: &Report) -> Table {
    let mut list: Vec<&SystemRow> = r.systems.iter().collect();
    list.sort_by(|a, b| {
        a.access
            .cmp(&b.access)
            .then(b.blocked_volume.total_cmp(&a.blocked_volume))
    });
    let mut t = Table::new(
        "System",
        vec![
            Column::text("system"),
            Column::text("kundtjänst har"),
            Column::number("hanterad volym", Kind::Whole),
            Column::number("stoppad volym", Kind::Whole),
            Column::number("stoppad avlastning tim", Kind::Whole),
        ],
    );
    t.rows = list.iter().map(|s| system_cells(s)).collect();
    t.notes = vec!["stoppad volym: vidarekopplas i dag men skulle hanteras av kundtjänst med åtkomst till systemet".into()];
    t
}

fn candidates(r: &Report) -> Table {
    let mut t = Table::new(
        "Kandidater till nästa workshop",
        vec![
            Column::text("ärendetyp"),
            Column::number("nivå", Kind::Count),
            Column::number("vidarekopplas/år", Kind::Whole),
            Column::number("förv. tim", Kind::Whole),
            Column::number("kt tim", Kind::Whole),
            Column::number("kt åa", Kind::Hundredths),
            Column::number("det som krävs", Kind::Text),
        ],
    );
    t.rows = r
        .candidates
        .iter()
        .map(|c| {
            vec![
                Value::text(&c.name),
                Value::count(u64::from(c.level)),
                Value::whole(c.forwarded_volume),
                Value::whole(c.hours),
                Value::whole(c.kundtjanst_hours),
                Value::hundredths(c.kundtjanst_fte),
                Value::text(joined(&c.would_take)),
            ]
        })
        .collect();
    t.notes = vec![
        "vidarekopplad volym på nivåer som kundtjänst får hantera, flest förvaltningstimmar först; förv. tim: förvaltningens timmar som skulle flyttas; kt tim och kt åa: vad det skulle kräva av kundtjänst".into(),
    ];
    t
}

fn staffing(r: &Report) -> Table {
    let s = &r.staffing;
    let mut notes = vec![format!(
        "mål: {} inom {} s, maxbeläggning {}, frånvaro {}; {} telefonsamtal per år",
        percent(s.target_share),
        sv(s.target_seconds, 0),
        percent(s.max_occupancy),
        percent(s.shrinkage),
        sv(s.phone_volume_per_year, 0)
    )];
    if s.outside_opening_per_week > 0.0 {
        notes.push(format!(
            "{} samtal per vecka kom utanför öppettid och ingår inte",
            sv(s.outside_opening_per_week, 1)
        ));
    }
    if let Some(e) = &s.error {
        notes.push(e.clone());
    }
    notes.extend(s.fte_formula.iter().cloned());
    notes.extend(s.assumptions.iter().map(|a| format!("antagande: {a}")));
    let mut t = Table::new(
        format!("Telefonbemanning, {}", s.model),
        vec![
            Column::text("timme"),
            Column::number("samtal/tim", Kind::Tenths),
            Column::number("AHT s", Kind::Whole),
            Column::number("agenter", Kind::Count),
            Column::number("schemalagda", Kind::Count),
            Column::number("servicenivå", Kind::Share),
            Column::number("svarstid s", Kind::Tenths),
            Column::number("beläggning", Kind::Share),
        ],
    );
    if let Some(a) = &s.average {
        t.rows.push(hour_row("genomsnittlig öppettimme".into(), a));
    }
    if let Some(p) = &s.peak {
        t.rows.push(hour_row(
            format!(
                "topptimme {} {:02}–{:02}",
                day(p.weekday),
                p.hour,
                p.hour + 1
            ),
            p,
        ));
    }
    t.notes = notes;
    t
}

fn hour_row(label: String, h: &HourStaffing) -> Vec<Value> {
    vec![
        Value::Text(label),
        Value::tenths(h.calls_per_hour),
        Value::whole(h.aht_seconds),
        Value::count(u64::from(h.agents)),
        Value::count(u64::from(h.rostered)),
        Value::share(h.service_level),
        Value::tenths(h.asa_seconds),
        Value::share(h.occupancy),
    ]
}

/// Agents (and rostered staff) per open hour: weekdays down, hours across.
fn staffing_grid(r: &Report) -> Option<Table> {
    let hours = &r.staffing.hours;
    let first = hours.iter().map(|h| h.hour).min()?;
    let last = hours.iter().map(|h| h.hour).max()?;
    let mut columns = vec![Column::text("agenter (schemalagda)")];
    columns.extend((first..=last).map(|h| Column::number(format!("{h:02}"), Kind::Text)));
    let mut t = Table::new("Telefonbemanning per timme", columns);
    t.rows = (1..=7u8)
        .filter(|d| hours.iter().any(|h| h.weekday == *d))
        .map(|d| {
            std::iter::once(Value::text(day(d)))
                .chain((first..=last).map(|hour| {
                    hours
                        .iter()
                        .find(|h| h.weekday == d && h.hour == hour)
                        .map_or(Value::Empty, |h| {
                            Value::Text(format!("{} ({})", h.agents, h.rostered))
                        })
                }))
                .collect()
        })
        .collect();
    t.notes = vec!["kolumnerna är timmens början; hela listan finns i JSON-rapporten".into()];
    Some(t)
}

fn unknown(r: &Report) -> Option<Table> {
    if r.unknown_case_types.is_empty() && r.unknown_case_types_other == 0.0 {
        return None;
    }
    let mut t = Table::new(
        "Okända ärendetyper",
        vec![
            Column::text("ärendetyp"),
            Column::number("volym/år", Kind::Whole),
        ],
    );
    t.rows = r
        .unknown_case_types
        .iter()
        .map(|u| vec![Value::text(&u.case_type), Value::whole(u.volume)])
        .collect();
    t.notes = vec!["okända ärendetyper vidarekopplas till policyns reserv".to_string()];
    if r.unknown_case_types_other > 0.0 {
        t.notes.push(format!(
            "övriga okända: {} per år",
            sv(r.unknown_case_types_other, 0)
        ));
    }
    Some(t)
}

/// Rejected rows grouped by the kind of problem, with the first line numbers of each:
/// what an analyst fixes in the log, once per kind.
fn rejected(r: &Report) -> Table {
    let shown = r.rejected.rows.len() as u64;
    let mut groups: Vec<(String, u64, Vec<String>)> = Vec::new();
    for row in &r.rejected.rows {
        let kind = row.group();
        let at = if row.last_line > row.line {
            format!("{}–{}", row.line, row.last_line)
        } else {
            row.line.to_string()
        };
        match groups.iter_mut().find(|(k, _, _)| *k == kind) {
            Some((_, n, lines)) => {
                *n += 1;
                if lines.len() < 5 {
                    lines.push(at);
                }
            }
            None => groups.push((kind, 1, vec![at])),
        }
    }
    groups.sort_by_key(|g| std::cmp::Reverse(g.1));
    let columns = if shown > 0 {
        vec![
            Column::text("orsak"),
            Column::number("rader", Kind::Count),
            Column::number("första raderna", Kind::Text),
        ]
    } else {
        vec![]
    };
    let mut t = Table::new("Avvisade rader", columns);
    t.rows = groups
        .into_iter()
        .map(|(kind, n, lines)| {
            vec![
                Value::Text(kind),
                Value::count(n),
                Value::text(lines.join(", ")),
            ]
        })
        .collect();
    t.notes = vec![format!(
        "{} avvisades och ingår inte i volymerna",
        rows(r.rejected.total)
    )];
    if r.rejected.total > shown {
        t.notes.push(format!("grupperna räknar de första {shown}"));
    }
    t
}

fn comparison(a: &Analysis) -> Option<Table> {
    let c = a.comparison.as_ref()?;
    let signed = |v: f64, d: usize| {
        if v > 0.0 {
            format!("+{}", sv(v, d))
        } else {
            sv(v, d)
        }
    };
    let signed_int = |v: Option<i64>| {
        v.map_or("–".into(), |v| {
            if v > 0 {
                format!("+{v}")
            } else {
                v.to_string()
            }
        })
    };
    let mut notes = vec![
        format!(
            "före: {} ({}), efter: {} ({}); {}",
            c.before.dir,
            short_id(&c.before.ruleset),
            c.after.dir,
            short_id(&c.after.ruleset),
            c.note
        ),
        format!(
            "andel {} → {} ({} procentenheter); volym till kundtjänst {} per år",
            percent(c.before.share),
            percent(c.after.share),
            signed(c.share_delta * 100.0, 1),
            signed(c.moved_volume, 0)
        ),
        format!(
            "årsarbetare som kundtjänst behöver: {} → {} ({}); handläggningstid {} timmar ({} åa vid full beläggning); förvaltningarnas avlastning {} timmar",
            sv(c.before.fte_total, 1),
            sv(c.after.fte_total, 1),
            signed(c.fte_total_delta, 1),
            signed(c.kundtjanst_hours_delta, 0),
            signed(c.kundtjanst_fte_delta, 1),
            signed(c.handed_over_hours_delta, 0)
        ),
        format!(
            "agenter genomsnittlig timme {}, topptimme {}",
            signed_int(c.average_agents_delta),
            signed_int(c.peak_agents_delta)
        ),
    ];
    if !c.only_before.is_empty() {
        notes.push(format!("bara före: {}", c.only_before.join(", ")));
    }
    if !c.only_after.is_empty() {
        notes.push(format!("bara efter: {}", c.only_after.join(", ")));
    }
    let mut t = Table::new(
        "Jämförelse",
        vec![
            Column::text("ärendetyp"),
            Column::text("förv."),
            Column::number("före d/m/v/villk.", Kind::Text),
            Column::number("efter d/m/v/villk.", Kind::Text),
            Column::number("flyttad volym", Kind::Change),
            Column::number("flyttade tim", Kind::Change),
        ],
    );
    let volumes = |x: &super::compare::Volumes| {
        Value::Text(format!(
            "{}/{}/{}/{}",
            sv(x.kundtjanst, 0),
            sv(x.scripted, 0),
            sv(x.forwarded, 0),
            sv(x.conditional, 0)
        ))
    };
    t.rows = c
        .changed
        .iter()
        .map(|ch| {
            vec![
                Value::text(&ch.id),
                Value::text(&ch.forvaltning),
                volumes(&ch.before),
                volumes(&ch.after),
                Value::change(ch.moved_volume),
                Value::change(ch.moved_hours),
            ]
        })
        .collect();
    t.notes = notes;
    Some(t)
}
