//! Search: tickets in the reader's reach whose search text holds every
//! word.
//!
//! The text is kept as parts in `ticket_parts`, one row per part the
//! domain gave (subject, description, each reply: public; each note:
//! internal), indexed by ticket, with `ticket_text` an FTS5 trigram index
//! over them (external content). A word of three characters or more is a
//! `GLOB '*word*'` the trigram index answers; the tickets holding every
//! such word are the `INTERSECT` of theirs. A shorter word cannot use the
//! trigram index: it is checked with an `EXISTS` on the parts of each
//! ticket in question, through the ticket index, so it reads only those
//! tickets' text; when every word is short, the tickets in question are
//! the tenant's, read in the result's order, so the scan stops at the
//! limit and never touches another tenant's text. A reader who may not
//! find internal text is matched against public parts only. Matches are
//! sorted like [`Order::UpdatedAt`](helpdesk_engine::store::Order).

use std::path::Path;

use helpdesk_core::{Reach, TenantId};
use helpdesk_engine::StoreError;
use helpdesk_engine::store::{SearchQuery, TicketRow};
use rusqlite::types::Value;
use rusqlite::{Connection, params_from_iter};

use crate::codec::{self, ROW_COLUMNS};
use crate::error::failed;

/// The shortest word the trigram index can answer, in characters.
const TRIGRAM: usize = 3;

/// `word` as a GLOB pattern matching any text that contains it.
fn contains(word: &str) -> String {
    let mut pattern = String::with_capacity(word.len() + 2);
    pattern.push('*');
    for c in word.chars() {
        match c {
            '*' => pattern.push_str("[*]"),
            '?' => pattern.push_str("[?]"),
            '[' => pattern.push_str("[[]"),
            c => pattern.push(c),
        }
    }
    pattern.push('*');
    pattern
}

/// The tenant's tickets in `reach` matching every word of `query`.
pub(crate) fn search(
    conn: &Connection,
    path: &Path,
    tenant: TenantId,
    reach: &Reach,
    query: &SearchQuery,
) -> Result<Vec<TicketRow>, StoreError> {
    if query.words.is_empty() {
        return Ok(Vec::new());
    }
    // Only public parts, unless the reader may find internal ones.
    let parts = if reach.finds_internal_text() {
        ""
    } else {
        " AND p.internal = 0"
    };
    let mut values = vec![codec::key_value(tenant)];
    let (long, short): (Vec<&String>, Vec<&String>) = query
        .words
        .iter()
        .partition(|w| w.chars().count() >= TRIGRAM);
    let mut indexed = Vec::with_capacity(long.len());
    for word in long {
        values.push(Value::Text(contains(word)));
        indexed.push(format!(
            "SELECT DISTINCT p.ticket FROM ticket_text AS x \
             CROSS JOIN ticket_parts AS p ON p.no = x.rowid \
             WHERE x.body GLOB ?{}{parts}",
            values.len()
        ));
    }
    let mut conditions = vec!["t.tenant = ?1".to_owned()];
    for word in short {
        values.push(Value::Text(contains(word)));
        conditions.push(format!(
            "EXISTS (SELECT 1 FROM ticket_parts AS p \
             WHERE p.ticket = t.no AND p.body GLOB ?{}{parts})",
            values.len()
        ));
    }
    conditions.extend(crate::reach::condition(reach, &mut values));
    let limit = query.limit;
    let sql = if indexed.is_empty() {
        format!(
            "SELECT {ROW_COLUMNS} FROM tickets AS t INDEXED BY tickets_updated \
             WHERE {} ORDER BY t.updated_at DESC, t.id LIMIT {limit}",
            conditions.join(" AND ")
        )
    } else {
        // The matching tickets drive the join (CROSS JOIN keeps that
        // order): the trigram index narrows them before any ticket row is
        // read.
        format!(
            "SELECT {ROW_COLUMNS} FROM ({}) AS m \
             CROSS JOIN tickets AS t ON t.no = m.ticket \
             WHERE {} ORDER BY t.updated_at DESC, t.id LIMIT {limit}",
            indexed.join(" INTERSECT "),
            conditions.join(" AND ")
        )
    };
    let mut stmt = conn
        .prepare_cached(&sql)
        .map_err(failed(path, "prepare search"))?;
    let mut found = stmt
        .query(params_from_iter(values))
        .map_err(failed(path, "search"))?;
    let mut rows = Vec::new();
    while let Some(row) = found.next().map_err(failed(path, "search"))? {
        rows.push(codec::ticket_row(row, 0)?);
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::contains;

    #[test]
    fn patterns_escape_glob_syntax() {
        assert_eq!(contains("vpn"), "*vpn*");
        assert_eq!(contains("a*b?[c]"), "*a[*]b[?][[]c]*");
    }
}
