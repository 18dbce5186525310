//! [`TemplateText`]: one locale's wording of a notification template.

use serde::{Deserialize, Serialize};

/// What a notification says in one locale: a one-line subject, a plain
/// text body and, optionally, an HTML body sent as the alternative.
///
/// The desk configuration keeps templates under `templates.<key>.<locale>`;
/// rules name them by key. The domain keeps the text only: the engine
/// parses and renders it (Jinja syntax, HTML escaped by default in `html`)
/// and checks that it names only the variables it offers.
///
/// ```
/// use helpdesk_core::DeskConfig;
/// let config: DeskConfig = toml::from_str(r#"
///     default_locale = "en"
///
///     [templates.requester_update.en]
///     subject = "[{{ ticket.reference }}] {{ ticket.subject }}"
///     text = "{{ event.body }}"
///     html = "<p>{{ event.body }}</p>"
///
///     [templates.requester_update.de]
///     subject = "[{{ ticket.reference }}] {{ ticket.subject }}"
///     text = "{{ event.body }}"
/// "#).unwrap();
/// config.validate().unwrap();
/// let german = &config.templates["requester_update"]["de"];
/// assert_eq!(german.html, None, "plain text only");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateText {
    /// The subject line (an email's `Subject`, a chat message's title).
    /// Line breaks in what it renders to are folded into spaces.
    pub subject: String,
    /// The body as plain text.
    pub text: String,
    /// The body as HTML, sent as the alternative to `text`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub html: Option<String>,
}
