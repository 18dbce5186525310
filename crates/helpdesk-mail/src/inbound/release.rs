//! [`Release`]: what a person decided about a mail the channel held.

/// What a person who looked at a held mail ([`Outcome::Held`](crate::Outcome::Held))
/// decided. The host offers the same bytes again with the decision in
/// [`Arrival::release`](crate::Arrival::release); the mail is then applied
/// once, and answered the same whenever it is offered again.
///
/// A release speaks for the sender only: a mail released as vouched for
/// still becomes a reply only on a ticket its sender takes part in, and a
/// stranger's mail opens a ticket of their own.
///
/// ```
/// use helpdesk_mail::{Arrival, Release};
///
/// let arrival = Arrival { release: Some(Release::Vouched), ..Arrival::default() };
/// assert_eq!(arrival.release, Some(Release::Vouched));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Release {
    /// The sender is who the mail says: an address the host does not know
    /// is taken in as a requester of its own, and a mail naming a ticket
    /// counts as vouched for, so it becomes a reply there when its sender
    /// takes part in the ticket, and opens a ticket of their own otherwise.
    Vouched,
    /// The mail opens a ticket of its own, whatever ticket it names (which
    /// it leaves untouched); an address the host does not know is taken in
    /// as a requester.
    NewTicket,
}
