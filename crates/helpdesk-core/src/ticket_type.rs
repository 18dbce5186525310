//! The [`TicketType`]: what kind of work a ticket is.

use std::fmt;

use serde::{Deserialize, Serialize};

/// What kind of work a ticket is, in ITIL terms.
///
/// ```
/// use helpdesk_core::TicketType;
/// assert_eq!(serde_json::to_string(&TicketType::ServiceRequest).unwrap(), r#""service_request""#);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum TicketType {
    /// Something is broken.
    Incident,
    /// Something is wanted (access, hardware, information).
    ServiceRequest,
    /// The unknown cause of one or more incidents.
    Problem,
    /// A question.
    Question,
    /// A piece of work to do.
    Task,
}

impl TicketType {
    /// The serialized name, such as `"service_request"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            TicketType::Incident => "incident",
            TicketType::ServiceRequest => "service_request",
            TicketType::Problem => "problem",
            TicketType::Question => "question",
            TicketType::Task => "task",
        }
    }
}

impl fmt::Display for TicketType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
