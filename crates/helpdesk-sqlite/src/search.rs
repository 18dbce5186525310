//! Search: tickets in the reader's reach whose search text holds every
//! word.
//!
//! The text is kept as parts in `ticket_parts`, one row per part the
//! domain gave (subject, description, each reply: public; each note:
//! internal), indexed by ticket, with `ticket_text` an FTS5 trigram index
//! over them (external content). Every word is checked with an `EXISTS` on
//! the parts of a ticket in question, through the ticket index, so it reads
//! only that ticket's text; a reader who may not find internal text is
//! matched against public parts only. Which tickets are in question:
//!
//! - the tickets holding the longest word of three characters or more, as
//!   the trigram index finds them (`GLOB '*word*'`), when at most
//!   [`CANDIDATES`] parts hold it: a rare word narrows the search to a few
//!   tickets whatever the size of the store;
//! - otherwise (a word found everywhere, or only words too short for the
//!   trigram index), the tenant's tickets in reach, read in the result's
//!   order (most recently updated first) until `limit` match, so common
//!   words stop early and a scan never leaves the tenant (nor, for a
//!   requester, their own tickets).
//!
//! Either way the cost is bounded: the trigram index reads at most
//! [`CANDIDATES`] + 1 parts, and a scan at most the tenant's tickets in
//! reach, each word at most once per ticket part. Matches are sorted like
//! [`Order::UpdatedAt`](helpdesk_engine::store::Order).

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

/// How many parts the trigram index may find holding a word before the
/// word counts as common, and the tenant's tickets are scanned instead.
const CANDIDATES: usize = 2_000;

/// The tickets (by number, in any tenant, each once) with a part holding
/// `word` that the reader may find (public parts only unless `internal`),
/// as the trigram index finds them; `None` when more than [`CANDIDATES`]
/// parts of any kind hold it, so the index never reads more than that.
fn candidates(
    conn: &Connection,
    path: &Path,
    word: &str,
    internal: bool,
) -> Result<Option<Vec<i64>>, StoreError> {
    let sql = format!(
        "SELECT p.ticket, p.internal FROM ticket_text AS x \
         CROSS JOIN ticket_parts AS p ON p.no = x.rowid \
         WHERE x.body GLOB ?1 LIMIT {}",
        CANDIDATES + 1
    );
    let mut stmt = conn
        .prepare_cached(&sql)
        .map_err(failed(path, "prepare search candidates"))?;
    let found = stmt
        .query_map([contains(word)], |row| {
            Ok((row.get::<_, i64>(0)?, row.get::<_, bool>(1)?))
        })
        .map_err(failed(path, "search candidates"))?
        .collect::<Result<Vec<(i64, bool)>, _>>()
        .map_err(failed(path, "search candidates"))?;
    if found.len() > CANDIDATES {
        return Ok(None);
    }
    let mut tickets: Vec<i64> = found
        .into_iter()
        .filter(|(_, part_internal)| internal || !part_internal)
        .map(|(ticket, _)| ticket)
        .collect();
    tickets.sort_unstable();
    tickets.dedup();
    Ok(Some(tickets))
}

/// The tenant's tickets in `reach` matching every word of `query`.
pub(crate) fn search(
    conn: &Connection,
    path: &Path,
    tenant: TenantId,
    reach: &Reach,
    query: &SearchQuery,
) -> Result<Vec<TicketRow>, StoreError> {
    // Each word once: a word repeated asks nothing more.
    let mut words: Vec<&str> = Vec::with_capacity(query.words.len());
    for word in &query.words {
        if !words.contains(&word.as_str()) {
            words.push(word);
        }
    }
    if words.is_empty() {
        return Ok(Vec::new());
    }
    // Only public parts, unless the reader may find internal ones.
    let parts = if reach.finds_internal_text() {
        ""
    } else {
        " AND p.internal = 0"
    };
    // The longest word the trigram index answers is the likeliest to be
    // rare; if it is, its tickets are the only ones in question.
    let indexed = words
        .iter()
        .copied()
        .filter(|w| w.chars().count() >= TRIGRAM)
        .max_by_key(|w| w.chars().count());
    let narrowed = match indexed {
        Some(word) => {
            candidates(conn, path, word, reach.finds_internal_text())?.map(|found| (word, found))
        }
        None => None,
    };
    let mut values = vec![codec::key_value(tenant)];
    let mut conditions = vec!["t.tenant = ?1".to_owned()];
    for word in &words {
        if narrowed.as_ref().is_some_and(|(rare, _)| rare == word) {
            continue;
        }
        values.push(Value::Text(contains(word)));
        conditions.push(format!(
            "EXISTS (SELECT 1 FROM ticket_parts AS p \
             WHERE p.ticket = t.no AND p.body GLOB ?{}{parts})",
            values.len()
        ));
    }
    conditions.extend(crate::reach::condition(reach, &mut values));
    let limit = query.limit;
    let from = match narrowed {
        Some((_, found)) if found.is_empty() => return Ok(Vec::new()),
        Some((_, found)) => {
            values.push(Value::Text(codec::json(path, "search candidates", &found)?));
            conditions.push(format!(
                "t.no IN (SELECT value FROM json_each(?{}))",
                values.len()
            ));
            "tickets AS t"
        }
        // A requester's scan reads their own tickets only.
        None if matches!(reach, Reach::Requester(_)) => {
            "tickets AS t INDEXED BY tickets_requester_updated"
        }
        None => "tickets AS t INDEXED BY tickets_updated",
    };
    let sql = format!(
        "SELECT {ROW_COLUMNS} FROM {from} WHERE {} \
         ORDER BY t.updated_at DESC, t.id LIMIT {limit}",
        conditions.join(" AND ")
    );
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
