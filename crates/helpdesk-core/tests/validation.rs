//! Bad input is rejected with an error that names the field and the
//! reason, and nothing of the command is applied.
#![allow(clippy::unwrap_used)]

mod support;

use helpdesk_core::*;
use support::{Desk, example};

fn open_error(desk: &Desk, new: NewTicket) -> String {
    let blank = Ticket::new(TicketId::from_u128(4000));
    let ctx = Context::new(&desk.admin, desk.t0, &desk.config);
    let err = decide(&blank, Command::Open(new), &ctx).unwrap_err();
    assert!(matches!(err, DomainError::Invalid(_)), "{err}");
    err.to_string()
}

#[test]
fn open_names_the_bad_field() {
    let desk = Desk::new();
    let new = || NewTicket::new(desk.requester.id, "Printer jams", "");
    let cases: Vec<(NewTicket, &str)> = vec![
        (
            NewTicket::new(desk.requester.id, "   ", ""),
            "subject: must not be empty",
        ),
        (
            NewTicket::new(desk.requester.id, "x".repeat(251), ""),
            "subject: is 251 characters long; the limit is 250",
        ),
        (
            NewTicket::new(desk.requester.id, "two\nlines", ""),
            "subject: must be one line without control characters",
        ),
        (
            NewTicket::new(desk.requester.id, "Big", "x".repeat(64 * 1024 + 1)),
            "description: is 65537 bytes long; the limit is 65536 bytes",
        ),
        (
            NewTicket::new(desk.requester.id, "Nul", "a\0b"),
            "description: must not contain NUL characters",
        ),
        (
            new().tag("ok").tag("Not OK"),
            r#"tags[1]: "Not OK" is not a tag: use 1-64 characters of a-z, 0-9, '-', '_', ':', '.', '/', starting with a letter or digit"#,
        ),
        (new().asset(""), "assets[0]: must not be empty"),
        (
            new().field("sites", FieldValue::Choice("nyc".into())),
            r#"fields.sites: unknown field "sites" (did you mean "site"?)"#,
        ),
        (
            new().field("colour", FieldValue::Choice("red".into())),
            r#"fields.colour: unknown field "colour""#,
        ),
        (
            new().field("site", FieldValue::Text("nyc".into())),
            "fields.site: expected a choice value, got text",
        ),
        (
            new().field("seats", FieldValue::Integer(0)),
            "fields.seats: 0 is below the minimum 1",
        ),
        (
            new().field("seats", FieldValue::Integer(501)),
            "fields.seats: 501 is above the maximum 500",
        ),
        (
            new().field("phone", FieldValue::Text("9".repeat(31))),
            "fields.phone: is 31 characters long; the limit is 30",
        ),
    ];
    for (new, expected) in cases {
        assert_eq!(open_error(&desk, new), expected);
    }
    let many = (0..51).fold(new(), |n, i| n.tag(format!("t{i}")));
    assert_eq!(
        open_error(&desk, many),
        "tags: a ticket may have at most 50 tags"
    );
    let fifty = (0..50).fold(new(), |n, i| n.tag(format!("t{i}")));
    let blank = Ticket::new(TicketId::from_u128(4000));
    assert!(
        decide(
            &blank,
            Command::Open(fifty),
            &Context::new(&desk.admin, desk.t0, &desk.config)
        )
        .is_ok()
    );
}

#[test]
fn subjects_are_trimmed_and_unicode_is_counted_in_characters() {
    let desk = Desk::new();
    let subject = "é".repeat(250);
    let blank = Ticket::new(TicketId::from_u128(4000));
    let ctx = Context::new(&desk.admin, desk.t0, &desk.config);
    let events = decide(
        &blank,
        Command::Open(NewTicket::new(
            desk.requester.id,
            format!("  {subject} "),
            "",
        )),
        &ctx,
    )
    .unwrap();
    let Change::Opened(opened) = &events[0].change else {
        panic!("not opened")
    };
    assert_eq!(opened.subject, subject);
}

#[test]
fn commands_name_the_bad_field_and_apply_nothing() {
    let desk = Desk::new();
    let mut driven = desk.opened();
    desk.run(&mut driven, &desk.agent, example(CommandKind::Reply, 1))
        .unwrap();
    let problem = TicketId::from_u128(0x77);
    desk.run(
        &mut driven,
        &desk.agent,
        Command::Link {
            link: Link {
                kind: LinkKind::Parent,
                ticket: problem,
            },
        },
    )
    .unwrap();
    let cases: Vec<(Command, &str)> = vec![
        (
            Command::Reply {
                comment: CommentId::from_u128(2),
                body: " \n ".into(),
                attachments: Vec::new(),
            },
            "body: must not be empty",
        ),
        (
            Command::note(CommentId::from_u128(1), "again"),
            "comment: comment id 00000000-0000-0000-0000-000000000001 is already used on this ticket; make a new id per comment",
        ),
        (
            Command::Tag { tag: "-vpn".into() },
            r#"tag: "-vpn" is not a tag: use 1-64 characters of a-z, 0-9, '-', '_', ':', '.', '/', starting with a letter or digit"#,
        ),
        (
            Command::Untag { tag: "".into() },
            r#"tag: "" is not a tag: use 1-64 characters of a-z, 0-9, '-', '_', ':', '.', '/', starting with a letter or digit"#,
        ),
        (
            Command::AddAsset {
                asset: "x".repeat(201),
            },
            "asset: is 201 characters long; the limit is 200",
        ),
        (
            Command::SetField {
                key: "seats".into(),
                value: Some(FieldValue::Bool(true)),
            },
            "fields.seats: expected a integer value, got bool",
        ),
        (
            Command::SetField {
                key: "site".into(),
                value: Some(FieldValue::Choice("paris".into())),
            },
            r#"fields.site: "paris" is not one of the options: berlin, nyc"#,
        ),
        (
            Command::OverridePriority {
                priority: Some(Priority::P1),
                reason: "".into(),
            },
            "reason: must not be empty",
        ),
        (
            Command::Merge {
                into: driven.ticket.id(),
            },
            "into: a ticket cannot be merged into itself",
        ),
        (
            Command::Link {
                link: Link {
                    kind: LinkKind::Related,
                    ticket: driven.ticket.id(),
                },
            },
            "link.ticket: a ticket cannot link to itself",
        ),
        (
            Command::Link {
                link: Link {
                    kind: LinkKind::Related,
                    ticket: problem,
                },
            },
            "link.ticket: already linked to 00000000-0000-0000-0000-000000000077 as parent; unlink that first",
        ),
        (
            Command::Link {
                link: Link {
                    kind: LinkKind::Parent,
                    ticket: TicketId::from_u128(0x79),
                },
            },
            "link.kind: the ticket already has a parent (00000000-0000-0000-0000-000000000077); unlink it first",
        ),
        (
            Command::Link {
                link: Link {
                    kind: LinkKind::Incident,
                    ticket: TicketId::from_u128(0x79),
                },
            },
            "link.kind: only a ticket of type problem can have a incident link; this one is incident",
        ),
        (
            Command::Resolve {
                resolution: Resolution::new(ResolutionCode::Solved, ""),
                sub_status: Some("awaiting_parts".into()),
            },
            r#"sub_status: status "awaiting_parts" belongs to on_hold, not resolved"#,
        ),
        (
            Command::Resolve {
                resolution: Resolution::new(ResolutionCode::Solved, ""),
                sub_status: Some("workaround".into()),
            },
            r#"sub_status: unknown status "workaround""#,
        ),
    ];
    for (command, expected) in cases {
        let before = driven.ticket.clone();
        let err = desk.run(&mut driven, &desk.admin, command).unwrap_err();
        assert!(matches!(err, DomainError::Invalid(_)), "{err}");
        assert_eq!(err.to_string(), expected);
        assert_eq!(driven.ticket, before);
    }
}

#[test]
fn problems_collect_incidents_and_incidents_name_their_problem() {
    let desk = Desk::new();
    let mut problem = support::Driven {
        ticket: Ticket::new(TicketId::from_u128(0x77)),
        history: vec![],
        clock: 0,
    };
    let new = NewTicket::new(desk.requester.id, "Mail outage", "").ticket_type(TicketType::Problem);
    desk.run(&mut problem, &desk.admin, Command::Open(new))
        .unwrap();
    for i in 0..3 {
        let link = Link {
            kind: LinkKind::Incident,
            ticket: TicketId::from_u128(0x100 + i),
        };
        desk.run(&mut problem, &desk.admin, Command::Link { link })
            .unwrap();
    }
    assert_eq!(problem.ticket.links().len(), 3);

    let mut incident = desk.opened();
    let link = Link {
        kind: LinkKind::Problem,
        ticket: problem.ticket.id(),
    };
    desk.run(&mut incident, &desk.agent, Command::Link { link })
        .unwrap();
    let second = Link {
        kind: LinkKind::Problem,
        ticket: TicketId::from_u128(0x78),
    };
    let err = desk
        .run(&mut incident, &desk.agent, Command::Link { link: second })
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("link.kind: the ticket already has a problem"),
        "{err}"
    );
    desk.run(&mut incident, &desk.agent, Command::Unlink { link })
        .unwrap();
    desk.run(&mut incident, &desk.agent, Command::Link { link: second })
        .unwrap();
}

#[test]
fn the_configuration_reports_every_problem_at_once() {
    let config: DeskConfig = serde_json::from_value(serde_json::json!({
        "statuses": [
            {"key": "waiting", "label": "Waiting", "category": "pending"},
            {"key": "waiting", "label": "Waiting again", "category": "pending"}
        ],
        "fields": [
            {"key": "size", "label": "Size", "kind": {"type": "choice", "options": []}},
            {"key": "n", "label": "N", "kind": {"type": "integer", "min": 5, "max": 1}}
        ],
        "limits": {"subject_max_chars": 0}
    }))
    .unwrap();
    let errors: Vec<String> = config
        .validate()
        .unwrap_err()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        errors,
        [
            r#"statuses[1].key: "waiting" is defined twice"#,
            "fields[0].kind.options: a choice field needs at least one option",
            "fields[1].kind: min 5 is greater than max 1",
            "limits.subject_max_chars: must be at least 1",
        ]
    );
}
