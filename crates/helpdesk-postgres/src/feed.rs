//! The event log in order with positions (`Store::feed`): appends write
//! their events without a position, and a reader first gives positions to
//! the committed events that lack one, a batch per transaction under the
//! row lock of `feed_head` (see `migrations/0005_feed_sequencer.sql`), so
//! appends never wait for one another's commits.

use deadpool_postgres::Pool;
use helpdesk_engine::store::{Logged, StoredEvent};
use tokio_postgres::types::Json;
use uuid::Uuid;

use crate::codec::{self, get};
use crate::tx::{Fail, Scope, Tx};

/// The most events one positioning transaction takes.
const BATCH: i64 = 10_000;

/// Gives positions to every event committed before the call that has
/// none: each batch after the head, by transaction id, ticket and version.
pub(crate) async fn position(pool: &Pool) -> Result<(), Fail> {
    const WHAT: &str = "position the feed";
    loop {
        let mut tx = Tx::start(pool, Scope::All, false, WHAT).await?;
        let pending = tx
            .prepare(
                "SELECT EXISTS (SELECT 1 FROM events WHERE position IS NULL)",
                WHAT,
            )
            .await?;
        let rows = tx.query(&pending, &[], WHAT).await?;
        if !rows.first().is_some_and(|r| r.get::<_, bool>(0)) {
            tx.commit().await?;
            return Ok(());
        }
        // The head's lock first, in a statement of its own: the batch's
        // statement then reads the events as the batch before it left them.
        let lock = tx
            .prepare("SELECT position FROM feed_head FOR UPDATE", WHAT)
            .await?;
        tx.query(&lock, &[], WHAT).await?;
        let assign = tx
            .prepare(
                "WITH p AS (SELECT tenant, ticket, version, \
                     row_number() OVER (ORDER BY xid, tenant, ticket, version) AS n \
                     FROM events WHERE position IS NULL \
                     ORDER BY xid, tenant, ticket, version LIMIT $1), \
                 h AS (UPDATE feed_head SET position = position + (SELECT count(*) FROM p) \
                     RETURNING position - (SELECT count(*) FROM p) AS base), \
                 u AS (UPDATE events AS e SET position = h.base + p.n FROM p, h \
                     WHERE e.tenant = p.tenant AND e.ticket = p.ticket AND e.version = p.version \
                     RETURNING 1) \
                 SELECT count(*) FROM u",
                WHAT,
            )
            .await?;
        let rows = tx.query(&assign, &[&BATCH], WHAT).await?;
        let positioned: i64 = match rows.first() {
            Some(row) => get(row, 0, "the events positioned")?,
            None => 0,
        };
        tx.commit().await?;
        if positioned < BATCH {
            return Ok(());
        }
    }
}

/// Up to `limit` positioned events after `after`, in order.
pub(crate) async fn read(pool: &Pool, after: Option<u64>, limit: u32) -> Result<Vec<Logged>, Fail> {
    const WHAT: &str = "read the feed";
    let after = after.map_or(0, |a| i64::try_from(a).unwrap_or(i64::MAX));
    let mut tx = Tx::start(pool, Scope::All, true, WHAT).await?;
    let stmt = tx
        .prepare(
            "SELECT position, tenant, ticket, version, id, command, body FROM events \
             WHERE position > $1 ORDER BY position LIMIT $2",
            WHAT,
        )
        .await?;
    let rows = tx.query(&stmt, &[&after, &i64::from(limit)], WHAT).await?;
    tx.commit().await?;
    const EVENT: &str = "an event of the feed";
    rows.iter()
        .map(|row| {
            let Json(event) = get(row, 6, EVENT)?;
            Ok(Logged {
                position: codec::version(get(row, 0, EVENT)?, EVENT)?,
                event: StoredEvent {
                    tenant: get::<Uuid>(row, 1, EVENT)?.into(),
                    ticket: get::<Uuid>(row, 2, EVENT)?.into(),
                    version: codec::version(get(row, 3, EVENT)?, EVENT)?,
                    id: get::<Uuid>(row, 4, EVENT)?.into(),
                    command: get::<Uuid>(row, 5, EVENT)?.into(),
                    event,
                },
            })
        })
        .collect()
}
