//! CheckSla on a ticket with four running clocks.
#![allow(missing_docs)] // criterion_group! generates undocumented items

use chrono::{Duration, TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use helpdesk::*;
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let config: DeskConfig = serde_json::from_str(
        r#"{
        "calendars": {"berlin": {"tz": "Europe/Berlin", "week": {
            "mon": ["09:00-17:00"], "tue": ["09:00-17:00"], "wed": ["09:00-17:00"],
            "thu": ["09:00-17:00"], "fri": ["09:00-17:00"]}, "holidays": ["2026-04-03", "2026-04-06"]}},
        "sla_policies": [{
            "key": "standard", "calendar": "berlin",
            "targets": {
                "first_response": {"P3": "8h"}, "next_response": {"P3": "4h"},
                "periodic_update": {"P3": "16h"}, "resolution": {"P3": "40h"}},
            "warnings": [{"percent": 50}, {"percent": 75}, {"before": "30m"}],
            "rules": {"first_response": {"start": ["opened"], "stop": ["resolved"]}}
        }]}"#,
    )
    .expect("valid config");
    config.validate().expect("config validates");
    let tenant = TenantId::from_u128(1);
    let requester = Actor::requester(ActorId::from_u128(100), tenant);
    let agent = Actor::agent(ActorId::from_u128(200), tenant, []);
    let system = Actor::system(ActorId::from_u128(300), tenant);
    let t0 = Utc
        .with_ymd_and_hms(2026, 3, 30, 9, 0, 0)
        .single()
        .expect("valid instant");
    let mut ticket = Ticket::new(TicketId::from_u128(1));
    let steps = [
        (
            &requester,
            0,
            Command::Open(NewTicket::new(requester.id, "Printer", "Jammed")),
        ),
        (
            &agent,
            30,
            Command::Reply {
                comment: CommentId::from_u128(1),
                body: "Which model?".into(),
                attachments: Vec::new(),
            },
        ),
        (
            &requester,
            60,
            Command::Reply {
                comment: CommentId::from_u128(2),
                body: "HP 4000".into(),
                attachments: Vec::new(),
            },
        ),
    ];
    for (actor, minutes, command) in steps {
        let ctx = Context::new(actor, t0 + Duration::minutes(minutes), &config);
        for event in decide(&ticket, command, &ctx).expect("valid step") {
            apply(&mut ticket, &event);
        }
    }
    let running = ticket
        .sla()
        .filter(|c| c.state == helpdesk::sla::CycleState::Running)
        .count();
    assert_eq!(running, 4, "four running clocks");

    let quiet = Context::new(&system, t0 + Duration::minutes(61), &config);
    assert!(
        decide(&ticket, Command::CheckSla, &quiet)
            .expect("check")
            .is_empty()
    );
    c.bench_function("check_sla/4_running_nothing_due", |b| {
        b.iter(|| black_box(decide(black_box(&ticket), Command::CheckSla, &quiet)))
    });

    let busy = Context::new(&system, t0 + Duration::hours(30), &config);
    let due = decide(&ticket, Command::CheckSla, &busy).expect("check");
    assert!(
        due.len() >= 4,
        "warnings and breaches fall due: {}",
        due.len()
    );
    c.bench_function("check_sla/4_running_several_due", |b| {
        b.iter(|| black_box(decide(black_box(&ticket), Command::CheckSla, &busy)))
    });

    let when = t0 + Duration::minutes(90);
    let reply = Context::new(&agent, when, &config);
    c.bench_function("reply_with_4_running_clocks", |b| {
        b.iter(|| {
            let command = Command::Reply {
                comment: CommentId::from_u128(3),
                body: "Fixed".into(),
                attachments: Vec::new(),
            };
            black_box(decide(black_box(&ticket), command, &reply))
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
