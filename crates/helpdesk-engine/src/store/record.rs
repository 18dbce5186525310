//! What a store keeps: [`StoredEvent`]s, [`CommandRecord`]s and the
//! [`Append`] that writes them.

use helpdesk_core::{Event, TenantId, Ticket, TicketId};
use serde::{Deserialize, Serialize};

use crate::ids::{CommandId, EventId};
use crate::store::{OutboxMessage, TicketRow};

/// An event as stored: its id, its ticket and its position in the ticket's
/// history (the ticket's version right after it, from 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredEvent {
    /// The event's id; also the idempotency key of its notifications.
    pub id: EventId,
    /// The tenant.
    pub tenant: TenantId,
    /// The ticket.
    pub ticket: TicketId,
    /// The ticket's version after this event: 1 for the first event.
    pub version: u64,
    /// The command that caused it.
    pub command: CommandId,
    /// The event.
    pub event: Event,
}

/// What a store remembers of an executed command, to answer a retry with
/// the first result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommandRecord {
    /// The command's id.
    pub command: CommandId,
    /// The ticket it acted on.
    pub ticket: TicketId,
    /// The ticket's version before the command.
    pub from_version: u64,
    /// The ticket's version after it (equal to `from_version` when the
    /// command changed nothing).
    pub to_version: u64,
}

/// One atomic write: a command's events, the ticket's new projection and
/// snapshot, and the outbox messages, all or nothing.
#[derive(Debug, Clone)]
pub struct Append {
    /// The tenant.
    pub tenant: TenantId,
    /// The command that produced the events.
    pub command: CommandRecord,
    /// The events, with versions `command.from_version + 1 ..=
    /// command.to_version`. May be empty: the command is still recorded.
    pub events: Vec<StoredEvent>,
    /// The ticket after the events.
    pub ticket: Ticket,
    /// The ticket's row in the query projection, after the events.
    pub row: TicketRow,
    /// Notifications to send, at least once, after the append commits.
    pub outbox: Vec<OutboxMessage>,
}

/// What an append did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Appended {
    /// The events were written.
    Written,
    /// The command id was already recorded for this tenant: nothing was
    /// written, and this is the first result.
    Duplicate(CommandRecord),
}
