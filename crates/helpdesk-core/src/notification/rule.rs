//! [`NotificationRule`]: on which events whom to tell, and how.

use serde::{Deserialize, Serialize};

use crate::notification::{Audience, NotificationChannel, NotifyOn};

/// A notification rule of the desk configuration: when an event of one of
/// the kinds `on` happens to a ticket, tell everyone `to` by `via`,
/// rendered with `template`.
///
/// Rules are checked with the configuration
/// ([`DeskConfig::diagnose`](crate::DeskConfig::diagnose)): names are unique,
/// endpoints exist and take the rule's channel, templates are keys, and no
/// rule sends the requester an event requesters may not see.
///
/// ```
/// use helpdesk_core::notification::{Audience, NotificationChannel, NotificationRule, NotifyOn};
/// let rule: NotificationRule = serde_json::from_str(r#"{
///     "name": "Tell the requester about replies",
///     "on": ["public_reply", "resolved"],
///     "to": ["requester"],
///     "via": "email",
///     "template": "reply_to_requester"
/// }"#).unwrap();
/// assert_eq!(rule.on, [NotifyOn::PublicReply, NotifyOn::Resolved]);
/// assert_eq!(rule.to, [Audience::Requester]);
/// assert_eq!(rule.via, NotificationChannel::Email);
/// assert!(rule.skip_actor, "the person who replied is not told of their own reply");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotificationRule {
    /// The rule's name, unique in the configuration; every delivery it
    /// plans carries it.
    pub name: String,
    /// The kinds of event it fires on.
    pub on: Vec<NotifyOn>,
    /// Whom it tells, in order.
    pub to: Vec<Audience>,
    /// How.
    pub via: NotificationChannel,
    /// The key of the template the engine renders the message with; the
    /// engine's default for the event kind when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    /// Whether the person who caused the event is left out (the default):
    /// an agent is not told of their own reply.
    #[serde(default = "skips_actor")]
    pub skip_actor: bool,
}

fn skips_actor() -> bool {
    true
}
