//! Failed recipients read from the text of a bounce written without
//! RFC 3464: Exim, qmail, old Sendmail and Postfix, Exchange and Gmail
//! notices, and others of the same shape.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;

use super::codes::{reply_code_in, status_in};
use super::{FailedRecipient, StatusCode};
use crate::Mail;

/// A line that names one recipient: the address first (bare, in angle
/// brackets or quotes), then nothing, a colon, `on <date>`, a comment or
/// `...`.
static RECIPIENT_LINE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r#"^[ \t]*(?:RCPT TO:\s*)?[<"]?([A-Za-z0-9._%+\-=/!#$&'*?^`{|}~]+@[A-Za-z0-9.\-\[\]]+[A-Za-z0-9\]])[>"]?(?:$|[:\s(]|\.\.\.|\.\s|\.$)"#,
    )
    .ok()
});

/// Where the copy of the returned mail begins; the diagnostics are above.
const RETURNED_MAIL_MARKERS: &[&str] = &[
    "below this line is a copy of the message",
    "this is a copy of the message",
    "original message follows",
    "unsent message follows",
    "original message headers",
    "returned message",
    "header of the original message",
    "headers of the original message",
    "----- original message -----",
    "-----original message-----",
    "content-type: message/rfc822",
];

/// The most lines of text after a recipient line read as its diagnostic.
const DIAGNOSTIC_LINES: usize = 12;

/// The recipients the bounce's text names, with what it says about each;
/// `X-Failed-Recipients` names them where the text does not.
pub(super) fn failed_recipients(mail: &Mail) -> Vec<FailedRecipient> {
    let text = notice_text(mail);
    let head = diagnostic_text(&text);
    let mut recipients = recipient_blocks(mail);
    let failed_header: Vec<String> = mail
        .header_values("x-failed-recipients")
        .flat_map(|value| value.split(','))
        .map(|address| address.trim().trim_matches(['<', '>']).to_lowercase())
        .filter(|address| address.contains('@'))
        .collect();
    if !failed_header.is_empty() {
        // The MTA's own list is authoritative; the text adds what it says.
        recipients = failed_header
            .into_iter()
            .map(|address| {
                let block = recipients
                    .iter()
                    .find(|(known, _)| *known == address)
                    .map(|(_, block)| block.clone())
                    .unwrap_or_default();
                (address, block)
            })
            .collect();
    }
    if recipients.is_empty() {
        recipients = returned_recipients(&text)
            .into_iter()
            .map(|address| (address, String::new()))
            .collect();
    }
    let single = recipients.len() == 1;
    let mut failed: Vec<FailedRecipient> = Vec::new();
    for (address, block) in recipients {
        if failed.iter().any(|known| known.address == address) {
            continue;
        }
        // With one recipient the whole notice is about it (Gmail writes the
        // server's answer paragraphs below the address).
        let text = if single && status_in(&block).is_none() && reply_code_in(&block).is_none() {
            head
        } else {
            block.as_str()
        };
        let reply_code = reply_code_in(text);
        let status = status_in(text)
            .or_else(|| {
                reply_code.and_then(|code| StatusCode::new(u8::try_from(code / 100).ok()?, 0, 0))
            })
            .or_else(|| permanence(head));
        let diagnostic = text.trim();
        failed.push(FailedRecipient {
            address,
            status,
            reply_code,
            diagnostic: (!diagnostic.is_empty()).then(|| diagnostic.to_string()),
            delayed: status.is_some_and(|status| status.is_transient()),
        });
    }
    failed
}

/// A `To:` line of the returned mail's headers.
static RETURNED_TO: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?im)^To:[ \t]*(.+)$").ok());

/// An address within a header line.
static ADDRESS: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z0-9._%+\-=/!#$&'*?^`{|}~]+@[A-Za-z0-9.\-]+[A-Za-z0-9]").ok()
});

/// The recipients of the returned mail, for a notice that names none
/// itself: the `To:` of the copy below its diagnostics.
fn returned_recipients(text: &str) -> Vec<String> {
    let head = diagnostic_text(text);
    let copy = text.get(head.len()..).unwrap_or_default();
    let (Some(to), Some(address)) = (RETURNED_TO.as_ref(), ADDRESS.as_ref()) else {
        return Vec::new();
    };
    to.captures(copy)
        .and_then(|found| found.get(1))
        .map(|line| {
            address
                .find_iter(line.as_str())
                .map(|found| found.as_str().to_lowercase())
                .collect()
        })
        .unwrap_or_default()
}

/// Each address the notice's text names on a line of its own, with the
/// lines about it; the notice's own sender and addressees left out.
pub(super) fn recipient_blocks(mail: &Mail) -> Vec<(String, String)> {
    let own_addresses: Vec<&str> = std::iter::once(mail.from().address())
        .chain(mail.to().iter().map(|to| to.address()))
        .collect();
    let mut blocks = recipients_in(diagnostic_text(&notice_text(mail)));
    blocks.retain(|(address, _)| !own_addresses.contains(&address.as_str()));
    blocks
}

/// The notice's text: its text body, or, where a broken structure left
/// none, the undecoded body of its first multipart or text part.
fn notice_text(mail: &Mail) -> Cow<'_, str> {
    if !mail.text().trim().is_empty() {
        return Cow::Borrowed(mail.text());
    }
    mail.attachments()
        .iter()
        .find(|part| {
            part.declared_type().starts_with("multipart/") || part.declared_type() == "text/plain"
        })
        .map_or(Cow::Borrowed(""), |part| {
            String::from_utf8_lossy(part.bytes())
        })
}

/// The text above the copy of the returned mail.
fn diagnostic_text(text: &str) -> &str {
    let lower = text.to_lowercase();
    let end = RETURNED_MAIL_MARKERS
        .iter()
        .filter_map(|marker| lower.find(marker))
        .min()
        .unwrap_or(text.len());
    // Lower-casing can change byte lengths outside ASCII; fall back to all.
    text.get(..end).unwrap_or(text)
}

/// Each recipient line's address with the lines that follow it, up to the
/// next recipient line.
fn recipients_in(head: &str) -> Vec<(String, String)> {
    let Some(regex) = RECIPIENT_LINE.as_ref() else {
        return Vec::new();
    };
    let mut found: Vec<(String, String)> = Vec::new();
    let mut lines_read = 0;
    for line in head.lines() {
        if let Some(address) = regex.captures(line).and_then(|c| c.get(1)) {
            let rest = line.get(address.end()..).unwrap_or_default();
            found.push((
                address.as_str().to_lowercase(),
                format!("{}\n", rest.trim_start_matches(['>', '"', ':', ' '])),
            ));
            lines_read = 0;
        } else if let Some((_, block)) = found.last_mut() {
            if lines_read < DIAGNOSTIC_LINES {
                block.push_str(line.trim());
                block.push('\n');
                lines_read += 1;
            }
        }
    }
    found
}

/// A class-only status from the notice's words, for notices without codes.
/// A notice that says nothing of a delay is about a failure.
fn permanence(head: &str) -> Option<StatusCode> {
    let lower = head.to_lowercase();
    let transient = [
        "temporary",
        "delayed",
        "will keep trying",
        "will retry",
        "deferred",
        "not yet been delivered",
    ];
    if transient.iter().any(|word| lower.contains(word)) {
        StatusCode::new(4, 0, 0)
    } else {
        StatusCode::new(5, 0, 0)
    }
}
