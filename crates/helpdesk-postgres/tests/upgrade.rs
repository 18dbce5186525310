//! Schema version 4 numbers the tickets of a database written before it:
//! a store's tickets are taken back to the form version 3 wrote (no
//! number column, counter or message table; opened events and snapshots
//! without a number; no '#n' search text), then a store connects and
//! migrates.
#![allow(clippy::unwrap_used)]

mod common;

use helpdesk_core::{
    Actor, ActorId, Command, NewTicket, Reach, TenantId, Ticket, TicketId, TicketNumber,
};
use helpdesk_engine::store::SearchQuery;
use helpdesk_engine::{Desk, NoNotifier, Request, Store, SystemClock, new_ticket_id};
use helpdesk_postgres::PostgresStore;

const A: TenantId = TenantId::from_u128(0xa);
const B: TenantId = TenantId::from_u128(0xb);

async fn open(desk: &Desk<PostgresStore, NoNotifier, SystemClock>, tenant: TenantId) -> TicketId {
    let admin = Actor::admin(ActorId::from_u128(1), tenant);
    let id = new_ticket_id();
    let open = Command::Open(NewTicket::new(admin.id, "Printer jams", "on 3F"));
    desk.execute(Request::new(admin, id, open)).await.unwrap();
    id
}

#[tokio::test]
async fn tickets_written_before_version_4_are_numbered_in_opening_order_per_tenant() {
    // Given tickets opened in turn in two tenants, taken back to version 3
    let store = common::fresh_store().await;
    let schema = store.options().schema.clone().unwrap();
    let desk = Desk::new(helpdesk_testkit::config(), store, NoNotifier, SystemClock).unwrap();
    let mut opened = Vec::new();
    for tenant in [A, B, A, A, B] {
        opened.push((tenant, open(&desk, tenant).await));
    }
    // (every event positioned, as version 3 wrote them)
    desk.store().feed(None, 0).await.unwrap();
    drop(desk);
    common::admin()
        .await
        .batch_execute(&format!(
            "SET search_path = {schema}, public;
             DROP FUNCTION search_count; DROP FUNCTION search_has;
             DELETE FROM schema_migrations WHERE version = 6;
             DROP INDEX events_unpositioned; ALTER TABLE events DROP COLUMN xid;
             ALTER TABLE events ALTER COLUMN position SET NOT NULL;
             DELETE FROM schema_migrations WHERE version = 5;
             DELETE FROM ticket_text WHERE body LIKE '#%';
             UPDATE events SET body = body #- '{{data,number}}' WHERE version = 1;
             UPDATE tickets SET snapshot = snapshot - 'number';
             DROP TABLE ticket_numbers; DROP TABLE messages;
             ALTER TABLE tickets DROP COLUMN number;
             DELETE FROM schema_migrations WHERE version = 4;"
        ))
        .await
        .unwrap();

    // When a store connects to it
    let store = PostgresStore::connect(&common::url(), common::options(&schema))
        .await
        .unwrap();

    // Then each tenant's tickets are numbered from 1 in opening order, in
    // the loaded ticket, the replayed history, the lookup and search
    let expected = [1, 1, 2, 3, 2];
    for ((tenant, id), number) in opened.iter().copied().zip(expected) {
        let number = TicketNumber::new(number).unwrap();
        let loaded = store.load(tenant, id).await.unwrap().unwrap();
        assert_eq!(
            loaded.number(),
            Some(number),
            "ticket {id} of tenant {tenant}"
        );
        let history = store.history(tenant, id, 1).await.unwrap();
        assert_eq!(Ticket::replay(id, history.iter().map(|e| &e.event)), loaded);
        assert_eq!(
            store.ticket_by_number(tenant, number).await.unwrap(),
            Some(id)
        );
        let query = SearchQuery::new(&number.to_string(), 10).unwrap();
        let found = store.search(tenant, &Reach::Tenant, &query).await.unwrap();
        assert!(
            found
                .iter()
                .any(|row| row.id == id && row.number == Some(number))
        );
    }
    // And the counters go on from there
    assert_eq!(store.next_ticket_number(A).await.unwrap().get(), 4);
    assert_eq!(store.next_ticket_number(B).await.unwrap().get(), 3);
    drop(store);
    common::drop_schema(&schema).await;
}
