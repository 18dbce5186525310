//! [`Audience`]: whom a notification rule sends to, as the configuration
//! names them.

use std::fmt;

use serde::{Deserialize, Serialize};

/// One entry of a rule's `to`: people named by their part in the ticket,
/// or an endpoint of the configuration by key. Each is resolved against the
/// ticket after the event and the configuration's directory when a
/// notification is planned ([`plan`](crate::notification::plan)).
///
/// ```
/// use helpdesk_core::notification::Audience;
/// let to: Vec<Audience> = serde_json::from_str(
///     r#"["requester", "assignee", "group_members", "group_managers", "watchers", {"endpoint": "ops_chat"}]"#,
/// ).unwrap();
/// assert_eq!(to[0], Audience::Requester);
/// assert_eq!(to[4], Audience::Watchers);
/// assert_eq!(to[5], Audience::Endpoint("ops_chat".into()));
/// assert_eq!(to[5].to_string(), r#"endpoint "ops_chat""#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Audience {
    /// The person who asked for help. Never told of what requesters may
    /// not see (internal notes).
    Requester,
    /// The agent the ticket is assigned to, after the event; nobody while
    /// unassigned.
    Assignee,
    /// Every agent of the configuration (`agents`) working in the ticket's
    /// group, after the event, in the order of their keys; nobody when the
    /// ticket is in no group or in a group the configuration does not
    /// define.
    GroupMembers,
    /// The managers of the ticket's group (`groups.<key>.managers`), after
    /// the event, in the order listed.
    GroupManagers,
    /// Everyone watching the ticket ([`Ticket::watchers`](crate::Ticket::watchers)),
    /// after the event, in the order of their ids, each told only what
    /// their role may see (a requester-role watcher never hears of an
    /// internal note), and never of what they did themselves, whatever the
    /// rule's `skip_actor` says.
    Watchers,
    /// The endpoint with this key in the configuration's `endpoints`.
    Endpoint(String),
}

impl fmt::Display for Audience {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Audience::Requester => f.write_str("requester"),
            Audience::Assignee => f.write_str("assignee"),
            Audience::GroupMembers => f.write_str("group_members"),
            Audience::GroupManagers => f.write_str("group_managers"),
            Audience::Watchers => f.write_str("watchers"),
            Audience::Endpoint(key) => write!(f, "endpoint {key:?}"),
        }
    }
}
