//! The report as Markdown: the same sections as the text report.

use super::analysis::Analysis;
use super::model::{Align, Table};
use super::screen::sections;

/// The report as Markdown.
pub fn markdown(a: &Analysis) -> String {
    let r = &a.report;
    let mut out = format!("# Provkörning: {} ({})\n\n", r.kommun, r.kommunkod);
    for t in sections(a) {
        out.push_str(&table(&t));
    }
    out
}

/// One section: a heading, a table with numbers aligned right, its notes as a list.
pub(crate) fn table(t: &Table) -> String {
    let mut out = format!("## {}\n\n", t.title);
    if !t.columns.is_empty() {
        let line = |c: Vec<String>| format!("| {} |\n", c.join(" | "));
        out.push_str(&line(t.labels().map(str::to_string).collect()));
        out.push_str(&line(
            t.columns
                .iter()
                .map(|c| match c.align {
                    Align::Left => "---".into(),
                    Align::Right => "---:".into(),
                })
                .collect(),
        ));
        for row in &t.rows {
            out.push_str(&line(
                row.iter()
                    .map(|v| v.display().replace('|', "\\|"))
                    .collect(),
            ));
        }
        out.push('\n');
    }
    for note in &t.notes {
        out.push_str(&format!("- {note}\n"));
    }
    out.push('\n');
    out
}
