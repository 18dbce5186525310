//! The [`Notifier`] port: where notifications go.

use std::future::Future;

use chrono::TimeDelta;

use crate::ids::DeliveryId;
use crate::notification::Notification;

/// Why a notification could not be delivered.
///
/// ```
/// use helpdesk_engine::{DeliveryId, NotifyError};
///
/// let id = DeliveryId::from_uuid(uuid::Uuid::nil());
/// let err = NotifyError::retryable("webhook", id, "HTTP 503");
/// assert_eq!(err.to_string(), format!("webhook could not deliver {id}: HTTP 503"));
/// assert!(!err.permanent);
/// assert!(NotifyError::permanent("webhook", id, "HTTP 410").permanent);
/// ```
#[derive(Debug, thiserror::Error)]
#[error("{notifier} could not deliver {delivery}: {reason}")]
pub struct NotifyError {
    /// Which notifier.
    pub notifier: &'static str,
    /// The delivery's id.
    pub delivery: DeliveryId,
    /// Why.
    pub reason: String,
    /// Whether trying again cannot help (an answer such as HTTP 400 or
    /// 410, an address refused): the delivery goes to the dead letters at
    /// once instead of being retried.
    pub permanent: bool,
    /// How long the receiver asked to be left alone before the next
    /// attempt (HTTP `Retry-After`), if it said: the dispatcher waits at
    /// least this long, and at most its backoff's longest wait
    /// ([`Backoff::max`](crate::Backoff::max)).
    pub retry_after: Option<TimeDelta>,
}

impl NotifyError {
    /// A failure that may pass (a timeout, HTTP 503): the delivery is
    /// tried again later.
    pub fn retryable(
        notifier: &'static str,
        delivery: DeliveryId,
        reason: impl Into<String>,
    ) -> Self {
        Self {
            notifier,
            delivery,
            reason: reason.into(),
            permanent: false,
            retry_after: None,
        }
    }

    /// The same failure, with the receiver's word on how long to wait
    /// before trying again.
    ///
    /// ```
    /// use chrono::TimeDelta;
    /// use helpdesk_engine::{DeliveryId, NotifyError};
    ///
    /// let id = DeliveryId::from_uuid(uuid::Uuid::nil());
    /// let err = NotifyError::retryable("webhook", id, "HTTP 429").with_retry_after(TimeDelta::seconds(120));
    /// assert_eq!(err.retry_after, Some(TimeDelta::seconds(120)));
    /// ```
    pub fn with_retry_after(self, wait: TimeDelta) -> Self {
        Self {
            retry_after: Some(wait),
            ..self
        }
    }

    /// A failure that trying again cannot mend.
    pub fn permanent(
        notifier: &'static str,
        delivery: DeliveryId,
        reason: impl Into<String>,
    ) -> Self {
        Self {
            permanent: true,
            ..Self::retryable(notifier, delivery, reason)
        }
    }
}

/// Sends notifications: email, webhooks, a message broker. Delivery is at
/// least once: a notifier passes the notification's id on as the
/// idempotency key, so that the receiver can drop a repeat.
///
/// The desk plans the deliveries of every event it appends under its
/// notification rules and writes them to the store's outbox in the same
/// transaction; its dispatcher ([`Desk::run_dispatch`](crate::Desk::run_dispatch),
/// or [`spawn_dispatcher`](crate::spawn_dispatcher) in the background)
/// addresses and renders each and hands it to the notifier, retrying what
/// fails. A desk whose rules send by several channels uses
/// [`Channels`](crate::Channels), one notifier per channel.
///
/// ```
/// use std::sync::Mutex;
///
/// use helpdesk_core::{Actor, ActorId, Command, DeskConfig, NewTicket, TenantId};
/// use helpdesk_engine::{Desk, MemoryStore, Notification, Notifier, NotifyError, Request};
/// use helpdesk_engine::{Clock, ManualClock};
///
/// /// Keeps what it is given.
/// #[derive(Default)]
/// struct Collect(Mutex<Vec<Notification>>);
///
/// impl Notifier for Collect {
///     async fn notify(&self, notification: &Notification) -> Result<(), NotifyError> {
///         let mut seen = self.0.lock().map_err(|_| {
///             NotifyError::retryable("collect", notification.id, "lock poisoned")
///         })?;
///         seen.push(notification.clone());
///         Ok(())
///     }
/// }
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
/// let config: DeskConfig = toml::from_str(r#"
///     [agents.maria]
///     id = "00000000-0000-0000-0000-000000000007"
///     name = "Maria Keller"
///     email = "maria@example.com"
///
///     [[notification_rules]]
///     name = "Replies to the requester"
///     on = ["public_reply"]
///     to = ["requester"]
///     via = "email"
/// "#)?;
/// let clock = ManualClock::new("2026-03-02T09:00:00Z".parse()?);
/// let desk = Desk::new(config, MemoryStore::new(), Collect::default(), clock.clone())?;
/// let tenant = TenantId::from_u128(1);
/// let alice = Actor::requester(ActorId::from_u128(1), tenant);
/// let maria = Actor::agent(ActorId::from_u128(7), tenant, []);
/// let ticket = helpdesk_engine::new_ticket_id();
/// let open = Command::Open(NewTicket::new(alice.id, "Printer jams", ""));
/// let vouched = helpdesk_core::Vouched::new().requester_email("alice@example.com");
/// desk.execute(Request::new(alice, ticket, open).vouched(vouched)).await?;
/// let reply = Command::Reply { comment: helpdesk_engine::new_comment_id(), body: "On my way.".into(), attachments: Vec::new() };
/// desk.execute(Request::new(maria, ticket, reply)).await?;
///
/// desk.run_dispatch(clock.now()).await?;
/// let sent = desk.notifier().0.lock().expect("not poisoned").clone();
/// assert_eq!(sent.len(), 1);
/// assert_eq!(sent[0].to.address.as_deref(), Some("alice@example.com"), "the vouched address");
/// assert!(sent[0].content.subject.ends_with("] Printer jams"));
/// assert!(sent[0].content.text.starts_with("Maria Keller replied.\n\nOn my way."));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })
/// # }
/// ```
pub trait Notifier: Send + Sync {
    /// Sends one notification.
    fn notify(
        &self,
        notification: &Notification,
    ) -> impl Future<Output = Result<(), NotifyError>> + Send;
}

/// A notifier that sends nothing and reports success: for desks without
/// notifications, and for channels a host chooses to drop.
///
/// ```
/// use helpdesk_core::DeskConfig;
/// use helpdesk_engine::{Desk, MemoryStore, NoNotifier, SystemClock};
/// let desk = Desk::new(DeskConfig::default(), MemoryStore::new(), NoNotifier, SystemClock);
/// assert!(desk.is_ok());
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct NoNotifier;

impl Notifier for NoNotifier {
    async fn notify(&self, _notification: &Notification) -> Result<(), NotifyError> {
        Ok(())
    }
}
