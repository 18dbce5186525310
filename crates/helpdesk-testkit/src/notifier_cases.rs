//! The notifier conformance cases: what every [`Notifier`] promises the
//! dispatcher, checked against what its destination received.
//!
//! [`notifier_conformance!`](crate::notifier_conformance) runs them all on
//! a notifier and a [`Received`] that reads its destination back (a
//! stream's consumer, a test HTTP server's log, a test mailbox).

use std::collections::HashMap;
use std::future::Future;

use chrono::{DateTime, TimeDelta, Utc};
use helpdesk_core::notification::{Audience, EndpointDef, NotificationRule, NotifyOn};
use helpdesk_core::{Actor, ActorId, Command, DeskConfig, NewTicket, TenantId, TicketId};
use helpdesk_engine::store::OutboxMessage;
use helpdesk_engine::{
    Backoff, Clock, DeliveryId, Desk, DeskOptions, DispatchOptions, ManualClock, MemoryStore,
    Notifier, Request, Store,
};

/// Reads back what a notifier's destination received.
pub trait Received: Send + Sync {
    /// Where the destination listens, as the desk configuration names it:
    /// the notifier's channel and the target it sends to (a mailbox, a
    /// URL, a subject). The cases' notification rules send every event
    /// there.
    fn endpoint(&self) -> EndpointDef;

    /// The idempotency keys (delivery ids) of every notification the
    /// destination received or holds, in the order they arrived, a
    /// redelivery as often as it arrived (a destination that drops
    /// duplicates lists it once).
    fn received(&self) -> impl Future<Output = Vec<DeliveryId>> + Send;
}

fn start() -> DateTime<Utc> {
    crate::start()
}

/// A desk on a memory store that tells `endpoint` (key `destination`) of
/// every event a rule can fire on, whose dispatcher sends through
/// `notifier`, retries after one to two seconds and gives up after five
/// attempts: the desk of every case, for a notifier's own tests too.
///
/// ```
/// use helpdesk_core::notification::{EndpointDef, NotificationChannel};
/// use helpdesk_engine::{ManualClock, NoNotifier};
///
/// let clock = ManualClock::new(helpdesk_testkit::start());
/// let endpoint = EndpointDef { via: NotificationChannel::Nats, target: "helpdesk".into(), description: None };
/// let desk = helpdesk_testkit::notifier_cases::desk(NoNotifier, endpoint, &clock);
/// assert_eq!(desk.options().dispatch.max_attempts, 5);
/// assert_eq!(desk.config().notification_rules[0].to.len(), 1);
/// ```
pub fn desk<N: Notifier>(
    notifier: N,
    endpoint: EndpointDef,
    clock: &ManualClock,
) -> Desk<MemoryStore, N, ManualClock> {
    let mut config = DeskConfig::default();
    config.notification_rules.push(NotificationRule {
        name: "everything".into(),
        on: NotifyOn::ALL.to_vec(),
        to: vec![Audience::Endpoint("destination".into())],
        via: endpoint.via,
        template: None,
        skip_actor: true,
    });
    config.endpoints.insert("destination".into(), endpoint);
    let options = DeskOptions {
        dispatch: DispatchOptions {
            holder: "conformance".into(),
            lease: TimeDelta::seconds(60),
            batch: 100,
            max_attempts: 5,
            backoff: Backoff {
                first: TimeDelta::seconds(1),
                max: TimeDelta::seconds(2),
            },
        },
        ..DeskOptions::default()
    };
    Desk::with_options(config, MemoryStore::new(), notifier, clock.clone(), options)
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Each ticket's message ids, in outbox order.
fn by_ticket(messages: &[OutboxMessage]) -> HashMap<TicketId, Vec<DeliveryId>> {
    let mut out: HashMap<TicketId, Vec<DeliveryId>> = HashMap::new();
    for m in messages {
        out.entry(m.ticket).or_default().push(m.id);
    }
    out
}

/// A desk's dispatcher delivers, through the notifier, every message of
/// tickets of two tenants (openings, public replies, internal notes): each
/// arrives under its event id, none is lost, none is left a dead letter,
/// and each ticket's messages first arrive in the order they were written.
pub async fn every_message_arrives_in_its_tickets_order<N, R>(notifier: N, received: R)
where
    N: Notifier + 'static,
    R: Received,
{
    let clock = ManualClock::new(start());
    let desk = desk(notifier, received.endpoint(), &clock);
    for (tenant, subject) in [(1, "Printer jams"), (2, "VPN drops"), (1, "Mail bounces")] {
        let tenant = TenantId::from_u128(tenant);
        let admin = Actor::admin(ActorId::from_u128(9), tenant);
        let id = helpdesk_engine::new_ticket_id();
        let commands = [
            Command::Open(NewTicket::new(admin.id, subject, "Since this morning")),
            Command::Reply {
                comment: helpdesk_engine::new_comment_id(),
                body: "Looking at it".into(),
                attachments: Vec::new(),
            },
            Command::note(helpdesk_engine::new_comment_id(), "Known issue"),
        ];
        for command in commands {
            desk.execute(Request::new(admin.clone(), id, command))
                .await
                .unwrap_or_else(|e| panic!("the case's command failed: {e}"));
        }
    }
    let outbox = desk
        .store()
        .pending_outbox(1_000)
        .await
        .unwrap_or_else(|e| panic!("pending: {e}"));
    for _ in 0..20 {
        let report = desk
            .run_dispatch(clock.now())
            .await
            .unwrap_or_else(|e| panic!("dispatch: {e}"));
        if report.claimed == 0 {
            break;
        }
        clock.advance(chrono::Duration::seconds(3));
    }
    let mut dead = Vec::new();
    for tenant in [1, 2] {
        dead.extend(
            desk.store()
                .dead_letters(TenantId::from_u128(tenant), None, 100)
                .await
                .unwrap_or_else(|e| panic!("dead letters: {e}")),
        );
    }
    assert!(
        dead.is_empty(),
        "a working destination leaves no dead letter: {:?}",
        dead.iter().map(|d| &d.last_error).collect::<Vec<_>>()
    );
    let arrived = received.received().await;
    let mut first = Vec::new();
    for id in arrived {
        if !first.contains(&id) {
            first.push(id);
        }
    }
    let mut sent: Vec<DeliveryId> = outbox.iter().map(|m| m.id).collect();
    let mut got = first.clone();
    sent.sort();
    got.sort();
    assert_eq!(
        got, sent,
        "every notification arrives under its delivery id, and nothing else"
    );
    let ticket_of: HashMap<DeliveryId, TicketId> =
        outbox.iter().map(|m| (m.id, m.ticket)).collect();
    let mut order: HashMap<TicketId, Vec<DeliveryId>> = HashMap::new();
    for id in first {
        if let Some(ticket) = ticket_of.get(&id) {
            order.entry(*ticket).or_default().push(id);
        }
    }
    assert_eq!(
        order,
        by_ticket(&outbox),
        "each ticket's messages arrive in the order they were written"
    );
}

/// A message handed to the notifier twice (a redelivery after a lost
/// acknowledgement) is accepted both times and arrives under the same
/// idempotency key, so the destination can tell it is the same.
pub async fn a_redelivery_carries_the_same_key<N, R>(notifier: N, received: R)
where
    N: Notifier + 'static,
    R: Received,
{
    let clock = ManualClock::new(start());
    let desk = desk(notifier, received.endpoint(), &clock);
    let admin = Actor::admin(ActorId::from_u128(9), TenantId::from_u128(1));
    let open = Command::Open(NewTicket::new(admin.id, "Redelivered", ""));
    desk.execute(Request::new(admin, helpdesk_engine::new_ticket_id(), open))
        .await
        .unwrap_or_else(|e| panic!("open: {e}"));
    let message = desk
        .store()
        .pending_outbox(1)
        .await
        .unwrap_or_else(|e| panic!("pending: {e}"))
        .pop()
        .unwrap_or_else(|| panic!("the open wrote a message"));
    let notification = desk
        .notification(&message)
        .await
        .unwrap_or_else(|e| panic!("the message cannot be sent: {e}"))
        .unwrap_or_else(|| panic!("the endpoint is told"));
    for attempt in ["first", "second"] {
        desk.notifier()
            .notify(&notification)
            .await
            .unwrap_or_else(|e| panic!("the {attempt} delivery failed: {e}"));
    }
    let arrived = received.received().await;
    assert!(
        arrived.contains(&message.id),
        "the notification arrives under its delivery id"
    );
    assert!(
        arrived.iter().all(|id| *id == message.id),
        "a redelivery carries the same key, never another: {arrived:?}"
    );
}
