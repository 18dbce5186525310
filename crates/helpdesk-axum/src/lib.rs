//! The help desk's HTTP API for axum hosts: a host mounts it in one line
//! and writes only how a request becomes an [`Actor`](helpdesk_core::Actor)
//! (its [`ActorResolver`]).
//!
//! ```
//! use std::sync::Arc;
//!
//! use axum::http::request::Parts;
//! use helpdesk_axum::{Unauthorized, router};
//! use helpdesk_core::{Actor, ActorId, DeskConfig, TenantId};
//! use helpdesk_engine::{Desk, MemoryStore, NoNotifier, SystemClock};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let desk = Desk::new(DeskConfig::default(), MemoryStore::new(), NoNotifier, SystemClock)?;
//! // The host's authentication: here, one fixed token.
//! let resolver = |parts: &Parts| match parts.headers.get("authorization") {
//!     Some(token) if token == "Bearer alice" => {
//!         Ok(Actor::requester(ActorId::from_u128(1), TenantId::from_u128(1)))
//!     }
//!     _ => Err(Unauthorized::new("send Authorization: Bearer <token>")),
//! };
//! let app: axum::Router = axum::Router::new().nest("/api", router(Arc::new(desk), resolver));
//! # Ok(())
//! # }
//! ```
//!
//! What the router promises:
//!
//! - **Views safe by construction**: every answer is built by the engine's
//!   views ([`helpdesk_engine::view`]) for the caller; a requester never
//!   receives an internal note, nothing of another tenant is ever answered,
//!   and a ticket out of reach answers `404`.
//! - **Idempotency**: a change sent with an `Idempotency-Key` header is
//!   applied once; a retry answers the first response again, with
//!   `Idempotent-Replayed: true`; the key reused for another request is
//!   refused with `422` (`idempotency_key_reused`). Keys are scoped to the
//!   caller ([`CommandId::for_client_key`](helpdesk_engine::CommandId::for_client_key)).
//! - **Concurrency**: ticket answers carry an `ETag` (the ticket's
//!   version); a change with `If-Match` is refused with `412` once the
//!   ticket moved on. `503` with `Retry-After` when it kept changing.
//! - **Errors** are RFC 9457 problems ([`Problem`]) with a stable `code`
//!   and the field at fault.
//! - **Bounded input**: bodies over [`RouterOptions::body_limit`] answer
//!   `413`; pages and searches are bounded by the desk's limits.
//! - **OpenAPI 3.1** at `GET /openapi.json` ([`openapi`]).
//!
//! | method and path | does |
//! |-----------------|------|
//! | `POST /tickets` | open (201, `Location`) |
//! | `GET /tickets` | the caller's queue: `group`, `assignee`, `status`, `tag`, `requester`, `order`, `cursor`, `limit` |
//! | `GET /tickets/{id}` | the ticket (`ETag`) |
//! | `GET /tickets/by-number/{number}` | the ticket numbered `number` in the caller's tenant (`ETag`) |
//! | `GET /tickets/{id}/history` | its events, paged |
//! | `GET /tickets/{id}/events` | its new events as server-sent events |
//! | `POST /tickets/{id}/replies`, `/notes` | reply, internal note |
//! | `PUT /tickets/{id}/assignee`, `/group`, `/status`, `/priority`, `/impact` | assign, move, change status, override priority, set impact and urgency |
//! | `POST /tickets/{id}/tags`, `DELETE /tickets/{id}/tags/{tag}` | tag, untag |
//! | `PUT`, `DELETE /tickets/{id}/fields/{key}` | set, clear a custom field |
//! | `PUT`, `DELETE /tickets/{id}/watchers/{actor}` | add a watcher (`{"role": ...}`), remove one |
//! | `POST /tickets/{id}/resolve`, `/reopen`, `/close`, `/merge`, `/links` | resolve, reopen, close, merge, link |
//! | `DELETE /tickets/{id}/links/{kind}/{other}` | unlink |
//! | `GET /search?q=` | search |
//! | `GET /dead-letters` | the tenant's dead letters, paged (admins only: `403` for anyone else) |
//! | `POST /dead-letters/{id}/revive` | revive one (admins only: `404` for anyone else, as for a letter that does not exist) |
//! | `GET /openapi.json` | this API's OpenAPI document |
//!
//! Serving it: axum's `serve` leaves Nagle's algorithm on, so an answer
//! written in more than one piece (an event stream's events) can wait for
//! the client's delayed acknowledgement. Set `TCP_NODELAY` on each
//! connection:
//!
//! ```no_run
//! use axum::serve::ListenerExt;
//!
//! # async fn serve(app: axum::Router) -> std::io::Result<()> {
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:3000")
//!     .await?
//!     .tap_io(|tcp| {
//!         // A socket option is no reason to refuse a connection.
//!         let _ = tcp.set_nodelay(true);
//!     });
//! axum::serve(listener, app).await
//! # }
//! ```

// A `Problem` is built only on a request's error path, where its size
// costs nothing next to the response it becomes.
#![allow(clippy::result_large_err)]

mod bodies;
mod dead_letters;
mod events;
mod extract;
mod handlers;
mod openapi;
mod problem;
mod resolver;
mod service;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post, put};
use helpdesk_engine::{Clock, Desk, Notifier, Store};

pub use extract::{IDEMPOTENCY_KEY, IDEMPOTENCY_KEY_MAX, IDEMPOTENT_REPLAYED};
pub use openapi::openapi;
pub use problem::{PROBLEM_JSON, Problem};
pub use resolver::{ActorResolver, Unauthorized};

/// How the router behaves; pass them to [`router_with`].
///
/// ```
/// use std::time::Duration;
/// use helpdesk_axum::RouterOptions;
///
/// let options = RouterOptions {
///     body_limit: 16 * 1024,
///     ..RouterOptions::default()
/// };
/// assert_eq!(options.poll_interval, Duration::from_secs(1));
/// ```
#[derive(Debug, Clone)]
pub struct RouterOptions {
    /// The largest request body taken, in bytes; larger ones answer 413.
    /// Default: 64 KiB (the desk's own limits on subjects and bodies
    /// apply within it).
    pub body_limit: usize,
    /// How often an event stream looks for new events. Default: 1 s.
    pub poll_interval: Duration,
}

impl Default for RouterOptions {
    fn default() -> Self {
        Self {
            body_limit: 64 * 1024,
            poll_interval: Duration::from_secs(1),
        }
    }
}

/// What every handler shares.
pub(crate) struct State {
    desk: Arc<dyn service::Service>,
    resolver: Arc<dyn resolver::DynResolver>,
    options: RouterOptions,
}

/// The API's router for `desk`, with `resolver` turning each request into
/// the actor it acts as, and default [`RouterOptions`]. Mount it where
/// you like (`Router::nest`); see the [crate] documentation.
pub fn router<S, N, C>(desk: Arc<Desk<S, N, C>>, resolver: impl ActorResolver) -> Router
where
    S: Store + 'static,
    N: Notifier + 'static,
    C: Clock + 'static,
{
    router_with(desk, resolver, RouterOptions::default())
}

/// The API's router with `options`; see [`router`].
///
/// ```
/// use std::sync::Arc;
/// use std::time::Duration;
///
/// use axum::http::request::Parts;
/// use helpdesk_axum::{RouterOptions, Unauthorized, router_with};
/// use helpdesk_core::DeskConfig;
/// use helpdesk_engine::{Desk, MemoryStore, NoNotifier, SystemClock};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let desk = Desk::new(DeskConfig::default(), MemoryStore::new(), NoNotifier, SystemClock)?;
/// let nobody = |_: &Parts| Err(Unauthorized::new("no one may call"));
/// let options = RouterOptions { poll_interval: Duration::from_millis(200), ..Default::default() };
/// let _app = router_with(Arc::new(desk), nobody, options);
/// # Ok(())
/// # }
/// ```
pub fn router_with<S, N, C>(
    desk: Arc<Desk<S, N, C>>,
    resolver: impl ActorResolver,
    options: RouterOptions,
) -> Router
where
    S: Store + 'static,
    N: Notifier + 'static,
    C: Clock + 'static,
{
    let limit = options.body_limit;
    let state = Arc::new(State {
        desk: Arc::new(desk),
        resolver: Arc::new(resolver),
        options,
    });
    Router::new()
        .route("/tickets", post(handlers::open).get(handlers::queue))
        .route("/tickets/{id}", get(handlers::ticket))
        .route(
            "/tickets/by-number/{number}",
            get(handlers::ticket_by_number),
        )
        .route("/tickets/{id}/history", get(handlers::history))
        .route("/tickets/{id}/events", get(events::events))
        .route("/tickets/{id}/replies", post(handlers::reply))
        .route("/tickets/{id}/notes", post(handlers::note))
        .route("/tickets/{id}/assignee", put(handlers::assign))
        .route("/tickets/{id}/group", put(handlers::group))
        .route("/tickets/{id}/status", put(handlers::status))
        .route("/tickets/{id}/priority", put(handlers::priority))
        .route("/tickets/{id}/impact", put(handlers::impact))
        .route("/tickets/{id}/tags", post(handlers::tag))
        .route(
            "/tickets/{id}/tags/{tag}",
            axum::routing::delete(handlers::untag),
        )
        .route(
            "/tickets/{id}/fields/{key}",
            put(handlers::set_field).delete(handlers::clear_field),
        )
        .route(
            "/tickets/{id}/watchers/{actor}",
            put(handlers::watch).delete(handlers::unwatch),
        )
        .route("/tickets/{id}/resolve", post(handlers::resolve))
        .route("/tickets/{id}/reopen", post(handlers::reopen))
        .route("/tickets/{id}/close", post(handlers::close))
        .route("/tickets/{id}/merge", post(handlers::merge))
        .route("/tickets/{id}/links", post(handlers::link))
        .route(
            "/tickets/{id}/links/{kind}/{other}",
            axum::routing::delete(handlers::unlink),
        )
        .route("/search", get(handlers::search))
        .route("/dead-letters", get(dead_letters::list))
        .route("/dead-letters/{id}/revive", post(dead_letters::revive))
        .route("/openapi.json", get(openapi_json))
        .fallback(handlers::no_route)
        .layer(DefaultBodyLimit::max(limit))
        .with_state(state)
}

/// Serves the OpenAPI document.
async fn openapi_json() -> axum::Json<utoipa::openapi::OpenApi> {
    axum::Json(openapi())
}
