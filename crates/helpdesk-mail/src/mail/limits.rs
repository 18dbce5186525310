//! How much work one message may cost.

/// Bounds on one message, checked before and while it is parsed; a message
/// past any of them is refused with
/// [`MailError::OverLimit`](crate::MailError::OverLimit) naming the limit.
///
/// ```
/// use helpdesk_mail::{Limit, Limits, Mail, MailError};
///
/// let limits = Limits { max_message_bytes: 64, ..Limits::default() };
/// let raw = b"From: a@example.com\r\nSubject: a rather long subject line\r\n\r\nand a body past the limit";
/// let err = Mail::parse_with(raw, &limits).unwrap_err();
/// assert!(matches!(err, MailError::OverLimit { limit: Limit::MessageBytes, .. }));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The raw message's size in bytes (default 40 MiB).
    pub max_message_bytes: usize,
    /// MIME parts, nested messages' included (default 500).
    pub max_parts: usize,
    /// Attachments and inline files (default 100).
    pub max_attachments: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_message_bytes: 40 * 1024 * 1024,
            max_parts: 500,
            max_attachments: 100,
        }
    }
}
