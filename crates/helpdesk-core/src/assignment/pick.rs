//! [`pick`]: the assignee for a ticket, in one pass over the pool, without
//! allocating.

use super::eligibility::check;
use super::policy::AssignmentPolicy;
use super::request::AssignmentRequest;
use super::snapshot::AgentSnapshot;
use super::strategy::Strategy;
use crate::id::ActorId;

/// The agent who gets the ticket described by `request`, under `policy`,
/// among `agents`; `None` when no agent is eligible.
///
/// An agent is eligible when they are in the request's group, not away, on
/// shift and below capacity, and, for [`Strategy::Skills`], have every
/// required skill. Among the eligible agents:
///
/// - [`Strategy::RoundRobin`] takes the first agent whose id is greater
///   than the request's last assignee, or, when there is none, the one with
///   the smallest id. Feeding each result back as the next request's last
///   assignee gives each of N eligible agents exactly one ticket in N picks.
/// - [`Strategy::LeastLoaded`] and [`Strategy::Skills`] take the agent with
///   the smallest [weighted load](super::OpenTickets::load), then the fewest
///   open tickets, then the smallest id.
///
/// The order of `agents` does not matter: the same pool in any order gives
/// the same assignee. [`explain`](super::explain()) tells why.
///
/// ```
/// use helpdesk_core::assignment::{pick, AgentSnapshot, AssignmentPolicy, AssignmentRequest, Strategy};
/// use helpdesk_core::{ActorId, GroupId, Priority};
///
/// let desk = GroupId::from_u128(1);
/// let agent = |id| AgentSnapshot::new(ActorId::from_u128(id), 5).in_group(desk);
/// let agents = [
///     agent(1).with_open([Priority::P1].into_iter().collect()), // load 5
///     agent(2).with_open([Priority::P4, Priority::P5].into_iter().collect()), // load 3
///     agent(3).with_away(true),
/// ];
///
/// let request = AssignmentRequest::new(desk);
/// let least_loaded = AssignmentPolicy::new(Strategy::LeastLoaded);
/// assert_eq!(pick(&least_loaded, &request, &agents), Some(ActorId::from_u128(2)));
///
/// // Round robin: 1, 2, then back to 1 (3 is away).
/// let round_robin = AssignmentPolicy::new(Strategy::RoundRobin);
/// let first = pick(&round_robin, &request, &agents);
/// assert_eq!(first, Some(ActorId::from_u128(1)));
/// let second = pick(&round_robin, &request.clone().after(ActorId::from_u128(1)), &agents);
/// assert_eq!(second, Some(ActorId::from_u128(2)));
/// let third = pick(&round_robin, &request.after(ActorId::from_u128(2)), &agents);
/// assert_eq!(third, Some(ActorId::from_u128(1)));
/// ```
pub fn pick(
    policy: &AssignmentPolicy,
    request: &AssignmentRequest,
    agents: &[AgentSnapshot],
) -> Option<ActorId> {
    let eligible = agents
        .iter()
        .filter(|agent| check(policy.strategy, request, agent).is_ok());
    match policy.strategy {
        Strategy::RoundRobin => next_in_turn(eligible, request.last_assignee),
        Strategy::LeastLoaded | Strategy::Skills => eligible
            .min_by_key(|agent| {
                (
                    agent.open.load(&policy.weights),
                    agent.open.total(),
                    agent.id,
                )
            })
            .map(|agent| agent.id),
    }
}

/// The smallest id after `last`, wrapping around to the smallest id.
fn next_in_turn<'a>(
    eligible: impl Iterator<Item = &'a AgentSnapshot>,
    last: Option<ActorId>,
) -> Option<ActorId> {
    let mut first: Option<ActorId> = None;
    let mut next: Option<ActorId> = None;
    for agent in eligible {
        let id = agent.id;
        if first.is_none_or(|first| id < first) {
            first = Some(id);
        }
        if last.is_none_or(|last| id > last) && next.is_none_or(|next| id < next) {
            next = Some(id);
        }
    }
    next.or(first)
}
