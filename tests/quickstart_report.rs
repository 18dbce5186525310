//! The quickstart's day, run on a SQLite file, then its report (the
//! figures `helpdesk report` prints, computed by the metrics projection
//! from the store's feed) compared with the same figures computed by SQL
//! straight from the stored events
//! (`crates/helpdesk-cli/tests/crosscheck`, which says what is compared
//! and what is not).
#![allow(clippy::unwrap_used)]

#[path = "../crates/helpdesk-cli/tests/crosscheck/mod.rs"]
mod crosscheck;
#[allow(dead_code)]
#[path = "../examples/quickstart.rs"]
mod quickstart;

use chrono::{DateTime, Utc};
use helpdesk::metrics::{Dimension, Interval, Metrics, ReportSpec};
use helpdesk::{DeskConfig, SqliteStore, Store};

fn config() -> DeskConfig {
    toml::from_str(include_str!("../examples/desk.toml")).unwrap()
}

async fn project(store: &SqliteStore) -> Metrics {
    let mut metrics = Metrics::new(config());
    loop {
        let page = store.feed(metrics.position(), 1_000).await.unwrap();
        if page.is_empty() {
            return metrics;
        }
        for logged in &page {
            let e = &logged.event;
            metrics.apply(logged.position, e.tenant, e.ticket, &e.event);
        }
    }
}

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

#[tokio::test(flavor = "current_thread")]
async fn the_quickstart_report_matches_sql_over_its_stored_events() {
    // Given the quickstart's day on a SQLite file
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("quickstart.db");
    let store = SqliteStore::open(&db).unwrap();
    quickstart::day(config(), store, "The quickstart's day".into())
        .await
        .unwrap();
    let store = SqliteStore::open(&db).unwrap();
    let metrics = project(&store).await;
    let sql = crosscheck::Desk::open(&db, &config());

    for (from, to, every) in [
        // The two days in Berlin, hour by hour of each day's buckets
        (
            "2026-03-01T23:00:00Z",
            "2026-03-03T23:00:00Z",
            Interval::Day,
        ),
        // The quickstart's own period, from 08:30 for a day
        (
            "2026-03-02T07:30:00Z",
            "2026-03-03T07:30:00Z",
            Interval::Day,
        ),
        // A cut through the working day, while tickets are open
        (
            "2026-03-02T09:00:00Z",
            "2026-03-02T13:00:00Z",
            Interval::Week,
        ),
    ] {
        // When its report is computed, by group, with a series
        let spec = ReportSpec {
            from: at(from),
            to: at(to),
            tz: chrono_tz::Europe::Berlin,
            by: Some(Dimension::Group),
            every: Some(every),
            tenant: None,
        };
        let report = serde_json::to_value(metrics.report(&spec).unwrap()).unwrap();

        // Then every figure is what SQL computes from the events
        sql.check(&report);
    }
    // And the day has what the figures are about
    let spec = ReportSpec::new(at("2026-03-02T00:00:00Z"), at("2026-03-04T00:00:00Z"));
    let figures = metrics.report(&spec).unwrap().total.figures;
    // Five tickets, and with the `mail` feature the one a mail opens.
    let by_mail = u64::from(cfg!(feature = "mail"));
    assert_eq!(figures.created, 5 + by_mail);
    assert!(figures.resolved >= 3, "{figures:?}");
    assert!(figures.escalated.part > 0, "{figures:?}");
    assert!(
        figures.sla.iter().any(|c| c.met.whole > c.met.part),
        "a breach"
    );
}
