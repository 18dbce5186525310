//! SLA clocks driven through `decide`: start, warn, breach, pause, resume,
//! stop, cycles, retargeting and recomputing, on calendar and business time.
#![allow(clippy::unwrap_used)]

use chrono::{DateTime, Duration, TimeZone, Utc};
use helpdesk_core::sla::{CycleState, Metric, Outcome, SlaCycle, Warning};
use helpdesk_core::*;

struct Desk {
    config: DeskConfig,
    requester: Actor,
    agent: Actor,
    admin: Actor,
    system: Actor,
    t0: DateTime<Utc>,
}

struct Run {
    ticket: Ticket,
    history: Vec<Event>,
}

fn desk(policies: serde_json::Value) -> Desk {
    let tenant = TenantId::from_u128(1);
    let mut config: DeskConfig = serde_json::from_value(serde_json::json!({
        "calendars": {
            "berlin": {"tz": "Europe/Berlin", "week": {
                "mon": ["09:00-17:00"], "tue": ["09:00-17:00"], "wed": ["09:00-17:00"],
                "thu": ["09:00-17:00"], "fri": ["09:00-17:00"]}}
        },
    }))
    .unwrap();
    config.sla_policies = serde_json::from_value(policies).unwrap();
    config.validate().unwrap();
    Desk {
        config,
        requester: Actor::requester(ActorId::from_u128(100), tenant),
        agent: Actor::agent(ActorId::from_u128(200), tenant, [GroupId::from_u128(10)]),
        admin: Actor::admin(ActorId::from_u128(400), tenant),
        system: Actor::system(ActorId::from_u128(500), tenant),
        // Monday 2026-03-02 09:00 UTC.
        t0: Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap(),
    }
}

/// Calendar time: first response 1h, next response 2h, periodic update 4h,
/// resolution 8h at P3 (P1: 15m, 30m, 1h, 2h); warnings at 50% and 10m before.
fn standard() -> serde_json::Value {
    serde_json::json!([
        {"key": "vip", "when": {"tags_any": ["vip"]},
         "targets": {"first_response": {"P1": "5m", "P3": "10m"}, "resolution": {"P1": "1h", "P3": "2h"}}},
        {"key": "standard",
         "targets": {
            "first_response": {"P1": "15m", "P3": "1h"},
            "next_response": {"P1": "30m", "P3": "2h"},
            "periodic_update": {"P1": "1h", "P3": "4h"},
            "resolution": {"P1": "2h", "P3": "8h"}},
         "warnings": [{"percent": 50}, {"before": "10m"}]}
    ])
}

impl Desk {
    fn at(&self, minutes: i64) -> DateTime<Utc> {
        self.t0 + Duration::minutes(minutes)
    }

    fn open(&self, new: NewTicket) -> Run {
        let mut run = Run {
            ticket: Ticket::new(TicketId::from_u128(1)),
            history: vec![],
        };
        self.run(&mut run, 0, &self.admin.clone(), Command::Open(new));
        run
    }

    fn run(&self, run: &mut Run, minutes: i64, actor: &Actor, command: Command) -> Vec<Change> {
        let ctx = Context::new(actor, self.at(minutes), &self.config);
        let events = decide(&run.ticket, command, &ctx).unwrap();
        for event in &events {
            apply(&mut run.ticket, event);
        }
        run.history.extend(events.iter().cloned());
        assert_eq!(
            Ticket::replay(run.ticket.id(), &run.history),
            run.ticket,
            "replay equals state"
        );
        events.into_iter().map(|e| e.change).collect()
    }

    fn reply(&self, run: &mut Run, minutes: i64, actor: &Actor) -> Vec<Change> {
        let id = CommentId::from_u128(run.ticket.conversation().len() as u128 + 1);
        self.run(
            run,
            minutes,
            actor,
            Command::Reply {
                comment: id,
                body: "…".into(),
                attachments: Vec::new(),
            },
        )
    }

    fn check(&self, run: &mut Run, minutes: i64) -> Vec<Change> {
        self.run(run, minutes, &self.system.clone(), Command::CheckSla)
    }
}

fn new_ticket(desk: &Desk) -> NewTicket {
    NewTicket::new(desk.requester.id, "Cannot print", "")
}

fn cycle(ticket: &Ticket, metric: Metric, number: u32) -> &SlaCycle {
    ticket.sla_cycle(metric, number).unwrap()
}

fn types(changes: &[Change]) -> Vec<&'static str> {
    changes.iter().map(Change::type_name).collect()
}

#[test]
fn opening_applies_the_first_matching_policy_and_starts_its_clocks() {
    let desk = desk(standard());
    let run = desk.open(new_ticket(&desk));
    assert_eq!(
        types(
            &run.history
                .iter()
                .map(|e| e.change.clone())
                .collect::<Vec<_>>()
        ),
        ["opened", "sla_policy_changed", "sla_started", "sla_started"]
    );
    assert_eq!(run.ticket.sla_policy(), Some("standard"));
    let first = cycle(&run.ticket, Metric::FirstResponse, 1);
    assert_eq!(first.due, Some(desk.at(60)));
    assert_eq!(
        first
            .warnings
            .iter()
            .map(|w| w.at.unwrap())
            .collect::<Vec<_>>(),
        [desk.at(30), desk.at(50)]
    );
    assert_eq!(
        cycle(&run.ticket, Metric::Resolution, 1).due,
        Some(desk.at(480))
    );
    assert_eq!(
        run.ticket
            .next_sla_due()
            .map(|(at, t)| (at, t.metric, t.warning)),
        Some((
            desk.at(30),
            Metric::FirstResponse,
            Some(Warning::Percent(50))
        ))
    );

    let vip = desk.open(new_ticket(&desk).tag("vip"));
    assert_eq!(vip.ticket.sla_policy(), Some("vip"));
    assert_eq!(
        cycle(&vip.ticket, Metric::FirstResponse, 1).due,
        Some(desk.at(10))
    );
}

#[test]
fn a_reply_in_time_meets_first_response() {
    let desk = desk(standard());
    let mut run = desk.open(new_ticket(&desk));
    let changes = desk.reply(&mut run, 20, &desk.agent.clone());
    assert!(changes.contains(&Change::SlaStopped {
        metric: Metric::FirstResponse,
        cycle: 1,
        outcome: Outcome::Met,
        elapsed_ms: 20 * 60_000
    }));
    // The same reply starts the first periodic update cycle.
    assert_eq!(
        cycle(&run.ticket, Metric::PeriodicUpdate, 1).due,
        Some(desk.at(20 + 240))
    );
}

#[test]
fn check_sla_records_each_warning_and_breach_exactly_once_however_late() {
    let desk = desk(standard());
    let mut run = desk.open(new_ticket(&desk));
    assert_eq!(desk.check(&mut run, 29), vec![]);
    assert_eq!(
        desk.check(&mut run, 30),
        [Change::SlaWarned {
            metric: Metric::FirstResponse,
            cycle: 1,
            warning: Warning::Percent(50),
            due: desk.at(30),
        }]
    );
    assert_eq!(desk.check(&mut run, 30), vec![]);
    // Very late: the rest of first response's triggers at once, in order;
    // resolution's 50% too.
    let late = desk.check(&mut run, 300);
    assert_eq!(types(&late), ["sla_warned", "sla_breached", "sla_warned"]);
    assert_eq!(desk.check(&mut run, 301), vec![]);
    assert_eq!(
        desk.check(&mut run, 100_000).len(),
        2,
        "resolution's 10m-before warning and breach"
    );
    assert_eq!(desk.check(&mut run, 100_001), vec![]);

    // The breached clock kept measuring: the overrun is known.
    let changes = desk.reply(&mut run, 180, &desk.agent.clone());
    assert!(changes.contains(&Change::SlaStopped {
        metric: Metric::FirstResponse,
        cycle: 1,
        outcome: Outcome::Breached,
        elapsed_ms: 180 * 60_000
    }));
}

#[test]
fn a_late_reply_without_a_check_still_records_the_breach_first() {
    let desk = desk(standard());
    let mut run = desk.open(new_ticket(&desk));
    let changes = desk.reply(&mut run, 75, &desk.agent.clone());
    assert_eq!(
        types(&changes)[..4],
        ["sla_warned", "sla_warned", "sla_breached", "replied"],
        "what fell due before the reply comes first"
    );
    let first = cycle(&run.ticket, Metric::FirstResponse, 1);
    assert_eq!(
        (first.state, first.outcome, first.breached),
        (CycleState::Stopped, Some(Outcome::Breached), true)
    );
}

#[test]
fn a_reply_exactly_at_the_deadline_is_late() {
    let desk = desk(standard());
    let mut run = desk.open(new_ticket(&desk));
    desk.reply(&mut run, 60, &desk.agent.clone());
    assert_eq!(
        cycle(&run.ticket, Metric::FirstResponse, 1).outcome,
        Some(Outcome::Breached)
    );
}

#[test]
fn waiting_pauses_resolution_and_reopening_resumes_it_with_the_time_kept() {
    let desk = desk(standard());
    let mut run = desk.open(new_ticket(&desk));
    let agent = desk.agent.clone();
    desk.reply(&mut run, 10, &agent);
    let changes = desk.run(
        &mut run,
        60,
        &agent,
        Command::ChangeStatus {
            status: StatusTarget::Pending,
        },
    );
    assert!(changes.contains(&Change::SlaPaused {
        metric: Metric::Resolution,
        cycle: 1,
        elapsed_ms: 60 * 60_000
    }));
    assert_eq!(
        run.ticket.next_sla_due(),
        None,
        "nothing runs while pending"
    );

    // The requester answers two hours later: resolution resumes with 7h left.
    desk.reply(&mut run, 180, &desk.requester.clone());
    assert_eq!(run.ticket.status().category, StatusCategory::Open);
    let resolution = cycle(&run.ticket, Metric::Resolution, 1);
    assert_eq!(resolution.state, CycleState::Running);
    assert_eq!(
        resolution.due,
        Some(desk.at(180 + 420)),
        "the pause moved the deadline by exactly its length"
    );

    let resolve = Command::Resolve {
        resolution: Resolution::new(ResolutionCode::Solved, "Done"),
        sub_status: None,
    };
    desk.run(&mut run, 240, &agent, resolve);
    let resolution = cycle(&run.ticket, Metric::Resolution, 1);
    assert_eq!(
        (resolution.outcome, resolution.elapsed_ms),
        (Some(Outcome::Met), 120 * 60_000)
    );

    desk.run(&mut run, 300, &desk.requester.clone(), Command::Reopen);
    let resolution = cycle(&run.ticket, Metric::Resolution, 1);
    assert_eq!(resolution.state, CycleState::Running);
    assert_eq!(resolution.outcome, None);
    assert_eq!(
        resolution.due,
        Some(desk.at(300 + 360)),
        "6h left after 2h used"
    );
    assert_eq!(
        run.ticket
            .sla()
            .filter(|c| c.metric == Metric::Resolution)
            .count(),
        1
    );
}

#[test]
fn next_response_runs_one_cycle_per_exchange_and_keeps_every_cycle() {
    let desk = desk(standard());
    let mut run = desk.open(new_ticket(&desk));
    let (agent, requester) = (desk.agent.clone(), desk.requester.clone());
    // A requester message before any agent reply is covered by first response.
    desk.reply(&mut run, 5, &requester);
    assert!(run.ticket.sla().all(|c| c.metric != Metric::NextResponse));
    desk.reply(&mut run, 10, &agent);
    desk.reply(&mut run, 20, &requester);
    assert_eq!(
        cycle(&run.ticket, Metric::NextResponse, 1).due,
        Some(desk.at(20 + 120))
    );
    // A second requester message does not move the running deadline.
    let changes = desk.reply(&mut run, 50, &requester);
    assert!(!types(&changes).contains(&"sla_started"));
    assert_eq!(
        cycle(&run.ticket, Metric::NextResponse, 1).due,
        Some(desk.at(140))
    );
    desk.reply(&mut run, 200, &agent);
    desk.reply(&mut run, 210, &requester);
    desk.reply(&mut run, 220, &agent);
    let outcomes: Vec<_> = run
        .ticket
        .sla()
        .filter(|c| c.metric == Metric::NextResponse)
        .map(|c| c.outcome)
        .collect();
    assert_eq!(
        outcomes,
        [Some(Outcome::Breached), Some(Outcome::Met)],
        "how often did we miss? once"
    );
    let periodic = run
        .ticket
        .sla()
        .filter(|c| c.metric == Metric::PeriodicUpdate)
        .count();
    assert_eq!(
        periodic, 3,
        "each agent reply closes one periodic-update cycle and opens the next"
    );
}

#[test]
fn a_priority_change_retargets_running_clocks_keeping_elapsed_time() {
    let desk = desk(standard());
    let mut run = desk.open(new_ticket(&desk));
    let changes = desk.run(
        &mut run,
        40,
        &desk.agent.clone(),
        Command::SetImpactUrgency {
            impact: Impact::High,
            urgency: Urgency::High,
        },
    );
    assert_eq!(
        types(&changes),
        [
            "sla_warned",
            "impact_urgency_changed",
            "priority_changed",
            "sla_retargeted",
            "sla_retargeted"
        ]
    );
    // P1 first response is 15 minutes and 40 have passed: overdue at once.
    let first = cycle(&run.ticket, Metric::FirstResponse, 1);
    assert_eq!(
        (first.target_ms, first.due),
        (15 * 60_000, Some(desk.at(40)))
    );
    assert_eq!(
        cycle(&run.ticket, Metric::Resolution, 1).due,
        Some(desk.at(120)),
        "2h target, 40m kept"
    );
    assert_eq!(
        types(&desk.check(&mut run, 40)),
        ["sla_warned", "sla_breached"]
    );
}

#[test]
fn a_tag_that_matches_another_policy_switches_it() {
    let desk = desk(standard());
    let mut run = desk.open(new_ticket(&desk));
    let changes = desk.run(
        &mut run,
        4,
        &desk.agent.clone(),
        Command::Tag { tag: "vip".into() },
    );
    assert_eq!(
        types(&changes),
        [
            "tagged",
            "sla_policy_changed",
            "sla_retargeted",
            "sla_retargeted"
        ]
    );
    assert_eq!(run.ticket.sla_policy(), Some("vip"));
    assert_eq!(
        cycle(&run.ticket, Metric::FirstResponse, 1).due,
        Some(desk.at(10))
    );
}

#[test]
fn merging_cancels_the_clocks() {
    let desk = desk(standard());
    let mut run = desk.open(new_ticket(&desk));
    let changes = desk.run(
        &mut run,
        4,
        &desk.agent.clone(),
        Command::Merge {
            into: TicketId::from_u128(9),
        },
    );
    assert_eq!(
        types(&changes),
        ["merged", "sla_cancelled", "sla_cancelled"]
    );
    assert!(run.ticket.sla().all(|c| c.state == CycleState::Cancelled));
    assert_eq!(
        desk.check(&mut run, 1000),
        vec![],
        "nothing runs on a merged ticket"
    );
}

#[test]
fn business_time_counts_only_working_hours() {
    let desk = desk(serde_json::json!([{
        "key": "office", "calendar": "berlin",
        "targets": {"first_response": {"P3": "2h"}}
    }]));
    // Friday 2026-03-06 15:00 UTC = 16:00 in Berlin: one hour left on Friday.
    let friday = Utc.with_ymd_and_hms(2026, 3, 6, 15, 0, 0).unwrap();
    let minutes = (friday - desk.t0).num_minutes();
    let mut run = Run {
        ticket: Ticket::new(TicketId::from_u128(1)),
        history: vec![],
    };
    desk.run(
        &mut run,
        minutes,
        &desk.admin.clone(),
        Command::Open(new_ticket(&desk)),
    );
    // ... and one on Monday from 09:00 Berlin (08:00 UTC).
    assert_eq!(
        cycle(&run.ticket, Metric::FirstResponse, 1).due,
        Some(Utc.with_ymd_and_hms(2026, 3, 9, 9, 0, 0).unwrap())
    );
}

#[test]
fn recomputing_after_a_calendar_change_moves_deadlines_once() {
    let mut desk = desk(serde_json::json!([{
        "key": "office", "calendar": "berlin",
        "targets": {"resolution": {"P3": "16h"}}
    }]));
    let mut run = desk.open(new_ticket(&desk));
    let agent = desk.agent.clone();
    desk.run(
        &mut run,
        60,
        &agent,
        Command::ChangeStatus {
            status: StatusTarget::Pending,
        },
    );
    desk.run(
        &mut run,
        120,
        &agent,
        Command::ChangeStatus {
            status: StatusTarget::Open,
        },
    );
    let before = cycle(&run.ticket, Metric::Resolution, 1).clone();

    // The desk now works 08:00-20:00 on weekdays.
    desk.config.calendars = serde_json::from_value(serde_json::json!({
        "berlin": {"tz": "Europe/Berlin", "week": {
            "mon": ["08:00-20:00"], "tue": ["08:00-20:00"], "wed": ["08:00-20:00"],
            "thu": ["08:00-20:00"], "fri": ["08:00-20:00"]}}
    }))
    .unwrap();
    let admin = desk.admin.clone();
    let changes = desk.run(&mut run, 130, &admin, Command::RecomputeSla);
    assert_eq!(types(&changes), ["sla_retargeted"]);
    let after = cycle(&run.ticket, Metric::Resolution, 1);
    // Mon 09:00-10:00 UTC ran (10:00-11:00 Berlin: 1h either way), 11:00 UTC
    // on: 16h - 1h - 10min = 14h50m left, from Mon 11:10 UTC (12:10 Berlin):
    // 7h50m on Monday until 20:00, 7h on Tuesday from 08:00 Berlin (07:00 UTC).
    assert_eq!(after.elapsed_ms, 70 * 60_000);
    assert_eq!(
        after.due,
        Some(Utc.with_ymd_and_hms(2026, 3, 3, 14, 0, 0).unwrap())
    );
    assert_ne!(after.due, before.due);
    assert_eq!(
        desk.run(&mut run, 131, &admin, Command::RecomputeSla),
        vec![],
        "nothing is stale twice"
    );
}

#[test]
fn only_admins_and_the_system_recompute() {
    let desk = desk(standard());
    let run = desk.open(new_ticket(&desk));
    let ctx = Context::new(&desk.agent, desk.at(1), &desk.config);
    let err = decide(&run.ticket, Command::RecomputeSla, &ctx).unwrap_err();
    assert_eq!(
        err.to_string(),
        "an agent may not recompute the SLA of this ticket: only admins and the system may recompute SLA clocks"
    );
}

#[test]
fn the_configuration_names_a_missing_calendar() {
    let mut config = DeskConfig {
        sla_policies: serde_json::from_value(serde_json::json!([
            {"key": "office", "calendar": "berlim", "targets": {"resolution": {"P3": "8h"}},
             "warnings": [{"percent": 100}]}
        ]))
        .unwrap(),
        ..DeskConfig::default()
    };
    config.calendars.insert(
        "berlin".into(),
        helpdesk_core::calendar::Calendar::twenty_four_seven(),
    );
    let errors: Vec<String> = config
        .validate()
        .unwrap_err()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        errors,
        [
            r#"sla_policies[0].calendar: unknown calendar "berlim" (did you mean "berlin"?)"#,
            "sla_policies[0].warnings[0]: 100% is not a warning threshold: use 1 to 99",
        ]
    );
}
