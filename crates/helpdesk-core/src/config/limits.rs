//! [`Limits`]: bounds on what commands carry and what a ticket holds, so
//! the cost of every input is bounded.

use serde::{Deserialize, Serialize};

use crate::config::{DeskConfig, Diagnostic};

/// Bounds on what commands carry and on what one ticket holds, so that no
/// input costs more than the desk allows: to check, to store, to load or to
/// search.
///
/// Defaults: subjects up to 250 characters, bodies up to 64 KiB, 50 tags,
/// 50 assets, 500 links, 50 watchers, 1,000 comments and 4 MiB of text per ticket,
/// field keys up to 64 characters and values up to 4 KiB; searches of up
/// to 16 words of up to 64 characters, history pages of up to 1,000
/// events.
///
/// [`decide`](crate::decide) enforces the limits on tickets and commands,
/// refusing with a [`ValidationError`](crate::ValidationError) that names
/// the field and the limit. The engine enforces the limits on queries
/// (`search_*`, `history_page_max`).
///
/// ```
/// use helpdesk_core::config::Limits;
/// let limits: Limits = serde_json::from_str(r#"{"subject_max_chars": 120}"#).unwrap();
/// assert_eq!(limits.subject_max_chars, 120);
/// assert_eq!(limits.body_max_bytes, 64 * 1024);
/// assert_eq!(limits.max_comments, 1_000);
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
    /// Most links on one ticket, and most tickets merged into one.
    pub max_links: usize,
    /// Most watchers of one ticket. Every event of the ticket may plan a
    /// notification to each of them, so this bounds the deliveries one
    /// command writes; at most [`MAX_WATCHERS`].
    pub max_watchers: usize,
    /// Most comments (public replies and internal notes together) on one
    /// ticket. A ticket's conversation is loaded, copied into snapshots and
    /// indexed for search whole, so it must not grow without end; a longer
    /// exchange belongs in a follow-up ticket.
    pub max_comments: usize,
    /// Most text one ticket holds, in bytes of UTF-8: its description and
    /// the bodies of all its comments. Stores write a snapshot of the whole
    /// ticket every few events (every 16 on SQLite), so this bounds what a
    /// snapshot costs: with the 4 MiB default, a snapshot writes at most
    /// 4 MiB, and spread over its 16 events at most 256 KiB per command,
    /// four bodies of the largest size. At least `body_max_bytes`.
    pub max_ticket_bytes: usize,
    /// Longest custom field key a command may name, in characters; longer
    /// keys are refused before they are looked up. Keys defined in the
    /// configuration are at most 64 characters.
    pub field_key_max_chars: usize,
    /// Largest custom field value, in bytes of its text (the sum for a
    /// multi-select), and the largest organization or email address a
    /// ticket records.
    pub field_value_max_bytes: usize,
    /// Most words a full-text search may have; the engine refuses longer
    /// searches.
    pub search_max_words: usize,
    /// Longest word of a full-text search, in characters; the engine
    /// refuses longer words.
    pub search_word_max_chars: usize,
    /// Most events one page of a ticket's history may hold; the engine
    /// refuses larger pages.
    pub history_page_max: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            subject_max_chars: 250,
            body_max_bytes: 64 * 1024,
            max_tags: 50,
            max_assets: 50,
            max_links: 500,
            max_watchers: 50,
            max_comments: 1_000,
            max_ticket_bytes: 4 * 1024 * 1024,
            field_key_max_chars: 64,
            field_value_max_bytes: 4 * 1024,
            search_max_words: 16,
            search_word_max_chars: 64,
            history_page_max: 1_000,
        }
    }
}

/// The highest `limits.max_watchers` a configuration may set.
pub const MAX_WATCHERS: usize = 1_000;

/// Reports limits that make no sense: 0 where nothing could pass, a ticket
/// that cannot hold one body of the largest size, field keys the
/// configuration defines but no command could name.
///
/// `max_tags`, `max_assets`, `max_links` and `max_watchers` may be 0: the
/// desk then uses no tags, assets, links or watchers. `max_watchers` above
/// [`MAX_WATCHERS`] is an error: one command could plan a delivery to each.
pub(crate) fn diagnose(config: &DeskConfig, out: &mut Vec<Diagnostic>) {
    let limits = &config.limits;
    for (name, value) in [
        ("subject_max_chars", limits.subject_max_chars),
        ("body_max_bytes", limits.body_max_bytes),
        ("max_comments", limits.max_comments),
        ("max_ticket_bytes", limits.max_ticket_bytes),
        ("field_key_max_chars", limits.field_key_max_chars),
        ("field_value_max_bytes", limits.field_value_max_bytes),
        ("search_max_words", limits.search_max_words),
        ("search_word_max_chars", limits.search_word_max_chars),
        ("history_page_max", limits.history_page_max),
    ] {
        if value == 0 {
            out.push(Diagnostic::error(
                format!("limits.{name}"),
                "must be at least 1",
            ));
        }
    }
    if limits.max_watchers > MAX_WATCHERS {
        out.push(Diagnostic::error(
            "limits.max_watchers",
            format!(
                "is {}, more than {MAX_WATCHERS}: every event of a ticket may plan a notification to each watcher",
                limits.max_watchers
            ),
        ));
    }
    if limits.max_ticket_bytes < limits.body_max_bytes {
        out.push(Diagnostic::error(
            "limits.max_ticket_bytes",
            format!(
                "is {}, less than limits.body_max_bytes ({}): a ticket could not hold one body of the largest size",
                limits.max_ticket_bytes, limits.body_max_bytes
            ),
        ));
    }
    for (i, def) in config.fields.iter().enumerate() {
        let len = def.key.chars().count();
        if limits.field_key_max_chars > 0 && len > limits.field_key_max_chars {
            out.push(Diagnostic::error(
                format!("fields[{i}].key"),
                format!(
                    "is {len} characters long, more than limits.field_key_max_chars ({}) allows: no command could set it",
                    limits.field_key_max_chars
                ),
            ));
        }
    }
}
