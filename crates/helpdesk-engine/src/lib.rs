//! The help desk application layer: [`Desk`] executes commands of the pure
//! domain ([`helpdesk_core`]) against a [`Store`], stamps them with a
//! [`Clock`], writes notifications to an outbox, runs the outbox
//! dispatcher that hands them to a [`Notifier`] ([`Desk::run_dispatch`];
//! `spawn_dispatcher` runs it in a tokio task), and runs the SLA scheduler
//! ([`Desk::run_due`]).
//!
//! Ports are traits with `async fn`s whose futures are `Send`, so tokio
//! hosts use them directly and a synchronous host can block on them.
//! [`MemoryStore`] is the reference store; `helpdesk-sqlite` (one SQLite
//! file) and `helpdesk-postgres` (one PostgreSQL database shared by
//! several hosts) are durable ones, and `helpdesk-testkit` checks any
//! store against the [contract](store).

mod clock;
mod desk;
mod dispatcher;
mod error;
mod ids;
mod memory;
mod notification;
mod notifier;
mod scheduler;
pub mod store;
mod turns;
pub mod view;

pub use clock::{Clock, ManualClock, SystemClock};
pub use desk::{Desk, DeskOptions, Executed, Request};
#[cfg(feature = "tokio")]
pub use dispatcher::spawn_dispatcher;
pub use dispatcher::{Backoff, DispatchOptions, DispatchReport};
pub use error::{ConfigError, DeskError, Reuse};
pub use ids::{CommandId, DeliveryId, EventId, new_comment_id, new_ticket_id};
pub use memory::MemoryStore;
pub use notification::{
    Addressee, ByEmailFuture, Channels, ConfigDirectory, Contact, Directory, DirectoryError,
    DirectoryFuture, EventVars, Notification, OptOut, RecipientVars, RenderError, Rendered,
    Templates, TicketVars, Unrouted, Vars,
};
pub use notifier::{NoNotifier, Notifier, NotifyError};
pub use scheduler::DueReport;
#[cfg(feature = "tokio")]
pub use scheduler::spawn_scheduler;
pub use store::{Store, StoreError};
