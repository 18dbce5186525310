//! Business time arithmetic: adding working time to an instant and measuring
//! the working time between two instants.
//!
//! Both walk the [`Timeline`] forward from the local date before the start,
//! taking whole ordinary weeks in one step where they fit, and measure in
//! nanoseconds so inputs below a second stay exact.

use chrono::{DateTime, TimeDelta, Utc};
use chrono_tz::Tz;

use super::error::CalendarError;
use super::special_days::SpecialDays;
use super::timeline::Timeline;
use super::weekly_hours::WeeklyHours;

/// How many days after the start `add_business_time` searches: 400 years, one
/// full cycle of the Gregorian calendar.
pub(crate) const HORIZON_DAYS: i64 = 146_097;

/// After this many days past the last holiday or exception, nothing they do
/// reaches a date any more (a window lasts at most a day and offsets move a
/// local time by less than one).
const SPECIAL_REACH_DAYS: i64 = 3;

const NANOS_PER_SECOND: i128 = 1_000_000_000;

/// At most this many changes of UTC offset are counted per year of the
/// horizon when bounding the working time it holds (summer time makes two;
/// a few zones had wartime or double summer time).
const OFFSET_CHANGES_PER_YEAR: i64 = 4;

/// A calendar's opening hours: its zone, weekly hours and special dates,
/// which is all the arithmetic needs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct OpeningHours<'a> {
    pub(crate) tz: Tz,
    pub(crate) week: &'a WeeklyHours,
    pub(crate) specials: &'a SpecialDays,
}

impl OpeningHours<'_> {
    /// True once no date from `day` on can have working time.
    fn closed_from(&self, day: i64) -> bool {
        self.week.week_total() == 0
            && self
                .specials
                .last_day()
                .is_none_or(|last| day > last + SPECIAL_REACH_DAYS)
    }

    /// A lower bound of the working time, in seconds, that `add` finds
    /// within its horizon from any start: a duration up to this never fails
    /// with [`CalendarError::HorizonExceeded`].
    ///
    /// It counts only whole weeks at the weekly total, and takes as closed
    /// every week a holiday or exception reaches and every week a change of
    /// UTC offset reaches (two per change).
    pub(crate) fn assured_seconds(&self) -> i64 {
        let whole_weeks = HORIZON_DAYS / 7 - 2;
        let special_weeks = self.specials.weeks_reached();
        let offset_weeks = (HORIZON_DAYS / 365 + 1) * OFFSET_CHANGES_PER_YEAR * 2;
        let weeks = whole_weeks
            .saturating_sub(special_weeks)
            .saturating_sub(offset_weeks)
            .max(0);
        weeks.saturating_mul(self.week.week_total())
    }

    fn timeline_from(&self, instant_seconds: i64) -> Timeline<'_> {
        Timeline::covering(self.tz, self.week, self.specials, instant_seconds)
    }

    /// The earliest instant `t` with `between(start, t) == d` for `d > 0`;
    /// for `d == 0`, `start` inside working time, else the next opening.
    pub(crate) fn add(
        &self,
        start: DateTime<Utc>,
        d: TimeDelta,
    ) -> Result<DateTime<Utc>, CalendarError> {
        if d < TimeDelta::zero() {
            return Err(CalendarError::NegativeDuration { duration: d });
        }
        let from = nanos_of_instant(start);
        let mut remaining = nanos_of_delta(d);
        let mut timeline = self.timeline_from(start.timestamp());
        let first = timeline.day();
        loop {
            let day = timeline.day();
            if day - first > HORIZON_DAYS || self.closed_from(day) {
                return Err(CalendarError::HorizonExceeded {
                    start,
                    duration: d,
                    horizon_days: HORIZON_DAYS,
                });
            }
            if let Some(week) = timeline.ordinary_week() {
                let total = seconds_to_nanos(week.total);
                if seconds_to_nanos(week.lo) >= from && total < remaining {
                    remaining -= total;
                    timeline.skip_week();
                    continue;
                }
            }
            for (start_s, end_s) in timeline.current().spans() {
                let open = seconds_to_nanos(start_s).max(from);
                let close = seconds_to_nanos(end_s);
                if close <= open {
                    continue;
                }
                if remaining <= close - open {
                    return instant_of_nanos(open + remaining)
                        .ok_or(CalendarError::OutOfRange { start, duration: d });
                }
                remaining -= close - open;
            }
            timeline.next_day();
        }
    }

    /// The working time inside `[from, to)`.
    pub(crate) fn between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> TimeDelta {
        if to <= from {
            return TimeDelta::zero();
        }
        let lower = nanos_of_instant(from);
        let upper = nanos_of_instant(to);
        let mut total: i128 = 0;
        let mut timeline = self.timeline_from(from.timestamp());
        loop {
            if self.closed_from(timeline.day()) {
                break;
            }
            if let Some(week) = timeline.ordinary_week() {
                let (lo, hi) = (seconds_to_nanos(week.lo), seconds_to_nanos(week.hi));
                if lo >= upper {
                    break;
                }
                if lo >= lower && hi <= upper {
                    total += seconds_to_nanos(week.total);
                    timeline.skip_week();
                    continue;
                }
            }
            let today = timeline.current();
            if seconds_to_nanos(today.lo) >= upper {
                break;
            }
            for (start_s, end_s) in today.spans() {
                let open = seconds_to_nanos(start_s).max(lower);
                let close = seconds_to_nanos(end_s).min(upper);
                if close > open {
                    total += close - open;
                }
            }
            timeline.next_day();
        }
        delta_of_nanos(total)
    }
}

fn seconds_to_nanos(seconds: i64) -> i128 {
    i128::from(seconds) * NANOS_PER_SECOND
}

fn nanos_of_instant(instant: DateTime<Utc>) -> i128 {
    seconds_to_nanos(instant.timestamp()) + i128::from(instant.timestamp_subsec_nanos())
}

fn nanos_of_delta(delta: TimeDelta) -> i128 {
    seconds_to_nanos(delta.num_seconds()) + i128::from(delta.subsec_nanos())
}

fn instant_of_nanos(nanos: i128) -> Option<DateTime<Utc>> {
    let seconds = i64::try_from(nanos.div_euclid(NANOS_PER_SECOND)).ok()?;
    let subsec = u32::try_from(nanos.rem_euclid(NANOS_PER_SECOND)).ok()?;
    DateTime::from_timestamp(seconds, subsec)
}

fn delta_of_nanos(nanos: i128) -> TimeDelta {
    let seconds = i64::try_from(nanos.div_euclid(NANOS_PER_SECOND)).ok();
    let subsec = u32::try_from(nanos.rem_euclid(NANOS_PER_SECOND)).ok();
    seconds
        .zip(subsec)
        .and_then(|(seconds, subsec)| TimeDelta::new(seconds, subsec))
        .unwrap_or(TimeDelta::MAX)
}
