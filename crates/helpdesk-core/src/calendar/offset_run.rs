//! Proving that a zone's UTC offset stays constant over a span of instants.
//!
//! The zone database never changes a zone's offset twice within a week: the
//! closest two offset changes of any zone, over its whole history and its
//! projected future, are 167 hours apart. So if the offset is the same at two
//! instants at most [`PROBE_STEP`] (72 hours) apart, no change lies between
//! them. A run of probes that all agree proves a longer span constant. This
//! keeps the walk over ordinary days and weeks down to one offset lookup per
//! three days.

use chrono_tz::Tz;

use super::local_time::offset_at;

/// The largest distance between two probes, in seconds.
pub(crate) const PROBE_STEP: i64 = 72 * 3600;

/// A span of instants `[from, until]` over which the offset is known to be
/// `offset`, extended forward on demand.
#[derive(Debug, Clone)]
pub(crate) struct OffsetRun {
    tz: Tz,
    from: i64,
    until: i64,
    offset: i64,
}

impl OffsetRun {
    /// A run holding just the instant `at`.
    pub(crate) fn new(tz: Tz, at: i64) -> Self {
        Self {
            tz,
            from: at,
            until: at,
            offset: offset_at(tz, at),
        }
    }

    /// A run holding just the instant `at`, whose offset is known.
    pub(crate) fn known(tz: Tz, at: i64, offset: i64) -> Self {
        Self {
            tz,
            from: at,
            until: at,
            offset,
        }
    }

    /// The offset, if it is provably the same at every instant of
    /// `[from, until]`; `None` when it changes there (or might).
    pub(crate) fn constant_over(&mut self, from: i64, until: i64) -> Option<i64> {
        if from < self.from && from >= self.from.saturating_sub(PROBE_STEP) && from <= self.until {
            if offset_at(self.tz, from) == self.offset {
                self.from = from;
            } else {
                *self = Self::new(self.tz, from);
            }
        }
        if from < self.from || from > self.until {
            *self = Self::new(self.tz, from);
        }
        while self.until < until {
            let ahead = self.until.saturating_add(PROBE_STEP);
            let offset = offset_at(self.tz, ahead);
            if offset == self.offset {
                self.until = ahead;
                continue;
            }
            // A change lies in (self.until, ahead]. It may still lie after `until`.
            if until < ahead && offset_at(self.tz, until) == self.offset {
                self.until = until;
                return Some(self.offset);
            }
            *self = Self {
                tz: self.tz,
                from: ahead,
                until: ahead,
                offset,
            };
            return None;
        }
        Some(self.offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, TimeZone, Utc};

    fn instant(y: i32, m: u32, d: u32) -> i64 {
        Utc.from_utc_datetime(
            &NaiveDate::from_ymd_opt(y, m, d)
                .and_then(|date| date.and_hms_opt(0, 0, 0))
                .unwrap_or_default(),
        )
        .timestamp()
    }

    #[test]
    fn constant_in_summer_and_not_across_a_transition() {
        let mut run = OffsetRun::new(chrono_tz::Europe::Berlin, instant(2026, 7, 1));
        assert_eq!(
            run.constant_over(instant(2026, 7, 1), instant(2026, 7, 20)),
            Some(7200)
        );
        // Berlin falls back on 2026-10-25.
        assert_eq!(
            run.constant_over(instant(2026, 10, 20), instant(2026, 10, 27)),
            None
        );
        assert_eq!(
            run.constant_over(instant(2026, 10, 26), instant(2026, 10, 30)),
            Some(3600)
        );
        // Extending backwards by less than a probe step.
        let mut run = OffsetRun::known(chrono_tz::Europe::Berlin, instant(2026, 7, 10), 7200);
        assert_eq!(
            run.constant_over(instant(2026, 7, 8), instant(2026, 7, 12)),
            Some(7200)
        );
        // Berlin springs forward on 2026-03-29.
        let mut run = OffsetRun::known(chrono_tz::Europe::Berlin, instant(2026, 3, 30), 7200);
        assert_eq!(
            run.constant_over(instant(2026, 3, 28), instant(2026, 3, 31)),
            None
        );
        // A change just after the requested span does not spoil it.
        assert_eq!(
            run.constant_over(instant(2027, 3, 26), instant(2027, 3, 28)),
            Some(3600)
        );
    }
}
