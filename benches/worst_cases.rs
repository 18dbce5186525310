//! The bounded worst cases of what a caller controls: searches of the most
//! and the shortest words a configuration allows, reads through a narrow
//! reach, and a command on a ticket at every size limit.
//!
//! The search database (four tenants of 5,000 tickets, each with a reply and
//! an internal note) is built once into `target/sqlite-bench/` and reused.
#![allow(missing_docs)] // criterion_group! generates undocumented items

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use helpdesk::config::Limits;
use helpdesk::engine::Store;
use helpdesk::engine::store::{Append, Filter, Order, SearchQuery, TicketQuery};
use helpdesk::*;
use helpdesk::{SqliteOptions, SqliteStore};
use helpdesk_sqlite::{SCHEMA_VERSION, Synchronous};

const TENANTS: u128 = 4;
const PER_TENANT: u128 = 5_000;
const GROUPS: u128 = 20;

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
        .single()
        .expect("valid instant")
}

fn tenant(t: u128) -> TenantId {
    TenantId::from_u128(0x7e00 + t)
}

fn agent(t: u128, n: u128) -> Actor {
    Actor::agent(
        ActorId::from_u128(0xa000 + n),
        tenant(t),
        [GroupId::from_u128(0x6000 + n % GROUPS)],
    )
}

/// The appends of `commands` on a new ticket by `actor`.
fn appends(actor: &Actor, commands: Vec<Command>, at: DateTime<Utc>) -> Vec<Append> {
    let config = DeskConfig::default();
    let mut ticket = Ticket::new(helpdesk::engine::new_ticket_id());
    let mut out = Vec::new();
    for command in commands {
        let ctx = Context::new(actor, at, &config);
        out.push(helpdesk_testkit::decided(&mut ticket, &ctx, command));
    }
    out
}

/// Ticket `n` of tenant `t`: opened into a group, a reply, a note.
fn ticket(t: u128, n: u128) -> Vec<Append> {
    let staff = agent(t, n);
    let mut new = NewTicket::new(
        ActorId::from_u128(0x1_0000 + n % 500),
        format!("Printer {n} jams on floor {}", n % 12),
        format!(
            "Paper jam in tray {}; the display shows E-{}",
            n % 4,
            n % 97
        ),
    );
    new.group = Some(GroupId::from_u128(0x6000 + n % GROUPS));
    let commands = vec![
        Command::Open(new),
        Command::Reply {
            comment: helpdesk::engine::new_comment_id(),
            body: format!("Please try tray {} and restart the printer", (n + 1) % 4),
            attachments: Vec::new(),
        },
        Command::note(
            helpdesk::engine::new_comment_id(),
            format!("Vendor case VC-{n}: fuser unit suspected"),
        ),
    ];
    appends(
        &staff,
        commands,
        start() + chrono::Duration::seconds(n as i64),
    )
}

fn database(runtime: &tokio::runtime::Runtime) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/sqlite-bench");
    std::fs::create_dir_all(&dir).expect("bench directory");
    let name = format!("worst-cases-v{SCHEMA_VERSION}-{TENANTS}x{PER_TENANT}");
    let path = dir.join(format!("{name}.db"));
    let done = dir.join(format!("{name}.done"));
    if done.exists() {
        return path;
    }
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let options = SqliteOptions {
        synchronous: Synchronous::Off,
        ..SqliteOptions::default()
    };
    let store = SqliteStore::open_with(&path, options).expect("open store");
    for t in 0..TENANTS {
        let mut chunk = Vec::new();
        for n in 0..PER_TENANT {
            chunk.extend(ticket(t, n));
        }
        for result in runtime
            .block_on(store.append_all(chunk))
            .expect("bulk append")
        {
            result.expect("append written");
        }
    }
    drop(store);
    std::fs::write(&done, b"").expect("mark the database built");
    path
}

/// A ticket at every limit of the default configuration: 999 comments
/// filling 4 MiB, 50 tags, 50 assets.
fn ticket_at_limits() -> (Ticket, Actor, DeskConfig) {
    let config = DeskConfig::default();
    let limits = config.limits;
    let actor = agent(0, 0);
    let mut ticket = Ticket::new(TicketId::from_u128(1));
    let at = start();
    let run = |ticket: &mut Ticket, command: Command| {
        for event in decide(ticket, command, &Context::new(&actor, at, &config))
            .expect("a command within the limits")
        {
            apply(ticket, &event);
        }
    };
    run(
        &mut ticket,
        Command::Open(NewTicket::new(actor.id, "At every limit", "")),
    );
    let body_len = limits.max_ticket_bytes / limits.max_comments;
    for n in 0..limits.max_comments - 1 {
        let body = format!("{n:08} ").repeat(body_len / 9);
        run(
            &mut ticket,
            Command::Reply {
                comment: CommentId::from_u128(n as u128 + 1),
                body,
                attachments: Vec::new(),
            },
        );
    }
    for n in 0..limits.max_tags {
        run(
            &mut ticket,
            Command::Tag {
                tag: format!("t{n}"),
            },
        );
    }
    for n in 0..limits.max_assets {
        run(
            &mut ticket,
            Command::AddAsset {
                asset: format!("PC-{n}"),
            },
        );
    }
    (ticket, actor, config)
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    let path = database(&runtime);
    let store = SqliteStore::open(&path).expect("open store");
    let t = tenant(1);
    let staff = agent(1, 7);
    let requester = Actor::requester(ActorId::from_u128(0x1_0000 + 7), t);
    let wide = Limits {
        search_max_words: SearchQuery::MAX_WORDS,
        ..Limits::default()
    };
    let words = |n: usize| {
        // Words every ticket of the tenant holds, then more of one ticket.
        let pool = [
            "printer", "jams", "floor", "paper", "jam", "tray", "display", "shows", "please",
            "try", "and", "restart", "the", "in", "on", "e-",
        ];
        (0..n)
            .map(|i| pool[i % pool.len()])
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut group = c.benchmark_group("worst_cases");
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(3));
    let search =
        |name: &str, reach: Reach, query: SearchQuery, group: &mut criterion::BenchmarkGroup<_>| {
            let found = runtime
                .block_on(store.search(t, &reach, &query))
                .expect("search");
            eprintln!("{name}: {} rows", found.len());
            group.bench_function(name, |b| {
                b.iter(|| {
                    runtime
                        .block_on(store.search(t, &reach, &query))
                        .expect("search")
                })
            });
        };
    search(
        "search_16_common_words",
        Reach::of(&staff),
        SearchQuery::bounded(&words(16), 50, &Limits::default()).expect("query"),
        &mut group,
    );
    search(
        "search_64_common_words",
        Reach::Tenant,
        SearchQuery::bounded(&words(64), 50, &wide).expect("query"),
        &mut group,
    );
    search(
        "search_short_words_no_match",
        Reach::Tenant,
        SearchQuery::new("zq x", 50).expect("query"),
        &mut group,
    );
    search(
        "search_short_words_everywhere",
        Reach::Tenant,
        SearchQuery::new("e- on", 50).expect("query"),
        &mut group,
    );
    search(
        "search_note_word_as_requester",
        Reach::of(&requester),
        SearchQuery::new("fuser", 50).expect("query"),
        &mut group,
    );
    group.bench_function("agent_reach_queue_by_due_first_page", |b| {
        let reach = Reach::of(&staff);
        b.iter(|| {
            runtime
                .block_on(store.query(
                    t,
                    &reach,
                    TicketQuery::new(Filter::default(), Order::NextDue, 50),
                ))
                .expect("query")
        })
    });
    group.bench_function("requester_reach_page_by_update", |b| {
        let reach = Reach::of(&requester);
        b.iter(|| {
            runtime
                .block_on(store.query(
                    t,
                    &reach,
                    TicketQuery::new(Filter::default(), Order::UpdatedAt, 50),
                ))
                .expect("query")
        })
    });

    // A command on a ticket at every limit: what decide and apply cost, and
    // the snapshot a store writes every SNAPSHOT_EVERY events.
    let (full, actor, config) = ticket_at_limits();
    let reply = Command::Reply {
        comment: CommentId::from_u128(1_000_000),
        body: "One more".into(),
        attachments: Vec::new(),
    };
    group.bench_function("reply_on_a_ticket_at_its_limits", |b| {
        b.iter_batched(
            || (full.clone(), reply.clone()),
            |(mut ticket, command)| {
                let ctx = Context::new(&actor, start(), &config);
                for event in decide(&ticket, command, &ctx).expect("the last comment fits") {
                    apply(&mut ticket, &event);
                }
                ticket
            },
            BatchSize::SmallInput,
        )
    });
    group.bench_function("snapshot_of_a_ticket_at_its_limits", |b| {
        b.iter(|| serde_json::to_string(black_box(&full)).expect("serializable"))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
