//! The [`Notifier`] port: where notifications go.

use std::future::Future;

use crate::store::OutboxMessage;

/// Why a notification could not be delivered.
#[derive(Debug, thiserror::Error)]
#[error("{notifier} could not deliver message {message}: {reason}")]
pub struct NotifyError {
    /// Which notifier.
    pub notifier: &'static str,
    /// The message's id.
    pub message: crate::EventId,
    /// Why.
    pub reason: String,
}

/// Delivers notifications (webhooks, email, a message broker). Delivery is
/// at least once: a notifier must treat the message id as an idempotency
/// key.
pub trait Notifier: Send + Sync {
    /// Delivers one message.
    fn notify(
        &self,
        message: &OutboxMessage,
    ) -> impl Future<Output = Result<(), NotifyError>> + Send;
}

/// A notifier that delivers nothing, for desks without notifications.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoNotifier;

impl Notifier for NoNotifier {
    async fn notify(&self, _message: &OutboxMessage) -> Result<(), NotifyError> {
        Ok(())
    }
}
