//! The header that decided a classification, for a host's log.

use std::fmt;

/// The header field (and its value) that decided how a mail was
/// classified.
///
/// ```
/// use helpdesk_mail::{Automation, Mail};
///
/// let mail = Mail::parse(b"From: a@example.com\r\nAuto-Submitted: auto-replied\r\n\r\nAway").unwrap();
/// let automation = Automation::of(&mail);
/// assert_eq!(automation.reason().unwrap().to_string(), "Auto-Submitted: auto-replied");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    header: &'static str,
    value: String,
}

impl Reason {
    pub(crate) fn new(header: &'static str, value: &str) -> Reason {
        Reason {
            header,
            value: value.chars().take(200).collect(),
        }
    }

    /// The header's name, as RFCs spell it.
    pub fn header(&self) -> &'static str {
        self.header
    }

    /// Its value (the first 200 characters).
    pub fn value(&self) -> &str {
        &self.value
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.header, self.value)
    }
}
