#![allow(missing_docs)] // criterion_group! generates undocumented items
//! Metrics from the event log: the incremental update per committed event,
//! rebuilding every ticket's facts from a SQLite store's feed against
//! reading the same feed without computing anything (the floor), and a
//! report over a quarter grouped by group and week.
//!
//! The desk is generated once (`helpdesk_testkit::generate`: tickets over
//! 13 weeks with replies, resolutions, reopenings, closings, SLA checks)
//! into `target/metrics-bench/desk-<n>.db` and reused while it exists.
//! `HELPDESK_BENCH_TICKETS` sets the number of tickets (20,000 by default).
//! Up to 20,000 tickets, each runs through the desk; a larger desk is the
//! 20,000-ticket desk repeated with fresh ticket ids (its `tickets` rows
//! and `events` copied by SQL, which is all the feed reads), since
//! generating a million tickets through the desk takes some 40 minutes
//! and copying them one or two. `HELPDESK_BENCH_TICKETS=1000000` is the
//! issue's full scale, about 14 million events.
//!
//! The in-memory fold holds the events it applies, so it takes at most the
//! first 2,000,000 events of the feed; the feed benches read every event.
//! The rebuild reads the feed on one thread and folds it on another, a page
//! behind; the floor reads the same pages on one thread and folds nothing.
//! `HELPDESK_BENCH_ONE_PASS=1` also times one pass of each before the
//! samples, for desks too large to sample ten times in a run.

use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use helpdesk_core::metrics::{Dimension, Interval, Metrics, ReportSpec};
use helpdesk_engine::store::Logged;
use helpdesk_engine::{Desk, ManualClock, NoNotifier, Store};
use helpdesk_sqlite::{SqliteOptions, SqliteStore, Synchronous};
use helpdesk_testkit::generate::{Workload, generate, generated_config};

const PAGE: u32 = 20_000;

/// The most tickets generated through the desk; larger desks repeat them.
const GENERATED: usize = 20_000;

/// The most events the in-memory fold holds.
const IN_MEMORY: usize = 2_000_000;

fn tickets() -> usize {
    std::env::var("HELPDESK_BENCH_TICKETS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(20_000)
}

fn workload(tickets: usize) -> Workload {
    let mut workload = Workload::new(tickets);
    workload.days = 91;
    workload
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
}

fn options() -> SqliteOptions {
    SqliteOptions {
        synchronous: Synchronous::Off,
        ..SqliteOptions::default()
    }
}

fn bench_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/metrics-bench");
    std::fs::create_dir_all(&dir).expect("bench directory");
    dir
}

/// The desk's file for `tickets` tickets, made on first use.
fn desk(rt: &tokio::runtime::Runtime, tickets: usize) -> PathBuf {
    if tickets <= GENERATED {
        generated(rt, tickets)
    } else {
        repeated(rt, tickets)
    }
}

/// A desk of `tickets` tickets, each run through the desk.
fn generated(rt: &tokio::runtime::Runtime, tickets: usize) -> PathBuf {
    let dir = bench_dir();
    let path = dir.join(format!("desk-{tickets}.db"));
    if !path.exists() {
        let partial = dir.join(format!("desk-{tickets}.partial.db"));
        let _ = std::fs::remove_file(&partial);
        rt.block_on(async {
            let store = SqliteStore::open_with(&partial, options()).expect("open");
            let w = workload(tickets);
            let clock = ManualClock::new(w.start);
            let desk =
                Desk::new(generated_config(), store, NoNotifier, clock.clone()).expect("desk");
            generate(&desk, &clock, &w).await.expect("generated");
        });
        std::fs::rename(&partial, &path).expect("rename");
    }
    path
}

/// A desk of `tickets` tickets: the generated desk of [`GENERATED`]
/// tickets, its tickets and events copied with fresh ticket ids (copy `k`
/// puts `k` in the ids' first eight bytes) until there are `tickets`.
fn repeated(rt: &tokio::runtime::Runtime, tickets: usize) -> PathBuf {
    let dir = bench_dir();
    let path = dir.join(format!("desk-{tickets}.db"));
    if path.exists() {
        return path;
    }
    let base = generated(rt, GENERATED);
    let partial = dir.join(format!("desk-{tickets}.partial.db"));
    let _ = std::fs::remove_file(&partial);
    std::fs::copy(&base, &partial).expect("copy the generated desk");
    copy_tickets(&partial, tickets);
    std::fs::rename(&partial, &path).expect("rename");
    path
}

/// The columns of `table`, with the expressions `mapped` gives for some.
fn columns(
    conn: &rusqlite::Connection,
    table: &str,
    mapped: &[(&str, String)],
) -> (String, String) {
    let mut stmt = conn
        .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))
        .expect("table info");
    let names: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .expect("columns")
        .map(|n| n.expect("a column"))
        .filter(|n| !(table == "events" && n == "seq"))
        .collect();
    let values = names
        .iter()
        .map(|n| {
            mapped
                .iter()
                .find(|(m, _)| m == n)
                .map_or_else(|| n.clone(), |(_, e)| e.clone())
        })
        .collect::<Vec<_>>()
        .join(", ");
    (names.join(", "), values)
}

fn copy_tickets(path: &Path, tickets: usize) {
    let conn = rusqlite::Connection::open(path).expect("open the copy");
    conn.execute_batch("PRAGMA synchronous = OFF")
        .expect("pragma");
    let (base, rows): (i64, i64) = conn
        .query_row("SELECT max(no), count(*) FROM tickets", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .expect("tickets");
    assert_eq!(base, rows, "the generated desk's tickets are numbered 1..n");
    let copies = tickets.div_ceil(GENERATED);
    for k in 1..copies {
        let take = (tickets - k * GENERATED).min(GENERATED) as i64;
        let shift = k as i64 * base;
        let fresh = |col: &str| format!("unhex(printf('%016x', {k}) || hex(substr({col}, 9)))");
        let (t_cols, t_values) = columns(
            &conn,
            "tickets",
            &[
                ("no", format!("no + {shift}")),
                ("number", format!("number + {shift}")),
                ("id", fresh("id")),
            ],
        );
        let (e_cols, e_values) = columns(
            &conn,
            "events",
            &[("ticket", format!("ticket + {shift}")), ("id", fresh("id"))],
        );
        conn.execute_batch(&format!(
            "BEGIN; \
             INSERT INTO tickets ({t_cols}) SELECT {t_values} FROM tickets WHERE no <= {take}; \
             INSERT INTO events ({e_cols}) SELECT {e_values} FROM events WHERE ticket <= {take} ORDER BY seq; \
             COMMIT;"
        ))
        .expect("copy the tickets");
    }
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
        .expect("checkpoint");
}

/// The first `most` events of the feed, held in memory.
async fn read_log(store: &SqliteStore, most: usize) -> Vec<Logged> {
    let mut all: Vec<Logged> = Vec::new();
    while all.len() < most {
        let page = store
            .feed(all.last().map(|l| l.position), PAGE)
            .await
            .expect("feed");
        if page.is_empty() {
            break;
        }
        all.extend(page);
    }
    all.truncate(most);
    all
}

/// Reads every event of the feed, page by page, computing nothing: the
/// floor. Answers how many there were.
async fn read_feed(store: &SqliteStore) -> u64 {
    let mut after = None;
    let mut events = 0;
    loop {
        let page = store.feed(after, PAGE).await.expect("feed");
        let Some(last) = page.last() else {
            return events;
        };
        after = Some(last.position);
        events += page.len() as u64;
    }
}

/// A fresh projection, counting days in the desk's zone.
fn projection() -> Metrics {
    Metrics::in_zone(generated_config(), chrono_tz::Europe::Berlin)
}

/// Every event of the feed folded into a fresh projection: one thread reads
/// and decodes the pages, this one folds each as it comes, in order.
fn rebuild(store: &SqliteStore) -> Metrics {
    let (pages, folded) = std::sync::mpsc::sync_channel::<Vec<Logged>>(2);
    std::thread::scope(|scope| {
        scope.spawn(move || {
            let rt = runtime();
            let mut after = None;
            loop {
                let page = rt.block_on(store.feed(after, PAGE)).expect("feed");
                let Some(last) = page.last() else {
                    return;
                };
                after = Some(last.position);
                if pages.send(page).is_err() {
                    return;
                }
            }
        });
        let mut metrics = projection();
        for page in folded {
            for l in &page {
                metrics.apply(l.position, l.event.tenant, l.event.ticket, &l.event.event);
            }
        }
        metrics
    })
}

fn bench(c: &mut Criterion) {
    let rt = runtime();
    let tickets = tickets();
    let path = desk(&rt, tickets);
    let store = SqliteStore::open_with(&path, options()).expect("open");
    let events = rt.block_on(read_feed(&store));
    if std::env::var_os("HELPDESK_BENCH_ONE_PASS").is_some() {
        // One pass of each, for desks too large to sample ten times in a
        // run (`-- "metrics report"` skips the feed benches).
        let started = std::time::Instant::now();
        rt.block_on(read_feed(&store));
        let floor = started.elapsed();
        let started = std::time::Instant::now();
        drop(rebuild(&store));
        let rebuilt = started.elapsed();
        eprintln!(
            "one pass over {events} events: floor {floor:.2?}, rebuild {rebuilt:.2?} ({:.2}x)",
            rebuilt.as_secs_f64() / floor.as_secs_f64()
        );
    }
    let log = rt.block_on(read_log(&store, IN_MEMORY));

    let mut group = c.benchmark_group("metrics");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    group.throughput(Throughput::Elements(log.len() as u64));
    group.bench_function(BenchmarkId::new("apply every event", log.len()), |b| {
        b.iter(|| {
            let mut metrics = projection();
            for l in &log {
                metrics.apply(l.position, l.event.tenant, l.event.ticket, &l.event.event);
            }
            metrics
        })
    });
    drop(log);
    group.throughput(Throughput::Elements(events));
    group.bench_function(
        BenchmarkId::new("sqlite feed, read only (floor)", events),
        |b| b.iter(|| rt.block_on(read_feed(&store))),
    );
    group.bench_function(BenchmarkId::new("sqlite feed, rebuild", events), |b| {
        b.iter(|| rebuild(&store))
    });
    group.finish();

    let metrics = rebuild(&store);
    // The quarter from the local midnight of the first day in Berlin.
    let berlin = chrono_tz::Europe::Berlin;
    let first = workload(tickets).start.with_timezone(&berlin).date_naive();
    let midnight = |date: chrono::NaiveDate| {
        date.and_hms_opt(0, 0, 0)
            .and_then(|m| m.and_local_timezone(berlin).earliest())
            .expect("a local midnight")
            .with_timezone(&chrono::Utc)
    };
    let spec = ReportSpec {
        from: midnight(first),
        to: midnight(first + chrono::Days::new(91)),
        tz: berlin,
        by: Some(Dimension::Group),
        every: Some(Interval::Week),
        tenant: None,
    };
    assert_eq!(
        metrics.report(&spec),
        metrics.report_from_facts(&spec),
        "the sums per day answer as every ticket's facts do"
    );
    let mut group = c.benchmark_group("metrics report");
    group.sample_size(20);
    group.bench_function(
        BenchmarkId::new("quarter by group and week", metrics.tickets().len()),
        |b| b.iter(|| metrics.report(&spec).expect("report")),
    );
    group.sample_size(10);
    group.bench_function(
        BenchmarkId::new(
            "quarter by group and week, from every ticket's facts",
            metrics.tickets().len(),
        ),
        |b| b.iter(|| metrics.report_from_facts(&spec).expect("report")),
    );
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
