//! The dry-run report as one self-contained HTML page: inline CSS and SVG charts, no
//! scripts, no network. Charts: outcome per förvaltning, share against the goal,
//! staffing per hour. The tables are the same as in the text report.

use super::analysis::Analysis;
use super::model::Table;
use super::rows::Report;
use super::screen::sections;
use super::wording::{self, WEEKDAYS, agents, short_id};
use crate::html::escape;
use crate::numbers::{percent, sv};
use std::fmt::Write as _;

const COLORS: [(&str, &str); 4] = [
    ("direkt", "#2e7d32"),
    ("manus", "#81c784"),
    ("vidarekopplat", "#c62828"),
    ("villkorat", "#f9a825"),
];

/// The self-contained HTML page (inline CSS and SVG, no scripts).
pub fn html(a: &Analysis) -> String {
    let r = &a.report;
    let mut out = String::with_capacity(64 * 1024);
    let title = format!("Provkörning: {} ({})", r.kommun, r.kommunkod);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"sv\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>{}</style>\n</head>\n<body>\n<h1>{}</h1>\n",
        escape(&title),
        CSS,
        escape(&title)
    );
    let _ = writeln!(
        out,
        "<p class=\"meta\">{} · rapporten gjord {} · regeluppsättning {} · {}</p>",
        escape(&r.kundtjanst),
        escape(&r.date),
        escape(short_id(&r.ruleset)),
        escape(&r.volumes.description)
    );
    key_figures(a, &mut out);
    if let Some(c) = &a.comparison {
        out.push_str("<h2>Före och efter</h2>\n");
        out.push_str(&comparison_chart(c));
    }
    out.push_str("<h2>Utfall per förvaltning</h2>\n");
    out.push_str(&outcome_chart(r));
    out.push_str("<h2>Andel som kundtjänst hanterar, mot målet</h2>\n");
    out.push_str(&share_chart(r));
    out.push_str("<h2>Telefonbemanning per timme</h2>\n");
    out.push_str(&staffing_chart(r));
    for table in sections(a).iter().skip(1) {
        html_table(table, &mut out);
    }
    out.push_str("</body>\n</html>\n");
    out
}

fn key_figures(a: &Analysis, out: &mut String) {
    let r = &a.report;
    let t = &r.total;
    let goal = wording::goal_verdict(r);
    let mut cards = vec![
        (
            "Andel i kundtjänst",
            t.share_in_words(),
            format!("mål {} – {goal}", percent(r.goal_share)),
        ),
        (
            "Kontakter per år",
            sv(t.volume, 0),
            format!("{} vidarekopplas", sv(t.forwarded, 0)),
        ),
        (
            "Kundtjänst behöver",
            format!("{} åa", sv(r.staffing.fte_total, 1)),
            format!(
                "telefon {} + övriga kanaler {}",
                sv(r.staffing.fte_phone, 1),
                sv(r.staffing.fte_other, 1)
            ),
        ),
        (
            "Avlastar förvaltningarna",
            format!("{} tim", sv(t.handed_over_hours, 0)),
            "per år".to_string(),
        ),
    ];
    if let Some(a) = &r.staffing.average {
        cards.push((
            "Telefon, genomsnittlig timme",
            agents(a.agents),
            format!("{} schemalagda", a.rostered),
        ));
    }
    if let Some(p) = &r.staffing.peak {
        cards.push((
            "Telefon, topptimme",
            agents(p.agents),
            format!("{} schemalagda", p.rostered),
        ));
    }
    if let Some(c) = &a.comparison {
        let signed = |v: f64, d: usize| {
            if v.abs() < 0.5 * 10f64.powi(-(d as i32)) {
                "±0".to_string()
            } else if v > 0.0 {
                format!("+{}", sv(v, d))
            } else {
                sv(v, d)
            }
        };
        let deltas = [
            format!(
                "{} procentenheter mot {}",
                signed(c.share_delta * 100.0, 1),
                c.before.dir
            ),
            format!(
                "{} till kundtjänst mot {}",
                signed(c.moved_volume, 0),
                c.before.dir
            ),
            format!("{} åa mot {}", signed(c.fte_total_delta, 1), c.before.dir),
            format!(
                "{} tim mot {}",
                signed(c.handed_over_hours_delta, 0),
                c.before.dir
            ),
        ];
        for (card, delta) in cards.iter_mut().zip(deltas) {
            card.2 = format!("{} · {delta}", card.2);
        }
    }
    out.push_str("<div class=\"cards\">\n");
    for (label, value, note) in cards {
        let _ = writeln!(
            out,
            "<div class=\"card\"><div class=\"label\">{}</div><div class=\"value\">{}</div><div class=\"note\">{}</div></div>",
            escape(label),
            escape(&value),
            escape(&note)
        );
    }
    out.push_str("</div>\n");
}

fn outcome_chart(r: &Report) -> String {
    let rows: Vec<(&str, [f64; 4])> = r
        .forvaltningar
        .iter()
        .map(|f| {
            let g = &f.figures;
            (
                f.name.as_str(),
                [g.kundtjanst, g.scripted, g.forwarded, g.conditional],
            )
        })
        .collect();
    let max = rows
        .iter()
        .map(|(_, v)| v.iter().sum::<f64>())
        .fold(0.0, f64::max)
        .max(1.0);
    let (label_w, bar_w, row_h) = (260.0, 560.0, 26.0);
    let height = row_h * rows.len() as f64 + 50.0;
    let mut svg = svg_open(label_w + bar_w + 120.0, height, "Utfall per förvaltning");
    for (i, (name, values)) in rows.iter().enumerate() {
        let y = 10.0 + i as f64 * row_h;
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            label_w - 8.0,
            y + 15.0,
            escape(name)
        );
        let mut x = label_w;
        for (v, (what, color)) in values.iter().zip(COLORS) {
            let w = v / max * bar_w;
            if w > 0.0 {
                let _ = write!(
                    svg,
                    "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"18\" fill=\"{color}\"><title>{}: {}</title></rect>",
                    what,
                    sv(*v, 0)
                );
            }
            x += w;
        }
        let _ = write!(
            svg,
            "<text x=\"{:.1}\" y=\"{}\">{}</text>",
            x + 6.0,
            y + 15.0,
            sv(values.iter().sum(), 0)
        );
    }
    legend(&mut svg, label_w, height - 22.0);
    svg.push_str("</svg>\n");
    svg
}

fn legend(svg: &mut String, x0: f64, y: f64) {
    let mut x = x0;
    for (what, color) in COLORS {
        let _ = write!(
            svg,
            "<rect x=\"{x}\" y=\"{y}\" width=\"12\" height=\"12\" fill=\"{color}\"/><text x=\"{}\" y=\"{}\">{what}</text>",
            x + 16.0,
            y + 11.0
        );
        x += 130.0;
    }
}

fn share_chart(r: &Report) -> String {
    let mut rows: Vec<(&str, f64)> = r
        .forvaltningar
        .iter()
        .map(|f| (f.name.as_str(), f.figures.share))
        .collect();
    rows.push(("Totalt", r.total.share));
    let (label_w, bar_w, row_h) = (260.0, 500.0, 24.0);
    let height = row_h * rows.len() as f64 + 40.0;
    let mut svg = svg_open(label_w + bar_w + 80.0, height, "Andel mot målet");
    for (i, (name, share)) in rows.iter().enumerate() {
        let y = 10.0 + i as f64 * row_h;
        let color = if *share >= r.goal_share {
            "#2e7d32"
        } else {
            "#ef6c00"
        };
        let weight = if *name == "Totalt" {
            " font-weight=\"bold\""
        } else {
            ""
        };
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\"{weight}>{}</text><rect x=\"{label_w}\" y=\"{y}\" width=\"{:.1}\" height=\"16\" fill=\"{color}\"/><text x=\"{:.1}\" y=\"{}\">{}</text>",
            label_w - 8.0,
            y + 13.0,
            escape(name),
            share * bar_w,
            label_w + share * bar_w + 6.0,
            y + 13.0,
            percent(*share)
        );
    }
    let gx = label_w + r.goal_share * bar_w;
    let _ = write!(
        svg,
        "<line x1=\"{gx:.1}\" y1=\"4\" x2=\"{gx:.1}\" y2=\"{:.1}\" stroke=\"#333\" stroke-dasharray=\"4 3\"/><text x=\"{gx:.1}\" y=\"{:.1}\" text-anchor=\"middle\">mål {}</text>",
        height - 24.0,
        height - 8.0,
        percent(r.goal_share)
    );
    svg.push_str("</svg>\n");
    svg
}

/// The comparison at a glance: the share before and after, then the ärendetyper that
/// moved most, each with the volume kundtjänst handles before (grey) and after.
fn comparison_chart(c: &super::Comparison) -> String {
    let handled = |v: &super::compare::Volumes| v.kundtjanst + v.scripted;
    let mut moved: Vec<&super::compare::TypeChange> = c.changed.iter().collect();
    moved.sort_by(|a, b| b.moved_volume.abs().total_cmp(&a.moved_volume.abs()));
    moved.truncate(8);
    let widest = moved
        .iter()
        .map(|t| handled(&t.before).max(handled(&t.after)))
        .fold(1.0, f64::max);
    let (label_w, bar_w, pair_h) = (300.0, 440.0, 40.0);
    let rows = 1 + moved.len();
    let height = pair_h * rows as f64 + 36.0;
    let mut svg = svg_open(label_w + bar_w + 150.0, height, "Före och efter");
    let pair =
        |svg: &mut String, i: usize, name: &str, before: (f64, String), after: (f64, String)| {
            let y = 8.0 + i as f64 * pair_h;
            let _ = write!(
                svg,
                "<text x=\"{lx}\" y=\"{ty}\" text-anchor=\"end\">{name}</text>\
             <rect x=\"{label_w}\" y=\"{y}\" width=\"{bw:.1}\" height=\"14\" fill=\"#9e9e9e\"/>\
             <text x=\"{bx:.1}\" y=\"{by}\">före {bt}</text>\
             <rect x=\"{label_w}\" y=\"{y2}\" width=\"{aw:.1}\" height=\"14\" fill=\"#2e7d32\"/>\
             <text x=\"{ax:.1}\" y=\"{ay}\">efter {at}</text>",
                lx = label_w - 8.0,
                ty = y + 20.0,
                name = escape(name),
                bw = before.0 * bar_w,
                bx = label_w + before.0 * bar_w + 6.0,
                by = y + 11.0,
                bt = before.1,
                y2 = y + 16.0,
                aw = after.0 * bar_w,
                ax = label_w + after.0 * bar_w + 6.0,
                ay = y + 27.0,
                at = after.1,
            );
        };
    pair(
        &mut svg,
        0,
        "Andel som kundtjänst hanterar",
        (c.before.share, percent(c.before.share)),
        (c.after.share, percent(c.after.share)),
    );
    for (i, t) in moved.iter().enumerate() {
        let (b, a) = (handled(&t.before), handled(&t.after));
        pair(
            &mut svg,
            i + 1,
            &t.name,
            (b / widest, sv(b, 0)),
            (a / widest, sv(a, 0)),
        );
    }
    let _ = write!(
        svg,
        "<text x=\"{label_w}\" y=\"{:.1}\">Ärendetyperna: kontakter per år som kundtjänst hanterar</text>",
        height - 8.0
    );
    svg.push_str("</svg>\n");
    svg
}

fn staffing_chart(r: &Report) -> String {
    let s = &r.staffing;
    if s.hours.is_empty() {
        let text = match &s.average {
            Some(a) => format!(
                "Loggen saknar tidsstämplar (eller ingen logg): en genomsnittlig öppettimme har {} samtal och kräver {} agenter ({} schemalagda).",
                sv(a.calls_per_hour, 1),
                a.agents,
                a.rostered
            ),
            None => s.error.clone().unwrap_or_default(),
        };
        return format!("<p>{}</p>\n", escape(&text));
    }
    let max = s.hours.iter().map(|h| h.rostered).max().unwrap_or(1).max(1) as f64;
    let (bar, gap, chart_h) = (9.0, 2.0, 180.0);
    let width = s.hours.len() as f64 * (bar + gap) + 80.0;
    let mut svg = svg_open(
        width,
        chart_h + 60.0,
        "Agenter och schemalagda per öppettimme",
    );
    let mut last_day = 0;
    for (i, h) in s.hours.iter().enumerate() {
        let x = 40.0 + i as f64 * (bar + gap);
        let rostered_h = f64::from(h.rostered) / max * chart_h;
        let agents_h = f64::from(h.agents) / max * chart_h;
        let _ = write!(
            svg,
            "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{bar}\" height=\"{rostered_h:.1}\" fill=\"#90caf9\"><title>{} {:02}: {} schemalagda</title></rect><rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{bar}\" height=\"{agents_h:.1}\" fill=\"#1565c0\"><title>{} {:02}: {} agenter, {} samtal/tim</title></rect>",
            10.0 + chart_h - rostered_h,
            WEEKDAYS[usize::from(h.weekday - 1)],
            h.hour,
            h.rostered,
            10.0 + chart_h - agents_h,
            WEEKDAYS[usize::from(h.weekday - 1)],
            h.hour,
            h.agents,
            sv(h.calls_per_hour, 1)
        );
        if h.weekday != last_day {
            last_day = h.weekday;
            let _ = write!(
                svg,
                "<text x=\"{x:.1}\" y=\"{}\">{}</text>",
                chart_h + 28.0,
                WEEKDAYS[usize::from(h.weekday - 1)]
            );
        }
    }
    let _ = write!(
        svg,
        "<text x=\"4\" y=\"16\">{}</text><rect x=\"40\" y=\"{y}\" width=\"12\" height=\"12\" fill=\"#1565c0\"/><text x=\"56\" y=\"{ty}\">agenter</text><rect x=\"140\" y=\"{y}\" width=\"12\" height=\"12\" fill=\"#90caf9\"/><text x=\"156\" y=\"{ty}\">schemalagda</text>",
        max,
        y = chart_h + 38.0,
        ty = chart_h + 49.0
    );
    svg.push_str("</svg>\n");
    svg
}

fn svg_open(width: f64, height: f64, title: &str) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}\" height=\"{height:.0}\" viewBox=\"0 0 {width:.0} {height:.0}\" role=\"img\" aria-label=\"{}\">",
        escape(title)
    )
}

/// One section as an HTML table with its notes.
pub(crate) fn html_table(t: &Table, out: &mut String) {
    let _ = writeln!(out, "<h2>{}</h2>", escape(&t.title));
    if !t.columns.is_empty() {
        out.push_str("<table>\n<tr>");
        for h in t.labels() {
            let _ = write!(out, "<th>{}</th>", escape(h));
        }
        out.push_str("</tr>\n");
        for row in &t.rows {
            out.push_str("<tr>");
            for cell in row {
                let _ = write!(out, "<td>{}</td>", escape(&cell.display()));
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</table>\n");
    }
    if !t.notes.is_empty() {
        out.push_str("<ul>");
        for n in &t.notes {
            let _ = write!(out, "<li>{}</li>", escape(n));
        }
        out.push_str("</ul>\n");
    }
}

pub(crate) const CSS: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2em auto;max-width:1100px;color:#222;padding:0 1em}\
h1{font-size:1.6em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ddd}\
.meta{color:#555}.cards{display:flex;flex-wrap:wrap;gap:12px}\
.card{border:1px solid #ddd;border-radius:6px;padding:10px 14px;min-width:190px}\
.label{color:#555;font-size:.85em}.value{font-size:1.5em;font-weight:600}.note{color:#555;font-size:.85em}\
table{border-collapse:collapse;font-size:.85em;margin:.5em 0}\
th,td{border-bottom:1px solid #eee;padding:3px 8px;text-align:right}th:first-child,td:first-child{text-align:left}\
svg{font-size:12px;max-width:100%;height:auto}svg text{fill:#222}\
@page{size:A4;margin:15mm 12mm}\
@media print{body{margin:0;max-width:none;padding:0;font-size:10pt}h1{font-size:16pt}\
h2{break-after:avoid;margin-top:1.2em}table,svg,.card{break-inside:avoid}tr{break-inside:avoid}\
.cards{gap:6px}.card{min-width:0;padding:6px 10px}}";
