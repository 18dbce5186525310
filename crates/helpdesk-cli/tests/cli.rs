//! The `helpdesk` binary run against good and broken configurations and
//! tickets: exit statuses and the key lines of its output.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::PathBuf;

use common::Run;

/// Runs `helpdesk` with `args` in the fixtures directory, so file names in
/// the output are as short as the user would type them.
fn helpdesk(args: &[&str]) -> Run {
    common::helpdesk_in(&fixtures(), args)
}

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

const DESK: &str = "../../../../examples/desk.toml";

/// Monday 2026-03-02, 10:00 in Berlin.
const MONDAY_10_BERLIN: &str = "2026-03-02T10:00:00+01:00";

#[test]
fn the_example_desk_checks_ok() {
    let run = helpdesk(&["check", DESK]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, format!("{DESK}: ok\n"));
    assert_eq!(run.stderr, "");
}

#[test]
fn a_broken_desk_reports_every_problem_like_a_compiler() {
    let run = helpdesk(&["check", "broken.toml"]);
    assert_eq!(run.code, 1);
    run.has_lines(&[
        r#"error: unknown metric "resolushun" (did you mean "resolution"?)"#,
        "  --> broken.toml: escalations[1].when.sla_breach",
        "",
    ]);
    run.has_lines(&[
        "error: escalation runs in a cycle: l1 -> l2 -> l1",
        "  --> broken.toml: tiers[0]",
        "",
    ]);
    run.has_lines(&[
        r#"error: unknown group "netwrok" (did you mean "network"?)"#,
        "  --> broken.toml: routing_rules[0].then.group",
        "",
    ]);
    run.has_lines(&[
        r#"warning: can never match: routing_rules[0] ("VPN") matches every ticket this rule matches, and stops"#,
        "  --> broken.toml: routing_rules[1].when",
        "",
    ]);
    assert_eq!(
        run.stdout.lines().last(),
        Some("broken.toml: 3 errors, 1 warning")
    );
}

#[test]
fn broken_notification_rules_are_reported_at_their_paths() {
    let run = helpdesk(&["check", "notifications.toml"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.lines(),
        [
            r#"error: unknown endpoint "ops_caht" (did you mean "ops_chat"?)"#,
            "  --> notifications.toml: notification_rules[0].to[1].endpoint",
            "",
            r#"error: endpoint "ops_mail" takes email (endpoints.ops_mail.via), but the rule sends by webhook"#,
            "  --> notifications.toml: notification_rules[1].to[0].endpoint",
            "",
            r#"error: a requester is never sent an internal note: remove "requester" from to, or internal_note from on"#,
            "  --> notifications.toml: notification_rules[2].to[0]",
            "",
            "notifications.toml: 3 errors",
        ]
    );
}

#[test]
fn broken_templates_are_reported_at_their_paths() {
    let run = helpdesk(&["check", "templates.toml"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.lines(),
        [
            "error: does not parse: unexpected end of input, expected end of block (line 1)",
            "  --> templates.toml: templates.reply.de.text",
            "",
            r#"error: names unknown variable "agent.name": templates may name ticket, event and recipient"#,
            "  --> templates.toml: templates.reply.de.html",
            "",
            r#"error: names unknown variable "ticket.subjct": did you mean "ticket.subject"? ticket has id, number, reference, subject, status, priority, group, assignee, requester"#,
            "  --> templates.toml: templates.reply.en.subject",
            "",
            "templates.toml: 3 errors",
        ]
    );
}

#[test]
fn warnings_alone_do_not_fail_the_check() {
    let run = helpdesk(&["check", "warnings.toml"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.stderr, "");
    assert_eq!(
        run.lines(),
        [
            r#"warning: can never match: routing_rules[0] ("Everything to the service desk") matches every ticket this rule matches, and stops"#,
            "  --> warnings.toml: routing_rules[1].when",
            "",
            r#"warning: duplicates routing_rules[0] ("Everything to the service desk")"#,
            "  --> warnings.toml: routing_rules[2].when",
            "",
            "warnings.toml: 2 warnings",
        ]
    );
}

#[test]
fn a_misspelt_key_gives_its_line_and_exits_2() {
    let run = helpdesk(&["check", "misspelt_key.toml"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    let first = run.stderr.lines().next().unwrap();
    assert_eq!(
        first,
        "error: misspelt_key.toml: TOML parse error at line 9, column 1"
    );
    assert!(
        run.stderr
            .contains("unknown field `whn`, expected one of `name`, `when`, `then`, `stop`"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_toml_syntax_error_gives_its_line_and_column_and_exits_2() {
    let run = helpdesk(&["check", "syntax.toml"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    let first = run.stderr.lines().next().unwrap();
    assert_eq!(
        first,
        "error: syntax.toml: TOML parse error at line 3, column 21"
    );
    assert!(
        run.stderr.contains("invalid basic string"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_json_type_error_gives_its_line_and_column_and_exits_2() {
    let run = helpdesk(&["check", "wrong_type.json"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: wrong_type.json: invalid type: integer `42`, expected a string at line 3 column 77\n"
    );
}

#[test]
fn a_missing_file_or_unknown_extension_exits_2() {
    let run = helpdesk(&["check", "nowhere.toml"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.starts_with("error: nowhere.toml: cannot read: "),
        "{}",
        run.stderr
    );
    let run = helpdesk(&["check", "broken.yaml"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: broken.yaml: unknown file type: name it .toml or .json\n"
    );
}

#[test]
fn check_writes_json_on_request() {
    let run = helpdesk(&["check", "broken.toml", "--format", "json"]);
    assert_eq!(run.code, 1);
    let json = run.json();
    assert_eq!(json["ok"], false);
    assert_eq!(json["errors"], 3);
    assert_eq!(json["warnings"], 1);
    assert_eq!(
        json["diagnostics"][2],
        serde_json::json!({
            "severity": "error",
            "path": "routing_rules[0].then.group",
            "message": "unknown group \"netwrok\" (did you mean \"network\"?)"
        })
    );
}

#[test]
fn explain_routes_a_vpn_ticket_to_network_support() {
    let run = helpdesk(&["explain", DESK, "vpn.json", "--at", MONDAY_10_BERLIN]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "");
    let out = &run.stdout;
    assert!(
        out.starts_with("Ticket  \"VPN drops every hour\"\n"),
        "{out}"
    );
    run.has_lines(&["        opened Mon 2026-03-02 09:00 UTC"]);
    assert!(out.contains("Routing rules (1 of 12 matched)\n"), "{out}");
    run.has_lines(&[
        r#"  [2]   matched  VPN and network to L2 network      text has "vpn": yes"#,
        "  [3]   skipped  Printers to desktop support        not reached: routing_rules[2] matched and stops",
    ]);
    run.has_lines(&[
        "Result",
        "  group     L2 Network Support  by rule [2] VPN and network to L2 network",
        "  tier      L2 Network Support  by rule [2] VPN and network to L2 network",
        "  priority  P3                  impact medium x urgency medium",
        "  tags      network",
        "  assignee  Tom Becker          by rule [2] VPN and network to L2 network",
    ]);
    run.has_lines(&[
        "Assignment: skills in L2 Network Support, requiring vpn",
        "  *  Tom Becker     eligible, 0 open, load 0",
        "     Sofia Alvarez  off shift",
    ]);
    run.has_lines(&[
        "SLA: Standard: Berlin business hours (standard), counted in business hours of berlin",
        "  first_response  4h   warning  75% elapsed        Mon 2026-03-02 12:30 UTC",
        "                       warning  30m before breach  Mon 2026-03-02 13:00 UTC",
        "                       breach                      Mon 2026-03-02 13:30 UTC",
    ]);
    run.has_lines(&[
        "Escalation from L2 Network Support",
        "  Network warning to L3  on the first SLA warning of resolution  Wed 2026-03-04 08:00 UTC  to L3 Specialists, notify managers",
    ]);
}

#[test]
fn explain_shows_an_outage_going_critical_and_every_escalation_of_l1() {
    let run = helpdesk(&["explain", DESK, "outage.json", "--at", MONDAY_10_BERLIN]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.has_lines(&[
        "  priority  P1               by rule [1] Outages are critical",
        "  tags      outage",
    ]);
    run.has_lines(&["SLA: Critical: around the clock (critical), counted in calendar time (24x7)"]);
    run.has_lines(&[
        "Escalation from L1 Service Desk",
        "  L1 resolution breach to desktop  on an SLA breach of resolution  Mon 2026-03-02 13:00 UTC  to L2 Desktop Support, notify managers",
        "  L1 unanswered for 4h             when no agent answers for 4h    Mon 2026-03-02 13:00 UTC  notice only, notify managers",
        "  L1 hand-off to network           by hand                         -                         to L2 Network Support",
    ]);
}

#[test]
fn explain_counts_new_york_tickets_on_new_york_hours() {
    // Friday 16:00 in New York: Ashley is the only L1 agent on shift.
    let run = helpdesk(&["explain", DESK, "nyc.json", "--at", "2026-03-06T21:00:00Z"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.has_lines(&[r#"  field     site = "new_york""#]);
    run.has_lines(&["  *  Ashley Brooks  eligible, 0 open, load 0"]);
    run.has_lines(&[
        "SLA: Americas business hours (americas), counted in business hours of new_york",
    ]);
    run.has_lines(&["                       breach                      Mon 2026-03-09 15:00 UTC"]);
}

#[test]
fn explain_writes_json_on_request() {
    let run = helpdesk(&[
        "explain",
        DESK,
        "vpn.json",
        "--at",
        MONDAY_10_BERLIN,
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json = run.json();
    assert_eq!(json["at"], "2026-03-02T09:00:00Z");
    assert_eq!(json["rules"][2]["matched"], true);
    assert_eq!(json["rules"][3]["matched"], serde_json::Value::Null);
    assert_eq!(
        json["result"]["group"]["value"]["name"],
        "L2 Network Support"
    );
    assert_eq!(json["result"]["group"]["by"], "rule");
    assert_eq!(json["result"]["group"]["index"], 2);
    assert_eq!(json["result"]["assignee"]["value"]["key"], "tom");
    assert_eq!(json["sla"]["policy"]["key"], "standard");
    assert_eq!(json["sla"]["clocks"][0]["metric"], "first_response");
    assert_eq!(json["sla"]["clocks"][0]["due"], "2026-03-02T13:30:00Z");
    assert_eq!(json["escalation"]["rules"][0]["at"], "2026-03-04T08:00:00Z");
}

#[test]
fn explain_refuses_a_desk_with_errors() {
    let run = helpdesk(&["explain", "broken.toml", "vpn.json"]);
    assert_eq!(run.code, 1);
    run.has_lines(&[
        r#"error: unknown group "netwrok" (did you mean "network"?)"#,
        "  --> broken.toml: routing_rules[0].then.group",
    ]);
    run.has_lines(&[
        "broken.toml: 3 errors",
        "the configuration has errors: fix them first (see `helpdesk check`)",
    ]);
}

#[test]
fn explain_reports_a_bad_ticket_with_its_file_and_place() {
    let run = helpdesk(&["explain", DESK, "bad_ticket.json"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: bad_ticket.json: unknown variant `carrier_pigeon`, expected one of `email`, `chat`, `phone`, `portal`, `api` at line 3 column 29\n"
    );
    let run = helpdesk(&["explain", DESK, "empty_subject.json"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: empty_subject.json: subject: must not be empty\n"
    );
}

#[test]
fn explain_refuses_a_ticket_with_a_misspelt_key() {
    let run = helpdesk(&[
        "explain",
        DESK,
        "typo_ticket.json",
        "--at",
        MONDAY_10_BERLIN,
    ]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr
            .starts_with("error: typo_ticket.json: unknown field `descripton`, expected one of "),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.ends_with(" at line 3 column 14\n"),
        "{}",
        run.stderr
    );
}

#[test]
fn explain_rejects_an_instant_that_is_not_rfc_3339() {
    let run = helpdesk(&["explain", DESK, "vpn.json", "--at", "yesterday"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("invalid value 'yesterday' for '--at <INSTANT>'"),
        "{}",
        run.stderr
    );
}

#[test]
fn help_describes_both_commands() {
    let run = helpdesk(&["--help"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("check"), "{}", run.stdout);
    assert!(run.stdout.contains("explain"), "{}", run.stdout);
    let run = helpdesk(&["explain", "--help"]);
    assert!(run.stdout.contains("--at <INSTANT>"), "{}", run.stdout);
    assert!(run.stdout.contains("--format <FORMAT>"), "{}", run.stdout);
}
