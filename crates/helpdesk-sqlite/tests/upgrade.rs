//! A database written by an earlier release opens in this one: the
//! fixture `fixtures/schema_v1.db` was written by the store at schema
//! version 1 (twelve tickets in two tenants, with assignments, replies,
//! tags, SLA clocks and outbox messages). Each test works on a copy.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use helpdesk_core::{Actor, ActorId, Command, GroupId, Reach, TenantId, Ticket, TicketId};
use helpdesk_engine::store::{Filter, Order, SearchQuery, TicketQuery};
use helpdesk_engine::{
    CommandId, Desk, DeskError, DeskOptions, ManualClock, NoNotifier, Request, Store,
    new_comment_id,
};
use helpdesk_sqlite::{SCHEMA_VERSION, SqliteStore};

mod common;
use common::{integrity, user_version};

/// What the version 1 file holds, read with plain SQL before it is opened.
struct Before {
    /// `(tenant, ticket)` → (version, snapshot).
    tickets: BTreeMap<(TenantId, TicketId), (u64, Ticket)>,
    /// `(tenant, command, ticket, from, to)`.
    commands: Vec<(TenantId, CommandId, TicketId, u64, u64)>,
    /// `(tenant, tag)` → the tickets with it.
    tags: BTreeMap<(TenantId, String), Vec<TicketId>>,
    outbox: usize,
}

/// The ticket's JSON form without its number.
fn without_number(ticket: &Ticket) -> serde_json::Value {
    let mut json = serde_json::to_value(ticket).unwrap();
    json.as_object_mut().unwrap().remove("number");
    json
}

fn copy_of_fixture(dir: &Path) -> PathBuf {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/schema_v1.db");
    let path = dir.join("v1.db");
    std::fs::copy(source, &path).unwrap();
    path
}

fn read_before(path: &Path) -> Before {
    assert_eq!(user_version(path), 1, "the fixture is at schema version 1");
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut tickets = BTreeMap::new();
    let mut stmt = conn
        .prepare("SELECT tenant, id, version, snapshot FROM tickets")
        .unwrap();
    let mut rows = stmt.query([]).unwrap();
    while let Some(row) = rows.next().unwrap() {
        let tenant: String = row.get(0).unwrap();
        let id: String = row.get(1).unwrap();
        let snapshot: String = row.get(3).unwrap();
        tickets.insert(
            (tenant.parse().unwrap(), id.parse().unwrap()),
            (
                row.get::<_, i64>(2).unwrap() as u64,
                serde_json::from_str(&snapshot).unwrap(),
            ),
        );
    }
    let mut commands = Vec::new();
    let mut stmt = conn
        .prepare("SELECT tenant, command, ticket, from_version, to_version FROM commands")
        .unwrap();
    let mut rows = stmt.query([]).unwrap();
    while let Some(row) = rows.next().unwrap() {
        let text = |i| row.get::<_, String>(i).unwrap();
        commands.push((
            text(0).parse().unwrap(),
            text(1).parse().unwrap(),
            text(2).parse().unwrap(),
            row.get::<_, i64>(3).unwrap() as u64,
            row.get::<_, i64>(4).unwrap() as u64,
        ));
    }
    let mut tags: BTreeMap<(TenantId, String), Vec<TicketId>> = BTreeMap::new();
    let mut stmt = conn
        .prepare("SELECT tenant, tag, ticket FROM ticket_tags")
        .unwrap();
    let mut rows = stmt.query([]).unwrap();
    while let Some(row) = rows.next().unwrap() {
        let text = |i| row.get::<_, String>(i).unwrap();
        tags.entry((text(0).parse().unwrap(), text(1)))
            .or_default()
            .push(text(2).parse().unwrap());
    }
    let outbox: i64 = conn
        .query_row(
            "SELECT count(*) FROM outbox WHERE delivered_at IS NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    Before {
        tickets,
        commands,
        tags,
        outbox: outbox as usize,
    }
}

#[tokio::test]
async fn a_version_1_database_opens_with_every_ticket_event_and_command() {
    let dir = tempfile::tempdir().unwrap();
    let path = copy_of_fixture(dir.path());
    let before = read_before(&path);
    assert_eq!(before.tickets.len(), 12);

    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(user_version(&path), SCHEMA_VERSION);
    assert_eq!(integrity(&path), "ok");

    let mut opened: BTreeMap<TenantId, Vec<(chrono::DateTime<chrono::Utc>, u64)>> = BTreeMap::new();
    for ((tenant, id), (version, snapshot)) in &before.tickets {
        let loaded = store.load(*tenant, *id).await.unwrap().unwrap();
        assert_eq!(
            without_number(&loaded),
            serde_json::to_value(snapshot).unwrap(),
            "the ticket as it was, with a number"
        );
        let history = store.history(*tenant, *id, 1).await.unwrap();
        assert_eq!(history.len() as u64, *version);
        let replayed = Ticket::replay(*id, history.iter().map(|stored| &stored.event));
        assert_eq!(replayed, loaded, "replaying the migrated history");
        let number = loaded.number().expect("every migrated ticket has a number");
        assert_eq!(
            store.ticket_by_number(*tenant, number).await.unwrap(),
            Some(*id)
        );
        opened
            .entry(*tenant)
            .or_default()
            .push((loaded.created_at(), number.get()));
    }
    for (tenant, mut tickets) in opened {
        tickets.sort();
        let numbers: Vec<u64> = tickets.iter().map(|(_, n)| *n).collect();
        assert_eq!(
            numbers,
            (1..=numbers.len() as u64).collect::<Vec<_>>(),
            "tenant {tenant}'s tickets are numbered from 1 in opening order"
        );
    }
    for (tenant, command, ticket, from, to) in &before.commands {
        let record = store.command(*tenant, *command).await.unwrap().unwrap();
        assert_eq!(
            (record.ticket, record.from_version, record.to_version),
            (*ticket, *from, *to)
        );
    }
    for ((tenant, tag), tickets) in &before.tags {
        for order in [Order::NextDue, Order::UpdatedAt] {
            let filter = Filter {
                tag: Some(tag.clone()),
                ..Filter::default()
            };
            let page = store
                .query(
                    *tenant,
                    &Reach::Tenant,
                    TicketQuery::new(filter, order, 100),
                )
                .await
                .unwrap();
            let mut found: Vec<TicketId> = page.rows.iter().map(|r| r.id).collect();
            let mut expected = tickets.clone();
            found.sort();
            expected.sort();
            assert_eq!(found, expected, "tag {tag} by {order:?}");
        }
    }
    // The version 1 outbox announced events to nobody in particular:
    // there is nobody to tell, so its rows are settled, not left pending.
    assert!(before.outbox > 0, "the fixture has pending messages");
    assert!(store.pending_outbox(1000).await.unwrap().is_empty());
    for tenant in before.tags.keys().map(|(tenant, _)| *tenant) {
        assert!(
            store
                .dead_letters(tenant, None, 1000)
                .await
                .unwrap()
                .is_empty()
        );
    }
    // Every tenant's tickets are found again by a word of their subject,
    // across the rows of the migrated search index.
    let tenant = TenantId::from_u128(0x7e1);
    let search = |text: &str| SearchQuery::new(text, 10).unwrap();
    let everyone = Reach::Tenant;
    let invoices = store
        .search(tenant, &everyone, &search("INVOICE 4711"))
        .await
        .unwrap();
    assert_eq!(invoices.len(), 1);
    assert_eq!(invoices[0].subject, "Invoice 4711 is wrong");
    let checks = store
        .search(tenant, &everyone, &search("überprüfe"))
        .await
        .unwrap();
    assert_eq!(checks.len(), 6, "each ticket's reply");
    assert!(
        store
            .search(tenant, &everyone, &search("4712"))
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn a_migrated_database_takes_new_commands_and_still_knows_the_old_ones() {
    let dir = tempfile::tempdir().unwrap();
    let path = copy_of_fixture(dir.path());
    let before = read_before(&path);
    let desk = Desk::with_options(
        helpdesk_testkit::config(),
        SqliteStore::open(&path).unwrap(),
        NoNotifier,
        ManualClock::new(helpdesk_testkit::start()),
        DeskOptions::default(),
    )
    .expect("valid configuration");
    let tenant = TenantId::from_u128(0x7e1);
    let agent = Actor::agent(
        ActorId::from_u128(0xa2),
        tenant,
        [GroupId::from_u128(0x610)],
    );
    let (&(_, ticket), &(version, _)) = before
        .tickets
        .iter()
        .find(|((t, _), _)| *t == tenant)
        .unwrap();

    // A command id recorded by version 1 names neither its actor nor its
    // content: it is not applied again, and not answered either.
    let (_, old_command, ..) = *before
        .commands
        .iter()
        .find(|(t, _, id, _, to)| *t == tenant && *id == ticket && *to == version)
        .unwrap();
    let mut again = Request::new(agent.clone(), ticket, Command::Tag { tag: "x".into() });
    again.id = old_command;
    let refused = desk.execute(again).await.unwrap_err();
    assert!(
        matches!(refused, DeskError::CommandIdReused { command, .. } if command == old_command),
        "{refused}"
    );
    let loaded = desk.store().load(tenant, ticket).await.unwrap().unwrap();
    assert!(!loaded.tags().iter().any(|t| t.as_str() == "x"));

    let reply = Request::new(
        agent.clone(),
        ticket,
        Command::Reply {
            comment: new_comment_id(),
            body: "Fixed after the upgrade".into(),
            attachments: Vec::new(),
        },
    );
    let executed = desk.execute(reply).await.unwrap();
    assert!(executed.version > version);
    let found = desk
        .store()
        .search(
            tenant,
            &Reach::Tenant,
            &SearchQuery::new("after the upgrade", 10).unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(found.iter().map(|r| r.id).collect::<Vec<_>>(), [ticket]);
    let history = desk.store().history(tenant, ticket, 1).await.unwrap();
    assert_eq!(history.len() as u64, executed.version);
    drop(desk);
    assert_eq!(integrity(&path), "ok");
}

#[test]
fn a_migration_that_would_lose_rows_fails_and_keeps_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let path = copy_of_fixture(dir.path());
    // An event of a ticket that does not exist: it has nowhere to go.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "foreign_keys", false).unwrap();
    conn.execute(
        "INSERT INTO events (tenant, ticket, version, id, command, at, type, body) \
         SELECT tenant, '00000000-0000-7000-8000-000000000001', 1, id, command, at, type, body \
         FROM events LIMIT 1",
        [],
    )
    .unwrap();
    drop(conn);
    let before = read_before(&path);

    let err = SqliteStore::open(&path).unwrap_err();
    assert!(
        matches!(
            err,
            helpdesk_sqlite::SqliteError::Migrate { version: 2.., .. }
        ),
        "{err}"
    );
    let version = user_version(&path);
    assert!(version < SCHEMA_VERSION, "left at version {version}");
    let conn = rusqlite::Connection::open(&path).unwrap();
    let events: i64 = conn
        .query_row("SELECT count(*) FROM events", [], |r| r.get(0))
        .unwrap();
    assert_eq!(events, 101, "every event is still there");
    assert_eq!(read_before_tickets(&conn), before.tickets.len());
}

fn read_before_tickets(conn: &rusqlite::Connection) -> usize {
    conn.query_row("SELECT count(*) FROM tickets", [], |r| r.get::<_, i64>(0))
        .unwrap() as usize
}
