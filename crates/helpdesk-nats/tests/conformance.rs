//! The notifier conformance suite against the NATS server: what the
//! stream holds is what arrived, keyed by `Nats-Msg-Id`.
#![allow(clippy::unwrap_used)]

mod common;

use common::Scratch;
use helpdesk_engine::EventId;
use helpdesk_testkit::Received;

/// Reads a test's own stream back.
struct Stream(Scratch);

impl Received for Stream {
    async fn received(&self) -> Vec<EventId> {
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
                id.as_str().parse().expect("the header is an event id")
            })
            .collect()
    }
}

helpdesk_testkit::notifier_conformance!(|| async {
    let scratch = Scratch::new().await;
    let notifier = scratch.notifier().await;
    (notifier, Stream(scratch))
});
