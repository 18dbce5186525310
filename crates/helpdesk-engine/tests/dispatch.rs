//! The outbox dispatcher over the memory store: every message delivered, in
//! order per ticket, through failures, across hosts, past a dead host's
//! leases; dead letters for what cannot be delivered.
#![allow(clippy::unwrap_used)]

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, TimeDelta, Utc};
use helpdesk_core::{Actor, ActorId, Command, NewTicket, TenantId, TicketId};
use helpdesk_engine::store::OutboxMessage;
use helpdesk_engine::{
    Backoff, Clock, DeliveryId, Desk, DeskOptions, DispatchOptions, ManualClock, MemoryStore,
    Notification, Notifier, NotifyError, Request, Store,
};

/// How a scripted notifier treats a ticket's messages.
#[derive(Clone, Copy)]
enum Script {
    /// Fails each message this many times, then takes it.
    FailFirst(u32),
    /// Always fails, as something that may pass.
    Down,
    /// Always fails, as something that cannot pass.
    Refuses,
}

/// A notifier that follows a script per ticket and records what it took.
#[derive(Default)]
struct Scripted {
    scripts: Mutex<HashMap<TicketId, Script>>,
    tries: Mutex<HashMap<DeliveryId, u32>>,
    delivered: Mutex<Vec<(TicketId, DeliveryId)>>,
}

impl Scripted {
    fn delivered(&self) -> Vec<(TicketId, DeliveryId)> {
        self.delivered.lock().unwrap().clone()
    }
}

/// One notifier shared by several desks.
#[derive(Clone, Default)]
struct Shared(Arc<Scripted>);

impl Notifier for Shared {
    async fn notify(&self, message: &Notification) -> Result<(), NotifyError> {
        let script = self.0.scripts.lock().unwrap().get(&message.ticket).copied();
        let tries = {
            let mut tries = self.0.tries.lock().unwrap();
            let n = tries.entry(message.id).or_default();
            *n += 1;
            *n
        };
        match script {
            Some(Script::FailFirst(n)) if tries <= n => {
                Err(NotifyError::retryable("scripted", message.id, "HTTP 503"))
            }
            Some(Script::Down) => Err(NotifyError::retryable("scripted", message.id, "timeout")),
            Some(Script::Refuses) => {
                Err(NotifyError::permanent("scripted", message.id, "HTTP 410"))
            }
            _ => {
                self.0
                    .delivered
                    .lock()
                    .unwrap()
                    .push((message.ticket, message.id));
                Ok(())
            }
        }
    }
}

fn start() -> DateTime<Utc> {
    "2026-03-02T09:00:00Z".parse().unwrap()
}

fn desk(
    store: Arc<MemoryStore>,
    notifier: Shared,
    clock: &ManualClock,
    holder: &str,
) -> Desk<Arc<MemoryStore>, Shared, ManualClock> {
    let options = DeskOptions {
        dispatch: DispatchOptions {
            holder: holder.into(),
            lease: TimeDelta::seconds(60),
            batch: 7,
            max_attempts: 4,
            backoff: Backoff {
                first: TimeDelta::seconds(1),
                max: TimeDelta::seconds(4),
            },
        },
        ..DeskOptions::default()
    };
    Desk::with_options(
        helpdesk_testkit::config(),
        store,
        notifier,
        clock.clone(),
        options,
    )
    .unwrap()
}

/// Opens `n` tickets, each with a few replies: several messages per ticket.
async fn tickets(desk: &Desk<Arc<MemoryStore>, Shared, ManualClock>, n: usize) -> Vec<TicketId> {
    let admin = Actor::admin(ActorId::from_u128(1), TenantId::from_u128(1));
    let mut ids = Vec::new();
    for i in 0..n {
        let id = helpdesk_engine::new_ticket_id();
        let open = Command::Open(NewTicket::new(admin.id, format!("Ticket {i}"), ""));
        desk.execute(Request::new(admin.clone(), id, open))
            .await
            .unwrap();
        for r in 0..2 {
            let reply = Command::Reply {
                comment: helpdesk_engine::new_comment_id(),
                body: format!("Reply {r}"),
                attachments: Vec::new(),
            };
            desk.execute(Request::new(admin.clone(), id, reply))
                .await
                .unwrap();
        }
        ids.push(id);
    }
    ids
}

/// Each ticket's messages in outbox order.
fn by_ticket(messages: &[OutboxMessage]) -> HashMap<TicketId, Vec<DeliveryId>> {
    let mut out: HashMap<TicketId, Vec<DeliveryId>> = HashMap::new();
    for m in messages {
        out.entry(m.ticket).or_default().push(m.id);
    }
    out
}

/// Runs `desk`'s dispatcher until the outbox is empty of due work, moving
/// the clock past each backoff; at most `runs` runs.
async fn drain(desk: &Desk<Arc<MemoryStore>, Shared, ManualClock>, runs: usize) {
    for _ in 0..runs {
        let report = desk.run_dispatch(desk.clock().now()).await.unwrap();
        if report.claimed == 0 && desk.store().pending_outbox(1).await.unwrap().is_empty() {
            return;
        }
        desk.clock().advance(Duration::seconds(5));
    }
}

#[tokio::test]
async fn every_message_is_delivered_once_in_its_tickets_order_through_failures() {
    // Given tickets whose messages each fail twice before they go through.
    let store = Arc::new(MemoryStore::new());
    let notifier = Shared::default();
    let clock = ManualClock::new(start());
    let desk = desk(store.clone(), notifier.clone(), &clock, "host-a");
    let ids = tickets(&desk, 4).await;
    for id in &ids {
        notifier
            .0
            .scripts
            .lock()
            .unwrap()
            .insert(*id, Script::FailFirst(2));
    }
    let outbox = store.pending_outbox(1_000).await.unwrap();

    // When the dispatcher runs until nothing is left.
    drain(&desk, 50).await;

    // Then each message was delivered exactly once, each ticket's in the
    // order they were written, after two failures each.
    let delivered = notifier.0.delivered();
    assert_eq!(delivered.len(), outbox.len());
    let unique: HashSet<DeliveryId> = delivered.iter().map(|(_, id)| *id).collect();
    assert_eq!(unique.len(), outbox.len(), "no message delivered twice");
    let mut sent: HashMap<TicketId, Vec<DeliveryId>> = HashMap::new();
    for (ticket, id) in delivered {
        sent.entry(ticket).or_default().push(id);
    }
    assert_eq!(sent, by_ticket(&outbox), "each ticket's messages in order");
    let tries = notifier.0.tries.lock().unwrap().clone();
    assert!(
        outbox.iter().all(|m| tries[&m.id] == 3),
        "two failures, then delivered"
    );
    assert!(store.pending_outbox(10).await.unwrap().is_empty());
    assert!(
        store
            .dead_letters(TenantId::from_u128(1), None, 10)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn what_cannot_be_delivered_becomes_a_dead_letter_and_can_be_revived() {
    // Given one ticket whose endpoint refuses for good, one that is down,
    // and one that works.
    let store = Arc::new(MemoryStore::new());
    let notifier = Shared::default();
    let clock = ManualClock::new(start());
    let desk = desk(store.clone(), notifier.clone(), &clock, "host-a");
    let ids = tickets(&desk, 3).await;
    let (refused, down, fine) = (ids[0], ids[1], ids[2]);
    {
        let mut scripts = notifier.0.scripts.lock().unwrap();
        scripts.insert(refused, Script::Refuses);
        scripts.insert(down, Script::Down);
    }
    let outbox = by_ticket(&store.pending_outbox(1_000).await.unwrap());

    // When the dispatcher runs until nothing is due.
    drain(&desk, 50).await;

    // Then the working ticket's messages went out; every message of the
    // refusing ticket died after one attempt, and the first message of the
    // ticket that is down died after the four attempts allowed, its later
    // messages after theirs.
    let delivered: Vec<DeliveryId> = notifier
        .0
        .delivered()
        .into_iter()
        .map(|(_, id)| id)
        .collect();
    assert_eq!(delivered, outbox[&fine]);
    let dead = store
        .dead_letters(TenantId::from_u128(1), None, 100)
        .await
        .unwrap();
    let dead_of = |ticket: TicketId| -> Vec<(DeliveryId, u32, String)> {
        dead.iter()
            .filter(|d| d.message.ticket == ticket)
            .map(|d| (d.message.id, d.attempts, d.last_error.clone()))
            .collect()
    };
    assert_eq!(
        dead_of(refused),
        outbox[&refused]
            .iter()
            .map(|id| (*id, 1, "HTTP 410".to_owned()))
            .collect::<Vec<_>>(),
        "a permanent error is not retried"
    );
    assert_eq!(
        dead_of(down),
        outbox[&down]
            .iter()
            .map(|id| (*id, 4, "timeout".to_owned()))
            .collect::<Vec<_>>(),
        "a message that keeps failing dies after its attempts"
    );
    assert!(store.pending_outbox(10).await.unwrap().is_empty());

    // When the endpoint is back and a person revives a dead letter, then
    // the next run delivers it.
    notifier.0.scripts.lock().unwrap().remove(&down);
    let first = dead.iter().find(|d| d.message.ticket == down).unwrap();
    assert!(
        store
            .revive_dead_letter(TenantId::from_u128(1), first.position, clock.now())
            .await
            .unwrap()
    );
    let report = desk.run_dispatch(clock.now()).await.unwrap();
    assert_eq!((report.claimed, report.delivered), (1, 1));
    assert_eq!(
        notifier.0.delivered().last().map(|(_, id)| *id),
        Some(first.message.id)
    );
}

#[tokio::test]
async fn hosts_share_the_outbox_and_take_over_a_dead_hosts_leases() {
    // Given two desks on one store, and a third host that claimed a batch
    // and died.
    let store = Arc::new(MemoryStore::new());
    let notifier = Shared::default();
    let clock = ManualClock::new(start());
    let a = Arc::new(desk(store.clone(), notifier.clone(), &clock, "host-a"));
    let b = Arc::new(desk(store.clone(), notifier.clone(), &clock, "host-b"));
    tickets(&a, 6).await;
    let outbox = store.pending_outbox(1_000).await.unwrap();
    let held = store
        .claim_outbox("host-dead", clock.now(), TimeDelta::seconds(60), 5)
        .await
        .unwrap();
    assert_eq!(held.len(), 5);

    // When both run at once until nothing is left, moving the clock past
    // the dead host's lease.
    for _ in 0..40 {
        let now = clock.now();
        let (ra, rb) = tokio::join!(a.run_dispatch(now), b.run_dispatch(now));
        let (ra, rb) = (ra.unwrap(), rb.unwrap());
        assert_eq!(ra.lost + rb.lost, 0, "no host settles another's claim");
        if store.pending_outbox(1).await.unwrap().is_empty() {
            break;
        }
        clock.advance(Duration::seconds(20));
    }

    // Then every message was delivered exactly once, the dead host's after
    // its lease ran out, each ticket's in order.
    let delivered = notifier.0.delivered();
    let ids: Vec<DeliveryId> = delivered.iter().map(|(_, id)| *id).collect();
    let unique: HashSet<DeliveryId> = ids.iter().copied().collect();
    assert_eq!(unique.len(), outbox.len());
    assert_eq!(ids.len(), outbox.len(), "each message once");
    let mut sent: HashMap<TicketId, Vec<DeliveryId>> = HashMap::new();
    for (ticket, id) in delivered {
        sent.entry(ticket).or_default().push(id);
    }
    assert_eq!(sent, by_ticket(&outbox), "each ticket's messages in order");
}
