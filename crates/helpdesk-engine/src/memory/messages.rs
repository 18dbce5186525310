//! [`Messages`]: the mail message ids bound to tickets, per tenant.

use std::collections::HashMap;

use helpdesk_core::{TenantId, TicketId};

use crate::store::MessageId;

/// Each tenant's message ids and the ticket each was first bound to.
#[derive(Debug, Default)]
pub(super) struct Messages {
    bound: HashMap<TenantId, HashMap<MessageId, TicketId>>,
}

impl Messages {
    /// Binds `message` to `ticket` unless it is bound; the ticket it is
    /// bound to.
    pub(super) fn remember(
        &mut self,
        tenant: TenantId,
        message: &MessageId,
        ticket: TicketId,
    ) -> TicketId {
        *self
            .bound
            .entry(tenant)
            .or_default()
            .entry(message.clone())
            .or_insert(ticket)
    }

    /// The ticket `message` is bound to in the tenant.
    pub(super) fn ticket(&self, tenant: TenantId, message: &MessageId) -> Option<TicketId> {
        self.bound.get(&tenant)?.get(message).copied()
    }
}
