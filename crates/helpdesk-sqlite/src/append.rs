//! One append: its rows encoded on the caller's thread ([`encode`]), then
//! written inside the writer's transaction ([`write`]): the contract's
//! checks, then every row the command writes.

use std::path::Path;

use helpdesk_core::{TenantId, Ticket, TicketNumber};
use helpdesk_engine::store::{Append, Appended, CommandRecord, MessageId};
use helpdesk_engine::{DeliveryId, StoreError};
use rusqlite::{OptionalExtension, params};

use crate::codec::{self, key, nanos};
use crate::error::failed;
use crate::statements::{Sql, Statements};
use crate::{messages, read};

/// An id as stored (see [`codec::key`]).
type Key = [u8; 16];

/// An append in its stored form, ready for the writer: every id, instant
/// and JSON column already encoded, so the one writer thread only runs
/// statements.
pub(crate) struct Encoded {
    /// The tenant.
    pub(crate) tenant: TenantId,
    /// The command's record.
    pub(crate) record: CommandRecord,
    /// The ticket's next due instant after the command (an append without
    /// events may still move it).
    next_due: Option<i64>,
    /// The rows of the events, when there are any.
    rows: Option<Rows>,
    /// The mail's Message-ID bound to the ticket with the append.
    message: Option<MessageId>,
    /// The ticket as the append leaves it, to keep once it is durable.
    pub(crate) after: Option<Ticket>,
}

/// The rows an append with events writes.
struct Rows {
    version: i64,
    /// The ticket's number and its stored form, written when the
    /// ticket's row is.
    number: Option<(TicketNumber, i64)>,
    subject: String,
    status: &'static str,
    sub_status: Option<String>,
    priority: String,
    group: Option<Key>,
    assignee: Option<Key>,
    requester: Key,
    tags_json: String,
    tags: Vec<String>,
    next_due: Option<i64>,
    created_at: i64,
    updated_at: i64,
    /// The ticket's JSON form, when this append writes a snapshot.
    snapshot: Option<String>,
    /// `(version, id, command, at, type, body)`.
    events: Vec<(i64, Key, Key, i64, &'static str, String)>,
    /// `(version, the whole message unless it is of one of the events)`.
    /// `(version, the whole message, or the delivery of the event)`.
    outbox: Vec<(i64, Option<String>, Option<String>)>,
    /// The new searchable parts as the domain split them: `(internal,
    /// part)`.
    text: Vec<(bool, String)>,
}

/// Encodes `append`; fails only on values the store cannot hold.
pub(crate) fn encode(path: &Path, append: &Append) -> Result<Encoded, StoreError> {
    let record = append.command;
    let rows = if append.events.is_empty() {
        None
    } else {
        let row = &append.row;
        let mut events = Vec::with_capacity(append.events.len());
        for stored in &append.events {
            events.push((
                to_sql_version(stored.version),
                key(stored.id),
                key(stored.command),
                nanos(path, stored.event.at)?,
                stored.event.change.type_name(),
                codec::json(path, "an event", &stored.event)?,
            ));
        }
        let mut outbox = Vec::with_capacity(append.outbox.len());
        for message in &append.outbox {
            // A delivery of one of these events refers to its row in
            // `events` and keeps only the delivery; any other message is
            // kept whole.
            let of_event = message.tenant == append.tenant
                && message.ticket == record.ticket
                && append.events.iter().any(|stored| {
                    stored.id == message.event.id
                        && stored.tenant == append.tenant
                        && stored.ticket == record.ticket
                        && *stored == message.event
                        && message.id
                            == DeliveryId::of(
                                stored.id,
                                &message.delivery.recipient,
                                message.delivery.channel,
                            )
                });
            let (whole, delivery) = if of_event {
                let delivery = codec::json(path, "a delivery", &message.delivery)?;
                (None, Some(delivery))
            } else {
                (Some(codec::json(path, "an outbox message", message)?), None)
            };
            outbox.push((to_sql_version(message.event.version), whole, delivery));
        }
        // The searchable text only grows, by the parts the domain gave.
        let text = (append.text.public.iter().map(|p| (false, p.clone())))
            .chain(append.text.internal.iter().map(|p| (true, p.clone())))
            .collect();
        Some(Rows {
            version: to_sql_version(row.version),
            number: row
                .number
                .map(|n| sql_number(n).map(|sql| (n, sql)))
                .transpose()?,
            subject: row.subject.clone(),
            status: row.status.as_str(),
            sub_status: row.sub_status.clone(),
            priority: codec::name(path, "a priority", &row.priority)?,
            group: row.group.map(key),
            assignee: row.assignee.map(key),
            requester: key(row.requester),
            tags_json: codec::json(path, "tags", &row.tags)?,
            tags: row.tags.clone(),
            next_due: row.next_due.map(|d| nanos(path, d)).transpose()?,
            created_at: nanos(path, row.created_at)?,
            updated_at: nanos(path, row.updated_at)?,
            snapshot: snapshot_due(record.from_version, record.to_version)
                .then(|| codec::json(path, "a ticket snapshot", &append.ticket))
                .transpose()?,
            events,
            outbox,
            text,
        })
    };
    Ok(Encoded {
        tenant: append.tenant,
        record,
        next_due: append.row.next_due.map(|d| nanos(path, d)).transpose()?,
        rows,
        message: append.message.clone(),
        after: append.ticket.exists().then(|| append.ticket.clone()),
    })
}

impl Encoded {
    /// The mail's Message-ID the append binds, if any.
    pub(crate) fn message(&self) -> Option<&MessageId> {
        self.message.as_ref()
    }

    /// The number of the ticket the append opens, if it opens one.
    pub(crate) fn number(&self) -> Option<TicketNumber> {
        if self.record.from_version != 0 {
            return None;
        }
        self.rows.as_ref()?.number.map(|(number, _)| number)
    }
}

/// The answer to `append`, refused with `refusal` before it wrote a row:
/// the duplicate of its command when a retry finds the command recorded
/// (a written append moved on what refuses it), `refusal` otherwise.
fn refused(
    conn: &rusqlite::Connection,
    path: &Path,
    append: &Encoded,
    refusal: StoreError,
) -> Result<Appended, StoreError> {
    match read::command(conn, path, append.tenant, append.record.command)? {
        Some(first) => Ok(Appended::Duplicate(first)),
        None => Err(refusal),
    }
}

/// Writes `append` with the writer's `statements`, whose connection is
/// inside a transaction; on an error the caller rolls back whatever was
/// written. The append's new searchable parts are added to `text`, with
/// the ticket's number and whether they are internal, for [`write_text`]
/// once every append of the transaction is written.
///
/// Every check (a recorded command id, the expected version) comes before
/// the first row is written; `wrote` is set once one is, so a caller that
/// skips the savepoint knows whether a failure left rows behind.
pub(crate) fn write<'a>(
    statements: &mut Statements<'_>,
    path: &Path,
    append: &'a Encoded,
    text: &mut Vec<(i64, bool, &'a str)>,
    wrote: &mut bool,
) -> Result<Appended, StoreError> {
    let tenant = key(append.tenant);
    let record = append.record;
    let command = key(record.command);
    let ticket = key(record.ticket);

    let conn = statements.conn();
    let stored = statements
        .get(Sql::TicketLookup)
        .map_err(failed(path, "prepare version lookup"))?
        .query_row(params![tenant, ticket], |row| {
            Ok(Stored {
                no: row.get(0)?,
                version: row.get(1)?,
                tags: row.get(2)?,
                status: row.get(3)?,
                group: row.get(4)?,
                assignee: row.get(5)?,
                requester: row.get(6)?,
                next_due: row.get(7)?,
                updated_at: row.get(8)?,
            })
        })
        .optional()
        .map_err(failed(path, "look up ticket version"))?;
    let actual = stored.as_ref().map_or(0, |s| s.version.max(0) as u64);
    if actual != record.from_version {
        // A retry of a command that moved the ticket on finds it moved on.
        let conflict = StoreError::Conflict {
            ticket: record.ticket,
            expected: record.from_version,
            actual,
        };
        return refused(conn, path, append, conflict);
    }

    // A new ticket's number is free in the tenant, or the append is
    // refused before anything is written (a retry of an append that was
    // written answers as the duplicate it is).
    if let (None, Some((number, sql))) = (&stored, append.rows.as_ref().and_then(|r| r.number)) {
        let taken = statements
            .get(Sql::NumberLookup)
            .map_err(failed(path, "prepare number lookup"))?
            .exists(params![tenant, sql])
            .map_err(failed(path, "look up ticket number"))?;
        if taken {
            let taken = StoreError::NumberTaken {
                ticket: record.ticket,
                number,
            };
            return refused(conn, path, append, taken);
        }
    }

    // A mail's id bound to another ticket refuses the append, as a taken
    // number does; bound to this one, it stays as it is.
    if let Some(message) = &append.message
        && let Some(bound) = messages::ticket_of(conn, path, append.tenant, message)?
        && bound != record.ticket
    {
        let taken = StoreError::MessageBound {
            message: message.clone(),
            ticket: record.ticket,
            bound,
        };
        return refused(conn, path, append, taken);
    }

    let recorded = statements
        .get(Sql::CommandInsert)
        .map_err(failed(path, "prepare command insert"))?
        .execute(params![
            tenant,
            command,
            ticket,
            to_sql_version(record.from_version),
            to_sql_version(record.to_version),
            key(record.actor),
            &record.fingerprint.0[..],
        ])
        .map_err(failed(path, "insert command"))?;
    if recorded == 0 {
        return read::command(conn, path, append.tenant, record.command)?
            .map(Appended::Duplicate)
            .ok_or_else(|| StoreError::Corrupt {
                what: "a command record".into(),
                reason: format!("command {} is recorded and cannot be read", record.command),
            });
    }
    *wrote = true;

    if let Some(message) = &append.message {
        // Free, or bound to this ticket already (checked above).
        statements
            .get(Sql::MessageInsert)
            .map_err(failed(path, "prepare the message binding"))?
            .execute(params![tenant, message.as_str(), ticket])
            .map_err(failed(path, "bind a message id"))?;
    }

    let Some(row) = &append.rows else {
        // Without events only the due instant can move (a changed
        // configuration), in the row and in its tags' copies.
        if let Some(old) = stored
            .as_ref()
            .filter(|old| old.next_due != append.next_due)
        {
            conn.prepare_cached("UPDATE tickets SET next_due = ?2 WHERE no = ?1")
                .map_err(failed(path, "prepare due update"))?
                .execute(params![old.no, append.next_due])
                .map_err(failed(path, "update due instant"))?;
            statements
                .get(Sql::TagUpdate)
                .map_err(failed(path, "prepare tag update"))?
                .execute(params![old.no, append.next_due, old.updated_at])
                .map_err(failed(path, "update tags"))?;
        }
        return Ok(Appended::Written);
    };
    // Unchanged tags keep their rows; only their copied sort keys move.
    let same_tags = stored.as_ref().is_some_and(|old| old.tags == row.tags_json);
    let (next_due, updated_at) = (row.next_due, row.updated_at);
    let values = params![
        tenant,
        ticket,
        row.version,
        row.subject,
        row.status,
        row.sub_status,
        row.priority,
        row.group,
        row.assignee,
        row.requester,
        row.tags_json,
        next_due,
        row.created_at,
        updated_at,
        row.number.map(|(_, sql)| sql),
        stored.as_ref().map(|old| old.no),
    ];
    let no: i64 = match &stored {
        None => {
            statements
                .get(Sql::TicketInsert)
                .map_err(failed(path, "prepare ticket insert"))?
                .execute(&values[..15])
                .map_err(failed(path, "insert ticket"))?;
            conn.last_insert_rowid()
        }
        Some(old) => {
            // Only the indexed columns that changed are set, so SQLite
            // rewrites only the index entries that moved.
            let mut sql = String::from(
                "UPDATE tickets SET version = ?3, subject = ?4, sub_status = ?6, \
                 priority = ?7, tags = ?11, created_at = ?13",
            );
            for (changed, set) in [
                (old.status != row.status, ", status = ?5"),
                (old.group != row.group, ", group_id = ?8"),
                (old.assignee != row.assignee, ", assignee = ?9"),
                (old.requester != row.requester, ", requester = ?10"),
                (old.next_due != next_due, ", next_due = ?12"),
                (old.updated_at != updated_at, ", updated_at = ?14"),
            ] {
                if changed {
                    sql.push_str(set);
                }
            }
            sql.push_str(" WHERE no = ?16 AND tenant = ?1 AND id = ?2");
            conn.prepare_cached(&sql)
                .map_err(failed(path, "prepare ticket update"))?
                .execute(values)
                .map_err(failed(path, "update ticket"))?;
            old.no
        }
    };

    if let Some(snapshot) = &row.snapshot {
        statements
            .get(Sql::SnapshotWrite)
            .map_err(failed(path, "prepare snapshot write"))?
            .execute(params![no, row.version, snapshot])
            .map_err(failed(path, "write snapshot"))?;
    }

    if same_tags {
        if !row.tags.is_empty() {
            statements
                .get(Sql::TagUpdate)
                .map_err(failed(path, "prepare tag update"))?
                .execute(params![no, next_due, updated_at])
                .map_err(failed(path, "update tags"))?;
        }
    } else {
        if stored.is_some() {
            statements
                .get(Sql::TagDelete)
                .map_err(failed(path, "prepare tag delete"))?
                .execute([no])
                .map_err(failed(path, "delete tags"))?;
        }
        if !row.tags.is_empty() {
            let insert = statements
                .get(Sql::TagInsert)
                .map_err(failed(path, "prepare tag insert"))?;
            for tag in &row.tags {
                insert
                    .execute(params![no, tag, tenant, ticket, next_due, updated_at])
                    .map_err(failed(path, "insert tag"))?;
            }
        }
    }

    let insert = statements
        .get(Sql::EventInsert)
        .map_err(failed(path, "prepare event insert"))?;
    for (version, id, command, at, kind, body) in &row.events {
        insert
            .execute(params![no, version, id, command, at, kind, body])
            .map_err(failed(path, "insert event"))?;
    }

    if !row.outbox.is_empty() {
        let insert = statements
            .get(Sql::OutboxInsert)
            .map_err(failed(path, "prepare outbox insert"))?;
        for (version, whole, delivery) in &row.outbox {
            insert
                .execute(params![no, version, whole, delivery])
                .map_err(failed(path, "insert outbox message"))?;
        }
    }

    for (internal, part) in &row.text {
        text.push((no, *internal, part));
    }

    Ok(Appended::Written)
}

/// Indexes the searchable parts of a transaction's appends, `(ticket number,
/// internal, part)`, in one statement.
///
/// FTS5 writes what it has gathered as a new segment of its index at every
/// savepoint, and each append runs in its own savepoint: adding the parts
/// append by append would write (and later merge) one tiny segment per
/// append. Added together, a transaction's parts make one segment.
pub(crate) fn write_text(
    statements: &mut Statements<'_>,
    path: &Path,
    text: &[(i64, bool, &str)],
) -> Result<(), StoreError> {
    if text.is_empty() {
        return Ok(());
    }
    let parts = codec::json(path, "search text", &text)?;
    statements
        .get(Sql::TextInsert)
        .map_err(failed(path, "prepare search text insert"))?
        .execute([parts])
        .map_err(failed(path, "insert search text"))?;
    Ok(())
}

/// The stored row of a ticket, as the next append compares it.
struct Stored {
    no: i64,
    version: i64,
    tags: String,
    status: String,
    group: Option<Key>,
    assignee: Option<Key>,
    requester: Key,
    next_due: Option<i64>,
    updated_at: i64,
}

/// How often the store writes a ticket's snapshot: at its first append,
/// and then whenever its version crosses a multiple of this number.
///
/// A load reads the latest snapshot and applies the events after it:
/// fewer than this many, plus those of one append. In between, an append
/// writes only the ticket's small projection row, so a long conversation
/// is not rewritten at every reply.
///
/// ```
/// // A ticket at version 40 loads from its snapshot at version 32 (or
/// // later) and at most 8 events.
/// assert_eq!(helpdesk_sqlite::SNAPSHOT_EVERY, 16);
/// ```
pub const SNAPSHOT_EVERY: u64 = 16;

/// Whether an append that moves a ticket from version `from` to `to`
/// writes its snapshot.
fn snapshot_due(from: u64, to: u64) -> bool {
    from == 0 || from / SNAPSHOT_EVERY != to / SNAPSHOT_EVERY
}

/// Versions are stored as SQLite integers; no ticket reaches 2^63 events.
/// A ticket number as stored: SQLite's integers stop at `i64::MAX`.
fn sql_number(number: TicketNumber) -> Result<i64, StoreError> {
    i64::try_from(number.get()).map_err(|_| StoreError::InvalidQuery {
        field: "number",
        reason: format!("{number} is past the largest number SQLite stores"),
    })
}

fn to_sql_version(version: u64) -> i64 {
    i64::try_from(version).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::{SNAPSHOT_EVERY, snapshot_due};

    #[test]
    fn a_snapshot_is_written_first_and_then_once_per_multiple_crossed() {
        assert!(snapshot_due(0, 1));
        assert!(snapshot_due(0, 40));
        assert!(!snapshot_due(1, 2));
        assert!(!snapshot_due(1, SNAPSHOT_EVERY - 1));
        assert!(snapshot_due(SNAPSHOT_EVERY - 1, SNAPSHOT_EVERY));
        assert!(snapshot_due(SNAPSHOT_EVERY - 2, SNAPSHOT_EVERY + 3));
        assert!(!snapshot_due(SNAPSHOT_EVERY, SNAPSHOT_EVERY + 1));
        // Whatever the appends' sizes, no more than SNAPSHOT_EVERY - 1
        // events pass between two snapshots, unless one append carries more.
        let mut last = 0;
        let mut version = 0;
        for size in [1, 3, 2, 7, 1, 1, 5, 2, 9, 1, 1, 1, 4, 6, 2, 3, 1, 8] {
            let to = version + size;
            if snapshot_due(version, to) {
                last = to;
            }
            assert!(
                to - last < SNAPSHOT_EVERY,
                "{to} after a snapshot at {last}"
            );
            version = to;
        }
    }
}
