//! The conversation on a ticket: [`Comment`]s that are public replies or
//! internal notes.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::actor::ActorRef;
use crate::attachment::AttachmentRef;
use crate::id::CommentId;

/// Who may read a comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// A reply the requester sees.
    Public,
    /// A note for the help desk only; requesters never see it.
    Internal,
}

/// One entry of a ticket's conversation.
///
/// ```
/// use helpdesk_core::{Comment, Visibility};
/// # fn check(comment: &Comment) {
/// if comment.visibility == Visibility::Internal {
///     assert!(comment.author.role.is_staff());
/// }
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comment {
    /// The caller-chosen id.
    pub id: CommentId,
    /// Who wrote it, and in which role.
    pub author: ActorRef,
    /// Public reply or internal note.
    pub visibility: Visibility,
    /// The text.
    pub body: String,
    /// When it was written.
    #[serde(with = "crate::rfc3339")]
    pub at: DateTime<Utc>,
    /// The files that came with it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<AttachmentRef>,
}
