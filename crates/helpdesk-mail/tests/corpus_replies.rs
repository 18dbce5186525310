//! Reply extraction judged on the shared mail corpus: every `reply_text`
//! case, and the raw messages whose expectation is a visible text (talon's
//! standard replies), our `visible()` against the text the source asserts.
//!
//! Run with `cargo test -p helpdesk-mail --test corpus_replies -- --nocapture`
//! to see the table of pass rates per source.

mod common;

use std::collections::BTreeMap;

use common::{Case, Tally, cases};
use helpdesk_mail::Reply;
use mail_parser::MessageParser;

/// Cases where the source's expectation and a documented choice of ours
/// (see the `reply` module's documentation) disagree, with the reason.
const DOCUMENTED_CHOICES: &[(&str, &str)] = &[
    (
        "erp-email_1_1",
        "a closing name (\"-Abhishek Kona\") is the person's text and lines keep their trailing \
         spaces; the parser hides the name and drops a space",
    ),
    (
        "ert-embedded_email_7",
        "a `>` block under an attribution is history even with text below it (as talon's \
         reply_wraps_quotations); the trimmer keeps the block",
    ),
    (
        "ert-embedded_email_17",
        "a `>` block under an attribution is history even with text below it (as talon's \
         reply_wraps_quotations); the trimmer keeps the block",
    ),
    (
        "ert-forwarded_gmail",
        "a forwarded message is kept (as talon's dont_parse_quotations_for_forwarded_messages); \
         the trimmer cuts it",
    ),
    (
        "ert-forwarded_message",
        "a forwarded message is kept whole, its header lines included; the trimmer keeps only \
         its body",
    ),
    (
        "talon-std-iphone",
        "a client's tagline is signature; talon's extract_from_plain keeps \"Sent from my iPhone\"",
    ),
    (
        "talon-std-sparrow",
        "the `-- ` delimiter starts the signature; talon's extract_from_plain keeps it, and the \
         trailing space of \"Hello \" goes with our trim",
    ),
    (
        "talon-html-reply-separated-by-hr",
        "the person's text above an `<hr>` is kept; talon also drops the sender's name that \
         shares the `<hr>`'s block",
    ),
];

/// The fewest cases per source and check that must pass: what passes
/// today, so a regression fails.
const FLOORS: &[(&str, &str, usize)] = &[
    ("email_reply_parser", "visible", 9),
    ("email_reply_trimmer", "visible", 60),
    ("talon", "visible", 62),
    ("talon", "visible (mime)", 10),
];

/// The body the source's test hands its parser.
fn input(case: &Case) -> String {
    let body = case.str("body").unwrap_or_default();
    if case.str("input_preprocessing").is_some() {
        // The trimmer's tests strip the file first (Ruby `String#strip`).
        body.trim_matches(|c: char| c.is_ascii_whitespace() || c == '\0')
            .to_string()
    } else {
        body.to_string()
    }
}

/// The first text part of a raw message, decoded: what talon's
/// standard-replies test hands its parser.
fn first_text_part(case: &Case) -> String {
    let raw = case.input();
    let message = MessageParser::default()
        .parse(&raw)
        .unwrap_or_else(|| panic!("{} does not parse", case.id));
    message.body_text(0).unwrap_or_default().into_owned()
}

fn without_whitespace(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Whether our reply meets every expectation the case states, and why not.
fn judge(case: &Case, reply: &Reply) -> Result<(), String> {
    let visible = reply.visible();
    if let Some(expected) = case.str("expected_visible") {
        let same = if case.str("compare") == Some("ignore_all_whitespace") {
            without_whitespace(visible) == without_whitespace(expected)
        } else {
            visible == expected
        };
        if !same {
            return Err(format!("expected {expected:?}, got {visible:?}"));
        }
    }
    if let Some(expected) = case.str("expected_visible_nows") {
        if without_whitespace(visible) != expected {
            return Err(format!(
                "expected {expected:?} (no whitespace), got {visible:?}"
            ));
        }
    }
    if case.flag("expected_visible_nonempty") == Some(true) && visible.is_empty() {
        return Err("expected a non-empty text".into());
    }
    if let Some(words) = case
        .json
        .get("expected_visible_not_contains")
        .and_then(|v| v.as_array())
    {
        for word in words.iter().filter_map(|w| w.as_str()) {
            if visible.contains(word) {
                return Err(format!("{word:?} should not be in {visible:?}"));
            }
        }
    }
    Ok(())
}

#[test]
fn given_the_corpus_reply_bodies_when_extracted_then_the_visible_text_matches_each_source() {
    let mut tally = Tally::default();
    let mut unexpected = Vec::new();
    let mut per_source = BTreeMap::new();
    let cases = cases();
    let replies = cases
        .iter()
        .filter(|case| case.kind == "reply_text" || case.str("expected_visible").is_some());
    for case in replies {
        let reply = if case.kind == "mime" {
            Reply::extract(&first_text_part(case))
        } else if case.str("body_content_type") == Some("text/html") {
            Reply::extract_html(&input(case))
        } else {
            Reply::extract(&input(case))
        };
        let outcome = judge(case, &reply);
        let listed = DOCUMENTED_CHOICES.iter().any(|(id, _)| *id == case.id);
        if let Err(why) = &outcome {
            if !listed {
                unexpected.push(format!("{}: {why}", case.id));
            }
        }
        let check = if case.kind == "mime" {
            "visible (mime)"
        } else {
            "visible"
        };
        let passed = per_source.entry((case.source.clone(), check)).or_insert(0);
        *passed += usize::from(outcome.is_ok());
        tally.check(case, check, outcome.is_ok(), || {
            outcome.clone().err().unwrap_or_default()
        });
    }
    println!("{}", tally.report());
    for (id, reason) in DOCUMENTED_CHOICES {
        println!("  documented choice: {id}: {reason}");
    }
    assert!(
        unexpected.is_empty(),
        "failures not in DOCUMENTED_CHOICES:\n{}",
        unexpected.join("\n")
    );
    for (source, check, floor) in FLOORS {
        let key = (source.to_string(), *check);
        let passed = per_source.get(&key).copied().unwrap_or(0);
        assert!(
            passed >= *floor,
            "{source} {check}: {passed} passed, the floor is {floor}"
        );
    }
}

/// Our own corpus: one body per client and language (`name.txt` or
/// `name.html`), each with the visible text we promise (`name.expected.txt`).
fn own_cases() -> Vec<(String, String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/replies");
    let mut cases = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("tests/corpus/replies is readable") {
        let path = entry.expect("a directory entry").path();
        let name = path
            .file_name()
            .expect("a file name")
            .to_string_lossy()
            .to_string();
        if name.ends_with(".expected.txt") {
            continue;
        }
        let stem = name.rsplit_once('.').expect("a file extension").0;
        let expected = std::fs::read_to_string(dir.join(format!("{stem}.expected.txt")))
            .unwrap_or_else(|_| panic!("{name} has no {stem}.expected.txt"));
        let body = std::fs::read_to_string(&path).expect("a UTF-8 body");
        cases.push((name, body, expected));
    }
    cases.sort();
    cases
}

#[test]
fn given_our_replies_from_each_client_and_language_when_extracted_then_each_shows_its_expected_text()
 {
    let cases = own_cases();
    assert!(cases.len() >= 90, "only {} cases", cases.len());
    let mut failures = Vec::new();
    for (name, body, expected) in &cases {
        let reply = if name.ends_with(".html") {
            Reply::extract_html(body)
        } else {
            Reply::extract(body)
        };
        let expected = expected.strip_suffix('\n').unwrap_or(expected);
        if reply.visible() != expected {
            failures.push(format!(
                "{name}:\n  expected {expected:?}\n  got      {:?}",
                reply.visible()
            ));
        }
    }
    println!(
        "{}/{} of our replies pass",
        cases.len() - failures.len(),
        cases.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// email_reply_parser fixtures whose tests assert only fragments (kept in
/// `partial_cases.jsonl`): how our visible text starts, and a phrase of the
/// hidden history it must not hold. The long and pathological bodies are
/// there to finish at all.
const PARTIAL: &[(&str, &str, &str)] = &[
    ("email_1_4.txt", "Awesome", "Loader"),
    ("email_1_6.txt", "I get", "Was this"),
    ("email_1_7.txt", ":+1:", "Steps 0-2"),
    (
        "email_one_is_not_on.txt",
        "Thank, this is really helpful.",
        "On Oct 1, 2012",
    ),
    ("greedy_on.txt", "On your remote host", "On 9 Jan 2014"),
    ("email_1_2.txt", "Hi,", "riak-users mailing list"),
    (
        "email_long_quote.txt",
        "Hi folks",
        "riak-users mailing list",
    ),
    (
        "pathological.txt",
        "I think you're onto something.",
        "wrote:",
    ),
];

#[test]
fn given_fixtures_asserted_by_fragment_when_extracted_then_the_reply_leads_and_the_history_is_gone()
{
    let dir = common::corpus_dir().join("raw/email_reply_parser");
    for (file, starts, hidden) in PARTIAL {
        let body = std::fs::read(dir.join(file)).unwrap();
        let reply = Reply::extract(&String::from_utf8_lossy(&body));
        assert!(
            reply.visible().starts_with(starts),
            "{file}: {:?}",
            reply.visible()
        );
        assert!(
            !reply.visible().contains(hidden),
            "{file}: {:?}",
            reply.visible()
        );
    }
}

#[test]
fn given_every_plain_text_reply_of_both_corpora_when_extracted_then_no_line_is_lost() {
    let shared = cases()
        .into_iter()
        .filter(|case| case.kind == "reply_text" && case.str("body_content_type").is_none())
        .map(|case| (case.id.clone(), input(&case)));
    let own = own_cases()
        .into_iter()
        .filter(|(name, _, _)| name.ends_with(".txt"))
        .map(|(name, body, _)| (name, body));
    for (name, body) in shared.chain(own) {
        let reply = Reply::extract(&body);
        let parts = [
            reply.visible(),
            reply.quoted(),
            reply.signature().unwrap_or_default(),
        ];
        let kept: std::collections::HashSet<&str> = parts
            .iter()
            .flat_map(|part| part.lines())
            .map(str::trim)
            .collect();
        for line in body.lines().map(str::trim).filter(|line| !is_blank(line)) {
            assert!(kept.contains(line), "{name}: {line:?} is in no part");
        }
    }
}

/// Whether a line shows nothing: whitespace, zero-width characters, or the
/// `ᐧ` read-trackers add, which the reply module counts as blank.
fn is_blank(line: &str) -> bool {
    line.chars().all(|c| {
        c.is_whitespace()
            || matches!(
                c,
                '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{1427}'
            )
    })
}
