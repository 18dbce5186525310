//! The [`Notifier`] port: where notifications go.

use std::future::Future;

use crate::store::OutboxMessage;

/// Why a notification could not be delivered.
///
/// ```
/// use helpdesk_engine::{EventId, NotifyError};
///
/// let message = EventId::new();
/// let err = NotifyError::retryable("webhook", message, "HTTP 503");
/// assert_eq!(err.to_string(), format!("webhook could not deliver message {message}: HTTP 503"));
/// assert!(!err.permanent);
/// assert!(NotifyError::permanent("webhook", message, "HTTP 410").permanent);
/// ```
#[derive(Debug, thiserror::Error)]
#[error("{notifier} could not deliver message {message}: {reason}")]
pub struct NotifyError {
    /// Which notifier.
    pub notifier: &'static str,
    /// The message's id.
    pub message: crate::EventId,
    /// Why.
    pub reason: String,
    /// Whether trying again cannot help (an answer such as HTTP 400 or
    /// 410, an address refused): the message goes to the dead letters at
    /// once instead of being retried.
    pub permanent: bool,
}

impl NotifyError {
    /// A failure that may pass (a timeout, HTTP 503): the message is tried
    /// again later.
    pub fn retryable(
        notifier: &'static str,
        message: crate::EventId,
        reason: impl Into<String>,
    ) -> Self {
        Self {
            notifier,
            message,
            reason: reason.into(),
            permanent: false,
        }
    }

    /// A failure that trying again cannot mend.
    pub fn permanent(
        notifier: &'static str,
        message: crate::EventId,
        reason: impl Into<String>,
    ) -> Self {
        Self {
            permanent: true,
            ..Self::retryable(notifier, message, reason)
        }
    }
}

/// Delivers notifications (webhooks, email, a message broker). Delivery is
/// at least once: a notifier must treat the message id as an idempotency
/// key.
///
/// The desk writes a message to the store's outbox for every event it
/// appends; its dispatcher ([`Desk::run_dispatch`](crate::Desk::run_dispatch),
/// or [`spawn_dispatcher`](crate::spawn_dispatcher) in the background)
/// hands them to the notifier, retrying what fails. A notifier can also be
/// called directly:
///
/// ```
/// use std::sync::Mutex;
///
/// use helpdesk_core::{Actor, ActorId, Command, DeskConfig, NewTicket, TenantId};
/// use helpdesk_engine::store::OutboxMessage;
/// use helpdesk_engine::{
///     Desk, EventId, MemoryStore, Notifier, NotifyError, Request, Store, SystemClock,
/// };
///
/// /// Keeps the ids of the messages it is given.
/// #[derive(Default)]
/// struct Collect(Mutex<Vec<EventId>>);
///
/// impl Notifier for Collect {
///     async fn notify(&self, message: &OutboxMessage) -> Result<(), NotifyError> {
///         let mut seen = self.0.lock().map_err(|_| {
///             NotifyError::retryable("collect", message.id, "lock poisoned")
///         })?;
///         seen.push(message.id);
///         Ok(())
///     }
/// }
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
/// let notifier = Collect::default();
/// let desk = Desk::new(DeskConfig::default(), MemoryStore::new(), notifier, SystemClock)?;
/// let admin = Actor::admin(ActorId::from_u128(1), TenantId::from_u128(1));
/// let open = Command::Open(NewTicket::new(admin.id, "Printer jams", ""));
/// let executed = desk
///     .execute(Request::new(admin, helpdesk_engine::new_ticket_id(), open))
///     .await?;
///
/// for message in desk.store().pending_outbox(100).await? {
///     desk.notifier().notify(&message).await?;
/// }
/// let delivered = desk.notifier().0.lock().expect("not poisoned").clone();
/// let events: Vec<EventId> = executed.events.iter().map(|e| e.id).collect();
/// assert_eq!(delivered, events);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })
/// # }
/// ```
pub trait Notifier: Send + Sync {
    /// Delivers one message.
    fn notify(
        &self,
        message: &OutboxMessage,
    ) -> impl Future<Output = Result<(), NotifyError>> + Send;
}

/// A notifier that delivers nothing, for desks without notifications.
///
/// ```
/// use helpdesk_core::{Actor, ActorId, Command, DeskConfig, NewTicket, TenantId};
/// use helpdesk_engine::{Desk, MemoryStore, NoNotifier, Notifier, Request, Store, SystemClock};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
/// let desk = Desk::new(DeskConfig::default(), MemoryStore::new(), NoNotifier, SystemClock)?;
/// let admin = Actor::admin(ActorId::from_u128(1), TenantId::from_u128(1));
/// let open = Command::Open(NewTicket::new(admin.id, "Printer jams", ""));
/// desk.execute(Request::new(admin, helpdesk_engine::new_ticket_id(), open)).await?;
///
/// // The outbox is still written; delivering a message does nothing.
/// let outbox = desk.store().pending_outbox(10).await?;
/// assert!(!outbox.is_empty());
/// for message in &outbox {
///     assert!(desk.notifier().notify(message).await.is_ok());
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })
/// # }
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct NoNotifier;

impl Notifier for NoNotifier {
    async fn notify(&self, _message: &OutboxMessage) -> Result<(), NotifyError> {
        Ok(())
    }
}
