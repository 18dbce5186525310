//! [`Statements`]: the writer's statements, each prepared on first use and
//! kept for the writer's life.
//!
//! rusqlite's statement cache hashes a statement's text to find it, and
//! again to put it back with its bindings cleared, at every use. A
//! statement kept here is found by its place in an array and only rebound.
//! Like the cache's, they are prepared as persistent, so they leave
//! SQLite's small-allocation buffer to the values and cursors of each run.

use rusqlite::{Connection, PrepFlags, Statement};

/// A statement the writer runs for every append or every transaction.
#[derive(Clone, Copy)]
pub(crate) enum Sql {
    Begin,
    Commit,
    TicketLookup,
    NumberLookup,
    CommandInsert,
    TicketInsert,
    SnapshotWrite,
    TagUpdate,
    TagDelete,
    TagInsert,
    EventInsert,
    OutboxInsert,
    TextInsert,
    MessageInsert,
}

impl Sql {
    const ALL: [Sql; 14] = [
        Sql::Begin,
        Sql::Commit,
        Sql::TicketLookup,
        Sql::NumberLookup,
        Sql::CommandInsert,
        Sql::TicketInsert,
        Sql::SnapshotWrite,
        Sql::TagUpdate,
        Sql::TagDelete,
        Sql::TagInsert,
        Sql::EventInsert,
        Sql::OutboxInsert,
        Sql::TextInsert,
        Sql::MessageInsert,
    ];
    const COUNT: usize = Sql::ALL.len();

    fn text(self) -> &'static str {
        match self {
            Sql::Begin => "BEGIN IMMEDIATE",
            Sql::Commit => "COMMIT",
            Sql::TicketLookup => {
                "SELECT no, version, tags, status, group_id, assignee, requester, next_due, \
                 updated_at FROM tickets WHERE tenant = ?1 AND id = ?2"
            }
            Sql::NumberLookup => "SELECT 1 FROM tickets WHERE tenant = ?1 AND number = ?2",
            // The command's record doubles as the duplicate check: an id
            // already recorded inserts nothing.
            Sql::CommandInsert => {
                "INSERT INTO commands (tenant, command, ticket, from_version, to_version, \
                 actor, fingerprint) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING"
            }
            // No `RETURNING`: SQLite runs it like a trigger, which makes the
            // insert keep a statement journal of every page it touches.
            Sql::TicketInsert => {
                "INSERT INTO tickets (tenant, id, version, subject, status, sub_status, \
                 priority, group_id, assignee, requester, tags, next_due, created_at, \
                 updated_at, number) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)"
            }
            Sql::SnapshotWrite => {
                "INSERT INTO snapshots (ticket, version, body) VALUES (?1, ?2, ?3) \
                 ON CONFLICT (ticket) DO UPDATE SET version = excluded.version, \
                 body = excluded.body"
            }
            Sql::TagUpdate => {
                "UPDATE ticket_tags SET next_due = ?2, updated_at = ?3 WHERE ticket = ?1"
            }
            Sql::TagDelete => "DELETE FROM ticket_tags WHERE ticket = ?1",
            Sql::TagInsert => {
                "INSERT OR IGNORE INTO ticket_tags (ticket, tag, tenant, id, next_due, updated_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
            }
            Sql::EventInsert => {
                "INSERT INTO events (ticket, version, id, command, at, type, body) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
            }
            Sql::OutboxInsert => {
                "INSERT INTO outbox (ticket, version, message, delivery) VALUES (?1, ?2, ?3, ?4)"
            }
            // A transaction's search text in one statement (see
            // `append::write_text`); a trigger indexes each part.
            Sql::TextInsert => {
                "INSERT INTO ticket_parts (ticket, internal, body) \
                 SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(?1)"
            }
            Sql::MessageInsert => {
                "INSERT INTO messages (tenant, message_id, ticket) VALUES (?1, ?2, ?3) \
                 ON CONFLICT DO NOTHING"
            }
        }
    }
}

/// The writer's connection and the statements it has prepared on it.
pub(crate) struct Statements<'c> {
    conn: &'c Connection,
    kept: [Option<Statement<'c>>; Sql::COUNT],
}

impl<'c> Statements<'c> {
    /// None prepared yet.
    pub(crate) fn new(conn: &'c Connection) -> Self {
        Self {
            conn,
            kept: Default::default(),
        }
    }

    /// The connection, for what runs rarely.
    pub(crate) fn conn(&self) -> &'c Connection {
        self.conn
    }

    /// `sql`, prepared the first time it is asked for.
    pub(crate) fn get(&mut self, sql: Sql) -> rusqlite::Result<&mut Statement<'c>> {
        let conn = self.conn;
        let slot = &mut self.kept[sql as usize];
        match slot {
            Some(statement) => Ok(statement),
            None => Ok(slot.insert(
                conn.prepare_with_flags(sql.text(), PrepFlags::SQLITE_PREPARE_PERSISTENT)?,
            )),
        }
    }

    /// Runs `sql`, which takes no parameters.
    pub(crate) fn exec(&mut self, sql: Sql) -> rusqlite::Result<()> {
        self.get(sql)?.execute([]).map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::{Sql, Statements};
    use crate::migrate::{MIGRATIONS, migrate};

    #[test]
    fn every_statement_prepares_on_the_current_schema_in_its_own_place() {
        let mut conn = rusqlite::Connection::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
        migrate(&mut conn, Path::new(":memory:"), MIGRATIONS).unwrap_or_else(|e| panic!("{e}"));
        let mut statements = Statements::new(&conn);
        for (place, sql) in Sql::ALL.into_iter().enumerate() {
            assert_eq!(sql as usize, place);
            if let Err(e) = statements.get(sql) {
                panic!("statement {place} does not prepare: {e}");
            }
        }
        statements
            .exec(Sql::Begin)
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(!conn.is_autocommit());
        statements
            .exec(Sql::Commit)
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(conn.is_autocommit());
    }
}
