//! The server the tests run on, and a fresh schema for each test.
#![allow(clippy::unwrap_used, dead_code)]

use std::sync::Once;
use std::time::{SystemTime, UNIX_EPOCH};

use helpdesk_postgres::{PostgresOptions, PostgresStore};
use tokio_postgres::{Client, NoTls};

/// The server: `HELPDESK_TEST_POSTGRES_URL`, or the local one.
pub fn url() -> String {
    std::env::var("HELPDESK_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "host=127.0.0.1 port=5432 user=postgres dbname=test".to_owned())
}

/// The ordinary role the stores act as, so row-level security holds.
pub const ROLE: &str = "helpdesk_test_store";

/// A direct connection as the login user; panics (failing the test) when
/// the server cannot be reached.
pub async fn admin() -> Client {
    let (client, connection) = tokio_postgres::connect(&url(), NoTls)
        .await
        .unwrap_or_else(|e| panic!("the PostgreSQL server at {:?} is unreachable: {e}", url()));
    tokio::spawn(connection);
    client
}

/// A new schema's name: `t_<seconds>_<random>`.
pub fn fresh_schema() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let random = helpdesk_engine::new_ticket_id()
        .as_uuid()
        .simple()
        .to_string();
    format!("t_{secs}_{}", &random[20..])
}

/// Makes the test role (once per process) and drops the schemas of test
/// runs more than an hour old.
async fn prepare(client: &Client) {
    static DONE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    static ONCE: Once = Once::new();
    if DONE.load(std::sync::atomic::Ordering::SeqCst) {
        return;
    }
    client
        .batch_execute(&format!(
            "DO $$ BEGIN CREATE ROLE {ROLE} NOLOGIN; \
             EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
        ))
        .await
        .unwrap();
    let mut first = false;
    ONCE.call_once(|| first = true);
    if first {
        let cutoff = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs()
            - 3600;
        let old = client
            .query(
                "SELECT nspname FROM pg_namespace WHERE nspname ~ '^t_[0-9]+_[0-9a-f]+$' \
                 AND split_part(nspname, '_', 2)::bigint < $1",
                &[&(cutoff as i64)],
            )
            .await
            .unwrap();
        for row in old {
            let name: String = row.get(0);
            let _ = client
                .batch_execute(&format!("DROP SCHEMA IF EXISTS {name} CASCADE"))
                .await;
        }
    }
    DONE.store(true, std::sync::atomic::Ordering::SeqCst);
}

/// The options of a store on `schema`, acting as the test role.
pub fn options(schema: &str) -> PostgresOptions {
    PostgresOptions {
        schema: Some(schema.to_owned()),
        role: Some(ROLE.to_owned()),
        max_connections: 4,
        // Low, so that the conformance suite's searches take both ways: a
        // rare word's lookup and the walk through tickets when every word
        // is common.
        common_word: 100,
        ..PostgresOptions::default()
    }
}

/// A store on a schema of its own.
pub async fn fresh_store() -> PostgresStore {
    let client = admin().await;
    prepare(&client).await;
    let schema = fresh_schema();
    PostgresStore::connect(&url(), options(&schema))
        .await
        .unwrap()
}

/// Drops `schema` and everything in it.
pub async fn drop_schema(schema: &str) {
    admin()
        .await
        .batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
        .await
        .unwrap();
}
