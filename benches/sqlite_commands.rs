#![allow(missing_docs)] // criterion_group! generates undocumented items
//! Commands per second through `Desk` on the SQLite store (WAL,
//! `synchronous=FULL`), against the physical floor: plain rusqlite inserts
//! of the same rows, in the same durability mode, in transactions of the
//! same size, each committed (and synced) before the next begins.
//!
//! 128 callers by default; `HELPDESK_BENCH_CALLERS=N` (a power of two up
//! to 2,048) runs another number, to see how group commit scales with
//! the commands in flight.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeZone, Utc};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use helpdesk_core::{Actor, ActorId, Command, DeskConfig, GroupId, NewTicket, TenantId, TicketId};
use helpdesk_engine::store::Append;
use helpdesk_engine::{
    Desk, ManualClock, MemoryStore, NoNotifier, Request, Store, new_comment_id, new_ticket_id,
};
use helpdesk_sqlite::{SNAPSHOT_EVERY, SqliteStore};
use helpdesk_testkit::Observed;

const TENANT: TenantId = TenantId::from_u128(0xbe7c);
const GROUP: GroupId = GroupId::from_u128(0x610);
/// Callers executing commands at the same time, unless
/// `HELPDESK_BENCH_CALLERS` says otherwise (a power of two up to
/// `COMMANDS / 4`, so every caller runs whole rounds of four commands).
fn callers() -> usize {
    std::env::var("HELPDESK_BENCH_CALLERS")
        .ok()
        .and_then(|n| n.parse().ok())
        .filter(|n: &usize| n.is_power_of_two() && *n <= COMMANDS / 4)
        .unwrap_or(128)
}
/// Commands per measured iteration.
const COMMANDS: usize = 8192;

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
        .single()
        .expect("valid instant")
}

/// An SLA policy, so every command also moves the SLA due instants.
fn config() -> DeskConfig {
    helpdesk_testkit::queues::config()
}

/// One caller's commands: open a ticket, then reply, tag and reply on it.
async fn caller<S: Store>(desk: &Desk<S, NoNotifier, ManualClock>, caller: usize, commands: usize) {
    let agent = Actor::agent(ActorId::from_u128(0xa2), TENANT, [GROUP]);
    let mut ticket = TicketId::from_u128(0);
    for n in 0..commands {
        let command = match n % 4 {
            0 => {
                ticket = new_ticket_id();
                let mut new = NewTicket::new(
                    ActorId::from_u128(0xa1),
                    format!("Printer {caller}-{n} jams"),
                    "Paper jam on the 3rd floor, tray 2",
                );
                new.group = Some(GROUP);
                Command::Open(new)
            }
            2 => Command::Tag {
                tag: format!("site-{}", caller % 8),
            },
            _ => Command::Reply {
                comment: new_comment_id(),
                body: format!("Looking at it ({n}); please try again in five minutes"),
                attachments: Vec::new(),
            },
        };
        desk.execute(Request::new(agent.clone(), ticket, command))
            .await
            .expect("command executes");
    }
}

/// `COMMANDS` commands from `callers()` concurrent callers.
async fn drive<S: Store + 'static>(desk: Arc<Desk<S, NoNotifier, ManualClock>>) {
    let callers = callers();
    let mut tasks = Vec::with_capacity(callers);
    for c in 0..callers {
        let desk = desk.clone();
        tasks.push(tokio::spawn(async move {
            caller(&desk, c, COMMANDS / callers).await;
        }));
    }
    for task in tasks {
        task.await.expect("caller finishes");
    }
}

fn desk<S: Store>(store: S) -> Arc<Desk<S, NoNotifier, ManualClock>> {
    desk_on(config(), store)
}

fn desk_on<S: Store>(config: DeskConfig, store: S) -> Arc<Desk<S, NoNotifier, ManualClock>> {
    Arc::new(
        Desk::new(config, store, NoNotifier, ManualClock::new(start()))
            .expect("valid configuration"),
    )
}

/// [`config`] with notification rules a desk would have: openings to the
/// group's agents, replies to the requester and the assignee, every event
/// an audit webhook can hear of to it. Each command plans one to three
/// deliveries.
fn config_with_rules() -> DeskConfig {
    let mut config = serde_json::to_value(config()).expect("serializable");
    let rules = serde_json::json!({
        "groups": {"printers": {"id": GROUP.as_uuid(), "name": "Printers"}},
        "agents": {
            "ana": {"id": ActorId::from_u128(0xa2).as_uuid(), "name": "Ana", "email": "ana@example.com", "groups": ["printers"]},
            "ben": {"id": ActorId::from_u128(0xa3).as_uuid(), "name": "Ben", "email": "ben@example.com", "groups": ["printers"]}
        },
        "endpoints": {"audit": {"via": "webhook", "target": "https://audit.example.com/hooks"}},
        "notification_rules": [
            {"name": "openings", "on": ["opened"], "to": ["group_members"], "via": "email"},
            {"name": "replies", "on": ["public_reply", "resolved"], "to": ["requester", "assignee"], "via": "email"},
            {"name": "audit", "on": ["opened", "public_reply", "internal_note", "assigned", "status_changed", "resolved"],
             "to": [{"endpoint": "audit"}], "via": "webhook"}
        ]
    });
    if let (Some(config), Some(rules)) = (config.as_object_mut(), rules.as_object()) {
        config.extend(rules.clone());
    }
    serde_json::from_value(config).expect("valid configuration")
}

fn fresh(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    path
}

/// An id as the store keeps it: its UUID's 16 bytes.
type Key = [u8; 16];

fn key(id: impl Into<uuid::Uuid>) -> Key {
    id.into().into_bytes()
}

/// The rows one append writes, already encoded.
struct Rows {
    tenant: Key,
    command: (Key, Key, i64, i64, Key, [u8; 32]),
    ticket: Option<TicketRows>,
}

struct TicketRows {
    values: Vec<rusqlite::types::Value>,
    /// The update of an existing ticket's row.
    update: Option<String>,
    id: Key,
    tags: Vec<String>,
    next_due: Option<i64>,
    updated_at: i64,
    events: Vec<(i64, Key, Key, i64, &'static str, String)>,
    outbox: Vec<i64>,
    text: Vec<(bool, String)>,
    /// The ticket's JSON form, when the store writes its snapshot.
    snapshot: Option<String>,
    new: bool,
    /// The tag set is the one already stored: only the sort keys move.
    same_tags: bool,
}

fn nanos(t: DateTime<Utc>) -> i64 {
    t.timestamp_nanos_opt().expect("instant in range")
}

macro_rules! json {
    ($value:expr) => {
        serde_json::to_string($value).expect("serializable")
    };
}

/// `a`'s rows; `stored` holds each ticket's stored row, as the store sees it.
fn encode(a: &Append, stored: &mut HashMap<TicketId, Vec<rusqlite::types::Value>>) -> Rows {
    use rusqlite::types::Value::{Blob, Integer, Null, Text};
    let row = &a.row;
    let ticket = (!a.events.is_empty()).then(|| {
        let text = (a.text.public.iter().map(|p| (false, p.clone())))
            .chain(a.text.internal.iter().map(|p| (true, p.clone())))
            .collect();
        let opt = |v: Option<Key>| v.map_or(Null, |k| Blob(k.to_vec()));
        let values: Vec<rusqlite::types::Value> = vec![
            Blob(key(a.tenant).to_vec()),
            Blob(key(a.command.ticket).to_vec()),
            Integer(row.version as i64),
            Text(row.subject.clone()),
            Text(row.status.as_str().to_owned()),
            row.sub_status.clone().map_or(Null, Text),
            Text(row.priority.to_string()),
            opt(row.group.map(key)),
            opt(row.assignee.map(key)),
            Blob(key(row.requester).to_vec()),
            Text(json!(&row.tags)),
            row.next_due.map_or(Null, |d| Integer(nanos(d))),
            Integer(nanos(row.created_at)),
            Integer(nanos(row.updated_at)),
        ];
        let before = stored.insert(a.command.ticket, values.clone());
        // Like the store: an existing ticket's update sets only the indexed
        // columns that changed.
        let update = before.as_ref().map(|old| {
            let mut sql = String::from(
                "UPDATE tickets SET version = ?3, subject = ?4, sub_status = ?6, \
                 priority = ?7, tags = ?11, created_at = ?13",
            );
            for (i, set) in [
                (4, ", status = ?5"),
                (7, ", group_id = ?8"),
                (8, ", assignee = ?9"),
                (9, ", requester = ?10"),
                (11, ", next_due = ?12"),
                (13, ", updated_at = ?14"),
            ] {
                if old[i] != values[i] {
                    sql.push_str(set);
                }
            }
            sql.push_str(" WHERE no = ?15 AND tenant = ?1 AND id = ?2");
            sql
        });
        let same_tags = before.is_some_and(|old| old[10] == values[10]);
        TicketRows {
            values,
            update,
            id: key(a.command.ticket),
            tags: row.tags.clone(),
            next_due: row.next_due.map(nanos),
            updated_at: nanos(row.updated_at),
            events: a
                .events
                .iter()
                .map(|e| {
                    (
                        e.version as i64,
                        key(e.id),
                        key(e.command),
                        nanos(e.event.at),
                        e.event.change.type_name(),
                        json!(&e.event),
                    )
                })
                .collect(),
            outbox: a.outbox.iter().map(|m| m.event.version as i64).collect(),
            text,
            snapshot: {
                let (from, to) = (a.command.from_version, a.command.to_version);
                (from == 0 || from / SNAPSHOT_EVERY != to / SNAPSHOT_EVERY)
                    .then(|| json!(&a.ticket))
            },
            new: a.command.from_version == 0,
            same_tags,
        }
    });
    Rows {
        tenant: key(a.tenant),
        command: (
            key(a.command.command),
            key(a.command.ticket),
            a.command.from_version as i64,
            a.command.to_version as i64,
            key(a.command.actor),
            a.command.fingerprint.0,
        ),
        ticket,
    }
}

/// The floor: the same rows, inserted with plain prepared statements, one
/// transaction per `callers()` appends, WAL and `synchronous=FULL`.
fn insert_plain(path: &Path, rows: &[Rows]) -> rusqlite::Result<()> {
    use rusqlite::params;
    let conn = rusqlite::Connection::open(path)?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = OFF; \
         PRAGMA temp_store = MEMORY; PRAGMA cache_size = -16384;",
    )?;
    let mut numbers: HashMap<Key, i64> = HashMap::new();
    for chunk in rows.chunks(callers()) {
        conn.execute_batch("BEGIN IMMEDIATE")?;
        // Like the store: a transaction's search text in one statement, so
        // FTS5 writes one index segment per transaction.
        let mut text: Vec<(i64, bool, &str)> = Vec::new();
        for r in chunk {
            conn.prepare_cached(
                "INSERT INTO commands (tenant, command, ticket, from_version, to_version, \
                 actor, fingerprint) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                r.tenant,
                r.command.0,
                r.command.1,
                r.command.2,
                r.command.3,
                r.command.4,
                &r.command.5[..]
            ])?;
            let Some(t) = &r.ticket else { continue };
            // Ticket numbers as the floor assigned them, kept here instead
            // of read.
            let no = match &t.update {
                None => {
                    conn.prepare_cached(
                        "INSERT INTO tickets (tenant, id, version, subject, status, sub_status, \
                         priority, group_id, assignee, requester, tags, next_due, created_at, \
                         updated_at) \
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
                    )?
                    .execute(rusqlite::params_from_iter(&t.values))?;
                    let no = conn.last_insert_rowid();
                    numbers.insert(t.id, no);
                    no
                }
                Some(update) => {
                    let no = numbers[&t.id];
                    let no_value = rusqlite::types::Value::Integer(no);
                    let values = t.values.iter().chain([&no_value]);
                    conn.prepare_cached(update)?
                        .execute(rusqlite::params_from_iter(values))?;
                    no
                }
            };
            if let Some(snapshot) = &t.snapshot {
                conn.prepare_cached(
                    "INSERT INTO snapshots (ticket, version, body) VALUES (?1, ?2, ?3) \
                     ON CONFLICT (ticket) DO UPDATE SET version = excluded.version, \
                     body = excluded.body",
                )?
                .execute(params![no, &t.values[2], snapshot])?;
            }
            if t.same_tags {
                if !t.tags.is_empty() {
                    conn.prepare_cached(
                        "UPDATE ticket_tags SET next_due = ?2, updated_at = ?3 WHERE ticket = ?1",
                    )?
                    .execute(params![no, t.next_due, t.updated_at])?;
                }
            } else {
                if !t.new {
                    conn.prepare_cached("DELETE FROM ticket_tags WHERE ticket = ?1")?
                        .execute([no])?;
                }
                for tag in &t.tags {
                    conn.prepare_cached(
                        "INSERT INTO ticket_tags (ticket, tag, tenant, id, next_due, updated_at) \
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    )?
                    .execute(params![
                        no,
                        tag,
                        r.tenant,
                        t.id,
                        t.next_due,
                        t.updated_at
                    ])?;
                }
            }
            for e in &t.events {
                conn.prepare_cached(
                    "INSERT INTO events (ticket, version, id, command, at, type, body) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )?
                .execute(params![no, e.0, e.1, e.2, e.3, e.4, e.5])?;
            }
            for m in &t.outbox {
                conn.prepare_cached("INSERT INTO outbox (ticket, version) VALUES (?1, ?2)")?
                    .execute(params![no, m])?;
            }
            text.extend(
                t.text
                    .iter()
                    .map(|(internal, part)| (no, *internal, part.as_str())),
            );
        }
        if !text.is_empty() {
            conn.prepare_cached(
                "INSERT INTO ticket_parts (ticket, internal, body) \
                 SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(?1)",
            )?
            .execute([json!(&text)])?;
        }
        conn.execute_batch("COMMIT")?;
    }
    Ok(())
}

fn bench(c: &mut Criterion) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/sqlite-bench");
    std::fs::create_dir_all(&dir).expect("bench directory");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .expect("runtime");

    // The rows of one iteration's commands, recorded on a memory store.
    let recorder = desk(Observed::new(MemoryStore::new()));
    runtime.block_on(drive(recorder.clone()));
    let mut stored = HashMap::new();
    let rows: Vec<Rows> = recorder
        .store()
        .appends()
        .iter()
        .map(|a| encode(a, &mut stored))
        .collect();
    assert_eq!(rows.len(), COMMANDS);

    let mut group = c.benchmark_group("sqlite_commands");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(15));
    group.throughput(Throughput::Elements(COMMANDS as u64));

    group.bench_function("desk_execute", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let path = fresh(&dir, "commands.db");
                let desk = desk(SqliteStore::open(&path).expect("open store"));
                let began = Instant::now();
                runtime.block_on(drive(desk.clone()));
                total += began.elapsed();
            }
            total
        });
    });

    // The same commands with notification rules: the outbox messages the
    // rules plan are written in each command's transaction.
    group.bench_function("desk_execute_with_notification_rules", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let path = fresh(&dir, "rules.db");
                let store = SqliteStore::open(&path).expect("open store");
                let desk = desk_on(config_with_rules(), store);
                let began = Instant::now();
                runtime.block_on(drive(desk.clone()));
                total += began.elapsed();
            }
            total
        });
    });

    group.bench_function("floor_plain_inserts", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let path = fresh(&dir, "floor.db");
                // The same schema, made by the store, then closed.
                drop(SqliteStore::open(&path).expect("create schema"));
                let began = Instant::now();
                insert_plain(&path, &rows).expect("plain inserts");
                total += began.elapsed();
            }
            total
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
