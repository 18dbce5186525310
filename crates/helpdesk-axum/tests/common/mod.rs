//! A server on 127.0.0.1 with the API over a memory store, the people of
//! the tests behind bearer tokens, and a client.

#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use axum::http::request::Parts;
use helpdesk_axum::{RouterOptions, Unauthorized, router_with};
use helpdesk_core::{Actor, ActorId, DeskConfig, GroupId, Role, TenantId};
use helpdesk_engine::{
    Contact, Desk, Directory, DirectoryFuture, MemoryStore, NoNotifier, Notifier, SystemClock,
};
use helpdesk_testkit::Outage;
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde_json::Value;

pub const TENANT: TenantId = TenantId::from_u128(1);
pub const OTHER_TENANT: TenantId = TenantId::from_u128(2);
pub const ALICE: &str = "00000000-0000-0000-0000-000000000001";
pub const G1: GroupId = GroupId::from_u128(0x61);
pub const G2: GroupId = GroupId::from_u128(0x62);

/// The people of the tests, by token.
pub fn actor(token: &str) -> Option<Actor> {
    Some(match token {
        "alice" => Actor::requester(ActorId::from_u128(1), TENANT),
        "bob" => Actor::requester(ActorId::from_u128(2), TENANT),
        "agent-g1" => Actor::agent(ActorId::from_u128(11), TENANT, [G1]),
        "agent-g2" => Actor::agent(ActorId::from_u128(12), TENANT, [G2]),
        "admin" => Actor::admin(ActorId::from_u128(9), TENANT),
        "mallory" => Actor::admin(ActorId::from_u128(9), OTHER_TENANT),
        _ => return None,
    })
}

fn resolve(parts: &Parts) -> Result<Actor, Unauthorized> {
    parts
        .headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .and_then(actor)
        .ok_or_else(|| Unauthorized::new("send Authorization: Bearer <token>"))
}

/// A running server and a client of it.
pub struct Server {
    pub base: String,
    pub client: reqwest::Client,
}

/// An answer: status, headers, and the body as JSON (or as text in a
/// JSON string when it is not JSON).
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or_default()
    }
}

/// The host's accounts: names and roles by tenant and id. The same id in
/// the other tenant is someone else.
pub struct Accounts;

impl Directory for Accounts {
    fn contact(&self, tenant: TenantId, actor: ActorId) -> DirectoryFuture<'_> {
        let known = match (tenant == TENANT, actor.as_uuid().as_u128()) {
            (true, 1) => Some(("Alice Adams", Role::Requester)),
            (true, 9) => Some(("Ada Admin", Role::Admin)),
            (true, 11) => Some(("Gina One", Role::Agent)),
            (false, 9) => Some(("Mallory Other", Role::Admin)),
            _ => None,
        };
        let contact = known.map(|(name, role)| Contact {
            name: Some(name.into()),
            role: Some(role),
            ..Contact::default()
        });
        Box::pin(async move { Ok(contact) })
    }
}

/// Starts a server on a port of its own.
pub async fn start() -> Server {
    let desk = Desk::new(
        DeskConfig::default(),
        MemoryStore::new(),
        NoNotifier,
        SystemClock,
    )
    .expect("the default configuration validates");
    serve(desk).await
}

/// A server whose desk tells an audit endpoint of every event (the test
/// kit's configuration) through `outage`; the desk, to run its
/// dispatcher.
pub async fn start_with_outbox(outage: Outage) -> (Server, Arc<OutboxDesk>) {
    let desk = Arc::new(
        Desk::new(
            helpdesk_testkit::config(),
            MemoryStore::new(),
            outage,
            SystemClock,
        )
        .expect("the test kit's configuration validates")
        .with_directory(Accounts),
    );
    (serve_arc(desk.clone()).await, desk)
}

/// The desk of [`start_with_outbox`].
pub type OutboxDesk = Desk<MemoryStore, Outage, SystemClock>;

/// Serves `desk`, with the accounts as its directory.
async fn serve<N: Notifier + 'static>(desk: Desk<MemoryStore, N, SystemClock>) -> Server {
    serve_arc(Arc::new(desk.with_directory(Accounts))).await
}

async fn serve_arc<N: Notifier + 'static>(desk: Arc<Desk<MemoryStore, N, SystemClock>>) -> Server {
    let options = RouterOptions {
        body_limit: 8 * 1024,
        poll_interval: Duration::from_millis(50),
    };
    let app = router_with(desk, resolve, options);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let address = listener.local_addr().expect("bound");
    tokio::spawn(async move { axum::serve(listener, app).await });
    Server {
        base: format!("http://{address}"),
        client: reqwest::Client::new(),
    }
}

impl Server {
    /// Sends a request as `token` (none when empty), with `body` as JSON
    /// and extra headers.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        token: &str,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Answer {
        let mut request = self.client.request(method, format!("{}{path}", self.base));
        if !token.is_empty() {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(body.to_string());
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.expect("the server answers");
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.expect("a body");
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text.clone()));
        Answer {
            status,
            headers,
            body,
            text,
        }
    }

    pub async fn get(&self, path: &str, token: &str) -> Answer {
        self.send(Method::GET, path, token, None, &[]).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Answer {
        self.send(Method::POST, path, token, Some(body), &[]).await
    }

    pub async fn put(&self, path: &str, token: &str, body: Value) -> Answer {
        self.send(Method::PUT, path, token, Some(body), &[]).await
    }

    /// Opens a ticket as `token`; answers its id.
    pub async fn open(&self, token: &str, body: Value) -> String {
        let opened = self.post("/tickets", token, body).await;
        assert_eq!(opened.status, StatusCode::CREATED, "{}", opened.text);
        opened.body["ticket"]["id"]
            .as_str()
            .map(str::to_owned)
            .or_else(|| {
                opened
                    .header("location")
                    .and_then(|l| l.rsplit('/').next())
                    .map(str::to_owned)
            })
            .expect("an id")
    }
}
