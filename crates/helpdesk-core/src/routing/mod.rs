//! Routing rules: ordered conditions on a new ticket's fields and the
//! actions they take (group, tier, priority, tags, fields, assignment
//! strategy), checked statically, and explained rule by rule.
//!
//! [`route`] runs a ticket through the rules; [`Command::Route`](crate::Command::Route)
//! turns the result into events, each recording the rule that caused it
//! ([`Cause::RoutingRule`](crate::Cause::RoutingRule)), so the audit trail
//! says why a ticket went where it went. [`explain`] says for every rule
//! whether and why it matched.

mod condition;
mod decide;
mod evaluate;
mod facts;
mod keywords;
mod lint;
mod rule;

pub use condition::{Condition, FieldIs};
pub use decide::RouteInput;
pub(crate) use decide::route_events;
pub use evaluate::{ByRule, Routing, RuleTrace, explain, route};
pub use facts::Facts;
pub use keywords::Keywords;
pub(crate) use lint::diagnose;
pub use rule::{Actions, RoutingRule};
