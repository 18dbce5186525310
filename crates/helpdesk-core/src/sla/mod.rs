//! SLA clocks: policies with targets per metric and priority, counted on
//! business calendars, with warnings, breaches and every cycle on record.
//!
//! An [`SlaPolicy`] says which tickets it applies to (the first matching
//! policy of the [`DeskConfig`](crate::DeskConfig) wins), which
//! [calendar](crate::calendar) its targets count on, the target of each
//! [`Metric`] per priority, and when to [warn](Warning).
//!
//! Each metric's clock is a small state machine driven by its
//! [`ClockRules`] (start, stop, resume, cancel, reset and pause conditions,
//! as ServiceNow defines them; the four metrics come with presets). Every
//! run of a clock is an [`SlaCycle`]; all cycles are kept.
//!
//! Clocks live in the ticket and change only through events, which carry
//! every computed instant, so replay needs no calendar and is exact:
//!
//! - [`decide`](crate::decide) adds SLA events to every command it accepts:
//!   first the warnings and breaches already due at `now`, then after the
//!   command's own events what those do to the clocks (a reply stops first
//!   response, pending pauses resolution, a priority change retargets).
//! - [`Command::CheckSla`](crate::Command::CheckSla) does only the first
//!   part. Each warning and each breach is recorded exactly once, however
//!   often or late it runs.
//! - [`Command::RecomputeSla`](crate::Command::RecomputeSla), after a
//!   calendar or policy changed, matches the policy afresh and recounts the
//!   active clocks from their recorded runs on the new calendar.
//! - [`Ticket::next_sla_due`](crate::Ticket::next_sla_due) tells a
//!   scheduler when to run `CheckSla` next.
//!
//! A clock breaches when its elapsed time reaches the target: the deadline
//! is the first instant with nothing left, and a response at or after it
//! is late. Warnings before breach count on the same calendar.

mod cycle;
mod metric;
mod policy;
pub(crate) mod react;
mod rules;
mod span;
mod timing;

pub use cycle::{
    CycleState, Outcome, Run, Schedule, ScheduledWarning, SlaCycle, SlaTrigger, WarningState,
};
pub(crate) use cycle::{apply_sla, next_due};
pub use metric::Metric;
pub use policy::{PolicyConditions, SlaPolicy, Warning};
pub use rules::{ClockRules, On};
pub use span::Span;

use serde::{Deserialize, Serialize};

/// The content of a [`Change::SlaStarted`](crate::Change::SlaStarted) event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Started {
    /// The metric.
    pub metric: Metric,
    /// The cycle's number for its metric, from 1.
    pub cycle: u32,
    /// The policy whose target applies.
    pub policy: String,
    /// The target, in milliseconds of the policy's calendar.
    pub target_ms: i64,
    /// The deadline and warnings.
    pub schedule: Schedule,
}

/// The content of a [`Change::SlaRetargeted`](crate::Change::SlaRetargeted) event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Retargeted {
    /// The metric.
    pub metric: Metric,
    /// The cycle.
    pub cycle: u32,
    /// The policy now applying.
    pub policy: String,
    /// The new target, in milliseconds.
    pub target_ms: i64,
    /// The business time used so far, in milliseconds, kept across the change.
    pub elapsed_ms: i64,
    /// The new deadline and warnings; `None` while paused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<Schedule>,
}
