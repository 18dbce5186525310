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

use std::path::PathBuf;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use helpdesk_core::metrics::{Dimension, Interval, Metrics, ReportSpec};
use helpdesk_engine::store::Logged;
use helpdesk_engine::{Desk, ManualClock, NoNotifier, Store};
use helpdesk_sqlite::{SqliteOptions, SqliteStore, Synchronous};
use helpdesk_testkit::generate::{Workload, generate, generated_config};

const PAGE: u32 = 20_000;

fn tickets() -> usize {
    std::env::var("HELPDESK_BENCH_TICKETS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(20_000)
}

fn workload() -> Workload {
    let mut workload = Workload::new(tickets());
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

/// The generated desk's file, made on first use.
fn desk(rt: &tokio::runtime::Runtime) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/metrics-bench");
    std::fs::create_dir_all(&dir).expect("bench directory");
    let path = dir.join(format!("desk-{}.db", tickets()));
    if !path.exists() {
        let partial = dir.join(format!("desk-{}.partial.db", tickets()));
        let _ = std::fs::remove_file(&partial);
        rt.block_on(async {
            let store = SqliteStore::open_with(&partial, options()).expect("open");
            let w = workload();
            let clock = ManualClock::new(w.start);
            let desk =
                Desk::new(generated_config(), store, NoNotifier, clock.clone()).expect("desk");
            generate(&desk, &clock, &w).await.expect("generated");
        });
        std::fs::rename(&partial, &path).expect("rename");
    }
    path
}

async fn read_feed(store: &SqliteStore) -> Vec<Logged> {
    let mut all: Vec<Logged> = Vec::new();
    loop {
        let page = store
            .feed(all.last().map(|l| l.position), PAGE)
            .await
            .expect("feed");
        if page.is_empty() {
            return all;
        }
        all.extend(page);
    }
}

async fn rebuild(store: &SqliteStore) -> Metrics {
    let mut metrics = Metrics::new(generated_config());
    loop {
        let page = store.feed(metrics.position(), PAGE).await.expect("feed");
        if page.is_empty() {
            return metrics;
        }
        for l in &page {
            metrics.apply(l.position, l.event.tenant, l.event.ticket, &l.event.event);
        }
    }
}

fn bench(c: &mut Criterion) {
    let rt = runtime();
    let path = desk(&rt);
    let store = SqliteStore::open_with(&path, options()).expect("open");
    let log = rt.block_on(read_feed(&store));
    let events = log.len() as u64;

    let mut group = c.benchmark_group("metrics");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    group.throughput(Throughput::Elements(events));
    group.bench_function(BenchmarkId::new("apply every event", events), |b| {
        b.iter(|| {
            let mut metrics = Metrics::new(generated_config());
            for l in &log {
                metrics.apply(l.position, l.event.tenant, l.event.ticket, &l.event.event);
            }
            metrics
        })
    });
    group.bench_function(
        BenchmarkId::new("sqlite feed, read only (floor)", events),
        |b| b.iter(|| rt.block_on(read_feed(&store))),
    );
    group.bench_function(BenchmarkId::new("sqlite feed, rebuild", events), |b| {
        b.iter(|| rt.block_on(rebuild(&store)))
    });
    group.finish();

    let metrics = rt.block_on(rebuild(&store));
    let w = workload();
    let spec = ReportSpec {
        from: w.start,
        to: w.start + chrono::Duration::days(91),
        tz: chrono_tz::Europe::Berlin,
        by: Some(Dimension::Group),
        every: Some(Interval::Week),
        tenant: None,
    };
    let mut group = c.benchmark_group("metrics report");
    group.sample_size(20);
    group.bench_function(
        BenchmarkId::new("quarter by group and week", metrics.tickets().len()),
        |b| b.iter(|| metrics.report(&spec).expect("report")),
    );
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
