//! The report's rows and figures: what [`run`](super::run) computes and
//! `rosa dry-run --format json` writes. Plain data; the arithmetic is in `report`,
//! the wording in `wording` and the layout in `model`.

use super::rejection::Rejection;
use crate::model::ChannelSet;
use serde::Serialize;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Figures {
    /// Contacts per year.
    pub volume: f64,
    pub kundtjanst: f64,
    pub scripted: f64,
    pub forwarded: f64,
    /// Declared mode: volume whose outcome depends on guarded rules (not guessed).
    pub conditional: f64,
    /// The share handled: (kundtjanst + scripted) / volume. The three shares are
    /// defined here once, see [`Figures::set_shares`].
    pub share: f64,
    /// The scripted share: scripted / volume (part of `share`).
    pub scripted_share: f64,
    /// The share that depends on conditions: conditional / volume (declared mode).
    pub conditional_share: f64,
    /// The share handled if every conditional contact were handled:
    /// `share + conditional_share`, the upper end of the declared range.
    pub share_max: f64,
    /// Kundtjänst working hours per year for these contacts.
    pub kundtjanst_hours: f64,
    /// `kundtjanst_hours` in full-time posts (policy's productive hours per post).
    pub kundtjanst_fte: f64,
    /// Förvaltning hours per year no longer spent, because kundtjänst handles these.
    pub handed_over_hours: f64,
}

impl Figures {
    pub(super) fn add(&mut self, other: &Figures) {
        self.volume += other.volume;
        self.kundtjanst += other.kundtjanst;
        self.scripted += other.scripted;
        self.forwarded += other.forwarded;
        self.conditional += other.conditional;
        self.kundtjanst_hours += other.kundtjanst_hours;
        self.kundtjanst_fte += other.kundtjanst_fte;
        self.handed_over_hours += other.handed_over_hours;
        self.set_shares();
    }

    /// The three shares from the volumes: the one definition the dry-run, the studio
    /// and the desk preview read (docs/semantik.md, "The share").
    pub(super) fn set_shares(&mut self) {
        self.share = share(self.handled(), self.volume);
        self.scripted_share = share(self.scripted, self.volume);
        self.conditional_share = share(self.conditional, self.volume);
        self.share_max = share(self.handled() + self.conditional, self.volume);
    }

    /// Whether the share is a range: some contacts' outcome depends on conditions.
    pub fn depends_on_conditions(&self) -> bool {
        self.conditional > 0.0
    }

    pub fn handled(&self) -> f64 {
        self.kundtjanst + self.scripted
    }
}

pub(super) fn share(part: f64, whole: f64) -> f64 {
    if whole > 0.0 { part / whole } else { 0.0 }
}

#[derive(Debug, Clone, Serialize)]
pub struct ForvaltningRow {
    pub id: String,
    pub name: String,
    #[serde(flatten)]
    pub figures: Figures,
}

#[derive(Debug, Clone, Serialize)]
pub struct PartRow {
    pub part: Option<String>,
    pub name: String,
    pub level: u8,
    #[serde(flatten)]
    pub figures: Figures,
    /// Served channels in which it is forwarded although kundtjänst handles it in others
    /// (`kanaler`, `ej kanaler`), when no guarded rule decides. Declared volumes are
    /// decided without a channel, so they do not show this.
    pub forwarded_channels: ChannelSet,
}

#[derive(Debug, Clone, Serialize)]
pub struct ArendetypRow {
    pub id: String,
    pub name: String,
    pub forvaltning: String,
    #[serde(flatten)]
    pub figures: Figures,
    /// Frekvens per year as declared in the rule files.
    pub declared_per_year: Option<f64>,
    /// Log mode: contacts per year seen in the log.
    pub observed_per_year: Option<f64>,
    /// Inquiries naming a delmoment the type does not have (forwarded).
    pub unknown_part: f64,
    /// Every channel in which one of its units is forwarded although handled in others.
    pub forwarded_channels: ChannelSet,
    pub parts: Vec<PartRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SystemRow {
    pub name: String,
    pub access: bool,
    /// Volume kundtjänst handles in units that use this system.
    pub handled_volume_using: f64,
    /// Volume forwarded now that kundtjänst would handle with access to this system.
    pub blocked_volume: f64,
    pub blocked_handed_over_hours: f64,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct HourStaffing {
    /// 1 = måndag … 7 = söndag; 0 for the average open hour.
    pub weekday: u8,
    pub hour: u8,
    pub calls_per_hour: f64,
    pub aht_seconds: f64,
    pub agents: u32,
    pub rostered: u32,
    pub service_level: f64,
    pub asa_seconds: f64,
    pub occupancy: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct StaffingReport {
    pub model: &'static str,
    pub assumptions: Vec<String>,
    pub target_share: f64,
    pub target_seconds: f64,
    pub max_occupancy: f64,
    pub shrinkage: f64,
    /// Phone contacts per year that kundtjänst answers (handled and forwarded).
    pub phone_volume_per_year: f64,
    pub open_hours_per_week: f64,
    /// The average open hour.
    pub average: Option<HourStaffing>,
    /// The busiest hour of the week (log with timestamps).
    pub peak: Option<HourStaffing>,
    /// Per open hour of the week (log with timestamps).
    pub hours: Vec<HourStaffing>,
    /// Phone contacts per week that arrived outside opening hours (not staffed for).
    pub outside_opening_per_week: f64,
    pub error: Option<String>,
    /// The posts (årsarbetare) kundtjänst needs: `fte_phone + fte_other`.
    pub fte_total: f64,
    /// Rostered phone staff-hours over the year's open days / productive hours per post.
    pub fte_phone: f64,
    /// Other channels: their hours / max occupancy / (1 − shrinkage) / productive hours.
    pub fte_other: f64,
    /// Rostered staff summed over the open hours of a week (per hour of the week with
    /// timestamps, else the average open hour × open hours).
    pub phone_rostered_hours_per_week: f64,
    /// The year whose open days the posts are counted for.
    pub calendar_year: i16,
    /// Open hours in that year, public holidays and closed aftnar left out.
    pub open_hours_per_year: f64,
    /// Rostered staff summed over the open hours of that year.
    pub phone_rostered_hours_per_year: f64,
    /// Kundtjänst handling hours per year on phone calls, and on every other channel.
    pub phone_hours_per_year: f64,
    pub other_hours_per_year: f64,
    /// How the posts are computed, in Swedish, with the figures.
    pub fte_formula: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FinancingRow {
    /// The förvaltning's id; `okand` for unknown ärendetyper (forwarded by the reserv).
    pub id: String,
    pub name: String,
    /// Share of kundtjänst's working hours spent on this förvaltning's inquiries; the
    /// rows sum to 1.
    pub budget_share: f64,
    pub kundtjanst_hours: f64,
    /// `budget_share × staffing.fte_total`.
    pub fte: f64,
    /// `fte × cost_per_fte`, when a cost per post is given.
    pub cost: Option<f64>,
    /// Förvaltning hours per year no longer spent because kundtjänst handles them.
    pub relieved_hours: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Financing {
    /// Kronor per post and year (`--cost-per-fte`).
    pub cost_per_fte: Option<f64>,
    pub rows: Vec<FinancingRow>,
    /// What the shares are shares of, in Swedish.
    pub basis: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Annualisation {
    /// `declared` or `log`.
    pub mode: &'static str,
    pub log: Option<String>,
    pub rows: u64,
    pub period_days: Option<f64>,
    /// `timestamps`, `period` or `declared`.
    pub period_source: &'static str,
    /// Log counts are multiplied by this to give contacts per year.
    pub factor: f64,
    /// Log mode: physical lines in the log, which add up as
    /// `lines_read = header_lines + rows_decided + rows_rejected + blank_lines`.
    pub lines_read: Option<u64>,
    pub header_lines: Option<u64>,
    pub rows_decided: Option<u64>,
    /// Physical lines rejected: a record that swallowed lines counts each of them.
    pub rows_rejected: Option<u64>,
    pub blank_lines: Option<u64>,
    /// In Swedish, for the report.
    pub description: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct UnknownType {
    pub case_type: String,
    pub volume: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct UnknownChannel {
    pub channel: String,
    /// Log rows in this channel (decided, forwarded), not annualised.
    pub rows: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct RejectedRow {
    pub line: u64,
    /// The last line the rejection covers (greater than `line` when a quoted field
    /// swallowed the lines after it).
    pub last_line: u64,
    pub reason: String,
    /// The same reason, typed.
    #[serde(skip)]
    pub problem: Rejection,
}

impl RejectedRow {
    /// The kind of problem, in Swedish: what the report groups rows by.
    pub fn group(&self) -> String {
        self.problem.group()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Rejected {
    pub total: u64,
    /// The first rows in detail (at most 1,000).
    pub rows: Vec<RejectedRow>,
}

/// The dry-run's figures for one ruleset, as [`run`](super::run) computes them and
/// `rosa dry-run --format json` writes them. Volumes are contacts per year (a log is
/// scaled to a year, see `volumes`), hours are per year, shares are 0–1.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The kommun's name, from the policy.
    pub kommun: String,
    /// The kommunkod, from the policy.
    pub kommunkod: String,
    /// The kundtjänst's name, from the policy (`kundtjänst "…"`).
    pub kundtjanst: String,
    /// The day the report was made (Swedish time), `YYYY-MM-DD`.
    pub date: String,
    /// The [ruleset id](crate::Ruleset::id) the figures come from.
    pub ruleset: String,
    /// The policy's goal for the share kundtjänst handles (`mål`).
    pub goal_share: f64,
    /// Whether `total.share` reaches `goal_share`.
    pub meets_goal: bool,
    /// Where the volumes come from (`mode`: `declared` or `log`) and how a log is scaled
    /// to a year (`factor`, `period_days`, `period_source`).
    pub volumes: Annualisation,
    /// All contacts: `volume`, by outcome (`kundtjanst`, `scripted`, `forwarded`,
    /// `conditional`), `share` handled by kundtjänst, `kundtjanst_hours`,
    /// `kundtjanst_fte` and `handed_over_hours`; unknown ärendetyper count as forwarded.
    pub total: Figures,
    /// The same figures per förvaltning, in file order.
    pub forvaltningar: Vec<ForvaltningRow>,
    /// The same figures per ärendetyp, in file order, with each delmoment in `parts`.
    pub arendetyper: Vec<ArendetypRow>,
    /// Phone staffing by Erlang C for the average open hour and, with timestamps, per
    /// hour of the week; `error` says why it could not be computed.
    pub staffing: StaffingReport,
    /// Per system in the policy: the volume handled with it, and for a system
    /// kundtjänst lacks, the forwarded volume and förvaltning hours access would move.
    pub systems: Vec<SystemRow>,
    /// Ärendetyp ids in the log that the ruleset does not have, largest volume first.
    pub unknown_case_types: Vec<UnknownType>,
    /// Volume of unknown ärendetyper beyond the first 10,000 distinct ids, counted
    /// together.
    pub unknown_case_types_other: f64,
    /// Log rows in a channel the engine does not know: decided (forwarded) and counted,
    /// most rows first.
    pub unknown_channels: Vec<UnknownChannel>,
    /// Who pays for kundtjänst: each förvaltning's share of its working hours, in
    /// posts and kronor.
    pub financing: Financing,
    /// Kandidater till nästa workshop: forwarded units at levels kundtjänst may handle,
    /// most förvaltning hours first, with what blocks each and what it would take.
    pub candidates: Vec<Candidate>,
    /// Log lines that could not be used: how many (a record that swallowed lines counts
    /// each), and the first 1,000 rejections with line range and reason.
    pub rejected: Rejected,
    /// The assumptions behind the figures, in Swedish, for the report's reader.
    pub assumptions: Vec<String>,
}

/// One unit that could move to kundtjänst.
#[derive(Debug, Clone, Serialize)]
pub struct Candidate {
    /// The ärendetyp id.
    pub arendetyp: String,
    /// The delmoment id, when it is one.
    pub part: Option<String>,
    /// The unit's name (ärendetyp, and delmoment after a comma).
    pub name: String,
    /// The förvaltning id.
    pub forvaltning: String,
    /// Its ROSA level.
    pub level: u8,
    /// Contacts per year forwarded today.
    pub forwarded_volume: f64,
    /// Förvaltning hours per year that would move to kundtjänst.
    pub hours: f64,
    /// Kundtjänst hours per year it would take.
    pub kundtjanst_hours: f64,
    /// `kundtjanst_hours` in posts (the policy's productive hours per post).
    pub kundtjanst_fte: f64,
    /// The method's failing criteria, in its own Swedish sentences.
    pub blocked_by: Vec<String>,
    /// What it would take; JSON and reports in Swedish.
    pub would_take: Vec<Requirement>,
}

/// What it would take to move a candidate to kundtjänst.
#[derive(Debug, Clone, PartialEq)]
pub enum Requirement {
    /// Access to this system, which kundtjänst lacks.
    SystemAccess(String),
    /// A script from the förvaltning.
    Script,
    /// The policy's frequency threshold lowered to the unit's frekvens per year.
    LowerThreshold(f64),
    /// The unit's channels opened to kundtjänst.
    OpenChannels,
    /// Another level.
    OtherLevel,
    /// Nothing can: the unit is under sekretess.
    NoSekretess,
    /// A changed agreement (`överenskommelse`).
    ChangedAgreement,
    /// Kundtjänst handling it in these channels too (`kanaler`, `ej kanaler`).
    HandleIn(ChannelSet),
    /// Changed guarded rules (`om …`).
    ChangedConditions,
}
