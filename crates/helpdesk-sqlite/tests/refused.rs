//! Files the store refuses to take as its database, each named for what it
//! is, and left exactly as they were.

use std::path::Path;

use helpdesk_sqlite::{APPLICATION_ID, SCHEMA_VERSION, SqliteError, SqliteStore};

/// Opens `path`, expecting a refusal; returns its message.
fn refused(path: &Path) -> String {
    match SqliteStore::open(path) {
        Err(err @ SqliteError::Unusable { .. }) => {
            let message = err.to_string();
            assert!(
                message.starts_with(&format!(
                    "cannot use {} as the helpdesk database: ",
                    path.display()
                )),
                "{message}"
            );
            message
        }
        Err(other) => panic!("expected Unusable, got {other}"),
        Ok(_) => panic!("{} was opened", path.display()),
    }
}

fn bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn a_directory_a_missing_directory_and_a_text_file_are_refused() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    assert!(refused(dir.path()).ends_with("it is a directory"));

    let nowhere = dir.path().join("missing").join("desk.db");
    assert!(refused(&nowhere).ends_with("missing does not exist"));
    assert!(!nowhere.exists());

    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "Meeting notes\n".repeat(20)).unwrap_or_else(|e| panic!("{e}"));
    let before = bytes(&text);
    assert!(refused(&text).contains("it is not a SQLite database"));
    assert_eq!(bytes(&text), before);
}

#[test]
fn another_applications_database_is_refused_unchanged() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let open = |name: &str, sql: &str| {
        let path = dir.path().join(name);
        rusqlite::Connection::open(&path)
            .and_then(|conn| conn.execute_batch(sql))
            .unwrap_or_else(|e| panic!("{e}"));
        let before = bytes(&path);
        (path, before)
    };

    for (name, sql, reason) in [
        (
            "crm.db",
            "CREATE TABLE tickets (x); CREATE TABLE outbox (y); CREATE TABLE users (id);",
            "it already has tables helpdesk would create (tickets, outbox), made by another \
             application",
        ),
        (
            "other.db",
            "PRAGMA application_id = 1234;",
            "it belongs to another application (its application_id is 0x4d2, helpdesk's is \
             0x4844534b)",
        ),
        (
            "versioned.db",
            "PRAGMA user_version = 99;",
            "it is not a helpdesk database (its user_version is 99, and it has no helpdesk \
             application_id)",
        ),
    ] {
        let (path, before) = open(name, sql);
        let message = refused(&path);
        assert!(message.ends_with(reason), "{message}");
        assert_eq!(
            bytes(&path),
            before,
            "{name}: nothing written, not even WAL mode"
        );
    }
}

#[test]
fn a_helpdesk_database_is_marked_and_opens_again() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("desk.db");
    drop(SqliteStore::open(&path).unwrap_or_else(|e| panic!("{e}")));
    let read = |pragma: &str| -> i64 {
        rusqlite::Connection::open(&path)
            .and_then(|conn| conn.query_row(&format!("PRAGMA {pragma}"), [], |r| r.get(0)))
            .unwrap_or_else(|e| panic!("{e}"))
    };
    assert_eq!(read("application_id"), i64::from(APPLICATION_ID));
    assert_eq!(read("user_version"), i64::from(SCHEMA_VERSION));
    drop(SqliteStore::open(&path).unwrap_or_else(|e| panic!("{e}")));
}
