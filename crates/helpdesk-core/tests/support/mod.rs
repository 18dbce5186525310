//! A small desk for tests: one tenant, a cast of actors, a configuration
//! with custom statuses and fields, and helpers to drive a ticket.
#![allow(dead_code, clippy::unwrap_used)]

use chrono::{DateTime, Duration, TimeZone, Utc};
use helpdesk_core::routing::RouteInput;
use helpdesk_core::*;

pub struct Desk {
    pub tenant: TenantId,
    pub group: GroupId,
    pub other_group: GroupId,
    pub requester: Actor,
    pub other_requester: Actor,
    pub agent: Actor,
    pub other_agent: Actor,
    pub supervisor: Actor,
    pub admin: Actor,
    pub system: Actor,
    pub foreign_admin: Actor,
    pub config: DeskConfig,
    pub t0: DateTime<Utc>,
}

/// A ticket and every event it has had.
#[derive(Clone)]
pub struct Driven {
    pub ticket: Ticket,
    pub history: Vec<Event>,
    pub clock: i64,
}

impl Driven {
    /// A ticket not opened yet.
    #[allow(dead_code)] // not every test file opens its own tickets
    pub fn new(id: TicketId) -> Self {
        Self {
            ticket: Ticket::new(id),
            history: Vec::new(),
            clock: 0,
        }
    }
}

impl Desk {
    pub fn new() -> Self {
        let tenant = TenantId::from_u128(1);
        let group = GroupId::from_u128(10);
        let other_group = GroupId::from_u128(11);
        let config: DeskConfig = serde_json::from_value(serde_json::json!({
            "groups": {
                "desk": {"id": GroupId::from_u128(10), "name": "Service desk"},
                "other": {"id": GroupId::from_u128(11), "name": "Other"},
                "l2": {"id": GroupId::from_u128(12), "name": "Second line"}
            },
            "tiers": [
                {"key": "l1", "name": "L1", "group": "desk", "entry": true},
                {"key": "l2", "name": "L2", "group": "l2"}
            ],
            "escalations": [{"name": "manual", "from": "l1", "to": "l2", "when": "manual"}],
            "routing_rules": [{"name": "triage", "then": {"tier": "l1"}}],
            "statuses": [
                {"key": "in_progress", "label": "In progress", "category": "open"},
                {"key": "awaiting_reply", "label": "Awaiting reply", "category": "pending"},
                {"key": "awaiting_parts", "label": "Awaiting parts", "category": "on_hold"},
                {"key": "workaround_given", "label": "Workaround given", "category": "resolved"}
            ],
            "fields": [
                {"key": "site", "label": "Site", "kind": {"type": "choice", "options": ["berlin", "nyc"]}},
                {"key": "phone", "label": "Call-back number", "kind": {"type": "text", "max_chars": 30}, "requester_editable": true},
                {"key": "seats", "label": "Seats", "kind": {"type": "integer", "min": 1, "max": 500}}
            ]
        }))
        .unwrap();
        config.validate().unwrap();
        Self {
            tenant,
            group,
            other_group,
            requester: Actor::requester(ActorId::from_u128(100), tenant),
            other_requester: Actor::requester(ActorId::from_u128(101), tenant),
            agent: Actor::agent(ActorId::from_u128(200), tenant, [group]),
            other_agent: Actor::agent(ActorId::from_u128(201), tenant, [other_group]),
            supervisor: Actor::supervisor(ActorId::from_u128(300), tenant, [group]),
            admin: Actor::admin(ActorId::from_u128(400), tenant),
            system: Actor::system(ActorId::from_u128(500), tenant),
            foreign_admin: Actor::admin(ActorId::from_u128(900), TenantId::from_u128(2)),
            config,
            t0: Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap(),
        }
    }

    pub fn actor(&self, role: Role) -> &Actor {
        match role {
            Role::Requester => &self.requester,
            Role::Agent => &self.agent,
            Role::Supervisor => &self.supervisor,
            Role::Admin => &self.admin,
            Role::System => &self.system,
        }
    }

    /// Runs `command` as `actor`; on success applies the events.
    pub fn run(
        &self,
        driven: &mut Driven,
        actor: &Actor,
        command: Command,
    ) -> Result<Vec<Event>, DomainError> {
        driven.clock += 1;
        let ctx = Context::new(
            actor,
            self.t0 + Duration::minutes(driven.clock),
            &self.config,
        );
        let events = decide(&driven.ticket, command, &ctx)?;
        for event in &events {
            apply(&mut driven.ticket, event);
        }
        driven.history.extend(events.iter().cloned());
        Ok(events)
    }

    /// A new incident of the requester, opened by the admin in `group`.
    pub fn opened(&self) -> Driven {
        let mut driven = Driven::new(TicketId::from_u128(1000));
        let new = NewTicket::new(self.requester.id, "VPN drops every hour", "Since Monday.")
            .group(self.group);
        self.run(&mut driven, &self.admin, Command::Open(new))
            .unwrap();
        self.run(
            &mut driven,
            &self.admin,
            Command::Route(RouteInput::default()),
        )
        .unwrap();
        assert_eq!(driven.ticket.tier(), Some("l1"));
        driven
    }

    /// A ticket brought into `category` by the admin.
    pub fn in_status(&self, category: StatusCategory) -> Driven {
        let mut driven = self.opened();
        let admin = self.admin.clone();
        let commands: Vec<Command> = match category {
            StatusCategory::New => vec![],
            StatusCategory::Open => vec![status(StatusTarget::Open)],
            StatusCategory::Pending => vec![status(StatusTarget::Pending)],
            StatusCategory::OnHold => vec![status(StatusTarget::OnHold)],
            StatusCategory::Resolved => vec![resolve()],
            StatusCategory::Closed => vec![resolve(), Command::Close],
            StatusCategory::Merged => vec![Command::Merge {
                into: other_ticket(),
            }],
            StatusCategory::Cancelled => vec![Command::Cancel {
                reason: "Withdrawn".into(),
            }],
        };
        for command in commands {
            self.run(&mut driven, &admin, command).unwrap();
        }
        assert_eq!(driven.ticket.status().category, category);
        driven
    }
}

pub fn other_ticket() -> TicketId {
    TicketId::from_u128(2000)
}

pub fn status(target: StatusTarget) -> Command {
    Command::ChangeStatus { status: target }
}

pub fn resolve() -> Command {
    Command::Resolve {
        resolution: Resolution::new(ResolutionCode::Solved, "Replaced the router."),
        sub_status: None,
    }
}

/// A valid example of every command kind but `open`, for a ticket of type
/// incident, with fresh comment ids from `seq`.
pub fn example(kind: CommandKind, seq: u128) -> Command {
    match kind {
        CommandKind::Open => unreachable!("open has its own tests"),
        CommandKind::Reply => Command::Reply {
            comment: CommentId::from_u128(seq),
            body: "Any news?".into(),
            attachments: Vec::new(),
        },
        CommandKind::AddNote => Command::note(CommentId::from_u128(seq), "Checked logs."),
        CommandKind::Attach => Command::Attach {
            comment: Some(CommentId::from_u128(seq)),
            attachments: vec![helpdesk_core::AttachmentRef::new(
                "0".repeat(64),
                "screenshot.png",
                "image/png",
                1024,
            )],
        },
        CommandKind::SetGroup => Command::SetGroup {
            group: Some(GroupId::from_u128(12)),
        },
        CommandKind::Assign => Command::Assign {
            assignee: ActorId::from_u128(200),
        },
        CommandKind::Unassign => Command::Unassign,
        CommandKind::ChangeStatus => status(StatusTarget::OnHold),
        CommandKind::SetImpactUrgency => Command::SetImpactUrgency {
            impact: Impact::High,
            urgency: Urgency::High,
        },
        CommandKind::OverridePriority => Command::OverridePriority {
            priority: Some(Priority::P1),
            reason: "CEO laptop".into(),
        },
        CommandKind::Tag => Command::Tag { tag: "vpn".into() },
        CommandKind::Untag => Command::Untag { tag: "vpn".into() },
        CommandKind::SetField => Command::SetField {
            key: "phone".into(),
            value: Some(FieldValue::Text("+49 30 1234".into())),
        },
        // The desk's requester: each role's own cell of the authorization
        // table holds for them (a requester watches only themselves).
        CommandKind::Watch => Command::Watch {
            watcher: ActorRef {
                id: ActorId::from_u128(100),
                role: Role::Requester,
            },
        },
        CommandKind::Unwatch => Command::Unwatch {
            watcher: ActorId::from_u128(100),
        },
        CommandKind::AddAsset => Command::AddAsset {
            asset: "laptop:SN-1".into(),
        },
        CommandKind::RemoveAsset => Command::RemoveAsset {
            asset: "laptop:SN-1".into(),
        },
        CommandKind::Resolve => resolve(),
        CommandKind::Reopen => Command::Reopen,
        CommandKind::Close => Command::Close,
        CommandKind::Cancel => Command::Cancel {
            reason: "Duplicate request".into(),
        },
        CommandKind::Merge => Command::Merge {
            into: other_ticket(),
        },
        CommandKind::AcceptMerge => Command::AcceptMerge {
            from: other_ticket(),
        },
        CommandKind::Link => Command::Link {
            link: Link {
                kind: LinkKind::Related,
                ticket: other_ticket(),
            },
        },
        CommandKind::Unlink => Command::Unlink {
            link: Link {
                kind: LinkKind::Related,
                ticket: other_ticket(),
            },
        },
        CommandKind::Route => Command::Route(RouteInput::default()),
        CommandKind::Escalate => Command::Escalate {
            rule: "manual".into(),
            reason: "Needs L2".into(),
        },
        CommandKind::CheckSla => Command::CheckSla,
        CommandKind::RecomputeSla => Command::RecomputeSla,
    }
}

/// Reads the first markdown table of a module's `//!` docs: the header
/// cells and, per row, the first cell and the others.
pub fn doc_table(source: &str) -> (Vec<String>, Vec<(String, Vec<String>)>) {
    let rows: Vec<Vec<String>> = source
        .lines()
        .filter_map(|line| line.strip_prefix("//! |"))
        .map(|line| {
            line.trim_end_matches('|')
                .split('|')
                .map(|cell| cell.trim().to_owned())
                .collect()
        })
        .collect();
    let header = rows[0][1..].to_vec();
    let body = rows[2..]
        .iter()
        .map(|row| (row[0].clone(), row[1..].to_vec()))
        .collect();
    (header, body)
}

/// The errors `config.validate()` reports, as text.
pub fn config_errors(config: &DeskConfig) -> Vec<String> {
    config
        .validate()
        .err()
        .unwrap_or_default()
        .iter()
        .map(ToString::to_string)
        .collect()
}
