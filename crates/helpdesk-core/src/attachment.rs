//! [`AttachmentRef`]: a file that came with a comment, by reference. The
//! bytes live in the host's attachment store; the ticket keeps the key,
//! the file's name, its type (as its content shows it) and its size.

use serde::{Deserialize, Serialize};

use crate::error::ValidationError;

/// At most this many files a comment.
pub const MAX_ATTACHMENTS: usize = 64;

/// A file attached to a comment.
///
/// ```
/// use helpdesk_core::AttachmentRef;
///
/// let file = AttachmentRef::new(
///     "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
///     "invoice.pdf",
///     "application/pdf",
///     48_213,
/// );
/// assert!(file.check("attachments[0]").is_ok());
/// let sneaky = AttachmentRef { name: "../../etc/passwd".into(), ..file };
/// assert_eq!(sneaky.check("attachments[0]").unwrap_err().to_string(),
///     "attachments[0].name: may not contain a path separator or a control character");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct AttachmentRef {
    /// The key the bytes are stored under in the attachment store.
    pub key: String,
    /// The file's name, as the sender gave it.
    pub name: String,
    /// Its media type, as its content shows it.
    pub content_type: String,
    /// Its size in bytes.
    pub size: u64,
}

impl AttachmentRef {
    /// A reference to stored content.
    pub fn new(
        key: impl Into<String>,
        name: impl Into<String>,
        content_type: impl Into<String>,
        size: u64,
    ) -> Self {
        Self {
            key: key.into(),
            name: name.into(),
            content_type: content_type.into(),
            size,
        }
    }

    /// Checks the reference, naming `path` in the error: a key of 1 to 128
    /// visible ASCII characters, a name of 1 to 255 characters without
    /// path separators or control characters, a media type of the form
    /// `type/subtype` up to 127 characters.
    pub fn check(&self, path: &str) -> Result<(), ValidationError> {
        let field = |name: &str| format!("{path}.{name}");
        if self.key.is_empty()
            || self.key.len() > 128
            || !self.key.bytes().all(|b| b.is_ascii_graphic())
        {
            return Err(ValidationError::new(
                field("key"),
                "must be 1 to 128 visible ASCII characters",
            ));
        }
        if self.name.trim().is_empty() || self.name.chars().count() > 255 {
            return Err(ValidationError::new(
                field("name"),
                "must be 1 to 255 characters",
            ));
        }
        if self
            .name
            .chars()
            .any(|c| c == '/' || c == '\\' || c.is_control())
        {
            return Err(ValidationError::new(
                field("name"),
                "may not contain a path separator or a control character",
            ));
        }
        let media = self.content_type.split_once('/');
        if self.content_type.len() > 127
            || media.is_none_or(|(t, s)| t.is_empty() || s.is_empty())
            || !self
                .content_type
                .bytes()
                .all(|b| b.is_ascii_graphic() && b != b';')
        {
            return Err(ValidationError::new(
                field("content_type"),
                "must be a media type such as application/pdf",
            ));
        }
        Ok(())
    }
}
