//! Ticket statuses: the fixed [`StatusCategory`] the lifecycle runs on, and
//! the [`Status`] a ticket shows, which may be a host-defined sub-status.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The lifecycle category of a ticket. The lifecycle (see
/// [`crate::lifecycle`]) is defined on categories only; custom sub-statuses
/// each map onto one of them.
///
/// ```
/// use helpdesk_core::StatusCategory;
/// assert!(StatusCategory::Pending.is_active());
/// assert!(StatusCategory::Closed.is_terminal());
/// assert_eq!(StatusCategory::OnHold.to_string(), "on_hold");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum StatusCategory {
    /// Created, nobody has worked on it yet.
    New,
    /// Being worked on by the help desk.
    Open,
    /// Waiting on the requester.
    Pending,
    /// Waiting on a third party (a vendor, another team, a delivery).
    OnHold,
    /// The help desk considers it solved; the requester may still reopen it.
    Resolved,
    /// Done for good. Terminal.
    Closed,
    /// Folded into another ticket. Terminal.
    Merged,
    /// Withdrawn without a resolution. Terminal.
    Cancelled,
}

impl StatusCategory {
    /// Every category, in lifecycle order.
    pub const ALL: [StatusCategory; 8] = [
        StatusCategory::New,
        StatusCategory::Open,
        StatusCategory::Pending,
        StatusCategory::OnHold,
        StatusCategory::Resolved,
        StatusCategory::Closed,
        StatusCategory::Merged,
        StatusCategory::Cancelled,
    ];

    /// New, open, pending or on hold: the ticket still needs work.
    pub const fn is_active(self) -> bool {
        matches!(
            self,
            StatusCategory::New
                | StatusCategory::Open
                | StatusCategory::Pending
                | StatusCategory::OnHold
        )
    }

    /// Closed, merged or cancelled: nothing may change any more.
    pub const fn is_terminal(self) -> bool {
        matches!(
            self,
            StatusCategory::Closed | StatusCategory::Merged | StatusCategory::Cancelled
        )
    }

    /// The serialized name, such as `"on_hold"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            StatusCategory::New => "new",
            StatusCategory::Open => "open",
            StatusCategory::Pending => "pending",
            StatusCategory::OnHold => "on_hold",
            StatusCategory::Resolved => "resolved",
            StatusCategory::Closed => "closed",
            StatusCategory::Merged => "merged",
            StatusCategory::Cancelled => "cancelled",
        }
    }
}

impl fmt::Display for StatusCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The status a ticket shows: a category and, optionally, the key of a
/// host-defined sub-status of that category (see
/// [`crate::config::StatusDef`]).
///
/// ```
/// use helpdesk_core::{Status, StatusCategory};
/// let waiting = Status::custom(StatusCategory::OnHold, "awaiting_parts");
/// assert_eq!(waiting.to_string(), "on_hold (awaiting_parts)");
/// assert_eq!(Status::from(StatusCategory::Open).to_string(), "open");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Status {
    /// The lifecycle category.
    pub category: StatusCategory,
    /// The host-defined sub-status, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_status: Option<String>,
}

impl Status {
    /// A sub-status `key` of `category`.
    pub fn custom(category: StatusCategory, key: impl Into<String>) -> Self {
        Self {
            category,
            sub_status: Some(key.into()),
        }
    }
}

impl From<StatusCategory> for Status {
    fn from(category: StatusCategory) -> Self {
        Self {
            category,
            sub_status: None,
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.sub_status {
            Some(sub) => write!(f, "{} ({sub})", self.category),
            None => write!(f, "{}", self.category),
        }
    }
}

/// Where a `change_status` command moves a ticket: one of the working
/// categories, or a host-defined sub-status by key. Resolving, closing,
/// cancelling and merging have commands of their own, because they carry
/// more than a status.
///
/// ```
/// use helpdesk_core::StatusTarget;
/// let target: StatusTarget = serde_json::from_str(r#""pending""#).unwrap();
/// assert_eq!(target, StatusTarget::Pending);
/// let custom: StatusTarget = serde_json::from_str(r#"{"custom":"awaiting_parts"}"#).unwrap();
/// assert_eq!(custom, StatusTarget::Custom("awaiting_parts".into()));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum StatusTarget {
    /// Back to work: open, without sub-status.
    Open,
    /// Waiting on the requester, without sub-status.
    Pending,
    /// Waiting on a third party, without sub-status.
    OnHold,
    /// A sub-status defined in the desk configuration, by its key
    /// ([`crate::config::StatusDef::key`]).
    Custom(String),
}
