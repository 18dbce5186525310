#![allow(missing_docs)] // criterion_group! generates undocumented items
//! Picking an assignee among 1,000 agents in 20 groups, with each strategy,
//! and explaining the pick. Loads, skills, presence and shifts are drawn
//! from a fixed seed, so every run measures the same pool. Goal: a median
//! pick under 20 microseconds.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use helpdesk::assignment::{
    AgentSnapshot, AssignmentPolicy, AssignmentRequest, OpenTickets, Strategy, explain, pick,
};
use helpdesk::{ActorId, GroupId, Priority};

const AGENTS: u64 = 1_000;
const GROUPS: u64 = 20;
const SKILLS: [&str; 10] = [
    "linux",
    "windows",
    "macos",
    "networking",
    "sap",
    "printing",
    "vpn",
    "email",
    "database",
    "security",
];

/// SplitMix64: a fixed, well-mixed sequence from a seed.
struct Seeded(u64);

impl Seeded {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// 1,000 agents with random ids, each in one group (a fifth of them in a
/// second one), with 2 to 4 skills, capacity 8 to 15, 0 to 11 open tickets
/// of random priorities, 10% away and 10% off shift, in random order.
fn pool() -> Vec<AgentSnapshot> {
    let mut rng = Seeded(0x00C0_FFEE);
    (0..AGENTS)
        .map(|i| {
            let id = ActorId::from_u128(u128::from(rng.next()) << 64 | u128::from(i));
            let capacity = 8 + rng.below(8) as u32;
            let mut agent = AgentSnapshot::new(id, capacity).in_group(group(i % GROUPS));
            if rng.below(5) == 0 {
                agent = agent.in_group(group(rng.below(GROUPS)));
            }
            for _ in 0..2 + rng.below(3) {
                agent = agent.with_skill(SKILLS[rng.below(SKILLS.len() as u64) as usize]);
            }
            let open: OpenTickets = (0..rng.below(12))
                .map(|_| Priority::ALL[rng.below(5) as usize])
                .collect();
            agent
                .with_open(open)
                .with_away(rng.below(10) == 0)
                .with_on_shift(rng.below(10) != 0)
        })
        .collect()
}

fn group(n: u64) -> GroupId {
    GroupId::from_u128(u128::from(n) + 1)
}

fn request(agents: &[AgentSnapshot]) -> AssignmentRequest {
    let desk = group(7);
    let mut request = AssignmentRequest::new(desk)
        .requiring("linux")
        .requiring("vpn");
    // The cursor is a member of the group halfway through it.
    let mut members: Vec<ActorId> = agents
        .iter()
        .filter(|agent| agent.groups.contains(&desk))
        .map(|agent| agent.id)
        .collect();
    members.sort();
    if let Some(middle) = members.get(members.len() / 2) {
        request = request.after(*middle);
    }
    request
}

fn pick_among_1000(c: &mut Criterion) {
    let agents = pool();
    let request = request(&agents);
    let mut group = c.benchmark_group("pick/1000_agents");
    for strategy in Strategy::ALL {
        let policy = AssignmentPolicy::new(strategy);
        assert!(
            pick(&policy, &request, &agents).is_some(),
            "{strategy} finds nobody"
        );
        group.bench_function(strategy.to_string(), |b| {
            b.iter(|| pick(black_box(&policy), black_box(&request), black_box(&agents)))
        });
    }
    group.finish();
}

fn explain_among_1000(c: &mut Criterion) {
    let agents = pool();
    let request = request(&agents);
    let policy = AssignmentPolicy::new(Strategy::Skills);
    c.bench_function("explain/1000_agents/skills", |b| {
        b.iter(|| explain(black_box(&policy), black_box(&request), black_box(&agents)))
    });
}

criterion_group!(benches, pick_among_1000, explain_among_1000);
criterion_main!(benches);
