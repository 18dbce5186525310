//! The background scheduler on a SQLite desk: a run the store cannot
//! answer is reported, and the next run catches up.

use std::fmt::{Debug, Write};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use helpdesk_core::Change;
use helpdesk_core::sla::Metric;
use helpdesk_engine::{Store, spawn_scheduler};
use helpdesk_sqlite::SqliteStore;
use helpdesk_testkit::Fixture;
use tracing::field::Field;
use tracing::span::{Attributes, Id, Record};
use tracing::{Dispatch, Event, Metadata, Subscriber};

/// Keeps every event as one line: level, target and fields.
#[derive(Clone, Default)]
struct Lines(Arc<Mutex<Vec<String>>>);

impl Lines {
    fn any(&self, wanted: impl Fn(&str) -> bool) -> bool {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .any(|line| wanted(line))
    }
}

impl Subscriber for Lines {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }
    fn record(&self, _: &Id, _: &Record<'_>) {}
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let meta = event.metadata();
        let mut line = format!("{} {}", meta.level(), meta.target());
        event.record(&mut |field: &Field, value: &dyn Debug| {
            let _ = write!(line, " {}={value:?}", field.name());
        });
        self.0.lock().unwrap_or_else(|e| e.into_inner()).push(line);
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

/// Polls `done` every 10 ms for up to 5 s.
async fn eventually(mut done: impl AsyncFnMut() -> bool) -> bool {
    for _ in 0..500 {
        if done().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    false
}

#[tokio::test]
async fn a_failed_run_is_reported_and_the_next_run_catches_up() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("desk.db");
    let f = Fixture::new(SqliteStore::open(&path).unwrap_or_else(|e| panic!("{e}")));
    let id = f.open("Laptop fan loud").await;
    f.advance(chrono::Duration::minutes(31));

    // What is due can no longer be listed: the tickets table is gone.
    let dba = rusqlite::Connection::open(&path).unwrap_or_else(|e| panic!("{e}"));
    dba.busy_timeout(Duration::from_secs(5))
        .unwrap_or_else(|e| panic!("{e}"));
    dba.execute_batch("ALTER TABLE tickets RENAME TO tickets_away")
        .unwrap_or_else(|e| panic!("{e}"));

    // The test's runtime has one thread, so the scheduler's task reports
    // to this thread's subscriber.
    let lines = Lines::default();
    let _reporting = tracing::dispatcher::set_default(&Dispatch::new(lines.clone()));
    let task = spawn_scheduler(f.desk.clone(), Duration::from_millis(10));

    let reported = eventually(async || {
        lines.any(|line| {
            line.starts_with("WARN helpdesk_engine::scheduler")
                && line.contains("the SLA scheduler run failed")
                && line.contains("no such table: tickets")
        })
    })
    .await;
    assert!(reported, "a warning names the failure");

    dba.execute_batch("ALTER TABLE tickets_away RENAME TO tickets")
        .unwrap_or_else(|e| panic!("{e}"));
    let warned = eventually(async || {
        let history = f
            .store()
            .history(f.tenant, id, 1)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        history.iter().any(|e| {
            matches!(
                e.event.change,
                Change::SlaWarned {
                    metric: Metric::FirstResponse,
                    ..
                }
            )
        })
    })
    .await;
    assert!(warned, "the next run recorded the warning it missed");
    let caught_up = eventually(async || {
        lines.any(|line| {
            line.starts_with("DEBUG helpdesk_engine::scheduler") && line.contains("checked=1")
        })
    })
    .await;
    task.abort();
    assert!(caught_up, "the run that caught up is reported too");
}
