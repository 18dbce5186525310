//! Delivery failure notices: which recipients a mail did not reach, why,
//! and which mail it was.

mod codes;
mod dsn;
mod fields;
mod mta_text;
mod original;
mod recipient;
mod status;

pub use recipient::{FailedRecipient, Severity};
pub use status::{StatusCode, StatusCodeError};

use crate::Mail;

/// A delivery failure notice: an RFC 3464 delivery status notification
/// (`multipart/report; report-type=delivery-status`), or the text notice
/// an MTA writes without one (Exim, qmail, Postfix, Sendmail, Exchange,
/// Gmail).
///
/// ```
/// use helpdesk_mail::{Bounce, Mail, Severity};
///
/// let raw = b"From: Mail Delivery System <Mailer-Daemon@mx.example.com>\r\n\
/// To: support@desk.example\r\n\
/// Subject: Mail delivery failed: returning message to sender\r\n\r\n\
/// This message was created automatically by mail delivery software.\r\n\r\n\
/// A message that you sent could not be delivered to one or more of its\r\n\
/// recipients. This is a permanent error. The following address(es) failed:\r\n\r\n\
///   gone@example.org\r\n\
///     SMTP error from remote mail server after RCPT TO:<gone@example.org>:\r\n\
///     550 5.1.1 <gone@example.org>: Recipient address rejected: User unknown\r\n\r\n\
/// ------ This is a copy of the message, including all the headers. ------\r\n\r\n\
/// Message-ID: <reply-42@desk.example>\r\n\
/// Subject: Your ticket\r\n";
/// let bounce = Bounce::of(&Mail::parse(raw).unwrap()).unwrap();
/// assert_eq!(bounce.recipients()[0].address(), "gone@example.org");
/// assert_eq!(bounce.recipients()[0].status().unwrap().to_string(), "5.1.1");
/// assert_eq!(bounce.recipients()[0].severity(), Severity::Hard);
/// assert_eq!(bounce.original_message_id(), Some("reply-42@desk.example"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bounce {
    recipients: Vec<FailedRecipient>,
    original_message_id: Option<String>,
    format: BounceFormat,
}

/// The most failed recipients a notice is read for: a notice naming a
/// million is an attack on the reader, not a report.
const MAX_RECIPIENTS: usize = 100;

/// How the notice reports its failures.
///
/// ```
/// use helpdesk_mail::{Bounce, BounceFormat, Mail};
///
/// let raw = b"From: MAILER-DAEMON@qmail.example.com\r\nSubject: failure notice\r\n\r\n\
/// I'm afraid I wasn't able to deliver your message to the following addresses.\r\n\r\n\
/// <gone@example.com>:\r\nRemote host said: 550 5.1.1 User unknown\r\n";
/// let bounce = Bounce::of(&Mail::parse(raw).unwrap()).unwrap();
/// assert_eq!(bounce.format(), BounceFormat::Text);
/// assert!(bounce.is_hard());
/// assert!(!bounce.is_delay());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BounceFormat {
    /// A `message/delivery-status` part (RFC 3464).
    DeliveryStatus,
    /// Only text written for people.
    Text,
}

impl Bounce {
    /// The notice `mail` is, if it is a delivery failure notice with at least
    /// one failed or delayed recipient. A report of successful delivery, or
    /// a mail that names no failed recipient, is `None`.
    ///
    /// A text notice is read only from a mail a mail system sent: one sent
    /// by a mailer daemon or postmaster, with `X-Failed-Recipients`, or
    /// declared `multipart/report; report-type=delivery-status`; or one
    /// with an empty `Return-Path` and the subject of a failure notice
    /// ("Undelivered Mail Returned to Sender", "failure notice", ...). An
    /// empty `Return-Path` alone is not enough (auto-replies have one too),
    /// nor is the subject alone: a person's reply on a ticket titled "Mail
    /// delivery failing" is not a notice.
    pub fn of(mail: &Mail) -> Option<Bounce> {
        let (mut recipients, format) = if dsn::has_delivery_status(mail) {
            (dsn::failed_recipients(mail), BounceFormat::DeliveryStatus)
        } else if looks_like_notice(mail) {
            let in_text = dsn::failed_recipients_in_text(mail);
            if in_text.is_empty() {
                (mta_text::failed_recipients(mail), BounceFormat::Text)
            } else {
                (in_text, BounceFormat::DeliveryStatus)
            }
        } else {
            return None;
        };
        recipients.truncate(MAX_RECIPIENTS);
        if format == BounceFormat::DeliveryStatus {
            explain_from_text(mail, &mut recipients);
        }
        (!recipients.is_empty()).then(|| Bounce {
            recipients,
            original_message_id: original::original_message_id(mail),
            format,
        })
    }

    /// The recipients that failed (or are delayed), in the notice's order;
    /// the first 100 of a notice that names more.
    pub fn recipients(&self) -> &[FailedRecipient] {
        &self.recipients
    }

    /// The Message-ID of the mail that bounced, without angle brackets, so
    /// the failure can be recorded on that mail's ticket.
    pub fn original_message_id(&self) -> Option<&str> {
        self.original_message_id.as_deref()
    }

    /// Whether the notice is a standard report or text.
    pub fn format(&self) -> BounceFormat {
        self.format
    }

    /// Whether every recipient failed for good ([`Severity::Hard`]).
    pub fn is_hard(&self) -> bool {
        self.recipients
            .iter()
            .all(|recipient| recipient.severity() == Severity::Hard)
    }

    /// Whether the MTA is still trying every recipient (a delay notice).
    pub fn is_delay(&self) -> bool {
        self.recipients.iter().all(FailedRecipient::is_delayed)
    }
}

/// Gives the report's recipients that have no `Diagnostic-Code` what the
/// notice's text says about them.
fn explain_from_text(mail: &Mail, recipients: &mut [FailedRecipient]) {
    let blocks = mta_text::recipient_blocks(mail);
    for recipient in recipients
        .iter_mut()
        .filter(|recipient| recipient.diagnostic.is_none())
    {
        if let Some((_, block)) = blocks
            .iter()
            .find(|(address, _)| *address == recipient.address)
        {
            let block = block.trim();
            if !block.is_empty() {
                recipient.reply_code = recipient.reply_code.or_else(|| codes::reply_code_in(block));
                recipient.diagnostic = Some(block.to_string());
            }
        }
    }
}

/// Whether a mail without a delivery-status part looks like a failure
/// notice: a mail system's sender or structure says so. The subject only
/// adds to an empty `Return-Path`; alone it is a person's words.
pub(crate) fn looks_like_notice(mail: &Mail) -> bool {
    is_daemon(mail.from().local_part())
        || mail.header("x-failed-recipients").is_some()
        || is_declared_report(mail)
        || (has_null_return_path(mail) && has_notice_subject(mail))
}

/// Whether the mail declares itself a delivery status report, even where
/// its report part was lost (a broken boundary).
fn is_declared_report(mail: &Mail) -> bool {
    mail.content_type() == "multipart/report"
        && mail.header("content-type").is_some_and(|value| {
            value
                .to_lowercase()
                .split(';')
                .filter_map(|parameter| parameter.split_once('='))
                .any(|(name, value)| {
                    name.trim() == "report-type"
                        && value.trim().trim_matches('"') == "delivery-status"
                })
        })
}

/// Whether `Return-Path` is empty (`<>`), the null sender of notices.
fn has_null_return_path(mail: &Mail) -> bool {
    mail.header("return-path")
        .is_some_and(|value| value.trim().trim_matches(['<', '>']).trim().is_empty())
}

/// Whether the subject is a failure notice's.
pub(crate) fn has_notice_subject(mail: &Mail) -> bool {
    mail.subject().is_some_and(|subject| {
        let subject = subject.to_lowercase();
        NOTICE_SUBJECTS
            .iter()
            .any(|phrase| subject.contains(phrase))
    })
}

/// Whether a local part names a mail system rather than a person.
pub(crate) fn is_daemon(local_part: &str) -> bool {
    let local = local_part.to_lowercase();
    [
        "mailer-daemon",
        "mail-daemon",
        "postmaster",
        "mailerdaemon",
        "mdaemon",
    ]
    .iter()
    .any(|daemon| local == *daemon || local.starts_with(&format!("{daemon}+")))
}

/// Words of the subjects failure notices carry.
const NOTICE_SUBJECTS: &[&str] = &[
    "undeliver",
    "undelivered",
    "delivery status notification",
    "delivery failure",
    "delivery failed",
    "delivery has failed",
    "failure notice",
    "returned mail",
    "returned to sender",
    "mail delivery",
    "could not be delivered",
    "non-delivery",
    "nondeliverable",
    "not delivered",
    "delivery notification",
    "unzustellbar",
    "non remis",
];

#[cfg(test)]
mod tests {
    use super::*;

    /// A customer's Outlook reply on a ticket whose subject reads like a
    /// failure notice, quoting the desk's mail with its `To:` line.
    fn outlook_reply(subject: &str) -> Mail {
        let raw = format!(
            "From: Ann Customer <ann@customer.test>\r\n\
             To: support@desk.example\r\n\
             Subject: RE: [#1042] {subject}\r\n\
             Message-ID: <reply-1@customer.test>\r\n\r\n\
             Still failing this morning, see below.\r\n\r\n\
             -----Original Message-----\r\n\
             From: Support <support@desk.example>\r\n\
             Sent: Monday, 1 June 2026 09:00\r\n\
             To: ann@customer.test\r\n\
             Subject: [#1042] {subject}\r\n\r\n\
             Could you send us the error you see?\r\n"
        );
        Mail::parse(raw.as_bytes()).expect("the reply parses")
    }

    #[test]
    fn given_a_persons_reply_with_a_notice_subject_and_a_quoted_to_when_classified_then_it_is_no_bounce()
     {
        for subject in [
            "Mail delivery failing",
            "Parcel not delivered",
            "Undelivered Mail Returned to Sender",
        ] {
            let mail = outlook_reply(subject);

            let bounce = Bounce::of(&mail);

            assert_eq!(bounce, None, "{subject}");
            assert!(!looks_like_notice(&mail), "{subject}");
        }
    }

    #[test]
    fn given_an_mta_text_notice_that_names_only_the_returned_copy_when_classified_then_it_is_a_bounce()
     {
        let raw = b"From: MAILER-DAEMON@mx.example.com\r\n\
            To: support@desk.example\r\n\
            Subject: Mail delivery failed\r\n\r\n\
            Your message could not be delivered.\r\n\r\n\
            ------ This is a copy of the message, including all the headers. ------\r\n\
            Message-ID: <reply-42@desk.example>\r\n\
            To: gone@example.org\r\n\
            Subject: Your ticket\r\n";
        let mail = Mail::parse(raw).expect("the notice parses");

        let bounce = Bounce::of(&mail).expect("a bounce");

        let addresses: Vec<&str> = bounce.recipients().iter().map(|r| r.address()).collect();
        assert_eq!(addresses, ["gone@example.org"]);
        assert_eq!(bounce.format(), BounceFormat::Text);
        assert_eq!(bounce.original_message_id(), Some("reply-42@desk.example"));
    }

    #[test]
    fn given_a_null_return_path_and_a_notice_subject_when_classified_then_it_is_a_notice() {
        let raw = b"Return-Path: <>\r\n\
            From: Mail System <mailsystem@mx.example.com>\r\n\
            Subject: Undelivered Mail Returned to Sender\r\n\r\n\
            <gone@example.org>: host mx.example.org said: 550 5.1.1 User unknown\r\n";
        let mail = Mail::parse(raw).expect("the notice parses");

        let bounce = Bounce::of(&mail).expect("a bounce");

        assert_eq!(bounce.recipients()[0].address(), "gone@example.org");
        assert!(bounce.is_hard());
    }

    #[test]
    fn given_a_declared_report_whose_report_part_was_lost_when_classified_then_it_is_a_notice() {
        let raw = b"From: Mail Delivery <mail@mx.example.com>\r\n\
            Subject: Returned mail\r\n\
            Content-Type: multipart/report; report-type=\"delivery-status\"; boundary=\"b\"\r\n\r\n\
            --b\r\n\
            Content-Type: text/plain\r\n\r\n\
            <gone@example.org>: 550 5.1.1 User unknown\r\n\
            --b--\r\n";
        let mail = Mail::parse(raw).expect("the notice parses");

        assert!(looks_like_notice(&mail));
        assert_eq!(
            Bounce::of(&mail).map(|b| b.recipients()[0].address().to_string()),
            Some("gone@example.org".to_string())
        );
    }

    #[test]
    fn given_a_report_of_200_000_recipients_when_read_then_the_first_100_are_kept() {
        // Given a delivery status report with 200,000 failed recipients
        let groups: String = (0..200_000)
            .map(|n| format!("\r\nFinal-Recipient: rfc822; user{n}@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\n"))
            .collect();
        let raw = format!(
            "From: MAILER-DAEMON@mx.example.com\r\n\
             Subject: Undelivered Mail Returned to Sender\r\n\
             Content-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n\
             --b\r\nContent-Type: text/plain\r\n\r\nuser0@example.org: 550 User unknown\r\n\
             --b\r\nContent-Type: message/delivery-status\r\n\r\n\
             Reporting-MTA: dns; mx.example.com\r\n{groups}--b--\r\n"
        );
        let mail = Mail::parse(raw.as_bytes()).expect("the report parses");

        // When it is read
        let bounce = Bounce::of(&mail).expect("a bounce");

        // Then the first 100 recipients are kept, in order, and the text
        // explains the one it names
        assert_eq!(bounce.recipients().len(), MAX_RECIPIENTS);
        assert_eq!(bounce.recipients()[99].address(), "user99@example.org");
        assert_eq!(bounce.recipients()[0].reply_code(), Some(550));
        assert!(bounce.is_hard());
    }
}
