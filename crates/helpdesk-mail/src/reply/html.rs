//! HTML-only replies: where each client puts the quoted message, and the
//! HTML turned into lines of text.
//!
//! The quoted part starts at the first of: Gmail's `gmail_quote`,
//! Thunderbird's `moz-cite-prefix`, Outlook's `divRplyFwdMsg`,
//! `OLK_SRC_BODY_SECTION` (Outlook for Mac) and `appendonsend` (Outlook on
//! the web), Yahoo's `yahoo_quoted`, Proton's `protonmail_quote`, any
//! `<blockquote>` (Apple Mail's `type="cite"`, Yandex, Mail.ru), and an
//! `<hr>` (Hotmail, Windows Live, Zimbra). What is above it is converted to
//! text with mail-parser's converter, each block element on its own line,
//! and then read as a plain-text reply, which removes what the clients
//! without markers write (Outlook desktop's `From:`/`Sent:` block).

use mail_parser::decoders::html::html_to_text;

/// Class and id values that open the quoted part, lowercase.
const QUOTE_MARKERS: [&str; 9] = [
    "gmail_quote",
    "moz-cite-prefix",
    "divrplyfwdmsg",
    "olk_src_body_section",
    "appendonsend",
    "yahoo_quoted",
    "protonmail_quote",
    "mail-editor-reference-message-container",
    "outlookmessageheader",
];

/// Elements that start a new line of text.
const BLOCKS: [&str; 21] = [
    "div",
    "p",
    "tr",
    "li",
    "ul",
    "ol",
    "table",
    "blockquote",
    "hr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "pre",
    "dd",
    "dt",
    "section",
    "article",
    "center",
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
    for tag in ["<blockquote", "<hr"] {
        let mut from = body;
        while let Some(found) = lower[from..].find(tag) {
            let at = from + found;
            let next = lower.as_bytes().get(at + tag.len()).copied();
            if matches!(
                next,
                Some(b' ' | b'>' | b'/' | b'\t' | b'\r' | b'\n') | None
            ) {
                cut = cut.min(at);
                break;
            }
            from = at + tag.len();
        }
    }
    // Every marker is ASCII and `cut` sits on a `<`, so both halves are
    // whole characters.
    html.split_at(cut)
}

/// Stands, in the converter's input, for the edge of a block element: a
/// line break unless the text is already at the start of a line. A
/// private-use character, so no mail's own text holds it meaningfully.
const BLOCK_EDGE: char = '\u{E000}';

/// `html` as lines of text: one line per block element, `<br>` a line
/// break, runs of blank lines collapsed to one, lines trimmed.
pub(crate) fn to_text(html: &str) -> String {
    let text = html_to_text(&with_block_edges(html));
    let mut lines: Vec<String> = vec![String::new()];
    for c in text.chars() {
        // A non-breaking space alone is content: Outlook's empty paragraph.
        let current = lines.last().map(|line| line.trim_matches(' ').is_empty());
        match c {
            BLOCK_EDGE if current == Some(true) => {}
            BLOCK_EDGE | '\n' => lines.push(String::new()),
            c => lines.last_mut().into_iter().for_each(|line| line.push(c)),
        }
    }
    let mut out = String::with_capacity(text.len());
    let mut blank_run = false;
    for line in &lines {
        let line = line.trim();
        if line.is_empty() {
            blank_run = !out.is_empty();
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank_run { "\n\n" } else { "\n" });
        }
        out.push_str(line);
        blank_run = false;
    }
    out
}

/// `html` with [`BLOCK_EDGE`] before every block element's opening and
/// closing tag. `</p>` is renamed, because the converter breaks the line
/// after it on its own and the edge already does.
fn with_block_edges(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 8);
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        out.push_str(&rest[..at]);
        let tag = &rest[at + 1..];
        let closing = tag.starts_with('/');
        let name = tag.strip_prefix('/').unwrap_or(tag);
        let name_len = name
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(name.len());
        let name = &name[..name_len];
        if BLOCKS.iter().any(|block| block.eq_ignore_ascii_case(name)) {
            out.push(BLOCK_EDGE);
        }
        out.push('<');
        if closing && name.eq_ignore_ascii_case("p") {
            out.push_str("/x-p");
            rest = &tag[2..];
        } else {
            rest = tag;
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_a_gmail_reply_when_split_then_the_quote_is_below() {
        let html = r#"<div>Hi</div><div class="gmail_quote">On Mon, Ann wrote:<blockquote>Hello</blockquote></div>"#;
        let (above, below) = split_at_quote(html);
        assert_eq!(above, "<div>Hi</div>");
        assert!(below.starts_with(r#"<div class="gmail_quote">"#));
    }

    #[test]
    fn given_a_marker_in_the_head_styles_when_split_then_only_the_body_counts() {
        let html = "<head><style>.gmail_quote{}</style></head><body><p>Hi</p></body>";
        assert_eq!(split_at_quote(html).1, "");
    }

    #[test]
    fn given_blocks_when_converted_then_each_is_a_line() {
        let text = to_text("<div>Hi.</div><div><br></div><div>Thanks,</div><p>Alex</p>");
        assert_eq!(text, "Hi.\n\nThanks,\nAlex");
        let text = to_text("<p class=MsoNormal>Hi.</p><p>&nbsp;</p><p>Bye<br>Ann</p>");
        assert_eq!(text, "Hi.\n\nBye\nAnn");
    }
}
