//! The webhook notifier against a real HTTP server on 127.0.0.1 that records
//! each request and answers as scripted: a desk's outbox posted, signed and
//! verified, in order per ticket; retries of one id until the endpoint
//! recovers; dead letters for what it refuses; key rotation; and the
//! addresses it refuses. (The envelope's exact form is pinned in the
//! rustdoc of `envelope`.)
#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, TimeDelta, Utc};
use helpdesk_core::{Actor, ActorId, Command, DeskConfig, NewTicket, TenantId, TicketId};
use helpdesk_engine::store::OutboxMessage;
use helpdesk_engine::{
    Backoff, Clock, Desk, DeskOptions, DispatchOptions, ManualClock, MemoryStore, NoNotifier,
    Notifier, Request, Store, SystemClock,
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

fn start() -> DateTime<Utc> {
    "2026-03-02T09:00:00Z".parse().unwrap()
}

fn secret(byte: u8) -> Secret {
    Secret::from_bytes([byte; 32]).unwrap()
}

/// Options for the test server: loopback allowed, a short timeout.
fn local(server: &Server, secrets: Vec<Secret>) -> WebhookOptions {
    WebhookOptions {
        timeout: StdDuration::from_secs(5),
        private_addresses: PrivateAddresses::Allow,
        ..WebhookOptions::new(server.url(), secrets)
    }
}

/// A desk on the memory store posting to `server`, with a quick backoff.
fn desk(server: &Server, clock: &ManualClock) -> (WebhookDesk, Arc<MemoryStore>) {
    let store = Arc::new(MemoryStore::new());
    let notifier =
        WebhookNotifier::with_clock(local(server, vec![secret(1)]), clock.clone()).unwrap();
    let options = DeskOptions {
        dispatch: DispatchOptions {
            holder: "host-a".into(),
            lease: TimeDelta::seconds(60),
            batch: 100,
            max_attempts: 8,
            backoff: Backoff {
                first: TimeDelta::seconds(1),
                max: TimeDelta::seconds(4),
            },
        },
        ..DeskOptions::default()
    };
    let desk = Desk::with_options(
        DeskConfig::default(),
        store.clone(),
        notifier,
        clock.clone(),
        options,
    )
    .unwrap();
    (desk, store)
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
            };
            desk.execute(Request::new(admin.clone(), *id, reply))
                .await
                .unwrap();
        }
    }
    ids
}

/// One outbox message of a desk that notifies nobody.
async fn message() -> OutboxMessage {
    let desk = Desk::new(
        DeskConfig::default(),
        Arc::new(MemoryStore::new()),
        NoNotifier,
        SystemClock,
    )
    .unwrap();
    tickets(&desk, 1).await;
    desk.store().pending_outbox(1).await.unwrap().remove(0)
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
async fn a_desk_posts_every_outbox_message_signed_in_order_per_ticket() {
    // Given a desk whose tickets wrote a mixed outbox.
    let server = Server::start().await;
    let clock = ManualClock::new(start());
    let (desk, store) = desk(&server, &clock);
    tickets(&desk, 3).await;
    let outbox = store.pending_outbox(1_000).await.unwrap();
    assert!(
        outbox.len() >= 9,
        "three tickets, three events each at least"
    );

    // When the dispatcher runs.
    let report = desk.run_dispatch(clock.now()).await.unwrap();

    // Then every message was posted once and delivered.
    let n = outbox.len();
    assert_eq!((report.claimed, report.delivered), (n, n), "{report:?}");
    assert!(store.pending_outbox(10).await.unwrap().is_empty());
    let requests = server.requests();
    assert_eq!(requests.len(), outbox.len());
    for (request, message) in requests.iter().zip(&outbox) {
        // Each verifies with the desk's secret and carries its envelope.
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
        assert_eq!(body["ticket"], message.ticket.to_string());
        assert_eq!(body["version"], message.event.version);
        assert_eq!(body["type"], message.event.event.change.type_name());
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
    assert!(store.dead_letters(None, 10).await.unwrap().is_empty());
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
    let dead = store.dead_letters(None, 100).await.unwrap();
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
        "HTTP 429 Too Many Requests (Retry-After: 120; the dispatcher's backoff sets the next attempt)"
    );
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
