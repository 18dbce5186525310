//! Every `mime` case of the shared mail corpus: the facts its source's own
//! tests assert (subject, sender, body, attachments, bounces, automatic
//! replies), checked against `Mail`, `Automation` and `Bounce`.

mod common;

use common::{Case, Tally, cases};
use helpdesk_mail::{Automation, AutomationKind, Bounce, Mail, Severity};
use serde_json::Value;

/// Cases where the source's expectation and a documented choice of ours
/// disagree: (case id, check, why).
const DISAGREEMENTS: &[(&str, &str, &str)] = &[
    (
        "rt-russian-subject-no-content-type",
        "subject",
        "a raw KOI8-R subject and no declared charset: undeclared 8-bit headers are read as windows-1252, charsets are not guessed",
    ),
    (
        "rt-unsupported-subject-charset",
        "subject",
        "the source expects its own replacement characters for an unknown charset",
    ),
    (
        "zammad-mail001",
        "subject",
        "subjects are trimmed; the source keeps a trailing space",
    ),
    (
        "zammad-mail077",
        "subject",
        "subjects are trimmed; the source keeps a leading space",
    ),
    (
        "zammad-mail093",
        "from_display_name",
        "the encoded word declares ISO-2022-JP but holds Shift_JIS bytes; it is decoded as declared",
    ),
    (
        "zammad-mail033-undelivered-mail-returned-to-sender-notification",
        "attachment_filenames",
        "Zammad names unnamed report parts itself ('Delivery report.txt', '<subject>.eml'); they stay unnamed",
    ),
    (
        "zammad-mail055",
        "attachment_filenames",
        "Zammad names unnamed report parts itself; they stay unnamed",
    ),
    (
        "zammad-mail078",
        "attachment_filenames",
        "Zammad names unnamed report parts itself; and the transcribed file lost its nested closing boundaries",
    ),
    (
        "zammad-mail092",
        "attachment_filenames",
        "Zammad names unnamed report parts itself; they stay unnamed",
    ),
    (
        "zammad-mail052",
        "bounce",
        "the notice names no recipient (its body is 'some test'): a bounce needs a failed recipient; it is still classified DeliveryStatus",
    ),
    (
        "sisimai-lhost-postfix-01",
        "dsn_hardbounce",
        "the diagnostic says 'No such user' under 5.1.1: hard; sisimai's reason is mailererror",
    ),
    (
        "sisimai-lhost-postfix-03",
        "dsn_hardbounce",
        "'550 Unknown user' is hard; sisimai's reason is filtered",
    ),
    (
        "sisimai-lhost-sendmail-02",
        "dsn_hardbounce",
        "'5.2.1 ... User Unknown': the server says the user is unknown, hard; sisimai's reason is filtered",
    ),
    (
        "sisimai-rfc3464-01",
        "dsn_hardbounce",
        "'5.1.1 User Unknown' is hard; sisimai's reason is mailboxfull",
    ),
    (
        "sisimai-lhost-amazonses-02",
        "dsn_hardbounce",
        "'Unknown user' is hard; sisimai's reason is filtered",
    ),
    (
        "sisimai-lhost-amazonses-01",
        "dsn_status",
        "the reported Status 5.1.0 is kept; sisimai reads the remote server's 5.7.1 inside the diagnostic",
    ),
    (
        "sisimai-lhost-amazonses-01",
        "dsn_hardbounce",
        "SES says 'Unknown address error' (5.1.0): hard; sisimai reads the remote's 'Access denied'",
    ),
    (
        "sisimai-lhost-exchange2003-01",
        "dsn_status",
        "5.0.911 is sisimai's own code, not in the mail; the notice states a permanent failure, 5.0.0",
    ),
    (
        "sisimai-lhost-googlegroups-01",
        "dsn_status",
        "5.0.918 is sisimai's own code, not in the mail; the notice states a failure, 5.0.0",
    ),
    (
        "sisimai-lhost-domino-01",
        "dsn_status",
        "5.0.911 is sisimai's own code, not in the mail; 5.0.0",
    ),
    (
        "sisimai-lhost-notes-01",
        "dsn_status",
        "5.0.901 is sisimai's own code, not in the mail; 5.0.0",
    ),
    (
        "sisimai-lhost-v5sendmail-01",
        "dsn_status",
        "4.0.947 is sisimai's own code, not in the mail; the 421 reply gives 4.0.0",
    ),
    (
        "sisimai-lhost-mcafee-01",
        "dsn_status",
        "5.0.911 is sisimai's own code, not in the mail; 5.0.0",
    ),
    (
        "sisimai-lhost-einsundeins-02",
        "dsn_status",
        "5.0.934 is sisimai's own code, not in the mail; 5.0.0",
    ),
    (
        "sisimai-lhost-dragonfly-01",
        "parses",
        "'From: MAILER-DAEMON <>' names no address: a mail without a sender address is refused",
    ),
];

/// The least share of each check's cases that must pass (the
/// disagreements above counted as passed).
const FLOORS: &[(&str, f64)] = &[
    ("parses", 1.0),
    ("subject", 1.0),
    ("from_email", 1.0),
    ("from_display_name", 1.0),
    ("body_contains", 1.0),
    ("attachment_filenames", 1.0),
    ("bounce", 1.0),
    ("bounce_is_delivery_status", 1.0),
    ("dsn_status", 1.0),
    ("dsn_hardbounce", 1.0),
    ("auto_reply", 1.0),
    ("auto_generated", 1.0),
    ("suppress_auto_response", 1.0),
    ("message_id", 1.0),
];

#[test]
fn the_mime_cases_of_the_shared_corpus_pass_their_sources_checks() {
    // Given every mime case of the corpus
    let cases: Vec<Case> = cases()
        .into_iter()
        .filter(|case| case.kind == "mime")
        .collect();
    assert!(
        cases.len() >= 100,
        "expected the corpus's mime cases, found {}",
        cases.len()
    );
    let mut tally = Tally::default();
    let mut disagreed = Vec::new();

    // When each is parsed and classified
    for case in &cases {
        check_case(case, &mut tally, &mut disagreed);
    }

    // Then each check passes on at least its floor of cases
    println!("{}", tally.report());
    println!(
        "{} checks pass only as listed disagreements",
        disagreed.len()
    );
    let stale: Vec<_> = DISAGREEMENTS
        .iter()
        .filter(|(id, check, _)| !disagreed.contains(&(id.to_string(), check.to_string())))
        .collect();
    assert!(
        stale.is_empty(),
        "listed disagreements that no longer disagree: {stale:?}"
    );
    for (check, floor) in FLOORS {
        let (passed, total) = tally.total(check);
        let rate = passed as f64 / total.max(1) as f64;
        assert!(
            rate >= *floor,
            "check {check}: {passed}/{total} passed, below the floor of {floor}"
        );
    }
}

/// Records every check `case` states; a failed check that is a listed
/// disagreement counts as passed and is noted in `disagreed`.
fn check_case(case: &Case, tally: &mut Tally, disagreed: &mut Vec<(String, String)>) {
    let allowed = |check: &str| {
        DISAGREEMENTS
            .iter()
            .any(|(id, c, _)| *id == case.id && *c == check)
    };
    let mut record = |check: &str, passed: bool, detail: String| {
        if !passed && allowed(check) {
            disagreed.push((case.id.clone(), check.to_string()));
        }
        tally.check(case, check, passed || allowed(check), || detail);
    };
    let mail = match Mail::parse(&case.input()) {
        Ok(mail) => mail,
        Err(error) => {
            record("parses", false, error.to_string());
            return;
        }
    };
    record("parses", true, String::new());
    let automation = Automation::of(&mail);
    let bounce = Bounce::of(&mail);

    if let Some(subject) = case.str("expected_subject") {
        record(
            "subject",
            mail.subject().unwrap_or_default() == subject,
            format!("{:?} != {subject:?}", mail.subject()),
        );
    }
    if let Some(email) = case.str("expected_from_email") {
        let passed = mail.from().address() == email.to_lowercase();
        record(
            "from_email",
            passed,
            format!("{:?} != {email:?}", mail.from().address()),
        );
    }
    if let Some(name) = case.str("expected_from_display_name") {
        let passed = mail.from().name().unwrap_or_default() == name;
        record(
            "from_display_name",
            passed,
            format!("{:?} != {name:?}", mail.from().name()),
        );
    }
    let phrases: Vec<&str> = case
        .str("expected_body_contains")
        .into_iter()
        .chain(
            case.json
                .get("expected_body_contains_all")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str),
        )
        .collect();
    if !phrases.is_empty() {
        let body = squeeze(&format!(
            "{}\n{}",
            mail.text(),
            mail.html().unwrap_or_default()
        ));
        let missing: Vec<&&str> = phrases
            .iter()
            .filter(|phrase| !body.contains(&squeeze(phrase)))
            .collect();
        record(
            "body_contains",
            missing.is_empty(),
            format!("missing {missing:?} in {:?}", truncate(mail.text())),
        );
    }
    if let Some(names) = case
        .json
        .get("expected_attachment_filenames")
        .and_then(Value::as_array)
    {
        let ours: Vec<&str> = mail
            .attachments()
            .iter()
            .filter_map(|file| file.file_name())
            .collect();
        let missing: Vec<&str> = names
            .iter()
            .filter_map(Value::as_str)
            .filter(|name| !ours.contains(name))
            .collect();
        record(
            "attachment_filenames",
            missing.is_empty(),
            format!("missing {missing:?}, have {ours:?}"),
        );
    }
    if let Some(expected) = case.flag("bounce") {
        record(
            "bounce",
            bounce.is_some() == expected,
            format!(
                "bounce {:?}, automation {:?}",
                bounce.is_some(),
                automation.kind()
            ),
        );
        if expected {
            let kind = automation.kind();
            record(
                "bounce_is_delivery_status",
                kind == AutomationKind::DeliveryStatus,
                format!("{kind:?}"),
            );
        }
    }
    if let (Some(dsn), Some(bounce)) = (
        case.json.get("expected_dsn").and_then(Value::as_array),
        &bounce,
    ) {
        for (index, expected) in dsn.iter().enumerate() {
            let ours = bounce.recipients().get(index);
            let status = expected
                .get("dsn_status")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if !status.is_empty() {
                let got = ours.and_then(|r| r.status()).map(|s| s.to_string());
                record(
                    "dsn_status",
                    got.as_deref() == Some(status),
                    format!("recipient {index}: {got:?} != {status:?}"),
                );
            }
            if let Some(hard) = expected.get("hardbounce").and_then(Value::as_bool) {
                let got = ours.map(|r| r.severity() == Severity::Hard);
                record(
                    "dsn_hardbounce",
                    got == Some(hard),
                    format!(
                        "recipient {index}: hard {got:?} != {hard}, {:?}",
                        ours.and_then(|r| r.diagnostic()).map(truncate)
                    ),
                );
            }
        }
    }
    if let Some(expected) = case.flag("auto_reply") {
        let got = automation.kind() == AutomationKind::AutoReply;
        record(
            "auto_reply",
            got == expected,
            format!("{:?} ({:?})", automation.kind(), automation.reason()),
        );
    }
    if let Some(expected) = case.flag("auto_generated") {
        record(
            "auto_generated",
            automation.is_automatic() == expected,
            format!("{:?} ({:?})", automation.kind(), automation.reason()),
        );
    }
    if let Some(expected) = case.flag("suppress_auto_response") {
        let got = automation.suppress_auto_response();
        record(
            "suppress_auto_response",
            got == expected,
            format!("{got} ({:?})", automation.suppress_reason()),
        );
    }
    if let Some(id) = case.str("expected_message_id") {
        let expected = id.trim().trim_matches(['<', '>']);
        record(
            "message_id",
            mail.message_id() == Some(expected),
            format!("{:?} != {expected:?}", mail.message_id()),
        );
    }
}

/// Text with every run of whitespace made one space, trimmed.
fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The first 200 characters, for a failure's detail.
fn truncate(text: &str) -> String {
    text.chars().take(200).collect()
}
