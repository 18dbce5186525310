//! [`Context`]: what a decision needs besides the ticket and the command.

use chrono::{DateTime, Utc};

use crate::actor::Actor;
use crate::config::DeskConfig;
use crate::number::TicketNumber;
use crate::vouched::Vouched;

/// Everything [`decide`](crate::decide) needs from outside: who acts, the
/// instant, the desk's configuration and the facts the host vouches for.
/// The domain never reads a clock; `now` is the time stamped on every event
/// the command produces.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use helpdesk_core::{Actor, ActorId, Channel, Context, DeskConfig, TenantId, Vouched};
///
/// let admin = Actor::admin(ActorId::from_u128(1), TenantId::from_u128(1));
/// let config = DeskConfig::default();
/// let ctx = Context::new(&admin, Utc.with_ymd_and_hms(2026, 1, 5, 8, 0, 0).unwrap(), &config);
/// assert_eq!(ctx.actor.id, admin.id);
/// assert!(ctx.vouched.is_empty());
///
/// let vouched = Vouched::new().channel(Channel::Email);
/// let ctx = ctx.with_vouched(&vouched);
/// assert_eq!(ctx.vouched.channel, Some(Channel::Email));
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// Who issues the command.
    pub actor: &'a Actor,
    /// The instant the command takes effect.
    pub now: DateTime<Utc>,
    /// The desk's configuration.
    pub config: &'a DeskConfig,
    /// What the host vouches for about the person and the conversation;
    /// read when a ticket opens (see [`Vouched`]). Nothing, unless set with
    /// [`with_vouched`](Self::with_vouched).
    pub vouched: &'a Vouched,
    /// The number an [`Open`](crate::Command::Open) gives its ticket,
    /// taken from the store's counter by the desk (never from the
    /// command, so a caller cannot choose it); `None` opens a ticket
    /// without a number. Read only when a ticket opens.
    pub number: Option<TicketNumber>,
}

impl<'a> Context<'a> {
    /// A context for `actor` at `now` under `config`, vouching for nothing.
    pub fn new(actor: &'a Actor, now: DateTime<Utc>, config: &'a DeskConfig) -> Self {
        Self {
            actor,
            now,
            config,
            vouched: Vouched::nothing(),
            number: None,
        }
    }

    /// The same context with the facts the host vouches for.
    pub fn with_vouched(self, vouched: &'a Vouched) -> Self {
        Self { vouched, ..self }
    }

    /// The same context giving an opened ticket `number`.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use helpdesk_core::*;
    ///
    /// let alice = Actor::requester(ActorId::from_u128(1), TenantId::from_u128(1));
    /// let config = DeskConfig::default();
    /// let now = Utc.with_ymd_and_hms(2026, 1, 5, 8, 0, 0).unwrap();
    /// let number = TicketNumber::new(1042);
    /// let ctx = Context::new(&alice, now, &config).with_number(number);
    /// let open = Command::Open(NewTicket::new(alice.id, "Printer jams", ""));
    /// let mut ticket = Ticket::new(TicketId::from_u128(7));
    /// for event in decide(&ticket, open, &ctx).unwrap() {
    ///     apply(&mut ticket, &event);
    /// }
    /// assert_eq!(ticket.number(), number);
    /// ```
    pub fn with_number(self, number: Option<TicketNumber>) -> Self {
        Self { number, ..self }
    }
}
