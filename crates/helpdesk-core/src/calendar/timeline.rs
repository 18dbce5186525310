//! The opening intervals of a calendar, produced local date by local date in
//! time order, with whole ordinary weeks offered as single steps.
//!
//! Local date `D` owns the instants `[M(D), M(D+1))`, where `M(D)` is the
//! instant of its local midnight. These spans tile the time line. A date's
//! intervals are the windows of the nearby dates, resolved to instants and
//! cut to its span, or nothing if it is a holiday.

use chrono_tz::Tz;

use super::local_time::{offset_at, resolve_local, weekday_index};
use super::offset_run::OffsetRun;
use super::special_days::{SpecialDay, SpecialDays};
use super::weekly_hours::WeeklyHours;
use super::window::{DAY_SECONDS, Window};

/// The opening intervals (instants, in seconds) of one local date.
#[derive(Debug)]
pub(crate) struct Day<'a> {
    /// The instant of the date's local midnight.
    pub(crate) lo: i64,
    spans: DaySpans<'a>,
}

#[derive(Debug)]
enum DaySpans<'a> {
    /// The weekday's ordinary profile, shifted to this date.
    Ordinary {
        profile: &'a [(i64, i64)],
        shift: i64,
    },
    /// Computed for this date.
    Listed(&'a [(i64, i64)]),
}

impl Day<'_> {
    /// The intervals `[start, end)`, sorted and disjoint.
    pub(crate) fn spans(&self) -> impl Iterator<Item = (i64, i64)> + '_ {
        let (profile, shift) = match self.spans {
            DaySpans::Ordinary { profile, shift } => (profile, shift),
            DaySpans::Listed(spans) => (spans, 0),
        };
        profile
            .iter()
            .map(move |&(start, end)| (start + shift, end + shift))
    }
}

/// A whole week, Monday to Sunday, that is ordinary: no holiday or exception
/// from the Sunday before through its Sunday, and no offset change.
#[derive(Debug, Clone, Copy)]
pub(crate) struct OrdinaryWeek {
    /// The instant of Monday's local midnight.
    pub(crate) lo: i64,
    /// The instant of the next Monday's local midnight.
    pub(crate) hi: i64,
    /// Working seconds in the week.
    pub(crate) total: i64,
}

/// A cursor over local dates, moving forward.
#[derive(Debug)]
pub(crate) struct Timeline<'a> {
    tz: Tz,
    week: &'a WeeklyHours,
    specials: &'a SpecialDays,
    day: i64,
    offsets: OffsetRun,
    buffer: Vec<(i64, i64)>,
}

impl<'a> Timeline<'a> {
    /// A cursor at the first local date whose span can hold `instant` or
    /// later instants: the instant's local date, or the date before when the
    /// instant lies before its own date's local midnight (a gap across
    /// midnight).
    pub(crate) fn covering(
        tz: Tz,
        week: &'a WeeklyHours,
        specials: &'a SpecialDays,
        instant: i64,
    ) -> Self {
        let offset = offset_at(tz, instant);
        let day = (instant.saturating_add(offset)).div_euclid(DAY_SECONDS);
        let mut timeline = Self {
            tz,
            week,
            specials,
            day,
            offsets: OffsetRun::known(tz, instant, offset),
            buffer: Vec::new(),
        };
        if timeline.current().lo > instant {
            timeline.day -= 1;
        }
        timeline
    }

    /// The day number under the cursor.
    pub(crate) fn day(&self) -> i64 {
        self.day
    }

    /// Moves to the next date.
    pub(crate) fn next_day(&mut self) {
        self.day += 1;
    }

    /// Moves a whole week ahead.
    pub(crate) fn skip_week(&mut self) {
        self.day += 7;
    }

    /// The week starting at the cursor, if the cursor is on a Monday and the
    /// week is ordinary.
    pub(crate) fn ordinary_week(&mut self) -> Option<OrdinaryWeek> {
        let monday = self.day;
        if weekday_index(monday) != 0 || self.specials.any_in(monday - 1, monday + 6) {
            return None;
        }
        let offset = self
            .offsets
            .constant_over((monday - 1) * DAY_SECONDS, (monday + 8) * DAY_SECONDS)?;
        Some(OrdinaryWeek {
            lo: monday * DAY_SECONDS - offset,
            hi: (monday + 7) * DAY_SECONDS - offset,
            total: self.week.week_total(),
        })
    }

    /// The opening intervals of the date under the cursor.
    pub(crate) fn current(&mut self) -> Day<'_> {
        let day = self.day;
        let fixed = self
            .offsets
            .constant_over((day - 1) * DAY_SECONDS, (day + 2) * DAY_SECONDS);
        if let Some(offset) = fixed {
            if !self.specials.any_in(day - 1, day) {
                let shift = day * DAY_SECONDS - offset;
                return Day {
                    lo: shift,
                    spans: DaySpans::Ordinary {
                        profile: self.week.profile(weekday_index(day)),
                        shift,
                    },
                };
            }
        }
        self.listed(fixed)
    }

    /// Computes a date's intervals from the windows of the dates around it.
    ///
    /// With a constant offset `fixed` over the instants from the previous
    /// local midnight to two days later, only the previous date and the date
    /// itself can reach into its span. Otherwise every date whose windows could
    /// reach it is resolved through the zone: offsets stay within ±16 hours
    /// and a window lasts at most a day, so that is three dates back and two
    /// ahead.
    fn listed(&mut self, fixed: Option<i64>) -> Day<'_> {
        let day = self.day;
        let tz = self.tz;
        let resolve = |local: i64| match fixed {
            Some(offset) => local - offset,
            None => resolve_local(tz, local),
        };
        let lo = resolve(day * DAY_SECONDS);
        let hi = resolve((day + 1) * DAY_SECONDS);
        self.buffer.clear();
        if !matches!(self.specials.get(day), Some(SpecialDay::Holiday)) {
            let owners = if fixed.is_some() {
                day - 1..=day
            } else {
                day - 3..=day + 2
            };
            for owner in owners {
                let midnight = owner * DAY_SECONDS;
                for window in self.windows_of(owner) {
                    let start = resolve(midnight + window.start).max(lo);
                    let end = resolve(midnight + window.end).min(hi);
                    if start < end {
                        self.buffer.push((start, end));
                    }
                }
            }
            self.buffer.sort_unstable();
            merge_sorted(&mut self.buffer);
        }
        Day {
            lo,
            spans: DaySpans::Listed(&self.buffer),
        }
    }

    /// The windows that belong to a date: none on a holiday, the exception's
    /// on an exception date, else its weekday's.
    fn windows_of(&self, day: i64) -> &'a [Window] {
        match self.specials.get(day) {
            Some(SpecialDay::Holiday) => &[],
            Some(SpecialDay::Exception(windows)) => windows,
            None => self.week.day(weekday_index(day)),
        }
    }
}

/// Merges overlapping or touching intervals of a sorted list in place.
fn merge_sorted(spans: &mut Vec<(i64, i64)>) {
    let mut kept: usize = 0;
    for index in 0..spans.len() {
        let Some(&(start, end)) = spans.get(index) else {
            break;
        };
        match kept.checked_sub(1).and_then(|last| spans.get_mut(last)) {
            Some(last) if last.1 >= start => last.1 = last.1.max(end),
            _ => {
                if let Some(slot) = spans.get_mut(kept) {
                    *slot = (start, end);
                }
                kept += 1;
            }
        }
    }
    spans.truncate(kept);
}

#[cfg(test)]
mod tests {
    use super::merge_sorted;

    #[test]
    fn merging_joins_overlapping_and_touching_intervals() {
        let mut spans = vec![
            (0, 5),
            (3, 7),
            (7, 9),
            (10, 12),
            (11, 11),
            (20, 30),
            (21, 22),
        ];
        merge_sorted(&mut spans);
        assert_eq!(spans, vec![(0, 9), (10, 12), (20, 30)]);
    }
}
