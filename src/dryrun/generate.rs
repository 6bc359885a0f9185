//! A realistic, reproducible inquiry log for a ruleset: `rosa generate-log`.
//!
//! Rows are drawn in proportion to the declared volumes, spread over a year with a
//! weekly and seasonal rhythm; phone, chat and visits fall within opening hours, the
//! written channels at any time of day. A few rows name unknown ärendetyper and a few
//! are broken on purpose, so a dry-run shows how it reports them. The same seed always
//! gives the same log, and the log is written day by day, so memory stays small.

use super::aggregate::declared_volume;
use crate::model::Ruleset;
use crate::model::{AttrKind, Attribute};
use jiff::ToSpan;
use jiff::civil::Date;
use std::io::{self, Write};

/// What log [`generate`] writes. The default: CSV, the year 2026, seed 2026, as many
/// rows as the declared yearly volume, 0.5 % unknown ärendetyper and 0.1 % broken rows.
#[derive(Debug, Clone)]
pub struct GenerateOptions {
    /// Rows to write; `None`: the ruleset's declared yearly volume (a year of inquiries).
    pub rows: Option<u64>,
    /// Seed of the random numbers: the same seed and ruleset give the same log.
    pub seed: u64,
    /// The calendar year the rows' times fall in.
    pub year: i32,
    /// Share of rows with an ärendetyp the ruleset does not know.
    pub unknown_share: f64,
    /// Share of rows that are broken (missing type, bad time, unknown channel, short row);
    /// the dry-run decides an unknown channel (forwarded) and rejects the rest.
    pub broken_share: f64,
    /// Write JSON Lines instead of CSV with a header row.
    pub json_lines: bool,
}

impl Default for GenerateOptions {
    fn default() -> Self {
        GenerateOptions {
            rows: None,
            seed: 2026,
            year: 2026,
            unknown_share: 0.005,
            broken_share: 0.001,
            json_lines: false,
        }
    }
}

/// What [`generate`] wrote.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GenerateStats {
    /// Rows written (without the header row).
    pub rows: u64,
    /// Rows naming an ärendetyp the ruleset does not have.
    pub unknown: u64,
    /// Rows broken on purpose (missing ärendetyp, bad time, unknown channel, short row);
    /// those with an unknown channel are decided, not rejected.
    pub broken: u64,
}

const CHANNELS: [(&str, f64, bool); 8] = [
    // name, share, arrives only when open
    ("telefon", 0.55, true),
    ("e-post", 0.18, false),
    ("webb", 0.10, false),
    ("chatt", 0.07, true),
    ("besök", 0.06, true),
    ("brev", 0.02, false),
    ("sociala-medier", 0.01, false),
    ("sms", 0.01, false),
];

const UNKNOWN_TYPES: [&str; 6] = [
    "parkeringsbot-overklagan",
    "lantmateri-fastighetsbildning",
    "vigsel-utomlands",
    "skatteaterbaring",
    "passansokan",
    "hittegods",
];

/// Relative volume per month (January first): summer is quiet, August and January busy.
const SEASON: [f64; 12] = [
    1.1, 1.05, 1.0, 1.0, 1.0, 0.95, 0.6, 1.1, 1.1, 1.0, 1.0, 0.85,
];
/// Relative volume per weekday (Monday first).
const WEEKDAY: [f64; 7] = [1.25, 1.05, 1.0, 0.95, 0.8, 0.15, 0.1];

/// Write a log for `ruleset` to `out`; returns what was written.
///
/// # Errors
///
/// Writing to `out` fails, or the ruleset declares no frekvens to draw rows from.
pub fn generate(
    ruleset: &Ruleset,
    options: &GenerateOptions,
    out: &mut impl Write,
) -> io::Result<GenerateStats> {
    let mut rng = SplitMix(options.seed);
    let units = weighted_units(ruleset, &mut rng);
    let rows = options.rows.unwrap_or_else(|| declared_total(ruleset));
    if units.is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "regeluppsättningen har ingen deklarerad frekvens att fördela",
        ));
    }
    let attributes = &ruleset.policy.attributes;
    if !options.json_lines {
        write!(out, "tid,arendetyp,delmoment,kanal")?;
        for a in attributes {
            write!(out, ",{}", a.name)?;
        }
        writeln!(out)?;
    }
    let days = year_days(options.year)?;
    let total_weight: f64 = days.iter().map(|d| d.weight).sum();
    let mut stats = GenerateStats::default();
    let mut written_target = 0.0;
    for day in &days {
        written_target += rows as f64 * day.weight / total_weight;
        let count = (written_target.round() as u64).saturating_sub(stats.rows);
        let mut rows: Vec<(u32, String)> = (0..count)
            .map(|_| row(ruleset, &units, options, day, &mut rng, &mut stats))
            .collect();
        rows.sort_by_key(|r| r.0);
        for (_, line) in rows {
            out.write_all(line.as_bytes())?;
        }
        stats.rows += count;
    }
    Ok(stats)
}

struct Day {
    date: Date,
    weekday: usize,
    weight: f64,
}

fn year_days(year: i32) -> io::Result<Vec<Day>> {
    // Only years that `LocalTime::parse` reads back.
    let first = i16::try_from(year)
        .ok()
        .filter(|y| (0..=9999).contains(y))
        .and_then(|y| Date::new(y, 1, 1).ok())
        .ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("året måste vara 0–9999, inte {year}"),
            )
        })?;
    Ok(first
        .series(1.day())
        .take_while(|d| d.year() == first.year())
        .map(|date| {
            let weekday = date.weekday().to_monday_zero_offset().unsigned_abs() as usize;
            Day {
                date,
                weekday,
                weight: SEASON[date.month().unsigned_abs() as usize - 1] * WEEKDAY[weekday],
            }
        })
        .collect())
}

/// The declared contacts of a year, rounded to a thousand.
fn declared_total(ruleset: &Ruleset) -> u64 {
    let total: f64 = ruleset
        .arendetyper
        .iter()
        .map(|t| {
            (0..t.units.len())
                .map(|u| declared_volume(t, u))
                .sum::<f64>()
        })
        .sum();
    ((total / 1000.0).round() * 1000.0) as u64
}

/// Units with their cumulative volume, for sampling: the declared volume times a
/// factor of 0.7–1.3, since real volumes never match a workshop's estimate exactly.
fn weighted_units(ruleset: &Ruleset, rng: &mut SplitMix) -> Vec<(f64, usize, usize)> {
    let mut cumulative = 0.0;
    let mut out = Vec::new();
    for (t, typ) in ruleset.arendetyper.iter().enumerate() {
        for u in 0..typ.units.len() {
            let v = declared_volume(typ, u) * (0.7 + 0.6 * rng.unit());
            if v > 0.0 {
                cumulative += v;
                out.push((cumulative, t, u));
            }
        }
    }
    out
}

fn row(
    ruleset: &Ruleset,
    units: &[(f64, usize, usize)],
    options: &GenerateOptions,
    day: &Day,
    rng: &mut SplitMix,
    stats: &mut GenerateStats,
) -> (u32, String) {
    let (t, u) = sample_unit(units, rng);
    let unit = &ruleset.arendetyper[t].units[u];
    let channel = pick_channel(rng, unit.channels);
    let minute = pick_minute(ruleset, day, channel.2, rng);
    let mut time = format!("{}T{:02}:{:02}", day.date, minute / 60, minute % 60);
    let mut case_type;
    let mut part = String::new();
    if rng.chance(options.unknown_share) {
        stats.unknown += 1;
        case_type = UNKNOWN_TYPES[rng.below(UNKNOWN_TYPES.len())].to_string();
    } else {
        case_type = ruleset.arendetyper[t].id.clone();
        // The first delmoment is also what an inquiry naming no delmoment gets.
        if let Some(p) = &unit.part
            && (u > 0 || rng.chance(0.5))
        {
            part = p.clone();
        }
    }
    let mut channel_name = channel.0.to_string();
    let attrs: Vec<String> = ruleset
        .policy
        .attributes
        .iter()
        .map(|a| attribute_value(a, rng))
        .collect();
    let mut short = false;
    if rng.chance(options.broken_share) {
        stats.broken += 1;
        match rng.below(4) {
            0 => case_type.clear(),
            1 => time = format!("{}T25:{:02}", day.date, minute % 60),
            2 => channel_name = "fax".into(),
            _ => short = true,
        }
    }
    let line = if options.json_lines {
        let line = json_line(
            &time,
            &case_type,
            &part,
            &channel_name,
            &ruleset.policy.attributes,
            &attrs,
        );
        if short {
            line.replacen("}\n", "\n", 1)
        } else {
            line
        }
    } else {
        let mut fields = vec![time, case_type, part, channel_name];
        fields.extend(attrs);
        if short {
            fields.pop(); // a row with one field too few, as when an export is cut off
        }
        format!("{}\n", fields.join(","))
    };
    (minute, line)
}

fn json_line(
    time: &str,
    case_type: &str,
    part: &str,
    channel: &str,
    names: &[Attribute],
    values: &[String],
) -> String {
    let mut object = serde_json::Map::new();
    object.insert("tid".into(), time.into());
    object.insert("arendetyp".into(), case_type.into());
    if !part.is_empty() {
        object.insert("delmoment".into(), part.into());
    }
    object.insert("kanal".into(), channel.into());
    for (name, value) in names.iter().zip(values) {
        let v = match crate::model::AttrValue::from_text(value) {
            crate::model::AttrValue::Bool(b) => serde_json::Value::Bool(b),
            crate::model::AttrValue::Number(n) => serde_json::json!(n),
            crate::model::AttrValue::Text(t) => serde_json::Value::String(t),
        };
        object.insert(name.name.clone(), v);
    }
    format!("{}\n", serde_json::Value::Object(object))
}

/// Values for declared attributes: by their type, or for an untyped one by its name
/// (amounts and ages are numbers); flags are seldom true.
fn attribute_value(attribute: &Attribute, rng: &mut SplitMix) -> String {
    let name = attribute.name.as_str();
    let amount = ["belopp", "summa", "kostnad"]
        .iter()
        .any(|w| name.contains(w));
    match attribute.kind {
        Some(AttrKind::Number) | None if amount => {
            return format!("{}", 100 * (1 + rng.below(150)));
        }
        Some(AttrKind::Number) => return format!("{}", rng.below(90)),
        Some(AttrKind::Text) => return ["a", "b", "c"][rng.below(3)].to_string(),
        _ => {}
    }
    if attribute.kind.is_none() && ["alder", "ålder", "antal"].iter().any(|w| name.contains(w)) {
        return format!("{}", 100 * (1 + rng.below(150)));
    }
    if ["alder", "ålder", "antal"].iter().any(|w| name.contains(w)) {
        return format!("{}", rng.below(90));
    }
    if rng.chance(0.03) {
        "ja".into()
    } else {
        "nej".into()
    }
}

/// `units` is never empty: [`generate`] refuses a ruleset without declared volume.
fn sample_unit(units: &[(f64, usize, usize)], rng: &mut SplitMix) -> (usize, usize) {
    let total = units.last().map_or(0.0, |u| u.0);
    let x = rng.unit() * total;
    let i = units.partition_point(|u| u.0 <= x).min(units.len() - 1);
    (units[i].1, units[i].2)
}

/// A channel from the overall mix; for a unit with its own `kanaler`, mostly one of
/// those (people do sometimes write about a phone-only matter).
fn pick_channel(
    rng: &mut SplitMix,
    allowed: Option<crate::model::ChannelSet>,
) -> (&'static str, f64, bool) {
    let fits = |c: &(&str, f64, bool)| {
        allowed
            .is_none_or(|set| crate::model::Channel::parse(c.0).is_some_and(|ch| set.contains(ch)))
    };
    let restrict = allowed.is_some() && CHANNELS.iter().any(fits) && rng.chance(0.9);
    let candidates: Vec<(&str, f64, bool)> = CHANNELS
        .iter()
        .copied()
        .filter(|c| !restrict || fits(c))
        .collect();
    let total: f64 = candidates.iter().map(|c| c.1).sum();
    let x = rng.unit() * total;
    let mut acc = 0.0;
    for c in &candidates {
        acc += c.1;
        if x < acc {
            return *c;
        }
    }
    candidates[0]
}

/// A minute of the day: within opening hours (busiest mid-morning) for live channels.
fn pick_minute(ruleset: &Ruleset, day: &Day, live: bool, rng: &mut SplitMix) -> u32 {
    let open = ruleset
        .policy
        .opening_hours
        .iter()
        .find(|o| usize::from(o.weekday) == day.weekday + 1);
    match (live, open) {
        (true, Some(o)) if o.closes > o.opens => {
            let (opens, closes) = (o.opens, o.closes);
            // Two uniform draws averaged give a hump; the power moves it to mid-morning.
            let span = f64::from(closes - opens);
            let x = ((rng.unit() + rng.unit()) / 2.0).powf(1.5);
            opens + ((x * span) as u32).min(closes - opens - 1)
        }
        _ => 7 * 60 + rng.below(15 * 60) as u32,
    }
}

/// SplitMix64: small, fast, and the same sequence on every platform.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn below(&mut self, n: usize) -> usize {
        (self.unit() * n as f64) as usize % n.max(1)
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
}
