//! The example desk (`examples/desk.toml`) validates cleanly, and routes,
//! assigns, times, escalates and notifies the way its comments promise.
#![allow(clippy::unwrap_used)]

use chrono::{DateTime, Duration, TimeZone, Utc};
use helpdesk_core::assignment::AgentSnapshot;
use helpdesk_core::notification::{NotificationChannel, Recipient, plan};
use helpdesk_core::routing::{RouteInput, explain, route};
use helpdesk_core::sla::Metric;
use helpdesk_core::*;

fn desk() -> DeskConfig {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/desk.toml"
    ))
    .unwrap();
    toml::from_str(&text).unwrap()
}

fn agents(config: &DeskConfig, at: DateTime<Utc>) -> Vec<AgentSnapshot> {
    config
        .agents
        .values()
        .map(|agent| {
            let mut snapshot = AgentSnapshot::new(agent.id, agent.capacity);
            for key in &agent.groups {
                snapshot = snapshot.in_group(config.groups[key].id);
            }
            for skill in &agent.skills {
                snapshot = snapshot.with_skill(skill.clone());
            }
            let calendar = agent.calendar.as_ref().map(|key| &config.calendars[key]);
            snapshot.with_shift_from(calendar, at)
        })
        .collect()
}

struct Opened {
    ticket: Ticket,
    history: Vec<Event>,
}

/// Opens `new` at `at` through the portal as its requester, then routes it
/// as the system.
fn open_and_route(config: &DeskConfig, new: NewTicket, at: DateTime<Utc>) -> Opened {
    let tenant = TenantId::from_u128(1);
    let requester = Actor::requester(new.requester, tenant);
    let system = Actor::system(ActorId::from_u128(0xfff), tenant);
    let mut ticket = Ticket::new(TicketId::from_u128(1));
    let mut history = Vec::new();
    let mut run = |ticket: &mut Ticket, actor: &Actor, command: Command| {
        for event in decide(ticket, command, &Context::new(actor, at, config)).unwrap() {
            apply(ticket, &event);
            history.push(event);
        }
    };
    run(&mut ticket, &requester, Command::Open(new));
    let input = RouteInput {
        agents: agents(config, at),
        ..RouteInput::default()
    };
    run(&mut ticket, &system, Command::Route(input));
    Opened { ticket, history }
}

fn alice() -> ActorId {
    ActorId::from_u128(0x100)
}

fn monday_10_berlin() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()
}

#[test]
fn the_example_desk_validates_without_warnings() {
    let config = desk();
    let found: Vec<String> = config
        .diagnose()
        .iter()
        .map(|d| format!("{:?} {d}", d.severity))
        .collect();
    assert_eq!(found, Vec::<String>::new());
    assert_eq!(config.routing_rules.len(), 12);
    assert_eq!(config.calendars.len(), 2);
}

#[test]
fn a_vpn_ticket_goes_to_network_support_with_the_rule_on_record() {
    let config = desk();
    let new = NewTicket::new(alice(), "VPN drops every hour", "Since the update.");
    let opened = open_and_route(&config, new, monday_10_berlin());
    let t = &opened.ticket;
    assert_eq!(t.group(), Some(config.groups["network"].id));
    assert_eq!(t.tier(), Some("l2_network"));
    assert!(t.tags().iter().any(|tag| tag.as_str() == "network"));
    // Skill-based among vpn agents on shift at 10:00 Berlin: Tom (Sofia's
    // New York shift has not started).
    assert_eq!(t.assignee(), Some(config.agents["tom"].id));
    let rule = Cause::RoutingRule {
        rule: "VPN and network to L2 network".into(),
    };
    let caused: Vec<&str> = opened
        .history
        .iter()
        .filter(|e| e.cause.as_ref() == Some(&rule))
        .map(|e| e.change.type_name())
        .collect();
    assert_eq!(
        caused,
        [
            "group_changed",
            "tier_changed",
            "tagged",
            "assignee_changed",
            "status_changed"
        ]
    );
}

#[test]
fn an_outage_is_critical_and_keeps_routing() {
    let config = desk();
    let new = NewTicket::new(
        alice(),
        "Mail outage",
        "Mail is down for everyone on floor 2",
    );
    let opened = open_and_route(&config, new, monday_10_berlin());
    let t = &opened.ticket;
    assert_eq!(t.priority(), Priority::P1);
    assert!(t.priority_overridden(), "a rule's priority sticks");
    assert_eq!(
        t.tier(),
        Some("l1"),
        "the catch-all rule ran after the outage rule"
    );
    assert_eq!(
        t.sla_policy(),
        Some("critical"),
        "P1 switches to the 24x7 policy"
    );
    let traces = explain(t, &config);
    assert_eq!(traces[1].matched, Some(true));
    assert_eq!(traces[11].matched, Some(true));
}

#[test]
fn security_incidents_stop_routing_at_l3() {
    let config = desk();
    let new = NewTicket::new(alice(), "Phishing mail with VPN link", "");
    let opened = open_and_route(&config, new, monday_10_berlin());
    let routing = route(&opened.ticket, &config);
    assert_eq!(routing.matched, [0], "the first rule stops routing");
    let traces = explain(&opened.ticket, &config);
    assert_eq!(traces[2].matched, None);
    assert_eq!(
        traces[2].why,
        "not reached: routing_rules[0] matched and stops"
    );
    // Least loaded among the specialists: Tom and Kenji both hold nothing,
    // and the tie goes to the smaller id.
    assert_eq!(opened.ticket.assignee(), Some(config.agents["tom"].id));
}

#[test]
fn new_york_tickets_count_on_new_york_hours() {
    let config = desk();
    // Friday 2026-03-06 21:00 UTC = 16:00 in New York: one business hour left.
    let at = Utc.with_ymd_and_hms(2026, 3, 6, 21, 0, 0).unwrap();
    let new = NewTicket::new(alice(), "Excel crashes", "")
        .field("site", FieldValue::Choice("new_york".into()));
    let opened = open_and_route(&config, new, at);
    assert_eq!(opened.ticket.sla_policy(), Some("americas"));
    let first = opened
        .ticket
        .sla()
        .find(|c| c.metric == Metric::FirstResponse)
        .unwrap();
    // P3: 4h = 1h on Friday + 3h on Monday from 08:00, which is EDT by then
    // (clocks went forward on Sunday): 12:00 UTC + 3h.
    assert_eq!(
        first.due,
        Some(Utc.with_ymd_and_hms(2026, 3, 9, 15, 0, 0).unwrap())
    );
    assert!(
        opened
            .ticket
            .tags()
            .iter()
            .any(|t| t.as_str() == "site:nyc")
    );
}

#[test]
fn an_unanswered_l1_ticket_escalates_to_its_managers_once() {
    let config = desk();
    let at = monday_10_berlin();
    let opened = open_and_route(&config, NewTicket::new(alice(), "Outlook is slow", ""), at);
    let mut ticket = opened.ticket;
    assert_eq!(ticket.tier(), Some("l1"));
    let (due, rule) = ticket.next_escalation_due(&config).unwrap();
    assert_eq!(
        (due, rule.as_str()),
        (at + Duration::hours(4), "L1 unanswered for 4h")
    );
    let system = Actor::system(ActorId::from_u128(0xfff), TenantId::from_u128(1));
    let check = |ticket: &Ticket, at| {
        decide(
            ticket,
            Command::CheckSla,
            &Context::new(&system, at, &config),
        )
        .unwrap()
    };
    assert!(
        check(&ticket, due - Duration::seconds(1))
            .iter()
            .all(|e| e.change.type_name() != "escalated")
    );
    let events = check(&ticket, due);
    let escalated = events.iter().find_map(|e| match &e.change {
        Change::Escalated(x) => Some(x.clone()),
        _ => None,
    });
    let escalated = escalated.unwrap();
    assert_eq!(escalated.notify, [config.agents["maria"].id]);
    assert_eq!(escalated.to_tier, None, "a notice only");
    for event in &events {
        apply(&mut ticket, event);
    }
    assert!(
        check(&ticket, due + Duration::hours(1))
            .iter()
            .all(|e| e.change.type_name() != "escalated")
    );
    assert_eq!(ticket.next_escalation_due(&config), None);
}

#[test]
fn manual_escalation_hands_an_l1_ticket_to_network() {
    let config = desk();
    let at = monday_10_berlin();
    let opened = open_and_route(&config, NewTicket::new(alice(), "Outlook is slow", ""), at);
    let mut ticket = opened.ticket;
    let maria = Actor::supervisor(
        config.agents["maria"].id,
        TenantId::from_u128(1),
        [config.groups["service_desk"].id],
    );
    let escalate = Command::Escalate {
        rule: "L1 hand-off to network".into(),
        reason: "Looks like the proxy".into(),
    };
    let events = decide(
        &ticket,
        escalate.clone(),
        &Context::new(&maria, at, &config),
    )
    .unwrap();
    for event in &events {
        apply(&mut ticket, event);
    }
    assert_eq!(ticket.tier(), Some("l2_network"));
    assert_eq!(ticket.group(), Some(config.groups["network"].id));
    assert_eq!(ticket.assignee(), None, "the L1 assignee hands over");
    let admin = Actor::admin(ActorId::from_u128(1), TenantId::from_u128(1));
    let err = decide(&ticket, escalate, &Context::new(&admin, at, &config)).unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"rule: rule "L1 hand-off to network" escalates from tier "l1"; this ticket is on tier "l2_network""#
    );
}

#[test]
fn the_example_desk_tells_the_requester_of_replies_and_the_managers_of_escalations() {
    let config = desk();
    let at = monday_10_berlin();
    let opened = open_and_route(&config, NewTicket::new(alice(), "Outlook is slow", ""), at);
    let mut ticket = opened.ticket;
    let assignee = ticket.assignee().unwrap();
    let tenant = TenantId::from_u128(1);
    let agent = Actor::agent(assignee, tenant, [config.groups["service_desk"].id]);
    let told =
        |events: &[Event], ticket: &Ticket| -> Vec<(String, Recipient, NotificationChannel)> {
            events
                .iter()
                .flat_map(|event| plan(event, ticket, &config))
                .map(|d| (d.rule, d.recipient, d.channel))
                .collect()
        };
    // The assignee heard of the assignment routing made.
    assert!(told(&opened.history, &ticket).contains(&(
        "Work to the assignee".into(),
        Recipient::Actor(assignee),
        NotificationChannel::Email
    )));
    // The assignee replies: the requester is told, the assignee is not.
    let run = |ticket: &mut Ticket, actor: &Actor, command: Command, at| {
        let events = decide(ticket, command, &Context::new(actor, at, &config)).unwrap();
        events.iter().for_each(|event| apply(ticket, event));
        events
    };
    let reply = Command::Reply {
        comment: CommentId::from_u128(1),
        body: "Restart Outlook in safe mode.".into(),
        attachments: Vec::new(),
    };
    let replied = run(&mut ticket, &agent, reply, at);
    assert_eq!(
        told(&replied, &ticket),
        [(
            "Updates to the requester".into(),
            Recipient::Actor(alice()),
            NotificationChannel::Email
        )]
    );
    // A note tells nobody: its author is the assignee, and never the requester.
    let note = Command::note(CommentId::from_u128(2), "Mailbox is 49 GB.");
    assert_eq!(told(&run(&mut ticket, &agent, note, at), &ticket), []);
    // Four hours without another agent answer, L1 escalates to its
    // manager: Maria is told by email, the chat room by webhook.
    let system = Actor::system(ActorId::from_u128(0xfff), tenant);
    let later = at + Duration::hours(4);
    let checked = run(&mut ticket, &system, Command::CheckSla, later);
    let escalations: Vec<_> = told(&checked, &ticket)
        .into_iter()
        .filter(|(rule, ..)| rule.starts_with("Breaches"))
        .collect();
    assert_eq!(
        escalations,
        [
            (
                "Breaches to the managers".into(),
                Recipient::Actor(config.agents["maria"].id),
                NotificationChannel::Email
            ),
            (
                "Breaches to the chat room".into(),
                Recipient::Endpoint("ops_chat".into()),
                NotificationChannel::Webhook
            ),
        ]
    );
}
