//! # helpdesk
//!
//! An embeddable help desk core: tickets with a real lifecycle, ITIL
//! priorities, SLA clocks on business calendars, escalation tiers, routing
//! and assignment, authorization, and an event-sourced audit trail, inside
//! your own process, on SQLite by default.
//!
//! This crate is the facade. It re-exports the pure domain
//! ([`helpdesk_core`]: tickets, commands, events, calendars, SLA, routing,
//! escalation, assignment, the desk configuration), the engine
//! ([`engine`]: the [`Desk`] service and its ports) and, with the `sqlite`
//! feature (on by default), the SQLite store; with the `postgres` feature,
//! the PostgreSQL store for several hosts on one database; with the `nats` feature, the
//! notifier that publishes to NATS JetStream (`nats`); with the `webhook`
//! feature, the notifier that posts signed HTTP webhooks (`webhook`); with
//! the `smtp` feature, the notifier that sends email over SMTP, threaded
//! per ticket (`smtp`); with the `axum` feature, the HTTP API (`api`);
//! with the `mail` feature, the inbound email channel (`mail`).
//!
//! ```
//! use helpdesk::chrono::{TimeZone, Utc};
//! use helpdesk::*;
//!
//! let tenant = TenantId::from_u128(1);
//! let alice = Actor::requester(ActorId::from_u128(10), tenant);
//! let config = DeskConfig::default();
//! let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
//!
//! let mut ticket = Ticket::new(TicketId::from_u128(100));
//! let open = Command::Open(NewTicket::new(alice.id, "Cannot print", "Paper jam on 3F"));
//! for event in decide(&ticket, open, &Context::new(&alice, now, &config))? {
//!     apply(&mut ticket, &event);
//! }
//! assert_eq!(ticket.status().category, StatusCategory::New);
//! # Ok::<(), DomainError>(())
//! ```

pub use helpdesk_core::{
    Actor, ActorId, ActorRef, AssetRef, AttachmentRef, Cause, Change, Channel, Command,
    CommandKind, Comment, CommentId, Context, DeskConfig, DomainError, Escalated, Event, FieldDef,
    FieldKind, FieldValue, GroupId, Impact, Link, LinkKind, NewTicket, Opened, Priority,
    PriorityMatrix, PriorityReason, Reach, Resolution, ResolutionCode, Role, SearchText, Status,
    StatusCategory, StatusTarget, Tag, TenantId, Ticket, TicketId, TicketNumber, TicketType,
    Urgency, ValidationError, Visibility, Vouched, apply, decide,
};
pub use helpdesk_core::{
    assignment, authorization, calendar, config, escalation, lifecycle, metrics, notification, sla,
    suggest,
};

/// Routing rules: where tickets go and who takes them
/// ([`helpdesk_core::routing`]). Named `rules` here, not `routing`, so
/// that `use helpdesk::*;` beside `use axum::*;` leaves axum's `routing`
/// unambiguous.
///
/// ```
/// use helpdesk::rules::RoutingRule;
/// let rule: RoutingRule = serde_json::from_str(
///     r#"{"name": "VPN", "when": {"subject_has": ["vpn"]}, "then": {"tags": ["vpn"]}}"#,
/// ).unwrap();
/// assert_eq!(rule.name, "VPN");
/// ```
pub mod rules {
    pub use helpdesk_core::routing::*;
}

/// The application layer: the desk service, its ports, the scheduler and
/// the in-memory store.
pub mod engine {
    pub use helpdesk_engine::*;
}

pub use helpdesk_engine::store::{Filter, Order, TicketQuery};
pub use helpdesk_engine::view::{
    CommentView, DEAD_LETTER_PAGE_MAX, DeadLetterView, EventView, Outcome, Page, TicketSummary,
    TicketView,
};
pub use helpdesk_engine::{
    ByEmailFuture, Channels, Clock, CommandId, ConfigDirectory, Contact, DeliveryId, Desk,
    DeskError, DeskOptions, Directory, DirectoryError, DirectoryFuture, DispatchOptions,
    DispatchReport, DueReport, Executed, ManualClock, MemoryStore, NoNotifier, Notification,
    Notifier, NotifyError, OptOut, Request, Reuse, Store, StoreError, SystemClock, Templates,
    new_comment_id, new_ticket_id, spawn_dispatcher, spawn_scheduler,
};

/// The UUID library of every id in the API ([`TicketId::from_uuid`],
/// [`CommandId::from_uuid`]), at the version this crate uses.
pub use uuid;

/// The date and time library of every instant in the API
/// ([`chrono::DateTime<Utc>`](chrono::DateTime)), at the version this
/// crate uses.
pub use chrono;

/// The SQLite store, the embedded default.
#[cfg(feature = "sqlite")]
pub mod sqlite {
    pub use helpdesk_sqlite::*;
}

#[cfg(feature = "sqlite")]
pub use helpdesk_sqlite::{SqliteError, SqliteOptions, SqliteStore};

/// The PostgreSQL store, for several host instances on one database
/// (feature `postgres`).
#[cfg(feature = "postgres")]
pub mod postgres {
    pub use helpdesk_postgres::*;
}

#[cfg(feature = "postgres")]
pub use helpdesk_postgres::{PostgresError, PostgresOptions, PostgresStore};

/// The notifier that publishes the outbox to NATS JetStream (feature
/// `nats`).
#[cfg(feature = "nats")]
pub mod nats {
    pub use helpdesk_nats::*;
}

#[cfg(feature = "nats")]
pub use helpdesk_nats::{NatsError, NatsNotifier, NatsOptions};

/// The notifier that posts the outbox as signed HTTP webhooks (feature
/// `webhook`).
#[cfg(feature = "webhook")]
pub mod webhook {
    pub use helpdesk_webhook::*;
}

#[cfg(feature = "webhook")]
pub use helpdesk_webhook::{WebhookError, WebhookNotifier, WebhookOptions};

/// The notifier that sends the outbox as email over SMTP, threaded per
/// ticket (feature `smtp`).
#[cfg(feature = "smtp")]
pub mod smtp {
    pub use helpdesk_smtp::*;
}

#[cfg(feature = "smtp")]
pub use helpdesk_smtp::{SmtpError, SmtpNotifier, SmtpOptions};

/// The inbound email channel (feature `mail`): mail becomes tickets and
/// replies ([`mail::MailChannel`]), fetched from IMAP ([`mail::ImapSource`]),
/// its files kept in an attachment store.
#[cfg(feature = "mail")]
pub mod mail {
    pub use helpdesk_mail::*;
}

/// The HTTP API for axum hosts (feature `axum`): `api::router(desk,
/// resolver)` and what it takes and answers.
///
/// Glob imports of this crate and of axum stay usable side by side:
///
/// ```
/// use axum::*;
/// use helpdesk::*;
///
/// let health: Router = Router::new().route("/health", routing::get(|| async { "ok" }));
/// let tenant = TenantId::from_u128(1);
/// let _ = (health, Actor::admin(ActorId::from_u128(1), tenant));
/// ```
#[cfg(feature = "axum")]
pub mod api {
    pub use helpdesk_axum::*;
}

#[cfg(feature = "axum")]
pub use helpdesk_axum::{ActorResolver, Unauthorized};

/// The README's examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
