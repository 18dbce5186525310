//! One append inside the writer's transaction: the contract's checks, then
//! every row the command writes.

use std::path::Path;

use helpdesk_engine::StoreError;
use helpdesk_engine::store::{Append, Appended, CommandRecord};
use rusqlite::{Connection, OptionalExtension, params};

use crate::codec::{self, nanos};
use crate::error::failed;

/// Writes `append` on `conn`, which is inside a transaction; on an error
/// the caller rolls back whatever was written.
pub(crate) fn write(
    conn: &Connection,
    path: &Path,
    append: &Append,
) -> Result<Appended, StoreError> {
    let tenant = append.tenant.to_string();
    let record = append.command;
    let command = record.command.to_string();
    let ticket = record.ticket.to_string();

    let first = conn
        .prepare_cached(
            "SELECT ticket, from_version, to_version FROM commands \
             WHERE tenant = ?1 AND command = ?2",
        )
        .map_err(failed(path, "prepare command lookup"))?
        .query_row(params![tenant, command], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, i64>(1)?,
                row.get::<_, i64>(2)?,
            ))
        })
        .optional()
        .map_err(failed(path, "look up command"))?;
    if let Some((first_ticket, from, to)) = first {
        const WHAT: &str = "a command record";
        let version = |n: i64| {
            u64::try_from(n).map_err(|_| StoreError::Corrupt {
                what: WHAT.into(),
                reason: format!("negative version {n}"),
            })
        };
        return Ok(Appended::Duplicate(CommandRecord {
            command: record.command,
            ticket: codec::parse(&first_ticket, WHAT)?,
            from_version: version(from)?,
            to_version: version(to)?,
        }));
    }

    let actual = conn
        .prepare_cached("SELECT version FROM tickets WHERE tenant = ?1 AND id = ?2")
        .map_err(failed(path, "prepare version lookup"))?
        .query_row(params![tenant, ticket], |row| row.get::<_, i64>(0))
        .optional()
        .map_err(failed(path, "look up ticket version"))?
        .map_or(0, |v| v.max(0) as u64);
    if actual != record.from_version {
        return Err(StoreError::Conflict {
            ticket: record.ticket,
            expected: record.from_version,
            actual,
        });
    }

    conn.prepare_cached(
        "INSERT INTO commands (tenant, command, ticket, from_version, to_version) \
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )
    .map_err(failed(path, "prepare command insert"))?
    .execute(params![
        tenant,
        command,
        ticket,
        to_sql_version(record.from_version),
        to_sql_version(record.to_version)
    ])
    .map_err(failed(path, "insert command"))?;

    if append.events.is_empty() {
        return Ok(Appended::Written);
    }

    let row = &append.row;
    let next_due = row.next_due.map(|d| nanos(path, d)).transpose()?;
    let updated_at = nanos(path, row.updated_at)?;
    let snapshot = codec::json(path, "a ticket snapshot", &append.ticket)?;
    let rowid: i64 = conn
        .prepare_cached(
            "INSERT INTO tickets (tenant, id, version, subject, status, sub_status, priority, \
             group_id, assignee, requester, tags, next_due, created_at, updated_at, snapshot) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15) \
             ON CONFLICT (tenant, id) DO UPDATE SET version = excluded.version, \
             subject = excluded.subject, status = excluded.status, \
             sub_status = excluded.sub_status, priority = excluded.priority, \
             group_id = excluded.group_id, assignee = excluded.assignee, \
             requester = excluded.requester, tags = excluded.tags, \
             next_due = excluded.next_due, created_at = excluded.created_at, \
             updated_at = excluded.updated_at, snapshot = excluded.snapshot \
             RETURNING rowid",
        )
        .map_err(failed(path, "prepare ticket upsert"))?
        .query_row(
            params![
                tenant,
                ticket,
                to_sql_version(row.version),
                row.subject,
                row.status.as_str(),
                row.sub_status,
                codec::name(path, "a priority", &row.priority)?,
                row.group.map(|g| g.to_string()),
                row.assignee.map(|a| a.to_string()),
                row.requester.to_string(),
                codec::json(path, "tags", &row.tags)?,
                next_due,
                nanos(path, row.created_at)?,
                updated_at,
                snapshot,
            ],
            |r| r.get(0),
        )
        .map_err(failed(path, "upsert ticket"))?;

    if record.from_version > 0 {
        conn.prepare_cached("DELETE FROM ticket_tags WHERE tenant = ?1 AND ticket = ?2")
            .map_err(failed(path, "prepare tag delete"))?
            .execute(params![tenant, ticket])
            .map_err(failed(path, "delete tags"))?;
    }
    if !row.tags.is_empty() {
        let mut insert = conn
            .prepare_cached(
                "INSERT OR IGNORE INTO ticket_tags (tenant, ticket, tag, next_due, updated_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )
            .map_err(failed(path, "prepare tag insert"))?;
        for tag in &row.tags {
            insert
                .execute(params![tenant, ticket, tag, next_due, updated_at])
                .map_err(failed(path, "insert tag"))?;
        }
    }

    let mut insert = conn
        .prepare_cached(
            "INSERT INTO events (tenant, ticket, version, id, command, at, type, body) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )
        .map_err(failed(path, "prepare event insert"))?;
    for stored in &append.events {
        insert
            .execute(params![
                tenant,
                ticket,
                to_sql_version(stored.version),
                stored.id.to_string(),
                stored.command.to_string(),
                nanos(path, stored.event.at)?,
                stored.event.change.type_name(),
                codec::json(path, "an event", &stored.event)?,
            ])
            .map_err(failed(path, "insert event"))?;
    }

    if !append.outbox.is_empty() {
        let mut insert = conn
            .prepare_cached(
                "INSERT INTO outbox (id, tenant, ticket, body, created_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )
            .map_err(failed(path, "prepare outbox insert"))?;
        for message in &append.outbox {
            insert
                .execute(params![
                    message.id.to_string(),
                    message.tenant.to_string(),
                    message.ticket.to_string(),
                    codec::json(path, "an outbox message", &message.event)?,
                    nanos(path, message.event.event.at)?,
                ])
                .map_err(failed(path, "insert outbox message"))?;
        }
    }

    if record.from_version > 0 {
        conn.prepare_cached("DELETE FROM ticket_text WHERE rowid = ?1")
            .map_err(failed(path, "prepare search text delete"))?
            .execute(params![rowid])
            .map_err(failed(path, "delete search text"))?;
    }
    conn.prepare_cached(
        "INSERT INTO ticket_text (rowid, tenant, ticket, body) VALUES (?1, ?2, ?3, ?4)",
    )
    .map_err(failed(path, "prepare search text insert"))?
    .execute(params![
        rowid,
        tenant,
        ticket,
        codec::searchable(&append.ticket)
    ])
    .map_err(failed(path, "insert search text"))?;

    Ok(Appended::Written)
}

/// Versions are stored as SQLite integers; no ticket reaches 2^63 events.
fn to_sql_version(version: u64) -> i64 {
    i64::try_from(version).unwrap_or(i64::MAX)
}
