//! Point reads and system-wide scans: a ticket's snapshot, its history, a
//! command record, what falls due, the pending outbox.

use std::path::Path;

use chrono::{DateTime, Utc};
use helpdesk_core::{ActorId, Event, TenantId, Ticket, TicketId, apply};
use helpdesk_engine::store::{
    CommandRecord, DueTicket, Fingerprint, Logged, OutboxMessage, StoredEvent,
};
use helpdesk_engine::{CommandId, StoreError};
use rusqlite::{Connection, OptionalExtension, params};

use crate::codec::{self, from_json, id, int, key, text, version};
use crate::error::failed;
use crate::outbox::{MESSAGE_COLUMNS, MESSAGE_JOINS};

/// The ticket as of its last event, read in one read transaction: `kept`
/// (a ticket decoded earlier) while the ticket's row is at its version and
/// time of update; else its latest snapshot (see
/// [`SNAPSHOT_EVERY`](crate::append::SNAPSHOT_EVERY)) with the events after
/// it applied.
pub(crate) fn load(
    conn: &Connection,
    path: &Path,
    tenant: TenantId,
    ticket: TicketId,
    kept: Option<Ticket>,
) -> Result<Option<Ticket>, StoreError> {
    let read = conn
        .unchecked_transaction()
        .map_err(failed(path, "begin load"))?;
    if let Some(kept) = kept {
        let row: Option<(i64, i64)> = read
            .prepare_cached("SELECT version, updated_at FROM tickets WHERE tenant = ?1 AND id = ?2")
            .map_err(failed(path, "prepare load"))?
            .query_row(params![key(tenant), key(ticket)], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()
            .map_err(failed(path, "load ticket"))?;
        let Some((version, updated_at)) = row else {
            return Ok(None);
        };
        if i64::try_from(kept.version()).ok() == Some(version)
            && codec::nanos_saturating(kept.updated_at()) == updated_at
        {
            return Ok(Some(kept));
        }
    }
    let found: Option<(i64, i64, i64, String)> = read
        .prepare_cached(
            "SELECT t.no, t.version, s.version, s.body FROM tickets AS t \
             JOIN snapshots AS s ON s.ticket = t.no WHERE t.tenant = ?1 AND t.id = ?2",
        )
        .map_err(failed(path, "prepare load"))?
        .query_row(params![key(tenant), key(ticket)], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .optional()
        .map_err(failed(path, "load ticket"))?;
    let Some((no, stored, at, body)) = found else {
        return Ok(None);
    };
    let mut loaded: Ticket = from_json(&body, &format!("the snapshot of ticket {ticket}"))?;
    expect_version(ticket, &loaded, at, "its snapshot is of", "it is filed as")?;
    let what = format!("an event of ticket {ticket}");
    let mut stmt = read
        .prepare_cached(
            "SELECT body FROM events WHERE ticket = ?1 AND version > ?2 ORDER BY version",
        )
        .map_err(failed(path, "prepare load"))?;
    let mut rows = stmt
        .query(params![no, at])
        .map_err(failed(path, "load events"))?;
    while let Some(row) = rows.next().map_err(failed(path, "load events"))? {
        let event: Event = from_json(text(row, 0, &what)?, &what)?;
        apply(&mut loaded, &event);
    }
    expect_version(
        ticket,
        &loaded,
        stored,
        "its events end at",
        "its row is at",
    )?;
    Ok(Some(loaded))
}

/// Fails unless `loaded` is at version `expected`: "`found` version N but
/// `filed` version `expected`".
fn expect_version(
    ticket: TicketId,
    loaded: &Ticket,
    expected: i64,
    found: &str,
    filed: &str,
) -> Result<(), StoreError> {
    if i64::try_from(loaded.version()).ok() == Some(expected) {
        return Ok(());
    }
    Err(StoreError::Corrupt {
        what: format!("ticket {ticket}"),
        reason: format!(
            "{found} version {} but {filed} version {expected}",
            loaded.version()
        ),
    })
}

/// The ticket's events from version `from`.
pub(crate) fn history(
    conn: &Connection,
    path: &Path,
    tenant: TenantId,
    ticket: TicketId,
    from: u64,
) -> Result<Vec<StoredEvent>, StoreError> {
    let what = format!("an event of ticket {ticket}");
    let mut stmt = conn
        .prepare_cached(
            "SELECT version, id, command, body FROM events \
             WHERE ticket = (SELECT no FROM tickets WHERE tenant = ?1 AND id = ?2) \
             AND version >= ?3 ORDER BY version",
        )
        .map_err(failed(path, "prepare history"))?;
    let from = i64::try_from(from).unwrap_or(i64::MAX);
    let mut rows = stmt
        .query(params![key(tenant), key(ticket), from])
        .map_err(failed(path, "read history"))?;
    let mut events = Vec::new();
    while let Some(row) = rows.next().map_err(failed(path, "read history"))? {
        events.push(StoredEvent {
            id: id(row, 1, &what)?,
            tenant,
            ticket,
            version: version(row, 0, &what)?,
            command: id(row, 2, &what)?,
            event: from_json(text(row, 3, &what)?, &what)?,
        });
    }
    Ok(events)
}

/// Up to `limit` events after row `after` and at most row `through`, in
/// row order: the order their commits were made, since one writer numbers
/// rows as it commits them.
pub(crate) fn feed(
    conn: &Connection,
    path: &Path,
    after: i64,
    through: i64,
    limit: u32,
) -> Result<Vec<Logged>, StoreError> {
    const WHAT: &str = "an event of the log";
    let mut stmt = conn
        .prepare_cached(
            "SELECT e.seq, t.tenant, t.id, e.version, e.id, e.command, e.body \
             FROM events AS e JOIN tickets AS t ON t.no = e.ticket \
             WHERE e.seq > ?1 AND e.seq <= ?2 ORDER BY e.seq LIMIT ?3",
        )
        .map_err(failed(path, "prepare feed"))?;
    let mut rows = stmt
        .query(params![after, through, limit])
        .map_err(failed(path, "read feed"))?;
    let mut events = Vec::new();
    while let Some(row) = rows.next().map_err(failed(path, "read feed"))? {
        let position = int(row, 0, WHAT)?;
        events.push(Logged {
            position: u64::try_from(position)
                .map_err(|_| codec::corrupt(WHAT, format!("negative position {position}")))?,
            event: StoredEvent {
                tenant: id(row, 1, WHAT)?,
                ticket: id(row, 2, WHAT)?,
                version: version(row, 3, WHAT)?,
                id: id(row, 4, WHAT)?,
                command: id(row, 5, WHAT)?,
                event: from_json(text(row, 6, WHAT)?, WHAT)?,
            },
        });
    }
    Ok(events)
}

/// The record of a command.
pub(crate) fn command(
    conn: &Connection,
    path: &Path,
    tenant: TenantId,
    command: CommandId,
) -> Result<Option<CommandRecord>, StoreError> {
    const WHAT: &str = "a command record";
    let mut stmt = conn
        .prepare_cached(
            "SELECT ticket, from_version, to_version, actor, fingerprint FROM commands \
             WHERE tenant = ?1 AND command = ?2",
        )
        .map_err(failed(path, "prepare command lookup"))?;
    let mut rows = stmt
        .query(params![key(tenant), key(command)])
        .map_err(failed(path, "look up command"))?;
    match rows.next().map_err(failed(path, "look up command"))? {
        None => Ok(None),
        // Records from before schema version 5 name no actor and no
        // fingerprint: the nil actor and a fingerprint of zeros, which no
        // retry matches, so a reuse of such an id is refused.
        Some(row) => Ok(Some(CommandRecord {
            command,
            ticket: id(row, 0, WHAT)?,
            actor: codec::id_opt(row, 3, WHAT)?.unwrap_or_else(|| ActorId::from_u128(0)),
            fingerprint: Fingerprint(codec::blob_opt::<32>(row, 4, WHAT)?.unwrap_or([0; 32])),
            from_version: version(row, 1, WHAT)?,
            to_version: version(row, 2, WHAT)?,
        })),
    }
}

/// Across tenants, what falls due at or before `instant`, after `after`
/// in (due, tenant, ticket) order.
pub(crate) fn due_before(
    conn: &Connection,
    path: &Path,
    instant: DateTime<Utc>,
    after: Option<DueTicket>,
    limit: u32,
) -> Result<Vec<DueTicket>, StoreError> {
    const WHAT: &str = "a due ticket";
    let mut stmt = conn
        .prepare_cached(
            "SELECT tenant, id, next_due FROM tickets INDEXED BY tickets_next_due \
             WHERE next_due IS NOT NULL AND next_due <= ?1 \
             AND (?3 IS NULL OR (next_due, tenant, id) > (?3, ?4, ?5)) \
             ORDER BY next_due, tenant, id LIMIT ?2",
        )
        .map_err(failed(path, "prepare due scan"))?;
    let (due, tenant, ticket) = match after {
        Some(a) => (
            Some(codec::nanos_saturating(a.due)),
            Some(key(a.tenant)),
            Some(key(a.ticket)),
        ),
        None => (None, None, None),
    };
    let mut rows = stmt
        .query(params![
            codec::nanos_saturating(instant),
            limit,
            due,
            tenant,
            ticket
        ])
        .map_err(failed(path, "scan due tickets"))?;
    let mut due = Vec::new();
    while let Some(row) = rows.next().map_err(failed(path, "scan due tickets"))? {
        due.push(DueTicket {
            tenant: id(row, 0, WHAT)?,
            ticket: id(row, 1, WHAT)?,
            due: codec::instant(int(row, 2, WHAT)?),
        });
    }
    Ok(due)
}

/// The oldest outbox messages neither delivered nor dead, up to row
/// number `through`.
pub(crate) fn pending_outbox(
    conn: &Connection,
    path: &Path,
    limit: u32,
    through: i64,
) -> Result<Vec<OutboxMessage>, StoreError> {
    let mut stmt = conn
        .prepare_cached(&format!(
            "SELECT {MESSAGE_COLUMNS} FROM outbox AS o INDEXED BY outbox_pending {MESSAGE_JOINS} \
             WHERE o.delivered_at IS NULL AND o.dead_at IS NULL AND o.seq <= ?2 \
             ORDER BY o.seq LIMIT ?1"
        ))
        .map_err(failed(path, "prepare outbox scan"))?;
    let mut rows = stmt
        .query(params![limit, through])
        .map_err(failed(path, "scan outbox"))?;
    let mut messages = Vec::new();
    while let Some(row) = rows.next().map_err(failed(path, "scan outbox"))? {
        messages.push(crate::outbox::message(row, 0)?);
    }
    Ok(messages)
}
