//! One line of a plain-text body and the shape it has on its own: blank,
//! `>`-quoted, inside a fenced code block, or plain text.

/// Characters some clients and trackers leave on an otherwise empty line:
/// zero-width spaces and joiners, the byte-order mark, and the `ᐧ` that
/// Gmail read-tracking extensions append after the text.
const INVISIBLE: [char; 6] = [
    '\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}', '\u{1427}',
];

/// What a line is, judged by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// Whitespace or invisible characters only.
    Blank,
    /// Starts with `>` (after optional indentation).
    Quoted,
    /// A fence line or a line inside a fenced code block: never a marker.
    Code,
    /// Anything else.
    Text,
}

/// The lines of `text` (`\n` or `\r\n` endings), each without its ending.
pub(crate) fn split_lines(text: &str) -> Vec<&str> {
    text.split('\n')
        .map(|line| line.strip_suffix('\r').unwrap_or(line))
        .collect()
}

/// The shape of every line, fenced code blocks (```` ``` ````) included.
pub(crate) fn shapes(lines: &[&str]) -> Vec<Shape> {
    let mut in_fence = false;
    lines
        .iter()
        .map(|line| {
            let trimmed = line.trim();
            if trimmed.starts_with("```") {
                in_fence = !in_fence;
                return Shape::Code;
            }
            if in_fence {
                Shape::Code
            } else if is_blank(line) {
                Shape::Blank
            } else if trimmed.starts_with('>') {
                Shape::Quoted
            } else {
                Shape::Text
            }
        })
        .collect()
}

/// Whether `line` holds nothing a reader would see.
pub(crate) fn is_blank(line: &str) -> bool {
    line.chars()
        .all(|c| c.is_whitespace() || INVISIBLE.contains(&c))
}

/// `line` without its quote markers (`> > text` gives `text`).
pub(crate) fn unquoted(line: &str) -> &str {
    line.trim_start().trim_start_matches(['>', ' ', '\t'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_a_fenced_block_when_shaped_then_its_lines_are_code() {
        let lines = split_lines("text\n```\n> not a quote\n```\n> quote\n\u{1427}");
        assert_eq!(
            shapes(&lines),
            [
                Shape::Text,
                Shape::Code,
                Shape::Code,
                Shape::Code,
                Shape::Quoted,
                Shape::Blank
            ]
        );
    }

    #[test]
    fn given_nested_quote_markers_when_unquoted_then_the_text_remains() {
        assert_eq!(unquoted(">> > On Monday"), "On Monday");
    }
}
