//! Escalation tiers and rules: functional escalation (move a ticket to the
//! next tier's group, optionally raising its priority) and hierarchical
//! escalation (notify the managers), set off by SLA warnings and breaches,
//! by no agent response, by reassignments, or by hand.
//!
//! Tiers and rules form a graph (petgraph) that is checked when the
//! configuration is: no cycles (reported as the path around), every tier
//! reachable from an entry tier, every trigger naming a real SLA metric,
//! every group and agent known. Each rule escalates a ticket at most once;
//! the escalation is an event, with the rule as its cause.

mod fire;
mod graph;
mod rule;
mod tier;

pub(crate) use fire::{manual, next_due, with_escalations};
pub(crate) use graph::diagnose;
pub use rule::{EscalationRule, Trigger};
pub use tier::TierDef;
