//! [`Outage`]: a destination that refuses everything for good until it
//! recovers, to make dead letters and see them delivered once revived.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use helpdesk_engine::{DeliveryId, Notification, Notifier, NotifyError};

/// A notifier that refuses every message permanently (as an endpoint
/// answering HTTP 410 would) while it is down, so each becomes a dead
/// letter after one attempt, and takes every message once it
/// [recovers](Outage::recover). Clones share one destination.
///
/// ```
/// use helpdesk_core::{Actor, ActorId, Command, NewTicket, TenantId};
/// use helpdesk_engine::{Desk, MemoryStore, Request, Store, SystemClock};
/// use helpdesk_testkit::Outage;
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
/// let outage = Outage::down();
/// let desk = Desk::new(helpdesk_testkit::config(), MemoryStore::new(), outage.clone(), SystemClock)?;
/// let tenant = TenantId::from_u128(1);
/// let admin = Actor::admin(ActorId::from_u128(1), tenant);
/// let open = Command::Open(NewTicket::new(admin.id, "Printer jams", ""));
/// desk.execute(Request::new(admin, helpdesk_engine::new_ticket_id(), open)).await?;
///
/// desk.run_dispatch(chrono::Utc::now()).await?;
/// let dead = desk.store().dead_letters(tenant, None, 10).await?;
/// assert_eq!(dead[0].last_error, Outage::REFUSAL);
/// assert!(outage.taken().is_empty());
///
/// outage.recover();
/// desk.store().revive_dead_letter(tenant, dead[0].position, chrono::Utc::now()).await?;
/// desk.run_dispatch(chrono::Utc::now()).await?;
/// assert_eq!(outage.taken(), [dead[0].message.id]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })
/// # }
/// ```
#[derive(Debug, Clone, Default)]
pub struct Outage {
    down: Arc<AtomicBool>,
    taken: Arc<Mutex<Vec<DeliveryId>>>,
}

impl Outage {
    /// Why the destination refuses while it is down: every dead letter it
    /// makes has this last error.
    pub const REFUSAL: &'static str = "HTTP 410 Gone";

    /// A destination that is down.
    pub fn down() -> Self {
        let outage = Self::default();
        outage.down.store(true, Ordering::SeqCst);
        outage
    }

    /// From now on, every message is taken.
    pub fn recover(&self) {
        self.down.store(false, Ordering::SeqCst);
    }

    /// The deliveries taken so far, in the order they arrived.
    pub fn taken(&self) -> Vec<DeliveryId> {
        self.taken
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl Notifier for Outage {
    async fn notify(&self, message: &Notification) -> Result<(), NotifyError> {
        if self.down.load(Ordering::SeqCst) {
            return Err(NotifyError::permanent("outage", message.id, Self::REFUSAL));
        }
        self.taken
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(message.id);
        Ok(())
    }
}
