//! Lists and search over 1,000,000 tickets on PostgreSQL: the first and
//! second page of an agent's queue by SLA due, the first page of a group's
//! queue by update, and a search, each as the agent reading it (row-level
//! security and the agent's reach in the query, as in production).
//!
//! The tickets are `helpdesk_testkit::queues` (opened into one of 20
//! groups, assigned to one of 200 agents, SLA clocks running), decided and
//! applied as the desk would, and loaded once into the schema
//! `bench_queue_<n>` by binary `COPY` of their rows and search text: the
//! schema is migrated by the store, the list and search indexes are
//! dropped for the load and built again from their own definitions after
//! it, then the tables are vacuumed and analyzed. Only the tables the
//! benched queries read hold rows (`tickets`, `ticket_text`,
//! `ticket_numbers`). A later run reuses the schema when its `bench_built`
//! row names the same number of tickets and the store's schema version;
//! any other is dropped and built again. To drop it by hand:
//! `psql -c 'DROP SCHEMA bench_queue_1000000 CASCADE'`.
//!
//! `HELPDESK_BENCH_TICKETS` sets the number of tickets (default 1,000,000;
//! 2,000 under `cargo bench -- --test`). Needs the server at
//! `HELPDESK_TEST_POSTGRES_URL` (default the local one).
#![allow(missing_docs)] // criterion_group! generates undocumented items

use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use helpdesk_core::Reach;
use helpdesk_engine::Store;
use helpdesk_engine::store::{Append, Filter, Order, SearchQuery, TicketQuery};
use helpdesk_postgres::{PostgresOptions, PostgresStore, SCHEMA_VERSION};
use helpdesk_testkit::queues::{self, AGENTS, GROUPS, TENANT, agent, group};
use tokio_postgres::binary_copy::BinaryCopyInWriter;
use tokio_postgres::types::{Json, ToSql, Type};
use tokio_postgres::{Client, NoTls};

/// The ordinary role the store acts as, so row-level security holds.
const ROLE: &str = "helpdesk_bench_store";

/// Tickets per `COPY`.
const CHUNK: u128 = 50_000;

fn url() -> String {
    std::env::var("HELPDESK_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "host=127.0.0.1 port=5432 user=postgres dbname=test".to_owned())
}

async fn admin() -> Client {
    let (client, connection) = tokio_postgres::connect(&url(), NoTls)
        .await
        .unwrap_or_else(|e| panic!("the PostgreSQL server at {:?}: {e}", url()));
    tokio::spawn(connection);
    client
}

fn options(schema: &str) -> PostgresOptions {
    PostgresOptions {
        schema: Some(schema.to_owned()),
        role: Some(ROLE.to_owned()),
        max_connections: 2,
        ..PostgresOptions::default()
    }
}

/// Whether `schema` holds `tickets` tickets built at this schema version.
async fn built(client: &Client, schema: &str, tickets: u128) -> bool {
    let sql = format!("SELECT tickets, schema_version FROM {schema}.bench_built");
    match client.query_opt(&sql, &[]).await {
        Ok(Some(row)) => {
            let (n, version): (i64, i32) = (row.get(0), row.get(1));
            i128::from(n) == tickets as i128 && version == SCHEMA_VERSION
        }
        _ => false,
    }
}

/// A name as the store writes it (the serde form of a status, a priority).
fn name<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        other => panic!("not a name: {other:?}"),
    }
}

/// Writes `rows` through `COPY ... FROM STDIN BINARY`.
async fn copy(
    client: &Client,
    sql: &str,
    types: &[Type],
    rows: impl Iterator<Item = Vec<Box<dyn ToSql + Sync + Send>>>,
) {
    let sink = client.copy_in(sql).await.expect("start COPY");
    let writer = BinaryCopyInWriter::new(sink, types);
    let mut writer = std::pin::pin!(writer);
    for row in rows {
        let values: Vec<&(dyn ToSql + Sync)> = row
            .iter()
            .map(|v| v.as_ref() as &(dyn ToSql + Sync))
            .collect();
        writer.as_mut().write(&values).await.expect("COPY a row");
    }
    writer.finish().await.expect("finish COPY");
}

/// The last append of each ticket of `range`, with the search text of all
/// its appends.
fn tickets(range: std::ops::Range<u128>, config: &helpdesk_core::DeskConfig) -> Vec<Append> {
    range
        .map(|n| {
            let mut appends = queues::ticket(n, config);
            let mut last = appends.pop().expect("a ticket has appends");
            for earlier in appends.into_iter().rev() {
                let mut text = earlier.text;
                text.public.append(&mut last.text.public);
                text.internal.append(&mut last.text.internal);
                last.text = text;
            }
            last
        })
        .collect()
}

async fn build(schema: &str, tickets_wanted: u128) {
    let client = admin().await;
    client
        .batch_execute(&format!(
            "DROP SCHEMA IF EXISTS {schema} CASCADE; \
             DO $$ BEGIN CREATE ROLE {ROLE} NOLOGIN; \
             EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
        ))
        .await
        .expect("drop the old schema");
    drop(
        PostgresStore::connect(&url(), options(schema))
            .await
            .expect("migrate the bench schema"),
    );
    let began = Instant::now();
    client
        .batch_execute(&format!("SET search_path = {schema}, public"))
        .await
        .expect("search path");
    // The secondary indexes of the loaded tables, dropped for the load and
    // built again from their definitions after it.
    let indexes: Vec<(String, String)> = client
        .query(
            "SELECT indexname, indexdef FROM pg_indexes \
             WHERE schemaname = $1 AND tablename IN ('tickets', 'ticket_text') \
             AND indexname NOT IN (SELECT conname FROM pg_constraint c \
                 JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = $1)",
            &[&schema],
        )
        .await
        .expect("read the index definitions")
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    for (index, _) in &indexes {
        client
            .batch_execute(&format!("DROP INDEX {index}"))
            .await
            .expect("drop an index");
    }
    let config = queues::config();
    let mut n = 0;
    while n < tickets_wanted {
        let end = (n + CHUNK).min(tickets_wanted);
        let chunk = tickets(n..end, &config);
        let rows = chunk.iter().map(|a| {
            let row = &a.row;
            let number = row.number.map(|x| x.get() as i64);
            let values: Vec<Box<dyn ToSql + Sync + Send>> = vec![
                Box::new(TENANT.as_uuid()),
                Box::new(row.id.as_uuid()),
                Box::new(row.version as i64),
                Box::new(row.subject.clone()),
                Box::new(name(&row.status)),
                Box::new(row.sub_status.clone()),
                Box::new(name(&row.priority)),
                Box::new(row.group.map(|g| g.as_uuid())),
                Box::new(row.assignee.map(|g| g.as_uuid())),
                Box::new(row.requester.as_uuid()),
                Box::new(row.tags.clone()),
                Box::new(row.next_due),
                Box::new(row.created_at),
                Box::new(row.updated_at),
                Box::new(Json(serde_json::to_value(&a.ticket).expect("a snapshot"))),
                Box::new(number),
            ];
            values
        });
        copy(
            &client,
            "COPY tickets (tenant, id, version, subject, status, sub_status, priority, \
             group_id, assignee, requester, tags, next_due, created_at, updated_at, snapshot, \
             number) FROM STDIN BINARY",
            &[
                Type::UUID,
                Type::UUID,
                Type::INT8,
                Type::TEXT,
                Type::TEXT,
                Type::TEXT,
                Type::TEXT,
                Type::UUID,
                Type::UUID,
                Type::UUID,
                Type::TEXT_ARRAY,
                Type::TIMESTAMPTZ,
                Type::TIMESTAMPTZ,
                Type::TIMESTAMPTZ,
                Type::JSONB,
                Type::INT8,
            ],
            rows,
        )
        .await;
        let texts = chunk.iter().flat_map(|a| {
            let id = a.row.id.as_uuid();
            let public = a.text.public.iter().map(move |t| (id, false, t.clone()));
            let internal = a.text.internal.iter().map(move |t| (id, true, t.clone()));
            public.chain(internal).map(|(id, internal, body)| {
                let values: Vec<Box<dyn ToSql + Sync + Send>> = vec![
                    Box::new(TENANT.as_uuid()),
                    Box::new(id),
                    Box::new(internal),
                    Box::new(body),
                ];
                values
            })
        });
        copy(
            &client,
            "COPY ticket_text (tenant, ticket, internal, body) FROM STDIN BINARY",
            &[Type::UUID, Type::UUID, Type::BOOL, Type::TEXT],
            texts,
        )
        .await;
        n = end;
    }
    let loaded = began.elapsed();
    client
        .execute(
            "INSERT INTO ticket_numbers (tenant, last) VALUES ($1, $2)",
            &[&TENANT.as_uuid(), &(tickets_wanted as i64)],
        )
        .await
        .expect("the tenant's counter");
    client
        .batch_execute("SET maintenance_work_mem = '512MB'")
        .await
        .expect("memory for the index builds");
    for (_, definition) in &indexes {
        client
            .batch_execute(definition)
            .await
            .expect("build an index");
    }
    for table in ["tickets", "ticket_text"] {
        // One statement each: VACUUM runs outside a transaction block.
        client
            .batch_execute(&format!("VACUUM ANALYZE {table}"))
            .await
            .expect("vacuum and analyze");
    }
    client
        .batch_execute(&format!(
            "CREATE TABLE bench_built (tickets bigint NOT NULL, schema_version integer NOT NULL); \
             INSERT INTO bench_built VALUES ({tickets_wanted}, {SCHEMA_VERSION})"
        ))
        .await
        .expect("analyze and mark the schema built");
    eprintln!(
        "built {tickets_wanted} tickets in {schema}: loaded in {:.1} s, indexed and analyzed in {:.1} s",
        loaded.as_secs_f64(),
        (began.elapsed() - loaded).as_secs_f64()
    );
}

fn bench(c: &mut Criterion) {
    let tickets = queues::tickets_to_bench();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let schema = format!("bench_queue_{tickets}");
    let store = runtime.block_on(async {
        if !built(&admin().await, &schema, tickets).await {
            build(&schema, tickets).await;
        }
        PostgresStore::connect(&url(), options(&schema))
            .await
            .expect("open the bench schema")
    });

    // Agent 7 reads their own queue; agent 3 their group's (group 3).
    let (seven, three) = (agent(7), agent(3));
    let (seven_reach, three_reach) = (Reach::of(&seven), Reach::of(&three));
    let queue = |filter: Filter, order| TicketQuery::new(filter, order, 50);
    let mine = Filter {
        assignee: Some(seven.id),
        ..Filter::default()
    };
    let first = runtime
        .block_on(store.query(TENANT, &seven_reach, queue(mine.clone(), Order::NextDue)))
        .expect("query");
    let expected = usize::try_from((tickets / AGENTS).min(50)).unwrap_or(50);
    assert_eq!(first.rows.len(), expected, "the agent's first page is full");
    let next = TicketQuery {
        after: first.next,
        ..queue(mine.clone(), Order::NextDue)
    };
    let by_group = Filter {
        group: Some(group(3)),
        ..Filter::default()
    };
    // A rare word (in the subjects of the tickets ...4242...), the same
    // with a word every ticket holds, before it and after it, and a word of
    // every ticket of the agent's group alone.
    let rare = SearchQuery::new("4242", 20).expect("a search");
    let with_common = SearchQuery::new("4242 printer", 20).expect("a search");
    let common_first = SearchQuery::new("printer 4242", 20).expect("a search");
    let common = SearchQuery::new("paper", 20).expect("a search");
    let found = runtime
        .block_on(store.search(TENANT, &seven_reach, &common))
        .expect("search");
    let in_reach = usize::try_from(tickets / GROUPS).unwrap_or(usize::MAX);
    assert_eq!(
        found.len(),
        in_reach.min(20),
        "every ticket of the agent's group has a paper jam"
    );

    let mut group_bench = c.benchmark_group(format!("postgres_query_{tickets}"));
    group_bench.warm_up_time(Duration::from_secs(1));
    group_bench.measurement_time(Duration::from_secs(5));
    group_bench.bench_function("agent_queue_by_due_first_page", |b| {
        b.to_async(&runtime).iter(|| async {
            store
                .query(TENANT, &seven_reach, queue(mine.clone(), Order::NextDue))
                .await
                .expect("query")
        });
    });
    group_bench.bench_function("agent_queue_by_due_second_page", |b| {
        b.to_async(&runtime).iter(|| async {
            store
                .query(TENANT, &seven_reach, next.clone())
                .await
                .expect("query")
        });
    });
    group_bench.bench_function("group_queue_by_updated_first_page", |b| {
        b.to_async(&runtime).iter(|| async {
            store
                .query(
                    TENANT,
                    &three_reach,
                    queue(by_group.clone(), Order::UpdatedAt),
                )
                .await
                .expect("query")
        });
    });
    group_bench.bench_function("search_rare_word", |b| {
        b.to_async(&runtime).iter(|| async {
            store
                .search(TENANT, &seven_reach, &rare)
                .await
                .expect("search")
        });
    });
    let searches = [
        ("search_rare_and_common_word", &with_common),
        ("search_common_and_rare_word", &common_first),
        ("search_common_word", &common),
    ];
    for (name, query) in searches {
        group_bench.bench_function(name, |b| {
            b.to_async(&runtime).iter(|| async {
                store
                    .search(TENANT, &seven_reach, query)
                    .await
                    .expect("search")
            });
        });
    }
    group_bench.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
