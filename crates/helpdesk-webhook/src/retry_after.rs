//! The `Retry-After` header (RFC 9110, section 10.2.3) read as a wait.

use chrono::{DateTime, TimeDelta, Utc};

/// The wait `value` asks for at `now`: delta-seconds, or an HTTP date (a
/// date already past asks for no wait); `None` when it is neither.
pub(crate) fn wait(value: &str, now: DateTime<Utc>) -> Option<TimeDelta> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // Past u32, the wait is longer than any backoff anyway.
        let seconds = value.parse::<u32>().unwrap_or(u32::MAX);
        return Some(TimeDelta::seconds(i64::from(seconds)));
    }
    let at = DateTime::parse_from_rfc2822(value).ok()?;
    Some((at.with_timezone(&Utc) - now).max(TimeDelta::zero()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        "2026-03-02T09:00:00Z".parse().expect("an instant")
    }

    #[test]
    fn seconds_and_dates_are_waits_and_anything_else_is_none() {
        let cases = [
            ("120", Some(TimeDelta::seconds(120))),
            (" 0 ", Some(TimeDelta::zero())),
            ("99999999999", Some(TimeDelta::seconds(i64::from(u32::MAX)))),
            ("Mon, 02 Mar 2026 09:05:00 GMT", Some(TimeDelta::minutes(5))),
            ("Mon, 02 Mar 2026 08:00:00 GMT", Some(TimeDelta::zero())),
            ("-5", None),
            ("soon", None),
            ("", None),
        ];
        for (value, expected) in cases {
            assert_eq!(wait(value, now()), expected, "{value:?}");
        }
    }
}
