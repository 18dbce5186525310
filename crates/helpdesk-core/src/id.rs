//! Typed identifiers: one newtype over [`Uuid`] per kind of thing, so a
//! ticket id can never be passed where a tenant id is expected.
//!
//! The domain never makes ids: they come in with commands (the engine makes
//! UUID v7 ids), which keeps `decide` deterministic.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! typed_id {
    ($(#[$meta:meta])* $name:ident, $what:literal) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        #[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
        pub struct $name(Uuid);

        impl $name {
            #[doc = concat!("Wraps a UUID as ", $what, " id.")]
            pub const fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }

            #[doc = concat!("Makes ", $what, " id from a 128-bit number; handy in tests and examples.")]
            pub const fn from_u128(value: u128) -> Self {
                Self(Uuid::from_u128(value))
            }

            /// The UUID inside.
            pub const fn as_uuid(&self) -> Uuid {
                self.0
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

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "({})"), self.0)
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

typed_id!(
    /// Identifies a tenant: one customer organisation of a multi-tenant host.
    /// Nothing ever crosses from one tenant to another.
    ///
    /// ```
    /// use helpdesk_core::TenantId;
    /// let tenant: TenantId = "018f6a4e-0000-7000-8000-000000000001".parse().unwrap();
    /// assert_eq!(tenant.to_string(), "018f6a4e-0000-7000-8000-000000000001");
    /// ```
    TenantId,
    "a tenant"
);

typed_id!(
    /// Identifies a ticket (the aggregate and its event stream).
    ///
    /// ```
    /// use helpdesk_core::TicketId;
    /// assert_ne!(TicketId::from_u128(1), TicketId::from_u128(2));
    /// ```
    TicketId,
    "a ticket"
);

typed_id!(
    /// Identifies a person or automation that acts on tickets: a requester,
    /// an agent, a supervisor, an admin or a system integration.
    ///
    /// ```
    /// use helpdesk_core::ActorId;
    /// let id = ActorId::from_u128(7);
    /// assert_eq!(id.as_uuid().as_u128(), 7);
    /// ```
    ActorId,
    "an actor"
);

typed_id!(
    /// Identifies a group of agents (a team or queue, such as "L1 service desk").
    ///
    /// ```
    /// use helpdesk_core::GroupId;
    /// let id = GroupId::from_u128(3);
    /// assert_eq!(format!("{id:?}"), "GroupId(00000000-0000-0000-0000-000000000003)");
    /// ```
    GroupId,
    "a group"
);

typed_id!(
    /// Identifies one entry of a ticket's conversation (a public reply or an
    /// internal note). Chosen by the caller, so a retried command is detected.
    ///
    /// ```
    /// use helpdesk_core::CommentId;
    /// let id = CommentId::from_u128(1);
    /// assert_eq!(CommentId::from(id.as_uuid()), id);
    /// ```
    CommentId,
    "a comment"
);
