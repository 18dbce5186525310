//! Open + reply through the HTTP API against the same two commands called
//! on the desk directly, in the same run: on the in-memory store, where the
//! HTTP side is all there is to measure, and on a SQLite file with synced
//! commits, as a host runs it.
//!
//! Three ways in, per store:
//!
//! - `desk`: `Desk::execute`, twice.
//! - `router`: the same two requests handed to the router in the process
//!   (`tower::ServiceExt::oneshot`): what the library adds to a desk call
//!   (routing, extracting and parsing the body, the views, their JSON),
//!   with no socket.
//! - `http`: the same two requests over loopback TCP, as a client sees
//!   them: the router served by `axum::serve` on a 2-worker tokio runtime
//!   with `TCP_NODELAY` set on each accepted connection; the client
//!   (reqwest, which sets `TCP_NODELAY` itself) on a runtime and thread of
//!   its own, as another process would be, over one kept-alive connection.
#![allow(missing_docs)] // criterion_group! generates undocumented items

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::serve::ListenerExt;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use helpdesk::api::{Unauthorized, router};
use helpdesk::*;
use tower::ServiceExt;

const OPEN: &str = r#"{"subject":"Printer jams","description":"On 3F","requester":"00000000-0000-0000-0000-000000000003"}"#;
const REPLY: &str = r#"{"body":"Looking into it"}"#;

fn bench(c: &mut Criterion) {
    let server = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let client = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    open_reply(c, &server, &client, "open_reply", MemoryStore::new());
    let dir = tempfile::tempdir().expect("a directory");
    let store = SqliteStore::open(dir.path().join("http-bench.db")).expect("a store");
    open_reply(c, &server, &client, "open_reply_sqlite", store);
}

/// The group `name`: open + reply on a desk over `store`, directly,
/// through the router in the process, and over HTTP.
fn open_reply<S: Store + 'static>(
    c: &mut Criterion,
    server: &tokio::runtime::Runtime,
    client_runtime: &tokio::runtime::Runtime,
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
    let base = server.block_on(serve(app.clone()));
    let client = client_runtime.block_on(async { reqwest::Client::new() });

    let mut group = c.benchmark_group(name);
    group.throughput(Throughput::Elements(1));
    group.bench_function("desk", |b| {
        b.iter_custom(|iters| {
            server.block_on(async {
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
                        attachments: Vec::new(),
                    };
                    desk.execute(Request::new(agent.clone(), id, reply))
                        .await
                        .expect("reply");
                }
                start.elapsed()
            })
        })
    });
    group.bench_function("router", |b| {
        b.iter_custom(|iters| server.block_on(in_process(&app, iters)))
    });
    group.bench_function("http", |b| {
        b.iter_custom(|iters| client_runtime.block_on(over_http(&client, &base, iters)))
    });
    group.finish();
}

/// Serves `app` on a loopback port with `TCP_NODELAY`; its base URL.
async fn serve(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let address = listener.local_addr().expect("bound");
    let listener = listener.tap_io(|tcp| {
        // Without it, a response written in two segments would wait for
        // the client's delayed ACK.
        tcp.set_nodelay(true).expect("TCP_NODELAY");
    });
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{address}")
}

/// `iters` times open + reply through `app` in the process.
async fn in_process(app: &Router, iters: u64) -> Duration {
    let post = |path: &str, body: &'static str| {
        axum::http::Request::post(path)
            .header("content-type", "application/json")
            .body(Body::from(body))
            .expect("a request")
    };
    let start = Instant::now();
    for _ in 0..iters {
        let opened = app
            .clone()
            .oneshot(post("/tickets", OPEN))
            .await
            .expect("open");
        let location = created_at(opened.status(), opened.headers());
        axum::body::to_bytes(opened.into_body(), usize::MAX)
            .await
            .expect("a body");
        let replied = app
            .clone()
            .oneshot(post(&format!("{location}/replies"), REPLY))
            .await
            .expect("reply");
        assert!(replied.status().is_success());
        axum::body::to_bytes(replied.into_body(), usize::MAX)
            .await
            .expect("a body");
    }
    start.elapsed()
}

/// `iters` times open + reply over HTTP at `base`.
async fn over_http(client: &reqwest::Client, base: &str, iters: u64) -> Duration {
    let start = Instant::now();
    for _ in 0..iters {
        let opened = client
            .post(format!("{base}/tickets"))
            .header("content-type", "application/json")
            .body(OPEN)
            .send()
            .await
            .expect("open");
        let location = created_at(opened.status(), opened.headers());
        opened.bytes().await.expect("a body");
        let replied = client
            .post(format!("{base}{location}/replies"))
            .header("content-type", "application/json")
            .body(REPLY)
            .send()
            .await
            .expect("reply");
        assert!(replied.status().is_success());
        replied.bytes().await.expect("a body");
    }
    start.elapsed()
}

/// Where an answer of an open says the ticket is.
fn created_at(status: StatusCode, headers: &HeaderMap) -> String {
    assert_eq!(status, StatusCode::CREATED);
    headers
        .get("location")
        .and_then(|l| l.to_str().ok())
        .expect("a location")
        .to_owned()
}

criterion_group!(benches, bench);
criterion_main!(benches);
