//! Swedish local wall-clock time from ISO 8601 text.
//!
//! Inquiry logs and API requests carry times such as `2026-03-02T10:15`,
//! `2026-03-02 10:15:00`, `2026-03-02T09:15:00Z` or
//! `2026-03-02T10:15:00.250+01:00`. Rules are written in the kommun's local
//! time (Europe/Stockholm), so every instant with an offset is converted to
//! CET/CEST; text without an offset is taken as local time already.
//!
//! The parser runs on every row of logs with millions of rows, so it works
//! on bytes, never allocates and never panics, whatever the input.

use std::fmt;

const MINUTES_PER_DAY: i64 = 24 * 60;

/// A local wall-clock time in Sweden, to the minute.
///
/// Ordering follows the local calendar. Around the autumn DST change the
/// hour 02:00–02:59 occurs twice and both map to the same `LocalTime`, which
/// is what rules written in local time expect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LocalTime {
    /// Days since 1970-01-01 of the local date.
    days: i32,
    /// Minutes since local midnight, 0..1440.
    minute_of_day: u16,
}

impl LocalTime {
    /// Parses an ISO 8601 date and time into Swedish local time.
    ///
    /// Accepted: `YYYY-MM-DD`, then `T` or a space, then `HH:MM`, optionally
    /// `:SS` with an optional fraction (`.` or `,` and digits), optionally
    /// followed by `Z` or an offset `±HH:MM`, `±HHMM` or `±HH`. Seconds and
    /// fractions are truncated to the minute.
    ///
    /// # Errors
    ///
    /// Returns a [`TimeError`] if the text has another shape, a field is out
    /// of range (such as `2026-02-29` or `24:00`) or the offset exceeds
    /// ±23:59.
    pub fn parse(text: &str) -> Result<LocalTime, TimeError> {
        parse_bytes(text.as_bytes()).map_err(|kind| TimeError::new(kind, text))
    }

    /// Local hour, 0–23.
    #[must_use]
    pub fn hour(self) -> u8 {
        (self.minute_of_day / 60) as u8
    }

    /// Local minute, 0–59.
    #[must_use]
    pub fn minute(self) -> u8 {
        (self.minute_of_day % 60) as u8
    }

    /// ISO weekday of the local date: 1 = Monday … 7 = Sunday.
    #[must_use]
    pub fn weekday(self) -> u8 {
        weekday_index(self.days) + 1
    }

    /// Days since 1970-01-01 of the local date; consecutive dates differ by
    /// one, which makes day spans a subtraction.
    #[must_use]
    pub fn days(self) -> i32 {
        self.days
    }

    /// Minutes since 1970-01-01T00:00 local time (not UTC: DST shifts are
    /// not taken out).
    #[must_use]
    pub fn minutes_since_epoch(self) -> i64 {
        i64::from(self.days) * MINUTES_PER_DAY + i64::from(self.minute_of_day)
    }
}

impl fmt::Display for LocalTime {
    /// Formats as `YYYY-MM-DDTHH:MM`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (year, month, day) = civil_from_days(i64::from(self.days));
        // Offsets can push 0000-01-01 into year −1; keep four digits there.
        if year < 0 {
            f.write_str("-")?;
        }
        write!(
            f,
            "{:04}-{month:02}-{day:02}T{:02}:{:02}",
            year.unsigned_abs(),
            self.hour(),
            self.minute()
        )
    }
}

/// Why a time could not be parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimeErrorKind {
    /// The text is empty or only whitespace.
    Empty,
    /// The text does not have the shape `YYYY-MM-DDTHH:MM`.
    Format,
    /// The date has no time of day.
    MissingTime,
    /// Month outside 1–12.
    Month,
    /// Day outside 1..=`max` for that month and year.
    Day {
        /// Days in the month given.
        max: u8,
    },
    /// Hour outside 0–23.
    Hour,
    /// Minute outside 0–59.
    Minute,
    /// Second outside 0–60.
    Second,
    /// Offset that is not `Z` or `±HH:MM` within ±23:59.
    Offset,
    /// Something follows a complete time.
    Trailing,
}

impl TimeErrorKind {
    fn message(self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            Self::Empty => "tiden är tom",
            Self::Format => "väntade formatet ÅÅÅÅ-MM-DDTHH:MM",
            Self::MissingTime => "klockslag saknas, väntade ÅÅÅÅ-MM-DDTHH:MM",
            Self::Month => "månaden måste vara 1–12",
            Self::Day { max } => return write!(f, "dagen måste vara 1–{max} i den månaden"),
            Self::Hour => "timmen måste vara 0–23",
            Self::Minute => "minuten måste vara 0–59",
            Self::Second => "sekunden måste vara 0–60",
            Self::Offset => "tidszonen måste vara Z eller ±HH:MM mellan −23:59 och +23:59",
            Self::Trailing => "oväntade tecken efter klockslaget",
        };
        f.write_str(text)
    }
}

/// Bytes of the offending text kept for the message; longer text is cut.
const ERROR_TEXT_CAPACITY: usize = 48;

/// A time that could not be parsed, with the text for the message.
///
/// Holds a copy of (the start of) the text inline so that errors stay
/// `Copy`, need no allocation and outlive the input line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimeError {
    kind: TimeErrorKind,
    text: [u8; ERROR_TEXT_CAPACITY],
    text_len: u8,
    truncated: bool,
}

impl TimeError {
    fn new(kind: TimeErrorKind, text: &str) -> TimeError {
        let mut end = text.len().min(ERROR_TEXT_CAPACITY);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let mut buffer = [0; ERROR_TEXT_CAPACITY];
        buffer[..end].copy_from_slice(&text.as_bytes()[..end]);
        TimeError {
            kind,
            text: buffer,
            text_len: end as u8,
            truncated: end < text.len(),
        }
    }

    /// What was wrong with the text.
    #[must_use]
    pub fn kind(&self) -> TimeErrorKind {
        self.kind
    }

    /// The offending text, cut after about 48 bytes.
    #[must_use]
    pub fn text(&self) -> &str {
        // Always cut on a char boundary in `new`, so this cannot fail.
        std::str::from_utf8(&self.text[..usize::from(self.text_len)]).unwrap_or("")
    }
}

impl fmt::Display for TimeError {
    /// Swedish message for analysts, e.g.
    /// ``ogiltig tid `2026-13-01`: månaden måste vara 1–12``.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ogiltig tid `")?;
        // Escape control characters so a stray newline cannot break a report.
        for c in self.text().chars() {
            if c.is_control() {
                write!(f, "{}", c.escape_default())?;
            } else {
                write!(f, "{c}")?;
            }
        }
        if self.truncated {
            f.write_str("…")?;
        }
        f.write_str("`: ")?;
        self.kind.message(f)
    }
}

impl std::error::Error for TimeError {}

/// Cursor over the input bytes; every read is bounds-checked.
struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn eat(&mut self, expected: u8) -> bool {
        if self.peek() == Some(expected) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// Exactly `count` ASCII digits (count ≤ 4, so no overflow).
    fn digits(&mut self, count: usize) -> Option<u32> {
        let end = self.pos.checked_add(count)?;
        let slice = self.bytes.get(self.pos..end)?;
        let mut value = 0;
        for &b in slice {
            if !b.is_ascii_digit() {
                return None;
            }
            value = value * 10 + u32::from(b - b'0');
        }
        self.pos = end;
        Some(value)
    }

    fn at_end(&self) -> bool {
        self.pos >= self.bytes.len()
    }
}

fn parse_bytes(bytes: &[u8]) -> Result<LocalTime, TimeErrorKind> {
    use TimeErrorKind as E;

    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(E::Empty);
    }
    let mut c = Cursor { bytes, pos: 0 };

    // Date first and validated before the time, so `2026-13-01` gets the
    // month message rather than "time missing".
    let year = c.digits(4).ok_or(E::Format)?;
    if !c.eat(b'-') {
        return Err(E::Format);
    }
    let month = c.digits(2).ok_or(E::Format)?;
    if !c.eat(b'-') {
        return Err(E::Format);
    }
    let day = c.digits(2).ok_or(E::Format)?;
    if !(1..=12).contains(&month) {
        return Err(E::Month);
    }
    let max_day = days_in_month(year, month);
    if !(1..=max_day).contains(&day) {
        return Err(E::Day { max: max_day as u8 });
    }

    match c.peek() {
        None => return Err(E::MissingTime),
        Some(b'T' | b't' | b' ') => c.pos += 1,
        Some(_) => return Err(E::Format),
    }
    let hour = c.digits(2).ok_or(E::Format)?;
    if !c.eat(b':') {
        return Err(E::Format);
    }
    let minute = c.digits(2).ok_or(E::Format)?;
    if hour > 23 {
        return Err(E::Hour);
    }
    if minute > 59 {
        return Err(E::Minute);
    }
    if c.eat(b':') {
        let second = c.digits(2).ok_or(E::Format)?;
        if second > 60 {
            return Err(E::Second);
        }
        if c.eat(b'.') || c.eat(b',') {
            let start = c.pos;
            while c.peek().is_some_and(|b| b.is_ascii_digit()) {
                c.pos += 1;
            }
            if c.pos == start {
                return Err(E::Format);
            }
        }
    }

    let offset_minutes = match c.peek() {
        None => None,
        Some(b'Z' | b'z') => {
            c.pos += 1;
            Some(0)
        }
        Some(sign @ (b'+' | b'-')) => {
            c.pos += 1;
            let hours = c.digits(2).ok_or(E::Offset)?;
            let minutes = if c.eat(b':') {
                c.digits(2).ok_or(E::Offset)?
            } else if c.at_end() {
                0
            } else {
                c.digits(2).ok_or(E::Offset)?
            };
            if hours > 23 || minutes > 59 {
                return Err(E::Offset);
            }
            let total = i64::from(hours * 60 + minutes);
            Some(if sign == b'-' { -total } else { total })
        }
        Some(_) => return Err(E::Trailing),
    };
    if !c.at_end() {
        return Err(E::Trailing);
    }

    let date_days = days_from_civil(i64::from(year), month, day);
    let wall_minutes = date_days * MINUTES_PER_DAY + i64::from(hour * 60 + minute);
    let local_minutes = match offset_minutes {
        None => wall_minutes,
        Some(offset) => {
            let utc = wall_minutes - offset;
            // The DST switches are in March and October, so a shift of at
            // most a day cannot move the instant into a year with another
            // rule: the year as written is good enough.
            utc + stockholm_offset_minutes(utc, i64::from(year))
        }
    };

    // Years 0000–9999 plus at most a day: always fits i32.
    Ok(LocalTime {
        days: local_minutes.div_euclid(MINUTES_PER_DAY) as i32,
        minute_of_day: local_minutes.rem_euclid(MINUTES_PER_DAY) as u16,
    })
}

/// UTC offset of Europe/Stockholm at the UTC instant `utc_minutes`:
/// +2 h from the last Sunday of March 01:00 UTC to the last Sunday of
/// October 01:00 UTC (EU rule since 1996), +1 h otherwise.
fn stockholm_offset_minutes(utc_minutes: i64, year: i64) -> i64 {
    let start = last_sunday(year, 3) * MINUTES_PER_DAY + 60;
    let end = last_sunday(year, 10) * MINUTES_PER_DAY + 60;
    if (start..end).contains(&utc_minutes) {
        120
    } else {
        60
    }
}

/// Day number of the last Sunday of a 31-day month.
fn last_sunday(year: i64, month: u32) -> i64 {
    let last = days_from_civil(year, month, 31);
    // weekday_index: Monday 0 … Sunday 6, so (index + 1) % 7 days back.
    last - (i64::from(weekday_index_i64(last)) + 1) % 7
}

/// Monday = 0 … Sunday = 6; 1970-01-01 was a Thursday.
fn weekday_index(days: i32) -> u8 {
    weekday_index_i64(i64::from(days))
}

fn weekday_index_i64(days: i64) -> u8 {
    (days + 3).rem_euclid(7) as u8
}

fn is_leap_year(year: u32) -> bool {
    year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400))
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400; // [0, 399]
    let m = i64::from(month);
    let mp = if m > 2 { m - 3 } else { m + 9 }; // March = 0
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1; // [0, 365]
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
    era * 146_097 + doe - 719_468
}

/// Inverse of [`days_from_civil`] (Hinnant's `civil_from_days`).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097; // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11]
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32; // [1, 31]
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32; // [1, 12]
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn local(text: &str) -> String {
        match LocalTime::parse(text) {
            Ok(t) => t.to_string(),
            Err(e) => panic!("{text:?} did not parse: {e}"),
        }
    }

    fn kind(text: &str) -> TimeErrorKind {
        match LocalTime::parse(text) {
            Ok(t) => panic!("{text:?} parsed as {t}"),
            Err(e) => e.kind(),
        }
    }

    #[test]
    fn local_formats() {
        assert_eq!(local("2026-03-02T10:15"), "2026-03-02T10:15");
        assert_eq!(local("2026-03-02 10:15:00"), "2026-03-02T10:15");
        assert_eq!(local("2026-03-02T10:15:59"), "2026-03-02T10:15");
        assert_eq!(local("2026-03-02T10:15:00.123456"), "2026-03-02T10:15");
        assert_eq!(local("2026-03-02T10:15:00,5"), "2026-03-02T10:15");
        assert_eq!(local("2026-12-31T23:59:60"), "2026-12-31T23:59");
    }

    #[test]
    fn offset_formats() {
        // Winter: CET, UTC+1.
        assert_eq!(local("2026-03-02T09:15:00Z"), "2026-03-02T10:15");
        assert_eq!(local("2026-03-02T09:15z"), "2026-03-02T10:15");
        assert_eq!(local("2026-03-02T09:15:00.999Z"), "2026-03-02T10:15");
        assert_eq!(local("2026-03-02T10:15:00+01:00"), "2026-03-02T10:15");
        assert_eq!(local("2026-03-02T10:15:00+0100"), "2026-03-02T10:15");
        assert_eq!(local("2026-03-02T10:15+01"), "2026-03-02T10:15");
        assert_eq!(local("2026-03-02T04:15:00-05:00"), "2026-03-02T10:15");
        assert_eq!(local("2026-03-02T09:15:00-00:00"), "2026-03-02T10:15");
        assert_eq!(local("2026-03-02T14:45:00+05:30"), "2026-03-02T10:15");
        // Summer: CEST, UTC+2.
        assert_eq!(local("2026-07-01T08:15:00Z"), "2026-07-01T10:15");
        assert_eq!(local("2026-07-01T10:15:00+02:00"), "2026-07-01T10:15");
    }

    #[test]
    fn offsets_cross_dates_and_years() {
        assert_eq!(local("2026-12-31T23:30:00Z"), "2027-01-01T00:30");
        assert_eq!(local("2027-01-01T00:30:00+01:00"), "2027-01-01T00:30");
        assert_eq!(local("2027-01-01T00:30:00+14:00"), "2026-12-31T11:30");
        assert_eq!(local("2026-12-31T23:00:00-12:00"), "2027-01-01T12:00");
        // Leap day reached through an offset.
        assert_eq!(local("2024-02-28T23:30:00Z"), "2024-02-29T00:30");
    }

    #[test]
    fn dst_boundaries() {
        assert_eq!(local("2026-03-29T00:59:59Z"), "2026-03-29T01:59");
        assert_eq!(local("2026-03-29T01:00:00Z"), "2026-03-29T03:00");
        assert_eq!(local("2026-10-25T00:59Z"), "2026-10-25T02:59");
        assert_eq!(local("2026-10-25T01:00Z"), "2026-10-25T02:00");
        // Another year, where the last Sundays fall on the 31st and 27th.
        assert_eq!(local("2024-03-31T00:59Z"), "2024-03-31T01:59");
        assert_eq!(local("2024-03-31T01:00Z"), "2024-03-31T03:00");
        assert_eq!(local("2024-10-27T00:59Z"), "2024-10-27T02:59");
        assert_eq!(local("2024-10-27T01:00Z"), "2024-10-27T02:00");
        // The week before the March change is still winter time.
        assert_eq!(local("2026-03-22T12:00Z"), "2026-03-22T13:00");
    }

    #[test]
    fn last_sundays() {
        let date = |d: i64| {
            let (y, m, day) = civil_from_days(d);
            (y, m, day)
        };
        assert_eq!(date(last_sunday(2026, 3)), (2026, 3, 29));
        assert_eq!(date(last_sunday(2026, 10)), (2026, 10, 25));
        assert_eq!(date(last_sunday(2024, 3)), (2024, 3, 31));
        assert_eq!(date(last_sunday(2027, 10)), (2027, 10, 31));
    }

    #[test]
    fn weekdays_and_accessors() {
        let t = LocalTime::parse("2026-11-22T08:05").unwrap();
        assert_eq!(t.weekday(), 7);
        assert_eq!(t.hour(), 8);
        assert_eq!(t.minute(), 5);
        assert_eq!(LocalTime::parse("2024-02-29T12:00").unwrap().weekday(), 4);
        let epoch = LocalTime::parse("1970-01-01T00:00").unwrap();
        assert_eq!(epoch.days(), 0);
        assert_eq!(epoch.weekday(), 4);
        assert_eq!(epoch.minutes_since_epoch(), 0);
        let t = LocalTime::parse("1970-01-02T01:01").unwrap();
        assert_eq!(t.minutes_since_epoch(), 1440 + 61);
        let before = LocalTime::parse("1969-12-31T23:59").unwrap();
        assert_eq!(before.days(), -1);
        assert_eq!(before.weekday(), 3);
        assert_eq!(before.minutes_since_epoch(), -1);
        assert_eq!(LocalTime::parse("2000-01-01T00:00").unwrap().days(), 10_957);
    }

    #[test]
    fn ordering_follows_local_time() {
        let a = LocalTime::parse("2026-03-02T10:15").unwrap();
        let b = LocalTime::parse("2026-03-02T10:16").unwrap();
        let c = LocalTime::parse("2026-03-03T00:00").unwrap();
        assert!(a < b && b < c);
        assert_eq!(a, LocalTime::parse("2026-03-02T09:15Z").unwrap());
    }

    #[test]
    fn invalid_inputs() {
        assert_eq!(kind("2026-02-29T10:00"), TimeErrorKind::Day { max: 28 });
        assert_eq!(kind("2026-04-31T10:00"), TimeErrorKind::Day { max: 30 });
        assert_eq!(kind("2026-01-00T10:00"), TimeErrorKind::Day { max: 31 });
        assert_eq!(kind("1900-02-29T10:00"), TimeErrorKind::Day { max: 28 });
        assert!(LocalTime::parse("2000-02-29T10:00").is_ok());
        assert_eq!(kind("2026-03-02T24:00"), TimeErrorKind::Hour);
        assert_eq!(kind("2026-03-02T10:60"), TimeErrorKind::Minute);
        assert_eq!(kind("2026-03-02T10:15:61"), TimeErrorKind::Second);
        assert_eq!(kind("2026-13-01"), TimeErrorKind::Month);
        assert_eq!(kind("2026-00-01T10:00"), TimeErrorKind::Month);
        assert_eq!(kind(""), TimeErrorKind::Empty);
        assert_eq!(kind("   "), TimeErrorKind::Empty);
        assert_eq!(kind("abc"), TimeErrorKind::Format);
        assert_eq!(kind("2026-03-02"), TimeErrorKind::MissingTime);
        assert_eq!(kind("2026-01-01T10:00+25:00"), TimeErrorKind::Offset);
        assert_eq!(kind("2026-01-01T10:00+01:60"), TimeErrorKind::Offset);
        assert_eq!(kind("2026-01-01T10:00+1"), TimeErrorKind::Offset);
        assert_eq!(kind("2026-01-01T10:00+01:"), TimeErrorKind::Offset);
        assert_eq!(kind("2026-01-01T10:00+01:00x"), TimeErrorKind::Trailing);
        assert_eq!(kind("2026-01-01T10:00 "), TimeErrorKind::Trailing);
        assert_eq!(kind("2026-01-01T10:00:00."), TimeErrorKind::Format);
        assert_eq!(kind("2026-01-01T10"), TimeErrorKind::Format);
        assert_eq!(kind("2026-01-01T10:0"), TimeErrorKind::Format);
        assert_eq!(kind("2026-01-01X10:00"), TimeErrorKind::Format);
        assert_eq!(kind("2026-1-01T10:00"), TimeErrorKind::Format);
        assert_eq!(kind("20260101T1000"), TimeErrorKind::Format);
        assert_eq!(kind(" 2026-01-01T10:00"), TimeErrorKind::Format);
        assert_eq!(
            kind("99999999999999999999-01-01T10:00"),
            TimeErrorKind::Format
        );
        assert_eq!(
            kind("2026-01-01T10:00:00.99999999999999999999999Ä"),
            TimeErrorKind::Trailing
        );
        assert_eq!(kind("２０２６-01-01T10:00"), TimeErrorKind::Format);
        assert_eq!(kind("2026-01-01T10:00:0ö"), TimeErrorKind::Format);
        assert_eq!(kind("2026-01-01T10:00＋01:00"), TimeErrorKind::Trailing);
    }

    #[test]
    fn error_messages() {
        let e = LocalTime::parse("2026-13-01").unwrap_err();
        assert_eq!(
            e.to_string(),
            "ogiltig tid `2026-13-01`: månaden måste vara 1–12"
        );
        assert_eq!(e.text(), "2026-13-01");
        let e = LocalTime::parse("2026-02-29T10:00").unwrap_err();
        assert_eq!(
            e.to_string(),
            "ogiltig tid `2026-02-29T10:00`: dagen måste vara 1–28 i den månaden"
        );
        let e = LocalTime::parse("").unwrap_err();
        assert_eq!(e.to_string(), "ogiltig tid ``: tiden är tom");
        let e = LocalTime::parse("a\nb").unwrap_err();
        assert_eq!(
            e.to_string(),
            "ogiltig tid `a\\nb`: väntade formatet ÅÅÅÅ-MM-DDTHH:MM"
        );
        // Long text is cut on a char boundary and marked.
        let long = "å".repeat(100);
        let e = LocalTime::parse(&long).unwrap_err();
        assert_eq!(e.text(), "å".repeat(24));
        assert!(e.to_string().contains("åå…`"));
    }

    #[test]
    fn every_day_steps_by_one() {
        // 1899-12-31 through 2101: day numbers, weekdays and Display must
        // agree with a plain day-by-day calendar walk.
        let mut previous = LocalTime::parse("1899-12-31T12:00").unwrap();
        assert_eq!(previous.weekday(), 7);
        let mut count = 0;
        for year in 1900..=2100_u32 {
            for month in 1..=12 {
                for day in 1..=days_in_month(year, month) {
                    let text = format!("{year:04}-{month:02}-{day:02}T12:00");
                    let t = LocalTime::parse(&text).unwrap();
                    assert_eq!(t.days(), previous.days() + 1, "{text}");
                    assert_eq!(t.weekday(), previous.weekday() % 7 + 1, "{text}");
                    assert_eq!(t.to_string(), text);
                    assert_eq!(
                        t.minutes_since_epoch() - previous.minutes_since_epoch(),
                        1440
                    );
                    assert_eq!(
                        civil_from_days(i64::from(t.days())),
                        (i64::from(year), month, day)
                    );
                    previous = t;
                    count += 1;
                }
            }
        }
        assert_eq!(count, 73_414);
    }

    #[test]
    fn utc_and_local_agree_every_hour_of_a_year() {
        // Walk 2026 hour by hour in UTC; local time must run at +1 h or +2 h
        // and switch exactly at the two DST instants.
        let mut switches = 0;
        let mut last_offset = None;
        for hour in 0..365 * 24_i64 {
            let utc = days_from_civil(2026, 1, 1) * MINUTES_PER_DAY + hour * 60;
            let (y, m, d) = civil_from_days(utc.div_euclid(MINUTES_PER_DAY));
            let h = utc.rem_euclid(MINUTES_PER_DAY) / 60;
            let text = format!("{y:04}-{m:02}-{d:02}T{h:02}:00:00Z");
            let t = LocalTime::parse(&text).unwrap();
            let offset = t.minutes_since_epoch() - utc;
            assert!(offset == 60 || offset == 120, "{text}: {offset}");
            if last_offset.is_some_and(|o| o != offset) {
                switches += 1;
            }
            last_offset = Some(offset);
        }
        assert_eq!(switches, 2);
    }

    #[test]
    fn never_panics_on_garbage() {
        // Small xorshift so the test needs no dependency and is repeatable.
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let seeds: [&[u8]; 4] = [
            b"2026-03-02T10:15:00.123+01:00",
            b"2026-10-25T01:00Z",
            b"9999-12-31T23:59:60-23:59",
            b"0000-01-01T00:00+23:59",
        ];
        let alphabet = b"0123456789-:T Zz+.,x\xc3\xa5\xff";
        for round in 0..200_000 {
            let seed = seeds[round % seeds.len()];
            let mut bytes = seed.to_vec();
            for _ in 0..(next() % 4 + 1) {
                let r = next();
                let i = (r as usize >> 8) % (bytes.len() + 1);
                let b = alphabet[(r as usize) % alphabet.len()];
                match r % 3 {
                    0 if i < bytes.len() => bytes[i] = b,
                    1 => bytes.insert(i, b),
                    _ => bytes.truncate(i),
                }
            }
            let text = String::from_utf8_lossy(&bytes);
            match LocalTime::parse(&text) {
                Ok(t) => {
                    assert!(t.hour() < 24 && t.minute() < 60 && (1..=7).contains(&t.weekday()));
                    let _ = t.to_string();
                }
                Err(e) => {
                    let _ = e.to_string();
                }
            }
        }
        // Extremes of the accepted range.
        assert_eq!(local("0000-01-01T00:00+23:59"), "-0001-12-31T01:01");
        assert_eq!(local("9999-12-31T23:59-23:59"), "10000-01-02T00:58");
    }
}
