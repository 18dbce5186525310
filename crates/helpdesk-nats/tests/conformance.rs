//! The notifier conformance suite against the NATS server: what the
//! stream holds is what arrived, keyed by `Nats-Msg-Id`.
#![allow(clippy::unwrap_used)]

mod common;

use common::Scratch;
use helpdesk_core::notification::EndpointDef;
use helpdesk_engine::DeliveryId;
use helpdesk_testkit::Received;

/// Reads a test's own stream back.
struct Stream(Scratch);

impl Received for Stream {
    fn endpoint(&self) -> EndpointDef {
        self.0.endpoint()
    }

    async fn received(&self) -> Vec<DeliveryId> {
        self.0
            .read_all()
            .await
            .iter()
            .map(|m| {
                let id = m
                    .headers
                    .as_ref()
                    .and_then(|h| h.get(async_nats::header::NATS_MESSAGE_ID))
                    .expect("every message carries its Nats-Msg-Id");
                id.as_str().parse().expect("the header is a delivery id")
            })
            .collect()
    }
}

helpdesk_testkit::notifier_conformance!(|| async {
    let scratch = Scratch::new().await;
    let notifier = scratch.notifier().await;
    (notifier, Stream(scratch))
});
