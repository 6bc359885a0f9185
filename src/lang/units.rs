//! The units a number may carry (`60 per månad`, `4 min`, `80 %`), their spellings, and
//! the one conversion of a frequency to per year.

/// A unit word of the language. Not [`crate::model::Unit`], which is a unit of work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// `per år`
    PerYear,
    /// `per månad`
    PerMonth,
    /// `per vecka`
    PerWeek,
    /// `per dag`: per working day.
    PerDay,
    /// `%`
    Percent,
    /// `min`
    Minutes,
    /// `s`
    Seconds,
    /// `tim`
    Hours,
    /// `nivåer`
    Levels,
    /// `kr`
    Kronor,
}

/// Every unit with the spellings the grammar accepts, the canonical one (as `rosa fmt`
/// writes it) first. The periods are written after `per`.
const SPELLINGS: &[(Unit, &[&str])] = &[
    (Unit::PerYear, &["år", "ar"]),
    (Unit::PerMonth, &["månad", "manad"]),
    (Unit::PerWeek, &["vecka"]),
    (Unit::PerDay, &["dag"]),
    (Unit::Percent, &["%", "procent"]),
    (Unit::Minutes, &["min", "minuter"]),
    (Unit::Seconds, &["s", "sek", "sekunder"]),
    (Unit::Hours, &["tim", "timmar", "h"]),
    (Unit::Levels, &["nivåer", "nivaer"]),
    (Unit::Kronor, &["kr", "kronor"]),
];

/// "per dag" means per working day: kundtjänst is open on weekdays. A fixed
/// definition, so that a declared frequency means the same every year; the calendar
/// gives 249–254 working days a year for 1990–2100 (tests/calendar.rs holds it there).
pub const WORKING_DAYS_PER_YEAR: f64 = 250.0;
/// Weeks in a year, for `per vecka`.
pub const WEEKS_PER_YEAR: f64 = 52.0;
/// Months in a year, for `per månad`.
pub const MONTHS_PER_YEAR: f64 = 12.0;

impl Unit {
    /// The canonical spelling, as `rosa fmt` writes it (`per månad`, `min`).
    pub fn canonical(self) -> &'static str {
        match self {
            Unit::PerYear => "per år",
            Unit::PerMonth => "per månad",
            Unit::PerWeek => "per vecka",
            Unit::PerDay => "per dag",
            other => other.spellings()[0],
        }
    }

    /// Every spelling of the unit; for a period, the word after `per`.
    pub fn spellings(self) -> &'static [&'static str] {
        SPELLINGS
            .iter()
            .find(|(unit, _)| *unit == self)
            .map_or(&[], |(_, spellings)| spellings)
    }

    /// Whether the unit is a period of a frequency (`per …`).
    pub fn is_period(self) -> bool {
        self.per_year_factor().is_some()
    }

    /// How many of the period make a year (`per dag`: 250 working days); `None` for a
    /// unit that is no period.
    pub fn per_year_factor(self) -> Option<f64> {
        match self {
            Unit::PerYear => Some(1.0),
            Unit::PerMonth => Some(MONTHS_PER_YEAR),
            Unit::PerWeek => Some(WEEKS_PER_YEAR),
            Unit::PerDay => Some(WORKING_DAYS_PER_YEAR),
            _ => None,
        }
    }

    /// The period written after `per` (`månad`, `manad`).
    pub fn period(word: &str) -> Option<Unit> {
        Self::find(word).filter(|u| u.is_period())
    }

    /// The unit written as one word (`min`, `%`, `kr`); periods need `per`, see
    /// [`Unit::period`].
    pub fn word(word: &str) -> Option<Unit> {
        Self::find(word).filter(|u| !u.is_period())
    }

    fn find(word: &str) -> Option<Unit> {
        SPELLINGS
            .iter()
            .find(|(_, spellings)| spellings.contains(&word))
            .map(|(unit, _)| *unit)
    }
}

/// `"10 per månad"` (or per år, vecka, dag) as a frequency per year; a working day is
/// a 250th of a year, as in the rule language. The error says in Swedish what is wrong.
pub fn per_year(text: &str) -> Result<f64, String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let (number, period) = match words.as_slice() {
        [n, "per", period] => (*n, *period),
        _ => return Err(format!("skriv t.ex. `10 per månad`, inte `{text}`")),
    };
    let n: f64 = number
        .replace(',', ".")
        .parse()
        .ok()
        .filter(|n: &f64| n.is_finite() && *n >= 0.0)
        .ok_or_else(|| format!("`{number}` är inget tal"))?;
    let factor = Unit::period(period)
        .and_then(Unit::per_year_factor)
        .ok_or_else(|| format!("okänd period `{period}`: skriv år, månad, vecka eller dag"))?;
    Ok(n * factor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frekvens_in_words() {
        assert_eq!(per_year("10 per månad"), Ok(120.0));
        assert_eq!(per_year("10 per manad"), Ok(120.0));
        assert_eq!(per_year("2 per dag"), Ok(500.0));
        assert_eq!(per_year("1 per vecka"), Ok(52.0));
        assert!(per_year("10 i månaden").is_err());
        assert!(per_year("tio per år").is_err());
        assert!(per_year("10 per min").is_err());
    }

    #[test]
    fn every_unit_has_a_canonical_spelling_that_reads_back() {
        for (unit, _) in SPELLINGS {
            let canonical = unit.canonical();
            let back = match canonical.strip_prefix("per ") {
                Some(period) => Unit::period(period),
                None => Unit::word(canonical),
            };
            assert_eq!(back, Some(*unit), "{canonical}");
        }
    }

    /// The grammar's `period` and `unit_word` rules accept exactly these spellings.
    #[test]
    fn the_spellings_are_the_grammars() {
        let grammar = include_str!("../../grammar/rosa.pest");
        let rule = |name: &str| -> Vec<String> {
            let line = grammar
                .lines()
                .find(|l| l.starts_with(name))
                .unwrap_or_else(|| panic!("no rule {name}"));
            let mut words: Vec<String> = line
                .split('"')
                .skip(1)
                .step_by(2)
                .map(String::from)
                .collect();
            words.sort();
            words
        };
        let ours = |periods: bool| -> Vec<String> {
            let mut words: Vec<String> = SPELLINGS
                .iter()
                .filter(|(u, _)| u.is_period() == periods)
                .flat_map(|(_, s)| s.iter().map(|w| w.to_string()))
                .collect();
            words.sort();
            words
        };
        assert_eq!(rule("period "), ours(true));
        assert_eq!(rule("unit_word "), ours(false));
    }
}
