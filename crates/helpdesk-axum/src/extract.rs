//! Extractors: the caller (through the host's resolver), paths, queries,
//! JSON bodies and the change headers, each refusing bad input as a
//! [`Problem`] that names the part at fault.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use helpdesk_core::Actor;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::State;
use crate::problem::{self, Problem};

/// The header a client names its request with, so a retry applies once.
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";
/// The header on an answer that is the first answer to the same request again.
pub const IDEMPOTENT_REPLAYED: &str = "idempotent-replayed";
/// The longest `Idempotency-Key` taken, in bytes.
pub const IDEMPOTENCY_KEY_MAX: usize = 255;

/// The actor the host's resolver found for the request.
pub(crate) struct Caller(pub Actor);

impl FromRequestParts<Arc<State>> for Caller {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<State>) -> Result<Self, Problem> {
        state
            .resolver
            .resolve_dyn(parts)
            .await
            .map(Caller)
            .map_err(|refused| {
                Problem::new(StatusCode::UNAUTHORIZED, "unauthorized", refused.reason)
            })
    }
}

/// Path parameters, refused as `invalid_parameter`.
pub(crate) struct PathParams<T>(pub T);

impl<T, S> FromRequestParts<S> for PathParams<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| PathParams(p.0))
            .map_err(|rejected| Problem::parameter("path", rejected.body_text()))
    }
}

/// Query parameters, refused as `invalid_parameter`.
pub(crate) struct QueryParams<T>(pub T);

impl<T, S> FromRequestParts<S> for QueryParams<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Problem> {
        let query = parts.uri.query().unwrap_or_default();
        let deserializer =
            serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(deserializer)
            .map(QueryParams)
            .map_err(|error| {
                let path = error.path().to_string();
                let detail = format!("query parameter {path}: {}", error.inner());
                Problem::parameter(&path, detail)
            })
    }
}

/// A JSON body: `application/json`, within the router's size limit, of
/// the endpoint's shape; refused naming the path of the field at fault.
pub(crate) struct JsonBody<T>(pub T);

impl<T, S> FromRequest<S> for JsonBody<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Problem;

    async fn from_request(request: Request, state: &S) -> Result<Self, Problem> {
        let json = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
        if !json {
            return Err(Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "send the body as application/json",
            )
            .field("Content-Type"));
        }
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(too_large_or_unreadable)?;
        parse(&bytes).map(JsonBody)
    }
}

/// The body parsed as `T`, or a problem naming the path of the field at
/// fault.
///
/// A valid body is parsed once, without tracking where the parser is
/// (which costs as much again as the parse itself); only a body that
/// fails is parsed a second time, to name the path of the field at fault.
pub(crate) fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Problem> {
    match serde_json::from_slice(bytes) {
        Ok(value) => Ok(value),
        Err(_) => parse_tracked(bytes),
    }
}

/// [`parse`], tracking the path of each value, so that a failure names the
/// field at fault.
fn parse_tracked<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Problem> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let detail = format!("body at {path}: {}", error.inner());
        Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_body", detail).field(path)
    })?;
    deserializer.end().map_err(|error| {
        Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
            format!("body: {error}"),
        )
        .field(".")
    })?;
    Ok(value)
}

fn too_large_or_unreadable(rejected: BytesRejection) -> Problem {
    if rejected.status() == StatusCode::PAYLOAD_TOO_LARGE {
        Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "the body is over this API's size limit",
        )
    } else {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "invalid_body",
            rejected.body_text(),
        )
    }
}

/// What a change's headers ask: the client's idempotency key and the
/// version it expects (`If-Match`).
pub(crate) struct Preconditions {
    pub key: Option<String>,
    pub expected: Option<u64>,
}

impl<S: Send + Sync> FromRequestParts<S> for Preconditions {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Problem> {
        Ok(Self {
            key: idempotency_key(&parts.headers)?,
            expected: if_match(&parts.headers)?,
        })
    }
}

fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, Problem> {
    let Some(value) = headers.get(IDEMPOTENCY_KEY) else {
        return Ok(None);
    };
    let bad = || {
        Problem::parameter(
            "Idempotency-Key",
            format!("send 1 to {IDEMPOTENCY_KEY_MAX} visible ASCII characters"),
        )
    };
    let key = value.to_str().map_err(|_| bad())?;
    if key.is_empty()
        || key.len() > IDEMPOTENCY_KEY_MAX
        || !key.bytes().all(|b| b.is_ascii_graphic())
    {
        return Err(bad());
    }
    Ok(Some(key.to_owned()))
}

/// `If-Match: "<version>"` (the `ETag` of the ticket), or `*` for any.
fn if_match(headers: &HeaderMap) -> Result<Option<u64>, Problem> {
    let Some(value) = headers.get(header::IF_MATCH) else {
        return Ok(None);
    };
    let bad = || {
        Problem::parameter(
            "If-Match",
            "send the ticket's ETag as it came, a quoted version such as \"3\", or *",
        )
    };
    let text = value.to_str().map_err(|_| bad())?.trim();
    if text == "*" {
        return Ok(None);
    }
    text.strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .and_then(|t| t.parse::<u64>().ok())
        .map(Some)
        .ok_or_else(bad)
}

/// The bytes an answer's JSON is first written into: room for a ticket
/// with a short conversation and the events of one command, so that most
/// answers are written without growing the buffer (axum's `Json` starts at
/// 128 bytes and doubles, copying the answer four times to reach 2 KiB).
const ANSWER_CAPACITY: usize = 4096;

/// `value` as an `application/json` answer with `status`; `internal` if it
/// cannot be written as JSON.
pub(crate) fn json<T: Serialize>(status: StatusCode, value: &T) -> Response {
    let mut body = Vec::with_capacity(ANSWER_CAPACITY);
    if serde_json::to_writer(&mut body, value).is_err() {
        return problem::internal().into_response();
    }
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// The `ETag` of a ticket at `version`.
pub(crate) fn etag(version: u64) -> String {
    format!("\"{version}\"")
}

#[cfg(test)]
mod tests {
    use axum::body::to_bytes;
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Outer {
        name: String,
        inner: Inner,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Inner {
        count: u32,
    }

    #[test]
    fn a_valid_body_parses() {
        let parsed: Result<Outer, Problem> = parse(br#"{"name":"a","inner":{"count":3}}"#);
        assert_eq!(
            parsed,
            Ok(Outer {
                name: "a".into(),
                inner: Inner { count: 3 }
            })
        );
    }

    #[test]
    fn a_bad_field_is_named_by_its_path() {
        let parsed: Result<Outer, Problem> = parse(br#"{"name":"a","inner":{"count":-1}}"#);
        let problem = parsed.err().map(|p| (p.status, p.code, p.field));
        assert_eq!(
            problem,
            Some((422, "invalid_body".into(), Some("inner.count".into())))
        );
    }

    #[test]
    fn trailing_text_after_the_body_is_refused() {
        let parsed: Result<Inner, Problem> = parse(br#"{"count":1} {"count":2}"#);
        let problem = parsed.err().map(|p| (p.code, p.field));
        assert_eq!(problem, Some(("invalid_body".into(), Some(".".into()))));
    }

    #[tokio::test]
    async fn an_answer_is_its_value_as_json() {
        // Larger than the buffer it starts in, so it has to grow.
        let value = serde_json::json!({ "text": "x".repeat(3 * ANSWER_CAPACITY) });
        let response = json(StatusCode::CREATED, &value);
        assert_eq!(response.status(), StatusCode::CREATED);
        assert_eq!(
            response.headers().get(header::CONTENT_TYPE),
            Some(&HeaderValue::from_static("application/json"))
        );
        let body = to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap_or_default();
        assert_eq!(
            serde_json::from_slice::<serde_json::Value>(&body).ok(),
            Some(value)
        );
    }
}
