//! [`Metric`]: what an SLA clock measures.

use std::fmt;

use serde::{Deserialize, Serialize};

/// What an SLA clock measures. Each metric has preset
/// [rules](crate::sla::ClockRules) that say when its clock starts, pauses,
/// stops, resumes, is cancelled or starts a new cycle.
///
/// ```
/// use helpdesk_core::sla::Metric;
/// assert_eq!(Metric::FirstResponse.to_string(), "first_response");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// From creation to the first public reply by the help desk.
    FirstResponse,
    /// From a requester's reply that follows a help desk reply to the next
    /// public help desk reply. One cycle per exchange.
    NextResponse,
    /// Between public help desk replies while the ticket is being worked.
    /// One cycle per interval.
    PeriodicUpdate,
    /// From creation to resolution, paused while waiting on the requester or
    /// a third party, resumed with the elapsed time kept on reopen.
    Resolution,
}

impl Metric {
    /// Every metric.
    pub const ALL: [Metric; 4] = [
        Metric::FirstResponse,
        Metric::NextResponse,
        Metric::PeriodicUpdate,
        Metric::Resolution,
    ];

    /// The serialized name, such as `"next_response"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Metric::FirstResponse => "first_response",
            Metric::NextResponse => "next_response",
            Metric::PeriodicUpdate => "periodic_update",
            Metric::Resolution => "resolution",
        }
    }
}

impl fmt::Display for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Metric {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Metric::ALL
            .into_iter()
            .find(|m| m.as_str() == s)
            .ok_or_else(|| {
                format!(
                    "unknown metric {s:?}{}",
                    crate::suggest::did_you_mean(s, Metric::ALL.iter().map(|m| m.as_str()))
                )
            })
    }
}
