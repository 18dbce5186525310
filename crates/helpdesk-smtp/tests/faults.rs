//! Faults of the SMTP server while a desk's dispatcher sends through it:
//! connections refused, then transient refusals, then recovery; a
//! recipient refused for good and a mailbox busy past every attempt. The
//! dispatcher runs on a `ManualClock`, advanced past each backoff.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeSet;

use chrono::TimeDelta;
use common::{Server, delivery_of, endpoint, raw_header};
use helpdesk_core::notification::Recipient;
use helpdesk_core::{Actor, ActorId, Command, DeskConfig, NewTicket, TenantId};
use helpdesk_engine::{
    Backoff, Clock, DeliveryId, Desk, DeskOptions, DispatchOptions, ManualClock, MemoryStore,
    Notifier, Request, Store,
};

/// Opens `tickets` tickets and replies once on each, as an admin.
async fn open_and_reply<N: Notifier + 'static>(
    desk: &Desk<MemoryStore, N, ManualClock>,
    tickets: usize,
) {
    let admin = Actor::admin(ActorId::from_u128(9), TenantId::from_u128(1));
    for n in 0..tickets {
        let id = helpdesk_engine::new_ticket_id();
        let open = Command::Open(NewTicket::new(admin.id, format!("Printer {n} jams"), ""));
        desk.execute(Request::new(admin.clone(), id, open))
            .await
            .unwrap();
        let reply = Command::Reply {
            comment: helpdesk_engine::new_comment_id(),
            body: "Looking at it".into(),
            attachments: Vec::new(),
        };
        desk.execute(Request::new(admin.clone(), id, reply))
            .await
            .unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outage_then_refusals_then_recovery_delivers_every_mail_under_its_one_message_id() {
    // Given a desk mailing every event to one mailbox, and its server down.
    let mut server = Server::start();
    let clock = ManualClock::new(helpdesk_testkit::start());
    let desk = helpdesk_testkit::notifier_cases::desk(server.notifier(&clock), endpoint(), &clock);
    open_and_reply(&desk, 3).await;
    let outbox = desk.store().pending_outbox(100).await.unwrap();
    assert!(
        outbox.len() >= 6,
        "an opening and a reply on each: {}",
        outbox.len()
    );
    server.stop();

    // When the dispatcher runs while connections are refused, then while
    // the server refuses each mail after taking it (451 after DATA), then
    // while it refuses the sender (421), then once it accepts again.
    let phases = [
        None,
        Some("DATA 451 4.3.0 Try again later"),
        Some("MAIL 421 4.3.2 Service not available"),
    ];
    for phase in phases {
        if let Some(answer) = phase {
            server.restart();
            server.answer(answer);
        }
        let report = desk.run_dispatch(clock.now()).await.unwrap();
        assert_eq!(report.delivered, 0, "{phase:?}: {report:?}");
        assert_eq!(report.retried, 3, "each ticket's first mail, {phase:?}");
        assert_eq!(report.dead, 0);
        clock.advance(TimeDelta::seconds(3));
    }
    server.answer("accept");
    for _ in 0..10 {
        let report = desk.run_dispatch(clock.now()).await.unwrap();
        if report.claimed == 0 {
            break;
        }
        clock.advance(TimeDelta::seconds(3));
    }

    // Then every mail arrived once, under its delivery id, none is a dead
    // letter, and each ticket's mail came in order.
    assert!(
        desk.store()
            .dead_letters(TenantId::from_u128(1), None, 100)
            .await
            .unwrap()
            .is_empty()
    );
    let mail = server.mail();
    let arrived: Vec<DeliveryId> = mail.iter().map(|raw| delivery_of(raw)).collect();
    let mut planned: Vec<DeliveryId> = outbox.iter().map(|m| m.id).collect();
    let mut sorted = arrived.clone();
    sorted.sort();
    planned.sort();
    assert_eq!(sorted, planned, "every mail, each once");
    for ticket in outbox.iter().map(|m| m.ticket).collect::<BTreeSet<_>>() {
        let written: Vec<_> = outbox
            .iter()
            .filter(|m| m.ticket == ticket)
            .map(|m| m.id)
            .collect();
        let came: Vec<_> = arrived
            .iter()
            .filter(|id| written.contains(id))
            .copied()
            .collect();
        assert_eq!(came, written, "a ticket's mail in order");
    }

    // And the attempts the server refused after taking them carried the
    // Message-ID the mail finally arrived under, with the same content.
    let refused = server.refused();
    assert_eq!(refused.len(), 3, "each ticket's first mail, refused once");
    let firsts: BTreeSet<DeliveryId> = outbox
        .iter()
        .filter(|m| m.event.version == 1)
        .map(|m| m.id)
        .collect();
    let retried: BTreeSet<DeliveryId> = refused.iter().map(|raw| delivery_of(raw)).collect();
    assert_eq!(retried, firsts);
    for attempt in &refused {
        let id = delivery_of(attempt);
        let delivered = mail.iter().find(|raw| delivery_of(raw) == id).unwrap();
        for header in ["Message-ID", "References", "Reply-To", "Subject", "To"] {
            assert_eq!(
                raw_header(attempt, header),
                raw_header(delivered, header),
                "{header}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_recipient_and_a_mailbox_busy_past_every_attempt_are_exactly_the_dead_letters() {
    // Given a desk mailing every opening and public reply to three
    // mailboxes: one that works, one the server refuses for good (550),
    // one always busy (452); and the server down at first.
    let mut server = Server::start();
    let clock = ManualClock::new(helpdesk_testkit::start());
    let config: DeskConfig = serde_json::from_value(serde_json::json!({
        "endpoints": {
            "ops": {"via": "email", "target": "ops@example.test"},
            "gone": {"via": "email", "target": "refused-gone@example.test"},
            "busy": {"via": "email", "target": "busy@example.test"}
        },
        "notification_rules": [{
            "name": "Conversation",
            "on": ["opened", "public_reply"],
            "to": [{"endpoint": "ops"}, {"endpoint": "gone"}, {"endpoint": "busy"}],
            "via": "email"
        }]
    }))
    .unwrap();
    let options = DeskOptions {
        dispatch: DispatchOptions {
            holder: "faults".into(),
            lease: TimeDelta::seconds(60),
            batch: 100,
            max_attempts: 4,
            backoff: Backoff {
                first: TimeDelta::seconds(1),
                max: TimeDelta::seconds(2),
            },
        },
        ..DeskOptions::default()
    };
    let desk = Desk::with_options(
        config,
        MemoryStore::new(),
        server.notifier(&clock),
        clock.clone(),
        options,
    )
    .unwrap();
    open_and_reply(&desk, 2).await;
    let outbox = desk.store().pending_outbox(100).await.unwrap();
    assert_eq!(outbox.len(), 12, "2 tickets, 2 events, 3 mailboxes");
    server.stop();

    // When the dispatcher runs through the outage and on until nothing is
    // left to claim.
    let report = desk.run_dispatch(clock.now()).await.unwrap();
    assert_eq!(report.delivered, 0, "the server is down: {report:?}");
    server.restart();
    for _ in 0..40 {
        clock.advance(TimeDelta::seconds(3));
        let report = desk.run_dispatch(clock.now()).await.unwrap();
        if report.claimed == 0 && desk.store().pending_outbox(100).await.unwrap().is_empty() {
            break;
        }
    }

    // Then the dead letters are exactly the mail to the refused and the
    // busy mailbox: the refused after one attempt, the busy after all.
    let to = |key: &str| Recipient::Endpoint(key.into());
    let ids_to = |key: &str| -> BTreeSet<DeliveryId> {
        outbox
            .iter()
            .filter(|m| m.delivery.recipient == to(key))
            .map(|m| m.id)
            .collect()
    };
    let dead = desk
        .store()
        .dead_letters(TenantId::from_u128(1), None, 100)
        .await
        .unwrap();
    let dead_ids: BTreeSet<DeliveryId> = dead.iter().map(|d| d.message.id).collect();
    let expected: BTreeSet<DeliveryId> = ids_to("gone").union(&ids_to("busy")).copied().collect();
    assert_eq!(dead_ids, expected);
    for letter in &dead {
        if letter.message.delivery.recipient == to("gone") {
            assert!(letter.last_error.contains("550"), "{}", letter.last_error);
        } else {
            assert_eq!(letter.attempts, 4, "{}", letter.last_error);
            assert!(letter.last_error.contains("452"), "{}", letter.last_error);
        }
    }

    // And the working mailbox got each of its mail once.
    let arrived: BTreeSet<DeliveryId> = server.mail().iter().map(|raw| delivery_of(raw)).collect();
    assert_eq!(arrived, ids_to("ops"));
    assert_eq!(server.mail().len(), ids_to("ops").len());
}
