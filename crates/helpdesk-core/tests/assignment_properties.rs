//! Properties of assignment, checked against a plain reference model over
//! random pools: round robin's fairness, capacity, determinism, skills and
//! least load.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;

use helpdesk_core::assignment::{
    AgentSnapshot, AssignmentPolicy, AssignmentRequest, LoadWeights, OpenTickets, Verdict, explain,
    pick,
};
// The proptest prelude exports a `Strategy` trait: the enum goes by another name here.
use helpdesk_core::assignment::Strategy as AssignmentStrategy;
use helpdesk_core::{ActorId, GroupId, Priority};
use proptest::prelude::*;

const GROUPS: u128 = 3;
const SKILLS: [&str; 4] = ["linux", "networking", "sap", "windows"];

fn group(n: u128) -> GroupId {
    GroupId::from_u128(n)
}

fn priority() -> impl Strategy<Value = Priority> {
    prop::sample::select(Priority::ALL.to_vec())
}

fn strategy() -> impl Strategy<Value = AssignmentStrategy> {
    prop::sample::select(AssignmentStrategy::ALL.to_vec())
}

fn skills() -> impl Strategy<Value = BTreeSet<String>> {
    prop::sample::subsequence(SKILLS.to_vec(), 0..=SKILLS.len())
        .prop_map(|skills| skills.into_iter().map(str::to_owned).collect())
}

fn open_tickets() -> impl Strategy<Value = OpenTickets> {
    prop::collection::vec(priority(), 0..8).prop_map(|p| p.into_iter().collect())
}

fn weights() -> impl Strategy<Value = LoadWeights> {
    prop_oneof![
        Just(LoadWeights::DEFAULT),
        Just(LoadWeights::UNIFORM),
        (0u32..10, 0u32..10, 0u32..10, 0u32..10, 0u32..10)
            .prop_map(|(p1, p2, p3, p4, p5)| LoadWeights { p1, p2, p3, p4, p5 }),
    ]
}

/// One agent without its id.
fn agent_parts() -> impl Strategy<Value = AgentSnapshot> {
    (
        prop::collection::btree_set(1..=GROUPS, 0..=GROUPS as usize),
        skills(),
        0u32..8,
        open_tickets(),
        prop::bool::weighted(0.2),
        prop::bool::weighted(0.8),
    )
        .prop_map(
            |(groups, skills, capacity, open, away, on_shift)| AgentSnapshot {
                id: ActorId::from_u128(0),
                groups: groups.into_iter().map(group).collect(),
                skills,
                capacity,
                open,
                away,
                on_shift,
            },
        )
}

/// Up to 12 agents with distinct ids in an arbitrary order.
fn pool() -> impl Strategy<Value = Vec<AgentSnapshot>> {
    prop::collection::vec(agent_parts(), 0..12).prop_flat_map(|agents| {
        let n = agents.len();
        (
            Just(agents),
            prop::collection::btree_set(1u128..40, n),
            Just(()).prop_perturb(move |_, mut rng| {
                let mut order: Vec<usize> = (0..n).collect();
                for i in (1..n).rev() {
                    order.swap(i, (rng.next_u32() as usize) % (i + 1));
                }
                order
            }),
        )
            .prop_map(|(mut agents, ids, order)| {
                let ids: Vec<u128> = ids.into_iter().collect();
                for (agent, slot) in agents.iter_mut().zip(order) {
                    agent.id = ActorId::from_u128(ids[slot]);
                }
                agents
            })
    })
}

fn request() -> impl Strategy<Value = AssignmentRequest> {
    (1..=GROUPS, skills(), prop::option::of(0u128..41)).prop_map(|(g, required_skills, last)| {
        AssignmentRequest {
            group: group(g),
            required_skills,
            last_assignee: last.map(ActorId::from_u128),
        }
    })
}

fn policy() -> impl Strategy<Value = AssignmentPolicy> {
    (strategy(), weights()).prop_map(|(strategy, weights)| AssignmentPolicy { strategy, weights })
}

/// The reference model of eligibility, written from the rules.
fn eligible(policy: &AssignmentPolicy, request: &AssignmentRequest, agent: &AgentSnapshot) -> bool {
    let open: u64 = Priority::ALL
        .iter()
        .map(|p| u64::from(agent.open.count(*p)))
        .sum();
    agent.groups.contains(&request.group)
        && !agent.away
        && agent.on_shift
        && open < u64::from(agent.capacity)
        && (policy.strategy != AssignmentStrategy::Skills
            || request
                .required_skills
                .iter()
                .all(|s| agent.skills.contains(s)))
}

fn load(agent: &AgentSnapshot, weights: &LoadWeights) -> u64 {
    Priority::ALL
        .iter()
        .map(|p| u64::from(agent.open.count(*p)) * u64::from(weights.weight(*p)))
        .sum()
}

fn find(agents: &[AgentSnapshot], id: ActorId) -> &AgentSnapshot {
    agents.iter().find(|agent| agent.id == id).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// With N available agents in the group (and any number of others who
    /// are not), N consecutive round robin picks, each after the previous
    /// one, give every available agent exactly one ticket, whatever the
    /// starting cursor; and the (N+1)th starts the same cycle again.
    #[test]
    fn round_robin_assigns_each_available_agent_once_in_n_steps(
        agents in pool(),
        start in prop::option::of(0u128..41),
        assign_priority in priority(),
    ) {
        let desk = group(1);
        let policy = AssignmentPolicy::new(AssignmentStrategy::RoundRobin);
        // Make room so that availability does not change over the cycle.
        let mut agents = agents;
        for agent in &mut agents {
            agent.capacity = agent.capacity.saturating_add(agent.open.total() as u32 + 64);
        }
        let available: BTreeSet<ActorId> = agents
            .iter()
            .filter(|a| eligible(&policy, &AssignmentRequest::new(desk), a))
            .map(|a| a.id)
            .collect();
        let n = available.len();
        let mut last = start.map(ActorId::from_u128);
        let mut got = Vec::new();
        for _ in 0..n {
            let request = AssignmentRequest { last_assignee: last, ..AssignmentRequest::new(desk) };
            let id = pick(&policy, &request, &agents).unwrap();
            got.push(id);
            agents.iter_mut().find(|a| a.id == id).unwrap().open.add(assign_priority);
            last = Some(id);
        }
        let distinct: BTreeSet<ActorId> = got.iter().copied().collect();
        prop_assert_eq!(&distinct, &available);
        prop_assert_eq!(got.len(), n);
        let request = AssignmentRequest { last_assignee: last, ..AssignmentRequest::new(desk) };
        prop_assert_eq!(pick(&policy, &request, &agents), got.first().copied());
    }

    /// Assigning ticket after ticket (with some resolved in between) and
    /// counting each on its assignee never takes anyone above capacity, and
    /// a pick is refused only when nobody is eligible.
    #[test]
    fn assignment_never_exceeds_capacity(
        agents in pool(),
        policy in policy(),
        steps in prop::collection::vec(
            (request(), priority(), prop::bool::weighted(0.15), any::<prop::sample::Index>()),
            1..80,
        ),
    ) {
        let mut agents = agents;
        for agent in &mut agents {
            // Start within capacity: what the host holds after earlier picks.
            while agent.open.total() > u64::from(agent.capacity) {
                let top = Priority::ALL.into_iter().find(|p| agent.open.count(*p) > 0).unwrap();
                agent.open.remove(top);
            }
        }
        let mut last = None;
        for (request, ticket_priority, resolve, which) in steps {
            if resolve && !agents.is_empty() {
                let slot = which.index(agents.len());
                let agent = &mut agents[slot];
                let any = Priority::ALL.into_iter().find(|p| agent.open.count(*p) > 0);
                if let Some(p) = any {
                    agent.open.remove(p);
                }
                continue;
            }
            let request = AssignmentRequest { last_assignee: last.or(request.last_assignee), ..request };
            match pick(&policy, &request, &agents) {
                Some(id) => {
                    let agent = agents.iter_mut().find(|a| a.id == id).unwrap();
                    prop_assert!(agent.open.total() < u64::from(agent.capacity));
                    agent.open.add(ticket_priority);
                    last = Some(id);
                }
                None => prop_assert!(!agents.iter().any(|a| eligible(&policy, &request, a))),
            }
            for agent in &agents {
                prop_assert!(agent.open.total() <= u64::from(agent.capacity));
            }
        }
    }

    /// The same input gives the same output, also with the pool reordered.
    #[test]
    fn assignment_is_deterministic(agents in pool(), policy in policy(), request in request(), rotate in 0usize..12) {
        let first = pick(&policy, &request, &agents);
        prop_assert_eq!(pick(&policy, &request, &agents), first);
        let mut reordered = agents.clone();
        reordered.reverse();
        if !reordered.is_empty() {
            let k = rotate % reordered.len();
            reordered.rotate_left(k);
        }
        prop_assert_eq!(pick(&policy, &request, &reordered), first);
        prop_assert_eq!(explain(&policy, &request, &agents), explain(&policy, &request, &reordered));
    }

    /// Any strategy picks an eligible agent, and picks one whenever there
    /// is one; `explain` agrees with `pick` and with the model on every agent.
    #[test]
    fn picks_an_eligible_agent_iff_there_is_one(agents in pool(), policy in policy(), request in request()) {
        let chosen = pick(&policy, &request, &agents);
        let any = agents.iter().any(|a| eligible(&policy, &request, a));
        prop_assert_eq!(chosen.is_some(), any);
        if let Some(id) = chosen {
            prop_assert!(eligible(&policy, &request, find(&agents, id)));
        }
        let why = explain(&policy, &request, &agents);
        prop_assert_eq!(why.assignee, chosen);
        prop_assert_eq!(why.candidates.len(), agents.len());
        for candidate in &why.candidates {
            let agent = find(&agents, candidate.agent);
            let is_eligible = matches!(candidate.verdict, Verdict::Eligible { .. });
            prop_assert_eq!(is_eligible, eligible(&policy, &request, agent));
        }
    }

    /// Skill-based assignment only picks agents whose skills include every
    /// required skill.
    #[test]
    fn skills_picks_only_agents_with_every_required_skill(agents in pool(), weights in weights(), request in request()) {
        let policy = AssignmentPolicy { strategy: AssignmentStrategy::Skills, weights };
        if let Some(id) = pick(&policy, &request, &agents) {
            let agent = find(&agents, id);
            prop_assert!(request.required_skills.is_subset(&agent.skills));
        }
    }

    /// Least loaded (and skill-based) picks an eligible agent of minimal
    /// weighted load, then fewest open tickets, then smallest id.
    #[test]
    fn load_based_strategies_pick_a_least_loaded_agent(agents in pool(), policy in policy(), request in request()) {
        prop_assume!(policy.strategy != AssignmentStrategy::RoundRobin);
        let best = agents
            .iter()
            .filter(|a| eligible(&policy, &request, a))
            .map(|a| (load(a, &policy.weights), a.open.total(), a.id))
            .min();
        let chosen = pick(&policy, &request, &agents);
        prop_assert_eq!(chosen, best.map(|(_, _, id)| id));
        if let (Some(id), Some((min_load, _, _))) = (chosen, best) {
            prop_assert_eq!(load(find(&agents, id), &policy.weights), min_load);
        }
    }

    /// Round robin picks the first eligible id after the cursor, wrapping.
    #[test]
    fn round_robin_picks_the_next_eligible_id(agents in pool(), weights in weights(), request in request()) {
        let policy = AssignmentPolicy { strategy: AssignmentStrategy::RoundRobin, weights };
        let ids: BTreeSet<ActorId> = agents
            .iter()
            .filter(|a| eligible(&policy, &request, a))
            .map(|a| a.id)
            .collect();
        let expected = match request.last_assignee {
            Some(last) => ids.range((std::ops::Bound::Excluded(last), std::ops::Bound::Unbounded)).next().or(ids.first()),
            None => ids.first(),
        };
        prop_assert_eq!(pick(&policy, &request, &agents), expected.copied());
    }
}
