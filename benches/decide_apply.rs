//! decide + apply on a ticket with 50 events of history, and the JSON
//! forms a store writes of its events and of the ticket.
#![allow(missing_docs)] // criterion_group! generates undocumented items

use chrono::{Duration, TimeZone, Utc};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use helpdesk::*;
use std::hint::black_box;

struct Fixture {
    config: DeskConfig,
    requester: Actor,
    agent: Actor,
    ticket: Ticket,
    history: Vec<Event>,
}

/// A ticket with exactly 50 events: replies, notes, tags, status moves.
fn fixture() -> Fixture {
    let tenant = TenantId::from_u128(1);
    let group = GroupId::from_u128(10);
    let requester = Actor::requester(ActorId::from_u128(100), tenant);
    let agent = Actor::agent(ActorId::from_u128(200), tenant, [group]);
    let config = DeskConfig::default();
    let t0 = Utc
        .with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
        .single()
        .expect("valid instant");
    let mut ticket = Ticket::new(TicketId::from_u128(1));
    let mut history = Vec::new();
    let mut step = 0i64;
    let mut run = |ticket: &mut Ticket, actor: &Actor, command: Command| {
        step += 1;
        let ctx = Context::new(actor, t0 + Duration::minutes(step), &config);
        for event in decide(ticket, command, &ctx).expect("fixture command is valid") {
            apply(ticket, &event);
            history.push(event);
        }
    };
    let new = NewTicket::new(
        requester.id,
        "VPN drops every hour",
        "Since Monday, office wifi.",
    )
    .group(group);
    run(&mut ticket, &agent, Command::Open(new));
    let mut i = 0u128;
    while ticket.version() < 50 {
        i += 1;
        let command = match i % 6 {
            0 => Command::Reply {
                comment: CommentId::from_u128(i),
                body: "Could you send the logs?".into(),
                attachments: Vec::new(),
            },
            1 => Command::note(CommentId::from_u128(i), "Looks like the DHCP lease."),
            2 => Command::Tag {
                tag: format!("t{i}"),
            },
            3 => Command::ChangeStatus {
                status: if i % 4 == 1 {
                    StatusTarget::Pending
                } else {
                    StatusTarget::Open
                },
            },
            4 => Command::SetImpactUrgency {
                impact: if i % 4 == 0 {
                    Impact::High
                } else {
                    Impact::Medium
                },
                urgency: Urgency::Medium,
            },
            _ => Command::Reply {
                comment: CommentId::from_u128(i),
                body: "Here are the logs.".into(),
                attachments: Vec::new(),
            },
        };
        let actor = if i % 6 == 5 { &requester } else { &agent };
        run(&mut ticket, actor, command);
    }
    assert_eq!(ticket.version(), 50);
    Fixture {
        config,
        requester,
        agent,
        ticket,
        history,
    }
}

fn bench(c: &mut Criterion) {
    let f = fixture();
    let now = f.ticket.updated_at() + Duration::minutes(1);
    let agent_ctx = Context::new(&f.agent, now, &f.config);
    let requester_ctx = Context::new(&f.requester, now, &f.config);
    let commands: [(&str, Command, &Context<'_>); 5] = [
        (
            "reply",
            Command::Reply {
                comment: CommentId::from_u128(9999),
                body: "Fixed on our side, please retry.".into(),
                attachments: Vec::new(),
            },
            &agent_ctx,
        ),
        (
            "requester_reply",
            Command::Reply {
                comment: CommentId::from_u128(9999),
                body: "Works now, thanks!".into(),
                attachments: Vec::new(),
            },
            &requester_ctx,
        ),
        (
            "tag",
            Command::Tag {
                tag: "network:vpn".into(),
            },
            &agent_ctx,
        ),
        (
            "change_status",
            Command::ChangeStatus {
                status: StatusTarget::OnHold,
            },
            &agent_ctx,
        ),
        (
            "set_impact_urgency",
            Command::SetImpactUrgency {
                impact: Impact::High,
                urgency: Urgency::High,
            },
            &agent_ctx,
        ),
    ];
    let mut group = c.benchmark_group("decide_apply_50_events");
    for (name, command, ctx) in commands {
        group.bench_function(name, |b| {
            b.iter_batched_ref(
                || (f.ticket.clone(), command.clone()),
                |(ticket, command)| {
                    let events = decide(ticket, std::mem::replace(command, Command::Close), ctx)
                        .expect("bench command is valid");
                    for event in &events {
                        apply(ticket, event);
                    }
                    black_box(events.len())
                },
                BatchSize::PerIteration,
            )
        });
    }
    group.finish();
    c.bench_function("replay_50_events", |b| {
        b.iter(|| black_box(Ticket::replay(f.ticket.id(), black_box(&f.history))))
    });
    // The stored JSON forms a store writes: every event of the history
    // (each on its own, as an append writes them), and the ticket's
    // snapshot. Instants are most of both.
    c.bench_function("json_50_events", |b| {
        b.iter(|| {
            let mut bytes = 0;
            for event in black_box(&f.history) {
                bytes += serde_json::to_string(event).map_or(0, |json| json.len());
            }
            black_box(bytes)
        })
    });
    c.bench_function("json_ticket_50_events", |b| {
        b.iter(|| {
            black_box(serde_json::to_string(black_box(&f.ticket)).map_or(0, |json| json.len()))
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
