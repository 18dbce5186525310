//! [`NotificationChannel`]: how a notification travels.

use std::fmt;

use serde::{Deserialize, Serialize};

/// How a notification is delivered. Each has its own notifier adapter in
/// the engine; not to be confused with [`Channel`](crate::Channel), the way a
/// ticket came in.
///
/// ```
/// use helpdesk_core::notification::NotificationChannel;
/// let via: NotificationChannel = serde_json::from_str(r#""webhook""#).unwrap();
/// assert_eq!(via, NotificationChannel::Webhook);
/// assert_eq!(via.to_string(), "webhook");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum NotificationChannel {
    /// Email, to a person's address or to an endpoint's mailbox.
    Email,
    /// A signed HTTP request to an endpoint's URL.
    Webhook,
    /// A message published on an endpoint's NATS subject.
    Nats,
}

impl NotificationChannel {
    /// The serialized name, such as `"email"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            NotificationChannel::Email => "email",
            NotificationChannel::Webhook => "webhook",
            NotificationChannel::Nats => "nats",
        }
    }
}

impl fmt::Display for NotificationChannel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
