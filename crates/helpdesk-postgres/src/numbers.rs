//! Ticket numbers: each tenant's counter (`ticket_numbers`) and the
//! tickets by number (`tickets.number`, unique per tenant).

use helpdesk_core::{TenantId, TicketId, TicketNumber};
use uuid::Uuid;

use crate::codec::{self, get};
use crate::tx::{Fail, Tx};

/// Takes the tenant's next number in the transaction `tx` (scoped to the
/// tenant): the counter's row is moved and read in one statement, and
/// its row lock makes hosts taking numbers at once wait for each other's
/// commit, so no number is handed out twice. The lock is held for this
/// one statement's transaction only, never across an append.
pub(crate) async fn next(tx: &mut Tx, tenant: TenantId) -> Result<TicketNumber, Fail> {
    const WHAT: &str = "take a ticket number";
    let stmt = tx
        .prepare(
            "INSERT INTO ticket_numbers (tenant, last) VALUES ($1, 1) \
             ON CONFLICT (tenant) DO UPDATE SET last = ticket_numbers.last + 1 \
             RETURNING last",
            WHAT,
        )
        .await?;
    let rows = tx.query(&stmt, &[&tenant.as_uuid()], WHAT).await?;
    let last: i64 = match rows.first() {
        Some(row) => get(row, 0, "a ticket number counter")?,
        None => return Err(codec::corrupt("a ticket number counter", "no row returned").into()),
    };
    Ok(codec::ticket_number(last, "a ticket number counter")?)
}

/// The tenant's ticket numbered `number`.
pub(crate) async fn ticket(
    tx: &mut Tx,
    tenant: TenantId,
    number: TicketNumber,
) -> Result<Option<TicketId>, Fail> {
    const WHAT: &str = "look up a ticket by number";
    let stmt = tx
        .prepare(
            "SELECT id FROM tickets WHERE tenant = $1 AND number = $2",
            WHAT,
        )
        .await?;
    let rows = tx
        .query(&stmt, &[&tenant.as_uuid(), &codec::number(number)?], WHAT)
        .await?;
    Ok(match rows.first() {
        Some(row) => Some(get::<Uuid>(row, 0, "a ticket id")?.into()),
        None => None,
    })
}
