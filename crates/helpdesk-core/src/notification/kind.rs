//! [`NotifyOn`]: the kinds of event a notification rule listens for, and
//! which change of a ticket is which kind.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::actor::Role;
use crate::event::Change;

/// A kind of event a [`NotificationRule`](crate::notification::NotificationRule)
/// fires on. Each kind stands for one or a few [`Change`]s; [`NotifyOn::of`]
/// says which.
///
/// ```
/// use helpdesk_core::notification::NotifyOn;
/// let on: Vec<NotifyOn> = serde_json::from_str(r#"["opened", "public_reply", "sla_breach"]"#).unwrap();
/// assert_eq!(on, [NotifyOn::Opened, NotifyOn::PublicReply, NotifyOn::SlaBreach]);
/// assert_eq!(NotifyOn::InternalNote.to_string(), "internal_note");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum NotifyOn {
    /// A ticket was opened ([`Change::Opened`]).
    Opened,
    /// A public reply was added ([`Change::Replied`]).
    PublicReply,
    /// An internal note was added ([`Change::NoteAdded`]). Never sent to
    /// the requester.
    InternalNote,
    /// The ticket was assigned to someone ([`Change::AssigneeChanged`] to
    /// an agent; taking the assignee away is no assignment).
    Assigned,
    /// The ticket moved to another group, or out of its group
    /// ([`Change::GroupChanged`]).
    GroupChanged,
    /// The status moved between new, open, pending, on hold and their
    /// sub-statuses ([`Change::StatusChanged`]). Resolving, reopening and
    /// merging have kinds of their own.
    StatusChanged,
    /// An SLA warning fell due ([`Change::SlaWarned`]).
    SlaWarning,
    /// An SLA target was breached ([`Change::SlaBreached`]).
    SlaBreach,
    /// An escalation rule fired ([`Change::Escalated`]).
    Escalated,
    /// The ticket was resolved ([`Change::Resolved`]).
    Resolved,
    /// A resolved ticket was reopened ([`Change::Reopened`]).
    Reopened,
    /// The ticket was merged into another ([`Change::Merged`]). The
    /// surviving ticket's side ([`Change::MergedFrom`]) notifies nobody.
    Merged,
}

impl NotifyOn {
    /// Every kind, in declaration order.
    pub const ALL: [NotifyOn; 12] = [
        NotifyOn::Opened,
        NotifyOn::PublicReply,
        NotifyOn::InternalNote,
        NotifyOn::Assigned,
        NotifyOn::GroupChanged,
        NotifyOn::StatusChanged,
        NotifyOn::SlaWarning,
        NotifyOn::SlaBreach,
        NotifyOn::Escalated,
        NotifyOn::Resolved,
        NotifyOn::Reopened,
        NotifyOn::Merged,
    ];

    /// The kind of `change`, or `None` when no rule can fire on it (tags,
    /// fields, SLA clocks starting and stopping, ...).
    ///
    /// ```
    /// use helpdesk_core::notification::NotifyOn;
    /// use helpdesk_core::{ActorId, Change, CommentId};
    ///
    /// let reply = Change::Replied { comment: CommentId::from_u128(1), body: "Fixed".into() };
    /// assert_eq!(NotifyOn::of(&reply), Some(NotifyOn::PublicReply));
    /// let assigned = Change::AssigneeChanged { from: None, to: Some(ActorId::from_u128(2)) };
    /// assert_eq!(NotifyOn::of(&assigned), Some(NotifyOn::Assigned));
    /// let unassigned = Change::AssigneeChanged { from: Some(ActorId::from_u128(2)), to: None };
    /// assert_eq!(NotifyOn::of(&unassigned), None);
    /// assert_eq!(NotifyOn::of(&Change::Closed), None);
    /// ```
    pub fn of(change: &Change) -> Option<NotifyOn> {
        match change {
            Change::Opened(_) => Some(NotifyOn::Opened),
            Change::Replied { .. } => Some(NotifyOn::PublicReply),
            Change::NoteAdded { .. } => Some(NotifyOn::InternalNote),
            Change::AssigneeChanged { to: Some(_), .. } => Some(NotifyOn::Assigned),
            Change::GroupChanged { .. } => Some(NotifyOn::GroupChanged),
            Change::StatusChanged { .. } => Some(NotifyOn::StatusChanged),
            Change::SlaWarned { .. } => Some(NotifyOn::SlaWarning),
            Change::SlaBreached { .. } => Some(NotifyOn::SlaBreach),
            Change::Escalated(_) => Some(NotifyOn::Escalated),
            Change::Resolved { .. } => Some(NotifyOn::Resolved),
            Change::Reopened => Some(NotifyOn::Reopened),
            Change::Merged { .. } => Some(NotifyOn::Merged),
            Change::AssigneeChanged { to: None, .. }
            | Change::Attached { .. }
            | Change::ImpactUrgencyChanged { .. }
            | Change::PriorityChanged { .. }
            | Change::Tagged { .. }
            | Change::Untagged { .. }
            | Change::FieldChanged { .. }
            | Change::Watched { .. }
            | Change::Unwatched { .. }
            | Change::AssetAdded { .. }
            | Change::AssetRemoved { .. }
            | Change::Closed
            | Change::Cancelled { .. }
            | Change::MergedFrom { .. }
            | Change::Linked { .. }
            | Change::Unlinked { .. }
            | Change::TierChanged { .. }
            | Change::SlaPolicyChanged { .. }
            | Change::SlaStarted(_)
            | Change::SlaPaused { .. }
            | Change::SlaResumed { .. }
            | Change::SlaRetargeted(_)
            | Change::SlaStopped { .. }
            | Change::SlaCancelled { .. } => None,
        }
    }

    /// Whether someone in `role` may be told of events of this kind: the
    /// rule of [`Event::is_visible_to`](crate::Event::is_visible_to), by
    /// kind. Requesters are never told of internal notes.
    ///
    /// ```
    /// use helpdesk_core::Role;
    /// use helpdesk_core::notification::NotifyOn;
    /// assert!(!NotifyOn::InternalNote.is_visible_to(Role::Requester));
    /// assert!(NotifyOn::InternalNote.is_visible_to(Role::Agent));
    /// assert!(NotifyOn::PublicReply.is_visible_to(Role::Requester));
    /// ```
    pub fn is_visible_to(self, role: Role) -> bool {
        role.is_staff() || self != NotifyOn::InternalNote
    }

    /// The serialized name, such as `"public_reply"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            NotifyOn::Opened => "opened",
            NotifyOn::PublicReply => "public_reply",
            NotifyOn::InternalNote => "internal_note",
            NotifyOn::Assigned => "assigned",
            NotifyOn::GroupChanged => "group_changed",
            NotifyOn::StatusChanged => "status_changed",
            NotifyOn::SlaWarning => "sla_warning",
            NotifyOn::SlaBreach => "sla_breach",
            NotifyOn::Escalated => "escalated",
            NotifyOn::Resolved => "resolved",
            NotifyOn::Reopened => "reopened",
            NotifyOn::Merged => "merged",
        }
    }

    /// One event of this kind, in words with its article, for messages:
    /// "an internal note".
    pub const fn with_article(self) -> &'static str {
        match self {
            NotifyOn::Opened => "a new ticket",
            NotifyOn::PublicReply => "a public reply",
            NotifyOn::InternalNote => "an internal note",
            NotifyOn::Assigned => "an assignment",
            NotifyOn::GroupChanged => "a change of group",
            NotifyOn::StatusChanged => "a change of status",
            NotifyOn::SlaWarning => "an SLA warning",
            NotifyOn::SlaBreach => "an SLA breach",
            NotifyOn::Escalated => "an escalation",
            NotifyOn::Resolved => "a resolution",
            NotifyOn::Reopened => "a reopening",
            NotifyOn::Merged => "a merge",
        }
    }
}

impl fmt::Display for NotifyOn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
