//! [`TicketRow`]: a ticket in the query projection.

use chrono::{DateTime, Utc};
use helpdesk_core::{
    ActorId, DeskConfig, GroupId, Priority, StatusCategory, TenantId, Ticket, TicketId,
    TicketNumber,
};
use serde::{Deserialize, Serialize};

/// The columns queries filter and sort on, kept up to date on every append.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketRow {
    /// The tenant.
    pub tenant: TenantId,
    /// The ticket.
    pub id: TicketId,
    /// Its number in the tenant, unique there; `None` for a ticket opened
    /// without one.
    pub number: Option<TicketNumber>,
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
    ///
    /// ```
    /// use helpdesk_core::{Actor, ActorId, Command, Context, DeskConfig, NewTicket, TenantId};
    /// use helpdesk_core::{Ticket, TicketId, apply, decide};
    /// use helpdesk_engine::store::TicketRow;
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let config = DeskConfig::default();
    /// let admin = Actor::admin(ActorId::from_u128(1), TenantId::from_u128(1));
    /// let ctx = Context::new(&admin, "2026-03-02T09:00:00Z".parse()?, &config);
    /// let mut ticket = Ticket::new(TicketId::from_u128(7));
    /// let open = Command::Open(NewTicket::new(admin.id, "Printer jams", ""));
    /// for event in decide(&ticket, open, &ctx)? {
    ///     apply(&mut ticket, &event);
    /// }
    ///
    /// let row = TicketRow::of(&ticket, &config);
    /// assert_eq!((row.id, row.subject.as_str()), (ticket.id(), "Printer jams"));
    /// assert_eq!((row.status, row.version), (ticket.status().category, ticket.version()));
    /// assert_eq!(row.next_due, None, "no SLA policy, nothing due");
    /// # Ok(())
    /// # }
    /// ```
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
            number: ticket.number(),
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
