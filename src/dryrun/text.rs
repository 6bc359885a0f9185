//! The report as plain-text tables for a terminal (`rosa dry-run`, the default).

use super::analysis::Analysis;
use super::model::{Align, Table};
use super::screen::sections;

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
    sections(a).iter().map(table).collect::<Vec<_>>().join("\n")
}

/// One section: title, columns padded to their widest cell, then its notes.
pub(crate) fn table(t: &Table) -> String {
    let cells: Vec<Vec<String>> = t
        .rows
        .iter()
        .map(|row| row.iter().map(|v| v.display()).collect())
        .collect();
    let mut widths: Vec<usize> = t.labels().map(|l| l.chars().count()).collect();
    for row in &cells {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |row: Vec<&str>| {
        let mut s = row
            .iter()
            .zip(&widths)
            .zip(&t.columns)
            .map(|((c, w), col)| pad(c, *w, col.align))
            .collect::<Vec<_>>()
            .join("  ");
        s.truncate(s.trim_end().len());
        s
    };
    let mut out = format!("{}\n", t.title);
    if !t.columns.is_empty() {
        out.push_str(&line(t.labels().collect()));
        out.push('\n');
    }
    for row in &cells {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
        out.push('\n');
    }
    for note in &t.notes {
        out.push_str(&format!("  {note}\n"));
    }
    out
}

fn pad(text: &str, width: usize, align: Align) -> String {
    let fill = " ".repeat(width.saturating_sub(text.chars().count()));
    match align {
        Align::Right => format!("{fill}{text}"),
        Align::Left => format!("{text}{fill}"),
    }
}
