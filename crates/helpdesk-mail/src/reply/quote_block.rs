//! The `>` blocks of a body: maximal runs of quoted lines, and the pieces
//! of long links a client wrapped out of them.

use super::line::Shape;

/// A maximal run of `>` lines (blank lines inside it included).
pub(crate) struct Block {
    /// Its first line.
    pub(crate) start: usize,
    /// One past its last quoted line.
    pub(crate) end: usize,
}

/// `shapes` with the pieces of a long link that a client wrapped out of
/// the quote (`(http://…) >`, `_nonce=3dd518)`) counted as quoted, when
/// they stand right between two quoted lines.
pub(crate) fn with_broken_links_quoted(lines: &[&str], mut shapes: Vec<Shape>) -> Vec<Shape> {
    for i in 1..lines.len().saturating_sub(1) {
        if shapes[i] != Shape::Text
            || shapes[i - 1] != Shape::Quoted
            || shapes[i + 1] != Shape::Quoted
        {
            continue;
        }
        let line = lines[i].trim();
        let link_piece = !line.contains(char::is_whitespace)
            || line.starts_with("(http")
            || line.starts_with("<http");
        if link_piece {
            shapes[i] = Shape::Quoted;
        }
    }
    shapes
}

/// The `>` blocks above `body_end`; an attribution's lines end a block
/// even when one of them starts with `>`.
pub(crate) fn blocks(shapes: &[Shape], header_lines: &[bool], body_end: usize) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut current: Option<Block> = None;
    for (i, shape) in shapes.iter().enumerate().take(body_end) {
        let shape = if header_lines[i] { &Shape::Text } else { shape };
        match (shape, current.as_mut()) {
            (Shape::Quoted, Some(block)) => block.end = i + 1,
            (Shape::Quoted, None) => {
                current = Some(Block {
                    start: i,
                    end: i + 1,
                })
            }
            (Shape::Blank, _) => {}
            (_, Some(_)) => blocks.extend(current.take()),
            (_, None) => {}
        }
    }
    blocks.extend(current);
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reply::line::shapes;

    #[test]
    fn given_a_link_wrapped_out_of_a_quote_when_blocked_then_the_quote_stays_one_block() {
        let lines = [
            "> View ticket (http://example.com/action",
            "_nonce=3dd518)",
            ">",
            "",
            "text",
            "> again",
        ];
        let shapes = with_broken_links_quoted(&lines, shapes(&lines));
        let found = blocks(&shapes, &[false; 6], lines.len());
        let spans: Vec<(usize, usize)> = found.iter().map(|b| (b.start, b.end)).collect();
        assert_eq!(spans, [(0, 3), (5, 6)]);
    }
}
