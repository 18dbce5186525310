//! The server-sent events of one ticket: what the caller may see of its
//! new events, found by reading the history after the last version sent,
//! every poll interval.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State as With;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{self, Stream, StreamExt};
use helpdesk_core::{Actor, TicketId};
use helpdesk_engine::view::EventView;

use crate::State;
use crate::bodies::StreamParams;
use crate::extract::{Caller, PathParams, QueryParams};
use crate::handlers::not_found;
use crate::problem::Problem;

/// Streams a ticket's new events.
#[utoipa::path(
    get,
    path = "/tickets/{id}/events",
    operation_id = "events",
    summary = "Stream a ticket's new events (server-sent events)",
    tag = "reads",
    params(
        ("id" = uuid::Uuid, Path, description = "The ticket."),
        StreamParams,
        ("Last-Event-ID" = Option<String>, Header, description = "The version of the last event received, to resume after it."),
    ),
    responses(
        (status = 200, description = "A `text/event-stream`: one message per event the caller may see, `id` the ticket's version after it, `event` its type, `data` the event (as in the history). It ends when the ticket leaves the caller's reach.", body = EventView, content_type = "text/event-stream"),
        (status = 400, description = "A malformed parameter.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No actor.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such ticket the caller may see.", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "The desk could not answer.", body = Problem, content_type = "application/problem+json"),
    ),
    security(("actor" = [])),
)]
pub(crate) async fn events(
    With(state): With<Arc<State>>,
    PathParams(id): PathParams<TicketId>,
    Caller(actor): Caller,
    QueryParams(params): QueryParams<StreamParams>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let resume = match headers.get("last-event-id") {
        None => None,
        Some(value) => Some(
            value
                .to_str()
                .ok()
                .and_then(|v| v.trim().parse::<u64>().ok())
                .ok_or_else(|| {
                    Problem::parameter("Last-Event-ID", "send the id of the last event received")
                })?,
        ),
    };
    let Some(now) = state.desk.ticket(actor.clone(), id).await? else {
        return Err(not_found(id));
    };
    let after = resume.or(params.after).unwrap_or(now.version);
    let poll = state.options.poll_interval;
    Ok(Sse::new(stream_after(state, actor, id, after, poll))
        .keep_alive(KeepAlive::default())
        .into_response())
}

/// Where a stream is: the last version sent, and events found but not yet
/// sent.
struct Cursor {
    state: Arc<State>,
    actor: Actor,
    ticket: TicketId,
    after: u64,
    pending: std::collections::VecDeque<EventView>,
    first: bool,
}

fn stream_after(
    state: Arc<State>,
    actor: Actor,
    ticket: TicketId,
    after: u64,
    poll: Duration,
) -> impl Stream<Item = Result<Event, Infallible>> {
    let cursor = Cursor {
        state,
        actor,
        ticket,
        after,
        pending: Default::default(),
        first: true,
    };
    stream::unfold(cursor, move |mut cursor| async move {
        loop {
            if let Some(next) = cursor.pending.pop_front() {
                let event = Event::default()
                    .id(next.version.to_string())
                    .event(next.change)
                    .json_data(&next)
                    .unwrap_or_else(|_| Event::default().comment("unencodable"));
                return Some((Ok(event), cursor));
            }
            if !cursor.first {
                tokio::time::sleep(poll).await;
            }
            cursor.first = false;
            let found = cursor
                .state
                .desk
                .events_after(cursor.actor.clone(), cursor.ticket, cursor.after)
                .await;
            match found {
                // Out of reach now, or the store failed: the stream ends,
                // and the client may reconnect with Last-Event-ID.
                Ok(None) | Err(_) => return None,
                Ok(Some((events, latest))) => {
                    cursor.after = latest;
                    cursor.pending.extend(events);
                }
            }
        }
    })
    .boxed()
}
