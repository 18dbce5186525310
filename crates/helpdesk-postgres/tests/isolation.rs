//! Row-level security: a query that forgets the tenant finds nothing, and
//! a transaction scoped to one tenant sees and writes only that tenant's
//! rows, whatever its SQL says.
#![allow(clippy::unwrap_used)]

mod common;

use helpdesk_core::{Actor, ActorId, Command, NewTicket, TenantId};
use helpdesk_engine::{Desk, NoNotifier, Request, Store, SystemClock};
use helpdesk_postgres::PostgresStore;

/// A desk on a fresh schema with one ticket (and a note) in each of two
/// tenants; the schema's name.
async fn two_tenants() -> (String, TenantId, TenantId) {
    let store: PostgresStore = common::fresh_store().await;
    let schema = store.options().schema.clone().unwrap();
    let desk = Desk::new(helpdesk_testkit::config(), store, NoNotifier, SystemClock).unwrap();
    let (a, b) = (TenantId::from_u128(0xa), TenantId::from_u128(0xb));
    for tenant in [a, b] {
        let admin = Actor::admin(ActorId::from_u128(1), tenant);
        let id = helpdesk_engine::new_ticket_id();
        let open = Command::Open(NewTicket::new(admin.id, "Printer jams", "on 3F"));
        desk.execute(Request::new(admin.clone(), id, open))
            .await
            .unwrap();
        let note = Command::note(helpdesk_engine::new_comment_id(), "internal");
        desk.execute(Request::new(admin, id, note)).await.unwrap();
        let message = "<first@mail.example.com>".parse().unwrap();
        desk.store()
            .remember_message(tenant, &message, id)
            .await
            .unwrap();
    }
    (schema, a, b)
}

/// A connection acting as the store's role on `schema`.
async fn as_store_role(schema: &str) -> tokio_postgres::Client {
    let client = common::admin().await;
    client
        .batch_execute(&format!(
            "SET ROLE {}; SET search_path = {schema}, public",
            common::ROLE
        ))
        .await
        .unwrap();
    client
}

const TABLES: [&str; 7] = [
    "tickets",
    "events",
    "commands",
    "ticket_text",
    "outbox",
    "ticket_numbers",
    "messages",
];

#[tokio::test]
async fn a_query_that_forgets_the_tenant_finds_nothing() {
    // Given rows of two tenants in every tenant table.
    let (schema, _, _) = two_tenants().await;
    let client = as_store_role(&schema).await;
    // When the store's role counts each table without naming a tenant,
    // in a transaction that set none.
    client.batch_execute("BEGIN").await.unwrap();
    for table in TABLES {
        let count: i64 = client
            .query_one(&format!("SELECT count(*) FROM {table}"), &[])
            .await
            .unwrap()
            .get(0);
        // Then it finds nothing.
        assert_eq!(count, 0, "{table} without a tenant");
    }
    client.batch_execute("COMMIT").await.unwrap();
    common::drop_schema(&schema).await;
}

#[tokio::test]
async fn a_transaction_scoped_to_a_tenant_sees_and_writes_only_its_rows() {
    // Given rows of two tenants.
    let (schema, a, b) = two_tenants().await;
    let client = as_store_role(&schema).await;
    // When a transaction scoped to tenant A reads every row of each table.
    client
        .batch_execute(&format!(
            "BEGIN; SET LOCAL helpdesk.tenant = '{}'",
            a.as_uuid()
        ))
        .await
        .unwrap();
    for table in TABLES {
        let tenants: Vec<uuid::Uuid> = client
            .query(&format!("SELECT DISTINCT tenant FROM {table}"), &[])
            .await
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
        // Then it sees tenant A's rows only.
        assert_eq!(tenants, [a.as_uuid()], "{table} scoped to tenant A");
    }
    // And a write of tenant B's row is refused by the policy.
    let refused = client
        .execute(
            "INSERT INTO commands (tenant, id, ticket, actor, fingerprint, from_version, to_version) \
             VALUES ($1, $1, $1, $1, decode(repeat('00', 32), 'hex'), 0, 0)",
            &[&b.as_uuid()],
        )
        .await
        .unwrap_err();
    assert_eq!(
        refused.code(),
        Some(&tokio_postgres::error::SqlState::INSUFFICIENT_PRIVILEGE),
        "{refused:?}"
    );
    client.batch_execute("ROLLBACK").await.unwrap();
    common::drop_schema(&schema).await;
}

#[tokio::test]
async fn an_unreachable_server_fails_to_connect_naming_it() {
    // Given nothing listening on a port; when the store connects there.
    let refused = PostgresStore::connect(
        "host=127.0.0.1 port=1 user=postgres dbname=test connect_timeout=2",
        helpdesk_postgres::PostgresOptions::default(),
    )
    .await
    .unwrap_err();
    // Then it fails, saying where it tried.
    let message = refused.to_string();
    assert!(
        message.starts_with("cannot connect to PostgreSQL (host 127.0.0.1 database test)"),
        "{message}"
    );
}
