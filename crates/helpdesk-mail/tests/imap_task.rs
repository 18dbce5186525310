//! The IMAP source run in the background (`spawn_imap`) against a real
//! Dovecot: mail handed over as it arrives, each run reported through
//! `tracing`, a server outage survived, and nothing handed over once the
//! task is stopped.
#![allow(clippy::unwrap_used)]

mod imap_server;

use std::fmt::Write;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use helpdesk_mail::{Fetched, Handled, ImapTask, spawn_imap};
use imap_server::{Dovecot, mail, message_id_of};
use tracing::field::Field;
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// Every `tracing` event of the process, as `LEVEL field=value…`.
#[derive(Default)]
struct Reports(Mutex<Vec<String>>);

impl Subscriber for &'static Reports {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }
    fn record(&self, _: &Id, _: &Record<'_>) {}
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut line = event.metadata().level().to_string();
        event.record(&mut |field: &Field, value: &dyn std::fmt::Debug| {
            let _ = write!(line, " {}={value:?}", field.name());
        });
        self.0.lock().unwrap().push(line);
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

/// The reports of the whole test binary, collected from its first call.
fn reports() -> &'static Reports {
    static REPORTS: OnceLock<&'static Reports> = OnceLock::new();
    REPORTS.get_or_init(|| {
        let reports: &'static Reports = Box::leak(Box::default());
        tracing::subscriber::set_global_default(reports).unwrap();
        reports
    })
}

/// The reports so far that mention `text`.
fn reported(text: &str) -> Vec<String> {
    let lines = reports().0.lock().unwrap();
    lines.iter().filter(|l| l.contains(text)).cloned().collect()
}

/// A task on `server` whose handler records each message's Message-ID.
fn spawn(server: &Dovecot, idle: Duration) -> (ImapTask, Arc<Mutex<Vec<String>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let mut options = server.options();
    options.idle = idle;
    options.poll = Duration::from_millis(100);
    options.timeout = Duration::from_secs(5);
    let record = seen.clone();
    let task = spawn_imap(options, move |fetched: Fetched| {
        let record = record.clone();
        async move {
            record.lock().unwrap().push(message_id_of(&fetched.raw));
            Handled::Processed
        }
    });
    (task, seen)
}

/// Waits (at most 30 s) until `seen` holds `count` messages.
async fn until_seen(seen: &Mutex<Vec<String>>, count: usize) -> Vec<String> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let now = seen.lock().unwrap().clone();
        if now.len() >= count || tokio::time::Instant::now() > deadline {
            return now;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_task_hands_mail_over_as_it_arrives_reports_each_run_and_stops_on_its_handle() {
    // Given two mails waiting, and the task started with an IDLE far
    // beyond the test's patience
    reports();
    let server = Dovecot::start(true);
    server.deliver("INBOX", &mail("first@task.example"));
    server.deliver("INBOX", &mail("second@task.example"));
    let (task, seen) = spawn(&server, Duration::from_secs(600));

    // When it runs, and a third mail arrives while it idles
    let waiting = until_seen(&seen, 2).await;
    server.deliver("INBOX", &mail("third@task.example"));
    let all = until_seen(&seen, 3).await;

    // Then each was handed over once, in order, the third woken by IDLE,
    // and filed as processed
    assert_eq!(waiting, ["first@task.example", "second@task.example"]);
    assert_eq!(
        all,
        [
            "first@task.example",
            "second@task.example",
            "third@task.example"
        ]
    );
    assert_eq!(
        server.message_ids("Processed"),
        [
            "<first@task.example>",
            "<second@task.example>",
            "<third@task.example>"
        ]
    );
    // And each run was reported with what it handled
    let handled = reported("IMAP mail handled");
    let port = format!("server=localhost:{}", server.port);
    let processed: usize = handled
        .iter()
        .filter(|l| l.starts_with("INFO") && l.contains(&port))
        .map(|l| {
            let n = l.split("processed=").nth(1).unwrap();
            n.split(' ').next().unwrap().parse::<usize>().unwrap()
        })
        .sum();
    assert_eq!(processed, 3, "{handled:?}");

    // When the task is stopped while it idles, and a fourth mail arrives
    tokio::time::timeout(Duration::from_secs(10), task.stop())
        .await
        .expect("the task stops while idling");
    server.deliver("INBOX", &mail("fourth@task.example"));
    tokio::time::sleep(Duration::from_millis(500)).await;

    // Then nothing more was handed over, and the mail waits in the inbox
    assert_eq!(seen.lock().unwrap().len(), 3);
    assert_eq!(server.message_ids("INBOX"), ["<fourth@task.example>"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_task_reports_a_cut_connection_and_carries_on_after_it() {
    // Given the task running on an empty mailbox, idling a second at a time
    reports();
    let server = Dovecot::start(true);
    let (task, seen) = spawn(&server, Duration::from_secs(1));
    tokio::time::sleep(Duration::from_millis(500)).await;

    // When the server cuts every session, then a mail arrives
    server.kick();
    server.deliver("INBOX", &mail("after-cut@task.example"));

    // Then the task reconnects and hands the mail over once
    assert_eq!(until_seen(&seen, 1).await, ["after-cut@task.example"]);
    assert_eq!(
        server.message_ids("Processed"),
        ["<after-cut@task.example>"]
    );
    // And the failure was reported as a warning naming the server
    let failed = reported("the IMAP source failed");
    let server_name = format!("localhost:{}", server.port);
    assert!(
        failed
            .iter()
            .any(|l| l.starts_with("WARN") && l.contains(&server_name)),
        "{failed:?}"
    );
    task.stop().await;
    assert_eq!(seen.lock().unwrap().len(), 1);
}
