//! Failed recipients read from the text of a bounce written without
//! RFC 3464: Exim, qmail, old Sendmail and Postfix, Exchange and Gmail
//! notices, and others of the same shape.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::LazyLock;

use regex::Regex;

use super::codes::{reply_code_in, status_in};
use super::{FailedRecipient, MAX_RECIPIENTS, StatusCode};
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
/// `X-Failed-Recipients` names them where the text does not. At most
/// [`MAX_RECIPIENTS`], each once.
pub(super) fn failed_recipients(mail: &Mail) -> Vec<FailedRecipient> {
    let text = notice_text(mail);
    let head = diagnostic_text(&text);
    let mut recipients = recipient_blocks(mail);
    let failed_header = distinct(
        mail.header_values("x-failed-recipients")
            .flat_map(|value| value.split(','))
            .map(|address| address.trim().trim_matches(['<', '>']).to_lowercase())
            .filter(|address| address.contains('@')),
    );
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
    // Only a mail system's notice returns a copy: in a person's mail the
    // `To:` below the text is a quoted reply's.
    if recipients.is_empty() && super::looks_like_notice(mail) {
        recipients = returned_recipients(&text)
            .into_iter()
            .map(|address| (address, String::new()))
            .collect();
    }
    let single = recipients.len() == 1;
    let head_status = permanence(head);
    let mut seen: HashSet<String> = HashSet::new();
    let mut failed: Vec<FailedRecipient> = Vec::new();
    for (address, block) in recipients {
        if !seen.insert(address.clone()) {
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
            .or(head_status);
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

/// At most [`MAX_RECIPIENTS`] of `addresses`, each once, in order.
fn distinct(addresses: impl Iterator<Item = String>) -> Vec<String> {
    let mut seen: HashSet<String> = HashSet::new();
    addresses
        .filter(|address| seen.insert(address.clone()))
        .take(MAX_RECIPIENTS)
        .collect()
}

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
            distinct(
                address
                    .find_iter(line.as_str())
                    .map(|found| found.as_str().to_lowercase()),
            )
        })
        .unwrap_or_default()
}

/// Each address the notice's text names on a line of its own, with the
/// lines about it; the notice's own sender and addressees left out. At
/// most the first [`MAX_RECIPIENTS`] are kept.
pub(super) fn recipient_blocks(mail: &Mail) -> Vec<(String, String)> {
    let own_addresses: HashSet<&str> = std::iter::once(mail.from().address())
        .chain(mail.to().iter().map(|to| to.address()))
        .collect();
    recipients_in(diagnostic_text(&notice_text(mail)), &own_addresses)
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
/// next recipient line; lines naming one of `own_addresses` (and those
/// after them) skipped. Reading stops after [`MAX_RECIPIENTS`] of them.
fn recipients_in(head: &str, own_addresses: &HashSet<&str>) -> Vec<(String, String)> {
    let Some(regex) = RECIPIENT_LINE.as_ref() else {
        return Vec::new();
    };
    let mut found: Vec<(String, String)> = Vec::new();
    let mut in_block = false;
    let mut lines_read = 0;
    for line in head.lines() {
        if let Some(address) = regex.captures(line).and_then(|c| c.get(1)) {
            let address_lower = address.as_str().to_lowercase();
            lines_read = 0;
            in_block = !own_addresses.contains(address_lower.as_str());
            if !in_block {
                continue;
            }
            if found.len() == MAX_RECIPIENTS {
                break;
            }
            let rest = line.get(address.end()..).unwrap_or_default();
            found.push((
                address_lower,
                format!("{}\n", rest.trim_start_matches(['>', '"', ':', ' '])),
            ));
        } else if let Some((_, block)) = found.last_mut().filter(|_| in_block) {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// An Exim notice naming `recipients` in `X-Failed-Recipients` and
    /// `lines` of the text, one address a line.
    fn exim_notice(recipients: &[String], lines: &[String]) -> Mail {
        let raw = format!(
            "From: Mail Delivery System <Mailer-Daemon@mx.example.com>\r\n\
             To: support@desk.example\r\n\
             X-Failed-Recipients: {}\r\n\
             Subject: Mail delivery failed: returning message to sender\r\n\r\n\
             The following address(es) failed:\r\n\r\n{}\r\n",
            recipients.join(",\r\n "),
            lines
                .iter()
                .map(|line| format!("  {line}\r\n    550 5.1.1 User unknown\r\n"))
                .collect::<String>(),
        );
        Mail::parse(raw.as_bytes()).expect("the notice parses")
    }

    /// `count` distinct addresses.
    fn addresses(count: usize) -> Vec<String> {
        (0..count).map(|n| format!("user{n}@example.org")).collect()
    }

    #[test]
    fn given_repeated_failed_recipients_when_read_then_each_is_kept_once_in_order() {
        // Given a notice whose header and text name recipients twice, in
        // other cases, beside the notice's own addressee
        let header = ["b@example.org", "A@example.org", "b@example.org"].map(String::from);
        let lines = ["a@example.org", "support@desk.example", "B@example.org"].map(String::from);
        let mail = exim_notice(&header, &lines);

        // When its failed recipients are read
        let failed = failed_recipients(&mail);

        // Then each is there once, in the header's order, with the text's
        // diagnostic
        let found: Vec<&str> = failed.iter().map(FailedRecipient::address).collect();
        assert_eq!(found, ["b@example.org", "a@example.org"]);
        assert!(failed.iter().all(|recipient| {
            recipient
                .diagnostic()
                .is_some_and(|text| text.contains("User unknown"))
                && recipient.status().map(|status| status.to_string()) == Some("5.1.1".into())
        }));
    }

    #[test]
    fn given_200_000_failed_recipients_when_read_then_the_first_100_are_kept() {
        // Given a notice naming 200,000 recipients in its header, twice
        // over, and 200,000 in its text
        let many = addresses(200_000);
        let twice: Vec<String> = many.iter().chain(&many).cloned().collect();
        let mail = exim_notice(&twice, &many);

        // When it is read
        let failed = failed_recipients(&mail);

        // Then the first 100 are kept, once each, with what the text says
        let found: Vec<&str> = failed.iter().map(FailedRecipient::address).collect();
        assert_eq!(found, many[..MAX_RECIPIENTS]);
        assert!(failed.iter().all(|r| r.reply_code() == Some(550)));
    }

    #[test]
    fn given_200_000_recipient_lines_when_read_then_the_first_100_blocks_are_kept() {
        // Given a notice naming 200,000 recipients in its text only
        let many = addresses(200_000);
        let mail = exim_notice(&[], &many);

        // When its recipient blocks and failed recipients are read
        let blocks = recipient_blocks(&mail);
        let failed = failed_recipients(&mail);

        // Then the first 100 are kept
        assert_eq!(blocks.len(), MAX_RECIPIENTS);
        assert_eq!(failed.len(), MAX_RECIPIENTS);
        assert_eq!(
            failed.last().map(FailedRecipient::address),
            Some("user99@example.org")
        );
    }
}
