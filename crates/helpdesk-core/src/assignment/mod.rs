//! Assignment strategies: who among a group's agents gets a ticket.
//!
//! Pure functions over a snapshot of the agents and their load: the host
//! builds an [`AgentSnapshot`] per agent (groups, skills, capacity, open
//! tickets per priority, away, on shift), describes the ticket with an
//! [`AssignmentRequest`] (group, required skills, the group's last assignee)
//! and asks [`pick`] for the assignee, or [`explain`] for the assignee and
//! why every other agent was passed over.
//!
//! # Eligibility
//!
//! Every [`Strategy`] skips, in this order, an agent who is
//!
//! 1. not in the ticket's group,
//! 2. away,
//! 3. off shift (the host decides; [`on_shift_at`] reads the agent's
//!    [calendar](crate::calendar::Calendar) at an instant it is given),
//! 4. at capacity: holding as many open tickets as their capacity, or more
//!    (a count, whatever the priorities),
//! 5. for [`Strategy::Skills`] only, missing one of the ticket's required
//!    skills.
//!
//! So no strategy ever takes an agent above capacity.
//!
//! # Choice
//!
//! - **Round robin** takes the next eligible agent after the group's last
//!   assignee, in id order, wrapping around. While availability holds, N
//!   eligible agents each get exactly one of N consecutive tickets.
//! - **Least loaded** takes the eligible agent with the smallest weighted
//!   load (open tickets times their priority's [`LoadWeights`], P1 = 5 to
//!   P5 = 1 by default), then the fewest open tickets, then the smallest id.
//! - **Skills** does the same among the eligible agents whose skills include
//!   every required one.
//!
//! Results never depend on the order of the agents, and [`pick`] makes one
//! pass over them without allocating.
//!
//! ```
//! use helpdesk_core::assignment::{
//!     pick, AgentSnapshot, AssignmentPolicy, AssignmentRequest, Strategy,
//! };
//! use helpdesk_core::{ActorId, GroupId, Priority};
//!
//! let network = GroupId::from_u128(1);
//! let mut agents = vec![
//!     AgentSnapshot::new(ActorId::from_u128(1), 2).in_group(network),
//!     AgentSnapshot::new(ActorId::from_u128(2), 2).in_group(network),
//! ];
//! let policy = AssignmentPolicy::new(Strategy::RoundRobin);
//!
//! // Assign five P3 tickets; each agent holds at most two.
//! let mut last = None;
//! let mut assigned = Vec::new();
//! for _ in 0..5 {
//!     let request = AssignmentRequest { last_assignee: last, ..AssignmentRequest::new(network) };
//!     let Some(id) = pick(&policy, &request, &agents) else { break };
//!     if let Some(agent) = agents.iter_mut().find(|agent| agent.id == id) {
//!         agent.open.add(Priority::P3);
//!     }
//!     assigned.push(id.as_uuid().as_u128());
//!     last = Some(id);
//! }
//! assert_eq!(assigned, [1, 2, 1, 2]);
//! ```

mod eligibility;
mod explain;
mod load;
mod pick;
mod policy;
mod request;
mod snapshot;
mod strategy;

pub use explain::{Candidate, Explanation, SkipReason, Verdict, explain};
pub use load::{LoadWeights, OpenTickets};
pub use pick::pick;
pub use policy::AssignmentPolicy;
pub use request::AssignmentRequest;
pub use snapshot::{AgentSnapshot, on_shift_at};
pub use strategy::Strategy;
