//! [`Outcome`]: what a mail became.

use helpdesk_core::{CommentId, TicketId, TicketNumber};

use crate::automated::AutomationKind;

/// What [`MailChannel::ingest`](crate::MailChannel::ingest) made of a mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A new ticket.
    Opened {
        /// The ticket.
        ticket: TicketId,
        /// Its number.
        number: Option<TicketNumber>,
        /// The older ticket the mail named, which it could not reopen.
        follows: Option<TicketId>,
    },
    /// A public reply on a ticket, from its requester or a participant.
    Replied {
        /// The ticket.
        ticket: TicketId,
        /// The new comment.
        comment: CommentId,
    },
    /// An internal note on a ticket: a staff member's answer to a mail the
    /// desk sent about what requesters may not see (an internal note), so
    /// what they wrote and quoted, and the original, stay among staff.
    Noted {
        /// The ticket.
        ticket: TicketId,
        /// The new note.
        comment: CommentId,
    },
    /// A delivery status notification about a mail the desk sent for a
    /// ticket, recorded on it as an internal note.
    DeliveryFailed {
        /// The ticket.
        ticket: TicketId,
        /// The addresses the mail did not reach.
        recipients: Vec<String>,
    },
    /// A delivery status notification saying a mail the desk sent for a
    /// ticket is only delayed (every recipient's action `delayed`: the
    /// server is still trying), recorded on it as an internal note that
    /// says so, not as a failure.
    DeliveryDelayed {
        /// The ticket.
        ticket: TicketId,
        /// The addresses the mail has not reached yet.
        recipients: Vec<String>,
    },
    /// Nothing was done.
    Ignored(Ignored),
    /// Set aside for a person to look at: nothing was written. Offered
    /// again with [`Arrival::release`](crate::Arrival::release), it is
    /// applied as the person decided.
    Held(Held),
}

/// Why a mail was ignored. More reasons may come: match with a `_` arm.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Ignored {
    /// Not a mail: it did not parse, or is past a limit.
    Malformed {
        /// Why.
        reason: String,
    },
    /// Sent from one of the desk's own addresses: its own mail, come back.
    FromDesk,
    /// An automatic mail (out of office, list, bulk, auto-generated): never
    /// a ticket, never a reply, never a notification.
    Automatic {
        /// What kind.
        kind: AutomationKind,
        /// The header that told, with its value.
        header: String,
    },
    /// A delivery failure about no mail the desk knows.
    UnknownBounce,
    /// A delivery notice about a mail whose failure (or delay) its ticket
    /// already notes from an earlier notice that said otherwise: each mail
    /// the desk sent is noted failed once and delayed once. (The same
    /// notice offered again is answered as the first time.)
    BounceNoted {
        /// The ticket that notes it.
        ticket: TicketId,
    },

    /// A sender the desk refuses ([`UnknownSenders::Refuse`](crate::UnknownSenders::Refuse)).
    UnknownSender {
        /// The address.
        address: String,
    },
    /// The sender opened too many tickets lately ([`SenderRate`](crate::SenderRate)).
    RateLimited {
        /// The address.
        address: String,
    },
}

/// Why a mail was held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Held {
    /// A sender the host does not know ([`UnknownSenders::Hold`](crate::UnknownSenders::Hold)).
    UnknownSender {
        /// The address.
        address: String,
    },
    /// It names a ticket, but nothing vouches for its sender, or the
    /// sender is no participant of the ticket ([`Unverified::Hold`](crate::Unverified::Hold)).
    Unverified {
        /// The ticket it names.
        ticket: TicketId,
        /// The address.
        address: String,
    },
}

/// Why a mail could not be applied; the mail may be offered again, and is
/// then applied once.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IngestError {
    /// The desk refused or failed the command.
    #[error("mail {message_id}: {step}: {source}")]
    Desk {
        /// The mail's Message-ID.
        message_id: String,
        /// What was being done.
        step: &'static str,
        /// The desk's error.
        source: helpdesk_engine::DeskError,
    },
    /// The store failed a lookup.
    #[error("mail {message_id}: {step}: {source}")]
    Store {
        /// The mail's Message-ID.
        message_id: String,
        /// What was being done.
        step: &'static str,
        /// The store's error.
        source: helpdesk_engine::StoreError,
    },
    /// The attachment store failed.
    #[error("mail {message_id}: {source}")]
    Attachment {
        /// The mail's Message-ID.
        message_id: String,
        /// The store's error.
        source: crate::AttachmentError,
    },
}
