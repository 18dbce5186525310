//! What `fuzz/fuzz_targets/ingest.rs` promises, checked on the stable
//! toolchain: the mails of our corpus, mutated (bytes flipped, cut short,
//! headers repeated, huge lines inserted), go through `MailChannel::ingest`
//! on a desk on the memory store without a panic, each answered, and
//! answered the same when offered again; the work each takes is bounded by
//! its size. The work is counted, not timed:
//! the allocations and allocated bytes of the whole ingest (parsing,
//! classifying, extracting, deciding, storing), which a pass that went over
//! the mail more often than a bounded number of times would multiply.
#![allow(clippy::unwrap_used)]

mod common;

use std::alloc::System;

use common::manifest::manifest;
use common::memory::{MemoryDesk, memory_desk};
use helpdesk_mail::{Arrival, FsAttachments, MailChannel, NoSenders};
use proptest::prelude::*;
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// Bytes allocated per byte of mail, at most (mutated corpus mails of up
/// to 1.5 MB took at most 15).
const BYTES_PER_BYTE: usize = 64;
/// Allocations per byte of mail, at most.
const ALLOCATIONS_PER_BYTE: usize = 1;
/// What any mail may take besides: the desk's commands, events and
/// projections, and the first mail's compiled patterns (about 0.9 MB and
/// 1,300 allocations).
const FIXED_BYTES: usize = 4 << 20;
const FIXED_ALLOCATIONS: usize = 10_000;
/// The most a repeated header adds to a mail.
const MAX_REPEATED: usize = 512 << 10;

/// One change to a mail, at a position given as a share of its length.
#[derive(Debug, Clone)]
enum Mutation {
    /// One byte replaced.
    Flip { at: f64, byte: u8 },
    /// The mail cut there.
    Truncate { at: f64 },
    /// The header line there written again `times` times after itself.
    RepeatHeader { at: f64, times: usize },
    /// A line of `len` bytes of `fill` inserted at the start of a line.
    HugeLine { at: f64, fill: u8, len: usize },
    /// Bytes that mean something to a MIME parser inserted.
    Insert { at: f64, bytes: Vec<u8> },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let tricky = prop::sample::select(vec![
        b"\r\n".to_vec(),
        b"\r\n\r\n".to_vec(),
        b"=?UTF-8?B?".to_vec(),
        b"=?ISO-2022-JP?B?GyRC".to_vec(),
        b"\x1b$B".to_vec(),
        b"--".to_vec(),
        b"Content-Type: multipart/mixed; boundary=x\r\n".to_vec(),
        b"Content-Type: message/rfc822\r\n\r\n".to_vec(),
        b"Content-Type: multipart/report; report-type=delivery-status; boundary=r\r\n\r\n--r\r\nContent-Type: message/delivery-status\r\n\r\nFinal-Recipient: rfc822; a@b\r\nAction: failed\r\nStatus: 5.1.1\r\n".to_vec(),
        b"In-Reply-To: <".to_vec(),
        b"Auto-Submitted: auto-replied\r\n".to_vec(),
        b"> ".to_vec(),
        b"On Mon, 2 Mar 2026 at 09:05, Acme Support <support@acme.example> wrote:\r\n".to_vec(),
        b"\xff\xfe\x00".to_vec(),
    ]);
    prop_oneof![
        (0.0..1.0f64, any::<u8>()).prop_map(|(at, byte)| Mutation::Flip { at, byte }),
        (0.0..1.0f64).prop_map(|at| Mutation::Truncate { at }),
        (0.0..1.0f64, 1..2_000usize).prop_map(|(at, times)| Mutation::RepeatHeader { at, times }),
        (
            0.0..1.0f64,
            prop::sample::select(b"a >=-.<\xc3\t".to_vec()),
            1_000..300_000usize
        )
            .prop_map(|(at, fill, len)| Mutation::HugeLine { at, fill, len }),
        (0.0..1.0f64, tricky).prop_map(|(at, bytes)| Mutation::Insert { at, bytes }),
    ]
}

/// The line of `raw` that holds byte `at`: its start and its end (past
/// its line break).
fn line_around(raw: &[u8], at: usize) -> (usize, usize) {
    let at = at.min(raw.len());
    let start = raw[..at]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let end = raw[at..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(raw.len(), |i| at + i + 1);
    (start, end)
}

fn apply(mut raw: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for mutation in mutations {
        let position = |at: f64, raw: &[u8]| ((raw.len() as f64) * at) as usize;
        match mutation {
            Mutation::Flip { at, byte } => {
                let at = position(*at, &raw);
                if let Some(slot) = raw.get_mut(at) {
                    *slot = *byte;
                }
            }
            Mutation::Truncate { at } => raw.truncate(position(*at, &raw)),
            Mutation::RepeatHeader { at, times } => {
                let header_end = raw
                    .windows(4)
                    .position(|w| w == b"\r\n\r\n")
                    .or_else(|| raw.windows(2).position(|w| w == b"\n\n"))
                    .unwrap_or(raw.len());
                let (start, end) = line_around(&raw, position(*at, &raw[..header_end]));
                let line = raw[start..end].to_vec();
                let added = (line.len() * times).min(MAX_REPEATED);
                let copies: Vec<u8> = line.iter().copied().cycle().take(added).collect();
                raw.splice(end..end, copies);
            }
            Mutation::HugeLine { at, fill, len } => {
                let (start, _) = line_around(&raw, position(*at, &raw));
                let mut line = vec![*fill; *len];
                line.extend_from_slice(b"\r\n");
                raw.splice(start..start, line);
            }
            Mutation::Insert { at, bytes } => {
                let at = position(*at, &raw).min(raw.len());
                raw.splice(at..at, bytes.iter().copied());
            }
        }
    }
    raw
}

/// A desk of its own on the memory store, with the channel of our corpus.
struct World {
    runtime: tokio::runtime::Runtime,
    desk: MemoryDesk,
    channel: MailChannel<FsAttachments, NoSenders>,
}

fn world(files: &std::path::Path) -> World {
    let (desk, channel) = memory_desk(files, |_| {});
    World {
        runtime: tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap(),
        desk,
        channel,
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 192,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn given_a_mutated_corpus_mail_when_ingested_twice_then_it_is_answered_once_with_work_bounded_by_its_size(
        index in any::<prop::sample::Index>(),
        mutations in prop::collection::vec(mutation(), 1..5),
        authenticated in any::<Option<bool>>(),
    ) {
        // Given a mail of our corpus, mutated, and a desk of its own.
        let mails = manifest();
        let raw = apply(mails[index.index(mails.len())].raw(), &mutations);
        let files = tempfile::tempdir().unwrap();
        let w = world(files.path());
        let arrival = Arrival { authenticated, ..Arrival::default() };

        // When it is ingested, its allocations counted.
        let region = Region::new(GLOBAL);
        let outcome = w.runtime.block_on(w.channel.ingest(&w.desk, &raw, &arrival));
        let work = region.change();

        // Then it is answered (an outcome, never a panic or a refusal the
        // mail could never get past), the same again when offered again,
        // and the work is within the bound.
        prop_assert!(outcome.is_ok(), "{outcome:?}");
        let again = w.runtime.block_on(w.channel.ingest(&w.desk, &raw, &arrival));
        prop_assert!(
            again.as_ref().ok() == outcome.as_ref().ok(),
            "offered again: {again:?}, first: {outcome:?}"
        );
        let bytes_bound = BYTES_PER_BYTE * raw.len() + FIXED_BYTES;
        let allocations_bound = ALLOCATIONS_PER_BYTE * raw.len() + FIXED_ALLOCATIONS;
        prop_assert!(
            work.bytes_allocated <= bytes_bound,
            "{} bytes allocated for a mail of {} bytes (bound {bytes_bound})",
            work.bytes_allocated,
            raw.len()
        );
        prop_assert!(
            work.allocations <= allocations_bound,
            "{} allocations for a mail of {} bytes (bound {allocations_bound})",
            work.allocations,
            raw.len()
        );
    }
}
