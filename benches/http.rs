//! Open + reply over HTTP on loopback (helpdesk-axum, hyper's client side
//! via reqwest, one keep-alive connection) against the same two commands
//! called on the desk directly, in the same run: on the in-memory store,
//! where the HTTP layer is all there is to measure, and on a SQLite file
//! with synced commits, as a host runs it.
#![allow(missing_docs)] // criterion_group! generates undocumented items

use std::sync::Arc;
use std::time::Instant;

use axum::http::request::Parts;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use helpdesk::api::{Unauthorized, router};
use helpdesk::*;

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    open_reply(c, &runtime, "open_reply", MemoryStore::new());
    let dir = tempfile::tempdir().expect("a directory");
    let store = SqliteStore::open(dir.path().join("http-bench.db")).expect("a store");
    open_reply(c, &runtime, "open_reply_sqlite", store);
}

/// The group `name`: open + reply on a desk over `store`, directly and
/// over HTTP.
fn open_reply<S: Store + 'static>(
    c: &mut Criterion,
    runtime: &tokio::runtime::Runtime,
    name: &str,
    store: S,
) {
    let tenant = TenantId::from_u128(1);
    let agent = Actor::agent(ActorId::from_u128(2), tenant, []);
    let desk = Arc::new(
        Desk::new(DeskConfig::default(), store, NoNotifier, SystemClock)
            .expect("valid configuration"),
    );
    let resolved = agent.clone();
    let resolver = move |_: &Parts| -> Result<Actor, Unauthorized> { Ok(resolved.clone()) };
    let app = router(Arc::clone(&desk), resolver);
    let base = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a port");
        let address = listener.local_addr().expect("bound");
        tokio::spawn(async move { axum::serve(listener, app).await });
        format!("http://{address}")
    });
    let client = reqwest::Client::new();

    let mut group = c.benchmark_group(name);
    group.throughput(Throughput::Elements(1));
    group.bench_function("desk", |b| {
        b.iter_custom(|iters| {
            runtime.block_on(async {
                let start = Instant::now();
                for _ in 0..iters {
                    let id = new_ticket_id();
                    let new = NewTicket::new(ActorId::from_u128(3), "Printer jams", "On 3F");
                    desk.execute(Request::new(agent.clone(), id, Command::Open(new)))
                        .await
                        .expect("open");
                    let reply = Command::Reply {
                        comment: new_comment_id(),
                        body: "Looking into it".into(),
                    };
                    desk.execute(Request::new(agent.clone(), id, reply))
                        .await
                        .expect("reply");
                }
                start.elapsed()
            })
        })
    });
    group.bench_function("http", |b| {
        b.iter_custom(|iters| {
            runtime.block_on(async {
                let start = Instant::now();
                for _ in 0..iters {
                    let opened = client
                        .post(format!("{base}/tickets"))
                        .header("content-type", "application/json")
                        .body(r#"{"subject":"Printer jams","description":"On 3F","requester":"00000000-0000-0000-0000-000000000003"}"#)
                        .send()
                        .await
                        .expect("open");
                    let location = opened
                        .headers()
                        .get("location")
                        .and_then(|l| l.to_str().ok())
                        .expect("a location")
                        .to_owned();
                    opened.bytes().await.expect("a body");
                    let replied = client
                        .post(format!("{base}{location}/replies"))
                        .header("content-type", "application/json")
                        .body(r#"{"body":"Looking into it"}"#)
                        .send()
                        .await
                        .expect("reply");
                    assert!(replied.status().is_success());
                    replied.bytes().await.expect("a body");
                }
                start.elapsed()
            })
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
