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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Limit, Mail, MailError};

    /// A multipart mail with `files` attachments.
    fn mail_with_attachments(files: usize) -> Vec<u8> {
        let mut raw = b"From: a@example.com\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n\
--b\r\nContent-Type: text/plain\r\n\r\nFiles.\r\n"
            .to_vec();
        for n in 0..files {
            raw.extend(
                format!("--b\r\nContent-Type: application/pdf; name=f{n}.pdf\r\n\r\n%PDF-1.4\r\n")
                    .bytes(),
            );
        }
        raw.extend(b"--b--\r\n");
        raw
    }

    #[test]
    fn a_mail_with_more_attachments_than_allowed_is_refused_naming_the_limit() {
        // Given a limit of three attachments
        let limits = Limits {
            max_attachments: 3,
            ..Limits::default()
        };

        // When mails with three and four attachments are parsed
        let three = Mail::parse_with(&mail_with_attachments(3), &limits);
        let four = Mail::parse_with(&mail_with_attachments(4), &limits);

        // Then the first is read and the second refused
        assert_eq!(three.map(|mail| mail.attachments().len()), Ok(3));
        assert_eq!(
            four,
            Err(MailError::OverLimit {
                limit: Limit::Attachments,
                allowed: 3,
                actual: 4
            })
        );
    }

    #[test]
    fn a_mail_with_more_parts_than_allowed_is_refused_naming_the_limit() {
        // Given a limit of four parts
        let limits = Limits {
            max_parts: 4,
            ..Limits::default()
        };

        // When a mail of six parts (root, text, four files) is parsed
        let err = Mail::parse_with(&mail_with_attachments(4), &limits).unwrap_err();

        // Then the part limit is named
        assert!(
            matches!(
                err,
                MailError::OverLimit {
                    limit: Limit::Parts,
                    allowed: 4,
                    ..
                }
            ),
            "{err}"
        );
        assert!(err.to_string().starts_with("limit `max_parts`"));
    }
}
