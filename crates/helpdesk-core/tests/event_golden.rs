//! The stored form of every event type is pinned by a golden file under
//! `tests/golden/events/`. A change to the form fails here: stores keep
//! events for years, so the form changes only on purpose, with a new
//! schema version and a reader for the old one.
//!
//! To accept an intended change, run with `UPDATE_GOLDEN=1` and review the
//! diff.
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use chrono::{NaiveDate, TimeZone, Utc};
use helpdesk_core::sla::{
    Metric, Outcome, Retargeted, Schedule, ScheduledWarning, Started, Warning,
};
use helpdesk_core::*;

fn sample(change: Change) -> Event {
    Event::new(
        Utc.with_ymd_and_hms(2026, 3, 2, 9, 15, 30).unwrap(),
        ActorRef {
            id: ActorId::from_u128(0x200),
            role: Role::Agent,
        },
        change,
    )
}

fn every_change() -> Vec<Change> {
    let tag = Tag::new("network:vpn").unwrap();
    let asset = AssetRef::new("laptop:SN-4411").unwrap();
    let link = Link {
        kind: LinkKind::Problem,
        ticket: TicketId::from_u128(0x77),
    };
    vec![
        Change::Opened(Box::new(Opened {
            tenant: TenantId::from_u128(1),
            requester: ActorId::from_u128(0x100),
            subject: "VPN drops every hour".into(),
            description: "Since Monday, on the office wifi.".into(),
            channel: Channel::Email,
            ticket_type: TicketType::Incident,
            impact: Impact::Medium,
            urgency: Urgency::High,
            priority: Priority::P2,
            group: Some(GroupId::from_u128(10)),
            tags: BTreeSet::from([tag.clone()]),
            fields: BTreeMap::from([
                ("site".to_owned(), FieldValue::Choice("berlin".into())),
                ("seats".to_owned(), FieldValue::Integer(3)),
                (
                    "due".to_owned(),
                    FieldValue::Date(NaiveDate::from_ymd_opt(2026, 3, 9).unwrap()),
                ),
            ]),
            assets: BTreeSet::from([asset.clone()]),
            requester_email: Some("alice@example.com".into()),
            organization: Some("ACME".into()),
            number: TicketNumber::new(1042),
        })),
        Change::Replied {
            comment: CommentId::from_u128(1),
            body: "Which client version?".into(),
        },
        Change::NoteAdded {
            comment: CommentId::from_u128(2),
            body: "Same as INC-12.".into(),
        },
        Change::Attached {
            comment: Some(CommentId::from_u128(1)),
            visibility: Visibility::Public,
            attachments: vec![AttachmentRef::new(
                "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
                "vpn.log",
                "text/plain",
                5120,
            )],
        },
        Change::GroupChanged {
            from: Some(GroupId::from_u128(10)),
            to: Some(GroupId::from_u128(11)),
        },
        Change::AssigneeChanged {
            from: None,
            to: Some(ActorId::from_u128(0x200)),
        },
        Change::StatusChanged {
            from: Status::from(StatusCategory::Open),
            to: Status::custom(StatusCategory::OnHold, "awaiting_parts"),
        },
        Change::ImpactUrgencyChanged {
            impact: Impact::High,
            urgency: Urgency::High,
        },
        Change::PriorityChanged {
            from: Priority::P2,
            to: Priority::P1,
            reason: PriorityReason::Override {
                reason: "Whole floor affected".into(),
            },
        },
        Change::Tagged { tag: tag.clone() },
        Change::Untagged { tag },
        Change::FieldChanged {
            key: "os".into(),
            value: Some(FieldValue::Choices(BTreeSet::from([
                "linux".into(),
                "mac".into(),
            ]))),
        },
        Change::Watched {
            watcher: ActorRef {
                id: ActorId::from_u128(0x201),
                role: Role::Agent,
            },
        },
        Change::Unwatched {
            watcher: ActorRef {
                id: ActorId::from_u128(0x101),
                role: Role::Requester,
            },
        },
        Change::AssetAdded {
            asset: asset.clone(),
        },
        Change::AssetRemoved { asset },
        Change::Resolved {
            resolution: Resolution::new(ResolutionCode::Workaround, "Use the web client."),
            sub_status: Some("workaround_given".into()),
        },
        Change::Reopened,
        Change::Closed,
        Change::Cancelled {
            reason: "Raised twice".into(),
        },
        Change::Merged {
            into: TicketId::from_u128(0x78),
        },
        Change::MergedFrom {
            from: TicketId::from_u128(0x79),
        },
        Change::Linked { link },
        Change::Unlinked { link },
        Change::TierChanged {
            from: None,
            to: Some("l1".into()),
        },
        Change::Escalated(Box::new(Escalated {
            rule: "L1 breach to L2".into(),
            from_tier: Some("l1".into()),
            to_tier: Some("l2_network".into()),
            notify: vec![ActorId::from_u128(0x300)],
            reason: "SLA resolution breached".into(),
        })),
        Change::SlaPolicyChanged {
            from: None,
            to: Some("standard".into()),
        },
        Change::SlaStarted(Box::new(Started {
            metric: Metric::FirstResponse,
            cycle: 1,
            policy: "standard".into(),
            target_ms: 3_600_000,
            schedule: schedule(),
        })),
        Change::SlaPaused {
            metric: Metric::Resolution,
            cycle: 1,
            elapsed_ms: 5_400_000,
        },
        Change::SlaResumed {
            metric: Metric::Resolution,
            cycle: 1,
            schedule: schedule(),
        },
        Change::SlaRetargeted(Box::new(Retargeted {
            metric: Metric::Resolution,
            cycle: 1,
            policy: "vip".into(),
            target_ms: 14_400_000,
            elapsed_ms: 5_400_000,
            schedule: Some(schedule()),
        })),
        Change::SlaWarned {
            metric: Metric::NextResponse,
            cycle: 2,
            warning: Warning::Before("30m".parse().unwrap()),
            due: Utc.with_ymd_and_hms(2026, 3, 2, 9, 45, 30).unwrap(),
        },
        Change::SlaBreached {
            metric: Metric::NextResponse,
            cycle: 2,
            due: Utc.with_ymd_and_hms(2026, 3, 2, 10, 15, 30).unwrap(),
        },
        Change::SlaStopped {
            metric: Metric::NextResponse,
            cycle: 2,
            outcome: Outcome::Breached,
            elapsed_ms: 7_260_000,
        },
        Change::SlaCancelled {
            metric: Metric::PeriodicUpdate,
            cycle: 3,
            elapsed_ms: 60_000,
        },
    ]
}

fn schedule() -> Schedule {
    Schedule {
        due: Utc.with_ymd_and_hms(2026, 3, 2, 10, 15, 30).unwrap(),
        warnings: vec![
            ScheduledWarning {
                warning: Warning::Percent(75),
                at: Utc.with_ymd_and_hms(2026, 3, 2, 10, 0, 30).unwrap(),
            },
            ScheduledWarning {
                warning: Warning::Before("30m".parse().unwrap()),
                at: Utc.with_ymd_and_hms(2026, 3, 2, 9, 45, 30).unwrap(),
            },
        ],
    }
}

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden/events")
}

#[test]
fn every_change_type_has_a_sample() {
    let names: Vec<&str> = every_change().iter().map(Change::type_name).collect();
    assert_eq!(names, Change::TYPE_NAMES);
}

#[test]
fn every_event_matches_its_golden_file() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    for change in every_change() {
        let name = change.type_name();
        let event = sample(change);
        let json = serde_json::to_string_pretty(&event).unwrap() + "\n";
        let path = golden_dir().join(format!("{name}.json"));
        if update {
            std::fs::write(&path, &json).unwrap();
        }
        let golden = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "{}: {e}; run with UPDATE_GOLDEN=1 to create it",
                path.display()
            )
        });
        assert_eq!(json, golden, "the stored form of {name} events changed");
        let read: Event = serde_json::from_str(&golden).unwrap();
        assert_eq!(read, event, "{name} reads back");
        let value: serde_json::Value = serde_json::from_str(&golden).unwrap();
        assert_eq!(value["v"], 1, "{name} carries the schema version");
        assert_eq!(value["type"], name, "{name} carries its type tag");
    }
}

#[test]
fn there_is_no_golden_file_without_a_change_type() {
    for entry in std::fs::read_dir(golden_dir()).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        let stem = name.trim_end_matches(".json");
        assert!(
            Change::TYPE_NAMES.contains(&stem),
            "stray golden file {name}"
        );
    }
}

#[test]
fn a_cause_is_stored_only_when_present() {
    let mut event = sample(Change::Tagged {
        tag: Tag::new("vpn").unwrap(),
    });
    assert!(!serde_json::to_string(&event).unwrap().contains("cause"));
    event.cause = Some(Cause::RoutingRule {
        rule: "VPN to network".into(),
    });
    let json = serde_json::to_string(&event).unwrap();
    assert!(
        json.ends_with(r#""cause":{"kind":"routing_rule","rule":"VPN to network"}}"#),
        "{json}"
    );
    assert_eq!(serde_json::from_str::<Event>(&json).unwrap(), event);
}

#[test]
fn events_of_a_newer_schema_version_are_refused_with_a_clear_error() {
    let golden = std::fs::read_to_string(golden_dir().join("closed.json")).unwrap();
    let newer = golden.replace("\"v\": 1", "\"v\": 2");
    let err = serde_json::from_str::<Event>(&newer).unwrap_err();
    assert!(
        err.to_string().starts_with(
            "event schema version 2 is not supported (this build reads versions 1 to 1)"
        ),
        "{err}"
    );
    let unknown = golden.replace("\"closed\"", "\"exploded\"");
    assert!(serde_json::from_str::<Event>(&unknown).is_err());
}

#[test]
fn fields_are_read_in_any_order() {
    // Given an event with data, and the same fields in other orders
    let event = sample(Change::Tagged {
        tag: Tag::new("vpn").unwrap(),
    });
    let by = r#"{"id":"00000000-0000-0000-0000-000000000200","role":"agent"}"#;
    let orders = [
        format!(
            r#"{{"type":"tagged","v":1,"by":{by},"data":{{"tag":"vpn"}},"at":"2026-03-02T09:15:30Z"}}"#
        ),
        format!(
            r#"{{"v":1,"type":"tagged","at":"2026-03-02T09:15:30Z","extra":[1,{{"x":2}}],"by":{by},"data":{{"tag":"vpn"}}}}"#
        ),
    ];

    // When they are read, then they are the event
    for json in &orders {
        assert_eq!(
            serde_json::from_str::<Event>(json).unwrap(),
            event,
            "{json}"
        );
    }

    // And data before its type, as PostgreSQL's jsonb orders keys, with
    // a cause after the type, is read too
    let mut caused = event.clone();
    caused.cause = Some(Cause::RoutingRule {
        rule: "VPN to network".into(),
    });
    let data_first = format!(
        r#"{{"v":1,"at":"2026-03-02T09:15:30Z","by":{by},"data":{{"tag":"vpn"}},"type":"tagged","cause":{{"kind":"routing_rule","rule":"VPN to network"}}}}"#
    );
    assert_eq!(serde_json::from_str::<Event>(&data_first).unwrap(), caused);
    let data_first = format!(
        r#"{{"data":{{"tag":"vpn"}},"v":1,"at":"2026-03-02T09:15:30Z","type":"tagged","by":{by}}}"#
    );
    assert_eq!(serde_json::from_str::<Event>(&data_first).unwrap(), event);
    // And a change with fields but no data is refused
    let no_data = format!(r#"{{"v":1,"type":"tagged","at":"2026-03-02T09:15:30Z","by":{by}}}"#);
    assert!(serde_json::from_str::<Event>(&no_data).is_err());
}
