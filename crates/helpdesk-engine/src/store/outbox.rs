//! [`OutboxMessage`]: a notification written with the events that cause it.

use helpdesk_core::{TenantId, TicketId};
use serde::{Deserialize, Serialize};

use crate::ids::EventId;
use crate::store::StoredEvent;

/// A notification to deliver at least once, written in the same
/// transaction as its event. Its id is the event's id, which receivers use
/// as the idempotency key.
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
