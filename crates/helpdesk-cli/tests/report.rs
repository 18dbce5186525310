//! `helpdesk report` over a generated desk of 10,000 tickets in a SQLite
//! file: every format, every figure of the JSON against the same figure
//! computed by SQL straight from the stored events (`crosscheck`), and the
//! HTML page rendered by headless Chromium.
//!
//! The Chromium test needs the `chromium` binary (Debian's `chromium`
//! package; `.ci/run` installs it) and fails, naming the package, without
//! it.
#![allow(clippy::unwrap_used)]

mod crosscheck;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use chrono::Duration;
use helpdesk_engine::{Desk, ManualClock, NoNotifier};
use helpdesk_sqlite::{SqliteOptions, SqliteStore, Synchronous};
use helpdesk_testkit::generate::{Workload, generate, generated_config};
use serde_json::Value;

/// The generated desk: its directory (kept for the whole run), the SQLite
/// file and the configuration file.
struct Generated {
    _dir: tempfile::TempDir,
    db: PathBuf,
    desk: PathBuf,
    workload: Workload,
}

fn generated() -> &'static Generated {
    static DESK: OnceLock<Generated> = OnceLock::new();
    DESK.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("desk.db");
        let desk = dir.path().join("desk.json");
        std::fs::write(&desk, serde_json::to_string(&generated_config()).unwrap()).unwrap();
        let workload = Workload::new(10_000);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let options = SqliteOptions {
                synchronous: Synchronous::Off,
                ..SqliteOptions::default()
            };
            let store = SqliteStore::open_with(&db, options).unwrap();
            let clock = ManualClock::new(workload.start);
            let desk = Desk::new(generated_config(), store, NoNotifier, clock.clone()).unwrap();
            generate(&desk, &clock, &workload).await.unwrap();
        });
        Generated {
            _dir: dir,
            db,
            desk,
            workload,
        }
    })
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn helpdesk(args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_helpdesk"))
        .args(args)
        .output()
        .unwrap();
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// The period reported: the generated four weeks plus a week of closings,
/// and a cut through their middle.
fn periods() -> [(String, String); 2] {
    [
        ("2026-03-02".into(), "2026-04-06".into()),
        ("2026-03-09T10:30:00Z".into(), "2026-03-23T00:00:00Z".into()),
    ]
}

fn report(from: &str, to: &str, extra: &[&str]) -> Value {
    let g = generated();
    let mut args = vec![
        "report",
        g.db.to_str().unwrap(),
        "--desk",
        g.desk.to_str().unwrap(),
        "--from",
        from,
        "--to",
        to,
        "--format",
        "json",
    ];
    args.extend(extra);
    let run = helpdesk(&args);
    assert_eq!(run.code, 0, "report failed: {}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap()
}

fn u(v: &Value) -> i64 {
    v.as_i64().unwrap_or_else(|| panic!("a number, not {v}"))
}

/// The generated desk's file for SQL.
fn sql_desk() -> crosscheck::Desk {
    crosscheck::Desk::open(&generated().db, &generated_config())
}

#[test]
fn every_figure_of_the_json_report_matches_sql_over_the_stored_events() {
    // Given the generated desk's file, its events read by SQL
    let sql = sql_desk();
    for ((from, to), every) in periods().into_iter().zip(["week", "day"]) {
        // When a period is reported by group, with a series
        let doc = report(&from, &to, &["--by", "group", "--every", every]);

        // Then every figure of the period, of each group and of each bucket
        // is what SQL computes from the events
        sql.check(&doc["report"]);
        let f = &doc["report"]["total"]["figures"];
        assert!(
            u(&f["created"]) > 0 && u(&f["resolved"]) > 0 && u(&f["next_response"]["count"]) > 0,
            "the period is not empty: {from} .. {to}"
        );
        assert!(
            f["sla"].as_array().unwrap().len() == 3,
            "every SLA metric is settled in {from} .. {to}"
        );
    }
}

#[test]
fn groups_and_days_add_up_to_the_period() {
    // Given the generated month, reported by group per day in UTC
    let (from, to) = ("2026-03-02", "2026-04-06");
    let doc = report(from, to, &["--by", "group", "--every", "day"]);
    let report = &doc["report"];
    let total = &report["total"];

    // Then there is a bucket per day, and the groups' counts add up to the
    // total (a ticket is in one group)
    assert_eq!(total["series"].as_array().unwrap().len(), 35);
    let groups = report["groups"].as_array().unwrap();
    let keys: Vec<&str> = groups.iter().map(|g| g["key"].as_str().unwrap()).collect();
    assert_eq!(keys, ["network", "service_desk"]);
    let created: i64 = groups.iter().map(|g| u(&g["figures"]["created"])).sum();
    assert_eq!(created, u(&total["figures"]["created"]));
    let daily: i64 = total["series"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| u(&p["figures"]["created"]))
        .sum();
    assert_eq!(daily, created);
}

#[test]
fn the_vpn_storm_of_the_last_week_is_rising_and_clustered() {
    // Given a desk where one ticket in eight of the last week is about the
    // VPN, and none before
    let g = generated();
    let end = g.workload.start + Duration::days(i64::from(g.workload.days));
    let (from, to) = ("2026-03-02".to_owned(), end.to_rfc3339());

    // When the month is reported
    let doc = report(&from, &to, &[]);

    // Then the VPN keyword and tag rise, and the subjects cluster
    let rising = doc["trends"]["rising"].as_array().unwrap();
    assert!(
        rising
            .iter()
            .any(|r| r["dimension"] == "tag" && r["value"] == "vpn"),
        "vpn rises: {rising:?}"
    );
    assert!(
        rising
            .iter()
            .any(|r| r["dimension"] == "keyword" && r["value"] == "vpn")
    );
    let steady = rising.iter().filter(|r| r["value"] == "printer").count();
    assert_eq!(steady, 0, "the steady printer tickets are no alarm");
    let cluster = &doc["trends"]["clusters"][0];
    assert_eq!(cluster["subject"], "VPN drops every hour");
    assert_eq!(u(&cluster["size"]), (g.workload.tickets as i64 + 7) / 8);
    // And the cluster names its tickets by number, oldest first
    let numbers: Vec<i64> = cluster["numbers"]
        .as_array()
        .unwrap()
        .iter()
        .map(u)
        .collect();
    assert_eq!(
        numbers.len() as i64,
        u(&cluster["size"]),
        "every ticket has a number"
    );
    assert!(
        numbers.windows(2).all(|w| w[0] < w[1]),
        "oldest first: {numbers:?}"
    );
}

#[test]
fn text_and_csv_say_the_same_as_json() {
    let g = generated();
    let (from, to) = ("2026-03-02", "2026-04-06");
    let doc = report(from, to, &["--by", "priority", "--every", "week"]);
    let common = [
        "report",
        g.db.to_str().unwrap(),
        "--desk",
        g.desk.to_str().unwrap(),
        "--from",
        from,
        "--to",
        to,
        "--by",
        "priority",
        "--every",
        "week",
        "--format",
    ];
    // CSV: a header, then per group a period row and a row per week
    let csv = helpdesk(&[&common[..], &["csv"]].concat());
    assert_eq!(csv.code, 0, "{}", csv.stderr);
    let lines: Vec<&str> = csv.stdout.lines().collect();
    let groups = doc["report"]["groups"].as_array().unwrap().len();
    let weeks = doc["report"]["total"]["series"].as_array().unwrap().len();
    assert_eq!(weeks, 5);
    assert_eq!(lines.len(), 1 + (1 + groups) * (1 + weeks));
    assert!(lines[0].starts_with("group,from,to,created,resolved,"));
    let created = &doc["report"]["total"]["figures"]["created"];
    assert!(lines[1].starts_with(&format!(
        "all,2026-03-02T00:00:00Z,2026-04-06T00:00:00Z,{created},"
    )));
    // Text: the headline row of every ticket
    let text = helpdesk(&[&common[..], &["text"]].concat());
    assert_eq!(text.code, 0, "{}", text.stderr);
    let all = text.stdout.lines().find(|l| l.starts_with("all ")).unwrap();
    let cells: Vec<&str> = all.split_whitespace().collect();
    assert_eq!(cells[1], created.to_string());
    assert!(text.stdout.contains("SLA compliance: first_response"));
}

#[test]
fn bad_arguments_are_named() {
    let g = generated();
    let db = g.db.to_str().unwrap();
    let run = helpdesk(&["report", db, "--from", "March", "--to", "2026-04-01"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("--from \"March\" is neither a date"),
        "{}",
        run.stderr
    );
    let run = helpdesk(&["report", db, "--from", "2026-04-01", "--to", "2026-03-01"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("is empty"), "{}", run.stderr);
    let run = helpdesk(&[
        "report",
        db,
        "--from",
        "2026-03-01",
        "--to",
        "2026-04-01",
        "--by",
        "grup",
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("did you mean \"group\""),
        "{}",
        run.stderr
    );
    let run = helpdesk(&[
        "report",
        "/nonexistent/desk.db",
        "--from",
        "2026-03-01",
        "--to",
        "2026-04-01",
    ]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no such file"), "{}", run.stderr);
}

/// The value of the attribute `name` of the first element after `from` in
/// `html` that has it.
fn attr<'a>(html: &'a str, from: usize, name: &str) -> Option<&'a str> {
    let key = format!("{name}=\"");
    let start = html[from..].find(&key)? + from + key.len();
    let end = html[start..].find('"')? + start;
    Some(&html[start..end])
}

fn chromium_dump(page: &Path) -> String {
    let profile = tempfile::tempdir().unwrap();
    let output = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            &format!("--user-data-dir={}", profile.path().display()),
            "--dump-dom",
            &format!("file://{}", page.display()),
        ])
        .output()
        .unwrap_or_else(|e| {
            panic!("run chromium ({e}): install Debian's chromium package (apt-get install -y chromium)")
        });
    assert!(
        output.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn the_html_report_renders_in_chromium_with_its_charts_and_the_json_numbers() {
    // Given the month's report as HTML, and as JSON
    let g = generated();
    // The four generated weeks: the last holds the VPN storm.
    let (from, to) = ("2026-03-02", "2026-03-30");
    let doc = report(from, to, &["--by", "group"]);
    let run = helpdesk(&[
        "report",
        g.db.to_str().unwrap(),
        "--desk",
        g.desk.to_str().unwrap(),
        "--from",
        from,
        "--to",
        to,
        "--by",
        "group",
        "--format",
        "html",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("report.html");
    std::fs::write(&page, &run.stdout).unwrap();

    // When headless Chromium loads and runs it
    let dom = chromium_dump(&page);

    // Then its script ran and counted the five charts
    assert!(
        dom.contains("data-rendered-charts=\"5\""),
        "the page ran in the browser: {}",
        &dom[..dom.len().min(400)]
    );
    for chart in [
        "backlog",
        "created-resolved",
        "sla",
        "first-response",
        "rising",
    ] {
        assert!(
            dom.contains(&format!("data-chart=\"{chart}\"")),
            "chart {chart} is drawn"
        );
    }
    // And its headline numbers are the JSON's
    let f = &doc["report"]["total"]["figures"];
    let number = |name: &str| -> String {
        let at = dom
            .find(&format!("data-metric=\"{name}\""))
            .unwrap_or_else(|| panic!("metric {name}"));
        attr(&dom, at, "data-value").unwrap().to_owned()
    };
    assert_eq!(number("created"), f["created"].to_string());
    assert_eq!(number("resolved"), f["resolved"].to_string());
    assert_eq!(number("backlog_end"), f["backlog_end"].to_string());
    assert_eq!(
        number("first_response_median_ms"),
        f["first_response"]["median_ms"].to_string()
    );
    assert_eq!(
        number("first_response_p90_ms"),
        f["first_response"]["p90_ms"].to_string()
    );
    assert_eq!(
        number("full_resolution_median_ms"),
        f["full_resolution"]["median_ms"].to_string()
    );
    let fcr: f64 = number("first_contact_resolution").parse().unwrap();
    // (serde_json's default parser may read the last digit one unit off)
    let json_fcr = f["first_contact_resolution"]["rate"].as_f64().unwrap();
    assert!((fcr - json_fcr).abs() < 1e-12, "{fcr} != {json_fcr}");
    // And the backlog chart has a point per day with the series' values
    let series = doc["report"]["total"]["series"].as_array().unwrap();
    let chart = dom.find("data-chart=\"backlog\"").unwrap();
    let end = dom[chart..].find("</svg>").unwrap() + chart;
    let mut points = Vec::new();
    let mut at = chart;
    while let Some(found) = dom[at..end].find("<circle") {
        at += found + 1;
        points.push(
            attr(&dom, at, "data-value")
                .unwrap()
                .parse::<i64>()
                .unwrap(),
        );
    }
    let expected: Vec<i64> = series
        .iter()
        .map(|p| u(&p["figures"]["backlog_end"]))
        .collect();
    assert_eq!(points, expected);
    // And the rising problems are in the table
    assert!(dom.contains("tag: vpn"));
}
