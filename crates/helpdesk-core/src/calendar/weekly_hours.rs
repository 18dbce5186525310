//! The weekly opening hours: each weekday's windows and what an ordinary
//! day and an ordinary week hold.

use super::day_windows::{LabeledWindow, check_spill, overnight, parse_day, windows};
use super::error::CalendarError;
use super::spec::{WEEKDAY_KEYS, WeekSpec};
use super::window::{DAY_SECONDS, Window};

/// The windows of each weekday (Monday first), plus each weekday's opening
/// intervals as seen from its own local midnight on an ordinary day: one
/// whose previous date and itself are no holiday or exception and whose UTC
/// offset does not change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct WeeklyHours {
    days: [Vec<Window>; 7],
    profiles: [Vec<(i64, i64)>; 7],
    week_total: i64,
}

impl WeeklyHours {
    /// Parses and checks the week. Also returns the labeled windows, for
    /// checking exceptions against their neighbouring weekdays.
    pub(crate) fn from_spec(
        spec: &WeekSpec,
    ) -> Result<(Self, [Vec<LabeledWindow>; 7]), CalendarError> {
        let mut labeled: [Vec<LabeledWindow>; 7] = Default::default();
        for ((slot, key), texts) in labeled.iter_mut().zip(WEEKDAY_KEYS).zip(spec.days()) {
            *slot = parse_day(&format!("week.{key}"), texts)?;
        }
        for weekday in 0..7 {
            let previous = &labeled[(weekday + 6) % 7];
            check_spill(overnight(previous), &labeled[weekday])?;
        }
        let days: [Vec<Window>; 7] = std::array::from_fn(|weekday| windows(&labeled[weekday]));
        Ok((Self::from_days(days), labeled))
    }

    /// The same checked windows on every weekday.
    pub(crate) fn every_day(windows: &[Window]) -> Self {
        Self::from_days(std::array::from_fn(|_| windows.to_vec()))
    }

    fn from_days(days: [Vec<Window>; 7]) -> Self {
        let profiles: [Vec<(i64, i64)>; 7] =
            std::array::from_fn(|weekday| day_profile(&days[(weekday + 6) % 7], &days[weekday]));
        let week_total = profiles
            .iter()
            .flatten()
            .map(|(start, end)| end - start)
            .sum();
        Self {
            days,
            profiles,
            week_total,
        }
    }

    /// The windows of a weekday (0 is Monday).
    pub(crate) fn day(&self, weekday: usize) -> &[Window] {
        self.days.get(weekday).map_or(&[], Vec::as_slice)
    }

    /// The opening intervals of an ordinary day of this weekday, in seconds
    /// after its local midnight, sorted and disjoint.
    pub(crate) fn profile(&self, weekday: usize) -> &[(i64, i64)] {
        self.profiles.get(weekday).map_or(&[], Vec::as_slice)
    }

    /// Working seconds in an ordinary week.
    pub(crate) fn week_total(&self) -> i64 {
        self.week_total
    }
}

/// One ordinary day's intervals: the overnight part of the previous weekday's
/// last window, then the day's own windows cut at midnight.
fn day_profile(previous: &[Window], own: &[Window]) -> Vec<(i64, i64)> {
    let spill = previous
        .last()
        .filter(|window| window.is_overnight())
        .map(|window| (0, window.end - DAY_SECONDS));
    let mut profile: Vec<(i64, i64)> = Vec::with_capacity(own.len() + 1);
    for (start, end) in spill
        .into_iter()
        .chain(own.iter().map(|w| (w.start, w.end.min(DAY_SECONDS))))
    {
        match profile.last_mut() {
            Some(last) if last.1 >= start => last.1 = last.1.max(end),
            _ => profile.push((start, end)),
        }
    }
    profile
}

#[cfg(test)]
mod tests {
    use super::*;

    fn week(mon: &[&str], tue: &[&str], sun: &[&str]) -> WeekSpec {
        let owned = |days: &[&str]| days.iter().map(|d| (*d).to_owned()).collect();
        WeekSpec {
            mon: owned(mon),
            tue: owned(tue),
            sun: owned(sun),
            ..WeekSpec::default()
        }
    }

    #[test]
    fn profiles_carry_overnight_parts_into_the_next_day() {
        let spec = week(
            &["09:00-12:00", "22:00-02:00"],
            &["02:00-04:00"],
            &["23:00-01:00"],
        );
        let (hours, _) = WeeklyHours::from_spec(&spec)
            .map_err(|e| e.to_string())
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            hours.profile(0),
            &[(0, 3600), (9 * 3600, 12 * 3600), (22 * 3600, DAY_SECONDS)]
        );
        // The spill 00:00-02:00 touches the own window 02:00-04:00 and merges.
        assert_eq!(hours.profile(1), &[(0, 4 * 3600)]);
        assert_eq!(hours.profile(6), &[(23 * 3600, DAY_SECONDS)]);
        assert_eq!(hours.week_total(), (6 + 4 + 1) * 3600);
    }
}
