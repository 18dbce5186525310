//! [`NatsOptions`]: where and how the notifier publishes.

use std::time::Duration;

use crate::error::NatsError;

/// Where and how a [`NatsNotifier`](crate::NatsNotifier) publishes.
///
/// ```
/// use std::time::Duration;
/// use helpdesk_nats::NatsOptions;
///
/// let options = NatsOptions::default();
/// assert_eq!(options.prefix, "helpdesk");
/// assert_eq!(options.stream, "HELPDESK");
/// assert!(options.create_stream);
/// assert_eq!(options.duplicate_window, Duration::from_secs(120));
/// assert_eq!(options.publish_timeout, Duration::from_secs(5));
///
/// let mine = NatsOptions { prefix: "acme.support".into(), stream: "ACME_SUPPORT".into(), ..options };
/// assert!(mine.check().is_ok());
/// assert!(NatsOptions { prefix: "acme.*".into(), ..NatsOptions::default() }.check().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NatsOptions {
    /// The subjects' first tokens: notifications go to
    /// `<prefix>.<tenant>.<event type>`, or, for an endpoint whose target
    /// is a subject, `<target>.<tenant>.<event type>`, where the target
    /// must be the prefix or lie under it (`<prefix>.…`) so that the
    /// stream captures it. One or more tokens separated by dots, without
    /// wildcards or whitespace. Default: `helpdesk`.
    pub prefix: String,
    /// The JetStream stream that stores the messages. Default: `HELPDESK`.
    pub stream: String,
    /// Whether to create the stream (subjects `<prefix>.>`, the duplicate
    /// window below, file storage, everything else the server's defaults)
    /// when it does not exist, at start and whenever a publish finds it
    /// gone. When false the stream is someone else's to manage, and a
    /// message no stream captures is refused for good. Default: true.
    pub create_stream: bool,
    /// How long JetStream remembers a message id to drop a second publish
    /// of it, for a stream this notifier creates. Redeliveries after a
    /// crash or a lost ack come within the dispatcher's lease and backoff,
    /// so the window should be longer than the longest backoff that still
    /// matters to you. Default: 2 minutes (JetStream's own default).
    pub duplicate_window: Duration,
    /// How long one publish may take, ack included, before it counts as
    /// failed (and is retried). Default: 5 s.
    pub publish_timeout: Duration,
}

impl Default for NatsOptions {
    fn default() -> Self {
        Self {
            prefix: "helpdesk".into(),
            stream: "HELPDESK".into(),
            create_stream: true,
            duplicate_window: Duration::from_secs(120),
            publish_timeout: Duration::from_secs(5),
        }
    }
}

impl NatsOptions {
    /// Checks the prefix and the stream name, naming what is wrong.
    pub fn check(&self) -> Result<(), NatsError> {
        if let Err(reason) = check_subject_prefix(&self.prefix) {
            return Err(NatsError::InvalidPrefix {
                prefix: self.prefix.clone(),
                reason,
            });
        }
        let stream = |reason| NatsError::InvalidStream {
            stream: self.stream.clone(),
            reason,
        };
        if self.stream.is_empty() {
            return Err(stream("it is empty"));
        }
        if self.stream.chars().any(|c| {
            matches!(c, '.' | '*' | '>' | '/' | '\\') || c.is_whitespace() || c.is_control()
        }) {
            return Err(stream(
                "it has a dot, a wildcard, a slash, whitespace or control characters",
            ));
        }
        if self.publish_timeout.is_zero() {
            return Err(NatsError::ZeroTimeout);
        }
        Ok(())
    }

    /// The subjects of a stream this notifier creates: `<prefix>.>`.
    pub fn subjects(&self) -> String {
        format!("{}.>", self.prefix)
    }

    /// Whether `subject` is the prefix or lies under it (`<prefix>.…`), so
    /// that the stream's `<prefix>.>` captures what is published below it.
    pub(crate) fn covers(&self, subject: &str) -> bool {
        subject
            .strip_prefix(self.prefix.as_str())
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
    }
}

/// Checks that `prefix` can start a subject: one or more tokens separated
/// by dots, none empty, without wildcards, whitespace or control
/// characters. Says what is wrong.
pub(crate) fn check_subject_prefix(prefix: &str) -> Result<(), &'static str> {
    if prefix.is_empty() {
        return Err("it is empty");
    }
    for token in prefix.split('.') {
        if token.is_empty() {
            return Err("it has an empty token (a leading, trailing or double dot)");
        }
        if token.contains(['*', '>']) {
            return Err("it has a wildcard (`*` or `>`)");
        }
        if token.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err("it has whitespace or control characters");
        }
    }
    Ok(())
}
