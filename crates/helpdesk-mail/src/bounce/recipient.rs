//! One recipient a bounce reports, and whether its failure is for good.

use super::StatusCode;

/// One recipient the mail could not be delivered to (or not yet, for a
/// delay).
///
/// ```
/// use helpdesk_mail::{Bounce, Mail, Severity};
///
/// let raw = b"From: MAILER-DAEMON@mx.example.com\r\n\
/// Subject: Undelivered Mail Returned to Sender\r\n\
/// Content-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n\
/// --b\r\nContent-Type: text/plain\r\n\r\nI'm sorry.\r\n\
/// --b\r\nContent-Type: message/delivery-status\r\n\r\n\
/// Reporting-MTA: dns; mx.example.com\r\n\r\n\
/// Final-Recipient: rfc822; gone@example.org\r\n\
/// Action: failed\r\n\
/// Status: 5.1.1\r\n\
/// Diagnostic-Code: smtp; 550 5.1.1 <gone@example.org>: User unknown\r\n\
/// --b--\r\n";
/// let bounce = Bounce::of(&Mail::parse(raw).unwrap()).unwrap();
/// let recipient = &bounce.recipients()[0];
/// assert_eq!(recipient.address(), "gone@example.org");
/// assert_eq!(recipient.status().unwrap().to_string(), "5.1.1");
/// assert_eq!(recipient.reply_code(), Some(550));
/// assert_eq!(recipient.severity(), Severity::Hard);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailedRecipient {
    pub(crate) address: String,
    pub(crate) status: Option<StatusCode>,
    pub(crate) reply_code: Option<u16>,
    pub(crate) diagnostic: Option<String>,
    pub(crate) delayed: bool,
}

/// Whether sending to the address again can succeed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// The address does not exist (or no longer): a permanent failure
    /// about the address itself (`5.1.x` for a bad mailbox or system, a
    /// moved user, `5.4.4` an unroutable domain) or a diagnostic saying the
    /// user is unknown. Stop writing to it.
    Hard,
    /// Anything else: a full mailbox, a delay, a policy or content refusal,
    /// a server fault. A later mail may get through.
    Soft,
}

impl FailedRecipient {
    /// The recipient's address, lower-cased.
    pub fn address(&self) -> &str {
        &self.address
    }

    /// The enhanced status code (`Status:`, else the one in the
    /// diagnostic, else the class of the reply code as `X.0.0`).
    pub fn status(&self) -> Option<StatusCode> {
        self.status
    }

    /// The SMTP reply code of the receiving server, such as 550.
    pub fn reply_code(&self) -> Option<u16> {
        self.reply_code
    }

    /// What the receiving server or the MTA said (`Diagnostic-Code`, or
    /// the lines of the bounce's text about this recipient).
    pub fn diagnostic(&self) -> Option<&str> {
        self.diagnostic.as_deref()
    }

    /// Whether the MTA is still trying (`Action: delayed`).
    pub fn is_delayed(&self) -> bool {
        self.delayed
    }

    /// Hard or soft; see [`Severity`].
    pub fn severity(&self) -> Severity {
        if self.delayed {
            return Severity::Soft;
        }
        let permanent = match (self.status, self.reply_code) {
            (Some(status), _) => status.is_permanent(),
            (None, Some(code)) => code / 100 == 5,
            (None, None) => false,
        };
        // 5.1.7 and 5.1.8 are about the sender's address, not the recipient's.
        let about_sender = self
            .status
            .is_some_and(|status| status.subject() == 1 && matches!(status.detail(), 7 | 8));
        if !permanent || about_sender {
            return Severity::Soft;
        }
        let bad_address = self.status.is_some_and(|status| {
            matches!(
                (status.subject(), status.detail()),
                (1, 1) | (1, 2) | (1, 3) | (1, 6) | (1, 10) | (4, 4)
            )
        });
        if bad_address || self.diagnostic.as_deref().is_some_and(says_unknown_user) {
            Severity::Hard
        } else {
            Severity::Soft
        }
    }
}

/// Whether a diagnostic says the recipient does not exist.
fn says_unknown_user(diagnostic: &str) -> bool {
    const PHRASES: &[&str] = &[
        "user unknown",
        "unknown user",
        "no such user",
        "no such mailbox",
        "no such recipient",
        "no mailbox",
        "mailbox not found",
        "user not found",
        "recipient not found",
        "address not found",
        "unknown recipient",
        "invalid recipient",
        "invalid mailbox",
        "does not exist",
        "doesn't exist",
        "couldn't be found",
        "could not be found",
        "unknown address",
        "addressee unknown",
        "is not a valid mailbox",
        "not listed in",
        "name is not recognized",
        "unrouteable address",
    ];
    let diagnostic = diagnostic.to_lowercase();
    PHRASES.iter().any(|phrase| diagnostic.contains(phrase))
}
