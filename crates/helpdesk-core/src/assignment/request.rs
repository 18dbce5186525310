//! [`AssignmentRequest`]: the ticket to place, as assignment sees it.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::id::{ActorId, GroupId};

/// What assignment needs to know about the ticket to place: its group, the
/// skills it requires, and for round robin whose turn it was last.
///
/// The host keeps each group's last assignee (round robin's cursor) and
/// passes it in; after a pick, the chosen agent is the new cursor.
///
/// ```
/// use helpdesk_core::assignment::AssignmentRequest;
/// use helpdesk_core::{ActorId, GroupId};
///
/// let request = AssignmentRequest::new(GroupId::from_u128(7))
///     .requiring("linux")
///     .requiring("networking")
///     .after(ActorId::from_u128(3));
/// assert_eq!(request.required_skills.len(), 2);
/// assert_eq!(request.last_assignee, Some(ActorId::from_u128(3)));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssignmentRequest {
    /// The group the ticket is assigned to; only its agents are candidates.
    pub group: GroupId,
    /// The skills the ticket requires, compared exactly. Only
    /// [`Strategy::Skills`](super::Strategy::Skills) checks them.
    #[serde(default)]
    pub required_skills: BTreeSet<String>,
    /// The agent who got the group's previous ticket, if any. Only
    /// [`Strategy::RoundRobin`](super::Strategy::RoundRobin) uses it: the
    /// turn passes to the next eligible agent after this one, in id order.
    /// The agent need not be in the pool any more.
    #[serde(default)]
    pub last_assignee: Option<ActorId>,
}

impl AssignmentRequest {
    /// A ticket for `group` that requires no skill, the group's first.
    pub fn new(group: GroupId) -> Self {
        Self {
            group,
            required_skills: BTreeSet::new(),
            last_assignee: None,
        }
    }

    /// Adds `skill` to the skills the ticket requires.
    #[must_use]
    pub fn requiring(mut self, skill: impl Into<String>) -> Self {
        self.required_skills.insert(skill.into());
        self
    }

    /// Sets the group's previous assignee (round robin's cursor).
    #[must_use]
    pub fn after(mut self, last_assignee: ActorId) -> Self {
        self.last_assignee = Some(last_assignee);
        self
    }
}
