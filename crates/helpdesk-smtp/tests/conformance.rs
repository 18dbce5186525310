//! The notifier conformance suite of helpdesk-testkit, against a real SMTP
//! server of each case's own, read back from its mailbox by `Message-ID`.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;

use common::{Server, delivery_of, endpoint};
use helpdesk_core::notification::EndpointDef;
use helpdesk_engine::{DeliveryId, ManualClock};
use helpdesk_smtp::SmtpNotifier;

/// The test server's mailbox, read back as the delivery ids of the mail it
/// holds, in arrival order.
struct Mailbox(Arc<Server>);

impl helpdesk_testkit::Received for Mailbox {
    fn endpoint(&self) -> EndpointDef {
        endpoint()
    }

    async fn received(&self) -> Vec<DeliveryId> {
        self.0.mail().iter().map(|raw| delivery_of(raw)).collect()
    }
}

helpdesk_testkit::notifier_conformance!(|| async {
    let server = Arc::new(Server::start());
    let clock = ManualClock::new(helpdesk_testkit::start());
    let notifier: SmtpNotifier<ManualClock> = server.notifier(&clock);
    (notifier, Mailbox(server))
});
