//! Every assignment strategy and every reason to skip an agent, by example.

#![allow(clippy::unwrap_used)]

use chrono::{TimeZone, Utc};
use helpdesk_core::assignment::{
    AgentSnapshot, AssignmentPolicy, AssignmentRequest, Candidate, LoadWeights, OpenTickets,
    SkipReason, Strategy, Verdict, explain, on_shift_at, pick,
};
use helpdesk_core::calendar::Calendar;
use helpdesk_core::{ActorId, GroupId, Priority};

const DESK: GroupId = GroupId::from_u128(1);
const NETWORK: GroupId = GroupId::from_u128(2);

fn id(n: u128) -> ActorId {
    ActorId::from_u128(n)
}

/// A present, on-shift agent of the desk with room for ten tickets.
fn agent(n: u128) -> AgentSnapshot {
    AgentSnapshot::new(id(n), 10).in_group(DESK)
}

fn open(priorities: &[Priority]) -> OpenTickets {
    priorities.iter().copied().collect()
}

fn round_robin() -> AssignmentPolicy {
    AssignmentPolicy::new(Strategy::RoundRobin)
}

fn least_loaded() -> AssignmentPolicy {
    AssignmentPolicy::new(Strategy::LeastLoaded)
}

fn skills() -> AssignmentPolicy {
    AssignmentPolicy::new(Strategy::Skills)
}

fn desk() -> AssignmentRequest {
    AssignmentRequest::new(DESK)
}

fn verdict_of(
    policy: &AssignmentPolicy,
    request: &AssignmentRequest,
    agents: &[AgentSnapshot],
    n: u128,
) -> Verdict {
    explain(policy, request, agents)
        .candidates
        .into_iter()
        .find(|candidate| candidate.agent == id(n))
        .unwrap()
        .verdict
}

fn skipped(reason: SkipReason) -> Verdict {
    Verdict::Skipped { reason }
}

// ---------------------------------------------------------------- round robin

#[test]
fn round_robin_starts_with_the_smallest_id() {
    let agents = [agent(3), agent(1), agent(2)];
    assert_eq!(pick(&round_robin(), &desk(), &agents), Some(id(1)));
}

#[test]
fn round_robin_takes_the_next_id_after_the_last_assignee() {
    let agents = [agent(3), agent(1), agent(2)];
    assert_eq!(
        pick(&round_robin(), &desk().after(id(1)), &agents),
        Some(id(2))
    );
    assert_eq!(
        pick(&round_robin(), &desk().after(id(2)), &agents),
        Some(id(3))
    );
}

#[test]
fn round_robin_wraps_around_after_the_largest_id() {
    let agents = [agent(3), agent(1), agent(2)];
    assert_eq!(
        pick(&round_robin(), &desk().after(id(3)), &agents),
        Some(id(1))
    );
}

#[test]
fn round_robin_continues_after_a_last_assignee_who_left_the_pool() {
    let agents = [agent(1), agent(4), agent(7)];
    assert_eq!(
        pick(&round_robin(), &desk().after(id(5)), &agents),
        Some(id(7))
    );
    assert_eq!(
        pick(&round_robin(), &desk().after(id(9)), &agents),
        Some(id(1))
    );
}

#[test]
fn round_robin_gives_a_lone_agent_every_ticket() {
    let agents = [agent(4)];
    assert_eq!(
        pick(&round_robin(), &desk().after(id(4)), &agents),
        Some(id(4))
    );
}

#[test]
fn round_robin_cycles_through_every_agent_once() {
    let agents = [agent(5), agent(2), agent(9), agent(1)];
    let mut last = None;
    let mut order = Vec::new();
    for _ in 0..8 {
        let request = AssignmentRequest {
            last_assignee: last,
            ..desk()
        };
        last = pick(&round_robin(), &request, &agents);
        order.push(last.unwrap());
    }
    assert_eq!(order, [1, 2, 5, 9, 1, 2, 5, 9].map(id));
}

#[test]
fn round_robin_skips_away_off_shift_and_full_agents() {
    let agents = [
        agent(1),
        agent(2).with_away(true),
        agent(3).with_on_shift(false),
        AgentSnapshot::new(id(4), 1)
            .in_group(DESK)
            .with_open(open(&[Priority::P5])),
        agent(5).in_group(NETWORK),
        AgentSnapshot::new(id(6), 10).in_group(NETWORK),
    ];
    assert_eq!(
        pick(&round_robin(), &desk().after(id(1)), &agents),
        Some(id(5))
    );
    assert_eq!(
        pick(&round_robin(), &desk().after(id(5)), &agents),
        Some(id(1))
    );
}

#[test]
fn round_robin_ignores_load_and_skills() {
    let agents = [agent(1).with_open(open(&[Priority::P1; 9])), agent(2)];
    let request = desk().requiring("kernel");
    assert_eq!(pick(&round_robin(), &request, &agents), Some(id(1)));
}

// ---------------------------------------------------------------- least loaded

#[test]
fn least_loaded_takes_the_smallest_weighted_load() {
    let agents = [
        agent(1).with_open(open(&[Priority::P1])), // 5
        agent(2).with_open(open(&[Priority::P4, Priority::P5])), // 3
        agent(3).with_open(open(&[Priority::P3, Priority::P3])), // 6
    ];
    assert_eq!(pick(&least_loaded(), &desk(), &agents), Some(id(2)));
}

#[test]
fn least_loaded_weighs_priorities_not_counts() {
    // One P1 (load 5) weighs more than four P5 (load 4).
    let agents = [
        agent(1).with_open(open(&[Priority::P1])),
        agent(2).with_open(open(&[Priority::P5; 4])),
    ];
    assert_eq!(pick(&least_loaded(), &desk(), &agents), Some(id(2)));
}

#[test]
fn least_loaded_breaks_ties_by_fewer_open_tickets() {
    // Both weigh 5: one P1 against five P5.
    let agents = [
        agent(1).with_open(open(&[Priority::P5; 5])),
        agent(2).with_open(open(&[Priority::P1])),
    ];
    assert_eq!(pick(&least_loaded(), &desk(), &agents), Some(id(2)));
}

#[test]
fn least_loaded_breaks_remaining_ties_by_id() {
    let agents = [
        agent(8).with_open(open(&[Priority::P2])),
        agent(3).with_open(open(&[Priority::P2])),
        agent(5).with_open(open(&[Priority::P2])),
    ];
    assert_eq!(pick(&least_loaded(), &desk(), &agents), Some(id(3)));
}

#[test]
fn least_loaded_follows_custom_weights() {
    let agents = [
        agent(1).with_open(open(&[Priority::P1])),
        agent(2).with_open(open(&[Priority::P5; 4])),
    ];
    assert_eq!(pick(&least_loaded(), &desk(), &agents), Some(id(2)));
    let uniform = least_loaded().with_weights(LoadWeights::UNIFORM);
    assert_eq!(pick(&uniform, &desk(), &agents), Some(id(1)));
}

#[test]
fn least_loaded_never_takes_an_agent_at_capacity() {
    let agents = [
        AgentSnapshot::new(id(1), 0).in_group(DESK),
        AgentSnapshot::new(id(2), 2)
            .in_group(DESK)
            .with_open(open(&[Priority::P5, Priority::P5])),
        agent(3).with_open(open(&[Priority::P1, Priority::P1])),
    ];
    assert_eq!(pick(&least_loaded(), &desk(), &agents), Some(id(3)));
}

#[test]
fn least_loaded_skips_away_and_off_shift_agents() {
    let agents = [
        agent(1).with_away(true),
        agent(2).with_on_shift(false),
        agent(3).with_open(open(&[Priority::P1])),
    ];
    assert_eq!(pick(&least_loaded(), &desk(), &agents), Some(id(3)));
}

#[test]
fn least_loaded_ignores_required_skills() {
    let agents = [agent(1)];
    assert_eq!(
        pick(&least_loaded(), &desk().requiring("sap"), &agents),
        Some(id(1))
    );
}

// ---------------------------------------------------------------- skills

#[test]
fn skills_requires_every_skill_of_the_ticket() {
    let agents = [
        agent(1).with_skill("linux"),
        agent(2).with_skill("networking"),
        agent(3)
            .with_skill("linux")
            .with_skill("networking")
            .with_skill("sap"),
    ];
    let request = desk().requiring("linux").requiring("networking");
    assert_eq!(pick(&skills(), &request, &agents), Some(id(3)));
}

#[test]
fn skills_takes_the_least_loaded_of_the_skilled_agents() {
    let agents = [
        agent(1)
            .with_skill("linux")
            .with_open(open(&[Priority::P2])),
        agent(2)
            .with_skill("linux")
            .with_open(open(&[Priority::P4])),
        agent(3),
    ];
    let request = desk().requiring("linux");
    assert_eq!(pick(&skills(), &request, &agents), Some(id(2)));
}

#[test]
fn skills_without_required_skills_is_least_loaded() {
    let agents = [
        agent(1).with_open(open(&[Priority::P2])),
        agent(2).with_skill("linux"),
    ];
    assert_eq!(pick(&skills(), &desk(), &agents), Some(id(2)));
}

#[test]
fn skills_compares_names_exactly() {
    let agents = [agent(1).with_skill("Linux")];
    assert_eq!(pick(&skills(), &desk().requiring("linux"), &agents), None);
}

#[test]
fn skills_finds_nobody_when_no_agent_has_the_skills() {
    let agents = [agent(1).with_skill("sap"), agent(2)];
    assert_eq!(pick(&skills(), &desk().requiring("kernel"), &agents), None);
}

#[test]
fn skills_still_skips_agents_at_capacity() {
    let agents = [
        AgentSnapshot::new(id(1), 1)
            .in_group(DESK)
            .with_skill("sap")
            .with_open(open(&[Priority::P5])),
        agent(2)
            .with_skill("sap")
            .with_open(open(&[Priority::P1; 5])),
    ];
    assert_eq!(
        pick(&skills(), &desk().requiring("sap"), &agents),
        Some(id(2))
    );
}

// ---------------------------------------------------------------- pools

#[test]
fn an_empty_pool_gives_nobody() {
    for strategy in Strategy::ALL {
        let policy = AssignmentPolicy::new(strategy);
        assert_eq!(pick(&policy, &desk(), &[]), None);
        let why = explain(&policy, &desk(), &[]);
        assert_eq!(why.assignee, None);
        assert!(why.candidates.is_empty());
    }
}

#[test]
fn a_pool_without_the_group_gives_nobody() {
    let agents = [AgentSnapshot::new(id(1), 10).in_group(NETWORK)];
    for strategy in Strategy::ALL {
        assert_eq!(
            pick(&AssignmentPolicy::new(strategy), &desk(), &agents),
            None
        );
    }
}

#[test]
fn the_order_of_the_pool_does_not_matter() {
    let agents = vec![
        agent(4).with_open(open(&[Priority::P3])).with_skill("sap"),
        agent(2).with_open(open(&[Priority::P3])).with_skill("sap"),
        agent(9).with_skill("sap").with_away(true),
        agent(6)
            .with_open(open(&[Priority::P5, Priority::P5, Priority::P5]))
            .with_skill("sap"),
    ];
    let mut reversed = agents.clone();
    reversed.reverse();
    for strategy in Strategy::ALL {
        let policy = AssignmentPolicy::new(strategy);
        for request in [
            desk(),
            desk().after(id(2)).requiring("sap"),
            desk().after(id(6)),
        ] {
            assert_eq!(
                pick(&policy, &request, &agents),
                pick(&policy, &request, &reversed)
            );
            assert_eq!(
                explain(&policy, &request, &agents),
                explain(&policy, &request, &reversed)
            );
        }
    }
}

// ---------------------------------------------------------------- skip reasons

#[test]
fn explains_not_in_group() {
    let agents = [
        AgentSnapshot::new(id(1), 10).in_group(NETWORK),
        AgentSnapshot::new(id(2), 10),
    ];
    for strategy in Strategy::ALL {
        let policy = AssignmentPolicy::new(strategy);
        assert_eq!(
            verdict_of(&policy, &desk(), &agents, 1),
            skipped(SkipReason::NotInGroup)
        );
        assert_eq!(
            verdict_of(&policy, &desk(), &agents, 2),
            skipped(SkipReason::NotInGroup)
        );
    }
}

#[test]
fn explains_away() {
    let agents = [agent(1).with_away(true)];
    for strategy in Strategy::ALL {
        let policy = AssignmentPolicy::new(strategy);
        assert_eq!(
            verdict_of(&policy, &desk(), &agents, 1),
            skipped(SkipReason::Away)
        );
    }
}

#[test]
fn explains_off_shift() {
    let agents = [agent(1).with_on_shift(false)];
    for strategy in Strategy::ALL {
        let policy = AssignmentPolicy::new(strategy);
        assert_eq!(
            verdict_of(&policy, &desk(), &agents, 1),
            skipped(SkipReason::OffShift)
        );
    }
}

#[test]
fn explains_at_capacity_with_counts() {
    let agents = [
        AgentSnapshot::new(id(1), 2)
            .in_group(DESK)
            .with_open(open(&[Priority::P1, Priority::P5])),
        AgentSnapshot::new(id(2), 2)
            .in_group(DESK)
            .with_open(open(&[Priority::P5; 3])),
        AgentSnapshot::new(id(3), 0).in_group(DESK),
    ];
    for strategy in Strategy::ALL {
        let policy = AssignmentPolicy::new(strategy);
        assert_eq!(
            verdict_of(&policy, &desk(), &agents, 1),
            skipped(SkipReason::AtCapacity {
                open: 2,
                capacity: 2
            })
        );
        assert_eq!(
            verdict_of(&policy, &desk(), &agents, 2),
            skipped(SkipReason::AtCapacity {
                open: 3,
                capacity: 2
            })
        );
        assert_eq!(
            verdict_of(&policy, &desk(), &agents, 3),
            skipped(SkipReason::AtCapacity {
                open: 0,
                capacity: 0
            })
        );
        assert_eq!(pick(&policy, &desk(), &agents), None);
    }
}

#[test]
fn explains_missing_skills_listing_each_in_order() {
    let agents = [agent(1).with_skill("networking")];
    let request = desk()
        .requiring("sap")
        .requiring("linux")
        .requiring("networking");
    assert_eq!(
        verdict_of(&skills(), &request, &agents, 1),
        skipped(SkipReason::MissingSkills {
            missing: vec!["linux".to_owned(), "sap".to_owned()]
        })
    );
}

#[test]
fn missing_skills_only_matter_to_skill_based_assignment() {
    let agents = [agent(1)];
    let request = desk().requiring("sap");
    for policy in [round_robin(), least_loaded()] {
        assert_eq!(
            verdict_of(&policy, &request, &agents, 1),
            Verdict::Eligible { open: 0, load: 0 }
        );
    }
}

#[test]
fn explains_eligible_agents_with_open_tickets_and_load() {
    let agents = [agent(1).with_open(open(&[Priority::P1, Priority::P3, Priority::P3]))];
    assert_eq!(
        verdict_of(&least_loaded(), &desk(), &agents, 1),
        Verdict::Eligible { open: 3, load: 11 }
    );
    let uniform = least_loaded().with_weights(LoadWeights::UNIFORM);
    assert_eq!(
        verdict_of(&uniform, &desk(), &agents, 1),
        Verdict::Eligible { open: 3, load: 3 }
    );
}

#[test]
fn the_first_failing_check_is_the_reason() {
    // Out of the group, away, off shift, full and unskilled: not in group.
    let everything = AgentSnapshot::new(id(1), 0)
        .with_away(true)
        .with_on_shift(false);
    // In the group: away comes before off shift and capacity.
    let away = AgentSnapshot::new(id(2), 0)
        .in_group(DESK)
        .with_away(true)
        .with_on_shift(false);
    // Present: off shift comes before capacity.
    let off = AgentSnapshot::new(id(3), 0)
        .in_group(DESK)
        .with_on_shift(false);
    // On shift: capacity comes before skills.
    let full = AgentSnapshot::new(id(4), 0).in_group(DESK);
    let agents = [everything, away, off, full];
    let request = desk().requiring("sap");
    let why = explain(&skills(), &request, &agents);
    let reasons: Vec<Verdict> = why.candidates.into_iter().map(|c| c.verdict).collect();
    assert_eq!(
        reasons,
        [
            skipped(SkipReason::NotInGroup),
            skipped(SkipReason::Away),
            skipped(SkipReason::OffShift),
            skipped(SkipReason::AtCapacity {
                open: 0,
                capacity: 0
            }),
        ]
    );
}

// ---------------------------------------------------------------- explanations

#[test]
fn explanation_lists_every_agent_in_id_order_and_agrees_with_pick() {
    let agents = [
        agent(3),
        agent(1).with_away(true),
        AgentSnapshot::new(id(2), 10).in_group(NETWORK),
    ];
    for strategy in Strategy::ALL {
        let policy = AssignmentPolicy::new(strategy);
        let why = explain(&policy, &desk(), &agents);
        let order: Vec<ActorId> = why.candidates.iter().map(|c| c.agent).collect();
        assert_eq!(order, [1, 2, 3].map(id));
        assert_eq!(why.assignee, pick(&policy, &desk(), &agents));
        assert_eq!(why.assignee, Some(id(3)));
        assert_eq!(why.strategy, strategy);
        assert_eq!(why.group, DESK);
        let eligible: Vec<&Candidate> = why.eligible().collect();
        assert_eq!(eligible.len(), 1);
    }
}

#[test]
fn explanation_reads_as_text() {
    let agents = [
        agent(1).with_away(true),
        agent(2).with_open(open(&[Priority::P2])),
        AgentSnapshot::new(id(3), 1)
            .in_group(DESK)
            .with_open(open(&[Priority::P4])),
        agent(4).with_on_shift(false),
        AgentSnapshot::new(id(5), 3).in_group(NETWORK),
        agent(6).with_skill("linux"),
    ];
    let why = explain(&skills(), &desk().requiring("sap"), &agents);
    let text = why.to_string();
    let expected = format!(
        "skills in group {DESK}: no eligible agent\n  {}: skipped, away\n  {}: skipped, missing skills: sap\n  {}: skipped, at capacity (1 open, capacity 1)\n  {}: skipped, off shift\n  {}: skipped, not in the group\n  {}: skipped, missing skills: sap\n",
        id(1),
        id(2),
        id(3),
        id(4),
        id(5),
        id(6)
    );
    assert_eq!(text, expected);

    let why = explain(&least_loaded(), &desk(), &agents);
    let text = why.to_string();
    assert!(text.starts_with(&format!(
        "least_loaded in group {DESK}: assigned to {}\n",
        id(6)
    )));
    assert!(text.contains(&format!("* {}: eligible, 0 open, load 0\n", id(6))));
    assert!(text.contains(&format!("  {}: eligible, 1 open, load 4\n", id(2))));
}

#[test]
fn explanation_serializes_to_json() {
    let agents = [agent(1).with_away(true), agent(2).with_skill("sap")];
    let why = explain(
        &skills(),
        &desk().requiring("sap").requiring("linux"),
        &agents,
    );
    let json = serde_json::to_value(&why).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "strategy": "skills",
            "group": DESK.to_string(),
            "assignee": null,
            "candidates": [
                {"agent": id(1).to_string(), "verdict": "skipped", "reason": "away"},
                {"agent": id(2).to_string(), "verdict": "skipped",
                 "reason": {"missing_skills": {"missing": ["linux"]}}},
            ]
        })
    );
    let back: helpdesk_core::assignment::Explanation = serde_json::from_value(json).unwrap();
    assert_eq!(back, why);
}

// ---------------------------------------------------------------- shifts

fn weekday_calendar() -> Calendar {
    serde_json::from_str(
        r#"{"tz": "Europe/Berlin", "week": {"mon": ["09:00-17:00"], "tue": ["09:00-17:00"]}}"#,
    )
    .unwrap()
}

#[test]
fn shift_follows_the_agent_calendar() {
    let calendar = weekday_calendar();
    // Monday 2026-03-02: 09:00 in Berlin is 08:00 UTC.
    let before = Utc.with_ymd_and_hms(2026, 3, 2, 7, 59, 59).unwrap();
    let start = Utc.with_ymd_and_hms(2026, 3, 2, 8, 0, 0).unwrap();
    let end = Utc.with_ymd_and_hms(2026, 3, 2, 16, 0, 0).unwrap();
    assert!(!on_shift_at(Some(&calendar), before));
    assert!(on_shift_at(Some(&calendar), start));
    assert!(!on_shift_at(Some(&calendar), end));
    assert!(on_shift_at(None, before), "no calendar: always on shift");
}

#[test]
fn an_agent_off_shift_by_calendar_is_skipped() {
    let calendar = weekday_calendar();
    let sunday = Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap();
    let agents = [
        agent(1).with_shift_from(Some(&calendar), sunday),
        agent(2).with_shift_from(None, sunday),
    ];
    for strategy in Strategy::ALL {
        let policy = AssignmentPolicy::new(strategy);
        assert_eq!(pick(&policy, &desk(), &agents), Some(id(2)));
        assert_eq!(
            verdict_of(&policy, &desk(), &agents, 1),
            skipped(SkipReason::OffShift)
        );
    }
}

// ---------------------------------------------------------------- values

#[test]
fn strategies_have_snake_case_names() {
    let names: Vec<String> = Strategy::ALL
        .iter()
        .map(|s| serde_json::to_string(s).unwrap())
        .collect();
    assert_eq!(
        names,
        [r#""round_robin""#, r#""least_loaded""#, r#""skills""#]
    );
    for strategy in Strategy::ALL {
        assert_eq!(
            format!("\"{strategy}\""),
            serde_json::to_string(&strategy).unwrap()
        );
    }
    assert!(serde_json::from_str::<Strategy>(r#""random""#).is_err());
}

#[test]
fn default_weights_run_from_five_to_one() {
    let weights = LoadWeights::default();
    let by_priority: Vec<u32> = Priority::ALL.iter().map(|p| weights.weight(*p)).collect();
    assert_eq!(by_priority, [5, 4, 3, 2, 1]);
    assert_eq!(
        serde_json::to_value(weights).unwrap(),
        serde_json::json!({"P1": 5, "P2": 4, "P3": 3, "P4": 2, "P5": 1})
    );
    assert!(
        serde_json::from_str::<LoadWeights>(r#"{"p1": 3}"#).is_err(),
        "typo is refused"
    );
}

#[test]
fn policy_reads_from_toml_with_defaults() {
    let policy: AssignmentPolicy =
        toml::from_str("strategy = \"least_loaded\"\n[weights]\nP5 = 0\n").unwrap();
    assert_eq!(policy.strategy, Strategy::LeastLoaded);
    assert_eq!(
        policy.weights,
        LoadWeights {
            p5: 0,
            ..LoadWeights::DEFAULT
        }
    );
    assert_eq!(
        toml::from_str::<AssignmentPolicy>("").unwrap(),
        AssignmentPolicy::default()
    );
    assert_eq!(AssignmentPolicy::from(Strategy::Skills), skills());
}

#[test]
fn snapshot_reads_from_json_with_defaults() {
    let snapshot: AgentSnapshot = serde_json::from_str(&format!(
        r#"{{"id": "{}", "groups": ["{DESK}"], "skills": ["sap"], "capacity": 4, "open": {{"P1": 1}}}}"#,
        id(1)
    ))
    .unwrap();
    assert_eq!(
        snapshot,
        AgentSnapshot::new(id(1), 4)
            .in_group(DESK)
            .with_skill("sap")
            .with_open(open(&[Priority::P1]))
    );
    assert!(snapshot.on_shift && !snapshot.away);
    let back: AgentSnapshot =
        serde_json::from_value(serde_json::to_value(&snapshot).unwrap()).unwrap();
    assert_eq!(back, snapshot);
}

#[test]
fn request_reads_from_json_with_defaults() {
    let request: AssignmentRequest =
        serde_json::from_str(&format!(r#"{{"group": "{DESK}"}}"#)).unwrap();
    assert_eq!(request, desk());
}

#[test]
fn open_tickets_count_add_and_remove() {
    let mut tickets = OpenTickets::default();
    tickets.add(Priority::P1);
    tickets.add(Priority::P1);
    tickets.add(Priority::P4);
    assert_eq!(tickets.count(Priority::P1), 2);
    assert_eq!(tickets.total(), 3);
    assert_eq!(tickets.load(&LoadWeights::DEFAULT), 12);
    tickets.remove(Priority::P1);
    tickets.remove(Priority::P5);
    assert_eq!(tickets, open(&[Priority::P1, Priority::P4]));
    let mut full = OpenTickets {
        p3: u32::MAX,
        ..OpenTickets::NONE
    };
    full.add(Priority::P3);
    assert_eq!(full.count(Priority::P3), u32::MAX);
}

#[test]
fn huge_counts_neither_overflow_nor_slip_under_capacity() {
    let huge = OpenTickets {
        p1: u32::MAX,
        p2: u32::MAX,
        p3: u32::MAX,
        p4: u32::MAX,
        p5: u32::MAX,
    };
    assert_eq!(huge.total(), 5 * u64::from(u32::MAX));
    let heavy = LoadWeights {
        p1: u32::MAX,
        p2: u32::MAX,
        p3: u32::MAX,
        p4: u32::MAX,
        p5: u32::MAX,
    };
    assert_eq!(huge.load(&heavy), u64::MAX, "saturates");
    let agents = [AgentSnapshot::new(id(1), u32::MAX)
        .in_group(DESK)
        .with_open(huge)];
    for strategy in Strategy::ALL {
        assert_eq!(
            pick(&AssignmentPolicy::new(strategy), &desk(), &agents),
            None
        );
    }
}
