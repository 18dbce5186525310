//! [`OutboxMessage`]: a notification planned with the events that cause it.

use helpdesk_core::notification::{Delivery, plan};
use helpdesk_core::{DeskConfig, TenantId, Ticket, TicketId};
use serde::{Deserialize, Serialize};

use crate::ids::DeliveryId;
use crate::store::StoredEvent;

/// One delivery to make at least once, written in the same transaction as
/// its event: the event, and whom the desk's notification rules tell of it
/// by which channel ([`Delivery`]). Its id is derived from the event, the
/// recipient and the channel ([`DeliveryId::of`]): the idempotency key
/// receivers see.
///
/// A desk without notification rules writes none.
///
/// ```
/// use helpdesk_core::{Actor, ActorId, Command, DeskConfig, NewTicket, TenantId};
/// use helpdesk_core::notification::{NotificationChannel, Recipient};
/// use helpdesk_engine::store::OutboxMessage;
/// use helpdesk_engine::{DeliveryId, Desk, MemoryStore, NoNotifier, Request, Store, SystemClock};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
/// let config: DeskConfig = serde_json::from_str(r#"{
///     "endpoints": {"bus": {"via": "nats", "target": "helpdesk"}},
///     "notification_rules": [
///         {"name": "everything", "on": ["opened", "public_reply"], "to": [{"endpoint": "bus"}], "via": "nats"}
///     ]
/// }"#)?;
/// let desk = Desk::new(config, MemoryStore::new(), NoNotifier, SystemClock)?;
/// let admin = Actor::admin(ActorId::from_u128(1), TenantId::from_u128(1));
/// let open = Command::Open(NewTicket::new(admin.id, "Printer jams", ""));
/// let executed = desk
///     .execute(Request::new(admin, helpdesk_engine::new_ticket_id(), open))
///     .await?;
///
/// // The opening is told to the endpoint, keyed by event, recipient and channel.
/// let outbox = desk.store().pending_outbox(100).await?;
/// assert_eq!(outbox.len(), 1);
/// let bus = Recipient::Endpoint("bus".into());
/// assert_eq!(outbox[0].delivery.recipient, bus);
/// assert_eq!(outbox[0].id, DeliveryId::of(executed.events[0].id, &bus, NotificationChannel::Nats));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxMessage {
    /// The delivery's id: the idempotency key.
    pub id: DeliveryId,
    /// The tenant.
    pub tenant: TenantId,
    /// The ticket.
    pub ticket: TicketId,
    /// The event to tell of.
    pub event: StoredEvent,
    /// Whom to tell, how, and by which rule and template.
    pub delivery: Delivery,
}

impl OutboxMessage {
    /// The message delivering `event` as `delivery` says.
    pub fn new(event: &StoredEvent, delivery: Delivery) -> Self {
        Self {
            id: DeliveryId::of(event.id, &delivery.recipient, delivery.channel),
            tenant: event.tenant,
            ticket: event.ticket,
            event: event.clone(),
            delivery,
        }
    }

    /// The messages `events` call for under `config`'s notification
    /// rules ([`plan`]), each planned against `ticket`, the ticket as the
    /// events leave it; in event order, then in the plan's order.
    pub fn planned(events: &[StoredEvent], ticket: &Ticket, config: &DeskConfig) -> Vec<Self> {
        if config.notification_rules.is_empty() {
            return Vec::new();
        }
        events
            .iter()
            .flat_map(|event| {
                plan(&event.event, ticket, config)
                    .into_iter()
                    .map(move |delivery| Self::new(event, delivery))
            })
            .collect()
    }
}
