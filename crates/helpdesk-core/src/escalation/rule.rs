//! [`EscalationRule`] and its [`Trigger`].

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::sla::Span;

/// What sets an escalation off.
///
/// ```
/// use helpdesk_core::escalation::Trigger;
/// let t: Vec<Trigger> = serde_json::from_str(
///     r#"[{"sla_breach": "resolution"}, {"no_agent_response": "4h"}, {"reassigned": 3}, "manual"]"#,
/// ).unwrap();
/// assert_eq!(t[0], Trigger::SlaBreach("resolution".into()));
/// assert_eq!(t[3], Trigger::Manual);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    /// A warning of this SLA metric (such as `"resolution"`).
    SlaWarning(String),
    /// A breach of this SLA metric.
    SlaBreach(String),
    /// No public reply by an agent for this long (calendar time) since the
    /// ticket was opened or last answered.
    NoAgentResponse(Span),
    /// The ticket changed hands this many times.
    Reassigned(u32),
    /// Only by hand, with [`Command::Escalate`](crate::Command::Escalate).
    Manual,
}

impl fmt::Display for Trigger {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Trigger::SlaWarning(metric) => write!(f, "an SLA warning of {metric}"),
            Trigger::SlaBreach(metric) => write!(f, "an SLA breach of {metric}"),
            Trigger::NoAgentResponse(span) => write!(f, "no agent response for {span}"),
            Trigger::Reassigned(n) => write!(f, "{n} reassignments"),
            Trigger::Manual => write!(f, "hand"),
        }
    }
}

/// An escalation rule: an edge from one tier to the next (functional
/// escalation) and/or a notice to the tier's managers (hierarchical
/// escalation), taken when its trigger fires, at most once per ticket.
///
/// ```
/// use helpdesk_core::escalation::EscalationRule;
/// let rule: EscalationRule = serde_json::from_str(r#"{
///     "name": "L1 breach to L2", "from": "l1", "to": "l2_desktop",
///     "when": {"sla_breach": "resolution"}, "raise_priority": true, "notify_managers": true
/// }"#).unwrap();
/// assert_eq!(rule.to.as_deref(), Some("l2_desktop"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EscalationRule {
    /// The rule's name, recorded on the events it causes.
    pub name: String,
    /// The tier (by key) a ticket must be on for the rule to apply.
    pub from: String,
    /// The tier (by key) to move the ticket to; none for a notice only.
    #[serde(default)]
    pub to: Option<String>,
    /// What sets it off.
    pub when: Trigger,
    /// Raise the priority one level (P3 to P2), at most to P1.
    #[serde(default)]
    pub raise_priority: bool,
    /// Notify the managers of the tier the ticket leaves (and its group's).
    #[serde(default)]
    pub notify_managers: bool,
}
