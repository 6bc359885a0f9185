//! Working days between two dates, for the e-mail key figures: weekdays that are not
//! Swedish public holidays.

use jiff::civil::{Date, Weekday};

/// Working days after `received` up to and including `answered`: 0 when answered the
/// same day (or, oddly, before it), 1 when answered on the next working day. Counting
/// stops at 3, more than any key figure asks about.
pub(super) fn working_days_after(received: Date, answered: Date) -> i64 {
    let mut days = 0;
    let mut day = received;
    while day < answered && days < 3 {
        let Ok(next) = day.tomorrow() else { break };
        day = next;
        if is_working_day(day) {
            days += 1;
        }
    }
    days
}

fn is_working_day(day: Date) -> bool {
    !matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn weekends_are_not_working_days() {
        // Friday → Monday is one working day; Friday → Tuesday two.
        assert_eq!(working_days_after(date(2026, 3, 6), date(2026, 3, 9)), 1);
        assert_eq!(working_days_after(date(2026, 3, 6), date(2026, 3, 10)), 2);
        assert_eq!(working_days_after(date(2026, 3, 9), date(2026, 3, 9)), 0);
        assert_eq!(working_days_after(date(2026, 3, 9), date(2026, 3, 2)), 0);
        assert_eq!(working_days_after(date(2026, 3, 2), date(2027, 3, 2)), 3);
    }
}
