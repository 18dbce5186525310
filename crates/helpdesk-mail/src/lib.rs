//! The help desk's inbound email channel.
//!
//! A raw message becomes a `Mail`: decoded headers, the text a person
//! wrote, the quoted history and signature set apart, its attachments, and
//! what kind of message it is (a person's mail, an automatic reply, a
//! delivery status notification).
//!
//! [`MailChannel::ingest`] takes one mail in and decides what it is: a new
//! ticket, a reply on a ticket, or a delivery failure to note on one, each
//! executed through the desk, or a mail to hold for a person to look at,
//! or to ignore. [`ImapSource`] fetches mail from an IMAP mailbox and files
//! each message away once it is handled; [`spawn_imap`] runs one in a
//! tokio task. The files that come with mail are kept behind the
//! [`AttachmentStore`] port: [`FsAttachments`] keeps a file each in a
//! directory, `SqliteAttachments` (feature `sqlite`) appends them to a
//! pack file, `{path}-pack`, indexed by a SQLite database at `path`, and
//! `ObjectStoreAttachments` (feature `object-store`) keeps them in any
//! `object_store` backend; feature `s3` adds its S3 client, for S3 and the
//! services that speak its protocol.
#![forbid(unsafe_code)]

mod attachment;
mod automated;
mod bounce;
mod file_type;
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
    MailChannel, NoSenders, Outcome, Release, SenderRate, Senders, UnknownSenders, Unverified,
    subject_tag, ticket_subject,
};

#[cfg(feature = "object-store")]
pub use storage::ObjectStoreAttachments;
#[cfg(feature = "sqlite")]
pub use storage::SqliteAttachments;
pub use storage::{AttachmentError, AttachmentKey, AttachmentStore, FsAttachments};
