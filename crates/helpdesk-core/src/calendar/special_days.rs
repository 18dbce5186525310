//! Holidays and exceptions: the dates whose hours differ from their weekday's,
//! kept sorted by date for lookup by binary search.

use chrono::NaiveDate;

use super::day_windows::{LabeledWindow, check_spill, overnight, parse_day, windows};
use super::error::CalendarError;
use super::local_time::{day_number, weekday_index};
use super::spec::ExceptionSpec;
use super::window::Window;

/// What a special date does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SpecialDay {
    /// Closed for the whole local date.
    Holiday,
    /// Open in these windows instead of the weekday's (none: closed).
    Exception(Vec<Window>),
}

/// The special dates of a calendar, sorted by date.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct SpecialDays {
    /// Day numbers, sorted, for binary search.
    days: Vec<i64>,
    /// The date and kind of each entry of `days`.
    entries: Vec<(NaiveDate, SpecialDay)>,
}

impl SpecialDays {
    /// Parses and checks holidays and exceptions. `week` holds the weekday
    /// windows, to check that an exception's windows and its neighbouring
    /// dates' windows do not overlap across midnight.
    pub(crate) fn from_spec(
        holidays: &[String],
        exceptions: &[ExceptionSpec],
        week: &[Vec<LabeledWindow>; 7],
    ) -> Result<Self, CalendarError> {
        // Day number -> (date, field path of its first mention, labeled windows if an exception).
        let mut parsed: Vec<(i64, NaiveDate, String, Option<Vec<LabeledWindow>>)> =
            Vec::with_capacity(holidays.len() + exceptions.len());
        for (index, text) in holidays.iter().enumerate() {
            let field = format!("holidays[{index}]");
            let date = parse_date(&field, text)?;
            parsed.push((day_number(date), date, field, None));
        }
        for (index, exception) in exceptions.iter().enumerate() {
            let field = format!("exceptions[{index}].date");
            let date = parse_date(&field, &exception.date)?;
            let hours = parse_day(&format!("exceptions[{index}].hours"), &exception.hours)?;
            parsed.push((day_number(date), date, field, Some(hours)));
        }
        // Stable: for equal dates, holidays (given first) stay first.
        parsed.sort_by_key(|entry| entry.0);
        let mut merged: Vec<(i64, NaiveDate, String, Option<Vec<LabeledWindow>>)> =
            Vec::with_capacity(parsed.len());
        for entry in parsed {
            match merged.last() {
                Some(previous) if previous.0 == entry.0 => match (&previous.3, &entry.3) {
                    // The same holiday twice is harmless.
                    (None, None) => {}
                    (Some(_), Some(_)) => {
                        return Err(CalendarError::DuplicateException {
                            field: entry.2,
                            date: entry.1,
                            other_field: previous.2.clone(),
                        });
                    }
                    (None, Some(_)) | (Some(_), None) => {
                        return Err(CalendarError::HolidayException {
                            field: entry.2,
                            date: entry.1,
                            holiday_field: previous.2.clone(),
                        });
                    }
                },
                _ => merged.push(entry),
            }
        }

        let effective = |day: i64| -> Option<&[LabeledWindow]> {
            match merged.binary_search_by_key(&day, |entry| entry.0) {
                Ok(found) => merged.get(found).and_then(|entry| entry.3.as_deref()),
                Err(_) => week.get(weekday_index(day)).map(Vec::as_slice),
            }
        };
        for (day, _, _, hours) in &merged {
            let Some(hours) = hours else { continue };
            check_spill(effective(day - 1).and_then(overnight), hours)?;
            if merged
                .binary_search_by_key(&(day + 1), |entry| entry.0)
                .is_err()
            {
                check_spill(overnight(hours), effective(day + 1).unwrap_or(&[]))?;
            }
        }

        let days = merged.iter().map(|entry| entry.0).collect();
        let entries = merged
            .into_iter()
            .map(|(_, date, _, hours)| {
                let kind = match hours {
                    None => SpecialDay::Holiday,
                    Some(hours) => SpecialDay::Exception(windows(&hours)),
                };
                (date, kind)
            })
            .collect();
        Ok(Self { days, entries })
    }

    /// The special date with this day number, if any.
    pub(crate) fn get(&self, day: i64) -> Option<&SpecialDay> {
        let index = self.days.binary_search(&day).ok()?;
        self.entries.get(index).map(|(_, kind)| kind)
    }

    /// Is any day number in `first..=last` special?
    pub(crate) fn any_in(&self, first: i64, last: i64) -> bool {
        let index = self.days.partition_point(|&day| day < first);
        self.days.get(index).is_some_and(|&day| day <= last)
    }

    /// The last special day number.
    pub(crate) fn last_day(&self) -> Option<i64> {
        self.days.last().copied()
    }

    /// How many weeks, at most, the special dates reach: each its own and
    /// the next date's (which an overnight window reaches), so two weeks
    /// per date, and never more than the weeks from the first to the day
    /// after the last.
    pub(crate) fn weeks_reached(&self) -> i64 {
        let (Some(first), Some(last)) = (self.days.first(), self.days.last()) else {
            return 0;
        };
        let per_date = i64::try_from(self.days.len())
            .unwrap_or(i64::MAX)
            .saturating_mul(2);
        per_date.min((last - first + 1) / 7 + 2)
    }

    /// Does some exception open a date?
    pub(crate) fn opens_any(&self) -> bool {
        self.last_opening().is_some()
    }

    /// The last date an exception opens.
    pub(crate) fn last_opening(&self) -> Option<NaiveDate> {
        self.entries
            .iter()
            .rev()
            .find(|(_, kind)| matches!(kind, SpecialDay::Exception(hours) if !hours.is_empty()))
            .map(|(date, _)| *date)
    }

    /// The holidays, in date order.
    pub(crate) fn holidays(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.entries
            .iter()
            .filter(|(_, kind)| matches!(kind, SpecialDay::Holiday))
            .map(|(date, _)| *date)
    }

    /// The exceptions, in date order.
    pub(crate) fn exceptions(&self) -> impl Iterator<Item = (NaiveDate, &[Window])> + '_ {
        self.entries.iter().filter_map(|(date, kind)| match kind {
            SpecialDay::Exception(hours) => Some((*date, hours.as_slice())),
            SpecialDay::Holiday => None,
        })
    }
}

/// Parses `YYYY-MM-DD` strictly (four-digit year, two-digit month and day).
fn parse_date(field: &str, text: &str) -> Result<NaiveDate, CalendarError> {
    let malformed = || CalendarError::MalformedDate {
        field: field.to_owned(),
        value: text.to_owned(),
    };
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return Err(malformed());
    }
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        let digits = bytes.get(range)?;
        digits.iter().try_fold(0_u32, |acc, &b| {
            b.is_ascii_digit().then(|| acc * 10 + u32::from(b - b'0'))
        })
    };
    let (Some(year), Some(month), Some(day)) = (number(0..4), number(5..7), number(8..10)) else {
        return Err(malformed());
    };
    let year = i32::try_from(year).map_err(|_| malformed())?;
    NaiveDate::from_ymd_opt(year, month, day).ok_or_else(malformed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_strict() {
        assert_eq!(
            parse_date("holidays[0]", "2026-12-25").ok(),
            NaiveDate::from_ymd_opt(2026, 12, 25)
        );
        for text in [
            "2026-12-5",
            "2026-02-30",
            "26-12-25",
            "2026/12/25",
            "2026-12-25 ",
            "+202-12-25",
        ] {
            assert!(parse_date("holidays[0]", text).is_err(), "{text}");
        }
    }
}
