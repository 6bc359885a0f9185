//! Counting logged decisions: per month and förvaltning, per ruleset id, per phone hour
//! and per unit. One tally per worker, merged at the end.

use super::known::Known;
use crate::clock::LocalTime;
use crate::model::Outcome;
use jiff::civil::Date;
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;

/// Keep this many rejected lines in detail (file, line); the rest are counted.
pub(super) const EXAMPLES: usize = 100;
/// Keep this many distinct unknown ärendetyp names; the rest are counted together.
const UNKNOWN_DISTINCT: usize = 1_000;
/// Unknown ärendetyp names are cut to this many characters (a caller could send anything).
const NAME_CHARS: usize = 60;
/// Ruleset ids are cut to this many characters (a real id has 64 hex digits).
const ID_CHARS: usize = 64;
/// Keep this many distinct ruleset ids; lines of the rest count under [`OTHER_RULESETS`].
const RULESET_DISTINCT: usize = 100;
/// The id the lines of ruleset ids beyond [`RULESET_DISTINCT`] are counted under.
pub(super) const OTHER_RULESETS: &str = "övriga";
/// Keep phone counts for this many distinct hours (ten years); later hours are not
/// counted there (they only find the busiest hours).
const PHONE_HOURS: usize = 24 * 366 * 10;
/// Years a logged decision can plausibly be from; others are rejected as [`LineProblem::BadTime`].
pub(super) const PLAUSIBLE_YEARS: std::ops::RangeInclusive<i16> = 2000..=2100;

/// Why a line was not counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) enum LineProblem {
    /// Not JSON (or cut off mid-object).
    InvalidJson,
    /// JSON, but not a decision-log line (a field missing or of another type).
    OtherFormat,
    /// The `time` is not a time.
    BadTime,
    /// Longer than the line limit.
    TooLong,
    /// Empty.
    Blank,
    /// The last line before a read error (a truncated gzip file).
    Truncated,
}

impl LineProblem {
    /// The reason in Swedish, for the report.
    pub(super) fn reason(self) -> &'static str {
        match self {
            LineProblem::InvalidJson => "inte giltig JSON",
            LineProblem::OtherFormat => {
                "JSON men inte en rad ur beslutsloggen (ett fält saknas eller har fel typ)"
            }
            LineProblem::BadTime => "tidsstämpeln går inte att läsa",
            LineProblem::TooLong => "raden är längre än 1 MiB",
            LineProblem::Blank => "tom rad",
            LineProblem::Truncated => "raden bröts av när filen tog slut i förtid",
        }
    }
}

/// One logged decision, parsed.
pub(super) struct Decided<'a> {
    pub time: LocalTime,
    pub ruleset: &'a str,
    /// `None` when the ärendetyp was unknown to the server (withheld in the log).
    pub case_type: Option<&'a str>,
    pub part: Option<&'a str>,
    pub phone: bool,
    pub outcome: Outcome,
}

/// Contacts of one förvaltning (in one month).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) struct Counts {
    /// By outcome: kundtjänst, manus, vidarekopplat.
    pub outcomes: [u64; 3],
    pub kundtjanst_minutes: f64,
    pub relieved_minutes: f64,
}

impl Counts {
    pub(super) fn add(&mut self, other: &Counts) {
        for (a, b) in self.outcomes.iter_mut().zip(other.outcomes) {
            *a += b;
        }
        self.kundtjanst_minutes += other.kundtjanst_minutes;
        self.relieved_minutes += other.relieved_minutes;
    }

    pub(super) fn contacts(&self) -> u64 {
        self.outcomes.iter().sum()
    }

    pub(super) fn handled(&self) -> u64 {
        self.outcomes[0] + self.outcomes[1]
    }
}

/// A month as (year, month 1–12).
pub(super) type Month = (i16, i8);

#[derive(Debug, Clone, Default)]
pub(super) struct MonthTally {
    /// Per förvaltning (the last slot: unknown ärendetyper).
    pub forvaltningar: Vec<Counts>,
    /// Lines per ruleset id.
    pub rulesets: FxHashMap<String, u64>,
}

/// When a ruleset id was seen.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Seen {
    pub lines: u64,
    pub first: LocalTime,
    pub last: LocalTime,
}

#[derive(Debug, Clone, Default)]
pub(super) struct Tally {
    forvaltning_slots: usize,
    pub months: BTreeMap<Month, MonthTally>,
    pub rulesets: FxHashMap<String, Seen>,
    /// Phone contacts per date and hour.
    pub phone_hours: FxHashMap<(Date, u8), u32>,
    /// Contacts per unit of the current ruleset.
    pub units_seen: Vec<u64>,
    /// Unknown ärendetyper withheld by the server (their text is not logged).
    pub unknown_withheld: u64,
    /// Ärendetyper logged that no known ruleset has, by (cut) name.
    pub unknown_named: FxHashMap<String, u64>,
    pub unknown_named_other: u64,
    pub counted: u64,
    /// Lines rejected, per file and reason.
    pub rejected: BTreeMap<(u32, LineProblem), u64>,
    /// The first rejected lines: (file, line, reason).
    pub examples: Vec<(u32, u64, LineProblem)>,
}

impl Tally {
    /// An empty tally sized for `known`'s rulesets.
    pub(super) fn for_known(known: &Known) -> Tally {
        Tally::new(known.forvaltningar.len() + 1, known.unit_count)
    }

    pub(super) fn new(forvaltning_slots: usize, units: usize) -> Tally {
        Tally {
            forvaltning_slots,
            units_seen: vec![0; units],
            ..Tally::default()
        }
    }

    pub(super) fn reject(&mut self, file: u32, line: u64, problem: LineProblem) {
        *self.rejected.entry((file, problem)).or_default() += 1;
        if self.examples.len() < EXAMPLES {
            self.examples.push((file, line, problem));
        }
    }

    pub(super) fn rejected_total(&self) -> u64 {
        self.rejected.values().sum()
    }

    pub(super) fn decision(&mut self, known: &Known, d: &Decided) {
        self.counted += 1;
        let r = known.resolve(d.ruleset, d.case_type, d.part, d.outcome);
        let date = d.time.date();
        let month = self.months.entry((date.year(), date.month())).or_default();
        if month.forvaltningar.is_empty() {
            month.forvaltningar = vec![Counts::default(); self.forvaltning_slots];
        }
        let counts = &mut month.forvaltningar[r.forvaltning];
        counts.outcomes[outcome_slot(d.outcome)] += 1;
        counts.kundtjanst_minutes += r.kundtjanst_minutes;
        counts.relieved_minutes += r.relieved_minutes;
        let id = ruleset_key(&self.rulesets, d.ruleset);
        match month.rulesets.get_mut(id) {
            Some(n) => *n += 1,
            None => {
                month.rulesets.insert(id.to_string(), 1);
            }
        }
        self.seen_ruleset(id, d.time);
        if d.phone {
            self.phone_hour((date, d.time.hour()), 1);
        }
        if let Some(u) = r.current_unit {
            self.units_seen[u] += 1;
        }
        if r.forvaltning == known.forvaltningar.len() {
            match d.case_type {
                None => self.unknown_withheld += 1,
                Some(name) => self.unknown_name(name, 1),
            }
        }
    }

    fn seen_ruleset(&mut self, id: &str, time: LocalTime) {
        match self.rulesets.get_mut(id) {
            Some(seen) => {
                seen.lines += 1;
                seen.first = seen.first.min(time);
                seen.last = seen.last.max(time);
            }
            None => {
                self.rulesets.insert(
                    id.to_string(),
                    Seen {
                        lines: 1,
                        first: time,
                        last: time,
                    },
                );
            }
        }
    }

    fn unknown_name(&mut self, name: &str, n: u64) {
        let name = cut(name, NAME_CHARS);
        if let Some(count) = self.unknown_named.get_mut(name) {
            *count += n;
        } else if self.unknown_named.len() < UNKNOWN_DISTINCT {
            self.unknown_named.insert(name.to_string(), n);
        } else {
            self.unknown_named_other += n;
        }
    }

    fn phone_hour(&mut self, hour: (Date, u8), n: u32) {
        if let Some(count) = self.phone_hours.get_mut(&hour) {
            *count = count.saturating_add(n);
        } else if self.phone_hours.len() < PHONE_HOURS {
            self.phone_hours.insert(hour, n);
        }
    }

    pub(super) fn merge(&mut self, other: Tally) {
        // Other's ids in a fixed order, so which become `övriga` does not depend on hashing.
        let mut other_seen: Vec<(String, Seen)> = other.rulesets.into_iter().collect();
        other_seen.sort_by(|a, b| a.0.cmp(&b.0));
        let mut renamed: FxHashMap<String, String> = FxHashMap::default();
        for (id, seen) in other_seen {
            let key = ruleset_key(&self.rulesets, &id).to_string();
            self.rulesets
                .entry(key.clone())
                .and_modify(|s| {
                    s.lines += seen.lines;
                    s.first = s.first.min(seen.first);
                    s.last = s.last.max(seen.last);
                })
                .or_insert(seen);
            if key != id {
                renamed.insert(id, key);
            }
        }
        for (key, month) in other.months {
            let mine = self.months.entry(key).or_default();
            if mine.forvaltningar.is_empty() {
                mine.forvaltningar = vec![Counts::default(); self.forvaltning_slots];
            }
            for (a, b) in mine.forvaltningar.iter_mut().zip(&month.forvaltningar) {
                a.add(b);
            }
            for (id, n) in month.rulesets {
                let id = renamed.get(&id).cloned().unwrap_or(id);
                *mine.rulesets.entry(id).or_default() += n;
            }
        }
        for (key, n) in other.phone_hours {
            self.phone_hour(key, n);
        }
        for (a, b) in self.units_seen.iter_mut().zip(&other.units_seen) {
            *a += b;
        }
        self.unknown_withheld += other.unknown_withheld;
        for (name, n) in other.unknown_named {
            self.unknown_name(&name, n);
        }
        self.unknown_named_other += other.unknown_named_other;
        self.counted += other.counted;
        for (key, n) in other.rejected {
            *self.rejected.entry(key).or_default() += n;
        }
        self.examples.extend(other.examples);
        self.examples.sort_unstable();
        self.examples.truncate(EXAMPLES);
    }
}

/// The id a logged ruleset id is counted under: cut to [`ID_CHARS`], or
/// [`OTHER_RULESETS`] once [`RULESET_DISTINCT`] others are kept.
fn ruleset_key<'a>(kept: &FxHashMap<String, Seen>, id: &'a str) -> &'a str {
    let id = cut(id, ID_CHARS);
    if kept.contains_key(id) || kept.len() < RULESET_DISTINCT {
        id
    } else {
        OTHER_RULESETS
    }
}

/// The first `chars` characters of `text`.
fn cut(text: &str, chars: usize) -> &str {
    text.char_indices()
        .nth(chars)
        .map_or(text, |(i, _)| &text[..i])
}

pub(super) fn outcome_slot(outcome: Outcome) -> usize {
    match outcome {
        Outcome::Kundtjanst => 0,
        Outcome::Scripted => 1,
        _ => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_unknown_name_is_cut_before_it_is_looked_up() {
        let mut tally = Tally::new(1, 0);
        for i in 0..UNKNOWN_DISTINCT - 1 {
            tally.unknown_name(&format!("n{i}"), 1);
        }
        let long = "y".repeat(100);
        tally.unknown_name(&long, 1);
        tally.unknown_name(&long, 1);
        assert_eq!(tally.unknown_named.get(&"y".repeat(NAME_CHARS)), Some(&2));
        assert_eq!(tally.unknown_named_other, 0);
    }

    #[test]
    fn ruleset_ids_are_cut_and_the_rest_count_as_others() {
        let mut kept = FxHashMap::default();
        let long = "f".repeat(200);
        assert_eq!(ruleset_key(&kept, &long).len(), ID_CHARS);
        let time = LocalTime::parse("2026-03-02T10:00").expect("a time");
        let seen = Seen {
            lines: 1,
            first: time,
            last: time,
        };
        for i in 0..RULESET_DISTINCT {
            kept.insert(format!("id{i}"), seen);
        }
        assert_eq!(ruleset_key(&kept, "id7"), "id7");
        assert_eq!(ruleset_key(&kept, "new"), OTHER_RULESETS);
    }
}
