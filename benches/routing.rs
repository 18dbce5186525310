//! Routing a ticket through 1,000 rules.
#![allow(missing_docs)] // criterion_group! generates undocumented items

use chrono::{TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use helpdesk::rules::route;
use helpdesk::*;
use serde_json::json;
use std::hint::black_box;

/// 1,000 rules of mixed conditions that do not match the ticket, then one
/// that does: the ticket is checked against every rule.
fn config() -> DeskConfig {
    let mut rules = Vec::new();
    for i in 0..999 {
        let when = match i % 5 {
            0 => json!({"text_has": [format!("keyword{i}"), format!("other{i}")]}),
            1 => json!({"all": [{"channel": ["phone"]}, {"subject_has": [format!("term{i}")]}]}),
            2 => {
                json!({"any": [{"tag": [format!("tag{i}")]}, {"requester_domain": [format!("corp{i}.example")]}]})
            }
            3 => {
                json!({"all": [{"priority": ["P1"]}, {"not": {"organization": [format!("org{i}")]}}]})
            }
            _ => json!({"field": {"key": "site", "equals": {"choice": "nyc"}}}),
        };
        rules.push(
            json!({"name": format!("rule {i}"), "when": when, "then": {"tags": [format!("t{i}")]}}),
        );
    }
    rules.push(json!({"name": "catch all", "then": {"group": "desk"}}));
    serde_json::from_value(json!({
        "fields": [{"key": "site", "label": "Site", "kind": {"type": "choice", "options": ["berlin", "nyc"]}}],
        "groups": {"desk": {"id": GroupId::from_u128(10), "name": "Desk"}},
        "routing_rules": rules
    }))
    .expect("valid config")
}

fn bench(c: &mut Criterion) {
    let config = config();
    config.validate().expect("config validates");
    let admin = Actor::admin(ActorId::from_u128(1), TenantId::from_u128(1));
    let at = Utc
        .with_ymd_and_hms(2026, 3, 2, 10, 0, 0)
        .single()
        .expect("valid instant");
    let new = NewTicket::new(
        ActorId::from_u128(2),
        "Laptop will not boot after the update",
        "It shows a blue screen with an error code and then restarts; I tried twice.",
    )
    .channel(Channel::Email)
    .requester_email("carol@example.com")
    .field("site", FieldValue::Choice("berlin".into()));
    let events = decide(
        &Ticket::new(TicketId::from_u128(1)),
        Command::Open(new),
        &Context::new(&admin, at, &config),
    )
    .expect("opens");
    let ticket = Ticket::replay(TicketId::from_u128(1), &events);
    let routing = route(&ticket, &config);
    assert_eq!(routing.matched, [999], "only the last rule matches");

    c.bench_function("route/1000_rules", |b| {
        b.iter(|| black_box(route(black_box(&ticket), &config)))
    });
    c.bench_function("route_command/1000_rules", |b| {
        b.iter(|| {
            black_box(decide(
                black_box(&ticket),
                Command::Route(Default::default()),
                &Context::new(&admin, at, &config),
            ))
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
