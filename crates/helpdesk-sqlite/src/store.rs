//! [`SqliteStore`]: the [`Store`] on one SQLite file.

use std::path::{Path, PathBuf};
use std::sync::{Arc, mpsc};
use std::thread::JoinHandle;

use chrono::{DateTime, TimeDelta, Utc};
use helpdesk_core::{Reach, TenantId, Ticket, TicketId, TicketNumber};
use helpdesk_engine::store::{
    Append, Appended, Claimed, CommandRecord, DeadLetter, DueTicket, Logged, MessageId,
    OutboxMessage, Outcome, Page, SearchQuery, StoredEvent, TicketQuery, TicketRow,
};
use helpdesk_engine::{CommandId, Store, StoreError};
use rusqlite::Connection;
use tokio::sync::oneshot;

use crate::append::{self, Encoded};
use crate::checkpointer::Checkpointer;
use crate::connect;
use crate::durable::{Durable, Marks, Wait};
use crate::error::{SqliteError, statement_failed};
use crate::inflight::InFlight;
use crate::options::{SqliteOptions, Synchronous};
use crate::outbox;
use crate::pool::Pool;
use crate::syncer::{Gate, SyncHold, Syncer};
use crate::writer::{self, Durability, Job};
use crate::{list, messages, numbers, read, search};

/// A [`Store`] in one SQLite file: WAL, versioned migrations, one writer
/// thread that commits appends in groups, and a pool of readers.
///
/// Reads run on the calling thread with a pooled read-only connection;
/// they are index lookups and range scans that take microseconds, so the
/// store needs no async runtime and adds no thread hop. Appends go to the
/// writer thread and are answered when their transaction has committed
/// (see the [crate documentation](crate) for the group commit), and with
/// [`Synchronous::Full`] once it is on disk.
///
/// With `Full`, nothing a caller may act on as committed rests on a commit
/// that is not yet on disk: [`load`](Store::load),
/// [`history`](Store::history) and [`command`](Store::command) wait for
/// the sync of the commit that wrote what they found, and
/// [`pending_outbox`](Store::pending_outbox) leaves out the messages of
/// commits not yet synced. Lists, search and
/// [`due_before`](Store::due_before) show the newest commits without
/// waiting: a command on what they show loads its ticket first.
///
/// Dropping the store stops the writer once it has answered every append
/// sent before, and closes the file.
///
/// ```
/// use helpdesk_core::{Actor, ActorId, Command, DeskConfig, NewTicket, TenantId};
/// use helpdesk_engine::{Desk, ManualClock, NoNotifier, Request, Store, new_ticket_id};
/// use helpdesk_sqlite::SqliteStore;
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("desk.db");
///
/// let alice = Actor::requester(ActorId::from_u128(1), TenantId::from_u128(1));
/// let ticket = new_ticket_id();
/// {
///     let store = SqliteStore::open(&path)?;
///     let desk = Desk::new(DeskConfig::default(), store, NoNotifier, ManualClock::new(chrono::Utc::now()))?;
///     desk.execute(Request::new(alice.clone(), ticket,
///         Command::Open(NewTicket::new(alice.id, "Printer jams", "On the 3rd floor")))).await?;
/// }
/// // Everything is still there after reopening.
/// let store = SqliteStore::open(&path)?;
/// let loaded = store.load(alice.tenant, ticket).await?.ok_or("the ticket is stored")?;
/// assert_eq!(loaded.subject(), "Printer jams");
/// assert_eq!(store.history(alice.tenant, ticket, 1).await?.len(), loaded.version() as usize);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })
/// # }
/// ```
pub struct SqliteStore {
    path: PathBuf,
    readers: Option<Pool>,
    inflight: Arc<InFlight>,
    durable: Arc<Durable>,
    gate: Arc<Gate>,
    jobs: Option<mpsc::Sender<Job>>,
    writer: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl SqliteStore {
    /// Opens the database at `path` with [`SqliteOptions::default`],
    /// creating the file if it does not exist and migrating it to the
    /// schema this build writes.
    ///
    /// Fails with [`SqliteError::TooNew`] on a database written by a newer
    /// build, without changing it.
    ///
    /// ```
    /// let dir = tempfile::tempdir().unwrap();
    /// let store = helpdesk_sqlite::SqliteStore::open(dir.path().join("desk.db")).unwrap();
    /// assert!(store.path().ends_with("desk.db"));
    /// ```
    pub fn open(path: impl AsRef<Path>) -> Result<Self, SqliteError> {
        Self::open_with(path, SqliteOptions::default())
    }

    /// Opens the database at `path` with `options` (see [`open`](Self::open)).
    ///
    /// ```
    /// use helpdesk_sqlite::{SqliteOptions, SqliteStore, Synchronous};
    /// let dir = tempfile::tempdir().unwrap();
    /// let options = SqliteOptions { synchronous: Synchronous::Normal, readers: 2, ..Default::default() };
    /// let store = SqliteStore::open_with(dir.path().join("desk.db"), options).unwrap();
    /// # drop(store);
    /// ```
    pub fn open_with(path: impl AsRef<Path>, options: SqliteOptions) -> Result<Self, SqliteError> {
        let path = path.as_ref().to_owned();
        let conn = connect::writer(&path, &options, false)?;
        let readers = (0..options.readers.max(1))
            .map(|_| connect::reader(&path, &options))
            .collect::<Result<Vec<_>, _>>()?;
        // Full durability is pipelined: the writer commits without
        // syncing, and a sync thread answers once the log is on disk.
        let checkpointer = match options.synchronous {
            Synchronous::Full => {
                let checkpointer = Checkpointer::start(
                    &path,
                    connect::checkpointer(&path, &options)?,
                    options.checkpoint_pages,
                )?;
                connect::pipelined(&conn, &path)?;
                let marks =
                    Marks::read(&conn).map_err(statement_failed(&path, "read row numbers"))?;
                Some((checkpointer, marks))
            }
            Synchronous::Normal | Synchronous::Off => None,
        };
        Self::start(path, conn, Some(Pool::new(readers)), &options, checkpointer)
    }

    /// A private database in memory, gone when the store is dropped: for
    /// tests and tools that want SQLite's behaviour without a file. Reads
    /// and writes share the writer's connection.
    ///
    /// ```
    /// use helpdesk_engine::Store;
    /// use helpdesk_core::{TenantId, TicketId};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let store = helpdesk_sqlite::SqliteStore::in_memory().unwrap();
    /// assert!(store.load(TenantId::from_u128(1), TicketId::from_u128(1)).await.unwrap().is_none());
    /// # });
    /// ```
    pub fn in_memory() -> Result<Self, SqliteError> {
        let options = SqliteOptions::default();
        let path = PathBuf::from(":memory:");
        let conn = connect::writer(&path, &options, true)?;
        Self::start(path, conn, None, &options, None)
    }

    fn start(
        path: PathBuf,
        conn: Connection,
        readers: Option<Pool>,
        options: &SqliteOptions,
        pipelined: Option<(Checkpointer, Marks)>,
    ) -> Result<Self, SqliteError> {
        let (jobs, receiver) = mpsc::channel();
        let max_batch = options.max_batch;
        let writer_path = path.clone();
        let inflight = Arc::new(InFlight::new(options.cached_tickets));
        let writer_inflight = inflight.clone();
        let gate = Arc::new(Gate::default());
        let (durable, durability) = match pipelined {
            Some((checkpointer, marks)) => {
                let durable = Arc::new(Durable::pipelined(marks));
                let syncer = Syncer::start(&path, inflight.clone(), durable.clone(), gate.clone())?;
                let durability = Durability::Pipelined {
                    syncer,
                    checkpointer,
                    marks: marks.into(),
                };
                (durable, durability)
            }
            None => (Arc::new(Durable::in_commit()), Durability::InCommit),
        };
        let writer_durable = durable.clone();
        let writer = std::thread::Builder::new()
            .name("helpdesk-sqlite-writer".into())
            .spawn(move || {
                writer::run(
                    conn,
                    writer_path,
                    receiver,
                    max_batch,
                    writer_inflight,
                    writer_durable,
                    durability,
                );
            })
            .map_err(|error| SqliteError::Spawn {
                path: path.clone(),
                error,
            })?;
        Ok(Self {
            path,
            readers,
            inflight,
            durable,
            gate,
            jobs: Some(jobs),
            writer: Some(writer),
        })
    }

    /// The database file (`":memory:"` for [`in_memory`](Self::in_memory)).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes `appends` in order, in one transaction, each under the same
    /// rules as [`Store::append`] (a conflict or duplicate of one does not
    /// affect the others); answers each one's result in order. For
    /// importing history and loading fixtures quickly.
    ///
    /// ```
    /// use helpdesk_engine::Store;
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let store = helpdesk_sqlite::SqliteStore::in_memory().unwrap();
    /// assert!(store.append_all(Vec::new()).await.unwrap().is_empty());
    /// # });
    /// ```
    pub async fn append_all(
        &self,
        appends: Vec<Append>,
    ) -> Result<Vec<Result<Appended, StoreError>>, StoreError> {
        if appends.is_empty() {
            return Ok(Vec::new());
        }
        // An append that cannot be encoded fails alone; the others are
        // written.
        let encoded: Vec<Result<Encoded, StoreError>> = appends
            .iter()
            .map(|a| append::encode(&self.path, a))
            .collect();
        let mut results = Vec::with_capacity(encoded.len());
        let mut ready = Vec::with_capacity(encoded.len());
        for e in encoded {
            match e {
                Ok(e) => {
                    results.push(None);
                    ready.push(e);
                }
                Err(e) => results.push(Some(Err(e))),
            }
        }
        let mut written = if ready.is_empty() {
            Vec::new()
        } else {
            let (reply, answer) = oneshot::channel();
            self.send(Job::Many(ready, reply))?;
            answer.await.map_err(|_| self.stopped())?
        }
        .into_iter();
        Ok(results
            .into_iter()
            .map(|r| match r {
                Some(failed) => failed,
                None => written.next().unwrap_or_else(|| Err(self.stopped())),
            })
            .collect())
    }

    /// Holds the syncs of the write-ahead log until the hold is dropped:
    /// the writer goes on committing, but no commit becomes durable, so no
    /// append is answered and reads wait as they would for a slow disk.
    /// For tests of what the store answers between a commit and its sync.
    /// Does nothing unless the store syncs with [`Synchronous::Full`].
    #[doc(hidden)]
    pub fn hold_syncs(&self) -> SyncHold<'_> {
        SyncHold::new(&self.gate)
    }

    fn stopped(&self) -> StoreError {
        SqliteError::WriterStopped {
            path: self.path.clone(),
        }
        .into()
    }

    fn send(&self, job: Job) -> Result<(), StoreError> {
        match &self.jobs {
            Some(jobs) => jobs.send(job).map_err(|_| self.stopped()),
            None => Err(self.stopped()),
        }
    }

    /// Runs `f` on a reader (see [`read`](Self::read)), then waits until
    /// what it found, as the [`Wait`] it returns says, is on disk.
    async fn read_durable<R: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection, &Path, &Durable) -> Result<(R, Wait), StoreError> + Send + 'static,
    ) -> Result<R, StoreError> {
        let durable = self.durable.clone();
        let (found, wait) = self.read(move |conn, path| f(conn, path, &durable)).await?;
        self.durable.until(&self.path, wait).await?;
        Ok(found)
    }

    /// Runs `f` on the writer's connection, between its batches: for
    /// writes of their own (claims, outcomes), serialized with appends.
    async fn on_writer<R: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection, &Path) -> Result<R, StoreError> + Send + 'static,
    ) -> Result<R, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.send(Job::Read(Box::new(move |conn, path| {
            let _ = reply.send(f(conn, path));
        })))?;
        answer.await.map_err(|_| self.stopped())?
    }

    /// Runs `f` on a reader, or on the writer's connection when there is
    /// no pool.
    async fn read<R: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection, &Path) -> Result<R, StoreError> + Send + 'static,
    ) -> Result<R, StoreError> {
        match &self.readers {
            Some(pool) => pool.with(|conn| f(conn, &self.path)),
            None => self.on_writer(f).await,
        }
    }
}

impl Drop for SqliteStore {
    fn drop(&mut self) {
        // Closing the channel ends the writer's loop after the appends
        // already sent; the readers close with the pool.
        drop(self.jobs.take());
        if let Some(writer) = self.writer.take() {
            let _ = writer.join();
        }
    }
}

impl Store for SqliteStore {
    /// Waits for the appends to the ticket in flight, and then for the
    /// sync of the commit that wrote the version it found.
    async fn load(&self, tenant: TenantId, ticket: TicketId) -> Result<Option<Ticket>, StoreError> {
        self.inflight.settled((tenant, ticket)).await;
        let key = (tenant, ticket);
        let kept = self.inflight.kept().get(key);
        let kept_version = kept.as_ref().map(Ticket::version);
        let loaded = self
            .read_durable(move |conn, path, durable| {
                let loaded = read::load(conn, path, tenant, ticket, kept)?;
                let wait = match &loaded {
                    Some(found) => durable.event(conn, path, tenant, ticket, found.version())?,
                    None => Wait::Nothing,
                };
                Ok((loaded, wait))
            })
            .await?;
        // Kept once durable, as an append keeps what it wrote.
        let kept = self.inflight.kept();
        match &loaded {
            Some(found) => kept.put_loaded(key, found.clone(), kept_version),
            None => kept.forget(key),
        }
        Ok(loaded)
    }

    /// Waits for the sync of the commit that wrote the newest event found.
    async fn history(
        &self,
        tenant: TenantId,
        ticket: TicketId,
        from: u64,
    ) -> Result<Vec<StoredEvent>, StoreError> {
        self.read_durable(move |conn, path, durable| {
            let events = read::history(conn, path, tenant, ticket, from)?;
            let wait = match events.last() {
                Some(newest) => durable.event(conn, path, tenant, ticket, newest.version)?,
                None => Wait::Nothing,
            };
            Ok((events, wait))
        })
        .await
    }

    /// Waits for the sync of the commit that wrote the record: that of
    /// the command's last event, or, for a command without events, every
    /// commit made when it was read.
    async fn command(
        &self,
        tenant: TenantId,
        command: CommandId,
    ) -> Result<Option<CommandRecord>, StoreError> {
        self.read_durable(move |conn, path, durable| {
            let record = read::command(conn, path, tenant, command)?;
            let wait = match &record {
                Some(r) if r.to_version > r.from_version => {
                    durable.event(conn, path, tenant, r.ticket, r.to_version)?
                }
                Some(_) => durable.commits(),
                None => Wait::Nothing,
            };
            Ok((record, wait))
        })
        .await
    }

    async fn append(&self, append: Append) -> Result<Appended, StoreError> {
        // Encoded here, on the caller's thread, so the writer only runs
        // statements.
        let encoded = append::encode(&self.path, &append)?;
        let key = (append.tenant, append.command.ticket);
        let (reply, answer) = oneshot::channel();
        self.inflight.start(key);
        if let Err(e) = self.send(Job::Append(Box::new(encoded), reply)) {
            self.inflight.finish(key, None);
            return Err(e);
        }
        answer.await.map_err(|_| self.stopped())?
    }

    async fn query(
        &self,
        tenant: TenantId,
        reach: &Reach,
        query: TicketQuery,
    ) -> Result<Page, StoreError> {
        let reach = reach.clone();
        self.read(move |conn, path| list::page(conn, path, tenant, &reach, &query))
            .await
    }

    async fn search(
        &self,
        tenant: TenantId,
        reach: &Reach,
        query: &SearchQuery,
    ) -> Result<Vec<TicketRow>, StoreError> {
        let (reach, query) = (reach.clone(), query.clone());
        self.read(move |conn, path| search::search(conn, path, tenant, &reach, &query))
            .await
    }

    async fn due_before(
        &self,
        instant: DateTime<Utc>,
        after: Option<DueTicket>,
        limit: u32,
    ) -> Result<Vec<DueTicket>, StoreError> {
        self.read(move |conn, path| read::due_before(conn, path, instant, after, limit))
            .await
    }

    /// Only the messages of synced commits: those of a commit not yet on
    /// disk come in a later call.
    async fn pending_outbox(&self, limit: u32) -> Result<Vec<OutboxMessage>, StoreError> {
        let through = self.durable.outbox();
        self.read(move |conn, path| read::pending_outbox(conn, path, limit, through))
            .await
    }

    /// Only messages of synced commits are claimed. A claim, an outcome
    /// and a revival are committed without waiting for a sync: one lost to
    /// a power failure makes a message claimable again, so it is delivered
    /// at least once, never lost.
    async fn claim_outbox(
        &self,
        holder: &str,
        now: DateTime<Utc>,
        lease: TimeDelta,
        limit: u32,
    ) -> Result<Vec<Claimed>, StoreError> {
        let until = helpdesk_engine::store::lease_until(now, lease)?;
        let through = self.durable.outbox();
        let holder = holder.to_owned();
        self.on_writer(move |conn, path| {
            outbox::claim(conn, path, &holder, now, until, limit, through)
        })
        .await
    }

    async fn settle_outbox(
        &self,
        holder: &str,
        position: u64,
        outcome: Outcome,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let holder = holder.to_owned();
        self.on_writer(move |conn, path| {
            outbox::settle(conn, path, &holder, position, &outcome, now)
        })
        .await
    }

    async fn dead_letters(
        &self,
        tenant: TenantId,
        after: Option<u64>,
        limit: u32,
    ) -> Result<Vec<DeadLetter>, StoreError> {
        self.read(move |conn, path| outbox::dead_letters(conn, path, tenant, after, limit))
            .await
    }

    async fn revive_dead_letter(
        &self,
        tenant: TenantId,
        position: u64,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        self.on_writer(move |conn, path| outbox::revive(conn, path, tenant, position, at))
            .await
    }

    /// Positions are the `events` rows' numbers, which the one writer
    /// assigns in commit order; the feed stops at the last synced commit
    /// (with `Synchronous::Full`), so it never hands out an event a power
    /// loss could take back.
    async fn feed(&self, after: Option<u64>, limit: u32) -> Result<Vec<Logged>, StoreError> {
        let through = self.durable.events();
        let after = after.map_or(0, |a| i64::try_from(a).unwrap_or(i64::MAX));
        self.read(move |conn, path| read::feed(conn, path, after, through, limit))
            .await
    }

    /// The counter moves on the writer's connection, in its own statement.
    async fn next_ticket_number(&self, tenant: TenantId) -> Result<TicketNumber, StoreError> {
        self.on_writer(move |conn, path| numbers::next(conn, path, tenant))
            .await
    }

    async fn ticket_by_number(
        &self,
        tenant: TenantId,
        number: TicketNumber,
    ) -> Result<Option<TicketId>, StoreError> {
        self.read(move |conn, path| numbers::ticket(conn, path, tenant, number))
            .await
    }

    async fn remember_message(
        &self,
        tenant: TenantId,
        message: &MessageId,
        ticket: TicketId,
    ) -> Result<TicketId, StoreError> {
        let message = message.clone();
        self.on_writer(move |conn, path| messages::remember(conn, path, tenant, &message, ticket))
            .await
    }

    async fn ticket_of_message(
        &self,
        tenant: TenantId,
        message: &MessageId,
    ) -> Result<Option<TicketId>, StoreError> {
        let message = message.clone();
        self.read(move |conn, path| messages::ticket_of(conn, path, tenant, &message))
            .await
    }
}
