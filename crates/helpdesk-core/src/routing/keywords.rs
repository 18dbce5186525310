//! [`Keywords`]: words to look for, matched without regard to case.

use serde::{Deserialize, Serialize};

/// Words or phrases to look for in text, matched case-insensitively as
/// substrings: `["vpn", "remote access"]`. Stored lowercased.
///
/// ```
/// use helpdesk_core::routing::Keywords;
/// let k: Keywords = serde_json::from_str(r#"["VPN", "Remote Access"]"#).unwrap();
/// assert!(k.any_in("cannot reach remote access since monday"));
/// assert!(!k.any_in("printer jammed"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "Vec<String>", into = "Vec<String>")]
pub struct Keywords(Vec<String>);

impl Keywords {
    /// Whether any keyword occurs in `lowercased`, which must already be
    /// lowercase.
    pub fn any_in(&self, lowercased: &str) -> bool {
        self.0.iter().any(|k| lowercased.contains(k.as_str()))
    }

    /// The first keyword that occurs in `lowercased`.
    pub fn first_in(&self, lowercased: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|k| lowercased.contains(k.as_str()))
            .map(String::as_str)
    }

    /// The keywords, lowercased.
    pub fn as_slice(&self) -> &[String] {
        &self.0
    }

    /// Whether every keyword of `self` is also one of `other`.
    pub fn is_subset_of(&self, other: &Keywords) -> bool {
        self.0.iter().all(|k| other.0.contains(k))
    }
}

impl TryFrom<Vec<String>> for Keywords {
    type Error = String;

    fn try_from(words: Vec<String>) -> Result<Self, Self::Error> {
        if words.is_empty() {
            return Err("a keyword list must not be empty".into());
        }
        let mut lowered = Vec::with_capacity(words.len());
        for word in words {
            let word = word.trim().to_lowercase();
            if word.is_empty() {
                return Err("keywords must not be blank".into());
            }
            lowered.push(word);
        }
        Ok(Keywords(lowered))
    }
}

impl From<Keywords> for Vec<String> {
    fn from(keywords: Keywords) -> Self {
        keywords.0
    }
}
