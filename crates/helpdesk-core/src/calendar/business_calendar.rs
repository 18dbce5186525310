//! The validated [`Calendar`] and its public operations.

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::arithmetic::OpeningHours;
use super::error::CalendarError;
use super::spec::{CalendarSpec, ExceptionSpec, WeekSpec};
use super::special_days::SpecialDays;
use super::weekly_hours::WeeklyHours;

/// A business calendar: opening windows per weekday in one time zone, with
/// holidays and per-date exceptions. Always valid: it can only be built by
/// [`Calendar::new`] (or deserialization, which calls it), which checks every
/// field.
///
/// See the [module documentation](crate::calendar) for the exact semantics.
///
/// ```
/// use chrono::{TimeDelta, TimeZone, Utc};
/// use helpdesk_core::calendar::Calendar;
///
/// let calendar: Calendar = serde_json::from_str(r#"{
///     "tz": "Europe/Berlin",
///     "week": {"mon": ["09:00-12:00", "13:00-17:00"], "tue": ["09:00-17:00"]},
///     "holidays": ["2026-12-25"],
///     "exceptions": [{"date": "2026-12-24", "hours": ["09:00-12:00"]}]
/// }"#)?;
///
/// // Monday 2026-03-02, 16:00 in Berlin (15:00 UTC), plus 2 hours of business time:
/// // one hour on Monday, one on Tuesday from 09:00.
/// let start = Utc.with_ymd_and_hms(2026, 3, 2, 15, 0, 0).unwrap();
/// let due = calendar.add_business_time(start, TimeDelta::hours(2))?;
/// assert_eq!(due, Utc.with_ymd_and_hms(2026, 3, 3, 9, 0, 0).unwrap()); // 10:00 in Berlin
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "CalendarSpec", into = "CalendarSpec")]
pub struct Calendar {
    tz: Tz,
    week: WeeklyHours,
    specials: SpecialDays,
}

impl Calendar {
    /// Builds a calendar from its written form, checking every field.
    ///
    /// # Errors
    ///
    /// A [`CalendarError`] naming the first field that is wrong: an unknown
    /// time zone, a malformed, empty or overlapping window, a malformed date,
    /// two exceptions or a holiday and an exception for the same date, or no
    /// working time at all.
    ///
    /// ```
    /// use helpdesk_core::calendar::{Calendar, CalendarSpec, WeekSpec};
    ///
    /// let spec = CalendarSpec {
    ///     tz: "Asia/Kolkata".to_owned(),
    ///     week: WeekSpec { mon: vec!["09:30-18:00".to_owned()], ..WeekSpec::default() },
    ///     ..CalendarSpec::default()
    /// };
    /// let calendar = Calendar::new(spec)?;
    /// assert_eq!(calendar.time_zone(), chrono_tz::Asia::Kolkata);
    /// # Ok::<(), helpdesk_core::calendar::CalendarError>(())
    /// ```
    pub fn new(spec: CalendarSpec) -> Result<Self, CalendarError> {
        let tz: Tz = spec
            .tz
            .parse()
            .map_err(|_| CalendarError::UnknownTimeZone {
                field: "tz".to_owned(),
                value: spec.tz.clone(),
            })?;
        let (week, labeled) = WeeklyHours::from_spec(&spec.week)?;
        let specials = SpecialDays::from_spec(&spec.holidays, &spec.exceptions, &labeled)?;
        if week.week_total() == 0 && !specials.opens_any() {
            return Err(CalendarError::NoWorkingTime);
        }
        Ok(Self { tz, week, specials })
    }

    /// A calendar open around the clock, every day, in time zone `tz`.
    ///
    /// Business time then equals elapsed time, whatever the zone does.
    ///
    /// # Errors
    ///
    /// [`CalendarError::UnknownTimeZone`] if `tz` is not an IANA zone name.
    ///
    /// ```
    /// use chrono::{TimeDelta, TimeZone, Utc};
    /// use helpdesk_core::calendar::Calendar;
    ///
    /// let calendar = Calendar::always_open("America/New_York")?;
    /// // Across the spring-forward night: 3 business hours are 3 real hours.
    /// let start = Utc.with_ymd_and_hms(2026, 3, 8, 5, 0, 0).unwrap();
    /// assert_eq!(
    ///     calendar.add_business_time(start, TimeDelta::hours(3))?,
    ///     Utc.with_ymd_and_hms(2026, 3, 8, 8, 0, 0).unwrap()
    /// );
    /// # Ok::<(), helpdesk_core::calendar::CalendarError>(())
    /// ```
    pub fn always_open(tz: &str) -> Result<Self, CalendarError> {
        let whole_day = || vec!["00:00-24:00".to_owned()];
        Self::new(CalendarSpec {
            tz: tz.to_owned(),
            week: WeekSpec {
                mon: whole_day(),
                tue: whole_day(),
                wed: whole_day(),
                thu: whole_day(),
                fri: whole_day(),
                sat: whole_day(),
                sun: whole_day(),
            },
            holidays: Vec::new(),
            exceptions: Vec::new(),
        })
    }

    /// A calendar open around the clock, every day, in UTC.
    ///
    /// ```
    /// use chrono::{TimeDelta, TimeZone, Utc};
    /// use helpdesk_core::calendar::Calendar;
    ///
    /// let calendar = Calendar::twenty_four_seven();
    /// let from = Utc.with_ymd_and_hms(2026, 12, 31, 22, 0, 0).unwrap();
    /// let to = Utc.with_ymd_and_hms(2027, 1, 1, 3, 30, 0).unwrap();
    /// assert_eq!(calendar.business_time_between(from, to), TimeDelta::minutes(330));
    /// ```
    pub fn twenty_four_seven() -> Self {
        let whole_day = [super::window::Window {
            start: 0,
            end: super::window::DAY_SECONDS,
        }];
        Self {
            tz: Tz::UTC,
            week: WeeklyHours::every_day(&whole_day),
            specials: SpecialDays::default(),
        }
    }

    /// The calendar's time zone.
    pub fn time_zone(&self) -> Tz {
        self.tz
    }

    /// The working time of an ordinary week: one without holidays,
    /// exceptions or a change of UTC offset. Zero when only dated
    /// exceptions open the calendar.
    ///
    /// ```
    /// use chrono::TimeDelta;
    /// use helpdesk_core::calendar::Calendar;
    ///
    /// let calendar: Calendar = serde_json::from_str(
    ///     r#"{"tz": "Europe/Berlin", "week": {"mon": ["09:00-12:00", "13:00-17:00"], "tue": ["22:00-02:00"]}}"#,
    /// )?;
    /// assert_eq!(calendar.weekly_hours(), TimeDelta::hours(11));
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn weekly_hours(&self) -> TimeDelta {
        TimeDelta::seconds(self.week.week_total())
    }

    /// The last date an exception opens (its hours are not empty), whatever
    /// the weekly hours. On a calendar without [weekly
    /// hours](Self::weekly_hours), nothing is open after this date.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use helpdesk_core::calendar::Calendar;
    ///
    /// let calendar: Calendar = serde_json::from_str(r#"{"tz": "UTC", "exceptions": [
    ///     {"date": "2026-06-01", "hours": ["09:00-17:00"]},
    ///     {"date": "2026-06-02", "hours": []}
    /// ]}"#)?;
    /// assert_eq!(calendar.last_dated_opening(), NaiveDate::from_ymd_opt(2026, 6, 1));
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn last_dated_opening(&self) -> Option<NaiveDate> {
        self.specials.last_opening()
    }

    /// A lower bound of the business time
    /// [`add_business_time`](Self::add_business_time) finds from any start:
    /// up to this, it never fails with [`CalendarError::HorizonExceeded`].
    /// Zero without weekly hours.
    pub(crate) fn assured_business_time(&self) -> TimeDelta {
        TimeDelta::seconds(self.hours().assured_seconds())
    }

    /// The written form of this calendar (what it serializes to).
    pub fn to_spec(&self) -> CalendarSpec {
        let mut week = WeekSpec::default();
        for (weekday, slot) in week.days_mut().into_iter().enumerate() {
            *slot = self
                .week
                .day(weekday)
                .iter()
                .map(ToString::to_string)
                .collect();
        }
        CalendarSpec {
            tz: self.tz.name().to_owned(),
            week,
            holidays: self
                .specials
                .holidays()
                .map(|date| date.format("%Y-%m-%d").to_string())
                .collect(),
            exceptions: self
                .specials
                .exceptions()
                .map(|(date, hours)| ExceptionSpec {
                    date: date.format("%Y-%m-%d").to_string(),
                    hours: hours.iter().map(ToString::to_string).collect(),
                })
                .collect(),
        }
    }

    /// Adds `d` of business time to `start`.
    ///
    /// For `d > 0` this is the earliest instant `t` with
    /// `business_time_between(start, t) == d`: a deadline that uses up a window
    /// exactly is that window's end, not the next opening. For `d == 0` it is
    /// `start` when `start` is inside working time, else the next opening.
    ///
    /// # Errors
    ///
    /// [`CalendarError::NegativeDuration`] for `d < 0`;
    /// [`CalendarError::HorizonExceeded`] when the calendar does not provide
    /// `d` of working time within 400 years after `start` (for instance when
    /// its only opening is an exception date in the past);
    /// [`CalendarError::OutOfRange`] when the result is not a representable
    /// instant.
    ///
    /// ```
    /// use chrono::{TimeDelta, TimeZone, Utc};
    /// use helpdesk_core::calendar::Calendar;
    ///
    /// let calendar: Calendar = serde_json::from_str(
    ///     r#"{"tz": "UTC", "week": {"fri": ["09:00-17:00"], "mon": ["09:00-17:00"]}}"#,
    /// )?;
    /// let friday_noon = Utc.with_ymd_and_hms(2026, 1, 2, 12, 0, 0).unwrap();
    /// // Using up Friday's window exactly ends at its close, not on Monday.
    /// assert_eq!(
    ///     calendar.add_business_time(friday_noon, TimeDelta::hours(5))?,
    ///     Utc.with_ymd_and_hms(2026, 1, 2, 17, 0, 0).unwrap()
    /// );
    /// assert_eq!(
    ///     calendar.add_business_time(friday_noon, TimeDelta::hours(6))?,
    ///     Utc.with_ymd_and_hms(2026, 1, 5, 10, 0, 0).unwrap()
    /// );
    /// // Zero from outside working time: the next opening.
    /// let saturday = Utc.with_ymd_and_hms(2026, 1, 3, 12, 0, 0).unwrap();
    /// assert_eq!(
    ///     calendar.add_business_time(saturday, TimeDelta::zero())?,
    ///     Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap()
    /// );
    /// assert!(calendar.add_business_time(saturday, TimeDelta::seconds(-1)).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn add_business_time(
        &self,
        start: DateTime<Utc>,
        d: TimeDelta,
    ) -> Result<DateTime<Utc>, CalendarError> {
        self.hours().add(start, d)
    }

    /// The working time inside `[from, to)`; zero when `to <= from`.
    ///
    /// ```
    /// use chrono::{TimeDelta, TimeZone, Utc};
    /// use helpdesk_core::calendar::Calendar;
    ///
    /// let calendar: Calendar = serde_json::from_str(
    ///     r#"{"tz": "America/New_York", "week": {"sun": ["00:00-08:00"]}}"#,
    /// )?;
    /// // Sunday 2026-03-08 springs forward: its 00:00-08:00 window holds 7 real hours.
    /// let from = Utc.with_ymd_and_hms(2026, 3, 7, 0, 0, 0).unwrap();
    /// let to = Utc.with_ymd_and_hms(2026, 3, 9, 0, 0, 0).unwrap();
    /// assert_eq!(calendar.business_time_between(from, to), TimeDelta::hours(7));
    /// assert_eq!(calendar.business_time_between(to, from), TimeDelta::zero());
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn business_time_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> TimeDelta {
        self.hours().between(from, to)
    }

    /// Is `at` inside working time (at or after a window's start, before its
    /// end)?
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use helpdesk_core::calendar::Calendar;
    ///
    /// let calendar: Calendar =
    ///     serde_json::from_str(r#"{"tz": "UTC", "week": {"thu": ["09:00-17:00"]}}"#)?;
    /// assert!(calendar.is_open(Utc.with_ymd_and_hms(2026, 1, 1, 9, 0, 0).unwrap()));
    /// assert!(!calendar.is_open(Utc.with_ymd_and_hms(2026, 1, 1, 17, 0, 0).unwrap()));
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn is_open(&self, at: DateTime<Utc>) -> bool {
        at.checked_add_signed(TimeDelta::nanoseconds(1))
            .is_some_and(|next| self.hours().between(at, next) > TimeDelta::zero())
    }

    fn hours(&self) -> OpeningHours<'_> {
        OpeningHours {
            tz: self.tz,
            week: &self.week,
            specials: &self.specials,
        }
    }
}

impl TryFrom<CalendarSpec> for Calendar {
    type Error = CalendarError;

    fn try_from(spec: CalendarSpec) -> Result<Self, Self::Error> {
        Self::new(spec)
    }
}

impl From<Calendar> for CalendarSpec {
    fn from(calendar: Calendar) -> Self {
        calendar.to_spec()
    }
}
