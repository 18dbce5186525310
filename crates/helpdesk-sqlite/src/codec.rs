//! Stored forms: ids as their UUID's 16 bytes, instants as integer
//! nanoseconds, enums as their serde names, tickets and events as their
//! JSON forms; and rows back into engine types.

use std::path::Path;

use chrono::{DateTime, Utc};
use helpdesk_core::TicketNumber;
use helpdesk_engine::StoreError;
use helpdesk_engine::store::TicketRow;
use rusqlite::Row;
use rusqlite::types::{Value, ValueRef};
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::error::SqliteError;

/// The columns of [`ticket_row`], qualified with the alias `t`.
pub(crate) const ROW_COLUMNS: &str = "t.tenant, t.id, t.subject, t.status, t.sub_status, \
     t.priority, t.group_id, t.assignee, t.requester, t.tags, t.next_due, t.created_at, \
     t.updated_at, t.version, t.number";

/// An instant as stored: nanoseconds since the Unix epoch, UTC. Exact for
/// every instant chrono holds between the years 1677 and 2262.
pub(crate) fn nanos(path: &Path, instant: DateTime<Utc>) -> Result<i64, SqliteError> {
    instant
        .timestamp_nanos_opt()
        .ok_or_else(|| SqliteError::Encode {
            path: path.to_owned(),
            what: "an instant",
            reason: format!("{instant} is outside the years 1677 to 2262 the store can hold"),
        })
}

/// An instant for comparisons only (cursors, bounds): outside the stored
/// range it saturates, which orders the same against every stored value.
pub(crate) fn nanos_saturating(instant: DateTime<Utc>) -> i64 {
    instant
        .timestamp_nanos_opt()
        .unwrap_or(if instant.timestamp() < 0 {
            i64::MIN
        } else {
            i64::MAX
        })
}

/// A stored instant.
pub(crate) fn instant(nanos: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_nanos(nanos)
}

/// A value's JSON form.
pub(crate) fn json<T: Serialize + ?Sized>(
    path: &Path,
    what: &'static str,
    value: &T,
) -> Result<String, SqliteError> {
    serde_json::to_string(value).map_err(|e| SqliteError::Encode {
        path: path.to_owned(),
        what,
        reason: e.to_string(),
    })
}

/// A unit enum's serde name, such as `"open"` or `"P1"`.
pub(crate) fn name<T: Serialize>(
    path: &Path,
    what: &'static str,
    value: &T,
) -> Result<String, SqliteError> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => Ok(s),
        Ok(other) => Err(SqliteError::Encode {
            path: path.to_owned(),
            what,
            reason: format!("{other} is not a name"),
        }),
        Err(e) => Err(SqliteError::Encode {
            path: path.to_owned(),
            what,
            reason: e.to_string(),
        }),
    }
}

pub(crate) fn corrupt(what: &str, reason: impl ToString) -> StoreError {
    StoreError::Corrupt {
        what: what.to_owned(),
        reason: reason.to_string(),
    }
}

/// A text column.
pub(crate) fn text<'r>(row: &'r Row<'_>, index: usize, what: &str) -> Result<&'r str, StoreError> {
    match row.get_ref(index) {
        Ok(ValueRef::Text(bytes)) => std::str::from_utf8(bytes).map_err(|e| corrupt(what, e)),
        Ok(other) => Err(corrupt(
            what,
            format!("expected text, found {:?}", other.data_type()),
        )),
        Err(e) => Err(corrupt(what, e)),
    }
}

/// A nullable text column.
pub(crate) fn text_opt<'r>(
    row: &'r Row<'_>,
    index: usize,
    what: &str,
) -> Result<Option<&'r str>, StoreError> {
    match row.get_ref(index) {
        Ok(ValueRef::Null) => Ok(None),
        _ => text(row, index, what).map(Some),
    }
}

/// An integer column.
pub(crate) fn int(row: &Row<'_>, index: usize, what: &str) -> Result<i64, StoreError> {
    match row.get_ref(index) {
        Ok(ValueRef::Integer(n)) => Ok(n),
        Ok(other) => Err(corrupt(
            what,
            format!("expected an integer, found {:?}", other.data_type()),
        )),
        Err(e) => Err(corrupt(what, e)),
    }
}

/// A nullable integer column.
pub(crate) fn int_opt(row: &Row<'_>, index: usize, what: &str) -> Result<Option<i64>, StoreError> {
    match row.get_ref(index) {
        Ok(ValueRef::Null) => Ok(None),
        _ => int(row, index, what).map(Some),
    }
}

/// A version column.
pub(crate) fn version(row: &Row<'_>, index: usize, what: &str) -> Result<u64, StoreError> {
    let n = int(row, index, what)?;
    u64::try_from(n).map_err(|_| corrupt(what, format!("negative version {n}")))
}

/// An id as stored: its UUID's 16 bytes, which sort like its text.
pub(crate) fn key(id: impl Into<Uuid>) -> [u8; 16] {
    id.into().into_bytes()
}

/// An id as a bound value, for statements built at run time.
pub(crate) fn key_value(id: impl Into<Uuid>) -> Value {
    Value::Blob(key(id).to_vec())
}

/// An id column.
pub(crate) fn id<T: From<Uuid>>(row: &Row<'_>, index: usize, what: &str) -> Result<T, StoreError> {
    match row.get_ref(index) {
        Ok(ValueRef::Blob(bytes)) => Uuid::from_slice(bytes)
            .map(T::from)
            .map_err(|e| corrupt(what, e)),
        Ok(other) => Err(corrupt(
            what,
            format!("expected a 16-byte id, found {:?}", other.data_type()),
        )),
        Err(e) => Err(corrupt(what, e)),
    }
}

/// A nullable id column.
pub(crate) fn id_opt<T: From<Uuid>>(
    row: &Row<'_>,
    index: usize,
    what: &str,
) -> Result<Option<T>, StoreError> {
    match row.get_ref(index) {
        Ok(ValueRef::Null) => Ok(None),
        _ => id(row, index, what).map(Some),
    }
}

/// A nullable column of exactly `N` bytes.
pub(crate) fn blob_opt<const N: usize>(
    row: &Row<'_>,
    index: usize,
    what: &str,
) -> Result<Option<[u8; N]>, StoreError> {
    match row.get_ref(index) {
        Ok(ValueRef::Null) => Ok(None),
        Ok(ValueRef::Blob(bytes)) => <[u8; N]>::try_from(bytes)
            .map(Some)
            .map_err(|_| corrupt(what, format!("expected {N} bytes, found {}", bytes.len()))),
        Ok(other) => Err(corrupt(
            what,
            format!("expected {N} bytes, found {:?}", other.data_type()),
        )),
        Err(e) => Err(corrupt(what, e)),
    }
}

/// A value read from its JSON form.
pub(crate) fn from_json<T: DeserializeOwned>(s: &str, what: &str) -> Result<T, StoreError> {
    serde_json::from_str(s).map_err(|e| corrupt(what, e))
}

/// A unit enum read from its serde name.
pub(crate) fn from_name<T: DeserializeOwned>(s: &str, what: &str) -> Result<T, StoreError> {
    serde_json::from_value(serde_json::Value::String(s.to_owned())).map_err(|e| corrupt(what, e))
}

/// A ticket number column: NULL, or a number from 1.
pub(crate) fn ticket_number(
    row: &Row<'_>,
    index: usize,
    what: &str,
) -> Result<Option<TicketNumber>, StoreError> {
    int_opt(row, index, what)?
        .map(|n| {
            u64::try_from(n)
                .ok()
                .and_then(TicketNumber::new)
                .ok_or_else(|| corrupt(what, format!("{n} is not a ticket number")))
        })
        .transpose()
}

/// A projection row selected with [`ROW_COLUMNS`] from `offset` on.
pub(crate) fn ticket_row(row: &Row<'_>, offset: usize) -> Result<TicketRow, StoreError> {
    const WHAT: &str = "a ticket row";
    let at = |i: usize| offset + i;
    Ok(TicketRow {
        tenant: id(row, at(0), WHAT)?,
        id: id(row, at(1), WHAT)?,
        subject: text(row, at(2), WHAT)?.to_owned(),
        status: from_name(text(row, at(3), WHAT)?, WHAT)?,
        sub_status: text_opt(row, at(4), WHAT)?.map(str::to_owned),
        priority: from_name(text(row, at(5), WHAT)?, WHAT)?,
        group: id_opt(row, at(6), WHAT)?,
        assignee: id_opt(row, at(7), WHAT)?,
        requester: id(row, at(8), WHAT)?,
        tags: from_json(text(row, at(9), WHAT)?, WHAT)?,
        next_due: int_opt(row, at(10), WHAT)?.map(instant),
        created_at: instant(int(row, at(11), WHAT)?),
        updated_at: instant(int(row, at(12), WHAT)?),
        version: version(row, at(13), WHAT)?,
        number: ticket_number(row, at(14), WHAT)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_keep_nanoseconds_and_order() {
        let a = DateTime::from_timestamp(1_772_442_000, 123_456_789).unwrap();
        let b = DateTime::from_timestamp(1_772_442_000, 123_456_790).unwrap();
        let path = Path::new("x.db");
        assert_eq!(instant(nanos(path, a).unwrap()), a);
        assert!(nanos(path, a).unwrap() < nanos(path, b).unwrap());
        assert!(nanos(path, DateTime::<Utc>::MAX_UTC).is_err());
        assert_eq!(nanos_saturating(DateTime::<Utc>::MAX_UTC), i64::MAX);
        assert_eq!(nanos_saturating(DateTime::<Utc>::MIN_UTC), i64::MIN);
    }
}
