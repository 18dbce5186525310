//! Stored forms: ids as `uuid`, instants as `timestamptz`, names (status,
//! priority) as the text of their serde form, documents as `jsonb`.

use chrono::{DateTime, Utc};
use helpdesk_core::TicketNumber;
use helpdesk_engine::StoreError;
use helpdesk_engine::store::TicketRow;
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio_postgres::Row;
use uuid::Uuid;

use crate::error::PostgresError;

/// The columns of a [`TicketRow`], from the table `t`, as [`ticket_row`]
/// reads them.
pub(crate) const ROW_COLUMNS: &str = "t.tenant, t.id, t.subject, t.status, t.sub_status, \
     t.priority, t.group_id, t.assignee, t.requester, t.tags, t.next_due, t.created_at, \
     t.updated_at, t.version, t.number";

/// A data error of `what`.
pub(crate) fn corrupt(what: &str, reason: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt {
        what: what.to_owned(),
        reason: reason.to_string(),
    }
}

/// The serde name of a unit variant (a status category, a priority).
pub(crate) fn name<T: Serialize>(what: &'static str, value: &T) -> Result<String, StoreError> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => Ok(s),
        Ok(other) => Err(PostgresError::Data {
            what,
            reason: format!("{other} is not a name"),
        }
        .into()),
        Err(e) => Err(PostgresError::Data {
            what,
            reason: e.to_string(),
        }
        .into()),
    }
}

/// The value named `s`.
pub(crate) fn from_name<T: DeserializeOwned>(s: String, what: &str) -> Result<T, StoreError> {
    serde_json::from_value(serde_json::Value::String(s)).map_err(|e| corrupt(what, e))
}

/// A stored version (a non-negative `bigint`) as the engine's.
pub(crate) fn version(v: i64, what: &str) -> Result<u64, StoreError> {
    u64::try_from(v).map_err(|_| corrupt(what, format!("version {v} is negative")))
}

/// The engine's version as stored.
pub(crate) fn sql_version(v: u64) -> Result<i64, StoreError> {
    i64::try_from(v).map_err(|_| StoreError::InvalidQuery {
        field: "version",
        reason: format!("{v} is past the largest version PostgreSQL stores"),
    })
}

/// Column `i` of `row`, or a corrupt-data error naming `what`.
pub(crate) fn get<'a, T: tokio_postgres::types::FromSql<'a>>(
    row: &'a Row,
    i: usize,
    what: &str,
) -> Result<T, StoreError> {
    row.try_get(i).map_err(|e| corrupt(what, e))
}

/// A projection row selected with [`ROW_COLUMNS`].
pub(crate) fn ticket_row(row: &Row) -> Result<TicketRow, StoreError> {
    const WHAT: &str = "a ticket row";
    Ok(TicketRow {
        tenant: get::<Uuid>(row, 0, WHAT)?.into(),
        id: get::<Uuid>(row, 1, WHAT)?.into(),
        subject: get(row, 2, WHAT)?,
        status: from_name(get(row, 3, WHAT)?, WHAT)?,
        sub_status: get(row, 4, WHAT)?,
        priority: from_name(get(row, 5, WHAT)?, WHAT)?,
        group: get::<Option<Uuid>>(row, 6, WHAT)?.map(Into::into),
        assignee: get::<Option<Uuid>>(row, 7, WHAT)?.map(Into::into),
        requester: get::<Uuid>(row, 8, WHAT)?.into(),
        tags: get(row, 9, WHAT)?,
        next_due: get::<Option<DateTime<Utc>>>(row, 10, WHAT)?,
        created_at: get(row, 11, WHAT)?,
        updated_at: get(row, 12, WHAT)?,
        version: version(get(row, 13, WHAT)?, WHAT)?,
        number: get::<Option<i64>>(row, 14, WHAT)?
            .map(|n| ticket_number(n, WHAT))
            .transpose()?,
    })
}

/// A ticket number as stored (a `bigint` from 1).
pub(crate) fn number(number: TicketNumber) -> Result<i64, StoreError> {
    i64::try_from(number.get()).map_err(|_| StoreError::InvalidQuery {
        field: "number",
        reason: format!("{number} is past the largest number PostgreSQL stores"),
    })
}

/// A stored ticket number as the domain's.
pub(crate) fn ticket_number(n: i64, what: &str) -> Result<TicketNumber, StoreError> {
    u64::try_from(n)
        .ok()
        .and_then(TicketNumber::new)
        .ok_or_else(|| corrupt(what, format!("{n} is not a ticket number")))
}

/// `word` as a LIKE pattern matching it anywhere: `%`, `_` and `\` escaped.
pub(crate) fn contains_pattern(word: &str) -> String {
    let mut pattern = String::with_capacity(word.len() + 2);
    pattern.push('%');
    for c in word.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

#[cfg(test)]
mod tests {
    use super::contains_pattern;

    #[test]
    fn like_wildcards_in_words_match_only_themselves() {
        assert_eq!(contains_pattern("vpn"), "%vpn%");
        assert_eq!(contains_pattern("100%"), "%100\\%%");
        assert_eq!(contains_pattern("a_b\\c"), "%a\\_b\\\\c%");
    }
}
