//! Opening connections: the writer's (which migrates) and the readers'.

use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use crate::error::SqliteError;
use crate::identity;
use crate::migrate::{MIGRATIONS, migrate};
use crate::options::SqliteOptions;

/// Prepared statements each connection keeps.
const STATEMENT_CACHE: usize = 64;

fn configure(
    conn: &Connection,
    path: &Path,
    setting: &'static str,
    sql: &str,
) -> Result<(), SqliteError> {
    conn.execute_batch(sql)
        .map_err(|error| SqliteError::Configure {
            path: path.to_owned(),
            setting,
            error,
        })
}

fn common(conn: &Connection, path: &Path, options: &SqliteOptions) -> Result<(), SqliteError> {
    conn.busy_timeout(options.busy_timeout)
        .map_err(|error| SqliteError::Configure {
            path: path.to_owned(),
            setting: "busy_timeout",
            error,
        })?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    configure(conn, path, "foreign_keys=ON", "PRAGMA foreign_keys = ON;")?;
    configure(
        conn,
        path,
        "cache_size",
        &format!("PRAGMA cache_size = -{};", options.cache_kib),
    )
}

/// Sets the durability `options` ask for on `conn`.
fn synchronous(conn: &Connection, path: &Path, options: &SqliteOptions) -> Result<(), SqliteError> {
    configure(
        conn,
        path,
        "synchronous",
        &format!("PRAGMA synchronous = {};", options.synchronous.pragma()),
    )
}

/// The writer's connection: WAL, the chosen durability, migrated to the
/// schema this build writes. `memory` opens a private in-memory database.
pub(crate) fn writer(
    path: &Path,
    options: &SqliteOptions,
    memory: bool,
) -> Result<Connection, SqliteError> {
    let opened = if memory {
        Connection::open_in_memory()
    } else {
        identity::check_file(path)?;
        Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
    };
    let mut conn = opened.map_err(|error| SqliteError::Open {
        path: path.to_owned(),
        error,
    })?;
    common(&conn, path, options)?;
    let marked = identity::check_owner(&conn, path)?;
    if !memory {
        configure(
            &conn,
            path,
            "journal_mode=WAL",
            "PRAGMA journal_mode = WAL;",
        )?;
    }
    // Statement journals (kept while a statement inside a transaction may
    // still fail halfway) stay in memory instead of a temporary file.
    configure(&conn, path, "temp_store", "PRAGMA temp_store = MEMORY;")?;
    synchronous(&conn, path, options)?;
    migrate(&mut conn, path, MIGRATIONS)?;
    if !marked {
        identity::mark(&conn, path)?;
    }
    // Migrations ran with foreign keys enforced. Appends write a ticket's
    // row before the rows that refer to it, by the number they just read
    // or made, in one transaction; checking every one of those references
    // again cost 7% of the writer's time. The tests run
    // `PRAGMA foreign_key_check` on what appends wrote instead.
    configure(
        &conn,
        path,
        "foreign_keys=OFF",
        "PRAGMA foreign_keys = OFF;",
    )?;
    Ok(conn)
}

/// Another connection to a database the writer has opened.
fn existing(path: &Path, options: &SqliteOptions) -> Result<Connection, SqliteError> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|error| SqliteError::Open {
        path: path.to_owned(),
        error,
    })?;
    common(&conn, path, options)?;
    Ok(conn)
}

/// A read-only connection to a database the writer has opened.
pub(crate) fn reader(path: &Path, options: &SqliteOptions) -> Result<Connection, SqliteError> {
    let conn = existing(path, options)?;
    configure(&conn, path, "query_only", "PRAGMA query_only = ON;")?;
    Ok(conn)
}

/// The checkpointer's connection: writes only checkpoints, and syncs them
/// as the store's durability says.
pub(crate) fn checkpointer(
    path: &Path,
    options: &SqliteOptions,
) -> Result<Connection, SqliteError> {
    let conn = existing(path, options)?;
    synchronous(&conn, path, options)?;
    Ok(conn)
}

/// Turns the writer's connection to pipelined durability: its commits do
/// not sync (the sync thread does) and it never checkpoints (the
/// checkpointer does).
pub(crate) fn pipelined(conn: &Connection, path: &Path) -> Result<(), SqliteError> {
    configure(conn, path, "synchronous", "PRAGMA synchronous = OFF;")?;
    crate::checkpointer::watch(conn);
    Ok(())
}
