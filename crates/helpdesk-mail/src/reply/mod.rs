//! Reply extraction: the new text of a mail reply, apart from the quoted
//! history and the signature, so a ticket's thread does not repeat itself.
//! The caller keeps the whole original beside it, so nothing is lost.
//!
//! [`Reply::extract`] reads a plain-text body, [`Reply::extract_html`] an
//! HTML-only one. Both are pure and take time linear in the input: every
//! line is looked at a bounded number of times, and the patterns run on
//! the regex crate's linear-time engine, on lines of bounded length.
//!
//! # What is cut, and what is kept
//!
//! The sources we learn from (email_reply_parser, email_reply_trimmer,
//! talon) disagree on some boundaries; these are our choices.
//!
//! - **History below a separator is cut whole**: everything from the first
//!   `-----Original Message-----` line (in the client's language), an
//!   Outlook-style `From:`/`Sent:`/`To:` header block, a rule of
//!   underscores above a header block or above no more than a footer's
//!   twelve lines, or an attribution ("On … wrote:") followed by unquoted
//!   text. Rules (`-----`) and blank lines right above the cut go with it.
//! - **A `>` block introduced by an attribution is history**: the
//!   attribution and the block are cut, and the person's lines above and
//!   below it are kept: of "Test reply", a quote and "Regards, Roman",
//!   both lines stay. A block whose own first line is an attribution, an
//!   `Original Message` line or a header block is history too.
//! - **A `>` block without an attribution is a citation** the person chose
//!   and is kept when their text follows it; at the end of the message,
//!   after their text, it is cut. A message that is nothing but such a
//!   block is kept whole.
//! - **Inline replies are never cut**: when the person's lines stand
//!   between two `>` blocks, every block above an answer stays as its
//!   context; only the attribution lines go, and the quote below the last
//!   answer, which nothing answers.
//! - **A message written below a leading attribution** (nothing above it)
//!   keeps what follows the attribution: the person wrote into the copy.
//! - **Forwards are kept**: a forwarded message ("---------- Forwarded
//!   message ---------", "Begin forwarded message:") is what the person
//!   chose to send, not history the thread holds.
//! - **Signatures**: the `-- ` delimiter (also `--`) starts the signature,
//!   which ends where quoted history starts; client taglines ("Sent from my
//!   iPhone", "Envoyé de mon iPhone", "Von meinem iPhone gesendet", "Get
//!   Outlook for Android"…) at the end of the person's text are signature
//!   too. Closings and names ("Thanks, / Ann", "-Ann") are the person's
//!   text and are kept.
//! - **Text is kept as written**: lines keep their spacing; only the whole
//!   visible text is trimmed.
//!
//! HTML replies are cut at the quote markup of the clients that do not
//! quote with `<blockquote>` (Outlook on the web, Outlook for Mac, Yahoo,
//! an `<hr>`); the rest becomes text with each `<blockquote>` as `>` lines,
//! and the rules above read it, so inline answers between blockquotes are
//! kept as in plain text.
//!
//! ```
//! use helpdesk_mail::Reply;
//!
//! let reply = Reply::extract(
//!     "Works now, thanks!\n\nOn Mon, 1 Feb 2016 at 10:00, Support <help@example.com> wrote:\n> Try again?",
//! );
//! assert_eq!(reply.visible(), "Works now, thanks!");
//! ```

mod forward;
mod header_block;
mod html;
mod html_text;
mod line;
mod quote_block;
mod quote_header;
mod separator;
mod signature;
mod split;

use split::{Role, split};

/// A reply body taken apart: the person's new text, the quoted history
/// and the signature.
///
/// ```
/// use helpdesk_mail::Reply;
///
/// let reply = Reply::extract("Yes, please close it.\n\nSent from my iPhone");
/// assert_eq!(reply.visible(), "Yes, please close it.");
/// assert_eq!(reply.signature(), Some("Sent from my iPhone"));
/// assert_eq!(reply.quoted(), "");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    visible: String,
    quoted: String,
    signature: Option<String>,
}

impl Reply {
    /// Takes a plain-text body apart.
    ///
    /// ```
    /// use helpdesk_mail::Reply;
    ///
    /// let body = "Danke, es geht wieder.\n\n\
    ///     Am 03.02.2016 um 15:35 schrieb Support <help@example.com>:\n\
    ///     > Bitte neu starten.";
    /// let reply = Reply::extract(body);
    /// assert_eq!(reply.visible(), "Danke, es geht wieder.");
    /// assert!(reply.quoted().contains("Bitte neu starten."));
    /// ```
    pub fn extract(text: &str) -> Reply {
        let split = split(text);
        let mut visible = Vec::new();
        let mut quoted = Vec::new();
        let mut signature = Vec::new();
        let mut prefixes = split.kept_prefixes.iter().peekable();
        for (index, (line, role)) in split.lines.iter().zip(&split.roles).enumerate() {
            while let Some((_, prefix)) = prefixes.next_if(|(at, _)| *at == index) {
                visible.push(*prefix);
            }
            match role {
                Role::Visible if line::is_blank(line) => visible.push(""),
                Role::Visible => visible.push(*line),
                Role::Quoted => quoted.push(*line),
                Role::Signature => signature.push(*line),
            }
        }
        let signature = signature.join("\n").trim().to_string();
        Reply {
            visible: visible.join("\n").trim().to_string(),
            quoted: quoted.join("\n").trim().to_string(),
            signature: (!signature.is_empty()).then_some(signature),
        }
    }

    /// Takes an HTML-only body apart; the parts come back as plain text.
    ///
    /// ```
    /// use helpdesk_mail::Reply;
    ///
    /// let html = r#"<div>Fixed, thank you.</div>
    ///     <div class="gmail_quote">On Mon, Ann &lt;ann@example.com&gt; wrote:
    ///     <blockquote class="gmail_quote">Is it fixed?</blockquote></div>"#;
    /// let reply = Reply::extract_html(html);
    /// assert_eq!(reply.visible(), "Fixed, thank you.");
    /// assert!(reply.quoted().contains("Is it fixed?"));
    /// ```
    pub fn extract_html(html: &str) -> Reply {
        let (above, below) = html::split_at_quote(html);
        let mut reply = Reply::extract(&html_text::to_text(above));
        let below = html_text::to_text(below);
        if !below.is_empty() {
            if !reply.quoted.is_empty() {
                reply.quoted.push('\n');
            }
            reply.quoted.push_str(&below);
        }
        reply
    }

    /// The person's new text, trimmed.
    ///
    /// ```
    /// use helpdesk_mail::Reply;
    ///
    /// assert_eq!(Reply::extract("  Hello\n\n").visible(), "Hello");
    /// ```
    pub fn visible(&self) -> &str {
        &self.visible
    }

    /// What was cut as history: quoted lines, attributions and the
    /// messages below a separator, trimmed.
    ///
    /// ```
    /// use helpdesk_mail::Reply;
    ///
    /// let reply = Reply::extract("Ok\n\n-----Original Message-----\nFrom: a@example.com");
    /// assert_eq!(reply.quoted(), "-----Original Message-----\nFrom: a@example.com");
    /// ```
    pub fn quoted(&self) -> &str {
        &self.quoted
    }

    /// The signature, when one was recognised: from the `-- ` delimiter,
    /// or a client's tagline.
    ///
    /// ```
    /// use helpdesk_mail::Reply;
    ///
    /// let reply = Reply::extract("See you\n-- \nAnn Example\nACME Support");
    /// assert_eq!(reply.visible(), "See you");
    /// assert_eq!(reply.signature(), Some("-- \nAnn Example\nACME Support"));
    /// ```
    pub fn signature(&self) -> Option<&str> {
        self.signature.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_pathological_one_megabyte_bodies_when_split_then_each_line_is_inspected_a_bounded_number_of_times()
     {
        for shape in [
            "> On Mon, 1 Feb 2016 at 10:00, Ann <ann@example.com> wrote: a b c\n",
            "On 1 Feb 2016 Ann <ann@example.com>\n",
            "From: ann@example.com\nFrom: bob@example.com\n",
            "> q\nanswer\n",
            "Am 1.2.2016 schrieb\n\n\n",
            "\n",
        ] {
            let body = format!("Short answer.\n\n{}", shape.repeat((1 << 20) / shape.len()));
            let lines = body.lines().count();
            let split = split::split(&body);
            assert!(
                split.inspected <= 12 * lines,
                "{shape:?}: {} inspections for {lines} lines",
                split.inspected
            );
        }
    }

    #[test]
    fn given_one_megabyte_line_without_breaks_when_split_then_the_work_stays_bounded() {
        let body = "On Mon wrote ".repeat(80_000);
        let split = split::split(&body);
        assert!(split.inspected <= 16, "{} inspections", split.inspected);
    }
}
