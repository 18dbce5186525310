//! The calendar's documented semantics in UTC (no DST), plus JSON and TOML
//! (de)serialization.
#![allow(clippy::unwrap_used)]

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use helpdesk_core::calendar::{Calendar, CalendarSpec, ExceptionSpec};

fn cal(json: &str) -> Calendar {
    serde_json::from_str(json).unwrap_or_else(|e| panic!("{json}: {e}"))
}

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

/// 2026-01-05 is a Monday.
fn office() -> Calendar {
    cal(r#"{"tz": "UTC",
        "week": {"mon": ["09:00-12:00", "13:00-17:00"], "tue": ["09:00-12:00", "13:00-17:00"],
                 "wed": ["09:00-12:00", "13:00-17:00"], "thu": ["09:00-12:00", "13:00-17:00"],
                 "fri": ["09:00-12:00", "13:00-17:00"], "sat": [], "sun": []},
        "holidays": ["2026-01-07"],
        "exceptions": [{"date": "2026-01-09", "hours": ["09:00-10:00"]},
                       {"date": "2026-01-10", "hours": ["10:00-11:00"]}]}"#)
}

#[test]
fn window_start_is_inside_and_end_is_outside() {
    let c = office();
    assert!(c.is_open(utc(2026, 1, 5, 9, 0)));
    assert!(c.is_open(utc(2026, 1, 5, 11, 59) + TimeDelta::seconds(59)));
    assert!(!c.is_open(utc(2026, 1, 5, 12, 0)));
    assert!(!c.is_open(utc(2026, 1, 5, 8, 59)));
    assert_eq!(
        c.business_time_between(utc(2026, 1, 5, 8, 0), utc(2026, 1, 5, 9, 0)),
        TimeDelta::zero()
    );
    assert_eq!(
        c.business_time_between(utc(2026, 1, 5, 11, 0), utc(2026, 1, 5, 14, 0)),
        TimeDelta::hours(2)
    );
}

#[test]
fn zero_duration_is_start_inside_hours_else_next_opening() {
    let c = office();
    let inside = utc(2026, 1, 5, 10, 17);
    assert_eq!(
        c.add_business_time(inside, TimeDelta::zero()).unwrap(),
        inside
    );
    assert_eq!(
        c.add_business_time(utc(2026, 1, 5, 12, 0), TimeDelta::zero())
            .unwrap(),
        utc(2026, 1, 5, 13, 0)
    );
    // Friday after the exception's hour: Saturday's exception opens at 10:00.
    assert_eq!(
        c.add_business_time(utc(2026, 1, 9, 10, 0), TimeDelta::zero())
            .unwrap(),
        utc(2026, 1, 10, 10, 0)
    );
}

#[test]
fn deadlines_that_fill_a_window_end_at_its_close() {
    let c = office();
    assert_eq!(
        c.add_business_time(utc(2026, 1, 5, 9, 0), TimeDelta::hours(3))
            .unwrap(),
        utc(2026, 1, 5, 12, 0)
    );
    assert_eq!(
        c.add_business_time(utc(2026, 1, 5, 9, 0), TimeDelta::hours(7))
            .unwrap(),
        utc(2026, 1, 5, 17, 0)
    );
    assert_eq!(
        c.add_business_time(
            utc(2026, 1, 5, 9, 0),
            TimeDelta::hours(7) + TimeDelta::nanoseconds(1)
        )
        .unwrap(),
        utc(2026, 1, 6, 9, 0) + TimeDelta::nanoseconds(1)
    );
}

#[test]
fn holidays_and_exceptions() {
    let c = office();
    // Mon 7 h, Tue 7 h, Wed holiday, Thu 7 h, Fri exception 1 h, Sat exception 1 h, Sun closed.
    assert_eq!(
        c.business_time_between(utc(2026, 1, 5, 0, 0), utc(2026, 1, 12, 0, 0)),
        TimeDelta::hours(23)
    );
    // Tue 16:00 plus 2 h: 1 h on Tuesday, Wednesday off, Thursday 10:00.
    assert_eq!(
        c.add_business_time(utc(2026, 1, 6, 16, 0), TimeDelta::hours(2))
            .unwrap(),
        utc(2026, 1, 8, 10, 0)
    );
    // Friday 09:30 plus 1 h: 30 min on Friday, 30 min on Saturday.
    assert_eq!(
        c.add_business_time(utc(2026, 1, 9, 9, 30), TimeDelta::hours(1))
            .unwrap(),
        utc(2026, 1, 10, 10, 30)
    );
    // The week after is ordinary again.
    assert_eq!(
        c.business_time_between(utc(2026, 1, 12, 0, 0), utc(2026, 1, 19, 0, 0)),
        TimeDelta::hours(35)
    );
}

#[test]
fn overnight_windows_belong_to_the_day_they_start() {
    // Friday night shift; Saturday 2026-01-10 is a holiday, Friday 2026-01-16 has an
    // exception that closes it, Saturday 2026-01-24 has an exception with other hours.
    let c = cal(
        r#"{"tz": "UTC", "week": {"fri": ["22:00-06:00"]}, "holidays": ["2026-01-10"],
        "exceptions": [{"date": "2026-01-16", "hours": []}, {"date": "2026-01-24", "hours": ["08:00-09:00"]}]}"#,
    );
    // An ordinary Friday night: 8 h, open at Saturday 05:59.
    assert_eq!(
        c.business_time_between(utc(2026, 1, 2, 0, 0), utc(2026, 1, 4, 0, 0)),
        TimeDelta::hours(8)
    );
    assert!(c.is_open(utc(2026, 1, 3, 5, 59)));
    // A holiday on Saturday closes all of Saturday: only Friday 22:00-24:00 is left.
    assert_eq!(
        c.business_time_between(utc(2026, 1, 9, 0, 0), utc(2026, 1, 11, 0, 0)),
        TimeDelta::hours(2)
    );
    // Closing Friday by an exception removes the whole shift, Saturday part included.
    assert_eq!(
        c.business_time_between(utc(2026, 1, 16, 0, 0), utc(2026, 1, 18, 0, 0)),
        TimeDelta::zero()
    );
    // An exception on Saturday replaces Saturday's own hours; Friday's shift still runs into it.
    assert_eq!(
        c.business_time_between(utc(2026, 1, 23, 0, 0), utc(2026, 1, 25, 0, 0)),
        TimeDelta::hours(9)
    );
    // Starting inside the after-midnight part continues that shift.
    assert_eq!(
        c.add_business_time(utc(2026, 1, 3, 5, 0), TimeDelta::hours(1))
            .unwrap(),
        utc(2026, 1, 3, 6, 0)
    );
}

#[test]
fn around_the_clock() {
    for c in [
        Calendar::twenty_four_seven(),
        Calendar::always_open("Australia/Sydney").unwrap(),
    ] {
        let start = utc(2026, 4, 4, 12, 34) + TimeDelta::nanoseconds(5);
        for d in [
            TimeDelta::zero(),
            TimeDelta::seconds(1),
            TimeDelta::hours(49),
            TimeDelta::days(400),
        ] {
            assert_eq!(c.add_business_time(start, d).unwrap(), start + d);
            assert_eq!(c.business_time_between(start, start + d), d);
        }
        assert!(c.is_open(start));
    }
    assert_eq!(Calendar::twenty_four_seven().time_zone(), chrono_tz::UTC);
}

#[test]
fn sub_second_instants_are_exact() {
    let c = office();
    let from = utc(2026, 1, 5, 11, 59) + TimeDelta::milliseconds(59_250);
    let to = utc(2026, 1, 5, 13, 0) + TimeDelta::nanoseconds(1);
    assert_eq!(
        c.business_time_between(from, to),
        TimeDelta::milliseconds(750) + TimeDelta::nanoseconds(1)
    );
    assert_eq!(
        c.add_business_time(from, TimeDelta::milliseconds(750))
            .unwrap(),
        utc(2026, 1, 5, 12, 0)
    );
    assert_eq!(
        c.add_business_time(from, TimeDelta::milliseconds(751))
            .unwrap(),
        utc(2026, 1, 5, 13, 0) + TimeDelta::milliseconds(1)
    );
}

#[test]
fn reversed_or_empty_ranges_are_zero() {
    let c = office();
    assert_eq!(
        c.business_time_between(utc(2026, 1, 5, 11, 0), utc(2026, 1, 5, 10, 0)),
        TimeDelta::zero()
    );
    assert_eq!(
        c.business_time_between(utc(2026, 1, 5, 10, 0), utc(2026, 1, 5, 10, 0)),
        TimeDelta::zero()
    );
}

#[test]
fn long_spans_use_whole_weeks_and_stay_exact() {
    let c = cal(
        r#"{"tz": "Europe/Berlin", "week": {"mon": ["09:00-17:00"], "tue": ["09:00-17:00"], "wed": ["09:00-17:00"], "thu": ["09:00-17:00"], "fri": ["09:00-17:00"]}}"#,
    );
    // 2026 has 261 weekdays; DST does not change 09:00-17:00 windows.
    assert_eq!(
        c.business_time_between(utc(2025, 12, 31, 23, 0), utc(2026, 12, 31, 23, 0)),
        TimeDelta::hours(261 * 8)
    );
    // 261 * 8 hours from the first opening of 2026 (Fri 01-02 09:00 CET) ends at the last close.
    assert_eq!(
        c.add_business_time(utc(2026, 1, 1, 0, 0), TimeDelta::hours(261 * 8))
            .unwrap(),
        utc(2026, 12, 31, 16, 0)
    );
    // Ten thousand weeks ahead.
    let far = c
        .add_business_time(utc(2026, 1, 5, 8, 0), TimeDelta::hours(40 * 10_000))
        .unwrap();
    assert_eq!(
        c.business_time_between(utc(2026, 1, 5, 8, 0), far),
        TimeDelta::hours(40 * 10_000)
    );
}

#[test]
fn extreme_instants_do_not_panic() {
    let c = office();
    let min = DateTime::<Utc>::MIN_UTC;
    let max = DateTime::<Utc>::MAX_UTC;
    assert!(c.business_time_between(min, min + TimeDelta::days(30)) > TimeDelta::zero());
    assert!(c.business_time_between(max - TimeDelta::days(30), max) > TimeDelta::zero());
    assert!(c.add_business_time(min, TimeDelta::hours(100)).is_ok());
    assert!(
        c.add_business_time(max - TimeDelta::days(3), TimeDelta::hours(100))
            .is_err()
    );
    let _ = c.is_open(max);
    let _ = c.is_open(min);
}

#[test]
fn json_round_trip_keeps_the_shape() {
    let json = r#"{"tz":"Europe/Berlin","week":{"mon":["09:00-12:00","13:00-17:00"],"tue":[],"wed":[],"thu":[],"fri":["22:00-06:00"],"sat":[],"sun":["18:00-24:00"]},"holidays":["2026-12-25"],"exceptions":[{"date":"2026-12-24","hours":["09:00-12:00"]}]}"#;
    let c = cal(json);
    assert_eq!(serde_json::to_string(&c).unwrap(), json);
    // Order is normalized: windows by start, holidays and exceptions by date.
    let shuffled = cal(
        r#"{"tz": "UTC", "week": {"mon": ["13:00-17:00", "09:00-12:00"]},
        "holidays": ["2026-12-31", "2026-12-25"],
        "exceptions": [{"date": "2026-12-28", "hours": []}, {"date": "2026-12-24", "hours": ["09:00-10:00"]}]}"#,
    );
    let spec = shuffled.to_spec();
    assert_eq!(spec.week.mon, vec!["09:00-12:00", "13:00-17:00"]);
    assert_eq!(spec.holidays, vec!["2026-12-25", "2026-12-31"]);
    assert_eq!(
        spec.exceptions,
        vec![
            ExceptionSpec {
                date: "2026-12-24".into(),
                hours: vec!["09:00-10:00".into()]
            },
            ExceptionSpec {
                date: "2026-12-28".into(),
                hours: vec![]
            },
        ]
    );
    assert_eq!(Calendar::new(spec).unwrap(), shuffled);
}

#[test]
fn toml_deserializes_and_round_trips() {
    let text = r#"
tz = "America/New_York"
holidays = ["2026-11-26"]

[week]
mon = ["09:00-17:00"]
tue = ["09:00-12:00", "13:00-17:00"]
fri = ["22:00-06:00"]

[[exceptions]]
date = "2026-12-24"
hours = ["09:00-12:00"]
"#;
    let c: Calendar = toml::from_str(text).unwrap();
    let spec = c.to_spec();
    assert_eq!(spec.tz, "America/New_York");
    assert_eq!(spec.week.tue, vec!["09:00-12:00", "13:00-17:00"]);
    assert!(spec.week.wed.is_empty());
    assert_eq!(spec.holidays, vec!["2026-11-26"]);
    assert_eq!(spec.exceptions.len(), 1);
    let back: Calendar = toml::from_str(&toml::to_string(&c).unwrap()).unwrap();
    assert_eq!(back, c);
    // Validation runs for TOML too.
    let err =
        toml::from_str::<Calendar>("tz = \"Europe/Berln\"\n[week]\nmon = [\"09:00-17:00\"]\n")
            .unwrap_err();
    assert!(
        err.to_string()
            .contains(r#"tz: unknown time zone "Europe/Berln""#),
        "{err}"
    );
}

#[test]
fn spec_default_and_try_from() {
    let spec = CalendarSpec {
        tz: "UTC".into(),
        ..CalendarSpec::default()
    };
    assert!(Calendar::try_from(spec).is_err());
    let c = Calendar::always_open("Asia/Kolkata").unwrap();
    let spec: CalendarSpec = c.clone().into();
    assert_eq!(spec.week.sun, vec!["00:00-24:00"]);
    assert_eq!(Calendar::try_from(spec).unwrap(), c);
}

/// The cases of `benches/calendar.rs`, with the answers the Python peer
/// (`tools/calendar_peer/timing.py`) gives for them.
#[test]
fn bench_cases_match_the_peer() {
    let day = || vec!["09:00-12:00".to_owned(), "13:00-17:00".to_owned()];
    let holidays = [
        "2026-01-01",
        "2026-01-06",
        "2026-02-16",
        "2026-03-05",
        "2026-03-12",
        "2026-03-19",
        "2026-03-26",
        "2026-04-03",
        "2026-04-06",
        "2026-05-01",
        "2026-05-14",
        "2026-05-25",
        "2026-06-04",
        "2026-08-15",
        "2026-10-03",
        "2026-10-31",
        "2026-11-01",
        "2026-12-24",
        "2026-12-25",
        "2026-12-26",
    ];
    let office = |count: usize| {
        Calendar::new(CalendarSpec {
            tz: "Europe/Berlin".into(),
            week: helpdesk_core::calendar::WeekSpec {
                mon: day(),
                tue: day(),
                wed: day(),
                thu: day(),
                fri: day(),
                ..Default::default()
            },
            holidays: holidays
                .iter()
                .take(count)
                .map(|h| (*h).to_owned())
                .collect(),
            exceptions: Vec::new(),
        })
        .unwrap()
    };
    let start = utc(2026, 3, 3, 9, 30);
    let plain = office(0);
    let busy = office(20);
    assert_eq!(
        plain.add_business_time(start, TimeDelta::hours(1)).unwrap(),
        utc(2026, 3, 3, 10, 30)
    );
    assert_eq!(
        plain
            .add_business_time(start, TimeDelta::hours(35))
            .unwrap(),
        utc(2026, 3, 10, 9, 30)
    );
    assert_eq!(
        plain
            .add_business_time(start, TimeDelta::hours(420))
            .unwrap(),
        utc(2026, 5, 26, 8, 30)
    );
    assert_eq!(
        busy.add_business_time(start, TimeDelta::hours(1)).unwrap(),
        utc(2026, 3, 3, 10, 30)
    );
    assert_eq!(
        busy.add_business_time(start, TimeDelta::hours(35)).unwrap(),
        utc(2026, 3, 11, 9, 30)
    );
    assert_eq!(
        busy.add_business_time(start, TimeDelta::hours(420))
            .unwrap(),
        utc(2026, 6, 9, 8, 30)
    );
    assert_eq!(
        busy.business_time_between(start, start + TimeDelta::days(7)),
        TimeDelta::seconds(100_800)
    );
    assert_eq!(
        busy.business_time_between(start, start + TimeDelta::days(91)),
        TimeDelta::seconds(1_414_800)
    );
}
