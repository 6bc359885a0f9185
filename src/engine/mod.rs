//! Stage 4: the compiled decision engine. Immutable, `Send + Sync`, shared by `Arc`.
//!
//! For each unit the outcome of the default method (or the agreed outcome) is
//! precomputed per channel, so an inquiry with no guarded rule in its way is a hash
//! lookup and a table read, without allocating. Guarded rules are typed conditions
//! evaluated natively (`model::condition`).

mod decision;
mod inquiry;
mod search;
mod testing;

pub use decision::{
    Basis, Decision, DecisionError, DecisionRecord, Resolution, RuleRef, RuleResult, RuleTried,
    ScriptRef,
};
// For the server's answers, which pre-escape the staff sentences.
#[cfg(feature = "serve")]
pub(crate) use decision::{rule_decided, words};
pub use inquiry::{Attributes, Inquiry, OwnedInquiry};
pub(crate) use search::SearchHit;
pub use search::{MAX_SEARCH_CHARS, MAX_SEARCH_WORDS, SearchTooLong, check_search};
pub use testing::{TestResult, run_tests};

use crate::model::method::{self, ChannelSlot};
use crate::model::same_id;
use crate::model::{
    ChannelSet, EvalContext, EvalError, Evaluation, Outcome, RuleId, Ruleset, Unit,
};
use rustc_hash::FxBuildHasher;
use std::sync::{Arc, OnceLock};

/// A ruleset compiled for deciding.
///
/// ```
/// use rosa::{Engine, Inquiry, Outcome, Ruleset};
/// let engine = Engine::new(&Ruleset::load("rulesets/exempelkommun").unwrap());
/// let d = engine.decide(&Inquiry::new("finns-inte").channel("telefon"));
/// assert_eq!(d.outcome, Outcome::Forwarded); // unknown types always go to a person
/// ```
#[derive(Debug)]
pub struct Engine {
    ruleset: Arc<Ruleset>,
    index: hashbrown::HashMap<Box<str>, usize, FxBuildHasher>,
    /// Every unit by the key an inquiry names it with, (ärendetyp, delmoment), and each
    /// ärendetyp without a delmoment (its first unit): one probe finds the unit and its
    /// precomputed outcomes, without walking the model's large unit records.
    by_key: hashbrown::HashTable<UnitKey>,
    /// Every unit, ärendetyp by ärendetyp in model order; `first_unit[t]` is where
    /// ärendetyp `t`'s begin.
    units: Vec<CompiledUnit>,
    first_unit: Vec<usize>,
    /// Built on the first search, so engines that only decide never pay for it.
    search: OnceLock<search::SearchIndex>,
}

/// A unit as an inquiry names it, with what deciding it without rules needs.
#[derive(Debug)]
struct UnitKey {
    case_type: Box<str>,
    part: Option<Box<str>>,
    /// Outcome without rules, per channel slot: a copy of [`CompiledUnit::fast`] kept
    /// next to the key, which saved a pointer chase a decision (238 → 229 instructions).
    fast: [(Outcome, Basis); ChannelSlot::WITH_UNKNOWN],
    /// Whether a guarded rule may decide the unit.
    guarded: bool,
    t: u32,
    u: u32,
}

impl UnitKey {
    #[inline]
    fn is(&self, case_type: &str, part: Option<&str>) -> bool {
        same_id(&self.case_type, case_type)
            && match (self.part.as_deref(), part) {
                (None, None) => true,
                (Some(mine), Some(part)) => same_id(mine, part),
                _ => false,
            }
    }
}

/// The hash of an inquiry key: the two ids' bytes, the delmoment after a separator no
/// id contains.
#[inline]
fn key_hash(case_type: &str, part: Option<&str>) -> u64 {
    use std::hash::Hasher;
    let mut hasher = rustc_hash::FxHasher::default();
    hasher.write(case_type.as_bytes());
    if let Some(part) = part {
        hasher.write_u8(0xff);
        hasher.write(part.as_bytes());
    }
    hasher.finish()
}

#[derive(Debug)]
struct CompiledUnit {
    /// Guarded rules in the order they are tried: delmoment, ärendetyp, förvaltning, policy.
    chain: Box<[RuleId]>,
    /// Outcome without rules, per channel slot (an unknown channel's last): the
    /// agreement or the default method.
    fast: [(Outcome, Basis); ChannelSlot::WITH_UNKNOWN],
}

impl Engine {
    /// Compile a ruleset for deciding (the engine keeps its own copy; [`Engine::from_arc`]
    /// shares one instead). Compiling precomputes the default method's outcome for every
    /// unit and channel, so build one engine per ruleset and share it: it is immutable,
    /// `Send` and `Sync`.
    ///
    /// ```
    /// use rosa::{Engine, Inquiry, Outcome, Ruleset};
    /// use std::sync::{Arc, OnceLock};
    /// let ruleset = Ruleset::load("rulesets/exempelkommun").expect("the example loads");
    /// let engine = Arc::new(Engine::new(&ruleset));
    /// assert_eq!(engine.ruleset().id(), ruleset.id());
    /// let worker = {
    ///     let engine = Arc::clone(&engine);
    ///     std::thread::spawn(move || engine.decide(&Inquiry::new("bygglov-status")).outcome)
    /// };
    /// assert_eq!(worker.join().unwrap(), Outcome::Scripted);
    /// ```
    pub fn new(ruleset: &Ruleset) -> Engine {
        Engine::from_arc(Arc::new(ruleset.clone()))
    }

    /// Compile a ruleset that is already shared behind an `Arc`, without copying it
    /// (what `rosa serve` does with each reloaded ruleset).
    pub fn from_arc(ruleset: Arc<Ruleset>) -> Engine {
        let index = ruleset
            .arendetyper
            .iter()
            .enumerate()
            .map(|(i, t)| (t.id.clone().into_boxed_str(), i))
            .collect();
        let mut first_unit = Vec::with_capacity(ruleset.arendetyper.len());
        let mut units = Vec::new();
        for t in &ruleset.arendetyper {
            first_unit.push(units.len());
            units.extend(t.units.iter().map(|u| compile_unit(&ruleset, t, u)));
        }
        let by_key = key_table(&ruleset, &units);
        Engine {
            ruleset,
            index,
            by_key,
            units,
            first_unit,
            search: OnceLock::new(),
        }
    }

    /// The ruleset this engine decides with.
    pub fn ruleset(&self) -> &Ruleset {
        &self.ruleset
    }

    /// The ruleset as the shared `Arc`, to keep it (cheaply cloned) beyond the engine.
    pub fn ruleset_arc(&self) -> &Arc<Ruleset> {
        &self.ruleset
    }

    /// Whether any guarded rule can decide this unit, so that its outcome depends on
    /// the inquiry beyond type, part and channel. `arendetyp` indexes
    /// [`Ruleset::arendetyper`], `unit` that ärendetyp's [`units`](crate::model::Arendetyp::units)
    /// (as in [`Decision::position`]).
    ///
    /// # Panics
    ///
    /// If either index is out of range.
    pub fn has_conditions(&self, arendetyp: usize, unit: usize) -> bool {
        !self.units[self.first_unit[arendetyp] + unit]
            .chain
            .is_empty()
    }

    /// The channels kundtjänst serves in which this unit is forwarded when no guarded
    /// rule decides, although it is handled in another: what `kanaler` and `ej kanaler`
    /// do per channel. Empty when the outcome is the same in every served channel.
    #[cfg_attr(not(feature = "dryrun"), allow(dead_code))]
    pub(crate) fn forwarded_channels(&self, arendetyp: usize, unit: usize) -> ChannelSet {
        let fast = &self.units[self.first_unit[arendetyp] + unit].fast;
        let served = self.ruleset.policy.channels;
        let forwarded: ChannelSet = served
            .iter()
            .filter(|c| fast[c.index()].0 == Outcome::Forwarded)
            .collect();
        if forwarded == served {
            ChannelSet::default()
        } else {
            forwarded
        }
    }

    /// Decide one inquiry: the steps of `docs/semantik.md` §3–§8, carrying what §9 lists.
    ///
    /// Never fails: an unknown ärendetyp or delmoment, an unknown channel or a condition
    /// that cannot be evaluated all give [`Outcome::Forwarded`], with the [`Basis`] and
    /// [`Decision::error`] saying why. Without guarded rules in the way it does not
    /// allocate. [`Engine::decide_record`] gives the owned JSON form with the criteria.
    ///
    /// ```
    /// use rosa::{Attributes, Basis, Engine, Inquiry, Outcome, Ruleset};
    /// let engine = Engine::new(&Ruleset::load("rulesets/exempelkommun").unwrap());
    ///
    /// // Level 3, frequent enough, with a script and a system kundtjänst has: the method
    /// // gives it to kundtjänst with the förvaltning's script.
    /// let d = engine.decide(&Inquiry::new("bygglov-status").channel("telefon"));
    /// assert_eq!((d.outcome, d.basis), (Outcome::Scripted, Basis::Method));
    /// assert_eq!(d.script.unwrap().path, "manus/bygglov-status.md");
    ///
    /// // A guarded rule in the ärendetyp: visitors with protected identity go to a
    /// // queue of their own.
    /// let protected = Attributes::new().with("skyddad_identitet", true);
    /// let visit = Inquiry::new("bygglov")
    ///     .part("regler")
    ///     .channel("besök")
    ///     .attributes(&protected);
    /// let d = engine.decide(&visit);
    /// assert_eq!((d.outcome, d.basis), (Outcome::Forwarded, Basis::Rule));
    /// assert_eq!(d.target.unwrap().queue.as_deref(), Some("Bygglov, skyddade personuppgifter"));
    /// ```
    // Always inlined (the cold paths stay out of line): the call's frame and the
    // decision returned through memory cost a tenth of a decision in the bench.
    #[inline(always)]
    pub fn decide(&self, inquiry: &Inquiry) -> Decision<'_> {
        let channel = ChannelSlot::parse(inquiry.channel);
        let (case_type, part) = (inquiry.case_type, inquiry.part);
        let hash = key_hash(case_type, part);
        let Some(key) = self.by_key.find(hash, |key| key.is(case_type, part)) else {
            return self.decide_unknown(case_type, channel);
        };
        let (t, u) = (key.t as usize, key.u as usize);
        if key.guarded {
            return self.decide_with_rules(t, u, channel, inquiry);
        }
        let (outcome, basis) = key.fast[channel.index_with_unknown()];
        self.decided(t, u, channel, outcome, basis)
    }

    /// An inquiry whose key names no unit: the ärendetyp is unknown, or it has no such
    /// delmoment.
    #[inline(never)]
    fn decide_unknown(&self, case_type: &str, channel: ChannelSlot) -> Decision<'_> {
        match self.index.get(&IdKey(case_type)) {
            Some(&t) => {
                let typ = &self.ruleset.arendetyper[t];
                self.forward(Basis::UnknownPart, Some(typ), &typ.target, channel)
            }
            None => self.forward(
                Basis::UnknownCaseType,
                None,
                &self.ruleset.policy.fallback,
                channel,
            ),
        }
    }

    /// The decision for a unit with guarded rules: the first that applies, else as
    /// without them. Kept out of line so that the common path stays small.
    #[inline(never)]
    fn decide_with_rules(
        &self,
        t: usize,
        u: usize,
        channel: ChannelSlot,
        inquiry: &Inquiry,
    ) -> Decision<'_> {
        let chain = &self.units[self.first_unit[t] + u].chain;
        match self.run_rules(chain, inquiry, self.unit_decision(t, u, channel)) {
            Some(decision) => decision,
            None => self.decide_without_rules(t, u, channel),
        }
    }

    /// The decision for unit `u` of ärendetyp `t` in `channel` when no guarded rule
    /// decides: the agreement or the method, as precomputed. The path most decisions
    /// take, so the decision is built in one go.
    #[inline]
    pub(crate) fn decide_without_rules(
        &self,
        t: usize,
        u: usize,
        channel: ChannelSlot,
    ) -> Decision<'_> {
        let fast = &self.units[self.first_unit[t] + u].fast;
        let (outcome, basis) = fast[channel.index_with_unknown()];
        self.decided(t, u, channel, outcome, basis)
    }

    /// The decision about unit `u` of ärendetyp `t` with this outcome, its target or
    /// script attached.
    #[inline]
    fn decided(
        &self,
        t: usize,
        u: usize,
        channel: ChannelSlot,
        outcome: Outcome,
        basis: Basis,
    ) -> Decision<'_> {
        // `get` cannot miss for a position from the key table, and unlike indexing it
        // brings no bounds checks with their branches to panic (13 instructions a
        // decision).
        let typ = self.ruleset.arendetyper.get(t);
        let unit = typ.and_then(|typ| typ.units.get(u));
        Decision {
            outcome,
            basis,
            case_type: typ,
            unit,
            target: unit
                .filter(|_| outcome == Outcome::Forwarded)
                .map(|unit| &unit.target),
            script: match outcome {
                Outcome::Scripted => unit
                    .and_then(|unit| unit.script)
                    .and_then(|s| self.ruleset.scripts.get(s)),
                _ => None,
            },
            rule: None,
            error: None,
            position: Some((t as u32, u as u32)),
            channel,
            engine: self,
        }
    }

    /// A decision about unit `u` of ärendetyp `t`, forwarded by the method until a rule
    /// settles it.
    fn unit_decision(&self, t: usize, u: usize, channel: ChannelSlot) -> Decision<'_> {
        let typ = &self.ruleset.arendetyper[t];
        Decision {
            outcome: Outcome::Forwarded,
            basis: Basis::Method,
            case_type: Some(typ),
            unit: Some(&typ.units[u]),
            target: None,
            script: None,
            rule: None,
            error: None,
            position: Some((t as u32, u as u32)),
            channel,
            engine: self,
        }
    }

    /// Try the guarded rules in order; `None` when none applies. Conditions read the
    /// inquiry lazily and share one step budget (docs/semantik.md §5–§6).
    fn run_rules<'a>(
        &'a self,
        chain: &[RuleId],
        inquiry: &Inquiry<'_>,
        base: Decision<'a>,
    ) -> Option<Decision<'a>> {
        let unit = base.unit?;
        let evaluation = self.evaluation(inquiry, unit, base.channel);
        for &id in chain {
            let rule = &self.ruleset.rules[id];
            match rule.condition.eval(&evaluation) {
                Ok(false) => continue,
                Ok(true) => return Some(self.rule_decides(base, rule)),
                Err(reason) => {
                    return Some(self.condition_error(base, rule, reason));
                }
            }
        }
        None
    }

    /// What guarded rules may read of `inquiry` when `unit` is decided.
    pub(crate) fn evaluation<'a>(
        &'a self,
        inquiry: &'a Inquiry<'_>,
        unit: &'a Unit,
        channel: ChannelSlot,
    ) -> Evaluation<'a> {
        Evaluation::new(EvalContext {
            channel: match channel {
                ChannelSlot::None => None,
                ChannelSlot::Known(c) => Some(Some(c)),
                ChannelSlot::Unknown => Some(None),
            },
            part: unit.part.as_deref().unwrap_or(""),
            time: inquiry.time,
            attributes: inquiry.attributes,
            declared: &self.ruleset.policy.attributes,
            days_off: self.ruleset.policy.days_off,
        })
    }

    /// The guarded rules tried for a unit, in order.
    pub(crate) fn chain(&self, arendetyp: usize, unit: usize) -> &[RuleId] {
        &self.units[self.first_unit[arendetyp] + unit].chain
    }

    fn rule_decides<'a>(
        &'a self,
        base: Decision<'a>,
        rule: &'a crate::model::Rule,
    ) -> Decision<'a> {
        let unit = base.unit.expect("rules only run for a known unit");
        let mut d = Decision {
            outcome: rule.outcome,
            basis: Basis::Rule,
            rule: Some(rule),
            ..base
        };
        if rule.outcome == Outcome::Scripted && unit.script.is_none() {
            d.outcome = Outcome::Forwarded;
            d.error = Some(DecisionError::NoScript { rule, unit });
        }
        if d.outcome == Outcome::Forwarded {
            d.target = Some(rule.target.as_ref().unwrap_or(&unit.target));
            return d;
        }
        self.finish(d)
    }

    fn condition_error<'a>(
        &'a self,
        base: Decision<'a>,
        rule: &'a crate::model::Rule,
        reason: EvalError<'a>,
    ) -> Decision<'a> {
        let unit = base.unit.expect("rules only run for a known unit");
        Decision {
            outcome: Outcome::Forwarded,
            basis: Basis::ConditionError,
            target: Some(&unit.target),
            rule: Some(rule),
            error: Some(DecisionError::Condition { rule, reason }),
            ..base
        }
    }

    /// Attach the target or the script that goes with the outcome.
    #[inline]
    fn finish<'a>(&'a self, mut d: Decision<'a>) -> Decision<'a> {
        let unit = d.unit.expect("finish is only called for a known unit");
        match d.outcome {
            Outcome::Forwarded => d.target = Some(&unit.target),
            Outcome::Scripted => d.script = unit.script.map(|s| &self.ruleset.scripts[s]),
            Outcome::Kundtjanst => {}
        }
        d
    }

    #[inline]
    fn forward<'a>(
        &'a self,
        basis: Basis,
        case_type: Option<&'a crate::model::Arendetyp>,
        target: &'a crate::model::Target,
        channel: ChannelSlot,
    ) -> Decision<'a> {
        Decision {
            outcome: Outcome::Forwarded,
            basis,
            case_type,
            unit: None,
            target: Some(target),
            script: None,
            rule: None,
            error: None,
            position: None,
            channel,
            engine: self,
        }
    }

    /// Decide and explain in one step: the owned, serialisable [`DecisionRecord`] (the JSON
    /// shape of `rosa decide` and `rosa serve`), with the method's criteria in Swedish.
    ///
    /// ```
    /// use rosa::{CriterionKind, Engine, Inquiry, Outcome, Ruleset};
    /// let engine = Engine::new(&Ruleset::load("rulesets/exempelkommun").unwrap());
    /// let inquiry = Inquiry::new("bygglov").part("bedomning").channel("telefon");
    /// let record = engine.decide_record(&inquiry);
    /// assert_eq!(record.outcome, Outcome::Forwarded);
    /// assert_eq!(record.level, Some(5));
    /// assert_eq!(record.target.as_ref().unwrap().queue.as_deref(), Some("Bygg och miljö"));
    ///
    /// // The criteria say why, in the order of docs/semantik.md §8: the level fails,
    /// // sekretess, channel and the system pass.
    /// let kinds: Vec<_> = record.criteria.iter().map(|c| (c.criterion, c.passed)).collect();
    /// assert_eq!(kinds, [
    ///     (CriterionKind::Level, false),
    ///     (CriterionKind::Sekretess, true),
    ///     (CriterionKind::Channel, true),
    ///     (CriterionKind::System, true),
    /// ]);
    /// assert_eq!(
    ///     record.criteria[0].text,
    ///     "nivå 5 ligger över manusnivåerna (högst 4): förvaltningen handlägger"
    /// );
    ///
    /// // Serialised, it is what a case system receives.
    /// let json = serde_json::to_value(&record).unwrap();
    /// assert_eq!(json["criteria"][0]["criterion"], "level");
    /// assert_eq!(json["resolution"]["draken"], "CONNECTED");
    /// ```
    pub fn decide_record(&self, inquiry: &Inquiry) -> DecisionRecord {
        self.decide(inquiry).to_record(inquiry)
    }

    /// The ärendetyper that best match a citizen's words, best first, at most `limit`:
    /// what a kommunvägledare types at the desk. Swedish endings, compounds, missing
    /// å/ä/ö, small typos and filler words are handled; the index is built on the first
    /// call.
    ///
    /// ```
    /// use rosa::{Engine, Ruleset};
    /// let engine = Engine::new(&Ruleset::load("rulesets/exempelkommun").unwrap());
    /// let hits = engine.search("när kommer sopbilen", 3);
    /// assert_eq!(hits[0].case_type, "sophamtning");
    /// ```
    pub fn search(&self, text: &str, limit: usize) -> Vec<SearchHit> {
        self.search
            .get_or_init(|| search::SearchIndex::new(&self.ruleset))
            .search(&self.ruleset, text, limit)
    }
}

fn key_table(ruleset: &Ruleset, units: &[CompiledUnit]) -> hashbrown::HashTable<UnitKey> {
    let mut table = hashbrown::HashTable::new();
    let every_unit = ruleset.arendetyper.iter().enumerate().flat_map(|(t, typ)| {
        typ.units
            .iter()
            .enumerate()
            .map(move |(u, unit)| (t, typ, u, unit))
    });
    // `units` holds the compiled units in the same order.
    for ((t, typ, u, unit), compiled) in every_unit.zip(units) {
        let key = |part: Option<&str>| UnitKey {
            case_type: typ.id.as_str().into(),
            part: part.map(Into::into),
            fast: compiled.fast,
            guarded: !compiled.chain.is_empty(),
            t: t as u32,
            u: u as u32,
        };
        // An inquiry without a delmoment is about the ärendetyp's first unit.
        let keys = [(u == 0).then_some(None), unit.part.as_deref().map(Some)];
        for part in keys.into_iter().flatten() {
            let entry = table.entry(
                key_hash(&typ.id, part),
                |k: &UnitKey| k.is(&typ.id, part),
                |k| key_hash(&k.case_type, k.part.as_deref()),
            );
            if let hashbrown::hash_table::Entry::Vacant(slot) = entry {
                slot.insert(key(part));
            }
        }
    }
    table
}

fn compile_unit(
    ruleset: &Ruleset,
    typ: &crate::model::Arendetyp,
    unit: &crate::model::Unit,
) -> CompiledUnit {
    let chain: Vec<RuleId> = ruleset.unit_rules(typ, unit).collect();
    // A channel the method does not know fails the channel criterion, but an agreed
    // outcome comes before the method (step 4), as for any other channel.
    let mut fast = [(Outcome::Forwarded, Basis::Method); ChannelSlot::WITH_UNKNOWN];
    for slot in ChannelSlot::all().chain([ChannelSlot::Unknown]) {
        fast[slot.index_with_unknown()] = match (unit.agreed, slot) {
            (Some(outcome), _) => (outcome, Basis::Agreement),
            (None, ChannelSlot::Unknown) => (Outcome::Forwarded, Basis::Method),
            (None, _) => (method::assess(ruleset, unit, slot).outcome(), Basis::Method),
        };
    }
    CompiledUnit {
        chain: chain.into_boxed_slice(),
        fast,
    }
}

/// An ärendetyp id looked up in the engine's index: hashed as the stored `Box<str>`,
/// compared with [`same_id`] rather than a call to `memcmp`.
#[derive(Hash)]
struct IdKey<'a>(&'a str);

impl hashbrown::Equivalent<Box<str>> for IdKey<'_> {
    #[inline]
    fn equivalent(&self, key: &Box<str>) -> bool {
        same_id(self.0, key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn engine_is_send_and_sync() {
        assert_send_sync::<Engine>();
    }
}
