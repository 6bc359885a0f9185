//! `--compare`: the same volumes through two rulesets (before and after a workshop).

use super::rows::{Figures, Report};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Side {
    pub ruleset: String,
    pub dir: String,
    pub share: f64,
    pub volume: f64,
    pub kundtjanst_hours: f64,
    pub kundtjanst_fte: f64,
    /// The posts kundtjänst needs (`staffing.fte_total`).
    pub fte_total: f64,
    pub handed_over_hours: f64,
    pub average_agents: Option<u32>,
    pub average_rostered: Option<u32>,
    pub peak_agents: Option<u32>,
    pub peak_rostered: Option<u32>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Volumes {
    pub kundtjanst: f64,
    pub scripted: f64,
    pub forwarded: f64,
    pub conditional: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct TypeChange {
    pub id: String,
    pub name: String,
    pub forvaltning: String,
    pub before: Volumes,
    pub after: Volumes,
    /// Change in volume handled by kundtjänst (positive: moved to kundtjänst).
    pub moved_volume: f64,
    /// Change in förvaltning hours handed over.
    pub moved_hours: f64,
}

/// Two reports side by side: before = the ruleset given with `--compare`, after = the
/// main ruleset. Every delta is after − before; volumes are contacts per year.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    /// The headline figures of the earlier ruleset: its id and directory, share,
    /// volume, kundtjänst hours and posts, hours handed over, agents.
    pub before: Side,
    /// The same figures for the later ruleset.
    pub after: Side,
    /// Change in the share kundtjänst handles (0–1; 0.05 is five percentage points).
    pub share_delta: f64,
    /// Change in kundtjänst working hours per year.
    pub kundtjanst_hours_delta: f64,
    /// Change in kundtjänst handling time in full-time posts (at full occupancy).
    pub kundtjanst_fte_delta: f64,
    /// Change in the posts kundtjänst needs (`staffing.fte_total`).
    pub fte_total_delta: f64,
    /// Change in förvaltning hours per year handed over to kundtjänst.
    pub handed_over_hours_delta: f64,
    /// Change in the volume kundtjänst handles (positive: moved to kundtjänst).
    pub moved_volume: f64,
    /// Change in phone agents in the average open hour; `None` when either side has no
    /// staffing figure.
    pub average_agents_delta: Option<i64>,
    /// Change in phone agents in the busiest hour (log with timestamps only).
    pub peak_agents_delta: Option<i64>,
    /// The ärendetyper in both rulesets whose volume by outcome changed.
    pub changed: Vec<TypeChange>,
    /// Ärendetyp ids only in the earlier ruleset.
    pub only_before: Vec<String>,
    /// Ärendetyp ids only in the later ruleset.
    pub only_after: Vec<String>,
    /// In Swedish, which volumes both sides were computed from.
    pub note: String,
}

/// Compare two reports: `before` (from the ruleset in `before_dir`) with `after`. With a
/// log, both should come from the same log; without one, each uses its own frekvens.
/// The directories are only shown.
pub fn compare(before: &Report, before_dir: &str, after: &Report, after_dir: &str) -> Comparison {
    let side = |r: &Report, dir: &str| Side {
        ruleset: r.ruleset.clone(),
        dir: dir.to_string(),
        share: r.total.share,
        volume: r.total.volume,
        kundtjanst_hours: r.total.kundtjanst_hours,
        kundtjanst_fte: r.total.kundtjanst_fte,
        fte_total: r.staffing.fte_total,
        handed_over_hours: r.total.handed_over_hours,
        average_agents: r.staffing.average.map(|h| h.agents),
        average_rostered: r.staffing.average.map(|h| h.rostered),
        peak_agents: r.staffing.peak.map(|h| h.agents),
        peak_rostered: r.staffing.peak.map(|h| h.rostered),
    };
    let (b, a) = (side(before, before_dir), side(after, after_dir));
    let delta = |x: Option<u32>, y: Option<u32>| Some(i64::from(y?) - i64::from(x?));
    let changed: Vec<TypeChange> = after
        .arendetyper
        .iter()
        .filter_map(|row| {
            let old = before.arendetyper.iter().find(|o| o.id == row.id)?;
            let (vb, va) = (volumes(&old.figures), volumes(&row.figures));
            let differs = [
                (vb.kundtjanst, va.kundtjanst),
                (vb.scripted, va.scripted),
                (vb.forwarded, va.forwarded),
                (vb.conditional, va.conditional),
            ]
            .iter()
            .any(|(x, y)| (x - y).abs() > 1e-6);
            differs.then(|| TypeChange {
                id: row.id.clone(),
                name: row.name.clone(),
                forvaltning: row.forvaltning.clone(),
                moved_volume: row.figures.handled() - old.figures.handled(),
                moved_hours: row.figures.handed_over_hours - old.figures.handed_over_hours,
                before: vb,
                after: va,
            })
        })
        .collect();
    let ids = |r: &Report| {
        r.arendetyper
            .iter()
            .map(|t| t.id.clone())
            .collect::<Vec<_>>()
    };
    let (ids_b, ids_a) = (ids(before), ids(after));
    Comparison {
        share_delta: a.share - b.share,
        kundtjanst_hours_delta: a.kundtjanst_hours - b.kundtjanst_hours,
        kundtjanst_fte_delta: a.kundtjanst_fte - b.kundtjanst_fte,
        fte_total_delta: a.fte_total - b.fte_total,
        handed_over_hours_delta: a.handed_over_hours - b.handed_over_hours,
        moved_volume: after.total.handled() - before.total.handled(),
        average_agents_delta: delta(b.average_agents, a.average_agents),
        peak_agents_delta: delta(b.peak_agents, a.peak_agents),
        only_before: ids_b
            .iter()
            .filter(|i| !ids_a.contains(i))
            .cloned()
            .collect(),
        only_after: ids_a
            .iter()
            .filter(|i| !ids_b.contains(i))
            .cloned()
            .collect(),
        note: if after.volumes.mode == "log" {
            "samma logg har avgjorts av båda regeluppsättningarna".into()
        } else {
            "utan logg används varje regeluppsättnings egna deklarerade frekvenser".into()
        },
        changed,
        before: b,
        after: a,
    }
}

fn volumes(f: &Figures) -> Volumes {
    Volumes {
        kundtjanst: f.kundtjanst,
        scripted: f.scripted,
        forwarded: f.forwarded,
        conditional: f.conditional,
    }
}
