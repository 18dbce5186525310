//! A configuration that validates never makes a decision fail: the
//! configurations that would are refused by `diagnose`, each problem at its
//! path.
#![allow(clippy::unwrap_used)]

use chrono::{DateTime, Duration, TimeZone, Utc};
use helpdesk_core::calendar::CalendarError;
use helpdesk_core::config::{Diagnostic, Severity};
use helpdesk_core::sla::Span;
use helpdesk_core::*;
use proptest::prelude::*;

fn requester() -> Actor {
    Actor::requester(ActorId::from_u128(100), TenantId::from_u128(1))
}

/// Opens a ticket at `now`: every clock of the matching policy starts.
fn open(config: &DeskConfig, now: DateTime<Utc>) -> Result<Vec<Event>, DomainError> {
    let requester = requester();
    decide(
        &Ticket::new(TicketId::from_u128(1)),
        Command::Open(NewTicket::new(requester.id, "Printer", "")),
        &Context::new(&requester, now, config),
    )
}

fn config(value: serde_json::Value) -> DeskConfig {
    serde_json::from_value(value).unwrap()
}

fn found(config: &DeskConfig, path: &str) -> Vec<Diagnostic> {
    config
        .diagnose()
        .into_iter()
        .filter(|d| d.path == path)
        .collect()
}

/// Given a calendar whose only opening is an exception in the past.
fn launch_day(policy_calendar: Option<&str>) -> DeskConfig {
    config(serde_json::json!({
        "calendars": {
            "launch": {"tz": "Europe/Berlin",
                       "exceptions": [{"date": "2026-01-05", "hours": ["09:00-17:00"]}]}
        },
        "sla_policies": [
            {"key": "standard", "calendar": policy_calendar,
             "targets": {"first_response": {"P3": "1h"}}}
        ]
    }))
}

#[test]
fn a_clock_on_a_calendar_opened_only_by_past_exceptions_cannot_start() {
    let config = launch_day(Some("launch"));
    let march = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
    // The decision this check protects: no deadline exists after the exception.
    assert!(matches!(
        open(&config, march),
        Err(DomainError::Calendar(CalendarError::HorizonExceeded { .. }))
    ));
    // Before the exception the same clock starts: only validation can tell.
    let before = Utc.with_ymd_and_hms(2026, 1, 2, 9, 0, 0).unwrap();
    assert!(open(&config, before).is_ok());

    let errors = config.validate().unwrap_err();
    assert_eq!(
        errors,
        [Diagnostic::error(
            "sla_policies[0].calendar",
            r#"calendar "launch" (calendars.launch) has no weekly hours, only dated exceptions, the last on 2026-01-05: a clock started after them never falls due; add weekly hours to the calendar or count this policy on another"#,
        )]
    );
}

#[test]
fn a_calendar_opened_only_by_exceptions_is_a_warning_naming_its_last_opening() {
    // Counted in calendar time, the policy does not use the calendar.
    let config = launch_day(None);
    assert_eq!(config.validate(), Ok(()));
    assert_eq!(
        found(&config, "calendars.launch.week"),
        [Diagnostic::warning(
            "calendars.launch.week",
            "has no weekly hours: only dated exceptions open the calendar, and after 2026-01-05 it is never open; add weekly hours",
        )]
    );
    assert!(open(&config, Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap()).is_ok());
}

#[test]
fn a_target_a_sparse_calendar_cannot_provide_is_an_error_at_the_target() {
    // One minute a week: 400 years hold about 300 hours of it.
    let config = config(serde_json::json!({
        "calendars": {"minute": {"tz": "UTC", "week": {"mon": ["09:00-09:01"]}}},
        "sla_policies": [
            {"key": "standard", "calendar": "minute",
             "targets": {"first_response": {"P3": "200h"}, "resolution": {"P3": "400h"}}}
        ]
    }));
    let errors = config.validate().unwrap_err();
    assert_eq!(
        errors,
        [Diagnostic::error(
            "sla_policies[0].targets.resolution.P3",
            r#"400h of business time on calendar "minute" (1m a week) may not be reached within 400 years; use a shorter target or give the calendar more weekly hours"#,
        )]
    );
    assert!(matches!(
        open(&config, Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()),
        Err(DomainError::Calendar(CalendarError::HorizonExceeded { .. }))
    ));
}

#[test]
fn a_year_of_holidays_costs_the_weeks_it_spans_not_two_per_date() {
    // An hour a week, and every date of 2027 a holiday: 400 years still
    // hold 17,000 hours of it, which the clock finds.
    let holidays: Vec<String> = (0..365)
        .map(|day| {
            (chrono::NaiveDate::from_ymd_opt(2027, 1, 1).unwrap() + Duration::days(day)).to_string()
        })
        .collect();
    let config = config(serde_json::json!({
        "calendars": {"hour": {"tz": "UTC", "week": {"mon": ["09:00-10:00"]}, "holidays": holidays}},
        "sla_policies": [
            {"key": "standard", "calendar": "hour", "targets": {"resolution": {"P3": "17000h"}}}
        ]
    }));
    assert_eq!(config.validate(), Ok(()));
    assert!(
        open(
            &config,
            Utc.with_ymd_and_hms(2026, 12, 28, 9, 0, 0).unwrap()
        )
        .is_ok()
    );
}

const TIME_ZONES: [&str; 5] = [
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "Pacific/Apia",
    "Australia/Lord_Howe",
];

const WINDOWS: [&str; 5] = [
    "09:00-09:01",
    "09:00-17:00",
    "13:00-13:30",
    "22:00-02:00",
    "00:00-24:00",
];

fn date() -> impl Strategy<Value = String> {
    (2024i32..2031, 1u32..13, 1u32..29).prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}"))
}

fn calendar() -> impl Strategy<Value = serde_json::Value> {
    let day = proptest::option::weighted(0.3, proptest::sample::select(&WINDOWS[..]))
        .prop_map(|window| window.into_iter().collect::<Vec<_>>());
    let hours = prop_oneof![
        Just(vec![]),
        Just(vec!["10:00-11:00"]),
        Just(vec!["00:00-24:00"])
    ];
    (
        proptest::sample::select(&TIME_ZONES[..]),
        proptest::collection::vec(day, 7),
        proptest::collection::vec(date(), 0..3),
        proptest::collection::vec((date(), hours), 0..3),
    )
        .prop_map(|(tz, week, holidays, exceptions)| {
            serde_json::json!({
                "tz": tz,
                "week": {"mon": week[0], "tue": week[1], "wed": week[2], "thu": week[3],
                         "fri": week[4], "sat": week[5], "sun": week[6]},
                "holidays": holidays,
                "exceptions": exceptions.into_iter()
                    .map(|(date, hours)| serde_json::json!({"date": date, "hours": hours}))
                    .collect::<Vec<_>>(),
            })
        })
}

fn span() -> impl Strategy<Value = String> {
    prop_oneof![1i64..3600, 3600i64..864_000, 864_000i64..=Span::MAX_SECONDS]
        .prop_map(|seconds| Span::from_seconds(seconds).unwrap().to_string())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn clocks_start_on_every_configuration_that_validates(
        calendar in calendar(),
        first_response in span(),
        resolution in span(),
        before in span(),
        minutes in 0i64..(100 * 366 * 24 * 60),
    ) {
        let Ok(config) = serde_json::from_value::<DeskConfig>(serde_json::json!({
            "calendars": {"office": calendar},
            "sla_policies": [
                {"key": "standard", "calendar": "office",
                 "targets": {"first_response": {"P3": first_response}, "resolution": {"P3": resolution}},
                 "warnings": [{"percent": 50}, {"before": before}]}
            ]
        })) else {
            // Overlapping windows or a calendar without any working time:
            // refused when reading it.
            return Ok(());
        };
        let now = Utc.with_ymd_and_hms(2000, 1, 1, 0, 0, 0).unwrap() + Duration::minutes(minutes);
        match config.validate() {
            Ok(()) => {
                let opened = open(&config, now);
                prop_assert!(opened.is_ok(), "{:?}", opened);
            }
            Err(errors) => {
                prop_assert!(errors.iter().all(|e| e.severity == Severity::Error));
                prop_assert!(
                    errors.iter().all(|e| e.path.starts_with("sla_policies[0].")),
                    "{:?}", errors
                );
            }
        }
    }
}

/// `levels` of `all`, `any` and `not` around a tag condition, built in code.
fn nested(levels: usize) -> routing::Condition {
    use routing::Condition;
    let mut condition = Condition::Tag(vec!["vip".into()]);
    for level in 0..levels {
        condition = match level % 3 {
            0 => Condition::Not(Box::new(condition)),
            1 => Condition::All(vec![condition]),
            _ => Condition::Any(vec![Condition::Tag(vec!["x".into()]), condition]),
        };
    }
    condition
}

fn routed_by(when: routing::Condition) -> DeskConfig {
    let mut config = config(serde_json::json!({
        "routing_rules": [
            {"name": "shallow", "when": {"tag": ["vip"]}, "then": {"tags": ["first"]}, "stop": false},
            {"name": "deep", "then": {"tags": ["second"]}}
        ]
    }));
    config.routing_rules[1].when = when;
    config
}

#[test]
fn a_condition_nested_deeper_than_the_limit_is_an_error_at_its_rule() {
    let config = routed_by(nested(100_000));
    assert_eq!(
        config.validate(),
        Err(vec![Diagnostic::error(
            "routing_rules[1].when",
            "conditions nest deeper than 32 levels (each all, any and not is one); flatten them",
        )])
    );
    // Routing and explaining walk it without overflowing, and it never holds.
    let opened = open(&config, Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()).unwrap();
    let ticket = Ticket::replay(TicketId::from_u128(1), &opened);
    assert_eq!(
        routing::route(&ticket, &config).matched,
        Vec::<usize>::new()
    );
    let traces = routing::explain(&ticket, &config);
    assert_eq!(traces[1].matched, Some(false));
    assert!(!config.routing_rules[1].when.is_always());
    assert!(
        !config.routing_rules[1]
            .when
            .implies(&config.routing_rules[0].when)
    );
    // Dropping the configuration takes the condition apart without recursion.
    drop(config);
}

#[test]
fn conditions_up_to_the_limit_validate() {
    let config = routed_by(nested(routing::Condition::MAX_DEPTH - 1));
    assert_eq!(config.validate(), Ok(()));
    assert_eq!(
        found(
            &routed_by(nested(routing::Condition::MAX_DEPTH)),
            "routing_rules[1].when"
        )
        .len(),
        1
    );
}

#[test]
fn reading_a_condition_deeper_than_the_limit_fails() {
    let fits = serde_json::to_value(nested(routing::Condition::MAX_DEPTH - 1)).unwrap();
    let rules = |when: serde_json::Value| {
        serde_json::from_value::<DeskConfig>(serde_json::json!({
            "routing_rules": [{"name": "deep", "when": when, "then": {"tags": ["x"]}}]
        }))
    };
    assert!(rules(fits.clone()).is_ok());
    let err = rules(serde_json::json!({"not": fits})).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("conditions nest deeper than 32 levels"),
        "{err}"
    );
}
