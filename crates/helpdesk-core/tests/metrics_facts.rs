//! The metric definitions of `helpdesk_core::metrics`, edge case by edge
//! case: given a ticket's life, when its facts are folded, then each
//! figure is what the definition table says.

#![allow(clippy::unwrap_used)]

use chrono::{DateTime, Duration, TimeZone, Utc};
use helpdesk_core::metrics::{CycleResult, Dimension, ReportSpec, TicketFacts, report};
use helpdesk_core::sla::Metric;
use helpdesk_core::*;

const TENANT: TenantId = TenantId::from_u128(1);

fn config() -> DeskConfig {
    serde_json::from_str(
        r#"{
        "calendars": {"office": {"tz": "Europe/Berlin", "week": {
            "mon": ["09:00-17:00"], "tue": ["09:00-17:00"], "wed": ["09:00-17:00"],
            "thu": ["09:00-17:00"], "fri": ["09:00-17:00"]}}},
        "sla_policies": [{"key": "office", "calendar": "office",
            "targets": {"first_response": {"P1": "1h", "P2": "1h", "P3": "1h", "P4": "1h", "P5": "1h"},
                        "resolution": {"P1": "8h", "P2": "8h", "P3": "8h", "P4": "8h", "P5": "8h"}}}]
        }"#,
    )
    .unwrap()
}

/// Monday 2 March 2026, 09:00 in Berlin.
fn monday() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 8, 0, 0).unwrap()
}

struct Life {
    config: DeskConfig,
    ticket: Ticket,
    history: Vec<Event>,
    comments: u128,
    requester: Actor,
    agent: Actor,
    system: Actor,
}

/// A ticket's life: given its steps, each `minutes` after Monday 09:00.
fn given() -> Life {
    let mut life = Life {
        config: config(),
        ticket: Ticket::new(TicketId::from_u128(1)),
        history: Vec::new(),
        comments: 0,
        requester: Actor::requester(ActorId::from_u128(10), TENANT),
        agent: Actor::agent(ActorId::from_u128(20), TENANT, []),
        system: Actor::system(ActorId::from_u128(30), TENANT),
    };
    let open = Command::Open(NewTicket::new(life.requester.id, "VPN drops", ""));
    life.run(Who::Requester, 0, open);
    life
}

#[derive(Clone, Copy)]
enum Who {
    Requester,
    Agent,
    System,
}

impl Life {
    fn run(&mut self, who: Who, minutes: i64, command: Command) -> &mut Self {
        let actor = match who {
            Who::Requester => &self.requester,
            Who::Agent => &self.agent,
            Who::System => &self.system,
        };
        let ctx = Context::new(actor, monday() + Duration::minutes(minutes), &self.config);
        for event in decide(&self.ticket, command, &ctx).unwrap() {
            apply(&mut self.ticket, &event);
            self.history.push(event);
        }
        self
    }

    fn reply(&mut self, who: Who, minutes: i64) -> &mut Self {
        self.comments += 1;
        let comment = CommentId::from_u128(self.comments);
        self.run(
            who,
            minutes,
            Command::Reply {
                comment,
                body: "…".into(),
                attachments: Vec::new(),
            },
        )
    }

    fn resolve(&mut self, minutes: i64) -> &mut Self {
        let resolution = Resolution::new(ResolutionCode::Solved, "");
        self.run(
            Who::Agent,
            minutes,
            Command::Resolve {
                resolution,
                sub_status: None,
            },
        )
    }

    fn facts(&self) -> TicketFacts {
        TicketFacts::from_events_of(self.ticket.id(), &self.history, &self.config).unwrap()
    }
}

#[test]
fn a_requester_reply_before_any_agent_does_not_answer_the_ticket() {
    // Given a requester who adds to their ticket before the desk replies
    let mut life = given();
    life.reply(Who::Requester, 10).reply(Who::Agent, 40);

    // When its facts are folded
    let facts = life.facts();

    // Then the first response is the agent's, and no next response waits
    assert_eq!(facts.first_response(), Some(Duration::minutes(40)));
    assert!(facts.next_responses.is_empty());
}

#[test]
fn an_automatic_reply_is_no_response_and_no_touch() {
    // Given an acknowledgement by the system, then an agent's reply
    let mut life = given();
    life.reply(Who::System, 1).reply(Who::Agent, 25);

    // When folded
    let facts = life.facts();

    // Then the first response is the agent's; only the agent touched it
    assert_eq!(facts.first_response(), Some(Duration::minutes(25)));
    assert_eq!(facts.touches, 1);
}

#[test]
fn a_next_response_waits_from_the_oldest_unanswered_requester_reply() {
    // Given an exchange where the requester writes twice before the answer
    let mut life = given();
    life.reply(Who::Agent, 5)
        .reply(Who::Requester, 20)
        .reply(Who::Requester, 30)
        .reply(Who::Agent, 50);

    // When folded
    let facts = life.facts();

    // Then one next response of 30 minutes, from the first of the two
    let at = monday() + Duration::minutes(50);
    assert_eq!(facts.next_responses, vec![(at, 30 * 60_000)]);
}

#[test]
fn a_ticket_reopened_twice_counts_its_last_resolution() {
    // Given a ticket resolved three times, reopened twice in between
    let mut life = given();
    life.reply(Who::Agent, 5)
        .resolve(10)
        .run(Who::Requester, 20, Command::Reopen)
        .resolve(30)
        .run(Who::Requester, 40, Command::Reopen)
        .reply(Who::Agent, 45)
        .resolve(60);

    // When folded
    let facts = life.facts();

    // Then full resolution runs to the third, first resolution to the
    // first; it was reopened twice and is no first contact resolution
    assert_eq!(facts.full_resolution(), Some(Duration::minutes(60)));
    assert_eq!(facts.first_resolution(), Some(Duration::minutes(10)));
    assert_eq!((facts.reopens, facts.resolutions.len()), (2, 3));
    assert_eq!(facts.replies_before_resolution, 2);
    assert!(!facts.first_contact_resolution());
    // And it was in the backlog between the reopenings only
    assert!(facts.in_backlog_at(monday() + Duration::minutes(10)));
    assert!(!facts.in_backlog_at(monday() + Duration::minutes(15)));
    assert!(facts.in_backlog_at(monday() + Duration::minutes(25)));
    assert!(!facts.in_backlog_at(monday() + Duration::minutes(61)));
}

#[test]
fn reopened_and_not_resolved_again_has_no_full_resolution() {
    // Given a ticket reopened after its only resolution
    let mut life = given();
    life.reply(Who::Agent, 5)
        .resolve(10)
        .run(Who::Requester, 20, Command::Reopen);

    // When folded
    let facts = life.facts();

    // Then it has a first resolution but no full resolution
    assert_eq!(facts.first_resolution(), Some(Duration::minutes(10)));
    assert_eq!(facts.full_resolution(), None);
}

#[test]
fn one_reply_and_a_resolution_is_first_contact_resolution_but_silence_is_not() {
    // Given one ticket answered once and resolved, and one resolved silently
    let mut once = given();
    once.reply(Who::Agent, 5).resolve(6);
    let mut silent = given();
    silent.resolve(6);

    // When folded, then only the first is resolved at first contact
    assert!(once.facts().first_contact_resolution());
    assert!(!silent.facts().first_contact_resolution());
}

#[test]
fn a_merged_ticket_leaves_the_backlog_without_a_resolution() {
    // Given a ticket merged into another
    let mut life = given();
    life.run(
        Who::Agent,
        30,
        Command::Merge {
            into: TicketId::from_u128(2),
        },
    );

    // When folded
    let facts = life.facts();

    // Then it left the backlog at the merge, has no resolution time, and
    // its clocks count for neither met nor breached
    assert_eq!(facts.status, StatusCategory::Merged);
    assert_eq!(facts.full_resolution(), None);
    assert!(facts.in_backlog_at(monday() + Duration::minutes(30)));
    assert!(!facts.in_backlog_at(monday() + Duration::minutes(31)));
    assert!(facts.sla.iter().all(|c| c.result == CycleResult::Cancelled));
    assert!(!facts.first_contact_resolution());
}

#[test]
fn a_cancelled_ticket_is_counted_cancelled_and_never_resolved() {
    // Given a ticket cancelled after an answer
    let mut life = given();
    life.reply(Who::Agent, 5).run(
        Who::Agent,
        9,
        Command::Cancel {
            reason: "dup".into(),
        },
    );

    // When it is reported
    let config = life.config.clone();
    let facts = life.facts();
    let figures = report(
        [&facts],
        &ReportSpec::new(monday(), monday() + Duration::days(1)),
        &config,
    )
    .unwrap()
    .total
    .figures;

    // Then it is created, answered and cancelled, and resolved never
    assert_eq!(
        (figures.created, figures.cancelled, figures.resolved),
        (1, 1, 0)
    );
    assert_eq!(figures.first_response.count, 1);
    assert_eq!(figures.full_resolution.count, 0);
    assert_eq!(figures.backlog_end, 0);
}

#[test]
fn business_time_counts_on_the_policys_calendar() {
    // Given a ticket opened Friday 16:00 in Berlin and resolved Monday 10:00
    let friday = Utc.with_ymd_and_hms(2026, 3, 6, 15, 0, 0).unwrap();
    let mut life = given();
    life.history.clear();
    life.ticket = Ticket::new(TicketId::from_u128(1));
    let minutes = (friday - monday()).num_minutes();
    let open = Command::Open(NewTicket::new(life.requester.id, "VPN drops", ""));
    life.run(Who::Requester, minutes, open);
    life.reply(Who::Agent, minutes + 30);
    life.resolve(minutes + 66 * 60);

    // When folded
    let facts = life.facts();

    // Then 66 calendar hours are 2 business hours: Friday 16-17, Monday 9-10
    assert_eq!(facts.full_resolution(), Some(Duration::hours(66)));
    assert_eq!(facts.resolution_business_ms, Some(2 * 3_600_000));
    assert_eq!(facts.first_response_business_ms, Some(30 * 60_000));
}

#[test]
fn a_clock_running_past_its_deadline_is_breached_at_the_deadline() {
    // Given a first response clock of one hour that the check finds
    // breached, and a late reply after it
    let mut life = given();
    life.run(Who::System, 61, Command::CheckSla)
        .reply(Who::Agent, 90);

    // When folded
    let facts = life.facts();

    // Then the cycle is breached, settled at its deadline
    let first = facts
        .sla
        .iter()
        .find(|c| c.metric == Metric::FirstResponse)
        .unwrap();
    assert_eq!(first.result, CycleResult::Breached);
    assert_eq!(first.settled_at, Some(monday() + Duration::hours(1)));
}

#[test]
fn a_ticket_with_two_tags_counts_in_both_groups_once_in_total() {
    // Given a ticket tagged twice
    let mut life = given();
    life.run(Who::Agent, 1, Command::Tag { tag: "vpn".into() })
        .run(
            Who::Agent,
            2,
            Command::Tag {
                tag: "network".into(),
            },
        );

    // When reported by tag
    let config = life.config.clone();
    let facts = life.facts();
    let mut spec = ReportSpec::new(monday(), monday() + Duration::days(1));
    spec.by = Some(Dimension::Tag);
    let report = report([&facts], &spec, &config).unwrap();

    // Then each tag's group has it, the total once
    let keys: Vec<(&str, u64)> = report
        .groups
        .iter()
        .map(|g| (g.key.as_str(), g.figures.created))
        .collect();
    assert_eq!(keys, [("network", 1), ("vpn", 1)]);
    assert_eq!(report.total.figures.created, 1);
}

#[test]
fn the_backlog_at_the_end_is_the_start_plus_what_came_in_less_what_left() {
    // Given a ticket opened before the period, resolved in it and reopened,
    // and one opened in it
    let mut first = given();
    first.resolve(120).run(Who::Requester, 180, Command::Reopen);
    let mut second = given();
    second.ticket = Ticket::new(TicketId::from_u128(2));
    second.history.clear();
    let open = Command::Open(NewTicket::new(second.requester.id, "Printer", ""));
    second.run(Who::Requester, 90, open);

    // When the period from 09:30 to 12:00 is reported
    let config = first.config.clone();
    let (a, b) = (first.facts(), second.facts());
    let from = monday() + Duration::minutes(30);
    let figures = report(
        [&a, &b],
        &ReportSpec::new(from, from + Duration::hours(150)),
        &config,
    )
    .unwrap()
    .total
    .figures;

    // Then 1 at the start + 1 created + 1 reopened - 1 resolved = 2
    assert_eq!(
        (figures.backlog_start, figures.created, figures.resolved),
        (1, 1, 1)
    );
    assert_eq!(figures.backlog_end, 2);
}
