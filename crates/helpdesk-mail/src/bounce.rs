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
    /// A text notice is read only from a mail that looks like one: sent by
    /// a mailer daemon or postmaster, with `X-Failed-Recipients`, or with a
    /// subject of a failure notice ("Undelivered Mail Returned to Sender",
    /// "Delivery Status Notification (Failure)", "failure notice", ...). An
    /// empty `Return-Path` alone is not enough: auto-replies have one too.
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
        if format == BounceFormat::DeliveryStatus {
            explain_from_text(mail, &mut recipients);
        }
        (!recipients.is_empty()).then(|| Bounce {
            recipients,
            original_message_id: original::original_message_id(mail),
            format,
        })
    }

    /// The recipients that failed (or are delayed), in the notice's order.
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
/// notice.
pub(crate) fn looks_like_notice(mail: &Mail) -> bool {
    is_daemon(mail.from().local_part())
        || mail.header("x-failed-recipients").is_some()
        || has_notice_subject(mail)
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
