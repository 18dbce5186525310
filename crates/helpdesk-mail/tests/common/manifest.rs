//! `tests/corpus/manifest.json`: every complete mail of our corpus, in the
//! order it reaches the desk, with what ingesting it must give.

use std::path::PathBuf;

use serde::Deserialize;

/// What one mail must become.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expected {
    /// The file, under `tests/corpus/`.
    pub mail: String,
    /// The program that wrote it (a mail client, an MTA, a server's
    /// auto-responder).
    pub client: String,
    /// The language its person or program wrote in.
    pub language: String,
    /// What it is: `new`, `reply`, `forward`, `html-only`, `charset`,
    /// `auto-reply`, `out-of-office`, `bulk`, `bounce`, `malformed`...
    pub kind: String,
    /// `opened`, `replied`, `delivery-failed`, `ignored` or `held`.
    pub outcome: String,
    /// Why it is ignored or held: `malformed`, `from-desk`, `automatic`,
    /// `unknown-bounce`, `unverified`.
    #[serde(default)]
    pub reason: Option<String>,
    /// For a reply, a delivery failure or a held mail: the earlier mail
    /// whose ticket it is on; for a new ticket, the earlier mail whose
    /// ticket it names but cannot reopen, which the new one follows.
    #[serde(default)]
    pub ticket_of: Option<String>,
    /// Before this mail comes, an agent resolved `ticket_of`'s ticket and
    /// this many days passed.
    #[serde(default)]
    pub resolved_days_before: Option<i64>,
    /// The Message-ID the desk's acknowledgement of this mail went out
    /// under: bound to the mail's ticket as the dispatcher binds what it
    /// sends, so replies and bounces can name it.
    #[serde(default)]
    pub desk_sent: Option<String>,
    /// How a reply names its ticket (`in-reply-to`, `references`, `tag`):
    /// documentation, the outcome is what is checked.
    #[serde(default)]
    pub threaded_by: Option<String>,
    /// For a new ticket, its subject, exactly.
    #[serde(default)]
    pub subject: Option<String>,
    /// The text the ticket's description, the reply or the delivery note
    /// holds, exactly.
    #[serde(default)]
    pub text: Option<String>,
    /// Lines that text must hold.
    #[serde(default)]
    pub contains: Vec<String>,
    /// Lines that text must not hold.
    #[serde(default)]
    pub not_contains: Vec<String>,
    /// The files the new ticket's description or the reply carries,
    /// besides the whole mail (`original.eml`), by name and detected type;
    /// unchecked when absent.
    #[serde(default)]
    pub attachments: Option<Vec<(String, String)>>,
    /// Why the channel's answer differs from what the mail's kind calls
    /// for: the case is counted apart, and fails once it passes.
    #[serde(default)]
    pub disagreement: Option<String>,
}

impl Expected {
    /// The mail's bytes.
    pub fn raw(&self) -> Vec<u8> {
        std::fs::read(corpus().join(&self.mail)).unwrap_or_else(|e| panic!("{}: {e}", self.mail))
    }
}

/// `tests/corpus/`.
pub fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

/// Every mail of the manifest, in its order.
pub fn manifest() -> Vec<Expected> {
    let path = corpus().join("manifest.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}
