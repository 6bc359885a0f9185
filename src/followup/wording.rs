//! The report's sentences for a kommunstyrelse: the headline and what to do next.

use super::report::{Report, TOTAL_ID};
use crate::numbers::{percent, sv};

/// `1 rad`, `2 rader`.
pub(super) fn count(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", sv(n as f64, 0), if n == 1 { one } else { many })
}

/// Fill in the headline and the next steps from the figures.
pub(super) fn conclude(report: &mut Report) {
    let totals: Vec<_> = report
        .months
        .iter()
        .filter(|m| m.forvaltning == TOTAL_ID)
        .collect();
    let contacts: u64 = totals.iter().map(|m| m.contacts).sum();
    let handled: u64 = totals.iter().map(|m| m.kundtjanst + m.scripted).sum();
    let share = super::report::ratio(handled as f64, contacts as f64);
    let forecast = totals.last().and_then(|m| m.forecast_share);
    let period = match (totals.first(), totals.last()) {
        (Some(a), Some(b)) if a.month != b.month => format!("{}–{}", a.month, b.month),
        (Some(a), _) => a.month.clone(),
        _ => String::new(),
    };
    let mut headline = vec![format!(
        "Under {period} hanterade kundtjänst {} av {}; målet är {}{}.",
        percent(share),
        count(contacts, "kontakt", "kontakter"),
        percent(report.goal_share),
        forecast.map_or(String::new(), |f| format!(
            " och den gällande överenskommelsen förutsåg {}",
            percent(f)
        )),
    )];
    for c in &report.changes {
        let what = match &c.changed_units {
            Some(units) => format!(
                "{} fick ett annat utfall",
                count(units.len() as u64, "delmoment", "delmoment")
            ),
            None => "ange den tidigare regeluppsättningen med --tidigare för att se vilka delmoment som ändrades".into(),
        };
        headline.push(format!(
            "Överenskommelsen ändrades {} (regeluppsättning {} → {}): {what}.",
            c.date,
            short(&c.from),
            short(&c.to)
        ));
    }
    let biggest = report
        .financing
        .iter()
        .filter_map(|f| f.difference.map(|d| (f, d)))
        .max_by(|a, b| a.1.abs().total_cmp(&b.1.abs()));
    if let Some((f, d)) = biggest {
        headline.push(format!(
            "Störst skillnad i finansieringen: {} står för {} av kundtjänstens arbete mot {} enligt överenskommelsen, {} kr per år {}.",
            f.name,
            percent(f.adjusted_share),
            percent(f.agreed_share),
            sv(d.abs(), 0),
            if d >= 0.0 { "mer" } else { "mindre" }
        ));
    }
    if report.lines.rejected > 0 {
        headline.push(format!(
            "{} av {} i loggarna gick inte att räkna (se Lästa rader).",
            count(report.lines.rejected, "rad", "rader"),
            sv(report.lines.read as f64, 0)
        ));
    }
    let mut next = Vec::new();
    if share < report.goal_share {
        next.push("Andelen når inte målet: ta fram kandidaterna med `rosa dry-run` och ta upp dem på nästa workshop.".to_string());
    }
    if biggest.is_some_and(|(_, d)| d.abs() >= 1.0) {
        next.push("Justera finansieringen efter hur arbetet faktiskt fördelades (tabellen Finansiering), som beslutet om kundtjänsten medger vid en utvärdering.".to_string());
    }
    for d in report.deviations.iter().filter(|d| d.count > 0) {
        next.push(format!(
            "{} ({}): {}",
            d.kind,
            sv(d.count as f64, 0),
            d.action
        ));
    }
    if report.lines.files.iter().any(|f| f.problem.is_some()) {
        next.push(
            "Några loggfiler gick inte att läsa till slutet: hämta dem på nytt från servern."
                .to_string(),
        );
    }
    report.headline = headline;
    report.next_steps = next;
}

pub(super) fn short(id: &str) -> &str {
    id.get(..16).unwrap_or(id)
}
