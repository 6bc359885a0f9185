//! The report's formats: each lays out the same sections ([`sections`]).

use super::report::{Report, TOTAL_ID};
use super::sections::{months, sections};
use crate::dryrun::{CsvDialect, Render, project};
use crate::html::escape;
use crate::numbers::percent;
use std::fmt::Write as _;

/// The report as plain-text tables for a terminal.
pub fn text(r: &Report) -> String {
    let mut out = format!("Uppföljning: {} ({})\n\n", r.kommun, r.kommunkod);
    out.push_str(
        &sections(r)
            .iter()
            .map(project::text)
            .collect::<Vec<_>>()
            .join("\n"),
    );
    out
}

/// The report as Markdown.
pub fn markdown(r: &Report) -> String {
    let mut out = format!("# Uppföljning: {} ({})\n\n", r.kommun, r.kommunkod);
    for t in sections(r) {
        out.push_str(&project::markdown(&t));
    }
    out
}

/// The section names `--section` takes: the titles, lower case, without å, ä, ö.
pub fn section_names(r: &Report) -> Vec<String> {
    sections(r).iter().map(|t| slug(&t.title)).collect()
}

fn slug(title: &str) -> String {
    title
        .to_lowercase()
        .replace(['å', 'ä'], "a")
        .replace('ö', "o")
        .replace(' ', "-")
}

/// One section as CSV (`None`: the section `Per månad`), or `None` for an unknown name.
///
/// # Errors
///
/// When the CSV writer fails (in practice never: it writes to memory).
pub fn csv(
    r: &Report,
    section: Option<&str>,
    dialect: CsvDialect,
) -> Result<Option<String>, csv::Error> {
    let wanted = slug(section.unwrap_or("per månad").trim());
    sections(r)
        .into_iter()
        .find(|t| slug(&t.title) == wanted)
        .map(|t| project::csv(&t, dialect))
        .transpose()
}

/// The report as an Excel workbook, a sheet per section.
///
/// # Errors
///
/// When the workbook cannot be put together (in practice never: names are fixed).
pub fn xlsx(r: &Report) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    crate::dryrun::xlsx_workbook(&sections(r))
}

/// One self-contained HTML page (inline CSS and SVG, no scripts): the headline, the
/// monthly trend of the share against the goal and the forecast, then every table.
pub fn html(r: &Report) -> String {
    let title = format!("Uppföljning: {} ({})", r.kommun, r.kommunkod);
    let mut out = String::with_capacity(64 * 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"sv\">\n<head>\n<meta charset=\"utf-8\">\n<title>{t}</title>\n<style>{css}</style>\n</head>\n<body>\n<main>\n<h1>{t}</h1>\n",
        t = escape(&title),
        css = crate::dryrun::HTML_CSS
    );
    let _ = writeln!(
        out,
        "<p class=\"meta\">{} · rapporten gjord {}</p>",
        escape(&r.kundtjanst),
        escape(&r.date)
    );
    out.push_str("<ul>");
    for h in r.headline.iter().chain(&r.next_steps) {
        let _ = write!(out, "<li>{}</li>", escape(h));
    }
    out.push_str("</ul>\n<h2>Andel som kundtjänst hanterar per månad</h2>\n");
    out.push_str(&trend_chart(r));
    for t in sections(r).iter().skip(2) {
        crate::dryrun::html_table(t, &mut out);
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

const SHARE: &str = "#1565c0";
const GOAL: &str = "#2e7d32";
const FORECAST: &str = "#ef6c00";

/// Share per month (line), the goal (dashed) and the forecast (dotted), 0–100 %.
fn trend_chart(r: &Report) -> String {
    let totals: Vec<_> = r
        .months
        .iter()
        .filter(|m| m.forvaltning == TOTAL_ID)
        .collect();
    let (left, top, w, h) = (48.0, 12.0, 640.0, 220.0);
    let step = if totals.len() > 1 {
        w / (totals.len() - 1) as f64
    } else {
        0.0
    };
    let x = |i: usize| left + step * i as f64;
    let y = |share: f64| top + h * (1.0 - share.clamp(0.0, 1.0));
    let label = format!(
        "Andel per månad: {}; mål {}",
        totals
            .iter()
            .map(|m| format!("{} {}", m.month, percent(m.share)))
            .collect::<Vec<_>>()
            .join(", "),
        percent(r.goal_share)
    );
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"760\" height=\"300\" viewBox=\"0 0 760 300\" role=\"img\" aria-label=\"{}\">",
        escape(&label)
    );
    for pct in [0.0, 0.25, 0.5, 0.75, 1.0] {
        let _ = write!(
            svg,
            "<line x1=\"{left}\" x2=\"{:.1}\" y1=\"{gy:.1}\" y2=\"{gy:.1}\" stroke=\"#ddd\"/><text x=\"4\" y=\"{:.1}\">{}</text>",
            left + w,
            y(pct) + 4.0,
            percent(pct),
            gy = y(pct)
        );
    }
    let line = |points: Vec<(usize, f64)>, color: &str, dash: &str| {
        let pts: Vec<String> = points
            .iter()
            .map(|(i, s)| format!("{:.1},{:.1}", x(*i), y(*s)))
            .collect();
        format!(
            "<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" stroke-dasharray=\"{dash}\" points=\"{}\"/>",
            pts.join(" ")
        )
    };
    svg.push_str(&line(
        totals
            .iter()
            .enumerate()
            .map(|(i, m)| (i, m.share))
            .collect(),
        SHARE,
        "none",
    ));
    svg.push_str(&line(
        (0..totals.len().max(1))
            .map(|i| (i, r.goal_share))
            .collect(),
        GOAL,
        "6 4",
    ));
    svg.push_str(&line(
        totals
            .iter()
            .enumerate()
            .filter_map(|(i, m)| m.forecast_share.map(|f| (i, f)))
            .collect(),
        FORECAST,
        "2 3",
    ));
    for (i, m) in totals.iter().enumerate() {
        let _ = write!(
            svg,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"{SHARE}\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            x(i),
            y(m.share),
            x(i),
            top + h + 18.0,
            escape(m.month.get(5..).unwrap_or(&m.month))
        );
    }
    let legend_y = top + h + 40.0;
    for (k, (name, color)) in [("andel", SHARE), ("mål", GOAL), ("prognos", FORECAST)]
        .iter()
        .enumerate()
    {
        let lx = left + 120.0 * k as f64;
        let _ = write!(
            svg,
            "<rect x=\"{lx}\" y=\"{:.1}\" width=\"12\" height=\"12\" fill=\"{color}\"/><text x=\"{:.1}\" y=\"{:.1}\">{name}</text>",
            legend_y - 10.0,
            lx + 16.0,
            legend_y
        );
    }
    svg.push_str("</svg>\n");
    svg
}

impl Render for Report {
    fn text(&self) -> String {
        text(self)
    }

    fn markdown(&self) -> String {
        markdown(self)
    }

    fn html(&self) -> String {
        html(self)
    }

    /// The section `Per månad`, as [`csv()`] without a section name.
    fn csv(&self, dialect: CsvDialect) -> Result<String, ::csv::Error> {
        project::csv(&months(self), dialect)
    }

    fn xlsx(&self) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
        xlsx(self)
    }
}
