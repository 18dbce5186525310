//! The mail message ids bound to tickets (`messages`), per tenant.

use helpdesk_core::{TenantId, TicketId};
use helpdesk_engine::store::MessageId;
use uuid::Uuid;

use crate::codec::{self, get};
use crate::tx::{Fail, Tx};

/// Binds `message` to `ticket` unless it is bound; the ticket it is bound
/// to. An insert that wrote the binding says so; otherwise a second
/// statement reads it, so the read sees a binding another host committed
/// while the insert waited for it.
pub(crate) async fn remember(
    tx: &mut Tx,
    tenant: TenantId,
    message: &MessageId,
    ticket: TicketId,
) -> Result<TicketId, Fail> {
    const WHAT: &str = "bind a message id";
    let stmt = tx.prepare(BIND, WHAT).await?;
    let inserted = tx
        .query(
            &stmt,
            &[&tenant.as_uuid(), &message.as_str(), &ticket.as_uuid()],
            WHAT,
        )
        .await?;
    if !inserted.is_empty() {
        return Ok(ticket);
    }
    ticket_of(tx, tenant, message).await?.ok_or_else(|| {
        Fail::from(codec::corrupt(
            "a message binding",
            format!("{message} is bound and cannot be read"),
        ))
    })
}

/// Binds `(tenant, message id, ticket)`, the first binding kept: a row
/// back when this one wrote it.
const BIND: &str = "INSERT INTO messages (tenant, message_id, ticket) VALUES ($1, $2, $3) \
                    ON CONFLICT DO NOTHING RETURNING 1";

/// The ticket `message` is bound to in the tenant.
pub(crate) async fn ticket_of(
    tx: &mut Tx,
    tenant: TenantId,
    message: &MessageId,
) -> Result<Option<TicketId>, Fail> {
    const WHAT: &str = "look up a message id";
    let stmt = tx
        .prepare(
            "SELECT ticket FROM messages WHERE tenant = $1 AND message_id = $2",
            WHAT,
        )
        .await?;
    let rows = tx
        .query(&stmt, &[&tenant.as_uuid(), &message.as_str()], WHAT)
        .await?;
    Ok(match rows.first() {
        Some(row) => Some(get::<Uuid>(row, 0, "a message's ticket")?.into()),
        None => None,
    })
}
