//! The search text's parts (`ticket_parts`), rebuilt from the events when
//! the schema first splits them into public and internal ones.

use helpdesk_core::{Event, SearchText};
use rusqlite::{Connection, params};

/// Fills `ticket_parts` (and through its trigger the trigram index) from
/// every event that brings text, in the order the events were written,
/// each part marked public or internal by [`SearchText::of`]: the same
/// parts appends have written since.
pub(crate) fn rebuild(conn: &Connection) -> rusqlite::Result<()> {
    let mut events = conn.prepare(
        "SELECT ticket, body FROM events \
         WHERE type IN ('opened', 'replied', 'note_added') ORDER BY seq",
    )?;
    let mut insert =
        conn.prepare("INSERT INTO ticket_parts (ticket, internal, body) VALUES (?1, ?2, ?3)")?;
    let mut rows = events.query([])?;
    while let Some(row) = rows.next()? {
        let ticket: i64 = row.get(0)?;
        let body: String = row.get(1)?;
        let event: Event = serde_json::from_str(&body).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(1, rusqlite::types::Type::Text, Box::new(e))
        })?;
        let text = SearchText::of([&event]);
        for (internal, parts) in [(false, &text.public), (true, &text.internal)] {
            for part in parts {
                insert.execute(params![ticket, internal, part])?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use helpdesk_core::{ActorId, ActorRef, Change, CommentId, Role};
    use rusqlite::Connection;

    use crate::migrate::{MIGRATIONS, migrate};

    #[test]
    fn notes_indexed_before_the_split_become_internal_parts() {
        // Given a database of schema version 4 holding a reply and a note.
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("v4.db");
        let mut conn = Connection::open(&path).unwrap_or_else(|e| panic!("{e}"));
        migrate(&mut conn, &path, &MIGRATIONS[..4]).unwrap_or_else(|e| panic!("{e}"));
        conn.execute(
            "INSERT INTO tickets (no, tenant, id, version, subject, status, priority, \
             requester, tags, created_at, updated_at) \
             VALUES (7, x'01', x'02', 2, 'Printer', 'open', 'P3', x'03', '[]', 0, 0)",
            [],
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let at = Utc
            .with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
            .single()
            .unwrap_or_else(|| panic!("a valid instant"));
        let agent = ActorRef {
            id: ActorId::from_u128(2),
            role: Role::Agent,
        };
        let events = [
            ("replied", "Try the ÜBER tray"),
            ("note_added", "Account FLAGGED"),
        ];
        for (version, (kind, body)) in events.iter().enumerate() {
            let comment = CommentId::from_u128(version as u128);
            let change = match *kind {
                "replied" => Change::Replied {
                    comment,
                    body: (*body).into(),
                },
                _ => Change::NoteAdded {
                    comment,
                    body: (*body).into(),
                },
            };
            let json = serde_json::to_string(&helpdesk_core::Event::new(at, agent, change))
                .unwrap_or_else(|e| panic!("{e}"));
            conn.execute(
                "INSERT INTO events (ticket, version, id, command, at, type, body) \
                 VALUES (7, ?1, ?2, x'05', 0, ?3, ?4)",
                rusqlite::params![version as i64 + 1, vec![version as u8; 16], kind, json],
            )
            .unwrap_or_else(|e| panic!("{e}"));
        }

        // When it is migrated to schema version 5, which splits the parts.
        migrate(&mut conn, &path, &MIGRATIONS[..5]).unwrap_or_else(|e| panic!("{e}"));

        // Then the reply is a public part and the note an internal one,
        // lowercased as the domain lowercases, and both are indexed.
        let parts: Vec<(i64, bool, String)> = conn
            .prepare("SELECT ticket, internal, body FROM ticket_parts ORDER BY no")
            .and_then(|mut s| {
                s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                    .collect()
            })
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            parts,
            [
                (7, false, "try the über tray".to_owned()),
                (7, true, "account flagged".to_owned())
            ]
        );
        let found: i64 = conn
            .query_row(
                "SELECT count(*) FROM ticket_text WHERE body GLOB '*flagged*'",
                [],
                |r| r.get(0),
            )
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(found, 1, "the trigram index covers the rebuilt parts");
    }
}
