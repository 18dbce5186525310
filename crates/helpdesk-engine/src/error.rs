//! [`DeskError`]: why the desk did not execute a command.

use helpdesk_core::{DomainError, TicketId};

use crate::store::StoreError;

/// Why a command was not executed. Nothing was written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DeskError {
    /// The domain rejected the command (not found, forbidden, an illegal
    /// transition, invalid input).
    #[error(transparent)]
    Rejected(#[from] DomainError),
    /// Other writers kept changing the ticket; the command was decided
    /// again `attempts` times and still lost the race. Retrying later with
    /// the same command id is safe.
    #[error("ticket {ticket} kept changing: gave up after {attempts} attempts")]
    Contended {
        /// The ticket.
        ticket: TicketId,
        /// How many times the command was decided.
        attempts: u32,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}
