//! The notifier conformance suite on a destination in memory, which takes
//! every message: the suite's own check that a working notifier passes.

use std::sync::{Arc, Mutex};

use helpdesk_core::notification::{EndpointDef, NotificationChannel};
use helpdesk_engine::{DeliveryId, Notification, Notifier, NotifyError};
use helpdesk_testkit::Received;

/// Every message it is sent, in order.
#[derive(Clone, Default)]
struct Inbox(Arc<Mutex<Vec<DeliveryId>>>);

impl Notifier for Inbox {
    async fn notify(&self, message: &Notification) -> Result<(), NotifyError> {
        self.0
            .lock()
            .map_err(|_| NotifyError::retryable("inbox", message.id, "poisoned"))?
            .push(message.id);
        Ok(())
    }
}

impl Received for Inbox {
    fn endpoint(&self) -> EndpointDef {
        EndpointDef {
            via: NotificationChannel::Webhook,
            target: "memory://inbox".into(),
            description: None,
        }
    }

    async fn received(&self) -> Vec<DeliveryId> {
        self.0.lock().map(|ids| ids.clone()).unwrap_or_default()
    }
}

helpdesk_testkit::notifier_conformance!(|| async {
    let inbox = Inbox::default();
    (inbox.clone(), inbox)
});
