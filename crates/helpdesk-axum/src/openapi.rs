//! The OpenAPI 3.1 document of the API, generated from the handlers and
//! the types they take and answer.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::bodies;
use crate::dead_letters;
use crate::events;
use crate::handlers;
use crate::problem::Problem;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "helpdesk",
        description = "The HTTP API of an embedded help desk. Every answer is what the caller may see: requesters never receive internal notes, and nothing crosses tenants. Errors are RFC 9457 problems with a stable `code`.",
        license(name = "MIT OR Apache-2.0"),
    ),
    paths(
        handlers::open,
        handlers::queue,
        handlers::ticket,
        handlers::ticket_by_number,
        handlers::history,
        events::events,
        handlers::reply,
        handlers::note,
        handlers::assign,
        handlers::group,
        handlers::status,
        handlers::priority,
        handlers::impact,
        handlers::tag,
        handlers::untag,
        handlers::set_field,
        handlers::clear_field,
        handlers::watch,
        handlers::unwatch,
        handlers::resolve,
        handlers::reopen,
        handlers::close,
        handlers::merge,
        handlers::link,
        handlers::unlink,
        handlers::search,
        dead_letters::list,
        dead_letters::revive,
    ),
    components(schemas(
        Problem,
        bodies::OpenBody,
        bodies::QueueOrder,
    )),
    modifiers(&ActorSecurity),
    tags(
        (name = "commands", description = "Changes: each takes an `Idempotency-Key` and an `If-Match`."),
        (name = "reads", description = "Tickets, histories, queues, searches and event streams, as the caller may see them."),
        (name = "dead letters", description = "Notifications whose every attempt failed, listed and revived by the tenant's admins."),
    ),
)]
struct ApiDoc;

/// Declares the `actor` security scheme: how a request becomes an actor
/// is the host's (its `ActorResolver`); the document says a bearer token,
/// the usual case.
struct ActorSecurity;

impl Modify for ActorSecurity {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "actor",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "Whatever the host's ActorResolver reads; a bearer token in the example server.",
                    ))
                    .build(),
            ),
        );
    }
}

/// The OpenAPI 3.1 document of the router's API, as served at
/// `GET /openapi.json` and kept in `docs/openapi.json`.
///
/// ```
/// let document = helpdesk_axum::openapi();
/// assert!(document.paths.paths.contains_key("/tickets/{id}/replies"));
/// let json = serde_json::to_value(&document)?;
/// assert_eq!(json["openapi"], "3.1.0");
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut document = ApiDoc::openapi();
    document.info.version = env!("CARGO_PKG_VERSION").to_owned();
    document
}
