//! A transaction that fails as a whole takes the duplicates answered from
//! it along.
#![allow(clippy::unwrap_used)]

use helpdesk_engine::store::{Append, Appended};
use helpdesk_engine::{MemoryStore, Store};
use helpdesk_sqlite::{SqliteOptions, SqliteStore, Synchronous};
use helpdesk_testkit::{Fixture, Observed};

mod common;
use common::integrity;

/// The appends that open a ticket with each of `subjects`, computed on a
/// memory store, with the fixture's tenant.
async fn openings(subjects: &[&str]) -> Vec<Append> {
    let f = Fixture::new(Observed::new(MemoryStore::new()));
    for subject in subjects {
        f.open(subject).await;
    }
    f.store().appends()
}

#[tokio::test]
async fn a_duplicate_of_an_append_its_failed_transaction_wrote_fails_too() {
    let dir = tempfile::tempdir().unwrap();
    for synchronous in [Synchronous::Full, Synchronous::Normal] {
        let path = dir.path().join(format!("{synchronous:?}.db"));
        let options = SqliteOptions {
            synchronous,
            ..SqliteOptions::default()
        };
        let store = SqliteStore::open_with(&path, options).unwrap();
        let appends = openings(&["Printer jams", "Refused"]).await;
        let (first, refused) = (&appends[0], &appends[1]);
        // SQLite rolls the whole transaction back while it writes the
        // second ticket, as it does on a full disk or an I/O error.
        let host = rusqlite::Connection::open(&path).unwrap();
        host.execute_batch(
            "CREATE TRIGGER refuse AFTER INSERT ON tickets WHEN NEW.subject = 'Refused' \
             BEGIN SELECT RAISE(ROLLBACK, 'refused'); END;",
        )
        .unwrap();
        let results = store
            .append_all(vec![first.clone(), first.clone(), refused.clone()])
            .await
            .unwrap();
        for result in &results {
            let err = result.as_ref().err().map(ToString::to_string);
            assert!(
                err.as_deref().is_some_and(|e| e.contains("refused")),
                "{synchronous:?}: {results:?}"
            );
        }
        let command = first.command.command;
        assert_eq!(store.command(first.tenant, command).await.unwrap(), None);

        // Retried once the database takes it, the command is written.
        host.execute_batch("DROP TRIGGER refuse;").unwrap();
        let results = store
            .append_all(vec![first.clone(), first.clone()])
            .await
            .unwrap();
        assert!(
            matches!(
                &results[..],
                [Ok(Appended::Written), Ok(Appended::Duplicate(record))] if *record == first.command
            ),
            "{synchronous:?}: {results:?}"
        );
        drop(store);
        assert_eq!(integrity(&path), "ok");
    }
}
