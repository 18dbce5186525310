#![allow(missing_docs)] // criterion_group! generates undocumented items
//! The IMAP source draining a mailbox: 256 small mails waiting in a real
//! Dovecot on this machine (the one the IMAP tests start), polled until
//! none is left, each handed to a handler that takes it at once and moved
//! to the processed folder. What it measures is the source's own work and
//! its round trips to the server, not the desk's.

use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use helpdesk_mail::{Handled, ImapSource};

#[path = "../crates/helpdesk-mail/tests/imap_server/mod.rs"]
mod imap_server;

use imap_server::{Dovecot, mail};

const MAILS: u64 = 256;

fn imap(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let server = Dovecot::start(true);
    for i in 0..MAILS {
        server.deliver("INBOX", &mail(&format!("waiting-{i}@customer.test")));
    }
    let mut source = runtime
        .block_on(ImapSource::connect(server.options()))
        .expect("the source connects");
    let mut group = c.benchmark_group("imap");
    group.throughput(Throughput::Elements(MAILS));
    group.bench_function("drain 256 mails", |b| {
        b.iter_custom(|iters| {
            let mut took = Duration::ZERO;
            for _ in 0..iters {
                // The mails drained last time wait again.
                server.move_all("Processed", "INBOX");
                took += runtime.block_on(async {
                    let start = Instant::now();
                    let mut drained = 0;
                    loop {
                        let report = source
                            .poll(|_| async { Handled::Processed })
                            .await
                            .expect("a poll");
                        if report.processed == 0 {
                            break;
                        }
                        drained += report.processed;
                    }
                    assert_eq!(drained as u64, MAILS);
                    start.elapsed()
                });
            }
            took
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(5)).sample_size(10);
    targets = imap
}
criterion_main!(benches);
