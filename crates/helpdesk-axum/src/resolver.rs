//! [`ActorResolver`]: how the host turns a request into an [`Actor`].

use std::future::Future;

use axum::http::request::Parts;
use futures_util::future::BoxFuture;
use helpdesk_core::Actor;

/// Why a request carries no actor: answered `401 Unauthorized` with the
/// reason as the problem's detail. Say what is missing, never why a
/// credential failed in a way that helps guessing.
///
/// ```
/// use helpdesk_axum::Unauthorized;
/// let missing = Unauthorized::new("send a bearer token");
/// assert_eq!(missing.to_string(), "unauthorized: send a bearer token");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unauthorized: {reason}")]
pub struct Unauthorized {
    /// What the client should send.
    pub reason: String,
}

impl Unauthorized {
    /// A refusal for `reason`.
    pub fn new(reason: impl Into<String>) -> Self {
        Self {
            reason: reason.into(),
        }
    }
}

/// The host's authentication: the request's head (headers, URI,
/// extensions a middleware put there) to the [`Actor`] it acts as, or
/// [`Unauthorized`].
///
/// The library trusts the actor as given (SECURITY.md): the resolver is
/// where the host checks a session or a token. A closure
/// `Fn(&Parts) -> Result<Actor, Unauthorized>` is a resolver; implement the
/// trait for one that must await (a session store, say).
///
/// ```
/// use axum::http::request::Parts;
/// use helpdesk_axum::{ActorResolver, Unauthorized};
/// use helpdesk_core::{Actor, ActorId, TenantId};
///
/// struct Sessions;
///
/// impl ActorResolver for Sessions {
///     async fn resolve(&self, parts: &Parts) -> Result<Actor, Unauthorized> {
///         match parts.headers.get("x-session").map(|v| v.as_bytes()) {
///             Some(b"alice-session") => {
///                 Ok(Actor::requester(ActorId::from_u128(1), TenantId::from_u128(1)))
///             }
///             _ => Err(Unauthorized::new("send a valid x-session header")),
///         }
///     }
/// }
/// ```
pub trait ActorResolver: Send + Sync + 'static {
    /// The actor of the request whose head is `parts`.
    fn resolve(&self, parts: &Parts) -> impl Future<Output = Result<Actor, Unauthorized>> + Send;
}

impl<F> ActorResolver for F
where
    F: Fn(&Parts) -> Result<Actor, Unauthorized> + Send + Sync + 'static,
{
    fn resolve(&self, parts: &Parts) -> impl Future<Output = Result<Actor, Unauthorized>> + Send {
        std::future::ready(self(parts))
    }
}

/// [`ActorResolver`] as a trait object.
pub(crate) trait DynResolver: Send + Sync + 'static {
    fn resolve_dyn<'a>(&'a self, parts: &'a Parts) -> BoxFuture<'a, Result<Actor, Unauthorized>>;
}

impl<R: ActorResolver> DynResolver for R {
    fn resolve_dyn<'a>(&'a self, parts: &'a Parts) -> BoxFuture<'a, Result<Actor, Unauthorized>> {
        Box::pin(self.resolve(parts))
    }
}
