//! Inputs the `ingest` fuzz target (`fuzz/fuzz_targets/ingest.rs`) found,
//! each kept in `tests/fuzz_findings/` once minimized: every one is
//! answered by `MailChannel::ingest` without a panic, the same when offered
//! again.
//!
//! - `rfc822-in-rfc822-without-body.eml`: a `message/rfc822` part whose
//!   body is another `message/rfc822` header and a boundary. mail-parser
//!   0.11 asserts on it in builds with debug assertions; `Mail::parse`
//!   refuses it as inconsistent instead of letting the assertion unwind.
#![allow(clippy::unwrap_used)]

mod common;

use common::memory::memory_desk;
use helpdesk_mail::{Arrival, Ignored, Mail, MailError, Outcome};

fn findings() -> Vec<(String, Vec<u8>)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_findings");
    let mut found: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&path).unwrap())
        })
        .collect();
    found.sort();
    found
}

#[tokio::test]
async fn every_finding_is_answered_without_a_panic_and_the_same_twice() {
    // Given a desk and the channel, and the inputs the fuzzer found.
    let dir = tempfile::tempdir().unwrap();
    let (desk, channel) = memory_desk(dir.path(), |_| {});
    let findings = findings();
    assert!(!findings.is_empty());

    for (name, raw) in findings {
        // When each is offered twice.
        let first = channel.ingest(&desk, &raw, &Arrival::default()).await;
        let again = channel.ingest(&desk, &raw, &Arrival::default()).await;

        // Then it is answered, the same both times.
        let first = first.unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            Ok(&first),
            again.as_ref().map_err(|e| e.to_string()),
            "{name}"
        );
        if cfg!(debug_assertions) && name.starts_with("rfc822-in-rfc822") {
            assert!(
                matches!(first, Outcome::Ignored(Ignored::Malformed { .. })),
                "{first:?}"
            );
        }
    }
}

/// Only where debug assertions are compiled in does mail-parser assert.
#[cfg(debug_assertions)]
#[test]
fn a_structure_the_mime_parser_asserts_on_is_refused_as_inconsistent() {
    // Given the nested message parts mail-parser asserts on.
    let raw = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fuzz_findings/rfc822-in-rfc822-without-body.eml"),
    )
    .unwrap();

    // When it is parsed.
    let parsed = Mail::parse(&raw);

    // Then the mail is refused as inconsistent, and nothing unwinds.
    assert!(
        matches!(
            parsed,
            Err(MailError::Unparseable {
                reason: "its MIME structure is inconsistent"
            })
        ),
        "{parsed:?}"
    );
}
