//! The help desk's inbound email channel.
//!
//! A raw message becomes a `Mail`: decoded headers, the text a person
//! wrote, the quoted history and signature set apart, its attachments, and
//! what kind of message it is (a person's mail, an automatic reply, a
//! delivery status notification).
#![forbid(unsafe_code)]

mod imap;

pub use imap::{
    Disposition, Fetched, ImapError, ImapOptions, ImapSecurity, ImapSource, PollReport,
    reconnect_delay,
};

mod inbound;

pub use inbound::{Authentication, SenderRate, subject_tag, ticket_subject};

mod storage;

#[cfg(feature = "object-store")]
pub use storage::ObjectStoreAttachments;
pub use storage::{AttachmentError, AttachmentKey, AttachmentStore, FsAttachments};
