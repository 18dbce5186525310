//! Properties of SLA clocks under random timelines: replay equals state,
//! elapsed time never runs backwards, met and breached exclude each other,
//! `CheckSla` is idempotent, and a pause moves the deadline by exactly its
//! business length.

use chrono::{DateTime, Duration, TimeZone, Utc};
use helpdesk_core::calendar::Calendar;
use helpdesk_core::sla::{CycleState, Metric, Outcome, SlaCycle};
use helpdesk_core::*;
use proptest::prelude::*;

fn config(business: bool) -> DeskConfig {
    let calendar = if business {
        r#""calendar": "berlin","#
    } else {
        ""
    };
    let json = format!(
        r#"{{
        "calendars": {{"berlin": {{"tz": "Europe/Berlin", "week": {{
            "mon": ["08:00-12:00", "13:00-17:00"], "tue": ["08:00-17:00"], "wed": ["22:00-06:00"],
            "thu": ["08:00-17:00"], "fri": ["08:00-15:00"]}}, "holidays": ["2026-03-04"]}}}},
        "sla_policies": [
            {{"key": "vip", {calendar} "when": {{"tags_any": ["vip"]}},
              "targets": {{"first_response": {{"P1": "10m", "P3": "20m", "P5": "1h"}},
                           "resolution": {{"P1": "1h", "P3": "2h", "P5": "4h"}}}},
              "warnings": [{{"percent": 80}}]}},
            {{"key": "standard", {calendar}
              "targets": {{"first_response": {{"P1": "30m", "P3": "1h", "P5": "2h"}},
                           "next_response": {{"P1": "1h", "P3": "2h", "P5": "4h"}},
                           "periodic_update": {{"P1": "2h", "P3": "4h", "P5": "8h"}},
                           "resolution": {{"P1": "4h", "P3": "8h", "P5": "16h"}}}},
              "warnings": [{{"percent": 50}}, {{"before": "15m"}}]}}
        ]}}"#
    );
    let config: DeskConfig = serde_json::from_str(&json).expect("valid config");
    config.validate().expect("config validates");
    config
}

#[derive(Debug, Clone)]
enum Step {
    AgentReply,
    RequesterReply,
    Status(StatusTarget),
    Resolve,
    Reopen,
    Check,
    Assess(Impact, Urgency),
    Tag(bool),
}

fn step() -> impl Strategy<Value = (i64, Step)> {
    let step = prop_oneof![
        3 => Just(Step::AgentReply),
        3 => Just(Step::RequesterReply),
        2 => prop_oneof![Just(StatusTarget::Open), Just(StatusTarget::Pending), Just(StatusTarget::OnHold)]
            .prop_map(Step::Status),
        1 => Just(Step::Resolve),
        1 => Just(Step::Reopen),
        3 => Just(Step::Check),
        1 => prop_oneof![
            Just((Impact::High, Urgency::High)),
            Just((Impact::Medium, Urgency::Medium)),
            Just((Impact::Low, Urgency::Low))
        ]
        .prop_map(|(i, u)| Step::Assess(i, u)),
        1 => any::<bool>().prop_map(Step::Tag),
    ];
    (0i64..400, step)
}

struct Cast {
    requester: Actor,
    agent: Actor,
    system: Actor,
}

fn cast() -> Cast {
    let tenant = TenantId::from_u128(1);
    Cast {
        requester: Actor::requester(ActorId::from_u128(100), tenant),
        agent: Actor::agent(ActorId::from_u128(200), tenant, [GroupId::from_u128(10)]),
        system: Actor::system(ActorId::from_u128(500), tenant),
    }
}

fn command(step: &Step, n: u128) -> Command {
    match step {
        Step::AgentReply | Step::RequesterReply => Command::Reply {
            comment: CommentId::from_u128(n),
            body: "…".into(),
            attachments: Vec::new(),
        },
        Step::Status(target) => Command::ChangeStatus {
            status: target.clone(),
        },
        Step::Resolve => Command::Resolve {
            resolution: Resolution::new(ResolutionCode::Solved, ""),
            sub_status: None,
        },
        Step::Reopen => Command::Reopen,
        Step::Check => Command::CheckSla,
        Step::Assess(impact, urgency) => Command::SetImpactUrgency {
            impact: *impact,
            urgency: *urgency,
        },
        Step::Tag(true) => Command::Tag { tag: "vip".into() },
        Step::Tag(false) => Command::Untag { tag: "vip".into() },
    }
}

/// Whether the lifecycle rejects `step` on a ticket in `category`: of the
/// steps drawn, only resolving twice, reopening what is not resolved and
/// changing the status of a resolved ticket. Closed, merged and cancelled
/// are never reached.
fn rejected(step: &Step, category: StatusCategory) -> bool {
    match step {
        Step::Resolve | Step::Status(_) => category == StatusCategory::Resolved,
        Step::Reopen => category != StatusCategory::Resolved,
        Step::AgentReply | Step::RequesterReply | Step::Check | Step::Assess(..) | Step::Tag(_) => {
            false
        }
    }
}

fn calendar_of<'a>(config: &'a DeskConfig, cycle: &SlaCycle, always: &'a Calendar) -> &'a Calendar {
    let policy = config.sla_policies.iter().find(|p| p.key == cycle.policy);
    policy
        .and_then(|p| p.calendar.as_ref())
        .and_then(|key| config.calendars.get(key))
        .unwrap_or(always)
}

fn elapsed_ms(calendar: &Calendar, cycle: &SlaCycle, now: DateTime<Utc>) -> i64 {
    cycle.elapsed_ms
        + cycle.running_since().map_or(0, |since| {
            calendar
                .business_time_between(since, now)
                .num_milliseconds()
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn clocks_stay_consistent_under_random_timelines(
        business in any::<bool>(),
        steps in proptest::collection::vec(step(), 1..40),
    ) {
        let config = config(business);
        let always = Calendar::twenty_four_seven();
        let cast = cast();
        let mut now = Utc.with_ymd_and_hms(2026, 3, 2, 7, 30, 0).unwrap();
        let mut ticket = Ticket::new(TicketId::from_u128(1));
        let mut history = Vec::new();
        let open = Command::Open(NewTicket::new(cast.requester.id, "Printer", ""));
        for event in decide(&ticket, open, &Context::new(&cast.requester, now, &config)).unwrap() {
            apply(&mut ticket, &event);
            history.push(event);
        }
        let mut seen: Vec<((Metric, u32), i64)> = Vec::new();
        for (n, (advance, step)) in steps.iter().enumerate() {
            now += Duration::minutes(*advance);
            let actor = match step {
                Step::RequesterReply | Step::Reopen => &cast.requester,
                Step::Check => &cast.system,
                _ => &cast.agent,
            };
            let ctx = Context::new(actor, now, &config);
            let command = command(step, n as u128 + 1);
            let kind = command.kind();
            match decide(&ticket, command, &ctx) {
                Ok(events) => {
                    prop_assert!(!rejected(step, ticket.status().category),
                        "{:?} was accepted on a {} ticket", step, ticket.status());
                    for event in &events {
                        apply(&mut ticket, event);
                        history.push(event.clone());
                    }
                }
                Err(err) => prop_assert_eq!(
                    (rejected(step, ticket.status().category), err),
                    (true, DomainError::IllegalTransition { command: kind, status: ticket.status().clone() })
                ),
            }
            prop_assert_eq!(&Ticket::replay(ticket.id(), &history), &ticket);

            // CheckSla twice at the same instant: the second records nothing,
            // and nothing is left due at or before now.
            let check = Context::new(&cast.system, now, &config);
            let mut checked = ticket.clone();
            for event in decide(&checked, Command::CheckSla, &check).unwrap() {
                apply(&mut checked, &event);
            }
            prop_assert_eq!(decide(&checked, Command::CheckSla, &check).unwrap(), vec![]);
            // The check changed cycles of a clone that shares them with the
            // ticket; the ticket is still what its history says.
            prop_assert_eq!(&Ticket::replay(ticket.id(), &history), &ticket);
            if let Some((at, trigger)) = checked.next_sla_due() {
                prop_assert!(at > now, "{:?} due at {} is left after a check at {}", trigger, at, now);
            }

            for cycle in ticket.sla() {
                // Met and breached exclude each other; stopped means an outcome.
                match cycle.outcome {
                    Some(Outcome::Met) => prop_assert!(!cycle.breached),
                    Some(Outcome::Breached) => prop_assert!(cycle.breached),
                    None => prop_assert!(cycle.state != CycleState::Stopped),
                }
                prop_assert!(cycle.runs.windows(2).all(|w| w[0].to.is_some_and(|to| to <= w[1].from)));
                // Elapsed business time never runs backwards.
                let elapsed = elapsed_ms(calendar_of(&config, cycle, &always), cycle, now);
                let key = (cycle.metric, cycle.cycle);
                if let Some((_, before)) = seen.iter().find(|(k, _)| *k == key) {
                    prop_assert!(elapsed >= *before, "{:?} went from {} to {}", key, before, elapsed);
                }
                seen.retain(|(k, _)| *k != key);
                seen.push((key, elapsed));
            }
        }
    }

    #[test]
    fn a_pause_moves_the_deadline_by_exactly_its_business_length(
        business in any::<bool>(),
        pause_after in 1i64..600,
        pause_for in 1i64..5000,
    ) {
        let config = config(business);
        let cast = cast();
        let t0 = Utc.with_ymd_and_hms(2026, 3, 2, 7, 30, 0).unwrap();
        let mut ticket = Ticket::new(TicketId::from_u128(1));
        let run = |ticket: &mut Ticket, at: DateTime<Utc>, actor: &Actor, command: Command| {
            for event in decide(ticket, command, &Context::new(actor, at, &config)).unwrap() {
                apply(ticket, &event);
            }
        };
        run(&mut ticket, t0, &cast.requester, Command::Open(NewTicket::new(cast.requester.id, "Printer", "")));
        let resolution = |t: &Ticket| t.sla().find(|c| c.metric == Metric::Resolution).cloned().unwrap();
        let before = resolution(&ticket).due.unwrap();
        let t1 = t0 + Duration::minutes(pause_after);
        let t2 = t1 + Duration::minutes(pause_for);
        prop_assume!(t1 < before);
        run(&mut ticket, t1, &cast.agent, Command::ChangeStatus { status: StatusTarget::OnHold });
        run(&mut ticket, t2, &cast.agent, Command::ChangeStatus { status: StatusTarget::Open });
        let after = resolution(&ticket).due.unwrap();
        let calendar = if business { &config.calendars["berlin"] } else { &Calendar::twenty_four_seven() };
        prop_assert_eq!(
            calendar.business_time_between(before, after),
            calendar.business_time_between(t1, t2)
        );
    }
}
