//! [`SlaCycle`]: one run of one metric's clock on a ticket, and how SLA
//! events change it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::chunked::Chunked;
use crate::event::{Change, Event};
use crate::sla::{Metric, Warning};

/// Where a cycle's clock stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CycleState {
    /// Counting.
    Running,
    /// Not counting, because of the ticket's status.
    Paused,
    /// Ended with an [`Outcome`]; a resume rule may continue it.
    Stopped,
    /// Ended without an outcome.
    Cancelled,
}

/// How a stopped cycle ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Stopped before its deadline.
    Met,
    /// Stopped at or after its deadline.
    Breached,
}

/// A warning scheduled at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduledWarning {
    /// Which warning.
    pub warning: Warning,
    /// When it falls due.
    #[serde(with = "crate::rfc3339")]
    pub at: DateTime<Utc>,
}

/// The deadline and warning instants of a running cycle, computed on the
/// policy's calendar when the cycle starts, resumes or is retargeted, and
/// recorded in the event so replay needs no calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedule {
    /// When the target is used up: the breach instant.
    #[serde(with = "crate::rfc3339")]
    pub due: DateTime<Utc>,
    /// When each warning falls due.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<ScheduledWarning>,
}

/// A warning of a cycle and whether it has been given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WarningState {
    /// Which warning.
    pub warning: Warning,
    /// When it falls due while the cycle runs.
    #[serde(with = "crate::rfc3339::option")]
    pub at: Option<DateTime<Utc>>,
    /// Whether it was given (it is given once per cycle).
    pub fired: bool,
}

/// A span of time in which a cycle's clock ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Run {
    /// When it started running.
    #[serde(with = "crate::rfc3339")]
    pub from: DateTime<Utc>,
    /// When it stopped; `None` while it runs.
    #[serde(with = "crate::rfc3339::option")]
    pub to: Option<DateTime<Utc>>,
}

/// One cycle of one metric's clock. Every cycle is kept, so "how often did
/// we miss next response on this ticket" has an answer.
///
/// Elapsed time counts on the policy's calendar: `elapsed_ms` holds the
/// business time of the closed [`runs`](Self::runs); a running cycle adds
/// the time since its last run started.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaCycle {
    /// The metric measured.
    pub metric: Metric,
    /// The cycle's number for its metric, from 1.
    pub cycle: u32,
    /// The policy whose target applies.
    pub policy: String,
    /// The target, in milliseconds of the policy's calendar.
    pub target_ms: i64,
    /// Where the clock stands.
    pub state: CycleState,
    /// How it ended, once stopped.
    pub outcome: Option<Outcome>,
    /// When the cycle started.
    #[serde(with = "crate::rfc3339")]
    pub started_at: DateTime<Utc>,
    /// When the clock ran.
    pub runs: Vec<Run>,
    /// Business time of the closed runs, in milliseconds.
    pub elapsed_ms: i64,
    /// The breach instant while running.
    #[serde(with = "crate::rfc3339::option")]
    pub due: Option<DateTime<Utc>>,
    /// The warnings and whether each was given.
    pub warnings: Vec<WarningState>,
    /// Whether the breach was recorded. A breached cycle keeps measuring
    /// until it stops, so the overrun is known.
    pub breached: bool,
}

impl SlaCycle {
    /// Whether the clock is running or paused (not stopped or cancelled).
    pub fn is_active(&self) -> bool {
        matches!(self.state, CycleState::Running | CycleState::Paused)
    }

    /// The start of the current run, while running.
    pub fn running_since(&self) -> Option<DateTime<Utc>> {
        match self.state {
            CycleState::Running => self.runs.last().map(|run| run.from),
            _ => None,
        }
    }

    /// Ends the current run at `at` with `elapsed_ms` used, leaving the
    /// clock in `state` with no deadline.
    fn halt(&mut self, at: DateTime<Utc>, elapsed_ms: i64, state: CycleState) {
        self.close_run(at);
        self.elapsed_ms = elapsed_ms;
        self.state = state;
        self.set_deadlines(None);
    }

    fn close_run(&mut self, at: DateTime<Utc>) {
        if let Some(run) = self.runs.last_mut().filter(|run| run.to.is_none()) {
            run.to = Some(at);
        }
    }

    /// Takes the deadline and warning instants of `plan`; with `None`
    /// (paused or ended), clears them. Warnings keep whether they fired.
    fn set_deadlines(&mut self, plan: Option<&Schedule>) {
        self.due = plan.map(|p| p.due);
        for state in &mut self.warnings {
            state.at = plan.and_then(|p| {
                p.warnings
                    .iter()
                    .find(|w| w.warning == state.warning)
                    .map(|w| w.at)
            });
        }
        if let Some(plan) = plan {
            for w in &plan.warnings {
                if !self.warnings.iter().any(|s| s.warning == w.warning) {
                    self.warnings.push(WarningState {
                        warning: w.warning,
                        at: Some(w.at),
                        fired: false,
                    });
                }
            }
        }
    }
}

/// What falls due on a ticket's SLA clocks: a warning or a breach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaTrigger {
    /// The metric.
    pub metric: Metric,
    /// The cycle.
    pub cycle: u32,
    /// A warning, or the breach when `None`.
    pub warning: Option<Warning>,
}

/// The earliest warning or breach not yet recorded on `cycles`.
pub(crate) fn next_due(cycles: &Chunked<SlaCycle>) -> Option<(DateTime<Utc>, SlaTrigger)> {
    let mut next: Option<(DateTime<Utc>, SlaTrigger)> = None;
    let mut consider = |at: DateTime<Utc>, trigger: SlaTrigger| {
        if next.is_none_or(|(best, _)| at < best) {
            next = Some((at, trigger));
        }
    };
    for cycle in cycles.iter().filter(|c| c.state == CycleState::Running) {
        for w in cycle.warnings.iter().filter(|w| !w.fired) {
            if let Some(at) = w.at {
                consider(
                    at,
                    SlaTrigger {
                        metric: cycle.metric,
                        cycle: cycle.cycle,
                        warning: Some(w.warning),
                    },
                );
            }
        }
        if let (Some(due), false) = (cycle.due, cycle.breached) {
            consider(
                due,
                SlaTrigger {
                    metric: cycle.metric,
                    cycle: cycle.cycle,
                    warning: None,
                },
            );
        }
    }
    next
}

/// Folds an SLA event into a ticket's cycles and policy. Other events are
/// ignored.
pub(crate) fn apply_sla(
    cycles: &mut Chunked<SlaCycle>,
    policy: &mut Option<String>,
    event: &Event,
) {
    let at = event.at;
    match &event.change {
        Change::SlaPolicyChanged { to, .. } => policy.clone_from(to),
        Change::SlaStarted(started) => {
            let mut cycle = SlaCycle {
                metric: started.metric,
                cycle: started.cycle,
                policy: started.policy.clone(),
                target_ms: started.target_ms,
                state: CycleState::Running,
                outcome: None,
                started_at: at,
                runs: vec![Run { from: at, to: None }],
                elapsed_ms: 0,
                due: None,
                warnings: Vec::new(),
                breached: false,
            };
            cycle.set_deadlines(Some(&started.schedule));
            cycles.push(cycle);
        }
        Change::SlaPaused {
            metric,
            cycle,
            elapsed_ms,
        } => {
            if let Some(c) = cycle_mut(cycles, *metric, *cycle) {
                c.halt(at, *elapsed_ms, CycleState::Paused);
            }
        }
        Change::SlaResumed {
            metric,
            cycle,
            schedule,
        } => {
            if let Some(c) = cycle_mut(cycles, *metric, *cycle) {
                c.runs.push(Run { from: at, to: None });
                c.state = CycleState::Running;
                c.outcome = None;
                c.set_deadlines(Some(schedule));
            }
        }
        Change::SlaRetargeted(retarget) => {
            if let Some(c) = cycle_mut(cycles, retarget.metric, retarget.cycle) {
                c.policy.clone_from(&retarget.policy);
                c.target_ms = retarget.target_ms;
                c.elapsed_ms = retarget.elapsed_ms;
                if c.state == CycleState::Running {
                    c.close_run(at);
                    c.runs.push(Run { from: at, to: None });
                }
                c.set_deadlines(retarget.schedule.as_ref());
            }
        }
        Change::SlaWarned {
            metric,
            cycle,
            warning,
            ..
        } => {
            if let Some(c) = cycle_mut(cycles, *metric, *cycle) {
                match c.warnings.iter_mut().find(|w| w.warning == *warning) {
                    Some(w) => w.fired = true,
                    None => c.warnings.push(WarningState {
                        warning: *warning,
                        at: Some(at),
                        fired: true,
                    }),
                }
            }
        }
        Change::SlaBreached { metric, cycle, .. } => {
            if let Some(c) = cycle_mut(cycles, *metric, *cycle) {
                c.breached = true;
            }
        }
        Change::SlaStopped {
            metric,
            cycle,
            outcome,
            elapsed_ms,
        } => {
            if let Some(c) = cycle_mut(cycles, *metric, *cycle) {
                c.halt(at, *elapsed_ms, CycleState::Stopped);
                c.outcome = Some(*outcome);
            }
        }
        Change::SlaCancelled {
            metric,
            cycle,
            elapsed_ms,
        } => {
            if let Some(c) = cycle_mut(cycles, *metric, *cycle) {
                c.halt(at, *elapsed_ms, CycleState::Cancelled);
            }
        }
        _ => {}
    }
}

/// The cycle `cycle` of `metric`, to change; only its chunk is copied
/// while the ticket's clones share the cycles.
fn cycle_mut(cycles: &mut Chunked<SlaCycle>, metric: Metric, cycle: u32) -> Option<&mut SlaCycle> {
    cycles.rfind_mut(|c| c.metric == metric && c.cycle == cycle)
}
