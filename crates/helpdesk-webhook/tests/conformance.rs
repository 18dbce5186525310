//! The notifier conformance suite against a real HTTP server on 127.0.0.1:
//! what arrived is the `webhook-id` of every request the endpoint's URL
//! took. The notifier's own URL is another path of the server, which
//! notifications for the endpoint must not reach.
#![allow(clippy::unwrap_used)]

mod common;

use common::Server;
use helpdesk_core::notification::{EndpointDef, NotificationChannel};
use helpdesk_engine::DeliveryId;
use helpdesk_webhook::{PrivateAddresses, Secret, WebhookNotifier, WebhookOptions};

/// Reads the test server's log back.
struct Log(Server);

impl helpdesk_testkit::Received for Log {
    fn endpoint(&self) -> EndpointDef {
        EndpointDef {
            via: NotificationChannel::Webhook,
            target: self.0.url(),
            description: Some("the test server".into()),
        }
    }

    async fn received(&self) -> Vec<DeliveryId> {
        self.0
            .requests()
            .iter()
            .filter(|r| r.status / 100 == 2 && r.path == "/hooks/helpdesk")
            .map(|r| r.header("webhook-id").parse().unwrap())
            .collect()
    }
}

helpdesk_testkit::notifier_conformance!(|| async {
    let server = Server::start().await;
    let secret = Secret::from_bytes([7; 32]).unwrap();
    let mut options = WebhookOptions::new(server.url_at("/unaddressed"), vec![secret]);
    // The test server listens on loopback.
    options.private_addresses = PrivateAddresses::Allow;
    (WebhookNotifier::new(options).unwrap(), Log(server))
});
