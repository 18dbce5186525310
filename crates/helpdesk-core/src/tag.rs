//! [`Tag`]: a validated label on a ticket.

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::error::ValidationError;

/// A label on a ticket: 1 to 64 characters of `a-z`, `0-9`, `-`, `_`, `:`,
/// `.` and `/`, starting with a letter or a digit. Lowercase only, so
/// `"VPN"` and `"vpn"` can never be two tags. Clones share the text, so
/// copying a ticket's tags or a tagging event allocates nothing.
///
/// ```
/// use helpdesk_core::Tag;
/// let tag = Tag::new("network:vpn").unwrap();
/// assert_eq!(tag.as_str(), "network:vpn");
///
/// let err = Tag::new("Needs Review").unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     r#"tag: "Needs Review" is not a tag: use 1-64 characters of a-z, 0-9, '-', '_', ':', '.', '/', starting with a letter or digit"#
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Tag(Arc<str>);

impl Tag {
    /// The longest tag, in characters.
    pub const MAX_LEN: usize = 64;

    /// Checks `value` and makes a tag of it. The error's field is `tag`.
    pub fn new(value: impl Into<String>) -> Result<Self, ValidationError> {
        Self::new_at("tag", value)
    }

    /// Like [`Tag::new`], naming `field` (such as `tags[2]`) in the error.
    pub fn new_at(field: &str, value: impl Into<String>) -> Result<Self, ValidationError> {
        let value = value.into();
        let mut chars = value.chars();
        let first_ok = chars
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
        let rest_ok = value.chars().all(|c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | ':' | '.' | '/')
        });
        if first_ok && rest_ok && value.len() <= Self::MAX_LEN {
            Ok(Self(Arc::from(value)))
        } else {
            Err(ValidationError::new(
                field.to_owned(),
                format!(
                    "{value:?} is not a tag: use 1-64 characters of a-z, 0-9, '-', '_', ':', '.', '/', starting with a letter or digit"
                ),
            ))
        }
    }

    /// The tag's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Tag {
    type Error = ValidationError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Tag::new(value)
    }
}

impl From<Tag> for String {
    fn from(tag: Tag) -> Self {
        tag.as_str().to_owned()
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(feature = "arbitrary")]
impl<'a> arbitrary::Arbitrary<'a> for Tag {
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        // Mostly valid tags from a small pool, so commands reach deep states.
        const POOL: [&str; 6] = ["vpn", "network:wifi", "vip", "billing", "a", "x-1.2/3"];
        let i = u.choose_index(POOL.len())?;
        Ok(Tag(Arc::from(POOL[i])))
    }
}
