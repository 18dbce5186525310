//! Properties of `notification::plan` for random events, tickets and rule
//! sets (rule sets the configuration's checks would refuse included): the
//! requester and requester-role watchers are never told of what they may
//! not see, nor a watcher as a watcher of their own action, plans are
//! deterministic, nobody is told twice by the same channel, and endpoints
//! are told only by their own channel.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::path::PathBuf;

use chrono::{TimeZone, Utc};
use helpdesk_core::notification::{
    Audience, NotificationChannel, NotificationRule, NotifyOn, Recipient, plan,
};
use helpdesk_core::*;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

const ALICE: u128 = 100;
const BOB: u128 = 20;
const CAROL: u128 = 30;
const DAVE: u128 = 40;
/// A customer who watches some tickets.
const ERIN: u128 = 50;
const SYSTEM: u128 = 500;
const NETWORK: u128 = 10;
const SERVICE_DESK: u128 = 11;

fn id(n: u128) -> ActorId {
    ActorId::from_u128(n)
}

/// A change of every type, from the golden files, and an unassignment.
fn every_change() -> Vec<Change> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden/events");
    let mut changes: Vec<Change> = Change::TYPE_NAMES
        .iter()
        .map(|name| {
            let text = std::fs::read_to_string(dir.join(format!("{name}.json"))).unwrap();
            serde_json::from_str::<Event>(&text).unwrap().change
        })
        .collect();
    changes.push(Change::AssigneeChanged {
        from: Some(id(BOB)),
        to: None,
    });
    changes
}

fn directory() -> DeskConfig {
    serde_json::from_value(serde_json::json!({
        "groups": {
            "network": {"id": GroupId::from_u128(NETWORK), "name": "Network", "managers": ["carol", "alice"]},
            "service_desk": {"id": GroupId::from_u128(SERVICE_DESK), "name": "Service desk", "managers": ["dave", "nobody"]}
        },
        "agents": {
            // Alice is an agent too, and requests some tickets herself.
            "alice": {"id": id(ALICE), "name": "Alice", "groups": ["network"]},
            "bob": {"id": id(BOB), "name": "Bob", "groups": ["network", "service_desk"]},
            "carol": {"id": id(CAROL), "name": "Carol", "groups": ["network"]},
            "dave": {"id": id(DAVE), "name": "Dave", "groups": ["service_desk"]}
        },
        "endpoints": {
            "ops_chat": {"via": "webhook", "target": "https://chat.example.com/hooks/ops"},
            "ops_mail": {"via": "email", "target": "ops@example.com"}
        }
    }))
    .unwrap()
}

fn audience() -> impl Strategy<Value = Audience> {
    prop_oneof![
        Just(Audience::Requester),
        Just(Audience::Assignee),
        Just(Audience::GroupMembers),
        Just(Audience::GroupManagers),
        Just(Audience::Watchers),
        prop::sample::select(vec!["ops_chat", "ops_mail", "missing"])
            .prop_map(|key| Audience::Endpoint(key.into())),
    ]
}

/// Any kind, internal notes as often as all others together.
fn kind() -> impl Strategy<Value = NotifyOn> {
    prop_oneof![
        Just(NotifyOn::InternalNote),
        prop::sample::select(NotifyOn::ALL.to_vec()),
    ]
}

/// Any change, internal notes as often as all others together.
fn change() -> impl Strategy<Value = Change> {
    let note = every_change()
        .into_iter()
        .find(|c| matches!(c, Change::NoteAdded { .. }))
        .unwrap();
    prop_oneof![Just(note), prop::sample::select(every_change())]
}

fn rule() -> impl Strategy<Value = NotificationRule> {
    (
        prop::sample::select(vec!["a", "b", "c"]),
        prop::collection::vec(kind(), 0..5),
        prop::collection::vec(audience(), 0..5),
        prop::sample::select(vec![
            NotificationChannel::Email,
            NotificationChannel::Webhook,
            NotificationChannel::Nats,
        ]),
        prop::option::of(Just("custom".to_owned())),
        any::<bool>(),
    )
        .prop_map(
            |(name, on, to, via, template, skip_actor)| NotificationRule {
                name: name.into(),
                on,
                to,
                via,
                template,
                skip_actor,
            },
        )
}

/// A ticket of `requester` in `group`, assigned to `assignee`, watched by
/// `watchers` (but the requester, who watches only as a requester).
fn ticket(
    config: &DeskConfig,
    requester: u128,
    group: Option<u128>,
    assignee: Option<u128>,
    watchers: &[(u128, Role)],
) -> Ticket {
    let tenant = TenantId::from_u128(1);
    let admin = Actor::admin(id(900), tenant);
    let ctx = Context::new(
        &admin,
        Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap(),
        config,
    );
    let mut ticket = Ticket::new(TicketId::from_u128(1));
    let mut new = NewTicket::new(id(requester), "VPN drops", "");
    if let Some(group) = group {
        new = new.group(GroupId::from_u128(group));
    }
    let mut commands = vec![Command::Open(new)];
    commands.extend(assignee.map(|a| Command::Assign { assignee: id(a) }));
    commands.extend(
        watchers
            .iter()
            .filter(|(who, _)| *who != requester)
            .map(|&(who, role)| Command::Watch {
                watcher: ActorRef { id: id(who), role },
            }),
    );
    for command in commands {
        for event in decide(&ticket, command, &ctx).unwrap() {
            apply(&mut ticket, &event);
        }
    }
    ticket
}

struct Case {
    config: DeskConfig,
    ticket: Ticket,
    event: Event,
}

fn case() -> impl Strategy<Value = Case> {
    (
        prop::collection::vec(rule(), 0..6),
        prop::sample::select(vec![ALICE, BOB]),
        prop::sample::select(vec![None, Some(NETWORK), Some(SERVICE_DESK), Some(99)]),
        prop::sample::select(vec![None, Some(ALICE), Some(BOB), Some(CAROL), Some(DAVE)]),
        // Dave, an agent of the directory, watches some tickets as a
        // customer would.
        prop::sample::subsequence(
            vec![
                (ERIN, Role::Requester),
                (DAVE, Role::Requester),
                (CAROL, Role::Supervisor),
                (BOB, Role::Agent),
            ],
            0..=4,
        ),
        change(),
        prop::sample::select(vec![
            (ALICE, Role::Requester),
            (ALICE, Role::Agent),
            (BOB, Role::Agent),
            (CAROL, Role::Supervisor),
            (DAVE, Role::Agent),
            (ERIN, Role::Requester),
            (SYSTEM, Role::System),
        ]),
    )
        .prop_map(
            |(rules, requester, group, assignee, watchers, change, (by, role))| {
                let config = DeskConfig {
                    notification_rules: rules,
                    ..directory()
                };
                let ticket = ticket(&config, requester, group, assignee, &watchers);
                let event = Event::new(
                    Utc.with_ymd_and_hms(2026, 3, 2, 10, 0, 0).unwrap(),
                    ActorRef { id: id(by), role },
                    change,
                );
                Case {
                    config,
                    ticket,
                    event,
                }
            },
        )
}

impl std::fmt::Debug for Case {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Case")
            .field("rules", &self.config.notification_rules)
            .field("requester", &self.ticket.requester())
            .field("group", &self.ticket.group())
            .field("assignee", &self.ticket.assignee())
            .field("watchers", &self.ticket.watchers().collect::<Vec<_>>())
            .field("event", &self.event)
            .finish()
    }
}

proptest! {
    #[test]
    fn the_requester_is_never_told_of_what_they_may_not_see(case in case()) {
        let deliveries = plan(&case.event, &case.ticket, &case.config);
        if !case.event.is_visible_to(Role::Requester) {
            let requester = Recipient::Actor(case.ticket.requester());
            prop_assert!(
                deliveries.iter().all(|d| d.recipient != requester),
                "{deliveries:?}"
            );
        }
    }

    #[test]
    fn a_requester_role_watcher_is_never_told_of_what_requesters_may_not_see(case in case()) {
        let deliveries = plan(&case.event, &case.ticket, &case.config);
        if !case.event.is_visible_to(Role::Requester) {
            for watcher in case.ticket.watchers().filter(|w| w.role == Role::Requester) {
                let told = Recipient::Actor(watcher.id);
                prop_assert!(deliveries.iter().all(|d| d.recipient != told), "{deliveries:?}");
            }
        }
    }

    #[test]
    fn a_watcher_hears_of_their_own_action_only_through_another_audience(case in case()) {
        // Given rules that name nobody but the watchers
        let mut config = case.config.clone();
        for rule in &mut config.notification_rules {
            rule.to.retain(|a| *a == Audience::Watchers);
        }
        // Then the actor is never among those told, whatever skip_actor says
        let deliveries = plan(&case.event, &case.ticket, &config);
        let actor = Recipient::Actor(case.event.by.id);
        prop_assert!(deliveries.iter().all(|d| d.recipient != actor), "{deliveries:?}");
        // And everyone told watches the ticket
        for delivery in &deliveries {
            let Recipient::Actor(who) = delivery.recipient else {
                return Err(TestCaseError::fail(format!("{delivery:?}")));
            };
            prop_assert!(case.ticket.watcher(who).is_some());
        }
    }

    #[test]
    fn plans_are_deterministic(case in case()) {
        let first = plan(&case.event, &case.ticket, &case.config);
        let again = plan(&case.event.clone(), &case.ticket.clone(), &case.config.clone());
        prop_assert_eq!(first, again);
    }

    #[test]
    fn nobody_is_told_twice_by_the_same_channel(case in case()) {
        let deliveries = plan(&case.event, &case.ticket, &case.config);
        let unique: BTreeSet<(&Recipient, NotificationChannel)> =
            deliveries.iter().map(|d| (&d.recipient, d.channel)).collect();
        prop_assert_eq!(unique.len(), deliveries.len(), "{:?}", deliveries);
    }

    #[test]
    fn every_delivery_follows_a_rule_on_the_events_kind(case in case()) {
        let deliveries = plan(&case.event, &case.ticket, &case.config);
        let Some(kind) = NotifyOn::of(&case.event.change) else {
            prop_assert!(deliveries.is_empty());
            return Ok(());
        };
        let actor = Recipient::Actor(case.event.by.id);
        for delivery in &deliveries {
            // Names may repeat in these rule sets: some rule of that name
            // fires on the kind, sends by the channel with the template,
            // and does not skip the actor if the actor is told.
            let follows = case.config.notification_rules.iter().any(|r| {
                r.name == delivery.rule
                    && r.on.contains(&kind)
                    && r.via == delivery.channel
                    && r.template == delivery.template
                    && (!r.skip_actor || delivery.recipient != actor)
            });
            prop_assert!(follows, "{delivery:?}");
            if let Recipient::Endpoint(key) = &delivery.recipient {
                let endpoint = case.config.endpoints.get(key);
                prop_assert_eq!(endpoint.map(|e| e.via), Some(delivery.channel));
            }
        }
    }
}

#[test]
fn the_kinds_visibility_is_the_events() {
    for change in every_change() {
        let event = Event::new(
            Utc.with_ymd_and_hms(2026, 3, 2, 10, 0, 0).unwrap(),
            ActorRef {
                id: id(BOB),
                role: Role::Agent,
            },
            change,
        );
        if let Some(kind) = NotifyOn::of(&event.change) {
            for role in Role::ALL {
                assert_eq!(
                    kind.is_visible_to(role),
                    event.is_visible_to(role),
                    "{kind} to {role}"
                );
            }
        }
    }
}

#[test]
fn every_kind_is_the_kind_of_some_change() {
    let kinds: BTreeSet<NotifyOn> = every_change().iter().filter_map(NotifyOn::of).collect();
    assert_eq!(kinds, NotifyOn::ALL.into_iter().collect());
}
