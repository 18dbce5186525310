//! Routing conditions and actions, one by one, and the static checks on
//! routing rules and escalation tiers.
#![allow(clippy::unwrap_used)]

use chrono::{TimeZone, Utc};
use helpdesk_core::config::Severity;
use helpdesk_core::routing::{Condition, Facts, RouteInput, route};
use helpdesk_core::*;
use serde_json::json;

fn config(extra: serde_json::Value) -> DeskConfig {
    let mut base = json!({
        "calendars": {"berlin": {"tz": "Europe/Berlin", "week": {"mon": ["09:00-17:00"]}}},
        "fields": [{"key": "site", "label": "Site", "kind": {"type": "choice", "options": ["berlin", "nyc"]}}],
        "groups": {
            "desk": {"id": GroupId::from_u128(10), "name": "Service desk"},
            "network": {"id": GroupId::from_u128(11), "name": "Network"}
        },
        "tiers": [
            {"key": "l1", "name": "L1", "group": "desk", "entry": true},
            {"key": "l2", "name": "L2", "group": "network"}
        ],
        "escalations": [{"name": "up", "from": "l1", "to": "l2", "when": "manual"}]
    });
    for (key, value) in extra.as_object().unwrap() {
        base[key] = value.clone();
    }
    serde_json::from_value(base).unwrap()
}

/// A ticket opened on Monday 2026-03-02 at `hour`:00 UTC.
fn ticket(config: &DeskConfig, new: NewTicket, hour: u32) -> Ticket {
    let admin = Actor::admin(ActorId::from_u128(1), TenantId::from_u128(1));
    let at = Utc.with_ymd_and_hms(2026, 3, 2, hour, 0, 0).unwrap();
    let events = decide(
        &Ticket::new(TicketId::from_u128(9)),
        Command::Open(new),
        &Context::new(&admin, at, config),
    )
    .unwrap();
    Ticket::replay(TicketId::from_u128(9), &events)
}

fn new() -> NewTicket {
    NewTicket::new(
        ActorId::from_u128(100),
        "VPN drops every hour",
        "Since the Windows update.",
    )
    .channel(Channel::Email)
    .ticket_type(TicketType::Incident)
    .requester_email("alice@sales.example.com")
    .organization("ACME")
    .tag("remote")
    .field("site", FieldValue::Choice("berlin".into()))
}

fn holds(condition: serde_json::Value, hour: u32) -> bool {
    let config = config(json!({}));
    let t = ticket(&config, new(), hour);
    let condition: Condition = serde_json::from_value(condition).unwrap();
    condition.matches(&Facts::new(&t, &config))
}

#[test]
fn every_condition_matches_what_it_names() {
    let cases = [
        (json!({"channel": ["email", "chat"]}), true),
        (json!({"channel": ["phone"]}), false),
        (json!({"ticket_type": ["incident"]}), true),
        (json!({"ticket_type": ["problem"]}), false),
        (json!({"subject_has": ["VPN"]}), true),
        (json!({"subject_has": ["windows"]}), false),
        (json!({"description_has": ["windows update"]}), true),
        (json!({"description_has": ["vpn"]}), false),
        (json!({"text_has": ["printer", "windows"]}), true),
        (json!({"text_has": ["printer"]}), false),
        (json!({"requester_domain": ["example.com"]}), true),
        (json!({"requester_domain": ["sales.example.com"]}), true),
        (json!({"requester_domain": ["ample.com"]}), false),
        (json!({"organization": ["ACME"]}), true),
        (json!({"organization": ["acme"]}), false),
        (json!({"tag": ["vip", "remote"]}), true),
        (json!({"tag": ["vip"]}), false),
        (json!({"priority": ["P3"]}), true),
        (json!({"priority": ["P1", "P2"]}), false),
        (
            json!({"field": {"key": "site", "equals": {"choice": "berlin"}}}),
            true,
        ),
        (
            json!({"field": {"key": "site", "equals": {"choice": "nyc"}}}),
            false,
        ),
        (json!({"in_hours": "berlin"}), true),
        (json!({"all": []}), true),
        (json!({"any": []}), false),
        (
            json!({"all": [{"channel": ["email"]}, {"tag": ["remote"]}]}),
            true,
        ),
        (
            json!({"all": [{"channel": ["email"]}, {"tag": ["vip"]}]}),
            false,
        ),
        (
            json!({"any": [{"channel": ["phone"]}, {"tag": ["remote"]}]}),
            true,
        ),
        (json!({"not": {"channel": ["email"]}}), false),
    ];
    for (condition, expected) in cases {
        assert_eq!(holds(condition.clone(), 10), expected, "{condition}");
    }
    // 10:00 UTC is 11:00 in Berlin, inside Monday's hours; 17:00 UTC is not.
    assert!(!holds(json!({"in_hours": "berlin"}), 17));
}

#[test]
fn explain_says_why_each_condition_held_or_not() {
    let config = config(json!({}));
    let t = ticket(&config, new(), 10);
    let condition: Condition = serde_json::from_value(json!({"all": [
        {"channel": ["phone"]}, {"subject_has": ["vpn"]}, {"not": {"tag": ["vip"]}}
    ]}))
    .unwrap();
    let (held, why) = condition.explain(&Facts::new(&t, &config));
    assert!(!held);
    assert_eq!(
        why,
        r#"all of [channel email in [phone]: no; subject has "vpn": yes; not (a tag in ["vip"]: no): yes]: no"#
    );
}

#[test]
fn rules_run_in_order_and_stop_unless_told_to_continue() {
    let config = config(json!({"routing_rules": [
        {"name": "tag everything", "then": {"tags": ["seen"]}, "stop": false},
        {"name": "vpn", "when": {"subject_has": ["vpn"]}, "then": {"group": "network", "tier": "l2", "priority": "P2", "tags": ["vpn"], "fields": {"site": {"choice": "nyc"}}}},
        {"name": "never reached", "then": {"group": "desk"}}
    ]}));
    let t = ticket(&config, new(), 10);
    let routing = route(&t, &config);
    assert_eq!(routing.matched, [0, 1]);
    assert_eq!(
        routing.group.as_ref().map(|g| (g.value.as_str(), g.rule)),
        Some(("network", 1))
    );
    assert_eq!(
        routing
            .tags
            .iter()
            .map(|t| t.value.as_str())
            .collect::<Vec<_>>(),
        ["seen", "vpn"]
    );

    let system = Actor::system(ActorId::from_u128(2), TenantId::from_u128(1));
    let at = Utc.with_ymd_and_hms(2026, 3, 2, 10, 1, 0).unwrap();
    let events = decide(
        &t,
        Command::Route(RouteInput::default()),
        &Context::new(&system, at, &config),
    )
    .unwrap();
    let summary: Vec<(String, String)> = events
        .iter()
        .map(|e| {
            let Some(Cause::RoutingRule { rule }) = &e.cause else {
                panic!("uncaused {:?}", e.change)
            };
            (e.change.type_name().to_owned(), rule.clone())
        })
        .collect();
    let expected = [
        ("group_changed", "vpn"),
        ("tier_changed", "vpn"),
        ("priority_changed", "vpn"),
        ("tagged", "tag everything"),
        ("tagged", "vpn"),
        ("field_changed", "vpn"),
    ];
    assert_eq!(
        summary,
        expected.map(|(a, b)| (a.to_owned(), b.to_owned())).to_vec()
    );
    let mut routed = t.clone();
    for e in &events {
        apply(&mut routed, e);
    }
    assert_eq!(routed.priority(), Priority::P2);
    assert!(routed.priority_overridden());
    // Routing again changes nothing.
    assert_eq!(
        decide(
            &routed,
            Command::Route(RouteInput::default()),
            &Context::new(&system, at, &config)
        )
        .unwrap(),
        vec![]
    );
}

#[test]
fn a_requester_cannot_route() {
    let config = config(json!({}));
    let t = ticket(&config, new(), 10);
    let requester = Actor::requester(ActorId::from_u128(100), TenantId::from_u128(1));
    let err = decide(
        &t,
        Command::Route(RouteInput::default()),
        &Context::new(
            &requester,
            Utc.with_ymd_and_hms(2026, 3, 2, 10, 0, 0).unwrap(),
            &config,
        ),
    );
    assert!(matches!(err, Err(DomainError::Forbidden { .. })));
}

fn diagnostics(extra: serde_json::Value) -> Vec<String> {
    config(extra)
        .diagnose()
        .iter()
        .map(|d| format!("{}: {d}", d.severity))
        .collect()
}

#[test]
fn routing_checks_find_bad_references_shadowed_rules_and_duplicates() {
    let found = diagnostics(json!({"routing_rules": [
        {"name": "email", "when": {"channel": ["email", "chat"]}, "then": {"group": "desk"}},
        {"name": "vpn by email", "when": {"all": [{"channel": ["email"]}, {"subject_has": ["vpn"]}]}, "then": {"group": "netwrok"}},
        {"name": "phone", "when": {"channel": ["phone"]}, "then": {"tier": "l3", "tags": ["Bad Tag"], "fields": {"site": {"choice": "paris"}}}, "stop": false},
        {"name": "phone", "when": {"channel": ["phone"]}, "then": {"tier": "l3", "tags": ["Bad Tag"], "fields": {"site": {"choice": "paris"}}}, "stop": false},
        {"name": "hours", "when": {"in_hours": "berln"}, "then": {"fields": {"colour": {"choice": "red"}}}},
        {"name": "", "then": {}}
    ]}));
    assert_eq!(
        found,
        [
            r#"error: routing_rules[1].then.group: unknown group "netwrok" (did you mean "network"?)"#,
            "warning: routing_rules[1].when: can never match: routing_rules[0] (\"email\") matches every ticket this rule matches, and stops",
            r#"error: routing_rules[2].then.tier: unknown tier "l3" (did you mean "l1"?)"#,
            r#"error: routing_rules[2].then.tags[0]: "Bad Tag" is not a tag: use 1-64 characters of a-z, 0-9, '-', '_', ':', '.', '/', starting with a letter or digit"#,
            r#"error: routing_rules[2].then.fields.site: "paris" is not one of the options: berlin, nyc"#,
            r#"error: routing_rules[3].then.tier: unknown tier "l3" (did you mean "l1"?)"#,
            r#"error: routing_rules[3].then.tags[0]: "Bad Tag" is not a tag: use 1-64 characters of a-z, 0-9, '-', '_', ':', '.', '/', starting with a letter or digit"#,
            r#"error: routing_rules[3].then.fields.site: "paris" is not one of the options: berlin, nyc"#,
            "warning: routing_rules[3].when: duplicates routing_rules[2] (\"phone\")",
            r#"error: routing_rules[4].when.in_hours: unknown calendar "berln" (did you mean "berlin"?)"#,
            r#"error: routing_rules[4].then.fields.colour: unknown field "colour""#,
            "error: routing_rules[5].name: must not be empty: events name the rule that caused them",
        ]
    );
}

#[test]
fn escalation_checks_report_cycles_as_paths_and_unreachable_tiers() {
    let found = diagnostics(json!({
        "tiers": [
            {"key": "l1", "name": "L1", "group": "desk", "entry": true},
            {"key": "l2", "name": "L2", "group": "network"},
            {"key": "l3", "name": "L3", "group": "network"},
            {"key": "lab", "name": "Lab", "group": "nowhere"}
        ],
        "escalations": [
            {"name": "up", "from": "l1", "to": "l2", "when": {"sla_breach": "resolution"}},
            {"name": "further", "from": "l2", "to": "l3", "when": {"sla_warning": "resolutoin"}},
            {"name": "back", "from": "l3", "to": "l1", "when": {"reassigned": 0}},
            {"name": "quiet", "from": "l2", "when": "manual"}
        ]
    }));
    assert_eq!(
        found,
        [
            r#"error: tiers[3].group: unknown group "nowhere""#,
            r#"error: escalations[1].when.sla_warning: unknown metric "resolutoin" (did you mean "resolution"?)"#,
            "error: escalations[2].when.reassigned: must be at least 1",
            "warning: escalations[3].to: the rule neither moves the ticket, raises its priority nor notifies anyone",
            "error: tiers[0]: escalation runs in a cycle: l1 -> l2 -> l3 -> l1",
            r#"error: tiers[3]: tier "lab" cannot be reached from any entry tier: add an escalation rule that leads to it, or mark it entry"#,
        ]
    );
    let none = diagnostics(
        json!({"tiers": [{"key": "l1", "name": "L1", "group": "desk"}], "escalations": []}),
    );
    assert_eq!(
        none,
        ["error: tiers: no tier is marked entry = true: new tickets have nowhere to start"]
    );
}

#[test]
fn warnings_do_not_fail_validation() {
    let config = config(json!({"routing_rules": [
        {"name": "a", "then": {"tags": ["x"]}},
        {"name": "b", "then": {"tags": ["y"]}}
    ]}));
    let found = config.diagnose();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].severity, Severity::Warning);
    assert!(config.validate().is_ok());
}
