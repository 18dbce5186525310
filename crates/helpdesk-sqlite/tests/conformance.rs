//! The store contract, checked by the shared conformance suite on a real
//! SQLite file per case, and on the in-memory database.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;
use std::sync::Once;

use helpdesk_sqlite::SqliteStore;

/// A fresh database file under cargo's temporary directory for tests. The
/// first call of a run removes the files earlier runs left, so the
/// directory holds one run's databases at most.
fn fresh_file() -> PathBuf {
    static CLEARED: Once = Once::new();
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("conformance");
    CLEARED.call_once(|| {
        let _ = std::fs::remove_dir_all(&dir);
    });
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(format!("{}.db", helpdesk_engine::new_ticket_id()))
}

mod on_file {
    use super::{SqliteStore, fresh_file};
    helpdesk_testkit::store_conformance!(
        || async { SqliteStore::open(fresh_file()).unwrap() },
        reopen = |store: SqliteStore| async move {
            let path = store.path().to_owned();
            drop(store);
            SqliteStore::open(path).unwrap()
        }
    );
}

/// The in-memory database, which serves reads and writes on one connection.
mod in_memory {
    use helpdesk_sqlite::SqliteStore;
    helpdesk_testkit::store_conformance!(|| async { SqliteStore::in_memory().unwrap() });
}
