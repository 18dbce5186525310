//! HTML-only replies: where the clients that do not quote with
//! `<blockquote>` put the message they answer.
//!
//! The quoted part starts at the first of Outlook's `divRplyFwdMsg`,
//! `appendonsend` (Outlook on the web) and `OLK_SRC_BODY_SECTION` (Outlook
//! for Mac), the new Outlook's `mail-editor-reference-message-container`,
//! Yahoo's `yahoo_quoted`, and an `<hr>` (Hotmail, Windows Live, Zimbra).
//! What is above it becomes text with its `<blockquote>`s as `>` lines (see
//! [`super::html_text`]), which the plain-text rules then read: Gmail's
//! `gmail_quote`, Apple Mail's and Thunderbird's `type="cite"`, Proton's,
//! Yandex's and Mail.ru's quotes are all blockquotes under an attribution,
//! and Outlook desktop writes a `From:`/`Sent:` block.

/// Class and id values that open the quoted part, lowercase.
const QUOTE_MARKERS: [&str; 6] = [
    "divrplyfwdmsg",
    "appendonsend",
    "olk_src_body_section",
    "mail-editor-reference-message-container",
    "yahoo_quoted",
    "outlookmessageheader",
];

/// The HTML split at the start of the quoted part: (above, below).
pub(crate) fn split_at_quote(html: &str) -> (&str, &str) {
    let lower = html.to_ascii_lowercase();
    let body = lower.find("<body").unwrap_or(0);
    let mut cut = html.len();
    for marker in QUOTE_MARKERS {
        if let Some(found) = lower[body..].find(marker) {
            let at = body + found;
            let tag = lower[..at].rfind('<').unwrap_or(at);
            cut = cut.min(tag);
        }
    }
    let mut from = body;
    while let Some(found) = lower[from..].find("<hr") {
        let at = from + found;
        let next = lower.as_bytes().get(at + 3).copied();
        if matches!(
            next,
            Some(b' ' | b'>' | b'/' | b'\t' | b'\r' | b'\n') | None
        ) {
            cut = cut.min(at);
            break;
        }
        from = at + 3;
    }
    // Every marker is ASCII and `cut` sits on a `<`, so both halves are
    // whole characters.
    html.split_at(cut)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_an_outlook_web_reply_when_split_then_the_quote_is_below() {
        let html = r#"<div>Hi</div><div id="appendonsend"></div><hr><div id="divRplyFwdMsg">From: Ann</div>"#;
        let (above, below) = split_at_quote(html);
        assert_eq!(above, "<div>Hi</div>");
        assert!(below.starts_with(r#"<div id="appendonsend">"#));
    }

    #[test]
    fn given_a_marker_in_the_head_styles_when_split_then_only_the_body_counts() {
        let html = "<head><style>.yahoo_quoted{}</style></head><body><p>Hi</p></body>";
        assert_eq!(split_at_quote(html).1, "");
    }
}
