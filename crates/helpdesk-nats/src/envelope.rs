//! [`Envelope`]: the JSON payload of every published message.

use chrono::{DateTime, Utc};
use helpdesk_core::notification::Recipient;
use helpdesk_core::{Event, Role, TenantId, TicketId};
use helpdesk_engine::{CommandId, DeliveryId, EventId, Notification};
use serde::{Deserialize, Serialize};

/// The payload of a published message: one notification, with the fields
/// a consumer routes and deduplicates on lifted to the top, the rendered
/// subject and text, and the event in its stored form.
///
/// ```json
/// {"v": 1,
///  "id": "6f1c2a9e-…",            // the delivery id: also the Nats-Msg-Id header
///  "event_id": "0190f1c2-…",      // the event told of
///  "tenant": "…", "ticket": "…",
///  "version": 3,                  // the ticket's version after the event, from 1
///  "command": "…",                // the command that caused it
///  "type": "replied",             // Change::type_name(), also the subject's last token
///  "at": "2026-03-02T09:15:00Z",  // when it happened (RFC 3339, UTC)
///  "internal": false,             // true when a requester may not see it (a note)
///  "rule": "Everything to the bus", // the notification rule that planned the delivery
///  "recipient": {"endpoint": "bus"}, // whom it was planned for: {"endpoint": key} or {"actor": id}
///  "subject": "[#1042] Printer jams", // the rendered one-line subject
///  "text": "Maria replied.\n\n…", // the rendered plain text
///  "event": {"v": 1, "type": "replied", "at": "…", "by": {…}, "data": {…}}}
/// ```
///
/// `v` is this envelope's schema version ([`Envelope::SCHEMA_VERSION`]);
/// `event` is the event's own versioned form, the one stores keep (see
/// [`helpdesk_core::Event`]). One event told to several recipients or by
/// several rules is published once per delivery, each under its own `id`
/// and with the same `event_id`. A new field may be added without a new
/// version; a field removed or changed in meaning gets one. Consumers
/// should ignore fields they do not know and refuse versions they do not.
///
/// The event is whole, internal notes included, for whatever the desk's
/// notification rules send here: the stream is for the host's own
/// services, never for requesters. A consumer that forwards anything to a
/// requester must drop what has `"internal": true`.
///
/// ```
/// use helpdesk_core::{Actor, ActorId, Command, DeskConfig, NewTicket, TenantId};
/// use helpdesk_engine::{Desk, MemoryStore, NoNotifier, Request, Store, SystemClock};
/// use helpdesk_nats::Envelope;
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
/// let config: DeskConfig = serde_json::from_str(r#"{
///     "endpoints": {"bus": {"via": "nats", "target": "helpdesk"}},
///     "notification_rules": [
///         {"name": "openings", "on": ["opened"], "to": [{"endpoint": "bus"}], "via": "nats"}
///     ]
/// }"#)?;
/// let desk = Desk::new(config, MemoryStore::new(), NoNotifier, SystemClock)?;
/// let admin = Actor::admin(ActorId::from_u128(1), TenantId::from_u128(7));
/// let open = Command::Open(NewTicket::new(admin.id, "Printer jams", ""));
/// desk.execute(Request::new(admin, helpdesk_engine::new_ticket_id(), open)).await?;
///
/// let message = &desk.store().pending_outbox(1).await?[0];
/// let notification = desk.notification(message).await?.expect("the endpoint is told");
/// let json = Envelope::encode(&notification)?;
/// let envelope: Envelope = serde_json::from_slice(&json)?;
/// assert_eq!((envelope.v, envelope.id, envelope.event_id), (1, message.id, message.event.id));
/// assert_eq!((envelope.kind.as_str(), envelope.internal, envelope.version), ("opened", false, 1));
/// assert_eq!(envelope.rule, "openings");
/// assert!(envelope.subject.ends_with("] Printer jams"));
/// assert_eq!(envelope.event, message.event.event);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope {
    /// The envelope's schema version: [`Envelope::SCHEMA_VERSION`].
    pub v: u32,
    /// The delivery's id: the idempotency key, also sent as the
    /// `Nats-Msg-Id` header. Derived from the event, the recipient and
    /// the channel, so the same on every attempt of this delivery.
    pub id: DeliveryId,
    /// The id of the event told of.
    pub event_id: EventId,
    /// The tenant.
    pub tenant: TenantId,
    /// The ticket.
    pub ticket: TicketId,
    /// The ticket's version after this event: 1 for the first.
    pub version: u64,
    /// The command that caused the event.
    pub command: CommandId,
    /// The change's type name ([`Change::type_name`](helpdesk_core::Change::type_name)).
    #[serde(rename = "type")]
    pub kind: String,
    /// When the event happened.
    pub at: DateTime<Utc>,
    /// Whether a requester may not see the event (an internal note).
    pub internal: bool,
    /// The name of the notification rule that planned this delivery.
    pub rule: String,
    /// Whom the delivery was planned for: an endpoint by key, or a person
    /// by id.
    pub recipient: Recipient,
    /// The rendered one-line subject.
    pub subject: String,
    /// The rendered plain text.
    pub text: String,
    /// The event, in its stored form.
    pub event: Event,
}

impl Envelope {
    /// The version of the envelope this crate writes.
    pub const SCHEMA_VERSION: u32 = 1;

    /// The envelope of `notification`.
    pub fn of(notification: &Notification) -> Self {
        let stored = &notification.event;
        Self {
            v: Self::SCHEMA_VERSION,
            id: notification.id,
            event_id: stored.id,
            tenant: notification.tenant,
            ticket: notification.ticket,
            version: stored.version,
            command: stored.command,
            kind: stored.event.change.type_name().to_owned(),
            at: stored.event.at,
            internal: !stored.event.is_visible_to(Role::Requester),
            rule: notification.rule.clone(),
            recipient: notification.to.recipient.clone(),
            subject: notification.content.subject.clone(),
            text: notification.content.text.clone(),
            event: stored.event.clone(),
        }
    }

    /// The JSON bytes published for `notification`.
    pub fn encode(notification: &Notification) -> Result<Vec<u8>, serde_json::Error> {
        serde_json::to_vec(&Self::of(notification))
    }
}
