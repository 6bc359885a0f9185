//! RFC 3339 UTC timestamps for API responses and the decision log.

use jiff::Timestamp;
use std::time::SystemTime;

/// `2026-11-03T09:15:02.123Z`.
pub(super) fn rfc3339(t: SystemTime) -> String {
    // Out of jiff's range (beyond year 9999) only with a broken clock.
    let t = Timestamp::try_from(t).unwrap_or(Timestamp::UNIX_EPOCH);
    format!("{t:.3}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn formats_known_instants() {
        assert_eq!(rfc3339(UNIX_EPOCH), "1970-01-01T00:00:00.000Z");
        let leap_day = UNIX_EPOCH + Duration::from_millis(1_709_164_800_250);
        assert_eq!(rfc3339(leap_day), "2024-02-29T00:00:00.250Z");
        let t = UNIX_EPOCH + Duration::from_secs(1_798_761_599);
        assert_eq!(rfc3339(t), "2026-12-31T23:59:59.000Z");
    }
}
