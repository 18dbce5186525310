//! [`decided`]: a command's append built without a desk, for filling a
//! store quickly in benches.

use helpdesk_core::{Command, Context, Ticket, apply, decide};
use helpdesk_engine::store::{Append, CommandRecord, Fingerprint, StoredEvent};
use helpdesk_engine::{CommandId, EventId};

/// The append of `command` on `ticket` in `ctx` (the actor's tenant, the
/// instant, the configuration), decided and applied as the desk would,
/// with fresh command and event ids; `ticket` is left after it. Panics on
/// a command the domain refuses: callers build valid ones.
///
/// ```
/// use helpdesk_core::{Actor, ActorId, Command, Context, NewTicket, TenantId, Ticket};
/// use helpdesk_engine::{MemoryStore, Store};
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let config = helpdesk_testkit::config();
/// let admin = Actor::admin(ActorId::from_u128(1), TenantId::from_u128(1));
/// let ctx = Context::new(&admin, helpdesk_testkit::start(), &config);
/// let mut ticket = Ticket::new(helpdesk_engine::new_ticket_id());
/// let open = Command::Open(NewTicket::new(admin.id, "Printer jams", ""));
/// let append = helpdesk_testkit::decided(&mut ticket, &ctx, open);
/// assert_eq!((append.command.from_version, ticket.version()), (0, append.command.to_version));
/// let store = MemoryStore::new();
/// store.append(append).await.unwrap();
/// assert!(store.load(admin.tenant, ticket.id()).await.unwrap().is_some());
/// # });
/// ```
pub fn decided(ticket: &mut Ticket, ctx: &Context<'_>, command: Command) -> Append {
    let tenant = ctx.actor.tenant;
    let events =
        decide(ticket, command, ctx).unwrap_or_else(|e| panic!("a decided command is valid: {e}"));
    let from_version = ticket.version();
    let id = CommandId::new();
    let mut stored = Vec::with_capacity(events.len());
    for event in events {
        apply(ticket, &event);
        stored.push(StoredEvent {
            id: EventId::new(),
            tenant,
            ticket: ticket.id(),
            version: ticket.version(),
            command: id,
            event,
        });
    }
    let record = CommandRecord {
        command: id,
        ticket: ticket.id(),
        actor: ctx.actor.id,
        fingerprint: Fingerprint::of(&id),
        from_version,
        to_version: ticket.version(),
    };
    Append::new(tenant, record, stored, ticket.clone(), ctx.config)
}
