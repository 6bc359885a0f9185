//! Swedish local wall-clock time from ISO 8601 text.
//!
//! Inquiry logs and API requests carry times such as `2026-03-02T10:15`,
//! `2026-03-02 10:15:00`, `2026-03-02T09:15:00Z` or
//! `2026-03-02T10:15:00.250+01:00`. Rules are written in the kommun's local
//! time (Europe/Stockholm), so every instant with an offset is converted to
//! Swedish time; text without an offset is taken as local time already.
//! The tz database keeps Sweden's own rules from 1970 on; for earlier
//! instants it gives those of Europe/Berlin, with which Stockholm is merged.
//!
//! The text is read here, byte by byte, only so that a bad time gets a
//! Swedish message naming the field that is wrong; the calendar and the
//! time-zone rules are jiff's. This runs on every row of logs with millions
//! of rows, so it never panics and does not allocate, whatever the input
//! (bar an instant past jiff's range, late in year 9999).

use jiff::civil::{Date, DateTime, Time};
use jiff::tz::{AmbiguousOffset, Offset, TimeZone};
use std::fmt;
use std::sync::LazyLock;

/// Europe/Stockholm from the copy of the tz database built into the binary
/// (jiff's `tzdb-bundle-always`, without its system lookup): every machine
/// then answers alike, with or without /usr/share/zoneinfo. Looked up once,
/// not per row.
static STOCKHOLM: LazyLock<TimeZone> = LazyLock::new(|| {
    TimeZone::get("Europe/Stockholm").expect("the bundled tz database has Europe/Stockholm")
});

/// Today's date in Sweden, for stamping reports.
#[cfg_attr(not(feature = "dryrun"), allow(dead_code))]
pub(crate) fn today() -> Date {
    STOCKHOLM.to_datetime(jiff::Timestamp::now()).date()
}

/// A local wall-clock time in Sweden, to the minute.
///
/// Ordering follows the local calendar. Around the autumn DST change the
/// hour 02:00–02:59 occurs twice and both map to the same `LocalTime`, which
/// is what rules written in local time expect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LocalTime {
    date: Date,
    hour: u8,
    minute: u8,
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
    /// of range (such as `2026-02-29` or `24:00`), the offset exceeds ±23:59
    /// or the instant lies past what jiff can convert (the last day of 9999).
    pub fn parse(text: &str) -> Result<LocalTime, TimeError> {
        parse_bytes(text.as_bytes()).map_err(|kind| TimeError::new(kind, text))
    }

    /// Local hour, 0–23.
    #[must_use]
    pub fn hour(self) -> u8 {
        self.hour
    }

    /// Local minute, 0–59.
    #[must_use]
    pub fn minute(self) -> u8 {
        self.minute
    }

    /// ISO weekday of the local date: 1 = Monday … 7 = Sunday.
    #[must_use]
    pub fn weekday(self) -> u8 {
        self.date.weekday().to_monday_one_offset().unsigned_abs()
    }

    /// The local date, for calendar arithmetic with jiff.
    #[must_use]
    pub fn date(self) -> Date {
        self.date
    }

    fn from_datetime(dt: DateTime) -> LocalTime {
        LocalTime {
            date: dt.date(),
            hour: dt.hour().unsigned_abs(),
            minute: dt.minute().unsigned_abs(),
        }
    }
}

impl fmt::Display for LocalTime {
    /// Formats as `YYYY-MM-DDTHH:MM`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}T{:02}:{:02}", self.date, self.hour, self.minute)
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
    /// The instant lies past the last one jiff can convert (late 9999-12-30 UTC).
    Range,
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
            Self::Range => "tidpunkten ligger för långt fram för att räknas om till svensk tid",
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
    fn digits(&mut self, count: usize) -> Option<i16> {
        let end = self.pos.checked_add(count)?;
        let slice = self.bytes.get(self.pos..end)?;
        let mut value = 0;
        for &b in slice {
            if !b.is_ascii_digit() {
                return None;
            }
            value = value * 10 + i16::from(b - b'0');
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
    let month = c.digits(2).ok_or(E::Format)? as i8;
    if !c.eat(b'-') {
        return Err(E::Format);
    }
    let day = c.digits(2).ok_or(E::Format)? as i8;
    if !(1..=12).contains(&month) {
        return Err(E::Month);
    }
    // Bounds are checked before jiff builds a value: its errors allocate,
    // and a log may hold many bad rows.
    let max_day = Date::new(year, month, 1)
        .map_err(|_| E::Month)?
        .days_in_month();
    if !(1..=max_day).contains(&day) {
        return Err(E::Day {
            max: max_day.unsigned_abs(),
        });
    }
    let date = Date::new(year, month, day).map_err(|_| E::Format)?;

    match c.peek() {
        None => return Err(E::MissingTime),
        Some(b'T' | b't' | b' ') => c.pos += 1,
        Some(_) => return Err(E::Format),
    }
    let hour = c.digits(2).ok_or(E::Format)? as i8;
    if !c.eat(b':') {
        return Err(E::Format);
    }
    let minute = c.digits(2).ok_or(E::Format)? as i8;
    if hour > 23 {
        return Err(E::Hour);
    }
    if minute > 59 {
        return Err(E::Minute);
    }
    let time = Time::new(hour, minute, 0, 0).map_err(|_| E::Format)?;
    if c.eat(b':') {
        // 60 is a leap second; it is truncated away with the rest.
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

    let offset = match c.peek() {
        None => None,
        Some(b'Z' | b'z') => {
            c.pos += 1;
            Some(Offset::UTC)
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
            let seconds = (i32::from(hours) * 60 + i32::from(minutes)) * 60;
            let seconds = if sign == b'-' { -seconds } else { seconds };
            Some(Offset::from_seconds(seconds).map_err(|_| E::Offset)?)
        }
        Some(_) => return Err(E::Trailing),
    };
    if !c.at_end() {
        return Err(E::Trailing);
    }

    let wall = DateTime::from_parts(date, time);
    let local = match offset {
        Some(offset) => {
            let instant = offset.to_timestamp(wall).map_err(|_| E::Range)?;
            STOCKHOLM.to_datetime(instant)
        }
        // Text without an offset is Swedish wall-clock time already. In the
        // autumn fold both readings show that same wall clock, so it stands.
        // A time in the spring gap (02:00–02:59 on the last Sunday of March)
        // never occurred: jiff's "compatible" choice, as in RFC 5545 and
        // Temporal, reads it with the winter offset, so 02:30 becomes 03:30.
        None => {
            let ambiguous = STOCKHOLM.to_ambiguous_timestamp(wall);
            if let AmbiguousOffset::Gap { .. } = ambiguous.offset() {
                STOCKHOLM.to_datetime(ambiguous.compatible().map_err(|_| E::Range)?)
            } else {
                wall
            }
        }
    };
    // Local mean time (before 1893) has an offset with seconds; they go
    // with the truncation to the minute.
    Ok(LocalTime::from_datetime(local))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::ToSpan;

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
    fn dst_gap_and_fold_in_local_text() {
        // Spring 2026: 02:00–02:59 on 29 March does not exist and is read
        // with the winter offset ("compatible"), an hour later on the clock.
        assert_eq!(local("2026-03-29T01:59"), "2026-03-29T01:59");
        assert_eq!(local("2026-03-29T02:00"), "2026-03-29T03:00");
        assert_eq!(local("2026-03-29T02:30:45"), "2026-03-29T03:30");
        assert_eq!(local("2026-03-29T03:00"), "2026-03-29T03:00");
        // Autumn 2026: 02:00–02:59 on 25 October occurs twice; both are the
        // same wall-clock time, with or without an offset naming which.
        assert_eq!(local("2026-10-25T02:30"), "2026-10-25T02:30");
        assert_eq!(local("2026-10-25T02:30+02:00"), "2026-10-25T02:30");
        assert_eq!(local("2026-10-25T02:30+01:00"), "2026-10-25T02:30");
        assert_eq!(local("2026-10-25T00:30Z"), "2026-10-25T02:30");
        assert_eq!(local("2026-10-25T01:30Z"), "2026-10-25T02:30");
        assert_eq!(
            LocalTime::parse("2026-10-25T00:30Z"),
            LocalTime::parse("2026-10-25T01:30Z")
        );
    }

    #[test]
    fn swedish_rules_of_earlier_years() {
        // No summer time in Sweden between 1916 and 1980.
        assert_eq!(local("1970-07-01T12:00Z"), "1970-07-01T13:00");
        // 1980–1995 summer time ended on the last Sunday of September.
        assert_eq!(local("1990-09-30T00:59Z"), "1990-09-30T02:59");
        assert_eq!(local("1990-09-30T01:00Z"), "1990-09-30T02:00");
        assert_eq!(local("1990-10-15T12:00Z"), "1990-10-15T13:00");
    }

    #[test]
    fn time_zone_is_the_bundled_stockholm() {
        assert_eq!(STOCKHOLM.iana_name(), Some("Europe/Stockholm"));
    }

    #[test]
    fn weekdays_and_accessors() {
        let t = LocalTime::parse("2026-11-22T08:05").unwrap();
        assert_eq!(t.weekday(), 7);
        assert_eq!(t.hour(), 8);
        assert_eq!(t.minute(), 5);
        assert_eq!(t.date(), jiff::civil::date(2026, 11, 22));
        assert_eq!(LocalTime::parse("2024-02-29T12:00").unwrap().weekday(), 4);
        assert_eq!(LocalTime::parse("1970-01-01T00:00").unwrap().weekday(), 4);
        assert_eq!(LocalTime::parse("1969-12-31T23:59").unwrap().weekday(), 3);
    }

    #[test]
    fn ordering_follows_local_time() {
        let a = LocalTime::parse("2026-03-02T10:15").unwrap();
        let b = LocalTime::parse("2026-03-02T10:16").unwrap();
        let c = LocalTime::parse("2026-03-02T11:00").unwrap();
        let d = LocalTime::parse("2026-03-03T00:00").unwrap();
        assert!(a < b && b < c && c < d);
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
        let e = LocalTime::parse("9999-12-31T12:00Z").unwrap_err();
        assert_eq!(
            e.to_string(),
            "ogiltig tid `9999-12-31T12:00Z`: \
             tidpunkten ligger för långt fram för att räknas om till svensk tid"
        );
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
    fn every_day_round_trips() {
        // 1899-12-31 through 2100: our reading of the text, the weekday
        // numbering and Display must agree with jiff's calendar.
        let mut count = 0;
        for date in jiff::civil::date(1899, 12, 31)
            .series(1.day())
            .take_while(|d| d.year() <= 2100)
        {
            let text = format!("{date}T12:00");
            let t = LocalTime::parse(&text).unwrap();
            assert_eq!(t.date(), date, "{text}");
            assert_eq!(
                i8::try_from(t.weekday()).unwrap(),
                date.weekday().to_monday_one_offset(),
                "{text}"
            );
            assert_eq!(t.to_string(), text);
            count += 1;
        }
        assert_eq!(count, 73_415);
    }

    #[test]
    fn utc_and_local_agree_every_hour_of_a_year() {
        // Walk 2026 hour by hour in UTC; local time must run at +1 h or +2 h
        // and switch exactly at the two DST instants.
        let start: jiff::Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        let mut switches = Vec::new();
        let mut last_offset = None;
        for hour in 0..365 * 24_i64 {
            let instant = start + hour.hours();
            let text = format!("{instant}");
            let t = LocalTime::parse(&text).unwrap();
            let wall = t.date().at(t.hour() as i8, t.minute() as i8, 0, 0);
            let utc = TimeZone::UTC.to_datetime(instant);
            let offset = wall.duration_since(utc).as_mins();
            assert!(offset == 60 || offset == 120, "{text}: {offset}");
            if last_offset.is_some_and(|o| o != offset) {
                switches.push(text);
            }
            last_offset = Some(offset);
        }
        assert_eq!(switches, ["2026-03-29T01:00:00Z", "2026-10-25T01:00:00Z"]);
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
        // Extremes of the accepted range; local mean time back then.
        assert_eq!(local("0000-01-01T00:00+23:59"), "-000001-12-31T00:54");
        assert_eq!(local("9999-12-31T23:59"), "9999-12-31T23:59");
        assert_eq!(local("9999-12-30T22:00Z"), "9999-12-30T23:00");
        assert_eq!(kind("9999-12-30T22:01Z"), TimeErrorKind::Range);
        assert_eq!(kind("9999-12-31T23:59-23:59"), TimeErrorKind::Range);
    }
}
