//! The outbox's deliveries: claims with leases (`FOR UPDATE SKIP LOCKED`),
//! outcomes, dead letters, revivals. Every statement runs in a transaction
//! scoped to all tenants.
//!
//! A claim scans pending messages in position order, locking those no
//! other claim holds and skipping the rest. Each scanned message comes
//! with the position of the pending message before it of the same ticket
//! (read without locking, so a message another claim is taking still
//! counts): a message is taken only if it is due and that earlier one is
//! none or was taken by this claim. So a ticket's messages are claimed in
//! order, and never while an earlier one is leased, waiting for its retry
//! or being claimed by another host.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use helpdesk_core::TenantId;
use helpdesk_engine::store::{Claimed, DeadLetter, Outcome};
use tokio_postgres::types::Json;
use uuid::Uuid;

use crate::codec::get;
use crate::tx::{Fail, Tx};

/// How many pending messages a claim scans at a time.
const SCAN: i64 = 256;

/// Leases up to `limit` due messages to `holder` until `until`.
pub(crate) async fn claim(
    tx: &mut Tx,
    holder: &str,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
    limit: u32,
) -> Result<Vec<Claimed>, Fail> {
    const WHAT: &str = "an outbox message";
    let scan = tx
        .prepare(
            "SELECT o.position, o.tenant, o.ticket, o.next_at, o.lease_until, \
             (SELECT max(p.position) FROM outbox AS p \
              WHERE p.tenant = o.tenant AND p.ticket = o.ticket AND p.position < o.position \
              AND p.delivered_at IS NULL AND p.dead_at IS NULL) \
             FROM outbox AS o \
             WHERE o.delivered_at IS NULL AND o.dead_at IS NULL AND o.position > $1 \
             ORDER BY o.position LIMIT $2",
            "scan the outbox",
        )
        .await?;
    let lock = tx
        .prepare(
            "SELECT position FROM outbox WHERE position = ANY($1) \
             AND delivered_at IS NULL AND dead_at IS NULL \
             AND (next_at IS NULL OR next_at <= $2) AND (lease_until IS NULL OR lease_until <= $2) \
             ORDER BY position FOR UPDATE SKIP LOCKED",
            "lock outbox messages",
        )
        .await?;
    let limit = limit as usize;
    let mut blocked: HashSet<(Uuid, Uuid)> = HashSet::new();
    let mut last_taken: HashMap<(Uuid, Uuid), i64> = HashMap::new();
    let mut chosen: Vec<i64> = Vec::new();
    let mut after = 0_i64;
    // Scan without locks, then lock only the messages this claim would
    // take, passing over those another claimer holds: locking while
    // scanning would hold every scanned row and starve the other claimers
    // of rows this claim does not take. What could not be locked blocks
    // its ticket's later messages, and the scan goes on past it.
    'scan: while chosen.len() < limit {
        let rows = tx.query(&scan, &[&after, &SCAN], "scan the outbox").await?;
        let mut batch: Vec<(i64, (Uuid, Uuid))> = Vec::new();
        let mut seen_all = true;
        for row in &rows {
            if chosen.len() + batch.len() == limit {
                seen_all = false;
                break;
            }
            let position: i64 = get(row, 0, WHAT)?;
            after = position;
            let ticket = (get::<Uuid>(row, 1, WHAT)?, get::<Uuid>(row, 2, WHAT)?);
            if blocked.contains(&ticket) {
                continue;
            }
            let retry: Option<DateTime<Utc>> = get(row, 3, WHAT)?;
            let lease: Option<DateTime<Utc>> = get(row, 4, WHAT)?;
            let previous: Option<i64> = get(row, 5, WHAT)?;
            let due = retry.is_none_or(|at| at <= now) && lease.is_none_or(|u| u <= now);
            let in_order = previous.is_none() || previous == last_taken.get(&ticket).copied();
            if due && in_order {
                batch.push((position, ticket));
                last_taken.insert(ticket, position);
            } else {
                blocked.insert(ticket);
            }
        }
        if !batch.is_empty() {
            let positions: Vec<i64> = batch.iter().map(|(p, _)| *p).collect();
            let locked: HashSet<i64> = tx
                .query(&lock, &[&positions, &now], "lock outbox messages")
                .await?
                .iter()
                .map(|row| get::<i64>(row, 0, WHAT))
                .collect::<Result<_, _>>()?;
            for (position, ticket) in batch {
                if locked.contains(&position) && !blocked.contains(&ticket) {
                    chosen.push(position);
                } else {
                    blocked.insert(ticket);
                }
            }
        }
        if seen_all && (rows.len() as i64) < SCAN {
            break 'scan;
        }
    }
    if chosen.is_empty() {
        return Ok(Vec::new());
    }
    let lease = tx
        .prepare(
            "UPDATE outbox SET lease_holder = $1, lease_until = $2 WHERE position = ANY($3) \
             RETURNING position, message, attempts, last_error",
            "lease outbox messages",
        )
        .await?;
    let rows = tx
        .query(&lease, &[&holder, &until, &chosen], "lease outbox messages")
        .await?;
    let mut claimed = rows
        .iter()
        .map(|row| {
            let Json(message) = get(row, 1, WHAT)?;
            Ok(Claimed {
                position: u64::try_from(get::<i64>(row, 0, WHAT)?).unwrap_or(0),
                message,
                attempts: u32::try_from(get::<i32>(row, 2, WHAT)?).unwrap_or(0),
                last_error: get(row, 3, WHAT)?,
            })
        })
        .collect::<Result<Vec<_>, Fail>>()?;
    claimed.sort_by_key(|c| c.position);
    Ok(claimed)
}

/// A position as stored.
fn position(position: u64) -> i64 {
    i64::try_from(position).unwrap_or(i64::MAX)
}

/// Records `holder`'s outcome of the message at `position`; whether they
/// held it.
pub(crate) async fn settle(
    tx: &mut Tx,
    holder: &str,
    at: u64,
    outcome: &Outcome,
    now: DateTime<Utc>,
) -> Result<bool, Fail> {
    type Instant = Option<DateTime<Utc>>;
    let (delivered, retry, dead, error, attempt): (Instant, Instant, Instant, Option<&str>, i32) =
        match outcome {
            Outcome::Delivered => (Some(now), None, None, None, 1),
            Outcome::Retry { at, error } => (None, Some(*at), None, Some(error.as_str()), 1),
            Outcome::Dead { error } => (None, None, Some(now), Some(error.as_str()), 1),
            // Not attempted: claimable again from `at`, no attempt counted.
            Outcome::Released { at } => (None, Some(*at), None, None, 0),
        };
    let stmt = tx
        .prepare(
            "UPDATE outbox SET attempts = attempts + $7, lease_holder = NULL, \
             lease_until = NULL, delivered_at = $3, next_at = $4, dead_at = $5, \
             last_error = coalesce($6, last_error) \
             WHERE position = $1 AND lease_holder = $2 \
             AND delivered_at IS NULL AND dead_at IS NULL RETURNING 1",
            "settle an outbox message",
        )
        .await?;
    let rows = tx
        .query(
            &stmt,
            &[
                &position(at),
                &holder,
                &delivered,
                &retry,
                &dead,
                &error,
                &attempt,
            ],
            "settle an outbox message",
        )
        .await?;
    Ok(rows.len() == 1)
}

/// Up to `limit` of `tenant`'s dead letters after `after`.
pub(crate) async fn dead_letters(
    tx: &mut Tx,
    tenant: TenantId,
    after: Option<u64>,
    limit: u32,
) -> Result<Vec<DeadLetter>, Fail> {
    const WHAT: &str = "a dead letter";
    let stmt = tx
        .prepare(
            "SELECT position, message, attempts, last_error, dead_at FROM outbox \
             WHERE dead_at IS NOT NULL AND tenant = $3 AND position > $1 \
             ORDER BY position LIMIT $2",
            "read dead letters",
        )
        .await?;
    let after = after.map_or(0, position);
    let rows = tx
        .query(
            &stmt,
            &[&after, &i64::from(limit), &tenant.as_uuid()],
            "read dead letters",
        )
        .await?;
    rows.iter()
        .map(|row| {
            let Json(message) = get(row, 1, WHAT)?;
            Ok(DeadLetter {
                position: u64::try_from(get::<i64>(row, 0, WHAT)?).unwrap_or(0),
                message,
                attempts: u32::try_from(get::<i32>(row, 2, WHAT)?).unwrap_or(0),
                last_error: get::<Option<String>>(row, 3, WHAT)?.unwrap_or_default(),
                died_at: get(row, 4, WHAT)?,
            })
        })
        .collect()
}

/// Makes `tenant`'s dead letter at `at` claimable from `from`.
pub(crate) async fn revive(
    tx: &mut Tx,
    tenant: TenantId,
    at: u64,
    from: DateTime<Utc>,
) -> Result<bool, Fail> {
    let stmt = tx
        .prepare(
            "UPDATE outbox SET dead_at = NULL, next_at = $2 \
             WHERE position = $1 AND tenant = $3 AND dead_at IS NOT NULL RETURNING 1",
            "revive a dead letter",
        )
        .await?;
    let rows = tx
        .query(
            &stmt,
            &[&position(at), &from, &tenant.as_uuid()],
            "revive a dead letter",
        )
        .await?;
    Ok(rows.len() == 1)
}
