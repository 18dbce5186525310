//! Crash safety: a child process executes commands on a SQLite file and
//! prints each acknowledged command id; the parent kills it with SIGKILL at
//! random moments, reopens the file and checks that every acknowledged
//! command is there, nothing is half-applied, and SQLite finds the file
//! intact.
#![allow(clippy::unwrap_used)]

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command as Process, Stdio};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use helpdesk_core::{Actor, ActorId, Command, GroupId, NewTicket, Reach, TenantId, Ticket};
use helpdesk_engine::store::{Filter, Order, TicketQuery, TicketRow};
use helpdesk_engine::{
    CommandId, Desk, ManualClock, NoNotifier, Request, Store, new_comment_id, new_ticket_id,
};
use helpdesk_sqlite::SqliteStore;

mod common;

const CHILD: &str = "HELPDESK_SQLITE_CRASH_CHILD";
const TENANT: TenantId = TenantId::from_u128(0xc7a5);
const GROUP: GroupId = GroupId::from_u128(0x610);
const KILLS: u32 = 24;

/// A small deterministic generator (xorshift64*), so no crate is needed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// The child: executes commands forever from a few concurrent tasks,
/// printing `ack <command id>` once each is acknowledged. Does nothing
/// unless started by `sigkill_keeps_every_acknowledged_command`.
#[test]
fn child_entry() {
    let Ok(path) = std::env::var(CHILD) else {
        return;
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async move {
        let store = SqliteStore::open(&path).unwrap();
        let clock = ManualClock::new(helpdesk_testkit::start());
        let desk = Arc::new(
            Desk::new(helpdesk_testkit::config(), store, NoNotifier, clock)
                .expect("valid configuration"),
        );
        let mut tasks = Vec::new();
        for task in 0..4u64 {
            let desk = desk.clone();
            tasks.push(tokio::spawn(async move {
                let agent = Actor::agent(ActorId::from_u128(0xa2), TENANT, [GROUP]);
                let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ (task + 1));
                let mut mine = Vec::new();
                loop {
                    let (ticket, command) = if mine.is_empty() || rng.below(4) == 0 {
                        let ticket = new_ticket_id();
                        mine.push(ticket);
                        let mut new = NewTicket::new(
                            ActorId::from_u128(0xa1),
                            format!("Crash test {task}"),
                            "The printer jams",
                        );
                        new.group = Some(GROUP);
                        (ticket, Command::Open(new))
                    } else {
                        let ticket = mine[rng.below(mine.len() as u64) as usize];
                        let command = match rng.below(3) {
                            0 => Command::Tag {
                                tag: format!("t{}", rng.below(5)),
                            },
                            1 => Command::Assign { assignee: agent.id },
                            _ => Command::Reply {
                                comment: new_comment_id(),
                                body: format!("reply {}", rng.next()),
                                attachments: Vec::new(),
                            },
                        };
                        (ticket, command)
                    };
                    let request = Request::new(agent.clone(), ticket, command);
                    let id = request.id;
                    if desk.execute(request).await.is_ok() {
                        let mut out = std::io::stdout().lock();
                        writeln!(out, "ack {id}").unwrap();
                        out.flush().unwrap();
                    }
                }
            }));
        }
        // The tasks run until the process is killed.
        for task in tasks {
            let _ = task.await;
        }
    });
}

/// Runs the child until it is killed; returns the command ids it
/// acknowledged.
fn run_child(path: &Path, rng: &mut Rng) -> Vec<CommandId> {
    let mut child = Process::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "child_entry",
            "--nocapture",
            "--test-threads",
            "1",
        ])
        .env(CHILD, path)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (lines, received) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if let Some(id) = line.strip_prefix("ack ") {
                let _ = lines.send(id.parse::<CommandId>().unwrap());
            }
        }
    });
    let mut acked = Vec::new();
    // Mostly kill while commands flow; sometimes also while opening.
    if rng.below(5) != 0 {
        let deadline = Instant::now() + Duration::from_secs(60);
        while acked.is_empty() && Instant::now() < deadline {
            if let Ok(id) = received.recv_timeout(Duration::from_millis(100)) {
                acked.push(id);
            }
        }
        assert!(!acked.is_empty(), "the child acknowledged nothing in 60 s");
    }
    std::thread::sleep(Duration::from_millis(rng.below(300)));
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();
    reader.join().unwrap();
    acked.extend(received.try_iter());
    acked
}

/// Checks the file: acknowledged commands recorded, tickets whole, rows
/// matching their snapshots, SQLite's integrity and foreign key checks
/// clean.
async fn check(path: &Path, acked: &HashSet<CommandId>) -> usize {
    assert_eq!(common::integrity(path), "ok");
    let store = SqliteStore::open(path).unwrap();
    for &id in acked {
        assert!(
            store.command(TENANT, id).await.unwrap().is_some(),
            "acknowledged command {id} is recorded"
        );
    }
    let config = helpdesk_testkit::config();
    let mut query = TicketQuery::new(Filter::default(), Order::UpdatedAt, 1000);
    let mut tickets = 0;
    loop {
        let page = store
            .query(TENANT, &Reach::Tenant, query.clone())
            .await
            .unwrap();
        for row in &page.rows {
            tickets += 1;
            let history = store.history(TENANT, row.id, 1).await.unwrap();
            let versions: Vec<u64> = history.iter().map(|e| e.version).collect();
            assert_eq!(versions, (1..=history.len() as u64).collect::<Vec<_>>());
            let snapshot = store.load(TENANT, row.id).await.unwrap().unwrap();
            assert_eq!(
                snapshot,
                Ticket::replay(row.id, history.iter().map(|e| &e.event)),
                "snapshot of {} is its events",
                row.id
            );
            assert_eq!(row, &TicketRow::of(&snapshot, &config));
            for event in &history {
                let record = store.command(TENANT, event.command).await.unwrap();
                let record = record.unwrap_or_else(|| panic!("event's command recorded"));
                assert!(record.to_version <= snapshot.version());
            }
        }
        match page.next {
            Some(next) => query.after = Some(next),
            None => break,
        }
    }
    tickets
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_keeps_every_acknowledged_command() {
    if std::env::var(CHILD).is_ok() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crash.db");
    let seed = std::env::var("HELPDESK_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_u64);
    let mut rng = Rng(seed | 1);
    let mut acked = HashSet::new();
    for kill in 0..KILLS {
        let new = run_child(&path, &mut rng);
        acked.extend(new.iter().copied());
        let tickets = check(&path, &acked).await;
        eprintln!(
            "kill {kill}: {} acknowledged in this run, {} in all, {tickets} tickets",
            new.len(),
            acked.len()
        );
    }
    assert!(acked.len() > KILLS as usize, "the children did work");
}
