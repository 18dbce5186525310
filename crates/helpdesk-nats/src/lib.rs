//! A help desk [`Notifier`](helpdesk_engine::Notifier) that publishes the
//! outbox to NATS JetStream.
//!
//! Each outbox message is published as an [`Envelope`] (versioned JSON) to
//! the subject `<prefix>.<tenant>.<event type>`, with the event id in the
//! `Nats-Msg-Id` header, and counts as delivered once the stream has acked
//! it. The desk's dispatcher delivers at least once; JetStream's duplicate
//! window turns that into once for redeliveries within the window. Failures
//! are retryable or permanent as [`NatsNotifier`] lists.
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
//! // Creates the stream HELPDESK (subjects `helpdesk.>`) when it is missing.
//! let notifier = NatsNotifier::connect("127.0.0.1:4222", NatsOptions::default()).await?;
//! let desk = Arc::new(Desk::new(DeskConfig::default(), MemoryStore::new(), notifier, SystemClock)?);
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
