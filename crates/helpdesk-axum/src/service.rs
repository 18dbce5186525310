//! The desk behind the router, with its store, notifier and clock types
//! erased, so the handlers (and their OpenAPI annotations) are plain
//! functions compiled once.

use std::sync::Arc;

use futures_util::future::BoxFuture;
use helpdesk_core::{Actor, ActorId, Role, TenantId, TicketId, TicketNumber};
use helpdesk_engine::store::{Filter, Order};
use helpdesk_engine::view::{DeadLetterView, EventView, Outcome, Page, TicketSummary, TicketView};
use helpdesk_engine::{Clock, Desk, DeskError, Executed, Notifier, Request, Store};

/// The events after a version that an actor may see, and the ticket's
/// latest version; `None` when the ticket is not theirs to see.
pub(crate) type Seen = Option<(Vec<EventView>, u64)>;

/// What the handlers ask of a desk.
pub(crate) trait Service: Send + Sync + 'static {
    fn execute(&self, request: Request) -> BoxFuture<'_, Result<Executed, DeskError>>;

    /// What `executed` shows `actor`, with the names of the people in it.
    fn outcome(&self, executed: Executed, actor: Actor) -> BoxFuture<'_, Outcome>;

    fn ticket(
        &self,
        actor: Actor,
        ticket: TicketId,
    ) -> BoxFuture<'_, Result<Option<TicketView>, DeskError>>;

    fn ticket_by_number(
        &self,
        actor: Actor,
        number: TicketNumber,
    ) -> BoxFuture<'_, Result<Option<TicketView>, DeskError>>;

    fn history(
        &self,
        actor: Actor,
        ticket: TicketId,
        cursor: Option<String>,
        limit: u32,
    ) -> BoxFuture<'_, Result<Page<EventView>, DeskError>>;

    fn queue(
        &self,
        actor: Actor,
        filter: Filter,
        order: Order,
        cursor: Option<String>,
        limit: u32,
    ) -> BoxFuture<'_, Result<Page<TicketSummary>, DeskError>>;

    fn search(
        &self,
        actor: Actor,
        text: String,
        limit: u32,
    ) -> BoxFuture<'_, Result<Page<TicketSummary>, DeskError>>;

    /// The events after `version` the actor may see and the ticket's
    /// latest version, or `None` when the ticket is not (or no longer)
    /// theirs to see.
    fn events_after(
        &self,
        actor: Actor,
        ticket: TicketId,
        version: u64,
    ) -> BoxFuture<'_, Result<Seen, DeskError>>;

    fn history_page_max(&self) -> u32;

    fn dead_letters(
        &self,
        actor: Actor,
        cursor: Option<String>,
        limit: u32,
    ) -> BoxFuture<'_, Result<Page<DeadLetterView>, DeskError>>;

    fn revive_dead_letter(
        &self,
        actor: Actor,
        id: u64,
    ) -> BoxFuture<'_, Result<DeadLetterView, DeskError>>;

    /// The role the desk's directory knows `actor` of `tenant` in, if it
    /// says.
    fn known_role(
        &self,
        tenant: TenantId,
        actor: ActorId,
    ) -> BoxFuture<'_, Result<Option<Role>, DeskError>>;
}

impl<S, N, C> Service for Arc<Desk<S, N, C>>
where
    S: Store + 'static,
    N: Notifier + 'static,
    C: Clock + 'static,
{
    fn execute(&self, request: Request) -> BoxFuture<'_, Result<Executed, DeskError>> {
        Box::pin(async move { Desk::execute(self, request).await })
    }

    fn outcome(&self, executed: Executed, actor: Actor) -> BoxFuture<'_, Outcome> {
        Box::pin(async move {
            let outcome = Outcome::for_actor(&executed, &actor);
            self.named(actor.tenant, outcome).await
        })
    }

    fn ticket(
        &self,
        actor: Actor,
        ticket: TicketId,
    ) -> BoxFuture<'_, Result<Option<TicketView>, DeskError>> {
        Box::pin(async move { self.ticket_view(&actor, ticket).await })
    }

    fn ticket_by_number(
        &self,
        actor: Actor,
        number: TicketNumber,
    ) -> BoxFuture<'_, Result<Option<TicketView>, DeskError>> {
        Box::pin(async move { self.ticket_view_by_number(&actor, number).await })
    }

    fn history(
        &self,
        actor: Actor,
        ticket: TicketId,
        cursor: Option<String>,
        limit: u32,
    ) -> BoxFuture<'_, Result<Page<EventView>, DeskError>> {
        Box::pin(async move {
            self.history_view(&actor, ticket, cursor.as_deref(), limit)
                .await
        })
    }

    fn queue(
        &self,
        actor: Actor,
        filter: Filter,
        order: Order,
        cursor: Option<String>,
        limit: u32,
    ) -> BoxFuture<'_, Result<Page<TicketSummary>, DeskError>> {
        Box::pin(
            async move { Desk::queue(self, &actor, filter, order, cursor.as_deref(), limit).await },
        )
    }

    fn search(
        &self,
        actor: Actor,
        text: String,
        limit: u32,
    ) -> BoxFuture<'_, Result<Page<TicketSummary>, DeskError>> {
        Box::pin(async move { self.search_view(&actor, &text, limit).await })
    }

    fn events_after(
        &self,
        actor: Actor,
        ticket: TicketId,
        version: u64,
    ) -> BoxFuture<'_, Result<Seen, DeskError>> {
        Box::pin(async move {
            if Desk::ticket(self, &actor, ticket).await?.is_none() {
                return Ok(None);
            }
            let events = self
                .store()
                .history(actor.tenant, ticket, version.saturating_add(1))
                .await?;
            let latest = events.last().map_or(version, |e| e.version);
            let seen: Vec<EventView> = events
                .iter()
                .filter_map(|e| EventView::for_actor(e, &actor))
                .collect();
            let seen = self
                .named(
                    actor.tenant,
                    Page {
                        items: seen,
                        next: None,
                    },
                )
                .await;
            Ok(Some((seen.items, latest)))
        })
    }

    fn history_page_max(&self) -> u32 {
        u32::try_from(self.config().limits.history_page_max).unwrap_or(u32::MAX)
    }

    fn dead_letters(
        &self,
        actor: Actor,
        cursor: Option<String>,
        limit: u32,
    ) -> BoxFuture<'_, Result<Page<DeadLetterView>, DeskError>> {
        Box::pin(async move { Desk::dead_letters(self, &actor, cursor.as_deref(), limit).await })
    }

    fn revive_dead_letter(
        &self,
        actor: Actor,
        id: u64,
    ) -> BoxFuture<'_, Result<DeadLetterView, DeskError>> {
        Box::pin(async move { Desk::revive_dead_letter(self, &actor, id).await })
    }

    fn known_role(
        &self,
        tenant: TenantId,
        actor: ActorId,
    ) -> BoxFuture<'_, Result<Option<Role>, DeskError>> {
        Box::pin(async move {
            let contact = self.directory().contact(tenant, actor).await?;
            Ok(contact.and_then(|contact| contact.role))
        })
    }
}
