//! Versioned schema migrations, embedded in the binary: each a SQL script
//! under `migrations/`, applied in order in one transaction with its row
//! in `schema_migrations`, under an advisory lock so hosts starting
//! together migrate once.

use tokio_postgres::Client;

use crate::error::{PostgresError, describe};

/// One migration: its version, name and script.
pub(crate) struct Migration {
    pub version: i32,
    pub name: &'static str,
    pub sql: &'static str,
}

/// Every migration, oldest first.
pub(crate) const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "initial",
        sql: include_str!("../migrations/0001_initial.sql"),
    },
    Migration {
        version: 2,
        name: "feed",
        sql: include_str!("../migrations/0002_feed.sql"),
    },
    Migration {
        version: 3,
        name: "search_planning",
        sql: include_str!("../migrations/0003_search_planning.sql"),
    },
    Migration {
        version: 4,
        name: "ticket_numbers",
        sql: include_str!("../migrations/0004_ticket_numbers.sql"),
    },
    Migration {
        version: 5,
        name: "feed_sequencer",
        sql: include_str!("../migrations/0005_feed_sequencer.sql"),
    },
    Migration {
        version: 6,
        name: "search_rarest_word",
        sql: include_str!("../migrations/0006_search_rarest_word.sql"),
    },
];

/// The newest schema version this build knows.
pub const SCHEMA_VERSION: i32 = 6;

/// The advisory lock key migrations hold (any stable number).
const LOCK: i64 = 0x6865_6c70_6465_736b; // "helpdesk"

/// Brings the schema `schema` (or the search path's first) to
/// [`SCHEMA_VERSION`], and grants `role` what the store needs.
pub(crate) async fn migrate(
    client: &mut Client,
    schema: Option<&str>,
    role: Option<&str>,
) -> Result<(), PostgresError> {
    let tx = client
        .transaction()
        .await
        .map_err(|e| PostgresError::query("begin the migration", e))?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&LOCK])
        .await
        .map_err(|e| PostgresError::query("take the migration lock", e))?;
    if let Some(schema) = schema {
        tx.batch_execute(&format!("CREATE SCHEMA IF NOT EXISTS {schema}"))
            .await
            .map_err(|e| PostgresError::query("create the schema", e))?;
    }
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (\
             version integer PRIMARY KEY, \
             name text NOT NULL, \
             applied_at timestamptz NOT NULL DEFAULT now())",
    )
    .await
    .map_err(|e| PostgresError::query("create schema_migrations", e))?;
    let found: i32 = tx
        .query_one(
            "SELECT coalesce(max(version), 0) FROM schema_migrations",
            &[],
        )
        .await
        .map_err(|e| PostgresError::query("read the schema version", e))?
        .get(0);
    if found > SCHEMA_VERSION {
        return Err(PostgresError::NewerSchema {
            found,
            known: SCHEMA_VERSION,
        });
    }
    for migration in MIGRATIONS.iter().filter(|m| m.version > found) {
        let failed = |e: tokio_postgres::Error| PostgresError::Migrate {
            version: migration.version,
            name: migration.name,
            reason: describe(&e),
        };
        tx.batch_execute(migration.sql).await.map_err(failed)?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
            &[&migration.version, &migration.name],
        )
        .await
        .map_err(failed)?;
    }
    if let Some(role) = role {
        let schema_name = match schema {
            Some(s) => s.to_owned(),
            None => tx
                .query_one("SELECT current_schema()", &[])
                .await
                .map_err(|e| PostgresError::query("read the current schema", e))?
                .get(0),
        };
        let grants = format!(
            "GRANT USAGE ON SCHEMA \"{schema_name}\" TO {role}; \
             GRANT SELECT, INSERT, UPDATE ON tickets, events, commands, ticket_text, outbox TO {role}; \
             GRANT SELECT, UPDATE ON feed_head TO {role}; \
             GRANT SELECT, INSERT, UPDATE ON ticket_numbers TO {role}; \
             GRANT SELECT, INSERT ON messages TO {role}; \
             GRANT SELECT ON schema_migrations TO {role}"
        );
        tx.batch_execute(&grants)
            .await
            .map_err(|e| PostgresError::query("grant the store's role its tables", e))?;
    }
    tx.commit()
        .await
        .map_err(|e| PostgresError::query("commit the migration", e))
}
