#![allow(missing_docs)] // criterion_group! generates undocumented items
//! Inbound mail per second: a typical 20 KB multipart reply (text and HTML
//! with quoted history), parsed, classified, threaded by its In-Reply-To,
//! its reply extracted, and executed on the SQLite store (a reply, its
//! files and the original attached, its Message-ID remembered), against
//! parsing alone with mail-parser in the same run.
//!
//! `ingest/one at a time` waits for each mail before the next, as one IMAP
//! source does. The others keep a number of mails in flight, each in a
//! task of its own on the runtime's two workers, each one done making room
//! for the next, as several sources (or hosts) do:
//! `ingest/64 in flight, one ticket` all replies to the same ticket, which
//! takes one command per commit, so they queue for its version;
//! `ingest/64 in flight` and `ingest/256 in flight` replies on as many
//! conversations as mails in flight, as when mail arrives from many people,
//! so SQLite's group commit and the attachment store's share each sync.
//!
//! The files (each mail's original) go to `SqliteAttachments` (a pack file
//! and its SQLite index) beside the store; `ingest/64 in flight, files on disk` keeps them in
//! `FsAttachments` instead, a file each.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use futures_util::StreamExt;
use helpdesk_core::{ActorId, DeskConfig, TenantId};
use helpdesk_engine::{Desk, ManualClock, NoNotifier};
use helpdesk_mail::{
    Arrival, AttachmentStore, FsAttachments, InboundConfig, Mail, MailChannel, NoSenders, Outcome,
    Reply, SqliteAttachments,
};
use helpdesk_sqlite::SqliteStore;

const TENANT: TenantId = TenantId::from_u128(0xbe7c);
/// Replies on one ticket before the next mail opens another (a ticket
/// holds at most 1,000 comments).
const REPLIES_PER_TICKET: u64 = 100;
const PASS: &str = "Authentication-Results: mx.example.com; dmarc=pass header.from=customer.test";

/// Reply `id` on conversation `thread`, of about 20 KB: a few new lines
/// over a long quoted thread, as text and as HTML. Only the ids differ
/// between replies, so the rest is written once and copied, keeping the
/// bench's own work out of what it measures.
fn reply(id: u64, thread: u64) -> Vec<u8> {
    static REST: OnceLock<String> = OnceLock::new();
    let rest = REST.get_or_init(|| {
        let history: String = (0..140)
            .map(|i| {
                format!(
                    "> Line {i} of the earlier conversation about the VPN client and its logs.\r\n"
                )
            })
            .collect();
        let html_history: String = (0..110)
            .map(|i| {
                format!(
                    "<p>Line {i} of the earlier conversation about the VPN client and its logs.</p>\r\n"
                )
            })
            .collect();
        format!(
            "Date: Mon, 2 Mar 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\n\
Content-Type: multipart/alternative; boundary=\"alt\"\r\n\r\n\
--alt\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n\
It dropped again at 10:00, right after the update. Log attached below.\r\n\r\nAnn\r\n\r\n\
On Mon, 2 Mar 2026 at 09:30, Support <support@help.example.com> wrote:\r\n{history}\r\n\
--alt\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><body>\
<p>It dropped again at 10:00, right after the update. Log attached below.</p><p>Ann</p>\
<div class=\"gmail_quote\"><div>On Mon, 2 Mar 2026 at 09:30, Support wrote:</div>\
<blockquote>{html_history}</blockquote></div></body></html>\r\n--alt--\r\n"
        )
    });
    let mut raw = format!(
        "From: Ann <ann@customer.test>\r\nTo: support@help.example.com\r\n\
Subject: Re: VPN drops every hour\r\nMessage-ID: <reply-{id}@customer.test>\r\n\
In-Reply-To: <first-{thread}@customer.test>\r\nReferences: <first-{thread}@customer.test>\r\n{PASS}\r\n"
    )
    .into_bytes();
    raw.extend_from_slice(rest.as_bytes());
    raw
}

struct Bench<A> {
    runtime: tokio::runtime::Runtime,
    inbox: Arc<Inbox<A>>,
}

/// The desk and its channel, shared by the tasks that ingest.
struct Inbox<A> {
    desk: Desk<SqliteStore, NoNotifier, ManualClock>,
    channel: MailChannel<A, NoSenders>,
    next: AtomicU64,
    /// How many tickets the replies in flight are spread over.
    tickets: u64,
    _dir: tempfile::TempDir,
}

impl<A: AttachmentStore + 'static> Bench<A> {
    /// Replies spread over `tickets` tickets at a time, their files kept in
    /// what `attachments` makes in the bench's directory.
    fn new(tickets: u64, attachments: impl FnOnce(&std::path::Path) -> A) -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        let store = SqliteStore::open(dir.path().join("desk.db")).expect("SQLite store");
        let clock = ManualClock::new("2026-03-02T09:00:00Z".parse().expect("instant"));
        let desk = Desk::new(DeskConfig::default(), store, NoNotifier, clock).expect("desk");
        let mut config =
            InboundConfig::new(TENANT, ActorId::from_u128(1), "support@help.example.com");
        config.trusted_servers = vec!["mx.example.com".into()];
        let channel = MailChannel::new(config, attachments(dir.path()), NoSenders);
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let inbox = Arc::new(Inbox {
            desk,
            channel,
            next: AtomicU64::new(0),
            tickets,
            _dir: dir,
        });
        runtime.block_on(async {
            inbox.open_round(0).await;
            inbox.open_round(1).await;
        });
        Self { runtime, inbox }
    }

    /// `iters` times `in_flight` mails ingested, `in_flight` of them at any
    /// moment, each in a task of its own (as each source's mail is): each
    /// one done makes room for the next.
    fn in_flight(&self, in_flight: u64, iters: u64) -> Duration {
        self.runtime.block_on(async {
            let start = Instant::now();
            let mails = futures_util::stream::iter(0..iters * in_flight).map(|_| {
                let inbox = self.inbox.clone();
                tokio::spawn(async move { inbox.ingest().await })
            });
            mails
                .buffer_unordered(in_flight as usize)
                .for_each(|done| async move { done.expect("an ingest task") })
                .await;
            start.elapsed()
        })
    }
}

impl<A: AttachmentStore> Inbox<A> {
    /// Ingests the next reply. The replies go round `tickets` tickets, a
    /// hundred each; the mail that starts a round first opens the round
    /// after it (so no reply in flight beside it needs those tickets).
    async fn ingest(&self) {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        let round = self.tickets * REPLIES_PER_TICKET;
        if n > 0 && n % round == 0 {
            self.open_round(n / round + 1).await;
        }
        let thread = (n / round) * self.tickets + n % self.tickets;
        let raw = reply(n, thread);
        let outcome = self
            .channel
            .ingest(&self.desk, &raw, &Arrival::default())
            .await;
        assert!(
            matches!(outcome, Ok(Outcome::Replied { .. })),
            "{outcome:?}"
        );
    }

    async fn open_round(&self, round: u64) {
        let opens = (0..self.tickets).map(|i| self.open(round * self.tickets + i));
        futures_util::future::join_all(opens).await;
    }

    async fn open(&self, thread: u64) {
        let first = format!(
            "From: Ann <ann@customer.test>\r\nTo: support@help.example.com\r\n\
Subject: VPN drops every hour\r\nMessage-ID: <first-{thread}@customer.test>\r\n\r\nSince Monday.\r\n"
        );
        let opened = self
            .channel
            .ingest(&self.desk, first.as_bytes(), &Arrival::default())
            .await;
        assert!(matches!(opened, Ok(Outcome::Opened { .. })), "{opened:?}");
    }
}

fn mail(c: &mut Criterion) {
    let raw = reply(0, 0);
    assert!((18_000..24_000).contains(&raw.len()), "{} bytes", raw.len());
    let mut group = c.benchmark_group("mail");
    group.throughput(Throughput::Elements(1));
    group.bench_function("parse only (mail-parser)", |b| {
        b.iter(|| {
            mail_parser::MessageParser::default()
                .parse(&raw)
                .map(|m| m.parts.len())
        })
    });
    group.bench_function("parse (Mail::parse)", |b| {
        b.iter(|| Mail::parse(&raw).is_ok())
    });
    let text = Mail::parse(&raw)
        .expect("the reply parses")
        .text()
        .to_string();
    group.bench_function("extract (Reply::extract)", |b| {
        b.iter(|| Reply::extract(&text).visible().len())
    });

    // Each bench's desk is made when it first runs, so a filtered run
    // makes only the one it measures.
    let one_ticket = OnceLock::new();
    let one_ticket = || one_ticket.get_or_init(|| Bench::new(1, in_database));
    group.bench_function("ingest/one at a time", |b| {
        let bench = one_ticket();
        b.iter_custom(|iters| {
            bench.runtime.block_on(async {
                let start = Instant::now();
                for _ in 0..iters {
                    bench.inbox.ingest().await;
                }
                start.elapsed()
            })
        })
    });
    group.throughput(Throughput::Elements(64));
    group.bench_function("ingest/64 in flight, one ticket", |b| {
        let bench = one_ticket();
        b.iter_custom(|iters| bench.in_flight(64, iters))
    });
    for n in [64, 256] {
        let bench = OnceLock::new();
        group.throughput(Throughput::Elements(n));
        group.bench_function(format!("ingest/{n} in flight"), |b| {
            let bench = bench.get_or_init(|| Bench::new(n, in_database));
            b.iter_custom(|iters| bench.in_flight(n, iters))
        });
    }
    group.throughput(Throughput::Elements(64));
    let on_disk = OnceLock::new();
    group.bench_function("ingest/64 in flight, files on disk", |b| {
        let bench =
            on_disk.get_or_init(|| Bench::new(64, |dir| FsAttachments::new(dir.join("files"))));
        b.iter_custom(|iters| bench.in_flight(64, iters))
    });
    group.finish();
}

/// The bench's attachments: a SQLite database beside the store.
fn in_database(dir: &std::path::Path) -> SqliteAttachments {
    SqliteAttachments::new(dir.join("attachments.db"))
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(5)).sample_size(10);
    targets = mail
}
criterion_main!(benches);
