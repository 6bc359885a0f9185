//! Working days between two dates, for the e-mail key figures: weekdays that are not
//! days kundtjänst keeps closed (public holidays and the aftnar the policy's `stängt`
//! names), from the engine's calendar.

use crate::calendar::{self, DaysOff};
use jiff::civil::Date;

/// Working days after `received` up to and including `answered`: 0 when answered the
/// same day (or, oddly, before it), 1 when answered on the next working day. Counting
/// stops at 3, more than any key figure asks about.
pub(super) fn working_days_after(received: Date, answered: Date, days_off: &DaysOff) -> u32 {
    let Ok(next) = received.tomorrow() else {
        return 0;
    };
    // Past a week the answer is "more than two" whatever the holidays.
    let until = answered.min(
        received
            .checked_add(jiff::Span::new().days(14))
            .unwrap_or(answered),
    );
    calendar::working_days(next, until, days_off).min(3)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn weekends_and_holidays_are_not_working_days() {
        let all = DaysOff::ALL;
        // Friday → Monday is one working day; Friday → Tuesday two.
        assert_eq!(
            working_days_after(date(2026, 3, 6), date(2026, 3, 9), &all),
            1
        );
        assert_eq!(
            working_days_after(date(2026, 3, 6), date(2026, 3, 10), &all),
            2
        );
        assert_eq!(
            working_days_after(date(2026, 3, 9), date(2026, 3, 9), &all),
            0
        );
        assert_eq!(
            working_days_after(date(2026, 3, 9), date(2026, 3, 2), &all),
            0
        );
        assert_eq!(
            working_days_after(date(2026, 3, 2), date(2027, 3, 2), &all),
            3
        );
        // Maundy Thursday 2026-04-02 → Tuesday after Easter: långfredagen and annandag
        // påsk are holidays, so one working day (three if nothing were closed).
        assert_eq!(
            working_days_after(date(2026, 4, 2), date(2026, 4, 7), &all),
            1
        );
        assert_eq!(
            working_days_after(date(2026, 4, 2), date(2026, 4, 7), &DaysOff::NONE),
            3
        );
        // Midsommarafton is closed unless the policy keeps it open.
        assert_eq!(
            working_days_after(date(2026, 6, 18), date(2026, 6, 22), &all),
            1
        );
    }
}
