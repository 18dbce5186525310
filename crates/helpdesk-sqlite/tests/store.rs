//! The SQLite store on real files: reopening, migrations, group commit,
//! search semantics, contention.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use chrono::Duration;
use helpdesk_core::{Actor, ActorId, Command, GroupId, NewTicket, Reach, TenantId, TicketId};
use helpdesk_engine::store::{Append, Appended, Filter, Order, SearchQuery, TicketQuery};
use helpdesk_engine::{
    Desk, DeskOptions, ManualClock, NoNotifier, Request, Store, StoreError, new_comment_id,
    new_ticket_id,
};
use helpdesk_sqlite::{SCHEMA_VERSION, SNAPSHOT_EVERY, SqliteError, SqliteStore};

mod common;
use common::{committed, integrity, user_version};

/// The search for `text`, at most `limit` rows.
fn words(text: &str, limit: u32) -> SearchQuery {
    SearchQuery::new(text, limit).unwrap()
}

const TENANT: TenantId = TenantId::from_u128(0x7e1);
const GROUP: GroupId = GroupId::from_u128(0x610);

fn requester() -> Actor {
    Actor::requester(ActorId::from_u128(0xa1), TENANT)
}

fn agent() -> Actor {
    Actor::agent(ActorId::from_u128(0xa2), TENANT, [GROUP])
}

fn desk<S: Store>(store: S) -> Desk<S, NoNotifier, ManualClock> {
    desk_attempting(store, 64)
}

/// A desk that decides a command at most `attempts` times.
fn desk_attempting<S: Store>(store: S, attempts: u32) -> Desk<S, NoNotifier, ManualClock> {
    Desk::with_options(
        helpdesk_testkit::config(),
        store,
        NoNotifier,
        ManualClock::new(helpdesk_testkit::start()),
        DeskOptions {
            max_attempts: attempts,
            ..DeskOptions::default()
        },
    )
    .expect("valid configuration")
}

/// Opens a ticket and works on it a little; returns its id.
async fn busy_ticket<S: Store>(desk: &Desk<S, NoNotifier, ManualClock>, subject: &str) -> TicketId {
    let ticket = new_ticket_id();
    let r = requester();
    let a = agent();
    let run = |actor: &Actor, command| Request::new(actor.clone(), ticket, command);
    let mut new = NewTicket::new(r.id, subject, "The printer on the 3rd floor jams");
    new.group = Some(GROUP);
    desk.execute(run(&a, Command::Open(new))).await.unwrap();
    desk.clock().advance(Duration::minutes(5));
    desk.execute(run(&a, Command::Assign { assignee: a.id }))
        .await
        .unwrap();
    desk.execute(run(
        &a,
        Command::Reply {
            comment: new_comment_id(),
            body: "Looking at it — Ünïcode 😀 too".into(),
            attachments: Vec::new(),
        },
    ))
    .await
    .unwrap();
    desk.execute(run(
        &a,
        Command::Tag {
            tag: "hardware".into(),
        },
    ))
    .await
    .unwrap();
    ticket
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reopening_keeps_everything() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("desk.db");
    let queue = TicketQuery::new(
        Filter {
            assignee: Some(agent().id),
            ..Filter::default()
        },
        Order::NextDue,
        50,
    );
    let (tickets, before) = {
        let desk = desk(SqliteStore::open(&path).unwrap());
        let mut tickets = Vec::new();
        for i in 0..5 {
            tickets.push(busy_ticket(&desk, &format!("Printer {i} jams")).await);
        }
        let store = desk.store();
        let mut before = Vec::new();
        for &t in &tickets {
            before.push((
                store.load(TENANT, t).await.unwrap().unwrap(),
                store.history(TENANT, t, 1).await.unwrap(),
            ));
        }
        let page = store
            .query(TENANT, &Reach::Tenant, queue.clone())
            .await
            .unwrap();
        let found = store
            .search(TENANT, &Reach::Tenant, &words("PRINTER jam", 10))
            .await
            .unwrap();
        let outbox = store.pending_outbox(1000).await.unwrap();
        (tickets, (before, page, found, outbox))
    };
    assert_eq!(integrity(&path), "ok");
    let store = SqliteStore::open(&path).unwrap();
    for (&t, (ticket, history)) in tickets.iter().zip(&before.0) {
        assert_eq!(store.load(TENANT, t).await.unwrap().as_ref(), Some(ticket));
        assert_eq!(&store.history(TENANT, t, 1).await.unwrap(), history);
        for event in history {
            let record = store.command(TENANT, event.command).await.unwrap().unwrap();
            assert_eq!(record.ticket, t);
            assert!(record.from_version < event.version && event.version <= record.to_version);
        }
    }
    assert_eq!(
        store.query(TENANT, &Reach::Tenant, queue).await.unwrap(),
        before.1
    );
    assert_eq!(before.1.rows.len(), 5);
    assert_eq!(
        store
            .search(TENANT, &Reach::Tenant, &words("PRINTER jam", 10))
            .await
            .unwrap(),
        before.2
    );
    assert_eq!(before.2.len(), 5);
    assert_eq!(store.pending_outbox(1000).await.unwrap(), before.3);
    assert_eq!(
        before.3.len(),
        before
            .0
            .iter()
            .flat_map(|(_, h)| h.iter().filter_map(helpdesk_testkit::announced))
            .count()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn snapshots_are_written_now_and_then_and_loads_apply_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("desk.db");
    let (ticket, last) = {
        let desk = desk(SqliteStore::open(&path).unwrap());
        let ticket = busy_ticket(&desk, "Snapshots").await;
        let mut last = None;
        for n in 0..30 {
            let reply = Command::Reply {
                comment: new_comment_id(),
                body: format!("Reply {n}"),
                attachments: Vec::new(),
            };
            let done = desk.execute(Request::new(agent(), ticket, reply)).await;
            last = done.unwrap().ticket;
        }
        (ticket, last.unwrap())
    };
    let version = last.version();
    let stored: Vec<(i64, i64)> = {
        let conn = rusqlite::Connection::open(&path).unwrap();
        let mut stmt = conn
            .prepare("SELECT ticket, version FROM snapshots")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    assert_eq!(stored.len(), 1, "one snapshot per ticket: {stored:?}");
    let at = u64::try_from(stored[0].1).unwrap();
    assert!(
        at >= SNAPSHOT_EVERY && at < version && version - at < SNAPSHOT_EVERY,
        "the snapshot at version {at} is the last one before version {version}"
    );
    // A reopened store has no ticket in memory: it reads the snapshot and
    // applies the events after it.
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.load(TENANT, ticket).await.unwrap(), Some(last));
    drop(store);

    // An event missing after the snapshot is reported, not skipped.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute("DELETE FROM events WHERE version = ?1", [version as i64])
        .unwrap();
    drop(conn);
    let store = SqliteStore::open(&path).unwrap();
    match store.load(TENANT, ticket).await {
        Err(StoreError::Corrupt { what, reason }) => {
            assert_eq!(what, format!("ticket {ticket}"));
            assert!(reason.contains(&format!("version {version}")), "{reason}");
        }
        other => panic!("a load with a missing event: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kept_ticket_is_answered_only_while_its_row_is_as_it_was() {
    // Given two stores on one file (two processes), the first of which
    // wrote a ticket and the second read it, and the ticket's snapshot made
    // unreadable.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("desk.db");
    let first = desk(SqliteStore::open(&path).unwrap());
    let second = desk(SqliteStore::open(&path).unwrap());
    let ticket = busy_ticket(&first, "Kept").await;
    second.store().load(TENANT, ticket).await.unwrap().unwrap();
    let conn = rusqlite::Connection::open(&path).unwrap();
    let good: String = conn
        .query_row("SELECT body FROM snapshots", [], |r| r.get(0))
        .unwrap();
    conn.execute("UPDATE snapshots SET body = 'not a ticket'", [])
        .unwrap();

    // Then the first store answers from the ticket it keeps; a store that
    // keeps none reads the snapshot and says what is wrong with it.
    let kept = first.store().load(TENANT, ticket).await.unwrap().unwrap();
    assert_eq!(kept.subject(), "Kept");
    let fresh = SqliteStore::open(&path).unwrap();
    assert!(matches!(
        fresh.load(TENANT, ticket).await,
        Err(StoreError::Corrupt { .. })
    ));
    // And another tenant finds nothing under the same id.
    let stranger = TenantId::from_u128(0xbad);
    assert_eq!(first.store().load(stranger, ticket).await.unwrap(), None);

    // When the row is changed at the same version (as a restore or a
    // rewrite would), the kept ticket is no longer trusted.
    conn.execute("UPDATE tickets SET updated_at = updated_at + 1", [])
        .unwrap();
    assert!(matches!(
        first.store().load(TENANT, ticket).await,
        Err(StoreError::Corrupt { .. })
    ));
    conn.execute("UPDATE tickets SET updated_at = updated_at - 1", [])
        .unwrap();
    conn.execute("UPDATE snapshots SET body = ?1", [&good])
        .unwrap();

    // When the second store adds three replies.
    let mut last = None;
    for n in 0..3 {
        let reply = Command::Reply {
            comment: new_comment_id(),
            body: format!("Reply {n}"),
            attachments: Vec::new(),
        };
        let done = second.execute(Request::new(agent(), ticket, reply)).await;
        last = done.unwrap().ticket;
    }

    // Then the first store reads the ticket as the second left it.
    let loaded = first.store().load(TENANT, ticket).await.unwrap();
    assert_eq!(loaded, last);
    assert_eq!(loaded.unwrap().version(), kept.version() + 3);

    // And a ticket gone from the file is gone from the store that kept it.
    conn.execute_batch("PRAGMA foreign_keys = OFF; DELETE FROM snapshots; DELETE FROM tickets;")
        .unwrap();
    assert_eq!(first.store().load(TENANT, ticket).await.unwrap(), None);
}

#[tokio::test]
async fn a_load_waiting_for_an_append_finds_the_ticket_it_wrote_kept() {
    // Given a ticket whose snapshot is unreadable, a reply to it committed
    // and waiting for its sync, and a load of it waiting for the reply.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("desk.db");
    let desk = Arc::new(desk(SqliteStore::open(&path).unwrap()));
    let ticket = busy_ticket(&desk, "Kept").await;
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute("UPDATE snapshots SET body = 'not a ticket'", [])
        .unwrap();
    let records: i64 = conn
        .query_row("SELECT count(*) FROM commands", [], |r| r.get(0))
        .unwrap();
    let hold = desk.store().hold_syncs();
    let replied = tokio::spawn({
        let desk = desk.clone();
        async move {
            let reply = Command::Reply {
                comment: new_comment_id(),
                body: "Kept for the load".into(),
                attachments: Vec::new(),
            };
            desk.execute(Request::new(agent(), ticket, reply)).await
        }
    });
    committed(&path, records + 1).await;
    let load = tokio::spawn({
        let desk = desk.clone();
        async move { desk.store().load(TENANT, ticket).await }
    });
    tokio::task::yield_now().await;

    // When the sync lands.
    drop(hold);

    // Then the load, woken before the reply's caller, answers the ticket
    // the reply left without reading the snapshot.
    let loaded = load.await.unwrap().unwrap().unwrap();
    let replied = replied.await.unwrap().unwrap().ticket.unwrap();
    assert_eq!(loaded, replied);
    let snapshot: i64 = conn
        .query_row("SELECT max(version) FROM snapshots", [], |r| r.get(0))
        .unwrap();
    assert!(
        snapshot < i64::try_from(replied.version()).unwrap(),
        "the reply wrote a snapshot at {snapshot}, so the test proves nothing"
    );
    // And another tenant finds nothing under the same id.
    let stranger = TenantId::from_u128(0xbad);
    assert_eq!(desk.store().load(stranger, ticket).await.unwrap(), None);
}

#[tokio::test]
async fn an_empty_file_is_migrated_from_version_0() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.db");
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch("CREATE TABLE host_owned (x); INSERT INTO host_owned VALUES (1);")
        .unwrap();
    assert_eq!(user_version(&path), 0);
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(user_version(&path), SCHEMA_VERSION);
    let desk = desk(store);
    let ticket = busy_ticket(&desk, "Migrated").await;
    let history = desk.store().history(TENANT, ticket, 1).await.unwrap();
    let planned = history
        .iter()
        .filter_map(helpdesk_testkit::announced)
        .count();
    drop(desk);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    for table in [
        "events",
        "tickets",
        "ticket_tags",
        "commands",
        "outbox",
        "ticket_text",
        "host_owned",
    ] {
        let n: i64 = conn
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap();
        assert!(n > 0, "{table} has rows");
    }
    // Opening again applies nothing and keeps the data.
    drop(conn);
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(user_version(&path), SCHEMA_VERSION);
    assert_eq!(store.pending_outbox(100).await.unwrap().len(), planned);
}

#[test]
fn a_database_of_a_newer_version_is_refused_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("newer.db");
    drop(SqliteStore::open(&path).unwrap());
    let newer = SCHEMA_VERSION + 1;
    rusqlite::Connection::open(&path)
        .unwrap()
        .pragma_update(None, "user_version", newer)
        .unwrap();
    let err = SqliteStore::open(&path).unwrap_err();
    match &err {
        SqliteError::TooNew {
            path: p,
            found,
            supported,
        } => {
            assert_eq!(p, &path);
            assert_eq!((*found, *supported), (newer, SCHEMA_VERSION));
        }
        other => panic!("expected TooNew, got {other}"),
    }
    let message = err.to_string();
    assert!(message.contains("newer.db"), "{message}");
    assert!(message.contains("upgrade"), "{message}");
    assert_eq!(user_version(&path), newer);
    assert!(std::error::Error::source(&err).is_none());
    let as_store: StoreError = err.into();
    assert!(matches!(
        as_store,
        StoreError::Backend {
            store: "sqlite",
            ..
        }
    ));
    // The whole chain names the cause once.
    assert_eq!(
        as_store.to_string(),
        format!("sqlite store failed: {message}")
    );
    assert!(std::error::Error::source(&as_store).is_none());
    let StoreError::Backend { error, .. } = &as_store else {
        unreachable!()
    };
    assert!(matches!(
        error.downcast_ref::<SqliteError>(),
        Some(SqliteError::TooNew { .. })
    ));
}

/// Appends computed on a memory store, to replay against the SQLite one.
async fn recorded_appends(n: usize) -> Vec<Append> {
    let desk = desk(helpdesk_testkit::Observed::new(
        helpdesk_engine::MemoryStore::new(),
    ));
    for i in 0..n {
        busy_ticket(&desk, &format!("Recorded {i}")).await;
    }
    desk.store().appends()
}

#[tokio::test]
async fn one_appends_conflict_does_not_fail_its_batch() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("batch.db")).unwrap();
    let appends = recorded_appends(2).await;
    let (first, second) = appends.split_at(4);
    let mut stale = first[1].clone();
    stale.command.command = helpdesk_engine::CommandId::new();
    let batch = vec![
        first[0].clone(),
        first[1].clone(),
        stale,            // expects the same version again: a conflict
        first[0].clone(), // the same command id again: a duplicate
        second[0].clone(),
    ];
    let results = store.append_all(batch).await.unwrap();
    assert!(matches!(results[0], Ok(Appended::Written)));
    assert!(matches!(results[1], Ok(Appended::Written)));
    assert!(
        matches!(results[2], Err(StoreError::Conflict { expected, actual, .. })
            if expected == first[1].command.from_version && actual == first[1].command.to_version)
    );
    assert_eq!(
        results[3].as_ref().unwrap(),
        &Appended::Duplicate(first[0].command)
    );
    assert!(matches!(results[4], Ok(Appended::Written)));
    let t = first[0].command.ticket;
    let history = store.history(TENANT, t, 1).await.unwrap();
    assert_eq!(history.len() as u64, first[1].command.to_version);
    assert_eq!(
        store.load(TENANT, t).await.unwrap().unwrap(),
        first[1].ticket
    );
    assert!(
        store
            .load(TENANT, second[0].command.ticket)
            .await
            .unwrap()
            .is_some()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_desks_commands_on_one_ticket_take_turns_and_none_is_decided_twice() {
    // Given a desk that decides each command once (no second attempt), and
    // a ticket.
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("turns.db")).unwrap();
    let desk = Arc::new(desk_attempting(store, 1));
    let shared = busy_ticket(&desk, "Everyone at once").await;
    let before = desk.store().load(TENANT, shared).await.unwrap().unwrap();

    // When 64 notes are added to it at once.
    let notes = (0..64).map(|n| {
        let desk = desk.clone();
        tokio::spawn(async move {
            let admin = Actor::admin(ActorId::from_u128(0xa3), TENANT);
            let note = Command::note(new_comment_id(), format!("note {n}"));
            desk.execute(Request::new(admin, shared, note)).await
        })
    });
    let notes: Vec<_> = notes.collect();

    // Then every one is added: they waited for each other, none lost a
    // race to the store.
    for note in notes {
        note.await.unwrap().unwrap();
    }
    let after = desk.store().load(TENANT, shared).await.unwrap().unwrap();
    assert_eq!(after.version(), before.version() + 64);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_commands_lose_no_update() {
    let dir = tempfile::tempdir().unwrap();
    for store in [
        SqliteStore::open(dir.path().join("concurrent.db")).unwrap(),
        SqliteStore::in_memory().unwrap(),
    ] {
        let desk = Arc::new(desk(store));
        let shared = busy_ticket(&desk, "Everyone writes here").await;
        let mut tasks = Vec::new();
        for task in 0..8 {
            let desk = desk.clone();
            tasks.push(tokio::spawn(async move {
                let admin = Actor::admin(ActorId::from_u128(0xa3), TENANT);
                for n in 0..10 {
                    let note = Command::note(new_comment_id(), format!("task {task} note {n}"));
                    desk.execute(Request::new(admin.clone(), shared, note))
                        .await
                        .unwrap();
                }
            }));
        }
        for task in tasks {
            task.await.unwrap();
        }
        let history = desk.store().history(TENANT, shared, 1).await.unwrap();
        let versions: Vec<u64> = history.iter().map(|e| e.version).collect();
        assert_eq!(versions, (1..=history.len() as u64).collect::<Vec<_>>());
        let ticket = desk.store().load(TENANT, shared).await.unwrap().unwrap();
        assert_eq!(ticket.conversation().len(), 81);
    }
}

#[tokio::test]
async fn search_matches_substrings_like_the_memory_store() {
    let store = SqliteStore::in_memory().unwrap();
    let memory = helpdesk_engine::MemoryStore::new();
    let appends = recorded_appends(1).await;
    for a in &appends {
        store.append(a.clone()).await.unwrap();
        memory.append(a.clone()).await.unwrap();
    }
    for text in [
        "print",
        "PRINTER",
        "jams 3rd",
        "pr",
        "ü",
        "😀",
        "ünïcode",
        "floor*",
        "[3rd",
        "?",
        "looking jams recorded",
        "jamz",
        "",
        "   ",
    ] {
        assert_eq!(
            store
                .search(TENANT, &Reach::Tenant, &words(text, 10))
                .await
                .unwrap(),
            memory
                .search(TENANT, &Reach::Tenant, &words(text, 10))
                .await
                .unwrap(),
            "search {text:?}"
        );
    }
    assert_eq!(
        store
            .search(TENANT, &Reach::Tenant, &words("print", 10))
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(
        SearchQuery::new("print", 0).is_err(),
        "a search of no rows is refused"
    );
}

#[tokio::test]
async fn search_needs_the_word_itself_not_only_its_trigrams() {
    // The search index keeps which parts hold a trigram, not where: "abcd"
    // has both its trigrams in "abcx xbcd", and must still not match it.
    let desk = desk(helpdesk_testkit::Observed::new(
        helpdesk_engine::MemoryStore::new(),
    ));
    let ticket = busy_ticket(&desk, "Vendor abcx xbcd rota").await;
    let store = SqliteStore::in_memory().unwrap();
    for a in desk.store().appends() {
        store.append(a).await.unwrap();
    }
    for (text, found) in [
        ("abcd", false),
        ("bcx xbc", true), // two words, each in the part
        ("cx xb", true),
        ("abcx", true),
        ("xbcdrota", false),
        ("otarota", false),
    ] {
        let rows = store
            .search(TENANT, &Reach::Tenant, &words(text, 10))
            .await
            .unwrap();
        assert_eq!(
            rows,
            desk.store()
                .search(TENANT, &Reach::Tenant, &words(text, 10))
                .await
                .unwrap(),
            "search {text:?}"
        );
        let ids: Vec<TicketId> = rows.iter().map(|r| r.id).collect();
        assert_eq!(ids == [ticket], found, "search {text:?}");
    }
}

#[tokio::test]
async fn outbox_messages_read_back_whole_by_reference_or_not() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("outbox.db")).unwrap();
    let mut appends = recorded_appends(1).await;
    // A message that is not one of its append's events is kept whole.
    let mut other = appends[1].outbox[0].clone();
    other.event.id = helpdesk_engine::EventId::new();
    other.id = helpdesk_engine::DeliveryId::of(
        other.event.id,
        &other.delivery.recipient,
        other.delivery.channel,
    );
    appends[1].outbox.push(other);
    let mut expected = Vec::new();
    for append in &appends {
        expected.extend(append.outbox.iter().cloned());
    }
    let results = store.append_all(appends).await.unwrap();
    assert!(results.iter().all(|r| matches!(r, Ok(Appended::Written))));
    assert_eq!(store.pending_outbox(1000).await.unwrap(), expected);
}

#[tokio::test]
async fn an_append_failing_after_its_checks_is_rolled_back_alone() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("batch.db")).unwrap();
    let appends = recorded_appends(2).await;
    let (first, second) = appends.split_at(4);
    // Passes the version and command id checks, then writes an event
    // version the ticket already has: the events table refuses it after
    // the command and the ticket row were written.
    let mut clash = first[1].clone();
    for event in &mut clash.events {
        event.version = 1;
    }
    let batch = vec![first[0].clone(), clash.clone(), second[0].clone()];
    let results = store.append_all(batch).await.unwrap();
    assert!(matches!(results[0], Ok(Appended::Written)));
    let err = results[1].as_ref().unwrap_err();
    assert!(err.to_string().contains("insert event"), "{err}");
    assert!(matches!(results[2], Ok(Appended::Written)));

    // Nothing of the failed append is left; the others are whole.
    let t = first[0].command.ticket;
    assert_eq!(
        store.load(TENANT, t).await.unwrap().unwrap(),
        first[0].ticket
    );
    assert_eq!(
        store.history(TENANT, t, 1).await.unwrap().len() as u64,
        first[0].command.to_version
    );
    assert_eq!(
        store.command(TENANT, clash.command.command).await.unwrap(),
        None
    );
    assert_eq!(
        store
            .command(TENANT, second[0].command.command)
            .await
            .unwrap(),
        Some(second[0].command)
    );
    // The append can be written once it is right.
    let results = store.append_all(vec![first[1].clone()]).await.unwrap();
    assert!(matches!(results[0], Ok(Appended::Written)));
    assert_eq!(
        store.load(TENANT, t).await.unwrap().unwrap(),
        first[1].ticket
    );
}

#[tokio::test]
async fn the_log_is_copied_back_while_the_store_writes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("checkpoint.db");
    let options = helpdesk_sqlite::SqliteOptions {
        checkpoint_pages: 16,
        ..Default::default()
    };
    let desk = desk(SqliteStore::open_with(&path, options).unwrap());
    let migrated = std::fs::metadata(&path).unwrap().len();
    let mut tickets = Vec::new();
    for i in 0..60 {
        tickets.push(busy_ticket(&desk, &format!("Checkpointed {i}")).await);
    }
    // The writer never checkpoints: pages reach the database file only
    // through the checkpoint thread, or the writer's own checkpoint at
    // eight times the threshold, while the store is open.
    let grown = std::fs::metadata(&path).unwrap().len();
    assert!(
        grown > migrated,
        "database file {grown} bytes, {migrated} after migration"
    );
    let log = std::fs::metadata(dir.path().join("checkpoint.db-wal"))
        .unwrap()
        .len();
    assert!(log < 2 * 1024 * 1024, "write-ahead log of {log} bytes");
    drop(desk);

    assert_eq!(integrity(&path), "ok");
    let store = SqliteStore::open(&path).unwrap();
    for ticket in tickets {
        let loaded = store.load(TENANT, ticket).await.unwrap().unwrap();
        assert_eq!(
            loaded.version() as usize,
            store.history(TENANT, ticket, 1).await.unwrap().len()
        );
    }
}

#[tokio::test]
async fn a_failed_sync_fails_its_appends_and_every_later_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sync.db");
    let desk = desk(SqliteStore::open(&path).unwrap());
    // The log's name disappears before the store first syncs it: the sync
    // cannot open it, so nothing written may be called durable.
    std::fs::remove_file(dir.path().join("sync.db-wal")).unwrap();
    let a = agent();
    let open = |subject: &str| {
        let mut new = NewTicket::new(requester().id, subject, "");
        new.group = Some(GROUP);
        Request::new(a.clone(), new_ticket_id(), Command::Open(new))
    };
    let first = desk.execute(open("First")).await.unwrap_err();
    assert!(first.to_string().contains("sync"), "{first}");
    let later = desk.execute(open("Later")).await.unwrap_err();
    assert!(later.to_string().contains("sync"), "{later}");
}
