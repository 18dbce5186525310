//! The help desk's inbound email channel.
//!
//! A raw message becomes a `Mail`: decoded headers, the text a person
//! wrote, the quoted history and signature set apart, its attachments, and
//! what kind of message it is (a person's mail, an automatic reply, a
//! delivery status notification).
#![forbid(unsafe_code)]

mod attachment;
mod automated;
mod bounce;
mod imap;
mod inbound;
mod mail;
mod reply;
mod storage;

pub use attachment::{Attachment, Disposition};
pub use automated::{Automation, AutomationKind, Reason};
pub use bounce::{Bounce, BounceFormat, FailedRecipient, Severity, StatusCode, StatusCodeError};
pub use mail::{HeaderField, Limit, Limits, Mail, MailError, Mailbox, message_id, message_ids};
pub use reply::Reply;

pub use imap::{
    Fetched, Handled, ImapError, ImapOptions, ImapSecurity, ImapSource, ImapTask, PollReport,
    reconnect_delay, spawn_imap,
};

pub use inbound::{
    Arrival, Authentication, DirectorySenders, Held, Ignored, InboundConfig, IngestError,
    MailChannel, NoSenders, Outcome, SenderRate, Senders, UnknownSenders, Unverified, subject_tag,
    ticket_subject,
};

#[cfg(feature = "object-store")]
pub use storage::ObjectStoreAttachments;
#[cfg(feature = "sqlite")]
pub use storage::SqliteAttachments;
pub use storage::{AttachmentError, AttachmentKey, AttachmentStore, FsAttachments};
