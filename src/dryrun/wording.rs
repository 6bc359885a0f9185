//! Swedish words the report's sections share, and the Swedish of its typed reasons:
//! written once, so that the text report and the workbook say the same thing.

use super::rows::Requirement;
use crate::numbers::sv;
use std::fmt;

/// Why a log's share is not the share from the declared frekvens.
pub const DECLARED_VERSUS_LOGGED: &str = "volym/år är loggens, deklarerat/år regelfilernas frekvens: andelen ur loggen skiljer sig från den ur frekvensen när ärendetyperna kommer i andra proportioner än deklarerat, när kontakter kommer i kanaler där de vidarekopplas (`ej kanaler`) eller när attributen i loggen avgör villkoren (utan logg redovisas de som villkorat)";

pub const WEEKDAYS: [&str; 7] = ["mån", "tis", "ons", "tor", "fre", "lör", "sön"];

/// `mån` for 1 … `sön` for 7.
pub fn day(weekday: u8) -> &'static str {
    WEEKDAYS[usize::from(weekday.clamp(1, 7)) - 1]
}

/// "1 rad", "2 rader", with Swedish digit grouping.
pub fn rows(n: u64) -> String {
    if n == 1 {
        "1 rad".into()
    } else {
        format!("{} rader", sv(n as f64, 0))
    }
}

/// `1 agent`, `2 agenter`.
pub fn agents(n: u32) -> String {
    if n == 1 {
        "1 agent".to_string()
    } else {
        format!("{n} agenter")
    }
}

/// `ja` or `nej`.
pub fn yes_no(b: bool) -> &'static str {
    if b { "ja" } else { "nej" }
}

/// The first 16 hex digits of a ruleset id: enough to tell rulesets apart on screen.
pub fn short_id(id: &str) -> &str {
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
pub fn joined(items: &[impl fmt::Display]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}
