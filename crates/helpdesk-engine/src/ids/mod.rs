//! Ids the engine makes: UUID v7, so they sort by creation time.

mod delivery;
mod v7;

use std::fmt;
use std::str::FromStr;

use helpdesk_core::{CommentId, TicketId};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use delivery::DeliveryId;

/// Identifies a command as the caller sent it. Executing the same command
/// id twice applies the command once and answers the first result again,
/// so hosts can retry requests safely.
///
/// ```
/// use helpdesk_engine::CommandId;
/// # fn main() -> Result<(), uuid::Error> {
/// let id = CommandId::new();
/// assert_ne!(id, CommandId::new());
/// assert_eq!(id.to_string().parse::<CommandId>()?, id);
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CommandId(Uuid);

/// Identifies a stored event; also the idempotency key of every
/// notification it causes.
///
/// ```
/// use helpdesk_engine::EventId;
/// let a = EventId::new();
/// let b = EventId::new();
/// assert!(a < b, "v7 ids sort by creation time");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EventId(Uuid);

macro_rules! v7_id {
    ($name:ident) => {
        impl $name {
            /// A new, time-ordered id (UUID v7).
            pub fn new() -> Self {
                Self(v7::new_v7())
            }

            /// Wraps an existing UUID.
            pub const fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }

            /// The UUID inside.
            pub const fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl From<Uuid> for $name {
            fn from(uuid: Uuid) -> Self {
                Self(uuid)
            }
        }

        impl From<$name> for Uuid {
            fn from(id: $name) -> Self {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::from_str(s).map(Self)
            }
        }
    };
}

v7_id!(CommandId);
v7_id!(EventId);

impl CommandId {
    /// The id under which the other side of a two-sided command (a merge's
    /// `accept_merge`, a link's inverse) is recorded on the other ticket:
    /// derived from this one, so a retry of the request finds it.
    ///
    /// ```
    /// use helpdesk_engine::CommandId;
    /// let id = CommandId::new();
    /// assert_eq!(id.counterpart(), id.counterpart());
    /// assert_ne!(id.counterpart(), id);
    /// assert_ne!(id.counterpart(), CommandId::new().counterpart());
    /// ```
    pub fn counterpart(&self) -> CommandId {
        let digest = crate::store::Fingerprint::of(&("counterpart", self.0));
        Self(v8(&digest.0))
    }
}

impl CommandId {
    /// The command id of a client's idempotency key: the same key from the
    /// same actor is always the same id, so a retried HTTP request (with an
    /// `Idempotency-Key` header, say) replays the first result. The id is
    /// derived from the SHA-256 of the actor's tenant and id and the key,
    /// so two actors sending the same key never share a command id, and
    /// nothing of the key can be read back from the id.
    ///
    /// ```
    /// use helpdesk_core::{Actor, ActorId, TenantId};
    /// use helpdesk_engine::CommandId;
    ///
    /// let tenant = TenantId::from_u128(1);
    /// let alice = Actor::requester(ActorId::from_u128(1), tenant);
    /// let bob = Actor::requester(ActorId::from_u128(2), tenant);
    /// let retry = CommandId::for_client_key(&alice, "9f2c-open-printer");
    /// assert_eq!(retry, CommandId::for_client_key(&alice, "9f2c-open-printer"));
    /// assert_ne!(retry, CommandId::for_client_key(&bob, "9f2c-open-printer"));
    /// assert_ne!(retry, CommandId::for_client_key(&alice, "another key"));
    /// ```
    pub fn for_client_key(actor: &helpdesk_core::Actor, key: &str) -> CommandId {
        let digest = crate::store::Fingerprint::of(&("client-key", actor.tenant, actor.id, key));
        Self(v8(&digest.0))
    }
}

/// A UUID of version 8 (custom) from the first 16 bytes of a digest, so it
/// never equals a v7 id.
pub(crate) fn v8(digest: &[u8; 32]) -> Uuid {
    let mut bytes = [0; 16];
    bytes.copy_from_slice(&digest[..16]);
    bytes[6] = (bytes[6] & 0x0f) | 0x80;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    Uuid::from_bytes(bytes)
}

/// A new, time-ordered ticket id.
///
/// ```
/// let a = helpdesk_engine::new_ticket_id();
/// assert_ne!(a, helpdesk_engine::new_ticket_id());
/// ```
pub fn new_ticket_id() -> TicketId {
    TicketId::from_uuid(v7::new_v7())
}

/// A new, time-ordered comment id, for the commands that add a comment.
///
/// ```
/// use helpdesk_core::Command;
/// use helpdesk_engine::new_comment_id;
///
/// let comment = new_comment_id();
/// assert!(comment < new_comment_id(), "ids sort by creation time");
/// let reply = Command::Reply { comment, body: "On my way.".into(), attachments: Vec::new() };
/// ```
pub fn new_comment_id() -> CommentId {
    CommentId::from_uuid(v7::new_v7())
}
