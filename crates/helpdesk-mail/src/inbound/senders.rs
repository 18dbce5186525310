//! [`Senders`]: who a mail's sender is, as the host knows its people.

use std::future::Future;

use helpdesk_core::{Actor, TenantId};

/// The host's people by email address: the agent or requester behind an
/// address, when it knows one. Implement it over the host's user table,
/// or, with a desk [`Directory`](helpdesk_engine::Directory) that answers
/// [`by_email`](helpdesk_engine::Directory::by_email), use
/// [`DirectorySenders`](crate::DirectorySenders).
pub trait Senders: Send + Sync {
    /// The actor whose verified address `address` (lower-cased) is, in
    /// `tenant`, if any.
    fn actor(&self, tenant: TenantId, address: &str) -> impl Future<Output = Option<Actor>> + Send;
}

/// Knows nobody: every sender is unknown, and is treated as
/// [`InboundConfig::unknown_senders`](crate::InboundConfig::unknown_senders) says.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoSenders;

impl Senders for NoSenders {
    async fn actor(&self, _tenant: TenantId, _address: &str) -> Option<Actor> {
        None
    }
}
