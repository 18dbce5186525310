//! Business calendars: working hours per weekday in a time zone, holidays and
//! per-date exceptions, and exact arithmetic on working time.
//!
//! A [`Calendar`] is read from JSON or TOML ([`CalendarSpec`] is the shape)
//! and answers two questions:
//! [`add_business_time`](Calendar::add_business_time) (when is `d` of working
//! time used up?) and
//! [`business_time_between`](Calendar::business_time_between) (how much working
//! time lies between two instants?).
//!
//! # Semantics
//!
//! - **Windows.** Each weekday (`mon` .. `sun`) lists windows `HH:MM-HH:MM` in
//!   local wall-clock time; a missing day is closed. A window is `[start, end)`:
//!   its start is working time, its end is not. An end of `24:00` is the local
//!   midnight that begins the next date. A window whose end is before its start
//!   runs overnight and belongs to the date it starts on. Windows may touch but
//!   not overlap, also not across midnight.
//! - **Local times to instants.** A window's start and end on its date are
//!   resolved like RFC 5545, `java.time` and Temporal's `"compatible"` mode: a
//!   local time inside a spring-forward gap is read with the offset in force
//!   before the gap, and an ambiguous local time in a fall-back overlap is the
//!   earlier of its two instants. Working time is real elapsed time inside the
//!   resolved windows (their union, should resolution make two of them
//!   overlap).
//! - **Holidays** close the whole local date, from its local midnight to the
//!   next, however long that date is, including the part of the previous
//!   date's overnight window that runs into it.
//! - **Exceptions** replace the hours of one local date: an empty list closes an
//!   open date, a list of windows opens or changes it. The previous date's
//!   overnight window still runs into an exception date.
//! - **Arithmetic** is exact to the nanosecond: window boundaries fall on whole
//!   seconds and instants keep their fraction.
//!
//! | Zone, local date | Window | Resolved (UTC) | Working time |
//! |---|---|---|---|
//! | America/New_York, 2026-03-08 (springs forward at 02:00) | `00:00-08:00` | 05:00 – 12:00 | 7 h |
//! | America/New_York, 2026-03-08 | `02:30-04:00` | 07:30 (03:30 EDT) – 08:00 | 30 min |
//! | America/New_York, 2026-11-01 (falls back at 02:00) | `00:00-08:00` | 04:00 – 13:00 | 9 h |
//! | America/New_York, 2026-11-01 | `01:30-02:00` | 05:30 (01:30 EDT) – 07:00 | 1 h 30 min |
//! | Australia/Sydney, 2026-04-05 (falls back at 03:00) | `02:30-03:00` | 15:30 (02:30 AEDT, Apr 4) – 17:00 | 1 h 30 min |
//!
//! # Errors
//!
//! A calendar that cannot be built is a [`CalendarError`] naming its field,
//! e.g. `week.mon[1]: "13:00-12:00x" is not a window of the form HH:MM-HH:MM`.
//! Deserialization validates the same way, so an invalid `Calendar` cannot
//! exist. `add_business_time` fails on a negative duration and when the
//! calendar does not provide the time within a 400-year horizon; it never
//! loops.
//!
//! # Cost
//!
//! Ordinary weeks (no holiday or exception, no offset change) are skipped in
//! one step using the precomputed working time of a week; other dates are
//! computed one by one. The cost grows with the number of weeks covered, never
//! with the number of minutes.
//!
//! ```
//! use chrono::{TimeDelta, TimeZone, Utc};
//! use helpdesk_core::calendar::Calendar;
//!
//! let calendar: Calendar = serde_json::from_str(
//!     r#"{"tz": "America/New_York", "holidays": ["2026-11-26"],
//!         "week": {"mon": ["09:00-17:00"], "tue": ["09:00-17:00"], "wed": ["09:00-17:00"],
//!                  "thu": ["09:00-17:00"], "fri": ["09:00-17:00"]}}"#,
//! )?;
//! // Wednesday before Thanksgiving, 16:00 EST, plus 2 business hours: Friday 10:00.
//! let start = Utc.with_ymd_and_hms(2026, 11, 25, 21, 0, 0).unwrap();
//! let due = calendar.add_business_time(start, TimeDelta::hours(2))?;
//! assert_eq!(due, Utc.with_ymd_and_hms(2026, 11, 27, 15, 0, 0).unwrap());
//! assert_eq!(calendar.business_time_between(start, due), TimeDelta::hours(2));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod arithmetic;
mod business_calendar;
mod day_windows;
mod error;
mod local_time;
mod offset_run;
mod spec;
mod special_days;
mod timeline;
mod weekly_hours;
mod window;

pub use self::business_calendar::Calendar;
pub use self::error::CalendarError;
pub use self::spec::{CalendarSpec, ExceptionSpec, WeekSpec};
