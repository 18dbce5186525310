//! [`StoreError`]: what a store answers when it cannot do what was asked.

/// Why a store operation failed.
///
/// A caller meets [`InvalidCursor`](StoreError::InvalidCursor) when a cursor
/// it passes back (from a URL, say) is not one the store made:
///
/// ```
/// use helpdesk_engine::StoreError;
/// use helpdesk_engine::store::Cursor;
///
/// let parsed = "not-a-cursor".parse::<Cursor>();
/// assert!(matches!(parsed, Err(StoreError::InvalidCursor(_))));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The ticket's version was not the one expected: someone else appended
    /// first. The engine reloads and decides again.
    #[error("version conflict on ticket {ticket}: expected version {expected}, found {actual}")]
    Conflict {
        /// The ticket.
        ticket: helpdesk_core::TicketId,
        /// The version the append expected.
        expected: u64,
        /// The version the store holds.
        actual: u64,
    },
    /// An append opened a ticket with a number another ticket of the
    /// tenant holds. The desk never makes such an append: it takes each
    /// number from [`Store::next_ticket_number`](crate::Store::next_ticket_number).
    #[error(
        "ticket number {number} is taken in the tenant: ticket {ticket} cannot be opened with it"
    )]
    NumberTaken {
        /// The ticket the append opened.
        ticket: helpdesk_core::TicketId,
        /// The number it carried.
        number: helpdesk_core::TicketNumber,
    },
    /// An append carried a mail's Message-ID ([`Append::message`]) that is
    /// bound to another ticket of the tenant: the mail was taken in there
    /// already (a copy of it, decided apart by another host), or another
    /// mail reuses its id. Nothing of the append is written; the caller
    /// decides again knowing where the id went. A retry of an append that
    /// was written answers as the duplicate it is instead.
    ///
    /// [`Append::message`]: crate::store::Append::message
    #[error(
        "message id {message} is bound to ticket {bound}: an append on ticket {ticket} cannot bind it"
    )]
    MessageBound {
        /// The mail's id the append carried.
        message: super::MessageId,
        /// The ticket the append was for.
        ticket: helpdesk_core::TicketId,
        /// The ticket the id is bound to.
        bound: helpdesk_core::TicketId,
    },
    /// Stored data could not be read back (a corrupt row, an event of an
    /// unknown schema version).
    #[error("stored data of {what} is unreadable: {reason}")]
    Corrupt {
        /// What was being read.
        what: String,
        /// Why it could not be read.
        reason: String,
    },
    /// A cursor did not come from this store's queries, or came from a
    /// query in another order.
    #[error("invalid cursor: {0}")]
    InvalidCursor(String),
    /// A query asked for what no store answers (see
    /// [`TicketQuery::check`](crate::store::TicketQuery::check)).
    #[error("invalid query: {field}: {reason}")]
    InvalidQuery {
        /// The query's field, such as `"limit"`.
        field: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// The backend failed (I/O, connection, constraint). The message
    /// carries the backend's; `error` is the backend's error itself, to
    /// look closer. Like every variant, it has no separate
    /// [`source`](std::error::Error::source), so a printer that walks the
    /// chain shows the cause once.
    #[error("{store} store failed: {error}")]
    Backend {
        /// Which store, such as `"sqlite"`.
        store: &'static str,
        /// The backend's error.
        error: Box<dyn std::error::Error + Send + Sync>,
    },
}

impl StoreError {
    /// A backend error of `store`.
    ///
    /// ```
    /// use std::error::Error;
    /// use std::io;
    ///
    /// use helpdesk_engine::StoreError;
    ///
    /// let err = StoreError::backend("files", io::Error::other("disk full"));
    /// assert_eq!(err.to_string(), "files store failed: disk full");
    /// assert!(err.source().is_none(), "the message already says why");
    /// let StoreError::Backend { error, .. } = &err else { unreachable!() };
    /// assert_eq!(error.downcast_ref::<io::Error>().map(io::Error::kind), Some(io::ErrorKind::Other));
    /// ```
    pub fn backend(
        store: &'static str,
        error: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        StoreError::Backend {
            store,
            error: Box::new(error),
        }
    }
}
