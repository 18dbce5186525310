//! LISTEN/NOTIFY: a host listening on the store hears of another host's
//! commits that add outbox messages or leave a due instant.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use helpdesk_core::{Actor, ActorId, Command, NewTicket, TenantId};
use helpdesk_engine::{Desk, ManualClock, NoNotifier, Request};
use helpdesk_postgres::{PostgresStore, Wake};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_listener_hears_of_new_outbox_messages_and_due_instants() {
    // Given a host listening, and another host's desk on the same schema.
    let listening = common::fresh_store().await;
    let schema = listening.options().schema.clone().unwrap();
    let mut wakeups = listening.listen().await.unwrap();
    let other = PostgresStore::connect(&common::url(), common::options(&schema))
        .await
        .unwrap();
    let start = helpdesk_testkit::start();
    let desk = Desk::new(
        helpdesk_testkit::config(),
        other,
        NoNotifier,
        ManualClock::new(start),
    )
    .unwrap();

    // When the other host opens a ticket under an SLA policy.
    let admin = Actor::admin(ActorId::from_u128(1), TenantId::from_u128(5));
    let open = Command::Open(NewTicket::new(admin.id, "Printer jams", ""));
    desk.execute(Request::new(admin, helpdesk_engine::new_ticket_id(), open))
        .await
        .unwrap();

    // Then the listener hears of the outbox message and of the first due
    // instant (the first response warning, 30 minutes in).
    let mut heard = Vec::new();
    while heard.len() < 2 {
        let wake = tokio::time::timeout(Duration::from_secs(5), wakeups.next())
            .await
            .expect("a notification within 5 s")
            .expect("the listening connection is open");
        heard.push(wake);
    }
    assert!(heard.contains(&Wake::Outbox), "{heard:?}");
    assert!(
        heard.contains(&Wake::Due(start + chrono::Duration::minutes(30))),
        "{heard:?}"
    );
    common::drop_schema(&schema).await;
}
