//! Swedish words the report's sections share, and the Swedish of its typed reasons:
//! written once, so that the text report and the workbook say the same thing.

use super::rejection::{CellProblem, Rejection};
use super::rows::{Figures, Report, Requirement, StaffingReport};
use crate::calendar::{Afton, DaysOff};
use crate::model::Policy;
use crate::numbers::{percent, sv};
use std::fmt;

/// The share handled in words: `61,6 %`, or, when some contacts' outcome depends on
/// conditions (declared volumes), the range from none to all of them handled:
/// `50,8–76,2 % beroende på villkor`.
impl Figures {
    /// The share handled in Swedish, a range when it depends on conditions:
    /// `50,8–76,2 % beroende på villkor`. (Here, not in rows.rs: all Swedish is here.)
    pub fn share_in_words(&self) -> String {
        share_range(self.share, self.share_max)
    }
}

pub(super) fn share_range(share: f64, share_max: f64) -> String {
    let low = sv(share * 100.0, 1);
    let high = sv(share_max * 100.0, 1);
    if low == high {
        format!("{low} %")
    } else {
        format!("{low}–{high} % beroende på villkor")
    }
}

/// Whether the share reaches the goal; with a range, whether it can.
pub(super) fn goal_verdict(r: &Report) -> &'static str {
    if r.meets_goal {
        "når målet"
    } else if r.total.share_max >= r.goal_share {
        "når målet bara om tillräckligt många villkorade kontakter hanteras"
    } else {
        "når inte målet"
    }
}

/// Why a log's share is not the share from the declared frekvens.
pub(super) const DECLARED_VERSUS_LOGGED: &str = "volym/år är loggens, deklarerat/år regelfilernas frekvens: andelen ur loggen skiljer sig från den ur frekvensen när ärendetyperna kommer i andra proportioner än deklarerat, när kontakter kommer i kanaler där de vidarekopplas (`ej kanaler`) eller när attributen i loggen avgör villkoren (utan logg redovisas de som villkorat)";

pub(super) const WEEKDAYS: [&str; 7] = ["mån", "tis", "ons", "tor", "fre", "lör", "sön"];

/// `mån` for 1 … `sön` for 7.
pub(super) fn day(weekday: u8) -> &'static str {
    WEEKDAYS[usize::from(weekday.clamp(1, 7)) - 1]
}

/// "1 rad", "2 rader", with Swedish digit grouping.
pub(super) fn rows(n: u64) -> String {
    if n == 1 {
        "1 rad".into()
    } else {
        format!("{} rader", sv(n as f64, 0))
    }
}

/// `1 agent`, `2 agenter`.
pub(super) fn agents(n: u32) -> String {
    if n == 1 {
        "1 agent".to_string()
    } else {
        format!("{n} agenter")
    }
}

/// `ja` or `nej`.
pub(super) fn yes_no(b: bool) -> &'static str {
    if b { "ja" } else { "nej" }
}

/// The first 16 hex digits of a ruleset id: enough to tell rulesets apart on screen.
pub(super) fn short_id(id: &str) -> &str {
    id.get(..16).unwrap_or(id)
}

impl fmt::Display for Requirement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Requirement::SystemAccess(system) => write!(f, "åtkomst till {system}"),
            Requirement::Script => f.write_str("ett manus från förvaltningen"),
            Requirement::LowerThreshold(per_year) => {
                write!(f, "frekvensgränsen sänkt till {} per år", sv(*per_year, 0))
            }
            Requirement::OpenChannels => f.write_str("kanalerna öppnade för kundtjänst"),
            Requirement::OtherLevel => f.write_str("en annan nivå"),
            Requirement::NoSekretess => f.write_str("inget (sekretess)"),
            Requirement::ChangedAgreement => f.write_str("en ändrad överenskommelse"),
            Requirement::HandleIn(channels) => write!(
                f,
                "att kundtjänst hanterar {} (kanaler, ej kanaler)",
                channels.names()
            ),
            Requirement::ChangedConditions => f.write_str("ändrade villkor (om …)"),
        }
    }
}

/// In JSON a requirement is its Swedish sentence, as the studio shows it.
impl serde::Serialize for Requirement {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl PartialEq<&str> for Requirement {
    fn eq(&self, other: &&str) -> bool {
        let sentence = self.to_string();
        sentence.as_str() == *other
    }
}

/// Requirements as one cell: `a; b`.
pub(super) fn joined(items: &[impl fmt::Display]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rejection::MissingCaseType => f.write_str("ärendetyp saknas"),
            Rejection::BadTime(e) => write!(f, "{e}"),
            Rejection::FieldCount { len, expected } => {
                write!(f, "raden har {len} fält men rubrikraden har {expected}")
            }
            Rejection::Unreadable(why) => write!(f, "raden går inte att tolka: {why}"),
            Rejection::Swallowed { line, lines, also } => {
                write!(
                    f,
                    "raderna {line}–{}: ett citerat fält sträcker sig över {} rader (ett citattecken som inte avslutas?); alla {} avvisas",
                    line + lines - 1,
                    sv(*lines as f64, 0),
                    sv(*lines as f64, 0)
                )?;
                match also {
                    Some(also) => write!(f, "; {also}"),
                    None => Ok(()),
                }
            }
            Rejection::UnterminatedQuote { line, lines } => write!(
                f,
                "ett citattecken (\") på rad {line} stängs aldrig före filens slut; {} därifrån till slutet avvisas",
                rows(*lines)
            ),
            Rejection::LineTooLong => write!(
                f,
                "raden är längre än {} byte, gränsen för en rad i loggen; den läses inte",
                sv(super::reader::MAX_LINE_BYTES as f64, 0)
            ),
            Rejection::NotUtf8 => f.write_str(
                "raden är inte giltig UTF-8 (är filen sparad som Latin-1? spara den som UTF-8)",
            ),
            Rejection::InvalidJson(why) => write!(f, "ogiltig JSON: {why}"),
            Rejection::FieldNotText(key) => write!(f, "fältet `{key}` ska vara text"),
            Rejection::AttributeType(name) => {
                write!(
                    f,
                    "attributet `{name}` ska vara text, tal eller sant/falskt"
                )
            }
            Rejection::Cell {
                cell,
                column,
                problem,
            } => write!(f, "cell {cell} (kolumnen `{column}`) {problem}"),
            Rejection::MissingColumns => f.write_str("internt fel: kolumner saknas"),
        }
    }
}

impl fmt::Display for CellProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CellProblem::TimeWithoutDate => {
                f.write_str("är ett klockslag utan datum; skriv datum och tid")
            }
            CellProblem::Duration => f.write_str("är en tidslängd, inte en tidpunkt"),
            CellProblem::ErrorValue(e) => write!(f, "innehåller felvärdet {e}"),
        }
    }
}

impl Rejection {
    /// The kind of problem, without the row's own values: rows with the same group are
    /// one thing to fix in the log. A field count or a swallowed range is its own group.
    pub fn group(&self) -> String {
        match self {
            Rejection::BadTime(_) => "ogiltig tid".into(),
            Rejection::InvalidJson(_) => "ogiltig JSON".into(),
            Rejection::FieldNotText(_) => "ett fält som ska vara text är det inte".into(),
            Rejection::AttributeType(_) => {
                "ett attribut är inte text, tal eller sant/falskt".into()
            }
            Rejection::Cell { problem, .. } => match problem {
                CellProblem::ErrorValue(_) => "en cell innehåller ett felvärde".into(),
                other => format!("en cell {other}"),
            },
            Rejection::MissingCaseType
            | Rejection::FieldCount { .. }
            | Rejection::Unreadable(_)
            | Rejection::Swallowed { .. }
            | Rejection::UnterminatedQuote { .. }
            | Rejection::LineTooLong
            | Rejection::NotUtf8
            | Rejection::MissingColumns => self.to_string(),
        }
    }
}

/// The volumes without a log.
pub(super) const DECLARED_VOLUMES: &str = "deklarerad frekvens per år i regelfilerna (ingen logg)";

/// The volumes from a log of `rows` rows over `period_days`, scaled by `factor`.
pub(super) fn log_volumes(
    rows: u64,
    period_days: f64,
    from_timestamps: bool,
    factor: f64,
) -> String {
    let how = if from_timestamps {
        "enligt tidsstämplarna"
    } else {
        "enligt --period"
    };
    format!(
        "logg med {} rader som täcker {} dagar ({how}), uppräknat till ett år med faktorn {}",
        sv(rows as f64, 0),
        sv(period_days, 0),
        sv(factor, 3)
    )
}

/// The assumptions of the Erlang C staffing.
pub(super) fn staffing_assumptions(open_hours_per_week: f64) -> Vec<String> {
    vec![
        "inga uppringare lägger på medan de väntar (Erlang C överskattar därför bemanningen något)"
            .into(),
        "samtalen kommer slumpmässigt och jämnt inom varje timme (Poisson)".into(),
        format!(
            "bemanningen räknas per timme under öppettiderna ({} timmar per vecka)",
            sv(open_hours_per_week, 1)
        ),
    ]
}

pub(super) const NOTHING_TO_STAFF: &str = "inga telefonsamtal eller inga öppettider att bemanna";

pub(super) const NO_TIMESTAMPS: &str =
    "loggen saknar tidsstämplar: samtalen antas fördelade jämnt över öppettiderna";

/// Why Erlang C gave no staffing.
pub(super) fn staffing_failed(e: &impl fmt::Display) -> String {
    format!("bemanningen kunde inte beräknas: {e}")
}

/// How the posts are computed, with the figures.
pub(super) fn fte_formula(s: &StaffingReport, policy: &Policy) -> Vec<String> {
    let per_post = policy.productive_hours_per_fte;
    let roster = if s.hours.is_empty() {
        "schemalagda i genomsnittlig öppettimme × årets öppettimmar"
    } else {
        "varje öppettimmes schemalagda × de dagar under året den är öppen"
    };
    vec![
        format!(
            "telefon: {} schemalagda timmar per år ({roster}) / {} tim per årsarbetare = {} årsarbetare",
            sv(s.phone_rostered_hours_per_year, 0),
            sv(per_post, 0),
            sv(s.fte_phone, 1)
        ),
        format!(
            "övriga kanaler: {} timmar per år / {} beläggning / (1 − {} frånvaro) / {} tim per årsarbetare = {} årsarbetare",
            sv(s.other_hours_per_year, 0),
            percent(policy.max_occupancy),
            percent(policy.shrinkage),
            sv(per_post, 0),
            sv(s.fte_other, 1)
        ),
        format!(
            "telefonen bemannas varje öppettimme enligt Erlang C (schemalagda inkluderar frånvaron); öppettimmar per år räknas för {} {}: {} timmar",
            s.calendar_year,
            days_off_counted(&policy.days_off),
            sv(s.open_hours_per_year, 0)
        ),
    ]
}

/// Which days the open hours leave out: "utan helgdagar och stängda aftnar (…)".
fn days_off_counted(days_off: &DaysOff) -> String {
    let aftnar: Vec<&str> = Afton::ALL
        .into_iter()
        .filter(|a| days_off.closes_afton(*a))
        .map(Afton::name)
        .collect();
    let aftnar = match aftnar.as_slice() {
        [] => None,
        [one] => Some(format!("stängd afton ({one})")),
        [init @ .., last] => Some(format!("stängda aftnar ({} och {last})", init.join(", "))),
    };
    match (days_off.public_holidays, aftnar) {
        (true, Some(aftnar)) => format!("utan helgdagar och {aftnar}"),
        (true, None) => "utan helgdagar".into(),
        (false, Some(aftnar)) => format!("utan {aftnar}"),
        (false, None) => "med alla veckans öppettider (policyn har `stängt inga`)".into(),
    }
}

/// The financing row of work no förvaltning owns.
pub(super) const UNKNOWN_TYPES: &str = "okända ärendetyper (reserven)";

/// What the financing shares are shares of.
pub(super) const FINANCING_BASIS: &str = "andel av kundtjänstens arbetstid (timmar) som går till förvaltningens ärenden; årsarbetare = andel × kundtjänstens behov; okända ärendetyper redovisas på egen rad";

/// The assumptions behind the figures; `phone_share` without a log.
pub(super) fn assumptions(forward_minutes: f64, phone_share: Option<f64>) -> Vec<String> {
    let mut out = vec![
        format!(
            "kundtjänst lägger {forward_minutes} min på en kontakt som vidarekopplas (svara, registrera, koppla)"
        ),
        "avlastad tid för förvaltningen = volym som kundtjänst hanterar × förvaltningens handläggningstid".into(),
        "årsarbetare = timmar / policyns årsarbetstid".into(),
        format!(
            "`per dag` i regelfilerna räknas som per arbetsdag ({} per år)",
            sv(crate::lang::WORKING_DAYS_PER_YEAR, 0)
        ),
    ];
    if let Some(phone_share) = phone_share {
        out.push(format!(
            "utan logg antas {:.0} % av kontakterna komma per telefon (--phone-share)",
            phone_share * 100.0
        ));
        out.push("ärendetyper vars utfall beror på villkor redovisas som villkorade, inte gissade: andelen anges som ett spann från att ingen till att alla villkorade kontakter hanteras i kundtjänst; deras tid räknas som om kundtjänst hanterar dem".into());
        out.push(
            "en ärendetyps frekvens utan eget delmoment avgörs som dess första delmoment".into(),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bad_time(text: &str) -> Rejection {
        match crate::clock::LocalTime::parse(text) {
            Err(e) => Rejection::BadTime(e),
            Ok(t) => panic!("{text} parsed as {t:?}"),
        }
    }

    #[test]
    fn rejections_group_by_kind_not_by_their_values() {
        let (a, b) = (bad_time("2026-03-03T25:00"), bad_time("2026-13-01"));
        assert_ne!(a.to_string(), b.to_string());
        assert_eq!(
            (a.group(), b.group()),
            ("ogiltig tid".into(), "ogiltig tid".into())
        );
        let cell = |cell: &str, column: &str| Rejection::Cell {
            cell: cell.into(),
            column: column.into(),
            problem: CellProblem::ErrorValue("#N/A".into()),
        };
        assert_eq!(
            cell("C2", "tid").to_string(),
            "cell C2 (kolumnen `tid`) innehåller felvärdet #N/A"
        );
        assert_eq!(cell("C2", "tid").group(), cell("D9", "kanal").group());
        assert_eq!(
            Rejection::FieldNotText("kanal".into()).group(),
            Rejection::FieldNotText("tid".into()).group()
        );
    }

    #[test]
    fn a_swallowed_range_says_what_else_was_wrong() {
        let r = Rejection::Swallowed {
            line: 3,
            lines: 4,
            also: Some(Box::new(Rejection::FieldCount {
                len: 4,
                expected: 5,
            })),
        };
        let text = r.to_string();
        assert!(text.starts_with("raderna 3–6: "), "{text}");
        assert!(
            text.ends_with("; raden har 4 fält men rubrikraden har 5"),
            "{text}"
        );
    }

    #[test]
    fn requirements_in_swedish() {
        assert_eq!(Requirement::SystemAccess("Sys".into()), "åtkomst till Sys");
        assert_eq!(
            Requirement::LowerThreshold(1200.0).to_string(),
            "frekvensgränsen sänkt till 1 200 per år"
        );
        let json = serde_json::to_string(&[Requirement::Script]).expect("json");
        assert_eq!(json, r#"["ett manus från förvaltningen"]"#);
    }
}
