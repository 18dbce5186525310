//! [`RoutingRule`] and its [`Actions`].

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::assignment::Strategy;
use crate::field::FieldValue;
use crate::priority::Priority;
use crate::routing::Condition;

/// What a matching rule does to a ticket. Every part is optional.
///
/// ```
/// use helpdesk_core::routing::Actions;
/// let then: Actions = serde_json::from_str(
///     r#"{"group": "network", "tier": "l2_network", "priority": "P2", "tags": ["vpn"], "assign": "least_loaded"}"#,
/// ).unwrap();
/// assert_eq!(then.tags, ["vpn"]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(default)]
pub struct Actions {
    /// Move the ticket to this group (by key).
    pub group: Option<String>,
    /// Put the ticket on this escalation tier (by key).
    pub tier: Option<String>,
    /// Set this priority (it then sticks, like a manual override).
    pub priority: Option<Priority>,
    /// Add these tags.
    pub tags: Vec<String>,
    /// Set these custom fields.
    pub fields: BTreeMap<String, FieldValue>,
    /// Pick an assignee in the ticket's group with this strategy.
    pub assign: Option<Strategy>,
    /// Skills an assignee must have (for the `skills` strategy).
    pub skills: BTreeSet<String>,
}

/// An ordered routing rule: when its conditions hold for a new ticket, its
/// actions apply; then routing stops, unless `stop` is false.
///
/// ```
/// use helpdesk_core::routing::RoutingRule;
/// let rule: RoutingRule = serde_json::from_str(r#"{
///     "name": "VPN to network",
///     "when": {"text_has": ["vpn"]},
///     "then": {"group": "network"},
///     "stop": false
/// }"#).unwrap();
/// assert!(!rule.stop);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoutingRule {
    /// The rule's name, recorded on the events it causes.
    pub name: String,
    /// When it applies; always when absent.
    #[serde(default)]
    pub when: Condition,
    /// What it does.
    #[serde(default)]
    pub then: Actions,
    /// Whether routing stops after this rule matched (the default).
    #[serde(default = "stops")]
    pub stop: bool,
}

fn stops() -> bool {
    true
}
