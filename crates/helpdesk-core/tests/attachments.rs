//! Files on comments: attached by the comment's author, sharing the
//! comment's visibility in history and search.
#![allow(clippy::unwrap_used)]

mod support;

use helpdesk_core::*;
use support::{Desk, Driven, example};

fn file(name: &str) -> AttachmentRef {
    AttachmentRef::new("0".repeat(64), name, "text/plain", 12)
}

#[test]
fn the_author_attaches_files_to_their_comment() {
    // Given a ticket the requester replied on.
    let desk = Desk::new();
    let mut driven = desk.opened();
    desk.run(&mut driven, &desk.requester, example(CommandKind::Reply, 5))
        .unwrap();

    // When the requester attaches a log to that reply.
    let attach = Command::Attach {
        comment: Some(CommentId::from_u128(5)),
        attachments: vec![file("vpn.log")],
    };
    let events = desk.run(&mut driven, &desk.requester, attach).unwrap();

    // Then the reply carries it, everyone sees it, and search finds it.
    assert_eq!(events.len(), 1);
    assert!(events[0].is_visible_to(Role::Requester));
    let reply = driven
        .ticket
        .conversation()
        .find(|c| c.id == CommentId::from_u128(5));
    assert_eq!(reply.unwrap().attachments, [file("vpn.log")]);
    assert_eq!(SearchText::of(&events).public, ["vpn.log"]);
}

#[test]
fn nobody_attaches_to_another_persons_comment() {
    // Given an agent's reply.
    let desk = Desk::new();
    let mut driven = desk.opened();
    desk.run(&mut driven, &desk.agent, example(CommandKind::Reply, 6))
        .unwrap();
    let before = driven.ticket.clone();

    // When the requester tries to attach a file to it.
    let attach = Command::Attach {
        comment: Some(CommentId::from_u128(6)),
        attachments: vec![file("fake-invoice.pdf")],
    };
    let err = desk.run(&mut driven, &desk.requester, attach).unwrap_err();

    // Then it is refused and nothing changes.
    assert!(
        matches!(
            err,
            DomainError::Forbidden {
                command: CommandKind::Attach,
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(driven.ticket, before);
}

#[test]
fn a_notes_files_stay_internal() {
    let desk = Desk::new();
    let mut driven = desk.opened();
    desk.run(&mut driven, &desk.agent, example(CommandKind::AddNote, 7))
        .unwrap();
    let attach = Command::Attach {
        comment: Some(CommentId::from_u128(7)),
        attachments: vec![file("salary-export.csv")],
    };
    let events = desk.run(&mut driven, &desk.agent, attach).unwrap();
    assert!(!events[0].is_visible_to(Role::Requester));
    assert!(events[0].is_visible_to(Role::Agent));
    let text = SearchText::of(&events);
    assert!(text.public.is_empty());
    assert_eq!(text.internal, ["salary-export.csv"]);
}

#[test]
fn bad_references_are_refused_naming_the_field() {
    let desk = Desk::new();
    let mut driven = desk.opened();
    desk.run(&mut driven, &desk.agent, example(CommandKind::AddNote, 8))
        .unwrap();
    let bad = |attachments| Command::Attach {
        comment: Some(CommentId::from_u128(8)),
        attachments,
    };
    let err = desk.run(&mut driven, &desk.agent, bad(vec![])).unwrap_err();
    assert_eq!(err.to_string(), "attachments: names no file");
    let err = desk
        .run(
            &mut driven,
            &desk.agent,
            bad(vec![file("ok.txt"), file("a\nb")]),
        )
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "attachments[1].name: may not contain a path separator or a control character"
    );
    let missing = Command::Attach {
        comment: Some(CommentId::from_u128(99)),
        attachments: vec![file("x.txt")],
    };
    let err = desk.run(&mut driven, &desk.agent, missing).unwrap_err();
    assert_eq!(err.to_string(), "comment: names no comment of this ticket");
}

#[test]
fn the_creator_attaches_files_to_the_description() {
    // Given a ticket the requester opened.
    let desk = Desk::new();
    let mut driven = desk.opened();
    let creator = driven.ticket.created_by().unwrap();
    let actor = [&desk.requester, &desk.agent, &desk.admin]
        .into_iter()
        .find(|a| a.id == creator.id)
        .unwrap()
        .clone();
    let other = if actor.id == desk.agent.id {
        &desk.requester
    } else {
        &desk.agent
    };
    let describe = |name: &str| Command::Attach {
        comment: None,
        attachments: vec![file(name)],
    };

    // When its creator attaches a screenshot, and someone else tries to.
    desk.run(&mut driven, &actor, describe("screenshot.png"))
        .unwrap();
    let err = desk
        .run(&mut driven, other, describe("other.png"))
        .unwrap_err();

    // Then only the creator's file is on the description.
    assert!(matches!(err, DomainError::Forbidden { .. }), "{err}");
    assert_eq!(driven.ticket.attachments(), [file("screenshot.png")]);
}

#[test]
fn a_reply_carries_its_files_in_the_same_decision() {
    // Given an open ticket.
    let desk = Desk::new();
    let mut driven = desk.opened();

    // When the requester replies with two files.
    let reply = Command::Reply {
        comment: CommentId::from_u128(9),
        body: "Logs attached.".into(),
        attachments: vec![file("vpn.log"), file("route.txt")],
    };
    let events = desk.run(&mut driven, &desk.requester, reply).unwrap();

    // Then the reply and its files are recorded together, the files on the
    // reply, public like it, and searchable.
    let kinds: Vec<&str> = events.iter().map(|e| e.change.type_name()).collect();
    assert_eq!(kinds[..2], ["replied", "attached"], "{kinds:?}");
    assert!(events.iter().all(|e| e.is_visible_to(Role::Requester)));
    let comment = driven
        .ticket
        .conversation()
        .find(|c| c.id == CommentId::from_u128(9))
        .unwrap();
    assert_eq!(comment.body, "Logs attached.");
    assert_eq!(comment.attachments, [file("vpn.log"), file("route.txt")]);
    assert!(
        SearchText::of(&events)
            .public
            .contains(&"vpn.log".to_string())
    );
}

#[test]
fn a_reply_without_files_is_recorded_as_before() {
    // Given an open ticket.
    let desk = Desk::new();
    let mut driven = desk.opened();

    // When the agent replies without files: no `attachments` in its JSON.
    let reply: Command = serde_json::from_value(serde_json::json!({
        "command": "reply", "comment": CommentId::from_u128(10), "body": "On it."
    }))
    .unwrap();
    assert!(
        !serde_json::to_string(&reply)
            .unwrap()
            .contains("attachments")
    );
    let events = desk.run(&mut driven, &desk.agent, reply).unwrap();

    // Then no file is attached.
    assert!(events.iter().all(|e| e.change.type_name() != "attached"));
}

#[test]
fn a_reply_with_a_bad_file_is_refused_whole() {
    // Given an open ticket.
    let desk = Desk::new();
    let mut driven = desk.opened();
    let before = driven.ticket.clone();

    // When a reply carries a file with a path in its name, or too many files.
    let reply = |attachments| Command::Reply {
        comment: CommentId::from_u128(11),
        body: "See attached.".into(),
        attachments,
    };
    let err = desk
        .run(
            &mut driven,
            &desk.requester,
            reply(vec![file("ok.txt"), file("../../etc/passwd")]),
        )
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "attachments[1].name: may not contain a path separator or a control character"
    );
    let many = vec![file("a.txt"); MAX_ATTACHMENTS + 1];
    let err = desk
        .run(&mut driven, &desk.requester, reply(many))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("attachments: a comment holds at most {MAX_ATTACHMENTS} files")
    );

    // Then neither the reply nor any file was recorded.
    assert_eq!(driven.ticket, before);
}

#[test]
fn a_new_ticket_carries_its_files_in_the_same_decision() {
    // Given no ticket yet.
    let desk = Desk::new();
    let mut driven = Driven::new(TicketId::from_u128(2000));

    // When the requester opens one with a screenshot.
    let new = NewTicket::new(desk.requester.id, "Printer jams", "Photo attached.")
        .attachment(file("jam.png"));
    let events = desk
        .run(&mut driven, &desk.requester, Command::Open(new))
        .unwrap();

    // Then the ticket and its file are recorded together: the file on the
    // description, public, by its creator, and searchable.
    let kinds: Vec<&str> = events.iter().map(|e| e.change.type_name()).collect();
    assert_eq!(kinds, ["opened", "attached"]);
    assert!(events.iter().all(|e| e.is_visible_to(Role::Requester)));
    assert_eq!(driven.ticket.attachments(), [file("jam.png")]);
    assert_eq!(
        driven.ticket.created_by().map(|by| by.id),
        Some(desk.requester.id)
    );
    assert!(
        SearchText::of(&events)
            .public
            .contains(&"jam.png".to_string())
    );
}

#[test]
fn a_new_ticket_with_a_bad_file_is_refused_whole() {
    // Given no ticket yet.
    let desk = Desk::new();
    let mut driven = Driven::new(TicketId::from_u128(2001));

    // When it is opened with a file whose name holds a path, or with too
    // many files.
    let open = |files: Vec<AttachmentRef>| {
        let mut new = NewTicket::new(desk.requester.id, "Printer jams", "");
        new.attachments = files;
        Command::Open(new)
    };
    let err = desk
        .run(
            &mut driven,
            &desk.requester,
            open(vec![file("../../etc/passwd")]),
        )
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "attachments[0].name: may not contain a path separator or a control character"
    );
    let err = desk
        .run(
            &mut driven,
            &desk.requester,
            open(vec![file("a.txt"); MAX_ATTACHMENTS + 1]),
        )
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("attachments: a comment holds at most {MAX_ATTACHMENTS} files")
    );

    // Then nothing was recorded; and without files the JSON of the command
    // is what it was.
    assert!(driven.history.is_empty());
    let plain =
        serde_json::to_string(&Command::Open(NewTicket::new(desk.requester.id, "x", ""))).unwrap();
    assert!(!plain.contains("attachments"), "{plain}");
}

#[test]
fn a_note_carries_its_files_in_the_same_decision_and_keeps_them_internal() {
    // Given an open ticket.
    let desk = Desk::new();
    let mut driven = desk.opened();

    // When the agent adds a note with a file.
    let note = Command::AddNote {
        comment: CommentId::from_u128(11),
        body: "Customer's VPN config, for us.".into(),
        attachments: vec![file("vpn.conf")],
    };
    let events = desk.run(&mut driven, &desk.agent, note).unwrap();

    // Then the note and its file are recorded together, the file on the
    // note and internal like it: the requester sees neither, and only
    // staff find the file's name.
    let kinds: Vec<&str> = events.iter().map(|e| e.change.type_name()).collect();
    assert_eq!(kinds, ["note_added", "attached"], "{kinds:?}");
    assert!(events.iter().all(|e| !e.is_visible_to(Role::Requester)));
    let comment = driven
        .ticket
        .conversation()
        .find(|c| c.id == CommentId::from_u128(11))
        .unwrap();
    assert_eq!(comment.visibility, Visibility::Internal);
    assert_eq!(comment.attachments, [file("vpn.conf")]);
    let text = SearchText::of(&events);
    assert!(text.internal.contains(&"vpn.conf".to_string()));
    assert!(!text.public.contains(&"vpn.conf".to_string()));

    // And a requester may not add one.
    let by_requester = Command::AddNote {
        comment: CommentId::from_u128(12),
        body: "Mine.".into(),
        attachments: vec![file("mine.txt")],
    };
    assert!(
        desk.run(&mut driven, &desk.requester, by_requester)
            .is_err()
    );
}
