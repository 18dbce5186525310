//! The delivery of outbox messages: what a dispatcher claims
//! ([`Claimed`]), how it settles a claim ([`Outcome`]), and what is left
//! when every attempt failed ([`DeadLetter`]).

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::store::{OutboxMessage, StoreError};

/// An outbox message claimed for delivery by
/// [`Store::claim_outbox`](crate::Store::claim_outbox): its place in the
/// outbox, the message, and how its delivery went so far.
///
/// ```
/// use chrono::{DateTime, Duration, Utc};
/// use helpdesk_core::{Actor, ActorId, Command, NewTicket, TenantId};
/// use helpdesk_engine::store::Outcome;
/// use helpdesk_engine::{Desk, MemoryStore, NoNotifier, Request, Store, SystemClock};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
/// // The test kit's desk tells an audit endpoint of every opening.
/// let desk = Desk::new(helpdesk_testkit::config(), MemoryStore::new(), NoNotifier, SystemClock)?;
/// let admin = Actor::admin(ActorId::from_u128(1), TenantId::from_u128(1));
/// let open = Command::Open(NewTicket::new(admin.id, "Printer jams", ""));
/// desk.execute(Request::new(admin, helpdesk_engine::new_ticket_id(), open)).await?;
///
/// let now: DateTime<Utc> = "2026-03-02T09:00:00Z".parse()?;
/// let store = desk.store();
/// let claimed = store.claim_outbox("host-a", now, Duration::seconds(30), 10).await?;
/// assert_eq!(claimed.len(), 1);
/// assert_eq!(claimed[0].attempts, 0);
/// // While host-a's lease holds, host-b gets nothing.
/// assert!(store.claim_outbox("host-b", now, Duration::seconds(30), 10).await?.is_empty());
/// assert!(store.settle_outbox("host-a", claimed[0].position, Outcome::Delivered, now).await?);
/// assert!(store.pending_outbox(10).await?.is_empty(), "delivered");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claimed {
    /// Its place in the outbox: every message has its own, in the order
    /// the messages were appended.
    pub position: u64,
    /// The message.
    pub message: OutboxMessage,
    /// How many attempts were settled before this claim.
    pub attempts: u32,
    /// The error of the last failed attempt, if any.
    pub last_error: Option<String>,
}

/// How a claimed message's delivery attempt ended, for
/// [`Store::settle_outbox`](crate::Store::settle_outbox).
///
/// ```
/// use helpdesk_engine::store::Outcome;
/// let retry = Outcome::Retry {
///     at: "2026-03-02T09:05:00Z".parse().unwrap(),
///     error: "503 Service Unavailable".into(),
/// };
/// assert_ne!(retry, Outcome::Delivered);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum Outcome {
    /// Delivered: it is never claimed again.
    Delivered,
    /// Failed; try again once `at` has come.
    Retry {
        /// When it may be claimed again.
        at: DateTime<Utc>,
        /// What went wrong.
        error: String,
    },
    /// Failed for the last time: it becomes a dead letter, kept until a
    /// person revives it.
    Dead {
        /// What went wrong.
        error: String,
    },
    /// Not attempted (an earlier message of its ticket failed, and this
    /// one waits for it): claimable again from `at`, no attempt counted.
    Released {
        /// When it may be claimed again.
        at: DateTime<Utc>,
    },
}

/// A message whose every attempt failed, as
/// [`Store::dead_letters`](crate::Store::dead_letters) lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadLetter {
    /// Its place in the outbox.
    pub position: u64,
    /// The message.
    pub message: OutboxMessage,
    /// How many attempts failed.
    pub attempts: u32,
    /// The last attempt's error.
    pub last_error: String,
    /// When it was given up.
    pub died_at: DateTime<Utc>,
}

/// When a lease of `lease` taken at `now` ends; refused with
/// [`StoreError::InvalidQuery`] when that is past the last instant chrono
/// holds. Every store computes a claim's lease with it.
///
/// ```
/// use chrono::{DateTime, TimeDelta, Utc};
/// use helpdesk_engine::store::lease_until;
///
/// let now: DateTime<Utc> = "2026-03-02T09:00:00Z".parse().unwrap();
/// assert_eq!(lease_until(now, TimeDelta::seconds(30)).unwrap(), now + TimeDelta::seconds(30));
/// assert!(lease_until(DateTime::<Utc>::MAX_UTC, TimeDelta::seconds(1)).is_err());
/// ```
pub fn lease_until(now: DateTime<Utc>, lease: TimeDelta) -> Result<DateTime<Utc>, StoreError> {
    now.checked_add_signed(lease)
        .ok_or_else(|| StoreError::InvalidQuery {
            field: "lease",
            reason: format!("{lease} from {now} is past the last instant"),
        })
}
