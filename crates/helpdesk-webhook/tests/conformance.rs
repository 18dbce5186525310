//! The notifier conformance suite against a real HTTP server on 127.0.0.1:
//! what arrived is the `webhook-id` of every request the server took.
#![allow(clippy::unwrap_used)]

mod common;

use common::Server;
use helpdesk_engine::EventId;
use helpdesk_webhook::{PrivateAddresses, Secret, WebhookNotifier, WebhookOptions};

/// Reads the test server's log back.
struct Log(Server);

impl helpdesk_testkit::Received for Log {
    async fn received(&self) -> Vec<EventId> {
        self.0
            .requests()
            .iter()
            .filter(|r| r.status / 100 == 2)
            .map(|r| r.header("webhook-id").parse().unwrap())
            .collect()
    }
}

helpdesk_testkit::notifier_conformance!(|| async {
    let server = Server::start().await;
    let secret = Secret::from_bytes([7; 32]).unwrap();
    let mut options = WebhookOptions::new(server.url(), vec![secret]);
    // The test server listens on loopback.
    options.private_addresses = PrivateAddresses::Allow;
    (WebhookNotifier::new(options).unwrap(), Log(server))
});
