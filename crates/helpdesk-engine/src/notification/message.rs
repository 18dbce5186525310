//! [`Notification`]: one delivery, addressed and rendered, as a notifier
//! sends it.

use helpdesk_core::notification::{NotificationChannel, Recipient};
use helpdesk_core::{Role, TenantId, TicketId};
use serde::{Deserialize, Serialize};

use crate::ids::DeliveryId;
use crate::notification::Rendered;
use crate::store::{MessageId, StoredEvent};

/// Whom a notification goes to, as the directory or the configuration's
/// endpoints resolved them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Addressee {
    /// The recipient as planned: a person or an endpoint.
    pub recipient: Recipient,
    /// Their name, or the endpoint's description.
    pub name: Option<String>,
    /// Where to: an email address for email; the endpoint's target (a URL,
    /// a subject) for an endpoint; `None` for a person over a channel with
    /// no personal address, where the notifier sends to its own target.
    pub address: Option<String>,
    /// The locale the message is written in.
    pub locale: String,
}

/// One notification to send: the event, whom to tell over which channel,
/// and what to say, rendered for them.
///
/// Its `id` is the idempotency key: the same on every attempt of this
/// delivery, and different for each recipient and channel of one event.
/// A notifier passes it on (`Nats-Msg-Id`, `webhook-id`, the mail's
/// `Message-ID`) so that the receiver drops a repeat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    /// The delivery's id: the idempotency key.
    pub id: DeliveryId,
    /// The tenant.
    pub tenant: TenantId,
    /// The ticket.
    pub ticket: TicketId,
    /// The ticket's short reference, its number such as `#1042` (for a
    /// ticket opened without a number, `#` and the last 8 hex digits of
    /// its id), for subjects and threading.
    pub reference: String,
    /// The event told of; one the recipient may see.
    pub event: StoredEvent,
    /// The name of the rule that planned it.
    pub rule: String,
    /// The channel to send it by.
    pub channel: NotificationChannel,
    /// Whom to.
    pub to: Addressee,
    /// What to say.
    pub content: Rendered,
}

impl Notification {
    /// Whether it tells of what requesters may not see (an internal note,
    /// a staff watcher): it goes to staff only.
    pub fn is_internal(&self) -> bool {
        !self.event.event.is_visible_to(Role::Requester)
    }

    /// The key its mail is remembered under, the `id-left` of the mail's
    /// `Message-ID`: [`MessageId::of_internal_delivery`] when it
    /// [is internal](Notification::is_internal), so a mail answering it is
    /// kept internal too, and [`MessageId::of_delivery`] otherwise.
    pub fn message_key(&self) -> MessageId {
        if self.is_internal() {
            MessageId::of_internal_delivery(self.id)
        } else {
            MessageId::of_delivery(self.id)
        }
    }
}
