//! Errors: [`DomainError`] for a rejected command, [`ValidationError`] for
//! bad input, naming the field and the reason.

use std::borrow::Cow;

use crate::actor::Role;
use crate::calendar::CalendarError;
use crate::command::CommandKind;
use crate::id::TicketId;
use crate::status::Status;

/// Bad input: which field, and what is wrong with it.
///
/// `field` is a path into the command, such as `subject`, `tags[2]` or
/// `fields.site`.
///
/// ```
/// use helpdesk_core::ValidationError;
/// let err = ValidationError::new("subject", "must not be empty");
/// assert_eq!(err.to_string(), "subject: must not be empty");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct ValidationError {
    /// Path of the offending field.
    pub field: Cow<'static, str>,
    /// What is wrong with it.
    pub reason: String,
}

impl ValidationError {
    /// An error on `field` for `reason`.
    pub fn new(field: impl Into<Cow<'static, str>>, reason: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            reason: reason.into(),
        }
    }
}

/// Why a command was rejected. Nothing was applied.
///
/// ```
/// use helpdesk_core::{DomainError, CommandKind, Status, StatusCategory};
/// let err = DomainError::IllegalTransition {
///     command: CommandKind::Reopen,
///     status: Status::from(StatusCategory::Open),
/// };
/// assert_eq!(err.to_string(), "cannot reopen a ticket that is open");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DomainError {
    /// The ticket does not exist, or the actor may not see it (another
    /// tenant's ticket, another requester's ticket, a ticket outside an
    /// agent's groups). The two are not told apart, so nothing leaks.
    #[error("ticket {ticket} not found")]
    NotFound {
        /// The ticket asked for.
        ticket: TicketId,
    },
    /// `open` was sent for a ticket id that is already in use.
    #[error("ticket {ticket} already exists")]
    AlreadyExists {
        /// The ticket id of the command.
        ticket: TicketId,
    },
    /// The actor sees the ticket but their role may not do this.
    #[error("{} may not {command} this ticket: {reason}", role.with_article())]
    Forbidden {
        /// The command attempted.
        command: CommandKind,
        /// The actor's role.
        role: Role,
        /// Which rule forbids it.
        reason: Cow<'static, str>,
    },
    /// The lifecycle does not allow the command in the ticket's status
    /// (see [`crate::lifecycle`]).
    #[error("cannot {command} a ticket that is {status}")]
    IllegalTransition {
        /// The command attempted.
        command: CommandKind,
        /// The ticket's status.
        status: Status,
    },
    /// A field of the command is invalid.
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    /// An SLA deadline could not be computed on the policy's calendar (a
    /// calendar with no working time within the search horizon).
    #[error("SLA deadline: {0}")]
    Calendar(#[from] CalendarError),
}
