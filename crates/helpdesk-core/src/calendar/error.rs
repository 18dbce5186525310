//! The errors of building a calendar and of calendar arithmetic.

use chrono::{DateTime, TimeDelta, Utc};

/// What went wrong while building a [`Calendar`](crate::calendar::Calendar) or
/// computing with one.
///
/// Every message starts with the path of the offending field (`tz`,
/// `week.mon[1]`, `holidays[0]`, `exceptions[2].date`, `exceptions[0].hours[1]`,
/// or `d` for the duration argument), then says what was wrong, with which
/// value, and what to do about it. [`CalendarError::field`] returns that path
/// on its own.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CalendarError {
    /// The time zone is not in the IANA time zone database.
    #[error(
        "{field}: unknown time zone \"{value}\"; use an IANA time zone name such as \"Europe/Berlin\" or \"UTC\""
    )]
    UnknownTimeZone {
        /// Path of the field.
        field: String,
        /// The name that was given.
        value: String,
    },
    /// A window is not written as `HH:MM-HH:MM`.
    #[error(
        "{field}: \"{value}\" is not a window of the form HH:MM-HH:MM; write it like \"09:00-17:00\" (an end of \"24:00\" means midnight, an end before the start runs overnight)"
    )]
    MalformedWindow {
        /// Path of the field.
        field: String,
        /// The text that was given.
        value: String,
    },
    /// A window starts and ends at the same time of day.
    #[error(
        "{field}: \"{value}\" starts and ends at the same time; remove it, or write \"00:00-24:00\" for a whole day"
    )]
    EmptyWindow {
        /// Path of the field.
        field: String,
        /// The text that was given.
        value: String,
    },
    /// Two windows share some time (an overnight window counts up to its end
    /// on the next day).
    #[error(
        "{field}: \"{value}\" overlaps {other_field} \"{other_value}\" (an overnight window lasts until its end on the next day); make the windows disjoint, they may touch as in \"09:00-12:00\", \"12:00-17:00\""
    )]
    OverlappingWindows {
        /// Path of the window that starts later.
        field: String,
        /// Its text.
        value: String,
        /// Path of the window it overlaps.
        other_field: String,
        /// That window's text.
        other_value: String,
    },
    /// A date is not written as `YYYY-MM-DD` or does not exist.
    #[error(
        "{field}: \"{value}\" is not a date of the form YYYY-MM-DD; write an existing date like \"2026-12-25\""
    )]
    MalformedDate {
        /// Path of the field.
        field: String,
        /// The text that was given.
        value: String,
    },
    /// Two exceptions are for the same date.
    #[error(
        "{field}: {date} already has an exception ({other_field}); merge the two entries' hours into one"
    )]
    DuplicateException {
        /// Path of the later exception's date.
        field: String,
        /// The date.
        date: chrono::NaiveDate,
        /// Path of the earlier exception's date.
        other_field: String,
    },
    /// A date is both a holiday and an exception.
    #[error(
        "{field}: {date} is also a holiday ({holiday_field}); keep only one of them (an exception with empty hours closes the date too)"
    )]
    HolidayException {
        /// Path of the exception's date.
        field: String,
        /// The date.
        date: chrono::NaiveDate,
        /// Path of the holiday entry.
        holiday_field: String,
    },
    /// No weekday has a window and no exception opens a date.
    #[error(
        "week: the calendar has no working time at all (every weekday is closed and no exception opens a date); add at least one window"
    )]
    NoWorkingTime,
    /// A negative duration was passed to `add_business_time`.
    #[error("d: the duration {duration} is negative; pass a duration of zero or more")]
    NegativeDuration {
        /// The duration that was given.
        duration: TimeDelta,
    },
    /// The calendar has too little working time after the start to cover the
    /// duration within the search horizon.
    #[error(
        "d: {duration} of business time after {start} is not reached within {horizon_days} days (the calendar has too little or no working time after that instant); use a shorter duration or a calendar that stays open"
    )]
    HorizonExceeded {
        /// The start instant.
        start: DateTime<Utc>,
        /// The requested duration.
        duration: TimeDelta,
        /// How many days after the start were searched.
        horizon_days: i64,
    },
    /// The result lies outside the instants `DateTime<Utc>` can represent.
    #[error(
        "d: {duration} of business time after {start} ends outside the representable range of instants; use a shorter duration or an earlier start"
    )]
    OutOfRange {
        /// The start instant.
        start: DateTime<Utc>,
        /// The requested duration.
        duration: TimeDelta,
    },
}

impl CalendarError {
    /// The path of the field or argument the error is about, e.g.
    /// `week.mon[1]`, `tz`, `exceptions[2].date` or `d`.
    ///
    /// ```
    /// use helpdesk_core::calendar::{Calendar, CalendarError};
    ///
    /// let err = Calendar::always_open("Europe/Berln").unwrap_err();
    /// assert_eq!(err.field(), "tz");
    /// assert!(matches!(err, CalendarError::UnknownTimeZone { .. }));
    /// ```
    pub fn field(&self) -> &str {
        match self {
            Self::UnknownTimeZone { field, .. }
            | Self::MalformedWindow { field, .. }
            | Self::EmptyWindow { field, .. }
            | Self::OverlappingWindows { field, .. }
            | Self::MalformedDate { field, .. }
            | Self::DuplicateException { field, .. }
            | Self::HolidayException { field, .. } => field,
            Self::NoWorkingTime => "week",
            Self::NegativeDuration { .. }
            | Self::HorizonExceeded { .. }
            | Self::OutOfRange { .. } => "d",
        }
    }
}
