#![allow(missing_docs)] // criterion_group! generates undocumented items
//! The first page of an agent's queue ordered by SLA due, with 1,000,000
//! tickets in the SQLite store.
//!
//! The database is built once, by bulk appends of real tickets (opened,
//! routed to one of 20 groups, assigned to one of 200 agents, SLA clocks
//! running) in transactions of 20,000, into
//! `target/sqlite-bench/query-<n>.db`, and reused while it exists.
//! `HELPDESK_BENCH_TICKETS` sets another number of tickets.

use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use helpdesk_core::{
    Actor, ActorId, Command, Context, DeskConfig, GroupId, NewTicket, Reach, TenantId, Ticket,
    apply, decide,
};
use helpdesk_engine::store::{
    Append, CommandRecord, Filter, Fingerprint, Order, StoredEvent, TicketQuery,
};
use helpdesk_engine::{CommandId, EventId, Store, new_ticket_id};
use helpdesk_sqlite::{SqliteOptions, SqliteStore, Synchronous};

const TENANT: TenantId = TenantId::from_u128(0x9e7);
const GROUPS: u128 = 20;
const AGENTS: u128 = 200;
const CHUNK: usize = 20_000;

fn config() -> DeskConfig {
    serde_json::from_value(serde_json::json!({
        "sla_policies": [{
            "key": "standard",
            "targets": {
                "first_response": {"P1": "15m", "P2": "30m", "P3": "1h", "P4": "4h", "P5": "8h"},
                "resolution": {"P1": "2h", "P2": "4h", "P3": "8h", "P4": "24h", "P5": "48h"}
            },
            "warnings": [{"percent": 50}]
        }]
    }))
    .expect("valid configuration")
}

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
        .single()
        .expect("valid instant")
}

fn agent(n: u128) -> Actor {
    Actor::agent(
        ActorId::from_u128(0xa000 + n),
        TENANT,
        [GroupId::from_u128(0x6000 + n % GROUPS)],
    )
}

/// The appends of one command on `ticket`.
fn run(
    ticket: &mut Ticket,
    actor: &Actor,
    at: DateTime<Utc>,
    command: Command,
    config: &DeskConfig,
) -> Append {
    let ctx = Context::new(actor, at, config);
    let events = decide(ticket, command, &ctx).expect("valid command");
    let from_version = ticket.version();
    let id = CommandId::new();
    let mut stored = Vec::with_capacity(events.len());
    for event in events {
        apply(ticket, &event);
        stored.push(StoredEvent {
            id: EventId::new(),
            tenant: TENANT,
            ticket: ticket.id(),
            version: ticket.version(),
            command: id,
            event,
        });
    }
    let record = CommandRecord {
        command: id,
        ticket: ticket.id(),
        actor: actor.id,
        fingerprint: Fingerprint::of(&id),
        from_version,
        to_version: ticket.version(),
    };
    Append::new(TENANT, record, stored, ticket.clone(), config)
}

/// Ticket `n`: opened by a requester into a group, assigned to an agent.
fn ticket(n: u128, config: &DeskConfig) -> Vec<Append> {
    let owner = agent(n % AGENTS);
    let at = start() + chrono::Duration::seconds((n * 7 % 86_400) as i64);
    let mut ticket = Ticket::new(new_ticket_id());
    let mut new = NewTicket::new(
        ActorId::from_u128(0x1_0000 + n % 5000),
        format!("Printer {n} jams on floor {}", n % 12),
        "Paper jam in tray 2; the display shows E-42",
    );
    new.group = Some(GroupId::from_u128(0x6000 + n % GROUPS));
    let open = run(&mut ticket, &owner, at, Command::Open(new), config);
    let assign = run(
        &mut ticket,
        &owner,
        at + chrono::Duration::minutes(1),
        Command::Assign { assignee: owner.id },
        config,
    );
    vec![open, assign]
}

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
    let config = config();
    let began = std::time::Instant::now();
    let mut n = 0;
    while n < tickets {
        let mut chunk = Vec::with_capacity(CHUNK);
        while chunk.len() < CHUNK && n < tickets {
            chunk.extend(ticket(n, &config));
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
    // `cargo bench -- --test` runs every bench once to keep it compiling and
    // working: a small database is enough for that.
    let default = if std::env::args().any(|a| a == "--test") {
        2_000
    } else {
        1_000_000
    };
    let tickets: u128 = std::env::var("HELPDESK_BENCH_TICKETS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default);
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
        group: Some(GroupId::from_u128(0x6003)),
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
        let now = start() + chrono::Duration::hours(2);
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
