//! `GET /dead-letters` and `POST /dead-letters/{id}/revive`: the outbox's
//! dead letters of the caller's tenant, for its admins
//! ([`Desk::dead_letters`](helpdesk_engine::Desk::dead_letters),
//! [`Desk::revive_dead_letter`](helpdesk_engine::Desk::revive_dead_letter)).
//!
//! Anyone else is refused: the list with `403 forbidden`, whatever the
//! outbox holds, a revival with the `404 not_found` of a letter that does
//! not exist.

use std::sync::Arc;

use axum::extract::State as With;
use axum::http::StatusCode;
use axum::response::Response;
use helpdesk_engine::view::{DeadLetterView, Page};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::State;
use crate::extract::{Caller, PathParams, QueryParams, json};
use crate::problem::Problem;

/// A page of dead letters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct DeadLetterParams {
    /// The `next` of the previous page.
    pub cursor: Option<String>,
    /// At most this many letters (default 50).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u32>,
}

/// Lists the dead letters of the caller's tenant.
#[utoipa::path(
    get,
    path = "/dead-letters",
    operation_id = "dead_letters",
    summary = "List the tenant's dead letters",
    description = "Notifications of the caller's tenant whose every attempt failed, oldest first: the event, ticket, channel and recipient of each, its attempts, last error and when it died. For the tenant's admins only. A page may hold fewer letters than `limit` and still have a `next`.",
    tag = "dead letters",
    params(DeadLetterParams),
    responses(
        (status = 200, description = "One page of the tenant's dead letters.", body = Page<DeadLetterView>),
        (status = 400, description = "A malformed parameter, cursor or limit.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No actor.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The caller is not an admin of the tenant.", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "The desk could not answer.", body = Problem, content_type = "application/problem+json"),
    ),
    security(("actor" = [])),
)]
pub(crate) async fn list(
    With(state): With<Arc<State>>,
    Caller(actor): Caller,
    QueryParams(params): QueryParams<DeadLetterParams>,
) -> Result<Response, Problem> {
    let page = state
        .desk
        .dead_letters(actor, params.cursor, params.limit.unwrap_or(50))
        .await?;
    Ok(json(StatusCode::OK, &page))
}

/// Revives a dead letter of the caller's tenant.
#[utoipa::path(
    post,
    path = "/dead-letters/{id}/revive",
    operation_id = "revive_dead_letter",
    summary = "Revive a dead letter",
    description = "Makes the dead letter claimable again now, its attempts kept: the dispatcher sends it on its next run. For the tenant's admins only; anyone else, like a letter that is not dead (any more) or is another tenant's, gets 404.",
    tag = "dead letters",
    params(("id" = u64, Path, description = "The dead letter's id, as listed.")),
    responses(
        (status = 200, description = "The letter revived, as it was.", body = DeadLetterView),
        (status = 400, description = "A malformed parameter.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No actor.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No dead letter of that id for the caller to revive.", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "The desk could not answer.", body = Problem, content_type = "application/problem+json"),
    ),
    security(("actor" = [])),
)]
pub(crate) async fn revive(
    With(state): With<Arc<State>>,
    PathParams(id): PathParams<u64>,
    Caller(actor): Caller,
) -> Result<Response, Problem> {
    let letter = state.desk.revive_dead_letter(actor, id).await?;
    Ok(json(StatusCode::OK, &letter))
}
