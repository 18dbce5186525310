//! [`EndpointDef`]: a named place notifications go to that is not a
//! person: a team mailbox, a webhook URL, a NATS subject.

use serde::{Deserialize, Serialize};

use crate::notification::NotificationChannel;

/// A named destination of notifications that is not a person, kept in the
/// desk configuration's `endpoints` by key and named by rules as
/// `{"endpoint": "<key>"}`. The domain never reads `target`: the adapter of
/// the endpoint's channel does (an address for email, a URL for webhooks,
/// a subject for NATS).
///
/// ```
/// use helpdesk_core::notification::{EndpointDef, NotificationChannel};
/// let ops: EndpointDef = serde_json::from_str(r#"{
///     "via": "webhook",
///     "target": "https://ops.example.com/hooks/helpdesk",
///     "description": "The operations team's chat"
/// }"#).unwrap();
/// assert_eq!(ops.via, NotificationChannel::Webhook);
/// assert_eq!(ops.target, "https://ops.example.com/hooks/helpdesk");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EndpointDef {
    /// The channel it is reached by; a rule sending to it must send by the
    /// same channel.
    pub via: NotificationChannel,
    /// Where, as the channel's adapter understands it: an email address,
    /// a URL, a subject. Opaque to the domain; must not be empty.
    pub target: String,
    /// What it is, for people reading the configuration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}
