//! Stage 3: the validated, normalised ruleset. Frekvens is per year, times are in
//! minutes, ids are resolved to indices, and every forward target is complete.
//! Only the checker builds these values, so everything here can be trusted.

pub mod channel;
pub mod condition;
mod describe;
pub(crate) mod method;

pub use channel::{Channel, ChannelSet};
pub use condition::{Condition, EvalError};
pub(crate) use condition::{EvalContext, Evaluation};
pub use method::{Criterion, CriterionKind};

use crate::calendar::DaysOff;
use crate::diagnostics::Diagnostics;
use crate::source::{Location, SourceMap, Span};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::ops::RangeInclusive;
use std::path::PathBuf;

/// What kundtjänst does with an inquiry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Outcome {
    /// Handled directly by a generalist at first contact (löst direkt / informerat).
    Kundtjanst,
    /// Handled by kundtjänst with the förvaltning's script or checklist.
    Scripted,
    /// Forwarded to the förvaltning (vidarekopplat / eskalerat).
    Forwarded,
}

impl Outcome {
    /// Every outcome, from most to least handled by kundtjänst.
    pub const ALL: [Outcome; 3] = [Outcome::Kundtjanst, Outcome::Scripted, Outcome::Forwarded];

    /// The JSON name: `kundtjanst`, `scripted` or `forwarded` (also its `Display`).
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
            Outcome::Kundtjanst => crate::lang::OUTCOMES[0],
            Outcome::Scripted => crate::lang::OUTCOMES[1],
            Outcome::Forwarded => crate::lang::OUTCOMES[2],
        }
    }

    /// Whether kundtjänst handles the inquiry itself (directly or with the script),
    /// i.e. it is not forwarded.
    pub fn handled_by_kundtjanst(self) -> bool {
        self != Outcome::Forwarded
    }
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An inquiry attribute value: text, number or boolean. In JSON it is the plain value
/// (`true`, `5000`, `"Norr"`); on a command line or in a log it is read with
/// [`AttrValue::from_text`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum AttrValue {
    /// `ja`/`nej`: JSON `true`/`false`; `true` and `false` in a condition.
    Bool(bool),
    /// A number; JSON integers are read as `f64` too.
    Number(f64),
    /// Any text.
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
#[non_exhaustive]
pub enum AttrKind {
    /// `tal`: the value must be a [`AttrValue::Number`].
    Number,
    /// `text`: the value must be a [`AttrValue::Text`].
    Text,
    /// `ja/nej`: the value must be a [`AttrValue::Bool`].
    Bool,
}

impl AttrKind {
    pub(crate) fn matches(self, value: &AttrValue) -> bool {
        matches!(
            (self, value),
            (AttrKind::Number, AttrValue::Number(_))
                | (AttrKind::Text, AttrValue::Text(_))
                | (AttrKind::Bool, AttrValue::Bool(_))
        )
    }

    /// "ett tal", "text", "ja eller nej", for messages.
    pub(crate) fn words(self) -> &'static str {
        match self {
            AttrKind::Number => "ett tal",
            AttrKind::Text => "text",
            AttrKind::Bool => "ja eller nej",
        }
    }
}

impl AttrValue {
    pub(crate) fn kind(&self) -> AttrKind {
        match self {
            AttrValue::Bool(_) => AttrKind::Bool,
            AttrValue::Number(_) => AttrKind::Number,
            AttrValue::Text(_) => AttrKind::Text,
        }
    }
}

/// An inquiry attribute the policy declares; conditions may read only these.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Attribute {
    /// The name a condition reads as `attr.NAME` and an inquiry sends in `attributes`.
    pub name: String,
    /// Checked before a condition reads the value; `None` leaves the check to the
    /// comparison itself (slower: see `condition.rs`).
    pub kind: Option<AttrKind>,
    /// The question staff ask to learn the value (`fråga "Är det akut?"`), if declared.
    pub question: Option<String>,
}

/// An untyped attribute, as `attribut namn` declares it.
impl From<&str> for Attribute {
    fn from(name: &str) -> Self {
        Attribute {
            name: name.to_string(),
            kind: None,
            question: None,
        }
    }
}

impl Attribute {
    /// The question staff ask: the declared `fråga`, else one built from the name
    /// (`akut` → "Gäller ”akut” för ärendet?"), always a whole Swedish sentence.
    pub fn question_text(&self) -> String {
        if let Some(question) = &self.question {
            return question.clone();
        }
        let label = self.label();
        match self.kind {
            Some(AttrKind::Bool) => format!("Gäller ”{label}” för ärendet?"),
            Some(AttrKind::Number) => format!("Vilket värde har ”{label}”?"),
            Some(AttrKind::Text) | None => format!("Vad gäller för ”{label}”?"),
        }
    }

    /// The name as words: `skyddad_identitet` → "skyddad identitet".
    pub fn label(&self) -> String {
        self.name.replace(['_', '-'], " ")
    }
}

/// What kundtjänst answers for a unit it handles directly (`svar`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Answer {
    /// The answer in markdown, inline or read from the file.
    pub markdown: String,
    /// The file it was read from, relative to the ruleset directory; `None` when inline.
    pub path: Option<String>,
}

/// A page on the kommun's own website (`länk "https://…" "Titel"`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Link {
    /// An `http` or `https` address, as written.
    pub url: String,
    /// The title as written, or the address's host when none is given.
    pub title: String,
}

/// Where forwarded inquiries go (`vidarekoppla`), resolved at load: the parts a
/// delmoment or ärendetyp does not write are inherited from the ärendetyp and the
/// förvaltning (`docs/semantik.md` §2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Target {
    /// The receiving förvaltning's id.
    pub forvaltning: String,
    /// The receiving förvaltning's name, as written in its `förvaltning` block.
    pub forvaltning_name: String,
    /// The queue in the förvaltning (`kö`), if given.
    pub queue: Option<String>,
    /// The phone number to connect to (`telefon`), as written, if given.
    pub phone: Option<String>,
    /// The e-mail address to forward to (`e-post`), if given.
    pub email: Option<String>,
}

/// A talmanus or checklist file.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Script {
    /// Relative to the ruleset directory, with forward slashes.
    pub path: String,
    /// The first heading or line, shown to staff.
    pub title: String,
    /// The whole file (it counts towards the ruleset id).
    pub text: String,
}

/// Handling times per contact (`tid N min, förvaltning M min`), used by the dry-run's
/// workload and staffing figures, never by decisions.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[non_exhaustive]
pub struct HandlingTimes {
    /// Minutes per contact when kundtjänst handles it.
    pub kundtjanst: f64,
    /// Minutes per contact when the förvaltning handles it.
    pub forvaltning: f64,
}

/// Index into [`Ruleset::systems`].
pub type SystemId = usize;
/// Index into [`Ruleset::rules`].
pub type RuleId = usize;
/// Index into [`Ruleset::scripts`].
pub type ScriptId = usize;

/// A case system named in the policy (`system` or `övriga system`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct System {
    /// The name as written, e.g. `ByggR`; units name it exactly so.
    pub name: String,
    /// Whether kundtjänst has access to it: listed under `system` (true) or
    /// `övriga system` (false).
    pub access: bool,
}

/// An opening period in one weekday: 1 = måndag … 7 = söndag, minutes after midnight.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[non_exhaustive]
pub struct OpeningHours {
    /// 1 = måndag … 7 = söndag.
    pub weekday: u8,
    /// Opening time, minutes after midnight (08:00 is 480).
    pub opens: u32,
    /// Closing time, minutes after midnight (16:30 is 990).
    pub closes: u32,
}

/// The kommun-wide kundtjänst policy (the `kundtjänst` block; `docs/semantik.md` §2).
/// Shares are 0–1 (`65 %` is 0.65).
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct Policy {
    /// The name of the kundtjänst, as in `kundtjänst "Kontaktcenter Exempelkommun"`.
    pub name: String,
    /// The kommun's name (`kommun "Exempelkommun"`).
    pub kommun: String,
    /// SCB's four-digit kommunkod, as text so that leading zeros stay (`"0180"`);
    /// `rosa serve` serves the ruleset under it.
    pub kommunkod: String,
    /// 6 or 8 levels.
    pub scale: u8,
    /// The channels kundtjänst serves (`kanaler`).
    pub channels: ChannelSet,
    /// The inquiry attributes conditions may read (`attribut`), in declaration order.
    pub attributes: Vec<Attribute>,
    /// `frekvensgräns`, per year: a unit in the scripted range moves to kundtjänst only
    /// at or above it (§8).
    pub frequency_threshold_per_year: f64,
    /// Levels kundtjänst answers directly (`direkt rosa`, default 1–2).
    pub direct_levels: RangeInclusive<u8>,
    /// Levels kundtjänst handles with a script (`manus rosa`, default 3–4); above
    /// `direct_levels`.
    pub scripted_levels: RangeInclusive<u8>,
    /// Where inquiries about an unknown ärendetyp go (`reserv`; §3).
    pub fallback: Target,
    /// The share of contacts kundtjänst aims to handle itself (`mål`, default 0.7),
    /// which the dry-run compares with.
    pub goal_share: f64,
    /// Working hours per full-time post and year (`årsarbetstid`, default 1600), for
    /// turning hours into posts.
    pub productive_hours_per_fte: f64,
    /// Kronor per full-time post and year (`årskostnad 650000 kr per årsarbetare`), for
    /// the dry-run's financing; `--cost-per-fte` overrides it.
    pub cost_per_fte: Option<f64>,
    /// When kundtjänst answers the phone (`öppettider`, default måndag–fredag 08–17):
    /// the hours the dry-run staffs.
    pub opening_hours: Vec<OpeningHours>,
    /// The days kundtjänst keeps closed besides the weekly hours (`stängt`, default
    /// the public holidays and all three aftnar): the dry-run does not staff them and
    /// the condition `helgdag` is true on them.
    pub days_off: DaysOff,
    /// Share of calls to answer within `service_level_seconds` (`servicenivå`,
    /// default 0.8).
    pub service_level_share: f64,
    /// Target answer time in seconds (`servicenivå … inom N s`, default 20).
    pub service_level_seconds: f64,
    /// Highest share of time an agent may be busy with calls (`maxbeläggning`,
    /// default 0.85).
    pub max_occupancy: f64,
    /// Share of paid time not on the phone (`frånvaro`, default 0.3).
    pub shrinkage: f64,
    /// Handling times for units that give none (`tid`, default 5 and 10 minutes).
    pub default_times: HandlingTimes,
    /// The policy's own guarded rules, tried last for every unit (§5).
    pub rules: Vec<RuleId>,
    /// Groups of words the search treats as the same (`synonymer`), as written.
    pub synonyms: Vec<Vec<String>>,
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

/// A förvaltning (`förvaltning id "Namn" { … }`): the ärendetyper it owns and where
/// they are forwarded.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct Forvaltning {
    /// The id used in `till` and in decisions (`samhallsbyggnad`).
    pub id: String,
    /// The name as written (`Samhällsbyggnadsförvaltningen`).
    pub name: String,
    /// Where its ärendetyper forward unless they say otherwise (its `vidarekoppla`).
    pub target: Target,
    /// Its own `ej kanaler`: channels kundtjänst may not handle for any of its ärendetyper.
    pub excluded_channels: ChannelSet,
    /// Its guarded rules, tried for every unit of its ärendetyper after theirs (§5).
    pub rules: Vec<RuleId>,
    /// Where the block starts.
    pub location: Location,
    /// The whole block, keyword to closing brace, for editors that add to it.
    #[serde(skip)]
    #[cfg_attr(not(feature = "studio"), allow(dead_code))]
    pub(crate) block: Span,
}

/// The part of an ärendetyp that gets decided: one delmoment, or the type itself.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct Unit {
    /// The delmoment id, or `None` when the ärendetyp has no delmoment.
    pub part: Option<String>,
    /// The delmoment's name, or the ärendetyp's when it has no delmoment.
    pub name: String,
    /// The ROSA level (`rosa N`), 1 to the policy's scale.
    pub level: u8,
    /// Effective frekvens per year (own, or inherited from the ärendetyp).
    pub frekvens: Option<f64>,
    /// The delmoment's own frekvens per year, if it declares one.
    pub own_frekvens: Option<f64>,
    /// The systems it needs, in written order: the delmoment's list, else the
    /// ärendetyp's.
    pub systems: Vec<SystemId>,
    /// Channels in which kundtjänst may handle it; `None` means all the policy serves.
    pub channels: Option<ChannelSet>,
    /// Channels kundtjänst may not handle it in (`ej kanaler`), by the block that says so.
    pub excluded_channels: ExcludedChannels,
    /// Its script (`manus`), the delmoment's else the ärendetyp's.
    pub script: Option<ScriptId>,
    /// What kundtjänst answers when it handles the unit directly (`svar`), the
    /// delmoment's else the ärendetyp's.
    pub answer: Option<Answer>,
    /// The kommun's pages about it (`länk`), the delmoment's else the ärendetyp's.
    pub links: Vec<Link>,
    /// The delmoment's own search words (`sökord`); the ärendetyp's are
    /// [`Arendetyp::search_words`]. Empty for an ärendetyp without delmoment.
    pub search_words: Vec<String>,
    /// Its handling times: the delmoment's, else the ärendetyp's, else the policy's.
    pub times: HandlingTimes,
    /// Whether the delmoment or the ärendetyp is marked `sekretess`; such a unit is
    /// always forwarded by the method (§8).
    pub sekretess: bool,
    /// The explicitly agreed outcome (`överenskommet`), which decides before the
    /// method in every channel (§7).
    pub agreed: Option<Outcome>,
    #[serde(skip)]
    pub(crate) agreed_span: Option<Span>,
    /// Where it is forwarded (§2): its own `vidarekoppla`, else the ärendetyp's, else
    /// the förvaltning's.
    pub target: Target,
    /// The delmoment's own guarded rules (empty for an ärendetyp without delmoment).
    pub rules: Vec<RuleId>,
    /// Where the delmoment (or the ärendetyp without delmoment) is written.
    pub location: Location,
    #[serde(skip)]
    pub(crate) span: Span,
    /// The N of its `rosa N`, for editors that change the level in the text.
    #[serde(skip)]
    #[cfg_attr(not(feature = "studio"), allow(dead_code))]
    pub(crate) level_span: Span,
}

/// The channels excluded with `ej kanaler` for one unit: the union of what its
/// förvaltning, its ärendetyp and its delmoment say, kept apart so that an explanation
/// can name who excluded a channel.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
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
#[non_exhaustive]
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

/// An ärendetyp (`ärendetyp id "Namn" { … }`): what an inquiry names in `case_type`.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct Arendetyp {
    /// The id inquiries send (`bygglov`); matched exactly.
    pub id: String,
    /// The name as written (`Bygglov`).
    pub name: String,
    /// Its förvaltning: an index into [`Ruleset::forvaltningar`].
    pub forvaltning: usize,
    /// Declared frekvens per year of the ärendetyp as a whole.
    pub frekvens: Option<f64>,
    /// Search words (`sökord`) for staff looking for the ärendetyp.
    pub search_words: Vec<String>,
    /// Where the ärendetyp forwards (its own `vidarekoppla`, or its förvaltning's).
    pub target: Target,
    /// Guarded rules written directly in the ärendetyp.
    pub rules: Vec<RuleId>,
    /// The delmoment in file order, or one unit for the type itself.
    pub units: Vec<Unit>,
    /// Whether it has delmoment (otherwise `units` holds one unit for the type itself).
    pub has_parts: bool,
    /// Where the block starts.
    pub location: Location,
    /// The whole block, keyword to closing brace, for editors that add to it.
    #[serde(skip)]
    #[cfg_attr(not(feature = "studio"), allow(dead_code))]
    pub(crate) block: Span,
}

impl Arendetyp {
    /// The delmoment with this id; `None` if there is none (always, for an ärendetyp
    /// without delmoment).
    pub fn unit(&self, part: &str) -> Option<&Unit> {
        self.units.iter().find(|u| u.part.as_deref() == Some(part))
    }
}

/// A guarded rule: `om `villkor` => utfall`.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct Rule {
    /// The compiled condition (`villkor`), with its source text.
    #[serde(rename = "condition", serialize_with = "condition::serialize_source")]
    pub condition: Condition,
    /// What the rule gives when its condition is true (`docs/semantik.md` §5).
    pub outcome: Outcome,
    /// Its own forward target, when it forwards somewhere else than the unit would.
    pub target: Option<Target>,
    /// Where the rule is written; decisions cite it as `file:line`.
    pub location: Location,
    #[serde(skip)]
    pub(crate) span: Span,
}

/// A test written in the ruleset: an inquiry and the outcome the förvaltning agreed.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct TestCase {
    /// The test's name (`test "…"`).
    pub name: String,
    /// The ärendetyp id of the inquiry.
    pub case_type: String,
    /// The delmoment id, if the test names one.
    pub part: Option<String>,
    /// The channel as written, if the test names one.
    pub channel: Option<String>,
    /// The local time (ISO 8601), if the test names one.
    pub time: Option<String>,
    /// The inquiry's attributes.
    pub attributes: BTreeMap<String, AttrValue>,
    /// The outcome the förvaltning agreed (`förväntat`).
    pub expected: Outcome,
    /// The förvaltning id the inquiry should be forwarded to, if the test says.
    pub expected_forvaltning: Option<String>,
    /// Where the test is written.
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
    /// The `svar` files, read like scripts; they count towards the id too.
    #[serde(skip)]
    pub(crate) answer_files: Vec<Script>,
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

    /// The kommun-wide word groups the search treats as the same (`synonymer`), each
    /// group as written: `[["kom inte", "utebliven"], ["sopbil", "sophämtning"]]`.
    pub fn synonyms(&self) -> &[Vec<String>] {
        &self.policy.synonyms
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

    /// The guarded rules tried for `unit` of `typ`, in the order they are tried (§5):
    /// the delmoment's, the ärendetyp's, the förvaltning's, the policy's.
    pub fn unit_rules<'a>(
        &'a self,
        typ: &'a Arendetyp,
        unit: &'a Unit,
    ) -> impl Iterator<Item = RuleId> + 'a {
        unit.rules
            .iter()
            .chain(&typ.rules)
            .chain(&self.forvaltningar[typ.forvaltning].rules)
            .chain(&self.policy.rules)
            .copied()
    }

    /// The declared attributes the rules of `unit` may read, in the policy's order:
    /// what staff must know to decide it.
    pub fn unit_attributes(&self, typ: &Arendetyp, unit: &Unit) -> Vec<&Attribute> {
        let read: Vec<&str> = self
            .unit_rules(typ, unit)
            .flat_map(|id| self.rules[id].condition.attributes())
            .collect();
        self.policy
            .attributes
            .iter()
            .filter(|a| read.contains(&a.name.as_str()))
            .collect()
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

/// Whether two ids are equal, compared inline: ids are short, and for 4 to 32 bytes two
/// overlapping word loads each cost less than a call to `memcmp`.
#[inline]
pub(crate) fn same_id(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let n = a.len();
    if n != b.len() {
        false
    } else if !(4..=32).contains(&n) {
        a == b
    } else if n > 16 {
        word::<16>(a, 0) == word::<16>(b, 0) && word::<16>(a, n - 16) == word::<16>(b, n - 16)
    } else if n >= 8 {
        word::<8>(a, 0) == word::<8>(b, 0) && word::<8>(a, n - 8) == word::<8>(b, n - 8)
    } else {
        word::<4>(a, 0) == word::<4>(b, 0) && word::<4>(a, n - 4) == word::<4>(b, n - 4)
    }
}

/// The `N` bytes of `bytes` at `at`, as one value to compare.
#[inline(always)]
fn word<const N: usize>(bytes: &[u8], at: usize) -> [u8; N] {
    let mut word = [0; N];
    word.copy_from_slice(&bytes[at..at + N]);
    word
}

#[cfg(test)]
mod id_tests {
    use super::same_id;

    #[test]
    fn ids_compare_inline_as_they_compare_in_full() {
        let words = [
            "",
            "a",
            "ab",
            "abcd",
            "abce",
            "abcdefg",
            "abcdefgh",
            "abcdefgi",
            "bcdefgh",
            "sophamtning",
            "sophamtninG",
            "bygglov-status",
            "bygglov-statuz",
            "0123456789abcdef",
            "0123456789abcdeg",
            "ekonomiskt-bistand",
            "ekonomiskt-bistanD",
            "Ekonomiskt-bistand",
            "0123456789abcdefX",
            "0123456789abcdefY",
            "barnomsorgsavgift-inkomstuppgift",
            "barnomsorgsavgift-inkomstuppgifx",
            "besök",
            "besok",
            "åäö",
        ];
        for a in words {
            for b in words {
                assert_eq!(same_id(a, b), a == b, "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn a_difference_at_any_byte_of_any_length_is_seen() {
        let text = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH";
        for n in 0..=text.len() {
            let id = &text[..n];
            assert!(same_id(id, id), "{id:?}");
            for at in 0..n {
                let mut other = id.as_bytes().to_vec();
                other[at] = b'-';
                let other = String::from_utf8(other).expect("ASCII");
                assert!(!same_id(id, &other), "{id:?} {other:?}");
            }
        }
    }
}
