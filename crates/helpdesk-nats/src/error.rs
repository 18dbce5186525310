//! [`NatsError`]: why a notifier could not be set up.

use async_nats::jetstream::context::CreateStreamError;

/// Why a [`NatsNotifier`](crate::NatsNotifier) could not be set up.
/// Failures to deliver a message are [`NotifyError`](helpdesk_engine::NotifyError)s.
///
/// ```
/// use helpdesk_nats::{NatsError, NatsOptions};
///
/// let options = NatsOptions { prefix: "helpdesk..acme".into(), ..NatsOptions::default() };
/// let err = options.check().unwrap_err();
/// assert!(matches!(err, NatsError::InvalidPrefix { .. }));
/// assert_eq!(
///     err.to_string(),
///     "invalid NATS subject prefix \"helpdesk..acme\": it has an empty token (a leading, trailing or double dot)"
/// );
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NatsError {
    /// The subject prefix is not a valid subject.
    #[error("invalid NATS subject prefix {prefix:?}: {reason}")]
    InvalidPrefix {
        /// The prefix given.
        prefix: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The stream name is not valid.
    #[error("invalid JetStream stream name {stream:?}: {reason}")]
    InvalidStream {
        /// The name given.
        stream: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The publish timeout is zero.
    #[error("the NATS publish timeout must be longer than zero")]
    ZeroTimeout,
    /// The server could not be reached.
    #[error("could not connect to the NATS server at {url}: {source}")]
    Connect {
        /// The address given.
        url: String,
        /// The client's error.
        #[source]
        source: async_nats::ConnectError,
    },
    /// The stream could not be created or opened.
    #[error("could not create or open the JetStream stream {stream}: {source}")]
    Stream {
        /// The stream's name.
        stream: String,
        /// The client's error.
        #[source]
        source: CreateStreamError,
    },
    /// The stream exists but does not capture the notifier's subjects.
    #[error(
        "the JetStream stream {stream} exists with subjects {subjects:?}, which do not include {wanted:?}"
    )]
    StreamSubjects {
        /// The stream's name.
        stream: String,
        /// Its subjects.
        subjects: Vec<String>,
        /// The subjects the notifier publishes to.
        wanted: String,
    },
}
