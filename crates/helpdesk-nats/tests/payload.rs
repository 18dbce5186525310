//! The published payload, pinned: consumers parse it, so it changes only
//! on purpose (with a new `v` when a field goes or changes meaning).
#![allow(clippy::unwrap_used)]

use helpdesk_core::{ActorId, ActorRef, Change, CommentId, Event, Role, TenantId, TicketId};
use helpdesk_engine::store::{OutboxMessage, StoredEvent};
use helpdesk_engine::{CommandId, EventId};
use helpdesk_nats::{Envelope, NatsNotifier, NatsOptions};
use uuid::Uuid;

fn message(change: Change) -> OutboxMessage {
    let event = StoredEvent {
        id: EventId::from_uuid(Uuid::from_u128(0x0190_f1c2_0000_7000_8000_0000_0000_0001)),
        tenant: TenantId::from_u128(2),
        ticket: TicketId::from_u128(3),
        version: 4,
        command: CommandId::from_uuid(Uuid::from_u128(5)),
        event: Event::new(
            "2026-03-02T09:15:00Z".parse().unwrap(),
            ActorRef {
                id: ActorId::from_u128(6),
                role: Role::Agent,
            },
            change,
        ),
    };
    OutboxMessage::of(&event)
}

#[test]
fn a_reply_is_published_as_the_documented_envelope() {
    let reply = message(Change::Replied {
        comment: CommentId::from_u128(7),
        body: "Try the other tray".into(),
    });
    let json = String::from_utf8(Envelope::encode(&reply).unwrap()).unwrap();
    assert_eq!(
        json,
        concat!(
            r#"{"v":1,"id":"0190f1c2-0000-7000-8000-000000000001","#,
            r#""tenant":"00000000-0000-0000-0000-000000000002","#,
            r#""ticket":"00000000-0000-0000-0000-000000000003","#,
            r#""version":4,"command":"00000000-0000-0000-0000-000000000005","#,
            r#""type":"replied","at":"2026-03-02T09:15:00Z","internal":false,"#,
            r#""event":{"v":1,"at":"2026-03-02T09:15:00Z","#,
            r#""by":{"id":"00000000-0000-0000-0000-000000000006","role":"agent"},"#,
            r#""type":"replied","#,
            r#""data":{"comment":"00000000-0000-0000-0000-000000000007","body":"Try the other tray"}}}"#,
        )
    );
    let back: Envelope = serde_json::from_str(&json).unwrap();
    assert_eq!(back, Envelope::of(&reply));
    assert_eq!(
        NatsNotifier::subject(&NatsOptions::default(), &reply),
        "helpdesk.00000000-0000-0000-0000-000000000002.replied"
    );
}

#[test]
fn an_internal_note_is_marked_internal() {
    let note = message(Change::NoteAdded {
        comment: CommentId::from_u128(7),
        body: "Tray 2 is broken".into(),
    });
    let envelope = Envelope::of(&note);
    assert!(envelope.internal);
    assert_eq!(envelope.kind, "note_added");
    assert_eq!(
        NatsNotifier::subject(&NatsOptions::default(), &note),
        "helpdesk.00000000-0000-0000-0000-000000000002.note_added"
    );
}

#[test]
fn options_are_checked_naming_what_is_wrong() {
    let check = |prefix: &str, stream: &str| {
        NatsOptions {
            prefix: prefix.into(),
            stream: stream.into(),
            ..NatsOptions::default()
        }
        .check()
        .map_err(|e| e.to_string())
    };
    assert_eq!(check("helpdesk", "HELPDESK"), Ok(()));
    assert_eq!(check("acme.support-desk", "ACME_SUPPORT"), Ok(()));
    for bad in [
        "",
        ".helpdesk",
        "helpdesk.",
        "a..b",
        "help desk",
        "a.*",
        "a.>",
        "a.b*",
    ] {
        let err = check(bad, "HELPDESK").unwrap_err();
        assert!(
            err.starts_with("invalid NATS subject prefix"),
            "{bad:?}: {err}"
        );
    }
    for bad in ["", "A.B", "A*", "A>", "A B", "A/B"] {
        let err = check("helpdesk", bad).unwrap_err();
        assert!(
            err.starts_with("invalid JetStream stream name"),
            "{bad:?}: {err}"
        );
    }
    let zero = NatsOptions {
        publish_timeout: std::time::Duration::ZERO,
        ..NatsOptions::default()
    };
    assert!(zero.check().is_err());
}
