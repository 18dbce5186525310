//! [`Logged`]: an event of the log with its position, as
//! [`Store::feed`](crate::Store::feed) answers it.

use serde::{Deserialize, Serialize};

use crate::store::StoredEvent;

/// An event of the log and its position in commit order.
///
/// A projection reads the log page by page, keeping the position of the
/// last event it applied:
///
/// ```
/// use chrono::{DateTime, Utc};
/// use helpdesk_core::metrics::{Metrics, ReportSpec};
/// use helpdesk_core::{Actor, ActorId, Command, DeskConfig, NewTicket, TenantId};
/// use helpdesk_engine::{Desk, ManualClock, MemoryStore, NoNotifier, Request, Store};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
/// let t0: DateTime<Utc> = "2026-03-02T09:00:00Z".parse()?;
/// let desk = Desk::new(DeskConfig::default(), MemoryStore::new(), NoNotifier, ManualClock::new(t0))?;
/// let admin = Actor::admin(ActorId::from_u128(1), TenantId::from_u128(1));
/// for subject in ["VPN drops", "Printer jams", "VPN slow"] {
///     let open = Command::Open(NewTicket::new(admin.id, subject, ""));
///     desk.execute(Request::new(admin.clone(), helpdesk_engine::new_ticket_id(), open)).await?;
/// }
///
/// let mut metrics = Metrics::new(DeskConfig::default());
/// loop {
///     let page = desk.store().feed(metrics.position(), 2).await?;
///     if page.is_empty() {
///         break;
///     }
///     for logged in &page {
///         let e = &logged.event;
///         metrics.apply(logged.position, e.tenant, e.ticket, &e.event);
///     }
/// }
/// let report = metrics.report(&ReportSpec::new(t0, t0 + chrono::Duration::days(1)))?;
/// assert_eq!(report.total.figures.created, 3);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Logged {
    /// Its position: greater than that of every event committed before it.
    pub position: u64,
    /// The event, with its tenant, ticket and version.
    pub event: StoredEvent,
}
