//! Counting decided inquiries. One [`Tally`] per worker, merged at the end; every
//! counter is a volume (rows in log mode, declared contacts per year otherwise).

use super::rejection::Rejection;
use crate::clock::LocalTime;
use crate::engine::{Basis, Decision, Engine, Inquiry};
use crate::model::{Arendetyp, Channel, Outcome, Ruleset, SystemId};
use rustc_hash::FxHashMap;

/// Keep this many rejected rows in detail; the rest are counted.
pub(super) const REJECTED_DETAIL: usize = 1_000;
/// Keep this many distinct unknown ärendetyper by name; the rest are counted together.
pub(super) const UNKNOWN_DISTINCT: usize = 10_000;
/// Where unknown channels beyond [`UNKNOWN_DISTINCT`] are counted together.
pub(super) const OTHER_CHANNELS: &str = "(övriga)";
pub(super) const HOURS_PER_WEEK: usize = 7 * 24;

/// Flat numbering of every unit of every ärendetyp.
#[derive(Debug, Clone)]
pub(super) struct UnitIndex {
    offsets: Vec<usize>,
    pub len: usize,
}

impl UnitIndex {
    pub(super) fn new(ruleset: &Ruleset) -> UnitIndex {
        let mut offsets = Vec::with_capacity(ruleset.arendetyper.len());
        let mut len = 0;
        for t in &ruleset.arendetyper {
            offsets.push(len);
            len += t.units.len();
        }
        UnitIndex { offsets, len }
    }

    pub(super) fn of(&self, arendetyp: usize, unit: usize) -> usize {
        self.offsets[arendetyp] + unit
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) struct Blocked {
    pub volume: f64,
    pub forvaltning_minutes: f64,
}

/// Phone contacts in one hour of the week.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) struct PhoneHour {
    pub calls: f64,
    /// Sum of kundtjänst handling minutes of those calls.
    pub minutes: f64,
}

#[derive(Debug, Clone, Default)]
pub(super) struct Tally {
    /// Per unit: volume by outcome (kundtjanst, scripted, forwarded).
    pub units: Vec<[f64; 3]>,
    /// Per unit (declared mode): volume whose outcome depends on runtime conditions.
    pub conditional: Vec<f64>,
    /// Per ärendetyp: inquiries naming a delmoment it does not have (forwarded).
    pub unknown_part: Vec<f64>,
    /// Per missing system: forwarded volume that kundtjänst would handle with it, and
    /// the förvaltning minutes of that volume.
    pub blocked: Vec<Blocked>,
    /// Phone contacts, all and per hour of the week (Monday 00–01 first).
    pub phone: PhoneHour,
    pub phone_hours: Vec<PhoneHour>,
    pub unknown: FxHashMap<String, f64>,
    pub unknown_other: f64,
    /// Channels the engine does not know, by name: decided (forwarded) and counted.
    pub unknown_channels: FxHashMap<String, u64>,
    /// The first rejected rows: first line, lines covered, reason.
    pub rejected: Vec<(u64, u64, Rejection)>,
    /// Physical lines rejected (a record that swallowed lines counts them all).
    pub rejected_total: u64,
    pub rows: u64,
    pub first: Option<LocalTime>,
    pub last: Option<LocalTime>,
}

/// What every worker needs to tally a row.
pub(super) struct TallyContext<'a> {
    pub engine: &'a Engine,
    pub index: &'a UnitIndex,
    /// Engines in which kundtjänst also has the missing system, one per missing system.
    pub with_system: &'a [(SystemId, Engine)],
    /// Minutes kundtjänst spends on a contact it forwards.
    pub forward_minutes: f64,
}

impl Tally {
    pub(super) fn new(ruleset: &Ruleset, index: &UnitIndex, missing_systems: usize) -> Tally {
        Tally {
            units: vec![[0.0; 3]; index.len],
            conditional: vec![0.0; index.len],
            unknown_part: vec![0.0; ruleset.arendetyper.len()],
            blocked: vec![Blocked::default(); missing_systems],
            phone_hours: vec![PhoneHour::default(); HOURS_PER_WEEK],
            ..Tally::default()
        }
    }

    pub(super) fn reject(&mut self, line: u64, lines: u64, reason: Rejection) {
        self.rejected_total += lines;
        if self.rejected.len() < REJECTED_DETAIL {
            self.rejected.push((line, lines, reason));
        }
    }

    /// Decide one logged inquiry and count it.
    pub(super) fn row(&mut self, ctx: &TallyContext, inquiry: &Inquiry, time: Option<LocalTime>) {
        self.rows += 1;
        if let Some(t) = time {
            self.first = Some(self.first.map_or(t, |f| f.min(t)));
            self.last = Some(self.last.map_or(t, |l| l.max(t)));
        }
        if let Some(channel) = inquiry.channel
            && Channel::parse(channel).is_none()
        {
            self.unknown_channel(channel, 1);
        }
        let decision = ctx.engine.decide(inquiry);
        let minutes = match (decision.unit, decision.outcome) {
            (Some(unit), o) if o.handled_by_kundtjanst() => unit.times.kundtjanst,
            _ => ctx.forward_minutes,
        };
        if decision.channel() == Some(Channel::TELEFON) {
            self.phone_call(time, minutes, 1.0);
        }
        self.count(ctx, &decision, inquiry, 1.0);
    }

    pub(super) fn phone_call(&mut self, time: Option<LocalTime>, minutes: f64, volume: f64) {
        self.phone.calls += volume;
        self.phone.minutes += minutes * volume;
        if let Some(t) = time {
            let hour = usize::from(t.weekday() - 1) * 24 + usize::from(t.hour());
            self.phone_hours[hour].calls += volume;
            self.phone_hours[hour].minutes += minutes * volume;
        }
    }

    fn count(&mut self, ctx: &TallyContext, decision: &Decision, inquiry: &Inquiry, volume: f64) {
        let Some((t, u)) = decision.position() else {
            match decision.basis {
                Basis::UnknownPart => {
                    let t = ctx
                        .engine
                        .ruleset()
                        .arendetyper
                        .iter()
                        .position(|a| a.id == inquiry.case_type);
                    if let Some(t) = t {
                        self.unknown_part[t] += volume;
                    }
                }
                _ => self.unknown_type(inquiry.case_type, volume),
            }
            return;
        };
        let slot = ctx.index.of(t, u);
        self.units[slot][outcome_slot(decision.outcome)] += volume;
        if decision.outcome == Outcome::Forwarded {
            self.blocked_by_systems(ctx, decision, inquiry, volume);
        }
    }

    /// Re-decide a forwarded inquiry as if kundtjänst had each missing system it needs.
    pub(super) fn blocked_by_systems(
        &mut self,
        ctx: &TallyContext,
        decision: &Decision,
        inquiry: &Inquiry,
        volume: f64,
    ) {
        let Some(unit) = decision.unit else { return };
        for (i, (system, engine)) in ctx.with_system.iter().enumerate() {
            if unit.systems.contains(system)
                && engine.decide(inquiry).outcome.handled_by_kundtjanst()
            {
                self.blocked[i].volume += volume;
                self.blocked[i].forvaltning_minutes += volume * unit.times.forvaltning;
            }
        }
    }

    fn unknown_type(&mut self, name: &str, volume: f64) {
        if let Some(v) = self.unknown.get_mut(name) {
            *v += volume;
        } else if self.unknown.len() < UNKNOWN_DISTINCT {
            self.unknown.insert(name.to_string(), volume);
        } else {
            self.unknown_other += volume;
        }
    }

    fn unknown_channel(&mut self, name: &str, rows: u64) {
        if let Some(n) = self.unknown_channels.get_mut(name) {
            *n += rows;
        } else if self.unknown_channels.len() < UNKNOWN_DISTINCT {
            self.unknown_channels.insert(name.to_string(), rows);
        } else {
            *self
                .unknown_channels
                .entry(OTHER_CHANNELS.to_string())
                .or_default() += rows;
        }
    }

    /// Add another worker's counts.
    pub(super) fn merge(&mut self, other: Tally) {
        add_all(&mut self.units, &other.units, |a, b| {
            for i in 0..3 {
                a[i] += b[i];
            }
        });
        add_all(&mut self.conditional, &other.conditional, |a, b| *a += b);
        add_all(&mut self.unknown_part, &other.unknown_part, |a, b| *a += b);
        add_all(&mut self.blocked, &other.blocked, |a, b| {
            a.volume += b.volume;
            a.forvaltning_minutes += b.forvaltning_minutes;
        });
        add_all(&mut self.phone_hours, &other.phone_hours, |a, b| {
            a.calls += b.calls;
            a.minutes += b.minutes;
        });
        self.phone.calls += other.phone.calls;
        self.phone.minutes += other.phone.minutes;
        for (name, v) in other.unknown {
            self.unknown_type(&name, v);
        }
        self.unknown_other += other.unknown_other;
        for (name, n) in other.unknown_channels {
            self.unknown_channel(&name, n);
        }
        self.rejected.extend(other.rejected);
        self.rejected.sort_by_key(|r| r.0);
        self.rejected.truncate(REJECTED_DETAIL);
        self.rejected_total += other.rejected_total;
        self.rows += other.rows;
        self.first = min_opt(self.first, other.first);
        self.last = max_opt(self.last, other.last);
    }
}

pub(super) fn outcome_slot(outcome: Outcome) -> usize {
    match outcome {
        Outcome::Kundtjanst => 0,
        Outcome::Scripted => 1,
        Outcome::Forwarded => 2,
    }
}

fn add_all<T: Clone>(into: &mut Vec<T>, from: &[T], add: impl Fn(&mut T, &T)) {
    if into.is_empty() {
        into.extend_from_slice(from);
        return;
    }
    for (a, b) in into.iter_mut().zip(from) {
        add(a, b);
    }
}

fn min_opt(a: Option<LocalTime>, b: Option<LocalTime>) -> Option<LocalTime> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn max_opt(a: Option<LocalTime>, b: Option<LocalTime>) -> Option<LocalTime> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

/// A delmoment with its own frekvens has that volume; the ärendetyp's frekvens, less
/// those, is the volume of inquiries that name no delmoment (decided as the first).
pub(super) fn declared_volume(typ: &Arendetyp, unit: usize) -> f64 {
    let own = typ.units[unit].own_frekvens.unwrap_or(0.0);
    if unit > 0 || !typ.has_parts {
        return if typ.has_parts {
            own
        } else {
            typ.frekvens.unwrap_or(0.0)
        };
    }
    let parts_own: f64 = typ.units.iter().filter_map(|u| u.own_frekvens).sum();
    own + (typ.frekvens.unwrap_or(0.0) - parts_own).max(0.0)
}
