//! Every `CalendarError`, with its field path and full message.
#![allow(clippy::unwrap_used)]

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use helpdesk_core::calendar::{Calendar, CalendarError, CalendarSpec};

fn build(json: &str) -> Result<Calendar, CalendarError> {
    let spec: CalendarSpec = serde_json::from_str(json).unwrap_or_else(|e| panic!("{json}: {e}"));
    Calendar::new(spec)
}

fn error(json: &str) -> CalendarError {
    match build(json) {
        Ok(calendar) => panic!("{json} was accepted as {calendar:?}"),
        Err(error) => error,
    }
}

/// Checks the error's field path and message, and that deserializing a
/// `Calendar` directly fails with the same message.
fn assert_rejected(json: &str, field: &str, message: &str) {
    let err = error(json);
    assert_eq!(err.field(), field, "{json}");
    assert_eq!(err.to_string(), message, "{json}");
    let serde_error = serde_json::from_str::<Calendar>(json)
        .unwrap_err()
        .to_string();
    assert!(serde_error.contains(message), "{serde_error}");
}

#[test]
fn unknown_time_zone() {
    assert_rejected(
        r#"{"tz": "Europe/Berln", "week": {"mon": ["09:00-17:00"]}}"#,
        "tz",
        r#"tz: unknown time zone "Europe/Berln"; use an IANA time zone name such as "Europe/Berlin" or "UTC""#,
    );
    assert!(
        matches!(Calendar::always_open("Mars/Olympus"), Err(CalendarError::UnknownTimeZone { value, .. }) if value == "Mars/Olympus")
    );
}

#[test]
fn malformed_windows() {
    assert_rejected(
        r#"{"tz": "UTC", "week": {"mon": ["09:00-12:00", "13:00-12:00x"]}}"#,
        "week.mon[1]",
        r#"week.mon[1]: "13:00-12:00x" is not a window of the form HH:MM-HH:MM; write it like "09:00-17:00" (an end of "24:00" means midnight, an end before the start runs overnight)"#,
    );
    for bad in [
        "9:00-17:00",
        "09:00-24:30",
        "24:00-02:00",
        "09:00 - 17:00",
        "nine to five",
    ] {
        let err = error(&format!(r#"{{"tz": "UTC", "week": {{"sat": ["{bad}"]}}}}"#));
        assert_eq!(
            err,
            CalendarError::MalformedWindow {
                field: "week.sat[0]".into(),
                value: bad.into()
            }
        );
    }
    assert_rejected(
        r#"{"tz": "UTC", "week": {"mon": ["09:00-17:00"]},
            "exceptions": [{"date": "2026-12-24", "hours": ["09:00-12:00", "13:00"]}]}"#,
        "exceptions[0].hours[1]",
        r#"exceptions[0].hours[1]: "13:00" is not a window of the form HH:MM-HH:MM; write it like "09:00-17:00" (an end of "24:00" means midnight, an end before the start runs overnight)"#,
    );
}

#[test]
fn empty_window() {
    assert_rejected(
        r#"{"tz": "UTC", "week": {"tue": ["09:00-09:00"]}}"#,
        "week.tue[0]",
        r#"week.tue[0]: "09:00-09:00" starts and ends at the same time; remove it, or write "00:00-24:00" for a whole day"#,
    );
}

const OVERLAP_ADVICE: &str = r#"(an overnight window lasts until its end on the next day); make the windows disjoint, they may touch as in "09:00-12:00", "12:00-17:00""#;

#[test]
fn overlapping_windows_on_one_day() {
    assert_rejected(
        r#"{"tz": "UTC", "week": {"wed": ["13:00-17:00", "09:00-13:30"]}}"#,
        "week.wed[0]",
        &format!(
            r#"week.wed[0]: "13:00-17:00" overlaps week.wed[1] "09:00-13:30" {OVERLAP_ADVICE}"#
        ),
    );
    // An overnight window followed by a later one on the same day.
    assert_eq!(
        error(r#"{"tz": "UTC", "week": {"wed": ["20:00-02:00", "22:00-23:00"]}}"#).field(),
        "week.wed[1]"
    );
    // Touching windows are fine.
    assert!(build(r#"{"tz": "UTC", "week": {"wed": ["09:00-12:00", "12:00-17:00", "17:00-24:00"], "thu": ["00:00-01:00"]}}"#).is_ok());
}

#[test]
fn overlapping_windows_across_midnight() {
    assert_rejected(
        r#"{"tz": "UTC", "week": {"mon": ["22:00-10:00"], "tue": ["09:00-17:00"]}}"#,
        "week.tue[0]",
        &format!(
            r#"week.tue[0]: "09:00-17:00" overlaps week.mon[0] "22:00-10:00" {OVERLAP_ADVICE}"#
        ),
    );
    // Sunday's overnight window runs into Monday.
    assert_rejected(
        r#"{"tz": "UTC", "week": {"sun": ["23:00-01:00"], "mon": ["00:30-08:00"]}}"#,
        "week.mon[0]",
        &format!(
            r#"week.mon[0]: "00:30-08:00" overlaps week.sun[0] "23:00-01:00" {OVERLAP_ADVICE}"#
        ),
    );
    // An exception's overnight window runs into the next (ordinary) date.
    // 2026-12-24 is a Thursday.
    assert_rejected(
        r#"{"tz": "UTC", "week": {"fri": ["09:00-17:00"]},
            "exceptions": [{"date": "2026-12-24", "hours": ["20:00-10:00"]}]}"#,
        "week.fri[0]",
        &format!(
            r#"week.fri[0]: "09:00-17:00" overlaps exceptions[0].hours[0] "20:00-10:00" {OVERLAP_ADVICE}"#
        ),
    );
    // The weekday before an exception runs into it.
    assert_rejected(
        r#"{"tz": "UTC", "week": {"wed": ["20:00-10:00"], "thu": ["10:00-12:00"]},
            "exceptions": [{"date": "2026-12-24", "hours": ["08:00-12:00"]}]}"#,
        "exceptions[0].hours[0]",
        &format!(
            r#"exceptions[0].hours[0]: "08:00-12:00" overlaps week.wed[0] "20:00-10:00" {OVERLAP_ADVICE}"#
        ),
    );
    // A holiday before the exception has no windows, so nothing runs into it.
    assert!(build(
        r#"{"tz": "UTC", "week": {"wed": ["20:00-10:00"], "thu": ["10:00-12:00"]}, "holidays": ["2026-12-23"],
            "exceptions": [{"date": "2026-12-24", "hours": ["08:00-12:00"]}]}"#
    )
    .is_ok());
}

#[test]
fn malformed_dates() {
    assert_rejected(
        r#"{"tz": "UTC", "week": {"mon": ["09:00-17:00"]}, "holidays": ["2026-12-25", "2026-13-01"]}"#,
        "holidays[1]",
        r#"holidays[1]: "2026-13-01" is not a date of the form YYYY-MM-DD; write an existing date like "2026-12-25""#,
    );
    assert_rejected(
        r#"{"tz": "UTC", "week": {"mon": ["09:00-17:00"]}, "exceptions": [
            {"date": "2026-12-24", "hours": []}, {"date": "2026-12-31", "hours": []},
            {"date": "2027-02-30", "hours": ["09:00-12:00"]}]}"#,
        "exceptions[2].date",
        r#"exceptions[2].date: "2027-02-30" is not a date of the form YYYY-MM-DD; write an existing date like "2026-12-25""#,
    );
}

#[test]
fn duplicate_exception() {
    assert_rejected(
        r#"{"tz": "UTC", "week": {"mon": ["09:00-17:00"]}, "exceptions": [
            {"date": "2026-12-24", "hours": []}, {"date": "2026-12-24", "hours": ["09:00-12:00"]}]}"#,
        "exceptions[1].date",
        "exceptions[1].date: 2026-12-24 already has an exception (exceptions[0].date); merge the two entries' hours into one",
    );
}

#[test]
fn holiday_that_is_also_an_exception() {
    assert_rejected(
        r#"{"tz": "UTC", "week": {"mon": ["09:00-17:00"]}, "holidays": ["2026-12-24"],
            "exceptions": [{"date": "2026-12-24", "hours": ["09:00-12:00"]}]}"#,
        "exceptions[0].date",
        "exceptions[0].date: 2026-12-24 is also a holiday (holidays[0]); keep only one of them (an exception with empty hours closes the date too)",
    );
    // The same holiday twice is accepted and kept once.
    let twice = build(r#"{"tz": "UTC", "week": {"mon": ["09:00-17:00"]}, "holidays": ["2026-12-24", "2026-12-24"]}"#).unwrap();
    assert_eq!(twice.to_spec().holidays, vec!["2026-12-24".to_owned()]);
}

#[test]
fn no_working_time() {
    let message = "week: the calendar has no working time at all (every weekday is closed and no exception opens a date); add at least one window";
    assert_rejected(r#"{"tz": "UTC"}"#, "week", message);
    assert_rejected(
        r#"{"tz": "UTC", "week": {"mon": [], "sun": []}, "holidays": ["2026-01-01"],
            "exceptions": [{"date": "2026-01-02", "hours": []}]}"#,
        "week",
        message,
    );
    // One opening exception is working time.
    assert!(
        build(r#"{"tz": "UTC", "exceptions": [{"date": "2026-01-02", "hours": ["09:00-10:00"]}]}"#)
            .is_ok()
    );
}

#[test]
fn negative_duration() {
    let calendar = Calendar::twenty_four_seven();
    let err = calendar
        .add_business_time(
            Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 0).unwrap(),
            TimeDelta::seconds(-90),
        )
        .unwrap_err();
    assert_eq!(err.field(), "d");
    assert_eq!(
        err.to_string(),
        "d: the duration -PT90S is negative; pass a duration of zero or more"
    );
    assert_eq!(
        err,
        CalendarError::NegativeDuration {
            duration: TimeDelta::seconds(-90)
        }
    );
}

#[test]
fn horizon_exceeded_when_the_only_opening_is_in_the_past() {
    let calendar = build(r#"{"tz": "Europe/Berlin", "exceptions": [{"date": "2025-06-02", "hours": ["09:00-10:00"]}]}"#).unwrap();
    let start = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    let err = calendar
        .add_business_time(start, TimeDelta::minutes(1))
        .unwrap_err();
    assert_eq!(err.field(), "d");
    assert_eq!(
        err.to_string(),
        "d: PT60S of business time after 2026-01-01 00:00:00 UTC is not reached within 146097 days (the calendar has too little or no working time after that instant); use a shorter duration or a calendar that stays open"
    );
    assert!(matches!(
        err,
        CalendarError::HorizonExceeded {
            horizon_days: 146_097,
            ..
        }
    ));
    // Zero time asks for the next opening, which does not exist either.
    assert!(
        calendar
            .add_business_time(start, TimeDelta::zero())
            .is_err()
    );
    // Before the exception, its hour is there.
    let before = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap();
    assert_eq!(
        calendar
            .add_business_time(before, TimeDelta::minutes(60))
            .unwrap(),
        Utc.with_ymd_and_hms(2025, 6, 2, 8, 0, 0).unwrap()
    );
    assert!(
        calendar
            .add_business_time(before, TimeDelta::minutes(61))
            .is_err()
    );
}

#[test]
fn horizon_exceeded_for_a_duration_longer_than_400_years_of_opening_hours() {
    // One hour a week: 400 years hold about 20,871 hours.
    let calendar = build(r#"{"tz": "UTC", "week": {"mon": ["09:00-10:00"]}}"#).unwrap();
    let start = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    assert!(
        calendar
            .add_business_time(start, TimeDelta::hours(20_000))
            .is_ok()
    );
    assert!(matches!(
        calendar.add_business_time(start, TimeDelta::hours(30_000)),
        Err(CalendarError::HorizonExceeded { .. })
    ));
}

#[test]
fn out_of_range() {
    let calendar = Calendar::twenty_four_seven();
    let start = DateTime::<Utc>::MAX_UTC - TimeDelta::hours(1);
    let err = calendar
        .add_business_time(start, TimeDelta::hours(2))
        .unwrap_err();
    assert_eq!(err.field(), "d");
    assert!(matches!(err, CalendarError::OutOfRange { .. }));
    assert!(
        err.to_string()
            .starts_with("d: PT7200S of business time after "),
        "{err}"
    );
    assert!(err.to_string().ends_with("ends outside the representable range of instants; use a shorter duration or an earlier start"), "{err}");
    // Within range it works up to the last instant.
    assert_eq!(
        calendar
            .add_business_time(start, TimeDelta::hours(1))
            .unwrap(),
        DateTime::<Utc>::MAX_UTC
    );
}

#[test]
fn unknown_keys_are_rejected() {
    let err =
        serde_json::from_str::<Calendar>(r#"{"tz": "UTC", "week": {"tues": ["09:00-17:00"]}}"#)
            .unwrap_err();
    assert!(err.to_string().contains("unknown field `tues`"), "{err}");
    let err = serde_json::from_str::<Calendar>(
        r#"{"tz": "UTC", "week": {"mon": ["09:00-17:00"]}, "holiday": []}"#,
    )
    .unwrap_err();
    assert!(err.to_string().contains("unknown field `holiday`"), "{err}");
    let err =
        serde_json::from_str::<Calendar>(r#"{"week": {"mon": ["09:00-17:00"]}}"#).unwrap_err();
    assert!(err.to_string().contains("missing field `tz`"), "{err}");
}
