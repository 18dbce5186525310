//! Ticket numbers: each tenant's counter (`ticket_numbers`) and the
//! tickets by number (`tickets.number`, unique per tenant).

use std::path::Path;

use helpdesk_core::{TenantId, TicketId, TicketNumber};
use helpdesk_engine::StoreError;
use rusqlite::{Connection, params};

use crate::codec::{self, key};
use crate::error::failed;

/// Takes the tenant's next number: the counter is moved and read in one
/// statement, on the writer's connection, so no two callers get the same.
pub(crate) fn next(
    conn: &Connection,
    path: &Path,
    tenant: TenantId,
) -> Result<TicketNumber, StoreError> {
    let last: i64 = conn
        .prepare_cached(
            "INSERT INTO ticket_numbers (tenant, last) VALUES (?1, 1) \
             ON CONFLICT (tenant) DO UPDATE SET last = last + 1 RETURNING last",
        )
        .map_err(failed(path, "prepare the number counter"))?
        .query_row([key(tenant)], |row| row.get(0))
        .map_err(failed(path, "take a ticket number"))?;
    u64::try_from(last)
        .ok()
        .and_then(TicketNumber::new)
        .ok_or_else(|| codec::corrupt("a ticket number counter", format!("{last} is not a number")))
}

/// The tenant's ticket with `number`.
pub(crate) fn ticket(
    conn: &Connection,
    path: &Path,
    tenant: TenantId,
    number: TicketNumber,
) -> Result<Option<TicketId>, StoreError> {
    // No number past SQLite's integers is ever stored.
    let Ok(number) = i64::try_from(number.get()) else {
        return Ok(None);
    };
    let mut statement = conn
        .prepare_cached("SELECT id FROM tickets WHERE tenant = ?1 AND number = ?2")
        .map_err(failed(path, "prepare the number lookup"))?;
    let mut rows = statement
        .query(params![key(tenant), number])
        .map_err(failed(path, "look up a ticket by number"))?;
    match rows
        .next()
        .map_err(failed(path, "look up a ticket by number"))?
    {
        Some(row) => Ok(Some(codec::id(row, 0, "a ticket id")?)),
        None => Ok(None),
    }
}
