//! [`SearchQuery`]: a full-text search, checked and split into words.

use serde::{Deserialize, Serialize};

use crate::store::StoreError;

/// A search: lowercased words that must all occur, and the most rows to
/// answer. Built by [`SearchQuery::new`], which bounds its cost: every
/// store answers any query it builds.
///
/// ```
/// use helpdesk_engine::store::SearchQuery;
///
/// let query = SearchQuery::new("  VPN   Drops ", 10)?;
/// assert_eq!(query.words, ["vpn", "drops"]);
/// assert_eq!(query.limit, 10);
///
/// let long = "x".repeat(SearchQuery::MAX_WORD_CHARS + 1);
/// assert_eq!(
///     SearchQuery::new(&long, 10).unwrap_err().to_string(),
///     "invalid query: text: word 1 is 129 characters long; a word has at most 128"
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
    /// refused with [`StoreError::InvalidQuery`] naming the bound when
    /// there are more than [`MAX_WORDS`](Self::MAX_WORDS) words, a word is
    /// longer than [`MAX_WORD_CHARS`](Self::MAX_WORD_CHARS), or `limit` is
    /// not 1 to [`MAX_LIMIT`](Self::MAX_LIMIT).
    pub fn new(text: &str, limit: u32) -> Result<Self, StoreError> {
        Self::bounded(text, limit, Self::MAX_WORDS, Self::MAX_WORD_CHARS)
    }

    /// Like [`new`](Self::new), with tighter bounds on words (a desk's
    /// configured limits); bounds above the hard ones are lowered to them.
    pub fn bounded(
        text: &str,
        limit: u32,
        max_words: usize,
        max_word_chars: usize,
    ) -> Result<Self, StoreError> {
        let max_words = max_words.min(Self::MAX_WORDS);
        let max_word_chars = max_word_chars.min(Self::MAX_WORD_CHARS);
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
                    reason: format!("has more than {max_words} words"),
                });
            }
            let chars = word.chars().count();
            if chars > max_word_chars {
                return Err(StoreError::InvalidQuery {
                    field: "text",
                    reason: format!(
                        "word {} is {chars} characters long; a word has at most {max_word_chars}",
                        n + 1
                    ),
                });
            }
            words.push(word.to_lowercase());
        }
        Ok(Self { words, limit })
    }
}
