//! The outbox dispatcher: hands the outbox's messages to the notifier, at
//! least once, in order per ticket, with retries and dead letters.

use std::collections::HashMap;

use chrono::{DateTime, TimeDelta, Utc};
use helpdesk_core::notification::NotificationChannel;
use helpdesk_core::{TenantId, TicketId};

use crate::clock::Clock;
use crate::desk::Desk;
use crate::error::DeskError;
use crate::notification::Notification;
use crate::notification::prepare::{Prepared, Preparer};
use crate::notifier::{Notifier, NotifyError};
use crate::store::{OutboxMessage, Outcome, Store};

/// How a desk's dispatcher claims and retries; part of
/// [`DeskOptions`](crate::DeskOptions).
///
/// ```
/// use chrono::TimeDelta;
/// use helpdesk_engine::DispatchOptions;
///
/// let options = DispatchOptions::default();
/// assert_eq!(options.max_attempts, 8);
/// assert_eq!(options.backoff.delay(1), TimeDelta::seconds(10));
/// assert_eq!(options.backoff.delay(3), TimeDelta::seconds(40));
/// assert_eq!(options.backoff.delay(30), TimeDelta::hours(1), "capped");
/// ```
#[derive(Debug, Clone)]
pub struct DispatchOptions {
    /// Who this desk is among the hosts sharing the store: leases are held
    /// in its name. Default: a random name per desk.
    pub holder: String,
    /// How long a claim holds: the time a message may take to deliver
    /// before another host may try it. Default: 60 s.
    pub lease: TimeDelta,
    /// How many messages a claim takes. Default: 100.
    pub batch: u32,
    /// After how many failed attempts a message becomes a dead letter.
    /// Default: 8.
    pub max_attempts: u32,
    /// How long a failed message waits before its next attempt.
    pub backoff: Backoff,
}

impl Default for DispatchOptions {
    fn default() -> Self {
        Self {
            holder: format!("desk-{}", uuid::Uuid::new_v4().simple()),
            lease: TimeDelta::seconds(60),
            batch: 100,
            max_attempts: 8,
            backoff: Backoff::default(),
        }
    }
}

/// Exponential backoff: `first`, doubled after each failed attempt, at most
/// `max`; each wait is then drawn at random between its half and itself
/// ("equal jitter"), so hosts that failed together do not retry together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The wait after the first failed attempt. Default: 10 s.
    pub first: TimeDelta,
    /// The longest wait. Default: 1 h.
    pub max: TimeDelta,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            first: TimeDelta::seconds(10),
            max: TimeDelta::hours(1),
        }
    }
}

impl Backoff {
    /// The longest wait after `attempts` failed attempts (1 for the first),
    /// before jitter.
    pub fn delay(&self, attempts: u32) -> TimeDelta {
        let doublings = attempts.saturating_sub(1).min(30);
        self.first
            .checked_mul(1 << doublings)
            .map_or(self.max, |d| d.min(self.max))
    }

    /// The wait after `attempts` failed attempts, the last failing with
    /// `error`: the jittered wait, or the wait the receiver asked for
    /// ([`NotifyError::retry_after`]) when longer, at most
    /// [`max`](Self::max).
    ///
    /// ```
    /// use chrono::TimeDelta;
    /// use helpdesk_engine::{Backoff, DeliveryId, NotifyError};
    ///
    /// let backoff = Backoff { first: TimeDelta::seconds(10), max: TimeDelta::minutes(10) };
    /// let id = DeliveryId::from_uuid(uuid::Uuid::nil());
    /// let busy = NotifyError::retryable("webhook", id, "HTTP 503");
    /// assert_eq!(backoff.after(1, &busy, 1.0), TimeDelta::seconds(10));
    /// let asked = busy.with_retry_after(TimeDelta::seconds(120));
    /// assert_eq!(backoff.after(1, &asked, 1.0), TimeDelta::seconds(120));
    /// let greedy = asked.with_retry_after(TimeDelta::days(1));
    /// assert_eq!(backoff.after(1, &greedy, 1.0), TimeDelta::minutes(10), "at most max");
    /// ```
    pub fn after(&self, attempts: u32, error: &NotifyError, unit: f64) -> TimeDelta {
        let asked = error
            .retry_after
            .map_or(TimeDelta::zero(), |wait| wait.min(self.max));
        self.jittered(attempts, unit).max(asked)
    }

    /// The wait after `attempts` failed attempts, with jitter drawn from
    /// `unit` (a number from 0 to 1): between half the delay and the whole.
    pub fn jittered(&self, attempts: u32, unit: f64) -> TimeDelta {
        let delay = self.delay(attempts);
        let millis = delay.num_milliseconds() as f64;
        let jittered = millis / 2.0 + millis / 2.0 * unit.clamp(0.0, 1.0);
        TimeDelta::milliseconds(jittered as i64)
    }
}

/// What one dispatcher run did; see [`Desk::run_dispatch`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DispatchReport {
    /// Messages claimed.
    pub claimed: usize,
    /// Delivered.
    pub delivered: usize,
    /// Settled without sending: the recipient opted out of such
    /// notifications, or the ticket is gone.
    pub skipped: usize,
    /// Failed, to be tried again later.
    pub retried: usize,
    /// Failed for the last time: now dead letters.
    pub dead: usize,
    /// Not attempted, because an earlier message of their ticket failed in
    /// this run; they wait for it.
    pub released: usize,
    /// Settled too late: another host had claimed them after this run's
    /// lease expired, so its outcome was not recorded.
    pub lost: usize,
    /// The errors of the failed attempts, as text.
    pub errors: Vec<String>,
}

/// A number from 0 to 1, drawn at random.
fn unit() -> f64 {
    (uuid::Uuid::new_v4().as_u128() >> 75) as f64 / (1u64 << 53) as f64
}

impl<S: Store, N: Notifier, C: Clock> Desk<S, N, C> {
    /// What turns this desk's outbox messages into notifications, for one
    /// run: it looks each ticket and person up once.
    fn preparer(&self) -> Preparer<'_, S> {
        Preparer::new(
            self.config(),
            self.store(),
            self.directory(),
            self.templates(),
        )
    }

    /// The notification the dispatcher would send for `message` now: its
    /// recipient looked up and its template rendered; `None` when nothing
    /// would be sent (the recipient opted out, or the ticket is gone).
    /// `Err` says why it cannot be sent, and whether that is for good (no
    /// address known, an endpoint no longer configured) or may pass (the
    /// directory or the store could not answer).
    ///
    /// ```
    /// use helpdesk_core::{Actor, ActorId, Command, DeskConfig, NewTicket, TenantId};
    /// use helpdesk_engine::{Desk, MemoryStore, NoNotifier, Request, Store, SystemClock};
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// let config: DeskConfig = toml::from_str(r#"
    ///     [endpoints.bus]
    ///     via = "nats"
    ///     target = "helpdesk"
    ///
    ///     [[notification_rules]]
    ///     name = "openings"
    ///     on = ["opened"]
    ///     to = [{ endpoint = "bus" }]
    ///     via = "nats"
    /// "#)?;
    /// let desk = Desk::new(config, MemoryStore::new(), NoNotifier, SystemClock)?;
    /// let admin = Actor::admin(ActorId::from_u128(1), TenantId::from_u128(1));
    /// let open = Command::Open(NewTicket::new(admin.id, "Printer jams", "Since Monday"));
    /// desk.execute(Request::new(admin, helpdesk_engine::new_ticket_id(), open)).await?;
    ///
    /// let message = &desk.store().pending_outbox(1).await?[0];
    /// let notification = desk.notification(message).await?.expect("sent");
    /// assert_eq!(notification.to.address.as_deref(), Some("helpdesk"));
    /// assert!(notification.content.text.contains("Since Monday"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })
    /// # }
    /// ```
    pub async fn notification(
        &self,
        message: &OutboxMessage,
    ) -> Result<Option<Notification>, NotifyError> {
        let mut preparer = self.preparer();
        Ok(match preparer.prepare(message).await? {
            Prepared::Send(notification) => Some(*notification),
            Prepared::Skip => None,
        })
    }

    /// Claims the outbox messages due at `now` and hands each to the
    /// notifier, in outbox order: a delivered message is never claimed
    /// again; a failed one is retried after a backoff, or becomes a dead
    /// letter when its error is permanent or its attempts are exhausted
    /// ([`DispatchOptions`]); a ticket's later messages claimed in the same
    /// run wait for its failed one, so each ticket's messages go out in
    /// order. Delivery is at least once: a host that dies holding a claim
    /// leaves its messages to whoever claims them after the lease, and the
    /// notifier gets the event id as the idempotency key.
    ///
    /// ```
    /// use std::sync::Mutex;
    ///
    /// use helpdesk_core::{Actor, ActorId, Command, NewTicket, TenantId};
    /// use helpdesk_engine::{Clock, DeliveryId, Desk, ManualClock, MemoryStore, Notification};
    /// use helpdesk_engine::{Notifier, NotifyError, Request};
    ///
    /// /// Fails every notification once, then takes it.
    /// #[derive(Default)]
    /// struct Flaky(Mutex<Vec<DeliveryId>>);
    ///
    /// impl Notifier for Flaky {
    ///     async fn notify(&self, message: &Notification) -> Result<(), NotifyError> {
    ///         let mut tried = self.0.lock().expect("not poisoned");
    ///         let first = !tried.contains(&message.id);
    ///         tried.push(message.id);
    ///         if first {
    ///             return Err(NotifyError::retryable("flaky", message.id, "HTTP 503"));
    ///         }
    ///         Ok(())
    ///     }
    /// }
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// let clock = ManualClock::new("2026-03-02T09:00:00Z".parse()?);
    /// // The test kit's desk tells an audit endpoint of every opening.
    /// let config = helpdesk_testkit::config();
    /// let desk = Desk::new(config, MemoryStore::new(), Flaky::default(), clock.clone())?;
    /// let admin = Actor::admin(ActorId::from_u128(1), TenantId::from_u128(1));
    /// let open = Command::Open(NewTicket::new(admin.id, "Printer jams", ""));
    /// desk.execute(Request::new(admin, helpdesk_engine::new_ticket_id(), open)).await?;
    ///
    /// let first = desk.run_dispatch(clock.now()).await?;
    /// assert_eq!((first.claimed, first.retried, first.delivered), (1, 1, 0));
    /// // Nothing is due until the backoff has passed.
    /// assert_eq!(desk.run_dispatch(clock.now()).await?.claimed, 0);
    /// clock.advance(chrono::Duration::seconds(10));
    /// let second = desk.run_dispatch(clock.now()).await?;
    /// assert_eq!((second.claimed, second.delivered), (1, 1));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })
    /// # }
    /// ```
    pub async fn run_dispatch(&self, now: DateTime<Utc>) -> Result<DispatchReport, DeskError> {
        let options = &self.options().dispatch;
        let claimed = self
            .store()
            .claim_outbox(&options.holder, now, options.lease, options.batch)
            .await?;
        let mut report = DispatchReport {
            claimed: claimed.len(),
            ..DispatchReport::default()
        };
        let mut preparer = self.preparer();
        // Tickets with a failed message in this run, and when it is retried.
        let mut waiting: HashMap<(TenantId, TicketId), DateTime<Utc>> = HashMap::new();
        for claim in claimed {
            let ticket = (claim.message.tenant, claim.message.ticket);
            let outcome = if let Some(at) = waiting.get(&ticket) {
                report.released += 1;
                Outcome::Released { at: *at }
            } else {
                let sent = match preparer.prepare(&claim.message).await {
                    Ok(Prepared::Send(notification)) => {
                        match self.remember_sent(&notification).await {
                            Ok(()) => self.notifier().notify(&notification).await.map(|()| true),
                            Err(error) => Err(error),
                        }
                    }
                    Ok(Prepared::Skip) => Ok(false),
                    Err(error) => Err(error),
                };
                match sent {
                    Ok(true) => {
                        report.delivered += 1;
                        Outcome::Delivered
                    }
                    Ok(false) => {
                        report.skipped += 1;
                        Outcome::Delivered
                    }
                    Err(error) => {
                        let attempts = claim.attempts.saturating_add(1);
                        report.errors.push(error.to_string());
                        let reason = error.reason.clone();
                        if error.permanent || attempts >= options.max_attempts {
                            report.dead += 1;
                            // Later messages of the ticket need not wait
                            // for one that will never go.
                            Outcome::Dead { error: reason }
                        } else {
                            report.retried += 1;
                            let at = now + options.backoff.after(attempts, &error, unit());
                            waiting.insert(ticket, at);
                            Outcome::Retry { at, error: reason }
                        }
                    }
                }
            };
            let settled = self
                .store()
                .settle_outbox(&options.holder, claim.position, outcome, now)
                .await?;
            if !settled {
                report.lost += 1;
            }
        }
        Ok(report)
    }

    /// Binds a mail's `Message-ID` to its ticket before the notifier is
    /// handed it, so a reply that arrives while the attempt is still being
    /// settled, or after an attempt that timed out but went through,
    /// threads onto the ticket. Every attempt binds again; the store keeps
    /// the first binding. Other channels send no mail and bind nothing.
    async fn remember_sent(&self, notification: &Notification) -> Result<(), NotifyError> {
        if notification.channel != NotificationChannel::Email {
            return Ok(());
        }
        self.store()
            .remember_message(
                notification.tenant,
                &notification.message_key(),
                notification.ticket,
            )
            .await
            .map(|_| ())
            .map_err(|error| {
                NotifyError::retryable(
                    "store",
                    notification.id,
                    format!("could not remember the mail's message id: {error}"),
                )
            })
    }
}

/// Runs the dispatcher in a tokio task: [`Desk::run_dispatch`] at the
/// clock's time, then a pause of `every` (none while a run found a full
/// batch, so a backlog drains at once). Returns the task's handle; abort it
/// to stop.
///
/// Each run is reported through [`tracing`](https://docs.rs/tracing) under
/// the target `helpdesk_engine::dispatcher`: a `WARN` event when the run
/// failed (the store could not be reached; the next run tries again) or
/// when messages failed or died (with their errors), a `DEBUG` event
/// otherwise.
///
/// ```
/// use std::sync::{Arc, Mutex};
/// use std::time::Duration;
///
/// use helpdesk_core::{Actor, ActorId, Command, NewTicket, TenantId};
/// use helpdesk_engine::{DeliveryId, Desk, MemoryStore, Notification, Notifier, NotifyError};
/// use helpdesk_engine::{Request, Store, SystemClock, spawn_dispatcher};
///
/// #[derive(Default)]
/// struct Collect(Mutex<Vec<DeliveryId>>);
///
/// impl Notifier for Collect {
///     async fn notify(&self, message: &Notification) -> Result<(), NotifyError> {
///         self.0.lock().expect("not poisoned").push(message.id);
///         Ok(())
///     }
/// }
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build()?;
/// # runtime.block_on(async {
/// let config = helpdesk_testkit::config();
/// let desk = Arc::new(Desk::new(config, MemoryStore::new(), Collect::default(), SystemClock)?);
/// let admin = Actor::admin(ActorId::from_u128(1), TenantId::from_u128(1));
/// let open = Command::Open(NewTicket::new(admin.id, "Printer jams", ""));
/// desk.execute(Request::new(admin, helpdesk_engine::new_ticket_id(), open)).await?;
/// let planned: Vec<DeliveryId> = desk.store().pending_outbox(10).await?.iter().map(|m| m.id).collect();
///
/// let task = spawn_dispatcher(desk.clone(), Duration::from_millis(10));
/// tokio::time::sleep(Duration::from_millis(50)).await;
/// task.abort();
/// let sent = desk.notifier().0.lock().expect("not poisoned").clone();
/// assert_eq!(sent, planned);
/// assert!(desk.store().pending_outbox(10).await?.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })
/// # }
/// ```
#[cfg(feature = "tokio")]
pub fn spawn_dispatcher<S, N, C>(
    desk: std::sync::Arc<Desk<S, N, C>>,
    every: std::time::Duration,
) -> tokio::task::JoinHandle<()>
where
    S: Store + 'static,
    N: Notifier + 'static,
    C: Clock + 'static,
{
    tokio::spawn(async move {
        loop {
            let now = desk.clock().now();
            let full = match desk.run_dispatch(now).await {
                Err(error) => {
                    tracing::warn!(%error, retry_in = ?every, "the outbox dispatcher run failed");
                    false
                }
                Ok(report) => {
                    let full = report.claimed >= desk.options().dispatch.batch as usize;
                    if report.retried + report.dead + report.lost > 0 {
                        tracing::warn!(
                            claimed = report.claimed,
                            delivered = report.delivered,
                            retried = report.retried,
                            dead = report.dead,
                            lost = report.lost,
                            errors = ?report.errors,
                            "outbox messages failed"
                        );
                    } else {
                        tracing::debug!(
                            claimed = report.claimed,
                            delivered = report.delivered,
                            released = report.released,
                            "outbox dispatched"
                        );
                    }
                    full
                }
            };
            if !full {
                tokio::time::sleep(every).await;
            }
        }
    })
}
