//! Who is told what: `notification::plan` for every event kind and every
//! kind of recipient, given a ticket of the network group assigned to Bob.
#![allow(clippy::unwrap_used)]

use chrono::{TimeZone, Utc};
use helpdesk_core::notification::{
    Delivery, NotificationChannel, NotificationRule, NotifyOn, Recipient, plan,
};
use helpdesk_core::sla::{Metric, Warning};
use helpdesk_core::*;

const ALICE: u128 = 100; // the requester
const BOB: u128 = 20; // network, the assignee
const CAROL: u128 = 30; // network, its manager
const DAVE: u128 = 40; // service desk
const NETWORK: u128 = 10;
const SERVICE_DESK: u128 = 11;

fn id(n: u128) -> ActorId {
    ActorId::from_u128(n)
}

fn person(n: u128) -> Recipient {
    Recipient::Actor(id(n))
}

/// The directory, the endpoints and `rules`.
fn desk(rules: serde_json::Value) -> DeskConfig {
    serde_json::from_value(serde_json::json!({
        "groups": {
            "network": {"id": GroupId::from_u128(NETWORK), "name": "Network", "managers": ["carol"]},
            "service_desk": {"id": GroupId::from_u128(SERVICE_DESK), "name": "Service desk", "managers": ["dave"]}
        },
        "agents": {
            "bob": {"id": id(BOB), "name": "Bob", "groups": ["network"]},
            "carol": {"id": id(CAROL), "name": "Carol", "groups": ["network"]},
            "dave": {"id": id(DAVE), "name": "Dave", "groups": ["service_desk"]}
        },
        "endpoints": {
            "ops_chat": {"via": "webhook", "target": "https://chat.example.com/hooks/ops"},
            "ops_mail": {"via": "email", "target": "ops@example.com"}
        },
        "notification_rules": rules
    }))
    .unwrap()
}

/// One rule named `name`, from JSON parts.
fn rule(name: &str, on: &[&str], to: serde_json::Value, via: &str) -> serde_json::Value {
    serde_json::json!({"name": name, "on": on, "to": to, "via": via})
}

/// Alice's ticket in `group`, assigned to `assignee` if any, as the
/// admin leaves it.
fn ticket(config: &DeskConfig, group: Option<u128>, assignee: Option<u128>) -> Ticket {
    let tenant = TenantId::from_u128(1);
    let admin = Actor::admin(ActorId::from_u128(900), tenant);
    let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
    let ctx = Context::new(&admin, now, config);
    let mut ticket = Ticket::new(TicketId::from_u128(1));
    let mut new = NewTicket::new(id(ALICE), "VPN drops every hour", "");
    if let Some(group) = group {
        new = new.group(GroupId::from_u128(group));
    }
    let mut commands = vec![Command::Open(new)];
    if let Some(assignee) = assignee {
        commands.push(Command::Assign {
            assignee: id(assignee),
        });
    }
    for command in commands {
        for event in decide(&ticket, command, &ctx).unwrap() {
            apply(&mut ticket, &event);
        }
    }
    ticket
}

/// The network ticket, assigned to Bob.
fn bobs_ticket(config: &DeskConfig) -> Ticket {
    ticket(config, Some(NETWORK), Some(BOB))
}

/// An event of `change` caused by `by` in `role`.
fn event(by: u128, role: Role, change: Change) -> Event {
    Event::new(
        Utc.with_ymd_and_hms(2026, 3, 2, 10, 0, 0).unwrap(),
        ActorRef { id: id(by), role },
        change,
    )
}

/// The same, caused by the system (who is nobody's recipient).
fn by_system(change: Change) -> Event {
    event(500, Role::System, change)
}

fn recipients(deliveries: &[Delivery]) -> Vec<Recipient> {
    deliveries.iter().map(|d| d.recipient.clone()).collect()
}

fn reply() -> Change {
    Change::Replied {
        comment: CommentId::from_u128(1),
        body: "Please restart the client.".into(),
    }
}

fn note() -> Change {
    Change::NoteAdded {
        comment: CommentId::from_u128(2),
        body: "Suspect the new firewall rule.".into(),
    }
}

/// A change of every kind a rule may fire on, with its kind.
fn one_of_each_kind() -> Vec<(NotifyOn, Change)> {
    let due = Utc.with_ymd_and_hms(2026, 3, 2, 9, 30, 0).unwrap();
    vec![
        (
            NotifyOn::Opened,
            Change::Opened(Box::new(Opened {
                tenant: TenantId::from_u128(1),
                requester: id(ALICE),
                subject: "VPN drops every hour".into(),
                description: String::new(),
                channel: helpdesk_core::Channel::Portal,
                ticket_type: TicketType::Incident,
                impact: Impact::Medium,
                urgency: Urgency::Medium,
                priority: Priority::P3,
                group: Some(GroupId::from_u128(NETWORK)),
                tags: Default::default(),
                fields: Default::default(),
                assets: Default::default(),
                requester_email: None,
                organization: None,
                number: None,
            })),
        ),
        (NotifyOn::PublicReply, reply()),
        (NotifyOn::InternalNote, note()),
        (
            NotifyOn::Assigned,
            Change::AssigneeChanged {
                from: None,
                to: Some(id(BOB)),
            },
        ),
        (
            NotifyOn::GroupChanged,
            Change::GroupChanged {
                from: Some(GroupId::from_u128(SERVICE_DESK)),
                to: Some(GroupId::from_u128(NETWORK)),
            },
        ),
        (
            NotifyOn::StatusChanged,
            Change::StatusChanged {
                from: Status::from(StatusCategory::New),
                to: Status::from(StatusCategory::Open),
            },
        ),
        (
            NotifyOn::SlaWarning,
            Change::SlaWarned {
                metric: Metric::Resolution,
                cycle: 1,
                warning: Warning::Percent(80),
                due,
            },
        ),
        (
            NotifyOn::SlaBreach,
            Change::SlaBreached {
                metric: Metric::Resolution,
                cycle: 1,
                due,
            },
        ),
        (
            NotifyOn::Escalated,
            Change::Escalated(Box::new(Escalated {
                rule: "L1 breach".into(),
                from_tier: Some("l1".into()),
                to_tier: Some("l2".into()),
                notify: vec![id(CAROL)],
                reason: "resolution breached".into(),
            })),
        ),
        (
            NotifyOn::Resolved,
            Change::Resolved {
                resolution: Resolution::new(ResolutionCode::Solved, "Firewall rule fixed."),
                sub_status: None,
            },
        ),
        (NotifyOn::Reopened, Change::Reopened),
        (
            NotifyOn::Merged,
            Change::Merged {
                into: TicketId::from_u128(2),
            },
        ),
    ]
}

#[test]
fn every_kind_fires_the_rules_that_listen_for_it_and_no_other() {
    // Given one rule per kind, each telling the assignee by email
    let rules: Vec<serde_json::Value> = NotifyOn::ALL
        .iter()
        .map(|kind| {
            rule(
                kind.as_str(),
                &[kind.as_str()],
                serde_json::json!(["assignee"]),
                "email",
            )
        })
        .collect();
    let config = desk(serde_json::Value::Array(rules));
    config.validate().unwrap();
    let ticket = bobs_ticket(&config);
    let cases = one_of_each_kind();
    assert_eq!(cases.len(), NotifyOn::ALL.len(), "a change of every kind");
    for (kind, change) in cases {
        // When an event of that kind happens
        let deliveries = plan(&by_system(change), &ticket, &config);
        // Then only the rule on that kind tells Bob
        assert_eq!(
            deliveries,
            [Delivery {
                rule: kind.as_str().into(),
                recipient: person(BOB),
                channel: NotificationChannel::Email,
                template: None,
            }],
            "{kind}"
        );
    }
}

#[test]
fn changes_of_no_kind_tell_nobody() {
    // Given a rule on every kind, telling everyone
    let every: Vec<&str> = NotifyOn::ALL.iter().map(|k| k.as_str()).collect();
    let config = desk(serde_json::json!([rule(
        "everything",
        &every,
        serde_json::json!(["assignee", "group_members", "group_managers", {"endpoint": "ops_mail"}]),
        "email"
    )]));
    let ticket = bobs_ticket(&config);
    // When the ticket is tagged, unassigned or closed
    for change in [
        Change::Tagged {
            tag: Tag::new("vpn").unwrap(),
        },
        Change::AssigneeChanged {
            from: Some(id(BOB)),
            to: None,
        },
        Change::Closed,
        Change::MergedFrom {
            from: TicketId::from_u128(3),
        },
        Change::Watched {
            watcher: ActorRef {
                id: id(DAVE),
                role: Role::Agent,
            },
        },
    ] {
        // Then nobody is told
        assert_eq!(
            plan(&by_system(change.clone()), &ticket, &config),
            [],
            "{change}"
        );
    }
}

#[test]
fn a_public_reply_tells_the_requester_and_the_assignee_but_not_the_one_who_wrote_it() {
    // Given replies go to the requester and the assignee
    let config = desk(serde_json::json!([rule(
        "replies",
        &["public_reply"],
        serde_json::json!(["requester", "assignee"]),
        "email"
    )]));
    let ticket = bobs_ticket(&config);
    // When Carol replies, both are told
    let by_carol = plan(&event(CAROL, Role::Agent, reply()), &ticket, &config);
    assert_eq!(recipients(&by_carol), [person(ALICE), person(BOB)]);
    // When Bob replies, only Alice is
    let by_bob = plan(&event(BOB, Role::Agent, reply()), &ticket, &config);
    assert_eq!(recipients(&by_bob), [person(ALICE)]);
    // When Alice replies, only Bob is
    let by_alice = plan(&event(ALICE, Role::Requester, reply()), &ticket, &config);
    assert_eq!(recipients(&by_alice), [person(BOB)]);
}

#[test]
fn the_actor_is_told_too_when_the_rule_does_not_skip_them() {
    // Given a rule that keeps the actor
    let mut config = desk(serde_json::json!([rule(
        "copies",
        &["public_reply"],
        serde_json::json!(["assignee"]),
        "email"
    )]));
    config.notification_rules[0].skip_actor = false;
    let ticket = bobs_ticket(&config);
    // When Bob replies, then Bob gets his copy
    let deliveries = plan(&event(BOB, Role::Agent, reply()), &ticket, &config);
    assert_eq!(recipients(&deliveries), [person(BOB)]);
}

#[test]
fn an_internal_note_never_reaches_the_requester_whatever_the_rules_say() {
    // Given a rule that would tell the requester of notes (built past the
    // configuration's checks, which refuse it), and the requester named twice
    let config = DeskConfig {
        notification_rules: vec![NotificationRule {
            name: "leaky".into(),
            on: vec![NotifyOn::InternalNote, NotifyOn::PublicReply],
            to: vec![
                helpdesk_core::notification::Audience::Requester,
                helpdesk_core::notification::Audience::GroupMembers,
            ],
            via: NotificationChannel::Email,
            template: None,
            skip_actor: true,
        }],
        ..desk(serde_json::json!([]))
    };
    assert!(config.validate().is_err());
    let ticket = bobs_ticket(&config);
    // When Carol adds a note
    let deliveries = plan(&event(CAROL, Role::Agent, note()), &ticket, &config);
    // Then the group hears of it, Alice does not, Carol does not
    assert_eq!(recipients(&deliveries), [person(BOB)]);
    // And a public reply of the same rule does reach Alice
    let deliveries = plan(&event(CAROL, Role::Agent, reply()), &ticket, &config);
    assert_eq!(recipients(&deliveries), [person(ALICE), person(BOB)]);
}

#[test]
fn an_assignment_tells_the_new_assignee() {
    // Given assignments go to the assignee
    let config = desk(serde_json::json!([rule(
        "assigned",
        &["assigned"],
        serde_json::json!(["assignee"]),
        "email"
    )]));
    // When Carol assigns the ticket to Dave
    let ticket = ticket(&config, Some(NETWORK), Some(DAVE));
    let change = Change::AssigneeChanged {
        from: Some(id(BOB)),
        to: Some(id(DAVE)),
    };
    // Then Dave is told
    let deliveries = plan(&event(CAROL, Role::Supervisor, change), &ticket, &config);
    assert_eq!(recipients(&deliveries), [person(DAVE)]);
    // And Dave taking it himself tells nobody
    let change = Change::AssigneeChanged {
        from: None,
        to: Some(id(DAVE)),
    };
    assert_eq!(
        plan(&event(DAVE, Role::Agent, change), &ticket, &config),
        []
    );
}

#[test]
fn a_group_change_tells_the_members_and_managers_of_the_new_group() {
    // Given group changes go to the group's members and managers
    let config = desk(serde_json::json!([rule(
        "moved",
        &["group_changed"],
        serde_json::json!(["group_members", "group_managers"]),
        "email"
    )]));
    let change = || Change::GroupChanged {
        from: Some(GroupId::from_u128(NETWORK)),
        to: Some(GroupId::from_u128(SERVICE_DESK)),
    };
    // When the ticket moves to the service desk
    let moved = ticket(&config, Some(SERVICE_DESK), None);
    // Then Dave, its member and manager, is told once
    assert_eq!(
        recipients(&plan(&by_system(change()), &moved, &config)),
        [person(DAVE)]
    );
    // When it lands in network instead, Bob and Carol (by key) are told,
    // Carol once though she is member and manager
    let network = ticket(&config, Some(NETWORK), None);
    assert_eq!(
        recipients(&plan(&by_system(change()), &network, &config)),
        [person(BOB), person(CAROL)]
    );
}

#[test]
fn group_managers_are_the_managers_of_the_tickets_group() {
    // Given breaches go to the group's managers
    let config = desk(serde_json::json!([rule(
        "breaches",
        &["sla_breach"],
        serde_json::json!(["group_managers"]),
        "email"
    )]));
    let breach = || Change::SlaBreached {
        metric: Metric::Resolution,
        cycle: 1,
        due: Utc.with_ymd_and_hms(2026, 3, 2, 9, 30, 0).unwrap(),
    };
    // When the network ticket breaches, Carol is told
    let network = bobs_ticket(&config);
    assert_eq!(
        recipients(&plan(&by_system(breach()), &network, &config)),
        [person(CAROL)]
    );
    // When a ticket in no group breaches, nobody is
    let triage = ticket(&config, None, None);
    assert_eq!(plan(&by_system(breach()), &triage, &config), []);
}

#[test]
fn nobody_is_the_assignee_or_the_group_of_an_unassigned_ticket_in_no_group() {
    // Given new tickets go to the assignee and the group
    let config = desk(serde_json::json!([rule(
        "new",
        &["opened"],
        serde_json::json!(["assignee", "group_members", "group_managers"]),
        "email"
    )]));
    let (_, opened) = one_of_each_kind().swap_remove(0);
    // When a ticket opens unassigned in no group, nobody is told
    let triage = ticket(&config, None, None);
    assert_eq!(plan(&by_system(opened.clone()), &triage, &config), []);
    // When it opens in a group the configuration does not define, nobody is told
    let unknown = ticket(&config, Some(99), None);
    assert_eq!(plan(&by_system(opened), &unknown, &config), []);
}

#[test]
fn an_endpoint_is_told_by_its_key_with_the_rules_template() {
    // Given escalations go to the ops chat, with a template
    let mut config = desk(serde_json::json!([rule(
        "escalations",
        &["escalated"],
        serde_json::json!([{"endpoint": "ops_chat"}]),
        "webhook"
    )]));
    config.notification_rules[0].template = Some("escalation_card".into());
    config.templates = serde_json::from_value(serde_json::json!({
        "escalation_card": {"en": {"subject": "Escalated: {{ ticket.subject }}", "text": "{{ event.summary }}"}}
    }))
    .unwrap();
    config.validate().unwrap();
    let ticket = bobs_ticket(&config);
    let (_, escalated) = one_of_each_kind().swap_remove(8);
    // When the ticket escalates, even by the system and with skip_actor
    let deliveries = plan(&by_system(escalated), &ticket, &config);
    // Then the endpoint is told by webhook, with the template
    assert_eq!(
        deliveries,
        [Delivery {
            rule: "escalations".into(),
            recipient: Recipient::Endpoint("ops_chat".into()),
            channel: NotificationChannel::Webhook,
            template: Some("escalation_card".into()),
        }]
    );
}

#[test]
fn each_recipient_gets_one_delivery_per_channel_from_the_first_rule() {
    // Given two email rules and a webhook rule that all reach Bob on resolution
    let config = desk(serde_json::json!([
        rule(
            "first",
            &["resolved"],
            serde_json::json!(["assignee"]),
            "email"
        ),
        rule(
            "second",
            &["resolved", "reopened"],
            serde_json::json!(["group_members"]),
            "email"
        ),
        rule(
            "third",
            &["resolved"],
            serde_json::json!(["assignee"]),
            "webhook"
        )
    ]));
    let ticket = bobs_ticket(&config);
    let (_, resolved) = one_of_each_kind().swap_remove(9);
    // When the ticket is resolved
    let deliveries = plan(&by_system(resolved), &ticket, &config);
    // Then Bob gets one email (from the first rule) and one webhook, and
    // Carol one email from the second
    let summary: Vec<(&str, Recipient, NotificationChannel)> = deliveries
        .iter()
        .map(|d| (d.rule.as_str(), d.recipient.clone(), d.channel))
        .collect();
    assert_eq!(
        summary,
        [
            ("first", person(BOB), NotificationChannel::Email),
            ("second", person(CAROL), NotificationChannel::Email),
            ("third", person(BOB), NotificationChannel::Webhook),
        ]
    );
}

#[test]
fn sla_warnings_and_merges_reach_whom_the_rules_name() {
    // Given warnings go to the assignee and merges to the requester
    let config = desk(serde_json::json!([
        rule(
            "warnings",
            &["sla_warning"],
            serde_json::json!(["assignee", {"endpoint": "ops_mail"}]),
            "email"
        ),
        rule(
            "merges",
            &["merged"],
            serde_json::json!(["requester"]),
            "email"
        )
    ]));
    config.validate().unwrap();
    let ticket = bobs_ticket(&config);
    let kinds = one_of_each_kind();
    // When a warning falls due, Bob and the ops mailbox are told
    let warned = plan(&by_system(kinds[6].1.clone()), &ticket, &config);
    assert_eq!(
        recipients(&warned),
        [person(BOB), Recipient::Endpoint("ops_mail".into())]
    );
    // When Carol merges the ticket, Alice is told
    let merged = plan(
        &event(CAROL, Role::Agent, kinds[11].1.clone()),
        &ticket,
        &config,
    );
    assert_eq!(recipients(&merged), [person(ALICE)]);
}

#[test]
fn an_endpoint_the_configuration_does_not_define_for_the_channel_is_not_told() {
    // Given a rule (refused by the checks) naming a missing endpoint and
    // an endpoint of another channel
    let config = desk(serde_json::json!([rule(
        "broken",
        &["opened"],
        serde_json::json!([{"endpoint": "missing"}, {"endpoint": "ops_mail"}, {"endpoint": "ops_chat"}]),
        "webhook"
    )]));
    assert!(config.validate().is_err());
    let ticket = bobs_ticket(&config);
    let (_, opened) = one_of_each_kind().swap_remove(0);
    // When a ticket opens, then only the webhook endpoint is told
    assert_eq!(
        recipients(&plan(&by_system(opened), &ticket, &config)),
        [Recipient::Endpoint("ops_chat".into())]
    );
}

/// A customer CC'd on Alice's ticket.
const ERIN: u128 = 50;

/// `ticket` watched by each of `watchers`, added by the admin.
fn watched(config: &DeskConfig, mut ticket: Ticket, watchers: &[(u128, Role)]) -> Ticket {
    let admin = Actor::admin(ActorId::from_u128(900), TenantId::from_u128(1));
    let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 30, 0).unwrap();
    for &(who, role) in watchers {
        let watch = Command::Watch {
            watcher: ActorRef { id: id(who), role },
        };
        for event in decide(&ticket, watch, &Context::new(&admin, now, config)).unwrap() {
            apply(&mut ticket, &event);
        }
    }
    ticket
}

#[test]
fn watchers_are_told_each_by_id_but_never_of_their_own_action() {
    // Given replies go to the watchers, even to the one who replied, and
    // Dave (staff) and Erin (a customer) watch Bob's ticket
    let mut config = desk(serde_json::json!([rule(
        "followers",
        &["public_reply"],
        serde_json::json!(["watchers"]),
        "email"
    )]));
    config.notification_rules[0].skip_actor = false;
    let ticket = watched(
        &config,
        bobs_ticket(&config),
        &[(ERIN, Role::Requester), (DAVE, Role::Agent)],
    );
    // When Carol replies, both watchers are told, in the order of their ids
    let by_carol = plan(&event(CAROL, Role::Agent, reply()), &ticket, &config);
    assert_eq!(recipients(&by_carol), [person(DAVE), person(ERIN)]);
    // When Dave replies, only Erin is: a watcher is not told of what they did
    let by_dave = plan(&event(DAVE, Role::Agent, reply()), &ticket, &config);
    assert_eq!(recipients(&by_dave), [person(ERIN)]);
}

#[test]
fn a_customer_watcher_never_hears_of_an_internal_note_even_when_named_otherwise() {
    // Given notes go to the watchers and the group's members (built past
    // the checks), and Dave, an agent of the directory, watches as a customer
    let config = desk(serde_json::json!([rule(
        "notes",
        &["internal_note", "public_reply"],
        serde_json::json!(["watchers", "group_members", "group_managers"]),
        "email"
    )]));
    let ticket = watched(
        &config,
        ticket(&config, Some(SERVICE_DESK), None),
        &[
            (ERIN, Role::Requester),
            (DAVE, Role::Requester),
            (BOB, Role::Agent),
        ],
    );
    // When Carol adds a note
    let deliveries = plan(&event(CAROL, Role::Agent, note()), &ticket, &config);
    // Then Bob, watching as staff, hears of it; Erin and Dave do not
    assert_eq!(recipients(&deliveries), [person(BOB)]);
    // And a public reply reaches every watcher and the group
    let deliveries = plan(&event(CAROL, Role::Agent, reply()), &ticket, &config);
    assert_eq!(
        recipients(&deliveries),
        [person(BOB), person(DAVE), person(ERIN)]
    );
}
