//! Deciding, line by line, what of a plain-text reply is the person's new
//! text, what is quoted history and what is their signature.
//!
//! One pass finds the first boundary below which everything is history (an
//! `Original Message` line, a header block, an underscore rule, an
//! attribution above unquoted text), the signature delimiter, or a forward
//! (kept whole). Above it, every `>` block is judged by where it stands:
//! see the module documentation of [`crate::reply`] for the rules.

use super::forward::is_forward;
use super::header_block;
use super::line::{Shape, shapes, split_lines, unquoted};
use super::quote_block::{Block, blocks, with_broken_links_quoted};
use super::quote_header::{Attribution, Strength, attribution_at, is_attribution};
use super::separator::{is_original_message, is_rule, is_underscore_rule};
use super::signature::{is_delimiter, is_tagline};

/// What a line turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// The person's new text.
    Visible,
    /// History: quoted lines, attributions, the message below a separator.
    Quoted,
    /// The signature or a client's tagline.
    Signature,
}

/// The most non-blank lines below an underscore rule that still make a
/// signature or a mailing list footer rather than more of the person's text.
const MAX_FOOTER: usize = 12;

/// A body cut into roles.
pub(crate) struct Split<'a> {
    /// The body's lines, without their endings.
    pub(crate) lines: Vec<&'a str>,
    /// The role of each line.
    pub(crate) roles: Vec<Role>,
    /// Lines whose start the person wrote before an attribution on the
    /// same line: the index and the words kept.
    pub(crate) kept_prefixes: Vec<(usize, &'a str)>,
    /// How many line inspections the split took: the bound on its work,
    /// which the tests check.
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) inspected: usize,
}

/// Where the history below the person's text starts.
#[derive(Debug, Clone, Copy)]
enum Boundary<'a> {
    /// Everything from this line on is history.
    History {
        at: usize,
        attribution: Option<Attribution<'a>>,
    },
    /// The signature delimiter.
    Signature(usize),
    /// A forwarded message, kept.
    Forward(usize),
}

/// An attribution standing above a `>` block.
struct Header<'a> {
    start: usize,
    end: usize,
    /// The first line of the block it introduces.
    block: usize,
    prefix: Option<&'a str>,
}

/// Splits `text` into roles.
pub(crate) fn split(text: &str) -> Split<'_> {
    let lines = split_lines(text);
    let mut inspected = 0;
    let mut kept_prefixes = Vec::new();
    let roles = Pass::new(&lines, 0, &mut inspected).assign(&mut kept_prefixes, Fallback::Allowed);
    Split {
        lines,
        roles,
        kept_prefixes,
        inspected,
    }
}

/// Whether an empty result may retry below a leading attribution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fallback {
    Allowed,
    Spent,
}

/// One pass over `all[offset..]`: its lines, their shapes, the roles given
/// so far, and the count of inspections.
struct Pass<'a, 'b> {
    all: &'b [&'a str],
    offset: usize,
    lines: &'b [&'a str],
    shapes: Vec<Shape>,
    roles: Vec<Role>,
    /// How many non-blank lines stand after each line.
    filled_after: Vec<usize>,
    inspected: &'b mut usize,
}

impl<'a, 'b> Pass<'a, 'b> {
    fn new(all: &'b [&'a str], offset: usize, inspected: &'b mut usize) -> Self {
        let lines = &all[offset..];
        *inspected += 2 * lines.len();
        let shapes = with_broken_links_quoted(lines, shapes(lines));
        let mut filled_after = vec![0; lines.len()];
        for i in (0..lines.len().saturating_sub(1)).rev() {
            filled_after[i] = filled_after[i + 1] + usize::from(shapes[i + 1] != Shape::Blank);
        }
        Pass {
            all,
            offset,
            lines,
            roles: vec![Role::Visible; lines.len()],
            shapes,
            filled_after,
            inspected,
        }
    }

    /// The role of every line; the words kept before attributions go to
    /// `kept_prefixes`.
    fn assign(
        mut self,
        kept_prefixes: &mut Vec<(usize, &'a str)>,
        fallback: Fallback,
    ) -> Vec<Role> {
        let (boundary, headers) = self.find_boundary();
        let body_end = match boundary {
            Some(
                Boundary::History { at, .. } | Boundary::Signature(at) | Boundary::Forward(at),
            ) => at,
            None => self.lines.len(),
        };
        self.judge_blocks(&headers, body_end);
        for header in &headers {
            if let Some(prefix) = header.prefix {
                if self.roles[header.start] == Role::Quoted {
                    kept_prefixes.push((self.offset + header.start, prefix));
                }
            }
        }
        match boundary {
            Some(Boundary::History { at, attribution }) => {
                let start = self.mark_history(at);
                if let Some(prefix) = attribution.and_then(|a| a.prefix) {
                    kept_prefixes.push((self.offset + at, prefix));
                }
                let nothing_kept = self.roles[..start]
                    .iter()
                    .zip(&self.shapes[..start])
                    .all(|(role, shape)| *role != Role::Visible || *shape == Shape::Blank);
                let leading = attribution.filter(|a| a.prefix.is_none() && nothing_kept);
                if let (Some(attribution), Fallback::Allowed) = (leading, fallback) {
                    // The whole message sits below an attribution: the
                    // person wrote into the copy, so what follows is theirs.
                    let below = Pass::new(self.all, self.offset + attribution.end, self.inspected)
                        .assign(kept_prefixes, Fallback::Spent);
                    self.roles[attribution.end..].copy_from_slice(&below);
                }
            }
            Some(Boundary::Signature(at)) => self.mark_signature(at),
            Some(Boundary::Forward(_)) | None => {}
        }
        self.strip_taglines(body_end);
        self.roles
    }

    /// The first boundary, and the attributions standing above `>` blocks
    /// before it.
    fn find_boundary(&mut self) -> (Option<Boundary<'a>>, Vec<Header<'a>>) {
        let lines = self.lines;
        let mut headers = Vec::new();
        let mut at = 0;
        while at < lines.len() {
            *self.inspected += 1;
            if self.shapes[at] != Shape::Text {
                at += 1;
                continue;
            }
            let line = lines[at];
            if is_forward(line) {
                return (Some(Boundary::Forward(at)), headers);
            }
            if is_delimiter(line) {
                return (Some(Boundary::Signature(at)), headers);
            }
            if is_original_message(line)
                || (is_underscore_rule(line) && self.rule_closes(at))
                || header_block::starts_at(lines, at, self.inspected)
            {
                let boundary = Boundary::History {
                    at,
                    attribution: None,
                };
                return (Some(boundary), headers);
            }
            if let Some(attribution) = attribution_at(lines, at, self.inspected) {
                let next = self.next_non_blank(attribution.end);
                match next {
                    Some(block) if self.shapes[block] == Shape::Quoted => {
                        headers.push(Header {
                            start: at,
                            end: attribution.end,
                            block,
                            prefix: attribution.prefix,
                        });
                        at = block;
                        continue;
                    }
                    Some(_) if attribution.strength == Strength::Weak => {}
                    _ => {
                        let attribution = Some(attribution);
                        return (Some(Boundary::History { at, attribution }), headers);
                    }
                }
            }
            at += 1;
        }
        (None, headers)
    }

    /// Whether the underscore rule at `at` closes the person's text: a
    /// header block follows it, or only a signature's or a mailing list
    /// footer's few lines do. A rule with more of the person's text below
    /// is theirs.
    fn rule_closes(&mut self, at: usize) -> bool {
        if self.filled_after[at] <= MAX_FOOTER {
            return true;
        }
        let next = self.next_non_blank(at + 1);
        next.is_some_and(|next| header_block::starts_at(self.lines, next, self.inspected))
    }

    /// The first line at or after `from` that is not blank.
    fn next_non_blank(&mut self, from: usize) -> Option<usize> {
        (from..self.lines.len()).find(|&i| {
            *self.inspected += 1;
            self.shapes[i] != Shape::Blank
        })
    }

    /// Judges every `>` block above `body_end`: history is marked quoted.
    fn judge_blocks(&mut self, headers: &[Header<'_>], body_end: usize) {
        let mut header_lines = vec![false; body_end];
        for header in headers {
            header_lines[header.start..header.end.min(body_end)].fill(true);
        }
        // How many of the person's text lines stand before each index.
        let mut text_before = vec![0usize; body_end + 1];
        for i in 0..body_end {
            *self.inspected += 1;
            let is_text = matches!(self.shapes[i], Shape::Text | Shape::Code)
                && !header_lines[i]
                && !is_tagline(self.lines[i]);
            text_before[i + 1] = text_before[i] + usize::from(is_text);
        }
        let blocks = blocks(&self.shapes, &header_lines, body_end);
        let interleaved = blocks
            .windows(2)
            .any(|pair| text_before[pair[1].start] > text_before[pair[0].end]);
        for block in &blocks {
            let header = headers.iter().find(|h| h.block == block.start);
            let text_after = text_before[body_end] > text_before[block.end];
            if interleaved && text_after {
                if let Some(header) = header {
                    self.roles[header.start..header.end].fill(Role::Quoted);
                }
                self.drop_quoted_attribution(block);
                continue;
            }
            let text_earlier = text_before[block.start] > 0;
            let attributed = header.is_some() || self.opens_with_history(block);
            let history = if interleaved {
                true
            } else if text_after {
                attributed
            } else {
                attributed || text_earlier
            };
            if history {
                let start = header.map_or(block.start, |h| h.start);
                let mut end = block.end;
                while end < body_end && self.shapes[end] == Shape::Blank {
                    end += 1;
                }
                self.roles[start..end].fill(Role::Quoted);
            }
        }
    }

    /// Marks a block's first line quoted when it is an attribution (Apple
    /// Mail quotes its own), with the quoted blank lines below it.
    fn drop_quoted_attribution(&mut self, block: &Block) {
        *self.inspected += 1;
        if !is_attribution(unquoted(self.lines[block.start])) {
            return;
        }
        let mut end = block.start + 1;
        while end < block.end && unquoted(self.lines[end]).trim().is_empty() {
            *self.inspected += 1;
            end += 1;
        }
        self.roles[block.start..end].fill(Role::Quoted);
    }

    /// Whether a block's own first lines say it is history: an
    /// attribution, an `Original Message` or forward line, or a header
    /// block.
    fn opens_with_history(&mut self, block: &Block) -> bool {
        let inner: Vec<&str> = self.lines[block.start..block.end]
            .iter()
            .take(16)
            .map(|line| unquoted(line))
            .collect();
        *self.inspected += inner.len();
        let Some(first) = inner.iter().position(|line| !line.trim().is_empty()) else {
            return false;
        };
        let line = inner[first];
        is_attribution(line)
            || is_original_message(line)
            || is_forward(line)
            || header_block::starts_at(&inner, first, self.inspected)
    }

    /// Marks everything from `at` on as history, with the rules and blank
    /// lines right above it; the first line marked.
    fn mark_history(&mut self, at: usize) -> usize {
        let mut start = at;
        while start > 0
            && (self.shapes[start - 1] == Shape::Blank || is_rule(self.lines[start - 1]))
        {
            start -= 1;
        }
        self.roles[start..].fill(Role::Quoted);
        start
    }

    /// Marks the signature from the delimiter at `at` to the next history,
    /// and that history as quoted.
    fn mark_signature(&mut self, at: usize) {
        let lines = self.lines;
        let mut end = at + 1;
        while end < lines.len() {
            *self.inspected += 1;
            let line = lines[end];
            let history = self.shapes[end] == Shape::Quoted
                || (self.shapes[end] == Shape::Text
                    && (is_original_message(line)
                        || is_forward(line)
                        || header_block::starts_at(lines, end, self.inspected)
                        || attribution_at(lines, end, self.inspected).is_some()));
            if history {
                break;
            }
            end += 1;
        }
        self.roles[at..end].fill(Role::Signature);
        self.roles[end..].fill(Role::Quoted);
    }

    /// Marks the taglines at the end of the person's text as signature.
    fn strip_taglines(&mut self, body_end: usize) {
        for i in (0..body_end).rev() {
            *self.inspected += 1;
            if self.roles[i] != Role::Visible || self.shapes[i] == Shape::Blank {
                continue;
            }
            if self.shapes[i] == Shape::Text && is_tagline(self.lines[i]) {
                self.roles[i] = Role::Signature;
            } else {
                break;
            }
        }
    }
}
