//! The [`Store`] port: where tickets, their events, the query projection
//! and the outbox live.
//!
//! # The contract
//!
//! Every store, whatever its backend, keeps these promises; the conformance
//! suite of `helpdesk-testkit` checks each of them.
//!
//! - **Tenants are sealed.** Every method that reads or writes tickets takes
//!   a tenant, and never returns or touches another tenant's data. Five
//!   methods are system-wide: [`Store::due_before`], for the SLA
//!   scheduler; [`Store::claim_outbox`] and [`Store::settle_outbox`], for
//!   the dispatcher that delivers notifications; [`Store::pending_outbox`],
//!   for what waits to be delivered; and [`Store::feed`], for projections
//!   such as metrics. Each read returns every tenant's entries, each with
//!   its own tenant id.
//! - **Reach is applied inside the store.** [`Store::query`] and
//!   [`Store::search`] take the reader's [`Reach`] and answer only tickets
//!   in it, before the limit and the cursor: a page holds `limit` rows
//!   whenever that many are in reach after the cursor, and a cursor is only
//!   ever made from a row returned.
//! - **Search text is the domain's.** Each append carries the text its
//!   events add ([`Append::text`]), split into public and internal parts.
//!   A store indexes it as given and never interprets events to decide
//!   what is searchable or visible; a reach that does not find internal
//!   text ([`Reach::finds_internal_text`]) is matched against public parts
//!   only.
//! - **Appends are atomic.** [`Store::append`] writes the events, the
//!   command record, the ticket's row (and its snapshot, when the store
//!   keeps one at this version), the outbox messages and the binding of
//!   [`Append::message`] together, or nothing.
//! - **Versions are optimistic.** An append succeeds only if the ticket's
//!   stored version equals `command.from_version` (0 for a new ticket);
//!   otherwise (a version behind or ahead of the stored one, or 0 for a
//!   ticket that exists) it fails with [`StoreError::Conflict`] and writes
//!   nothing. Versions of a ticket's events are contiguous from 1.
//! - **Command ids are idempotent.** Appending a command id already recorded
//!   for the tenant writes nothing and answers [`Appended::Duplicate`] with
//!   the first record (its actor and fingerprint included, as first
//!   written), even if the first append raced with this one. Ids are
//!   recorded per tenant: the same id in another tenant is another
//!   command. The check for a recorded id, the version check and the write
//!   hold one lock or one transaction.
//! - **An append without events** records the command and sets the row's
//!   `next_due` to the one given (a configuration change can move a due
//!   instant without any event); it writes no event, no outbox message and
//!   no snapshot, and leaves the version as it is.
//! - **Reads see committed appends.** After `append` returns, `load`,
//!   `history`, queries and search reflect it.
//! - **Answers rest on durable commits.** An append's answer, a duplicate's,
//!   a command record and an outbox message come only from commits as
//!   durable as the store promises its appends to be (the SQLite store with
//!   `Synchronous::Full`: on disk), and a duplicate of an append that was
//!   rolled back is an error, never `Duplicate`.
//! - **Pages are stable.** Listing with a cursor never returns a ticket
//!   twice and never skips one whose sort key did not change, also while
//!   other tickets are appended. A page has a `next` cursor exactly when
//!   more rows in reach follow it: an exactly full last page has none.
//! - **History is by version.** [`Store::history`] from 0 or 1 answers
//!   every event; from past the last version it answers nothing.
//! - **Outbox messages are delivered at least once, by one holder at a
//!   time.** [`Store::claim_outbox`] leases due messages to a holder until
//!   `now + lease`; no other holder claims them while the lease holds, and
//!   any may once it has expired (a host that died mid-delivery). A message
//!   is claimable once its commit is durable, while it is neither delivered
//!   nor dead and its retry instant has come; a ticket's messages are
//!   claimed in order: one is not claimed while an earlier one of its
//!   ticket is held by another lease or waiting for its retry.
//!   [`Store::settle_outbox`] records an attempt's outcome only for the
//!   holder of the message's lease (or of its last, expired lease, if no
//!   one claimed it since). A dead letter stays until
//!   [`Store::revive_dead_letter`] makes it claimable again.
//! - **The log is fed in commit order.** [`Store::feed`] answers every
//!   tenant's events with a position each: positions grow in the order the
//!   appends committed as readers see it (a ticket's events by version;
//!   an event committed after a reader read another has the higher
//!   position, while appends that committed between two reads may be
//!   numbered in the order they began writing), need not be contiguous,
//!   and are never reused. Only durable commits are fed, and
//!   never one that could be followed by a commit of a lower position: a
//!   reader that has read up to a position never later finds a new event
//!   at or below it, however many appends run concurrently.
//! - **Ticket numbers are unique per tenant.** [`Store::next_ticket_number`]
//!   hands out each number of a tenant once, increasing, under any number
//!   of concurrent callers and hosts (a counter per tenant, taken and
//!   moved in one statement or under one lock); a number taken by an open
//!   that then failed is never handed out again, so numbers may have gaps.
//!   The number is in the ticket's `Opened` event, and the store keeps it
//!   in the ticket's row ([`TicketRow::number`]), unique per tenant: an
//!   append opening a ticket with a number another ticket of the tenant
//!   holds fails with [`StoreError::NumberTaken`] and writes nothing.
//!   [`Store::ticket_by_number`] finds a ticket by it, in its tenant only.
//! - **Message ids are bound once.** [`Store::remember_message`] binds a
//!   mail's [`MessageId`] to a ticket in a tenant; an id already bound
//!   keeps its first ticket, and the call answers that one.
//!   [`Store::ticket_of_message`] answers the binding, in its tenant only:
//!   the same id in another tenant finds nothing. The desk binds every
//!   mail it sends, under [`MessageId::of_delivery`], before the notifier
//!   is handed it. An append binds [`Append::message`] to its ticket in
//!   its own transaction: a mail taken in is bound exactly when its
//!   command is recorded. An append whose id is bound to another ticket
//!   of the tenant fails with [`StoreError::MessageBound`] and writes
//!   nothing (a retry of a written append answers as its duplicate), so
//!   copies of one mail decided apart on two hosts land on one ticket.
//! - **Due work is ordered.** [`Store::due_before`] answers by due instant,
//!   ties by tenant and then ticket id (as their bytes order), after the
//!   given position, so a scheduler pages past tickets it cannot finish.
//!
//! Methods return `impl Future + Send`, so tokio hosts can call them from
//! any task; implementors may write them as `async fn`.

mod delivery;
mod error;
mod feed;
mod fingerprint;
mod message_id;
mod outbox;
mod query;
mod record;
mod row;
mod search;
mod ticket_cache;

use std::future::Future;

use chrono::{DateTime, TimeDelta, Utc};
use helpdesk_core::{Reach, TenantId, Ticket, TicketId, TicketNumber};

pub use delivery::{Claimed, DeadLetter, Outcome, lease_until};
pub use error::StoreError;
pub use feed::Logged;
pub use fingerprint::Fingerprint;
pub use message_id::{MessageId, MessageIdError};
pub use outbox::OutboxMessage;
pub use query::{Cursor, Filter, Order, Page, SortKey, TicketQuery, sort_key};
pub use record::{Append, Appended, CommandRecord, StoredEvent};
pub use row::TicketRow;
pub use search::SearchQuery;
pub use ticket_cache::TicketCache;

use crate::ids::CommandId;

/// A ticket whose next SLA warning, breach or timed escalation is due, as
/// [`Store::due_before`] returns it.
///
/// ```
/// use chrono::{DateTime, Duration, Utc};
/// use helpdesk_core::{Actor, ActorId, Command, DeskConfig, NewTicket, TenantId};
/// use helpdesk_engine::{Desk, ManualClock, MemoryStore, NoNotifier, Request, Store};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
/// # let config: DeskConfig = serde_json::from_value(serde_json::json!({
/// #     "sla_policies": [{"key": "standard", "targets": {"first_response": {
/// #         "P1": "1h", "P2": "1h", "P3": "1h", "P4": "1h", "P5": "1h"}}}]
/// # }))?;
/// // `config` has an SLA policy with a first response target of one hour.
/// let t0: DateTime<Utc> = "2026-03-02T09:00:00Z".parse()?;
/// let desk = Desk::new(config, MemoryStore::new(), NoNotifier, ManualClock::new(t0))?;
/// let tenant = TenantId::from_u128(1);
/// let admin = Actor::admin(ActorId::from_u128(1), tenant);
/// let id = helpdesk_engine::new_ticket_id();
/// let open = Command::Open(NewTicket::new(admin.id, "Printer jams", ""));
/// desk.execute(Request::new(admin, id, open)).await?;
///
/// assert!(desk.store().due_before(t0, None, 10).await?.is_empty());
/// let due = desk.store().due_before(t0 + Duration::hours(1), None, 10).await?;
/// assert_eq!(due.len(), 1);
/// assert_eq!((due[0].tenant, due[0].ticket), (tenant, id));
/// assert_eq!(due[0].due, t0 + Duration::hours(1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DueTicket {
    /// The tenant.
    pub tenant: TenantId,
    /// The ticket.
    pub ticket: TicketId,
    /// When it falls due.
    pub due: DateTime<Utc>,
}

impl DueTicket {
    /// Its place in the order of [`Store::due_before`]: due instant, then
    /// tenant, then ticket.
    pub fn order_key(&self) -> (DateTime<Utc>, TenantId, TicketId) {
        (self.due, self.tenant, self.ticket)
    }
}

/// Where tickets live. See the [module documentation](self) for the
/// contract every implementation keeps.
///
/// A desk writes through its store; a host may read the same store
/// directly, and several desks may share one through an `Arc`:
///
/// ```
/// use std::sync::Arc;
///
/// use helpdesk_core::{Actor, ActorId, Command, DeskConfig, NewTicket, TenantId};
/// use helpdesk_engine::{Desk, MemoryStore, NoNotifier, Request, Store, SystemClock};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
/// let store = Arc::new(MemoryStore::new());
/// let desk = Desk::new(DeskConfig::default(), store.clone(), NoNotifier, SystemClock)?;
/// let tenant = TenantId::from_u128(1);
/// let admin = Actor::admin(ActorId::from_u128(1), tenant);
/// let id = helpdesk_engine::new_ticket_id();
/// let new = NewTicket::new(admin.id, "VPN drops", "");
/// let open = Request::new(admin.clone(), id, Command::Open(new));
/// let executed = desk.execute(open.clone()).await?;
///
/// let loaded = store.load(tenant, id).await?.expect("the ticket is stored");
/// assert_eq!(Some(&loaded), executed.ticket.as_ref(), "an admin sees the whole ticket");
/// assert_eq!(store.history(tenant, id, 1).await?, executed.events);
/// let record = store.command(tenant, open.id).await?.expect("the command is recorded");
/// assert_eq!((record.from_version, record.to_version), (0, loaded.version()));
/// // Tenants are sealed.
/// assert!(store.load(TenantId::from_u128(2), id).await?.is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })
/// # }
/// ```
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

    /// One page of the tenant's tickets in `reach` (applied before the
    /// limit and the cursor; see the contract).
    fn query(
        &self,
        tenant: TenantId,
        reach: &Reach,
        query: TicketQuery,
    ) -> impl Future<Output = Result<Page, StoreError>> + Send;

    /// The tenant's tickets in `reach` matching `query`, each once, most
    /// recently updated first (as [`Order::UpdatedAt`] sorts them), at most
    /// `query.limit`.
    ///
    /// A ticket matches when every word occurs, as a substring, in one of
    /// the parts of its search text ([`Append::text`], lowercased like the
    /// words): a public part, or an internal one when the reach
    /// [finds internal text](Reach::finds_internal_text). A word matches
    /// inside a longer word ("print" finds "printer"), and different words
    /// may be in different parts. No words match nothing. Every query
    /// [`SearchQuery::new`] builds is answered, whatever its words' number
    /// and length.
    fn search(
        &self,
        tenant: TenantId,
        reach: &Reach,
        query: &SearchQuery,
    ) -> impl Future<Output = Result<Vec<TicketRow>, StoreError>> + Send;

    /// Across tenants, the tickets with something due at or before
    /// `instant`, soonest first (ties by tenant, then ticket), strictly
    /// after `after` in that order when given, at most `limit`: every
    /// tenant's, each with its own tenant.
    fn due_before(
        &self,
        instant: DateTime<Utc>,
        after: Option<DueTicket>,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<DueTicket>, StoreError>> + Send;

    /// Across tenants, up to `limit` outbox messages neither delivered nor
    /// dead, oldest first (in the order their appends committed, whatever
    /// their ticket), claimed or not.
    fn pending_outbox(
        &self,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<OutboxMessage>, StoreError>> + Send;

    /// Across tenants, up to `limit` outbox messages due at `now`, oldest
    /// first, leased to `holder` until `now + lease` (see the contract for
    /// which are due and the order per ticket).
    fn claim_outbox(
        &self,
        holder: &str,
        now: DateTime<Utc>,
        lease: TimeDelta,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<Claimed>, StoreError>> + Send;

    /// Records how `holder`'s attempt at the message at `position` ended,
    /// at `now`, and releases its lease; `false` (and nothing written) when
    /// another holder has claimed it since, or it is delivered or dead.
    fn settle_outbox(
        &self,
        holder: &str,
        position: u64,
        outcome: Outcome,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Up to `limit` of `tenant`'s dead letters after `after` (a
    /// position), oldest first; never another tenant's.
    fn dead_letters(
        &self,
        tenant: TenantId,
        after: Option<u64>,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<DeadLetter>, StoreError>> + Send;

    /// Makes `tenant`'s dead letter at `position` claimable again from
    /// `at`, its attempts kept; `false` (and nothing written) when `tenant`
    /// has no dead letter there.
    fn revive_dead_letter(
        &self,
        tenant: TenantId,
        position: u64,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// The next number of the tenant's counter: 1 for its first ticket,
    /// then one more than the last handed out, each handed out once even
    /// to concurrent callers on several hosts (see the contract). The desk
    /// takes one before deciding an open; an open that fails leaves a gap.
    fn next_ticket_number(
        &self,
        tenant: TenantId,
    ) -> impl Future<Output = Result<TicketNumber, StoreError>> + Send;

    /// The tenant's ticket with number `number`, if one was opened with it.
    /// Another tenant's ticket of that number is never answered.
    fn ticket_by_number(
        &self,
        tenant: TenantId,
        number: TicketNumber,
    ) -> impl Future<Output = Result<Option<TicketId>, StoreError>> + Send;

    /// Binds `message` to `ticket` in the tenant, unless it is bound
    /// already; answers the ticket it is bound to (the first binding
    /// wins, so repeating the call, or a later call naming another ticket,
    /// changes nothing). Callers binding one id at once, on one host or
    /// several, are all answered the same first binding. The store does
    /// not check that the ticket exists: the desk binds a mail before or
    /// while it goes out.
    ///
    /// `message` is normalised as [`MessageId`] says (angle brackets and
    /// surrounding whitespace stripped, case kept) and kept exactly so. A
    /// mail the desk sends is bound under [`MessageId::of_delivery`] of its
    /// delivery: the delivery id's text, which is the `id-left` of the
    /// `Message-ID` `<{delivery id}@{domain}>` the SMTP notifier writes.
    /// An inbound mail's references are looked up whole (mail the desk
    /// received and bound) and by [`MessageId::id_left`] (mail it sent).
    fn remember_message(
        &self,
        tenant: TenantId,
        message: &MessageId,
        ticket: TicketId,
    ) -> impl Future<Output = Result<TicketId, StoreError>> + Send;

    /// The ticket `message` is bound to in the tenant (see
    /// [`Store::remember_message`]), or `None`; never another tenant's
    /// binding.
    fn ticket_of_message(
        &self,
        tenant: TenantId,
        message: &MessageId,
    ) -> impl Future<Output = Result<Option<TicketId>, StoreError>> + Send;

    /// Across tenants, up to `limit` events of the log after position
    /// `after` (from the start when `None`), in commit order, each with its
    /// position (see the contract): what a projection such as
    /// [`Metrics`](helpdesk_core::metrics::Metrics) reads to stay current.
    /// A reader keeps the last position it applied and asks for what
    /// follows it.
    fn feed(
        &self,
        after: Option<u64>,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<Logged>, StoreError>> + Send;
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
        reach: &Reach,
        query: TicketQuery,
    ) -> impl Future<Output = Result<Page, StoreError>> + Send {
        (**self).query(tenant, reach, query)
    }

    fn search(
        &self,
        tenant: TenantId,
        reach: &Reach,
        query: &SearchQuery,
    ) -> impl Future<Output = Result<Vec<TicketRow>, StoreError>> + Send {
        (**self).search(tenant, reach, query)
    }

    fn due_before(
        &self,
        instant: DateTime<Utc>,
        after: Option<DueTicket>,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<DueTicket>, StoreError>> + Send {
        (**self).due_before(instant, after, limit)
    }

    fn pending_outbox(
        &self,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<OutboxMessage>, StoreError>> + Send {
        (**self).pending_outbox(limit)
    }

    fn claim_outbox(
        &self,
        holder: &str,
        now: DateTime<Utc>,
        lease: TimeDelta,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<Claimed>, StoreError>> + Send {
        (**self).claim_outbox(holder, now, lease, limit)
    }

    fn settle_outbox(
        &self,
        holder: &str,
        position: u64,
        outcome: Outcome,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send {
        (**self).settle_outbox(holder, position, outcome, now)
    }

    fn dead_letters(
        &self,
        tenant: TenantId,
        after: Option<u64>,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<DeadLetter>, StoreError>> + Send {
        (**self).dead_letters(tenant, after, limit)
    }

    fn revive_dead_letter(
        &self,
        tenant: TenantId,
        position: u64,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send {
        (**self).revive_dead_letter(tenant, position, at)
    }

    fn feed(
        &self,
        after: Option<u64>,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<Logged>, StoreError>> + Send {
        (**self).feed(after, limit)
    }

    fn next_ticket_number(
        &self,
        tenant: TenantId,
    ) -> impl Future<Output = Result<TicketNumber, StoreError>> + Send {
        (**self).next_ticket_number(tenant)
    }

    fn ticket_by_number(
        &self,
        tenant: TenantId,
        number: TicketNumber,
    ) -> impl Future<Output = Result<Option<TicketId>, StoreError>> + Send {
        (**self).ticket_by_number(tenant, number)
    }

    fn remember_message(
        &self,
        tenant: TenantId,
        message: &MessageId,
        ticket: TicketId,
    ) -> impl Future<Output = Result<TicketId, StoreError>> + Send {
        (**self).remember_message(tenant, message, ticket)
    }

    fn ticket_of_message(
        &self,
        tenant: TenantId,
        message: &MessageId,
    ) -> impl Future<Output = Result<Option<TicketId>, StoreError>> + Send {
        (**self).ticket_of_message(tenant, message)
    }
}
