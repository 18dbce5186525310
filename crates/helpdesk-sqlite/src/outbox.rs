//! The outbox's deliveries: claims with leases, outcomes, dead letters.
//!
//! Reads of messages join `outbox` to `tickets` and, for a message that
//! delivers one of its append's events, to that event ([`MESSAGE_COLUMNS`]).
//! Claims, outcomes and revivals write, so they run on the writer's
//! connection (see `SqliteStore::write`); a claim reads the pending
//! messages in outbox order, up to the outbox mark of the last synced
//! commit, and leases the due ones, keeping each ticket's order, in one
//! `BEGIN IMMEDIATE` transaction.

use std::collections::HashSet;
use std::path::Path;

use chrono::{DateTime, Utc};
use helpdesk_core::TenantId;
use helpdesk_engine::StoreError;
use helpdesk_engine::store::{Claimed, DeadLetter, OutboxMessage, Outcome, StoredEvent};
use rusqlite::{Connection, Row, params};

use crate::codec::{self, from_json, id, int, key, text, version};
use crate::error::failed;

/// The columns [`message`] reads, from the tables `o` (outbox), `t`
/// (tickets) and `e` (events, left-joined).
pub(crate) const MESSAGE_COLUMNS: &str =
    "t.tenant, t.id, o.message, e.version, e.id, e.command, e.body, o.delivery";

/// The joins [`MESSAGE_COLUMNS`] needs after `FROM outbox AS o`.
pub(crate) const MESSAGE_JOINS: &str = "JOIN tickets AS t ON t.no = o.ticket \
     LEFT JOIN events AS e ON o.message IS NULL AND e.ticket = o.ticket \
     AND e.version = o.version";

/// The message selected with [`MESSAGE_COLUMNS`] from `offset` on.
pub(crate) fn message(row: &Row<'_>, offset: usize) -> Result<OutboxMessage, StoreError> {
    const WHAT: &str = "an outbox message";
    if let Some(whole) = codec::text_opt(row, offset + 2, WHAT)? {
        return from_json(whole, WHAT);
    }
    let event = StoredEvent {
        id: id(row, offset + 4, WHAT)?,
        tenant: id(row, offset, WHAT)?,
        ticket: id(row, offset + 1, WHAT)?,
        version: version(row, offset + 3, WHAT)?,
        command: id(row, offset + 5, WHAT)?,
        event: from_json(text(row, offset + 6, WHAT)?, WHAT)?,
    };
    let delivery = from_json(text(row, offset + 7, WHAT)?, WHAT)?;
    Ok(OutboxMessage::new(&event, delivery))
}

/// How many pending messages a claim reads at a time.
const SCAN: i64 = 256;

/// Leases up to `limit` due messages of synced commits (row numbers up to
/// `through`) to `holder` until `until`; see the Store contract.
pub(crate) fn claim(
    conn: &Connection,
    path: &Path,
    holder: &str,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
    limit: u32,
    through: i64,
) -> Result<Vec<Claimed>, StoreError> {
    let (now, until) = (codec::nanos(path, now)?, codec::nanos(path, until)?);
    conn.execute_batch("BEGIN IMMEDIATE")
        .map_err(failed(path, "begin claim"))?;
    let chosen = choose(conn, path, now, limit as usize, through).and_then(|chosen| {
        let mut lease = conn
            .prepare_cached("UPDATE outbox SET lease_holder = ?1, lease_until = ?2 WHERE seq = ?3")
            .map_err(failed(path, "prepare lease"))?;
        for (seq, _, _) in &chosen {
            lease
                .execute(params![holder, until, seq])
                .map_err(failed(path, "lease outbox message"))?;
        }
        Ok(chosen)
    });
    let chosen = match chosen {
        Ok(chosen) => {
            conn.execute_batch("COMMIT")
                .map_err(failed(path, "commit claim"))?;
            chosen
        }
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            return Err(e);
        }
    };
    let mut read = conn
        .prepare_cached(&format!(
            "SELECT {MESSAGE_COLUMNS} FROM outbox AS o {MESSAGE_JOINS} WHERE o.seq = ?1"
        ))
        .map_err(failed(path, "prepare claimed message"))?;
    let mut claimed = Vec::with_capacity(chosen.len());
    for (seq, attempts, last_error) in chosen {
        let message = read
            .query_row([seq], |row| Ok(message(row, 0)))
            .map_err(failed(path, "read claimed message"))??;
        claimed.push(Claimed {
            position: u64::try_from(seq).unwrap_or(0),
            message,
            attempts,
            last_error,
        });
    }
    Ok(claimed)
}

/// The due messages a claim takes: `(seq, attempts, last error)`, in
/// outbox order, passing over every later message of a ticket whose
/// earlier one is leased or waiting for its retry.
fn choose(
    conn: &Connection,
    path: &Path,
    now: i64,
    limit: usize,
    through: i64,
) -> Result<Vec<(i64, u32, Option<String>)>, StoreError> {
    const WHAT: &str = "an outbox message";
    let mut scan = conn
        .prepare_cached(
            "SELECT seq, ticket, next_at, lease_until, attempts, last_error \
             FROM outbox INDEXED BY outbox_pending \
             WHERE delivered_at IS NULL AND dead_at IS NULL AND seq > ?1 AND seq <= ?2 \
             ORDER BY seq LIMIT ?3",
        )
        .map_err(failed(path, "prepare outbox claim"))?;
    let mut blocked = HashSet::new();
    let mut chosen = Vec::new();
    let mut after = 0;
    while chosen.len() < limit {
        let mut rows = scan
            .query(params![after, through, SCAN])
            .map_err(failed(path, "scan outbox"))?;
        let mut seen = 0;
        while let Some(row) = rows.next().map_err(failed(path, "scan outbox"))? {
            seen += 1;
            let seq = int(row, 0, WHAT)?;
            after = seq;
            let ticket = int(row, 1, WHAT)?;
            if chosen.len() == limit || blocked.contains(&ticket) {
                continue;
            }
            let retry = codec::int_opt(row, 2, WHAT)?;
            let lease = codec::int_opt(row, 3, WHAT)?;
            let due = retry.is_none_or(|at| at <= now) && lease.is_none_or(|until| until <= now);
            if !due {
                blocked.insert(ticket);
                continue;
            }
            let attempts = u32::try_from(int(row, 4, WHAT)?).unwrap_or(u32::MAX);
            let last_error = codec::text_opt(row, 5, WHAT)?.map(str::to_owned);
            chosen.push((seq, attempts, last_error));
        }
        if seen < SCAN {
            break;
        }
    }
    Ok(chosen)
}

/// Records `holder`'s outcome of the message at `position`; whether they
/// held it.
pub(crate) fn settle(
    conn: &Connection,
    path: &Path,
    holder: &str,
    position: u64,
    outcome: &Outcome,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let now = codec::nanos(path, now)?;
    let (delivered, retry, dead, error, attempt) = match outcome {
        Outcome::Delivered => (Some(now), None, None, None, 1),
        Outcome::Retry { at, error } => (
            None,
            Some(codec::nanos(path, *at)?),
            None,
            Some(error.as_str()),
            1,
        ),
        Outcome::Dead { error } => (None, None, Some(now), Some(error.as_str()), 1),
        // Not attempted: claimable again from `at`, no attempt counted.
        Outcome::Released { at } => (None, Some(codec::nanos(path, *at)?), None, None, 0),
    };
    let changed = conn
        .prepare_cached(
            "UPDATE outbox SET attempts = attempts + ?7, lease_holder = NULL, \
             lease_until = NULL, delivered_at = ?3, next_at = ?4, dead_at = ?5, \
             last_error = coalesce(?6, last_error) \
             WHERE seq = ?1 AND lease_holder = ?2 \
             AND delivered_at IS NULL AND dead_at IS NULL",
        )
        .map_err(failed(path, "prepare outbox outcome"))?
        .execute(params![
            i64::try_from(position).unwrap_or(i64::MAX),
            holder,
            delivered,
            retry,
            dead,
            error,
            attempt
        ])
        .map_err(failed(path, "record outbox outcome"))?;
    Ok(changed == 1)
}

/// Up to `limit` of `tenant`'s dead letters after `after`.
pub(crate) fn dead_letters(
    conn: &Connection,
    path: &Path,
    tenant: TenantId,
    after: Option<u64>,
    limit: u32,
) -> Result<Vec<DeadLetter>, StoreError> {
    const WHAT: &str = "a dead letter";
    let mut stmt = conn
        .prepare_cached(&format!(
            "SELECT o.seq, o.attempts, o.last_error, o.dead_at, {MESSAGE_COLUMNS} \
             FROM outbox AS o INDEXED BY outbox_dead {MESSAGE_JOINS} \
             WHERE o.dead_at IS NOT NULL AND o.seq > ?1 AND t.tenant = ?3 \
             ORDER BY o.seq LIMIT ?2"
        ))
        .map_err(failed(path, "prepare dead letters"))?;
    let after = after.map_or(0, |a| i64::try_from(a).unwrap_or(i64::MAX));
    let mut rows = stmt
        .query(params![after, limit, key(tenant)])
        .map_err(failed(path, "read dead letters"))?;
    let mut dead = Vec::new();
    while let Some(row) = rows.next().map_err(failed(path, "read dead letters"))? {
        dead.push(DeadLetter {
            position: u64::try_from(int(row, 0, WHAT)?).unwrap_or(0),
            attempts: u32::try_from(int(row, 1, WHAT)?).unwrap_or(u32::MAX),
            last_error: codec::text_opt(row, 2, WHAT)?
                .unwrap_or_default()
                .to_owned(),
            died_at: codec::instant(int(row, 3, WHAT)?),
            message: message(row, 4)?,
        });
    }
    Ok(dead)
}

/// Makes `tenant`'s dead letter at `position` claimable from `at`.
pub(crate) fn revive(
    conn: &Connection,
    path: &Path,
    tenant: TenantId,
    position: u64,
    at: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let changed = conn
        .prepare_cached(
            "UPDATE outbox SET dead_at = NULL, next_at = ?2 \
             WHERE seq = ?1 AND dead_at IS NOT NULL \
             AND ticket IN (SELECT no FROM tickets WHERE tenant = ?3)",
        )
        .map_err(failed(path, "prepare revival"))?
        .execute(params![
            i64::try_from(position).unwrap_or(i64::MAX),
            codec::nanos(path, at)?,
            key(tenant)
        ])
        .map_err(failed(path, "revive dead letter"))?;
    Ok(changed == 1)
}
