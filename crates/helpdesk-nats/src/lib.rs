//! A help desk [`Notifier`](helpdesk_engine::Notifier) that publishes
//! notifications to NATS JetStream.
//!
//! The desk's notification rules decide what is published: each delivery
//! they plan by the `nats` channel is published as an [`Envelope`]
//! (versioned JSON: the event, the rule and recipient, the rendered
//! subject and text) to the subject `<prefix>.<tenant>.<event type>`, where
//! the prefix is the endpoint's target (such as `helpdesk`, or
//! `helpdesk.escalations`, under [`NatsOptions::prefix`] so the stream
//! captures it), with the delivery id in the `Nats-Msg-Id` header, and
//! counts as delivered once the stream has acked it. The desk's
//! dispatcher delivers at least once; JetStream's duplicate window turns
//! that into once for redeliveries within the window. Failures are
//! retryable or permanent as [`NatsNotifier`] lists.
//!
//! Consumers subscribe by tenant or by event type with wildcards:
//! `helpdesk.*.replied` (every reply), `helpdesk.<tenant>.>` (one tenant),
//! `helpdesk.>` (everything).
//!
//! ```no_run
//! use std::sync::Arc;
//! use std::time::Duration;
//!
//! use helpdesk_core::DeskConfig;
//! use helpdesk_engine::{Desk, MemoryStore, SystemClock, spawn_dispatcher};
//! use helpdesk_nats::{NatsNotifier, NatsOptions};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! // Every event a rule can fire on, to `helpdesk.<tenant>.<event type>`.
//! let config: DeskConfig = serde_json::from_str(r#"{
//!     "endpoints": {"bus": {"via": "nats", "target": "helpdesk"}},
//!     "notification_rules": [{
//!         "name": "Everything to the bus",
//!         "on": ["opened", "public_reply", "internal_note", "assigned", "group_changed",
//!                "status_changed", "sla_warning", "sla_breach", "escalated", "resolved",
//!                "reopened", "merged"],
//!         "to": [{"endpoint": "bus"}],
//!         "via": "nats"
//!     }]
//! }"#)?;
//! // Creates the stream HELPDESK (subjects `helpdesk.>`) when it is missing.
//! let notifier = NatsNotifier::connect("127.0.0.1:4222", NatsOptions::default()).await?;
//! let desk = Arc::new(Desk::new(config, MemoryStore::new(), notifier, SystemClock)?);
//! let dispatcher = spawn_dispatcher(desk.clone(), Duration::from_millis(200));
//! // ... execute commands on `desk`; their events reach the stream.
//! # dispatcher.abort();
//! # Ok(())
//! # }
//! ```
#![warn(missing_docs)]

mod envelope;
mod error;
mod notifier;
mod options;

pub use envelope::Envelope;
pub use error::NatsError;
pub use notifier::NatsNotifier;
pub use options::NatsOptions;

/// The NATS client this crate uses, at the version it uses, for hosts that
/// connect their own client and pass its JetStream context to
/// [`NatsNotifier::new`].
pub use async_nats;
