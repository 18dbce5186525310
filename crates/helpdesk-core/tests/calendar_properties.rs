//! Property tests on random calendars (zones with and without DST, split,
//! overnight and 24:00 windows, holidays, exceptions) and random instants
//! biased towards DST transitions.
//!
//! Besides algebraic properties, every answer is compared with a small,
//! obviously-correct model written here from the documented semantics: it
//! resolves every window of every date through chrono's own local-time
//! lookup, takes the union, removes holiday dates, and measures.
#![allow(clippy::unwrap_used)]

use chrono::{DateTime, LocalResult, NaiveDate, NaiveTime, Offset, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;
use helpdesk_core::calendar::{Calendar, CalendarSpec, ExceptionSpec, WeekSpec};
use proptest::prelude::*;

const ZONES: &[&str] = &[
    "America/New_York",
    "Europe/Berlin",
    "Australia/Sydney",
    "Asia/Kolkata",
    "UTC",
    "Australia/Lord_Howe", // 30-minute DST shift
    "America/Santiago",    // transitions at midnight
    "America/Sao_Paulo",   // had transitions at midnight until 2019
    "Europe/London",
    "Pacific/Apia", // skipped 2011-12-30 entirely
];

// ---------------------------------------------------------------- generators

/// A window on a 15-minute grid: (start, end) in quarter hours, end up to 96 (24:00).
fn clock(quarters: u32) -> String {
    format!("{:02}:{:02}", quarters / 4, quarters % 4 * 15)
}

/// One day's windows from raw points, plus the end of an overnight last window.
#[derive(Debug, Clone)]
struct RawDay {
    points: Vec<u32>,
    overnight_end: Option<u32>,
}

fn raw_day() -> impl Strategy<Value = RawDay> {
    (
        prop::collection::vec(0u32..=96, 0..=6),
        prop::option::weighted(0.25, 1u32..96),
    )
        .prop_map(|(points, overnight_end)| RawDay {
            points,
            overnight_end,
        })
}

/// Sorted disjoint windows (start, end) in quarter hours.
fn day_windows(raw: &RawDay) -> Vec<(u32, u32)> {
    let mut points = raw.points.clone();
    points.sort_unstable();
    points.dedup();
    points
        .chunks_exact(2)
        .map(|pair| (pair[0], pair[1]))
        .collect()
}

fn render(windows: &[(u32, u32)]) -> Vec<String> {
    windows
        .iter()
        .map(|&(s, e)| format!("{}-{}", clock(s), clock(e)))
        .collect()
}

/// Builds a week; a day's last window becomes overnight when that fits
/// before the next day's first window.
fn week(raw: &[RawDay]) -> WeekSpec {
    let mut days: Vec<Vec<(u32, u32)>> = raw.iter().map(day_windows).collect();
    for index in 0..7 {
        let next_first = days[(index + 1) % 7].first().map_or(96, |w| w.0);
        let Some(end) = raw[index].overnight_end else {
            continue;
        };
        if let Some(last) = days[index].last_mut() {
            if last.0 < 96 && end < last.0 && end <= next_first && end > 0 && last.1 <= 96 {
                last.1 = end;
            }
        }
    }
    let rendered: Vec<Vec<String>> = days.iter().map(|d| render(d)).collect();
    WeekSpec {
        mon: rendered[0].clone(),
        tue: rendered[1].clone(),
        wed: rendered[2].clone(),
        thu: rendered[3].clone(),
        fri: rendered[4].clone(),
        sat: rendered[5].clone(),
        sun: rendered[6].clone(),
    }
}

#[derive(Debug, Clone)]
struct Case {
    calendar: Calendar,
    spec: CalendarSpec,
    base: DateTime<Utc>,
}

/// The first date on or after `day` whose UTC offset differs from the day
/// before, within a year; else `day`.
fn next_transition(tz: Tz, day: NaiveDate) -> NaiveDate {
    let offset = |d: NaiveDate| {
        tz.offset_from_utc_datetime(&d.and_time(NaiveTime::MIN))
            .fix()
            .local_minus_utc()
    };
    let mut current = day;
    for _ in 0..370 {
        let next = current + TimeDelta::days(1);
        if offset(next) != offset(current) {
            return current;
        }
        current = next;
    }
    day
}

fn case() -> impl Strategy<Value = Case> {
    (
        0..ZONES.len(),
        prop::collection::vec(raw_day(), 7),
        0i64..3650,
        any::<bool>(),
        prop::collection::vec(-3i64..40, 0..4),
        prop::collection::vec((-3i64..40, raw_day()), 0..3),
    )
        .prop_map(
            |(zone, days, day_offset, to_transition, holidays, exceptions)| {
                let tz: Tz = ZONES[zone].parse().unwrap();
                let mut base_day =
                    NaiveDate::from_ymd_opt(2017, 1, 1).unwrap() + TimeDelta::days(day_offset);
                if ZONES[zone] == "Pacific/Apia" && !to_transition {
                    base_day = NaiveDate::from_ymd_opt(2011, 12, 20).unwrap()
                        + TimeDelta::days(day_offset % 20);
                } else if to_transition {
                    base_day = next_transition(tz, base_day) - TimeDelta::days(2);
                }
                let date = |offset: i64| {
                    (base_day + TimeDelta::days(offset))
                        .format("%Y-%m-%d")
                        .to_string()
                };
                let mut spec = CalendarSpec {
                    tz: ZONES[zone].to_owned(),
                    week: week(&days),
                    holidays: holidays.iter().map(|&o| date(o)).collect(),
                    exceptions: exceptions
                        .iter()
                        .map(|(o, raw)| ExceptionSpec {
                            date: date(*o),
                            hours: render(&day_windows(raw)),
                        })
                        .collect(),
                };
                let calendar = loop {
                    match Calendar::new(spec.clone()) {
                        Ok(calendar) => break calendar,
                        Err(error) => {
                            let text = error.to_string();
                            if let Some(index) = exception_index(&text) {
                                spec.exceptions.remove(index);
                            } else if error.field() == "week" {
                                spec.week.wed = vec!["09:00-17:00".to_owned()];
                            } else {
                                spec.exceptions.clear();
                                spec.holidays.retain(|h| !text.contains(h.as_str()));
                                if !text.contains("exceptions") && !text.contains("holidays") {
                                    panic!("generated an invalid week: {text}");
                                }
                            }
                        }
                    }
                };
                Case {
                    calendar,
                    spec,
                    base: Utc.from_utc_datetime(&base_day.and_time(NaiveTime::MIN)),
                }
            },
        )
}

fn exception_index(text: &str) -> Option<usize> {
    let rest = &text[text.find("exceptions[")? + "exceptions[".len()..];
    rest[..rest.find(']')?].parse().ok()
}

/// An instant within a few weeks of the case's base date, at whole seconds
/// or with a fraction.
fn instant_near(base: DateTime<Utc>, seconds: i64, nanos: u32, fractional: bool) -> DateTime<Utc> {
    base + TimeDelta::seconds(seconds)
        + TimeDelta::nanoseconds(if fractional { i64::from(nanos) } else { 0 })
}

// ---------------------------------------------------------------- the model

/// The calendar's working time as sorted, disjoint instant intervals (Unix
/// seconds), for windows of the local dates `first..=last`.
fn model(spec: &CalendarSpec, first: NaiveDate, last: NaiveDate) -> Vec<(i64, i64)> {
    let tz: Tz = spec.tz.parse().unwrap();
    let resolve = |date: NaiveDate, seconds: i64| -> i64 {
        let naive = date.and_time(NaiveTime::MIN) + TimeDelta::seconds(seconds);
        match tz.from_local_datetime(&naive) {
            LocalResult::Single(t) => t.timestamp(),
            LocalResult::Ambiguous(a, b) => a.timestamp().min(b.timestamp()),
            LocalResult::None => {
                // In a gap: the offset a day earlier is the one before the gap.
                let before = tz
                    .offset_from_utc_datetime(&(naive - TimeDelta::days(1)))
                    .fix();
                naive.and_utc().timestamp() - i64::from(before.local_minus_utc())
            }
        }
    };
    let parse = |text: &str| -> (i64, i64) {
        let minutes = |t: &str| {
            i64::from(t[..2].parse::<u8>().unwrap()) * 60 + i64::from(t[3..].parse::<u8>().unwrap())
        };
        let (s, e) = text.split_once('-').unwrap();
        let (s, e) = (minutes(s) * 60, minutes(e) * 60);
        (s, if e <= s { e + 86_400 } else { e })
    };
    let holidays: Vec<NaiveDate> = spec.holidays.iter().map(|h| h.parse().unwrap()).collect();
    let week = [
        &spec.week.mon,
        &spec.week.tue,
        &spec.week.wed,
        &spec.week.thu,
        &spec.week.fri,
        &spec.week.sat,
        &spec.week.sun,
    ];
    let mut intervals = Vec::new();
    let mut date = first;
    while date <= last {
        let windows: Vec<String> = if holidays.contains(&date) {
            Vec::new()
        } else if let Some(exception) = spec
            .exceptions
            .iter()
            .find(|e| e.date.parse::<NaiveDate>().unwrap() == date)
        {
            exception.hours.clone()
        } else {
            week[chrono::Datelike::weekday(&date).num_days_from_monday() as usize].clone()
        };
        for window in windows {
            let (s, e) = parse(&window);
            let start = resolve(date, s);
            let end = if e > 86_400 {
                resolve(date + TimeDelta::days(1), e - 86_400)
            } else {
                resolve(date, e)
            };
            if start < end {
                intervals.push((start, end));
            }
        }
        date += TimeDelta::days(1);
    }
    intervals.sort_unstable();
    let mut merged: Vec<(i64, i64)> = Vec::new();
    for (s, e) in intervals {
        match merged.last_mut() {
            Some(last) if last.1 >= s => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    // Remove holiday dates, midnight to midnight.
    for holiday in holidays {
        let (hs, he) = (
            resolve(holiday, 0),
            resolve(holiday + TimeDelta::days(1), 0),
        );
        merged = merged
            .into_iter()
            .flat_map(|(s, e)| {
                let mut parts = Vec::new();
                if s < hs.min(e) {
                    parts.push((s, hs.min(e)));
                }
                if he.max(s) < e {
                    parts.push((he.max(s), e));
                }
                parts
            })
            .collect();
    }
    merged
}

fn nanos(t: DateTime<Utc>) -> i128 {
    i128::from(t.timestamp()) * 1_000_000_000 + i128::from(t.timestamp_subsec_nanos())
}

fn model_between(intervals: &[(i64, i64)], from: DateTime<Utc>, to: DateTime<Utc>) -> i128 {
    let (f, t) = (nanos(from), nanos(to));
    intervals
        .iter()
        .map(|&(s, e)| {
            let s = (i128::from(s) * 1_000_000_000).max(f);
            let e = (i128::from(e) * 1_000_000_000).min(t);
            (e - s).max(0)
        })
        .sum()
}

fn model_add(intervals: &[(i64, i64)], start: DateTime<Utc>, d: i128) -> Option<i128> {
    let f = nanos(start);
    let mut remaining = d;
    for &(s, e) in intervals {
        let s = (i128::from(s) * 1_000_000_000).max(f);
        let e = i128::from(e) * 1_000_000_000;
        if e <= s {
            continue;
        }
        if remaining <= e - s {
            return Some(s + remaining);
        }
        remaining -= e - s;
    }
    None
}

fn delta_nanos(d: TimeDelta) -> i128 {
    i128::from(d.num_seconds()) * 1_000_000_000 + i128::from(d.subsec_nanos())
}

fn model_range(base: DateTime<Utc>) -> (NaiveDate, NaiveDate) {
    let day = base.date_naive();
    (day - TimeDelta::days(8), day + TimeDelta::days(60))
}

// ---------------------------------------------------------------- properties

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn agrees_with_the_model(
        case in case(),
        a in -2 * 86_400i64..20 * 86_400,
        span in 0i64..12 * 86_400,
        d in 0i64..4 * 86_400,
        frac in 0u32..1_000_000_000,
        fractional in any::<bool>(),
    ) {
        let (first, last) = model_range(case.base);
        let intervals = model(&case.spec, first, last);
        let from = instant_near(case.base, a, frac, fractional);
        let to = from + TimeDelta::seconds(span);
        prop_assert_eq!(
            delta_nanos(case.calendar.business_time_between(from, to)),
            model_between(&intervals, from, to),
            "between {} and {}", from, to
        );
        let expected = model_add(&intervals, from, i128::from(d) * 1_000_000_000);
        // Only where the model's dates reach far enough.
        if let Some(expected) = expected.filter(|t| *t < i128::from(last.and_time(NaiveTime::MIN).and_utc().timestamp() - 3 * 86_400) * 1_000_000_000) {
            let ours = case.calendar.add_business_time(from, TimeDelta::seconds(d));
            prop_assert_eq!(ours.map(nanos).ok(), Some(expected), "add {}s to {}", d, from);
        }
        prop_assert_eq!(case.calendar.is_open(from), model_between(&intervals, from, from + TimeDelta::nanoseconds(1)) > 0);
    }

    #[test]
    fn between_is_additive_and_monotonic(
        case in case(),
        mut points in prop::collection::vec(-2 * 86_400i64..25 * 86_400, 4),
    ) {
        points.sort_unstable();
        let [a, b, c, e] = [0, 1, 2, 3].map(|i| case.base + TimeDelta::seconds(points[i]));
        let cal = &case.calendar;
        prop_assert_eq!(cal.business_time_between(a, c), cal.business_time_between(a, b) + cal.business_time_between(b, c));
        // Monotonic: growing the range never shrinks the time.
        prop_assert!(cal.business_time_between(a, c) <= cal.business_time_between(a, e));
        prop_assert!(cal.business_time_between(b, c) <= cal.business_time_between(a, c));
        prop_assert!(cal.business_time_between(a, c) <= c - a);
        prop_assert_eq!(cal.business_time_between(c, a), TimeDelta::zero());
    }

    #[test]
    fn add_inverts_between_and_is_earliest(
        case in case(),
        a in -2 * 86_400i64..20 * 86_400,
        d in 1i64..6 * 86_400,
        frac in 0u32..1_000_000_000,
        fractional in any::<bool>(),
    ) {
        let cal = &case.calendar;
        let start = instant_near(case.base, a, frac, fractional);
        let d = TimeDelta::seconds(d) - TimeDelta::nanoseconds(i64::from(frac % 1000));
        let Ok(t) = cal.add_business_time(start, d) else {
            // Only calendars whose working time runs out (exceptions only) may fail.
            prop_assert!(case.spec.week == WeekSpec::default() || case.spec.week.wed == vec!["09:00-17:00".to_owned()]);
            return Ok(());
        };
        prop_assert_eq!(cal.business_time_between(start, t), d);
        // Earliest: a nanosecond earlier is not enough.
        prop_assert!(cal.business_time_between(start, t - TimeDelta::nanoseconds(1)) < d);
        // t is the end of working time or inside it.
        prop_assert!(cal.business_time_between(t - TimeDelta::nanoseconds(1), t) == TimeDelta::nanoseconds(1));
    }

    #[test]
    fn add_is_monotonic_in_both_arguments(
        case in case(),
        a in -2 * 86_400i64..20 * 86_400,
        shift in 0i64..3 * 86_400,
        d1 in 0i64..3 * 86_400,
        d2 in 0i64..3 * 86_400,
    ) {
        let cal = &case.calendar;
        let s1 = case.base + TimeDelta::seconds(a);
        let s2 = s1 + TimeDelta::seconds(shift);
        let (d1, d2) = (TimeDelta::seconds(d1.min(d2)), TimeDelta::seconds(d1.max(d2)));
        if let (Ok(t1), Ok(t2)) = (cal.add_business_time(s1, d1), cal.add_business_time(s1, d2)) {
            prop_assert!(t1 <= t2);
        }
        if let (Ok(t1), Ok(t2)) = (cal.add_business_time(s1, d1), cal.add_business_time(s2, d1)) {
            prop_assert!(t1 <= t2);
        }
    }

    #[test]
    fn zero_duration_is_start_or_next_opening(case in case(), a in -2 * 86_400i64..20 * 86_400) {
        let cal = &case.calendar;
        let start = case.base + TimeDelta::seconds(a);
        let Ok(t) = cal.add_business_time(start, TimeDelta::zero()) else { return Ok(()) };
        if cal.is_open(start) {
            prop_assert_eq!(t, start);
        } else {
            prop_assert!(t > start);
            prop_assert!(cal.is_open(t));
            prop_assert_eq!(cal.business_time_between(start, t), TimeDelta::zero());
        }
    }

    #[test]
    fn serialization_round_trips(case in case()) {
        let json = serde_json::to_string(&case.calendar).unwrap();
        let back: Calendar = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(&back, &case.calendar);
        let toml_text = toml::to_string(&case.calendar).unwrap();
        let back: Calendar = toml::from_str(&toml_text).unwrap();
        prop_assert_eq!(back, case.calendar);
    }
}
