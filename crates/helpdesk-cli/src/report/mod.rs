//! `helpdesk report`: the figures of a period over a desk's SQLite file or
//! PostgreSQL database, as text, JSON, CSV or a self-contained HTML page
//! with charts.

mod csv;
mod html;
mod text;

use std::path::PathBuf;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use chrono_tz::Tz;
use clap::ValueEnum;
use helpdesk_core::metrics::{Dimension, Interval, Metrics, Report, ReportSpec, TrendSpec, Trends};
use helpdesk_core::{DeskConfig, TenantId};
use helpdesk_engine::Store;
use serde::Serialize;

use crate::Outcome;
use crate::source::{OnStore, Source};

/// How `helpdesk report` writes its result.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// Aligned text for people.
    #[default]
    Text,
    /// One JSON document: the report and the trends.
    Json,
    /// One row per group and bucket, with a header.
    Csv,
    /// A self-contained HTML page with inline SVG charts.
    Html,
}

/// What the command line asked for.
#[derive(Debug)]
pub struct Args {
    /// Where the desk's events are.
    pub source: Source,
    /// The desk configuration, for calendars and names.
    pub desk: Option<PathBuf>,
    /// The period's start, a date or an instant.
    pub from: String,
    /// The period's end (excluded), a date or an instant.
    pub to: String,
    /// The grouping.
    pub by: Option<Dimension>,
    /// The series interval; by the period's length when absent.
    pub every: Option<Interval>,
    /// The desk's time zone.
    pub tz: Tz,
    /// Only this tenant.
    pub tenant: Option<TenantId>,
    /// The output format.
    pub format: ReportFormat,
}

/// The JSON document, and what every other format renders.
#[derive(Debug, Serialize)]
pub struct Document {
    /// The file or database reported on (without a password).
    pub db: String,
    /// Tickets in the file (of the tenant, when one was given).
    pub tickets: usize,
    /// Events read from the feed.
    pub events: u64,
    /// The figures.
    pub report: Report,
    /// Rising problems in the period's last week.
    pub trends: Trends,
}

/// A date as its local midnight in `tz`, or an RFC 3339 instant.
fn bound(text: &str, tz: Tz, what: &str) -> Result<DateTime<Utc>, String> {
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Ok(at.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map(|date| local_midnight(tz, date))
        .map_err(|_| {
            format!(
                "--{what} {text:?} is neither a date (2026-03-02, midnight in {tz}) nor an RFC 3339 instant (2026-03-02T09:00:00+01:00)"
            )
        })
}

fn local_midnight(tz: Tz, date: NaiveDate) -> DateTime<Utc> {
    use chrono::TimeZone;
    let midnight = date.and_time(chrono::NaiveTime::MIN);
    (0..=3)
        .find_map(|h| {
            tz.from_local_datetime(&(midnight + TimeDelta::hours(h)))
                .earliest()
        })
        .map_or_else(|| midnight.and_utc(), |at| at.with_timezone(&Utc))
}

/// Reads every event of the store's feed into a projection summing days in
/// `tz`; answers it with the number of events read.
pub async fn project<S: Store>(
    store: &S,
    config: DeskConfig,
    tz: Tz,
) -> Result<(Metrics, u64), String> {
    const PAGE: u32 = 20_000;
    let mut metrics = Metrics::in_zone(config, tz);
    let mut events = 0;
    loop {
        let page = store
            .feed(metrics.position(), PAGE)
            .await
            .map_err(|e| format!("reading the event log: {e}"))?;
        if page.is_empty() {
            return Ok((metrics, events));
        }
        events += page.len() as u64;
        for logged in &page {
            let e = &logged.event;
            metrics.apply(logged.position, e.tenant, e.ticket, &e.event);
        }
    }
}

/// The report and trends of `args` over `metrics`, built from `events`
/// events.
pub fn document(metrics: &Metrics, events: u64, args: &Args) -> Result<Document, String> {
    let from = bound(&args.from, args.tz, "from")?;
    let to = bound(&args.to, args.tz, "to")?;
    let every = args.every.unwrap_or(if to - from <= TimeDelta::days(62) {
        Interval::Day
    } else {
        Interval::Week
    });
    let spec = ReportSpec {
        from,
        to,
        tz: args.tz,
        by: args.by,
        every: Some(every),
        tenant: args.tenant,
    };
    let report = metrics.report(&spec).map_err(|e| e.to_string())?;
    let mut trend = TrendSpec::new((to - TimeDelta::weeks(1)).max(from), to, args.tz);
    trend.tenant = args.tenant;
    let trends = metrics.trends(&trend).map_err(|e| e.to_string())?;
    let tickets = metrics
        .tickets()
        .filter(|t| args.tenant.is_none_or(|tenant| t.tenant == tenant))
        .count();
    Ok(Document {
        db: args.source.label(),
        tickets,
        events,
        report,
        trends,
    })
}

/// Runs `helpdesk report`.
pub fn run(args: &Args) -> Outcome {
    let config = match &args.desk {
        Some(path) => match crate::load::config(path) {
            Ok(config) => config,
            Err(e) => return Outcome::unusable(e),
        },
        None => DeskConfig::default(),
    };
    let (metrics, events) = match args.source.run(Project(config, args.tz)) {
        Ok(projected) => projected,
        Err(e) => return Outcome::unusable(e),
    };
    let doc = match document(&metrics, events, args) {
        Ok(doc) => doc,
        Err(e) => return Outcome::unusable(e),
    };
    let out = match args.format {
        ReportFormat::Text => text::render(&doc, args.tz),
        ReportFormat::Json => crate::render::json(&doc),
        ReportFormat::Csv => csv::render(&doc),
        ReportFormat::Html => html::render(&doc, args.tz),
    };
    Outcome::done(out, false)
}

/// Reads a store's feed into a projection under the configuration.
struct Project(DeskConfig, Tz);

impl OnStore for Project {
    type Output = (Metrics, u64);

    async fn on<S: Store>(self, store: S) -> Result<Self::Output, String> {
        project(&store, self.0, self.1).await
    }
}

/// A duration for people: `45s`, `12m`, `3h 05m`, `2d 4h`.
pub fn duration(ms: Option<i64>) -> String {
    let Some(ms) = ms else {
        return "-".to_owned();
    };
    let s = ms / 1000;
    match s {
        s if s < 60 => format!("{s}s"),
        s if s < 3600 => format!("{}m", s / 60),
        s if s < 86_400 => format!("{}h {:02}m", s / 3600, s % 3600 / 60),
        s => format!("{}d {}h", s / 86_400, s % 86_400 / 3600),
    }
}

/// A rate for people: `92.5%`, or `-` without a whole.
pub fn percent(rate: Option<f64>) -> String {
    rate.map_or_else(|| "-".to_owned(), |r| format!("{:.1}%", r * 100.0))
}
