//! The endpoints: one handler per command a person issues, and the reads.
//! Each answers what the caller may see, through the engine's views.

use std::sync::Arc;

use axum::extract::{OriginalUri, State as With};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::Response;
use helpdesk_core::{Actor, ActorId, Command, Link, LinkKind, TicketId, TicketNumber};
use helpdesk_engine::view::{EventView, Outcome, Page, TicketSummary, TicketView};
use helpdesk_engine::{CommandId, Request, new_ticket_id};

use crate::State;
use crate::bodies::{
    AssignBody, CommentBody, FieldBody, GroupBody, HistoryParams, ImpactBody, LinkBody, MergeBody,
    OpenBody, PriorityBody, QueueParams, ResolveBody, SearchParams, StatusBody, TagBody, WatchBody,
    comment_id,
};
use crate::extract::{
    Caller, IDEMPOTENT_REPLAYED, JsonBody, PathParams, Preconditions, QueryParams, etag, json,
};
use crate::problem::Problem;

type Api = With<Arc<State>>;
type Answer = Result<Response, Problem>;

/// The command id of a request: from the client's key, scoped to the
/// caller, or a fresh one.
fn command_id(actor: &Actor, pre: &Preconditions) -> CommandId {
    match &pre.key {
        Some(key) => CommandId::for_client_key(actor, key),
        None => CommandId::new(),
    }
}

/// Executes `command` on `ticket` and answers its outcome as `actor` may
/// see it, with the ticket's `ETag`; `201 Created` at `created` when the
/// command opened the ticket there.
async fn execute(
    state: &State,
    actor: Actor,
    ticket: TicketId,
    id: CommandId,
    expected: Option<u64>,
    command: Command,
    created: Option<String>,
) -> Answer {
    let status = if created.is_some() {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let location = created;
    let mut request = Request::new(actor.clone(), ticket, command);
    request.id = id;
    request.expected_version = expected;
    let executed = state.desk.execute(request).await?;
    let outcome = state.desk.outcome(executed, actor).await;
    let mut response = json(status, &outcome);
    let headers = response.headers_mut();
    if let Ok(tag) = HeaderValue::from_str(&etag(outcome.version)) {
        headers.insert(header::ETAG, tag);
    }
    if outcome.replayed {
        headers.insert(
            HeaderName::from_static(IDEMPOTENT_REPLAYED),
            HeaderValue::from_static("true"),
        );
    }
    if let Some(location) = location.and_then(|l| HeaderValue::from_str(&l).ok()) {
        headers.insert(header::LOCATION, location);
    }
    Ok(response)
}

/// A change to an existing ticket.
async fn change(
    state: &State,
    actor: Actor,
    ticket: TicketId,
    pre: Preconditions,
    command: impl FnOnce(CommandId) -> Command,
) -> Answer {
    let id = command_id(&actor, &pre);
    let command = command(id);
    execute(state, actor, ticket, id, pre.expected, command, None).await
}

/// Declares a change endpoint's OpenAPI operation: its problems are the
/// same for every change. `actor = "..."` describes an `{actor}` path
/// parameter after the ticket's.
macro_rules! change_path {
    ($method:ident, $path:literal $(, actor = $actor:literal)?, $op:literal, $summary:literal, body = $body:ident, $item:item) => {
        #[utoipa::path(
            $method,
            path = $path,
            operation_id = $op,
            summary = $summary,
            tag = "commands",
            params(
                ("id" = uuid::Uuid, Path, description = "The ticket."),
                $(("actor" = uuid::Uuid, Path, description = $actor),)?
                ("Idempotency-Key" = Option<String>, Header, description = "Names the request: a retry with the same key applies once and answers the first response."),
                ("If-Match" = Option<String>, Header, description = "The ticket's ETag as last read: refused with 412 once the ticket moved on."),
            ),
            request_body(content = $body, content_type = "application/json"),
            responses(
                (status = 200, description = "Done (or the first answer again, with `Idempotent-Replayed: true`).", body = Outcome),
                (status = 400, description = "A malformed parameter or header.", body = Problem, content_type = "application/problem+json"),
                (status = 401, description = "No actor.", body = Problem, content_type = "application/problem+json"),
                (status = 403, description = "The role may not.", body = Problem, content_type = "application/problem+json"),
                (status = 404, description = "No such ticket the caller may see.", body = Problem, content_type = "application/problem+json"),
                (status = 409, description = "The lifecycle does not allow it now.", body = Problem, content_type = "application/problem+json"),
                (status = 412, description = "The ticket moved on from If-Match.", body = Problem, content_type = "application/problem+json"),
                (status = 413, description = "The body is too large.", body = Problem, content_type = "application/problem+json"),
                (status = 415, description = "The body is not JSON.", body = Problem, content_type = "application/problem+json"),
                (status = 422, description = "An invalid value, or a reused Idempotency-Key.", body = Problem, content_type = "application/problem+json"),
                (status = 500, description = "The desk could not answer.", body = Problem, content_type = "application/problem+json"),
                (status = 503, description = "The ticket kept changing: retry after Retry-After.", body = Problem, content_type = "application/problem+json"),
            ),
            security(("actor" = [])),
        )]
        $item
    };
    ($method:ident, $path:literal $(, actor = $actor:literal)?, $op:literal, $summary:literal, $item:item) => {
        #[utoipa::path(
            $method,
            path = $path,
            operation_id = $op,
            summary = $summary,
            tag = "commands",
            params(
                ("id" = uuid::Uuid, Path, description = "The ticket."),
                $(("actor" = uuid::Uuid, Path, description = $actor),)?
                ("Idempotency-Key" = Option<String>, Header, description = "Names the request: a retry with the same key applies once and answers the first response."),
                ("If-Match" = Option<String>, Header, description = "The ticket's ETag as last read: refused with 412 once the ticket moved on."),
            ),
            responses(
                (status = 200, description = "Done (or the first answer again, with `Idempotent-Replayed: true`).", body = Outcome),
                (status = 400, description = "A malformed parameter or header.", body = Problem, content_type = "application/problem+json"),
                (status = 401, description = "No actor.", body = Problem, content_type = "application/problem+json"),
                (status = 403, description = "The role may not.", body = Problem, content_type = "application/problem+json"),
                (status = 404, description = "No such ticket the caller may see.", body = Problem, content_type = "application/problem+json"),
                (status = 409, description = "The lifecycle does not allow it now.", body = Problem, content_type = "application/problem+json"),
                (status = 412, description = "The ticket moved on from If-Match.", body = Problem, content_type = "application/problem+json"),
                (status = 422, description = "An invalid value, or a reused Idempotency-Key.", body = Problem, content_type = "application/problem+json"),
                (status = 500, description = "The desk could not answer.", body = Problem, content_type = "application/problem+json"),
                (status = 503, description = "The ticket kept changing: retry after Retry-After.", body = Problem, content_type = "application/problem+json"),
            ),
            security(("actor" = [])),
        )]
        $item
    };
}

/// Opens a ticket: 201 with its `Location`.
#[utoipa::path(
    post,
    path = "/tickets",
    operation_id = "open",
    summary = "Open a ticket",
    tag = "commands",
    params(
        ("Idempotency-Key" = Option<String>, Header, description = "Names the request: a retry with the same key opens one ticket and answers the first response."),
    ),
    request_body(content = OpenBody, content_type = "application/json"),
    responses(
        (status = 201, description = "Opened (or the first answer again, with `Idempotent-Replayed: true`).", body = Outcome,
            headers(("Location" = String, description = "The ticket's URL."), ("ETag" = String, description = "The ticket's version."))),
        (status = 400, description = "A malformed header.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No actor.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The ticket id is taken.", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is too large.", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not JSON.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An invalid value, or a reused Idempotency-Key.", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "The desk could not answer.", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Retry after Retry-After.", body = Problem, content_type = "application/problem+json"),
    ),
    security(("actor" = [])),
)]
pub(crate) async fn open(
    With(state): Api,
    OriginalUri(uri): OriginalUri,
    Caller(actor): Caller,
    pre: Preconditions,
    JsonBody(body): JsonBody<OpenBody>,
) -> Answer {
    let id = command_id(&actor, &pre);
    // A retry under the same key opens the same ticket.
    let ticket = match pre.key {
        Some(_) => TicketId::from_uuid(id.as_uuid()),
        None => new_ticket_id(),
    };
    let location = format!("{}/{ticket}", uri.path().trim_end_matches('/'));
    let command = body.command(actor.id);
    execute(
        &state,
        actor,
        ticket,
        id,
        pre.expected,
        command,
        Some(location),
    )
    .await
}

change_path!(
    post,
    "/tickets/{id}/replies",
    "reply",
    "Reply (public)",
    body = CommentBody,
    pub(crate) async fn reply(
        With(state): Api,
        PathParams(ticket): PathParams<TicketId>,
        Caller(actor): Caller,
        pre: Preconditions,
        JsonBody(body): JsonBody<CommentBody>,
    ) -> Answer {
        change(&state, actor, ticket, pre, |id| Command::Reply {
            comment: comment_id(id),
            body: body.body,
            attachments: Vec::new(),
        })
        .await
    }
);

change_path!(
    post,
    "/tickets/{id}/notes",
    "note",
    "Add an internal note (staff)",
    body = CommentBody,
    pub(crate) async fn note(
        With(state): Api,
        PathParams(ticket): PathParams<TicketId>,
        Caller(actor): Caller,
        pre: Preconditions,
        JsonBody(body): JsonBody<CommentBody>,
    ) -> Answer {
        change(&state, actor, ticket, pre, |id| {
            Command::note(comment_id(id), body.body)
        })
        .await
    }
);

change_path!(
    put,
    "/tickets/{id}/assignee",
    "assign",
    "Assign to an agent, or unassign",
    body = AssignBody,
    pub(crate) async fn assign(
        With(state): Api,
        PathParams(ticket): PathParams<TicketId>,
        Caller(actor): Caller,
        pre: Preconditions,
        JsonBody(body): JsonBody<AssignBody>,
    ) -> Answer {
        change(&state, actor, ticket, pre, |_| match body.assignee {
            Some(assignee) => Command::Assign { assignee },
            None => Command::Unassign,
        })
        .await
    }
);

change_path!(
    put,
    "/tickets/{id}/group",
    "set_group",
    "Move to a group (queue)",
    body = GroupBody,
    pub(crate) async fn group(
        With(state): Api,
        PathParams(ticket): PathParams<TicketId>,
        Caller(actor): Caller,
        pre: Preconditions,
        JsonBody(body): JsonBody<GroupBody>,
    ) -> Answer {
        change(&state, actor, ticket, pre, |_| Command::SetGroup {
            group: body.group,
        })
        .await
    }
);

change_path!(
    put,
    "/tickets/{id}/status",
    "set_status",
    "Change the status",
    body = StatusBody,
    pub(crate) async fn status(
        With(state): Api,
        PathParams(ticket): PathParams<TicketId>,
        Caller(actor): Caller,
        pre: Preconditions,
        JsonBody(body): JsonBody<StatusBody>,
    ) -> Answer {
        change(&state, actor, ticket, pre, |_| Command::ChangeStatus {
            status: body.target(),
        })
        .await
    }
);

change_path!(
    put,
    "/tickets/{id}/priority",
    "set_priority",
    "Override the priority, or go back to the matrix's",
    body = PriorityBody,
    pub(crate) async fn priority(
        With(state): Api,
        PathParams(ticket): PathParams<TicketId>,
        Caller(actor): Caller,
        pre: Preconditions,
        JsonBody(body): JsonBody<PriorityBody>,
    ) -> Answer {
        change(&state, actor, ticket, pre, |_| Command::OverridePriority {
            priority: body.priority,
            reason: body.reason,
        })
        .await
    }
);

change_path!(
    put,
    "/tickets/{id}/impact",
    "set_impact",
    "Set impact and urgency",
    body = ImpactBody,
    pub(crate) async fn impact(
        With(state): Api,
        PathParams(ticket): PathParams<TicketId>,
        Caller(actor): Caller,
        pre: Preconditions,
        JsonBody(body): JsonBody<ImpactBody>,
    ) -> Answer {
        change(&state, actor, ticket, pre, |_| Command::SetImpactUrgency {
            impact: body.impact,
            urgency: body.urgency,
        })
        .await
    }
);

change_path!(
    post,
    "/tickets/{id}/tags",
    "tag",
    "Add a tag",
    body = TagBody,
    pub(crate) async fn tag(
        With(state): Api,
        PathParams(ticket): PathParams<TicketId>,
        Caller(actor): Caller,
        pre: Preconditions,
        JsonBody(body): JsonBody<TagBody>,
    ) -> Answer {
        change(&state, actor, ticket, pre, |_| Command::Tag {
            tag: body.tag,
        })
        .await
    }
);

/// Removes a tag.
#[utoipa::path(
    delete,
    path = "/tickets/{id}/tags/{tag}",
    operation_id = "untag",
    summary = "Remove a tag",
    tag = "commands",
    params(
        ("id" = uuid::Uuid, Path, description = "The ticket."),
        ("tag" = String, Path, description = "The tag."),
        ("Idempotency-Key" = Option<String>, Header, description = "Names the request."),
        ("If-Match" = Option<String>, Header, description = "The ticket's ETag as last read."),
    ),
    responses(
        (status = 200, description = "Done.", body = Outcome),
        (status = 400, description = "A malformed parameter or header.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No actor.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such ticket the caller may see.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not now.", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The ticket moved on from If-Match.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An invalid value, or a reused Idempotency-Key.", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "The desk could not answer.", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Retry after Retry-After.", body = Problem, content_type = "application/problem+json"),
    ),
    security(("actor" = [])),
)]
pub(crate) async fn untag(
    With(state): Api,
    PathParams((ticket, tag)): PathParams<(TicketId, String)>,
    Caller(actor): Caller,
    pre: Preconditions,
) -> Answer {
    change(&state, actor, ticket, pre, |_| Command::Untag { tag }).await
}

change_path!(
    put,
    "/tickets/{id}/watchers/{actor}",
    actor = "Who watches.",
    "watch",
    "Add a watcher, in the role the body names (by default the one the desk's directory knows): staff add anyone of the tenant, a requester only themselves",
    body = WatchBody,
    pub(crate) async fn watch(
        With(state): Api,
        PathParams((ticket, watcher)): PathParams<(TicketId, ActorId)>,
        Caller(actor): Caller,
        pre: Preconditions,
        JsonBody(body): JsonBody<WatchBody>,
    ) -> Answer {
        let known = if body.role.is_none() && watcher != actor.id {
            state.desk.known_role(actor.tenant, watcher).await?
        } else {
            None
        };
        let command = body.command(&actor, watcher, known);
        change(&state, actor, ticket, pre, |_| command).await
    }
);

change_path!(
    delete,
    "/tickets/{id}/watchers/{actor}",
    actor = "Who stops watching.",
    "unwatch",
    "Remove a watcher: staff remove anyone, a requester only themselves",
    pub(crate) async fn unwatch(
        With(state): Api,
        PathParams((ticket, watcher)): PathParams<(TicketId, ActorId)>,
        Caller(actor): Caller,
        pre: Preconditions,
    ) -> Answer {
        change(&state, actor, ticket, pre, |_| Command::Unwatch { watcher }).await
    }
);

/// Sets a custom field.
#[utoipa::path(
    put,
    path = "/tickets/{id}/fields/{key}",
    operation_id = "set_field",
    summary = "Set a custom field",
    tag = "commands",
    params(
        ("id" = uuid::Uuid, Path, description = "The ticket."),
        ("key" = String, Path, description = "The field's key."),
        ("Idempotency-Key" = Option<String>, Header, description = "Names the request."),
        ("If-Match" = Option<String>, Header, description = "The ticket's ETag as last read."),
    ),
    request_body(content = FieldBody, content_type = "application/json"),
    responses(
        (status = 200, description = "Done.", body = Outcome),
        (status = 400, description = "A malformed parameter or header.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No actor.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such ticket the caller may see.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not now.", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The ticket moved on from If-Match.", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is too large.", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not JSON.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An invalid value, or a reused Idempotency-Key.", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "The desk could not answer.", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Retry after Retry-After.", body = Problem, content_type = "application/problem+json"),
    ),
    security(("actor" = [])),
)]
pub(crate) async fn set_field(
    With(state): Api,
    PathParams((ticket, key)): PathParams<(TicketId, String)>,
    Caller(actor): Caller,
    pre: Preconditions,
    JsonBody(body): JsonBody<FieldBody>,
) -> Answer {
    change(&state, actor, ticket, pre, |_| Command::SetField {
        key,
        value: Some(body.value),
    })
    .await
}

/// Clears a custom field.
#[utoipa::path(
    delete,
    path = "/tickets/{id}/fields/{key}",
    operation_id = "clear_field",
    summary = "Clear a custom field",
    tag = "commands",
    params(
        ("id" = uuid::Uuid, Path, description = "The ticket."),
        ("key" = String, Path, description = "The field's key."),
        ("Idempotency-Key" = Option<String>, Header, description = "Names the request."),
        ("If-Match" = Option<String>, Header, description = "The ticket's ETag as last read."),
    ),
    responses(
        (status = 200, description = "Done.", body = Outcome),
        (status = 400, description = "A malformed parameter or header.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No actor.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such ticket the caller may see.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not now.", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The ticket moved on from If-Match.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An invalid value, or a reused Idempotency-Key.", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "The desk could not answer.", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Retry after Retry-After.", body = Problem, content_type = "application/problem+json"),
    ),
    security(("actor" = [])),
)]
pub(crate) async fn clear_field(
    With(state): Api,
    PathParams((ticket, key)): PathParams<(TicketId, String)>,
    Caller(actor): Caller,
    pre: Preconditions,
) -> Answer {
    change(&state, actor, ticket, pre, |_| Command::SetField {
        key,
        value: None,
    })
    .await
}

change_path!(
    post,
    "/tickets/{id}/resolve",
    "resolve",
    "Resolve",
    body = ResolveBody,
    pub(crate) async fn resolve(
        With(state): Api,
        PathParams(ticket): PathParams<TicketId>,
        Caller(actor): Caller,
        pre: Preconditions,
        JsonBody(body): JsonBody<ResolveBody>,
    ) -> Answer {
        change(&state, actor, ticket, pre, |_| body.command()).await
    }
);

change_path!(
    post,
    "/tickets/{id}/reopen",
    "reopen",
    "Reopen a resolved ticket",
    pub(crate) async fn reopen(
        With(state): Api,
        PathParams(ticket): PathParams<TicketId>,
        Caller(actor): Caller,
        pre: Preconditions,
    ) -> Answer {
        change(&state, actor, ticket, pre, |_| Command::Reopen).await
    }
);

change_path!(
    post,
    "/tickets/{id}/close",
    "close",
    "Close",
    pub(crate) async fn close(
        With(state): Api,
        PathParams(ticket): PathParams<TicketId>,
        Caller(actor): Caller,
        pre: Preconditions,
    ) -> Answer {
        change(&state, actor, ticket, pre, |_| Command::Close).await
    }
);

change_path!(
    post,
    "/tickets/{id}/merge",
    "merge",
    "Merge into another ticket",
    body = MergeBody,
    pub(crate) async fn merge(
        With(state): Api,
        PathParams(ticket): PathParams<TicketId>,
        Caller(actor): Caller,
        pre: Preconditions,
        JsonBody(body): JsonBody<MergeBody>,
    ) -> Answer {
        change(&state, actor, ticket, pre, |_| Command::Merge {
            into: body.into,
        })
        .await
    }
);

change_path!(
    post,
    "/tickets/{id}/links",
    "link",
    "Link to another ticket",
    body = LinkBody,
    pub(crate) async fn link(
        With(state): Api,
        PathParams(ticket): PathParams<TicketId>,
        Caller(actor): Caller,
        pre: Preconditions,
        JsonBody(body): JsonBody<LinkBody>,
    ) -> Answer {
        change(&state, actor, ticket, pre, |_| Command::Link {
            link: body.link(),
        })
        .await
    }
);

/// Removes a link.
#[utoipa::path(
    delete,
    path = "/tickets/{id}/links/{kind}/{other}",
    operation_id = "unlink",
    summary = "Remove a link",
    tag = "commands",
    params(
        ("id" = uuid::Uuid, Path, description = "The ticket."),
        ("kind" = helpdesk_engine::view::schema::LinkKind, Path, description = "How the other ticket relates to this one."),
        ("other" = uuid::Uuid, Path, description = "The other ticket."),
        ("Idempotency-Key" = Option<String>, Header, description = "Names the request."),
        ("If-Match" = Option<String>, Header, description = "The ticket's ETag as last read."),
    ),
    responses(
        (status = 200, description = "Done.", body = Outcome),
        (status = 400, description = "A malformed parameter or header.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No actor.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such ticket the caller may see.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not now.", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The ticket moved on from If-Match.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An invalid value, or a reused Idempotency-Key.", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "The desk could not answer.", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Retry after Retry-After.", body = Problem, content_type = "application/problem+json"),
    ),
    security(("actor" = [])),
)]
pub(crate) async fn unlink(
    With(state): Api,
    PathParams((ticket, kind, other)): PathParams<(TicketId, LinkKind, TicketId)>,
    Caller(actor): Caller,
    pre: Preconditions,
) -> Answer {
    let link = Link {
        kind,
        ticket: other,
    };
    change(&state, actor, ticket, pre, |_| Command::Unlink { link }).await
}

/// Reads a ticket, with its `ETag`.
#[utoipa::path(
    get,
    path = "/tickets/{id}",
    operation_id = "ticket",
    summary = "Read a ticket",
    tag = "reads",
    params(("id" = uuid::Uuid, Path, description = "The ticket.")),
    responses(
        (status = 200, description = "The ticket as the caller may see it.", body = TicketView,
            headers(("ETag" = String, description = "The ticket's version, for If-Match."))),
        (status = 400, description = "A malformed parameter.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No actor.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such ticket the caller may see.", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "The desk could not answer.", body = Problem, content_type = "application/problem+json"),
    ),
    security(("actor" = [])),
)]
pub(crate) async fn ticket(
    With(state): Api,
    PathParams(id): PathParams<TicketId>,
    Caller(actor): Caller,
) -> Answer {
    let Some(view) = state.desk.ticket(actor, id).await? else {
        return Err(not_found(id));
    };
    Ok(with_etag(&view))
}

/// Reads a ticket by its number in the caller's tenant, with its `ETag`.
#[utoipa::path(
    get,
    path = "/tickets/by-number/{number}",
    operation_id = "ticket_by_number",
    summary = "Read a ticket by its number",
    description = "The ticket numbered `number` (`1042` for `#1042`) in the caller's tenant. A number out of the caller's reach answers 404 exactly as a number no ticket has.",
    tag = "reads",
    params(("number" = u64, Path, minimum = 1, description = "The ticket's number, without `#`.")),
    responses(
        (status = 200, description = "The ticket as the caller may see it.", body = TicketView,
            headers(("ETag" = String, description = "The ticket's version, for If-Match."))),
        (status = 400, description = "A malformed parameter.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No actor.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such ticket the caller may see.", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "The desk could not answer.", body = Problem, content_type = "application/problem+json"),
    ),
    security(("actor" = [])),
)]
pub(crate) async fn ticket_by_number(
    With(state): Api,
    PathParams(number): PathParams<TicketNumber>,
    Caller(actor): Caller,
) -> Answer {
    let Some(view) = state.desk.ticket_by_number(actor, number).await? else {
        return Err(Problem::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("ticket {number} not found"),
        ));
    };
    Ok(with_etag(&view))
}

/// A ticket view as the body, its version as the `ETag`.
fn with_etag(view: &TicketView) -> Response {
    let mut response = json(StatusCode::OK, view);
    if let Ok(tag) = HeaderValue::from_str(&etag(view.version)) {
        response.headers_mut().insert(header::ETAG, tag);
    }
    response
}

pub(crate) fn not_found(id: TicketId) -> Problem {
    Problem::new(
        StatusCode::NOT_FOUND,
        "not_found",
        format!("ticket {id} not found"),
    )
}

/// Reads a ticket's history.
#[utoipa::path(
    get,
    path = "/tickets/{id}/history",
    operation_id = "history",
    summary = "Read a ticket's history",
    tag = "reads",
    params(("id" = uuid::Uuid, Path, description = "The ticket."), HistoryParams),
    responses(
        (status = 200, description = "The events the caller may see, oldest first; empty when the ticket is not theirs to see.", body = Page<EventView>),
        (status = 400, description = "A malformed parameter, cursor or limit.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No actor.", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "The desk could not answer.", body = Problem, content_type = "application/problem+json"),
    ),
    security(("actor" = [])),
)]
pub(crate) async fn history(
    With(state): Api,
    PathParams(id): PathParams<TicketId>,
    Caller(actor): Caller,
    QueryParams(params): QueryParams<HistoryParams>,
) -> Answer {
    let limit = params
        .limit
        .unwrap_or_else(|| state.desk.history_page_max().min(100));
    let page = state.desk.history(actor, id, params.cursor, limit).await?;
    Ok(json(StatusCode::OK, &page))
}

/// Lists the tickets the caller reaches.
#[utoipa::path(
    get,
    path = "/tickets",
    operation_id = "queue",
    summary = "List tickets (a queue)",
    tag = "reads",
    params(QueueParams),
    responses(
        (status = 200, description = "One page of the tickets the caller reaches.", body = Page<TicketSummary>),
        (status = 400, description = "A malformed parameter, cursor or limit.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No actor.", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "The desk could not answer.", body = Problem, content_type = "application/problem+json"),
    ),
    security(("actor" = [])),
)]
pub(crate) async fn queue(
    With(state): Api,
    Caller(actor): Caller,
    QueryParams(params): QueryParams<QueueParams>,
) -> Answer {
    let page = state
        .desk
        .queue(
            actor,
            params.filter(),
            params.order.unwrap_or_default(),
            params.cursor,
            params.limit.unwrap_or(50),
        )
        .await?;
    Ok(json(StatusCode::OK, &page))
}

/// Searches the tickets the caller reaches.
#[utoipa::path(
    get,
    path = "/search",
    operation_id = "search",
    summary = "Search tickets",
    tag = "reads",
    params(SearchParams),
    responses(
        (status = 200, description = "The tickets the caller reaches whose text holds every word (requesters: public text only).", body = Page<TicketSummary>),
        (status = 400, description = "A malformed parameter, or a search out of bounds.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No actor.", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "The desk could not answer.", body = Problem, content_type = "application/problem+json"),
    ),
    security(("actor" = [])),
)]
pub(crate) async fn search(
    With(state): Api,
    Caller(actor): Caller,
    QueryParams(params): QueryParams<SearchParams>,
) -> Answer {
    let page = state
        .desk
        .search(actor, params.q, params.limit.unwrap_or(50))
        .await?;
    Ok(json(StatusCode::OK, &page))
}

/// The handler of a path and method the API does not have.
pub(crate) async fn no_route() -> Problem {
    Problem::new(
        StatusCode::NOT_FOUND,
        "no_route",
        "no such endpoint; see /openapi.json",
    )
}
