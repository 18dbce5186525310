//! What the tests against the NATS server share: the server's address, a
//! stream of each test's own, a desk telling it of every event, and
//! reading the stream back.
#![allow(dead_code, unused_imports, clippy::unwrap_used)]

use std::time::Duration;

use async_nats::jetstream::{self, consumer};
use futures_util::StreamExt;
use helpdesk_core::notification::{EndpointDef, NotificationChannel};
use helpdesk_core::{Actor, ActorId, Command, NewTicket, TenantId, TicketId};
use helpdesk_engine::store::OutboxMessage;
use helpdesk_engine::{
    Desk, EventId, ManualClock, MemoryStore, Notification, Notifier, Request, Store,
};
use helpdesk_nats::{NatsNotifier, NatsOptions};

/// The NATS server the tests publish to: `HELPDESK_NATS_URL`, or the one
/// on this machine.
pub fn url() -> String {
    std::env::var("HELPDESK_NATS_URL").unwrap_or_else(|_| "127.0.0.1:4222".into())
}

/// A client of the test server; fails the test, saying why, when the
/// server cannot be reached.
pub async fn client() -> async_nats::Client {
    let url = url();
    match async_nats::connect(&url).await {
        Ok(client) => client,
        Err(e) => panic!(
            "the NATS tests need a NATS server with JetStream at {url} \
             (set HELPDESK_NATS_URL for another; start one with `nats-server -js`): {e}"
        ),
    }
}

/// A stream and a subject prefix of one test's own, so tests never see
/// each other's messages; deleted at the end of the test, or when it
/// fails, by `Drop`.
pub struct Scratch {
    pub stream: String,
    pub prefix: String,
    pub context: jetstream::Context,
    deleted: bool,
}

impl Scratch {
    pub async fn new() -> Self {
        let unique = EventId::new().as_uuid().simple().to_string();
        Self {
            stream: format!("HELPDESK_TEST_{unique}"),
            prefix: format!("helpdesk-test.{unique}"),
            context: jetstream::new(client().await),
            deleted: false,
        }
    }

    /// Options publishing to this test's prefix and stream.
    pub fn options(&self) -> NatsOptions {
        NatsOptions {
            prefix: self.prefix.clone(),
            stream: self.stream.clone(),
            publish_timeout: Duration::from_secs(2),
            ..NatsOptions::default()
        }
    }

    /// The endpoint the desks of the tests tell of every event: this
    /// test's prefix, over NATS.
    pub fn endpoint(&self) -> EndpointDef {
        EndpointDef {
            via: NotificationChannel::Nats,
            target: self.prefix.clone(),
            description: Some("the test's stream".into()),
        }
    }

    /// A notifier with [`Scratch::options`], which creates the stream.
    pub async fn notifier(&self) -> NatsNotifier {
        NatsNotifier::new(self.context.clone(), self.options())
            .await
            .unwrap()
    }

    /// How many messages the stream holds.
    pub async fn count(&self) -> u64 {
        let mut stream = self.context.get_stream(&self.stream).await.unwrap();
        stream.info().await.unwrap().state.messages
    }

    /// Every message of the stream, in stream order, read with a consumer.
    pub async fn read_all(&self) -> Vec<jetstream::Message> {
        let stream = self.context.get_stream(&self.stream).await.unwrap();
        let expected = self.count().await as usize;
        let consumer = stream
            .create_consumer(consumer::pull::Config {
                deliver_policy: consumer::DeliverPolicy::All,
                ack_policy: consumer::AckPolicy::None,
                ..consumer::pull::Config::default()
            })
            .await
            .unwrap();
        let mut messages = consumer
            .fetch()
            .max_messages(expected + 10)
            .messages()
            .await
            .unwrap();
        let mut out = Vec::new();
        while let Some(message) = messages.next().await {
            out.push(message.unwrap());
        }
        assert_eq!(
            out.len(),
            expected,
            "the consumer reads what the stream holds"
        );
        out
    }

    /// Deletes the stream (it may not exist).
    pub async fn delete(mut self) {
        self.deleted = true;
        let _ = self.context.delete_stream(&self.stream).await;
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if self.deleted {
            return;
        }
        // A failed test: delete the stream from a runtime of its own.
        let (url, stream) = (url(), self.stream.clone());
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                if let Ok(client) = async_nats::connect(&url).await {
                    let _ = jetstream::new(client).delete_stream(&stream).await;
                }
            });
        })
        .join();
    }
}

pub use helpdesk_testkit::start;

/// A desk on a memory store that tells an endpoint of every event, whose
/// dispatcher retries after a second.
pub use helpdesk_testkit::notifier_cases::desk;

/// What the dispatcher would hand the notifier for each of `outbox`, as
/// the tickets stand now.
pub async fn notifications<N: Notifier>(
    desk: &Desk<MemoryStore, N, ManualClock>,
    outbox: &[OutboxMessage],
) -> Vec<Notification> {
    let mut out = Vec::new();
    for message in outbox {
        let notification = desk.notification(message).await.unwrap();
        out.push(notification.expect("the endpoint is told of every event"));
    }
    out
}

/// The desk's pending outbox and what the dispatcher would send for it.
pub async fn pending<N: Notifier>(desk: &Desk<MemoryStore, N, ManualClock>) -> Vec<Notification> {
    let outbox = desk.store().pending_outbox(1_000).await.unwrap();
    notifications(desk, &outbox).await
}

/// Opens a ticket in `tenant` with a reply and an internal note.
pub async fn ticket<N: Notifier>(
    desk: &Desk<MemoryStore, N, ManualClock>,
    tenant: TenantId,
    subject: &str,
) -> TicketId {
    let admin = Actor::admin(ActorId::from_u128(1), tenant);
    let id = helpdesk_engine::new_ticket_id();
    let open = Command::Open(NewTicket::new(admin.id, subject, "It says PC LOAD LETTER"));
    desk.execute(Request::new(admin.clone(), id, open))
        .await
        .unwrap();
    more(desk, tenant, id).await;
    id
}

/// Adds a reply and an internal note to a ticket.
pub async fn more<N: Notifier>(
    desk: &Desk<MemoryStore, N, ManualClock>,
    tenant: TenantId,
    id: TicketId,
) {
    let admin = Actor::admin(ActorId::from_u128(1), tenant);
    let reply = Command::Reply {
        comment: helpdesk_engine::new_comment_id(),
        body: "Try the other tray".into(),
        attachments: Vec::new(),
    };
    desk.execute(Request::new(admin.clone(), id, reply))
        .await
        .unwrap();
    let note = Command::note(helpdesk_engine::new_comment_id(), "Tray 2 is broken");
    desk.execute(Request::new(admin, id, note)).await.unwrap();
}
