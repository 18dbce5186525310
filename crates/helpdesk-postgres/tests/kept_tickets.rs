//! The tickets a store keeps decoded: a load answers one while the row is
//! at its version, and reads the row's snapshot once another host moved
//! the ticket on.
#![allow(clippy::unwrap_used)]

mod common;

use helpdesk_core::{Actor, ActorId, Command, NewTicket, TenantId};
use helpdesk_engine::{Desk, NoNotifier, Request, Store, StoreError, SystemClock};
use helpdesk_postgres::PostgresStore;

#[tokio::test]
async fn a_kept_ticket_is_answered_until_another_host_moves_it_on() {
    // Given two hosts on one schema: the first opened a ticket, the second
    // read it.
    let first: PostgresStore = common::fresh_store().await;
    let schema = first.options().schema.clone().unwrap();
    let second = PostgresStore::connect(&common::url(), common::options(&schema))
        .await
        .unwrap();
    let first = Desk::new(helpdesk_testkit::config(), first, NoNotifier, SystemClock).unwrap();
    let second = Desk::new(helpdesk_testkit::config(), second, NoNotifier, SystemClock).unwrap();
    let tenant = TenantId::from_u128(0xa);
    let admin = Actor::admin(ActorId::from_u128(1), tenant);
    let id = helpdesk_engine::new_ticket_id();
    let open = Command::Open(NewTicket::new(admin.id, "Kept", "on 3F"));
    first
        .execute(Request::new(admin.clone(), id, open))
        .await
        .unwrap();
    second.store().load(tenant, id).await.unwrap().unwrap();

    // When the row's snapshot is made unreadable, at the same version.
    let client = common::admin().await;
    let spoil = format!("UPDATE {schema}.tickets SET snapshot = '{{\"not\": \"a ticket\"}}'");
    client.batch_execute(&spoil).await.unwrap();

    // Then both hosts answer the ticket they keep; a third, which keeps
    // none, reads the snapshot and says what is wrong with it.
    let kept = first.store().load(tenant, id).await.unwrap().unwrap();
    assert_eq!(kept.subject(), "Kept");
    assert_eq!(
        second.store().load(tenant, id).await.unwrap(),
        Some(kept.clone())
    );
    let third = PostgresStore::connect(&common::url(), common::options(&schema))
        .await
        .unwrap();
    assert!(matches!(
        third.load(tenant, id).await,
        Err(StoreError::Corrupt { .. })
    ));
    // And another tenant finds nothing under the same id, kept or not.
    assert_eq!(
        first
            .store()
            .load(TenantId::from_u128(0xb), id)
            .await
            .unwrap(),
        None
    );

    // When the row is changed at the same version (as a restore or a
    // rewrite would), the kept ticket is no longer trusted.
    let shift = |by: &str| {
        format!("UPDATE {schema}.tickets SET updated_at = updated_at {by} interval '1 microsecond'")
    };
    client.batch_execute(&shift("+")).await.unwrap();
    assert!(matches!(
        first.store().load(tenant, id).await,
        Err(StoreError::Corrupt { .. })
    ));
    client.batch_execute(&shift("-")).await.unwrap();

    // When the second host adds a note (writing a good snapshot).
    let note = Command::note(helpdesk_engine::new_comment_id(), "checked the cable");
    let noted = second
        .execute(Request::new(admin, id, note))
        .await
        .unwrap()
        .ticket
        .unwrap();

    // Then the first host reads the row's new snapshot, not its kept ticket.
    let loaded = first.store().load(tenant, id).await.unwrap().unwrap();
    assert_eq!(loaded, noted);
    assert_eq!(loaded.version(), kept.version() + 1);

    // And a ticket gone from the schema is gone from the host that kept it.
    client
        .batch_execute(&format!(
            "SET session_replication_role = replica; DELETE FROM {schema}.tickets"
        ))
        .await
        .unwrap();
    assert_eq!(first.store().load(tenant, id).await.unwrap(), None);
    common::drop_schema(&schema).await;
}
