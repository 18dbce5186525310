//! Versioned migrations, embedded in the binary and applied at open.
//!
//! The schema version is `PRAGMA user_version`: the number of migrations
//! applied. Opening applies the missing ones in order, each in its own
//! transaction together with the new version number, so a crash leaves the
//! database at a version it had. A database of a newer version than this
//! build knows is refused with [`SqliteError::TooNew`].

use std::path::Path;

use rusqlite::{Connection, TransactionBehavior};

use crate::error::{SqliteError, statement_failed};

/// One migration: a script, and what must be computed in Rust after it
/// (data SQL cannot derive, such as the domain's search text), in the
/// same transaction.
#[derive(Clone, Copy)]
pub(crate) struct Migration {
    sql: &'static str,
    then: Option<fn(&Connection) -> rusqlite::Result<()>>,
}

impl Migration {
    /// A migration that is only a script.
    pub(crate) const fn sql(sql: &'static str) -> Self {
        Self { sql, then: None }
    }
}

/// The migrations, in order: the first brings version 0 (an empty file) to
/// version 1.
pub(crate) const MIGRATIONS: &[Migration] = &[
    Migration::sql(include_str!("../migrations/0001_initial.sql")),
    Migration::sql(include_str!(
        "../migrations/0002_search_without_positions.sql"
    )),
    Migration::sql(include_str!("../migrations/0003_binary_ids.sql")),
    Migration::sql(include_str!("../migrations/0004_snapshots.sql")),
    Migration {
        sql: include_str!("../migrations/0005_trust.sql"),
        then: Some(crate::text_parts::rebuild),
    },
    Migration::sql(include_str!("../migrations/0006_deliveries.sql")),
    Migration::sql(include_str!("../migrations/0007_planned_deliveries.sql")),
    Migration::sql(include_str!("../migrations/0008_ticket_numbers.sql")),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// The database's schema version.
pub(crate) fn version(conn: &Connection, path: &Path) -> Result<u32, SqliteError> {
    conn.pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(statement_failed(path, "read the schema version"))
}

/// Brings the database to the last of `migrations`; returns the version it
/// had before.
pub(crate) fn migrate(
    conn: &mut Connection,
    path: &Path,
    migrations: &[Migration],
) -> Result<u32, SqliteError> {
    let supported = migrations.len() as u32;
    let found = version(conn, path)?;
    if found > supported {
        return Err(SqliteError::TooNew {
            path: path.to_owned(),
            found,
            supported,
        });
    }
    for (index, migration) in migrations.iter().enumerate().skip(found as usize) {
        let target = index as u32 + 1;
        let failed = |error| SqliteError::Migrate {
            path: path.to_owned(),
            version: target,
            error: without_sql(error),
        };
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(failed)?;
        // Another process may have migrated while this one waited for the
        // lock: look again inside the transaction.
        let now = version(&tx, path)?;
        if now >= target {
            continue;
        }
        tx.execute_batch(migration.sql).map_err(failed)?;
        if let Some(then) = migration.then {
            then(&tx).map_err(failed)?;
        }
        tx.pragma_update(None, "user_version", target)
            .map_err(failed)?;
        tx.commit().map_err(failed)?;
    }
    Ok(found)
}

/// SQLite's error without the statement text rusqlite adds to it: a
/// migration's text is the whole migration file.
fn without_sql(error: rusqlite::Error) -> rusqlite::Error {
    match error {
        rusqlite::Error::SqlInputError { error, msg, .. } => {
            rusqlite::Error::SqliteFailure(error, Some(msg))
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applies_later_migrations_to_an_older_database() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        let mut conn = Connection::open(&path).unwrap();
        assert_eq!(migrate(&mut conn, &path, MIGRATIONS).unwrap(), 0);
        assert_eq!(version(&conn, &path).unwrap(), SCHEMA_VERSION);

        let mut next = MIGRATIONS.to_vec();
        next.push(Migration::sql("ALTER TABLE tickets ADD COLUMN note TEXT;"));
        assert_eq!(migrate(&mut conn, &path, &next).unwrap(), SCHEMA_VERSION);
        assert_eq!(version(&conn, &path).unwrap(), SCHEMA_VERSION + 1);
        conn.execute("UPDATE tickets SET note = 'x'", []).unwrap();
        // Applying again does nothing.
        assert_eq!(
            migrate(&mut conn, &path, &next).unwrap(),
            SCHEMA_VERSION + 1
        );
    }

    #[test]
    fn a_failing_migration_leaves_the_version_it_had() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.db");
        let mut conn = Connection::open(&path).unwrap();
        let mut next = MIGRATIONS.to_vec();
        next.push(Migration::sql(
            "CREATE TABLE extra (x); CREATE TABLE tickets (y);",
        ));
        let err = migrate(&mut conn, &path, &next).unwrap_err();
        assert!(
            matches!(err, SqliteError::Migrate { version, .. } if version == SCHEMA_VERSION + 1),
            "{err}"
        );
        // SQLite's reason, without the migration's text.
        let message = err.to_string();
        assert!(
            message.contains("table tickets already exists"),
            "{message}"
        );
        assert!(!message.contains("CREATE TABLE"), "{message}");
        assert_eq!(version(&conn, &path).unwrap(), SCHEMA_VERSION);
        let extra: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE name = 'extra'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(extra, 0, "the failed migration was rolled back");
    }
}
