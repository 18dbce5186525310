//! [`Problem`]: every error as RFC 9457 `application/problem+json`, with a
//! stable `code` and, where one field is at fault, its path.

use std::borrow::Cow;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use helpdesk_core::DomainError;
use helpdesk_engine::{DeskError, StoreError};
use serde::Serialize;
use utoipa::ToSchema;

/// The media type of problems.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// An error answer (RFC 9457). `code` is stable: clients branch on it, not
/// on `title` or `detail`, which are for people.
///
/// | code | status | when |
/// |------|--------|------|
/// | `unauthorized` | 401 | the host's resolver found no actor |
/// | `forbidden` | 403 | the actor's role may not do this (dead letters: not an admin of the tenant) |
/// | `not_found` | 404 | no such ticket the actor may see (missing, out of reach, another tenant's), or no dead letter of that id for the actor to revive |
/// | `already_exists` | 409 | the ticket id is taken |
/// | `illegal_transition` | 409 | the lifecycle does not allow it now |
/// | `version_mismatch` | 412 | `If-Match` names a version the ticket moved on from |
/// | `payload_too_large` | 413 | the body is over the router's limit |
/// | `unsupported_media_type` | 415 | the body is not `application/json` |
/// | `invalid` | 422 | the domain refused a value; `field` names it |
/// | `invalid_body` | 422 | the body is not the JSON the endpoint takes; `field` is its path |
/// | `idempotency_key_reused` | 422 | the `Idempotency-Key` was first used for another request |
/// | `invalid_parameter` | 400 | a path or query parameter or a header is malformed; `field` names it |
/// | `invalid_cursor` | 400 | a page cursor not made by this API |
/// | `invalid_query` | 400 | a page size or search out of bounds; `field` names it |
/// | `contended` | 503 | the ticket kept changing; retry after `Retry-After` seconds |
/// | `internal` | 500 | the store failed; nothing is told of why |
///
/// ```
/// use helpdesk_axum::Problem;
/// use axum::http::StatusCode;
///
/// let problem = Problem::new(StatusCode::BAD_REQUEST, "invalid_parameter", "limit is not a number")
///     .field("limit");
/// let json = serde_json::to_value(&problem)?;
/// assert_eq!(json["code"], "invalid_parameter");
/// assert_eq!(json["status"], 400);
/// assert_eq!(json["field"], "limit");
/// assert_eq!(json["type"], "urn:helpdesk:problem:invalid_parameter");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Problem {
    /// `urn:helpdesk:problem:<code>`.
    #[serde(rename = "type")]
    pub kind: String,
    /// A short summary of the kind of problem.
    pub title: Cow<'static, str>,
    /// The HTTP status.
    pub status: u16,
    /// What was wrong, with what value, and what to do.
    pub detail: String,
    /// The stable code (see the table).
    pub code: Cow<'static, str>,
    /// The path of the field at fault, if one is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Seconds to wait before retrying (`contended` only).
    #[serde(skip)]
    pub retry_after: Option<u32>,
}

impl Problem {
    /// A problem with `status`, a stable `code` and a `detail`.
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> Self {
        Self {
            kind: format!("urn:helpdesk:problem:{code}"),
            title: Cow::Borrowed(status.canonical_reason().unwrap_or("Error")),
            status: status.as_u16(),
            detail: detail.into(),
            code: Cow::Borrowed(code),
            field: None,
            retry_after: None,
        }
    }

    /// The problem naming the field at fault.
    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    /// The status as a [`StatusCode`].
    pub fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    /// A malformed parameter or header.
    pub(crate) fn parameter(field: &str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_parameter", detail).field(field)
    }
}

impl From<DeskError> for Problem {
    fn from(error: DeskError) -> Self {
        let detail = error.to_string();
        match error {
            DeskError::Rejected(rejected) => match rejected {
                DomainError::NotFound { .. } => {
                    Problem::new(StatusCode::NOT_FOUND, "not_found", detail)
                }
                DomainError::AlreadyExists { .. } => {
                    Problem::new(StatusCode::CONFLICT, "already_exists", detail)
                }
                DomainError::Forbidden { .. } => {
                    Problem::new(StatusCode::FORBIDDEN, "forbidden", detail)
                }
                DomainError::IllegalTransition { .. } => {
                    Problem::new(StatusCode::CONFLICT, "illegal_transition", detail)
                }
                DomainError::Invalid(invalid) => {
                    Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", detail)
                        .field(invalid.field.into_owned())
                }
                _ => internal(),
            },
            DeskError::AdminOnly { .. } => Problem::new(StatusCode::FORBIDDEN, "forbidden", detail),
            DeskError::NoDeadLetter { .. } => {
                Problem::new(StatusCode::NOT_FOUND, "not_found", detail)
            }
            DeskError::VersionMismatch { .. } => {
                Problem::new(StatusCode::PRECONDITION_FAILED, "version_mismatch", detail)
                    .field("If-Match")
            }
            DeskError::CommandIdReused { .. } => Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "idempotency_key_reused",
                "this Idempotency-Key was first used for another request; send a new key for a new request",
            )
            .field("Idempotency-Key"),
            DeskError::Contended { .. } => {
                let mut problem =
                    Problem::new(StatusCode::SERVICE_UNAVAILABLE, "contended", detail);
                problem.retry_after = Some(1);
                problem
            }
            DeskError::Store(StoreError::InvalidCursor(_)) => {
                Problem::new(StatusCode::BAD_REQUEST, "invalid_cursor", detail).field("cursor")
            }
            DeskError::Store(StoreError::InvalidQuery { field, .. }) => {
                Problem::new(StatusCode::BAD_REQUEST, "invalid_query", detail).field(field)
            }
            _ => internal(),
        }
    }
}

/// A failure the client cannot mend, told nothing of.
pub(crate) fn internal() -> Problem {
    Problem::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "the desk could not answer; retrying with the same Idempotency-Key is safe",
    )
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = self.status_code();
        let retry_after = self.retry_after;
        let body = serde_json::to_vec(&self).unwrap_or_default();
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if let Some(seconds) = retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use axum::body::to_bytes;
    use helpdesk_core::TicketId;
    use helpdesk_engine::StoreError;

    use super::*;

    async fn answer(error: DeskError) -> (StatusCode, Option<String>, serde_json::Value) {
        let response = Problem::from(error).into_response();
        let status = response.status();
        let retry = response
            .headers()
            .get(header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = to_bytes(response.into_body(), 64 * 1024)
            .await
            .unwrap_or_default();
        let json = serde_json::from_slice(&body).unwrap_or_default();
        (status, retry, json)
    }

    #[tokio::test]
    async fn contention_is_503_with_retry_after() {
        // Given a command that lost the race for its ticket too often
        let error = DeskError::Contended {
            ticket: TicketId::from_u128(1),
            attempts: 8,
        };
        // When it is answered
        let (status, retry, body) = answer(error).await;
        // Then the client is told to come back, and when
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(retry.as_deref(), Some("1"));
        assert_eq!(body["code"], "contended");
    }

    #[tokio::test]
    async fn a_store_failure_is_500_and_tells_nothing_of_the_store() {
        // Given a store that failed with a message naming its file
        let error = DeskError::Store(StoreError::backend(
            "sqlite",
            std::io::Error::other("disk I/O error at /var/lib/desk/secret.db"),
        ));
        // When it is answered
        let (status, retry, body) = answer(error).await;
        // Then the client learns it may retry, and nothing of the backend
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(retry, None);
        assert_eq!(body["code"], "internal");
        let text = body.to_string();
        assert!(
            !text.contains("secret.db") && !text.contains("sqlite"),
            "{text}"
        );
    }
}
