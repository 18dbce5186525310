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
/// its own; beside it, the floor: the same number of connections writing
/// the same rows per command (a command record, the ticket row with its
/// snapshot, the event, the outbox rows) into tables shaped like the
/// store's, each command one transaction sent in one round trip.
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
        let before = rt.block_on(written(&schema));
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
        // The floor writes, per command, the rows an append of a tag
        // change writes (a command record, the ticket row with its snapshot,
        // an event, and as many outbox rows as the desk wrote per command),
        // into tables shaped like the store's, over as many connections.
        let clients = rt.block_on(async {
            let mut clients = Vec::new();
            for k in 0..2 * n {
                let (client, connection) = tokio_postgres::connect(&url(), tokio_postgres::NoTls)
                    .await
                    .unwrap();
                tokio::spawn(connection);
                client
                    .batch_execute(&format!("SET search_path = {schema}, public"))
                    .await
                    .unwrap();
                if k == 0 {
                    client.batch_execute(FLOOR_TABLES).await.unwrap();
                }
                clients.push(client);
            }
            let outbox_per_command = outbox_per_command(before, written(&schema).await);
            let mut floors = Vec::new();
            for client in clients {
                let write = client.prepare(FLOOR_WRITE).await.unwrap();
                let outbox = client.prepare(FLOOR_OUTBOX).await.unwrap();
                floors.push(Arc::new(Floor {
                    client,
                    write,
                    outbox,
                    outbox_per_command,
                    held: tokio::sync::Mutex::new(()),
                }));
            }
            floors
        });
        let floor_tickets: Vec<TicketId> = tickets.iter().flatten().copied().collect();
        let body = Arc::new(serde_json::json!({
            "v": 1, "tenant": "00000000-0000-0000-0000-000000000001",
            "at": "2026-12-06T14:00:00.000000Z",
            "by": {"id": "00000000-0000-0000-0000-000000000001", "role": "admin"},
            "type": "tagged", "data": {"tag": "hot"}
        }));
        group.bench_function(format!("{n}/floor_insert"), |b| {
            b.to_async(&rt).iter(|| {
                let mut runs = Vec::new();
                for (k, ticket) in floor_tickets.iter().enumerate() {
                    let floor = clients[k % clients.len()].clone();
                    let body = body.clone();
                    let ticket = *ticket;
                    runs.push(tokio::spawn(
                        async move { floor.command(ticket, &body).await },
                    ));
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

/// Tables shaped like the store's (columns, keys, indexes; no row-level
/// security), holding a copy of the bench's tickets, made again for each
/// number of hosts.
const FLOOR_TABLES: &str = "\
    DROP TABLE IF EXISTS floor_events, floor_outbox, floor_commands, floor_tickets; \
    CREATE TABLE floor_tickets (LIKE tickets INCLUDING ALL); \
    CREATE TABLE floor_commands (LIKE commands INCLUDING ALL); \
    CREATE TABLE floor_events (LIKE events INCLUDING ALL); \
    CREATE TABLE floor_outbox (LIKE outbox INCLUDING ALL); \
    ALTER TABLE floor_events ADD FOREIGN KEY (tenant, ticket) REFERENCES floor_tickets (tenant, id); \
    INSERT INTO floor_tickets SELECT * FROM tickets";

/// A command record, the ticket row moved on with its snapshot rewritten,
/// and the event at the new version, in one statement as the store writes
/// them.
const FLOOR_WRITE: &str = "\
    WITH c AS (INSERT INTO floor_commands \
        (tenant, id, ticket, actor, fingerprint, from_version, to_version) \
        SELECT tenant, gen_random_uuid(), id, requester, sha256(snapshot::text::bytea), version, version + 1 \
        FROM floor_tickets WHERE id = $1), \
    t AS (UPDATE floor_tickets SET version = version + 1, updated_at = now(), \
        snapshot = jsonb_set(snapshot, '{version}', to_jsonb(version + 1)) \
        WHERE id = $1 RETURNING tenant, id, version) \
    INSERT INTO floor_events (tenant, ticket, version, id, command, body) \
    SELECT tenant, id, version, gen_random_uuid(), gen_random_uuid(), $2 FROM t";

/// One outbox row of the command's event.
const FLOOR_OUTBOX: &str = "INSERT INTO floor_outbox (tenant, ticket, message) \
    SELECT tenant, id, $2 FROM floor_tickets WHERE id = $1";

/// How many outbox rows and command records `schema` holds.
async fn written(schema: &str) -> (i64, i64) {
    let (client, connection) = tokio_postgres::connect(&url(), tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    let row = client
        .query_one(
            &format!(
                "SELECT (SELECT count(*) FROM {schema}.outbox), (SELECT count(*) FROM {schema}.commands)"
            ),
            &[],
        )
        .await
        .unwrap();
    (row.get(0), row.get(1))
}

/// The outbox rows the desk wrote per command since `before` (rounded).
fn outbox_per_command(before: (i64, i64), after: (i64, i64)) -> usize {
    let commands = (after.1 - before.1).max(1);
    ((after.0 - before.0) as f64 / commands as f64).round() as usize
}

/// One connection of the floor.
struct Floor {
    client: tokio_postgres::Client,
    write: tokio_postgres::Statement,
    outbox: tokio_postgres::Statement,
    outbox_per_command: usize,
    held: tokio::sync::Mutex<()>,
}

impl Floor {
    /// The rows of one command, in one transaction sent in one round trip
    /// (as the store pipelines its appends), the connection held until its
    /// commit.
    async fn command(&self, ticket: TicketId, body: &serde_json::Value) {
        let _held = self.held.lock().await;
        let id = ticket.as_uuid();
        let client = &self.client;
        let params: [&(dyn tokio_postgres::types::ToSql + Sync); 2] = [&id, body];
        let outbox = async {
            for _ in 0..self.outbox_per_command {
                client.execute(&self.outbox, &params).await?;
            }
            Ok::<_, tokio_postgres::Error>(())
        };
        let (begin, write, outbox, commit) = tokio::join!(
            client.batch_execute("BEGIN"),
            client.execute(&self.write, &params),
            outbox,
            client.batch_execute("COMMIT")
        );
        begin.unwrap();
        write.unwrap();
        outbox.unwrap();
        commit.unwrap();
    }
}

criterion_group!(benches, commands, hosts);
criterion_main!(benches);
