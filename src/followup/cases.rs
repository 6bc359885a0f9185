//! The case system's own export of what happened per contact (CSV, JSON Lines or xlsx,
//! read by the dry-run's log reader: columns mapped by name). Each row is decided by
//! the ruleset in force that day and set against its result: where practice and
//! agreement part ways, and the national key figures (KKiK) where the fields exist.

use super::known::{Known, RulesetSpan, unit_name};
use super::workdays::working_days_after;
use crate::clock::LocalTime;
use crate::engine::{Engine, Inquiry};
use crate::model::AttrValue;
use crate::model::{Channel, Outcome};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

/// Examples kept per deviation.
pub(super) const EXAMPLES: usize = 5;
/// Unknown ärendetyp names longer than this are not shown.
const NAME_CHARS: usize = 60;
/// What an unknown ärendetyp that does not look like a name is shown as.
const HIDDEN_NAME: &str = "fritext som inte visas";
/// Distinct unknown names kept; the rest are counted together.
const UNKNOWN_DISTINCT: usize = 1_000;

/// Column names (lower case) of the fields the follow-up reads beyond the dry-run's own.
const RESULT: &[&str] = &["resultat", "result", "utfall"];
const SIMPLE: &[&str] = &[
    "enkel",
    "enkel fråga",
    "enkel_fraga",
    "enkel fraga",
    "simple",
];
const ANSWERED: &[&str] = &["besvarad", "svarstid", "besvarat", "answered"];

/// What the case system says happened to one contact.
#[derive(Debug, Clone, PartialEq)]
enum Result_ {
    /// Solved by kundtjänst at first contact.
    Solved,
    /// Forwarded (to a förvaltning, or the target named).
    Forwarded,
}

fn result_of(text: &str) -> Option<Result_> {
    let t = text.trim().to_lowercase();
    match t.as_str() {
        "" => None,
        "löst i första kontakt"
        | "löst"
        | "lost"
        | "lost i forsta kontakt"
        | "direkt"
        | "löst direkt"
        | "besvarad direkt"
        | "solved" => Some(Result_::Solved),
        // "vidarekopplad", "vidarekopplat", "eskalerad", or the name of a target.
        _ => Some(Result_::Forwarded),
    }
}

/// One kind of deviation: how many, and examples without personal data (ärendetyp
/// and delmoment names, dates, hours, counts).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Deviation {
    /// What kind, in Swedish.
    pub kind: String,
    /// How many (rows, units or hours).
    pub count: u64,
    /// Examples, most frequent first, without personal data.
    pub examples: Vec<String>,
    /// What to do about it, in Swedish.
    pub action: String,
}

/// The KKiK figures of one month.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct KeyFigures {
    /// `YYYY-MM`.
    pub month: String,
    /// Simple phone questions, and those answered directly.
    pub simple_phone: u64,
    /// Of those, answered directly (löst i första kontakt).
    pub simple_phone_direct: u64,
    /// E-mail with an answer time, and those answered within one and two working days.
    pub email: u64,
    /// Of those, answered within one working day.
    pub email_1_day: u64,
    /// Of those, answered within two working days.
    pub email_2_days: u64,
}

/// What the export gave.
#[derive(Debug, Clone, Serialize)]
pub struct CaseExport {
    /// The file's path as given.
    pub path: String,
    /// Physical lines read, the header among them.
    pub lines: u64,
    /// Rows read (the header not among them).
    pub rows: u64,
    /// Lines rejected, with their reasons.
    pub rejected: u64,
    /// The columns found for the result, simple question and answer time.
    pub has_result: bool,
    /// Whether a column says which questions are simple (`enkel`).
    pub has_simple: bool,
    /// Whether a column says when an e-mail was answered (`besvarad`).
    pub has_answered: bool,
    /// The key figures per month.
    pub key_figures: Vec<KeyFigures>,
    /// Sentences naming the inputs a missing figure needs.
    pub missing: Vec<String>,
}

/// Per unit (by name) and in total: rows, and their first examples.
#[derive(Default)]
struct Grouped {
    count: u64,
    by_name: BTreeMap<String, u64>,
}

impl Grouped {
    fn add(&mut self, name: String) {
        self.count += 1;
        if self.by_name.len() < UNKNOWN_DISTINCT || self.by_name.contains_key(&name) {
            *self.by_name.entry(name).or_default() += 1;
        }
    }

    /// The most frequent names first, with their counts.
    fn examples(&self) -> Vec<String> {
        let mut v: Vec<(&String, &u64)> = self.by_name.iter().collect();
        v.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
        v.into_iter()
            .take(EXAMPLES)
            .map(|(name, n)| format!("{name} ({n})"))
            .collect()
    }
}

/// What reading the export found, before it becomes deviations.
pub(super) struct Findings {
    pub export: CaseExport,
    not_followed: Grouped,
    solved_anyway: Grouped,
    unknown: Grouped,
    /// Contacts per unit of the current ruleset.
    pub units_seen: Vec<u64>,
}

impl Findings {
    pub(super) fn deviations(&self) -> Vec<Deviation> {
        vec![
            Deviation {
                kind: "Beslutat direkt eller med manus, men vidarekopplat enligt ärendesystemet".into(),
                count: self.not_followed.count,
                examples: self.not_followed.examples(),
                action: "Fråga kundtjänsten varför: saknas behörighet, manus eller kunskap, eller går överenskommelsen inte att följa?".into(),
            },
            Deviation {
                kind: "Vidarekopplat enligt överenskommelsen, men löst av kundtjänsten".into(),
                count: self.solved_anyway.count,
                examples: self.solved_anyway.examples(),
                action: "Kandidater att flytta till kundtjänsten vid nästa workshop.".into(),
            },
            Deviation {
                kind: "Okända ärendetyper i ärendesystemet".into(),
                count: self.unknown.count,
                examples: self.unknown.examples(),
                action: "Kandidater till nya ärendetyper eller `sökord`.".into(),
            },
        ]
    }
}

/// Read the export at `path`, deciding each row by the ruleset in force that day.
pub(super) fn read(
    path: &Path,
    known: &Known,
    spans: &[RulesetSpan],
) -> Result<Findings, super::FollowupError> {
    let engines: Vec<Engine> = known.rulesets.iter().map(|r| Engine::new(r)).collect();
    let mut f = Findings {
        export: CaseExport {
            path: path.display().to_string(),
            lines: 0,
            rows: 0,
            rejected: 0,
            has_result: false,
            has_simple: false,
            has_answered: false,
            key_figures: Vec::new(),
            missing: Vec::new(),
        },
        not_followed: Grouped::default(),
        solved_anyway: Grouped::default(),
        unknown: Grouped::default(),
        units_seen: vec![0; known.unit_count],
    };
    let mut months: BTreeMap<(i16, i8), KeyFigures> = BTreeMap::new();
    let (lines, _) = crate::dryrun::for_each_row(path, |_, n, row| {
        let Ok((inquiry, time)) = row else {
            f.export.rejected += n;
            return;
        };
        let inquiry = &inquiry;
        f.export.rows += 1;
        let result_text = field(inquiry, RESULT);
        let simple = field(inquiry, SIMPLE);
        let answered = field(inquiry, ANSWERED);
        let e = &mut f.export;
        e.has_result |= result_text.is_some();
        e.has_simple |= simple.is_some();
        e.has_answered |= answered.is_some();
        let result = result_text.and_then(|t| result_of(&t));
        let r = ruleset_at(known, spans, time);
        decide_row(&mut f, known, &engines[r], r, inquiry, result.as_ref());
        if let Some(time) = time {
            let simple = simple.is_some_and(|s| s == "ja");
            let days_off = &known.current().policy.days_off;
            key_figures(
                &mut months,
                days_off,
                inquiry,
                time,
                result.as_ref(),
                simple,
                answered,
            );
        }
    })
    .map_err(|e| super::FollowupError(format!("ärendesystemets export: {e}")))?;
    f.export.lines = lines;
    f.export.key_figures = months.into_values().collect();
    f.export.missing = missing(&f.export);
    Ok(f)
}

/// The first of the columns `aliases` this row has a value in, as text.
fn field(inquiry: &Inquiry, aliases: &[&str]) -> Option<String> {
    aliases
        .iter()
        .find_map(|a| match inquiry.attributes.get(*a)? {
            AttrValue::Text(s) => Some(s.clone()),
            AttrValue::Bool(b) => Some(if *b { "ja" } else { "nej" }.to_string()),
            AttrValue::Number(n) => Some(n.to_string()),
        })
}

/// The known ruleset in force at `time`: the last one first seen by then.
fn ruleset_at(known: &Known, spans: &[RulesetSpan], time: Option<LocalTime>) -> usize {
    let Some(time) = time else { return 0 };
    let at = time.to_string();
    spans
        .iter()
        .filter(|s| s.first <= at)
        .filter_map(|s| known.rulesets.iter().position(|r| r.id == s.id))
        .next_back()
        .unwrap_or(0)
}

fn decide_row(
    f: &mut Findings,
    known: &Known,
    engine: &Engine,
    r: usize,
    inquiry: &Inquiry,
    result: Option<&Result_>,
) {
    let ruleset = known.rulesets[r];
    let Some(typ) = ruleset.arendetyp(inquiry.case_type) else {
        f.unknown.add(shown_name(inquiry.case_type));
        return;
    };
    let decision = engine.decide(inquiry);
    let unit = decision
        .unit
        .map(|u| u.part.as_deref().map(|_| u.name.as_str()));
    let name = unit_name(&typ.name, unit.flatten());
    let resolved = known.resolve(
        &ruleset.id,
        Some(inquiry.case_type),
        inquiry.part,
        decision.outcome,
    );
    if let Some(u) = resolved.current_unit {
        f.units_seen[u] += 1;
    }
    match (decision.outcome, result) {
        (Outcome::Kundtjanst | Outcome::Scripted, Some(Result_::Forwarded)) => {
            f.not_followed.add(name);
        }
        (Outcome::Forwarded, Some(Result_::Solved)) => f.solved_anyway.add(name),
        _ => {}
    }
}

fn key_figures(
    months: &mut BTreeMap<(i16, i8), KeyFigures>,
    days_off: &crate::calendar::DaysOff,
    inquiry: &Inquiry,
    time: LocalTime,
    result: Option<&Result_>,
    simple: bool,
    answered: Option<String>,
) {
    let date = time.date();
    let m = months
        .entry((date.year(), date.month()))
        .or_insert_with(|| KeyFigures {
            month: format!("{:04}-{:02}", date.year(), date.month()),
            simple_phone: 0,
            simple_phone_direct: 0,
            email: 0,
            email_1_day: 0,
            email_2_days: 0,
        });
    let channel = inquiry.channel.and_then(Channel::parse).map(Channel::name);
    if channel == Some("telefon")
        && simple
        && let Some(result) = result
    {
        m.simple_phone += 1;
        m.simple_phone_direct += u64::from(*result == Result_::Solved);
    }
    if channel == Some("e-post")
        && let Some(answered) = answered.and_then(|a| LocalTime::parse(&a).ok())
    {
        let days = working_days_after(date, answered.date(), days_off);
        m.email += 1;
        m.email_1_day += u64::from(days <= 1);
        m.email_2_days += u64::from(days <= 2);
    }
}

fn missing(e: &CaseExport) -> Vec<String> {
    let mut out = Vec::new();
    if !e.has_result {
        out.push("Avvikelserna mot överenskommelsen kräver kolumnen `resultat` (löst i första kontakt, vidarekopplad eller mottagare).".to_string());
    }
    if !(e.has_simple && e.has_result) {
        out.push("Andelen enkla frågor per telefon som besvaras direkt kräver kolumnerna `kanal`, `enkel` (ja/nej) och `resultat`.".to_string());
    }
    if !e.has_answered {
        out.push("E-post besvarad inom en och två arbetsdagar kräver kolumnerna `kanal`, `tid` (inkom) och `besvarad` (tidpunkt för svaret).".to_string());
    }
    out
}

/// An unknown ärendetyp as the report shows it: itself when it looks like an id or a
/// name, otherwise [`HIDDEN_NAME`], since the case system's field may be free text
/// with personal data (a personnummer, an address, an e-mail).
fn shown_name(case_type: &str) -> String {
    let mut digits = 0;
    let mut long_number = false;
    for c in case_type.chars() {
        digits = if c.is_ascii_digit() { digits + 1 } else { 0 };
        long_number |= digits >= 6;
    }
    let plain = case_type
        .chars()
        .all(|c| c.is_alphanumeric() || c == '-' || c == ' ');
    if plain
        && !long_number
        && !case_type.trim().is_empty()
        && case_type.chars().count() <= NAME_CHARS
    {
        case_type.to_string()
    } else {
        HIDDEN_NAME.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_names_that_look_like_ids_are_shown() {
        for name in ["laddstolpe-ansokan", "Bygglov 2026", "hittegods"] {
            assert_eq!(shown_name(name), name);
        }
        for text in [
            "ring 070-1234567",
            "Anna 19800101-1234",
            "anna@example.se",
            "Storgatan 1, 123 45",
            "",
            &"a".repeat(61),
        ] {
            assert_eq!(shown_name(text), HIDDEN_NAME, "{text}");
        }
    }
}
