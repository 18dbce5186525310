//! [`ClockRules`]: the conditions that drive an SLA clock, ServiceNow style,
//! and the presets of the four metrics.

use serde::{Deserialize, Serialize};

use crate::sla::Metric;
use crate::status::StatusCategory;

/// Something that happens to a ticket and may drive a clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum On {
    /// The ticket was created.
    Opened,
    /// A public reply by an agent, supervisor or admin (not the system:
    /// automatic acknowledgements are no response).
    AgentReply,
    /// A public reply by the requester.
    RequesterReply,
    /// A public reply by the requester after the help desk has replied at
    /// least once.
    RequesterFollowUp,
    /// The ticket was resolved.
    Resolved,
    /// The ticket was reopened.
    Reopened,
    /// The ticket was closed.
    Closed,
    /// The ticket was cancelled.
    Cancelled,
    /// The ticket was merged into another.
    Merged,
}

/// When a clock starts, pauses, resumes, stops, is cancelled or resets, as
/// ServiceNow's SLA definitions put it. Conditions are checked in the order
/// cancel, reset, stop, resume, start, for each event of a command; pausing
/// follows the ticket's status after each event.
///
/// - **start**: begins a new cycle when none is active;
/// - **stop**: ends the active cycle with an outcome, met or breached;
/// - **resume**: continues a stopped cycle, keeping its elapsed time;
/// - **cancel**: ends the active cycle without an outcome;
/// - **reset**: ends the active cycle with an outcome and begins a new one;
/// - **pause_in**: the active cycle does not run while the ticket is in one of
///   these status categories.
///
/// The presets:
///
/// | metric          | start               | stop                      | resume   | cancel             | reset       | pause_in          |
/// |-----------------|---------------------|---------------------------|----------|--------------------|-------------|-------------------|
/// | first_response  | opened              | agent_reply, resolved     |          | cancelled, merged  |             |                   |
/// | next_response   | requester_follow_up | agent_reply, resolved     |          | cancelled, merged  |             |                   |
/// | periodic_update | agent_reply         | resolved                  |          | cancelled, merged  | agent_reply | pending, on_hold  |
/// | resolution      | opened              | resolved                  | reopened | cancelled, merged  |             | pending, on_hold  |
///
/// ```
/// use helpdesk_core::sla::{ClockRules, Metric, On};
/// use helpdesk_core::StatusCategory;
///
/// let resolution = ClockRules::preset(Metric::Resolution);
/// assert_eq!(resolution.resume, [On::Reopened]);
/// assert!(resolution.pause_in.contains(&StatusCategory::Pending));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClockRules {
    /// Begins a new cycle when none is active.
    #[serde(default)]
    pub start: Vec<On>,
    /// Ends the active cycle with an outcome.
    #[serde(default)]
    pub stop: Vec<On>,
    /// Continues a stopped cycle, keeping its elapsed time.
    #[serde(default)]
    pub resume: Vec<On>,
    /// Ends the active cycle without an outcome.
    #[serde(default)]
    pub cancel: Vec<On>,
    /// Ends the active cycle with an outcome and begins a new one.
    #[serde(default)]
    pub reset: Vec<On>,
    /// The status categories in which the clock does not run.
    #[serde(default)]
    pub pause_in: Vec<StatusCategory>,
}

impl ClockRules {
    /// The preset rules of `metric`, as in the table above.
    pub fn preset(metric: Metric) -> Self {
        let cancel = vec![On::Cancelled, On::Merged];
        let waiting = vec![StatusCategory::Pending, StatusCategory::OnHold];
        match metric {
            Metric::FirstResponse => ClockRules {
                start: vec![On::Opened],
                stop: vec![On::AgentReply, On::Resolved],
                resume: vec![],
                cancel,
                reset: vec![],
                pause_in: vec![],
            },
            Metric::NextResponse => ClockRules {
                start: vec![On::RequesterFollowUp],
                stop: vec![On::AgentReply, On::Resolved],
                resume: vec![],
                cancel,
                reset: vec![],
                pause_in: vec![],
            },
            Metric::PeriodicUpdate => ClockRules {
                start: vec![On::AgentReply],
                stop: vec![On::Resolved],
                resume: vec![],
                cancel,
                reset: vec![On::AgentReply],
                pause_in: waiting,
            },
            Metric::Resolution => ClockRules {
                start: vec![On::Opened],
                stop: vec![On::Resolved],
                resume: vec![On::Reopened],
                cancel,
                reset: vec![],
                pause_in: waiting,
            },
        }
    }
}
