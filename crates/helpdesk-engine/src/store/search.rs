//! [`SearchQuery`]: a full-text search, checked and split into words.

use helpdesk_core::config::Limits;
use serde::{Deserialize, Serialize};

use crate::store::StoreError;

/// A search: lowercased words that must all occur, and the most rows to
/// answer. Built by [`SearchQuery::new`] or [`SearchQuery::bounded`],
/// which bound its cost: never more than [`MAX_WORDS`](Self::MAX_WORDS)
/// words of [`MAX_WORD_CHARS`](Self::MAX_WORD_CHARS) characters, whatever
/// the configuration, and every store answers any query they build.
///
/// ```
/// use helpdesk_engine::store::SearchQuery;
///
/// let query = SearchQuery::new("  VPN   Drops ", 10)?;
/// assert_eq!(query.words, ["vpn", "drops"]);
/// assert_eq!(query.limit, 10);
///
/// let long = "x".repeat(65);
/// assert_eq!(
///     SearchQuery::new(&long, 10).unwrap_err().to_string(),
///     "invalid query: text: word 1 is 65 characters long; limits.search_word_max_chars allows 64"
/// );
/// # Ok::<(), helpdesk_engine::StoreError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchQuery {
    /// The words, lowercased; a ticket matches when each occurs in a part
    /// of its text the searcher may find. No words match nothing.
    pub words: Vec<String>,
    /// At most this many rows: 1 to [`SearchQuery::MAX_LIMIT`].
    pub limit: u32,
}

impl SearchQuery {
    /// The most words a query holds.
    pub const MAX_WORDS: usize = 64;
    /// The longest word, in characters.
    pub const MAX_WORD_CHARS: usize = 128;
    /// The most rows a search answers.
    pub const MAX_LIMIT: u32 = 1_000;

    /// The words of `text` (split at whitespace, lowercased) and `limit`,
    /// under the default [`Limits`] (16 words of 64 characters): refused
    /// with [`StoreError::InvalidQuery`] naming the bound when there are
    /// more words, a longer word, or a `limit` that is not 1 to
    /// [`MAX_LIMIT`](Self::MAX_LIMIT).
    pub fn new(text: &str, limit: u32) -> Result<Self, StoreError> {
        Self::bounded(text, limit, &Limits::default())
    }

    /// Like [`new`](Self::new), with a desk's configured bounds on words
    /// (`limits.search_max_words`, `limits.search_word_max_chars`), each
    /// named in the error that refuses it; bounds above the hard ones are
    /// lowered to them.
    ///
    /// ```
    /// use helpdesk_core::config::Limits;
    /// use helpdesk_engine::store::SearchQuery;
    ///
    /// let limits = Limits { search_max_words: 2, ..Limits::default() };
    /// assert!(SearchQuery::bounded("vpn drops", 10, &limits).is_ok());
    /// assert_eq!(
    ///     SearchQuery::bounded("vpn drops daily", 10, &limits).unwrap_err().to_string(),
    ///     "invalid query: text: has more than 2 words; limits.search_max_words allows 2"
    /// );
    /// ```
    pub fn bounded(text: &str, limit: u32, limits: &Limits) -> Result<Self, StoreError> {
        let max_words = limits.search_max_words.min(Self::MAX_WORDS);
        let max_word_chars = limits.search_word_max_chars.min(Self::MAX_WORD_CHARS);
        if limit == 0 || limit > Self::MAX_LIMIT {
            return Err(StoreError::InvalidQuery {
                field: "limit",
                reason: format!("is {limit}; a search answers 1 to {} rows", Self::MAX_LIMIT),
            });
        }
        let mut words = Vec::new();
        for (n, word) in text.split_whitespace().enumerate() {
            if n == max_words {
                return Err(StoreError::InvalidQuery {
                    field: "text",
                    reason: format!(
                        "has more than {max_words} words; limits.search_max_words allows {max_words}"
                    ),
                });
            }
            let chars = word.chars().count();
            if chars > max_word_chars {
                return Err(StoreError::InvalidQuery {
                    field: "text",
                    reason: format!(
                        "word {} is {chars} characters long; limits.search_word_max_chars allows {max_word_chars}",
                        n + 1
                    ),
                });
            }
            words.push(word.to_lowercase());
        }
        Ok(Self { words, limit })
    }
}
