//! The notifier against the real NATS server: what the dispatcher
//! publishes is stored once per delivery, in order per ticket, as
//! documented, under the endpoint's subject; redeliveries are dropped; a
//! dropped connection is retried and recovered from; refusals, an endpoint
//! the stream does not capture among them, are permanent. Each test has a
//! stream and a subject prefix of its own and deletes the stream at the
//! end.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_nats::jetstream::stream;
use chrono::TimeDelta;
use helpdesk_core::notification::{EndpointDef, NotificationChannel, NotifyOn, Recipient};
use helpdesk_core::{Change, CommentId, DeskConfig, TenantId, TicketId};
use helpdesk_engine::{
    Clock, DeliveryId, Desk, EventId, ManualClock, MemoryStore, Notification, Notifier, Store,
};
use helpdesk_nats::{Envelope, NatsError, NatsNotifier, NatsOptions};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

use common::{Scratch, desk, more, pending, start, ticket};

/// Each ticket's delivery ids in the order given.
fn by_ticket(
    ids: impl IntoIterator<Item = (TicketId, DeliveryId)>,
) -> HashMap<TicketId, Vec<DeliveryId>> {
    let mut out: HashMap<TicketId, Vec<DeliveryId>> = HashMap::new();
    for (ticket, id) in ids {
        out.entry(ticket).or_default().push(id);
    }
    out
}

/// Checks that the stream holds every notification of `outbox` once, each
/// ticket's in order, with the documented subject, header and payload.
async fn assert_stored_once(scratch: &Scratch, outbox: &[Notification]) {
    let options = scratch.options();
    let stored = scratch.read_all().await;
    assert_eq!(stored.len(), outbox.len(), "every delivery stored once");
    let expected: HashMap<DeliveryId, &Notification> = outbox.iter().map(|m| (m.id, m)).collect();
    let mut order = Vec::new();
    for message in &stored {
        let envelope: Envelope = serde_json::from_slice(&message.payload).unwrap();
        let sent = expected
            .get(&envelope.id)
            .unwrap_or_else(|| panic!("a message the desk did not write: {}", envelope.id));
        assert_eq!(
            envelope,
            Envelope::of(sent),
            "the payload is the documented envelope"
        );
        assert_eq!(
            message.subject.as_str(),
            NatsNotifier::subject(&options, sent).unwrap()
        );
        let msg_id = message
            .headers
            .as_ref()
            .and_then(|h| h.get(async_nats::header::NATS_MESSAGE_ID))
            .map(|v| v.as_str().to_owned());
        assert_eq!(
            msg_id,
            Some(sent.id.to_string()),
            "the delivery id is the message id"
        );
        order.push((sent.ticket, sent.id));
    }
    assert_eq!(
        by_ticket(order),
        by_ticket(outbox.iter().map(|m| (m.ticket, m.id))),
        "each ticket's messages in the order they were written"
    );
}

#[tokio::test]
async fn the_dispatcher_publishes_every_message_once_in_order_as_documented() {
    // Given a desk with tickets of two tenants, each with a reply and an
    // internal note, publishing to a stream the notifier creates.
    let scratch = Scratch::new().await;
    let notifier = scratch.notifier().await;
    let clock = ManualClock::new(start());
    let desk = desk(notifier, scratch.endpoint(), &clock);
    let (acme, globex) = (TenantId::from_u128(1), TenantId::from_u128(2));
    let mut tickets = Vec::new();
    for i in 0..3 {
        tickets.push(ticket(&desk, acme, &format!("Acme printer {i}")).await);
        tickets.push(ticket(&desk, globex, &format!("Globex VPN {i}")).await);
    }
    more(&desk, acme, tickets[0]).await;
    let outbox = pending(&desk).await;
    assert!(outbox.len() >= 6 * 3);

    // When the dispatcher runs.
    let report = desk.run_dispatch(clock.now()).await.unwrap();

    // Then every message was delivered and the stream holds each once, in
    // order per ticket, with the documented subject, header and payload.
    assert_eq!(report.delivered, outbox.len(), "{:?}", report.errors);
    assert!(desk.store().pending_outbox(1).await.unwrap().is_empty());
    assert_stored_once(&scratch, &outbox).await;
    let stored = scratch.read_all().await;
    let notes: Vec<bool> = stored
        .iter()
        .map(|m| serde_json::from_slice::<Envelope>(&m.payload).unwrap())
        .filter(|e| e.kind == "note_added")
        .map(|e| e.internal)
        .collect();
    assert_eq!(notes, vec![true; 7], "notes are marked internal");
    let subject = format!("{}.{acme}.replied", scratch.prefix);
    assert_eq!(
        stored
            .iter()
            .filter(|m| m.subject.as_str() == subject)
            .count(),
        4,
        "one subject per tenant and event type"
    );
    scratch.delete().await;
}

#[tokio::test]
async fn a_redelivered_message_is_stored_once() {
    // Given a message published once.
    let scratch = Scratch::new().await;
    let notifier = scratch.notifier().await;
    let clock = ManualClock::new(start());
    let desk = desk(notifier.clone(), scratch.endpoint(), &clock);
    ticket(&desk, TenantId::from_u128(1), "Printer jams").await;
    let outbox = pending(&desk).await;
    notifier.notify(&outbox[0]).await.unwrap();

    // When it is published again, by the same notifier and by another
    // host's (as after a lost ack or an expired lease), and the dispatcher
    // then delivers the whole outbox, the first message included.
    notifier.notify(&outbox[0]).await.unwrap();
    let other = NatsNotifier::connect(&common::url(), scratch.options())
        .await
        .unwrap();
    other.notify(&outbox[0]).await.unwrap();
    let report = desk.run_dispatch(clock.now()).await.unwrap();
    assert_eq!(report.delivered, outbox.len());

    // Then the stream holds each message once.
    assert_eq!(scratch.count().await, outbox.len() as u64);
    assert_stored_once(&scratch, &outbox).await;
    scratch.delete().await;
}

/// A TCP proxy to the NATS server whose connections can be cut and
/// restored, to drop the notifier's connection mid-run.
struct Proxy {
    port: u16,
    accept: Option<JoinHandle<()>>,
    links: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl Proxy {
    async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let mut proxy = Self {
            port,
            accept: None,
            links: Arc::default(),
        };
        proxy.serve(listener);
        proxy
    }

    fn serve(&mut self, listener: TcpListener) {
        let links = self.links.clone();
        self.accept = Some(tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let link = tokio::spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(common::url()).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                links.lock().unwrap().push(link);
            }
        }));
    }

    /// Closes every connection and stops listening.
    fn cut(&mut self) {
        if let Some(accept) = self.accept.take() {
            accept.abort();
        }
        for link in self.links.lock().unwrap().drain(..) {
            link.abort();
        }
    }

    /// Listens again on the same port.
    async fn restore(&mut self) {
        let listener = TcpListener::bind(("127.0.0.1", self.port)).await.unwrap();
        self.serve(listener);
    }
}

#[tokio::test]
async fn a_dropped_connection_gives_retryable_errors_and_the_dispatcher_delivers_after_reconnecting()
 {
    // Given a notifier connected through a proxy, reconnecting quickly, and
    // a ticket whose first messages went out.
    let scratch = Scratch::new().await;
    let mut proxy = Proxy::start().await;
    let client = async_nats::ConnectOptions::new()
        .reconnect_delay_callback(|_| Duration::from_millis(50))
        .connect(format!("127.0.0.1:{}", proxy.port))
        .await
        .unwrap();
    let options = NatsOptions {
        publish_timeout: Duration::from_millis(500),
        ..scratch.options()
    };
    let notifier = NatsNotifier::new(async_nats::jetstream::new(client.clone()), options)
        .await
        .unwrap();
    let clock = ManualClock::new(start());
    let desk = desk(notifier.clone(), scratch.endpoint(), &clock);
    let tenant = TenantId::from_u128(1);
    let first = ticket(&desk, tenant, "Printer jams").await;
    let sent = pending(&desk).await;
    let report = desk.run_dispatch(clock.now()).await.unwrap();
    assert_eq!((report.delivered, report.retried), (sent.len(), 0));

    // When the connection drops and the desk writes more.
    proxy.cut();
    more(&desk, tenant, first).await;
    ticket(&desk, tenant, "VPN drops").await;
    let pending = pending(&desk).await;

    // Then publishing fails with retryable errors, and the dispatcher keeps
    // the messages for later: none dead, each ticket's later ones waiting.
    let error = notifier.notify(&pending[0]).await.unwrap_err();
    assert!(!error.permanent, "{error}");
    assert_eq!(error.delivery, pending[0].id);
    let report = desk.run_dispatch(clock.now()).await.unwrap();
    assert_eq!(
        (report.delivered, report.dead),
        (0, 0),
        "{:?}",
        report.errors
    );
    assert_eq!(
        report.retried, 2,
        "the first message of each ticket: {:?}",
        report.errors
    );
    assert_eq!(report.released, pending.len() - 2);

    // When the connection is back and the backoff has passed.
    proxy.restore().await;
    for _ in 0..100 {
        if client.connection_state() == async_nats::connection::State::Connected {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        client.connection_state(),
        async_nats::connection::State::Connected
    );
    let mut delivered = 0;
    for _ in 0..3 {
        clock.advance(TimeDelta::seconds(3));
        let report = desk.run_dispatch(clock.now()).await.unwrap();
        delivered += report.delivered;
        if desk.store().pending_outbox(1).await.unwrap().is_empty() {
            break;
        }
    }

    // Then everything is delivered (in one run, unless the machine is too
    // slow for the short timeout), and stored once: the publishes that
    // timed out during the outage and went out on reconnecting were
    // dropped as duplicates.
    assert_eq!(delivered, pending.len());
    assert!(desk.store().pending_outbox(1).await.unwrap().is_empty());
    assert!(
        desk.store()
            .dead_letters(TenantId::from_u128(1), None, 1)
            .await
            .unwrap()
            .is_empty()
    );
    let outbox: Vec<Notification> = sent.into_iter().chain(pending).collect();
    assert_stored_once(&scratch, &outbox).await;
    proxy.cut();
    scratch.delete().await;
}

#[tokio::test]
async fn a_closed_client_gives_retryable_errors() {
    // Given a notifier whose client has been drained and closed.
    let scratch = Scratch::new().await;
    let client = common::client().await;
    let notifier = NatsNotifier::new(
        async_nats::jetstream::new(client.clone()),
        scratch.options(),
    )
    .await
    .unwrap();
    let clock = ManualClock::new(start());
    let desk = desk(notifier, scratch.endpoint(), &clock);
    ticket(&desk, TenantId::from_u128(1), "Printer jams").await;
    client.drain().await.unwrap();
    for _ in 0..100 {
        if client.connection_state() != async_nats::connection::State::Connected {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // When the dispatcher runs, then the message is kept for a retry.
    let report = desk.run_dispatch(clock.now()).await.unwrap();
    assert_eq!((report.retried, report.dead, report.delivered), (1, 0, 0));
    assert!(
        report.errors[0].starts_with("nats could not deliver "),
        "{:?}",
        report.errors
    );
    assert_eq!(scratch.count().await, 0);
    scratch.delete().await;
}

#[tokio::test]
async fn an_unreachable_server_is_a_connect_error_naming_it() {
    // A port nothing listens on: bound, then closed.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let url = format!("127.0.0.1:{port}");
    let error = NatsNotifier::connect(&url, NatsOptions::default())
        .await
        .unwrap_err();
    assert!(matches!(error, NatsError::Connect { .. }), "{error:?}");
    assert!(
        error
            .to_string()
            .starts_with(&format!("could not connect to the NATS server at {url}: ")),
        "{error}"
    );
}

#[tokio::test]
async fn refusals_are_permanent_and_become_dead_letters() {
    let scratch = Scratch::new().await;
    let tenant = TenantId::from_u128(1);
    let clock = ManualClock::new(start());

    // Given a notifier told not to create its stream, and no stream: each
    // message is refused for good, and the dispatcher makes its first
    // message a dead letter after one attempt.
    let options = NatsOptions {
        create_stream: false,
        ..scratch.options()
    };
    let notifier = NatsNotifier::new(scratch.context.clone(), options.clone())
        .await
        .unwrap();
    let lost = desk(notifier.clone(), scratch.endpoint(), &clock);
    ticket(&lost, tenant, "Printer jams").await;
    let outbox = pending(&lost).await;
    let error = notifier.notify(&outbox[0]).await.unwrap_err();
    assert!(error.permanent, "{error}");
    assert!(
        error.reason.contains("no JetStream stream captures"),
        "{error}"
    );
    let report = lost.run_dispatch(clock.now()).await.unwrap();
    assert_eq!(
        (report.dead, report.retried),
        (outbox.len(), 0),
        "{:?}",
        report.errors
    );
    let dead = lost.store().dead_letters(tenant, None, 10).await.unwrap();
    assert_eq!(
        dead.iter().map(|d| d.attempts).collect::<Vec<_>>(),
        vec![1; outbox.len()]
    );

    // Given a stream of someone else's that takes messages of at most 300
    // bytes: a larger message is refused for good.
    scratch
        .context
        .create_stream(stream::Config {
            name: scratch.stream.clone(),
            subjects: vec![format!("{}.>", scratch.prefix)],
            max_message_size: 300,
            ..stream::Config::default()
        })
        .await
        .unwrap();
    let error = notifier.notify(&outbox[0]).await.unwrap_err();
    assert!(error.permanent, "{error}");
    assert!(error.reason.contains("JetStream refused"), "{error}");

    // A message past the server's max_payload is refused before it is
    // sent (the server would close the connection on it).
    let max = scratch.context.client().server_info().max_payload;
    let mut huge = outbox[0].clone();
    huge.event.event.change = Change::Replied {
        comment: CommentId::from_u128(1),
        body: "x".repeat(max),
    };
    let error = notifier.notify(&huge).await.unwrap_err();
    assert!(error.permanent, "{error}");
    assert!(error.reason.contains("max_payload"), "{error}");
    assert_eq!(scratch.count().await, 0);
    assert_eq!(
        scratch.context.client().connection_state(),
        async_nats::connection::State::Connected
    );
    scratch.delete().await;
}

#[tokio::test]
async fn a_stream_deleted_under_the_notifier_is_created_again() {
    // Given a notifier that created its stream, and the stream deleted.
    let scratch = Scratch::new().await;
    let notifier = scratch.notifier().await;
    assert_eq!(scratch.count().await, 0, "created at start");
    scratch
        .context
        .delete_stream(&scratch.stream)
        .await
        .unwrap();
    let clock = ManualClock::new(start());
    let desk = desk(notifier, scratch.endpoint(), &clock);
    ticket(&desk, TenantId::from_u128(1), "Printer jams").await;
    let outbox = pending(&desk).await;

    // When the dispatcher runs, then the stream is back and holds them.
    let report = desk.run_dispatch(clock.now()).await.unwrap();
    assert_eq!(report.delivered, outbox.len(), "{:?}", report.errors);
    assert_stored_once(&scratch, &outbox).await;
    scratch.delete().await;
}

#[tokio::test]
async fn a_stream_of_that_name_with_other_subjects_is_refused_at_start() {
    let scratch = Scratch::new().await;
    scratch
        .context
        .create_stream(stream::Config {
            name: scratch.stream.clone(),
            subjects: vec![format!("{}-other.>", scratch.prefix)],
            ..stream::Config::default()
        })
        .await
        .unwrap();
    let error = NatsNotifier::new(scratch.context.clone(), scratch.options())
        .await
        .unwrap_err();
    assert!(
        matches!(error, NatsError::StreamSubjects { .. }),
        "{error:?}"
    );
    assert!(
        error.to_string().contains(&format!("{}.>", scratch.prefix)),
        "{error}"
    );
    scratch.delete().await;
}

/// A desk telling each of `endpoints` (keyed `e0`, `e1`, ...) of every
/// event, by one rule, with the dispatcher's default options.
fn desk_to(
    notifier: NatsNotifier,
    endpoints: &[EndpointDef],
    clock: &ManualClock,
) -> Desk<MemoryStore, NatsNotifier, ManualClock> {
    let keys: Vec<String> = (0..endpoints.len()).map(|i| format!("e{i}")).collect();
    let config = serde_json::json!({
        "endpoints": keys.iter().zip(endpoints).map(|(k, e)| (k.clone(), e)).collect::<HashMap<_, _>>(),
        "notification_rules": [{
            "name": "everything",
            "on": NotifyOn::ALL,
            "to": keys.iter().map(|k| serde_json::json!({"endpoint": k})).collect::<Vec<_>>(),
            "via": "nats"
        }]
    });
    let config: DeskConfig = serde_json::from_value(config).unwrap();
    Desk::new(config, MemoryStore::new(), notifier, clock.clone()).unwrap()
}

fn nats(target: String) -> EndpointDef {
    EndpointDef {
        via: NotificationChannel::Nats,
        target,
        description: None,
    }
}

#[tokio::test]
async fn an_event_told_to_two_endpoints_is_stored_once_per_delivery_under_each_subject() {
    // Given a desk telling every event to two endpoints the stream
    // captures: the prefix itself and a subject under it.
    let scratch = Scratch::new().await;
    let notifier = scratch.notifier().await;
    let clock = ManualClock::new(start());
    let urgent = format!("{}.urgent", scratch.prefix);
    let endpoints = [nats(scratch.prefix.clone()), nats(urgent.clone())];
    let desk = desk_to(notifier.clone(), &endpoints, &clock);
    let tenant = TenantId::from_u128(1);
    ticket(&desk, tenant, "Printer jams").await;
    let outbox = desk.store().pending_outbox(1_000).await.unwrap();
    let sent = pending(&desk).await;

    // When the dispatcher publishes them, and every one is published again
    // (as after lost acks).
    let report = desk.run_dispatch(clock.now()).await.unwrap();
    assert_eq!(report.delivered, sent.len(), "{:?}", report.errors);
    for notification in &sent {
        notifier.notify(notification).await.unwrap();
    }

    // Then the stream holds each delivery once: two per event, each under
    // its own id and its endpoint's subject, both naming the event.
    assert_stored_once(&scratch, &sent).await;
    let mut per_event: HashMap<EventId, Vec<(Recipient, String)>> = HashMap::new();
    for message in scratch.read_all().await {
        let envelope: Envelope = serde_json::from_slice(&message.payload).unwrap();
        let planned = outbox.iter().find(|m| m.id == envelope.id).unwrap();
        assert_eq!(envelope.event_id, planned.event.id);
        assert_eq!(envelope.recipient, planned.delivery.recipient);
        assert_eq!(envelope.rule, "everything");
        per_event
            .entry(envelope.event_id)
            .or_default()
            .push((envelope.recipient, message.subject.to_string()));
    }
    assert!(per_event.len() >= 3, "the opening, the reply and the note");
    for (event, deliveries) in per_event {
        let recipients: Vec<&Recipient> = deliveries.iter().map(|(r, _)| r).collect();
        assert_eq!(
            recipients,
            [
                &Recipient::Endpoint("e0".into()),
                &Recipient::Endpoint("e1".into())
            ],
            "{event}"
        );
        assert!(
            deliveries[0]
                .1
                .starts_with(&format!("{}.{tenant}.", scratch.prefix))
        );
        assert!(deliveries[1].1.starts_with(&format!("{urgent}.{tenant}.")));
    }
    scratch.delete().await;
}

#[tokio::test]
async fn an_endpoint_the_stream_does_not_capture_is_refused_for_good() {
    // Given a desk whose endpoint is a subject outside the notifier's
    // prefix, so outside its stream.
    let scratch = Scratch::new().await;
    let notifier = scratch.notifier().await;
    let clock = ManualClock::new(start());
    let outside = format!("{}-elsewhere", scratch.prefix);
    let desk = desk(notifier.clone(), nats(outside.clone()), &clock);
    ticket(&desk, TenantId::from_u128(1), "Printer jams").await;
    let outbox = pending(&desk).await;

    // When the dispatcher runs, then every delivery is a dead letter after
    // one attempt, saying why, and nothing reached the stream.
    let error = notifier.notify(&outbox[0]).await.unwrap_err();
    assert!(error.permanent, "{error}");
    assert_eq!(error.delivery, outbox[0].id);
    let report = desk.run_dispatch(clock.now()).await.unwrap();
    assert_eq!(
        (report.dead, report.retried, report.delivered),
        (outbox.len(), 0, 0),
        "{:?}",
        report.errors
    );
    let dead = desk
        .store()
        .dead_letters(TenantId::from_u128(1), None, 100)
        .await
        .unwrap();
    assert_eq!(dead.len(), outbox.len());
    for letter in &dead {
        assert_eq!(letter.attempts, 1);
        assert_eq!(
            letter.last_error,
            format!(
                "the endpoint's subject {outside:?} is not under the prefix {:?}, \
                 so the stream {} (subjects {}.>) would not capture it",
                scratch.prefix, scratch.stream, scratch.prefix
            )
        );
    }
    assert_eq!(scratch.count().await, 0);
    scratch.delete().await;
}
