//! The published payload, pinned: consumers parse it, so it changes only
//! on purpose (with a new `v` when a field goes or changes meaning).
#![allow(clippy::unwrap_used)]

use helpdesk_core::notification::{NotificationChannel, Recipient};
use helpdesk_core::{ActorId, ActorRef, Change, CommentId, Event, Role, TenantId, TicketId};
use helpdesk_engine::store::StoredEvent;
use helpdesk_engine::{Addressee, CommandId, DeliveryId, EventId, Notification, Rendered};
use helpdesk_nats::{Envelope, NatsNotifier, NatsOptions};
use uuid::Uuid;

/// A notification of `change` to the endpoint `bus`, whose target is
/// `address`.
fn notification(change: Change, address: Option<&str>) -> Notification {
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
    let recipient = Recipient::Endpoint("bus".into());
    Notification {
        id: DeliveryId::from_uuid(Uuid::from_u128(0x6f1c_2a9e_0000_8000_8000_0000_0000_0009)),
        tenant: event.tenant,
        ticket: event.ticket,
        reference: "#00000003".into(),
        event,
        rule: "Everything to the bus".into(),
        channel: NotificationChannel::Nats,
        to: Addressee {
            recipient,
            name: None,
            address: address.map(str::to_owned),
            locale: "en".into(),
        },
        content: Rendered {
            subject: "[#00000003] Printer jams".into(),
            text: "Maria replied.\n\nTry the other tray\n".into(),
            html: Some("<p>Try the other tray</p>".into()),
        },
    }
}

fn reply() -> Change {
    Change::Replied {
        comment: CommentId::from_u128(7),
        body: "Try the other tray".into(),
    }
}

#[test]
fn a_reply_is_published_as_the_documented_envelope() {
    let reply = notification(reply(), Some("helpdesk"));
    let json = String::from_utf8(Envelope::encode(&reply).unwrap()).unwrap();
    assert_eq!(
        json,
        concat!(
            r#"{"v":1,"id":"6f1c2a9e-0000-8000-8000-000000000009","#,
            r#""event_id":"0190f1c2-0000-7000-8000-000000000001","#,
            r#""tenant":"00000000-0000-0000-0000-000000000002","#,
            r#""ticket":"00000000-0000-0000-0000-000000000003","#,
            r#""version":4,"command":"00000000-0000-0000-0000-000000000005","#,
            r#""type":"replied","at":"2026-03-02T09:15:00Z","internal":false,"#,
            r#""rule":"Everything to the bus","recipient":{"endpoint":"bus"},"#,
            r#""subject":"[#00000003] Printer jams","#,
            r#""text":"Maria replied.\n\nTry the other tray\n","#,
            r#""event":{"v":1,"at":"2026-03-02T09:15:00Z","#,
            r#""by":{"id":"00000000-0000-0000-0000-000000000006","role":"agent"},"#,
            r#""type":"replied","#,
            r#""data":{"comment":"00000000-0000-0000-0000-000000000007","body":"Try the other tray"}}}"#,
        )
    );
    let back: Envelope = serde_json::from_str(&json).unwrap();
    assert_eq!(back, Envelope::of(&reply));
    assert_eq!(
        NatsNotifier::subject(&NatsOptions::default(), &reply).unwrap(),
        "helpdesk.00000000-0000-0000-0000-000000000002.replied"
    );
}

#[test]
fn a_person_is_published_under_the_options_prefix() {
    let mut reply = notification(reply(), None);
    let agent = Recipient::Actor(ActorId::from_u128(8));
    reply.to.recipient = agent.clone();
    reply.id = DeliveryId::of(reply.event.id, &agent, NotificationChannel::Nats);
    let options = NatsOptions {
        prefix: "acme.support".into(),
        ..NatsOptions::default()
    };
    assert_eq!(
        NatsNotifier::subject(&options, &reply).unwrap(),
        "acme.support.00000000-0000-0000-0000-000000000002.replied"
    );
    let envelope = Envelope::of(&reply);
    assert_eq!((envelope.id, envelope.recipient), (reply.id, agent));
    assert_eq!(
        serde_json::to_value(Envelope::of(&reply)).unwrap()["recipient"],
        serde_json::json!({"actor": "00000000-0000-0000-0000-000000000008"})
    );
}

#[test]
fn an_internal_note_is_marked_internal() {
    let note = notification(
        Change::NoteAdded {
            comment: CommentId::from_u128(7),
            body: "Tray 2 is broken".into(),
        },
        Some("helpdesk"),
    );
    let envelope = Envelope::of(&note);
    assert!(envelope.internal);
    assert_eq!(envelope.kind, "note_added");
    assert_eq!(
        NatsNotifier::subject(&NatsOptions::default(), &note).unwrap(),
        "helpdesk.00000000-0000-0000-0000-000000000002.note_added"
    );
}

#[test]
fn an_endpoint_is_published_under_its_target_when_the_stream_captures_it() {
    let subject = |address: &str| {
        NatsNotifier::subject(
            &NatsOptions::default(),
            &notification(reply(), Some(address)),
        )
    };
    for (address, expected) in [
        ("helpdesk", "helpdesk"),
        ("helpdesk.urgent", "helpdesk.urgent"),
        ("helpdesk.acme.escalations", "helpdesk.acme.escalations"),
    ] {
        assert_eq!(
            subject(address).unwrap(),
            format!("{expected}.00000000-0000-0000-0000-000000000002.replied")
        );
    }

    // Outside the prefix: the stream would not capture it.
    for address in ["audit", "helpdesk-ops", "helpdesks.urgent", "acme.helpdesk"] {
        let err = subject(address).unwrap_err();
        assert!(err.permanent, "{address}: {err}");
        assert_eq!(err.delivery, notification(reply(), None).id);
        assert_eq!(
            err.reason,
            format!(
                "the endpoint's subject {address:?} is not under the prefix \"helpdesk\", \
                 so the stream HELPDESK (subjects helpdesk.>) would not capture it"
            )
        );
    }

    // Not a subject at all.
    for (address, why) in [
        ("", "it is empty"),
        ("helpdesk.", "it has an empty token"),
        ("helpdesk..urgent", "it has an empty token"),
        ("helpdesk.*", "it has a wildcard"),
        ("helpdesk.>", "it has a wildcard"),
        ("helpdesk.on call", "it has whitespace"),
    ] {
        let err = subject(address).unwrap_err();
        assert!(err.permanent, "{address}: {err}");
        assert!(
            err.reason.starts_with(&format!(
                "the endpoint's subject {address:?} is not a NATS subject: {why}"
            )),
            "{address}: {}",
            err.reason
        );
    }
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
