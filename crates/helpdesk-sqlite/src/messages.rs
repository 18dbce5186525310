//! The mail message ids bound to tickets (`messages`), per tenant.

use std::path::Path;

use helpdesk_core::{TenantId, TicketId};
use helpdesk_engine::StoreError;
use helpdesk_engine::store::MessageId;
use rusqlite::{Connection, params};

use crate::codec::{self, key};
use crate::error::failed;

/// Binds `message` to `ticket` unless it is bound (on the writer's
/// connection); the ticket it is bound to.
pub(crate) fn remember(
    conn: &Connection,
    path: &Path,
    tenant: TenantId,
    message: &MessageId,
    ticket: TicketId,
) -> Result<TicketId, StoreError> {
    conn.prepare_cached(
        "INSERT INTO messages (tenant, message_id, ticket) VALUES (?1, ?2, ?3) \
         ON CONFLICT DO NOTHING",
    )
    .map_err(failed(path, "prepare the message binding"))?
    .execute(params![key(tenant), message.as_str(), key(ticket)])
    .map_err(failed(path, "bind a message id"))?;
    ticket_of(conn, path, tenant, message)?.ok_or_else(|| {
        codec::corrupt(
            "a message binding",
            format!("{message} is bound and cannot be read"),
        )
    })
}

/// The ticket `message` is bound to in the tenant.
pub(crate) fn ticket_of(
    conn: &Connection,
    path: &Path,
    tenant: TenantId,
    message: &MessageId,
) -> Result<Option<TicketId>, StoreError> {
    let mut statement = conn
        .prepare_cached("SELECT ticket FROM messages WHERE tenant = ?1 AND message_id = ?2")
        .map_err(failed(path, "prepare the message lookup"))?;
    let mut rows = statement
        .query(params![key(tenant), message.as_str()])
        .map_err(failed(path, "look up a message id"))?;
    match rows.next().map_err(failed(path, "look up a message id"))? {
        Some(row) => Ok(Some(codec::id(row, 0, "a message's ticket")?)),
        None => Ok(None),
    }
}
