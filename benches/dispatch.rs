//! The outbox dispatcher's own cost: draining 1,024 messages (256 tickets
//! of four events each) through `Desk::run_dispatch` to a notifier that
//! takes everything, on the memory store and on a SQLite file, against
//! the same messages claimed and settled on the store directly.
#![allow(missing_docs)] // criterion_group! generates undocumented items

use std::path::PathBuf;
use std::time::Duration;

use chrono::TimeDelta;
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use helpdesk::engine::store::Outcome;
use helpdesk::engine::{DeskOptions, DispatchOptions, ManualClock};
use helpdesk::*;

const TICKETS: usize = 256;

fn start() -> chrono::DateTime<chrono::Utc> {
    "2026-03-02T09:00:00Z".parse().expect("valid instant")
}

fn desk<S: Store>(store: S) -> Desk<S, NoNotifier, ManualClock> {
    let options = DeskOptions {
        dispatch: DispatchOptions {
            holder: "bench".into(),
            batch: 256,
            ..DispatchOptions::default()
        },
        ..DeskOptions::default()
    };
    // The test kit's desk: every event a rule can fire on is told to one
    // audit endpoint, once.
    Desk::with_options(
        helpdesk_testkit::config(),
        store,
        NoNotifier,
        ManualClock::new(start()),
        options,
    )
    .expect("valid configuration")
}

/// The messages each ticket's commands write: its opening, three replies
/// and the status change the first reply makes, each told to the audit
/// endpoint.
const PER_TICKET: usize = 5;

/// A desk whose outbox holds `PER_TICKET` messages for each of `TICKETS`
/// tickets.
fn filled<S: Store>(
    runtime: &tokio::runtime::Runtime,
    store: S,
) -> Desk<S, NoNotifier, ManualClock> {
    let desk = desk(store);
    let admin = Actor::admin(ActorId::from_u128(1), TenantId::from_u128(1));
    runtime.block_on(async {
        for n in 0..TICKETS {
            let id = new_ticket_id();
            let open = Command::Open(NewTicket::new(admin.id, format!("Ticket {n}"), ""));
            desk.execute(Request::new(admin.clone(), id, open))
                .await
                .expect("open");
            for body in ["Looking", "Found it", "Fixed"] {
                let reply = Command::Reply {
                    comment: new_comment_id(),
                    body: body.into(),
                    attachments: Vec::new(),
                };
                desk.execute(Request::new(admin.clone(), id, reply))
                    .await
                    .expect("reply");
            }
        }
    });
    desk
}

/// Runs the dispatcher until the outbox is empty; every message must go.
fn drain<S: Store>(runtime: &tokio::runtime::Runtime, desk: &Desk<S, NoNotifier, ManualClock>) {
    runtime.block_on(async {
        let mut delivered = 0;
        loop {
            let report = desk.run_dispatch(start()).await.expect("dispatch");
            delivered += report.delivered;
            if report.claimed == 0 {
                break;
            }
        }
        assert_eq!(delivered, PER_TICKET * TICKETS);
    })
}

fn sqlite_file(dir: &std::path::Path) -> SqliteStore {
    let path: PathBuf = dir.join(format!("{}.db", new_ticket_id()));
    SqliteStore::open(path).expect("open store")
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/sqlite-bench/dispatch");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("bench directory");
    let messages = (PER_TICKET * TICKETS) as u64;
    let mut group = c.benchmark_group("dispatch");
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(5));
    group.sample_size(10);
    group.throughput(Throughput::Elements(messages));
    group.bench_function("run_dispatch_memory", |b| {
        b.iter_batched(
            || filled(&runtime, MemoryStore::new()),
            |desk| drain(&runtime, &desk),
            BatchSize::PerIteration,
        )
    });
    group.bench_function("run_dispatch_sqlite", |b| {
        b.iter_batched(
            || filled(&runtime, sqlite_file(&dir)),
            |desk| drain(&runtime, &desk),
            BatchSize::PerIteration,
        )
    });
    // The floor: the same claims and settlements, straight on the store.
    group.bench_function("claim_and_settle_sqlite", |b| {
        b.iter_batched(
            || filled(&runtime, sqlite_file(&dir)),
            |desk| {
                runtime.block_on(async {
                    let store = desk.store();
                    loop {
                        let claimed = store
                            .claim_outbox("bench", start(), TimeDelta::seconds(60), 256)
                            .await
                            .expect("claim");
                        if claimed.is_empty() {
                            break;
                        }
                        for c in claimed {
                            store
                                .settle_outbox("bench", c.position, Outcome::Delivered, start())
                                .await
                                .expect("settle");
                        }
                    }
                })
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, bench);
criterion_main!(benches);
