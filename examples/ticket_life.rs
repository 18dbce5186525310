//! One ticket through its whole life, with a readable timeline at the end.
//!
//! Run it with `cargo run --example ticket_life`. It uses the pure domain only:
//! no store, no clock; `quickstart` shows the same on a SQLite desk.

use std::collections::HashMap;
use std::error::Error;

use chrono::{DateTime, Duration, TimeZone, Utc};
use helpdesk::*;

/// A tiny host: one ticket, its history, and who is who.
struct Host {
    config: DeskConfig,
    ticket: Ticket,
    history: Vec<Event>,
    now: DateTime<Utc>,
    names: HashMap<ActorId, &'static str>,
    groups: HashMap<GroupId, &'static str>,
}

impl Host {
    /// Moves the clock forward and runs `command` as `actor`.
    fn run(&mut self, minutes: i64, actor: &Actor, command: Command) -> Result<(), DomainError> {
        self.now += Duration::minutes(minutes);
        self.decide(actor, command, &Vouched::new())
    }

    /// Opens the ticket now with what the host vouches for.
    fn open(
        &mut self,
        actor: &Actor,
        new: NewTicket,
        vouched: &Vouched,
    ) -> Result<(), DomainError> {
        self.decide(actor, Command::Open(new), vouched)
    }

    fn decide(
        &mut self,
        actor: &Actor,
        command: Command,
        vouched: &Vouched,
    ) -> Result<(), DomainError> {
        let ctx = Context::new(actor, self.now, &self.config).with_vouched(vouched);
        for event in decide(&self.ticket, command, &ctx)? {
            apply(&mut self.ticket, &event);
            self.history.push(event);
        }
        Ok(())
    }
}

fn main() -> Result<(), Box<dyn Error>> {
    let tenant = TenantId::from_u128(1);
    let service_desk = GroupId::from_u128(10);
    let network_team = GroupId::from_u128(11);
    let alice = Actor::requester(ActorId::from_u128(100), tenant);
    let bob = Actor::agent(ActorId::from_u128(200), tenant, [service_desk]);
    let carol = Actor::supervisor(
        ActorId::from_u128(300),
        tenant,
        [service_desk, network_team],
    );
    let dave = Actor::agent(ActorId::from_u128(400), tenant, [network_team]);

    let config: DeskConfig = serde_json::from_str(
        r#"{
            "statuses": [{"key": "awaiting_vendor", "label": "Awaiting vendor", "category": "on_hold"}],
            "fields": [{"key": "site", "label": "Site", "kind": {"type": "choice", "options": ["berlin", "nyc"]}}],
            "sla_policies": [{
                "key": "standard",
                "targets": {
                    "first_response": {"P1": "15m", "P2": "30m", "P3": "1h"},
                    "resolution": {"P1": "1h", "P2": "4h", "P3": "8h"}
                },
                "warnings": [{"percent": 75}]
            }]
        }"#,
    )?;
    if let Err(problems) = config.validate() {
        return Err(format!("bad desk configuration: {problems:?}").into());
    }
    let mut host = Host {
        config,
        ticket: Ticket::new(TicketId::from_u128(0x1001)),
        history: Vec::new(),
        now: Utc
            .with_ymd_and_hms(2026, 3, 2, 8, 55, 0)
            .single()
            .ok_or("bad start instant")?,
        names: HashMap::from([
            (alice.id, "Alice"),
            (bob.id, "Bob"),
            (carol.id, "Carol"),
            (dave.id, "Dave"),
        ]),
        groups: HashMap::from([(service_desk, "service desk"), (network_team, "network")]),
    };

    // Alice writes on the portal; the host, not Alice, vouches for the
    // channel (and would for her organization), since routing and SLA
    // steer on it.
    let new = NewTicket::new(
        alice.id,
        "VPN drops every hour",
        "Since Monday, on the office wifi.",
    );
    host.open(&alice, new, &Vouched::new().channel(Channel::Portal))?;
    host.run(
        12,
        &bob,
        Command::SetGroup {
            group: Some(service_desk),
        },
    )?;
    host.run(
        1,
        &bob,
        Command::SetImpactUrgency {
            impact: Impact::Medium,
            urgency: Urgency::High,
        },
    )?;
    host.run(0, &bob, Command::Assign { assignee: bob.id })?;
    host.run(
        0,
        &bob,
        Command::Tag {
            tag: "network:vpn".into(),
        },
    )?;
    host.run(
        0,
        &bob,
        Command::SetField {
            key: "site".into(),
            value: Some(FieldValue::Choice("berlin".into())),
        },
    )?;
    host.run(
        3,
        &bob,
        Command::Reply {
            comment: CommentId::from_u128(1),
            body: "Which VPN client version do you run?".into(),
            attachments: Vec::new(),
        },
    )?;
    host.run(
        0,
        &bob,
        Command::ChangeStatus {
            status: StatusTarget::Pending,
        },
    )?;
    host.run(
        47,
        &alice,
        Command::Reply {
            comment: CommentId::from_u128(2),
            body: "5.2.1, and my colleagues see it too.".into(),
            attachments: Vec::new(),
        },
    )?;
    host.run(
        5,
        &bob,
        Command::note(
            CommentId::from_u128(3),
            "Whole floor affected; handing to network.",
        ),
    )?;
    host.run(
        2,
        &carol,
        Command::OverridePriority {
            priority: Some(Priority::P1),
            reason: "Whole floor cannot work".into(),
        },
    )?;
    host.run(
        1,
        &bob,
        Command::SetGroup {
            group: Some(network_team),
        },
    )?;
    host.run(0, &bob, Command::Assign { assignee: dave.id })?;
    host.run(
        20,
        &dave,
        Command::ChangeStatus {
            status: StatusTarget::Custom("awaiting_vendor".into()),
        },
    )?;
    host.run(
        95,
        &dave,
        Command::Resolve {
            resolution: Resolution::new(
                ResolutionCode::Solved,
                "Vendor patched the concentrator firmware.",
            ),
            sub_status: None,
        },
    )?;
    host.run(
        30,
        &alice,
        Command::Reply {
            comment: CommentId::from_u128(4),
            body: "Still dropping on floor 3.".into(),
            attachments: Vec::new(),
        },
    )?;
    host.run(
        25,
        &dave,
        Command::Reply {
            comment: CommentId::from_u128(5),
            body: "Floor 3 access point rebooted with the new firmware.".into(),
            attachments: Vec::new(),
        },
    )?;
    host.run(
        0,
        &dave,
        Command::Resolve {
            resolution: Resolution::new(
                ResolutionCode::Solved,
                "All access points on the new firmware.",
            ),
            sub_status: None,
        },
    )?;

    // What the domain refuses, and why.
    let refused = [
        (&alice, Command::note(CommentId::from_u128(6), "psst")),
        (&bob, Command::note(CommentId::from_u128(6), "still mine?")),
        (
            &dave,
            Command::ChangeStatus {
                status: StatusTarget::Pending,
            },
        ),
        (
            &dave,
            Command::Tag {
                tag: "Needs Review".into(),
            },
        ),
    ];
    println!("Refused commands (nothing applied):");
    for (actor, command) in refused {
        let kind = command.kind();
        let err = host
            .run(1, actor, command)
            .err()
            .ok_or("expected a refusal")?;
        println!(
            "  {:<6} {:<14} -> {err}",
            host.names[&actor.id],
            kind.as_str()
        );
    }

    host.run(60, &alice, Command::Close)?;

    println!();
    println!(
        "Timeline of ticket {} ({} events):",
        host.ticket.id(),
        host.history.len()
    );
    for event in &host.history {
        println!(
            "  {}  {:<6} {:<11} {}",
            event.at.format("%a %H:%M"),
            host.names.get(&event.by.id).copied().unwrap_or("?"),
            format!("({})", event.by.role),
            describe(&event.change, &host)
        );
    }

    let t = &host.ticket;
    println!();
    println!(
        "Now: {} | {} | group {} | {} comments",
        t.status(),
        t.priority(),
        t.group()
            .and_then(|g| host.groups.get(&g).copied())
            .unwrap_or("none"),
        t.conversation().len()
    );
    let view = t.view_for(&alice).ok_or("Alice sees her own ticket")?;
    println!(
        "Alice sees {} of them (internal notes are hidden).",
        view.conversation().len()
    );
    for cycle in t.sla() {
        println!(
            "SLA {} #{}: {}, {} min of {} min used",
            cycle.metric,
            cycle.cycle,
            cycle
                .outcome
                .map_or("open".to_owned(), |o| format!("{o:?}").to_lowercase()),
            cycle.elapsed_ms / 60_000,
            cycle.target_ms / 60_000
        );
    }
    let rebuilt = Ticket::replay(t.id(), &host.history);
    println!(
        "Replaying the history rebuilds the ticket exactly: {}",
        rebuilt == *t
    );
    Ok(())
}

/// The change, with actor and group ids replaced by names.
fn describe(change: &Change, host: &Host) -> String {
    let group = |g: &Option<GroupId>| {
        g.and_then(|g| host.groups.get(&g).copied())
            .unwrap_or("none")
    };
    match change {
        Change::AssigneeChanged { to: Some(to), .. } => {
            format!("assigned to {}", host.names.get(to).copied().unwrap_or("?"))
        }
        Change::GroupChanged { from, to } => format!("group {} -> {}", group(from), group(to)),
        other => other.to_string(),
    }
}
