//! [`TicketRow`]: a ticket in the query projection.

use chrono::{DateTime, Utc};
use helpdesk_core::{
    ActorId, DeskConfig, GroupId, Priority, StatusCategory, TenantId, Ticket, TicketId,
};
use serde::{Deserialize, Serialize};

/// The columns queries filter and sort on, kept up to date on every append.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketRow {
    /// The tenant.
    pub tenant: TenantId,
    /// The ticket.
    pub id: TicketId,
    /// The subject.
    pub subject: String,
    /// The status category.
    pub status: StatusCategory,
    /// The sub-status key, if any.
    pub sub_status: Option<String>,
    /// The priority.
    pub priority: Priority,
    /// The group.
    pub group: Option<GroupId>,
    /// The assignee.
    pub assignee: Option<ActorId>,
    /// The requester.
    pub requester: ActorId,
    /// The tags.
    pub tags: Vec<String>,
    /// When the next SLA warning, breach or timed escalation falls due.
    pub next_due: Option<DateTime<Utc>>,
    /// When it was opened.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Its version.
    pub version: u64,
}

impl TicketRow {
    /// The row of `ticket` under `config` (which decides timed escalations).
    pub fn of(ticket: &Ticket, config: &DeskConfig) -> Self {
        let sla = ticket.next_sla_due().map(|(at, _)| at);
        let escalation = ticket.next_escalation_due(config).map(|(at, _)| at);
        let next_due = match (sla, escalation) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        Self {
            tenant: ticket.tenant(),
            id: ticket.id(),
            subject: ticket.subject().to_owned(),
            status: ticket.status().category,
            sub_status: ticket.status().sub_status.clone(),
            priority: ticket.priority(),
            group: ticket.group(),
            assignee: ticket.assignee(),
            requester: ticket.requester(),
            tags: ticket
                .tags()
                .iter()
                .map(|t| t.as_str().to_owned())
                .collect(),
            next_due,
            created_at: ticket.created_at(),
            updated_at: ticket.updated_at(),
            version: ticket.version(),
        }
    }
}
