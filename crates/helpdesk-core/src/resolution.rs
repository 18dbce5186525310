//! [`Resolution`]: how a ticket was resolved.

use serde::{Deserialize, Serialize};

/// The outcome class of a resolved ticket, for reporting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum ResolutionCode {
    /// Fixed or fulfilled.
    Solved,
    /// Not fixed, but a workaround lets the requester carry on.
    Workaround,
    /// The problem could not be reproduced.
    NotReproducible,
    /// A duplicate of another ticket.
    Duplicate,
    /// Will not be done.
    WontFix,
    /// Anything else; say what in the note.
    Other,
}

/// How a ticket was resolved: a code for reports and a note for people.
///
/// ```
/// use helpdesk_core::{Resolution, ResolutionCode};
/// let r = Resolution::new(ResolutionCode::Workaround, "Use the web client until the patch ships.");
/// assert_eq!(r.code, ResolutionCode::Workaround);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Resolution {
    /// The outcome class.
    pub code: ResolutionCode,
    /// What was done, for the requester and the next agent.
    pub note: String,
}

impl Resolution {
    /// A resolution with `code` and `note`.
    pub fn new(code: ResolutionCode, note: impl Into<String>) -> Self {
        Self {
            code,
            note: note.into(),
        }
    }
}
