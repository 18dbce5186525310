//! [`TierDef`]: a support tier, such as L1 service desk or L3 specialists.

use serde::{Deserialize, Serialize};

/// A support tier: a group that works tickets at one level of expertise.
///
/// ```
/// use helpdesk_core::escalation::TierDef;
/// let tier: TierDef = serde_json::from_str(
///     r#"{"key": "l1", "name": "L1 service desk", "group": "service_desk", "entry": true}"#,
/// ).unwrap();
/// assert!(tier.entry);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TierDef {
    /// The key rules and tickets name it by.
    pub key: String,
    /// The name shown to people.
    pub name: String,
    /// The group (by key) that works the tier's tickets.
    pub group: String,
    /// Whether new tickets may start here. Every tier must be reachable
    /// from an entry tier.
    #[serde(default)]
    pub entry: bool,
    /// Agents (by key) notified by hierarchical escalation from this tier,
    /// besides the group's managers.
    #[serde(default)]
    pub managers: Vec<String>,
}
