//! `helpdesk dead-letters` over a real SQLite file: a tenant's dead
//! letters listed as text and JSON, page by page; one revived and then
//! delivered by a desk's dispatcher; ids of no letter of the tenant
//! (revived already, another tenant's) refused alike.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};

use common::Run;

use helpdesk_core::{Actor, ActorId, Command as DeskCommand, NewTicket, TenantId, TicketId};
use helpdesk_engine::{Desk, ManualClock, Request};
use helpdesk_sqlite::SqliteStore;
use helpdesk_testkit::Outage;
use serde_json::Value;

const TENANT: &str = "00000000-0000-0000-0000-0000000007e1";
const OTHER: &str = "00000000-0000-0000-0000-0000000007e2";

/// A desk's SQLite file in which the opening of two tickets of `TENANT`
/// and one of `OTHER` were refused for good by their endpoint.
struct Given {
    dir: tempfile::TempDir,
    ours: Vec<TicketId>,
    theirs: TicketId,
}

impl Given {
    fn db(&self) -> PathBuf {
        self.dir.path().join("desk.db")
    }

    /// Runs a desk's dispatcher over the file once, now (the command line
    /// revives letters from the time it runs), with the endpoint back;
    /// what it delivered.
    fn dispatch(&self) -> Vec<helpdesk_engine::DeliveryId> {
        runtime().block_on(async {
            let outage = Outage::default();
            let desk = desk(&self.db(), outage.clone());
            desk.run_dispatch(chrono::Utc::now()).await.unwrap();
            outage.taken()
        })
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn desk(db: &Path, outage: Outage) -> Desk<SqliteStore, Outage, ManualClock> {
    let store = SqliteStore::open(db).unwrap();
    let clock = ManualClock::new(helpdesk_testkit::start());
    Desk::new(helpdesk_testkit::config(), store, outage, clock).unwrap()
}

fn given_dead_letters() -> Given {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.db");
    let (ours, theirs) = runtime().block_on(async {
        let desk = desk(&db, Outage::down());
        let mut opened = Vec::new();
        for (tenant, subject) in [
            (TENANT, "Printer jams"),
            (TENANT, "VPN drops"),
            (OTHER, "Theirs"),
        ] {
            let admin = Actor::admin(
                ActorId::from_u128(0xa3),
                tenant.parse::<TenantId>().unwrap(),
            );
            let id = helpdesk_engine::new_ticket_id();
            let open = DeskCommand::Open(NewTicket::new(admin.id, subject, ""));
            desk.execute(Request::new(admin, id, open)).await.unwrap();
            opened.push(id);
        }
        let report = desk.run_dispatch(helpdesk_testkit::start()).await.unwrap();
        assert_eq!(report.dead, 3);
        let theirs = opened.pop().unwrap();
        (opened, theirs)
    });
    Given { dir, ours, theirs }
}

/// Runs `helpdesk dead-letters` with `args` in the file's directory, so
/// its name in the output is as short as the user would type it.
fn dead_letters(given: &Given, args: &[&str]) -> Run {
    common::helpdesk_in(given.dir.path(), &[&["dead-letters"], args].concat())
}

fn tickets(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["ticket"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn lists_the_tenants_dead_letters_as_text() {
    let given = given_dead_letters();
    let run = dead_letters(&given, &["list", "desk.db", "--tenant", TENANT]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines[0],
        format!("desk.db: 2 dead letters of tenant {TENANT}")
    );
    assert!(
        lines[1].split_whitespace().eq([
            "id",
            "event",
            "ticket",
            "channel",
            "recipient",
            "attempts",
            "died",
            "last",
            "error"
        ]),
        "{}",
        lines[1]
    );
    for (line, ticket) in lines[2..].iter().zip(&given.ours) {
        let cells: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(
            cells[1..6],
            [
                "opened",
                &ticket.to_string(),
                "webhook",
                "endpoint:audit",
                "1"
            ],
            "{line}"
        );
        assert!(
            line.ends_with("Mon 2026-03-02 09:00 UTC  HTTP 410 Gone"),
            "{line}"
        );
    }
    assert_eq!(
        lines.len(),
        4,
        "the other tenant's letter is not listed:\n{}",
        run.stdout
    );
}

#[test]
fn lists_as_json_page_by_page() {
    let given = given_dead_letters();
    let first = dead_letters(
        &given,
        &[
            "list", "desk.db", "--tenant", TENANT, "--limit", "1", "--format", "json",
        ],
    );
    assert_eq!(first.code, 0, "{}", first.stderr);
    let first = first.json();
    assert_eq!(first["db"], "desk.db");
    assert_eq!(first["tenant"], TENANT);
    let letter = &first["items"][0];
    assert_eq!(letter["event"], "opened");
    assert_eq!(letter["attempts"], 1);
    assert_eq!(letter["last_error"], "HTTP 410 Gone");
    assert_eq!(letter["died_at"], "2026-03-02T09:00:00Z");
    let next = first["next"].as_str().unwrap();

    let second = dead_letters(
        &given,
        &[
            "list", "desk.db", "--tenant", TENANT, "--limit", "1", "--after", next, "--format",
            "json",
        ],
    )
    .json();
    let both = [tickets(&first), tickets(&second)].concat();
    let ours: Vec<String> = given.ours.iter().map(ToString::to_string).collect();
    assert_eq!(both, ours);
    assert_eq!(second["next"], Value::Null);

    let theirs = dead_letters(
        &given,
        &["list", "desk.db", "--tenant", OTHER, "--format", "json"],
    )
    .json();
    assert_eq!(tickets(&theirs), [given.theirs.to_string()]);
}

#[test]
fn a_revived_letter_is_delivered_on_the_next_dispatch() {
    // Given the tenant's dead letters
    let given = given_dead_letters();
    let listed = dead_letters(
        &given,
        &["list", "desk.db", "--tenant", TENANT, "--format", "json"],
    )
    .json();
    let letter = &listed["items"][0];
    let id = letter["id"].as_u64().unwrap().to_string();

    // When one is revived
    let run = dead_letters(&given, &["revive", &id, "desk.db", "--tenant", TENANT]);

    // Then it is told, and a desk's dispatcher delivers it, and only it
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        format!(
            "desk.db: revived dead letter {id} (opened of ticket {}, webhook to endpoint:audit, 1 attempt so far); the dispatcher sends it on its next run\n",
            given.ours[0]
        )
    );
    let delivered: Vec<String> = given.dispatch().iter().map(ToString::to_string).collect();
    assert_eq!(delivered, [letter["delivery"].as_str().unwrap()]);
    let left = dead_letters(
        &given,
        &["list", "desk.db", "--tenant", TENANT, "--format", "json"],
    )
    .json();
    assert_eq!(tickets(&left), [given.ours[1].to_string()]);
}

#[test]
fn revives_as_json() {
    let given = given_dead_letters();
    let listed = dead_letters(
        &given,
        &["list", "desk.db", "--tenant", TENANT, "--format", "json"],
    )
    .json();
    let id = listed["items"][1]["id"].as_u64().unwrap().to_string();
    let run = dead_letters(
        &given,
        &[
            "revive", &id, "desk.db", "--tenant", TENANT, "--format", "json",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json()["revived"], listed["items"][1]);
}

#[test]
fn an_id_of_no_letter_of_the_tenant_is_refused_alike() {
    // Given a letter of the other tenant, one revived already, and an id
    // nobody has
    let given = given_dead_letters();
    let theirs = dead_letters(
        &given,
        &["list", "desk.db", "--tenant", OTHER, "--format", "json"],
    )
    .json();
    let theirs = theirs["items"][0]["id"].as_u64().unwrap();
    let ours = dead_letters(
        &given,
        &["list", "desk.db", "--tenant", TENANT, "--format", "json"],
    )
    .json();
    let revived = ours["items"][0]["id"].as_u64().unwrap();
    assert_eq!(
        dead_letters(
            &given,
            &[
                "revive",
                &revived.to_string(),
                "desk.db",
                "--tenant",
                TENANT
            ]
        )
        .code,
        0
    );

    // When each is revived for the tenant, then each is refused the same
    // way, and nothing was revived
    for id in [theirs, revived, 9_999] {
        let run = dead_letters(
            &given,
            &["revive", &id.to_string(), "desk.db", "--tenant", TENANT],
        );
        assert_eq!(run.code, 1);
        assert_eq!(run.stdout, "");
        assert_eq!(
            run.stderr,
            format!("error: desk.db: no dead letter {id} to revive in this tenant\n")
        );
    }
    let still = dead_letters(
        &given,
        &["list", "desk.db", "--tenant", OTHER, "--format", "json"],
    )
    .json();
    assert_eq!(tickets(&still), [given.theirs.to_string()]);
}

#[test]
fn a_missing_file_or_a_bad_argument_exits_2() {
    let given = given_dead_letters();
    let missing = dead_letters(&given, &["list", "nothing.db", "--tenant", TENANT]);
    assert_eq!(missing.code, 2);
    assert_eq!(
        missing.stderr,
        "error: nothing.db: no such file; give the SQLite file of a desk\n"
    );
    assert!(
        !given.dir.path().join("nothing.db").exists(),
        "never created"
    );
    let limit = dead_letters(
        &given,
        &["list", "desk.db", "--tenant", TENANT, "--limit", "0"],
    );
    assert_eq!(limit.code, 2);
    assert!(limit.stderr.contains("limit"), "{}", limit.stderr);
    let cursor = dead_letters(
        &given,
        &["list", "desk.db", "--tenant", TENANT, "--after", "v1"],
    );
    assert_eq!(cursor.code, 2);
    assert!(
        cursor.stderr.contains("not a dead letter cursor"),
        "{}",
        cursor.stderr
    );
    let tenant = dead_letters(&given, &["list", "desk.db", "--tenant", "acme"]);
    assert_eq!(tenant.code, 2);
    assert!(
        tenant.stderr.contains("not a tenant id"),
        "{}",
        tenant.stderr
    );
}
