//! [`OutboxMessage`]: a notification written with the events that cause it.

use helpdesk_core::{TenantId, TicketId};
use serde::{Deserialize, Serialize};

use crate::ids::EventId;
use crate::store::StoredEvent;

/// A notification to deliver at least once, written in the same
/// transaction as its event. Its id is the event's id, which receivers use
/// as the idempotency key.
///
/// ```
/// use helpdesk_core::{Actor, ActorId, Command, DeskConfig, NewTicket, TenantId};
/// use helpdesk_engine::store::OutboxMessage;
/// use helpdesk_engine::{Desk, MemoryStore, NoNotifier, Request, Store, SystemClock};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
/// # let desk = Desk::new(DeskConfig::default(), MemoryStore::new(), NoNotifier, SystemClock)?;
/// let admin = Actor::admin(ActorId::from_u128(1), TenantId::from_u128(1));
/// let open = Command::Open(NewTicket::new(admin.id, "Printer jams", ""));
/// let executed = desk
///     .execute(Request::new(admin, helpdesk_engine::new_ticket_id(), open))
///     .await?;
///
/// // One message per event, keyed by the event's id.
/// let expected: Vec<OutboxMessage> = executed.events.iter().map(OutboxMessage::of).collect();
/// assert_eq!(desk.store().pending_outbox(100).await?, expected);
/// assert_eq!(expected[0].id, executed.events[0].id);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxMessage {
    /// The event's id: the idempotency key.
    pub id: EventId,
    /// The tenant.
    pub tenant: TenantId,
    /// The ticket.
    pub ticket: TicketId,
    /// The event to notify about.
    pub event: StoredEvent,
}

impl OutboxMessage {
    /// The message announcing `event`.
    pub fn of(event: &StoredEvent) -> Self {
        Self {
            id: event.id,
            tenant: event.tenant,
            ticket: event.ticket,
            event: event.clone(),
        }
    }
}
