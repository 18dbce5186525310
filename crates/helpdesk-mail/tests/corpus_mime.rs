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

/// Our own corpus: hand-written mails reproducing what clients and MTAs
/// send, with their expectations in `expected.json` beside them.
#[test]
fn every_mail_of_our_corpus_meets_its_expectations() {
    // Given our corpus and its expectations
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/mime");
    let text =
        std::fs::read_to_string(dir.join("expected.json")).expect("expected.json is readable");
    let expected: serde_json::Map<String, Value> =
        serde_json::from_str(&text).expect("expected.json is an object");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .expect("the corpus directory is readable")
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".eml"))
        .collect();
    files.sort();
    assert!(files.len() >= 60, "the corpus holds {} mails", files.len());
    let unexpected: Vec<&String> = files
        .iter()
        .filter(|file| !expected.contains_key(*file))
        .collect();
    let missing: Vec<&String> = expected
        .keys()
        .filter(|file| !files.contains(file))
        .collect();
    assert!(
        unexpected.is_empty() && missing.is_empty(),
        "mails without expectations {unexpected:?}, expectations without mails {missing:?}"
    );

    // When each mail is parsed and classified
    let mut failures = Vec::new();
    for file in &files {
        let raw = std::fs::read(dir.join(file)).expect("the mail is readable");
        for failure in check_expectations(&raw, &expected[file]) {
            failures.push(format!("{file}: {failure}"));
        }
    }

    // Then every expectation holds
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// What of `expected` the mail `raw` does not meet.
fn check_expectations(raw: &[u8], expected: &Value) -> Vec<String> {
    let mut failures = Vec::new();
    let mut check = |what: &str, passed: bool, detail: String| {
        if !passed {
            failures.push(format!("{what}: {detail}"));
        }
    };
    let field = |name: &str| expected.get(name);
    let mail = match (Mail::parse(raw), field("error").and_then(Value::as_str)) {
        (Ok(mail), None) => mail,
        (Err(error), Some(want)) => {
            let got = format!("{error:?}");
            check(
                "error",
                got.starts_with(want),
                format!("{got} is not {want}"),
            );
            return failures;
        }
        (Ok(_), Some(want)) => {
            check("error", false, format!("parsed, expected {want}"));
            return failures;
        }
        (Err(error), None) => {
            check("parse", false, error.to_string());
            return failures;
        }
    };
    let strings = |value: Option<&Value>| -> Vec<String> {
        value
            .and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    };
    let addresses = |mailboxes: &[helpdesk_mail::Mailbox]| -> Vec<String> {
        mailboxes.iter().map(|m| m.address().to_string()).collect()
    };
    if let Some(subject) = field("subject") {
        check(
            "subject",
            mail.subject() == subject.as_str(),
            format!("{:?} != {subject}", mail.subject()),
        );
    }
    for part in strings(field("subject_contains")) {
        check(
            "subject",
            mail.subject().unwrap_or_default().contains(&part),
            format!("{:?} lacks {part:?}", mail.subject()),
        );
    }
    if let Some(email) = field("from_email").and_then(Value::as_str) {
        check(
            "from_email",
            mail.from().address() == email,
            format!("{:?} != {email:?}", mail.from().address()),
        );
    }
    if let Some(name) = field("from_name") {
        check(
            "from_name",
            mail.from().name() == name.as_str(),
            format!("{:?} != {name}", mail.from().name()),
        );
    }
    if let Some(id) = field("message_id") {
        check(
            "message_id",
            mail.message_id() == id.as_str(),
            format!("{:?} != {id}", mail.message_id()),
        );
    }
    for (name, got) in [
        ("in_reply_to", mail.in_reply_to().to_vec()),
        ("references", mail.references().to_vec()),
        ("to", addresses(mail.to())),
        ("cc", addresses(mail.cc())),
        ("reply_to", addresses(mail.reply_to())),
    ] {
        if field(name).is_some() {
            let want = strings(field(name));
            check(name, got == want, format!("{got:?} != {want:?}"));
        }
    }
    if let Some(date) = field("date") {
        let got = mail.date().map(|d| d.to_rfc3339());
        check(
            "date",
            got.as_deref() == date.as_str(),
            format!("{got:?} != {date}"),
        );
    }
    let text = squeeze(mail.text());
    for phrase in strings(field("text_contains")) {
        check(
            "text",
            text.contains(&squeeze(&phrase)),
            format!("lacks {phrase:?} in {text:?}"),
        );
    }
    for phrase in strings(field("text_not_contains")) {
        check("text", !text.contains(&phrase), format!("holds {phrase:?}"));
    }
    if let Some(html) = field("html").and_then(Value::as_bool) {
        check(
            "html",
            mail.html().is_some() == html,
            format!("html {:?}", mail.html().is_some()),
        );
    }
    if let Some(attachments) = field("attachments").and_then(Value::as_array) {
        check_attachments(&mail, attachments, &mut check);
    }
    for (name, value) in field("header")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        check(
            "header",
            mail.header(name) == value.as_str(),
            format!("{name}: {:?} != {value}", mail.header(name)),
        );
    }
    let automation = Automation::of(&mail);
    if let Some(kind) = field("automation").and_then(Value::as_str) {
        let got = format!("{:?}", automation.kind());
        check(
            "automation",
            got == kind,
            format!("{got} != {kind} ({:?})", automation.reason()),
        );
    }
    if let Some(header) = field("reason_header").and_then(Value::as_str) {
        let got = automation.reason().map(|r| r.header());
        check(
            "reason",
            got == Some(header),
            format!("{got:?} != {header}"),
        );
    }
    if let Some(suppress) = field("suppress").and_then(Value::as_bool) {
        check(
            "suppress",
            automation.suppress_auto_response() == suppress,
            format!("{:?}", automation.suppress_reason()),
        );
    }
    if let Some(header) = field("suppress_header").and_then(Value::as_str) {
        let got = automation.suppress_reason().map(|r| r.header());
        check(
            "suppress_reason",
            got == Some(header),
            format!("{got:?} != {header}"),
        );
    }
    if let Some(want) = field("bounce") {
        check_bounce(Bounce::of(&mail).as_ref(), want, &mut check);
    }
    failures
}

/// Checks the attachments against their expectations, in order.
fn check_attachments(mail: &Mail, expected: &[Value], check: &mut impl FnMut(&str, bool, String)) {
    let got = mail.attachments();
    check(
        "attachments",
        got.len() == expected.len(),
        format!("{} attachments, expected {}", got.len(), expected.len()),
    );
    for (file, want) in got.iter().zip(expected) {
        if let Some(name) = want.get("name") {
            check(
                "attachment name",
                file.file_name() == name.as_str(),
                format!("{:?} != {name}", file.file_name()),
            );
        }
        if let Some(kind) = want.get("type").and_then(Value::as_str) {
            check(
                "attachment type",
                file.declared_type() == kind,
                format!("{} != {kind}", file.declared_type()),
            );
        }
        if let Some(kind) = want.get("detected").and_then(Value::as_str) {
            check(
                "attachment detected",
                file.detected_type() == Some(kind),
                format!("{:?} != {kind}", file.detected_type()),
            );
        }
        if let Some(inline) = want.get("inline").and_then(Value::as_bool) {
            check(
                "attachment inline",
                file.is_inline() == inline,
                format!("{:?} inline {}", file.file_name(), file.is_inline()),
            );
        }
        if let Some(id) = want.get("content_id").and_then(Value::as_str) {
            check(
                "attachment content id",
                file.content_id() == Some(id),
                format!("{:?} != {id}", file.content_id()),
            );
        }
        if let Some(size) = want.get("size").and_then(Value::as_u64) {
            check(
                "attachment size",
                file.size() as u64 == size,
                format!("{} != {size}", file.size()),
            );
        }
        if let Some(mismatch) = want.get("mismatch").and_then(Value::as_bool) {
            check(
                "attachment mismatch",
                file.type_mismatch() == mismatch,
                format!("{:?}: {}", file.file_name(), file.type_mismatch()),
            );
        }
        if let Some(text) = want.get("contains").and_then(Value::as_str) {
            let bytes = String::from_utf8_lossy(file.bytes());
            check(
                "attachment bytes",
                bytes.contains(text),
                format!("{:?} lacks {text:?}", file.file_name()),
            );
        }
    }
}

/// Checks a bounce (or its absence, for `null`) against its expectation.
fn check_bounce(bounce: Option<&Bounce>, want: &Value, check: &mut impl FnMut(&str, bool, String)) {
    let Some(bounce) = bounce else {
        check("bounce", want.is_null(), "no bounce".to_string());
        return;
    };
    if want.is_null() {
        check("bounce", false, format!("unexpected bounce {bounce:?}"));
        return;
    }
    if let Some(id) = want.get("original_message_id") {
        check(
            "original id",
            bounce.original_message_id() == id.as_str(),
            format!("{:?} != {id}", bounce.original_message_id()),
        );
    }
    if let Some(hard) = want.get("hard").and_then(Value::as_bool) {
        check(
            "bounce hard",
            bounce.is_hard() == hard,
            format!("{}", bounce.is_hard()),
        );
    }
    let recipients = want
        .get("recipients")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    check(
        "recipients",
        bounce.recipients().len() == recipients.len(),
        format!("{:?}", bounce.recipients()),
    );
    for (got, want) in bounce.recipients().iter().zip(&recipients) {
        let field = |name: &str| want.get(name);
        if let Some(address) = field("address").and_then(Value::as_str) {
            check(
                "recipient",
                got.address() == address,
                format!("{} != {address}", got.address()),
            );
        }
        if let Some(status) = field("status").and_then(Value::as_str) {
            let status_got = got.status().map(|s| s.to_string());
            check(
                "status",
                status_got.as_deref() == Some(status),
                format!("{status_got:?} != {status}"),
            );
        }
        if let Some(code) = field("reply_code").and_then(Value::as_u64) {
            check(
                "reply code",
                got.reply_code().map(u64::from) == Some(code),
                format!("{:?} != {code}", got.reply_code()),
            );
        }
        if let Some(severity) = field("severity").and_then(Value::as_str) {
            let severity_got = format!("{:?}", got.severity());
            check(
                "severity",
                severity_got == severity,
                format!("{} {severity_got} != {severity}", got.address()),
            );
        }
        if let Some(delayed) = field("delayed").and_then(Value::as_bool) {
            check(
                "delayed",
                got.is_delayed() == delayed,
                format!("{}", got.is_delayed()),
            );
        }
        if let Some(text) = field("diagnostic_contains").and_then(Value::as_str) {
            let diagnostic = squeeze(got.diagnostic().unwrap_or_default());
            check(
                "diagnostic",
                diagnostic.contains(text),
                format!("{diagnostic:?} lacks {text:?}"),
            );
        }
    }
}
