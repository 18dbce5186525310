//! [`Numbers`]: each tenant's ticket number counter, and the tickets by
//! number.

use std::collections::HashMap;

use helpdesk_core::{TenantId, TicketId, TicketNumber};

use crate::store::StoreError;

/// The last number handed out per tenant, and which ticket holds each
/// number. Behind the store's one lock, so two callers never get the same
/// number.
#[derive(Debug, Default)]
pub(super) struct Numbers {
    last: HashMap<TenantId, u64>,
    held: HashMap<(TenantId, TicketNumber), TicketId>,
}

impl Numbers {
    /// The tenant's next number, handed out once.
    pub(super) fn next(&mut self, tenant: TenantId) -> Result<TicketNumber, StoreError> {
        let last = self.last.entry(tenant).or_insert(0);
        let next = last
            .checked_add(1)
            .and_then(TicketNumber::new)
            .ok_or_else(|| StoreError::Corrupt {
                what: format!("the ticket number counter of tenant {tenant}"),
                reason: "every number is taken".to_owned(),
            })?;
        *last = next.get();
        Ok(next)
    }

    /// Refuses `number` for `ticket` when another ticket of the tenant
    /// holds it.
    pub(super) fn check(
        &self,
        tenant: TenantId,
        ticket: TicketId,
        number: TicketNumber,
    ) -> Result<(), StoreError> {
        match self.held.get(&(tenant, number)) {
            Some(holder) if *holder != ticket => Err(StoreError::NumberTaken { ticket, number }),
            _ => Ok(()),
        }
    }

    /// Records that `ticket` holds `number` (checked first with
    /// [`Numbers::check`]).
    pub(super) fn hold(&mut self, tenant: TenantId, ticket: TicketId, number: TicketNumber) {
        self.held.insert((tenant, number), ticket);
    }

    /// The tenant's ticket holding `number`.
    pub(super) fn ticket(&self, tenant: TenantId, number: TicketNumber) -> Option<TicketId> {
        self.held.get(&(tenant, number)).copied()
    }
}
