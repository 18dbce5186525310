//! [`DeliveryId`]: the idempotency key of one notification.

use std::fmt;
use std::str::FromStr;

use helpdesk_core::notification::{NotificationChannel, Recipient};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::ids::EventId;
use crate::store::Fingerprint;

/// Identifies one delivery: an event told to one recipient over one
/// channel. It is derived from those three, so planning the same event
/// again gives the same id, and every attempt of a delivery carries it:
/// the idempotency key adapters pass on (`Nats-Msg-Id`, `webhook-id`, the
/// mail's `Message-ID`).
///
/// ```
/// use helpdesk_core::ActorId;
/// use helpdesk_core::notification::{NotificationChannel, Recipient};
/// use helpdesk_engine::{DeliveryId, EventId};
///
/// let event = EventId::new();
/// let alice = Recipient::Actor(ActorId::from_u128(1));
/// let email = DeliveryId::of(event, &alice, NotificationChannel::Email);
/// assert_eq!(email, DeliveryId::of(event, &alice, NotificationChannel::Email));
/// assert_ne!(email, DeliveryId::of(event, &alice, NotificationChannel::Webhook));
/// assert_ne!(email, DeliveryId::of(event, &Recipient::Actor(ActorId::from_u128(2)), NotificationChannel::Email));
/// assert_eq!(email.to_string().parse::<DeliveryId>().ok(), Some(email));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DeliveryId(Uuid);

impl DeliveryId {
    /// The id of `event` told to `recipient` over `channel`: a UUID of
    /// version 8 made of the SHA-256 of the three.
    pub fn of(event: EventId, recipient: &Recipient, channel: NotificationChannel) -> Self {
        Self(super::v8(
            &Fingerprint::of(&("delivery", event, recipient, channel)).0,
        ))
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

impl fmt::Display for DeliveryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl FromStr for DeliveryId {
    type Err = uuid::Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Uuid::from_str(s).map(Self)
    }
}
