#![allow(missing_docs)] // criterion_group! generates undocumented items
//! The first page of an agent's queue ordered by SLA due, with 1,000,000
//! tickets in the SQLite store.
//!
//! The database is built once, by bulk appends of real tickets
//! (`helpdesk_testkit::queues`: opened into one of 20 groups, assigned to
//! one of 200 agents, SLA clocks running) in transactions of 20,000, into
//! `target/sqlite-bench/query-<n>.db`, and reused while it exists.
//! `HELPDESK_BENCH_TICKETS` sets another number of tickets.

use std::path::PathBuf;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use helpdesk_core::Reach;
use helpdesk_engine::Store;
use helpdesk_engine::store::{Filter, Order, TicketQuery};
use helpdesk_sqlite::{SqliteOptions, SqliteStore, Synchronous};
use helpdesk_testkit::queues::{self, AGENTS, TENANT, agent};

const CHUNK: usize = 20_000;

fn database(runtime: &tokio::runtime::Runtime, tickets: u128) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/sqlite-bench");
    std::fs::create_dir_all(&dir).expect("bench directory");
    let path = dir.join(format!("query-{tickets}.db"));
    let done = dir.join(format!("query-{tickets}.done"));
    if done.exists() {
        return path;
    }
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let options = SqliteOptions {
        synchronous: Synchronous::Off,
        ..SqliteOptions::default()
    };
    let store = SqliteStore::open_with(&path, options).expect("open store");
    let config = queues::config();
    let began = std::time::Instant::now();
    let mut n = 0;
    while n < tickets {
        let mut chunk = Vec::with_capacity(CHUNK);
        while chunk.len() < CHUNK && n < tickets {
            chunk.extend(queues::ticket(n, &config));
            n += 1;
        }
        for result in runtime
            .block_on(store.append_all(chunk))
            .expect("bulk append")
        {
            result.expect("append written");
        }
    }
    drop(store);
    eprintln!(
        "built {tickets} tickets in {:.1} s",
        began.elapsed().as_secs_f64()
    );
    std::fs::write(&done, b"").expect("mark the database built");
    path
}

fn bench(c: &mut Criterion) {
    let tickets = queues::tickets_to_bench();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    let path = database(&runtime, tickets);
    let store = SqliteStore::open(&path).expect("open store");
    let queue = |filter: Filter, order| TicketQuery::new(filter, order, 50);
    let mine = Filter {
        assignee: Some(agent(7).id),
        ..Filter::default()
    };
    let first = runtime
        .block_on(store.query(TENANT, &Reach::Tenant, queue(mine.clone(), Order::NextDue)))
        .expect("query");
    let expected = usize::try_from((tickets / AGENTS).min(50)).unwrap_or(50);
    assert_eq!(first.rows.len(), expected, "the agent's first page is full");

    let mut group = c.benchmark_group(format!("sqlite_query_{tickets}"));
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(5));
    group.bench_function("agent_queue_by_due_first_page", |b| {
        b.iter(|| {
            runtime
                .block_on(store.query(TENANT, &Reach::Tenant, queue(mine.clone(), Order::NextDue)))
                .expect("query")
        });
    });
    let next = TicketQuery {
        after: first.next,
        ..queue(mine.clone(), Order::NextDue)
    };
    group.bench_function("agent_queue_by_due_second_page", |b| {
        b.iter(|| {
            runtime
                .block_on(store.query(TENANT, &Reach::Tenant, next.clone()))
                .expect("query")
        });
    });
    let by_group = Filter {
        group: Some(queues::group(3)),
        ..Filter::default()
    };
    group.bench_function("group_queue_by_updated_first_page", |b| {
        b.iter(|| {
            runtime
                .block_on(store.query(
                    TENANT,
                    &Reach::Tenant,
                    queue(by_group.clone(), Order::UpdatedAt),
                ))
                .expect("query")
        });
    });
    group.bench_function("due_before_256", |b| {
        let now = helpdesk_testkit::start() + chrono::Duration::hours(2);
        b.iter(|| {
            runtime
                .block_on(store.due_before(now, None, 256))
                .expect("due")
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
