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
