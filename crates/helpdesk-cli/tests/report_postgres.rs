//! `helpdesk report` over PostgreSQL: the same commands run on a SQLite
//! file and on a PostgreSQL schema give the same report, in every format.
//!
//! The server is `HELPDESK_TEST_POSTGRES_URL`, by default
//! `host=127.0.0.1 port=5432 user=postgres dbname=test` (trust
//! authentication); each run gets a schema of its own, dropped at the end.
#![allow(clippy::unwrap_used)]

#[path = "../../helpdesk-postgres/tests/common/mod.rs"]
mod common;

use std::path::Path;
use std::process::Command;

use common::{drop_schema, fresh_schema, url};
use helpdesk_engine::{Desk, ManualClock, NoNotifier, Store};
use helpdesk_postgres::{PostgresOptions, PostgresStore};
use helpdesk_sqlite::{SqliteOptions, SqliteStore, Synchronous};
use helpdesk_testkit::generate::{Workload, generate, generated_config};
use serde_json::Value;

/// Runs the generated workload on `store`.
async fn run_workload<S: Store>(store: S, workload: &Workload) {
    let clock = ManualClock::new(workload.start);
    let desk = Desk::new(generated_config(), store, NoNotifier, clock.clone()).unwrap();
    generate(&desk, &clock, workload).await.unwrap();
}

/// The exit status and standard error of `helpdesk` with `args`.
fn refused(args: &[&str]) -> (Option<i32>, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_helpdesk"))
        .args(args)
        .output()
        .unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn helpdesk(args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_helpdesk"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "helpdesk {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// The output of `helpdesk report` with `args` after the source, less what
/// names the source (the JSON's `db`, the text's first line, the HTML's
/// subtitle).
fn report(source: &[&str], args: &[&str]) -> String {
    let out = helpdesk(&[&["report"][..], source, args].concat());
    if args.ends_with(&["json"]) {
        let mut doc: Value = serde_json::from_str(&out).unwrap();
        doc["db"] = Value::Null;
        return doc.to_string();
    }
    out.lines()
        .filter(|line| !line.contains("desk.db") && !line.contains("schema t_"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_report_from_postgresql_equals_the_report_from_sqlite() {
    // Given the same generated desk run on a SQLite file and on a
    // PostgreSQL schema
    let workload = Workload::new(300);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.db");
    let desk_file = dir.path().join("desk.json");
    std::fs::write(
        &desk_file,
        serde_json::to_string(&generated_config()).unwrap(),
    )
    .unwrap();
    let sqlite = SqliteStore::open_with(
        &db,
        SqliteOptions {
            synchronous: Synchronous::Off,
            ..SqliteOptions::default()
        },
    )
    .unwrap();
    run_workload(sqlite, &workload).await;
    let schema = fresh_schema();
    let options = PostgresOptions {
        schema: Some(schema.clone()),
        ..PostgresOptions::default()
    };
    let postgres = PostgresStore::connect(&url(), options)
        .await
        .unwrap_or_else(|e| panic!("the PostgreSQL server at {:?}: {e}", url()));
    run_workload(postgres, &workload).await;

    // When the same reports are asked of both
    let desk = desk_file.to_str().unwrap();
    let url = url();
    let on_sqlite = [db.to_str().unwrap()];
    let on_postgres = ["--postgres", url.as_str(), "--schema", schema.as_str()];
    let periods = [
        ["--from", "2026-03-02", "--to", "2026-04-06"],
        ["--from", "2026-03-09T10:30:00Z", "--to", "2026-03-23"],
    ];
    let shapes: [&[&str]; 4] = [
        &["--by", "group", "--every", "day", "--format", "json"],
        &[
            "--by",
            "tag",
            "--every",
            "week",
            "--tz",
            "Europe/Berlin",
            "--format",
            "json",
        ],
        &["--by", "assignee", "--format", "csv"],
        &["--by", "priority", "--format", "text"],
    ];
    let mut compared = 0;
    for period in &periods {
        for shape in shapes {
            let args = [&["--desk", desk][..], period, shape].concat();
            let from_sqlite = tokio::task::block_in_place(|| report(&on_sqlite, &args));
            let from_postgres = tokio::task::block_in_place(|| report(&on_postgres, &args));

            // Then they are the same, figure for figure
            assert_eq!(from_sqlite, from_postgres, "helpdesk report {args:?}");
            compared += 1;
        }
    }
    let json: Value = serde_json::from_str(&tokio::task::block_in_place(|| {
        report(
            &on_postgres,
            &[&["--desk", desk][..], &periods[0], shapes[0]].concat(),
        )
    }))
    .unwrap();
    assert_eq!(json["tickets"], 300);
    assert!(
        json["report"]["total"]["figures"]["resolved"]
            .as_u64()
            .unwrap()
            > 0
    );
    assert_eq!(compared, 8);
    drop_schema(&schema).await;
}

#[test]
fn a_postgres_url_in_place_of_the_file_is_read_as_postgresql() {
    // Given a postgres:// URL to a server that is not there, with a password
    let url = "postgres://reporter:s3cret@127.0.0.1:1/desk";

    // When it is reported on
    let (code, stderr) = refused(&["report", url, "--from", "2026-03-01", "--to", "2026-04-01"]);

    // Then it was tried as PostgreSQL, and the error hides the password
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("postgres://reporter:***@127.0.0.1:1/desk"),
        "{stderr}"
    );
    assert!(!stderr.contains("s3cret"), "{stderr}");
}

#[test]
fn a_schema_without_postgresql_is_refused_naming_the_option() {
    // Given a SQLite file's name with a PostgreSQL schema
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.db");

    // When it is reported on
    let (code, stderr) = refused(&[
        "report",
        db.to_str().unwrap(),
        "--schema",
        "helpdesk",
        "--from",
        "2026-03-01",
        "--to",
        "2026-04-01",
    ]);

    // Then the option is named, and no file is made
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("--schema \"helpdesk\" names a PostgreSQL schema"),
        "{stderr}"
    );
    assert!(!Path::new(&db).exists(), "nothing was created");
}
