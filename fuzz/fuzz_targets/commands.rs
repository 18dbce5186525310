//! Feeds arbitrary command sequences from a fixed cast of actors through
//! `decide` and `apply`.
//!
//! Checked on every step: `decide` does not panic, a rejected command
//! leaves the ticket alone, the version grows by the number of events, every
//! event is stamped with the actor and the instant and survives a JSON round
//! trip. The desk has an SLA policy with short targets, so SLA events take
//! part. Checked at the end: replaying the history (as produced, and as read
//! back from JSON) rebuilds the ticket, requesters never see internal notes
//! and nobody outside the ticket's tenant sees it at all.

#![no_main]

use arbitrary::Arbitrary;
use chrono::{DateTime, Duration, Utc};
use helpdesk_core::config::StatusDef;
use helpdesk_core::{
    Actor, ActorId, Command, CommentId, Context, DeskConfig, Event, FieldDef, FieldKind,
    FieldValue, GroupId, Link, Role, StatusCategory, StatusTarget, TenantId, Ticket, TicketId,
    Visibility, apply, decide,
};
use libfuzzer_sys::fuzz_target;

/// Who issues a command.
#[derive(Debug, Clone, Copy, Arbitrary)]
enum ActorChoice {
    /// The requester the ticket is usually opened for.
    Requester,
    /// Another requester of the same tenant.
    OtherRequester,
    /// An agent in the ticket's usual group.
    GroupAgent,
    /// An agent of another group.
    OtherAgent,
    /// A supervisor of the ticket's usual group.
    Supervisor,
    /// An admin of the tenant.
    Admin,
    /// The host's automation.
    System,
    /// An admin of another tenant.
    OtherTenantAdmin,
}

/// The fuzzer's input: a command sequence on one ticket.
#[derive(Debug, Arbitrary)]
struct Input {
    steps: Vec<(ActorChoice, Command)>,
}

const TENANT: TenantId = TenantId::from_u128(1);
const OTHER_TENANT: TenantId = TenantId::from_u128(2);
const TICKET: TicketId = TicketId::from_u128(1000);
const GROUPS: [GroupId; 3] = [
    GroupId::from_u128(10),
    GroupId::from_u128(20),
    GroupId::from_u128(30),
];
const ACTORS: [ActorId; 9] = [
    ActorId::from_u128(100), // requester
    ActorId::from_u128(101), // other requester
    ActorId::from_u128(200), // group agent
    ActorId::from_u128(201), // other agent
    ActorId::from_u128(300), // supervisor
    ActorId::from_u128(400), // admin
    ActorId::from_u128(500), // system
    ActorId::from_u128(900), // other tenant's admin
    ActorId::from_u128(999), // nobody in the cast
];
const TICKETS: [TicketId; 3] = [TICKET, TicketId::from_u128(1001), TicketId::from_u128(1002)];

struct Cast {
    actors: [Actor; 8],
}

impl Cast {
    fn new() -> Self {
        Self {
            actors: [
                Actor::requester(ACTORS[0], TENANT),
                Actor::requester(ACTORS[1], TENANT),
                Actor::agent(ACTORS[2], TENANT, [GROUPS[0]]),
                Actor::agent(ACTORS[3], TENANT, [GROUPS[1]]),
                Actor::supervisor(ACTORS[4], TENANT, [GROUPS[0]]),
                Actor::admin(ACTORS[5], TENANT),
                Actor::system(ACTORS[6], TENANT),
                Actor::admin(ACTORS[7], OTHER_TENANT),
            ],
        }
    }

    fn get(&self, choice: ActorChoice) -> &Actor {
        &self.actors[choice as usize]
    }
}

fn config() -> DeskConfig {
    let status = |key: &str, category| StatusDef {
        key: key.into(),
        label: key.into(),
        category,
    };
    let field = |key: &str, kind, requester_editable| FieldDef {
        key: key.into(),
        label: key.into(),
        kind,
        requester_editable,
        host_only: false,
    };
    let config = DeskConfig {
        statuses: vec![
            status("triaged", StatusCategory::Open),
            status("awaiting_customer", StatusCategory::Pending),
            status("awaiting_parts", StatusCategory::OnHold),
            status("fixed_remotely", StatusCategory::Resolved),
        ],
        fields: vec![
            field(
                "site",
                FieldKind::Choice {
                    options: vec!["berlin".into(), "nyc".into()],
                },
                true,
            ),
            field("cost_center", FieldKind::Text { max_chars: 8 }, false),
            field(
                "seats",
                FieldKind::Integer {
                    min: Some(1),
                    max: Some(100),
                },
                false,
            ),
        ],
        ..DeskConfig::default()
    };
    // An SLA policy with short targets, so clocks start, warn and breach
    // within a run and their events are replayed and round-tripped too.
    let mut json = serde_json::to_value(&config).expect("config serializes");
    json["sla_policies"] = serde_json::json!([{
        "key": "standard",
        "targets": {
            "first_response": {"P1": "10m", "P2": "20m", "P3": "30m", "P4": "1h", "P5": "2h"},
            "resolution": {"P1": "30m", "P2": "45m", "P3": "1h", "P4": "2h", "P5": "4h"}
        },
        "warnings": [{"percent": 50}]
    }]);
    let config: DeskConfig = serde_json::from_value(json).expect("config deserializes");
    assert_eq!(config.validate(), Ok(()));
    config
}

// Arbitrary ids and strings almost never meet the cast, the configured keys
// or each other; folding them onto small pools lets sequences reach deep
// states (assigned, linked, resolved with a sub-status, ...). Long strings
// stay as they are, so odd input still gets through.

fn actor_id(id: &mut ActorId) {
    *id = ACTORS[(id.as_uuid().as_u128() % ACTORS.len() as u128) as usize];
}

fn group_id(id: &mut GroupId) {
    *id = GROUPS[(id.as_uuid().as_u128() % GROUPS.len() as u128) as usize];
}

fn ticket_id(id: &mut TicketId) {
    *id = TICKETS[(id.as_uuid().as_u128() % TICKETS.len() as u128) as usize];
}

fn comment_id(id: &mut CommentId) {
    *id = CommentId::from_u128(id.as_uuid().as_u128() % 4);
}

fn short(value: &mut String, pool: &[&str]) {
    if value.len() <= 1 {
        let i = value.bytes().next().map_or(0, usize::from) % pool.len();
        *value = pool[i].to_owned();
    }
}

const STATUS_KEYS: [&str; 5] = [
    "triaged",
    "awaiting_customer",
    "awaiting_parts",
    "fixed_remotely",
    "unknown",
];
const FIELD_KEYS: [&str; 4] = ["site", "cost_center", "seats", "unknown"];
const TAGS: [&str; 4] = ["vpn", "vip", "Bad Tag", ""];
const CHOICES: [&str; 3] = ["berlin", "nyc", "paris"];

fn field_value(value: &mut FieldValue) {
    match value {
        FieldValue::Choice(choice) | FieldValue::Text(choice) => short(choice, &CHOICES),
        FieldValue::Choices(choices) => {
            *choices = std::mem::take(choices)
                .into_iter()
                .map(|mut c| {
                    short(&mut c, &CHOICES);
                    c
                })
                .collect();
        }
        FieldValue::Integer(_) | FieldValue::Bool(_) | FieldValue::Date(_) => {}
    }
}

fn fold(command: &mut Command) {
    match command {
        Command::Open(new) => {
            actor_id(&mut new.requester);
            if let Some(group) = &mut new.group {
                group_id(group);
            }
            for tag in &mut new.tags {
                short(tag, &TAGS);
            }
            new.fields = std::mem::take(&mut new.fields)
                .into_iter()
                .map(|(mut key, mut value)| {
                    short(&mut key, &FIELD_KEYS);
                    field_value(&mut value);
                    (key, value)
                })
                .collect();
        }
        Command::Reply { comment, .. } | Command::AddNote { comment, .. } => comment_id(comment),
        Command::SetGroup { group: Some(group) } => group_id(group),
        Command::Assign { assignee } => actor_id(assignee),
        Command::ChangeStatus {
            status: StatusTarget::Custom(key),
        } => short(key, &STATUS_KEYS),
        Command::Tag { tag } | Command::Untag { tag } => short(tag, &TAGS),
        Command::SetField { key, value } => {
            short(key, &FIELD_KEYS);
            if let Some(value) = value {
                field_value(value);
            }
        }
        Command::Resolve {
            sub_status: Some(key),
            ..
        } => short(key, &STATUS_KEYS),
        Command::Merge { into } | Command::AcceptMerge { from: into } => ticket_id(into),
        Command::Link { link } | Command::Unlink { link } => {
            let Link { ticket, .. } = link;
            ticket_id(ticket);
        }
        _ => {}
    }
}

fn no_internal_notes(ticket: &Ticket) -> bool {
    ticket
        .conversation()
        .all(|c| c.visibility == Visibility::Public)
}

fn check_views(ticket: &Ticket, cast: &Cast) {
    for actor in &cast.actors {
        match ticket.view_for(actor) {
            Some(view) => {
                assert_eq!(actor.tenant, ticket.tenant(), "seen across tenants");
                if !actor.role.is_staff() {
                    assert_eq!(actor.id, ticket.requester(), "seen by a stranger");
                    assert!(no_internal_notes(&view), "internal note shown to requester");
                }
            }
            None => assert!(
                !ticket.exists()
                    || actor.tenant != ticket.tenant()
                    || !matches!(actor.role, Role::Admin | Role::System),
                "an admin or the system of the tenant does not see the ticket"
            ),
        }
    }
    if ticket.exists() {
        let requester = Actor::requester(ticket.requester(), ticket.tenant());
        let view = ticket
            .view_for(&requester)
            .expect("requester sees own ticket");
        assert!(no_internal_notes(&view), "internal note shown to requester");
    }
}

fn start() -> DateTime<Utc> {
    DateTime::from_timestamp(1_772_442_000, 0).expect("valid instant")
}

fuzz_target!(|input: Input| {
    let cast = Cast::new();
    let config = config();
    let mut ticket = Ticket::new(TICKET);
    let mut history: Vec<Event> = Vec::new();
    let mut read_back: Vec<Event> = Vec::new();
    for (step, (choice, mut command)) in input.steps.into_iter().enumerate() {
        fold(&mut command);
        let actor = cast.get(choice);
        let now = start() + Duration::minutes(7 * step as i64);
        let ctx = Context::new(actor, now, &config);
        let before = ticket.clone();
        match decide(&ticket, command, &ctx) {
            Ok(events) => {
                for event in &events {
                    assert_eq!(event.by, actor.as_ref());
                    assert_eq!(event.at, now);
                    apply(&mut ticket, event);
                    let json = serde_json::to_string(event).expect("event serializes");
                    let back: Event = serde_json::from_str(&json).expect("event deserializes");
                    assert_eq!(&back, event, "JSON round trip of {json}");
                    read_back.push(back);
                }
                assert_eq!(ticket.version(), before.version() + events.len() as u64);
                history.extend(events);
            }
            Err(_) => assert_eq!(ticket, before),
        }
    }
    assert_eq!(Ticket::replay(TICKET, &history), ticket);
    assert_eq!(Ticket::replay(TICKET, &read_back), ticket);
    check_views(&ticket, &cast);
});
