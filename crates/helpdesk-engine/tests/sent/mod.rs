//! What a desk sends, for notification tests: a notifier that keeps every
//! notification, the dispatcher run until nothing is due, and who got what.
#![allow(dead_code, clippy::unwrap_used)]

use std::sync::Mutex;

use helpdesk_core::ActorId;
use helpdesk_core::notification::Recipient;
use helpdesk_engine::{Clock, Desk, ManualClock, MemoryStore, Notification, Notifier, NotifyError};

/// Keeps every notification it is handed, whatever the channel.
#[derive(Default)]
pub struct Outbox(Mutex<Vec<Notification>>);

impl Notifier for Outbox {
    async fn notify(&self, n: &Notification) -> Result<(), NotifyError> {
        self.0.lock().unwrap().push(n.clone());
        Ok(())
    }
}

/// Runs the dispatcher until nothing is due; everything sent so far.
pub async fn dispatched(
    desk: &Desk<MemoryStore, Outbox, ManualClock>,
    clock: &ManualClock,
) -> Vec<Notification> {
    while desk.run_dispatch(clock.now()).await.unwrap().claimed > 0 {}
    desk.notifier().0.lock().unwrap().clone()
}

/// The notifications `sent` to `who`, in order.
pub fn to(sent: &[Notification], who: ActorId) -> Vec<&Notification> {
    sent.iter()
        .filter(|n| n.to.recipient == Recipient::Actor(who))
        .collect()
}
