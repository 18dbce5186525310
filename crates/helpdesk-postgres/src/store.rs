//! [`PostgresStore`]: the `Store` port on PostgreSQL.

use std::future::Future;
use std::str::FromStr;
use std::sync::Arc;

use chrono::{DateTime, TimeDelta, Utc};
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use helpdesk_core::{Reach, TenantId, Ticket, TicketId, TicketNumber};
use helpdesk_engine::store::{
    Append, Appended, Claimed, CommandRecord, DeadLetter, DueTicket, Fingerprint, Logged,
    MessageId, OutboxMessage, Outcome, Page, SearchQuery, StoredEvent, TicketCache, TicketQuery,
    TicketRow, lease_until,
};
use helpdesk_engine::{CommandId, Store, StoreError};
use tokio_postgres::NoTls;
use tokio_postgres::types::{Json, ToSql};
use uuid::Uuid;

use crate::announce::Announcer;
use crate::codec::{self, get, sql_version};
use crate::error::PostgresError;
use crate::listen::Wakeups;
use crate::options::{PostgresOptions, plain_identifier};
use crate::tx::{Fail, Scope, Tx};

/// The help desk's store on PostgreSQL: several host instances, each with
/// its own `PostgresStore` (and pool), share one database.
///
/// Every method runs in one transaction scoped to its tenant by
/// `SET LOCAL helpdesk.tenant` (row-level security admits no other rows);
/// appends check the command id and the version and write the ticket, its
/// events, its search text and its outbox messages in that transaction.
/// Outbox claims take `FOR UPDATE SKIP LOCKED` leases. An operation whose
/// connection broke is repeated on a fresh one (see
/// [`PostgresOptions::retries`]).
///
/// ```no_run
/// use helpdesk_engine::{Desk, NoNotifier, SystemClock};
/// use helpdesk_postgres::{PostgresOptions, PostgresStore};
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let store = PostgresStore::connect(
///     "host=127.0.0.1 user=helpdesk dbname=helpdesk",
///     PostgresOptions::default(),
/// )
/// .await?;
/// let desk = Desk::new(helpdesk_core::DeskConfig::default(), store, NoNotifier, SystemClock)?;
/// # let _ = desk;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct PostgresStore {
    inner: Arc<Inner>,
}

struct Inner {
    pool: Pool,
    config: tokio_postgres::Config,
    options: PostgresOptions,
    host: String,
    channel: String,
    announcer: Announcer,
    /// Tickets as written or read lately, checked against the row's
    /// version at each load.
    tickets: TicketCache,
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresStore")
            .field("schema", &self.inner.options.schema)
            .field("role", &self.inner.options.role)
            .field("host", &self.inner.host)
            .finish_non_exhaustive()
    }
}

/// The target of a connection string, for messages.
fn target(config: &tokio_postgres::Config) -> String {
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .map(|h| match h {
            tokio_postgres::config::Host::Tcp(name) => name.clone(),
            #[cfg(unix)]
            tokio_postgres::config::Host::Unix(path) => path.display().to_string(),
        })
        .collect();
    format!(
        "host {} database {}",
        hosts.join(","),
        config.get_dbname().unwrap_or("(default)")
    )
}

impl PostgresStore {
    /// Connects to the database at `url` (a libpq connection string or
    /// URL, such as `host=127.0.0.1 user=postgres dbname=test` or
    /// `postgres://user@host/db`), migrates its schema to the version this
    /// build knows, and opens a pool of connections. Fails with
    /// [`PostgresError::Connect`] when the server cannot be reached.
    pub async fn connect(url: &str, options: PostgresOptions) -> Result<Self, PostgresError> {
        let mut config =
            tokio_postgres::Config::from_str(url).map_err(|e| PostgresError::InvalidOption {
                option: "url",
                reason: e.to_string(),
            })?;
        for (option, value) in [("schema", &options.schema), ("role", &options.role)] {
            if let Some(name) = value
                && !plain_identifier(name)
            {
                return Err(PostgresError::InvalidOption {
                    option,
                    reason: format!(
                        "{name:?} is not 1 to 63 lowercase letters, digits or '_' starting with a letter"
                    ),
                });
            }
        }
        if options.max_connections == 0 {
            return Err(PostgresError::InvalidOption {
                option: "max_connections",
                reason: "is 0; the pool needs at least one connection".into(),
            });
        }
        if config.get_application_name().is_none() {
            config.application_name("helpdesk");
        }
        // Migrations run as the login user, on the schema.
        let mut setup = config.clone();
        let mut startup = setup.get_options().unwrap_or("").to_owned();
        if let Some(schema) = &options.schema {
            startup.push_str(&format!(" -c search_path={schema},public"));
        }
        setup.options(startup.trim());
        let (mut client, connection) =
            setup
                .connect(NoTls)
                .await
                .map_err(|e| PostgresError::Connect {
                    target: target(&config),
                    reason: crate::error::describe(&e),
                })?;
        let driver = tokio::spawn(connection);
        let migrated = crate::migrate::migrate(
            &mut client,
            options.schema.as_deref(),
            options.role.as_deref(),
        )
        .await;
        drop(client);
        let _ = driver.await;
        migrated?;
        // The store's connections act as the role, if one is named.
        if let Some(role) = &options.role {
            startup.push_str(&format!(" -c role={role}"));
        }
        let mut pooled = config.clone();
        pooled.options(startup.trim());
        let manager = Manager::from_config(
            pooled.clone(),
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(options.max_connections)
            .runtime(Runtime::Tokio1)
            .build()
            .map_err(|e| PostgresError::InvalidOption {
                option: "max_connections",
                reason: e.to_string(),
            })?;
        let host = options
            .host
            .clone()
            .unwrap_or_else(|| format!("host-{}", Uuid::from(helpdesk_engine::CommandId::new())));
        let channel = match &options.schema {
            Some(schema) => format!("helpdesk.{schema}"),
            None => "helpdesk".to_owned(),
        };
        let tickets = TicketCache::new(options.cached_tickets);
        let store = Self {
            inner: Arc::new(Inner {
                pool,
                config: pooled,
                options,
                host,
                channel,
                announcer: Announcer::default(),
                tickets,
            }),
        };
        // Fail now, not at the first command, if the role cannot be taken.
        let mut tx = Tx::start(&store.inner.pool, Scope::All, true, "check the connection").await?;
        let probe = tx.prepare("SELECT 1", "check the connection").await?;
        tx.query(&probe, &[], "check the connection").await?;
        tx.commit().await?;
        Ok(store)
    }

    /// This store's host name in due-work leases.
    pub fn host(&self) -> &str {
        &self.inner.host
    }

    /// The options the store was opened with.
    pub fn options(&self) -> &PostgresOptions {
        &self.inner.options
    }

    /// Listens for commits that add outbox messages or move due instants
    /// (LISTEN/NOTIFY on a connection of its own), so a host's dispatcher
    /// and scheduler run when there is work instead of polling fast. See
    /// [`Wakeups`].
    pub async fn listen(&self) -> Result<Wakeups, PostgresError> {
        Wakeups::listen(&self.inner.config, &self.inner.channel).await
    }

    /// Runs `op` (each time on a fresh transaction), repeating it when its
    /// connection broke, up to [`PostgresOptions::retries`] times.
    async fn retrying<T, F, Fut>(&self, mut op: F) -> Result<T, StoreError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, Fail>>,
    {
        let mut attempt = 0;
        loop {
            match op().await {
                Ok(value) => return Ok(value),
                Err(Fail::Store(e)) => return Err(e),
                Err(Fail::Pg(e)) if e.is_transient() && attempt < self.inner.options.retries => {
                    attempt += 1;
                    tokio::time::sleep(std::time::Duration::from_millis(20 * u64::from(attempt)))
                        .await;
                }
                Err(Fail::Pg(e)) => return Err(e.into()),
            }
        }
    }

    /// Announces what a committed append changed to every host that
    /// listens, sent after the commit by one task of this store at a time
    /// ([`Announcer`]), which starts here when none is sending.
    fn announce(&self, outbox: bool, due: Option<DateTime<Utc>>) {
        if !self.inner.announcer.add(outbox, due) {
            return;
        }
        /// The sending task's hold on the store; dropped before `take`
        /// ended the sending (the runtime shut down, say), it ends it.
        struct Sending(Option<Arc<Inner>>);
        impl Drop for Sending {
            fn drop(&mut self) {
                if let Some(inner) = self.0.take() {
                    inner.announcer.stopped();
                }
            }
        }
        let mut sending = Sending(Some(Arc::clone(&self.inner)));
        tokio::spawn(async move {
            while let Some(inner) = sending.0.as_ref() {
                let Some(sql) = inner.announcer.take(&inner.channel) else {
                    sending.0.take();
                    break;
                };
                // A hint only: a send that fails fails no append.
                if let Ok(client) = inner.pool.get().await {
                    let _ = client.batch_execute(&sql).await;
                }
            }
        });
    }

    async fn tx(&self, scope: Scope, read_only: bool, what: &'static str) -> Result<Tx, Fail> {
        Ok(Tx::start(&self.inner.pool, scope, read_only, what).await?)
    }

    /// The ticket kept, when its row is still at the kept version and time
    /// of update (the snapshot is then not sent); else the row's snapshot,
    /// kept for the next load.
    async fn try_load(&self, tenant: TenantId, ticket: TicketId) -> Result<Option<Ticket>, Fail> {
        let key = (tenant, ticket);
        let kept = self.inner.tickets.get(key);
        let kept_before = kept.as_ref().map(Ticket::version);
        let kept_version = kept
            .as_ref()
            .and_then(|kept| i64::try_from(kept.version()).ok())
            .unwrap_or(-1);
        let kept_update = kept
            .as_ref()
            .map_or(DateTime::<Utc>::UNIX_EPOCH, Ticket::updated_at);
        let mut tx = self
            .tx(Scope::Tenant(tenant), true, "load a ticket")
            .await?;
        let stmt = tx
            .prepare(
                "SELECT version, \
                 CASE WHEN version = $3 AND updated_at = $4 THEN NULL ELSE snapshot END \
                 FROM tickets WHERE tenant = $1 AND id = $2",
                "load a ticket",
            )
            .await?;
        let rows = tx
            .query(
                &stmt,
                &[
                    &tenant.as_uuid(),
                    &ticket.as_uuid(),
                    &kept_version,
                    &kept_update,
                ],
                "load a ticket",
            )
            .await?;
        tx.commit().await?;
        let Some(row) = rows.first() else {
            self.inner.tickets.forget(key);
            return Ok(None);
        };
        let what = format!("ticket {ticket}");
        let version: i64 = get(row, 0, &what)?;
        let snapshot: Option<Json<Ticket>> = get(row, 1, &what)?;
        let loaded = match (snapshot, kept) {
            (Some(Json(loaded)), _) => loaded,
            (None, Some(kept)) => kept,
            (None, None) => {
                return Err(StoreError::Corrupt {
                    what,
                    reason: "its row has no snapshot".into(),
                }
                .into());
            }
        };
        if i64::try_from(loaded.version()).ok() != Some(version) {
            return Err(StoreError::Corrupt {
                what,
                reason: format!(
                    "its snapshot is of version {} but its row is at version {version}",
                    loaded.version()
                ),
            }
            .into());
        }
        self.inner
            .tickets
            .put_loaded(key, loaded.clone(), kept_before);
        Ok(Some(loaded))
    }

    async fn try_history(
        &self,
        tenant: TenantId,
        ticket: TicketId,
        from: u64,
    ) -> Result<Vec<StoredEvent>, Fail> {
        let from = sql_version(from)?;
        let mut tx = self
            .tx(Scope::Tenant(tenant), true, "read a history")
            .await?;
        let stmt = tx
            .prepare(
                "SELECT version, id, command, body FROM events \
                 WHERE tenant = $1 AND ticket = $2 AND version >= $3 ORDER BY version",
                "read a history",
            )
            .await?;
        let rows = tx
            .query(
                &stmt,
                &[&tenant.as_uuid(), &ticket.as_uuid(), &from],
                "read a history",
            )
            .await?;
        tx.commit().await?;
        const WHAT: &str = "an event";
        rows.iter()
            .map(|row| {
                let Json(event) = get(row, 3, WHAT)?;
                Ok(StoredEvent {
                    version: codec::version(get(row, 0, WHAT)?, WHAT)?,
                    id: get::<Uuid>(row, 1, WHAT)?.into(),
                    command: get::<Uuid>(row, 2, WHAT)?.into(),
                    tenant,
                    ticket,
                    event,
                })
            })
            .collect()
    }

    async fn try_command(
        &self,
        tenant: TenantId,
        command: CommandId,
    ) -> Result<Option<CommandRecord>, Fail> {
        let mut tx = self
            .tx(Scope::Tenant(tenant), true, "read a command record")
            .await?;
        let record = read_command(&mut tx, tenant, command).await?;
        tx.commit().await?;
        Ok(record)
    }

    async fn try_append(&self, append: &Append) -> Result<Appended, Fail> {
        let tenant = append.tenant;
        let record = &append.command;
        let row = &append.row;
        let mut tx = self
            .tx(Scope::Tenant(tenant), false, "append events")
            .await?;
        let from = sql_version(record.from_version)?;
        let to = sql_version(record.to_version)?;
        let (t, id, command, actor) = (
            tenant.as_uuid(),
            record.ticket.as_uuid(),
            record.command.as_uuid(),
            record.actor.as_uuid(),
        );
        let fingerprint: &[u8] = &record.fingerprint.0;
        const RECORD: &str = "WITH c AS (INSERT INTO commands \
             (tenant, id, ticket, actor, fingerprint, from_version, to_version) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING 1)";
        let (written, changed) = if append.events.is_empty() {
            // Only the due instant moves; the command is recorded.
            let stmt = tx
                .prepare(
                    &format!(
                        "{RECORD}, u AS (UPDATE tickets SET next_due = $8 \
                         WHERE tenant = $1 AND id = $3 AND version = $6 \
                         AND EXISTS (SELECT 1 FROM c) RETURNING 1) \
                         SELECT (SELECT count(*) FROM c), (SELECT count(*) FROM u)"
                    ),
                    "record a command",
                )
                .await?;
            let rows = tx
                .query(
                    &stmt,
                    &[
                        &t,
                        &command,
                        &id,
                        &actor,
                        &fingerprint,
                        &from,
                        &to,
                        &row.next_due,
                    ],
                    "record a command",
                )
                .await?;
            let counts = rows
                .first()
                .map(|r| (r.get::<_, i64>(0), r.get::<_, i64>(1)));
            match counts {
                Some((1, 1)) => (true, true),
                Some((1, _)) => (true, false),
                _ => (false, false),
            }
        } else {
            let status = codec::name("a ticket's status", &row.status)?;
            let priority = codec::name("a ticket's priority", &row.priority)?;
            let (group, assignee) = (
                row.group.map(|g| g.as_uuid()),
                row.assignee.map(|a| a.as_uuid()),
            );
            let requester = row.requester.as_uuid();
            let snapshot = Json(&append.ticket);
            let sql = if record.from_version == 0 {
                format!(
                    "{RECORD} INSERT INTO tickets (tenant, id, version, subject, status, \
                     sub_status, priority, group_id, assignee, requester, tags, next_due, \
                     created_at, updated_at, snapshot, number) \
                     SELECT $1, $3, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, \
                     $20 \
                     WHERE EXISTS (SELECT 1 FROM c) AND $6 = 0 \
                     ON CONFLICT (tenant, id) DO NOTHING RETURNING (SELECT count(*) FROM c)"
                )
            } else {
                format!(
                    "{RECORD} UPDATE tickets SET version = $7, subject = $8, status = $9, \
                     sub_status = $10, priority = $11, group_id = $12, assignee = $13, \
                     requester = $14, tags = $15, next_due = $16, created_at = $17, \
                     updated_at = $18, snapshot = $19, number = coalesce(number, $20) \
                     WHERE tenant = $1 AND id = $3 AND version = $6 \
                     AND EXISTS (SELECT 1 FROM c) RETURNING (SELECT count(*) FROM c)"
                )
            };
            let stmt = tx.prepare(&sql, "write a ticket").await?;
            let number = row.number.map(codec::number).transpose()?;
            let params: [&(dyn ToSql + Sync); 20] = [
                &t,
                &command,
                &id,
                &actor,
                &fingerprint,
                &from,
                &to,
                &row.subject,
                &status,
                &row.sub_status,
                &priority,
                &group,
                &assignee,
                &requester,
                &row.tags,
                &row.next_due,
                &row.created_at,
                &row.updated_at,
                &snapshot,
                &number,
            ];
            let rows = match tx.query(&stmt, &params, "write a ticket").await {
                Ok(rows) => rows,
                // The unique index of numbers refused the new row: checked
                // after the command id and the ticket id, so a retry still
                // answers as the duplicate it is.
                Err(e) if e.violates("tickets_number") => {
                    tx.rollback().await;
                    return Err(Fail::Store(StoreError::NumberTaken {
                        ticket: record.ticket,
                        number: row.number.unwrap_or(TicketNumber::FIRST),
                    }));
                }
                Err(e) => return Err(e.into()),
            };
            if rows.is_empty() {
                // Either the command id is recorded, or the version moved:
                // told apart below, after the rollback.
                (false, false)
            } else {
                (true, true)
            }
        };
        if !written || !changed {
            if written && !changed && record.from_version == 0 && append.events.is_empty() {
                // A command that changed nothing on a ticket that does not
                // exist: recorded, nothing else to write.
                let stmt = tx
                    .prepare(
                        "SELECT version FROM tickets WHERE tenant = $1 AND id = $2",
                        "read a ticket's version",
                    )
                    .await?;
                let found = tx
                    .query(&stmt, &[&t, &id], "read a ticket's version")
                    .await?;
                if found.is_empty() {
                    if let Err(refused) = Self::bind(&mut tx, append).await {
                        tx.rollback().await;
                        return Err(refused);
                    }
                    tx.commit_with(&[]).await?;
                    return Ok(Appended::Written);
                }
            }
            tx.rollback().await;
            return self.refused(tenant, record).await;
        }
        // The mail's binding, checked before the commit.
        if let Err(refused) = Self::bind(&mut tx, append).await {
            tx.rollback().await;
            return Err(refused);
        }
        if append.events.is_empty() {
            tx.commit_with(&[]).await?;
            return Ok(Appended::Written);
        }
        // The events, the outbox, the search text and the wake-up, then
        // COMMIT, in one round trip.
        let versions: Vec<i64> = append
            .events
            .iter()
            .map(|e| sql_version(e.version))
            .collect::<Result<_, _>>()?;
        let ids: Vec<Uuid> = append.events.iter().map(|e| e.id.as_uuid()).collect();
        let bodies: Vec<Json<&helpdesk_core::Event>> =
            append.events.iter().map(|e| Json(&e.event)).collect();
        let events = tx
            .prepare(
                // No position: the feed gives it after the commit
                // (`feed.rs`), so appends never wait for each other.
                "INSERT INTO events (tenant, ticket, version, id, command, body) \
                 SELECT $1, $2, v, i, $3, b \
                 FROM unnest($4::bigint[], $5::uuid[], $6::jsonb[]) AS u(v, i, b)",
                "append events",
            )
            .await?;
        let messages: Vec<Json<&OutboxMessage>> = append.outbox.iter().map(Json).collect();
        let outbox = tx
            .prepare(
                "INSERT INTO outbox (tenant, ticket, message) \
                 SELECT $1, $2, m FROM unnest($3::jsonb[]) WITH ORDINALITY AS u(m, n) ORDER BY n",
                "write outbox messages",
            )
            .await?;
        let mut parts: Vec<bool> = Vec::new();
        let mut texts: Vec<&str> = Vec::new();
        for p in &append.text.public {
            parts.push(false);
            texts.push(p);
        }
        for p in &append.text.internal {
            parts.push(true);
            texts.push(p);
        }
        let text = tx
            .prepare(
                "INSERT INTO ticket_text (tenant, ticket, internal, body) \
                 SELECT $1, $2, i, b FROM unnest($3::boolean[], $4::text[]) AS u(i, b)",
                "write search text",
            )
            .await?;
        let event_params: [&(dyn ToSql + Sync); 6] = [&t, &id, &command, &versions, &ids, &bodies];
        let outbox_params: [&(dyn ToSql + Sync); 3] = [&t, &id, &messages];
        let text_params: [&(dyn ToSql + Sync); 4] = [&t, &id, &parts, &texts];
        let mut statements: Vec<(&tokio_postgres::Statement, &[&(dyn ToSql + Sync)], &str)> =
            Vec::with_capacity(3);
        if !messages.is_empty() {
            statements.push((&outbox, &outbox_params, "write outbox messages"));
        }
        if !texts.is_empty() {
            statements.push((&text, &text_params, "write search text"));
        }
        statements.push((&events, &event_params, "append events"));
        tx.commit_with(&statements).await?;
        self.announce(!append.outbox.is_empty(), row.next_due);
        Ok(Appended::Written)
    }

    /// Binds `append`'s mail, if it carries one, to its ticket in `tx`, as
    /// `remember_message` binds it; an id bound to another ticket fails
    /// the append ([`StoreError::MessageBound`]); the caller rolls it back.
    async fn bind(tx: &mut Tx, append: &Append) -> Result<(), Fail> {
        let Some(message) = &append.message else {
            return Ok(());
        };
        let ticket = append.command.ticket;
        let bound = crate::messages::remember(tx, append.tenant, message, ticket).await?;
        if bound == ticket {
            return Ok(());
        }
        Err(Fail::Store(StoreError::MessageBound {
            message: message.clone(),
            ticket,
            bound,
        }))
    }

    /// The answer to an append that wrote nothing: the first record of its
    /// command id, or the conflict with the stored version.
    async fn refused(&self, tenant: TenantId, record: &CommandRecord) -> Result<Appended, Fail> {
        let mut tx = self
            .tx(Scope::Tenant(tenant), true, "read a command record")
            .await?;
        if let Some(first) = read_command(&mut tx, tenant, record.command).await? {
            tx.commit().await?;
            return Ok(Appended::Duplicate(first));
        }
        let stmt = tx
            .prepare(
                "SELECT version FROM tickets WHERE tenant = $1 AND id = $2",
                "read a ticket's version",
            )
            .await?;
        let rows = tx
            .query(
                &stmt,
                &[&tenant.as_uuid(), &record.ticket.as_uuid()],
                "read a ticket's version",
            )
            .await?;
        tx.commit().await?;
        let actual = match rows.first() {
            Some(row) => codec::version(get(row, 0, "a ticket's version")?, "a ticket's version")?,
            None => 0,
        };
        Err(StoreError::Conflict {
            ticket: record.ticket,
            expected: record.from_version,
            actual,
        }
        .into())
    }

    async fn try_query(
        &self,
        tenant: TenantId,
        reach: &Reach,
        query: &TicketQuery,
    ) -> Result<Page, Fail> {
        let limit = query.check()?;
        let mut tx = self.tx(Scope::Tenant(tenant), true, "list tickets").await?;
        let rows = crate::list::page(&mut tx, tenant, reach, query, limit).await?;
        tx.commit().await?;
        Ok(rows)
    }

    async fn try_search(
        &self,
        tenant: TenantId,
        reach: &Reach,
        query: &SearchQuery,
    ) -> Result<Vec<TicketRow>, Fail> {
        if query.words.is_empty() {
            return Ok(Vec::new());
        }
        let mut tx = self.tx(Scope::Tenant(tenant), true, "search").await?;
        let rows = crate::list::search(
            &mut tx,
            tenant,
            reach,
            query,
            self.inner.options.common_word,
        )
        .await?;
        tx.commit().await?;
        Ok(rows)
    }

    async fn try_due_before(
        &self,
        instant: DateTime<Utc>,
        after: Option<DueTicket>,
        limit: u32,
    ) -> Result<Vec<DueTicket>, Fail> {
        let lease = self.inner.options.due_lease;
        let mut tx = self
            .tx(Scope::All, lease.is_none(), "list due work")
            .await?;
        let limit = match lease {
            Some(_) => i64::from(limit.min(self.inner.options.due_batch.max(1))),
            None => i64::from(limit),
        };
        let position = after.map(|a| (a.due, a.tenant.as_uuid(), a.ticket.as_uuid()));
        let keyset = match (lease, position) {
            // Bound whether or not there is a cursor: the leasing
            // statement always takes its seven parameters.
            (Some(_), _) => {
                "AND ($3::timestamptz IS NULL OR (next_due, tenant, id) > ($3, $4::uuid, $5::uuid))"
            }
            (None, Some(_)) => "AND (next_due, tenant, id) > ($3, $4, $5)",
            (None, None) => "",
        };
        let lease_filter = if lease.is_some() {
            "AND (due_holder IS NULL OR due_holder = $6 OR due_until <= $1)"
        } else {
            ""
        };
        let select = format!(
            "SELECT tenant, id, next_due FROM tickets \
             WHERE next_due IS NOT NULL AND next_due <= $1 {keyset} {lease_filter} \
             ORDER BY next_due, tenant, id LIMIT $2"
        );
        let (due, tenant, ticket) = match position {
            Some((d, t, i)) => (Some(d), Some(t), Some(i)),
            None => (None, None, None),
        };
        let host = self.inner.host.as_str();
        let until = match lease {
            Some(lease) => Some(lease_until(instant, lease)?),
            None => None,
        };
        let rows = match lease {
            None => {
                let stmt = tx.prepare(&select, "list due work").await?;
                let mut params: Vec<&(dyn ToSql + Sync)> = vec![&instant, &limit];
                if position.is_some() {
                    params.extend([&due as &(dyn ToSql + Sync), &tenant, &ticket]);
                }
                tx.query(&stmt, &params, "list due work").await?
            }
            Some(_) => {
                let sql = format!(
                    "WITH c AS ({select} FOR UPDATE SKIP LOCKED) \
                     UPDATE tickets AS t SET due_holder = $6, due_until = $7 FROM c \
                     WHERE t.tenant = c.tenant AND t.id = c.id \
                     RETURNING c.tenant, c.id, c.next_due"
                );
                let stmt = tx.prepare(&sql, "lease due work").await?;
                let params: [&(dyn ToSql + Sync); 7] =
                    [&instant, &limit, &due, &tenant, &ticket, &host, &until];
                tx.query(&stmt, &params, "lease due work").await?
            }
        };
        tx.commit().await?;
        const WHAT: &str = "due work";
        let mut due: Vec<DueTicket> = rows
            .iter()
            .map(|row| {
                Ok(DueTicket {
                    tenant: get::<Uuid>(row, 0, WHAT)?.into(),
                    ticket: get::<Uuid>(row, 1, WHAT)?.into(),
                    due: get(row, 2, WHAT)?,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        due.sort_by_key(DueTicket::order_key);
        Ok(due)
    }

    async fn try_pending_outbox(&self, limit: u32) -> Result<Vec<OutboxMessage>, Fail> {
        let mut tx = self.tx(Scope::All, true, "read the outbox").await?;
        let stmt = tx
            .prepare(
                "SELECT message FROM outbox WHERE delivered_at IS NULL AND dead_at IS NULL \
                 ORDER BY position LIMIT $1",
                "read the outbox",
            )
            .await?;
        let rows = tx
            .query(&stmt, &[&i64::from(limit)], "read the outbox")
            .await?;
        tx.commit().await?;
        rows.iter()
            .map(|row| {
                let Json(message) = get(row, 0, "an outbox message")?;
                Ok(message)
            })
            .collect::<Result<_, StoreError>>()
            .map_err(Fail::Store)
    }

    async fn try_claim(
        &self,
        holder: &str,
        now: DateTime<Utc>,
        lease: TimeDelta,
        limit: u32,
    ) -> Result<Vec<Claimed>, Fail> {
        let until = lease_until(now, lease)?;
        let mut tx = self.tx(Scope::All, false, "claim outbox messages").await?;
        let claimed = crate::outbox::claim(&mut tx, holder, now, until, limit).await?;
        tx.commit().await?;
        Ok(claimed)
    }

    async fn try_settle(
        &self,
        holder: &str,
        position: u64,
        outcome: &Outcome,
        now: DateTime<Utc>,
    ) -> Result<bool, Fail> {
        let mut tx = self
            .tx(Scope::All, false, "settle an outbox message")
            .await?;
        let settled = crate::outbox::settle(&mut tx, holder, position, outcome, now).await?;
        tx.commit().await?;
        Ok(settled)
    }

    async fn try_dead_letters(
        &self,
        tenant: TenantId,
        after: Option<u64>,
        limit: u32,
    ) -> Result<Vec<DeadLetter>, Fail> {
        let mut tx = self
            .tx(Scope::Tenant(tenant), true, "read dead letters")
            .await?;
        let dead = crate::outbox::dead_letters(&mut tx, tenant, after, limit).await?;
        tx.commit().await?;
        Ok(dead)
    }

    async fn try_next_number(&self, tenant: TenantId) -> Result<TicketNumber, Fail> {
        let mut tx = self
            .tx(Scope::Tenant(tenant), false, "take a ticket number")
            .await?;
        let number = crate::numbers::next(&mut tx, tenant).await?;
        tx.commit().await?;
        Ok(number)
    }

    async fn try_ticket_by_number(
        &self,
        tenant: TenantId,
        number: TicketNumber,
    ) -> Result<Option<TicketId>, Fail> {
        let mut tx = self
            .tx(Scope::Tenant(tenant), true, "look up a ticket by number")
            .await?;
        let found = crate::numbers::ticket(&mut tx, tenant, number).await?;
        tx.commit().await?;
        Ok(found)
    }

    async fn try_remember_message(
        &self,
        tenant: TenantId,
        message: &MessageId,
        ticket: TicketId,
    ) -> Result<TicketId, Fail> {
        let mut tx = self
            .tx(Scope::Tenant(tenant), false, "bind a message id")
            .await?;
        let bound = crate::messages::remember(&mut tx, tenant, message, ticket).await?;
        tx.commit().await?;
        Ok(bound)
    }

    async fn try_ticket_of_message(
        &self,
        tenant: TenantId,
        message: &MessageId,
    ) -> Result<Option<TicketId>, Fail> {
        let mut tx = self
            .tx(Scope::Tenant(tenant), true, "look up a message id")
            .await?;
        let found = crate::messages::ticket_of(&mut tx, tenant, message).await?;
        tx.commit().await?;
        Ok(found)
    }

    async fn try_feed(&self, after: Option<u64>, limit: u32) -> Result<Vec<Logged>, Fail> {
        crate::feed::position(&self.inner.pool).await?;
        crate::feed::read(&self.inner.pool, after, limit).await
    }

    async fn try_revive(
        &self,
        tenant: TenantId,
        position: u64,
        at: DateTime<Utc>,
    ) -> Result<bool, Fail> {
        let mut tx = self
            .tx(Scope::Tenant(tenant), false, "revive a dead letter")
            .await?;
        let revived = crate::outbox::revive(&mut tx, tenant, position, at).await?;
        tx.commit().await?;
        Ok(revived)
    }
}

/// The record of `command` in `tenant`, read in `tx`.
async fn read_command(
    tx: &mut Tx,
    tenant: TenantId,
    command: CommandId,
) -> Result<Option<CommandRecord>, Fail> {
    let stmt = tx
        .prepare(
            "SELECT ticket, actor, fingerprint, from_version, to_version FROM commands \
             WHERE tenant = $1 AND id = $2",
            "read a command record",
        )
        .await?;
    let rows = tx
        .query(
            &stmt,
            &[&tenant.as_uuid(), &command.as_uuid()],
            "read a command record",
        )
        .await?;
    let Some(row) = rows.first() else {
        return Ok(None);
    };
    const WHAT: &str = "a command record";
    let bytes: Vec<u8> = get(row, 2, WHAT)?;
    let fingerprint: [u8; 32] = bytes
        .try_into()
        .map_err(|_| codec::corrupt(WHAT, "its fingerprint is not 32 bytes"))?;
    Ok(Some(CommandRecord {
        command,
        ticket: get::<Uuid>(row, 0, WHAT)?.into(),
        actor: get::<Uuid>(row, 1, WHAT)?.into(),
        fingerprint: Fingerprint(fingerprint),
        from_version: codec::version(get(row, 3, WHAT)?, WHAT)?,
        to_version: codec::version(get(row, 4, WHAT)?, WHAT)?,
    }))
}

impl Store for PostgresStore {
    async fn load(&self, tenant: TenantId, ticket: TicketId) -> Result<Option<Ticket>, StoreError> {
        self.retrying(|| self.try_load(tenant, ticket)).await
    }

    async fn history(
        &self,
        tenant: TenantId,
        ticket: TicketId,
        from: u64,
    ) -> Result<Vec<StoredEvent>, StoreError> {
        self.retrying(|| self.try_history(tenant, ticket, from))
            .await
    }

    async fn command(
        &self,
        tenant: TenantId,
        command: CommandId,
    ) -> Result<Option<CommandRecord>, StoreError> {
        self.retrying(|| self.try_command(tenant, command)).await
    }

    async fn append(&self, append: Append) -> Result<Appended, StoreError> {
        let appended = self.retrying(|| self.try_append(&append)).await;
        if matches!(appended, Ok(Appended::Written)) && append.ticket.exists() {
            let key = (append.tenant, append.command.ticket);
            self.inner.tickets.put(key, append.ticket);
        }
        appended
    }

    async fn query(
        &self,
        tenant: TenantId,
        reach: &Reach,
        query: TicketQuery,
    ) -> Result<Page, StoreError> {
        self.retrying(|| self.try_query(tenant, reach, &query))
            .await
    }

    async fn search(
        &self,
        tenant: TenantId,
        reach: &Reach,
        query: &SearchQuery,
    ) -> Result<Vec<TicketRow>, StoreError> {
        self.retrying(|| self.try_search(tenant, reach, query))
            .await
    }

    async fn due_before(
        &self,
        instant: DateTime<Utc>,
        after: Option<DueTicket>,
        limit: u32,
    ) -> Result<Vec<DueTicket>, StoreError> {
        self.retrying(|| self.try_due_before(instant, after, limit))
            .await
    }

    async fn pending_outbox(&self, limit: u32) -> Result<Vec<OutboxMessage>, StoreError> {
        self.retrying(|| self.try_pending_outbox(limit)).await
    }

    async fn claim_outbox(
        &self,
        holder: &str,
        now: DateTime<Utc>,
        lease: TimeDelta,
        limit: u32,
    ) -> Result<Vec<Claimed>, StoreError> {
        self.retrying(|| self.try_claim(holder, now, lease, limit))
            .await
    }

    async fn settle_outbox(
        &self,
        holder: &str,
        position: u64,
        outcome: Outcome,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        self.retrying(|| self.try_settle(holder, position, &outcome, now))
            .await
    }

    async fn dead_letters(
        &self,
        tenant: TenantId,
        after: Option<u64>,
        limit: u32,
    ) -> Result<Vec<DeadLetter>, StoreError> {
        self.retrying(|| self.try_dead_letters(tenant, after, limit))
            .await
    }

    async fn revive_dead_letter(
        &self,
        tenant: TenantId,
        position: u64,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        self.retrying(|| self.try_revive(tenant, position, at))
            .await
    }

    /// Appends write events without a position; each call first gives
    /// positions to the committed events that lack one, a batch at a time
    /// under the row lock of `feed_head`, so positions only grow and a
    /// reader never sees one below a position it has read appear later.
    async fn feed(&self, after: Option<u64>, limit: u32) -> Result<Vec<Logged>, StoreError> {
        self.retrying(|| self.try_feed(after, limit)).await
    }

    /// A number taken by a transaction whose commit was lost with its
    /// connection is taken again on repeating: a gap, never a repeat.
    async fn next_ticket_number(&self, tenant: TenantId) -> Result<TicketNumber, StoreError> {
        self.retrying(|| self.try_next_number(tenant)).await
    }

    async fn ticket_by_number(
        &self,
        tenant: TenantId,
        number: TicketNumber,
    ) -> Result<Option<TicketId>, StoreError> {
        self.retrying(|| self.try_ticket_by_number(tenant, number))
            .await
    }

    async fn remember_message(
        &self,
        tenant: TenantId,
        message: &MessageId,
        ticket: TicketId,
    ) -> Result<TicketId, StoreError> {
        self.retrying(|| self.try_remember_message(tenant, message, ticket))
            .await
    }

    async fn ticket_of_message(
        &self,
        tenant: TenantId,
        message: &MessageId,
    ) -> Result<Option<TicketId>, StoreError> {
        self.retrying(|| self.try_ticket_of_message(tenant, message))
            .await
    }
}
