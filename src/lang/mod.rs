//! The rule language's facts, as data, in one place: its keywords and what they mean, its
//! statements and where each may stand, the names a condition may use, the units and
//! their conversion to per year, the weekdays, and what the policy means when a
//! statement is left out.
//!
//! The grammar (`grammar/rosa.pest`) says how the language is written; this module says
//! what its words are and mean. Tests hold the two (and the guide, docs/regelsprak.md)
//! together. It sits below every stage: the parser, the checker, the formatter, the
//! dry-run and the editor's hover and completion all read it.

mod conditions;
pub mod defaults;
mod keywords;
pub(crate) mod names;
mod statements;
mod units;

pub use conditions::{CONDITION_NAMES, ConditionName, NameType, condition_name};
pub use keywords::{KEYWORDS, Keyword, keyword};
pub use statements::*;
pub use units::{MONTHS_PER_YEAR, Unit, WEEKS_PER_YEAR, WORKING_DAYS_PER_YEAR, per_year};

/// The outcome words, as `rosa fmt` writes them: kundtjänst answers (`direkt`), with the
/// förvaltning's script (`manus`), or forwards (`vidarekoppla`).
pub const OUTCOMES: [&str; 3] = ["direkt", "manus", "vidarekoppla"];

/// The types an `attribut` may be declared with.
pub const ATTRIBUTE_TYPES: [&str; 3] = ["tal", "text", "ja/nej"];

/// The weekdays as `öppettider` writes them, måndag first: the Swedish spelling and
/// the ASCII one.
pub const WEEKDAYS: [(&str, &str); 7] = [
    ("mån", "man"),
    ("tis", "tis"),
    ("ons", "ons"),
    ("tor", "tor"),
    ("fre", "fre"),
    ("lör", "lor"),
    ("sön", "son"),
];

/// The days `stängt` may name, the Swedish spelling and the ASCII one: the public
/// holidays, all three aftnar, each afton, or none.
pub const CLOSED_DAYS: [(&str, &str); 6] = [
    ("helgdagar", "helgdagar"),
    ("aftnar", "aftnar"),
    ("midsommarafton", "midsommarafton"),
    ("julafton", "julafton"),
    ("nyårsafton", "nyarsafton"),
    ("inga", "inga"),
];

/// The Swedish spelling of a day `stängt` may name (`nyarsafton` → `nyårsafton`).
pub fn closed_day(word: &str) -> Option<&'static str> {
    CLOSED_DAYS
        .iter()
        .find(|(swedish, ascii)| word == *swedish || word == *ascii)
        .map(|(swedish, _)| *swedish)
}

/// The weekday written `word`, 1 = måndag … 7 = söndag.
pub fn weekday(word: &str) -> Option<u8> {
    let index = WEEKDAYS
        .iter()
        .position(|(swedish, ascii)| word == *swedish || word == *ascii)?;
    u8::try_from(index + 1).ok()
}

/// The Swedish spelling of weekday `n` (1 = måndag); out of range is clamped.
pub fn weekday_name(n: u8) -> &'static str {
    WEEKDAYS[usize::from(n.clamp(1, 7)) - 1].0
}

#[cfg(test)]
mod tests {
    #[test]
    fn weekdays_read_both_spellings() {
        assert_eq!(super::weekday("mån"), Some(1));
        assert_eq!(super::weekday("lor"), Some(6));
        assert_eq!(super::weekday("sön"), Some(7));
        assert_eq!(super::weekday("söndag"), None);
        assert_eq!(super::weekday_name(6), "lör");
    }

    #[test]
    fn closed_days_read_both_spellings() {
        assert_eq!(super::closed_day("nyarsafton"), Some("nyårsafton"));
        assert_eq!(super::closed_day("julafton"), Some("julafton"));
        assert_eq!(super::closed_day("påskafton"), None);
    }

    /// The grammar's `day` rule accepts exactly these spellings.
    #[test]
    fn the_weekdays_are_the_grammars() {
        let line = include_str!("../../grammar/rosa.pest")
            .lines()
            .find(|l| l.starts_with("day "))
            .expect("the grammar has a day rule");
        let mut grammar: Vec<&str> = line.split('"').skip(1).step_by(2).collect();
        grammar.retain(|w| *w != "_");
        let mut ours: Vec<&str> = super::WEEKDAYS
            .iter()
            .flat_map(|(s, a)| if s == a { vec![*s] } else { vec![*s, *a] })
            .collect();
        grammar.sort_unstable();
        ours.sort_unstable();
        assert_eq!(grammar, ours);
    }
}
