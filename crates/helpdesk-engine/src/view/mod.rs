//! Views: what an API hands a client, each built only for an actor,
//! through the visibility rule, so no caller can forget it.
//!
//! A [`TicketView`] is made from a ticket as one actor may see it
//! ([`Ticket::view_for`]: requesters never get an internal note), a
//! [`TicketSummary`] from a list row the actor's [`Reach`] admits, an
//! [`EventView`] from a stored event the actor's role may see
//! ([`Event::is_visible_to`](helpdesk_core::Event::is_visible_to)). None of
//! them carries the tenant, and none can be built another way: their
//! fields are public to read, the types are `#[non_exhaustive]` and they
//! are never deserialized. Statuses have one shape everywhere
//! ([`Status`]: a category and an optional sub-status). Lists come in a
//! [`Page`] whose cursor is an opaque string.
//!
//! Authors appear as their id and role ([`ActorRef`]); a host that shows
//! names looks the ids up in its own directory.
//!
//! ```
//! use helpdesk_core::{Actor, ActorId, Command, DeskConfig, NewTicket, TenantId};
//! use helpdesk_engine::view::TicketView;
//! use helpdesk_engine::{Desk, MemoryStore, NoNotifier, Request, SystemClock, new_comment_id};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
//! let desk = Desk::new(DeskConfig::default(), MemoryStore::new(), NoNotifier, SystemClock)?;
//! let tenant = TenantId::from_u128(1);
//! let alice = Actor::requester(ActorId::from_u128(1), tenant);
//! let agent = Actor::agent(ActorId::from_u128(2), tenant, []);
//! let id = helpdesk_engine::new_ticket_id();
//! let open = Command::Open(NewTicket::new(alice.id, "Printer jams", ""));
//! desk.execute(Request::new(alice.clone(), id, open)).await?;
//! let note = Command::note(new_comment_id(), "Known issue");
//! desk.execute(Request::new(agent.clone(), id, note)).await?;
//!
//! let hers: TicketView = desk.ticket_view(&alice, id).await?.expect("her ticket");
//! assert!(hers.conversation.is_empty(), "the note is not hers to read");
//! let staff = desk.ticket_view(&agent, id).await?.expect("in reach");
//! assert_eq!(staff.conversation.len(), 1);
//! assert_eq!(serde_json::to_value(&hers)?["status"], serde_json::json!({"category": "new"}));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # })
//! # }
//! ```

mod dead_letter;
mod desk;
mod names;
#[cfg(feature = "openapi")]
pub mod schema;

pub use dead_letter::{DEAD_LETTER_PAGE_MAX, DeadLetterView};
pub use names::Named;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use helpdesk_core::{
    Actor, ActorId, ActorRef, AssetRef, AttachmentRef, Channel, Comment, CommentId, FieldValue,
    GroupId, Impact, Link, Priority, Reach, Resolution, Role, Status, Ticket, TicketId,
    TicketNumber, TicketType, Urgency, Visibility,
};
use serde::Serialize;

use crate::desk::Executed;
use crate::ids::EventId;
use crate::store::{StoredEvent, TicketRow};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// A ticket as one actor may see it: built by [`TicketView::for_actor`]
/// (or [`Desk::ticket_view`](crate::Desk::ticket_view)) only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[non_exhaustive]
pub struct TicketView {
    /// The ticket's id.
    #[cfg_attr(feature = "openapi", schema(value_type = uuid::Uuid))]
    pub id: TicketId,
    /// Its number in the tenant, the one people say (`1042` for `#1042`);
    /// none for a ticket opened without one.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<u64>, minimum = 1))]
    pub number: Option<TicketNumber>,
    /// Its version: the number of events it has; an HTTP API's `ETag`.
    pub version: u64,
    /// One line.
    pub subject: String,
    /// The requester's first message.
    pub description: String,
    /// The files that came with the description (their bytes are in the
    /// host's attachment store, under each key).
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<schema::Attachment>))]
    pub attachments: Vec<AttachmentRef>,
    /// Where it stands in its lifecycle.
    #[cfg_attr(feature = "openapi", schema(value_type = schema::Status))]
    pub status: Status,
    /// From the impact x urgency matrix, or as overridden.
    #[cfg_attr(feature = "openapi", schema(value_type = schema::Priority))]
    pub priority: Priority,
    /// How widely it hurts.
    #[cfg_attr(feature = "openapi", schema(value_type = schema::Impact))]
    pub impact: Impact,
    /// How soon it hurts.
    #[cfg_attr(feature = "openapi", schema(value_type = schema::Urgency))]
    pub urgency: Urgency,
    /// Where it came from.
    #[cfg_attr(feature = "openapi", schema(value_type = schema::Channel))]
    pub channel: Channel,
    /// Incident, service request, problem, question or task.
    #[cfg_attr(feature = "openapi", schema(value_type = schema::TicketType))]
    pub ticket_type: TicketType,
    /// Who asked.
    #[cfg_attr(feature = "openapi", schema(value_type = uuid::Uuid))]
    pub requester: ActorId,
    /// The requester's name, when the desk's directory knows it.
    pub requester_name: Option<String>,
    /// The group (queue) it is in.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<uuid::Uuid>))]
    pub group: Option<GroupId>,
    /// The agent it is assigned to.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<uuid::Uuid>))]
    pub assignee: Option<ActorId>,
    /// The assignee's name, when the desk's directory knows it.
    pub assignee_name: Option<String>,
    /// Its tags, sorted.
    pub tags: Vec<String>,
    /// Its custom fields by key.
    #[cfg_attr(feature = "openapi", schema(value_type = BTreeMap<String, schema::FieldValue>))]
    pub fields: BTreeMap<String, FieldValue>,
    /// The assets it concerns, sorted.
    pub assets: Vec<String>,
    /// Its links to other tickets.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<schema::Link>))]
    pub links: Vec<Link>,
    /// How it was resolved, once it was.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<schema::Resolution>))]
    pub resolution: Option<Resolution>,
    /// The ticket it was merged into.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<uuid::Uuid>))]
    pub merged_into: Option<TicketId>,
    /// Who watches it, by id: everyone for staff; for a requester only
    /// those who watch as requesters (the customers copied on it), never
    /// the staff who follow it.
    pub watchers: Vec<WatcherView>,
    /// The comments the actor may read, oldest first.
    pub conversation: Vec<CommentView>,
    /// When it was opened.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

impl TicketView {
    /// `ticket` as `actor` may see it, or `None` when they may not see it
    /// at all (another tenant's, out of their reach, missing).
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use helpdesk_core::*;
    /// use helpdesk_engine::view::TicketView;
    ///
    /// let tenant = TenantId::from_u128(1);
    /// let alice = Actor::requester(ActorId::from_u128(10), tenant);
    /// let config = DeskConfig::default();
    /// let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
    /// let mut ticket = Ticket::new(TicketId::from_u128(100));
    /// let open = Command::Open(NewTicket::new(alice.id, "Printer jams", ""));
    /// for event in decide(&ticket, open, &Context::new(&alice, now, &config))? {
    ///     apply(&mut ticket, &event);
    /// }
    /// let view = TicketView::for_actor(&ticket, &alice).expect("her own ticket");
    /// assert_eq!(view.subject, "Printer jams");
    /// let stranger = Actor::requester(ActorId::from_u128(11), tenant);
    /// assert!(TicketView::for_actor(&ticket, &stranger).is_none());
    /// # Ok::<(), DomainError>(())
    /// ```
    pub fn for_actor(ticket: &Ticket, actor: &Actor) -> Option<Self> {
        let seen = ticket.view_for(actor)?;
        let staff = actor.role.is_staff();
        Some(Self {
            id: seen.id(),
            number: seen.number(),
            version: seen.version(),
            subject: seen.subject().to_owned(),
            description: seen.description().to_owned(),
            attachments: seen.attachments().to_vec(),
            status: seen.status().clone(),
            priority: seen.priority(),
            impact: seen.impact(),
            urgency: seen.urgency(),
            channel: seen.channel(),
            ticket_type: seen.ticket_type(),
            requester: seen.requester(),
            requester_name: None,
            group: seen.group(),
            assignee: seen.assignee(),
            assignee_name: None,
            tags: seen.tags().iter().map(|t| t.as_str().to_owned()).collect(),
            fields: seen.fields().clone(),
            assets: seen.assets().iter().map(AssetRef::to_string).collect(),
            links: seen.links().iter().copied().collect(),
            resolution: seen.resolution().cloned(),
            merged_into: seen.merged_into(),
            // `view_for` leaves requesters the requester-role watchers; the
            // filter says the rule once more where they are copied.
            watchers: seen
                .watchers()
                .filter(|w| staff || !w.role.is_staff())
                .map(WatcherView::of)
                .collect(),
            // `view_for` leaves requesters the public comments; the
            // filter says the rule once more where the text is copied.
            conversation: seen
                .conversation()
                .filter(|c| staff || c.visibility == Visibility::Public)
                .map(CommentView::of)
                .collect(),
            created_at: seen.created_at(),
            updated_at: seen.updated_at(),
        })
    }
}

/// A watcher of a [`TicketView`]: who, in which role they are told, and
/// their name when the desk's directory knows it.
///
/// ```
/// use helpdesk_core::{Actor, ActorId, Command, DeskConfig, NewTicket, Role, TenantId};
/// use helpdesk_engine::{Desk, MemoryStore, NoNotifier, Request, SystemClock};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
/// let config: DeskConfig = toml::from_str(r#"
///     [agents.maria]
///     id = "00000000-0000-0000-0000-000000000007"
///     name = "Maria Keller"
/// "#)?;
/// let desk = Desk::new(config, MemoryStore::new(), NoNotifier, SystemClock)?;
/// let tenant = TenantId::from_u128(1);
/// let alice = Actor::requester(ActorId::from_u128(1), tenant);
/// let maria = Actor::agent(ActorId::from_u128(7), tenant, []);
/// let id = helpdesk_engine::new_ticket_id();
/// let open = Command::Open(NewTicket::new(alice.id, "Printer jams", ""));
/// desk.execute(Request::new(alice.clone(), id, open)).await?;
/// // Maria follows the ticket; Alice copies her colleague Bo on it.
/// desk.execute(Request::new(maria.clone(), id, Command::Watch { watcher: maria.as_ref() })).await?;
/// let bo = ActorId::from_u128(2);
/// let cc = Command::Watch { watcher: helpdesk_core::ActorRef { id: bo, role: Role::Requester } };
/// desk.execute(Request::new(maria.clone(), id, cc)).await?;
///
/// let staff = desk.ticket_view(&maria, id).await?.expect("in reach");
/// assert_eq!(staff.watchers.len(), 2);
/// assert_eq!(staff.watchers[1].name.as_deref(), Some("Maria Keller"));
/// let hers = desk.ticket_view(&alice, id).await?.expect("her ticket");
/// assert_eq!(hers.watchers.len(), 1, "Alice sees Bo, not who follows on the desk's side");
/// assert_eq!((hers.watchers[0].id, hers.watchers[0].role), (bo, Role::Requester));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[non_exhaustive]
pub struct WatcherView {
    /// The watcher's id.
    #[cfg_attr(feature = "openapi", schema(value_type = uuid::Uuid))]
    pub id: ActorId,
    /// The role they watch in: what they are told follows it.
    #[cfg_attr(feature = "openapi", schema(value_type = schema::Role))]
    pub role: Role,
    /// Their name, when the desk's directory knows it.
    pub name: Option<String>,
}

impl WatcherView {
    fn of(watcher: ActorRef) -> Self {
        Self {
            id: watcher.id,
            role: watcher.role,
            name: None,
        }
    }
}

/// A comment of a [`TicketView`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[non_exhaustive]
pub struct CommentView {
    /// The comment's id.
    #[cfg_attr(feature = "openapi", schema(value_type = uuid::Uuid))]
    pub id: CommentId,
    /// Who wrote it, in which role.
    #[cfg_attr(feature = "openapi", schema(value_type = schema::Author))]
    pub author: ActorRef,
    /// The author's name, when the desk's directory knows it.
    pub author_name: Option<String>,
    /// Public reply, or internal note (staff only).
    #[cfg_attr(feature = "openapi", schema(value_type = schema::Visibility))]
    pub visibility: Visibility,
    /// The text.
    pub body: String,
    /// When it was written.
    pub at: DateTime<Utc>,
    /// The files that came with it (their bytes are in the host's
    /// attachment store, under each key).
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<schema::Attachment>))]
    pub attachments: Vec<AttachmentRef>,
}

impl CommentView {
    fn of(comment: &Comment) -> Self {
        Self {
            id: comment.id,
            author: comment.author,
            author_name: None,
            visibility: comment.visibility,
            body: comment.body.clone(),
            at: comment.at,
            attachments: comment.attachments.clone(),
        }
    }
}

/// A ticket in a list or a search result, as one actor may see it: built
/// by [`TicketSummary::for_actor`] only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[non_exhaustive]
pub struct TicketSummary {
    /// The ticket's id.
    #[cfg_attr(feature = "openapi", schema(value_type = uuid::Uuid))]
    pub id: TicketId,
    /// Its number in the tenant (`1042` for `#1042`); none for a ticket
    /// opened without one.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<u64>, minimum = 1))]
    pub number: Option<TicketNumber>,
    /// Its version.
    pub version: u64,
    /// One line.
    pub subject: String,
    /// Where it stands in its lifecycle.
    #[cfg_attr(feature = "openapi", schema(value_type = schema::Status))]
    pub status: Status,
    /// Its priority.
    #[cfg_attr(feature = "openapi", schema(value_type = schema::Priority))]
    pub priority: Priority,
    /// Who asked.
    #[cfg_attr(feature = "openapi", schema(value_type = uuid::Uuid))]
    pub requester: ActorId,
    /// The requester's name, when the desk's directory knows it.
    pub requester_name: Option<String>,
    /// The group (queue) it is in.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<uuid::Uuid>))]
    pub group: Option<GroupId>,
    /// The agent it is assigned to.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<uuid::Uuid>))]
    pub assignee: Option<ActorId>,
    /// The assignee's name, when the desk's directory knows it.
    pub assignee_name: Option<String>,
    /// Its tags, sorted.
    pub tags: Vec<String>,
    /// The earliest SLA warning, breach or escalation due.
    pub next_due: Option<DateTime<Utc>>,
    /// When it was opened.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

impl TicketSummary {
    /// `row` as `actor` may see it: `None` unless the row is of their
    /// tenant and their [`Reach`] admits it.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use helpdesk_core::*;
    /// use helpdesk_engine::store::TicketRow;
    /// use helpdesk_engine::view::TicketSummary;
    ///
    /// let tenant = TenantId::from_u128(1);
    /// let alice = Actor::requester(ActorId::from_u128(10), tenant);
    /// let config = DeskConfig::default();
    /// let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
    /// let mut ticket = Ticket::new(TicketId::from_u128(100));
    /// let open = Command::Open(NewTicket::new(alice.id, "Printer jams", ""));
    /// for event in decide(&ticket, open, &Context::new(&alice, now, &config))? {
    ///     apply(&mut ticket, &event);
    /// }
    /// let row = TicketRow::of(&ticket, &config);
    /// assert!(TicketSummary::for_actor(&row, &alice).is_some());
    /// let other_tenant = Actor::admin(ActorId::from_u128(10), TenantId::from_u128(2));
    /// assert!(TicketSummary::for_actor(&row, &other_tenant).is_none());
    /// # Ok::<(), DomainError>(())
    /// ```
    pub fn for_actor(row: &TicketRow, actor: &Actor) -> Option<Self> {
        let reach = Reach::of(actor);
        if row.tenant != actor.tenant || !reach.admits(row.requester, row.group, row.assignee) {
            return None;
        }
        Some(Self {
            id: row.id,
            number: row.number,
            version: row.version,
            subject: row.subject.clone(),
            status: Status {
                category: row.status,
                sub_status: row.sub_status.clone(),
            },
            priority: row.priority,
            requester: row.requester,
            requester_name: None,
            group: row.group,
            assignee: row.assignee,
            assignee_name: None,
            tags: row.tags.clone(),
            next_due: row.next_due,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

/// One event of a ticket's history, as one actor may see it: built by
/// [`EventView::for_actor`] only.
///
/// `type` names the change and `data` holds its fields, as in the stored
/// form of events ([`helpdesk_core::Event`]), without the tenant.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[non_exhaustive]
pub struct EventView {
    /// The event's id.
    #[cfg_attr(feature = "openapi", schema(value_type = uuid::Uuid))]
    pub id: EventId,
    /// The ticket's version after it.
    pub version: u64,
    /// When it happened.
    pub at: DateTime<Utc>,
    /// Who did it, in which role.
    #[cfg_attr(feature = "openapi", schema(value_type = schema::Author))]
    pub by: ActorRef,
    /// Their name, when the desk's directory knows it.
    pub by_name: Option<String>,
    /// The change: `opened`, `replied`, `status_changed`, ...
    #[serde(rename = "type")]
    pub change: &'static str,
    /// The change's fields, if it has any.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub data: Option<serde_json::Value>,
}

impl EventView {
    /// `stored` as `actor` may see it: `None` when it is not of their
    /// tenant or their role may not see it (an internal note, for a
    /// requester). Whether they reach the ticket at all is the caller's to
    /// check, as [`Desk::history_view`](crate::Desk::history_view) does.
    ///
    /// ```
    /// use helpdesk_core::{Actor, ActorId, Command, DeskConfig, NewTicket, TenantId};
    /// use helpdesk_engine::view::EventView;
    /// use helpdesk_engine::{Desk, MemoryStore, NoNotifier, Request, SystemClock, new_comment_id};
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// let desk = Desk::new(DeskConfig::default(), MemoryStore::new(), NoNotifier, SystemClock)?;
    /// let tenant = TenantId::from_u128(1);
    /// let alice = Actor::requester(ActorId::from_u128(1), tenant);
    /// let agent = Actor::agent(ActorId::from_u128(2), tenant, []);
    /// let id = helpdesk_engine::new_ticket_id();
    /// let open = Command::Open(NewTicket::new(alice.id, "Printer jams", ""));
    /// desk.execute(Request::new(alice.clone(), id, open)).await?;
    /// let note = Command::note(new_comment_id(), "Known issue");
    /// let noted = desk.execute(Request::new(agent.clone(), id, note)).await?;
    ///
    /// let event = &noted.events[0];
    /// assert_eq!(EventView::for_actor(event, &agent).map(|e| e.change), Some("note_added"));
    /// assert!(EventView::for_actor(event, &alice).is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })
    /// # }
    /// ```
    pub fn for_actor(stored: &StoredEvent, actor: &Actor) -> Option<Self> {
        if stored.tenant != actor.tenant || !stored.event.is_visible_to(actor.role) {
            return None;
        }
        let mut data = match serde_json::to_value(&stored.event.change) {
            Ok(serde_json::Value::Object(mut change)) => change.remove("data"),
            _ => None,
        };
        if let Some(serde_json::Value::Object(fields)) = &mut data {
            fields.remove("tenant");
        }
        Some(Self {
            id: stored.id,
            version: stored.version,
            at: stored.event.at,
            by: stored.event.by,
            by_name: None,
            change: stored.event.change.type_name(),
            data,
        })
    }
}

/// What a command did, as the acting actor may see it: built from the
/// desk's [`Executed`] (already filtered for them) by
/// [`Outcome::for_actor`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[non_exhaustive]
pub struct Outcome {
    /// The ticket after the command; absent when the command took it out
    /// of the actor's reach.
    pub ticket: Option<TicketView>,
    /// The ticket's version after the command.
    pub version: u64,
    /// The events the command appended that the actor may see.
    pub events: Vec<EventView>,
    /// Whether this is the first result of the same command again.
    pub replayed: bool,
}

impl Outcome {
    /// `executed` as `actor` (who sent the command) may see it.
    ///
    /// ```
    /// use helpdesk_core::{Actor, ActorId, Command, DeskConfig, NewTicket, TenantId};
    /// use helpdesk_engine::view::Outcome;
    /// use helpdesk_engine::{Desk, MemoryStore, NoNotifier, Request, SystemClock};
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
    /// let desk = Desk::new(DeskConfig::default(), MemoryStore::new(), NoNotifier, SystemClock)?;
    /// let alice = Actor::requester(ActorId::from_u128(1), TenantId::from_u128(1));
    /// let open = Command::Open(NewTicket::new(alice.id, "Printer jams", ""));
    /// let executed = desk.execute(Request::new(alice.clone(), helpdesk_engine::new_ticket_id(), open)).await?;
    /// let outcome = Outcome::for_actor(&executed, &alice);
    /// assert_eq!(outcome.version, 1);
    /// assert_eq!(outcome.events[0].change, "opened");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })
    /// # }
    /// ```
    pub fn for_actor(executed: &Executed, actor: &Actor) -> Self {
        Self {
            ticket: executed
                .ticket
                .as_ref()
                .and_then(|t| TicketView::for_actor(t, actor)),
            version: executed.version,
            events: executed
                .events
                .iter()
                .filter_map(|e| EventView::for_actor(e, actor))
                .collect(),
            replayed: executed.replayed,
        }
    }
}

/// One page of a list, and where the next one starts.
///
/// The cursor is opaque: send it back as it came to get the next page. A
/// cursor altered or made up is refused, and since the store applies the
/// reader's reach before the cursor, no cursor leads past their reach.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Page<T> {
    /// The items, in order.
    pub items: Vec<T>,
    /// The cursor of the next page; absent on the last page.
    pub next: Option<String>,
}
