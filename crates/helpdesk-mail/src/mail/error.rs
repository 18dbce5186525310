//! Why a message could not become a [`Mail`](crate::Mail).

use std::fmt;

/// A bound of [`Limits`](crate::Limits), named as a host configures it.
///
/// ```
/// use helpdesk_mail::Limit;
///
/// assert_eq!(Limit::Attachments.to_string(), "max_attachments");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Limit {
    /// `max_message_bytes`: the size of the raw message.
    MessageBytes,
    /// `max_parts`: the MIME parts, nested messages' parts included.
    Parts,
    /// `max_attachments`: the attachments and inline files.
    Attachments,
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Limit::MessageBytes => "max_message_bytes",
            Limit::Parts => "max_parts",
            Limit::Attachments => "max_attachments",
        })
    }
}

/// Why [`Mail::parse`](crate::Mail::parse) refused a message.
///
/// ```
/// use helpdesk_mail::{Mail, MailError};
///
/// let err = Mail::parse(b"Subject: no sender\r\n\r\nHello").unwrap_err();
/// assert!(matches!(err, MailError::MissingFrom));
/// assert_eq!(err.to_string(), "field `From`: the message names no sender address");
///
/// let long = format!("From: {}@example.com\r\n\r\nHello", "a".repeat(300));
/// let err = Mail::parse(long.as_bytes()).unwrap_err();
/// assert_eq!(err, MailError::FromTooLong { length: 312, max: 254 });
/// assert_eq!(err.to_string(), "field `From`: the address is 312 bytes long, past the 254 RFC 5321 allows");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MailError {
    /// The bytes are not a message: no header field could be read.
    #[error("message: {reason}")]
    Unparseable {
        /// What was wrong.
        reason: &'static str,
    },
    /// The message has no `From` header, or one without an address.
    #[error("field `From`: the message names no sender address")]
    MissingFrom,
    /// The sender's address is longer than any mail server delivers
    /// ([`Mailbox::MAX_ADDRESS_BYTES`](crate::Mailbox::MAX_ADDRESS_BYTES)).
    #[error("field `From`: the address is {length} bytes long, past the {max} RFC 5321 allows")]
    FromTooLong {
        /// The address's length in bytes.
        length: usize,
        /// [`Mailbox::MAX_ADDRESS_BYTES`](crate::Mailbox::MAX_ADDRESS_BYTES).
        max: usize,
    },
    /// The message is bigger, or has more parts, than the limits allow.
    #[error("limit `{limit}`: the message has {actual}, at most {allowed} allowed")]
    OverLimit {
        /// Which limit.
        limit: Limit,
        /// What the limit allows.
        allowed: usize,
        /// What the message has (for the size, at least this many bytes).
        actual: usize,
    },
}
