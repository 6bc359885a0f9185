//! The dry-run report as a terminal table, Markdown or CSV. Tables are built once
//! ([`sections`]) and written in either text form, so the two never disagree.

use super::analysis::Analysis;
use super::report::{Figures, HourStaffing, Report};
use crate::numbers::{percent, sv};

/// A titled table with right-aligned numeric columns.
pub struct Table {
    pub title: String,
    pub headers: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
    /// Lines of text after the table.
    pub notes: Vec<String>,
    /// Leading columns that hold text (left-aligned); the rest are numbers.
    pub text_columns: usize,
}

impl Table {
    fn widths(&self) -> Vec<usize> {
        let mut widths: Vec<usize> = self.headers.iter().map(|h| h.chars().count()).collect();
        for row in &self.rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.chars().count());
            }
        }
        widths
    }

    pub fn text(&self) -> String {
        let widths = self.widths();
        let line = |cells: Vec<&str>| {
            let mut s: String = cells
                .iter()
                .zip(&widths)
                .enumerate()
                .map(|(i, (c, w))| pad(c, *w, i >= self.text_columns))
                .collect::<Vec<_>>()
                .join("  ");
            s.truncate(s.trim_end().len());
            s
        };
        let mut out = format!("{}\n", self.title);
        if !self.headers.is_empty() {
            out.push_str(&line(self.headers.clone()));
            out.push('\n');
        }
        for row in &self.rows {
            out.push_str(&line(row.iter().map(String::as_str).collect()));
            out.push('\n');
        }
        for note in &self.notes {
            out.push_str(&format!("  {note}\n"));
        }
        out
    }

    pub fn markdown(&self) -> String {
        let mut out = format!("## {}\n\n", self.title);
        if !self.headers.is_empty() {
            let cells = |c: Vec<String>| format!("| {} |\n", c.join(" | "));
            out.push_str(&cells(self.headers.iter().map(|h| h.to_string()).collect()));
            out.push_str(&cells(
                (0..self.headers.len())
                    .map(|i| {
                        if i < self.text_columns {
                            "---".into()
                        } else {
                            "---:".into()
                        }
                    })
                    .collect(),
            ));
            for row in &self.rows {
                out.push_str(&cells(row.iter().map(|c| c.replace('|', "\\|")).collect()));
            }
            out.push('\n');
        }
        for note in &self.notes {
            out.push_str(&format!("- {note}\n"));
        }
        out.push('\n');
        out
    }
}

fn pad(text: &str, width: usize, right: bool) -> String {
    let fill = " ".repeat(width.saturating_sub(text.chars().count()));
    if right {
        format!("{fill}{text}")
    } else {
        format!("{text}{fill}")
    }
}

const FIGURE_HEADERS: [&str; 10] = [
    "volym/år",
    "direkt",
    "manus",
    "vidarek.",
    "villkorat",
    "andel",
    "kt tim",
    "kt åa",
    "avlastat tim",
    "",
];

fn figure_cells(f: &Figures) -> Vec<String> {
    vec![
        sv(f.volume, 0),
        sv(f.kundtjanst, 0),
        sv(f.scripted, 0),
        sv(f.forwarded, 0),
        sv(f.conditional, 0),
        percent(f.share),
        sv(f.kundtjanst_hours, 0),
        sv(f.kundtjanst_fte, 1),
        sv(f.handed_over_hours, 0),
    ]
}

fn with_figures(first: &[&'static str]) -> Vec<&'static str> {
    first
        .iter()
        .copied()
        .chain(FIGURE_HEADERS[..9].iter().copied())
        .collect()
}

/// Why a log's share is not the share from the declared frekvens.
pub(super) const DECLARED_VERSUS_LOGGED: &str = "volym/år är loggens, deklarerat/år regelfilernas frekvens: andelen ur loggen skiljer sig från den ur frekvensen när ärendetyperna kommer i andra proportioner än deklarerat, när kontakter kommer i kanaler där de vidarekopplas (`ej kanaler`) eller när attributen i loggen avgör villkoren (utan logg redovisas de som villkorat)";

pub const WEEKDAYS: [&str; 7] = ["mån", "tis", "ons", "tor", "fre", "lör", "sön"];

/// Every section of the report, in reading order.
pub fn sections(a: &Analysis) -> Vec<Table> {
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
    if let Some(t) = unknown(r) {
        out.push(t);
    }
    out.push(rejected(r));
    out.push(glossary());
    out.push(Table {
        title: "Antaganden".into(),
        headers: vec![],
        rows: vec![],
        notes: r.assumptions.clone(),
        text_columns: 1,
    });
    out
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
    Table {
        title: "Ordlista".into(),
        headers: vec!["ord", "betyder"],
        rows: words
            .iter()
            .map(|(w, m)| vec![w.to_string(), m.to_string()])
            .collect(),
        notes: vec![],
        text_columns: 2,
    }
}

fn summary(r: &Report) -> Table {
    let t = &r.total;
    let goal = if r.meets_goal {
        "når målet"
    } else {
        "når inte målet"
    };
    Table {
        title: format!(
            "Provkörning: {} ({}), regeluppsättning {}",
            r.kommun,
            r.kommunkod,
            short_id(&r.ruleset)
        ),
        headers: with_figures(&[""]),
        rows: vec![
            std::iter::once("totalt".to_string())
                .chain(figure_cells(t))
                .collect(),
        ],
        notes: summary_notes(r, goal),
        text_columns: 1,
    }
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
        percent(t.share),
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

/// "1 rad", "2 rader", with Swedish digit grouping.
pub(super) fn rows(n: u64) -> String {
    if n == 1 {
        "1 rad".into()
    } else {
        format!("{} rader", sv(n as f64, 0))
    }
}

fn financing(r: &Report) -> Table {
    let f = &r.financing;
    let mut headers = vec!["förvaltning", "andel", "kt tim", "årsarbetare"];
    if f.cost_per_fte.is_some() {
        headers.push("kr per år");
    }
    headers.push("avlastat tim");
    let rows = f
        .rows
        .iter()
        .map(|row| {
            let mut cells = vec![
                row.name.clone(),
                percent(row.budget_share),
                sv(row.kundtjanst_hours, 0),
                sv(row.fte, 1),
            ];
            if let Some(cost) = row.cost {
                cells.push(sv(cost, 0));
            }
            cells.push(sv(row.relieved_hours, 0));
            cells
        })
        .collect();
    let mut notes = vec![
        format!("andel: {}", f.basis),
        format!(
            "årsarbetare: andel × {} årsarbetare som kundtjänst behöver",
            sv(r.staffing.fte_total, 1)
        ),
    ];
    match f.cost_per_fte {
        Some(cost) => notes.push(format!(
            "kronor: årsarbetare × {} kr per årsarbetare",
            sv(cost, 0)
        )),
        None => notes.push(
            "ange --cost-per-fte KR, eller `årskostnad 650000 kr per årsarbetare` i policyn, för kostnaden i kronor"
                .into(),
        ),
    }
    Table {
        title: "Finansiering per förvaltning".into(),
        headers,
        rows,
        notes,
        text_columns: 1,
    }
}

fn forvaltningar(r: &Report) -> Table {
    Table {
        title: "Per förvaltning".into(),
        headers: with_figures(&["förvaltning"]),
        rows: r
            .forvaltningar
            .iter()
            .map(|f| {
                std::iter::once(f.name.clone())
                    .chain(figure_cells(&f.figures))
                    .collect()
            })
            .collect(),
        notes: vec![],
        text_columns: 1,
    }
}

fn arendetyper(r: &Report) -> Table {
    let mut rows: Vec<&super::report::ArendetypRow> = r.arendetyper.iter().collect();
    rows.sort_by(|a, b| {
        b.figures
            .volume
            .total_cmp(&a.figures.volume)
            .then(a.id.cmp(&b.id))
    });
    let log = r.volumes.mode == "log";
    // Only when some unit differs by channel, so that other reports stay as they were.
    let by_channel = rows.iter().any(|t| !t.forwarded_channels.is_empty());
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
    let mut headers = with_figures(&first);
    if log {
        headers.push("deklarerat/år");
        notes.push(DECLARED_VERSUS_LOGGED.into());
    }
    Table {
        title: "Per ärendetyp (störst volym först)".into(),
        headers,
        rows: rows
            .iter()
            .map(|t| {
                let mut row: Vec<String> = vec![t.id.clone(), t.forvaltning.clone()];
                if by_channel {
                    row.push(if t.forwarded_channels.is_empty() {
                        "–".into()
                    } else {
                        t.forwarded_channels.names()
                    });
                }
                row.extend(figure_cells(&t.figures));
                if log {
                    row.push(t.declared_per_year.map_or("–".into(), |d| sv(d, 0)));
                }
                row
            })
            .collect(),
        notes,
        text_columns: first.len(),
    }
}

fn systems(r: &Report) -> Table {
    let mut rows: Vec<&super::report::SystemRow> = r.systems.iter().collect();
    rows.sort_by(|a, b| {
        a.access
            .cmp(&b.access)
            .then(b.blocked_volume.total_cmp(&a.blocked_volume))
    });
    Table {
        title: "System".into(),
        headers: vec!["system", "kundtjänst har", "hanterad volym", "stoppad volym", "stoppad avlastning tim"],
        rows: rows
            .iter()
            .map(|s| {
                vec![
                    s.name.clone(),
                    if s.access { "ja".into() } else { "nej".into() },
                    sv(s.handled_volume_using, 0),
                    if s.access { "–".into() } else { sv(s.blocked_volume, 0) },
                    if s.access { "–".into() } else { sv(s.blocked_handed_over_hours, 0) },
                ]
            })
            .collect(),
        notes: vec!["stoppad volym: vidarekopplas i dag men skulle hanteras av kundtjänst med åtkomst till systemet".into()],
        text_columns: 2,
    }
}

fn candidates(r: &Report) -> Table {
    Table {
        title: "Kandidater till nästa workshop".into(),
        headers: vec!["ärendetyp", "nivå", "vidarekopplas/år", "förv. tim", "kt tim", "kt åa", "det som krävs"],
        rows: r
            .candidates
            .iter()
            .map(|c| {
                vec![
                    c.name.clone(),
                    c.level.to_string(),
                    sv(c.forwarded_volume, 0),
                    sv(c.hours, 0),
                    sv(c.kundtjanst_hours, 0),
                    sv(c.kundtjanst_fte, 2),
                    c.would_take.join("; "),
                ]
            })
            .collect(),
        notes: vec![
            "vidarekopplad volym på nivåer som kundtjänst får hantera, flest förvaltningstimmar först; förv. tim: förvaltningens timmar som skulle flyttas; kt tim och kt åa: vad det skulle kräva av kundtjänst".into(),
        ],
        text_columns: 1,
    }
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
    let mut rows = Vec::new();
    if let Some(a) = &s.average {
        rows.push(hour_row("genomsnittlig öppettimme".into(), a));
    }
    if let Some(p) = &s.peak {
        rows.push(hour_row(
            format!(
                "topptimme {} {:02}–{:02}",
                day(p.weekday),
                p.hour,
                p.hour + 1
            ),
            p,
        ));
    }
    Table {
        title: format!("Telefonbemanning, {}", s.model),
        headers: vec![
            "timme",
            "samtal/tim",
            "AHT s",
            "agenter",
            "schemalagda",
            "servicenivå",
            "svarstid s",
            "beläggning",
        ],
        rows,
        notes,
        text_columns: 1,
    }
}

/// Agents (and rostered staff) per open hour: weekdays down, hours across.
fn staffing_grid(r: &Report) -> Option<Table> {
    let hours = &r.staffing.hours;
    let first = hours.iter().map(|h| h.hour).min()?;
    let last = hours.iter().map(|h| h.hour).max()?;
    const HOUR_LABELS: [&str; 24] = [
        "00", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "13", "14",
        "15", "16", "17", "18", "19", "20", "21", "22", "23",
    ];
    let mut headers = vec!["agenter (schemalagda)"];
    headers.extend(
        HOUR_LABELS[usize::from(first)..=usize::from(last)]
            .iter()
            .copied(),
    );
    let rows = (1..=7u8)
        .filter(|d| hours.iter().any(|h| h.weekday == *d))
        .map(|d| {
            let mut row = vec![day(d).to_string()];
            for hour in first..=last {
                let cell = hours
                    .iter()
                    .find(|h| h.weekday == d && h.hour == hour)
                    .map_or("–".to_string(), |h| {
                        format!("{} ({})", h.agents, h.rostered)
                    });
                row.push(cell);
            }
            row
        })
        .collect();
    Some(Table {
        title: "Telefonbemanning per timme".into(),
        headers,
        rows,
        notes: vec!["kolumnerna är timmens början; hela listan finns i JSON-rapporten".into()],
        text_columns: 1,
    })
}

fn day(weekday: u8) -> &'static str {
    WEEKDAYS[usize::from(weekday.clamp(1, 7)) - 1]
}

fn hour_row(label: String, h: &HourStaffing) -> Vec<String> {
    vec![
        label,
        sv(h.calls_per_hour, 1),
        sv(h.aht_seconds, 0),
        h.agents.to_string(),
        h.rostered.to_string(),
        percent(h.service_level),
        sv(h.asa_seconds, 1),
        percent(h.occupancy),
    ]
}

fn unknown(r: &Report) -> Option<Table> {
    if r.unknown_case_types.is_empty() && r.unknown_case_types_other == 0.0 {
        return None;
    }
    let mut notes = vec!["okända ärendetyper vidarekopplas till policyns reserv".to_string()];
    if r.unknown_case_types_other > 0.0 {
        notes.push(format!(
            "övriga okända: {} per år",
            sv(r.unknown_case_types_other, 0)
        ));
    }
    Some(Table {
        title: "Okända ärendetyper".into(),
        headers: vec!["ärendetyp", "volym/år"],
        rows: r
            .unknown_case_types
            .iter()
            .map(|u| vec![u.case_type.clone(), sv(u.volume, 0)])
            .collect(),
        notes,
        text_columns: 1,
    })
}

/// Rejected rows grouped by reason (the words before any quoted value), with the
/// first line numbers of each: what an analyst fixes in the log, once per kind.
fn rejected(r: &Report) -> Table {
    let shown = r.rejected.rows.len() as u64;
    let mut groups: Vec<(String, u64, Vec<String>)> = Vec::new();
    for row in &r.rejected.rows {
        let reason = super::sheets::reason_kind(&row.reason);
        let at = if row.last_line > row.line {
            format!("{}–{}", row.line, row.last_line)
        } else {
            row.line.to_string()
        };
        match groups.iter_mut().find(|(r, _, _)| r == reason) {
            Some((_, n, lines)) => {
                *n += 1;
                if lines.len() < 5 {
                    lines.push(at);
                }
            }
            None => groups.push((reason.to_string(), 1, vec![at])),
        }
    }
    groups.sort_by_key(|g| std::cmp::Reverse(g.1));
    let mut notes = vec![format!(
        "{} avvisades och ingår inte i volymerna",
        rows(r.rejected.total)
    )];
    if r.rejected.total > shown {
        notes.push(format!("grupperna räknar de första {shown}"));
    }
    Table {
        title: "Avvisade rader".into(),
        headers: if shown > 0 {
            vec!["orsak", "rader", "första raderna"]
        } else {
            vec![]
        },
        rows: groups
            .into_iter()
            .map(|(reason, n, lines)| vec![reason, sv(n as f64, 0), lines.join(", ")])
            .collect(),
        notes,
        text_columns: 1,
    }
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
    Some(Table {
        title: "Jämförelse".into(),
        headers: vec![
            "ärendetyp",
            "förv.",
            "före d/m/v/villk.",
            "efter d/m/v/villk.",
            "flyttad volym",
            "flyttade tim",
        ],
        rows: c
            .changed
            .iter()
            .map(|t| {
                let v = |x: &super::compare::Volumes| {
                    format!(
                        "{}/{}/{}/{}",
                        sv(x.kundtjanst, 0),
                        sv(x.scripted, 0),
                        sv(x.forwarded, 0),
                        sv(x.conditional, 0)
                    )
                };
                vec![
                    t.id.clone(),
                    t.forvaltning.clone(),
                    v(&t.before),
                    v(&t.after),
                    signed(t.moved_volume, 0),
                    signed(t.moved_hours, 0),
                ]
            })
            .collect(),
        notes,
        text_columns: 2,
    })
}

/// The report as plain-text tables for a terminal (`rosa dry-run`, the default format).
///
/// ```
/// use rosa::dryrun::{self, Analysis, Options};
/// let ruleset = rosa::Ruleset::load("rulesets/exempelkommun").unwrap();
/// let report = dryrun::run(&ruleset, &Options::default()).unwrap();
/// let text = dryrun::text(&Analysis::from(report));
/// assert!(text.starts_with("Provkörning: Exempelkommun (1299), regeluppsättning "));
/// assert!(text.contains("Per förvaltning"));
/// ```
pub fn text(a: &Analysis) -> String {
    sections(a)
        .iter()
        .map(Table::text)
        .collect::<Vec<_>>()
        .join("\n")
}

/// The report as Markdown.
pub fn markdown(a: &Analysis) -> String {
    let r = &a.report;
    let mut out = format!("# Provkörning: {} ({})\n\n", r.kommun, r.kommunkod);
    for t in sections(a) {
        out.push_str(&t.markdown());
    }
    out
}

/// How the CSV is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CsvDialect {
    /// What Swedish Excel opens as columns: UTF-8 with a byte order mark, `;` between
    /// fields, decimal comma.
    #[default]
    SwedishExcel,
    /// `,` between fields, decimal point, no byte order mark: for programs.
    Plain,
}

/// One row per ärendetyp, per förvaltning and the total, with a `nivå` column.
pub fn csv(a: &Analysis, dialect: CsvDialect) -> Result<String, csv::Error> {
    let r = &a.report;
    let excel = dialect == CsvDialect::SwedishExcel;
    let mut w = csv::WriterBuilder::new()
        .delimiter(if excel { b';' } else { b',' })
        .from_writer(Vec::new());
    w.write_record([
        "niva",
        "forvaltning",
        "arendetyp",
        "namn",
        "volym",
        "direkt",
        "manus",
        "vidarekopplat",
        "villkorat",
        "andel",
        "kundtjanst_timmar",
        "kundtjanst_arsarbetare",
        "avlastade_timmar",
        "deklarerad_per_ar",
        "observerad_per_ar",
    ])?;
    let decimal = |text: String| if excel { text.replace('.', ",") } else { text };
    let num = |v: f64| decimal(format!("{v:.3}"));
    let opt = |v: Option<f64>| v.map(num).unwrap_or_default();
    let mut row = |level: &str,
                   forv: &str,
                   id: &str,
                   name: &str,
                   f: &Figures,
                   declared: Option<f64>,
                   observed: Option<f64>| {
        w.write_record([
            level.to_string(),
            forv.to_string(),
            id.to_string(),
            name.to_string(),
            num(f.volume),
            num(f.kundtjanst),
            num(f.scripted),
            num(f.forwarded),
            num(f.conditional),
            decimal(format!("{:.4}", f.share)),
            num(f.kundtjanst_hours),
            num(f.kundtjanst_fte),
            num(f.handed_over_hours),
            opt(declared),
            opt(observed),
        ])
    };
    for t in &r.arendetyper {
        row(
            "arendetyp",
            &t.forvaltning,
            &t.id,
            &t.name,
            &t.figures,
            t.declared_per_year,
            t.observed_per_year,
        )?;
    }
    for f in &r.forvaltningar {
        row("forvaltning", &f.id, "", &f.name, &f.figures, None, None)?;
    }
    row("totalt", "", "", &r.kommun, &r.total, None, None)?;
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    // The byte order mark is how Excel knows the file is UTF-8 (else "FÃ¶rskoleplats").
    let bom = if excel { "\u{feff}" } else { "" };
    Ok(format!("{bom}{}", String::from_utf8_lossy(&bytes)))
}

/// The first 16 hex digits of a ruleset id: enough to tell rulesets apart on screen.
pub(super) fn short_id(id: &str) -> &str {
    id.get(..16).unwrap_or(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swedish_numbers() {
        assert_eq!(sv(153790.4, 0), "153 790");
        assert_eq!(sv(63.54, 1), "63,5");
        assert_eq!(sv(-1234.0, 0), "-1 234");
        assert_eq!(sv(999.0, 0), "999");
        assert_eq!(sv(-0.01, 1), "0,0");
    }
}
