//! Checks of, and waits on, a database file that the store's test files
//! share.

use std::path::Path;
use std::time::{Duration, Instant};

/// SQLite's integrity check, and a note of every row that refers to a
/// ticket that is not there (appends do not have them checked as they
/// write): "ok" when both are clean.
pub fn integrity(path: &Path) -> String {
    let conn = rusqlite::Connection::open(path).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    let orphans: Vec<String> = conn
        .prepare("PRAGMA foreign_key_check")
        .unwrap()
        .query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    if orphans.is_empty() {
        check
    } else {
        format!("{check}; rows without their ticket in {orphans:?}")
    }
}

/// The file's schema version.
#[allow(dead_code)] // the crash test reads no version
pub fn user_version(path: &Path) -> u32 {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap()
}

/// Waits until another connection to the file sees `records` command
/// records: the appends are committed.
#[allow(dead_code)] // only the tests of held syncs wait for commits
pub async fn committed(path: &Path, records: i64) {
    let conn =
        rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let began = Instant::now();
    loop {
        let found: i64 = conn
            .query_row("SELECT count(*) FROM commands", [], |r| r.get(0))
            .unwrap();
        if found >= records {
            return;
        }
        assert!(
            began.elapsed() < Duration::from_secs(30),
            "{found} of {records} command records committed"
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}
