//! [`TicketNumber`]: the short number people say for a ticket.

use std::fmt;
use std::num::NonZeroU64;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::ValidationError;

/// A ticket's short number within its tenant, written `#1042`: what people
/// say on the phone and put in a mail's subject.
///
/// The store hands numbers out, one per tenant counter, and the desk puts
/// the ticket's number in its [`Opened`](crate::Opened) event, so it is
/// set once, never changes, and replaying the history gives it back.
/// Numbers start at 1 and are unique within a tenant; an open that fails
/// may leave a gap.
///
/// It reads from `#1042` or `1042`, surrounding spaces allowed:
///
/// ```
/// use helpdesk_core::TicketNumber;
///
/// let number: TicketNumber = "#1042".parse()?;
/// assert_eq!(number.get(), 1042);
/// assert_eq!(number.to_string(), "#1042");
/// assert_eq!(" 1042 ".parse::<TicketNumber>()?, number);
///
/// let err = "#0".parse::<TicketNumber>().unwrap_err();
/// assert_eq!(err.to_string(), r##"number: "#0" is not a ticket number: use digits from 1 to 18446744073709551615, after an optional '#'"##);
/// # Ok::<(), helpdesk_core::ValidationError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TicketNumber(NonZeroU64);

impl TicketNumber {
    /// The first number of a tenant.
    pub const FIRST: Self = Self(NonZeroU64::MIN);

    /// The number `value`; `None` for 0, which no ticket has.
    pub const fn new(value: u64) -> Option<Self> {
        match NonZeroU64::new(value) {
            Some(n) => Some(Self(n)),
            None => None,
        }
    }

    /// The number as an integer, from 1.
    pub const fn get(self) -> u64 {
        self.0.get()
    }

    /// Reads `text` (`#1042` or `1042`), naming `field` in the error.
    pub fn parse_at(field: &str, text: &str) -> Result<Self, ValidationError> {
        let digits = text.trim();
        let digits = digits.strip_prefix('#').unwrap_or(digits);
        digits
            .bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| digits.parse::<u64>().ok())
            .flatten()
            .and_then(Self::new)
            .ok_or_else(|| {
                ValidationError::new(
                    field.to_owned(),
                    format!(
                        "{text:?} is not a ticket number: use digits from 1 to {}, after an optional '#'",
                        u64::MAX
                    ),
                )
            })
    }
}

impl fmt::Display for TicketNumber {
    /// `#` and the number.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

impl FromStr for TicketNumber {
    type Err = ValidationError;

    /// [`TicketNumber::parse_at`] naming the field `number`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse_at("number", text)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn a_number_reads_back_from_what_it_writes(value in 1u64..) {
            let number = TicketNumber::new(value).ok_or_else(|| TestCaseError::fail("not zero"))?;
            prop_assert_eq!(number.to_string().parse::<TicketNumber>()?, number);
            prop_assert_eq!(value.to_string().parse::<TicketNumber>()?, number);
        }
    }

    #[test]
    fn what_is_not_a_number_is_refused_naming_the_field() {
        for text in [
            "",
            "#",
            "0",
            "-1",
            "+1",
            "##1",
            "1 2",
            "1e3",
            "18446744073709551616",
            "#x",
        ] {
            let err = TicketNumber::parse_at("ticket", text);
            assert!(
                matches!(&err, Err(e) if e.field == "ticket"),
                "{text:?} answered {err:?}"
            );
        }
    }

    #[test]
    fn zero_is_refused_when_read_from_json() {
        assert!(serde_json::from_str::<TicketNumber>("0").is_err());
        assert_eq!(
            serde_json::from_str::<TicketNumber>("1042").ok(),
            TicketNumber::new(1042)
        );
    }
}
