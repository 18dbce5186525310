//! Notification rules and endpoints in the desk configuration: what is
//! read, and every problem `diagnose` reports, at its path.
#![allow(clippy::unwrap_used)]

use helpdesk_core::DeskConfig;
use helpdesk_core::config::Severity;
use helpdesk_core::notification::{Audience, NotificationChannel, NotifyOn};

fn config(value: serde_json::Value) -> DeskConfig {
    serde_json::from_value(value).unwrap()
}

/// Endpoints of each channel and `rules`.
fn with_rules(rules: serde_json::Value) -> DeskConfig {
    config(serde_json::json!({
        "endpoints": {
            "ops_chat": {"via": "webhook", "target": "https://chat.example.com/hooks/ops"},
            "ops_mail": {"via": "email", "target": "ops@example.com"},
            "ops_bus": {"via": "nats", "target": "helpdesk.ops"}
        },
        "notification_rules": rules
    }))
}

/// Every diagnostic, as `severity path: message`.
fn found(config: &DeskConfig) -> Vec<String> {
    config
        .diagnose()
        .iter()
        .map(|d| format!("{} {d}", d.severity))
        .collect()
}

#[test]
fn a_desk_without_notifications_reads_and_validates() {
    let config = config(serde_json::json!({}));
    assert!(config.notification_rules.is_empty());
    assert!(config.endpoints.is_empty());
    assert_eq!(found(&config), Vec::<String>::new());
}

#[test]
fn rules_and_endpoints_read_from_toml() {
    let config: DeskConfig = toml::from_str(
        r#"
        [endpoints.ops_chat]
        via = "webhook"
        target = "https://chat.example.com/hooks/ops"

        [[notification_rules]]
        name = "Breaches"
        on = ["sla_breach", "escalated"]
        to = ["assignee", "group_managers", { endpoint = "ops_chat" }]
        via = "webhook"
        skip_actor = false
        "#,
    )
    .unwrap();
    assert_eq!(found(&config), Vec::<String>::new());
    let rule = &config.notification_rules[0];
    assert_eq!(rule.on, [NotifyOn::SlaBreach, NotifyOn::Escalated]);
    assert_eq!(
        rule.to,
        [
            Audience::Assignee,
            Audience::GroupManagers,
            Audience::Endpoint("ops_chat".into())
        ]
    );
    assert_eq!(rule.via, NotificationChannel::Webhook);
    assert!(!rule.skip_actor);
    assert_eq!(rule.template, None);
}

#[test]
fn unknown_keys_kinds_and_recipients_are_refused_when_reading() {
    let read = |value: serde_json::Value| {
        serde_json::from_value::<DeskConfig>(value)
            .unwrap_err()
            .to_string()
    };
    let base = |extra: (&str, serde_json::Value)| {
        let mut rule =
            serde_json::json!({"name": "r", "on": ["opened"], "to": ["assignee"], "via": "email"});
        rule[extra.0] = extra.1;
        serde_json::json!({"notification_rules": [rule]})
    };
    assert!(read(base(("when", serde_json::json!("now")))).contains("unknown field `when`"));
    assert!(
        read(base(("on", serde_json::json!(["replied"])))).contains("unknown variant `replied`")
    );
    let watcher = read(base(("to", serde_json::json!(["watcher"]))));
    assert!(
        watcher.contains("unknown variant `watcher`") && watcher.contains("`watchers`"),
        "the error names the audience meant: {watcher}"
    );
    assert!(read(base(("via", serde_json::json!("sms")))).contains("unknown variant `sms`"));
    assert!(
        read(
            serde_json::json!({"endpoints": {"ops": {"via": "email", "target": "a@b", "url": "x"}}})
        )
        .contains("unknown field `url`")
    );
}

#[test]
fn watchers_are_an_audience_of_any_kind_of_event() {
    // Given a rule telling watchers of internal notes and replies
    let config = with_rules(serde_json::json!([
        {"name": "followers", "on": ["internal_note", "public_reply"], "to": ["watchers"], "via": "email"}
    ]));
    // Then it reads and validates: each watcher is told what their role may see
    assert_eq!(config.notification_rules[0].to, [Audience::Watchers]);
    assert_eq!(found(&config), Vec::<String>::new());
}

#[test]
fn an_unknown_endpoint_is_reported_at_its_path_with_a_suggestion() {
    let config = with_rules(serde_json::json!([
        {"name": "chat", "on": ["opened"], "to": ["assignee"], "via": "webhook"},
        {"name": "mail", "on": ["opened"], "to": ["assignee"], "via": "email"},
        {"name": "typo", "on": ["opened"], "to": ["assignee", {"endpoint": "ops_chta"}, {"endpoint": "billing"}], "via": "webhook"}
    ]));
    assert_eq!(
        found(&config),
        [
            r#"error notification_rules[2].to[1].endpoint: unknown endpoint "ops_chta" (did you mean "ops_chat"?)"#,
            r#"error notification_rules[2].to[2].endpoint: unknown endpoint "billing""#,
        ]
    );
}

#[test]
fn an_endpoint_of_another_channel_is_an_error() {
    let config = with_rules(serde_json::json!([
        {"name": "mixed", "on": ["sla_breach"], "to": [{"endpoint": "ops_mail"}, {"endpoint": "ops_bus"}], "via": "webhook"}
    ]));
    assert_eq!(
        found(&config),
        [
            r#"error notification_rules[0].to[0].endpoint: endpoint "ops_mail" takes email (endpoints.ops_mail.via), but the rule sends by webhook"#,
            r#"error notification_rules[0].to[1].endpoint: endpoint "ops_bus" takes nats (endpoints.ops_bus.via), but the rule sends by webhook"#,
        ]
    );
}

#[test]
fn a_requester_is_never_sent_an_internal_note() {
    let config = with_rules(serde_json::json!([
        {"name": "fine", "on": ["public_reply"], "to": ["requester"], "via": "email"},
        {"name": "leaky", "on": ["public_reply", "internal_note"], "to": ["assignee", "requester"], "via": "email"}
    ]));
    assert_eq!(
        found(&config),
        [
            r#"error notification_rules[1].to[1]: a requester is never sent an internal note: remove "requester" from to, or internal_note from on"#,
        ]
    );
}

#[test]
fn duplicate_names_are_errors() {
    let config = with_rules(serde_json::json!([
        {"name": "Replies", "on": ["public_reply"], "to": ["requester"], "via": "email"},
        {"name": "Notes", "on": ["internal_note"], "to": ["assignee"], "via": "email"},
        {"name": "Replies", "on": ["public_reply"], "to": ["assignee"], "via": "webhook"},
        {"name": " ", "on": ["opened"], "to": ["assignee"], "via": "email"}
    ]));
    assert_eq!(
        found(&config),
        [
            r#"error notification_rules[2].name: "Replies" is used by another rule"#,
            "error notification_rules[3].name: must not be empty: deliveries name the rule that planned them",
        ]
    );
}

#[test]
fn a_rule_with_nothing_to_fire_on_or_nobody_to_tell_is_an_error_and_repeats_are_warnings() {
    let config = with_rules(serde_json::json!([
        {"name": "idle", "on": [], "to": [], "via": "email"},
        {"name": "echo", "on": ["opened", "resolved", "opened"], "to": ["assignee", {"endpoint": "ops_mail"}, "assignee", {"endpoint": "ops_mail"}], "via": "email"}
    ]));
    assert_eq!(
        found(&config),
        [
            "error notification_rules[0].on: lists no event: the rule never fires",
            "error notification_rules[0].to: names nobody: the rule never sends anything",
            "warning notification_rules[1].on[2]: lists opened twice",
            "warning notification_rules[1].to[2]: names assignee twice",
            r#"warning notification_rules[1].to[3]: names endpoint "ops_mail" twice"#,
        ]
    );
    assert_eq!(
        config.validate().unwrap_err().len(),
        2,
        "warnings do not fail validation"
    );
}

#[test]
fn a_rule_names_a_template_the_configuration_defines() {
    let mut config = with_rules(serde_json::json!([
        {"name": "good", "on": ["opened"], "to": ["assignee"], "via": "email", "template": "new_ticket"},
        {"name": "bad", "on": ["opened"], "to": ["assignee"], "via": "email", "template": "new_tiket"}
    ]));
    config.templates = serde_json::from_value(serde_json::json!({
        "new_ticket": {"en": {"subject": "New: {{ ticket.subject }}", "text": "{{ event.body }}"}}
    }))
    .unwrap();
    assert_eq!(
        found(&config),
        [
            r#"error notification_rules[1].template: unknown template "new_tiket" (did you mean "new_ticket"?)"#,
        ]
    );
}

#[test]
fn templates_need_the_default_locale_language_tags_and_text() {
    let config = config(serde_json::json!({
        "default_locale": "de",
        "agents": {"ana": {"id": "00000000-0000-0000-0000-000000000001", "name": "Ana", "locale": "Deutsch"}},
        "templates": {
            "ack": {
                "en": {"subject": "Thanks", "text": "We are on it."},
                "fr_FR": {"subject": " ", "text": ""}
            },
            "Bad Key": {"de": {"subject": "Danke", "text": "Wir melden uns."}}
        }
    }));
    assert_eq!(
        found(&config),
        [
            r#"error agents.ana.locale: "Deutsch" is not a language tag such as "en" or "de-CH""#,
            r#"error templates.Bad Key: "Bad Key" is not a key: use 1-64 characters of a-z, 0-9 and '_', starting with a letter"#,
            r#"error templates.ack: has no "de" text, the default locale's: every other locale falls back to it"#,
            r#"error templates.ack.fr_FR: "fr_FR" is not a language tag such as "en" or "de-CH""#,
            "error templates.ack.fr_FR.subject: must not be empty",
            "error templates.ack.fr_FR.text: must not be empty: every message has a plain text body",
        ]
    );
}

#[test]
fn endpoints_need_a_key_and_a_target() {
    let config = config(serde_json::json!({
        "endpoints": {
            "Ops": {"via": "email", "target": "ops@example.com"},
            "pager": {"via": "webhook", "target": "  ", "description": "The pager"}
        }
    }));
    assert_eq!(
        found(&config),
        [
            r#"error endpoints.Ops: "Ops" is not a key: use 1-64 characters of a-z, 0-9 and '_', starting with a letter"#,
            "error endpoints.pager.target: must not be empty: say where webhook delivers",
        ]
    );
    assert!(
        config
            .diagnose()
            .iter()
            .all(|d| d.severity == Severity::Error)
    );
}
