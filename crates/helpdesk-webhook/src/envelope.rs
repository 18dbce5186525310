//! The JSON body of a webhook: a small, versioned envelope of an outbox
//! message.

use chrono::{DateTime, Utc};
use helpdesk_core::{Event, TenantId, TicketId};
use helpdesk_engine::EventId;
use helpdesk_engine::store::OutboxMessage;
use serde::Serialize;

/// The version written into every envelope's `v` field. A change that
/// could break a receiver gets a new version.
pub const ENVELOPE_VERSION: u16 = 1;

#[derive(Serialize)]
struct Envelope<'a> {
    v: u16,
    id: EventId,
    tenant: TenantId,
    ticket: TicketId,
    version: u64,
    #[serde(rename = "type")]
    kind: &'static str,
    at: DateTime<Utc>,
    event: &'a Event,
}

/// The body posted for `message`: its envelope as JSON, described in the
/// [crate documentation](crate#the-body).
///
/// ```
/// use helpdesk_core::{Actor, ActorId, Command, DeskConfig, NewTicket, TenantId};
/// use helpdesk_engine::{Desk, MemoryStore, NoNotifier, Request, Store, SystemClock};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
/// let desk = Desk::new(DeskConfig::default(), MemoryStore::new(), NoNotifier, SystemClock)?;
/// let admin = Actor::admin(ActorId::from_u128(1), TenantId::from_u128(1));
/// let open = Command::Open(NewTicket::new(admin.id, "Printer jams", ""));
/// desk.execute(Request::new(admin, helpdesk_engine::new_ticket_id(), open)).await?;
///
/// let message = &desk.store().pending_outbox(1).await?[0];
/// let body: serde_json::Value = serde_json::from_slice(&helpdesk_webhook::envelope(message)?)?;
/// assert_eq!(body["v"], 1);
/// assert_eq!(body["id"], message.id.to_string());
/// assert_eq!(body["type"], "opened");
/// assert_eq!(body["event"]["type"], "opened");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })
/// # }
/// ```
pub fn envelope(message: &OutboxMessage) -> Result<Vec<u8>, serde_json::Error> {
    let event = &message.event;
    serde_json::to_vec(&Envelope {
        v: ENVELOPE_VERSION,
        id: message.id,
        tenant: message.tenant,
        ticket: message.ticket,
        version: event.version,
        kind: event.event.change.type_name(),
        at: event.event.at,
        event: &event.event,
    })
}
