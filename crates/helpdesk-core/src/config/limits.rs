//! [`Limits`]: size limits on what commands carry.

use serde::{Deserialize, Serialize};

/// Size limits on what commands carry. Defaults: subjects up to 250
/// characters, bodies up to 64 KiB, 50 tags, 50 assets, 500 links.
///
/// ```
/// use helpdesk_core::config::Limits;
/// let limits: Limits = serde_json::from_str(r#"{"subject_max_chars": 120}"#).unwrap();
/// assert_eq!(limits.subject_max_chars, 120);
/// assert_eq!(limits.body_max_bytes, 64 * 1024);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(default)]
pub struct Limits {
    /// Longest subject, in characters.
    pub subject_max_chars: usize,
    /// Largest description, reply, note or resolution note, in bytes of UTF-8.
    pub body_max_bytes: usize,
    /// Most tags on one ticket.
    pub max_tags: usize,
    /// Most asset references on one ticket.
    pub max_assets: usize,
    /// Most links on one ticket.
    pub max_links: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            subject_max_chars: 250,
            body_max_bytes: 64 * 1024,
            max_tags: 50,
            max_assets: 50,
            max_links: 500,
        }
    }
}
