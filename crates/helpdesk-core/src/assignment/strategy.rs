//! [`Strategy`]: how an assignee is chosen among a group's eligible agents.

use std::fmt;

use serde::{Deserialize, Serialize};

/// How an assignee is chosen among the eligible agents of a group.
///
/// Whatever the strategy, an agent who is not in the group, is away, is off
/// shift or is at capacity is never chosen.
///
/// ```
/// use helpdesk_core::assignment::Strategy;
///
/// let s: Strategy = serde_json::from_str(r#""least_loaded""#).unwrap();
/// assert_eq!(s, Strategy::LeastLoaded);
/// assert_eq!(serde_json::to_string(&Strategy::Skills).unwrap(), r#""skills""#);
/// assert_eq!(Strategy::RoundRobin.to_string(), "round_robin");
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Strategy {
    /// The next eligible agent after the previous assignee, in id order,
    /// wrapping around: each eligible agent gets one ticket in turn.
    #[default]
    RoundRobin,
    /// The eligible agent with the least open work, weighted by priority
    /// (see [`LoadWeights`](super::LoadWeights)); ties go to the agent with
    /// fewer open tickets, then to the smaller id.
    LeastLoaded,
    /// Like [`LeastLoaded`](Strategy::LeastLoaded), among the eligible agents
    /// who have every skill the ticket requires.
    Skills,
}

impl Strategy {
    /// Every strategy.
    pub const ALL: [Strategy; 3] = [
        Strategy::RoundRobin,
        Strategy::LeastLoaded,
        Strategy::Skills,
    ];

    /// Whether this strategy requires the ticket's skills of its assignee.
    pub const fn checks_skills(self) -> bool {
        matches!(self, Strategy::Skills)
    }
}

impl fmt::Display for Strategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Strategy::RoundRobin => "round_robin",
            Strategy::LeastLoaded => "least_loaded",
            Strategy::Skills => "skills",
        })
    }
}
