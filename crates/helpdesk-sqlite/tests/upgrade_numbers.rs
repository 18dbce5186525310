//! A database of schema version 7, the last before ticket numbers, opens
//! with its tickets numbered: the fixture `fixtures/schema_v7.db` was
//! written by the store at version 7 (five tickets opened in turn in two
//! tenants, with ids not in opening order; one with twenty replies, so
//! its snapshot is of a later version than its opening). Each test works
//! on a copy.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use helpdesk_core::{
    Actor, ActorId, Command, NewTicket, Reach, TenantId, Ticket, TicketId, TicketNumber,
};
use helpdesk_engine::store::{MessageId, SearchQuery};
use helpdesk_engine::{Desk, ManualClock, NoNotifier, Request, Store, new_ticket_id};
use helpdesk_sqlite::{SCHEMA_VERSION, SqliteStore};

mod common;
use common::{integrity, user_version};

fn copy_of_fixture(dir: &Path) -> PathBuf {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/schema_v7.db");
    let path = dir.join("v7.db");
    std::fs::copy(source, &path).unwrap();
    path
}

const A: TenantId = TenantId::from_u128(1);
const B: TenantId = TenantId::from_u128(2);

/// The fixture's tickets in the order they were opened, with their
/// tenants.
const OPENED: [(TenantId, u128); 5] = [(A, 0x30), (B, 0x20), (A, 0x10), (B, 0x50), (A, 0x40)];

#[tokio::test]
async fn tickets_opened_before_numbers_are_numbered_in_opening_order_per_tenant() {
    // Given a version 7 file
    let dir = tempfile::tempdir().unwrap();
    let path = copy_of_fixture(dir.path());
    assert_eq!(user_version(&path), 7, "the fixture is at schema version 7");

    // When the store opens it
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(user_version(&path), SCHEMA_VERSION);
    assert_eq!(integrity(&path), "ok");

    // Then each tenant's tickets are numbered from 1 in opening order,
    // in the loaded ticket, its replayed history, its row and the lookup
    let expected = [1, 1, 2, 2, 3];
    for ((tenant, id), number) in OPENED.into_iter().zip(expected) {
        let id = TicketId::from_u128(id);
        let number = TicketNumber::new(number);
        let loaded = store.load(tenant, id).await.unwrap().unwrap();
        assert_eq!(loaded.number(), number, "ticket {id} of tenant {tenant}");
        let history = store.history(tenant, id, 1).await.unwrap();
        assert_eq!(
            Ticket::replay(id, history.iter().map(|e| &e.event)),
            loaded,
            "replay equals state, number included"
        );
        assert_eq!(
            store
                .ticket_by_number(tenant, number.unwrap())
                .await
                .unwrap(),
            Some(id)
        );
        let found = store
            .search(
                tenant,
                &Reach::Tenant,
                &SearchQuery::new(&number.unwrap().to_string(), 10).unwrap(),
            )
            .await
            .unwrap();
        assert!(
            found.iter().any(|row| row.id == id && row.number == number),
            "found by its number"
        );
    }
    assert_eq!(
        store
            .ticket_by_number(B, TicketNumber::new(3).unwrap())
            .await
            .unwrap(),
        None
    );
}

#[tokio::test]
async fn a_migrated_database_goes_on_counting_and_binds_message_ids() {
    // Given a version 7 file, opened by this version
    let dir = tempfile::tempdir().unwrap();
    let path = copy_of_fixture(dir.path());
    let store = SqliteStore::open(&path).unwrap();
    let desk = Desk::new(
        helpdesk_testkit::config(),
        store,
        NoNotifier,
        ManualClock::new(helpdesk_testkit::start()),
    )
    .unwrap();

    // When each tenant opens a ticket
    let mut numbers = Vec::new();
    for tenant in [A, B] {
        let admin = Actor::admin(ActorId::from_u128(0xad), tenant);
        let open = Command::Open(NewTicket::new(admin.id, "After the upgrade", ""));
        let opened = desk
            .execute(Request::new(admin, new_ticket_id(), open))
            .await
            .unwrap();
        numbers.push(
            opened
                .ticket
                .and_then(|t| t.number())
                .map(TicketNumber::get),
        );
    }

    // Then the counters go on after the tickets numbered by the migration
    assert_eq!(numbers, [Some(4), Some(3)]);
    // And message ids can be bound in the new table
    let id: MessageId = "<first@mail.example.com>".parse().unwrap();
    let ticket = TicketId::from_u128(0x30);
    assert_eq!(
        desk.store().remember_message(A, &id, ticket).await.unwrap(),
        ticket
    );
    assert_eq!(
        desk.store().ticket_of_message(A, &id).await.unwrap(),
        Some(ticket)
    );
    assert_eq!(desk.store().ticket_of_message(B, &id).await.unwrap(), None);
}
