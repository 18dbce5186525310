//! The serde form of an instant: the RFC 3339 text chrono writes
//! (`2026-03-02T09:00:00Z`, with 3, 6 or 9 digits of fraction when there
//! is one), written without chrono's character-by-character formatter.
//!
//! Every event, comment and SLA clock holds instants, and an append
//! serializes all of them; chrono formats through `fmt::Write` one
//! character at a time, which made instants most of the cost of writing an
//! event's JSON. The text is the same, byte for byte (a property test
//! compares them), so stored forms do not change. Instants outside the
//! years 0 to 9999, and leap seconds, take chrono's own path. Reading is
//! chrono's.
//!
//! Used as `#[serde(with = "crate::rfc3339")]`, and
//! `#[serde(with = "crate::rfc3339::option")]` for an `Option`.

use chrono::{DateTime, Datelike, Timelike, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The longest text written here: `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ`.
const LONGEST: usize = 30;

/// Writes `at` as chrono would.
pub(crate) fn serialize<S: Serializer>(
    at: &DateTime<Utc>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let mut text = [0u8; LONGEST];
    match format(at, &mut text) {
        Some(len) => match std::str::from_utf8(&text[..len]) {
            Ok(text) => serializer.serialize_str(text),
            Err(_) => at.serialize(serializer),
        },
        None => at.serialize(serializer),
    }
}

/// Reads an instant as chrono does.
pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<DateTime<Utc>, D::Error> {
    DateTime::deserialize(deserializer)
}

/// The same for an optional instant (`null` when absent).
pub(crate) mod option {
    use chrono::{DateTime, Utc};
    use serde::{Deserialize, Deserializer, Serializer};

    /// Writes `at`, or `null`.
    pub(crate) fn serialize<S: Serializer>(
        at: &Option<DateTime<Utc>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match at {
            Some(at) => serializer.serialize_some(&super::Form(at)),
            None => serializer.serialize_none(),
        }
    }

    /// Reads an instant or `null`.
    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<DateTime<Utc>>, D::Error> {
        Option::deserialize(deserializer)
    }
}

/// An instant that serializes in this module's form.
pub(crate) struct Form<'a>(pub(crate) &'a DateTime<Utc>);

impl Serialize for Form<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize(self.0, serializer)
    }
}

/// Writes `at` into `text`; its length, or `None` for the instants left
/// to chrono.
fn format(at: &DateTime<Utc>, text: &mut [u8; LONGEST]) -> Option<usize> {
    let year = u32::try_from(at.year()).ok().filter(|y| *y <= 9999)?;
    let nanos = at.nanosecond();
    if nanos >= 1_000_000_000 {
        return None;
    }
    let fraction = match nanos {
        0 => None,
        n if n % 1_000_000 == 0 => Some((n / 1_000_000, 3)),
        n if n % 1_000 == 0 => Some((n / 1_000, 6)),
        n => Some((n, 9)),
    };
    let mut out = Text { text, len: 0 };
    out.digits(year, 4);
    out.byte(b'-');
    out.digits(at.month(), 2);
    out.byte(b'-');
    out.digits(at.day(), 2);
    out.byte(b'T');
    out.digits(at.hour(), 2);
    out.byte(b':');
    out.digits(at.minute(), 2);
    out.byte(b':');
    out.digits(at.second(), 2);
    if let Some((value, digits)) = fraction {
        out.byte(b'.');
        out.digits(value, digits);
    }
    out.byte(b'Z');
    Some(out.len)
}

/// The text being written, and how much of it is.
struct Text<'a> {
    text: &'a mut [u8; LONGEST],
    len: usize,
}

impl Text<'_> {
    fn byte(&mut self, byte: u8) {
        self.text[self.len] = byte;
        self.len += 1;
    }

    /// `value`'s last `count` decimal digits, zero-padded.
    fn digits(&mut self, value: u32, count: u32) {
        for place in (0..count).rev() {
            self.byte(b'0' + (value / 10u32.pow(place) % 10) as u8);
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, TimeZone, Utc};
    use proptest::prelude::*;
    use serde::Serialize;

    #[derive(Serialize)]
    struct Fast {
        #[serde(with = "super")]
        at: DateTime<Utc>,
        #[serde(with = "super::option")]
        maybe: Option<DateTime<Utc>>,
    }

    #[derive(Serialize)]
    struct Chrono {
        at: DateTime<Utc>,
        maybe: Option<DateTime<Utc>>,
    }

    /// The JSON written here and by chrono; an error on either side is
    /// an error of the test.
    fn both(at: DateTime<Utc>, maybe: Option<DateTime<Utc>>) -> Result<(String, String), String> {
        let fast = serde_json::to_string(&Fast { at, maybe }).map_err(|e| format!("here: {e}"))?;
        let chrono =
            serde_json::to_string(&Chrono { at, maybe }).map_err(|e| format!("chrono: {e}"))?;
        Ok((fast, chrono))
    }

    fn instant(year: i32, month: u32, day: u32) -> Result<DateTime<Utc>, String> {
        Utc.with_ymd_and_hms(year, month, day, 0, 0, 0)
            .single()
            .ok_or_else(|| format!("{year}-{month}-{day} is not one instant"))
    }

    #[test]
    fn whole_seconds_and_each_fraction_length_read_as_chrono_writes_them() -> Result<(), String> {
        let base = instant(2026, 3, 2)? + chrono::Duration::hours(9);
        for nanos in [0, 120_000_000, 123_456_000, 123_456_789, 1, 999_999_999] {
            let at = base + chrono::Duration::nanoseconds(nanos);
            let (fast, chrono) = both(at, Some(at))?;
            assert_eq!(fast, chrono);
        }
        assert_eq!(
            both(base, None)?.0,
            r#"{"at":"2026-03-02T09:00:00Z","maybe":null}"#
        );
        // Those instants were written here, not by chrono.
        let mut text = [0u8; super::LONGEST];
        assert_eq!(super::format(&base, &mut text), Some(20));
        let nanos = base + chrono::Duration::nanoseconds(1);
        assert_eq!(super::format(&nanos, &mut text), Some(30));
        // Past the year 9999, chrono writes it.
        let far = instant(10_000, 1, 1)?;
        assert_eq!(super::format(&far, &mut text), None);
        let (fast, chrono) = both(far, None)?;
        assert_eq!(fast, chrono);
        Ok(())
    }

    proptest! {
        #[test]
        fn every_instant_is_written_as_chrono_writes_it(
            secs in -80_000_000_000i64..300_000_000_000i64,
            nanos in prop_oneof![
                Just(0u32),
                (0u32..1000).prop_map(|ms| ms * 1_000_000),
                (0u32..1_000_000).prop_map(|us| us * 1_000),
                0u32..1_000_000_000,
            ],
            none in any::<bool>(),
        ) {
            let Some(at) = DateTime::from_timestamp(secs, nanos) else {
                return Err(TestCaseError::fail(format!("{secs}s {nanos}ns is no instant")));
            };
            let maybe = (!none).then_some(at);
            let (fast, chrono) = both(at, maybe).map_err(TestCaseError::fail)?;
            prop_assert_eq!(fast, chrono);
        }
    }
}
