#![allow(missing_docs)] // criterion_group! generates undocumented items
//! Attachment stores: 20 KB files (a mail's original) put 64 at once, as
//! the mails in flight of the mail bench put them, into `FsAttachments` (a
//! file each) and `SqliteAttachments` (appended to a pack file indexed by
//! SQLite), every put durable when it answers. Each file is new: its bytes carry a counter.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use helpdesk_mail::{AttachmentStore, FsAttachments, SqliteAttachments};

const AT_ONCE: u64 = 64;
const SIZE: usize = 20_000;

/// `iters` rounds of [`AT_ONCE`] new files put at once into `store`.
fn put_rounds(
    runtime: &tokio::runtime::Runtime,
    store: &impl AttachmentStore,
    next: &AtomicU64,
    iters: u64,
) -> Duration {
    let tenant = uuid::Uuid::from_u128(0xa77);
    let files: Vec<Vec<u8>> = (0..iters * AT_ONCE)
        .map(|_| {
            let n = next.fetch_add(1, Ordering::Relaxed);
            let mut bytes = vec![b'x'; SIZE];
            bytes[..8].copy_from_slice(&n.to_be_bytes());
            bytes
        })
        .collect();
    runtime.block_on(async {
        let start = Instant::now();
        for round in files.chunks(AT_ONCE as usize) {
            let puts = round.iter().map(|bytes| store.put(tenant, bytes));
            for put in futures_util::future::join_all(puts).await {
                put.expect("a put");
            }
        }
        start.elapsed()
    })
}

fn attachments(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let dir = tempfile::tempdir().expect("temporary directory");
    let files = FsAttachments::new(dir.path().join("files"));
    let database = SqliteAttachments::new(dir.path().join("attachments.db"));
    let next = AtomicU64::new(0);
    let mut group = c.benchmark_group("attachments");
    group.throughput(Throughput::Elements(AT_ONCE));
    group.bench_function("put 20 KB, 64 at once/files", |b| {
        b.iter_custom(|iters| put_rounds(&runtime, &files, &next, iters))
    });
    group.bench_function("put 20 KB, 64 at once/database", |b| {
        b.iter_custom(|iters| put_rounds(&runtime, &database, &next, iters))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(5)).sample_size(10);
    targets = attachments
}
criterion_main!(benches);
