//! `Mail::parse` never panics, whatever the bytes: arbitrary bytes, and the
//! mails of our corpus cut, spliced and corrupted. What parses is then
//! classified and read for bounces, which must not panic either.

use proptest::prelude::*;

use crate::{Automation, Bounce, Limits, Mail};

/// The raw mails of our corpus.
fn corpus() -> Vec<Vec<u8>> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/mime");
    let mut mails: Vec<Vec<u8>> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|entry| entry.path().extension().is_some_and(|ext| ext == "eml"))
                .filter_map(|entry| std::fs::read(entry.path()).ok())
                .collect()
        })
        .unwrap_or_default();
    mails.sort();
    mails
}

/// One change to a mail's bytes, at a position given as a share of its
/// length.
#[derive(Debug, Clone)]
enum Mutation {
    Flip { at: f64, byte: u8 },
    Delete { at: f64, len: usize },
    Insert { at: f64, bytes: Vec<u8> },
    Truncate { at: f64 },
    Duplicate { at: f64, len: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let tricky = prop::sample::select(vec![
        b"\r\n".to_vec(),
        b"\n\n".to_vec(),
        b"=?".to_vec(),
        b"?=".to_vec(),
        b"=?UTF-8?B?".to_vec(),
        b"--".to_vec(),
        b"boundary=\"".to_vec(),
        b"Content-Type: multipart/mixed; boundary=x\r\n".to_vec(),
        b"Content-Type: message/rfc822\r\n\r\n".to_vec(),
        b"Content-Type: message/delivery-status\r\n\r\nFinal-Recipient: rfc822;".to_vec(),
        b"\x1b$B".to_vec(),
        b"filename*0*=UTF-8''%".to_vec(),
        b"\xff\xfe\x00".to_vec(),
    ]);
    prop_oneof![
        (0.0..1.0f64, any::<u8>()).prop_map(|(at, byte)| Mutation::Flip { at, byte }),
        (0.0..1.0f64, 1..64usize).prop_map(|(at, len)| Mutation::Delete { at, len }),
        (
            0.0..1.0f64,
            prop_oneof![tricky, prop::collection::vec(any::<u8>(), 1..16)]
        )
            .prop_map(|(at, bytes)| Mutation::Insert { at, bytes }),
        (0.0..1.0f64).prop_map(|at| Mutation::Truncate { at }),
        (0.0..1.0f64, 1..256usize).prop_map(|(at, len)| Mutation::Duplicate { at, len }),
    ]
}

fn apply(mut raw: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for mutation in mutations {
        let position = |at: f64| ((raw.len() as f64) * at) as usize;
        match mutation {
            Mutation::Flip { at, byte } => {
                let at = position(*at);
                if let Some(slot) = raw.get_mut(at) {
                    *slot = *byte;
                }
            }
            Mutation::Delete { at, len } => {
                let at = position(*at).min(raw.len());
                let end = (at + len).min(raw.len());
                raw.drain(at..end);
            }
            Mutation::Insert { at, bytes } => {
                let at = position(*at).min(raw.len());
                raw.splice(at..at, bytes.iter().copied());
            }
            Mutation::Truncate { at } => raw.truncate(position(*at)),
            Mutation::Duplicate { at, len } => {
                let at = position(*at).min(raw.len());
                let end = (at + len).min(raw.len());
                let copy = raw[at..end].to_vec();
                raw.splice(end..end, copy);
            }
        }
    }
    raw
}

/// Parses, classifies and reads a bounce: nothing may panic.
fn read_everything(raw: &[u8]) {
    let limits = Limits {
        max_parts: 50,
        max_attachments: 20,
        ..Limits::default()
    };
    if let Ok(mail) = Mail::parse_with(raw, &limits) {
        let _ = Automation::of(&mail);
        let _ = Bounce::of(&mail);
        let _ = (
            mail.text(),
            mail.html(),
            mail.header("x"),
            mail.attachments()
                .iter()
                .filter(|a| a.type_mismatch())
                .count(),
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 512,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn arbitrary_bytes_never_panic(raw in prop::collection::vec(any::<u8>(), 0..2048)) {
        read_everything(&raw);
    }

    #[test]
    fn arbitrary_bytes_after_a_header_never_panic(body in prop::collection::vec(any::<u8>(), 0..2048)) {
        let mut raw = b"From: a@example.com\r\nContent-Type: multipart/report; boundary=b\r\n\r\n--b\r\n".to_vec();
        raw.extend(body);
        read_everything(&raw);
    }

    #[test]
    fn mutated_corpus_mails_never_panic(
        index in any::<prop::sample::Index>(),
        mutations in prop::collection::vec(mutation(), 1..8),
    ) {
        let mails = corpus();
        prop_assume!(!mails.is_empty());
        let raw = apply(mails[index.index(mails.len())].clone(), &mutations);
        read_everything(&raw);
    }
}

#[test]
fn the_corpus_is_there_to_mutate() {
    assert!(corpus().len() >= 60);
}
#[test]
fn a_nested_message_that_swallows_its_parents_boundary_is_refused_not_a_panic() {
    // Given a forwarded message whose first line is the tail of the
    // enclosing boundary (mail-parser 0.11 trips a debug assertion on it)
    let raw = b"From: a@example.com\r\n\
Content-Type: multipart/mixed; boundary=\"000000gmaildsn\"\r\n\r\n\
--000000gmaildsn\r\n\
Content-Type: message/rfc822\r\n\r\n\
000000gmaildsn\r\n\
Content-Type: message/rfc822\r\n\r\n\
From: b@example.com\r\n\r\n\
Hi\r\n\
--000000gmaildsn--\r\n";

    // When it is parsed
    let parsed = Mail::parse(raw);

    // Then it is a mail or a typed error, never a panic
    if let Err(error) = parsed {
        assert!(
            matches!(error, crate::MailError::Unparseable { .. }),
            "{error}"
        );
    }
}
