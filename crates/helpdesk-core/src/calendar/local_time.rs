//! Local dates as day numbers, and turning local wall-clock times into
//! instants.
//!
//! Instants and local times are plain `i64` seconds: instants count from the
//! Unix epoch, local times count the same way on the zone's wall clock (local
//! midnight of day number `d` is `d * 86_400`).

use chrono::{DateTime, Datelike, LocalResult, NaiveDate, Offset, TimeZone};
use chrono_tz::{GapInfo, Tz};

/// Days from 0001-01-01 (day 1 of the common era) to 1970-01-01.
const UNIX_EPOCH_DAYS_FROM_CE: i64 = 719_163;

/// The day number (days since 1970-01-01) of a date.
pub(crate) fn day_number(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce()) - UNIX_EPOCH_DAYS_FROM_CE
}

/// The weekday of a day number, 0 for Monday through 6 for Sunday.
pub(crate) fn weekday_index(day: i64) -> usize {
    // 1970-01-01 was a Thursday (index 3). The remainder is in 0..7.
    usize::try_from((day + 3).rem_euclid(7)).unwrap_or(0)
}

/// The zone's UTC offset in seconds at an instant. Instants outside chrono's
/// range use the offset at the nearest end of the range (the zone database has
/// no transitions that far out).
pub(crate) fn offset_at(tz: Tz, instant: i64) -> i64 {
    let clamped = instant.clamp(
        DateTime::<chrono::Utc>::MIN_UTC.timestamp(),
        DateTime::<chrono::Utc>::MAX_UTC.timestamp(),
    );
    match DateTime::from_timestamp(clamped, 0) {
        Some(utc) => i64::from(
            tz.offset_from_utc_datetime(&utc.naive_utc())
                .fix()
                .local_minus_utc(),
        ),
        None => 0,
    }
}

/// The instant of a local wall-clock time, resolved like RFC 5545, java.time
/// and Temporal's "compatible" mode: a time in a gap uses the offset in force
/// before the gap, an ambiguous time takes the earlier instant.
pub(crate) fn resolve_local(tz: Tz, local: i64) -> i64 {
    let Some(naive) = DateTime::from_timestamp(local, 0).map(|dt| dt.naive_utc()) else {
        // Beyond chrono's range the offset no longer changes.
        return local - offset_at(tz, local);
    };
    match tz.offset_from_local_datetime(&naive) {
        LocalResult::Single(offset) => local - i64::from(offset.fix().local_minus_utc()),
        LocalResult::Ambiguous(a, b) => {
            let a = local - i64::from(a.fix().local_minus_utc());
            let b = local - i64::from(b.fix().local_minus_utc());
            a.min(b)
        }
        LocalResult::None => {
            let before = GapInfo::new(&naive, &tz)
                .and_then(|gap| gap.begin)
                .map(|(_, offset)| i64::from(offset.fix().local_minus_utc()))
                // Without gap data: 26 hours earlier is before the transition
                // (offsets stay within ±16 h) and after the previous one.
                .unwrap_or_else(|| offset_at(tz, local - 26 * 3600));
            local - before
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::window::DAY_SECONDS;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    fn hms(h: i64, m: i64) -> i64 {
        h * 3600 + m * 60
    }

    #[test]
    fn day_numbers_and_weekdays() {
        assert_eq!(day_number(date(1970, 1, 1)), 0);
        assert_eq!(day_number(date(1969, 12, 31)), -1);
        assert_eq!(weekday_index(day_number(date(2026, 3, 9))), 0); // a Monday
        assert_eq!(weekday_index(day_number(date(1969, 12, 28))), 6); // a Sunday
    }

    #[test]
    fn gap_times_use_the_offset_before_the_gap() {
        let ny = chrono_tz::America::New_York;
        let day = day_number(date(2026, 3, 8));
        let local = day * DAY_SECONDS + hms(2, 30);
        // 02:30 EST (-5h) is 07:30 UTC, that is 03:30 EDT.
        assert_eq!(resolve_local(ny, local), local + hms(5, 0));
    }

    #[test]
    fn ambiguous_times_take_the_earlier_instant() {
        let ny = chrono_tz::America::New_York;
        let day = day_number(date(2026, 11, 1));
        let local = day * DAY_SECONDS + hms(1, 30);
        // 01:30 EDT (-4h), not 01:30 EST.
        assert_eq!(resolve_local(ny, local), local + hms(4, 0));
    }

    #[test]
    fn extreme_instants_do_not_panic() {
        let berlin = chrono_tz::Europe::Berlin;
        assert_eq!(offset_at(berlin, i64::MAX), 3600);
        assert_eq!(resolve_local(berlin, i64::MAX / 2), i64::MAX / 2 - 3600);
    }
}
