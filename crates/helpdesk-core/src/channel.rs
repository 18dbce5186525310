//! The [`Channel`] a ticket came in through.

use std::fmt;

use serde::{Deserialize, Serialize};

/// How the requester reached the help desk.
///
/// ```
/// use helpdesk_core::Channel;
/// assert_eq!(serde_json::to_string(&Channel::Portal).unwrap(), r#""portal""#);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum Channel {
    /// An email to the support address.
    Email,
    /// A chat conversation.
    Chat,
    /// A phone call logged by an agent.
    Phone,
    /// The self-service portal.
    Portal,
    /// The host's API or an integration.
    Api,
}

impl Channel {
    /// The serialized name, such as `"portal"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Chat => "chat",
            Channel::Phone => "phone",
            Channel::Portal => "portal",
            Channel::Api => "api",
        }
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
