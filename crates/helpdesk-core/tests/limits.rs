//! Every input's cost is bounded by a configured limit: comments per
//! ticket, text per ticket, field keys and values, and the "did you mean"
//! suggestions of error messages.
#![allow(clippy::unwrap_used)]

mod support;

use chrono::{DateTime, Duration, TimeZone, Utc};
use helpdesk_core::config::Limits;
use helpdesk_core::suggest::{MAX_CANDIDATES, MAX_INPUT_CHARS, closest};
use helpdesk_core::*;
use serde_json::json;

struct Desk {
    config: DeskConfig,
    requester: Actor,
    agent: Actor,
    t0: DateTime<Utc>,
}

/// A ticket and every event it has had.
struct Driven {
    ticket: Ticket,
    history: Vec<Event>,
}

impl Desk {
    fn new(limits: serde_json::Value) -> Self {
        let tenant = TenantId::from_u128(1);
        let config: DeskConfig = serde_json::from_value(json!({
            "limits": limits,
            "statuses": [{"key": "awaiting_parts", "label": "Awaiting parts", "category": "on_hold"}],
            "fields": [
                {"key": "notes", "label": "Notes", "kind": {"type": "text", "max_chars": 100000}},
                {"key": "os", "label": "OS", "kind": {"type": "choices", "options": ["linux", "mac", "windows"]}}
            ]
        }))
        .unwrap();
        config.validate().unwrap();
        Self {
            config,
            requester: Actor::requester(ActorId::from_u128(100), tenant),
            agent: Actor::agent(ActorId::from_u128(200), tenant, []),
            t0: Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap(),
        }
    }

    fn run(
        &self,
        driven: &mut Driven,
        actor: &Actor,
        command: Command,
    ) -> Result<Vec<Event>, DomainError> {
        let at = self.t0 + Duration::minutes(driven.history.len() as i64);
        let events = decide(
            &driven.ticket,
            command,
            &Context::new(actor, at, &self.config),
        )?;
        for event in &events {
            apply(&mut driven.ticket, event);
        }
        driven.history.extend(events.iter().cloned());
        Ok(events)
    }

    fn opened(&self, description: &str) -> Driven {
        let mut driven = Driven {
            ticket: Ticket::new(TicketId::from_u128(1)),
            history: Vec::new(),
        };
        let new = NewTicket::new(self.requester.id, "VPN drops", description);
        self.run(&mut driven, &self.requester, Command::Open(new))
            .unwrap();
        driven
    }
}

fn reply(id: u128, body: &str) -> Command {
    Command::Reply {
        comment: CommentId::from_u128(id),
        body: body.into(),
        attachments: Vec::new(),
    }
}

fn note(id: u128, body: &str) -> Command {
    Command::note(CommentId::from_u128(id), body)
}

fn invalid(err: DomainError) -> String {
    match err {
        DomainError::Invalid(e) => e.to_string(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[test]
fn the_defaults_bound_every_input() {
    let limits = Limits::default();
    assert_eq!(limits.max_comments, 1_000);
    assert_eq!(limits.max_ticket_bytes, 4 * 1024 * 1024);
    assert_eq!(limits.field_key_max_chars, 64);
    assert_eq!(limits.field_value_max_bytes, 4 * 1024);
    assert_eq!(limits.search_max_words, 16);
    assert_eq!(limits.search_word_max_chars, 64);
    assert_eq!(limits.history_page_max, 1_000);
    // With snapshots every 16 events, a snapshot of the largest ticket
    // costs each command at most four bodies of the largest size.
    assert!(limits.max_ticket_bytes / 16 <= 4 * limits.body_max_bytes);
    DeskConfig::default().validate().unwrap();
}

#[test]
fn a_ticket_takes_no_comment_beyond_max_comments() {
    // Given a desk that allows three comments per ticket, and a ticket
    // holding three (replies and notes count alike)
    let desk = Desk::new(json!({"max_comments": 3}));
    let mut driven = desk.opened("");
    desk.run(&mut driven, &desk.agent, reply(1, "Which client?"))
        .unwrap();
    desk.run(&mut driven, &desk.agent, note(2, "Known issue"))
        .unwrap();
    desk.run(&mut driven, &desk.requester, reply(3, "The new one"))
        .unwrap();
    let before = driven.ticket.clone();
    // When anyone adds another reply or note
    for (actor, command) in [
        (&desk.requester, reply(4, "Any news?")),
        (&desk.agent, note(5, "Still looking")),
    ] {
        let err = desk.run(&mut driven, actor, command).unwrap_err();
        // Then it is refused, naming the limit, and nothing changes
        assert_eq!(
            invalid(err),
            "body: the ticket holds 3 comments; limits.max_comments allows 3"
        );
    }
    assert_eq!(driven.ticket, before);
}

#[test]
fn a_ticket_holds_no_more_text_than_max_ticket_bytes() {
    // Given a ticket of at most 100 bytes of text, holding a 30-byte
    // description and a 60-byte reply
    let desk = Desk::new(json!({"max_ticket_bytes": 100, "body_max_bytes": 60}));
    let mut driven = desk.opened(&"d".repeat(30));
    desk.run(&mut driven, &desk.agent, reply(1, &"r".repeat(60)))
        .unwrap();
    // When a 20-byte note would take it past the limit
    let err = desk
        .run(&mut driven, &desk.agent, note(2, &"n".repeat(20)))
        .unwrap_err();
    // Then it is refused, naming the limit
    assert_eq!(
        invalid(err),
        "body: the ticket holds 90 bytes of text; 20 more would pass limits.max_ticket_bytes (100)"
    );
    // And a 10-byte one fills the ticket exactly
    desk.run(&mut driven, &desk.agent, note(3, &"n".repeat(10)))
        .unwrap();
    assert_eq!(
        invalid(
            desk.run(&mut driven, &desk.requester, reply(4, "?"))
                .unwrap_err()
        ),
        "body: the ticket holds 100 bytes of text; 1 more would pass limits.max_ticket_bytes (100)"
    );
    assert_eq!(
        Ticket::replay(driven.ticket.id(), &driven.history),
        driven.ticket
    );
}

#[test]
fn a_field_key_longer_than_field_key_max_chars_is_refused_without_echo() {
    let desk = Desk::new(json!({}));
    let long = "n".repeat(65);
    let mut driven = desk.opened("");
    let err = desk
        .run(
            &mut driven,
            &desk.agent,
            Command::SetField {
                key: long.clone(),
                value: None,
            },
        )
        .unwrap_err();
    assert_eq!(
        invalid(err),
        "fields: a field key is 65 characters long; limits.field_key_max_chars allows 64"
    );
    let new = NewTicket::new(desk.requester.id, "VPN", "").field(long, FieldValue::Bool(true));
    let err = decide(
        &Ticket::new(TicketId::from_u128(2)),
        Command::Open(new),
        &Context::new(&desk.agent, desk.t0, &desk.config),
    )
    .unwrap_err();
    assert!(invalid(err).starts_with("fields: a field key is 65 characters long"));
}

#[test]
fn a_field_value_larger_than_field_value_max_bytes_is_refused() {
    // Given a text field that allows 100,000 characters, under the default
    // 4 KiB limit on values
    let desk = Desk::new(json!({}));
    let mut driven = desk.opened("");
    let set = |value| Command::SetField {
        key: "notes".into(),
        value: Some(value),
    };
    // When a value of 4 KiB and one of a byte more are set
    desk.run(
        &mut driven,
        &desk.agent,
        set(FieldValue::Text("x".repeat(4096))),
    )
    .unwrap();
    let err = desk
        .run(
            &mut driven,
            &desk.agent,
            set(FieldValue::Text("x".repeat(4097))),
        )
        .unwrap_err();
    // Then the first is kept and the second refused, naming the limit
    assert_eq!(
        invalid(err),
        "fields.notes: is 4097 bytes long; limits.field_value_max_bytes allows 4096"
    );
    // A multi-select counts the text of all its options
    let desk = Desk::new(json!({"field_value_max_bytes": 10}));
    let mut driven = desk.opened("");
    let os = |options: &[&str]| Command::SetField {
        key: "os".into(),
        value: Some(FieldValue::Choices(
            options.iter().map(|o| o.to_string()).collect(),
        )),
    };
    desk.run(&mut driven, &desk.agent, os(&["linux", "mac"]))
        .unwrap();
    let err = desk
        .run(&mut driven, &desk.agent, os(&["linux", "windows"]))
        .unwrap_err();
    assert_eq!(
        invalid(err),
        "fields.os: is 12 bytes long; limits.field_value_max_bytes allows 10"
    );
}

#[test]
fn organizations_and_addresses_are_bounded_like_field_values() {
    let desk = Desk::new(json!({"field_value_max_bytes": 16}));
    let ctx = Context::new(&desk.agent, desk.t0, &desk.config);
    let blank = Ticket::new(TicketId::from_u128(2));
    let new = NewTicket::new(desk.requester.id, "VPN", "");
    let err = decide(
        &blank,
        Command::Open(new.clone().organization("o".repeat(17))),
        &ctx,
    )
    .unwrap_err();
    assert_eq!(
        invalid(err),
        "organization: is 17 bytes long; limits.field_value_max_bytes allows 16"
    );
    let vouched = Vouched::new().requester_email(format!("{}@example.com", "a".repeat(20)));
    let err = decide(&blank, Command::Open(new), &ctx.with_vouched(&vouched)).unwrap_err();
    assert!(invalid(err).starts_with("vouched.requester_email: is 32 bytes long"));
}

#[test]
fn suggestions_cost_a_bounded_amount() {
    // A near miss gets a suggestion...
    let known = "awaiting_parts";
    assert_eq!(closest("awaiting_prts", [known]), Some(known));
    // ...but no suggestion is computed for an input longer than the bound,
    let long = format!("{known}{}", "_x".repeat(MAX_INPUT_CHARS));
    assert_eq!(closest(&long, [long.as_str()]), None);
    // and candidates past the bound are not looked at.
    let many: Vec<String> = (0..MAX_CANDIDATES).map(|i| format!("status_{i}")).collect();
    let candidates = || many.iter().map(String::as_str);
    assert_eq!(closest("awaiting_prts", candidates().chain([known])), None);
    assert_eq!(
        closest("awaiting_prts", candidates().take(10).chain([known])),
        Some(known)
    );
}

#[test]
fn an_unknown_status_too_long_to_be_a_key_gets_no_suggestion() {
    let desk = Desk::new(json!({}));
    let driven = desk.opened("");
    let refusal = |key: String| {
        let command = Command::ChangeStatus {
            status: StatusTarget::Custom(key),
        };
        let ctx = Context::new(&desk.agent, desk.t0, &desk.config);
        invalid(decide(&driven.ticket, command, &ctx).unwrap_err())
    };
    assert!(refusal("awaiting_prts".into()).ends_with(r#"(did you mean "awaiting_parts"?)"#));
    assert!(!refusal("awaiting_parts".repeat(5)).contains("did you mean"));
}

#[test]
fn diagnose_rejects_limits_that_make_no_sense() {
    let config: DeskConfig = serde_json::from_value(json!({
        "limits": {
            "subject_max_chars": 0, "body_max_bytes": 0, "max_comments": 0,
            "max_ticket_bytes": 0, "field_key_max_chars": 0, "field_value_max_bytes": 0,
            "search_max_words": 0, "search_word_max_chars": 0, "history_page_max": 0,
            "max_tags": 0, "max_assets": 0, "max_links": 0
        }
    }))
    .unwrap();
    assert_eq!(
        support::config_errors(&config),
        [
            "limits.subject_max_chars: must be at least 1",
            "limits.body_max_bytes: must be at least 1",
            "limits.max_comments: must be at least 1",
            "limits.max_ticket_bytes: must be at least 1",
            "limits.field_key_max_chars: must be at least 1",
            "limits.field_value_max_bytes: must be at least 1",
            "limits.search_max_words: must be at least 1",
            "limits.search_word_max_chars: must be at least 1",
            "limits.history_page_max: must be at least 1",
        ],
        "0 tags, assets or links is a desk that uses none"
    );

    let config: DeskConfig = serde_json::from_value(json!({
        "limits": {"max_ticket_bytes": 1000, "body_max_bytes": 2000, "field_key_max_chars": 4},
        "fields": [{"key": "site", "label": "Site", "kind": {"type": "text"}},
                   {"key": "region", "label": "Region", "kind": {"type": "text"}}]
    }))
    .unwrap();
    assert_eq!(
        support::config_errors(&config),
        [
            "limits.max_ticket_bytes: is 1000, less than limits.body_max_bytes (2000): a ticket could not hold one body of the largest size",
            "fields[1].key: is 6 characters long, more than limits.field_key_max_chars (4) allows: no command could set it",
        ]
    );
}

#[test]
fn limits_read_from_json_refuse_unknown_keys() {
    let limits: Limits =
        serde_json::from_value(json!({"max_comments": 50, "history_page_max": 200})).unwrap();
    assert_eq!(limits.max_comments, 50);
    assert_eq!(limits.history_page_max, 200);
    assert_eq!(limits.max_ticket_bytes, Limits::default().max_ticket_bytes);
    assert!(serde_json::from_value::<Limits>(json!({"max_comment": 50})).is_err());
}
