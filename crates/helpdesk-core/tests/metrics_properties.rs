//! Properties of the metrics projection under random event logs.
//!
//! Random commands on a few tickets of a desk with SLA policies on a
//! business calendar run through `decide` and `apply` (commands the domain
//! refuses are dropped, so the log holds only legal histories); their
//! events, interleaved across tickets, make one log in commit order. Then:
//!
//! - the projection fed the log one event at a time equals, ticket by
//!   ticket and report by report, facts rebuilt from each ticket's whole
//!   history;
//! - at any cut of the log, the projection fed up to it equals a rebuild
//!   from the prefix, and feeding the rest gives the end state;
//! - the facts agree with the ticket the same events make (status,
//!   dimensions, reassignments, SLA outcomes, backlog at any instant);
//! - a feed read again from an earlier position changes nothing;
//! - a report the projection adds up from its per-day sums (random whole
//!   local days, ungrouped or by group, with or without series) equals
//!   the report computed from every ticket's facts.
//!
//! `PROPTEST_CASES` sets the number of cases (128 by default).

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, TimeZone, Utc};
use helpdesk_core::metrics::{
    CycleResult, Dimension, Interval, Metrics, ReportSpec, TicketFacts, TrendSpec,
};
use helpdesk_core::sla::{CycleState, Outcome};
use helpdesk_core::*;
use proptest::prelude::*;

const TICKETS: u128 = 4;

fn config() -> DeskConfig {
    let config: DeskConfig = serde_json::from_str(
        r#"{
        "calendars": {"berlin": {"tz": "Europe/Berlin", "week": {
            "mon": ["08:00-12:00", "13:00-17:00"], "tue": ["08:00-17:00"], "wed": ["22:00-06:00"],
            "thu": ["08:00-17:00"], "fri": ["08:00-15:00"]}, "holidays": ["2026-03-04"]}},
        "groups": {"desk": {"id": "00000000-0000-0000-0000-00000000000a", "name": "Desk"},
                   "field": {"id": "00000000-0000-0000-0000-00000000000b", "name": "Field"}},
        "agents": {"bob": {"id": "00000000-0000-0000-0000-0000000000c8", "name": "Bob", "groups": ["desk", "field"]},
                   "carol": {"id": "00000000-0000-0000-0000-0000000000c9", "name": "Carol", "groups": ["desk", "field"]}},
        "tiers": [{"key": "l1", "name": "First line", "group": "desk", "entry": true},
                  {"key": "l2", "name": "Field", "group": "field"}],
        "escalations": [{"name": "up", "from": "l1", "to": "l2", "when": "manual"},
                        {"name": "late", "from": "l1", "to": "l2", "when": {"sla_breach": "first_response"}}],
        "routing_rules": [{"name": "triage", "then": {"tier": "l1"}}],
        "sla_policies": [
            {"key": "vip", "calendar": "berlin", "when": {"tags_any": ["vip"]},
             "targets": {"first_response": {"P1": "10m", "P3": "20m", "P5": "1h"},
                         "resolution": {"P1": "1h", "P3": "2h", "P5": "4h"}}},
            {"key": "standard",
             "targets": {"first_response": {"P1": "30m", "P3": "1h", "P5": "2h"},
                         "next_response": {"P1": "1h", "P3": "2h", "P5": "4h"},
                         "periodic_update": {"P1": "2h", "P3": "4h", "P5": "8h"},
                         "resolution": {"P1": "4h", "P3": "8h", "P5": "16h"}}}
        ]}"#,
    )
    .unwrap();
    config.validate().unwrap();
    config
}

#[derive(Debug, Clone)]
enum Step {
    Open,
    AgentReply,
    OtherAgentReply,
    RequesterReply,
    SystemReply,
    Note,
    Status(StatusTarget),
    Assign(bool),
    Unassign,
    Resolve,
    Reopen,
    Close,
    Cancel,
    Merge(u128),
    Check,
    Assess(Impact, Urgency),
    Tag(bool),
    Asset,
    Group(Option<u128>),
    Route,
    Escalate,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => Just(Step::Open),
        4 => Just(Step::AgentReply),
        1 => Just(Step::OtherAgentReply),
        3 => Just(Step::RequesterReply),
        1 => Just(Step::SystemReply),
        1 => Just(Step::Note),
        2 => prop_oneof![Just(StatusTarget::Open), Just(StatusTarget::Pending), Just(StatusTarget::OnHold)]
            .prop_map(Step::Status),
        2 => any::<bool>().prop_map(Step::Assign),
        1 => Just(Step::Unassign),
        3 => Just(Step::Resolve),
        2 => Just(Step::Reopen),
        1 => Just(Step::Close),
        1 => Just(Step::Cancel),
        1 => (0..TICKETS).prop_map(Step::Merge),
        3 => Just(Step::Check),
        1 => prop_oneof![
            Just((Impact::High, Urgency::High)),
            Just((Impact::Low, Urgency::Low))
        ]
        .prop_map(|(i, u)| Step::Assess(i, u)),
        1 => any::<bool>().prop_map(Step::Tag),
        1 => Just(Step::Asset),
        1 => prop_oneof![Just(None), Just(Some(10)), Just(Some(11))].prop_map(Step::Group),
        2 => Just(Step::Route),
        2 => Just(Step::Escalate),
    ]
}

/// One logged event: its position, ticket and the event.
type Logged = (u64, TicketId, Event);

struct World {
    config: DeskConfig,
    tickets: BTreeMap<TicketId, Ticket>,
    log: Vec<Logged>,
}

const TENANT: TenantId = TenantId::from_u128(1);

fn actors() -> (Actor, Actor, Actor, Actor) {
    let groups = [GroupId::from_u128(10), GroupId::from_u128(11)];
    (
        Actor::requester(ActorId::from_u128(100), TENANT),
        Actor::agent(ActorId::from_u128(200), TENANT, groups),
        Actor::agent(ActorId::from_u128(201), TENANT, groups),
        Actor::system(ActorId::from_u128(500), TENANT),
    )
}

impl World {
    fn run(&mut self, ticket: TicketId, actor: &Actor, now: DateTime<Utc>, command: Command) {
        let current = self
            .tickets
            .get(&ticket)
            .cloned()
            .unwrap_or(Ticket::new(ticket));
        let counterpart = command.counterpart(ticket);
        let Ok(events) = decide(&current, command, &Context::new(actor, now, &self.config)) else {
            return;
        };
        self.record(ticket, current, events);
        if let Some((other, accept)) = counterpart {
            let current = self
                .tickets
                .get(&other)
                .cloned()
                .unwrap_or(Ticket::new(other));
            if let Ok(events) = decide(&current, accept, &Context::new(actor, now, &self.config)) {
                self.record(other, current, events);
            }
        }
    }

    fn record(&mut self, id: TicketId, mut ticket: Ticket, events: Vec<Event>) {
        for event in events {
            apply(&mut ticket, &event);
            self.log.push((self.log.len() as u64 + 1, id, event));
        }
        self.tickets.insert(id, ticket);
    }
}

fn world(steps: &[(u128, i64, Step)]) -> World {
    let (requester, bob, carol, system) = actors();
    let mut world = World {
        config: config(),
        tickets: BTreeMap::new(),
        log: Vec::new(),
    };
    let mut now = Utc.with_ymd_and_hms(2026, 3, 2, 7, 30, 0).unwrap();
    for (n, (which, advance, step)) in steps.iter().enumerate() {
        now += Duration::minutes(*advance);
        let ticket = TicketId::from_u128(1000 + which);
        let comment = CommentId::from_u128(n as u128 + 1);
        let open = || {
            // The desk opens it for the requester, in its group: a
            // requester may not choose the group.
            let mut new = NewTicket::new(requester.id, format!("VPN drops #{which}"), "");
            new.group = Some(GroupId::from_u128(10));
            Command::Open(new)
        };
        if !world.tickets.contains_key(&ticket) {
            world.run(ticket, &bob, now, open());
        }
        let reply = || Command::Reply {
            comment,
            body: "…".into(),
            attachments: Vec::new(),
        };
        let (actor, command) = match step {
            Step::Open => (&bob, open()),
            Step::AgentReply => (&bob, reply()),
            Step::OtherAgentReply => (&carol, reply()),
            Step::RequesterReply => (&requester, reply()),
            Step::SystemReply => (&system, reply()),
            Step::Note => (&bob, Command::note(comment, "…")),
            Step::Status(status) => (
                &bob,
                Command::ChangeStatus {
                    status: status.clone(),
                },
            ),
            Step::Assign(first) => {
                let assignee = if *first { bob.id } else { carol.id };
                (&system, Command::Assign { assignee })
            }
            Step::Unassign => (&system, Command::Unassign),
            Step::Resolve => (
                &bob,
                Command::Resolve {
                    resolution: Resolution::new(ResolutionCode::Solved, ""),
                    sub_status: None,
                },
            ),
            Step::Reopen => (&requester, Command::Reopen),
            Step::Close => (&bob, Command::Close),
            Step::Cancel => (
                &bob,
                Command::Cancel {
                    reason: "dup".into(),
                },
            ),
            Step::Merge(into) => (
                &bob,
                Command::Merge {
                    into: TicketId::from_u128(1000 + into),
                },
            ),
            Step::Check => (&system, Command::CheckSla),
            Step::Assess(impact, urgency) => (
                &bob,
                Command::SetImpactUrgency {
                    impact: *impact,
                    urgency: *urgency,
                },
            ),
            Step::Tag(true) => (&bob, Command::Tag { tag: "vip".into() }),
            Step::Tag(false) => (&bob, Command::Untag { tag: "vip".into() }),
            Step::Group(group) => (
                &bob,
                Command::SetGroup {
                    group: group.map(GroupId::from_u128),
                },
            ),
            Step::Asset => (
                &bob,
                Command::AddAsset {
                    asset: "laptop:SN-1".into(),
                },
            ),
            Step::Route => (
                &system,
                Command::Route(helpdesk_core::routing::RouteInput::default()),
            ),
            Step::Escalate => (
                &bob,
                Command::Escalate {
                    rule: "up".into(),
                    reason: "needs a visit".into(),
                },
            ),
        };
        world.run(ticket, actor, now, command);
    }
    world
}

fn steps() -> impl Strategy<Value = Vec<(u128, i64, Step)>> {
    proptest::collection::vec((0..TICKETS, 0i64..300, step()), 1..80)
}

fn rebuild(log: &[Logged], config: &DeskConfig) -> BTreeMap<TicketId, TicketFacts> {
    let mut histories: BTreeMap<TicketId, Vec<&Event>> = BTreeMap::new();
    for (_, ticket, event) in log {
        histories.entry(*ticket).or_default().push(event);
    }
    histories
        .into_iter()
        .map(|(id, events)| (id, TicketFacts::from_events_of(id, events, config).unwrap()))
        .collect()
}

fn feed(metrics: &mut Metrics, log: &[Logged]) {
    for (position, ticket, event) in log {
        metrics.apply(*position, TENANT, *ticket, event);
    }
}

fn specs(log: &[Logged]) -> Vec<ReportSpec> {
    let first = log.first().map_or(
        Utc.with_ymd_and_hms(2026, 3, 2, 0, 0, 0).unwrap(),
        |(_, _, e)| e.at,
    );
    let last = log.last().map_or(first, |(_, _, e)| e.at);
    let mut out = Vec::new();
    for (by, every) in [
        (None, None),
        (Some(Dimension::Assignee), Some(Interval::Day)),
        (Some(Dimension::Tag), Some(Interval::Week)),
        (Some(Dimension::Priority), None),
    ] {
        let mut spec = ReportSpec::new(first - Duration::hours(1), last + Duration::hours(1));
        spec.tz = chrono_tz::Europe::Berlin;
        spec.by = by;
        spec.every = every;
        out.push(spec);
        // A period that cuts through the log.
        let mut cut = spec_clone(out.last().unwrap());
        cut.from = first + (last - first) / 3;
        cut.to = first + (last - first) * 2 / 3 + Duration::seconds(1);
        out.push(cut);
    }
    out
}

fn spec_clone(spec: &ReportSpec) -> ReportSpec {
    spec.clone()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(128)
    ))]

    #[test]
    fn incremental_equals_rebuild_from_the_whole_history(steps in steps(), cut in 0.0f64..1.0) {
        // Given a log of legal histories interleaved in commit order
        let world = world(&steps);
        let config = &world.config;

        // When it is fed one event at a time, and rebuilt ticket by ticket
        let mut metrics = Metrics::new(config.clone());
        feed(&mut metrics, &world.log);
        let rebuilt = rebuild(&world.log, config);

        // Then the facts and every report are the same
        prop_assert_eq!(metrics.tickets().len(), rebuilt.len());
        for (id, facts) in &rebuilt {
            prop_assert_eq!(metrics.facts(TENANT, *id), Some(facts));
        }
        for spec in specs(&world.log) {
            let incremental = metrics.report(&spec).unwrap();
            let from_rebuild = helpdesk_core::metrics::report(rebuilt.values(), &spec, config).unwrap();
            prop_assert_eq!(incremental, from_rebuild);
        }
        if let Some((_, _, last)) = world.log.last() {
            let spec = TrendSpec::new(last.at - Duration::days(1), last.at + Duration::seconds(1), chrono_tz::Europe::Berlin);
            prop_assert_eq!(metrics.trends(&spec).unwrap(), helpdesk_core::metrics::trends(rebuilt.values(), &spec).unwrap());
        }

        // And at a cut, the projection is the rebuild of the prefix, and
        // feeding the rest (from an earlier position, as after a restart)
        // reaches the same end.
        let at = (world.log.len() as f64 * cut) as usize;
        let mut partial = Metrics::new(config.clone());
        feed(&mut partial, &world.log[..at]);
        let prefix = rebuild(&world.log[..at], config);
        prop_assert_eq!(partial.tickets().len(), prefix.len());
        for (id, facts) in &prefix {
            prop_assert_eq!(partial.facts(TENANT, *id), Some(facts));
        }
        feed(&mut partial, &world.log[at.saturating_sub(3)..]);
        for (id, facts) in &rebuilt {
            prop_assert_eq!(partial.facts(TENANT, *id), Some(facts));
        }
        prop_assert_eq!(partial.position(), metrics.position());
    }

    #[test]
    fn the_sums_per_day_answer_as_the_facts_do(
        steps in steps(),
        periods in proptest::collection::vec((-2i64..12, 1i64..16, 0usize..3, 0usize..3), 1..6),
    ) {
        // Given a log of legal histories fed to a projection counting days in Berlin
        let world = world(&steps);
        let config = &world.config;
        let berlin = chrono_tz::Europe::Berlin;
        let mut metrics = Metrics::in_zone(config.clone(), berlin);
        feed(&mut metrics, &world.log);
        let rebuilt = rebuild(&world.log, config);
        let first = world.log.first().map_or(
            Utc.with_ymd_and_hms(2026, 3, 2, 0, 0, 0).unwrap(),
            |(_, _, e)| e.at,
        );
        let day0 = first.with_timezone(&berlin).date_naive();
        let midnight = |days: i64| {
            berlin
                .from_local_datetime(&(day0 + Duration::days(days)).and_hms_opt(0, 0, 0).unwrap())
                .earliest()
                .unwrap()
                .with_timezone(&Utc)
        };
        for (start, length, by, every) in periods {
            // When a report over whole local days is asked of it
            let mut spec = ReportSpec::new(midnight(start), midnight(start + length));
            spec.tz = berlin;
            spec.by = [None, Some(Dimension::Group), Some(Dimension::Group)][by];
            spec.every = [None, Some(Interval::Day), Some(Interval::Week)][every];
            let summed = metrics.report(&spec).unwrap();

            // Then it is the report of every ticket's facts
            prop_assert_eq!(&summed, &metrics.report_from_facts(&spec).unwrap());
            prop_assert_eq!(summed, helpdesk_core::metrics::report(rebuilt.values(), &spec, config).unwrap());
        }
    }

    #[test]
    fn facts_agree_with_the_ticket_the_same_events_make(steps in steps()) {
        // Given a log of legal histories
        let world = world(&steps);
        let config = &world.config;

        // When each ticket's facts are rebuilt
        let rebuilt = rebuild(&world.log, config);

        // Then they say what the ticket says
        for (id, facts) in &rebuilt {
            let ticket = &world.tickets[id];
            prop_assert_eq!(facts.status, ticket.status().category);
            prop_assert_eq!(facts.dimensions.group, ticket.group());
            prop_assert_eq!(facts.dimensions.assignee, ticket.assignee());
            prop_assert_eq!(facts.dimensions.priority, ticket.priority());
            prop_assert_eq!(&facts.dimensions.tags, ticket.tags());
            prop_assert_eq!(&facts.dimensions.assets, ticket.assets());
            prop_assert_eq!(facts.dimensions.tier.as_deref(), ticket.tier());
            prop_assert_eq!(facts.reassignments, ticket.reassignments());
            let escalations = world
                .log
                .iter()
                .filter(|(_, t, e)| t == id && matches!(e.change, Change::Escalated(_)))
                .count();
            prop_assert_eq!(facts.escalations as usize, escalations);
            prop_assert_eq!(facts.created_at, ticket.created_at());
            prop_assert_eq!(facts.sla.len(), ticket.sla().len());
            for cycle in ticket.sla() {
                let fact = facts.sla.iter().find(|c| c.metric == cycle.metric && c.cycle == cycle.cycle).unwrap();
                let expected = match (cycle.state, cycle.outcome, cycle.breached) {
                    (_, _, true) | (CycleState::Stopped, Some(Outcome::Breached), _) => CycleResult::Breached,
                    (CycleState::Stopped, Some(Outcome::Met), _) => CycleResult::Met,
                    (CycleState::Cancelled, _, _) => CycleResult::Cancelled,
                    _ => CycleResult::Active,
                };
                prop_assert_eq!(fact.result, expected, "{:?}", cycle);
                prop_assert_eq!(fact.target_ms, cycle.target_ms);
            }
            let public_by_desk = ticket
                .conversation()
                .filter(|c| c.visibility == Visibility::Public)
                .filter(|c| matches!(c.author.role, Role::Agent | Role::Supervisor | Role::Admin))
                .count();
            prop_assert_eq!(facts.desk_replies.len(), public_by_desk);
            prop_assert_eq!(
                facts.first_response_at,
                ticket
                    .conversation()
                    .find(|c| c.visibility == Visibility::Public && matches!(c.author.role, Role::Agent | Role::Supervisor | Role::Admin))
                    .map(|c| c.at)
            );

            // The backlog at any instant is the status the ticket had just
            // before it.
            let history: Vec<&Event> = world.log.iter().filter(|(_, t, _)| t == id).map(|(_, _, e)| e).collect();
            for event in &history {
                for at in [event.at, event.at + Duration::seconds(1)] {
                    let before = Ticket::replay(*id, history.iter().copied().filter(|e| e.at < at));
                    let open = before.exists() && matches!(
                        before.status().category,
                        StatusCategory::New | StatusCategory::Open | StatusCategory::Pending | StatusCategory::OnHold
                    );
                    prop_assert_eq!(facts.in_backlog_at(at), open, "at {}", at);
                }
            }
        }
    }
}

#[test]
fn the_generated_logs_route_and_escalate() {
    // Given the steps a case may draw: a ticket routed, then escalated by
    // hand; another left to breach its first response with a check.
    let steps = [
        (0, 0, Step::Route),
        (0, 5, Step::Escalate),
        (1, 5, Step::Route),
        (1, 600, Step::Check),
    ];

    // When they run
    let world = world(&steps);

    // Then both tickets were escalated, one by hand and one by its breach,
    // so the properties above see escalations.
    let escalated: Vec<TicketId> = world
        .log
        .iter()
        .filter(|(_, _, e)| matches!(e.change, Change::Escalated(_)))
        .map(|(_, t, _)| *t)
        .collect();
    assert_eq!(
        escalated,
        [TicketId::from_u128(1000), TicketId::from_u128(1001)]
    );
    let facts = rebuild(&world.log, &world.config);
    assert!(facts.values().all(|f| f.escalations == 1));
}
