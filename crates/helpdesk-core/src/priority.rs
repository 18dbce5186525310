//! Impact, urgency and the [`PriorityMatrix`] that turns them into a
//! [`Priority`], the ITIL way.
//!
//! The default matrix is the common ITIL 3x3 one:
//!
//! | impact \ urgency | high | medium | low |
//! |------------------|------|--------|-----|
//! | **high**         | P1   | P2     | P3  |
//! | **medium**       | P2   | P3     | P4  |
//! | **low**          | P3   | P4     | P5  |
//!
//! A supervisor, an admin or the system may override the computed priority;
//! the override and its reason are recorded, and it sticks until cleared.

use std::fmt;

use serde::{Deserialize, Serialize};

/// How widely an issue affects the business.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum Impact {
    /// Many users or a critical service.
    High,
    /// A department or an important service.
    Medium,
    /// One user, a workaround exists.
    Low,
}

/// How quickly the business needs it fixed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum Urgency {
    /// Work has stopped.
    High,
    /// Work is hampered.
    Medium,
    /// It can wait.
    Low,
}

/// A ticket's priority, P1 (critical) to P5 (planning).
///
/// ```
/// use helpdesk_core::Priority;
/// assert!(Priority::P1 < Priority::P2, "P1 sorts first");
/// assert_eq!(Priority::P4.to_string(), "P4");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum Priority {
    /// Critical.
    P1,
    /// High.
    P2,
    /// Medium.
    P3,
    /// Low.
    P4,
    /// Planning.
    P5,
}

impl Priority {
    /// Every priority, most urgent first.
    pub const ALL: [Priority; 5] = [
        Priority::P1,
        Priority::P2,
        Priority::P3,
        Priority::P4,
        Priority::P5,
    ];
}

impl fmt::Display for Priority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// Maps impact x urgency to a priority. Rows are impact (high, medium, low),
/// columns urgency (high, medium, low).
///
/// ```
/// use helpdesk_core::{Impact, Priority, PriorityMatrix, Urgency};
///
/// let itil = PriorityMatrix::default();
/// assert_eq!(itil.priority(Impact::High, Urgency::High), Priority::P1);
/// assert_eq!(itil.priority(Impact::Medium, Urgency::Low), Priority::P4);
///
/// // A desk that never gives P5:
/// let matrix: PriorityMatrix =
///     serde_json::from_str(r#"[["P1","P2","P3"],["P2","P3","P4"],["P3","P4","P4"]]"#).unwrap();
/// assert_eq!(matrix.priority(Impact::Low, Urgency::Low), Priority::P4);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PriorityMatrix {
    cells: [[Priority; 3]; 3],
}

impl PriorityMatrix {
    /// The ITIL 3x3 matrix: P1 for high impact and high urgency, down to P5
    /// for low and low.
    pub const ITIL: PriorityMatrix = PriorityMatrix {
        cells: [
            [Priority::P1, Priority::P2, Priority::P3],
            [Priority::P2, Priority::P3, Priority::P4],
            [Priority::P3, Priority::P4, Priority::P5],
        ],
    };

    /// A matrix from its rows: `cells[impact][urgency]`, high first.
    pub const fn new(cells: [[Priority; 3]; 3]) -> Self {
        Self { cells }
    }

    /// The priority for `impact` and `urgency`.
    pub const fn priority(&self, impact: Impact, urgency: Urgency) -> Priority {
        self.cells[impact as usize][urgency as usize]
    }
}

impl Default for PriorityMatrix {
    fn default() -> Self {
        Self::ITIL
    }
}

/// Why a ticket's priority changed, as recorded on
/// [`Change::PriorityChanged`](crate::Change::PriorityChanged).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PriorityReason {
    /// Impact or urgency changed and the matrix gives a new priority.
    Matrix,
    /// A permitted actor set the priority by hand; it stays until cleared.
    Override {
        /// Why, in the actor's words.
        reason: String,
    },
    /// A manual override was removed; the matrix applies again.
    OverrideCleared,
    /// A routing or escalation rule set it; it sticks like an override.
    Rule {
        /// The rule's name.
        rule: String,
    },
}

impl fmt::Display for Impact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Impact::High => "high",
            Impact::Medium => "medium",
            Impact::Low => "low",
        })
    }
}

impl fmt::Display for Urgency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Urgency::High => "high",
            Urgency::Medium => "medium",
            Urgency::Low => "low",
        })
    }
}
