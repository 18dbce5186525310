//! [`Link`]s between tickets: parent/child, problem/incident, related.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::id::TicketId;

/// How the linked ticket relates to this one, read as "the other ticket is
/// this ticket's ...".
///
/// ```
/// use helpdesk_core::LinkKind;
/// assert_eq!(LinkKind::Parent.inverse(), LinkKind::Child);
/// assert_eq!(LinkKind::Problem.inverse(), LinkKind::Incident);
/// assert_eq!(LinkKind::Related.inverse(), LinkKind::Related);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum LinkKind {
    /// The other ticket is this one's parent. A ticket has at most one.
    Parent,
    /// The other ticket is a child of this one.
    Child,
    /// The other ticket is the problem behind this incident. Only an
    /// incident has one, and at most one.
    Problem,
    /// The other ticket is an incident caused by this problem. Only a
    /// problem has incidents.
    Incident,
    /// The tickets are related.
    Related,
}

impl LinkKind {
    /// The kind the other ticket records for the same link.
    pub const fn inverse(self) -> LinkKind {
        match self {
            LinkKind::Parent => LinkKind::Child,
            LinkKind::Child => LinkKind::Parent,
            LinkKind::Problem => LinkKind::Incident,
            LinkKind::Incident => LinkKind::Problem,
            LinkKind::Related => LinkKind::Related,
        }
    }

    /// The serialized name, such as `"incident"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            LinkKind::Parent => "parent",
            LinkKind::Child => "child",
            LinkKind::Problem => "problem",
            LinkKind::Incident => "incident",
            LinkKind::Related => "related",
        }
    }
}

impl fmt::Display for LinkKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A link from this ticket to another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Link {
    /// What the other ticket is to this one.
    pub kind: LinkKind,
    /// The other ticket.
    pub ticket: TicketId,
}

impl Link {
    /// The same link as the other ticket records it, when this ticket is
    /// `this`: the inverse kind, pointing back.
    ///
    /// ```
    /// use helpdesk_core::{Link, LinkKind, TicketId};
    /// let (incident, problem) = (TicketId::from_u128(1), TicketId::from_u128(2));
    /// let link = Link { kind: LinkKind::Problem, ticket: problem };
    /// assert_eq!(link.seen_from(incident), Link { kind: LinkKind::Incident, ticket: incident });
    /// ```
    pub const fn seen_from(self, this: TicketId) -> Link {
        Link {
            kind: self.kind.inverse(),
            ticket: this,
        }
    }
}
