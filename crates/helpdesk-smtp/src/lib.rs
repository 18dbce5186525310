//! A help desk [`Notifier`](helpdesk_engine::Notifier) that sends each
//! notification as email over SMTP, threaded so that a ticket's mail reads
//! as one conversation, with a reply address that leads back to the
//! ticket.
//!
//! The desk's notification rules decide what is sent: each delivery they
//! plan by the `email` channel goes to the notification's address (a
//! person's email from the directory or the requester's vouched email, or
//! an email endpoint's target).
//!
//! ```no_run
//! use helpdesk_core::DeskConfig;
//! use helpdesk_engine::{Desk, MemoryStore, SystemClock};
//! use helpdesk_smtp::{Credentials, ReplyKey, ReplyTo, SmtpNotifier, SmtpOptions};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let config: DeskConfig = serde_json::from_str(r#"{
//!     "notification_rules": [{
//!         "name": "Replies to the requester",
//!         "on": ["public_reply", "resolved"],
//!         "to": ["requester"],
//!         "via": "email"
//!     }]
//! }"#)?;
//! let mut options = SmtpOptions::new("smtp.example.com", "support@example.com", "help.example.com");
//! options.from.name = Some("Example Support".into());
//! options.credentials = Some(Credentials::new("support@example.com", "app-password"));
//! let key = ReplyKey::new(std::env::var("HELPDESK_REPLY_KEY")?.into_bytes())?;
//! options.reply_to = Some(ReplyTo::new("support@example.com", vec![key]));
//! let notifier = SmtpNotifier::new(options)?;
//! let desk = Desk::new(config, MemoryStore::new(), notifier, SystemClock)?;
//! // Then run `desk.run_dispatch(now)`, or `helpdesk_engine::spawn_dispatcher`.
//! # Ok(())
//! # }
//! ```
//!
//! # The mail
//!
//! One mail per notification: the rendered text as `text/plain`, or, when
//! the template has HTML, a `multipart/alternative` of the text and the
//! HTML, in UTF-8 (quoted-printable or base64, as fits). The headers:
//!
//! | header | value |
//! |--------|-------|
//! | `From` | [`SmtpOptions::from`] |
//! | `To` | the addressee's name and address |
//! | `Subject` | the rendered subject; beyond ASCII, encoded as RFC 2047 says |
//! | `Date` | when the attempt was written, by the notifier's clock |
//! | `Message-ID` | `<{delivery id}@{domain}>`: the delivery's idempotency key, the same on every attempt, so a mail sent twice (an answer lost after the server took it) is recognisably the same mail |
//! | `In-Reply-To`, `References` | `<ticket-{ticket id}@{domain}>`: one root id per ticket, so mail clients thread every mail of a ticket together |
//! | `Reply-To` | with [`SmtpOptions::reply_to`]: `support+{token}@…`, whose token names the ticket, signed ([`ReplyTo`]) |
//! | `Auto-Submitted` | `auto-generated` (RFC 3834), so auto-responders do not answer |
//! | `X-Auto-Response-Suppress` | `All`, the same for Exchange and Outlook |
//!
//! `domain` is [`SmtpOptions::domain`]. The inbound side threads a reply
//! by its `In-Reply-To` and `References` (which name the root and the mail
//! answered) and by the token of the address it was sent to
//! ([`ReplyTo::ticket_of`]).
//!
//! Nothing from a notification reaches a header unchecked: a subject, a
//! name or an address holding a line break (CR or LF) or a NUL is refused
//! for good, with a reason naming the header, and is never passed on; an
//! address that does not parse is refused the same way. Bodies may hold
//! anything: lines are ended with CRLF and a line of a lone `.` is
//! escaped as SMTP requires.
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
//! | the server accepted the message (`250` after `DATA`) | delivered |
//! | a `4xx` answer at any step (`421` service not available, `450`/`451` try again later, `452` out of storage) | retried |
//! | a connection refused, reset or closed, a name that does not resolve, a TLS handshake that failed (a certificate not trusted included) | retried |
//! | no answer within [`SmtpOptions::timeout`] | retried |
//! | a `5xx` answer at any step (`550` no such mailbox, `552` too large, `553` address refused, `554` transaction failed, `535` login refused) | permanent: a dead letter after one attempt |
//! | no email address for the recipient, an address that does not parse | permanent |
//! | a line break or NUL in the subject or in the addressee's name or address | permanent, naming the header |
//!
//! Every reason starts with the server (`host:port`) and quotes the
//! server's answer, so a dead letter says what to fix.
//!
//! # Connections and TLS
//!
//! Each attempt connects, sends one mail and closes: the dispatcher hands
//! a notifier one notification at a time, in order. [`Tls::StartTls`]
//! (the default, port 587) requires the upgrade, and [`Tls::Implicit`]
//! (port 465) starts with TLS; both check the server's certificate for
//! [`SmtpOptions::host`] against the platform's trust store and the roots
//! the host adds ([`SmtpOptions::extra_roots`], for a private authority or
//! a self-signed certificate), with rustls. A certificate nothing trusted
//! vouches for, or one for another name, ends the attempt at the
//! handshake: no login and no mail is sent, in clear or otherwise, and the
//! attempt is retried (a server's certificate may be mended without the
//! desk), until the dead letters. [`Tls::None`] is for a relay on the same
//! machine or a trusted network.
//!
//! With [`SmtpOptions::credentials`] the notifier logs in with `AUTH PLAIN`
//! or `AUTH LOGIN`, whichever the server offers (`PLAIN` when both); a
//! login the server refuses is permanent, its reason naming the user and
//! the `credentials` option.
#![warn(missing_docs)]

mod message;
mod notifier;
mod options;
mod reply;

pub use lettre;
pub use notifier::SmtpNotifier;
pub use options::{Credentials, Sender, SmtpError, SmtpOptions, Tls};
pub use reply::{
    LOCAL_PART_MAX, REPLY_KEY_MIN_BYTES, ReplyKey, ReplyTo, TOKEN_LEN, reply_token,
    verify_reply_token,
};
