//! [`Span`]: a duration written for people, such as `"4h"` or `"1h30m"`.

use std::fmt;
use std::str::FromStr;

use chrono::TimeDelta;
use serde::{Deserialize, Serialize};

/// A positive duration written as hours, minutes and seconds: `"4h"`,
/// `"30m"`, `"1h30m"`, `"90s"`. At most ten years. Used for SLA targets and
/// warning offsets; whether it counts business or calendar time depends on
/// the policy's calendar.
///
/// ```
/// use chrono::TimeDelta;
/// use helpdesk_core::sla::Span;
///
/// let span: Span = "1h30m".parse().unwrap();
/// assert_eq!(span.as_delta(), TimeDelta::minutes(90));
/// assert_eq!(span.to_string(), "1h30m");
/// assert_eq!(
///     "90 minutes".parse::<Span>().unwrap_err(),
///     r#""90 minutes" is not a duration: write hours, minutes and seconds such as "4h", "30m" or "1h30m""#
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Span {
    seconds: i64,
}

impl Span {
    /// The longest span: ten years.
    pub const MAX_SECONDS: i64 = 10 * 366 * 24 * 3600;

    /// A span of `seconds`, which must be positive and at most ten years.
    pub fn from_seconds(seconds: i64) -> Option<Self> {
        (1..=Self::MAX_SECONDS)
            .contains(&seconds)
            .then_some(Self { seconds })
    }

    /// The span in whole seconds.
    pub const fn seconds(self) -> i64 {
        self.seconds
    }

    /// The span as a chrono duration.
    pub fn as_delta(self) -> TimeDelta {
        TimeDelta::new(self.seconds, 0).unwrap_or(TimeDelta::MAX)
    }
}

impl FromStr for Span {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || {
            format!(
                "{s:?} is not a duration: write hours, minutes and seconds such as \"4h\", \"30m\" or \"1h30m\""
            )
        };
        let mut total: i64 = 0;
        let mut number: Option<i64> = None;
        let mut last_unit = 0;
        for c in s.chars() {
            if let Some(digit) = c.to_digit(10) {
                let n = number.unwrap_or(0);
                number = Some(
                    n.checked_mul(10)
                        .and_then(|n| n.checked_add(i64::from(digit)))
                        .ok_or_else(bad)?,
                );
                continue;
            }
            let (rank, factor) = match c {
                'h' => (1, 3600),
                'm' => (2, 60),
                's' => (3, 1),
                _ => return Err(bad()),
            };
            let n = number.take().ok_or_else(bad)?;
            if rank <= last_unit {
                return Err(bad());
            }
            last_unit = rank;
            total = n
                .checked_mul(factor)
                .and_then(|v| total.checked_add(v))
                .ok_or_else(bad)?;
        }
        if number.is_some() || last_unit == 0 {
            return Err(bad());
        }
        Span::from_seconds(total)
            .ok_or_else(|| format!("{s:?} must be more than zero and at most ten years"))
    }
}

impl TryFrom<String> for Span {
    type Error = String;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl From<Span> for String {
    fn from(span: Span) -> Self {
        span.to_string()
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (h, m, s) = (
            self.seconds / 3600,
            self.seconds / 60 % 60,
            self.seconds % 60,
        );
        if h > 0 {
            write!(f, "{h}h")?;
        }
        if m > 0 {
            write!(f, "{m}m")?;
        }
        if s > 0 {
            write!(f, "{s}s")?;
        }
        Ok(())
    }
}
