//! [`Key`]: how [`MemoryStore`](super::MemoryStore) keys its maps.

use std::hash::{Hash, Hasher};

use helpdesk_core::{TenantId, TicketId};

use crate::ids::CommandId;

/// A tenant's id and the id of one of its tickets or commands. Hashes as
/// two 128-bit words rather than as two byte slices with their lengths, as
/// a pair of `Uuid`s would.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Key {
    tenant: u128,
    id: u128,
}

impl Key {
    /// The key of `ticket` in `tenant`.
    pub(super) fn ticket(tenant: TenantId, ticket: TicketId) -> Self {
        Self {
            tenant: tenant.as_uuid().as_u128(),
            id: ticket.as_uuid().as_u128(),
        }
    }

    /// The key of `command` in `tenant`.
    pub(super) fn command(tenant: TenantId, command: CommandId) -> Self {
        Self {
            tenant: tenant.as_uuid().as_u128(),
            id: command.as_uuid().as_u128(),
        }
    }

    /// Whether the key belongs to `tenant`.
    pub(super) fn is_of(&self, tenant: TenantId) -> bool {
        self.tenant == tenant.as_uuid().as_u128()
    }
}

impl Hash for Key {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u128(self.tenant);
        state.write_u128(self.id);
    }
}
