//! What a store keeps: [`StoredEvent`]s, [`CommandRecord`]s and the
//! [`Append`] that writes them.

use helpdesk_core::{ActorId, DeskConfig, Event, SearchText, TenantId, Ticket, TicketId};
use serde::{Deserialize, Serialize};

use crate::ids::{CommandId, EventId};
use crate::store::{Fingerprint, MessageId, OutboxMessage, TicketRow};

/// An event as stored: its id, its ticket and its position in the ticket's
/// history (the ticket's version right after it, from 1).
///
/// ```
/// use helpdesk_core::{Actor, ActorId, Command, DeskConfig, NewTicket, TenantId};
/// use helpdesk_engine::{Desk, MemoryStore, NoNotifier, Request, Store, SystemClock};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
/// # let desk = Desk::new(DeskConfig::default(), MemoryStore::new(), NoNotifier, SystemClock)?;
/// let tenant = TenantId::from_u128(1);
/// let admin = Actor::admin(ActorId::from_u128(1), tenant);
/// let id = helpdesk_engine::new_ticket_id();
/// let open = Command::Open(NewTicket::new(admin.id, "Printer jams", ""));
/// desk.execute(Request::new(admin.clone(), id, open)).await?;
/// let tag = Request::new(admin, id, Command::Tag { tag: "printer".into() });
/// desk.execute(tag.clone()).await?;
///
/// let history = desk.store().history(tenant, id, 1).await?;
/// let versions: Vec<u64> = history.iter().map(|e| e.version).collect();
/// assert_eq!(versions, (1..=history.len() as u64).collect::<Vec<_>>());
/// let last = history.last().expect("the tag event");
/// assert_eq!((last.command, last.event.change.type_name()), (tag.id, "tagged"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredEvent {
    /// The event's id; also the idempotency key of its notifications.
    pub id: EventId,
    /// The tenant.
    pub tenant: TenantId,
    /// The ticket.
    pub ticket: TicketId,
    /// The ticket's version after this event: 1 for the first event.
    pub version: u64,
    /// The command that caused it.
    pub command: CommandId,
    /// The event.
    pub event: Event,
}

/// What a store remembers of an executed command, to answer a retry with
/// the first result, and to tell a retry from a reuse of its id: the
/// actor, the ticket and the command's [`Fingerprint`] are kept, and the
/// desk answers the first result only to the same actor sending the same
/// command for the same ticket.
///
/// A command that changed nothing is recorded too:
///
/// ```
/// use helpdesk_core::{Actor, ActorId, Command, DeskConfig, NewTicket, TenantId};
/// use helpdesk_engine::{Desk, MemoryStore, NoNotifier, Request, Store, SystemClock};
/// use helpdesk_engine::store::Fingerprint;
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
/// # let desk = Desk::new(DeskConfig::default(), MemoryStore::new(), NoNotifier, SystemClock)?;
/// let tenant = TenantId::from_u128(1);
/// let admin = Actor::admin(ActorId::from_u128(1), tenant);
/// let id = helpdesk_engine::new_ticket_id();
/// let open = Command::Open(NewTicket::new(admin.id, "Printer jams", ""));
/// desk.execute(Request::new(admin.clone(), id, open)).await?;
/// let tag = || Request::new(admin.clone(), id, Command::Tag { tag: "printer".into() });
/// desk.execute(tag()).await?;
/// let again = tag();
/// assert!(desk.execute(again.clone()).await?.events.is_empty(), "already tagged");
///
/// let record = desk.store().command(tenant, again.id).await?.expect("recorded");
/// assert_eq!((record.ticket, record.actor), (id, admin.id));
/// assert_eq!(record.from_version, record.to_version);
/// assert_eq!(record.fingerprint, Fingerprint::of(&again.command));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommandRecord {
    /// The command's id.
    pub command: CommandId,
    /// The ticket it acted on.
    pub ticket: TicketId,
    /// Who sent it.
    pub actor: ActorId,
    /// What was sent: the command's fingerprint.
    pub fingerprint: Fingerprint,
    /// The ticket's version before the command.
    pub from_version: u64,
    /// The ticket's version after it (equal to `from_version` when the
    /// command changed nothing).
    pub to_version: u64,
}

/// One atomic write: a command's events, the ticket's new projection and
/// snapshot, and the outbox messages, all or nothing.
///
/// The desk builds one per command; this is what it does for a command
/// opening a ticket:
///
/// ```
/// use helpdesk_core::{Actor, ActorId, Command, Context, DeskConfig, NewTicket, TenantId};
/// use helpdesk_core::{Ticket, apply, decide};
/// use helpdesk_engine::store::{Append, Appended, CommandRecord, Fingerprint};
/// use helpdesk_engine::store::{StoredEvent, TicketRow};
/// use helpdesk_engine::{CommandId, EventId, MemoryStore, Store};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
/// let (config, tenant) = (DeskConfig::default(), TenantId::from_u128(1));
/// let admin = Actor::admin(ActorId::from_u128(1), tenant);
/// let ctx = Context::new(&admin, chrono::Utc::now(), &config);
/// let open_command = Command::Open(NewTicket::new(admin.id, "Printer jams", ""));
/// let (command, before) = (CommandId::new(), Ticket::new(helpdesk_engine::new_ticket_id()));
/// let (ticket, from_version) = (before.id(), before.version());
/// let mut after = before.clone();
/// let mut events = Vec::new();
/// for event in decide(&before, open_command.clone(), &ctx)? {
///     apply(&mut after, &event);
///     let version = after.version();
///     events.push(StoredEvent { id: EventId::new(), tenant, ticket, version, command, event });
/// }
/// let record = CommandRecord {
///     command,
///     ticket,
///     actor: admin.id,
///     fingerprint: Fingerprint::of(&open_command),
///     from_version,
///     to_version: after.version(),
/// };
/// let append = Append::new(tenant, record, events, after.clone(), &config);
/// assert!(append.outbox.is_empty(), "no notification rules, nobody to tell");
/// assert_eq!(append.text.public, ["printer jams"], "the subject is searchable");
/// assert_eq!(append.row, TicketRow::of(&after, &config));
///
/// let store = MemoryStore::new();
/// assert_eq!(store.append(append).await?, Appended::Written);
/// assert_eq!(store.load(tenant, ticket).await?, Some(after));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct Append {
    /// The tenant.
    pub tenant: TenantId,
    /// The command that produced the events.
    pub command: CommandRecord,
    /// The events, with versions `command.from_version + 1 ..=
    /// command.to_version`. May be empty: the command is still recorded.
    pub events: Vec<StoredEvent>,
    /// The ticket after the events.
    pub ticket: Ticket,
    /// The ticket's row in the query projection, after the events.
    pub row: TicketRow,
    /// Notifications to send, at least once, after the append commits.
    pub outbox: Vec<OutboxMessage>,
    /// The searchable text the events add, split into public and internal
    /// parts by the domain ([`SearchText::of`]); the store indexes it as
    /// given and never reads events to find text.
    pub text: SearchText,
    /// A mail's Message-ID to bind to the ticket (`command.ticket`) in the
    /// same transaction as the rest, as [`Store::remember_message`]
    /// binds it. An id bound to this ticket already stays bound; an id
    /// bound to another ticket refuses the append with
    /// [`StoreError::MessageBound`], writing nothing, so a mail is taken
    /// in on one ticket only, whichever host decides it. Written with an
    /// append without events too; not written by a duplicate, whose first
    /// append wrote it. The desk sets it from [`Request::message`].
    ///
    /// [`Store::remember_message`]: crate::Store::remember_message
    /// [`StoreError::MessageBound`]: crate::StoreError::MessageBound
    /// [`Request::message`]: crate::Request::message
    pub message: Option<MessageId>,
}

impl Append {
    /// The append of `events` (the command's, in order) leaving the ticket
    /// as `ticket`: its row under `config`, the outbox messages the
    /// configuration's notification rules plan for the events
    /// ([`OutboxMessage::planned`]), and the text the events add to search. What the desk writes; a
    /// test or a migration tool can build its appends the same way.
    pub fn new(
        tenant: TenantId,
        command: CommandRecord,
        events: Vec<StoredEvent>,
        ticket: Ticket,
        config: &DeskConfig,
    ) -> Self {
        Self {
            tenant,
            command,
            outbox: OutboxMessage::planned(&events, &ticket, config),
            text: SearchText::of(events.iter().map(|e| &e.event)),
            row: TicketRow::of(&ticket, config),
            ticket,
            events,
            message: None,
        }
    }
}

/// What an append did.
///
/// ```
/// use helpdesk_engine::store::Appended;
/// use helpdesk_engine::{CommandId, MemoryStore, Store, StoreError};
/// # use helpdesk_core::{Actor, ActorId, Command, Context, DeskConfig, NewTicket, TenantId};
/// # use helpdesk_core::{Ticket, TicketId, apply, decide};
/// # use helpdesk_engine::store::{Append, CommandRecord, Fingerprint, StoredEvent};
/// # use helpdesk_engine::EventId;
/// # /// The append of `command`, opening ticket `id` in `tenant`.
/// # fn open(tenant: TenantId, id: TicketId, command: CommandId) -> Append {
/// #     let config = DeskConfig::default();
/// #     let admin = Actor::admin(ActorId::from_u128(1), tenant);
/// #     let ctx = Context::new(&admin, chrono::Utc::now(), &config);
/// #     let new = Command::Open(NewTicket::new(admin.id, "Printer jams", ""));
/// #     let fingerprint = Fingerprint::of(&new);
/// #     let mut ticket = Ticket::new(id);
/// #     let mut events = Vec::new();
/// #     for event in decide(&ticket, new, &ctx).expect("a valid command") {
/// #         apply(&mut ticket, &event);
/// #         let version = ticket.version();
/// #         events.push(StoredEvent { id: EventId::new(), tenant, ticket: id, version, command, event });
/// #     }
/// #     let to_version = ticket.version();
/// #     let record = CommandRecord {
/// #         command, ticket: id, actor: admin.id, fingerprint, from_version: 0, to_version,
/// #     };
/// #     Append::new(tenant, record, events, ticket, &config)
/// # }
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
/// let store = MemoryStore::new();
/// let (tenant, ticket) = (TenantId::from_u128(1), helpdesk_engine::new_ticket_id());
/// let first = open(tenant, ticket, CommandId::new());
/// assert_eq!(store.append(first.clone()).await?, Appended::Written);
///
/// // The same command again: nothing is written, the first record answers.
/// assert_eq!(store.append(first.clone()).await?, Appended::Duplicate(first.command));
///
/// // Another command that expected the ticket to be new lost the race.
/// let late = open(tenant, ticket, CommandId::new());
/// let conflict = store.append(late).await;
/// assert!(matches!(conflict, Err(StoreError::Conflict { expected: 0, .. })));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Appended {
    /// The events were written.
    Written,
    /// The command id was already recorded for this tenant: nothing was
    /// written, and this is the first result.
    Duplicate(CommandRecord),
}
