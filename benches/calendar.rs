//! Business calendar arithmetic: `add_business_time` for 1 hour, 5 and 60
//! business days, with 0 and 20 holidays, and `business_time_between` over a
//! week and a quarter. The same cases are timed for the Python peer by
//! `tools/calendar_peer/timing.py`; see docs/PERFORMANCE.md.
#![allow(missing_docs)] // criterion_group! generates undocumented items
#![allow(clippy::unwrap_used)]

use std::hint::black_box;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use helpdesk_core::calendar::{Calendar, CalendarSpec, WeekSpec};

/// 20 holidays in 2026, several of them inside the benchmarked spans.
const HOLIDAYS: [&str; 20] = [
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

/// Europe/Berlin, Monday to Friday 09:00-12:00 and 13:00-17:00 (7 hours a day).
fn office(holidays: usize) -> Calendar {
    let day = || vec!["09:00-12:00".to_owned(), "13:00-17:00".to_owned()];
    Calendar::new(CalendarSpec {
        tz: "Europe/Berlin".to_owned(),
        week: WeekSpec {
            mon: day(),
            tue: day(),
            wed: day(),
            thu: day(),
            fri: day(),
            ..WeekSpec::default()
        },
        holidays: HOLIDAYS
            .iter()
            .take(holidays)
            .map(|d| (*d).to_owned())
            .collect(),
        exceptions: Vec::new(),
    })
    .unwrap_or_else(|e| panic!("{e}"))
}

/// Tuesday 2026-03-03, 10:30 in Berlin.
fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 3, 9, 30, 0).unwrap()
}

fn add_business_time(c: &mut Criterion) {
    let mut group = c.benchmark_group("add_business_time");
    let cases = [
        ("1h", TimeDelta::hours(1)),
        ("5_business_days", TimeDelta::hours(5 * 7)),
        ("60_business_days", TimeDelta::hours(60 * 7)),
    ];
    for holidays in [0, 20] {
        let calendar = office(holidays);
        for (name, d) in cases {
            group.bench_function(format!("{name}/{holidays}_holidays"), |b| {
                b.iter(|| calendar.add_business_time(black_box(start()), black_box(d)))
            });
        }
    }
    group.finish();
}

fn business_time_between(c: &mut Criterion) {
    let mut group = c.benchmark_group("business_time_between");
    let calendar = office(20);
    let cases = [
        ("week", TimeDelta::days(7)),
        ("quarter", TimeDelta::days(91)),
    ];
    for (name, span) in cases {
        group.bench_function(format!("{name}/20_holidays"), |b| {
            b.iter(|| calendar.business_time_between(black_box(start()), black_box(start() + span)))
        });
    }
    group.finish();
}

criterion_group!(benches, add_business_time, business_time_between);
criterion_main!(benches);
