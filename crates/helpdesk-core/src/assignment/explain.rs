//! [`explain`]: the assignee together with every agent's verdict, for
//! people and for `helpdesk explain`.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::eligibility::{Ineligible, check};
use super::pick::pick;
use super::policy::AssignmentPolicy;
use super::request::AssignmentRequest;
use super::snapshot::AgentSnapshot;
use super::strategy::Strategy;
use crate::id::{ActorId, GroupId};

/// Why an agent was not a candidate. When several reasons apply, the first
/// in this order is given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// The agent is not in the ticket's group.
    NotInGroup,
    /// The agent is away.
    Away,
    /// The agent's shift does not cover the moment of assignment.
    OffShift,
    /// The agent holds as many open tickets as their capacity, or more.
    AtCapacity {
        /// Open tickets held.
        open: u64,
        /// The agent's capacity.
        capacity: u32,
    },
    /// The agent lacks skills the ticket requires (skill-based assignment
    /// only).
    MissingSkills {
        /// The required skills the agent lacks, in order.
        missing: Vec<String>,
    },
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::NotInGroup => f.write_str("not in the group"),
            SkipReason::Away => f.write_str("away"),
            SkipReason::OffShift => f.write_str("off shift"),
            SkipReason::AtCapacity { open, capacity } => {
                write!(f, "at capacity ({open} open, capacity {capacity})")
            }
            SkipReason::MissingSkills { missing } => {
                write!(f, "missing skills: {}", missing.join(", "))
            }
        }
    }
}

/// What assignment made of one agent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Verdict {
    /// The agent could take the ticket.
    Eligible {
        /// Open tickets held.
        open: u64,
        /// Weighted load, by the policy's weights.
        load: u64,
    },
    /// The agent was skipped.
    Skipped {
        /// Why.
        reason: SkipReason,
    },
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Verdict::Eligible { open, load } => write!(f, "eligible, {open} open, load {load}"),
            Verdict::Skipped { reason } => write!(f, "skipped, {reason}"),
        }
    }
}

/// One agent of the pool and its [`Verdict`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    /// The agent.
    pub agent: ActorId,
    /// What assignment made of the agent.
    #[serde(flatten)]
    pub verdict: Verdict,
}

/// The outcome of an assignment with its reasons: the assignee, if any, and
/// a verdict for every agent of the pool, in id order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Explanation {
    /// The strategy used.
    pub strategy: Strategy,
    /// The ticket's group.
    pub group: GroupId,
    /// The agent chosen, as [`pick`] returns it.
    pub assignee: Option<ActorId>,
    /// Every agent of the pool, in id order.
    pub candidates: Vec<Candidate>,
}

impl Explanation {
    /// The candidates that could have taken the ticket.
    pub fn eligible(&self) -> impl Iterator<Item = &Candidate> {
        self.candidates
            .iter()
            .filter(|candidate| matches!(candidate.verdict, Verdict::Eligible { .. }))
    }
}

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} in group {}: ", self.strategy, self.group)?;
        match self.assignee {
            Some(agent) => writeln!(f, "assigned to {agent}")?,
            None => writeln!(f, "no eligible agent")?,
        }
        for candidate in &self.candidates {
            let mark = if Some(candidate.agent) == self.assignee {
                "*"
            } else {
                " "
            };
            writeln!(f, "{mark} {}: {}", candidate.agent, candidate.verdict)?;
        }
        Ok(())
    }
}

/// The same choice as [`pick`], with every agent's verdict: why each was
/// skipped, or its open tickets and load. It allocates, so call it when
/// someone asks, not on every assignment.
///
/// ```
/// use helpdesk_core::assignment::{
///     explain, AgentSnapshot, AssignmentPolicy, AssignmentRequest, SkipReason, Strategy, Verdict,
/// };
/// use helpdesk_core::{ActorId, GroupId};
///
/// let desk = GroupId::from_u128(1);
/// let agents = [
///     AgentSnapshot::new(ActorId::from_u128(1), 5).in_group(desk).with_skill("sap"),
///     AgentSnapshot::new(ActorId::from_u128(2), 5).in_group(desk).with_skill("linux"),
/// ];
/// let request = AssignmentRequest::new(desk).requiring("linux");
/// let why = explain(&AssignmentPolicy::new(Strategy::Skills), &request, &agents);
///
/// assert_eq!(why.assignee, Some(ActorId::from_u128(2)));
/// assert_eq!(
///     why.candidates[0].verdict,
///     Verdict::Skipped { reason: SkipReason::MissingSkills { missing: vec!["linux".into()] } }
/// );
/// assert_eq!(why.candidates[1].verdict, Verdict::Eligible { open: 0, load: 0 });
/// assert!(why.to_string().contains("missing skills: linux"));
/// ```
pub fn explain(
    policy: &AssignmentPolicy,
    request: &AssignmentRequest,
    agents: &[AgentSnapshot],
) -> Explanation {
    let mut candidates: Vec<Candidate> = agents
        .iter()
        .map(|agent| Candidate {
            agent: agent.id,
            verdict: verdict(policy, request, agent),
        })
        .collect();
    candidates.sort_by_key(|candidate| candidate.agent);
    Explanation {
        strategy: policy.strategy,
        group: request.group,
        assignee: pick(policy, request, agents),
        candidates,
    }
}

fn verdict(
    policy: &AssignmentPolicy,
    request: &AssignmentRequest,
    agent: &AgentSnapshot,
) -> Verdict {
    let reason = match check(policy.strategy, request, agent) {
        Ok(()) => {
            return Verdict::Eligible {
                open: agent.open.total(),
                load: agent.open.load(&policy.weights),
            };
        }
        Err(Ineligible::NotInGroup) => SkipReason::NotInGroup,
        Err(Ineligible::Away) => SkipReason::Away,
        Err(Ineligible::OffShift) => SkipReason::OffShift,
        Err(Ineligible::AtCapacity) => SkipReason::AtCapacity {
            open: agent.open.total(),
            capacity: agent.capacity,
        },
        Err(Ineligible::MissingSkills) => SkipReason::MissingSkills {
            missing: request
                .required_skills
                .difference(&agent.skills)
                .cloned()
                .collect(),
        },
    };
    Verdict::Skipped { reason }
}
