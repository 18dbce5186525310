//! HTML turned into lines of text with mail-parser's converter: each block
//! element on its own line, `<br>` a line break, and every line inside a
//! `<blockquote>` marked with one `>` per level, as a plain-text client
//! would have quoted it.

use mail_parser::decoders::html::html_to_text;

/// Stands, in the converter's input, for the edge of a block element: a
/// line break unless the text is already at the start of a line. Private-use
/// characters, so no mail's own text holds them meaningfully.
const BLOCK_EDGE: char = '\u{E000}';
/// The edge of a `<blockquote>`'s start: one quote level deeper.
const QUOTE_OPEN: char = '\u{E001}';
/// The edge of a `<blockquote>`'s end: one quote level shallower.
const QUOTE_CLOSE: char = '\u{E002}';

/// Elements that start a new line of text, besides `<blockquote>`.
const BLOCKS: [&str; 20] = [
    "div", "p", "tr", "li", "ul", "ol", "table", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "pre",
    "dd", "dt", "section", "article", "center",
];

/// A line of text and how deep in quotes it stands.
#[derive(Default)]
struct Line {
    depth: usize,
    text: String,
}

impl Line {
    /// Nothing written yet but the converter's spaces. A non-breaking space
    /// is content: Outlook's empty paragraph.
    fn is_unwritten(&self) -> bool {
        self.text.trim_matches(' ').is_empty()
    }
}

/// `html` as lines of text: blocks on their lines, blockquotes as `>`
/// lines, runs of blank lines collapsed to one, lines trimmed.
pub(crate) fn to_text(html: &str) -> String {
    let text = html_to_text(&with_edges(html));
    let mut lines = vec![Line::default()];
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            BLOCK_EDGE | QUOTE_OPEN | QUOTE_CLOSE | '\n' => {
                if c == QUOTE_OPEN {
                    depth += 1;
                } else if c == QUOTE_CLOSE {
                    depth = depth.saturating_sub(1);
                }
                match lines.last_mut() {
                    Some(line) if c != '\n' && line.is_unwritten() => line.depth = depth,
                    _ => lines.push(Line {
                        depth,
                        text: String::new(),
                    }),
                }
            }
            c => lines
                .iter_mut()
                .last()
                .into_iter()
                .for_each(|line| line.text.push(c)),
        }
    }
    render(&lines, text.len())
}

/// The lines joined, quoted ones behind their `>`s.
fn render(lines: &[Line], capacity: usize) -> String {
    let mut out = String::with_capacity(capacity);
    let mut blank_run = false;
    for line in lines {
        let text = line.text.trim();
        if text.is_empty() {
            blank_run = !out.is_empty();
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank_run { "\n\n" } else { "\n" });
        }
        if line.depth > 0 {
            out.extend(std::iter::repeat_n('>', line.depth));
            out.push(' ');
        }
        out.push_str(text);
        blank_run = false;
    }
    out
}

/// `html` with an edge character before every block element's opening and
/// closing tag. `</p>` is renamed, because the converter breaks the line
/// after it on its own and the edge already does.
fn with_edges(html: &str) -> String {
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
        if name.eq_ignore_ascii_case("blockquote") {
            out.push(if closing { QUOTE_CLOSE } else { QUOTE_OPEN });
        } else if BLOCKS.iter().any(|block| block.eq_ignore_ascii_case(name)) {
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
    fn given_blocks_when_converted_then_each_is_a_line() {
        let text = to_text("<div>Hi.</div><div><br></div><div>Thanks,</div><p>Alex</p>");
        assert_eq!(text, "Hi.\n\nThanks,\nAlex");
        let text = to_text("<p class=MsoNormal>Hi.</p><p>&nbsp;</p><p>Bye<br>Ann</p>");
        assert_eq!(text, "Hi.\n\nBye\nAnn");
    }

    #[test]
    fn given_nested_blockquotes_when_converted_then_their_lines_are_quoted_per_level() {
        let html = "<div>Answer</div><blockquote>Question<blockquote>Older<br>lines</blockquote>\
                    Again</blockquote><div>More</div>";
        assert_eq!(
            to_text(html),
            "Answer\n> Question\n>> Older\n>> lines\n> Again\nMore"
        );
    }
}
