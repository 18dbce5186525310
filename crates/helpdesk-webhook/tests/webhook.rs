//! The webhook notifier against a real HTTP server on 127.0.0.1 that records
//! each request and answers as scripted: a desk's notifications posted to
//! their endpoint's URL (or the notifier's own, for a person), signed and
//! verified, in order per ticket; retries of one delivery id until the
//! endpoint recovers; dead letters for what it refuses; key rotation; and
//! the addresses it refuses, configured or an endpoint's. (The envelope's
//! exact form is pinned in the rustdoc of `envelope`.)
#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, TimeDelta, Utc};
use helpdesk_core::notification::{NotifyOn, Recipient};
use helpdesk_core::{Actor, ActorId, Command, DeskConfig, NewTicket, TenantId, TicketId};
use helpdesk_engine::store::OutboxMessage;
use helpdesk_engine::{
    Backoff, Clock, Desk, DeskOptions, DispatchOptions, ManualClock, MemoryStore, NoNotifier,
    Notification, Notifier, Request, Store, SystemClock,
};
use helpdesk_webhook::{
    DEFAULT_TOLERANCE, PrivateAddresses, Secret, VerifyError, WebhookNotifier, WebhookOptions,
    verify,
};
use tokio::net::TcpListener;

mod common;
use common::{Answer, Recorded, Server};

// ---------------------------------------------------------------------------
// Desks and messages.

type WebhookDesk = Desk<Arc<MemoryStore>, WebhookNotifier<ManualClock>, ManualClock>;

/// The path of the notifier's own URL in these tests; notifications for
/// an endpoint go to the endpoint's URL instead.
const UNADDRESSED: &str = "/unaddressed";

fn start() -> DateTime<Utc> {
    "2026-03-02T09:00:00Z".parse().unwrap()
}

fn secret(byte: u8) -> Secret {
    Secret::from_bytes([byte; 32]).unwrap()
}

/// Options for the test server: its [`UNADDRESSED`] URL, loopback
/// allowed, a short timeout.
fn local(server: &Server, secrets: Vec<Secret>) -> WebhookOptions {
    WebhookOptions {
        timeout: StdDuration::from_secs(5),
        private_addresses: PrivateAddresses::Allow,
        ..WebhookOptions::new(server.url_at(UNADDRESSED), secrets)
    }
}

/// A configuration telling the endpoint `chat` at `url` of every event
/// a rule can fire on, and `more` rules after it.
fn config(url: &str, more: serde_json::Value) -> DeskConfig {
    let mut rules = vec![serde_json::json!({
        "name": "chat",
        "on": NotifyOn::ALL,
        "to": [{"endpoint": "chat"}],
        "via": "webhook"
    })];
    rules.extend(more.as_array().cloned().unwrap_or_default());
    serde_json::from_value(serde_json::json!({
        "endpoints": {"chat": {"via": "webhook", "target": url}},
        "notification_rules": rules
    }))
    .unwrap()
}

/// A desk on the memory store posting through `notifier` as `config`
/// says, with a quick backoff.
fn desk_with<C: Clock>(
    config: DeskConfig,
    notifier: WebhookNotifier<C>,
    clock: &ManualClock,
) -> (
    Desk<Arc<MemoryStore>, WebhookNotifier<C>, ManualClock>,
    Arc<MemoryStore>,
) {
    let backoff = Backoff {
        first: TimeDelta::seconds(1),
        max: TimeDelta::seconds(4),
    };
    desk_backing_off(config, notifier, clock, backoff)
}

/// As [`desk_with`], retrying after `backoff`.
fn desk_backing_off<C: Clock>(
    config: DeskConfig,
    notifier: WebhookNotifier<C>,
    clock: &ManualClock,
    backoff: Backoff,
) -> (
    Desk<Arc<MemoryStore>, WebhookNotifier<C>, ManualClock>,
    Arc<MemoryStore>,
) {
    let store = Arc::new(MemoryStore::new());
    let options = DeskOptions {
        dispatch: DispatchOptions {
            holder: "host-a".into(),
            lease: TimeDelta::seconds(60),
            batch: 100,
            max_attempts: 8,
            backoff,
        },
        ..DeskOptions::default()
    };
    let desk = Desk::with_options(config, store.clone(), notifier, clock.clone(), options).unwrap();
    (desk, store)
}

/// A desk telling the endpoint at `server.url()` of every event.
fn desk(server: &Server, clock: &ManualClock) -> (WebhookDesk, Arc<MemoryStore>) {
    let notifier =
        WebhookNotifier::with_clock(local(server, vec![secret(1)]), clock.clone()).unwrap();
    desk_with(
        config(&server.url(), serde_json::json!([])),
        notifier,
        clock,
    )
}

/// Opens `n` tickets with two replies each, replies interleaved across
/// tickets so the outbox mixes them.
async fn tickets<N: Notifier, C: Clock>(
    desk: &Desk<Arc<MemoryStore>, N, C>,
    n: usize,
) -> Vec<TicketId> {
    let admin = Actor::admin(ActorId::from_u128(1), TenantId::from_u128(1));
    let mut ids = Vec::new();
    for i in 0..n {
        let id = helpdesk_engine::new_ticket_id();
        let open = Command::Open(NewTicket::new(admin.id, format!("Ticket {i}"), ""));
        desk.execute(Request::new(admin.clone(), id, open))
            .await
            .unwrap();
        ids.push(id);
    }
    for r in 0..2 {
        for id in &ids {
            let reply = Command::Reply {
                comment: helpdesk_engine::new_comment_id(),
                body: format!("Reply {r}"),
                attachments: Vec::new(),
            };
            desk.execute(Request::new(admin.clone(), *id, reply))
                .await
                .unwrap();
        }
    }
    ids
}

/// What the dispatcher would send for each of `outbox`, as the tickets
/// stand now.
async fn notifications<N: Notifier, C: Clock>(
    desk: &Desk<Arc<MemoryStore>, N, C>,
    outbox: &[OutboxMessage],
) -> Vec<Notification> {
    let mut out = Vec::new();
    for message in outbox {
        out.push(desk.notification(message).await.unwrap().expect("sent"));
    }
    out
}

/// One notification to a person, who has no URL of their own: it goes to
/// the notifier's URL.
async fn message() -> Notification {
    let rule = serde_json::json!({
        "name": "requester",
        "on": ["opened"],
        "to": ["requester"],
        "via": "webhook",
        "skip_actor": false
    });
    let config: DeskConfig = serde_json::from_value(serde_json::json!({
        "notification_rules": [rule]
    }))
    .unwrap();
    let desk = Desk::new(
        config,
        Arc::new(MemoryStore::new()),
        NoNotifier,
        SystemClock,
    )
    .unwrap();
    tickets(&desk, 1).await;
    let outbox = desk.store().pending_outbox(10).await.unwrap();
    assert_eq!(outbox.len(), 1);
    let notification = notifications(&desk, &outbox).await.remove(0);
    assert_eq!(notification.to.address, None);
    notification
}

/// `message()` addressed to `address`, as one for an endpoint is.
async fn addressed(address: &str) -> Notification {
    let mut notification = message().await;
    notification.to.address = Some(address.to_owned());
    notification
}

/// The webhook ids of `requests`, per ticket, in the order they came.
fn arrived_by_ticket<'a>(
    requests: impl IntoIterator<Item = &'a Recorded>,
) -> HashMap<TicketId, Vec<String>> {
    let mut out: HashMap<TicketId, Vec<String>> = HashMap::new();
    for r in requests {
        let ticket: TicketId = serde_json::from_value(r.json()["ticket"].clone()).unwrap();
        out.entry(ticket)
            .or_default()
            .push(r.header("webhook-id").to_owned());
    }
    out
}

/// The ids of `outbox`, per ticket, in outbox order.
fn outbox_by_ticket(outbox: &[OutboxMessage]) -> HashMap<TicketId, Vec<String>> {
    let mut out: HashMap<TicketId, Vec<String>> = HashMap::new();
    for m in outbox {
        out.entry(m.ticket).or_default().push(m.id.to_string());
    }
    out
}

// ---------------------------------------------------------------------------
// The tests.

#[tokio::test]
async fn a_desk_posts_every_notification_signed_to_its_endpoint_in_order_per_ticket() {
    // Given a desk whose tickets wrote a mixed outbox for an endpoint.
    let server = Server::start().await;
    let clock = ManualClock::new(start());
    let (desk, store) = desk(&server, &clock);
    tickets(&desk, 3).await;
    let outbox = store.pending_outbox(1_000).await.unwrap();
    assert!(
        outbox.len() >= 9,
        "three tickets, three events each at least"
    );
    let sent = notifications(&desk, &outbox).await;

    // When the dispatcher runs.
    let report = desk.run_dispatch(clock.now()).await.unwrap();

    // Then every message was posted once and delivered.
    let n = outbox.len();
    assert_eq!((report.claimed, report.delivered), (n, n), "{report:?}");
    assert!(store.pending_outbox(10).await.unwrap().is_empty());
    let requests = server.requests();
    assert_eq!(requests.len(), outbox.len());
    for (request, message) in requests.iter().zip(&sent) {
        // Each went to the endpoint's URL, verifies with the desk's secret
        // and carries its envelope.
        assert_eq!(request.method, "POST");
        assert_eq!(request.path, "/hooks/helpdesk");
        assert_eq!(request.header("content-type"), "application/json");
        assert_eq!(
            verify(
                &request.received(),
                &[secret(1)],
                clock.now(),
                DEFAULT_TOLERANCE
            ),
            Ok(())
        );
        assert_eq!(
            request.header("webhook-timestamp"),
            clock.now().timestamp().to_string()
        );
        let body = request.json();
        assert_eq!(request.header("webhook-id"), message.id.to_string());
        assert_eq!(body["id"], message.id.to_string());
        assert_eq!(body["event_id"], message.event.id.to_string());
        assert_eq!(body["ticket"], message.ticket.to_string());
        assert_eq!(body["version"], message.event.version);
        assert_eq!(body["type"], message.event.event.change.type_name());
        assert_eq!(body["rule"], "chat");
        assert_eq!(body["recipient"], serde_json::json!({"endpoint": "chat"}));
        assert_eq!(body["subject"], message.content.subject);
        assert_eq!(body["text"], message.content.text);
        assert!(
            message.content.subject.contains("] Ticket "),
            "{}",
            message.content.subject
        );
        assert_eq!(
            body["event"],
            serde_json::to_value(&message.event.event).unwrap()
        );
    }
    // And each ticket's messages arrived in the order they were written.
    assert_eq!(arrived_by_ticket(&requests), outbox_by_ticket(&outbox));
}

#[tokio::test]
async fn retries_carry_the_same_id_until_the_endpoint_recovers() {
    // Given an endpoint that answers 503 three times, then recovers.
    let server = Server::start().await;
    let clock = ManualClock::new(start());
    let (desk, store) = desk(&server, &clock);
    tickets(&desk, 2).await;
    let outbox = store.pending_outbox(1_000).await.unwrap();
    let unavailable = Answer {
        status: 503,
        headers: vec![("retry-after", "30")],
        silent: false,
    };
    server.answer_next(vec![unavailable; 3]);

    // When the dispatcher runs, the clock moved past each backoff.
    let first = desk.run_dispatch(clock.now()).await.unwrap();
    let mut runs = 1;
    while !store.pending_outbox(1).await.unwrap().is_empty() {
        assert!(runs < 20, "the outbox drains");
        clock.advance(Duration::seconds(5));
        desk.run_dispatch(clock.now()).await.unwrap();
        runs += 1;
    }

    // Then the failure was retryable and quoted the Retry-After header.
    assert!(first.retried >= 1, "{first:?}");
    assert_eq!(first.dead, 0);
    assert!(
        first.errors[0].contains("HTTP 503 Service Unavailable")
            && first.errors[0].contains("Retry-After"),
        "{:?}",
        first.errors
    );
    // Every message arrived, each ticket's in order, and each failed
    // attempt was retried under the same webhook-id, freshly signed.
    let requests = server.requests();
    let delivered: Vec<&Recorded> = requests.iter().filter(|r| r.status == 200).collect();
    assert_eq!(delivered.len(), outbox.len());
    let mut attempts: HashMap<String, Vec<&Recorded>> = HashMap::new();
    for r in &requests {
        assert_eq!(
            verify(&r.received(), &[secret(1)], clock.now(), DEFAULT_TOLERANCE),
            Ok(())
        );
        attempts
            .entry(r.header("webhook-id").to_owned())
            .or_default()
            .push(r);
    }
    assert_eq!(attempts.len(), outbox.len(), "no id but the messages'");
    let retried: Vec<_> = attempts.values().filter(|a| a.len() > 1).collect();
    assert!(!retried.is_empty());
    for tries in retried {
        assert_eq!(tries.last().unwrap().status, 200);
        assert!(tries[..tries.len() - 1].iter().all(|r| r.status == 503));
        assert!(tries.iter().all(|r| r.body == tries[0].body), "same body");
        assert_ne!(
            tries[0].header("webhook-timestamp"),
            tries[1].header("webhook-timestamp"),
            "each attempt signed at its own time"
        );
    }
    assert_eq!(
        arrived_by_ticket(delivered.iter().copied()),
        outbox_by_ticket(&outbox)
    );
    assert_eq!(
        requests.len(),
        outbox.len() + 3,
        "three 503s, then each once"
    );
    assert!(
        store
            .dead_letters(TenantId::from_u128(1), None, 10)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn gone_makes_a_dead_letter_after_one_attempt() {
    // Given an endpoint that answers 410 Gone.
    let server = Server::start().await;
    server.answer_otherwise(Answer::status(410));
    let clock = ManualClock::new(start());
    let (desk, store) = desk(&server, &clock);
    tickets(&desk, 1).await;
    let outbox = store.pending_outbox(1_000).await.unwrap();

    // When the dispatcher runs, and again after any backoff.
    let report = desk.run_dispatch(clock.now()).await.unwrap();
    clock.advance(Duration::hours(2));
    let again = desk.run_dispatch(clock.now()).await.unwrap();

    // Then each message was posted once and is a dead letter.
    assert_eq!((report.dead, report.retried), (outbox.len(), 0));
    assert_eq!(again.claimed, 0);
    assert_eq!(server.requests().len(), outbox.len());
    let dead = store
        .dead_letters(TenantId::from_u128(1), None, 100)
        .await
        .unwrap();
    assert_eq!(dead.len(), outbox.len());
    for letter in &dead {
        assert_eq!(letter.attempts, 1);
        assert_eq!(letter.last_error, "HTTP 410 Gone");
    }
}

#[tokio::test]
async fn answers_decide_between_delivered_retried_and_permanent() {
    let server = Server::start().await;
    let notifier = WebhookNotifier::new(local(&server, vec![secret(1)])).unwrap();
    let message = message().await;
    for (status, expected) in [
        (200, Ok(())),
        (202, Ok(())),
        (204, Ok(())),
        (500, Err(false)),
        (502, Err(false)),
        (503, Err(false)),
        (429, Err(false)),
        (408, Err(false)),
        (400, Err(true)),
        (401, Err(true)),
        (404, Err(true)),
        (410, Err(true)),
        (422, Err(true)),
        (301, Err(true)),
    ] {
        server.answer_next([Answer::status(status)]);
        let outcome = notifier.notify(&message).await.map_err(|e| e.permanent);
        assert_eq!(outcome, expected, "HTTP {status}");
    }
    server.answer_next([Answer {
        status: 429,
        headers: vec![("retry-after", "120")],
        silent: false,
    }]);
    let err = notifier.notify(&message).await.unwrap_err();
    assert_eq!(
        err.reason,
        "HTTP 429 Too Many Requests (Retry-After: 120; the next attempt waits for it, at most the dispatcher's longest backoff)"
    );
    assert_eq!(err.retry_after, Some(chrono::TimeDelta::seconds(120)));
    server.answer_next([Answer::status(308)]);
    let err = notifier.notify(&message).await.unwrap_err();
    assert!(
        err.reason.contains("redirects are not followed"),
        "{}",
        err.reason
    );
}

#[tokio::test]
async fn timeouts_and_refused_connections_are_retried() {
    let message = message().await;

    // An endpoint that takes the request and never answers.
    let server = Server::start().await;
    server.answer_otherwise(Answer {
        status: 200,
        headers: Vec::new(),
        silent: true,
    });
    let options = WebhookOptions {
        timeout: StdDuration::from_millis(300),
        ..local(&server, vec![secret(1)])
    };
    let err = WebhookNotifier::new(options)
        .unwrap()
        .notify(&message)
        .await
        .unwrap_err();
    assert!(!err.permanent);
    assert_eq!(err.reason, "no answer within 300ms");

    // A port nobody listens on.
    let closed = {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        listener.local_addr().unwrap()
    };
    let options = WebhookOptions {
        private_addresses: PrivateAddresses::Allow,
        ..WebhookOptions::new(format!("http://{closed}/"), vec![secret(1)])
    };
    let err = WebhookNotifier::new(options)
        .unwrap()
        .notify(&message)
        .await
        .unwrap_err();
    assert!(!err.permanent, "{err}");
    assert!(
        err.reason.to_lowercase().contains("connect"),
        "{}",
        err.reason
    );
}

#[tokio::test]
async fn while_keys_rotate_each_secret_signs_and_either_verifies() {
    // Given a notifier signing with the old and the new secret.
    let server = Server::start().await;
    let (old, new) = (secret(1), secret(2));
    let clock = ManualClock::new(start());
    let notifier = WebhookNotifier::with_clock(
        local(&server, vec![old.clone(), new.clone()]),
        clock.clone(),
    )
    .unwrap();

    // When it posts a message.
    notifier.notify(&message().await).await.unwrap();

    // Then the request carries two v1 signatures, one per secret, and a
    // receiver knowing either secret accepts it; one knowing neither does
    // not.
    let request = &server.requests()[0];
    let entries: Vec<&str> = request.header("webhook-signature").split(' ').collect();
    assert_eq!(entries.len(), 2);
    assert!(entries.iter().all(|e| e.starts_with("v1,")));
    let received = request.received();
    let now = clock.now();
    assert_eq!(
        verify(
            &received,
            std::slice::from_ref(&old),
            now,
            DEFAULT_TOLERANCE
        ),
        Ok(())
    );
    assert_eq!(
        verify(
            &received,
            std::slice::from_ref(&new),
            now,
            DEFAULT_TOLERANCE
        ),
        Ok(())
    );
    assert_eq!(
        verify(&received, &[secret(3), new], now, DEFAULT_TOLERANCE),
        Ok(())
    );
    assert_eq!(
        verify(&received, &[secret(3)], now, DEFAULT_TOLERANCE),
        Err(VerifyError::Signature)
    );
    // And a replay ten minutes later is refused.
    assert!(matches!(
        verify(
            &received,
            &[old],
            now + Duration::minutes(10),
            DEFAULT_TOLERANCE
        ),
        Err(VerifyError::Timestamp {
            off: 600,
            tolerance: 300,
            ..
        })
    ));
}

#[tokio::test]
async fn default_options_refuse_loopback_and_metadata_addresses() {
    let server = Server::start().await;
    let message = message().await;
    let port = server.addr.port();
    for (endpoint, address, kind) in [
        (server.url(), "127.0.0.1", "a loopback address"),
        (format!("http://[::1]:{port}/"), "::1", "a loopback address"),
        (
            "http://169.254.169.254/latest/meta-data/".to_owned(),
            "169.254.169.254",
            "a cloud metadata address",
        ),
        (
            "http://[fd00:ec2::254]/latest/".to_owned(),
            "fd00:ec2::254",
            "a cloud metadata address",
        ),
        (
            format!("http://10.0.0.1:{port}/"),
            "10.0.0.1",
            "a private address",
        ),
    ] {
        let notifier =
            WebhookNotifier::new(WebhookOptions::new(endpoint.clone(), vec![secret(1)])).unwrap();
        let err = notifier.notify(&message).await.unwrap_err();
        assert!(err.permanent, "{endpoint}: {err}");
        assert!(
            err.reason
                .contains(&format!("resolves to {address}, {kind}")),
            "{endpoint}: {}",
            err.reason
        );
    }

    // A name is resolved and each of its addresses checked before connecting.
    let notifier = WebhookNotifier::new(WebhookOptions::new(
        format!("http://localhost:{port}/hooks"),
        vec![secret(1)],
    ))
    .unwrap();
    let err = notifier.notify(&message).await.unwrap_err();
    assert!(err.permanent, "{err}");
    assert!(
        err.reason.starts_with("localhost resolves to ")
            && err.reason.contains("a loopback address"),
        "{}",
        err.reason
    );

    assert!(
        server.requests().is_empty(),
        "nothing refused reached the server"
    );

    // Allowing private addresses lets the same name through, to the
    // address checked.
    let options = WebhookOptions {
        private_addresses: PrivateAddresses::Allow,
        ..WebhookOptions::new(format!("http://localhost:{port}/hooks"), vec![secret(1)])
    };
    WebhookNotifier::new(options)
        .unwrap()
        .notify(&message)
        .await
        .unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 1, "only the allowed post arrived");
    assert_eq!(requests[0].header("webhook-id"), message.id.to_string());

    // Allowing private addresses does not open the metadata service.
    let options = WebhookOptions {
        private_addresses: PrivateAddresses::Allow,
        ..WebhookOptions::new("http://169.254.169.254/", vec![secret(1)])
    };
    let err = WebhookNotifier::new(options)
        .unwrap()
        .notify(&message)
        .await
        .unwrap_err();
    assert!(
        err.permanent && err.reason.contains("webhooks never go there"),
        "{err}"
    );
}

#[test]
fn options_that_cannot_work_are_refused_when_built() {
    let fine = WebhookNotifier::new(WebhookOptions::new(
        "https://Hooks.Example.com",
        vec![secret(1)],
    ));
    assert_eq!(fine.unwrap().endpoint(), "https://hooks.example.com/");
    let err = WebhookNotifier::new(WebhookOptions::new("not a url", vec![secret(1)])).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("the webhook endpoint \"not a url\" is not a URL"),
        "{err}"
    );
    let err = WebhookNotifier::new(WebhookOptions::new("ftp://example.com/", vec![secret(1)]))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "the webhook endpoint \"ftp://example.com/\" must start with https:// or http://"
    );
    let err =
        WebhookNotifier::new(WebhookOptions::new("https://example.com/", vec![])).unwrap_err();
    assert_eq!(
        err.to_string(),
        "a webhook needs at least one signing secret (WebhookOptions::secrets)"
    );
}

#[tokio::test]
async fn a_person_is_posted_to_the_notifiers_own_url_each_delivery_under_its_own_id() {
    // Given a desk telling the endpoint of every event, and the assignee,
    // who has no URL of their own, of every public reply.
    let server = Server::start().await;
    let clock = ManualClock::new(start());
    let notifier =
        WebhookNotifier::with_clock(local(&server, vec![secret(1)]), clock.clone()).unwrap();
    let assignee_rule = serde_json::json!([{
        "name": "assignee",
        "on": ["public_reply"],
        "to": ["assignee"],
        "via": "webhook"
    }]);
    let (desk, store) = desk_with(config(&server.url(), assignee_rule), notifier, &clock);
    let admin = Actor::admin(ActorId::from_u128(1), TenantId::from_u128(1));
    let agent = ActorId::from_u128(7);
    let ticket = helpdesk_engine::new_ticket_id();
    for command in [
        Command::Open(NewTicket::new(admin.id, "Printer jams", "")),
        Command::Assign { assignee: agent },
        Command::Reply {
            comment: helpdesk_engine::new_comment_id(),
            body: "Try the other tray".into(),
            attachments: Vec::new(),
        },
    ] {
        desk.execute(Request::new(admin.clone(), ticket, command))
            .await
            .unwrap();
    }
    let outbox = store.pending_outbox(100).await.unwrap();

    // When the dispatcher runs.
    let report = desk.run_dispatch(clock.now()).await.unwrap();
    assert_eq!(report.delivered, outbox.len(), "{report:?}");

    // Then the reply went twice: to the endpoint's URL and to the
    // notifier's own, each under its own delivery id, both naming the
    // reply, each signed.
    let requests = server.requests();
    assert_eq!(requests.len(), outbox.len());
    let replies: Vec<&Recorded> = requests
        .iter()
        .filter(|r| r.json()["type"] == "replied")
        .collect();
    assert_eq!(replies.len(), 2, "{requests:?}");
    let (chat, person) = (replies[0], replies[1]);
    assert_eq!(chat.path, "/hooks/helpdesk");
    assert_eq!(
        chat.json()["recipient"],
        serde_json::json!({"endpoint": "chat"})
    );
    assert_eq!(person.path, UNADDRESSED);
    assert_eq!(person.json()["rule"], "assignee");
    assert_eq!(
        person.json()["recipient"],
        serde_json::to_value(Recipient::Actor(agent)).unwrap()
    );
    assert_eq!(chat.json()["event_id"], person.json()["event_id"]);
    assert_ne!(chat.header("webhook-id"), person.header("webhook-id"));
    let planned: Vec<String> = outbox.iter().map(|m| m.id.to_string()).collect();
    for request in [chat, person] {
        assert!(planned.contains(&request.header("webhook-id").to_owned()));
        assert_eq!(request.json()["id"], request.header("webhook-id"));
        assert_eq!(
            verify(
                &request.received(),
                &[secret(1)],
                clock.now(),
                DEFAULT_TOLERANCE
            ),
            Ok(())
        );
    }
    // Everything else went to the endpoint only.
    assert!(
        requests
            .iter()
            .filter(|r| r.path == UNADDRESSED)
            .all(|r| r.json()["type"] == "replied")
    );
}

#[tokio::test]
async fn an_endpoints_url_is_checked_like_the_notifiers_own() {
    // A notifier whose own URL is public and fine: only the endpoint's
    // URL decides where each of these would go.
    let server = Server::start().await;
    let port = server.addr.port();
    let notifier = WebhookNotifier::new(WebhookOptions::new(
        "https://hooks.example.com/helpdesk",
        vec![secret(1)],
    ))
    .unwrap();
    for (address, refused, kind) in [
        (server.url(), "127.0.0.1", "a loopback address"),
        (format!("http://[::1]:{port}/"), "::1", "a loopback address"),
        (
            format!("http://[::ffff:127.0.0.1]:{port}/"),
            "::ffff:127.0.0.1",
            "a loopback address",
        ),
        (
            "http://169.254.169.254/latest/meta-data/".to_owned(),
            "169.254.169.254",
            "a cloud metadata address",
        ),
        (
            format!("http://10.0.0.1:{port}/"),
            "10.0.0.1",
            "a private address",
        ),
    ] {
        let message = addressed(&address).await;
        let err = notifier.notify(&message).await.unwrap_err();
        assert!(err.permanent, "{address}: {err}");
        assert_eq!(err.delivery, message.id);
        assert!(
            err.reason
                .contains(&format!("resolves to {refused}, {kind}")),
            "{address}: {}",
            err.reason
        );
    }

    // A name is resolved and each of its addresses checked before
    // connecting.
    let err = notifier
        .notify(&addressed(&format!("http://localhost:{port}/hooks")).await)
        .await
        .unwrap_err();
    assert!(err.permanent, "{err}");
    assert!(
        err.reason.starts_with("localhost resolves to ")
            && err.reason.contains("a loopback address"),
        "{}",
        err.reason
    );

    // What is not an http(s) URL is refused for good, naming it.
    for (address, reason) in [
        (
            "ops@example.com",
            "the webhook endpoint \"ops@example.com\" is not a URL: relative URL without a base",
        ),
        (
            "ftp://example.com/",
            "the webhook endpoint \"ftp://example.com/\" must start with https:// or http://",
        ),
        (
            "mailto:ops@example.com",
            "the webhook endpoint \"mailto:ops@example.com\" must start with https:// or http://",
        ),
    ] {
        let err = notifier
            .notify(&addressed(address).await)
            .await
            .unwrap_err();
        assert!(err.permanent, "{address}: {err}");
        assert_eq!(err.reason, reason);
    }
    assert!(
        server.requests().is_empty(),
        "nothing refused reached the server"
    );

    // Allowing private addresses lets the same name through, to the
    // endpoint's URL, but never to the metadata service.
    let options = WebhookOptions {
        private_addresses: PrivateAddresses::Allow,
        ..WebhookOptions::new("https://hooks.example.com/helpdesk", vec![secret(1)])
    };
    let notifier = WebhookNotifier::new(options).unwrap();
    let message = addressed(&format!("http://localhost:{port}/hooks/chat")).await;
    notifier.notify(&message).await.unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 1, "only the allowed post arrived");
    assert_eq!(requests[0].path, "/hooks/chat");
    assert_eq!(requests[0].header("webhook-id"), message.id.to_string());
    let err = notifier
        .notify(&addressed("http://169.254.169.254/").await)
        .await
        .unwrap_err();
    assert!(
        err.permanent && err.reason.contains("webhooks never go there"),
        "{err}"
    );
}

#[tokio::test]
async fn an_endpoint_on_a_refused_address_makes_dead_letters_after_one_attempt() {
    // Given a desk whose endpoint is the loopback test server, and a
    // notifier with the default address rules.
    let server = Server::start().await;
    let clock = ManualClock::new(start());
    let notifier = WebhookNotifier::with_clock(
        WebhookOptions::new("https://hooks.example.com/helpdesk", vec![secret(1)]),
        clock.clone(),
    )
    .unwrap();
    let (desk, store) = desk_with(
        config(&server.url(), serde_json::json!([])),
        notifier,
        &clock,
    );
    tickets(&desk, 1).await;
    let outbox = store.pending_outbox(100).await.unwrap();

    // When the dispatcher runs, and again later.
    let report = desk.run_dispatch(clock.now()).await.unwrap();
    clock.advance(Duration::hours(2));
    let again = desk.run_dispatch(clock.now()).await.unwrap();

    // Then each delivery is a dead letter after one attempt, naming the
    // address, and nothing reached the server.
    assert_eq!(
        (report.dead, report.retried, report.delivered),
        (outbox.len(), 0, 0),
        "{report:?}"
    );
    assert_eq!(again.claimed, 0);
    let dead = store
        .dead_letters(TenantId::from_u128(1), None, 100)
        .await
        .unwrap();
    assert_eq!(dead.len(), outbox.len());
    for letter in &dead {
        assert_eq!(letter.attempts, 1);
        assert!(
            letter
                .last_error
                .starts_with("127.0.0.1 resolves to 127.0.0.1, a loopback address"),
            "{}",
            letter.last_error
        );
    }
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn a_retry_after_holds_the_next_attempt_back_up_to_the_longest_backoff() {
    // Given a desk whose backoff starts at 1 s and waits at most 10
    // minutes, and an endpoint that answers 429 asking for 2 minutes, then
    // one asking for a day, then recovers.
    let server = Server::start().await;
    let clock = ManualClock::new(start());
    let notifier =
        WebhookNotifier::with_clock(local(&server, vec![secret(1)]), clock.clone()).unwrap();
    let backoff = Backoff {
        first: TimeDelta::seconds(1),
        max: TimeDelta::minutes(10),
    };
    let config = config(&server.url(), serde_json::json!([]));
    let (desk, store) = desk_backing_off(config, notifier, &clock, backoff);
    tickets(&desk, 1).await;
    let asking = |after: &'static str| Answer {
        status: 429,
        headers: vec![("retry-after", after)],
        silent: false,
    };
    server.answer_next([asking("120"), asking("86400")]);
    let posted = || server.requests().len();

    // When the dispatcher runs now, and again past the backoff but before
    // the two minutes asked for.
    let first = desk.run_dispatch(clock.now()).await.unwrap();
    assert_eq!(first.retried, 1, "{first:?}");
    clock.advance(Duration::seconds(119));
    let early = desk.run_dispatch(clock.now()).await.unwrap();

    // Then nothing was claimed or posted before the time asked for.
    assert_eq!(early.claimed, 0, "{early:?}");
    assert_eq!(posted(), 1);

    // When the two minutes have passed: the endpoint asks for a day.
    clock.advance(Duration::seconds(1));
    let second = desk.run_dispatch(clock.now()).await.unwrap();
    assert_eq!(second.retried, 1, "{second:?}");
    assert_eq!(posted(), 2);

    // Then the wait is the longest backoff, 10 minutes, not a day: the
    // message goes then, and the rest follow.
    clock.advance(Duration::minutes(10) - Duration::seconds(1));
    assert_eq!(desk.run_dispatch(clock.now()).await.unwrap().claimed, 0);
    clock.advance(Duration::seconds(1));
    let third = desk.run_dispatch(clock.now()).await.unwrap();
    assert_eq!(third.retried + third.dead, 0, "{third:?}");
    assert!(third.delivered >= 1, "{third:?}");
    assert!(store.pending_outbox(10).await.unwrap().is_empty());
}
