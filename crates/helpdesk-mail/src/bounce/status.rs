//! Enhanced mail system status codes (RFC 3463), such as `5.1.1`.

use std::fmt;
use std::str::FromStr;

/// An enhanced status code, `class.subject.detail`: class 2 is success, 4 a
/// transient and 5 a permanent failure; subject 1 is about the address, 2
/// the mailbox, 3 the mail system, 4 routing, 5 the protocol, 6 the content,
/// 7 security or policy.
///
/// ```
/// use helpdesk_mail::StatusCode;
///
/// let status: StatusCode = "5.1.1".parse().unwrap();
/// assert_eq!((status.class(), status.subject(), status.detail()), (5, 1, 1));
/// assert!(status.is_permanent());
/// assert_eq!(status.to_string(), "5.1.1");
/// assert!("6.1.1".parse::<StatusCode>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StatusCode {
    class: u8,
    subject: u16,
    detail: u16,
}

/// Why text is no [`StatusCode`].
///
/// ```
/// use helpdesk_mail::StatusCode;
///
/// let error = "5.1".parse::<StatusCode>().unwrap_err();
/// assert_eq!(error.to_string(), "status code \"5.1\": expected class.subject.detail with class 2, 4 or 5");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("status code {value:?}: expected class.subject.detail with class 2, 4 or 5")]
pub struct StatusCodeError {
    value: String,
}

impl StatusCode {
    /// A status code from its three numbers; `None` unless the class is 2,
    /// 4 or 5 and subject and detail have at most three digits.
    ///
    /// ```
    /// use helpdesk_mail::StatusCode;
    ///
    /// assert_eq!(StatusCode::new(4, 2, 2).unwrap().to_string(), "4.2.2");
    /// assert!(StatusCode::new(3, 0, 0).is_none());
    /// ```
    pub fn new(class: u8, subject: u16, detail: u16) -> Option<StatusCode> {
        (matches!(class, 2 | 4 | 5) && subject < 1000 && detail < 1000).then_some(StatusCode {
            class,
            subject,
            detail,
        })
    }

    /// The class: 2, 4 or 5.
    pub fn class(&self) -> u8 {
        self.class
    }

    /// The subject: what the status is about.
    pub fn subject(&self) -> u16 {
        self.subject
    }

    /// The detail within the subject.
    pub fn detail(&self) -> u16 {
        self.detail
    }

    /// Whether it is a permanent failure (class 5).
    pub fn is_permanent(&self) -> bool {
        self.class == 5
    }

    /// Whether it is a transient failure (class 4).
    pub fn is_transient(&self) -> bool {
        self.class == 4
    }
}

impl fmt::Display for StatusCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.class, self.subject, self.detail)
    }
}

impl FromStr for StatusCode {
    type Err = StatusCodeError;

    fn from_str(value: &str) -> Result<StatusCode, StatusCodeError> {
        let error = || StatusCodeError {
            value: value.to_string(),
        };
        let mut numbers = value.trim().split('.');
        let (Some(class), Some(subject), Some(detail), None) = (
            numbers.next(),
            numbers.next(),
            numbers.next(),
            numbers.next(),
        ) else {
            return Err(error());
        };
        let digits = |part: &str| {
            !part.is_empty() && part.len() <= 3 && part.bytes().all(|b| b.is_ascii_digit())
        };
        if !(digits(class) && digits(subject) && digits(detail)) {
            return Err(error());
        }
        StatusCode::new(
            class.parse().map_err(|_| error())?,
            subject.parse().map_err(|_| error())?,
            detail.parse().map_err(|_| error())?,
        )
        .ok_or_else(error)
    }
}
