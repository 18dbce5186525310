//! The SLA scheduler: fires what falls due, once, however often, late or
//! concurrently it runs.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use helpdesk_core::{Actor, Command};

use crate::clock::Clock;
use crate::desk::{Desk, Request};
use crate::error::DeskError;
use crate::notifier::Notifier;
use crate::store::Store;

/// What one scheduler run did; see [`Desk::run_due`] for an example.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DueReport {
    /// Tickets checked.
    pub checked: usize,
    /// Events recorded (warnings, breaches, escalations and what they did).
    pub events: usize,
    /// Tickets that could not be checked (their errors are in `errors`).
    pub failed: usize,
    /// The errors, as text, per failed ticket.
    pub errors: Vec<String>,
}

impl<S: Store, N: Notifier, C: Clock> Desk<S, N, C> {
    /// Runs `CheckSla` on every ticket with something due at or before
    /// `now`, as the scheduler's system actor of the ticket's tenant. Each
    /// warning, breach and escalation is recorded exactly once, even when
    /// runs are late, repeated, or run at the same time on several hosts:
    /// the domain records each once, and a run that loses the race to
    /// append decides again on the fresh ticket and finds nothing left.
    ///
    /// A run always progresses: it pages through what is due in the store's
    /// order, so a ticket whose check fails is reported and passed over (the
    /// next run tries it again), and a ticket whose due instant was stale
    /// (an escalation rule removed, say) has it corrected by the check that
    /// finds nothing due.
    ///
    /// ```
    /// use chrono::{DateTime, Duration, Utc};
    /// use helpdesk_core::{Actor, ActorId, Command, DeskConfig, NewTicket, TenantId};
    /// use helpdesk_engine::{Clock, Desk, ManualClock, MemoryStore, NoNotifier, Request};
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// // First response within an hour, whatever the priority.
    /// let config: DeskConfig = serde_json::from_value(serde_json::json!({
    ///     "sla_policies": [{"key": "standard", "targets": {"first_response": {
    ///         "P1": "1h", "P2": "1h", "P3": "1h", "P4": "1h", "P5": "1h"}}}]
    /// }))?;
    /// let t0: DateTime<Utc> = "2026-03-02T09:00:00Z".parse()?;
    /// let clock = ManualClock::new(t0);
    /// let desk = Desk::new(config, MemoryStore::new(), NoNotifier, clock.clone())?;
    /// let admin = Actor::admin(ActorId::from_u128(1), TenantId::from_u128(1));
    /// let id = helpdesk_engine::new_ticket_id();
    /// let open = Command::Open(NewTicket::new(admin.id, "Printer jams", ""));
    /// desk.execute(Request::new(admin.clone(), id, open)).await?;
    ///
    /// assert_eq!(desk.run_due(clock.now()).await?.checked, 0, "nothing is due yet");
    /// clock.advance(Duration::hours(2));
    /// let report = desk.run_due(clock.now()).await?;
    /// assert_eq!((report.checked, report.events, report.failed), (1, 1, 0));
    /// let history = desk.history(&admin, id).await?;
    /// assert_eq!(history.last().map(|e| e.event.change.type_name()), Some("sla_breached"));
    /// // The breach is recorded once: a second run finds nothing left.
    /// assert_eq!(desk.run_due(clock.now()).await?, Default::default());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })
    /// # }
    /// ```
    pub async fn run_due(&self, now: DateTime<Utc>) -> Result<DueReport, DeskError> {
        let mut report = DueReport::default();
        let mut seen = HashSet::new();
        let mut after = None;
        loop {
            let due = self.store().due_before(now, after, PAGE).await?;
            let Some(last) = due.last() else {
                return Ok(report);
            };
            // The next page starts after this one, so tickets whose check
            // fails (they stay due) never hold back the ones behind them;
            // they are tried again by the next run.
            after = Some(*last);
            for item in due {
                if !seen.insert((item.tenant, item.ticket)) {
                    continue;
                }
                let actor = Actor::system(self.options().scheduler, item.tenant);
                report.checked += 1;
                match self
                    .execute(Request::new(actor, item.ticket, Command::CheckSla))
                    .await
                {
                    Ok(executed) => report.events += executed.events.len(),
                    Err(err) => {
                        report.failed += 1;
                        report.errors.push(format!("ticket {}: {err}", item.ticket));
                    }
                }
            }
        }
    }
}

/// How many due tickets a run asks the store for at once.
const PAGE: u32 = 256;

/// Runs the scheduler in a tokio task: `run_due` at the clock's time, then
/// a pause of `every` before the next run (so runs start `every` plus the
/// run's own time apart). Returns the task's handle; abort it to stop.
///
/// The first run starts as soon as the task does. Call it inside a tokio
/// runtime with the time driver enabled.
///
/// Each run is reported through [`tracing`](https://docs.rs/tracing), under
/// the target `helpdesk_engine::scheduler`: a `WARN` event when the run
/// failed (the store could not list what is due; the next run tries again)
/// or when some tickets could not be checked (with their errors), a
/// `DEBUG` event otherwise. A host that installs no subscriber sees
/// nothing.
///
/// ```
/// use std::sync::Arc;
/// use std::time::Duration;
///
/// use helpdesk_core::{Actor, ActorId, Command, DeskConfig, NewTicket, TenantId};
/// use helpdesk_engine::{Desk, ManualClock, MemoryStore, NoNotifier, Request, spawn_scheduler};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build()?;
/// # runtime.block_on(async {
/// # let config: DeskConfig = serde_json::from_value(serde_json::json!({
/// #     "sla_policies": [{"key": "standard", "targets": {"first_response": {
/// #         "P1": "1h", "P2": "1h", "P3": "1h", "P4": "1h", "P5": "1h"}}}]
/// # }))?;
/// // `config` has an SLA policy with a first response target of one hour.
/// let clock = ManualClock::new("2026-03-02T09:00:00Z".parse()?);
/// let desk = Arc::new(Desk::new(config, MemoryStore::new(), NoNotifier, clock.clone())?);
/// let admin = Actor::admin(ActorId::from_u128(1), TenantId::from_u128(1));
/// let id = helpdesk_engine::new_ticket_id();
/// let open = Command::Open(NewTicket::new(admin.id, "Printer jams", ""));
/// desk.execute(Request::new(admin.clone(), id, open)).await?;
///
/// clock.advance(chrono::Duration::hours(2));
/// let task = spawn_scheduler(desk.clone(), Duration::from_secs(60));
/// tokio::time::sleep(Duration::from_millis(50)).await;
/// task.abort();
/// let history = desk.history(&admin, id).await?;
/// assert!(history.iter().any(|e| e.event.change.type_name() == "sla_breached"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })
/// # }
/// ```
#[cfg(feature = "tokio")]
pub fn spawn_scheduler<S, N, C>(
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
            // A failed run ends only itself: the next one lists what is due
            // again, so nothing it missed is lost.
            match desk.run_due(now).await {
                Err(error) => tracing::warn!(
                    %error,
                    retry_in = ?every,
                    "the SLA scheduler run failed"
                ),
                Ok(report) if report.failed > 0 => tracing::warn!(
                    checked = report.checked,
                    events = report.events,
                    failed = report.failed,
                    errors = ?report.errors,
                    "the SLA scheduler could not check some tickets"
                ),
                Ok(report) => tracing::debug!(
                    checked = report.checked,
                    events = report.events,
                    "the SLA scheduler ran"
                ),
            }
            tokio::time::sleep(every).await;
        }
    })
}
