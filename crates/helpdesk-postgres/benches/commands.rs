//! Per-command cost on PostgreSQL beside SQLite (a file, `Synchronous::Full`
//! by default) in the same run, and the floor: a plain insert of an
//! event-sized row and its commit over the same kind of pooled connection.
//! Needs the server at `HELPDESK_TEST_POSTGRES_URL` (default the local one).
#![allow(missing_docs, clippy::unwrap_used)]

use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use helpdesk_core::{Actor, ActorId, Command, NewTicket, TenantId, TicketId};
use helpdesk_engine::{Desk, NoNotifier, Request, Store, SystemClock};
use helpdesk_postgres::{PostgresOptions, PostgresStore};
use helpdesk_sqlite::SqliteStore;

fn url() -> String {
    std::env::var("HELPDESK_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "host=127.0.0.1 port=5432 user=postgres dbname=test".to_owned())
}

async fn opened<S: Store>(desk: &Desk<S, NoNotifier, SystemClock>, admin: &Actor) -> TicketId {
    let id = helpdesk_engine::new_ticket_id();
    let open = Command::Open(NewTicket::new(admin.id, "Printer jams", "on 3F"));
    desk.execute(Request::new(admin.clone(), id, open))
        .await
        .unwrap();
    id
}

/// Tags the ticket, then untags it: every command changes it, and a
/// ticket never passes its tag limit.
fn toggle(n: u64) -> Command {
    let tag = "hot".to_owned();
    if n % 2 == 1 {
        Command::Tag { tag }
    } else {
        Command::Untag { tag }
    }
}

fn commands(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let schema = format!("bench_{}", std::process::id());
    let admin = Actor::admin(ActorId::from_u128(1), TenantId::from_u128(1));
    let (pg, floor_store) = rt.block_on(async {
        let options = PostgresOptions {
            schema: Some(schema.clone()),
            ..PostgresOptions::default()
        };
        let store = PostgresStore::connect(&url(), options.clone())
            .await
            .unwrap();
        let floor = PostgresStore::connect(&url(), options).await.unwrap();
        (
            Arc::new(
                Desk::new(helpdesk_testkit::config(), store, NoNotifier, SystemClock).unwrap(),
            ),
            floor,
        )
    });
    let dir = tempfile::tempdir().unwrap();
    let sqlite = Arc::new(
        Desk::new(
            helpdesk_testkit::config(),
            SqliteStore::open(dir.path().join("bench.db")).unwrap(),
            NoNotifier,
            SystemClock,
        )
        .unwrap(),
    );
    let (pg_ticket, sqlite_ticket) =
        rt.block_on(async { (opened(&pg, &admin).await, opened(&sqlite, &admin).await) });
    let mut group = c.benchmark_group("command");
    let mut n = 0u64;
    group.bench_function("postgres/tag", |b| {
        b.to_async(&rt).iter(|| {
            n += 1;
            let tag = toggle(n);
            let request = Request::new(admin.clone(), pg_ticket, tag);
            let desk = pg.clone();
            async move { desk.execute(request).await.unwrap() }
        })
    });
    group.bench_function("sqlite/tag", |b| {
        b.to_async(&rt).iter(|| {
            n += 1;
            let tag = toggle(n);
            let request = Request::new(admin.clone(), sqlite_ticket, tag);
            let desk = sqlite.clone();
            async move { desk.execute(request).await.unwrap() }
        })
    });
    // The floor: one row of an event's size inserted and committed, over a
    // pooled connection (a client of its own, to keep the store's API).
    let client = rt.block_on(async {
        let (client, connection) = tokio_postgres::connect(&url(), tokio_postgres::NoTls)
            .await
            .unwrap();
        tokio::spawn(connection);
        client
            .batch_execute(&format!(
                "SET search_path = {schema}, public; \
                 CREATE TABLE IF NOT EXISTS floor (id bigserial PRIMARY KEY, body jsonb NOT NULL)"
            ))
            .await
            .unwrap();
        client
    });
    let body =
        serde_json::json!({"v": 1, "type": "tagged", "tag": "t1", "at": "2026-03-02T09:00:00Z"});
    let insert = rt.block_on(async {
        client
            .prepare("INSERT INTO floor (body) VALUES ($1)")
            .await
            .unwrap()
    });
    group.bench_function("postgres/floor_insert", |b| {
        b.to_async(&rt).iter(|| async {
            client.execute(&insert, &[&body]).await.unwrap();
        })
    });
    group.finish();
    drop(floor_store);
    rt.block_on(async {
        client
            .batch_execute(&format!("DROP SCHEMA {schema} CASCADE"))
            .await
            .unwrap();
    });
}

/// Commands per second with 1, 4 and 16 hosts, each a desk with its own
/// pool of two connections, each sending 8 commands at once on tickets of
/// its own; beside it, the floor: the same number of connections each
/// inserting and committing 8 event-sized rows.
fn hosts(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let schema = format!("bench_hosts_{}", std::process::id());
    let admin = Actor::admin(ActorId::from_u128(1), TenantId::from_u128(1));
    let mut group = c.benchmark_group("hosts");
    const EACH: usize = 8;
    for n in [1usize, 4, 16] {
        let (desks, tickets) = rt.block_on(async {
            let mut desks = Vec::new();
            let mut tickets = Vec::new();
            for _ in 0..n {
                let options = PostgresOptions {
                    schema: Some(schema.clone()),
                    max_connections: 2,
                    ..PostgresOptions::default()
                };
                let store = PostgresStore::connect(&url(), options).await.unwrap();
                let desk = Arc::new(
                    Desk::new(helpdesk_testkit::config(), store, NoNotifier, SystemClock).unwrap(),
                );
                let mut mine = Vec::new();
                for _ in 0..EACH {
                    mine.push(opened(&desk, &admin).await);
                }
                desks.push(desk);
                tickets.push(mine);
            }
            (desks, tickets)
        });
        group.throughput(criterion::Throughput::Elements((n * EACH) as u64));
        let mut round = 0u64;
        group.bench_function(format!("{n}/desk"), |b| {
            b.to_async(&rt).iter(|| {
                round += 1;
                let mut runs = Vec::new();
                for (desk, mine) in desks.iter().zip(&tickets) {
                    for ticket in mine {
                        let desk = desk.clone();
                        let request = Request::new(admin.clone(), *ticket, toggle(round));
                        runs.push(tokio::spawn(
                            async move { desk.execute(request).await.unwrap() },
                        ));
                    }
                }
                async move {
                    for run in runs {
                        run.await.unwrap();
                    }
                }
            })
        });
        let clients = rt.block_on(async {
            let mut clients = Vec::new();
            for _ in 0..2 * n {
                let (client, connection) = tokio_postgres::connect(&url(), tokio_postgres::NoTls)
                    .await
                    .unwrap();
                tokio::spawn(connection);
                client
                    .batch_execute(&format!(
                        "SET search_path = {schema}, public; CREATE TABLE IF NOT EXISTS floor \
                         (id bigserial PRIMARY KEY, body jsonb NOT NULL)"
                    ))
                    .await
                    .unwrap();
                let insert = client
                    .prepare("INSERT INTO floor (body) VALUES ($1)")
                    .await
                    .unwrap();
                clients.push(Arc::new((client, insert)));
            }
            clients
        });
        let body = Arc::new(serde_json::json!({"v": 1, "type": "tagged", "tag": "hot"}));
        group.bench_function(format!("{n}/floor_insert"), |b| {
            b.to_async(&rt).iter(|| {
                let mut runs = Vec::new();
                for k in 0..n * EACH {
                    let client = clients[k % clients.len()].clone();
                    let body = body.clone();
                    runs.push(tokio::spawn(async move {
                        client.0.execute(&client.1, &[&*body]).await.unwrap()
                    }));
                }
                async move {
                    for run in runs {
                        run.await.unwrap();
                    }
                }
            })
        });
    }
    group.finish();
    rt.block_on(async {
        let (client, connection) = tokio_postgres::connect(&url(), tokio_postgres::NoTls)
            .await
            .unwrap();
        tokio::spawn(connection);
        client
            .batch_execute(&format!("DROP SCHEMA {schema} CASCADE"))
            .await
            .unwrap();
    });
}

criterion_group!(benches, commands, hosts);
criterion_main!(benches);
