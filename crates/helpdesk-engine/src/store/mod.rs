//! The [`Store`] port: where tickets, their events, the query projection
//! and the outbox live.
//!
//! # The contract
//!
//! Every store, whatever its backend, keeps these promises; the conformance
//! suite of `helpdesk-testkit` checks each of them.
//!
//! - **Tenants are sealed.** Every method that reads or writes tickets takes
//!   a tenant, and never returns or touches another tenant's data. The one
//!   system-wide read is [`Store::due_before`], for the SLA scheduler; it
//!   returns tenant ids with the tickets.
//! - **Appends are atomic.** [`Store::append`] writes the events, the
//!   command record, the ticket's row (and its snapshot, when the store
//!   keeps one at this version), and the outbox messages together, or
//!   nothing.
//! - **Versions are optimistic.** An append succeeds only if the ticket's
//!   stored version equals `command.from_version` (0 for a new ticket);
//!   otherwise it fails with [`StoreError::Conflict`] and writes nothing.
//!   Versions of a ticket's events are contiguous from 1.
//! - **Command ids are idempotent.** Appending a command id already recorded
//!   for the tenant writes nothing and answers [`Appended::Duplicate`] with
//!   the first record, even if the first append raced with this one.
//! - **Reads see committed appends.** After `append` returns, `load`,
//!   `history`, queries and search reflect it.
//! - **Pages are stable.** Listing with a cursor never returns a ticket
//!   twice and never skips one whose sort key did not change, also while
//!   other tickets are appended.
//!
//! Methods return `impl Future + Send`, so tokio hosts can call them from
//! any task; implementors may write them as `async fn`.

mod error;
mod outbox;
mod query;
mod record;
mod row;

use std::future::Future;

use chrono::{DateTime, Utc};
use helpdesk_core::{TenantId, Ticket, TicketId};

pub use error::StoreError;
pub use outbox::OutboxMessage;
pub use query::{Cursor, Filter, Order, Page, SortKey, TicketQuery, sort_key};
pub use record::{Append, Appended, CommandRecord, StoredEvent};
pub use row::TicketRow;

use crate::ids::CommandId;

/// A ticket whose next SLA warning, breach or timed escalation is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DueTicket {
    /// The tenant.
    pub tenant: TenantId,
    /// The ticket.
    pub ticket: TicketId,
    /// When it falls due.
    pub due: DateTime<Utc>,
}

/// Where tickets live. See the [module documentation](self) for the
/// contract every implementation keeps.
pub trait Store: Send + Sync {
    /// The ticket as its last append left it, or `None` if it does not
    /// exist in the tenant. A store may keep a snapshot only every few
    /// events and apply the events after it.
    fn load(
        &self,
        tenant: TenantId,
        ticket: TicketId,
    ) -> impl Future<Output = Result<Option<Ticket>, StoreError>> + Send;

    /// The ticket's events, oldest first, from version `from` (1 for all).
    fn history(
        &self,
        tenant: TenantId,
        ticket: TicketId,
        from: u64,
    ) -> impl Future<Output = Result<Vec<StoredEvent>, StoreError>> + Send;

    /// The record of command `command` in the tenant, if it was executed.
    fn command(
        &self,
        tenant: TenantId,
        command: CommandId,
    ) -> impl Future<Output = Result<Option<CommandRecord>, StoreError>> + Send;

    /// Writes a command's results atomically (see the contract).
    fn append(&self, append: Append) -> impl Future<Output = Result<Appended, StoreError>> + Send;

    /// One page of the tenant's tickets.
    fn query(
        &self,
        tenant: TenantId,
        query: TicketQuery,
    ) -> impl Future<Output = Result<Page, StoreError>> + Send;

    /// The tenant's tickets whose subject or conversation contains every
    /// word of `text` (case-insensitive), most recently updated first, at
    /// most `limit`.
    fn search(
        &self,
        tenant: TenantId,
        text: &str,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<TicketRow>, StoreError>> + Send;

    /// Across tenants, the tickets with something due at or before
    /// `instant`, soonest first, at most `limit`.
    fn due_before(
        &self,
        instant: DateTime<Utc>,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<DueTicket>, StoreError>> + Send;

    /// Up to `limit` outbox messages not yet delivered, oldest first.
    fn pending_outbox(
        &self,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<OutboxMessage>, StoreError>> + Send;
}

/// A shared store is a store: several desks (one per host, say) can work on
/// one `Arc`'d store.
impl<S: Store> Store for std::sync::Arc<S> {
    fn load(
        &self,
        tenant: TenantId,
        ticket: TicketId,
    ) -> impl Future<Output = Result<Option<Ticket>, StoreError>> + Send {
        (**self).load(tenant, ticket)
    }

    fn history(
        &self,
        tenant: TenantId,
        ticket: TicketId,
        from: u64,
    ) -> impl Future<Output = Result<Vec<StoredEvent>, StoreError>> + Send {
        (**self).history(tenant, ticket, from)
    }

    fn command(
        &self,
        tenant: TenantId,
        command: CommandId,
    ) -> impl Future<Output = Result<Option<CommandRecord>, StoreError>> + Send {
        (**self).command(tenant, command)
    }

    fn append(&self, append: Append) -> impl Future<Output = Result<Appended, StoreError>> + Send {
        (**self).append(append)
    }

    fn query(
        &self,
        tenant: TenantId,
        query: TicketQuery,
    ) -> impl Future<Output = Result<Page, StoreError>> + Send {
        (**self).query(tenant, query)
    }

    fn search(
        &self,
        tenant: TenantId,
        text: &str,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<TicketRow>, StoreError>> + Send {
        (**self).search(tenant, text, limit)
    }

    fn due_before(
        &self,
        instant: DateTime<Utc>,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<DueTicket>, StoreError>> + Send {
        (**self).due_before(instant, limit)
    }

    fn pending_outbox(
        &self,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<OutboxMessage>, StoreError>> + Send {
        (**self).pending_outbox(limit)
    }
}
