//! [`WebhookNotifier`]: the [`Notifier`] that posts notifications.

use std::error::Error as _;
use std::net::IpAddr;
use std::time::Duration;

use helpdesk_engine::{Clock, DeliveryId, Notification, Notifier, NotifyError, SystemClock};
use reqwest::{StatusCode, Url};

use crate::address::{self, CheckedResolver, PrivateAddresses, Refused};
use crate::envelope::envelope;
use crate::retry_after;
use crate::signature::{Secret, signature_header};

/// The notifier's name in its errors.
const NAME: &str = "webhook";

/// Where and how a [`WebhookNotifier`] posts.
///
/// ```
/// use std::time::Duration;
/// use helpdesk_webhook::{PrivateAddresses, Secret, WebhookOptions};
///
/// let secret = Secret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?;
/// let options = WebhookOptions::new("https://hooks.example.com/helpdesk", vec![secret]);
/// assert_eq!(options.timeout, Duration::from_secs(10));
/// assert_eq!(options.private_addresses, PrivateAddresses::Refuse);
/// # Ok::<(), helpdesk_webhook::SecretError>(())
/// ```
#[derive(Debug, Clone)]
pub struct WebhookOptions {
    /// The URL of notifications that have no address of their own (a
    /// person told by webhook); a notification for an endpoint of the
    /// desk configuration goes to that endpoint's target instead.
    /// `https://` (or `http://`, which sends ticket content in the clear:
    /// only inside a network the host trusts). Redirects are not followed,
    /// so it must be the final URL.
    pub endpoint: String,
    /// The signing secrets. Each webhook carries one signature per secret:
    /// to rotate, add the new secret, let receivers switch to it, then
    /// remove the old one. At least one.
    pub secrets: Vec<Secret>,
    /// How long one attempt may take, from connecting to the answer's
    /// headers. Default: 10 s.
    pub timeout: Duration,
    /// Whether the URLs posted to, [`endpoint`](Self::endpoint) and the
    /// endpoints' targets alike, may resolve to loopback, private or
    /// link-local addresses. Default: [`PrivateAddresses::Refuse`].
    pub private_addresses: PrivateAddresses,
}

impl WebhookOptions {
    /// Options posting to `endpoint`, signed with `secrets`, with the
    /// default timeout and address rules.
    pub fn new(endpoint: impl Into<String>, secrets: Vec<Secret>) -> Self {
        Self {
            endpoint: endpoint.into(),
            secrets,
            timeout: Duration::from_secs(10),
            private_addresses: PrivateAddresses::Refuse,
        }
    }
}

/// Why a [`WebhookNotifier`] could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// The endpoint is not a URL.
    #[error("the webhook endpoint {endpoint:?} is not a URL: {reason}")]
    Endpoint {
        /// The endpoint as given.
        endpoint: String,
        /// Why it is not one.
        reason: String,
    },
    /// The endpoint's scheme is neither `https` nor `http`.
    #[error("the webhook endpoint {endpoint:?} must start with https:// or http://")]
    Scheme {
        /// The endpoint as given.
        endpoint: String,
    },
    /// No signing secret was given.
    #[error("a webhook needs at least one signing secret (WebhookOptions::secrets)")]
    NoSecret,
    /// The HTTP client could not be set up (its TLS configuration, such
    /// as the platform's trust store, could not be loaded).
    #[error("the webhook's HTTP client could not be set up: {reason}")]
    Client {
        /// Why.
        reason: String,
    },
}

/// A [`Notifier`] that posts each notification as a signed webhook,
/// following Standard Webhooks, to the notification's address (the target
/// of the endpoint it is for) or, when it has none, to
/// [`WebhookOptions::endpoint`]; see the [crate documentation](crate) for
/// the body, the headers, the addresses refused and what is retried.
///
/// The `webhook-timestamp` is read from its [`Clock`]: the
/// [`SystemClock`] unless built [`with_clock`](Self::with_clock).
#[derive(Debug)]
pub struct WebhookNotifier<C = SystemClock> {
    client: reqwest::Client,
    endpoint: Target,
    secrets: Vec<Secret>,
    policy: PrivateAddresses,
    timeout: Duration,
    clock: C,
}

impl WebhookNotifier<SystemClock> {
    /// A notifier posting as `options` say, timestamped by the system
    /// clock.
    ///
    /// The client speaks HTTP/1.1 over rustls, checking certificates
    /// against the platform's trust store.
    pub fn new(options: WebhookOptions) -> Result<Self, WebhookError> {
        Self::with_clock(options, SystemClock)
    }
}

impl<C: Clock> WebhookNotifier<C> {
    /// A notifier posting as `options` say, timestamped by `clock`.
    pub fn with_clock(options: WebhookOptions, clock: C) -> Result<Self, WebhookError> {
        let endpoint = Target::parse(&options.endpoint)?;
        if options.secrets.is_empty() {
            return Err(WebhookError::NoSecret);
        }
        let client = reqwest::Client::builder()
            .timeout(options.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .dns_resolver(CheckedResolver {
                policy: options.private_addresses,
            })
            .user_agent(concat!("helpdesk-webhook/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|error| WebhookError::Client {
                reason: chain(&error),
            })?;
        Ok(Self {
            client,
            endpoint,
            secrets: options.secrets,
            policy: options.private_addresses,
            timeout: options.timeout,
            clock,
        })
    }

    /// The URL posted to when a notification has no address of its own,
    /// as parsed.
    pub fn endpoint(&self) -> &str {
        self.endpoint.url.as_str()
    }

    /// Where `notification` goes: its address, parsed, or the notifier's
    /// own URL. An address that is not an `https` or `http` URL is refused
    /// for good, and so is one written as an address that is not allowed;
    /// a host name is checked once resolved, by the client's resolver.
    fn target(&self, notification: &Notification) -> Result<Target, NotifyError> {
        let target = match notification.to.address.as_deref() {
            None => self.endpoint.clone(),
            Some(address) => Target::parse(address).map_err(|error| {
                NotifyError::permanent(NAME, notification.id, error.to_string())
            })?,
        };
        target.check(self.policy).map_err(|refused| {
            NotifyError::permanent(NAME, notification.id, refused.to_string())
        })?;
        Ok(target)
    }

    fn outcome(
        &self,
        delivery: DeliveryId,
        response: &reqwest::Response,
    ) -> Result<(), NotifyError> {
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        let mut reason = match status.canonical_reason() {
            Some(text) => format!("HTTP {} {text}", status.as_u16()),
            None => format!("HTTP {}", status.as_u16()),
        };
        let retryable = status.is_server_error()
            || status == StatusCode::TOO_MANY_REQUESTS
            || status == StatusCode::REQUEST_TIMEOUT;
        if retryable {
            let after = response
                .headers()
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|value| value.to_str().ok());
            let wait = after.and_then(|after| retry_after::wait(after, self.clock.now()));
            if let Some(after) = after {
                let heeded = if wait.is_some() {
                    "the next attempt waits for it, at most the dispatcher's longest backoff"
                } else {
                    "not a number of seconds or an HTTP date: the dispatcher's backoff sets the next attempt"
                };
                reason.push_str(&format!(" (Retry-After: {after}; {heeded})"));
            }
            let error = NotifyError::retryable(NAME, delivery, reason);
            Err(match wait {
                Some(wait) => error.with_retry_after(wait),
                None => error,
            })
        } else {
            if status.is_redirection() {
                reason.push_str("; redirects are not followed, configure the final URL");
            }
            Err(NotifyError::permanent(NAME, delivery, reason))
        }
    }

    fn failure(&self, delivery: DeliveryId, error: &reqwest::Error) -> NotifyError {
        let mut source = error.source();
        while let Some(cause) = source {
            if let Some(refused) = cause.downcast_ref::<Refused>() {
                return NotifyError::permanent(NAME, delivery, refused.to_string());
            }
            source = cause.source();
        }
        if error.is_timeout() {
            return NotifyError::retryable(
                NAME,
                delivery,
                format!("no answer within {:?}", self.timeout),
            );
        }
        NotifyError::retryable(NAME, delivery, chain(error))
    }
}

/// A URL webhooks are posted to, parsed, with its host as written and the
/// address written in it, if any.
#[derive(Debug, Clone)]
struct Target {
    url: Url,
    host: String,
    literal: Option<IpAddr>,
}

impl Target {
    /// Parses `text`: an absolute `https` or `http` URL with a host.
    fn parse(text: &str) -> Result<Self, WebhookError> {
        let url = Url::parse(text).map_err(|error| WebhookError::Endpoint {
            endpoint: text.to_owned(),
            reason: error.to_string(),
        })?;
        if !matches!(url.scheme(), "https" | "http") {
            return Err(WebhookError::Scheme {
                endpoint: text.to_owned(),
            });
        }
        let host = url
            .host_str()
            .ok_or_else(|| WebhookError::Endpoint {
                endpoint: text.to_owned(),
                reason: "it has no host".into(),
            })?
            .to_owned();
        // The client connects to an address in the URL without resolving
        // it, so those are checked before each post instead.
        let literal = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
            .ok();
        Ok(Self { url, host, literal })
    }

    /// Checks the address written in the URL, if any, against `policy`.
    fn check(&self, policy: PrivateAddresses) -> Result<(), Refused> {
        match self.literal {
            Some(address) => address::check(&self.host, address, policy),
            None => Ok(()),
        }
    }
}

/// An error's text followed by its causes': reqwest's own text is terse,
/// its causes say what happened.
fn chain(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

impl<C: Clock> Notifier for WebhookNotifier<C> {
    async fn notify(&self, notification: &Notification) -> Result<(), NotifyError> {
        let target = self.target(notification)?;
        let body = envelope(notification).map_err(|error| {
            NotifyError::permanent(
                NAME,
                notification.id,
                format!("the body could not be written: {error}"),
            )
        })?;
        let id = notification.id.to_string();
        let timestamp = self.clock.now().timestamp();
        let signature = signature_header(&self.secrets, &id, timestamp, &body);
        let sent = self
            .client
            .post(target.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header("webhook-id", id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(body)
            .send()
            .await;
        match sent {
            Ok(response) => self.outcome(notification.id, &response),
            Err(error) => Err(self.failure(notification.id, &error)),
        }
    }
}
