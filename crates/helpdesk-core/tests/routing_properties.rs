//! Properties of configurations and routing: checking never panics on
//! arbitrary configurations, routing is deterministic, and a rule after a
//! stopping rule that always matches is always reported.

#![allow(clippy::unwrap_used)]
use chrono::{TimeZone, Utc};
use helpdesk_core::config::Severity;
use helpdesk_core::routing::route;
use helpdesk_core::*;
use proptest::prelude::*;
use serde_json::{Value, json};

const NAMES: [&str; 6] = ["desk", "network", "netwrok", "l1", "l2", "l3"];

fn name() -> impl Strategy<Value = String> {
    prop::sample::select(NAMES.to_vec()).prop_map(str::to_owned)
}

fn condition() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        prop::sample::subsequence(vec!["email", "chat", "phone", "portal", "api"], 0..3)
            .prop_map(|c| json!({"channel": c})),
        prop::sample::subsequence(vec!["vpn", "printer", "password", "outage"], 1..3)
            .prop_map(|k| json!({"text_has": k})),
        prop::sample::subsequence(vec!["P1", "P2", "P3", "P4", "P5"], 0..3)
            .prop_map(|p| json!({"priority": p})),
        prop::sample::subsequence(vec!["vip", "network", "remote"], 0..2)
            .prop_map(|t| json!({"tag": t})),
        name().prop_map(|c| json!({"in_hours": c})),
        Just(json!({"in_hours": "berlin"})),
        Just(json!({"requester_domain": ["example.com"]})),
    ];
    leaf.prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(|v| json!({"all": v})),
            prop::collection::vec(inner.clone(), 0..3).prop_map(|v| json!({"any": v})),
            inner.prop_map(|c| json!({"not": c})),
        ]
    })
}

fn rule() -> impl Strategy<Value = Value> {
    (
        prop::sample::select(vec!["a", "b", "c", ""]),
        prop::option::of(condition()),
        prop::option::of(name()),
        prop::option::of(name()),
        prop::sample::subsequence(vec!["vpn", "Bad Tag", "x"], 0..2),
        any::<bool>(),
        prop::option::of(prop::sample::select(vec![
            "round_robin",
            "least_loaded",
            "skills",
        ])),
    )
        .prop_map(|(name, when, group, tier, tags, stop, assign)| {
            let mut rule = json!({"name": name, "then": {"tags": tags}, "stop": stop});
            if let Some(when) = when {
                rule["when"] = when;
            }
            if let Some(group) = group {
                rule["then"]["group"] = json!(group);
            }
            if let Some(tier) = tier {
                rule["then"]["tier"] = json!(tier);
            }
            if let Some(assign) = assign {
                rule["then"]["assign"] = json!(assign);
            }
            rule
        })
}

fn escalation() -> impl Strategy<Value = Value> {
    (
        name(),
        prop::option::of(name()),
        prop_oneof![
            Just(json!("manual")),
            Just(json!({"reassigned": 0})),
            Just(json!({"reassigned": 2})),
            prop::sample::select(vec!["resolution", "first_response", "resolutoin"]).prop_map(|m| json!({"sla_breach": m})),
            Just(json!({"no_agent_response": "2h"})),
        ],
        any::<bool>(),
    )
        .prop_map(|(from, to, when, notify)| json!({"name": format!("{from}-{to:?}"), "from": from, "to": to, "when": when, "notify_managers": notify}))
}

fn desk() -> impl Strategy<Value = Value> {
    (
        prop::collection::vec(rule(), 0..8),
        prop::collection::vec((name(), name(), any::<bool>()), 0..5),
        prop::collection::vec(escalation(), 0..6),
    )
        .prop_map(|(rules, tiers, escalations)| {
            let tiers: Vec<Value> = tiers
                .into_iter()
                .map(|(key, group, entry)| json!({"key": key, "name": key, "group": group, "entry": entry}))
                .collect();
            json!({
                "calendars": {"berlin": {"tz": "Europe/Berlin", "week": {"mon": ["09:00-17:00"]}}},
                "groups": {
                    "desk": {"id": GroupId::from_u128(10), "name": "Desk"},
                    "network": {"id": GroupId::from_u128(11), "name": "Network"}
                },
                "tiers": tiers,
                "escalations": escalations,
                "routing_rules": rules
            })
        })
}

fn ticket(config: &DeskConfig, subject: &str, tags: &[&str]) -> Ticket {
    let admin = Actor::admin(ActorId::from_u128(1), TenantId::from_u128(1));
    let at = Utc.with_ymd_and_hms(2026, 3, 2, 10, 0, 0).unwrap();
    let mut new =
        NewTicket::new(ActorId::from_u128(2), subject, "").requester_email("bob@example.com");
    for tag in tags {
        new = new.tag(*tag);
    }
    let events = decide(
        &Ticket::new(TicketId::from_u128(1)),
        Command::Open(new),
        &Context::new(&admin, at, config),
    )
    .unwrap();
    Ticket::replay(TicketId::from_u128(1), &events)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn checking_and_routing_never_panic_and_routing_is_deterministic(
        desk in desk(),
        subject in prop::sample::select(vec!["VPN down", "Printer jam", "Password reset", "Hello"]),
        tags in prop::sample::subsequence(vec!["vip", "network", "remote"], 0..3),
    ) {
        let config: DeskConfig = serde_json::from_value(desk).unwrap();
        let first = config.diagnose();
        prop_assert_eq!(&first, &config.diagnose());
        let t = ticket(&config, subject, &tags);
        let routing = route(&t, &config);
        prop_assert_eq!(&routing, &route(&t, &config));
        // Only the last rule matched may stop routing.
        if let Some((_, before)) = routing.matched.split_last() {
            for earlier in before {
                prop_assert!(!config.routing_rules[*earlier].stop);
            }
        }
        // With a valid configuration, the Route command succeeds.
        if config.validate().is_ok() {
            let system = Actor::system(ActorId::from_u128(3), TenantId::from_u128(1));
            let at = Utc.with_ymd_and_hms(2026, 3, 2, 10, 5, 0).unwrap();
            let routed = decide(&t, Command::Route(Default::default()), &Context::new(&system, at, &config));
            prop_assert!(routed.is_ok(), "{:?}", routed);
        }
    }

    #[test]
    fn a_rule_after_an_always_matching_stopping_rule_is_reported(
        rules in prop::collection::vec(rule(), 1..5),
        position in 0usize..5,
    ) {
        let mut rules = rules;
        let position = position.min(rules.len() - 1);
        rules.insert(position, json!({"name": "catch all", "then": {}}));
        rules.push(json!({"name": "late", "when": {"tag": ["vip"]}, "then": {}}));
        let config: DeskConfig = serde_json::from_value(json!({"routing_rules": rules})).unwrap();
        let last = config.routing_rules.len() - 1;
        let path = format!("routing_rules[{last}].when");
        prop_assert!(config.diagnose().iter().any(|d| d.severity == Severity::Warning && d.path == path));
    }
}
