//! The JSON body of a webhook: a small, versioned envelope of a
//! notification.

use chrono::{DateTime, Utc};
use helpdesk_core::notification::Recipient;
use helpdesk_core::{Event, TenantId, TicketId};
use helpdesk_engine::{DeliveryId, EventId, Notification};
use serde::Serialize;

/// The version written into every envelope's `v` field. A change that
/// could break a receiver gets a new version.
pub const ENVELOPE_VERSION: u16 = 1;

#[derive(Serialize)]
struct Envelope<'a> {
    v: u16,
    id: DeliveryId,
    event_id: EventId,
    tenant: TenantId,
    ticket: TicketId,
    version: u64,
    #[serde(rename = "type")]
    kind: &'static str,
    at: DateTime<Utc>,
    rule: &'a str,
    recipient: &'a Recipient,
    subject: &'a str,
    text: &'a str,
    event: &'a Event,
}

/// The body posted for `notification`: its envelope as JSON, described in
/// the [crate documentation](crate#the-body). Its form is pinned here, byte
/// for byte:
///
/// ```
/// use chrono::{DateTime, Utc};
/// use helpdesk_core::notification::{NotificationChannel, Recipient};
/// use helpdesk_core::{ActorId, ActorRef, Change, CommentId, Event, Role, TenantId, TicketId};
/// use helpdesk_engine::store::StoredEvent;
/// use helpdesk_engine::{Addressee, DeliveryId, Notification, Rendered};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let at: DateTime<Utc> = "2026-03-02T09:15:00Z".parse()?;
/// let agent = ActorRef { id: ActorId::from_u128(2), role: Role::Agent };
/// let reply = Change::Replied { comment: CommentId::from_u128(3), body: "Try the other tray.".into() };
/// let event = StoredEvent {
///     id: "0193c6f0-0000-7000-8000-000000000004".parse()?,
///     tenant: TenantId::from_u128(1),
///     ticket: TicketId::from_u128(5),
///     version: 3,
///     command: "0193c6f0-0000-7000-8000-000000000006".parse()?,
///     event: Event::new(at, agent, reply),
/// };
/// let notification = Notification {
///     // A desk derives it: DeliveryId::of(event.id, &recipient, channel).
///     id: "6f1c2a9e-0000-8000-8000-000000000007".parse()?,
///     tenant: event.tenant,
///     ticket: event.ticket,
///     reference: "#00000005".into(),
///     event,
///     rule: "Conversation to the chat".into(),
///     channel: NotificationChannel::Webhook,
///     to: Addressee {
///         recipient: Recipient::Endpoint("chat".into()),
///         name: None,
///         address: Some("https://chat.example.com/hooks/helpdesk".into()),
///         locale: "en".into(),
///     },
///     content: Rendered {
///         subject: "[#00000005] Printer jams".into(),
///         text: "Maria replied.\n\nTry the other tray.\n".into(),
///         html: None,
///     },
/// };
///
/// let body = String::from_utf8(helpdesk_webhook::envelope(&notification)?)?;
/// assert_eq!(body, concat!(
///     r#"{"v":1,"id":"6f1c2a9e-0000-8000-8000-000000000007","#,
///     r#""event_id":"0193c6f0-0000-7000-8000-000000000004","#,
///     r#""tenant":"00000000-0000-0000-0000-000000000001","#,
///     r#""ticket":"00000000-0000-0000-0000-000000000005","#,
///     r#""version":3,"type":"replied","at":"2026-03-02T09:15:00Z","#,
///     r#""rule":"Conversation to the chat","recipient":{"endpoint":"chat"},"#,
///     r#""subject":"[#00000005] Printer jams","#,
///     r#""text":"Maria replied.\n\nTry the other tray.\n","#,
///     r#""event":{"v":1,"at":"2026-03-02T09:15:00Z","#,
///     r#""by":{"id":"00000000-0000-0000-0000-000000000002","role":"agent"},"#,
///     r#""type":"replied","#,
///     r#""data":{"comment":"00000000-0000-0000-0000-000000000003","body":"Try the other tray."}}}"#,
/// ));
/// # Ok(())
/// # }
/// ```
pub fn envelope(notification: &Notification) -> Result<Vec<u8>, serde_json::Error> {
    let event = &notification.event;
    serde_json::to_vec(&Envelope {
        v: ENVELOPE_VERSION,
        id: notification.id,
        event_id: event.id,
        tenant: notification.tenant,
        ticket: notification.ticket,
        version: event.version,
        kind: event.event.change.type_name(),
        at: event.event.at,
        rule: &notification.rule,
        recipient: &notification.to.recipient,
        subject: &notification.content.subject,
        text: &notification.content.text,
        event: &event.event,
    })
}
