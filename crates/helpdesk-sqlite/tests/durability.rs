//! What the store answers between a commit and its sync: nothing a caller
//! may act on as committed rests on a commit that is not yet on disk, and a
//! transaction that fails as a whole takes the duplicates answered from it
//! along, and the refusals for a mail's id or a number one of its appends
//! took.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::Duration;

use helpdesk_engine::store::{Append, Appended};
use helpdesk_engine::{CommandId, MemoryStore, Store};
use helpdesk_sqlite::{SqliteOptions, SqliteStore, Synchronous};
use helpdesk_testkit::{Fixture, Observed};

mod common;
use common::{committed, integrity};

/// How long an answer that must wait for a held sync is given to come
/// anyway.
const HELD: Duration = Duration::from_millis(300);

/// The appends that open a ticket with each of `subjects`, computed on a
/// memory store, with the fixture's tenant.
async fn openings(subjects: &[&str]) -> Vec<Append> {
    let f = Fixture::new(Observed::new(MemoryStore::new()));
    for subject in subjects {
        f.open(subject).await;
    }
    f.store().appends()
}

/// Whether `result` is the error of a read of a commit not on disk.
fn unsynced<T: std::fmt::Debug>(result: Result<T, helpdesk_engine::StoreError>) -> bool {
    match result {
        Ok(found) => panic!("a read of a commit not on disk answered {found:?}"),
        Err(e) => e.to_string().contains("not known to be on disk"),
    }
}

/// A connection to the database at `path` that made SQLite roll back the
/// whole transaction writing a ticket with the subject `Refused` (with a
/// trigger `refuse`), as it does on a full disk or an I/O error.
fn refusing(path: &std::path::Path) -> rusqlite::Connection {
    let host = rusqlite::Connection::open(path).unwrap();
    host.execute_batch(
        "CREATE TRIGGER refuse AFTER INSERT ON tickets WHEN NEW.subject = 'Refused' \
         BEGIN SELECT RAISE(ROLLBACK, 'refused'); END;",
    )
    .unwrap();
    host
}

/// That every one of `results` failed with the transaction the trigger
/// `refuse` rolled back.
fn assert_all_refused(results: &[Result<Appended, helpdesk_engine::StoreError>]) {
    for result in results {
        let err = result.as_ref().err().map(ToString::to_string);
        assert!(
            err.as_deref().is_some_and(|e| e.contains("refused")),
            "{results:?}"
        );
    }
}

/// Whether `future` is still waiting after [`HELD`].
async fn waits<F: std::future::Future>(future: F) -> bool {
    tokio::time::timeout(HELD, future).await.is_err()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_is_answered_from_a_commit_before_its_sync() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("held.db");
    let store = Arc::new(SqliteStore::open(&path).unwrap());
    let open = openings(&["Printer jams"]).await.remove(0);
    let (tenant, ticket) = (open.tenant, open.command.ticket);
    assert!(!open.outbox.is_empty());
    // A command that changed nothing: its record is all its commit writes.
    let mut idle = open.clone();
    idle.command.command = CommandId::new();
    idle.command.from_version = open.command.to_version;
    idle.events.clear();
    idle.outbox.clear();

    let hold = store.hold_syncs();
    let spawn_all = |appends: Vec<Append>| {
        let store = store.clone();
        tokio::spawn(async move { store.append_all(appends).await })
    };
    let first = spawn_all(vec![open.clone()]);
    committed(&path, 1).await;
    let second = spawn_all(vec![idle.clone()]);
    committed(&path, 2).await;

    // Committed, visible to any connection, and not on disk.
    assert!(
        waits(store.command(tenant, open.command.command)).await,
        "a command record answered before its commit's sync"
    );
    assert!(
        waits(store.command(tenant, idle.command.command)).await,
        "a record without events answered before its commit's sync"
    );
    assert!(
        waits(store.history(tenant, ticket, 1)).await,
        "events answered before their commit's sync"
    );
    assert!(
        waits(store.load(tenant, ticket)).await,
        "a ticket loaded before its commit's sync"
    );
    assert_eq!(store.pending_outbox(100).await.unwrap(), []);
    let lease = chrono::Duration::seconds(30);
    let now = helpdesk_testkit::start();
    assert_eq!(
        store.claim_outbox("host", now, lease, 100).await.unwrap(),
        [],
        "a message of a commit not yet synced is not claimable"
    );
    let mut retry = {
        let store = store.clone();
        let open = open.clone();
        tokio::spawn(async move { store.append(open).await })
    };
    assert!(
        waits(&mut retry).await,
        "a duplicate answered before the sync of its first commit"
    );
    assert!(!first.is_finished() && !second.is_finished());

    drop(hold);
    let written = first.await.unwrap().unwrap();
    assert!(
        matches!(written[..], [Ok(Appended::Written)]),
        "{written:?}"
    );
    let written = second.await.unwrap().unwrap();
    assert!(
        matches!(written[..], [Ok(Appended::Written)]),
        "{written:?}"
    );
    assert_eq!(
        retry.await.unwrap().unwrap(),
        Appended::Duplicate(open.command)
    );
    assert_eq!(
        store.command(tenant, open.command.command).await.unwrap(),
        Some(open.command)
    );
    assert_eq!(
        store.command(tenant, idle.command.command).await.unwrap(),
        Some(idle.command)
    );
    assert_eq!(store.history(tenant, ticket, 1).await.unwrap(), open.events);
    assert_eq!(store.load(tenant, ticket).await.unwrap(), Some(open.ticket));
    assert_eq!(store.pending_outbox(100).await.unwrap(), open.outbox);
    let claimed = store.claim_outbox("host", now, lease, 100).await.unwrap();
    assert_eq!(
        claimed.into_iter().map(|c| c.message).collect::<Vec<_>>(),
        open.outbox,
        "once synced, its messages are claimable"
    );
    drop(store);
    assert_eq!(integrity(&path), "ok");
}

#[tokio::test]
async fn reads_of_a_commit_whose_sync_failed_fail() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("unsynced.db");
    let store = SqliteStore::open(&path).unwrap();
    let open = openings(&["Printer jams"]).await.remove(0);
    let (tenant, ticket) = (open.tenant, open.command.ticket);
    // The log's name disappears before the store first syncs it: the
    // commit is made, and its sync fails.
    std::fs::remove_file(dir.path().join("unsynced.db-wal")).unwrap();
    let results = store.append_all(vec![open.clone()]).await.unwrap();
    assert!(matches!(results[..], [Err(_)]), "{results:?}");

    assert!(unsynced(store.command(tenant, open.command.command).await));
    assert!(unsynced(store.history(tenant, ticket, 1).await));
    assert!(unsynced(store.load(tenant, ticket).await));
    assert_eq!(store.pending_outbox(100).await.unwrap(), []);
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
        let host = refusing(&path);
        let results = store
            .append_all(vec![first.clone(), first.clone(), refused.clone()])
            .await
            .unwrap();
        assert_all_refused(&results);
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

#[tokio::test]
async fn a_refusal_for_an_id_or_a_number_its_failed_transaction_took_fails_too() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("desk.db");
    let store = SqliteStore::open(&path).unwrap();
    let appends = openings(&["Printer jams", "Laptop hot", "Screen dark", "Refused"]).await;
    let mail = helpdesk_engine::store::MessageId::new("<copy@mail.example.com>").unwrap();
    // Given a batch whose first append binds a mail and takes a number, a
    // second binding the same mail to another ticket, a third opening
    // another ticket with the first's number; and SQLite rolling the
    // whole transaction back at the fourth, as on a full disk.
    let mut first = appends[0].clone();
    first.message = Some(mail.clone());
    let mut same_mail = appends[1].clone();
    same_mail.message = Some(mail.clone());
    let mut same_number = appends[2].clone();
    same_number.row.number = first.row.number;
    let host = refusing(&path);

    // When the batch is written.
    let results = store
        .append_all(vec![
            first.clone(),
            same_mail.clone(),
            same_number.clone(),
            appends[3].clone(),
        ])
        .await
        .unwrap();

    // Then the refusals for the mail and the number the rolled-back
    // append had taken fail with it, and neither holds on a retry.
    assert_all_refused(&results);
    host.execute_batch("DROP TRIGGER refuse;").unwrap();
    let results = store
        .append_all(vec![same_mail.clone(), same_number.clone()])
        .await
        .unwrap();
    assert!(
        matches!(&results[..], [Ok(Appended::Written), Ok(Appended::Written)]),
        "{results:?}"
    );
    assert_eq!(
        store.ticket_of_message(first.tenant, &mail).await.unwrap(),
        Some(same_mail.command.ticket)
    );
    drop(store);
    assert_eq!(integrity(&path), "ok");
}
