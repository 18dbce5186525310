//! Many tickets in agents' and groups' queues, built as appends without a
//! desk (decided, applied and numbered as the desk would), so that a bench
//! can fill a store with a million of them quickly.
//!
//! Ticket `n` is opened by one of 5,000 requesters into group `n % 20`
//! and assigned a minute later to agent `n % 200` (a member of that
//! group), its SLA clocks running under [`config`]: each agent's queue
//! holds `tickets / 200` tickets, each group's `tickets / 20`.
//!
//! ```
//! use helpdesk_engine::{MemoryStore, Store};
//! use helpdesk_engine::store::{Filter, Order, TicketQuery};
//! use helpdesk_core::Reach;
//! use helpdesk_testkit::queues;
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let store = MemoryStore::new();
//! let config = queues::config();
//! for n in 0..400 {
//!     for append in queues::ticket(n, &config) {
//!         store.append(append).await.unwrap();
//!     }
//! }
//! let agent = queues::agent(7);
//! let mine = Filter { assignee: Some(agent.id), ..Filter::default() };
//! let page = store
//!     .query(queues::TENANT, &Reach::of(&agent), TicketQuery::new(mine, Order::NextDue, 50))
//!     .await
//!     .unwrap();
//! assert_eq!(page.rows.len(), 2, "tickets 7 and 207");
//! # });
//! ```

use chrono::Duration;
use helpdesk_core::{
    Actor, ActorId, Command, Context, DeskConfig, GroupId, NewTicket, TenantId, Ticket,
    TicketNumber,
};
use helpdesk_engine::new_ticket_id;
use helpdesk_engine::store::Append;

use crate::{decided, start};

/// The tenant of every queued ticket.
pub const TENANT: TenantId = TenantId::from_u128(0x9e7);

/// How many groups tickets are spread over.
pub const GROUPS: u128 = 20;

/// How many agents tickets are assigned to.
pub const AGENTS: u128 = 200;

/// The queued tickets' configuration: the fixture's SLA policy
/// ([`config`](crate::config): first response 1h and resolution 8h at P3,
/// warnings at 50%), without its notification rules.
pub fn config() -> DeskConfig {
    let mut config = crate::config();
    config.notification_rules.clear();
    config.endpoints.clear();
    config
}

/// Group `n` (of [`GROUPS`]).
pub fn group(n: u128) -> GroupId {
    GroupId::from_u128(0x6000 + n % GROUPS)
}

/// Agent `n` (of [`AGENTS`]), a member of group `n % GROUPS`.
pub fn agent(n: u128) -> Actor {
    Actor::agent(ActorId::from_u128(0xa000 + n), TENANT, [group(n)])
}

/// The appends of ticket `n` (numbered `n + 1`): opened at a second of
/// the first day from [`start`], then assigned a minute later.
pub fn ticket(n: u128, config: &DeskConfig) -> Vec<Append> {
    let owner = agent(n % AGENTS);
    let at = start() + Duration::seconds((n * 7 % 86_400) as i64);
    let mut ticket = Ticket::new(new_ticket_id());
    let mut new = NewTicket::new(
        ActorId::from_u128(0x1_0000 + n % 5000),
        format!("Printer {n} jams on floor {}", n % 12),
        "Paper jam in tray 2; the display shows E-42",
    );
    new.group = Some(group(n));
    let number = u64::try_from(n + 1).ok().and_then(TicketNumber::new);
    let opening = Context::new(&owner, at, config).with_number(number);
    let open = decided(&mut ticket, &opening, Command::Open(new));
    let assigning = Context::new(&owner, at + Duration::minutes(1), config);
    let assign = decided(
        &mut ticket,
        &assigning,
        Command::Assign { assignee: owner.id },
    );
    vec![open, assign]
}

/// How many tickets a bench over queues fills its store with:
/// `HELPDESK_BENCH_TICKETS`, else 2,000 under `cargo bench -- --test` (which
/// runs each bench once, to keep it working), else 1,000,000.
pub fn tickets_to_bench() -> u128 {
    let default = if std::env::args().any(|a| a == "--test") {
        2_000
    } else {
        1_000_000
    };
    std::env::var("HELPDESK_BENCH_TICKETS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}
