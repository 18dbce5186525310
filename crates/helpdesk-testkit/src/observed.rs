//! [`Observed`]: a store that records what the desk asks of it.

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, TimeDelta, Utc};
use helpdesk_core::{Reach, TenantId, Ticket, TicketId, TicketNumber};
use helpdesk_engine::store::{
    Append, Appended, Claimed, CommandRecord, DeadLetter, DueTicket, Logged, MessageId,
    OutboxMessage, Outcome, Page, SearchQuery, StoredEvent, TicketQuery, TicketRow,
};
use helpdesk_engine::{CommandId, Store, StoreError};
use tokio::sync::Barrier;

/// Any store, with a count of its loads and a copy of every append it was
/// given: to check what a desk reads, and to replay a workload's appends
/// against another store or as plain inserts. Loads of chosen tickets can
/// be made to fail ([`Observed::make_unreadable`]), to check what a host
/// does with a ticket whose rows cannot be read, and appends of a kind of
/// event ([`Observed::fail_appends_of`]), as a store that goes away between
/// two of a host's commands. Appends can be held until several meet
/// ([`Observed::gather_appends`]), as commands decided at once on two hosts
/// reach a store together.
///
/// ```
/// use helpdesk_core::Command;
/// use helpdesk_engine::MemoryStore;
/// use helpdesk_testkit::{Fixture, Observed};
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let f = Fixture::new(Observed::new(MemoryStore::new()));
/// let id = f.open("Printer jams").await;
/// f.run(&f.agent, id, Command::Tag { tag: "printer".into() }).await;
/// assert_eq!(f.store().appends().len(), 2);
/// # });
/// ```
#[derive(Debug, Default)]
pub struct Observed<S> {
    inner: S,
    loads: AtomicUsize,
    appends: Mutex<Vec<Append>>,
    unreadable: Mutex<HashSet<TicketId>>,
    /// Appends writing an event of this type fail, this many times more.
    failing: Mutex<Option<(&'static str, usize)>>,
    /// The next appends wait at this barrier (this many more of them, each
    /// at most this long).
    gathering: Mutex<Option<Gathering>>,
}

/// Appends held until they meet ([`Observed::gather_appends`]).
#[derive(Debug)]
struct Gathering {
    barrier: Arc<Barrier>,
    /// How many more appends wait at it.
    left: usize,
    /// How long each waits at most.
    patience: std::time::Duration,
}

impl<S> Observed<S> {
    /// `inner`, observed.
    pub fn new(inner: S) -> Self {
        Self {
            inner,
            loads: AtomicUsize::new(0),
            appends: Mutex::new(Vec::new()),
            unreadable: Mutex::new(HashSet::new()),
            failing: Mutex::new(None),
            gathering: Mutex::new(None),
        }
    }

    /// The store observed.
    pub fn inner(&self) -> &S {
        &self.inner
    }

    /// How many times `load` was called.
    ///
    /// ```
    /// use helpdesk_core::Command;
    /// use helpdesk_engine::MemoryStore;
    /// use helpdesk_testkit::{Fixture, Observed};
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// let f = Fixture::new(Observed::new(MemoryStore::new()));
    /// let id = f.open("Printer jams").await;
    /// f.run(&f.agent, id, Command::Tag { tag: "printer".into() }).await;
    /// // The desk kept the ticket it wrote: neither command loaded it.
    /// assert_eq!(f.store().loads(), 0);
    /// // Reads always go to the store.
    /// f.desk.ticket(&f.agent, id).await?;
    /// assert_eq!(f.store().loads(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })
    /// # }
    /// ```
    pub fn loads(&self) -> usize {
        self.loads.load(Ordering::SeqCst)
    }

    /// Every append given so far, in order (whatever the store answered).
    pub fn appends(&self) -> Vec<Append> {
        self.appends
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The next `n` appends wait for each other, and then go to the store
    /// together: as the commands of several hosts, each decided before the
    /// others' were written, reach one store at once. Each waits at most
    /// `patience`, then goes on alone.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// use helpdesk_core::Command;
    /// use helpdesk_engine::MemoryStore;
    /// use helpdesk_testkit::{Fixture, Observed};
    /// # tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
    /// let f = Fixture::new(Observed::new(MemoryStore::new()));
    /// let (printer, laptop) = (f.open("Printer jams").await, f.open("Laptop hot").await);
    /// f.store().gather_appends(2, Duration::from_secs(5));
    /// let tag = || Command::Tag { tag: "urgent".into() };
    /// // Neither append reaches the store before the other is made.
    /// tokio::join!(f.run(&f.agent, printer, tag()), f.run(&f.agent, laptop, tag()));
    /// assert_eq!(f.store().appends().len(), 4);
    /// # });
    /// ```
    pub fn gather_appends(&self, n: usize, patience: std::time::Duration) {
        *self
            .gathering
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(Gathering {
            barrier: Arc::new(Barrier::new(n)),
            left: n,
            patience,
        });
    }

    /// Waits with the appends being gathered, if this one is among them.
    async fn gather(&self) {
        let waiting = {
            let mut gathering = self
                .gathering
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            let waiting = gathering.as_ref().map(|g| (g.barrier.clone(), g.patience));
            match gathering.as_mut() {
                Some(g) if g.left > 1 => g.left -= 1,
                _ => *gathering = None,
            }
            waiting
        };
        if let Some((barrier, patience)) = waiting {
            let _ = tokio::time::timeout(patience, barrier.wait()).await;
        }
    }

    /// From now on, every load of each of `tickets` fails with
    /// [`StoreError::Corrupt`], as a store's does when a ticket's rows
    /// cannot be read; the ticket's other reads and its appends go on.
    ///
    /// ```
    /// use helpdesk_engine::{MemoryStore, Store, StoreError};
    /// use helpdesk_testkit::{Fixture, Observed};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let f = Fixture::new(Observed::new(MemoryStore::new()));
    /// let id = f.open("Printer jams").await;
    /// f.store().make_unreadable([id]);
    /// let load = f.store().load(f.tenant, id).await;
    /// assert!(matches!(load, Err(StoreError::Corrupt { .. })));
    /// f.store().make_readable();
    /// assert!(f.store().load(f.tenant, id).await.unwrap().is_some());
    /// # });
    /// ```
    pub fn make_unreadable(&self, tickets: impl IntoIterator<Item = TicketId>) {
        self.unreadable
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend(tickets);
    }

    /// The next `times` appends that write an event of type `event` (its
    /// [`type_name`](helpdesk_core::Change::type_name), such as `"linked"`)
    /// fail as a backend that went away would, writing nothing.
    ///
    /// ```
    /// use helpdesk_core::Command;
    /// use helpdesk_engine::{DeskError, MemoryStore, Request};
    /// use helpdesk_testkit::{Fixture, Observed};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let f = Fixture::new(Observed::new(MemoryStore::new()));
    /// let id = f.open("Printer jams").await;
    /// f.store().fail_appends_of("tagged", 1);
    /// let tag = Command::Tag { tag: "printer".into() };
    /// let request = || Request::new(f.agent.clone(), id, tag.clone());
    /// let failed = f.desk.execute(request()).await;
    /// assert!(matches!(failed, Err(DeskError::Store(_))), "{failed:?}");
    /// assert!(f.desk.execute(request()).await.is_ok(), "once only");
    /// # });
    /// ```
    pub fn fail_appends_of(&self, event: &'static str, times: usize) {
        *self.failing.lock().unwrap_or_else(PoisonError::into_inner) = Some((event, times));
    }

    /// Whether `append` is to fail, counting it when it is.
    fn fails(&self, append: &Append) -> bool {
        let mut failing = self.failing.lock().unwrap_or_else(PoisonError::into_inner);
        match failing.as_mut() {
            Some((event, times))
                if *times > 0
                    && append
                        .events
                        .iter()
                        .any(|stored| stored.event.change.type_name() == *event) =>
            {
                *times -= 1;
                true
            }
            _ => false,
        }
    }

    /// Every ticket loads again ([`Observed::make_unreadable`]).
    pub fn make_readable(&self) {
        self.unreadable
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }
}

impl<S: Store> Store for Observed<S> {
    async fn load(&self, tenant: TenantId, ticket: TicketId) -> Result<Option<Ticket>, StoreError> {
        self.loads.fetch_add(1, Ordering::SeqCst);
        let unreadable = self
            .unreadable
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .contains(&ticket);
        if unreadable {
            return Err(StoreError::Corrupt {
                what: format!("ticket {ticket}"),
                reason: "made unreadable by the test".into(),
            });
        }
        self.inner.load(tenant, ticket).await
    }

    async fn history(
        &self,
        tenant: TenantId,
        ticket: TicketId,
        from: u64,
    ) -> Result<Vec<StoredEvent>, StoreError> {
        self.inner.history(tenant, ticket, from).await
    }

    async fn command(
        &self,
        tenant: TenantId,
        command: CommandId,
    ) -> Result<Option<CommandRecord>, StoreError> {
        self.inner.command(tenant, command).await
    }

    async fn append(&self, append: Append) -> Result<Appended, StoreError> {
        if self.fails(&append) {
            return Err(StoreError::backend(
                "observed",
                std::io::Error::other("appends made to fail by the test"),
            ));
        }
        self.gather().await;
        self.appends
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(append.clone());
        self.inner.append(append).await
    }

    async fn query(
        &self,
        tenant: TenantId,
        reach: &Reach,
        query: TicketQuery,
    ) -> Result<Page, StoreError> {
        self.inner.query(tenant, reach, query).await
    }

    async fn search(
        &self,
        tenant: TenantId,
        reach: &Reach,
        query: &SearchQuery,
    ) -> Result<Vec<TicketRow>, StoreError> {
        self.inner.search(tenant, reach, query).await
    }

    async fn due_before(
        &self,
        instant: DateTime<Utc>,
        after: Option<DueTicket>,
        limit: u32,
    ) -> Result<Vec<DueTicket>, StoreError> {
        self.inner.due_before(instant, after, limit).await
    }

    async fn pending_outbox(&self, limit: u32) -> Result<Vec<OutboxMessage>, StoreError> {
        self.inner.pending_outbox(limit).await
    }

    async fn claim_outbox(
        &self,
        holder: &str,
        now: DateTime<Utc>,
        lease: TimeDelta,
        limit: u32,
    ) -> Result<Vec<Claimed>, StoreError> {
        self.inner.claim_outbox(holder, now, lease, limit).await
    }

    async fn settle_outbox(
        &self,
        holder: &str,
        position: u64,
        outcome: Outcome,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        self.inner
            .settle_outbox(holder, position, outcome, now)
            .await
    }

    async fn dead_letters(
        &self,
        tenant: TenantId,
        after: Option<u64>,
        limit: u32,
    ) -> Result<Vec<DeadLetter>, StoreError> {
        self.inner.dead_letters(tenant, after, limit).await
    }

    async fn revive_dead_letter(
        &self,
        tenant: TenantId,
        position: u64,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        self.inner.revive_dead_letter(tenant, position, at).await
    }

    async fn feed(&self, after: Option<u64>, limit: u32) -> Result<Vec<Logged>, StoreError> {
        self.inner.feed(after, limit).await
    }

    async fn next_ticket_number(&self, tenant: TenantId) -> Result<TicketNumber, StoreError> {
        self.inner.next_ticket_number(tenant).await
    }

    async fn ticket_by_number(
        &self,
        tenant: TenantId,
        number: TicketNumber,
    ) -> Result<Option<TicketId>, StoreError> {
        self.inner.ticket_by_number(tenant, number).await
    }

    async fn remember_message(
        &self,
        tenant: TenantId,
        message: &MessageId,
        ticket: TicketId,
    ) -> Result<TicketId, StoreError> {
        self.inner.remember_message(tenant, message, ticket).await
    }

    async fn ticket_of_message(
        &self,
        tenant: TenantId,
        message: &MessageId,
    ) -> Result<Option<TicketId>, StoreError> {
        self.inner.ticket_of_message(tenant, message).await
    }
}
