//! Which files the store takes as its database: a new or empty file, or a
//! SQLite database that is helpdesk's (or that has none of helpdesk's
//! tables yet, so a host can keep its own tables beside them). Anything
//! else is refused with [`SqliteError::Unusable`] before a byte is
//! written, saying what the file is instead.

use std::fs::File;
use std::io::{ErrorKind, Read};
use std::path::Path;

use rusqlite::Connection;

use crate::error::{SqliteError, statement_failed};
use crate::migrate::SCHEMA_VERSION;

/// The `PRAGMA application_id` of a helpdesk database (`"HDSK"`), set when
/// the store first opens it. Tools such as `file(1)` and DBAs can tell the
/// file by it.
///
/// ```
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("desk.db");
/// drop(helpdesk_sqlite::SqliteStore::open(&path)?);
/// let conn = rusqlite::Connection::open(&path)?;
/// let id: i32 = conn.query_row("PRAGMA application_id", [], |row| row.get(0))?;
/// assert_eq!(id, helpdesk_sqlite::APPLICATION_ID);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub const APPLICATION_ID: i32 = 0x4844_534B;

/// The tables the first migration creates: a database at version 0 that
/// already has one of them belongs to something else.
const OWN_TABLES: [&str; 6] = [
    "tickets",
    "events",
    "commands",
    "ticket_tags",
    "outbox",
    "ticket_text",
];

/// The 16 bytes every SQLite database file starts with.
const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

fn unusable(path: &Path, reason: impl Into<String>) -> SqliteError {
    SqliteError::Unusable {
        path: path.to_owned(),
        reason: reason.into(),
    }
}

/// Refuses, before SQLite opens it, a path that cannot be a database file:
/// a directory, a file in a directory that does not exist, a file that is
/// not SQLite's.
pub(crate) fn check_file(path: &Path) -> Result<(), SqliteError> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => Err(unusable(path, "it is a directory")),
        Ok(meta) if meta.len() == 0 => Ok(()),
        Ok(_) => {
            let mut header = [0u8; 16];
            match File::open(path).and_then(|mut file| file.read_exact(&mut header)) {
                Ok(()) if &header == SQLITE_HEADER => Ok(()),
                Ok(()) => Err(unusable(
                    path,
                    "it is not a SQLite database (it does not start with SQLite's header)",
                )),
                Err(e) if e.kind() == ErrorKind::UnexpectedEof => Err(unusable(
                    path,
                    "it is not a SQLite database (it is shorter than SQLite's header)",
                )),
                Err(e) => Err(unusable(path, format!("it cannot be read: {e}"))),
            }
        }
        Err(e) if e.kind() == ErrorKind::NotFound => match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() && !dir.is_dir() => Err(unusable(
                path,
                format!("its directory {} does not exist", dir.display()),
            )),
            _ => Ok(()),
        },
        Err(e) => Err(unusable(path, format!("it cannot be read: {e}"))),
    }
}

/// Refuses an open SQLite database that belongs to another application;
/// call before migrating it. Whether it is already marked as helpdesk's
/// (see [`mark`]).
pub(crate) fn check_owner(conn: &Connection, path: &Path) -> Result<bool, SqliteError> {
    let read = |what: &'static str, sql: &str| -> Result<i64, SqliteError> {
        conn.query_row(sql, [], |row| row.get(0))
            .map_err(statement_failed(path, what))
    };
    let application = read("read the application id", "PRAGMA application_id")?;
    let version = read("read the schema version", "PRAGMA user_version")?;
    if application != 0 && application != i64::from(APPLICATION_ID) {
        return Err(unusable(
            path,
            format!(
                "it belongs to another application (its application_id is {application:#x}, \
                 helpdesk's is {APPLICATION_ID:#x})"
            ),
        ));
    }
    if version > i64::from(SCHEMA_VERSION) && application == 0 {
        // Every build that writes a version above this one's marks the
        // file as helpdesk's first.
        return Err(unusable(
            path,
            format!(
                "it is not a helpdesk database (its user_version is {version}, and it has no \
                 helpdesk application_id)"
            ),
        ));
    }
    if version == 0 {
        let mut taken = Vec::new();
        for table in OWN_TABLES {
            let found = read(
                "list the tables",
                &format!("SELECT count(*) FROM sqlite_schema WHERE name = '{table}'"),
            )?;
            if found > 0 {
                taken.push(table);
            }
        }
        if !taken.is_empty() {
            return Err(unusable(
                path,
                format!(
                    "it already has tables helpdesk would create ({}), made by another \
                     application",
                    taken.join(", ")
                ),
            ));
        }
    }
    Ok(application == i64::from(APPLICATION_ID))
}

/// Marks a migrated database as helpdesk's; for one
/// [`check_owner`] found unmarked.
pub(crate) fn mark(conn: &Connection, path: &Path) -> Result<(), SqliteError> {
    conn.pragma_update(None, "application_id", APPLICATION_ID)
        .map_err(statement_failed(path, "set the application id"))
}

#[cfg(test)]
mod tests {
    use super::{APPLICATION_ID, check_file};
    use crate::SqliteError;

    fn reason(result: Result<(), SqliteError>) -> String {
        match result {
            Err(SqliteError::Unusable { reason, .. }) => reason,
            other => panic!("expected Unusable, got {other:?}"),
        }
    }

    #[test]
    fn a_file_that_cannot_be_a_database_is_named_for_what_it_is() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(reason(check_file(dir.path())), "it is a directory");
        let nowhere = dir.path().join("missing").join("desk.db");
        assert!(reason(check_file(&nowhere)).contains("missing does not exist"));
        let text = dir.path().join("notes.txt");
        std::fs::write(&text, "not a database, only words, line after line\n")
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(reason(check_file(&text)).contains("does not start with SQLite's header"));
        std::fs::write(&text, "short").unwrap_or_else(|e| panic!("{e}"));
        assert!(reason(check_file(&text)).contains("shorter than SQLite's header"));
        // A new file, or an empty one, becomes the database.
        assert!(check_file(&dir.path().join("new.db")).is_ok());
        let empty = dir.path().join("empty.db");
        std::fs::write(&empty, "").unwrap_or_else(|e| panic!("{e}"));
        assert!(check_file(&empty).is_ok());
    }

    #[test]
    fn the_application_id_spells_hdsk() {
        assert_eq!(&APPLICATION_ID.to_be_bytes(), b"HDSK");
    }
}
