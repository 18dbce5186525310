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

/// What one scheduler run did.
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
    pub async fn run_due(&self, now: DateTime<Utc>) -> Result<DueReport, DeskError> {
        let mut report = DueReport::default();
        let mut seen = HashSet::new();
        loop {
            let due = self.store().due_before(now, 256).await?;
            let fresh: Vec<_> = due
                .into_iter()
                .filter(|d| seen.insert((d.tenant, d.ticket)))
                .collect();
            if fresh.is_empty() {
                return Ok(report);
            }
            for item in fresh {
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

/// Runs the scheduler in a tokio task: every `every`, `run_due` at the
/// clock's time. Returns the task's handle; abort it to stop.
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
            // A failing run is retried at the next tick; each failure is in
            // the report, and the store error ends only this run.
            let _ = desk.run_due(now).await;
            tokio::time::sleep(every).await;
        }
    })
}
