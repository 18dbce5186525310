//! The desk's people: [`GroupDef`]s and [`AgentDef`]s, by key.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::id::{ActorId, GroupId};

/// A group of agents (a team or queue). The configuration names it by key;
/// tickets carry its id.
///
/// ```
/// use helpdesk_core::config::GroupDef;
/// let group: GroupDef = serde_json::from_str(r#"{
///     "id": "00000000-0000-0000-0000-00000000000a", "name": "Network", "managers": ["carol"]
/// }"#).unwrap();
/// assert_eq!(group.managers, ["carol"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupDef {
    /// The id tickets carry.
    pub id: GroupId,
    /// The name shown to people.
    pub name: String,
    /// Keys of the agents who manage it: they are notified by hierarchical
    /// escalation.
    #[serde(default)]
    pub managers: Vec<String>,
}

/// An agent: who they are, where they work, what they know and how much
/// they can take.
///
/// ```
/// use helpdesk_core::config::AgentDef;
/// let agent: AgentDef = serde_json::from_str(r#"{
///     "id": "00000000-0000-0000-0000-000000000101", "name": "Bob",
///     "groups": ["service_desk"], "skills": ["windows", "vpn"], "calendar": "berlin"
/// }"#).unwrap();
/// assert_eq!(agent.capacity, 25);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentDef {
    /// The id commands and tickets carry.
    pub id: ActorId,
    /// The name shown to people.
    pub name: String,
    /// The address notifications go to.
    #[serde(default)]
    pub email: Option<String>,
    /// Keys of the groups they work in.
    #[serde(default)]
    pub groups: Vec<String>,
    /// What they know, for skill-based assignment.
    #[serde(default)]
    pub skills: BTreeSet<String>,
    /// The most open tickets they are given.
    #[serde(default = "default_capacity")]
    pub capacity: u32,
    /// Key of the calendar of their shifts; always on shift when absent.
    #[serde(default)]
    pub calendar: Option<String>,
    /// The language tag their notifications are written in (`de`,
    /// `fr-CA`); the desk's default locale when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
}

fn default_capacity() -> u32 {
    25
}
