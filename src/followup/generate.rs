//! A realistic, reproducible year after go-live for a ruleset (`rosa uppföljning
//! --generera KATALOG`): the decision logs `rosa serve` would have written, month by
//! month (older months gzipped, as rotation leaves them), and the case system's export
//! of what happened to each contact. The contacts are the dry-run's generated
//! inquiry log (seasonal, weekly rhythm, unknown ärendetyper); the agreement changes
//! mid-year (kundtjänst gets access to a system on 1 July); and deviations are planted
//! for the report to find. The same seed gives the same files.

use crate::clock::LocalTime;
use crate::dryrun::{self, GenerateOptions as InquiryOptions};
use crate::engine::{Basis, Engine, Inquiry};
use crate::model::{Outcome, Ruleset};
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// What [`generate`] writes.
#[derive(Debug, Clone)]
pub struct GenerateOptions {
    /// Contacts in the year; `None`: the ruleset's declared yearly volume.
    pub contacts: Option<u64>,
    /// Seed of the random numbers: the same seed gives the same files.
    pub seed: u64,
    /// The calendar year.
    pub year: i32,
}

impl Default for GenerateOptions {
    fn default() -> Self {
        GenerateOptions {
            contacts: None,
            seed: 2026,
            year: 2026,
        }
    }
}

/// What [`generate`] wrote and planted, for the reader (and the test that checks the
/// report finds each of them).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Planted {
    /// The earlier ruleset's directory (the agreement before the change).
    pub earlier_dir: PathBuf,
    /// The system kundtjänst got access to, and the first day it did.
    pub system: String,
    /// `YYYY-MM-DD`.
    pub change_date: String,
    /// Decision-log lines written, and files.
    pub lines: u64,
    /// Per file.
    pub files: Vec<PathBuf>,
    /// The case-system export.
    pub export: PathBuf,
    /// Handled by agreement, forwarded in practice: the unit's name and its rows.
    pub not_followed: (String, u64),
    /// Forwarded by agreement, solved by kundtjänst: the unit's name and its rows.
    pub solved_anyway: (String, u64),
    /// An ärendetyp only the case system knows, and its rows.
    pub unknown_in_export: (String, u64),
    /// A unit no contact reaches.
    pub never_seen: String,
    /// The hour with a burst of phone calls (`YYYY-MM-DD`, hour) and its calls.
    pub busy_hour: (String, u8, u64),
}

/// An ärendetyp the case system has and the ruleset does not.
const UNKNOWN_IN_EXPORT: &str = "laddstolpe-ansokan";
const UNKNOWN_ROWS: u64 = 500;
/// Share of the planted unit's contacts the case system says were forwarded.
const NOT_FOLLOWED_SHARE: f64 = 0.4;
/// Calls planted in one hour: many times what any plan assumes.
const BURST: u64 = 400;
/// The month the agreement changes (1 July).
const CHANGE_MONTH: i8 = 7;

/// Most contacts [`generate`] writes in a year: the year is built in memory.
pub const MAX_CONTACTS: u64 = 10_000_000;

/// Write a year into `dir`: `regler-fore/` (the earlier ruleset), `loggar/` (decision
/// logs) and `arenden.csv` (the case-system export). `dir` must be new or empty, and
/// outside the ruleset's directory.
///
/// # Errors
///
/// More than [`MAX_CONTACTS`], an output folder that is not empty or lies inside the
/// ruleset, a file that cannot be written, a ruleset without declared frekvens, or one
/// whose policy has no system kundtjänst has access to that a unit uses.
pub fn generate(
    current: &Ruleset,
    options: &GenerateOptions,
    dir: &Path,
) -> Result<Planted, super::FollowupError> {
    let err = |e: String| super::FollowupError(e);
    if options.contacts.is_some_and(|n| n > MAX_CONTACTS) {
        return Err(err(
            "--contacts: högst 10 000 000 kontakter går att generera".into(),
        ));
    }
    check_output_dir(current.root(), dir)?;
    let system = changed_system(current)
        .ok_or_else(|| err("regeluppsättningen har inget system som kundtjänst använder".into()))?;
    let earlier_dir = dir.join("regler-fore");
    write_earlier(current, &system, &earlier_dir)?;
    let earlier = Ruleset::load(&earlier_dir).map_err(|d| {
        err(format!(
            "den tidigare regeluppsättningen går inte att läsa: {}",
            d.render()
        ))
    })?;
    let mut year = Year::new(current, &earlier, options, &system);
    let mut lines = LineSink {
        year: &mut year,
        pending: Vec::new(),
    };
    dryrun::generate(
        current,
        &InquiryOptions {
            rows: options.contacts,
            seed: options.seed,
            year: options.year,
            broken_share: 0.0,
            json_lines: true,
            ..InquiryOptions::default()
        },
        &mut lines,
    )
    .map_err(|e| err(e.to_string()))?;
    lines.finish();
    year.burst();
    year.unknown_in_export();
    year.write(dir)
}

/// Refuse an output folder that has files (nothing is overwritten) or lies inside the
/// ruleset's directory (the copy of the rules would be read as part of them).
fn check_output_dir(root: &Path, dir: &Path) -> Result<(), super::FollowupError> {
    let shown = || crate::terminal::terminal_safe(&dir.display().to_string()).into_owned();
    if std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some()) {
        return Err(super::FollowupError(format!(
            "`{}` finns redan och är inte tom; rosa skriver inte över befintliga filer (välj ett nytt katalognamn)",
            shown()
        )));
    }
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    if resolved(dir).starts_with(&root) {
        return Err(super::FollowupError(format!(
            "`{}` ligger i regelkatalogen; välj en katalog utanför den",
            shown()
        )));
    }
    Ok(())
}

/// `path` made absolute through its nearest existing ancestor (the rest need not exist).
fn resolved(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut missing = Vec::new();
    let mut existing = absolute.as_path();
    loop {
        if let Ok(real) = existing.canonicalize() {
            return missing.iter().rev().fold(real, |p, part| p.join(part));
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                missing.push(name.to_os_string());
                existing = parent;
            }
            _ => return absolute,
        }
    }
}

/// Hands each complete line the inquiry generator writes to the year, so the
/// generated inquiries are never held in memory together.
struct LineSink<'y, 'a> {
    year: &'y mut Year<'a>,
    pending: Vec<u8>,
}

impl LineSink<'_, '_> {
    fn finish(self) {
        if !self.pending.is_empty() {
            self.year.contact(&self.pending);
        }
    }
}

impl std::io::Write for LineSink<'_, '_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.pending.extend_from_slice(buf);
        let mut start = 0;
        while let Some(end) = self.pending[start..].iter().position(|b| *b == b'\n') {
            let line = &self.pending[start..start + end];
            if !line.is_empty() {
                self.year.contact(line);
            }
            start += end + 1;
        }
        self.pending.drain(..start);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The system kundtjänst has that the fewest units (with volume) use, a specialised
/// one: the one it "got" mid-year.
fn changed_system(r: &Ruleset) -> Option<String> {
    r.systems
        .iter()
        .enumerate()
        .filter(|(_, s)| s.access)
        .map(|(id, s)| {
            let users = r
                .arendetyper
                .iter()
                .flat_map(|t| &t.units)
                .filter(|u| u.systems.contains(&id) && u.frekvens.is_some_and(|f| f > 0.0))
                .count();
            (users, s.name.clone())
        })
        .filter(|(users, _)| *users > 0)
        .min()
        .map(|(_, name)| name)
}

/// A copy of the ruleset's rule files, scripts and answer files (from memory, as
/// loaded; nothing else in its directory) where kundtjänst lacks `system` (`övriga
/// system`).
fn write_earlier(current: &Ruleset, system: &str, out: &Path) -> Result<(), super::FollowupError> {
    let err = |e: String| super::FollowupError(e);
    let mut edited = false;
    let mut files: Vec<(PathBuf, std::borrow::Cow<str>)> = Vec::new();
    for (_, file) in current.sources().files() {
        let mut text = std::borrow::Cow::Borrowed(file.text.as_str());
        // Only the policy file: units name their systems with `system` too.
        let is_policy = text
            .lines()
            .any(|l| l.trim_start().starts_with("kundtjänst \""));
        if !edited
            && is_policy
            && let Some(changed) = without_access(&text, system)
        {
            text = std::borrow::Cow::Owned(changed);
            edited = true;
        }
        files.push((file.path.clone(), text));
    }
    if !edited {
        return Err(err(format!(
            "systemet {system} står inte i policyns `system`-rad"
        )));
    }
    for script in current.scripts.iter().chain(&current.answer_files) {
        files.push((PathBuf::from(&script.path), script.text.as_str().into()));
    }
    for (relative, text) in files {
        let target = inside(out, &relative).ok_or_else(|| {
            err(format!(
                "filen `{}` ligger utanför regelkatalogen",
                crate::terminal::terminal_safe(&relative.display().to_string())
            ))
        })?;
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| err(format!("kan inte kopiera reglerna: {e}")))?;
        }
        crate::files::write_file(&target, text.as_bytes()).map_err(|e| {
            err(format!(
                "kan inte kopiera reglerna: `{}` {}",
                crate::terminal::terminal_safe(&target.display().to_string()),
                e.reason()
            ))
        })?;
    }
    Ok(())
}

/// `relative` under `dir`, or `None` when it is absolute or climbs out (`..`).
fn inside(dir: &Path, relative: &Path) -> Option<PathBuf> {
    use std::path::Component;
    let mut target = dir.to_path_buf();
    for part in relative.components() {
        match part {
            Component::Normal(name) => target.push(name),
            Component::CurDir => {}
            _ => return None,
        }
    }
    (target != dir).then_some(target)
}

/// The policy text with `system` moved from the `system` line to `övriga system`.
fn without_access(text: &str, system: &str) -> Option<String> {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let i = lines.iter().position(|l| {
        let t = l.trim_start();
        t.starts_with("system ") && t.split([' ', ',']).any(|w| w == system)
    })?;
    let indent: String = lines[i].chars().take_while(|c| c.is_whitespace()).collect();
    let names: Vec<String> = lines[i].trim_start()["system ".len()..]
        .split(',')
        .map(str::trim)
        .filter(|n| *n != system && !n.is_empty())
        .map(str::to_string)
        .collect();
    let kept = format!("{indent}system {}", names.join(", "));
    match lines
        .iter()
        .position(|l| l.trim_start().starts_with("övriga system "))
    {
        Some(j) => lines[j] = format!("{}, {system}", lines[j]),
        None => lines.insert(i + 1, format!("{indent}övriga system {system}")),
    }
    if names.is_empty() {
        lines.remove(i);
    } else {
        lines[i] = kept;
    }
    Some(lines.join("\n") + "\n")
}

/// One month's decision log as it is written.
enum MonthLog {
    Gzip(Box<flate2::write::GzEncoder<Vec<u8>>>),
    Plain(Vec<u8>),
}

impl MonthLog {
    /// Month `index` (0–11): the last one plain, as the live file is.
    fn new(index: usize) -> MonthLog {
        if index < 11 {
            MonthLog::Gzip(Box::new(flate2::write::GzEncoder::new(
                Vec::new(),
                flate2::Compression::default(),
            )))
        } else {
            MonthLog::Plain(Vec::new())
        }
    }
}

impl std::io::Write for MonthLog {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            MonthLog::Gzip(gz) => gz.write(buf),
            MonthLog::Plain(bytes) => bytes.write(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            MonthLog::Gzip(gz) => gz.flush(),
            MonthLog::Plain(_) => Ok(()),
        }
    }
}

/// The year being written: decision-log lines per month and the export's rows.
struct Year<'a> {
    current: &'a Ruleset,
    earlier: &'a Ruleset,
    engines: [Engine; 2],
    change: jiff::civil::Date,
    /// January–November compressed as they are written, December plain.
    months: Vec<MonthLog>,
    export: Vec<u8>,
    planted: Planted,
    /// The units whose rows are planted: (ärendetyp, delmoment).
    not_followed: (String, Option<String>),
    solved_anyway: (String, Option<String>),
    never_seen: (String, Option<String>),
    rng: u64,
}

impl<'a> Year<'a> {
    fn new(
        current: &'a Ruleset,
        earlier: &'a Ruleset,
        options: &GenerateOptions,
        system: &str,
    ) -> Year<'a> {
        let year = i16::try_from(options.year).unwrap_or(2026);
        let change =
            jiff::civil::Date::new(year, CHANGE_MONTH, 1).unwrap_or(jiff::civil::date(2026, 7, 1));
        let engine = Engine::new(current);
        let pick = |want: Outcome, skip: usize| {
            planted_unit(current, &engine, want, skip).unwrap_or_default()
        };
        let mut planted = Planted {
            system: system.to_string(),
            change_date: change.to_string(),
            ..Planted::default()
        };
        let not_followed = pick(Outcome::Kundtjanst, 0);
        let solved_anyway = pick(Outcome::Forwarded, 0);
        let never_seen = pick(Outcome::Kundtjanst, 1);
        planted.not_followed.0 = name_of(current, &not_followed);
        planted.solved_anyway.0 = name_of(current, &solved_anyway);
        planted.never_seen = name_of(current, &never_seen);
        Year {
            current,
            earlier,
            engines: [engine, Engine::new(earlier)],
            change,
            months: (0..12).map(MonthLog::new).collect(),
            export: "tid,arendetyp,delmoment,kanal,resultat,enkel,besvarad\n".into(),
            planted,
            not_followed,
            solved_anyway,
            never_seen,
            rng: options.seed ^ 0x5eed,
        }
    }

    fn next(&mut self) -> f64 {
        // SplitMix64, as the dry-run's generator.
        self.rng = self.rng.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.rng;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }

    /// One generated inquiry (a JSON line of the dry-run's generator): decided by the
    /// ruleset in force that day, logged, and exported with its result.
    fn contact(&mut self, json: &[u8]) {
        let Ok(v) = serde_json::from_slice::<serde_json::Value>(json) else {
            return;
        };
        let text = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
        let (Some(time), Some(case_type)) = (text("tid"), text("arendetyp")) else {
            return;
        };
        let part = text("delmoment");
        let channel = text("kanal");
        let key = (case_type.clone(), part.clone());
        if key == self.never_seen || (part.is_none() && key.0 == self.never_seen.0) {
            return;
        }
        let Ok(local) = LocalTime::parse(&time) else {
            return;
        };
        let mut inquiry = Inquiry::new(case_type.as_str());
        inquiry.part = part.as_deref();
        inquiry.channel = channel.as_deref();
        inquiry.time = Some(time.as_str());
        let before = local.date() < self.change;
        let (engine, ruleset) = if before {
            (&self.engines[1], self.earlier)
        } else {
            (&self.engines[0], self.current)
        };
        let d = engine.decide(&inquiry);
        let (outcome, basis) = (d.outcome, d.basis);
        let logged_part = d.unit.and_then(|u| u.part.clone());
        let simple = d.unit.is_some_and(|u| u.level <= 2);
        self.log(
            &time,
            ruleset,
            &case_type,
            logged_part.as_deref(),
            channel.as_deref(),
            outcome,
            basis,
        );
        let mut result = if outcome.handled_by_kundtjanst() {
            "löst i första kontakt"
        } else {
            "vidarekopplad"
        };
        let handled = outcome.handled_by_kundtjanst();
        let planted = self.next() < NOT_FOLLOWED_SHARE;
        if key.0 == self.not_followed.0 && part == self.not_followed.1 && handled && planted {
            result = "vidarekopplad";
            self.planted.not_followed.1 += 1;
        } else if key.0 == self.solved_anyway.0 && part == self.solved_anyway.1 && !handled {
            result = "löst i första kontakt";
            self.planted.solved_anyway.1 += 1;
        }
        let answered = (channel.as_deref() == Some("e-post")).then(|| self.answered(local));
        let _ = writeln!(
            self.export,
            "{time},{case_type},{},{},{result},{},{}",
            part.as_deref().unwrap_or_default(),
            channel.as_deref().unwrap_or_default(),
            if channel.as_deref() == Some("telefon") && simple {
                "ja"
            } else {
                "nej"
            },
            answered.unwrap_or_default()
        );
    }

    /// When an e-mail was answered: mostly the same or the next day.
    fn answered(&mut self, received: LocalTime) -> String {
        let x = self.next();
        let days = if x < 0.7 {
            0
        } else if x < 0.9 {
            1
        } else {
            4
        };
        let date = received
            .date()
            .checked_add(jiff::Span::new().days(days))
            .unwrap_or(received.date());
        format!("{date}T15:30")
    }

    #[allow(clippy::too_many_arguments)]
    fn log(
        &mut self,
        local: &str,
        ruleset: &Ruleset,
        case_type: &str,
        part: Option<&str>,
        channel: Option<&str>,
        outcome: Outcome,
        basis: Basis,
    ) {
        let Some((month, time)) = utc(local) else {
            return;
        };
        let known = basis != Basis::UnknownCaseType;
        let mut line = serde_json::json!({
            "time": time,
            "kommunkod": ruleset.policy.kommunkod,
            "ruleset": ruleset.id(),
            "case_type": if known { Some(case_type) } else { None },
            "part": part,
            "channel": channel,
            "attributes": [],
            "outcome": outcome,
            "basis": basis,
        });
        if !known && let Some(o) = line.as_object_mut() {
            o.insert("withheld".into(), serde_json::json!(["case_type"]));
        }
        let out = &mut self.months[month];
        let _ = serde_json::to_writer(&mut *out, &line);
        let _ = out.write_all(b"\n");
        self.planted.lines += 1;
    }

    /// A burst of phone calls in one hour (the first Monday of November, 10–11).
    fn burst(&mut self) {
        let year = self.change.year();
        let mut day = jiff::civil::Date::new(year, 11, 1).unwrap_or(self.change);
        while day.weekday() != jiff::civil::Weekday::Monday {
            day = day.tomorrow().unwrap_or(day);
        }
        let Some(typ) = self
            .current
            .arendetyper
            .iter()
            .find(|t| t.id == self.not_followed.0)
        else {
            return;
        };
        let id = typ.id.clone();
        let part = self.not_followed.1.clone();
        for i in 0..BURST {
            let time = format!("{day}T10:{:02}", i % 60);
            let mut inquiry = Inquiry::new(id.as_str());
            inquiry.part = part.as_deref();
            let d = self.engines[0].decide(&inquiry);
            let (outcome, basis) = (d.outcome, d.basis);
            self.log(
                &time,
                self.current,
                &id,
                part.as_deref(),
                Some("telefon"),
                outcome,
                basis,
            );
        }
        self.planted.busy_hour = (day.to_string(), 10, BURST);
    }

    fn unknown_in_export(&mut self) {
        for i in 0..UNKNOWN_ROWS {
            let month = 1 + (i % 12) as i8;
            let _ = writeln!(
                self.export,
                "{:04}-{month:02}-10T09:00,{UNKNOWN_IN_EXPORT},,telefon,vidarekopplad,nej,",
                self.change.year()
            );
        }
        self.planted.unknown_in_export = (UNKNOWN_IN_EXPORT.to_string(), UNKNOWN_ROWS);
    }

    /// The months as files: January–November gzipped, December plain (the live file).
    fn write(mut self, dir: &Path) -> Result<Planted, super::FollowupError> {
        let err = |e: String| super::FollowupError(e);
        let logs = dir.join("loggar");
        std::fs::create_dir_all(&logs).map_err(|e| err(e.to_string()))?;
        let year = self.change.year();
        for (m, log) in std::mem::take(&mut self.months).into_iter().enumerate() {
            let (name, bytes) = match log {
                MonthLog::Gzip(gz) => (
                    format!("beslut-{year:04}-{:02}.jsonl.gz", m + 1),
                    gz.finish().map_err(|e| err(e.to_string()))?,
                ),
                MonthLog::Plain(bytes) => (format!("beslut-{year:04}-{:02}.jsonl", m + 1), bytes),
            };
            let path = logs.join(name);
            crate::files::write_file(&path, &bytes).map_err(|e| err(e.reason()))?;
            self.planted.files.push(path);
        }
        let export = dir.join("arenden.csv");
        crate::files::write_file(&export, &self.export).map_err(|e| err(e.reason()))?;
        self.planted.export = export;
        self.planted.earlier_dir = dir.join("regler-fore");
        Ok(self.planted)
    }
}

/// `2026-03-02T10:15` (Swedish time) as the server logs it: UTC, milliseconds; and the
/// month's index (0–11).
fn utc(local: &str) -> Option<(usize, String)> {
    let dt: jiff::civil::DateTime = local.parse().ok()?;
    let zoned = dt.in_tz("Europe/Stockholm").ok()?;
    let month = usize::try_from(dt.month() - 1).ok()?;
    Some((month, format!("{:.3}", zoned.timestamp())))
}

/// The `skip`-th unit with declared volume (most first) that the ruleset decides as
/// `want` without a channel or conditions: (ärendetyp, delmoment).
fn planted_unit(
    r: &Ruleset,
    engine: &Engine,
    want: Outcome,
    skip: usize,
) -> Option<(String, Option<String>)> {
    let mut units: Vec<(f64, String, Option<String>)> = Vec::new();
    for typ in &r.arendetyper {
        for unit in &typ.units {
            let volume = unit.frekvens.unwrap_or(0.0);
            if volume <= 0.0 || (typ.has_parts && unit.part.is_none()) {
                continue;
            }
            let mut inquiry = Inquiry::new(typ.id.as_str());
            inquiry.part = unit.part.as_deref();
            let d = engine.decide(&inquiry);
            let handled = d.outcome.handled_by_kundtjanst();
            if matches!(d.basis, Basis::Rule | Basis::ConditionError)
                || handled != want.handled_by_kundtjanst()
            {
                continue;
            }
            units.push((volume, typ.id.clone(), unit.part.clone()));
        }
    }
    units.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    units.into_iter().nth(skip).map(|(_, t, p)| (t, p))
}

fn name_of(r: &Ruleset, (typ, part): &(String, Option<String>)) -> String {
    let Some(t) = r.arendetyp(typ) else {
        return typ.clone();
    };
    let unit = part
        .as_deref()
        .and_then(|p| t.units.iter().find(|u| u.part.as_deref() == Some(p)));
    super::known::unit_name(&t.name, unit.map(|u| u.name.as_str()))
}
