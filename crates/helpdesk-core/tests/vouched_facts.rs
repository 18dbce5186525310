//! Facts that steer routing and SLA come from the host, not from a
//! requester's claim: the organization, the email address, the channel,
//! the ticket type and the fields the desk marks `host_only`.
#![allow(clippy::unwrap_used)]

mod support;

use chrono::{DateTime, TimeZone, Utc};
use helpdesk_core::routing::RouteInput;
use helpdesk_core::*;
use serde_json::json;

/// A desk where ACME is a VIP organization: its tickets are P1 and run on
/// the VIP SLA; gold customers (a host-only field) get the gold policy.
struct Desk {
    config: DeskConfig,
    requester: Actor,
    agent: Actor,
    admin: Actor,
    system: Actor,
    t0: DateTime<Utc>,
}

impl Desk {
    fn new() -> Self {
        let tenant = TenantId::from_u128(1);
        let config: DeskConfig = serde_json::from_value(json!({
            "groups": {"desk": {"id": GroupId::from_u128(10), "name": "Service desk"}},
            "fields": [
                {"key": "plan", "label": "Plan", "host_only": true,
                 "kind": {"type": "choice", "options": ["free", "gold"]}},
                {"key": "phone", "label": "Call-back number", "requester_editable": true,
                 "kind": {"type": "text", "max_chars": 30}}
            ],
            "routing_rules": [
                {"name": "Mail from staff", "when": {"requester_domain": ["acme.example"]},
                 "then": {"tags": ["staff"]}, "stop": false},
                {"name": "VIP", "when": {"organization": ["ACME"]}, "then": {"priority": "P1"}}
            ],
            "sla_policies": [
                {"key": "gold", "when": {"fields": {"plan": {"choice": "gold"}}},
                 "targets": {"first_response": {"P1": "15m", "P3": "1h"}}},
                {"key": "phone", "when": {"channels": ["phone"]},
                 "targets": {"first_response": {"P1": "30m", "P3": "2h"}}},
                {"key": "standard", "targets": {"first_response": {"P1": "1h", "P3": "8h"}}}
            ]
        }))
        .unwrap();
        config.validate().unwrap();
        Self {
            config,
            requester: Actor::requester(ActorId::from_u128(100), tenant),
            agent: Actor::agent(ActorId::from_u128(200), tenant, [GroupId::from_u128(10)]),
            admin: Actor::admin(ActorId::from_u128(400), tenant),
            system: Actor::system(ActorId::from_u128(500), tenant),
            t0: Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap(),
        }
    }

    /// Opens `new` as `actor` with what the host vouches for, then routes
    /// it as the system; returns the ticket and its history.
    fn open_and_route(
        &self,
        actor: &Actor,
        new: NewTicket,
        vouched: &Vouched,
    ) -> Result<(Ticket, Vec<Event>), DomainError> {
        let mut ticket = Ticket::new(TicketId::from_u128(1));
        let mut history = Vec::new();
        let ctx = Context::new(actor, self.t0, &self.config).with_vouched(vouched);
        let route = Context::new(&self.system, self.t0, &self.config);
        for (command, ctx) in [
            (Command::Open(new), ctx),
            (Command::Route(RouteInput::default()), route),
        ] {
            for event in decide(&ticket, command, &ctx)? {
                apply(&mut ticket, &event);
                history.push(event);
            }
        }
        Ok((ticket, history))
    }

    fn plain(&self) -> NewTicket {
        NewTicket::new(self.requester.id, "VPN down", "Since this morning.")
    }
}

fn gold() -> FieldValue {
    FieldValue::Choice("gold".into())
}

#[test]
fn a_requester_claiming_a_vip_organization_is_refused() {
    // Given a desk that gives ACME's tickets P1
    let desk = Desk::new();
    // When a requester opens a ticket claiming to be from ACME
    let claim = desk.plain().organization("ACME");
    let err = desk
        .open_and_route(&desk.requester, claim, &Vouched::new())
        .unwrap_err();
    // Then the claim is refused, naming the field and who vouches for it
    assert_eq!(
        err,
        DomainError::Forbidden {
            command: CommandKind::Open,
            role: Role::Requester,
            reason: "a requester may not set the organization; the host vouches for it".into(),
        }
    );
}

#[test]
fn a_requester_may_claim_none_of_the_facts_the_host_vouches_for() {
    let desk = Desk::new();
    for (new, field) in [
        (desk.plain().organization("ACME"), "organization"),
        (
            desk.plain().requester_email("ceo@acme.example"),
            "requester_email",
        ),
        (desk.plain().channel(Channel::Phone), "channel"),
        (desk.plain().ticket_type(TicketType::Problem), "ticket_type"),
    ] {
        // Even when the host vouches for the very same value.
        let vouched = Vouched::new()
            .organization("ACME")
            .requester_email("ceo@acme.example")
            .channel(Channel::Phone)
            .ticket_type(TicketType::Problem);
        let err = desk
            .open_and_route(&desk.requester, new, &vouched)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "a requester may not open this ticket: a requester may not set the {field}; the host vouches for it"
            )
        );
    }
}

#[test]
fn the_same_facts_vouched_by_the_host_route_to_p1() {
    // Given the host knows the requester's account is ACME's, and the mail
    // came from their company address
    let desk = Desk::new();
    let vouched = Vouched::new()
        .organization("ACME")
        .requester_email("ceo@acme.example")
        .channel(Channel::Email);
    // When the requester opens a plain ticket and it is routed
    let (ticket, history) = desk
        .open_and_route(&desk.requester, desk.plain(), &vouched)
        .unwrap();
    // Then the ticket records the host's facts, and routing steers on them
    assert_eq!(ticket.organization(), Some("ACME"));
    assert_eq!(ticket.requester_email(), Some("ceo@acme.example"));
    assert_eq!(ticket.channel(), Channel::Email);
    assert_eq!(ticket.ticket_type(), TicketType::Incident);
    assert_eq!(ticket.priority(), Priority::P1);
    assert!(ticket.tags().contains(&Tag::new("staff").unwrap()));
    assert_eq!(ticket.sla_policy(), Some("standard"));
    assert_eq!(Ticket::replay(ticket.id(), &history), ticket);
}

#[test]
fn without_vouched_facts_a_requesters_ticket_gets_the_defaults() {
    let desk = Desk::new();
    let (ticket, _) = desk
        .open_and_route(&desk.requester, desk.plain(), &Vouched::new())
        .unwrap();
    assert_eq!(ticket.organization(), None);
    assert_eq!(ticket.requester_email(), None);
    assert_eq!(ticket.channel(), Channel::Portal);
    assert_eq!(ticket.ticket_type(), TicketType::Incident);
    assert_eq!(ticket.priority(), Priority::P3);
}

#[test]
fn staff_may_set_the_facts_when_recording_a_ticket() {
    // Given an agent taking a phone call from an ACME employee
    let desk = Desk::new();
    let call = desk
        .plain()
        .organization("ACME")
        .channel(Channel::Phone)
        .ticket_type(TicketType::ServiceRequest)
        .requester_email("ceo@acme.example");
    // When they record it
    let (ticket, _) = desk
        .open_and_route(&desk.agent, call.clone(), &Vouched::new())
        .unwrap();
    // Then the facts they set are recorded and steer routing and SLA
    assert_eq!(ticket.organization(), Some("ACME"));
    assert_eq!(ticket.channel(), Channel::Phone);
    assert_eq!(ticket.ticket_type(), TicketType::ServiceRequest);
    assert_eq!(ticket.priority(), Priority::P1);
    assert_eq!(ticket.sla_policy(), Some("phone"));

    // And the admin and the system may set them too
    for actor in [&desk.admin, &desk.system] {
        let (ticket, _) = desk
            .open_and_route(actor, call.clone(), &Vouched::new())
            .unwrap();
        assert_eq!(ticket.organization(), Some("ACME"), "{}", actor.role);
    }
}

#[test]
fn vouched_facts_win_over_what_staff_set() {
    // Given an agent who typed the wrong organization and channel
    let desk = Desk::new();
    let call = desk
        .plain()
        .organization("Globex")
        .channel(Channel::Chat)
        .ticket_type(TicketType::Problem);
    // When the host vouches for other values
    let vouched = Vouched::new().organization("ACME").channel(Channel::Phone);
    let (ticket, history) = desk.open_and_route(&desk.agent, call, &vouched).unwrap();
    // Then the host's facts are recorded; what it does not vouch for stays
    assert_eq!(ticket.organization(), Some("ACME"));
    assert_eq!(ticket.channel(), Channel::Phone);
    assert_eq!(ticket.ticket_type(), TicketType::Problem);
    let Change::Opened(opened) = &history[0].change else {
        panic!("the first event opens the ticket");
    };
    assert_eq!(opened.organization.as_deref(), Some("ACME"));
    assert_eq!(opened.channel, Channel::Phone);
}

#[test]
fn a_host_only_field_is_set_only_from_what_the_host_vouches_for() {
    // Given a desk whose `plan` field is host-only
    let desk = Desk::new();
    // When the host vouches for a gold plan
    let vouched = Vouched::new().field("plan", gold());
    let (ticket, history) = desk
        .open_and_route(&desk.requester, desk.plain(), &vouched)
        .unwrap();
    // Then the ticket holds it, and the gold SLA policy applies
    assert_eq!(ticket.fields().get("plan"), Some(&gold()));
    assert_eq!(ticket.sla_policy(), Some("gold"));
    assert_eq!(Ticket::replay(ticket.id(), &history), ticket);
}

#[test]
fn no_actor_sets_a_host_only_field_in_a_command() {
    let desk = Desk::new();
    // Nobody, the system included, sets it when opening...
    for actor in [&desk.requester, &desk.agent, &desk.admin, &desk.system] {
        let new = desk.plain().field("plan", gold());
        let err = desk
            .open_and_route(actor, new, &Vouched::new())
            .unwrap_err();
        assert_eq!(
            err,
            DomainError::Forbidden {
                command: CommandKind::Open,
                role: actor.role,
                reason: r#"field "plan" is host_only; the host vouches for it"#.into(),
            }
        );
    }
    // ...nor later, even with the host vouching for the same value.
    let vouched = Vouched::new().field("plan", FieldValue::Choice("free".into()));
    let (ticket, _) = desk
        .open_and_route(&desk.requester, desk.plain(), &vouched)
        .unwrap();
    for actor in [&desk.agent, &desk.admin, &desk.system] {
        for value in [Some(gold()), None] {
            let upgrade = Command::SetField {
                key: "plan".into(),
                value,
            };
            let ctx = Context::new(actor, desk.t0, &desk.config).with_vouched(&vouched);
            let err = decide(&ticket, upgrade, &ctx).unwrap_err();
            assert_eq!(
                err.to_string(),
                format!(
                    r#"{} may not set a field of this ticket: field "plan" is host_only; the host vouches for it"#,
                    actor.role.with_article()
                )
            );
        }
    }
    // A field that is not host-only is still the requester's to set.
    let phone = desk
        .plain()
        .field("phone", FieldValue::Text("+49 30 1234".into()));
    assert!(
        desk.open_and_route(&desk.requester, phone, &Vouched::new())
            .is_ok()
    );
}

#[test]
fn vouched_fields_are_checked_like_any_other() {
    let desk = Desk::new();
    for (vouched, message) in [
        (
            Vouched::new().field("plan", FieldValue::Choice("platinum".into())),
            r#"vouched.fields.plan: "platinum" is not one of the options: free, gold"#,
        ),
        (
            Vouched::new().field("plam", gold()),
            r#"vouched.fields.plam: unknown field "plam" (did you mean "plan"?)"#,
        ),
    ] {
        let err = desk
            .open_and_route(&desk.requester, desk.plain(), &vouched)
            .unwrap_err();
        assert_eq!(err.to_string(), message);
    }
}

#[test]
fn the_configuration_keeps_host_only_fields_out_of_everyone_elses_hands() {
    let config: DeskConfig = serde_json::from_value(json!({
        "fields": [
            {"key": "plan", "label": "Plan", "host_only": true, "requester_editable": true,
             "kind": {"type": "text"}}
        ],
        "routing_rules": [
            {"name": "Upgrade", "when": {"subject_has": ["gold"]}, "then": {"fields": {"plan": {"text": "gold"}}}}
        ]
    }))
    .unwrap();
    assert_eq!(
        support::config_errors(&config),
        [
            "fields[0].host_only: a host_only field cannot be requester_editable: only the host sets it",
            r#"routing_rules[0].then.fields.plan: field "plan" is host_only: only the host sets it, through Vouched"#,
        ]
    );
    // And routing on such a configuration anyway refuses rather than set it.
    let desk = Desk::new();
    let (ticket, _) = desk
        .open_and_route(
            &desk.requester,
            NewTicket::new(desk.requester.id, "Upgrade me to gold", ""),
            &Vouched::new(),
        )
        .unwrap();
    let ctx = Context::new(&desk.system, desk.t0, &config);
    let err = decide(&ticket, Command::Route(RouteInput::default()), &ctx).unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"routing_rules[0].then.fields.plan: field "plan" is host_only: only the host sets it, through Vouched"#
    );
    assert_eq!(ticket.fields().get("plan"), None);
}

#[test]
fn vouched_facts_read_from_json_refuse_unknown_keys() {
    let vouched: Vouched = serde_json::from_value(json!({
        "organization": "ACME",
        "channel": "email",
        "fields": {"plan": {"choice": "gold"}}
    }))
    .unwrap();
    assert_eq!(
        vouched,
        Vouched::new()
            .organization("ACME")
            .channel(Channel::Email)
            .field("plan", gold())
    );
    let err = serde_json::from_value::<Vouched>(json!({"vip": true})).unwrap_err();
    assert!(err.to_string().starts_with("unknown field `vip`"), "{err}");
}
