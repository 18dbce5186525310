//! [`DeskError`]: why the desk did not execute a command.

use helpdesk_core::config::Diagnostic;
use helpdesk_core::{DomainError, Role, TicketId};

use crate::ids::CommandId;
use crate::notification::DirectoryError;
use crate::store::StoreError;

/// Why a command was not executed.
///
/// After `Rejected` and `Contended` nothing was written. After a `Store`
/// error the write may or may not have happened; retrying with the same
/// command id is safe either way.
///
/// A host answering over HTTP might map the variants like this:
///
/// ```
/// use helpdesk_core::{Actor, ActorId, Command, DeskConfig, DomainError, TenantId};
/// use helpdesk_engine::{Desk, DeskError, MemoryStore, NoNotifier, Request, StoreError, SystemClock};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
/// let desk = Desk::new(DeskConfig::default(), MemoryStore::new(), NoNotifier, SystemClock)?;
/// let alice = Actor::requester(ActorId::from_u128(1), TenantId::from_u128(1));
/// let missing = helpdesk_engine::new_ticket_id();
///
/// let status = match desk.execute(Request::new(alice, missing, Command::Close)).await {
///     Ok(_) => 200,
///     Err(DeskError::Rejected(DomainError::NotFound { .. })) => 404,
///     Err(DeskError::Rejected(DomainError::Forbidden { .. })) => 403,
///     Err(DeskError::Rejected(_)) => 422,
///     // The client reused an idempotency key for another request.
///     Err(DeskError::CommandIdReused { .. }) => 422,
///     // A page cursor the client sent back altered, or a page size out of range.
///     Err(DeskError::Store(StoreError::InvalidCursor(_) | StoreError::InvalidQuery { .. })) => 400,
///     // The client's `If-Match` named a version the ticket has moved on from.
///     Err(DeskError::VersionMismatch { .. }) => 412,
///     Err(DeskError::Contended { .. }) => 503,
///     Err(_) => 500,
/// };
/// assert_eq!(status, 404);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })
/// # }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DeskError {
    /// The domain rejected the command (not found, forbidden, an illegal
    /// transition, invalid input).
    #[error(transparent)]
    Rejected(#[from] DomainError),
    /// Other writers kept changing the ticket; the command was decided
    /// again `attempts` times and still lost the race. The other writers
    /// are other desks (other hosts or processes) on the same store: a
    /// desk's own commands on one ticket take turns. Retrying later with
    /// the same command id is safe.
    #[error("ticket {ticket} kept changing: gave up after {attempts} attempts")]
    Contended {
        /// The ticket.
        ticket: TicketId,
        /// How many times the command was decided.
        attempts: u32,
    },
    /// The request expected the ticket at one version
    /// ([`Request::expecting`](crate::Request::expecting)) and it is at
    /// another: someone changed it since the caller last read it. Nothing
    /// was written; read the ticket again, then decide whether to send
    /// the command.
    #[error(
        "ticket {ticket} is at version {actual}, not the expected {expected}; read it again before changing it"
    )]
    VersionMismatch {
        /// The ticket.
        ticket: TicketId,
        /// The version the request expected.
        expected: u64,
        /// The version the ticket is at.
        actual: u64,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The directory could not answer what the command needs checked (the
    /// role of a watcher being added). Nothing was written; retrying later
    /// with the same command id is safe.
    #[error(transparent)]
    Directory(#[from] DirectoryError),
    /// The command id was recorded for a different request: another
    /// actor, another ticket or another command. Nothing was written and
    /// nothing of the first request is told; send a new id for a new
    /// command.
    #[error(
        "command id {command} was first used {differs}; use a new command id for a new command"
    )]
    CommandIdReused {
        /// The command id.
        command: CommandId,
        /// What differs from its first use.
        differs: Reuse,
    },
    /// Only a tenant's admins handle this (the outbox's dead letters);
    /// the actor is not one. Told whatever the outbox holds.
    #[error("only a tenant's admins handle dead letters; a {role} may not")]
    AdminOnly {
        /// The actor's role.
        role: Role,
    },
    /// No dead letter of that id is the actor's to revive: none was ever
    /// there, it was revived already, it is another tenant's, or the
    /// actor is not an admin of the tenant. One answer for all, so it
    /// tells nothing of letters the actor may not handle.
    #[error("no dead letter {id} to revive in this tenant")]
    NoDeadLetter {
        /// The dead letter's id, as asked for.
        id: u64,
    },
}

/// What differs between a command id's first use and a later one; see
/// [`DeskError::CommandIdReused`].
///
/// ```
/// use helpdesk_engine::Reuse;
/// assert_eq!(Reuse::Content.to_string(), "with another command");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reuse {
    /// Another actor sent it.
    Actor,
    /// It was sent for another ticket.
    Ticket,
    /// It carried another command (or other vouched facts).
    Content,
}

impl std::fmt::Display for Reuse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Reuse::Actor => "by another actor",
            Reuse::Ticket => "for another ticket",
            Reuse::Content => "with another command",
        })
    }
}

/// Why a desk could not be built: its configuration has errors. Each
/// names where it is in the configuration and what is wrong; warnings
/// ([`DeskConfig::diagnose`](helpdesk_core::DeskConfig::diagnose)) do not
/// stop a desk.
///
/// ```
/// use helpdesk_core::DeskConfig;
/// use helpdesk_engine::{Desk, MemoryStore, NoNotifier, SystemClock};
///
/// let config: DeskConfig = serde_json::from_value(serde_json::json!({
///     "limits": {"subject_max_chars": 0}
/// }))?;
/// let refused = Desk::new(config, MemoryStore::new(), NoNotifier, SystemClock)
///     .err()
///     .expect("a desk needs a valid configuration");
/// assert_eq!(
///     refused.to_string(),
///     "the desk configuration has 1 error: limits.subject_max_chars: must be at least 1"
/// );
/// assert_eq!(refused.errors[0].path, "limits.subject_max_chars");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the desk configuration has {}: {}", count(.errors.len()), listed(.errors))]
pub struct ConfigError {
    /// Every error found, in the order of
    /// [`DeskConfig::validate`](helpdesk_core::DeskConfig::validate).
    pub errors: Vec<Diagnostic>,
}

fn count(n: usize) -> String {
    match n {
        1 => "1 error".to_owned(),
        n => format!("{n} errors"),
    }
}

fn listed(errors: &[Diagnostic]) -> String {
    errors
        .iter()
        .map(Diagnostic::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}
