//! The rulesets the follow-up knows (the current one first, optionally the one before a
//! change): where a logged ärendetyp belongs and what its handling takes.

use crate::model::{Outcome, Ruleset};
use rustc_hash::FxHashMap;
use serde::Serialize;

/// What one logged decision means for the figures.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Resolved {
    /// Index into [`Known::forvaltningar`], or its length for an unknown ärendetyp.
    pub forvaltning: usize,
    /// Kundtjänst minutes the contact took (its handling time, or the forwarding time).
    pub kundtjanst_minutes: f64,
    /// Förvaltning minutes it did not have to spend (when kundtjänst handled it).
    pub relieved_minutes: f64,
    /// The current ruleset's unit (flat index), when the contact is one of them.
    pub current_unit: Option<usize>,
}

pub(super) struct Known<'a> {
    /// The current ruleset first.
    pub rulesets: Vec<&'a Ruleset>,
    types: Vec<FxHashMap<&'a str, usize>>,
    /// Every förvaltning of every ruleset, by id, the current ruleset's first: (id, name).
    pub forvaltningar: Vec<(String, String)>,
    /// Per ruleset: its förvaltning index → index in `forvaltningar`.
    forvaltning_of: Vec<Vec<usize>>,
    /// Flat unit numbering of the current ruleset: the first unit of each ärendetyp.
    unit_offsets: Vec<usize>,
    pub unit_count: usize,
    pub forward_minutes: f64,
}

impl<'a> Known<'a> {
    pub(super) fn new(rulesets: Vec<&'a Ruleset>, forward_minutes: f64) -> Known<'a> {
        let mut forvaltningar: Vec<(String, String)> = Vec::new();
        let mut forvaltning_of = Vec::new();
        for r in &rulesets {
            let map = r
                .forvaltningar
                .iter()
                .map(
                    |f| match forvaltningar.iter().position(|(id, _)| *id == f.id) {
                        Some(i) => i,
                        None => {
                            forvaltningar.push((f.id.clone(), f.name.clone()));
                            forvaltningar.len() - 1
                        }
                    },
                )
                .collect();
            forvaltning_of.push(map);
        }
        let types = rulesets
            .iter()
            .map(|r| {
                r.arendetyper
                    .iter()
                    .enumerate()
                    .map(|(i, t)| (t.id.as_str(), i))
                    .collect()
            })
            .collect();
        let mut unit_offsets = Vec::new();
        let mut unit_count = 0;
        if let Some(current) = rulesets.first() {
            for t in &current.arendetyper {
                unit_offsets.push(unit_count);
                unit_count += t.units.len();
            }
        }
        Known {
            rulesets,
            types,
            forvaltningar,
            forvaltning_of,
            unit_offsets,
            unit_count,
            forward_minutes,
        }
    }

    pub(super) fn current(&self) -> &'a Ruleset {
        self.rulesets[0]
    }

    /// The ruleset a line names, if known, else the current one.
    fn ruleset_index(&self, id: &str) -> usize {
        self.rulesets.iter().position(|r| r.id == id).unwrap_or(0)
    }

    /// The unit `part` of ärendetyp `t` in ruleset `r`: the delmoment named, or the
    /// ärendetyp as a whole; `None` for a delmoment it does not have.
    fn unit(&self, r: usize, t: usize, part: Option<&str>) -> Option<usize> {
        let units = &self.rulesets[r].arendetyper[t].units;
        match part {
            Some(p) => units.iter().position(|u| u.part.as_deref() == Some(p)),
            None => units.iter().position(|u| u.part.is_none()).or(Some(0)),
        }
    }

    pub(super) fn resolve(
        &self,
        ruleset: &str,
        case_type: Option<&str>,
        part: Option<&str>,
        outcome: Outcome,
    ) -> Resolved {
        let unknown = Resolved {
            forvaltning: self.forvaltningar.len(),
            kundtjanst_minutes: self.forward_minutes,
            relieved_minutes: 0.0,
            current_unit: None,
        };
        let Some(case_type) = case_type else {
            return unknown;
        };
        let r = self.ruleset_index(ruleset);
        let Some(&t) = self.types[r].get(case_type) else {
            return unknown;
        };
        let typ = &self.rulesets[r].arendetyper[t];
        let forvaltning = self.forvaltning_of[r][typ.forvaltning];
        let handled = outcome.handled_by_kundtjanst();
        let (kundtjanst_minutes, relieved_minutes) = match self.unit(r, t, part) {
            Some(u) if handled => (
                typ.units[u].times.kundtjanst,
                typ.units[u].times.forvaltning,
            ),
            _ => (self.forward_minutes, 0.0),
        };
        let current_unit = self.types[0]
            .get(case_type)
            .and_then(|&t0| Some(self.unit_offsets[t0] + self.unit(0, t0, part)?));
        Resolved {
            forvaltning,
            kundtjanst_minutes,
            relieved_minutes,
            current_unit,
        }
    }

    /// The current ruleset's units with their flat index: (ärendetyp, unit).
    pub(super) fn current_units(&self) -> impl Iterator<Item = (usize, usize, usize)> + '_ {
        self.current()
            .arendetyper
            .iter()
            .enumerate()
            .flat_map(move |(t, typ)| {
                (0..typ.units.len()).map(move |u| (self.unit_offsets[t] + u, t, u))
            })
    }
}

/// One ruleset id the logs name, and when it decided.
#[derive(Debug, Clone, Serialize)]
pub struct RulesetSpan {
    /// The id (a ruleset's hash, a förvaltning's id).
    pub id: String,
    /// `gällande`, `tidigare` (given with `--tidigare`) or `okänd` (not given).
    pub role: String,
    /// Physical lines read.
    pub lines: u64,
    /// The first decision's local time, `YYYY-MM-DDTHH:MM`.
    pub first: String,
    /// The last decision's local time.
    pub last: String,
}

pub(super) fn unit_name(typ: &str, part: Option<&str>) -> String {
    match part {
        Some(p) => format!("{typ}, {p}"),
        None => typ.to_string(),
    }
}
