//! # helpdesk-postgres
//!
//! The help desk's [`Store`](helpdesk_engine::Store) on PostgreSQL, for
//! products that run several instances of themselves: each host opens its
//! own [`PostgresStore`] (with its own pool of connections) on one
//! database, and they share the work.
//!
//! - **Optimistic versions**, as in every store: an append writes only if
//!   the ticket is still at the version the command was decided on.
//! - **Leases**: outbox messages are claimed with `FOR UPDATE SKIP LOCKED`
//!   and a lease expiry, so N hosts' dispatchers share them, none delivers
//!   one that another holds, and a host that died mid-lease has its
//!   messages picked up when the lease expires. With
//!   [`PostgresOptions::due_lease`], SLA due work is leased the same way.
//! - **Tenant isolation as defence in depth**: every query names its
//!   tenant, and row-level security policies admit only the rows of the
//!   tenant the transaction set (`SET LOCAL helpdesk.tenant`), so a query
//!   that forgot the tenant finds nothing.
//! - **Wake-ups**: appends `NOTIFY` listeners ([`PostgresStore::listen`])
//!   of new outbox messages and due instants.
//! - **Search** by substring of every word, served by `pg_trgm` indexes.
//! - **Embedded versioned migrations** (`migrations/*.sql`, recorded in
//!   `schema_migrations`), run by [`PostgresStore::connect`].
//!
//! Built on tokio-postgres and deadpool-postgres: statements are prepared
//! once per connection and an append is two round trips (its checks, then
//! its rows pipelined with `COMMIT`; between them, one more to bind a
//! mail's new id, [`Append::message`](helpdesk_engine::store::Append::message),
//! and two for an id bound before, whose binding is read back); the
//! SQLite store measured sqlx's per-statement overhead as high, and
//! tokio-postgres pipelines.
//!
//! ```no_run
//! use helpdesk_core::{Actor, ActorId, Command, DeskConfig, NewTicket, TenantId};
//! use helpdesk_engine::{Desk, NoNotifier, Request, SystemClock};
//! use helpdesk_postgres::{PostgresOptions, PostgresStore};
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let options = PostgresOptions { schema: Some("helpdesk".into()), ..PostgresOptions::default() };
//! let store = PostgresStore::connect("host=127.0.0.1 user=helpdesk dbname=helpdesk", options).await?;
//! let desk = Desk::new(DeskConfig::default(), store, NoNotifier, SystemClock)?;
//! let admin = Actor::admin(ActorId::from_u128(1), TenantId::from_u128(1));
//! let open = Command::Open(NewTicket::new(admin.id, "VPN drops", ""));
//! desk.execute(Request::new(admin, helpdesk_engine::new_ticket_id(), open)).await?;
//! # Ok(())
//! # }
//! ```
#![warn(missing_docs)]

mod announce;
mod codec;
mod error;
mod feed;
mod list;
mod listen;
mod messages;
mod migrate;
mod numbers;
mod options;
mod outbox;
mod store;
mod tx;

pub use error::PostgresError;
pub use listen::{Wake, Wakeups};
pub use migrate::SCHEMA_VERSION;
pub use options::PostgresOptions;
pub use store::PostgresStore;
