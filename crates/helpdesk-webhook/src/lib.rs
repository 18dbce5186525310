//! A help desk [`Notifier`](helpdesk_engine::Notifier) that posts each
//! notification as a signed HTTP webhook, following
//! [Standard Webhooks](https://www.standardwebhooks.com/).
//!
//! The desk's notification rules decide what is posted: each delivery they
//! plan by the `webhook` channel is posted to the URL of the endpoint it is
//! for (the endpoint's `target` in the desk configuration), or, for a
//! person told by webhook, who has no URL of their own, to
//! [`WebhookOptions::endpoint`].
//!
//! ```no_run
//! use helpdesk_core::DeskConfig;
//! use helpdesk_engine::{Desk, MemoryStore, SystemClock};
//! use helpdesk_webhook::{Secret, WebhookNotifier, WebhookOptions};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // Replies and notes, to the operations team's chat.
//! let config: DeskConfig = serde_json::from_str(r#"{
//!     "endpoints": {"chat": {"via": "webhook", "target": "https://chat.example.com/hooks/helpdesk"}},
//!     "notification_rules": [{
//!         "name": "Conversation to the chat",
//!         "on": ["public_reply", "internal_note"],
//!         "to": [{"endpoint": "chat"}],
//!         "via": "webhook"
//!     }]
//! }"#)?;
//! let secret = Secret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?;
//! let notifier = WebhookNotifier::new(WebhookOptions::new(
//!     "https://hooks.example.com/helpdesk",
//!     vec![secret],
//! ))?;
//! let desk = Desk::new(config, MemoryStore::new(), notifier, SystemClock)?;
//! // Then run `desk.run_dispatch(now)`, or `helpdesk_engine::spawn_dispatcher`.
//! # Ok(())
//! # }
//! ```
//!
//! # The body
//!
//! One `POST` per notification, with `Content-Type: application/json` and
//! a small, versioned envelope ([`envelope`]):
//!
//! ```json
//! {"v": 1,
//!  "id": "6f1c2a9e-…",         // the delivery's id: the idempotency key
//!  "event_id": "0193c6f0-…",   // the event told of
//!  "tenant": "…", "ticket": "…",
//!  "version": 3,               // the ticket's version after the event, from 1
//!  "type": "replied",          // the event's type
//!  "at": "2026-03-02T09:15:00Z",
//!  "rule": "Conversation to the chat", // the notification rule that planned it
//!  "recipient": {"endpoint": "chat"},  // whom it was planned for: {"endpoint": key} or {"actor": id}
//!  "subject": "[#1042] Printer jams", // the rendered one-line subject
//!  "text": "Maria replied.\n\n…", // the rendered plain text
//!  "event": {"v": 1, "at": "…", "by": {"id": "…", "role": "agent"},
//!            "type": "replied", "data": {"comment": "…", "body": "…"}}}
//! ```
//!
//! `v` is the envelope's version ([`ENVELOPE_VERSION`]); `type` and `at`
//! repeat the event's, so receivers can route without reading the event;
//! `subject` and `text` are what the rule's template rendered, ready to
//! show; `event` is the event in the desk's stored JSON form (documented
//! in `helpdesk_core::event`, with its own `v`). One event told to several
//! recipients is posted once per delivery, each with its own `id` and the
//! same `event_id`. Receivers should ignore fields they do not know.
//! [`envelope`] pins the exact form.
//!
//! The event is whole, internal notes included, for whatever the rules
//! send: a webhook endpoint is a system of the help desk's own staff, not
//! a place to tell requesters.
//!
//! # The headers
//!
//! | header | value |
//! |--------|-------|
//! | `webhook-id` | the delivery id (of the event, the recipient and the channel): the same on every retry, so receivers drop what they already took |
//! | `webhook-timestamp` | when this attempt was signed, in unix seconds |
//! | `webhook-signature` | `v1,<base64 of HMAC-SHA256 of "{id}.{timestamp}.{body}">`, one entry per secret, separated by spaces |
//!
//! Secrets are written `whsec_<base64>` ([`Secret`]). With several secrets
//! (while rotating keys) each webhook carries one signature per secret, and
//! a receiver accepts it if any signature matches a secret it knows. A
//! notifier signs what it posts to every endpoint with the same secrets; a
//! desk whose endpoints must not share a key uses one notifier per key.
//!
//! # Verifying, on the receiver's side
//!
//! [`verify`] checks the headers and the body exactly as received, and a
//! timestamp within a tolerance of the receiver's clock, so an old
//! webhook replayed is refused:
//!
//! ```
//! use chrono::Utc;
//! use helpdesk_webhook::{DEFAULT_TOLERANCE, Received, Secret, VerifyError, verify};
//!
//! /// A receiver's handler, given the request's headers and raw body.
//! fn receive(header: impl Fn(&str) -> Option<String>, body: &[u8]) -> Result<(), VerifyError> {
//!     let secrets = [Secret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").expect("a secret")];
//!     let (id, timestamp, signature) = (
//!         header("webhook-id").unwrap_or_default(),
//!         header("webhook-timestamp").unwrap_or_default(),
//!         header("webhook-signature").unwrap_or_default(),
//!     );
//!     let received = Received { id: &id, timestamp: &timestamp, signature: &signature, body };
//!     verify(&received, &secrets, Utc::now(), DEFAULT_TOLERANCE)?;
//!     // Only now parse the body, and skip `id` if it was taken before.
//!     Ok(())
//! }
//!
//! // What a desk sends, signed with the old and the new secret during a rotation.
//! let secrets = [
//!     Secret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?,
//!     Secret::from_bytes([7; 32])?,
//! ];
//! let body = br#"{"v":1,"type":"replied"}"#;
//! let timestamp = Utc::now().timestamp();
//! let signature = helpdesk_webhook::signature_header(&secrets, "msg-1", timestamp, body);
//! let headers = [
//!     ("webhook-id", "msg-1".to_owned()),
//!     ("webhook-timestamp", timestamp.to_string()),
//!     ("webhook-signature", signature),
//! ];
//! let header = |name: &str| headers.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone());
//! assert_eq!(receive(header, body), Ok(()));
//! assert_eq!(receive(header, br#"{"v":1,"type":"closed"}"#), Err(VerifyError::Signature));
//! assert!(matches!(receive(|_| None, body), Err(VerifyError::Malformed { .. })));
//! # Ok::<(), helpdesk_webhook::SecretError>(())
//! ```
//!
//! # What is retried
//!
//! The desk's dispatcher ([`Desk::run_dispatch`](helpdesk_engine::Desk::run_dispatch))
//! retries a failed delivery with exponential backoff, keeping each
//! ticket's deliveries in order, until its attempts run out; a permanent
//! failure goes to the dead letters at once.
//!
//! | outcome of an attempt | result |
//! |-----------------------|--------|
//! | `2xx` | delivered |
//! | `5xx`, `429`, `408` | retried |
//! | no answer within [`WebhookOptions::timeout`], a connection refused or reset, a name that does not resolve | retried |
//! | any other `4xx` (`400`, `401`, `404`, `410`, …) | permanent: a dead letter after one attempt |
//! | `3xx`: redirects are not followed | permanent |
//! | an address refused (below) | permanent, naming the address |
//! | an endpoint's target that is not an `https` or `http` URL | permanent, naming it |
//!
//! A `Retry-After` header on a `429`, `408` or `5xx` (seconds, or an HTTP
//! date) is heeded: the next attempt waits at least that long
//! ([`NotifyError::retry_after`](helpdesk_engine::NotifyError::retry_after)),
//! at most the dispatcher's longest backoff
//! ([`Backoff::max`](helpdesk_engine::Backoff::max)), so an endpoint cannot
//! hold a message back for longer. The header is also quoted in the
//! error's reason, and so in the dispatcher's report and the dead letter.
//!
//! # Addresses
//!
//! An endpoint's URL may come from someone who should not reach inside
//! the host's network (a tenant's administrator editing the desk
//! configuration), so by default ([`PrivateAddresses::Refuse`]) a webhook
//! goes only to public addresses, whether it goes to an endpoint's target
//! or to [`WebhookOptions::endpoint`]. For each post the notifier resolves
//! the host itself, checks every address found (loopback, private and
//! unique local, link-local, shared, unspecified, multicast are refused),
//! and the client connects only to the addresses checked; an address
//! written in the URL is checked the same way. Cloud metadata services (`169.254.169.254`,
//! `fd00:ec2::254`, `100.100.100.200`) are refused even when
//! [`PrivateAddresses::Allow`] lets private addresses through. Proxies from
//! the environment are not used, and redirects are not followed, so the
//! request goes nowhere but the address checked.
#![warn(missing_docs)]

mod address;
mod envelope;
mod notifier;
mod retry_after;
mod signature;

pub use address::PrivateAddresses;
pub use envelope::{ENVELOPE_VERSION, envelope};
pub use notifier::{WebhookError, WebhookNotifier, WebhookOptions};
pub use signature::{
    DEFAULT_TOLERANCE, Received, SECRET_MAX_BYTES, SECRET_MIN_BYTES, Secret, SecretError,
    VerifyError, signature_header, verify,
};
