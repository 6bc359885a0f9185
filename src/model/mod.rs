//! Stage 3: the validated, normalised ruleset. Frekvens is per year, times are in
//! minutes, ids are resolved to indices, and every forward target is complete.
//! Only the checker builds these values, so everything here can be trusted.

pub mod channel;
pub mod condition;
pub(crate) mod method;

pub use channel::{Channel, ChannelSet};
pub use condition::{Condition, EvalContext};
pub use method::{Criterion, CriterionKind};

use crate::diagnostics::Diagnostics;
use crate::source::{Location, SourceMap, Span};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::ops::RangeInclusive;
use std::path::PathBuf;

/// What kundtjänst does with an inquiry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Handled directly by a generalist at first contact (löst direkt / informerat).
    Kundtjanst,
    /// Handled by kundtjänst with the förvaltning's script or checklist.
    Scripted,
    /// Forwarded to the förvaltning (vidarekopplat / eskalerat).
    Forwarded,
}

impl Outcome {
    pub const ALL: [Outcome; 3] = [Outcome::Kundtjanst, Outcome::Scripted, Outcome::Forwarded];

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Kundtjanst => "kundtjanst",
            Outcome::Scripted => "scripted",
            Outcome::Forwarded => "forwarded",
        }
    }

    /// The rule-language word (`direkt`, `manus`, `vidarekoppla`).
    pub fn keyword(self) -> &'static str {
        match self {
            Outcome::Kundtjanst => "direkt",
            Outcome::Scripted => "manus",
            Outcome::Forwarded => "vidarekoppla",
        }
    }

    pub fn handled_by_kundtjanst(self) -> bool {
        self != Outcome::Forwarded
    }
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An inquiry attribute value: text, number or boolean.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum AttrValue {
    Bool(bool),
    Number(f64),
    Text(String),
}

impl<'de> Deserialize<'de> for AttrValue {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(AttrValueVisitor)
    }
}

struct AttrValueVisitor;

impl serde::de::Visitor<'_> for AttrValueVisitor {
    type Value = AttrValue;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a string, number or boolean")
    }

    fn visit_bool<E>(self, v: bool) -> Result<AttrValue, E> {
        Ok(AttrValue::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<AttrValue, E> {
        Ok(AttrValue::Number(v as f64))
    }

    fn visit_u64<E>(self, v: u64) -> Result<AttrValue, E> {
        Ok(AttrValue::Number(v as f64))
    }

    fn visit_f64<E>(self, v: f64) -> Result<AttrValue, E> {
        Ok(AttrValue::Number(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<AttrValue, E> {
        Ok(AttrValue::Text(v.to_string()))
    }
}

/// The type an attribute is declared with (`belopp tal`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AttrKind {
    Number,
    Text,
    Bool,
}

impl AttrKind {
    pub fn matches(self, value: &AttrValue) -> bool {
        matches!(
            (self, value),
            (AttrKind::Number, AttrValue::Number(_))
                | (AttrKind::Text, AttrValue::Text(_))
                | (AttrKind::Bool, AttrValue::Bool(_))
        )
    }

    /// "ett tal", "text", "ja eller nej", for messages.
    pub fn words(self) -> &'static str {
        match self {
            AttrKind::Number => "ett tal",
            AttrKind::Text => "text",
            AttrKind::Bool => "ja eller nej",
        }
    }
}

impl AttrValue {
    pub fn kind(&self) -> AttrKind {
        match self {
            AttrValue::Bool(_) => AttrKind::Bool,
            AttrValue::Number(_) => AttrKind::Number,
            AttrValue::Text(_) => AttrKind::Text,
        }
    }
}

/// An inquiry attribute the policy declares; conditions may read only these.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attribute {
    pub name: String,
    /// Checked before a condition reads the value; `None` leaves the check to the
    /// comparison itself (slower: see `condition.rs`).
    pub kind: Option<AttrKind>,
}

/// An untyped attribute, as `attribut namn` declares it.
impl From<&str> for Attribute {
    fn from(name: &str) -> Self {
        Attribute {
            name: name.to_string(),
            kind: None,
        }
    }
}

/// Where forwarded inquiries go.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Target {
    pub forvaltning: String,
    pub forvaltning_name: String,
    pub queue: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// A talmanus or checklist file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Script {
    /// Relative to the ruleset directory, with forward slashes.
    pub path: String,
    /// The first heading or line, shown to staff.
    pub title: String,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct HandlingTimes {
    /// Minutes per contact when kundtjänst handles it.
    pub kundtjanst: f64,
    /// Minutes per contact when the förvaltning handles it.
    pub forvaltning: f64,
}

pub type SystemId = usize;
pub type RuleId = usize;
pub type ScriptId = usize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct System {
    pub name: String,
    /// Whether kundtjänst has access to it.
    pub access: bool,
}

/// An opening period in one weekday: 1 = måndag … 7 = söndag, minutes after midnight.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct OpeningHours {
    pub weekday: u8,
    pub opens: u32,
    pub closes: u32,
}

/// The kommun-wide kundtjänst policy.
#[derive(Debug, Clone, Serialize)]
pub struct Policy {
    pub name: String,
    pub kommun: String,
    pub kommunkod: String,
    /// 6 or 8 levels.
    pub scale: u8,
    pub channels: ChannelSet,
    pub attributes: Vec<Attribute>,
    pub frequency_threshold_per_year: f64,
    pub direct_levels: RangeInclusive<u8>,
    pub scripted_levels: RangeInclusive<u8>,
    pub fallback: Target,
    pub goal_share: f64,
    pub productive_hours_per_fte: f64,
    pub opening_hours: Vec<OpeningHours>,
    pub service_level_share: f64,
    pub service_level_seconds: f64,
    pub max_occupancy: f64,
    pub shrinkage: f64,
    pub default_times: HandlingTimes,
    pub rules: Vec<RuleId>,
}

impl Policy {
    /// Opening minutes per week, for spreading yearly volume over opening hours.
    pub fn open_minutes_per_week(&self) -> u32 {
        self.opening_hours
            .iter()
            .map(|o| o.closes.saturating_sub(o.opens))
            .sum()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Forvaltning {
    pub id: String,
    pub name: String,
    pub target: Target,
    /// Its own `ej kanaler`: channels kundtjänst may not handle for any of its ärendetyper.
    pub excluded_channels: ChannelSet,
    pub rules: Vec<RuleId>,
    pub location: Location,
    #[serde(skip)]
    pub span: Span,
}

/// The part of an ärendetyp that gets decided: one delmoment, or the type itself.
#[derive(Debug, Clone, Serialize)]
pub struct Unit {
    /// The delmoment id, or `None` when the ärendetyp has no delmoment.
    pub part: Option<String>,
    pub name: String,
    pub level: u8,
    /// Effective frekvens per year (own, or inherited from the ärendetyp).
    pub frekvens: Option<f64>,
    /// The delmoment's own frekvens per year, if it declares one.
    pub own_frekvens: Option<f64>,
    pub systems: Vec<SystemId>,
    /// Channels in which kundtjänst may handle it; `None` means all the policy serves.
    pub channels: Option<ChannelSet>,
    /// Channels kundtjänst may not handle it in (`ej kanaler`), by the block that says so.
    pub excluded_channels: ExcludedChannels,
    pub script: Option<ScriptId>,
    pub times: HandlingTimes,
    pub sekretess: bool,
    pub agreed: Option<Outcome>,
    #[serde(skip)]
    pub agreed_span: Option<Span>,
    pub target: Target,
    /// The delmoment's own guarded rules (empty for an ärendetyp without delmoment).
    pub rules: Vec<RuleId>,
    pub location: Location,
    #[serde(skip)]
    pub span: Span,
}

/// The channels excluded with `ej kanaler` for one unit: the union of what its
/// förvaltning, its ärendetyp and its delmoment say, kept apart so that an explanation
/// can name who excluded a channel.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ExcludedChannels {
    /// Written in the förvaltning.
    pub forvaltning: ChannelSet,
    /// Written in the ärendetyp.
    pub arendetyp: ChannelSet,
    /// Empty for an ärendetyp without delmoment (its exclusions are the ärendetyp's).
    pub delmoment: ChannelSet,
}

/// The block whose `ej kanaler` excludes a channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExcludedBy {
    /// The förvaltning: none of its ärendetyper.
    Forvaltning,
    /// The ärendetyp: all its delmoment.
    Arendetyp,
    /// The delmoment alone.
    Delmoment,
}

impl ExcludedChannels {
    /// Every excluded channel, whoever excluded it.
    pub fn all(self) -> ChannelSet {
        self.forvaltning | self.arendetyp | self.delmoment
    }

    /// Who excludes `channel`; the widest block when several do.
    pub fn by(self, channel: Channel) -> Option<ExcludedBy> {
        if self.forvaltning.contains(channel) {
            Some(ExcludedBy::Forvaltning)
        } else if self.arendetyp.contains(channel) {
            Some(ExcludedBy::Arendetyp)
        } else if self.delmoment.contains(channel) {
            Some(ExcludedBy::Delmoment)
        } else {
            None
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Arendetyp {
    pub id: String,
    pub name: String,
    pub forvaltning: usize,
    /// Declared frekvens per year of the ärendetyp as a whole.
    pub frekvens: Option<f64>,
    pub search_words: Vec<String>,
    /// Where the ärendetyp forwards (its own `vidarekoppla`, or its förvaltning's).
    pub target: Target,
    /// Guarded rules written directly in the ärendetyp.
    pub rules: Vec<RuleId>,
    /// The delmoment in file order, or one unit for the type itself.
    pub units: Vec<Unit>,
    pub has_parts: bool,
    pub location: Location,
    #[serde(skip)]
    pub span: Span,
}

impl Arendetyp {
    pub fn unit(&self, part: &str) -> Option<&Unit> {
        self.units.iter().find(|u| u.part.as_deref() == Some(part))
    }
}

/// A guarded rule: `om `villkor` => utfall`.
#[derive(Debug, Clone, Serialize)]
pub struct Rule {
    #[serde(rename = "condition", serialize_with = "condition::serialize_source")]
    pub condition: Condition,
    pub outcome: Outcome,
    /// Its own forward target, when it forwards somewhere else than the unit would.
    pub target: Option<Target>,
    pub location: Location,
    #[serde(skip)]
    pub span: Span,
}

/// A test written in the ruleset: an inquiry and the outcome the förvaltning agreed.
#[derive(Debug, Clone, Serialize)]
pub struct TestCase {
    pub name: String,
    pub case_type: String,
    pub part: Option<String>,
    pub channel: Option<String>,
    pub time: Option<String>,
    pub attributes: BTreeMap<String, AttrValue>,
    pub expected: Outcome,
    /// The förvaltning id the inquiry should be forwarded to, if the test says.
    pub expected_forvaltning: Option<String>,
    pub location: Location,
}

/// A checked ruleset, ready to compile into an [`crate::Engine`].
///
/// Only [`Ruleset::load`] and [`Ruleset::from_sources`] make one, after every check has
/// passed, so its contents can be trusted; they are read through the accessors.
#[derive(Debug, Clone, Serialize)]
pub struct Ruleset {
    /// SHA-256 of every rule file and script, in path order (64 hex digits).
    pub(crate) id: String,
    pub(crate) root: PathBuf,
    pub(crate) policy: Policy,
    pub(crate) systems: Vec<System>,
    pub(crate) forvaltningar: Vec<Forvaltning>,
    pub(crate) arendetyper: Vec<Arendetyp>,
    pub(crate) rules: Vec<Rule>,
    pub(crate) scripts: Vec<Script>,
    pub(crate) tests: Vec<TestCase>,
    /// Warnings found while loading (errors prevent loading).
    #[serde(skip)]
    pub(crate) warnings: Diagnostics,
    #[serde(skip)]
    pub(crate) sources: SourceMap,
}

impl Ruleset {
    /// The ruleset id: SHA-256 of every rule file and script, in path order, as 64 hex
    /// digits. Every decision carries it, so an answer can be traced to the exact files.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The first 16 hex digits of [`Ruleset::id`], for text meant for people.
    pub fn short_id(&self) -> &str {
        &self.id[..16.min(self.id.len())]
    }

    /// The directory the ruleset was loaded from.
    pub fn root(&self) -> &std::path::Path {
        &self.root
    }

    /// The kommun-wide kundtjänst policy.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// Every system the policy names, with whether kundtjänst has access to it.
    pub fn systems(&self) -> &[System] {
        &self.systems
    }

    /// The förvaltningar, in file order.
    pub fn forvaltningar(&self) -> &[Forvaltning] {
        &self.forvaltningar
    }

    /// The ärendetyper, in file order.
    pub fn arendetyper(&self) -> &[Arendetyp] {
        &self.arendetyper
    }

    /// Every guarded rule; [`RuleId`]s index this list.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Every script (manus) the rules refer to; [`ScriptId`]s index this list.
    pub fn scripts(&self) -> &[Script] {
        &self.scripts
    }

    /// The tests written in the ruleset (`rosa test`).
    pub fn tests(&self) -> &[TestCase] {
        &self.tests
    }

    /// Warnings found while loading (errors prevent loading).
    pub fn warnings(&self) -> &Diagnostics {
        &self.warnings
    }

    /// The rule files as read, for rendering diagnostics and formatting.
    pub fn sources(&self) -> &SourceMap {
        &self.sources
    }

    /// The ärendetyp with this id.
    pub fn arendetyp(&self, id: &str) -> Option<&Arendetyp> {
        self.arendetyper.iter().find(|t| t.id == id)
    }

    /// The index of the system with this name.
    pub fn system_id(&self, name: &str) -> Option<SystemId> {
        self.systems.iter().position(|s| s.name == name)
    }

    /// The same ruleset as if kundtjänst also had access to `system`: what a dry-run
    /// uses to show how much volume a missing system keeps from moving.
    #[cfg_attr(not(feature = "dryrun"), allow(dead_code))]
    pub(crate) fn with_system_access(&self, system: SystemId) -> Ruleset {
        let mut copy = self.clone();
        copy.systems[system].access = true;
        copy
    }
}
