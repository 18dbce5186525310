//! The desk's reads as views: tickets, histories, queues and searches as
//! one actor may see them, paged with opaque cursors.

use helpdesk_core::{Actor, TicketId, TicketNumber};

use crate::clock::Clock;
use crate::desk::Desk;
use crate::error::DeskError;
use crate::notifier::Notifier;
use crate::store::{Cursor, Filter, Order, Store, StoreError, TicketQuery};
use crate::view::{EventView, Page, TicketSummary, TicketView};

impl<S: Store, N: Notifier, C: Clock> Desk<S, N, C> {
    /// The ticket as `actor` may see it ([`TicketView::for_actor`]), or
    /// `None` (missing, another tenant's, out of their reach); see the
    /// [module](crate::view) for an example.
    pub async fn ticket_view(
        &self,
        actor: &Actor,
        ticket: TicketId,
    ) -> Result<Option<TicketView>, DeskError> {
        let view = self
            .store()
            .load(actor.tenant, ticket)
            .await?
            .and_then(|t| TicketView::for_actor(&t, actor));
        Ok(match view {
            Some(view) => Some(self.named(actor.tenant, view).await),
            None => None,
        })
    }

    /// The tenant's ticket numbered `number` as `actor` may see it, or
    /// `None`, the same answer for a number no ticket has as for one out
    /// of the actor's reach (see [`Desk::ticket_by_number`]).
    ///
    /// ```
    /// use helpdesk_core::{Actor, ActorId, Command, DeskConfig, NewTicket, TenantId, TicketNumber};
    /// use helpdesk_engine::{Desk, MemoryStore, NoNotifier, Request, SystemClock};
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// # let desk = Desk::new(DeskConfig::default(), MemoryStore::new(), NoNotifier, SystemClock)?;
    /// let agent = Actor::agent(ActorId::from_u128(2), TenantId::from_u128(1), []);
    /// for subject in ["Printer jams", "VPN drops"] {
    ///     let open = Command::Open(NewTicket::new(agent.id, subject, ""));
    ///     desk.execute(Request::new(agent.clone(), helpdesk_engine::new_ticket_id(), open)).await?;
    /// }
    ///
    /// let second: TicketNumber = "#2".parse()?;
    /// let view = desk.ticket_view_by_number(&agent, second).await?.expect("in reach");
    /// assert_eq!((view.number, view.subject.as_str()), (Some(second), "VPN drops"));
    /// assert!(desk.ticket_view_by_number(&agent, "#3".parse()?).await?.is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })
    /// # }
    /// ```
    pub async fn ticket_view_by_number(
        &self,
        actor: &Actor,
        number: TicketNumber,
    ) -> Result<Option<TicketView>, DeskError> {
        match self.store().ticket_by_number(actor.tenant, number).await? {
            Some(ticket) => self.ticket_view(actor, ticket).await,
            None => Ok(None),
        }
    }

    /// Up to `limit` events of the ticket's history as `actor` may see
    /// them, from the start or from `cursor` (the `next` of the previous
    /// page); empty when they may not see the ticket. A page may hold fewer
    /// events than `limit` when some are not theirs to see. A `limit` out
    /// of `1..=limits.history_page_max` is refused with
    /// [`StoreError::InvalidQuery`], a cursor this method did not make
    /// with [`StoreError::InvalidCursor`].
    ///
    /// ```
    /// use helpdesk_core::{Actor, ActorId, Command, DeskConfig, NewTicket, TenantId};
    /// use helpdesk_engine::{Desk, MemoryStore, NoNotifier, Request, SystemClock};
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// # let desk = Desk::new(DeskConfig::default(), MemoryStore::new(), NoNotifier, SystemClock)?;
    /// let agent = Actor::agent(ActorId::from_u128(2), TenantId::from_u128(1), []);
    /// let id = helpdesk_engine::new_ticket_id();
    /// let open = Command::Open(NewTicket::new(agent.id, "Printer jams", ""));
    /// desk.execute(Request::new(agent.clone(), id, open)).await?;
    /// for tag in ["printer", "floor-3"] {
    ///     desk.execute(Request::new(agent.clone(), id, Command::Tag { tag: tag.into() })).await?;
    /// }
    ///
    /// let first = desk.history_view(&agent, id, None, 2).await?;
    /// assert_eq!(first.items.len(), 2);
    /// let rest = desk.history_view(&agent, id, first.next.as_deref(), 2).await?;
    /// assert_eq!(rest.items[0].change, "tagged");
    /// assert_eq!(rest.next, None);
    /// assert!(desk.history_view(&agent, id, Some("v-1"), 2).await.is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })
    /// # }
    /// ```
    pub async fn history_view(
        &self,
        actor: &Actor,
        ticket: TicketId,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<Page<EventView>, DeskError> {
        let from = match cursor {
            None => 1,
            Some(text) => text
                .strip_prefix('v')
                .and_then(|v| v.parse::<u64>().ok())
                .filter(|v| *v >= 1)
                .ok_or_else(|| {
                    StoreError::InvalidCursor(format!("{text:?} is not a history cursor"))
                })?,
        };
        let (events, next) = self.history_page(actor, ticket, from, limit).await?;
        let page = Page {
            items: events
                .iter()
                .filter_map(|e| EventView::for_actor(e, actor))
                .collect(),
            next: next.map(|v| format!("v{v}")),
        };
        Ok(self.named(actor.tenant, page).await)
    }

    /// One page of the tickets `actor` reaches that pass `filter`, in
    /// `order`, from the start or from `cursor` (the `next` of the previous
    /// page). The store applies the actor's reach before the limit and the
    /// cursor ([`Desk::list`]); a cursor not made by this method, or made
    /// for another order, is refused with [`StoreError::InvalidCursor`].
    ///
    /// ```
    /// use helpdesk_core::{Actor, ActorId, Command, DeskConfig, NewTicket, TenantId};
    /// use helpdesk_engine::store::{Filter, Order};
    /// use helpdesk_engine::{Desk, MemoryStore, NoNotifier, Request, SystemClock};
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// # let desk = Desk::new(DeskConfig::default(), MemoryStore::new(), NoNotifier, SystemClock)?;
    /// let admin = Actor::admin(ActorId::from_u128(9), TenantId::from_u128(1));
    /// for n in 0..3 {
    ///     let open = Command::Open(NewTicket::new(admin.id, format!("Ticket {n}"), ""));
    ///     desk.execute(Request::new(admin.clone(), helpdesk_engine::new_ticket_id(), open)).await?;
    /// }
    /// let first = desk.queue(&admin, Filter::default(), Order::UpdatedAt, None, 2).await?;
    /// assert_eq!(first.items.len(), 2);
    /// let cursor = first.next.expect("a second page");
    /// let second = desk.queue(&admin, Filter::default(), Order::UpdatedAt, Some(&cursor), 2).await?;
    /// assert_eq!(second.items.len(), 1);
    /// assert!(desk.queue(&admin, Filter::default(), Order::UpdatedAt, Some("made up"), 2).await.is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })
    /// # }
    /// ```
    pub async fn queue(
        &self,
        actor: &Actor,
        filter: Filter,
        order: Order,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<Page<TicketSummary>, DeskError> {
        let mut query = TicketQuery::new(filter, order, limit);
        query.after = cursor.map(str::parse::<Cursor>).transpose()?;
        let page = self.list(actor, query).await?;
        let page = Page {
            items: page
                .rows
                .iter()
                .filter_map(|row| TicketSummary::for_actor(row, actor))
                .collect(),
            next: page.next.map(|c| c.to_string()),
        };
        Ok(self.named(actor.tenant, page).await)
    }

    /// Tickets matching `text` as `actor` may see them ([`Desk::search`]),
    /// as summaries; the page has no next cursor.
    ///
    /// ```
    /// use helpdesk_core::{Actor, ActorId, Command, DeskConfig, NewTicket, TenantId};
    /// use helpdesk_engine::{Desk, MemoryStore, NoNotifier, Request, SystemClock};
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// # let desk = Desk::new(DeskConfig::default(), MemoryStore::new(), NoNotifier, SystemClock)?;
    /// let admin = Actor::admin(ActorId::from_u128(9), TenantId::from_u128(1));
    /// let open = Command::Open(NewTicket::new(admin.id, "Printer jams", ""));
    /// desk.execute(Request::new(admin.clone(), helpdesk_engine::new_ticket_id(), open)).await?;
    /// let found = desk.search_view(&admin, "printer", 10).await?;
    /// assert_eq!(found.items[0].subject, "Printer jams");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })
    /// # }
    /// ```
    pub async fn search_view(
        &self,
        actor: &Actor,
        text: &str,
        limit: u32,
    ) -> Result<Page<TicketSummary>, DeskError> {
        let rows = self.search(actor, text, limit).await?;
        let page = Page {
            items: rows
                .iter()
                .filter_map(|row| TicketSummary::for_actor(row, actor))
                .collect(),
            next: None,
        };
        Ok(self.named(actor.tenant, page).await)
    }
}
