//! [`TicketQuery`]: lists of tickets, filtered, ordered and paged by key.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use helpdesk_core::{ActorId, GroupId, StatusCategory, TicketId};
use serde::{Deserialize, Serialize};

use crate::store::{StoreError, TicketRow};

/// Which tickets: every set field must match.
///
/// ```
/// use helpdesk_core::{DeskConfig, StatusCategory};
/// use helpdesk_engine::store::{Filter, TicketRow};
/// # use chrono::DateTime;
/// # use helpdesk_core::{Actor, ActorId, Command, Context, NewTicket, TenantId};
/// # use helpdesk_core::{Ticket, TicketId, apply, decide};
/// # /// Ticket `id`, opened with `subject`.
/// # fn opened(id: u128, subject: &str) -> Ticket {
/// #     let admin = Actor::admin(ActorId::from_u128(1), TenantId::from_u128(1));
/// #     let config = DeskConfig::default();
/// #     let ctx = Context::new(&admin, DateTime::UNIX_EPOCH, &config);
/// #     let mut ticket = Ticket::new(TicketId::from_u128(id));
/// #     let open = Command::Open(NewTicket::new(admin.id, subject, ""));
/// #     for event in decide(&ticket, open, &ctx).expect("a valid command") {
/// #         apply(&mut ticket, &event);
/// #     }
/// #     ticket
/// # }
///
/// let row = TicketRow::of(&opened(1, "Printer jams"), &DeskConfig::default());
/// assert!(Filter::default().matches(&row), "an empty filter matches every row");
/// let open = Filter { status: Some(row.status), ..Filter::default() };
/// assert!(open.matches(&row));
/// let closed = Filter { status: Some(StatusCategory::Closed), ..open };
/// assert!(!closed.matches(&row));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filter {
    /// In this group (a queue).
    pub group: Option<GroupId>,
    /// Assigned to this agent.
    pub assignee: Option<ActorId>,
    /// In this status category.
    pub status: Option<StatusCategory>,
    /// With this tag.
    pub tag: Option<String>,
    /// Requested by this person.
    pub requester: Option<ActorId>,
}

impl Filter {
    /// Whether `row` passes the filter.
    pub fn matches(&self, row: &TicketRow) -> bool {
        self.group.is_none_or(|g| row.group == Some(g))
            && self.assignee.is_none_or(|a| row.assignee == Some(a))
            && self.status.is_none_or(|s| row.status == s)
            && self
                .tag
                .as_ref()
                .is_none_or(|t| row.tags.iter().any(|x| x == t))
            && self.requester.is_none_or(|r| row.requester == r)
    }
}

/// In which order.
///
/// ```
/// use helpdesk_engine::store::Order;
///
/// # fn main() -> Result<(), serde_json::Error> {
/// assert_eq!(Order::default(), Order::NextDue);
/// assert_eq!(serde_json::to_string(&Order::UpdatedAt)?, r#""updated_at""#);
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Order {
    /// Soonest SLA due first; tickets with nothing due last; then by id.
    #[default]
    NextDue,
    /// Most recently updated first; then by id.
    UpdatedAt,
}

impl Order {
    /// How the order sorts, for messages.
    fn by(self) -> &'static str {
        match self {
            Order::NextDue => "by due instant",
            Order::UpdatedAt => "by update time",
        }
    }
}

/// Where the next page starts: the sort key of the last row returned. Pages
/// stay stable while tickets are added: a row is never returned twice nor
/// skipped unless its sort key changed.
///
/// A cursor turns into text and back, so a host can hand it to a client:
///
/// ```
/// use helpdesk_core::DeskConfig;
/// use helpdesk_engine::store::{Cursor, Order, TicketRow};
/// # use chrono::DateTime;
/// # use helpdesk_core::{Actor, ActorId, Command, Context, NewTicket, TenantId};
/// # use helpdesk_core::{Ticket, TicketId, apply, decide};
/// # /// Ticket `id`, opened with `subject`.
/// # fn opened(id: u128, subject: &str) -> Ticket {
/// #     let admin = Actor::admin(ActorId::from_u128(1), TenantId::from_u128(1));
/// #     let config = DeskConfig::default();
/// #     let ctx = Context::new(&admin, DateTime::UNIX_EPOCH, &config);
/// #     let mut ticket = Ticket::new(TicketId::from_u128(id));
/// #     let open = Command::Open(NewTicket::new(admin.id, subject, ""));
/// #     for event in decide(&ticket, open, &ctx).expect("a valid command") {
/// #         apply(&mut ticket, &event);
/// #     }
/// #     ticket
/// # }
///
/// # fn main() -> Result<(), helpdesk_engine::StoreError> {
/// let config = DeskConfig::default();
/// let first = TicketRow::of(&opened(1, "First"), &config);
/// let second = TicketRow::of(&opened(2, "Second"), &config);
/// let cursor = Cursor::after(&first, Order::NextDue);
/// assert!(!cursor.admits(&first));
/// assert!(cursor.admits(&second), "nothing due on either, and a larger id");
///
/// let text = cursor.to_string();
/// assert_eq!(text.parse::<Cursor>()?, cursor);
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    /// The order the cursor belongs to.
    pub order: Order,
    /// The last row's next due instant (for [`Order::NextDue`]).
    pub due: Option<DateTime<Utc>>,
    /// The last row's update instant (for [`Order::UpdatedAt`]).
    pub updated: DateTime<Utc>,
    /// The last row's ticket.
    pub id: TicketId,
}

impl Cursor {
    /// The cursor after `row` in `order`.
    pub fn after(row: &TicketRow, order: Order) -> Self {
        Self {
            order,
            due: row.next_due,
            updated: row.updated_at,
            id: row.id,
        }
    }

    /// Whether `row` belongs after the cursor in its order.
    pub fn admits(&self, row: &TicketRow) -> bool {
        sort_key(row, self.order) > self.key()
    }

    fn key(&self) -> SortKey {
        match self.order {
            Order::NextDue => SortKey::Due(self.due.is_none(), self.due, self.id),
            Order::UpdatedAt => SortKey::Updated(std::cmp::Reverse(self.updated), self.id),
        }
    }
}

/// The total order of rows in a query; see [`sort_key`] for an example.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SortKey {
    /// Nothing due last, then soonest due, then id.
    Due(bool, Option<DateTime<Utc>>, TicketId),
    /// Latest update first, then id.
    Updated(std::cmp::Reverse<DateTime<Utc>>, TicketId),
}

/// The sort key of `row` in `order`. A store that cannot sort in its
/// backend sorts rows by this key.
///
/// ```
/// use chrono::{DateTime, Duration};
/// use helpdesk_core::DeskConfig;
/// use helpdesk_engine::store::{Order, TicketRow, sort_key};
/// # use helpdesk_core::{Actor, ActorId, Command, Context, NewTicket, TenantId};
/// # use helpdesk_core::{Ticket, TicketId, apply, decide};
/// # fn opened(id: u128, subject: &str) -> Ticket {
/// #     let admin = Actor::admin(ActorId::from_u128(1), TenantId::from_u128(1));
/// #     let config = DeskConfig::default();
/// #     let ctx = Context::new(&admin, DateTime::UNIX_EPOCH, &config);
/// #     let mut ticket = Ticket::new(TicketId::from_u128(id));
/// #     let open = Command::Open(NewTicket::new(admin.id, subject, ""));
/// #     for event in decide(&ticket, open, &ctx).expect("a valid command") {
/// #         apply(&mut ticket, &event);
/// #     }
/// #     ticket
/// # }
///
/// let config = DeskConfig::default();
/// let mut idle = TicketRow::of(&opened(1, "Nothing due"), &config);
/// idle.next_due = None;
/// let mut urgent = TicketRow::of(&opened(2, "Due in an hour"), &config);
/// urgent.next_due = Some(DateTime::UNIX_EPOCH + Duration::hours(1));
///
/// let mut rows = vec![idle, urgent];
/// rows.sort_by_key(|row| sort_key(row, Order::NextDue));
/// assert_eq!(rows[0].subject, "Due in an hour", "nothing due sorts last");
/// ```
pub fn sort_key(row: &TicketRow, order: Order) -> SortKey {
    match order {
        Order::NextDue => SortKey::Due(row.next_due.is_none(), row.next_due, row.id),
        Order::UpdatedAt => SortKey::Updated(std::cmp::Reverse(row.updated_at), row.id),
    }
}

impl fmt::Display for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let order = match self.order {
            Order::NextDue => "d",
            Order::UpdatedAt => "u",
        };
        let due = self
            .due
            .map_or(String::from("-"), |d| d.timestamp_micros().to_string());
        write!(
            f,
            "{order}.{due}.{}.{}",
            self.updated.timestamp_micros(),
            self.id
        )
    }
}

impl FromStr for Cursor {
    type Err = StoreError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || StoreError::InvalidCursor(format!("{s:?} is not a cursor this store made"));
        let mut parts = s.splitn(4, '.');
        let order = match parts.next() {
            Some("d") => Order::NextDue,
            Some("u") => Order::UpdatedAt,
            _ => return Err(bad()),
        };
        let micros = |p: &str| {
            p.parse::<i64>()
                .ok()
                .and_then(DateTime::from_timestamp_micros)
        };
        let due = match parts.next().ok_or_else(bad)? {
            "-" => None,
            d => Some(micros(d).ok_or_else(bad)?),
        };
        let updated = micros(parts.next().ok_or_else(bad)?).ok_or_else(bad)?;
        let id = parts.next().ok_or_else(bad)?.parse().map_err(|_| bad())?;
        Ok(Cursor {
            order,
            due,
            updated,
            id,
        })
    }
}

/// A list query.
///
/// ```
/// use helpdesk_core::{Actor, ActorId, Command, DeskConfig, NewTicket, TenantId};
/// use helpdesk_engine::store::{Filter, Order, TicketQuery};
/// use helpdesk_engine::{Desk, MemoryStore, NoNotifier, Request, SystemClock};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
/// # let desk = Desk::new(DeskConfig::default(), MemoryStore::new(), NoNotifier, SystemClock)?;
/// let admin = Actor::admin(ActorId::from_u128(1), TenantId::from_u128(1));
/// let alice = ActorId::from_u128(2);
/// for (requester, subject) in [(alice, "Printer jams"), (admin.id, "Rotate keys")] {
///     let open = Command::Open(NewTicket::new(requester, subject, ""));
///     desk.execute(Request::new(admin.clone(), helpdesk_engine::new_ticket_id(), open))
///         .await?;
/// }
///
/// let filter = Filter { requester: Some(alice), ..Filter::default() };
/// let page = desk.list(&admin, TicketQuery::new(filter, Order::UpdatedAt, 10)).await?;
/// assert_eq!(page.rows.len(), 1);
/// assert_eq!(page.rows[0].subject, "Printer jams");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketQuery {
    /// Which tickets.
    pub filter: Filter,
    /// In which order.
    pub order: Order,
    /// Start after this cursor (from the previous page).
    pub after: Option<Cursor>,
    /// At most this many rows: 1 to [`TicketQuery::MAX_LIMIT`].
    pub limit: u32,
}

impl TicketQuery {
    /// The first page of up to `limit` tickets matching `filter` in `order`.
    ///
    /// ```
    /// use helpdesk_engine::store::{Filter, Order, TicketQuery};
    ///
    /// let query = TicketQuery::new(Filter::default(), Order::NextDue, 50);
    /// assert!(query.after.is_none(), "the first page");
    /// ```
    pub fn new(filter: Filter, order: Order, limit: u32) -> Self {
        Self {
            filter,
            order,
            after: None,
            limit,
        }
    }

    /// The most rows a page may hold.
    pub const MAX_LIMIT: u32 = 1_000;

    /// The page size, once the query is one a store answers: a `limit`
    /// from 1 to [`MAX_LIMIT`](Self::MAX_LIMIT)
    /// ([`StoreError::InvalidQuery`] otherwise) and a cursor, if any, of
    /// the query's order ([`StoreError::InvalidCursor`] otherwise). Every
    /// store checks its queries with it.
    ///
    /// ```
    /// use helpdesk_engine::StoreError;
    /// use helpdesk_engine::store::{Cursor, Filter, Order, TicketQuery};
    ///
    /// assert_eq!(TicketQuery::new(Filter::default(), Order::NextDue, 50).check()?, 50);
    ///
    /// let empty = TicketQuery::new(Filter::default(), Order::NextDue, 0);
    /// assert_eq!(
    ///     empty.check().unwrap_err().to_string(),
    ///     "invalid query: limit: is 0; a page holds 1 to 1000 rows"
    /// );
    ///
    /// let first = TicketQuery::new(Filter::default(), Order::UpdatedAt, 50);
    /// let mut next = TicketQuery::new(Filter::default(), Order::NextDue, 50);
    /// next.after = Some("u.-.1772442000000000.00000000-0000-0000-0000-00000000000a".parse::<Cursor>()?);
    /// assert!(first.check().is_ok());
    /// assert_eq!(
    ///     next.check().unwrap_err().to_string(),
    ///     "invalid cursor: the cursor is of a query by update time, this query is by due instant"
    /// );
    /// # Ok::<(), StoreError>(())
    /// ```
    pub fn check(&self) -> Result<usize, StoreError> {
        if self.limit == 0 || self.limit > Self::MAX_LIMIT {
            return Err(StoreError::InvalidQuery {
                field: "limit",
                reason: format!(
                    "is {}; a page holds 1 to {} rows",
                    self.limit,
                    Self::MAX_LIMIT
                ),
            });
        }
        if let Some(cursor) = self.after
            && cursor.order != self.order
        {
            return Err(StoreError::InvalidCursor(format!(
                "the cursor is of a query {}, this query is {}",
                cursor.order.by(),
                self.order.by()
            )));
        }
        Ok(self.limit as usize)
    }
}

/// One page of a list.
///
/// To read a whole list, ask again with `after` set to `next` until it is
/// `None`:
///
/// ```
/// use helpdesk_core::{Actor, ActorId, Command, DeskConfig, NewTicket, TenantId};
/// use helpdesk_engine::store::{Filter, Order, TicketQuery};
/// use helpdesk_engine::{Desk, MemoryStore, NoNotifier, Request, SystemClock};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
/// # let desk = Desk::new(DeskConfig::default(), MemoryStore::new(), NoNotifier, SystemClock)?;
/// let admin = Actor::admin(ActorId::from_u128(1), TenantId::from_u128(1));
/// for n in 0..5 {
///     let open = Command::Open(NewTicket::new(admin.id, format!("Ticket {n}"), ""));
///     desk.execute(Request::new(admin.clone(), helpdesk_engine::new_ticket_id(), open))
///         .await?;
/// }
///
/// let mut query = TicketQuery::new(Filter::default(), Order::UpdatedAt, 2);
/// let mut pages = Vec::new();
/// loop {
///     let page = desk.list(&admin, query.clone()).await?;
///     pages.push(page.rows.len());
///     match page.next {
///         Some(next) => query.after = Some(next),
///         None => break,
///     }
/// }
/// assert_eq!(pages, [2, 2, 1]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page {
    /// The rows, in order.
    pub rows: Vec<TicketRow>,
    /// Where the next page starts; `None` on the last page.
    pub next: Option<Cursor>,
}
