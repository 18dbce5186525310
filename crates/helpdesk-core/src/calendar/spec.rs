//! The serialized shape of a calendar, as written by people in JSON or TOML.

use serde::{Deserialize, Serialize};

/// The written form of a [`Calendar`](crate::calendar::Calendar), before
/// validation.
///
/// This is the shape a calendar is (de)serialized from and to:
///
/// ```json
/// {"tz": "Europe/Berlin",
///  "week": {"mon": ["09:00-12:00", "13:00-17:00"], "sat": [], "sun": []},
///  "holidays": ["2026-12-25"],
///  "exceptions": [{"date": "2026-12-24", "hours": ["09:00-12:00"]}]}
/// ```
///
/// `week`, `holidays` and `exceptions` may be left out (closed every day, no
/// holidays, no exceptions); unknown keys are rejected. Turn it into a
/// calendar with [`Calendar::new`](crate::calendar::Calendar::new), which
/// checks everything and names the field of the first problem it finds.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalendarSpec {
    /// IANA time zone name, e.g. `Europe/Berlin` or `UTC`.
    pub tz: String,
    /// Opening windows per weekday.
    #[serde(default)]
    pub week: WeekSpec,
    /// Local dates (`YYYY-MM-DD`) that are closed all day.
    #[serde(default)]
    pub holidays: Vec<String>,
    /// Local dates whose opening hours replace the weekday's.
    #[serde(default)]
    pub exceptions: Vec<ExceptionSpec>,
}

/// Opening windows per weekday, each written `HH:MM-HH:MM`. A missing or
/// empty day is closed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeekSpec {
    /// Monday.
    #[serde(default)]
    pub mon: Vec<String>,
    /// Tuesday.
    #[serde(default)]
    pub tue: Vec<String>,
    /// Wednesday.
    #[serde(default)]
    pub wed: Vec<String>,
    /// Thursday.
    #[serde(default)]
    pub thu: Vec<String>,
    /// Friday.
    #[serde(default)]
    pub fri: Vec<String>,
    /// Saturday.
    #[serde(default)]
    pub sat: Vec<String>,
    /// Sunday.
    #[serde(default)]
    pub sun: Vec<String>,
}

/// Keys of the weekdays, Monday first.
pub(crate) const WEEKDAY_KEYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

impl WeekSpec {
    /// The windows of each weekday, Monday first.
    pub(crate) fn days(&self) -> [&[String]; 7] {
        [
            &self.mon, &self.tue, &self.wed, &self.thu, &self.fri, &self.sat, &self.sun,
        ]
    }

    /// Mutable windows of each weekday, Monday first.
    pub(crate) fn days_mut(&mut self) -> [&mut Vec<String>; 7] {
        [
            &mut self.mon,
            &mut self.tue,
            &mut self.wed,
            &mut self.thu,
            &mut self.fri,
            &mut self.sat,
            &mut self.sun,
        ]
    }
}

/// Opening hours that replace the weekday's hours on one local date.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExceptionSpec {
    /// The local date, `YYYY-MM-DD`.
    pub date: String,
    /// The windows of that date; empty closes it.
    pub hours: Vec<String>,
}
