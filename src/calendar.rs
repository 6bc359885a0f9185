//! The Swedish calendar: public holidays and the aftnar a kundtjänst may close on.
//!
//! Public holidays are those of lag (1989:253) om allmänna helgdagar, computed for
//! any year (no table that ends): the fixed ones, and the moving ones counted from
//! Easter Sunday, which is found by the anonymous Gregorian algorithm. The law's
//! history is kept where it falls within modern use: Sveriges nationaldag is a
//! holiday from 2005, annandag pingst until 2004. Midsommardagen and alla helgons
//! dag are the Saturdays the law names. Sundays, all helgdagar under the law, are
//! left to the caller's weekday logic.
//!
//! The aftnar (midsommarafton, julafton, nyårsafton) are not public holidays, but
//! most kommuner close on them; [`DaysOff`] says which of them the kundtjänst keeps
//! closed.

use jiff::civil::{Date, Weekday};

/// Whether a day is a public holiday by law or an afton closed by custom.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HolidayKind {
    /// An allmän helgdag under lag (1989:253).
    Public,
    /// An afton: not a holiday by law, a day off by the kommun's policy.
    Afton,
}

/// An afton the kommun may keep closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Afton {
    /// The Friday 19–25 June.
    Midsommarafton,
    /// 24 December.
    Julafton,
    /// 31 December.
    Nyarsafton,
}

impl Afton {
    /// All aftnar, in calendar order.
    pub const ALL: [Afton; 3] = [Afton::Midsommarafton, Afton::Julafton, Afton::Nyarsafton];

    /// The Swedish name, as a rule author writes it: `midsommarafton`.
    #[must_use]
    pub fn name(self) -> &'static str {
        Holiday::from(self).name()
    }
}

/// A public holiday or an afton.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Holiday {
    /// 1 January.
    Nyarsdagen,
    /// 6 January.
    TrettondedagJul,
    /// Easter Sunday − 2.
    Langfredagen,
    /// Easter Sunday.
    Paskdagen,
    /// Easter Sunday + 1.
    AnnandagPask,
    /// 1 May.
    ForstaMaj,
    /// Easter Sunday + 39.
    KristiHimmelsfardsdag,
    /// Easter Sunday + 49.
    Pingstdagen,
    /// Easter Sunday + 50, a public holiday until 2004.
    AnnandagPingst,
    /// 6 June, a public holiday from 2005.
    Nationaldagen,
    /// The Friday 19–25 June (afton).
    Midsommarafton,
    /// The Saturday 20–26 June.
    Midsommardagen,
    /// The Saturday 31 October – 6 November.
    AllaHelgonsDag,
    /// 24 December (afton).
    Julafton,
    /// 25 December.
    Juldagen,
    /// 26 December.
    AnnandagJul,
    /// 31 December (afton).
    Nyarsafton,
}

impl Holiday {
    /// The Swedish name in lower case (proper names capitalised), as in an
    /// almanac: `annandag påsk`, `Kristi himmelsfärdsdag`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Holiday::Nyarsdagen => "nyårsdagen",
            Holiday::TrettondedagJul => "trettondedag jul",
            Holiday::Langfredagen => "långfredagen",
            Holiday::Paskdagen => "påskdagen",
            Holiday::AnnandagPask => "annandag påsk",
            Holiday::ForstaMaj => "första maj",
            Holiday::KristiHimmelsfardsdag => "Kristi himmelsfärdsdag",
            Holiday::Pingstdagen => "pingstdagen",
            Holiday::AnnandagPingst => "annandag pingst",
            Holiday::Nationaldagen => "Sveriges nationaldag",
            Holiday::Midsommarafton => "midsommarafton",
            Holiday::Midsommardagen => "midsommardagen",
            Holiday::AllaHelgonsDag => "alla helgons dag",
            Holiday::Julafton => "julafton",
            Holiday::Juldagen => "juldagen",
            Holiday::AnnandagJul => "annandag jul",
            Holiday::Nyarsafton => "nyårsafton",
        }
    }

    /// Public holiday or afton.
    #[must_use]
    pub fn kind(self) -> HolidayKind {
        match self.afton() {
            Some(_) => HolidayKind::Afton,
            None => HolidayKind::Public,
        }
    }

    /// The afton this is, if it is one.
    #[must_use]
    pub fn afton(self) -> Option<Afton> {
        match self {
            Holiday::Midsommarafton => Some(Afton::Midsommarafton),
            Holiday::Julafton => Some(Afton::Julafton),
            Holiday::Nyarsafton => Some(Afton::Nyarsafton),
            _ => None,
        }
    }
}

impl From<Afton> for Holiday {
    fn from(afton: Afton) -> Holiday {
        match afton {
            Afton::Midsommarafton => Holiday::Midsommarafton,
            Afton::Julafton => Holiday::Julafton,
            Afton::Nyarsafton => Holiday::Nyarsafton,
        }
    }
}

/// Which days the kundtjänst keeps closed besides its weekly hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub struct DaysOff {
    /// Closed on the public holidays.
    pub public_holidays: bool,
    /// Closed on midsommarafton.
    pub midsommarafton: bool,
    /// Closed on julafton.
    pub julafton: bool,
    /// Closed on nyårsafton.
    pub nyarsafton: bool,
}

impl DaysOff {
    /// Public holidays and all three aftnar closed: the default when a policy says
    /// nothing, as in most kommuner.
    pub const ALL: DaysOff = DaysOff {
        public_holidays: true,
        midsommarafton: true,
        julafton: true,
        nyarsafton: true,
    };

    /// Open every day the weekly hours say (no day off for holidays).
    pub const NONE: DaysOff = DaysOff {
        public_holidays: false,
        midsommarafton: false,
        julafton: false,
        nyarsafton: false,
    };

    /// Whether this afton is kept closed.
    #[must_use]
    pub fn closes_afton(&self, afton: Afton) -> bool {
        match afton {
            Afton::Midsommarafton => self.midsommarafton,
            Afton::Julafton => self.julafton,
            Afton::Nyarsafton => self.nyarsafton,
        }
    }

    /// Whether this holiday or afton is a day off.
    #[must_use]
    pub fn closes(&self, holiday: Holiday) -> bool {
        match holiday.afton() {
            Some(afton) => self.closes_afton(afton),
            None => self.public_holidays,
        }
    }
}

impl Default for DaysOff {
    fn default() -> DaysOff {
        DaysOff::ALL
    }
}

/// Easter Sunday of a year (Gregorian), by the anonymous Gregorian algorithm
/// (Meeus/Jones/Butcher). `None` only outside jiff's calendar (years −9999…9999).
#[must_use]
pub fn easter_sunday(year: i16) -> Option<Date> {
    let y = i32::from(year);
    let a = y.rem_euclid(19);
    let (b, c) = (y.div_euclid(100), y.rem_euclid(100));
    let (d, e) = (b.div_euclid(4), b.rem_euclid(4));
    let f = (b + 8).div_euclid(25);
    let g = (b - f + 1).div_euclid(3);
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let (i, k) = (c.div_euclid(4), c.rem_euclid(4));
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l).div_euclid(451);
    let n = h + l - 7 * m + 114;
    let month = i8::try_from(n.div_euclid(31)).ok()?;
    let day = i8::try_from(n.rem_euclid(31) + 1).ok()?;
    Date::new(year, month, day).ok()
}

/// The public holiday or afton on a date, if any.
///
/// Two holidays can fall on one date (första maj and Kristi himmelsfärdsdag on
/// 1 May 2008, Sveriges nationaldag and pingstdagen on 6 June 2049); the one with
/// a fixed date is returned then. [`holidays_on`] gives both.
#[must_use]
pub fn holiday(date: Date) -> Option<Holiday> {
    fixed_date_holiday(date).or_else(|| moving_holiday(date))
}

/// Every public holiday and afton on a date: none, one, or two that coincide.
pub fn holidays_on(date: Date) -> impl Iterator<Item = Holiday> {
    fixed_date_holiday(date)
        .into_iter()
        .chain(moving_holiday(date))
}

/// Every public holiday and afton of a year, in date order.
#[must_use]
pub fn holidays_in_year(year: i16) -> Vec<(Date, Holiday)> {
    let Ok(first) = Date::new(year, 1, 1) else {
        return Vec::new();
    };
    first
        .series(jiff::Span::new().days(1))
        .take_while(|date| date.year() == year)
        .flat_map(|date| holidays_on(date).map(move |holiday| (date, holiday)))
        .collect()
}

/// Whether the kundtjänst is closed on a date for a holiday or afton (weekends are
/// not counted here: they belong to the weekly hours).
#[must_use]
pub fn is_day_off(date: Date, days_off: &DaysOff) -> bool {
    holidays_on(date).any(|holiday| days_off.closes(holiday))
}

/// A weekday (Monday–Friday) that is not a day off.
#[must_use]
pub fn is_working_day(date: Date, days_off: &DaysOff) -> bool {
    !matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday) && !is_day_off(date, days_off)
}

/// The working days from `from` to `to`, both included; 0 when `to` is before
/// `from`.
#[must_use]
pub fn working_days(from: Date, to: Date, days_off: &DaysOff) -> u32 {
    let days = from
        .series(jiff::Span::new().days(1))
        .take_while(|date| *date <= to)
        .filter(|date| is_working_day(*date, days_off))
        .count();
    u32::try_from(days).unwrap_or(u32::MAX)
}

/// For each weekday (index 0 = Monday … 6 = Sunday), the dates from `from` to `to`
/// (both included) that are not days off: how often each weekday's opening hours
/// are kept in that span.
#[must_use]
pub fn open_days_per_weekday(from: Date, to: Date, days_off: &DaysOff) -> [u32; 7] {
    let mut days = [0; 7];
    for date in from
        .series(jiff::Span::new().days(1))
        .take_while(|date| *date <= to)
        .filter(|date| !is_day_off(*date, days_off))
    {
        let index = usize::from(date.weekday().to_monday_zero_offset().unsigned_abs());
        days[index] += 1;
    }
    days
}

/// [`open_days_per_weekday`] over a whole year; all zero outside jiff's years.
#[must_use]
pub fn open_days_in_year(year: i16, days_off: &DaysOff) -> [u32; 7] {
    match (Date::new(year, 1, 1), Date::new(year, 12, 31)) {
        (Ok(first), Ok(last)) => open_days_per_weekday(first, last, days_off),
        _ => [0; 7],
    }
}

fn fixed_date_holiday(date: Date) -> Option<Holiday> {
    let saturday = date.weekday() == Weekday::Saturday;
    let friday = date.weekday() == Weekday::Friday;
    let holiday = match (date.month(), date.day()) {
        (1, 1) => Holiday::Nyarsdagen,
        (1, 6) => Holiday::TrettondedagJul,
        (5, 1) => Holiday::ForstaMaj,
        (6, 6) if date.year() >= 2005 => Holiday::Nationaldagen,
        (6, 19..=25) if friday => Holiday::Midsommarafton,
        (6, 20..=26) if saturday => Holiday::Midsommardagen,
        (10, 31) | (11, 1..=6) if saturday => Holiday::AllaHelgonsDag,
        (12, 24) => Holiday::Julafton,
        (12, 25) => Holiday::Juldagen,
        (12, 26) => Holiday::AnnandagJul,
        (12, 31) => Holiday::Nyarsafton,
        _ => return None,
    };
    Some(holiday)
}

fn moving_holiday(date: Date) -> Option<Holiday> {
    // Easter falls 22 March – 25 April, so every moving holiday lies in March–June
    // of Easter's own year, and day-of-year differences are exact.
    if !(3..=6).contains(&date.month()) {
        return None;
    }
    let easter = easter_sunday(date.year())?;
    let holiday = match date.day_of_year() - easter.day_of_year() {
        -2 => Holiday::Langfredagen,
        0 => Holiday::Paskdagen,
        1 => Holiday::AnnandagPask,
        39 => Holiday::KristiHimmelsfardsdag,
        49 => Holiday::Pingstdagen,
        50 if date.year() <= 2004 => Holiday::AnnandagPingst,
        _ => return None,
    };
    Some(holiday)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    /// Written from published sources, not from this module: Easter Sundays from a
    /// published Easter table, the other dates by the rules of lag (1989:253) as
    /// written in DOMAIN.md, checked against Swedish almanacs for 2019–2026.
    const EXPECTED: &[(i16, &str)] = &[
        (
            1990,
            "01-01 nyårsdagen, 01-06 trettondedag jul, 04-13 långfredagen, 04-15 påskdagen, 04-16 annandag påsk, 05-01 första maj, 05-24 Kristi himmelsfärdsdag, 06-03 pingstdagen, 06-04 annandag pingst, 06-22 midsommarafton, 06-23 midsommardagen, 11-03 alla helgons dag, 12-24 julafton, 12-25 juldagen, 12-26 annandag jul, 12-31 nyårsafton",
        ),
        (
            2000,
            "01-01 nyårsdagen, 01-06 trettondedag jul, 04-21 långfredagen, 04-23 påskdagen, 04-24 annandag påsk, 05-01 första maj, 06-01 Kristi himmelsfärdsdag, 06-11 pingstdagen, 06-12 annandag pingst, 06-23 midsommarafton, 06-24 midsommardagen, 11-04 alla helgons dag, 12-24 julafton, 12-25 juldagen, 12-26 annandag jul, 12-31 nyårsafton",
        ),
        (
            2004,
            "01-01 nyårsdagen, 01-06 trettondedag jul, 04-09 långfredagen, 04-11 påskdagen, 04-12 annandag påsk, 05-01 första maj, 05-20 Kristi himmelsfärdsdag, 05-30 pingstdagen, 05-31 annandag pingst, 06-25 midsommarafton, 06-26 midsommardagen, 11-06 alla helgons dag, 12-24 julafton, 12-25 juldagen, 12-26 annandag jul, 12-31 nyårsafton",
        ),
        (
            2005,
            "01-01 nyårsdagen, 01-06 trettondedag jul, 03-25 långfredagen, 03-27 påskdagen, 03-28 annandag påsk, 05-01 första maj, 05-05 Kristi himmelsfärdsdag, 05-15 pingstdagen, 06-06 Sveriges nationaldag, 06-24 midsommarafton, 06-25 midsommardagen, 11-05 alla helgons dag, 12-24 julafton, 12-25 juldagen, 12-26 annandag jul, 12-31 nyårsafton",
        ),
        (
            2008,
            "01-01 nyårsdagen, 01-06 trettondedag jul, 03-21 långfredagen, 03-23 påskdagen, 03-24 annandag påsk, 05-01 Kristi himmelsfärdsdag, 05-01 första maj, 05-11 pingstdagen, 06-06 Sveriges nationaldag, 06-20 midsommarafton, 06-21 midsommardagen, 11-01 alla helgons dag, 12-24 julafton, 12-25 juldagen, 12-26 annandag jul, 12-31 nyårsafton",
        ),
        (
            2019,
            "01-01 nyårsdagen, 01-06 trettondedag jul, 04-19 långfredagen, 04-21 påskdagen, 04-22 annandag påsk, 05-01 första maj, 05-30 Kristi himmelsfärdsdag, 06-06 Sveriges nationaldag, 06-09 pingstdagen, 06-21 midsommarafton, 06-22 midsommardagen, 11-02 alla helgons dag, 12-24 julafton, 12-25 juldagen, 12-26 annandag jul, 12-31 nyårsafton",
        ),
        (
            2024,
            "01-01 nyårsdagen, 01-06 trettondedag jul, 03-29 långfredagen, 03-31 påskdagen, 04-01 annandag påsk, 05-01 första maj, 05-09 Kristi himmelsfärdsdag, 05-19 pingstdagen, 06-06 Sveriges nationaldag, 06-21 midsommarafton, 06-22 midsommardagen, 11-02 alla helgons dag, 12-24 julafton, 12-25 juldagen, 12-26 annandag jul, 12-31 nyårsafton",
        ),
        (
            2026,
            "01-01 nyårsdagen, 01-06 trettondedag jul, 04-03 långfredagen, 04-05 påskdagen, 04-06 annandag påsk, 05-01 första maj, 05-14 Kristi himmelsfärdsdag, 05-24 pingstdagen, 06-06 Sveriges nationaldag, 06-19 midsommarafton, 06-20 midsommardagen, 10-31 alla helgons dag, 12-24 julafton, 12-25 juldagen, 12-26 annandag jul, 12-31 nyårsafton",
        ),
        (
            2038,
            "01-01 nyårsdagen, 01-06 trettondedag jul, 04-23 långfredagen, 04-25 påskdagen, 04-26 annandag påsk, 05-01 första maj, 06-03 Kristi himmelsfärdsdag, 06-06 Sveriges nationaldag, 06-13 pingstdagen, 06-25 midsommarafton, 06-26 midsommardagen, 11-06 alla helgons dag, 12-24 julafton, 12-25 juldagen, 12-26 annandag jul, 12-31 nyårsafton",
        ),
        (
            2049,
            "01-01 nyårsdagen, 01-06 trettondedag jul, 04-16 långfredagen, 04-18 påskdagen, 04-19 annandag påsk, 05-01 första maj, 05-27 Kristi himmelsfärdsdag, 06-06 Sveriges nationaldag, 06-06 pingstdagen, 06-25 midsommarafton, 06-26 midsommardagen, 11-06 alla helgons dag, 12-24 julafton, 12-25 juldagen, 12-26 annandag jul, 12-31 nyårsafton",
        ),
        (
            2100,
            "01-01 nyårsdagen, 01-06 trettondedag jul, 03-26 långfredagen, 03-28 påskdagen, 03-29 annandag påsk, 05-01 första maj, 05-06 Kristi himmelsfärdsdag, 05-16 pingstdagen, 06-06 Sveriges nationaldag, 06-25 midsommarafton, 06-26 midsommardagen, 11-06 alla helgons dag, 12-24 julafton, 12-25 juldagen, 12-26 annandag jul, 12-31 nyårsafton",
        ),
    ];

    fn listed(year: i16) -> String {
        let mut days: Vec<String> = holidays_in_year(year)
            .into_iter()
            .map(|(date, holiday)| {
                format!("{:02}-{:02} {}", date.month(), date.day(), holiday.name())
            })
            .collect();
        days.sort();
        days.join(", ")
    }

    #[test]
    fn sample_years_match_the_published_calendar() {
        for (year, expected) in EXPECTED {
            assert_eq!(listed(*year), *expected, "{year}");
        }
    }

    #[test]
    fn every_year_1990_to_2100_has_its_holidays_once_and_on_their_weekdays() {
        for year in 1990..=2100 {
            let days = holidays_in_year(year);
            let expected_count = 16; // 13 public holidays and 3 aftnar, whichever of the pingst pair.
            assert_eq!(days.len(), expected_count, "{year}");
            for (date, holiday) in days {
                let weekday = date.weekday();
                match holiday {
                    Holiday::Langfredagen | Holiday::Midsommarafton => {
                        assert_eq!(weekday, Weekday::Friday, "{year} {holiday:?}");
                    }
                    Holiday::Paskdagen | Holiday::Pingstdagen => {
                        assert_eq!(weekday, Weekday::Sunday, "{year} {holiday:?}");
                    }
                    Holiday::AnnandagPask | Holiday::AnnandagPingst => {
                        assert_eq!(weekday, Weekday::Monday, "{year} {holiday:?}");
                    }
                    Holiday::KristiHimmelsfardsdag => {
                        assert_eq!(weekday, Weekday::Thursday, "{year} {holiday:?}");
                    }
                    Holiday::Midsommardagen | Holiday::AllaHelgonsDag => {
                        assert_eq!(weekday, Weekday::Saturday, "{year} {holiday:?}");
                    }
                    _ => {}
                }
            }
        }
    }

    #[test]
    fn easter_stays_within_22_march_and_25_april() {
        for year in 1583..=9999 {
            let easter = easter_sunday(year).expect("a Gregorian year");
            assert!(
                easter >= date(year, 3, 22) && easter <= date(year, 4, 25),
                "{easter}"
            );
            assert_eq!(easter.weekday(), Weekday::Sunday, "{easter}");
        }
    }

    #[test]
    fn year_2026_has_251_working_days() {
        let days = working_days(date(2026, 1, 1), date(2026, 12, 31), &DaysOff::ALL);
        assert_eq!(days, 251);
    }

    #[test]
    fn open_aftnar_add_their_weekdays_back() {
        // 2026: midsommarafton Fri 19 June, julafton Thu, nyårsafton Thu.
        let open_aftnar = DaysOff {
            midsommarafton: false,
            julafton: false,
            nyarsafton: false,
            ..DaysOff::ALL
        };
        let year = (date(2026, 1, 1), date(2026, 12, 31));
        assert_eq!(working_days(year.0, year.1, &open_aftnar), 254);
        // 261 weekdays in 2026, none taken off.
        assert_eq!(working_days(year.0, year.1, &DaysOff::NONE), 261);
    }

    #[test]
    fn open_days_per_weekday_leave_out_the_days_off() {
        // 2026: 52 of each weekday and a 53rd Thursday. Off on weekdays: Thursdays
        // 1 Jan, 14 May, 24 and 31 Dec; Fridays 3 Apr, 1 May, 19 Jun, 25 Dec; Mondays
        // 6 Apr; Tuesdays 6 Jan. Saturdays 6 Jun, 20 Jun, 31 Oct, 26 Dec; Sundays 5 Apr,
        // 24 May.
        let days = open_days_in_year(2026, &DaysOff::ALL);
        assert_eq!(days, [51, 51, 52, 49, 48, 48, 50]);
        assert_eq!(days[..5].iter().sum::<u32>(), 251);
        assert_eq!(
            open_days_in_year(2026, &DaysOff::NONE),
            [52, 52, 52, 53, 52, 52, 52]
        );
    }

    #[test]
    fn a_reversed_range_has_no_working_days() {
        assert_eq!(
            working_days(date(2026, 2, 1), date(2026, 1, 1), &DaysOff::ALL),
            0
        );
    }

    #[test]
    fn coinciding_holidays_are_both_known_and_the_fixed_one_named() {
        assert_eq!(holiday(date(2008, 5, 1)), Some(Holiday::ForstaMaj));
        let both: Vec<Holiday> = holidays_on(date(2008, 5, 1)).collect();
        assert_eq!(both, [Holiday::ForstaMaj, Holiday::KristiHimmelsfardsdag]);
    }

    #[test]
    fn days_off_follow_the_policy() {
        let julafton = date(2026, 12, 24);
        assert_eq!(
            holiday(julafton).map(Holiday::kind),
            Some(HolidayKind::Afton)
        );
        assert!(is_day_off(julafton, &DaysOff::ALL));
        let open_julafton = DaysOff {
            julafton: false,
            ..DaysOff::ALL
        };
        assert!(!is_day_off(julafton, &open_julafton));
        assert!(is_day_off(date(2026, 12, 25), &open_julafton));
        assert!(!is_day_off(date(2026, 12, 25), &DaysOff::NONE));
        assert!(!is_day_off(date(2026, 3, 2), &DaysOff::ALL));
    }

    #[test]
    fn the_far_ends_of_the_calendar_do_not_panic() {
        for year in [-9999, -1, 0, 9999] {
            assert!(!holidays_in_year(year).is_empty(), "{year}");
        }
        let end = date(9999, 12, 31);
        assert_eq!(working_days(date(9999, 12, 20), end, &DaysOff::ALL), 8);
    }
}
