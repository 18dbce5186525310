//! [`MemoryStore`]: the reference [`Store`], in process memory.

mod commands;
mod delivery;
mod key;
mod messages;
mod numbers;
mod state;

use std::sync::{Mutex, MutexGuard, PoisonError};

use chrono::{DateTime, TimeDelta, Utc};
use helpdesk_core::{Reach, TenantId, Ticket, TicketId, TicketNumber};

use crate::ids::CommandId;
use crate::store::{
    Append, Appended, Claimed, CommandRecord, Cursor, DeadLetter, DueTicket, Logged, MessageId,
    OutboxMessage, Outcome, Page, SearchQuery, Store, StoreError, StoredEvent, TicketQuery,
    TicketRow, sort_key,
};
use key::Key;
use state::State;

/// The reference implementation of [`Store`]: everything in memory, behind
/// one lock. Fast, and exactly as the contract says; nothing survives the
/// process. Good for tests, simulations and hosts that persist elsewhere.
///
/// ```
/// use helpdesk_engine::{MemoryStore, Store};
/// use helpdesk_core::{TenantId, TicketId};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
/// let store = MemoryStore::new();
/// assert!(store.load(TenantId::from_u128(1), TicketId::from_u128(1)).await?.is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })
/// # }
/// ```
#[derive(Debug, Default)]
pub struct MemoryStore {
    state: Mutex<State>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Store for MemoryStore {
    async fn load(&self, tenant: TenantId, ticket: TicketId) -> Result<Option<Ticket>, StoreError> {
        Ok(self
            .state()
            .tickets
            .get(&Key::ticket(tenant, ticket))
            .map(|e| e.ticket.clone()))
    }

    async fn history(
        &self,
        tenant: TenantId,
        ticket: TicketId,
        from: u64,
    ) -> Result<Vec<StoredEvent>, StoreError> {
        Ok(self.state().history(&Key::ticket(tenant, ticket), from))
    }

    async fn command(
        &self,
        tenant: TenantId,
        command: CommandId,
    ) -> Result<Option<CommandRecord>, StoreError> {
        Ok(self.state().command(tenant, command))
    }

    async fn append(&self, append: Append) -> Result<Appended, StoreError> {
        self.state().append(append)
    }

    async fn query(
        &self,
        tenant: TenantId,
        reach: &Reach,
        query: TicketQuery,
    ) -> Result<Page, StoreError> {
        let limit = query.check()?;
        let state = self.state();
        let mut rows: Vec<&TicketRow> = state
            .tickets
            .iter()
            .filter(|(key, _)| key.is_of(tenant))
            .map(|(_, e)| &e.row)
            .filter(|row| reach.admits(row.requester, row.group, row.assignee))
            .filter(|row| query.filter.matches(row))
            .filter(|row| query.after.is_none_or(|c| c.admits(row)))
            .collect();
        rows.sort_by_key(|row| sort_key(row, query.order));
        let more = rows.len() > limit;
        let rows: Vec<TicketRow> = rows.into_iter().take(limit).cloned().collect();
        let next = if more {
            rows.last().map(|r| Cursor::after(r, query.order))
        } else {
            None
        };
        Ok(Page { rows, next })
    }

    async fn search(
        &self,
        tenant: TenantId,
        reach: &Reach,
        query: &SearchQuery,
    ) -> Result<Vec<TicketRow>, StoreError> {
        let internal = reach.finds_internal_text();
        let state = self.state();
        let mut rows: Vec<TicketRow> = state
            .tickets
            .iter()
            .filter(|(key, _)| key.is_of(tenant))
            .filter(|(_, e)| reach.admits(e.row.requester, e.row.group, e.row.assignee))
            .filter(|(_, e)| e.text.matches(&query.words, internal))
            .map(|(_, e)| e.row.clone())
            .collect();
        rows.sort_by_key(|row| sort_key(row, crate::store::Order::UpdatedAt));
        rows.truncate(query.limit as usize);
        Ok(rows)
    }

    async fn due_before(
        &self,
        instant: DateTime<Utc>,
        after: Option<DueTicket>,
        limit: u32,
    ) -> Result<Vec<DueTicket>, StoreError> {
        let state = self.state();
        let mut due: Vec<DueTicket> = state
            .tickets
            .values()
            .filter_map(|e| {
                e.row.next_due.filter(|d| *d <= instant).map(|d| DueTicket {
                    tenant: e.row.tenant,
                    ticket: e.row.id,
                    due: d,
                })
            })
            .filter(|d| after.is_none_or(|a| d.order_key() > a.order_key()))
            .collect();
        due.sort_by_key(DueTicket::order_key);
        due.truncate(limit as usize);
        Ok(due)
    }

    async fn pending_outbox(&self, limit: u32) -> Result<Vec<OutboxMessage>, StoreError> {
        Ok(self.state().pending_outbox(limit as usize))
    }

    async fn claim_outbox(
        &self,
        holder: &str,
        now: DateTime<Utc>,
        lease: TimeDelta,
        limit: u32,
    ) -> Result<Vec<Claimed>, StoreError> {
        let until = crate::store::lease_until(now, lease)?;
        Ok(self
            .state()
            .claim_outbox(holder, now, until, limit as usize))
    }

    async fn settle_outbox(
        &self,
        holder: &str,
        position: u64,
        outcome: Outcome,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        Ok(self.state().settle_outbox(holder, position, outcome, now))
    }

    async fn dead_letters(
        &self,
        tenant: TenantId,
        after: Option<u64>,
        limit: u32,
    ) -> Result<Vec<DeadLetter>, StoreError> {
        Ok(self.state().dead_letters(tenant, after, limit as usize))
    }

    async fn revive_dead_letter(
        &self,
        tenant: TenantId,
        position: u64,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        Ok(self.state().revive_dead_letter(tenant, position, at))
    }

    async fn next_ticket_number(&self, tenant: TenantId) -> Result<TicketNumber, StoreError> {
        self.state().numbers.next(tenant)
    }

    async fn ticket_by_number(
        &self,
        tenant: TenantId,
        number: TicketNumber,
    ) -> Result<Option<TicketId>, StoreError> {
        Ok(self.state().numbers.ticket(tenant, number))
    }

    async fn remember_message(
        &self,
        tenant: TenantId,
        message: &MessageId,
        ticket: TicketId,
    ) -> Result<TicketId, StoreError> {
        Ok(self.state().messages.remember(tenant, message, ticket))
    }

    async fn ticket_of_message(
        &self,
        tenant: TenantId,
        message: &MessageId,
    ) -> Result<Option<TicketId>, StoreError> {
        Ok(self.state().messages.ticket(tenant, message))
    }

    /// Positions are places in the one log, from 1.
    async fn feed(&self, after: Option<u64>, limit: u32) -> Result<Vec<Logged>, StoreError> {
        Ok(self.state().feed(after.unwrap_or(0), limit as usize))
    }
}
