//! Search: tickets whose subject, description or conversation contains
//! every word.
//!
//! `ticket_text` is an FTS5 table with the trigram tokenizer over the
//! lowercased text, one row per part of a ticket (subject, description,
//! each comment), so each word becomes a `GLOB '*word*'` that the index
//! answers (words shorter than three characters are checked by a scan of
//! the text table); a ticket matches when each word is in one of its
//! parts (the `INTERSECT` of the words' tickets), and comes once however
//! many of its parts hold a word (`DISTINCT`). Matches are sorted like
//! [`Order::UpdatedAt`](helpdesk_engine::store::Order).

use std::path::Path;

use helpdesk_core::TenantId;
use helpdesk_engine::StoreError;
use helpdesk_engine::store::TicketRow;
use rusqlite::types::Value;
use rusqlite::{Connection, params_from_iter};

use crate::codec::{self, ROW_COLUMNS};
use crate::error::failed;

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

/// The tenant's tickets matching every word of `text`.
pub(crate) fn search(
    conn: &Connection,
    path: &Path,
    tenant: TenantId,
    text: &str,
    limit: u32,
) -> Result<Vec<TicketRow>, StoreError> {
    let words: Vec<String> = text.split_whitespace().map(str::to_lowercase).collect();
    if words.is_empty() || limit == 0 {
        return Ok(Vec::new());
    }
    let mut values = vec![codec::key_value(tenant)];
    let mut matches = Vec::with_capacity(words.len());
    for word in &words {
        values.push(Value::Text(contains(word)));
        matches.push(format!(
            "SELECT DISTINCT doc FROM ticket_text WHERE body GLOB ?{}",
            values.len()
        ));
    }
    // The matching tickets drive the join (CROSS JOIN keeps that order):
    // the trigram index narrows them before any ticket row is read.
    let sql = format!(
        "SELECT {ROW_COLUMNS} FROM ({}) AS m \
         CROSS JOIN tickets AS t ON t.no = m.doc \
         WHERE t.tenant = ?1 ORDER BY t.updated_at DESC, t.id LIMIT {limit}",
        matches.join(" INTERSECT ")
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
