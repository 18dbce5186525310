//! The dispatcher publishing to NATS JetStream, against plain async-nats
//! publishes of the same payloads: 512 notifications (128 tickets of four
//! events, each told to one endpoint), each published and its
//! acknowledgement awaited in turn, as the dispatcher does. The dispatcher
//! also addresses and renders each, which the plain publishes are spared.
//! Needs the NATS server at `HELPDESK_NATS_URL` (default 127.0.0.1:4222);
//! the bench's stream is deleted at the end.
#![allow(missing_docs)] // criterion_group! generates undocumented items

use std::time::Duration;

use async_nats::HeaderMap;
use async_nats::jetstream;
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use helpdesk_core::{Actor, ActorId, Command, DeskConfig, NewTicket, TenantId};
use helpdesk_engine::{
    Clock, Desk, DeskOptions, DispatchOptions, EventId, ManualClock, MemoryStore, Notification,
    Request, Store,
};
use helpdesk_nats::{Envelope, NatsNotifier, NatsOptions};

const TICKETS: usize = 128;

/// A desk whose outbox holds four notifications for each of `TICKETS`
/// tickets, to an endpoint whose subject is `prefix`.
fn filled(
    runtime: &tokio::runtime::Runtime,
    notifier: NatsNotifier,
    prefix: &str,
) -> Desk<MemoryStore, NatsNotifier, ManualClock> {
    let config = serde_json::json!({
        "endpoints": {"bus": {"via": "nats", "target": prefix}},
        "notification_rules": [{
            "name": "conversation",
            "on": ["opened", "public_reply", "internal_note"],
            "to": [{"endpoint": "bus"}],
            "via": "nats"
        }]
    });
    let config: DeskConfig = serde_json::from_value(config).expect("a configuration");
    let options = DeskOptions {
        dispatch: DispatchOptions {
            holder: "bench".into(),
            batch: 512,
            ..DispatchOptions::default()
        },
        ..DeskOptions::default()
    };
    let clock = ManualClock::new("2026-03-02T09:00:00Z".parse().expect("an instant"));
    let desk = Desk::with_options(config, MemoryStore::new(), notifier, clock, options)
        .expect("valid configuration");
    let admin = Actor::admin(ActorId::from_u128(1), TenantId::from_u128(1));
    runtime.block_on(async {
        for n in 0..TICKETS {
            let id = helpdesk_engine::new_ticket_id();
            let open = Command::Open(NewTicket::new(admin.id, format!("Ticket {n}"), ""));
            desk.execute(Request::new(admin.clone(), id, open))
                .await
                .expect("open");
            for body in ["Which tray?", "Tray 2 is broken", "Try tray 1"] {
                let comment = helpdesk_engine::new_comment_id();
                let command = if body.starts_with("Tray") {
                    Command::note(comment, body)
                } else {
                    Command::Reply {
                        comment,
                        body: body.into(),
                        attachments: Vec::new(),
                    }
                };
                desk.execute(Request::new(admin.clone(), id, command))
                    .await
                    .expect("comment");
            }
        }
    });
    desk
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let url = std::env::var("HELPDESK_NATS_URL").unwrap_or_else(|_| "127.0.0.1:4222".into());
    let unique = EventId::new().as_uuid().simple().to_string();
    let options = NatsOptions {
        prefix: format!("helpdesk-bench.{unique}"),
        stream: format!("HELPDESK_BENCH_{unique}"),
        ..NatsOptions::default()
    };
    let notifier = runtime
        .block_on(NatsNotifier::connect(&url, options.clone()))
        .unwrap_or_else(|e| {
            panic!("the NATS bench needs a NATS server with JetStream at {url}: {e}")
        });
    let context = notifier.context().clone();
    let messages = (4 * TICKETS) as u64;

    let mut group = c.benchmark_group("dispatch_nats");
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(5));
    group.sample_size(10);
    group.throughput(Throughput::Elements(messages));
    group.bench_function("run_dispatch", |b| {
        b.iter_batched(
            || filled(&runtime, notifier.clone(), &options.prefix),
            |desk| {
                runtime.block_on(async {
                    let report = desk
                        .run_dispatch(desk.clock().now())
                        .await
                        .expect("dispatch");
                    assert_eq!(
                        report.delivered as u64,
                        messages,
                        "{:?}",
                        report.errors.first()
                    );
                })
            },
            BatchSize::PerIteration,
        )
    });
    // The floor: the same payloads, subjects and message ids, published
    // with async-nats directly.
    group.bench_function("plain_publishes", |b| {
        b.iter_batched(
            || {
                let desk = filled(&runtime, notifier.clone(), &options.prefix);
                runtime.block_on(async {
                    let outbox = desk.store().pending_outbox(10_000).await.expect("pending");
                    let mut notifications = Vec::with_capacity(outbox.len());
                    for message in &outbox {
                        let notification = desk.notification(message).await.expect("prepared");
                        notifications.push(notification.expect("the endpoint is told"));
                    }
                    assert_eq!(notifications.len() as u64, messages);
                    notifications
                })
            },
            |outbox: Vec<Notification>| {
                runtime.block_on(async {
                    for message in &outbox {
                        let mut headers = HeaderMap::new();
                        headers.insert(
                            async_nats::header::NATS_MESSAGE_ID,
                            message.id.to_string().as_str(),
                        );
                        let payload = Envelope::encode(message).expect("encodable");
                        context
                            .publish_with_headers(
                                NatsNotifier::subject(&options, message).expect("captured"),
                                headers,
                                payload.into(),
                            )
                            .await
                            .expect("publish")
                            .await
                            .expect("acknowledged");
                    }
                })
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
    let _ = runtime.block_on(async {
        let context: jetstream::Context = context.clone();
        context.delete_stream(&options.stream).await
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
