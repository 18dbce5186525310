//! Dead letters as a tenant's admins handle them by hand: listed
//! ([`Desk::dead_letters`]) and revived ([`Desk::revive_dead_letter`]).
//!
//! The store keeps dead letters across tenants
//! ([`Store::dead_letters`]); the desk answers an admin with their own
//! tenant's only, and anyone else with nothing: a list is refused with
//! [`DeskError::AdminOnly`] whatever the outbox holds, and a revival
//! answers [`DeskError::NoDeadLetter`], as it answers for a letter that
//! does not exist.

use chrono::{DateTime, Utc};
use helpdesk_core::notification::Recipient;
use helpdesk_core::{Actor, Role, TicketId};
use serde::Serialize;

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use crate::clock::Clock;
use crate::desk::Desk;
use crate::error::DeskError;
use crate::ids::DeliveryId;
use crate::notifier::Notifier;
use crate::store::{DeadLetter, Store, StoreError};
use crate::view::Page;

/// The most dead letters one page holds.
pub const DEAD_LETTER_PAGE_MAX: u32 = 1_000;

/// A dead letter as its tenant's admin sees it: a delivery whose every
/// attempt failed, built by [`Desk::dead_letters`] only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[non_exhaustive]
pub struct DeadLetterView {
    /// Its id: its place in the outbox, which
    /// [`Desk::revive_dead_letter`] takes.
    pub id: u64,
    /// The delivery's idempotency key, the same on every attempt.
    #[cfg_attr(feature = "openapi", schema(value_type = uuid::Uuid))]
    pub delivery: DeliveryId,
    /// The ticket the event happened to.
    #[cfg_attr(feature = "openapi", schema(value_type = uuid::Uuid))]
    pub ticket: TicketId,
    /// The event's kind, as its stored `type` (`opened`, `replied`,
    /// `sla_breached`, ...).
    pub event: String,
    /// The notification rule that planned the delivery.
    pub rule: String,
    /// The channel: `email`, `webhook` or `nats`.
    pub channel: String,
    /// Whom it was for: `actor:<id>` or `endpoint:<key>`.
    pub recipient: String,
    /// How many attempts failed.
    pub attempts: u32,
    /// The last attempt's error.
    pub last_error: String,
    /// When it was given up.
    pub died_at: DateTime<Utc>,
}

impl DeadLetterView {
    fn of(letter: &DeadLetter) -> Self {
        let delivery = &letter.message.delivery;
        Self {
            id: letter.position,
            delivery: letter.message.id,
            ticket: letter.message.ticket,
            event: letter.message.event.event.change.type_name().to_owned(),
            rule: delivery.rule.clone(),
            channel: delivery.channel.as_str().to_owned(),
            recipient: match &delivery.recipient {
                Recipient::Actor(id) => format!("actor:{id}"),
                Recipient::Endpoint(key) => format!("endpoint:{key}"),
            },
            attempts: letter.attempts,
            last_error: letter.last_error.clone(),
            died_at: letter.died_at,
        }
    }
}

impl<S: Store, N: Notifier, C: Clock> Desk<S, N, C> {
    /// One page of the dead letters of `actor`'s tenant, oldest first (in
    /// outbox order, as the store lists them), from the start or from
    /// `cursor` (the `next` of the previous page).
    ///
    /// Only a tenant's admins see them: anyone else is refused with
    /// [`DeskError::AdminOnly`], whatever the outbox holds. A `limit` out
    /// of `1..=`[`DEAD_LETTER_PAGE_MAX`] is refused with
    /// [`StoreError::InvalidQuery`], a cursor this method did not make
    /// with [`StoreError::InvalidCursor`]. A page has a `next` only when
    /// more letters follow it.
    ///
    /// ```
    /// use helpdesk_core::{Actor, ActorId, Command, NewTicket, TenantId};
    /// use helpdesk_engine::{
    ///     Desk, DeskError, DispatchOptions, MemoryStore, Notification, Notifier, NotifyError,
    ///     Request, SystemClock,
    /// };
    ///
    /// /// An endpoint that refuses everything for good.
    /// struct Gone;
    /// impl Notifier for Gone {
    ///     async fn notify(&self, message: &Notification) -> Result<(), NotifyError> {
    ///         Err(NotifyError::permanent("gone", message.id, "HTTP 410"))
    ///     }
    /// }
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// // The test kit's desk tells an audit endpoint of every opening.
    /// let desk = Desk::new(helpdesk_testkit::config(), MemoryStore::new(), Gone, SystemClock)?;
    /// let tenant = TenantId::from_u128(1);
    /// let admin = Actor::admin(ActorId::from_u128(1), tenant);
    /// let open = Command::Open(NewTicket::new(admin.id, "Printer jams", ""));
    /// desk.execute(Request::new(admin.clone(), helpdesk_engine::new_ticket_id(), open)).await?;
    /// desk.run_dispatch(chrono::Utc::now()).await?;
    ///
    /// let page = desk.dead_letters(&admin, None, 10).await?;
    /// assert_eq!(page.items.len(), 1);
    /// assert_eq!((page.items[0].event.as_str(), page.items[0].channel.as_str()), ("opened", "webhook"));
    /// assert_eq!(page.items[0].last_error, "HTTP 410");
    ///
    /// let agent = Actor::agent(ActorId::from_u128(2), tenant, []);
    /// assert!(matches!(desk.dead_letters(&agent, None, 10).await, Err(DeskError::AdminOnly { .. })));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })
    /// # }
    /// ```
    pub async fn dead_letters(
        &self,
        actor: &Actor,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<Page<DeadLetterView>, DeskError> {
        if actor.role != Role::Admin {
            return Err(DeskError::AdminOnly { role: actor.role });
        }
        if limit == 0 || limit > DEAD_LETTER_PAGE_MAX {
            return Err(StoreError::InvalidQuery {
                field: "limit",
                reason: format!(
                    "is {limit}; a page of dead letters holds 1 to {DEAD_LETTER_PAGE_MAX}"
                ),
            }
            .into());
        }
        let after = cursor.map(parse_cursor).transpose()?;
        // One more than asked says whether a next page holds any.
        let mut letters = self
            .store()
            .dead_letters(actor.tenant, after, limit + 1)
            .await?;
        let more = letters.len() > limit as usize;
        letters.truncate(limit as usize);
        let items: Vec<DeadLetterView> = letters.iter().map(DeadLetterView::of).collect();
        let next = letters.last().map(|l| l.position).filter(|_| more);
        Ok(Page {
            items,
            next: next.map(|position| format!("dl{position}")),
        })
    }

    /// Makes the dead letter `id` of `actor`'s tenant claimable again now,
    /// its attempts kept, and answers it as it was; the dispatcher's next
    /// run tries it again.
    ///
    /// Only a tenant's admins revive: for anyone else, as for a letter
    /// that is not dead (any more) or is another tenant's, the answer is
    /// [`DeskError::NoDeadLetter`], so nobody learns of a letter they may
    /// not handle.
    ///
    /// ```
    /// use helpdesk_core::{Actor, ActorId, Command, NewTicket, TenantId};
    /// use helpdesk_engine::{
    ///     Desk, DeskError, MemoryStore, Notification, Notifier, NotifyError, Request, SystemClock,
    /// };
    ///
    /// /// An endpoint that refuses everything for good.
    /// struct Gone;
    /// impl Notifier for Gone {
    ///     async fn notify(&self, message: &Notification) -> Result<(), NotifyError> {
    ///         Err(NotifyError::permanent("gone", message.id, "HTTP 410"))
    ///     }
    /// }
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// let desk = Desk::new(helpdesk_testkit::config(), MemoryStore::new(), Gone, SystemClock)?;
    /// let admin = Actor::admin(ActorId::from_u128(1), TenantId::from_u128(1));
    /// let open = Command::Open(NewTicket::new(admin.id, "Printer jams", ""));
    /// desk.execute(Request::new(admin.clone(), helpdesk_engine::new_ticket_id(), open)).await?;
    /// desk.run_dispatch(chrono::Utc::now()).await?;
    /// let id = desk.dead_letters(&admin, None, 10).await?.items[0].id;
    ///
    /// let revived = desk.revive_dead_letter(&admin, id).await?;
    /// assert_eq!(revived.attempts, 1);
    /// assert!(desk.dead_letters(&admin, None, 10).await?.items.is_empty());
    /// // Revived once, it is no dead letter any more.
    /// assert!(matches!(
    ///     desk.revive_dead_letter(&admin, id).await,
    ///     Err(DeskError::NoDeadLetter { .. })
    /// ));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })
    /// # }
    /// ```
    pub async fn revive_dead_letter(
        &self,
        actor: &Actor,
        id: u64,
    ) -> Result<DeadLetterView, DeskError> {
        let missing = DeskError::NoDeadLetter { id };
        if actor.role != Role::Admin {
            return Err(missing);
        }
        let found = self
            .store()
            .dead_letters(actor.tenant, id.checked_sub(1), 1)
            .await?;
        let Some(letter) = found.first().filter(|l| l.position == id) else {
            return Err(missing);
        };
        if !self
            .store()
            .revive_dead_letter(actor.tenant, id, self.clock().now())
            .await?
        {
            // Revived by someone else since it was read.
            return Err(missing);
        }
        Ok(DeadLetterView::of(letter))
    }
}

/// The position a cursor made by [`Desk::dead_letters`] names.
fn parse_cursor(text: &str) -> Result<u64, StoreError> {
    text.strip_prefix("dl")
        .filter(|digits| digits.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|digits| digits.parse().ok())
        .ok_or_else(|| StoreError::InvalidCursor(format!("{text:?} is not a dead letter cursor")))
}
