//! [`TicketQuery`]: lists of tickets, filtered, ordered and paged by key.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use helpdesk_core::{ActorId, GroupId, StatusCategory, TicketId};
use serde::{Deserialize, Serialize};

use crate::store::{StoreError, TicketRow};

/// Which tickets: every set field must match.
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
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Order {
    /// Soonest SLA due first; tickets with nothing due last; then by id.
    #[default]
    NextDue,
    /// Most recently updated first; then by id.
    UpdatedAt,
}

/// Where the next page starts: the sort key of the last row returned. Pages
/// stay stable while tickets are added: a row is never returned twice nor
/// skipped unless its sort key changed.
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

/// The total order of rows in a query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SortKey {
    /// Nothing due last, then soonest due, then id.
    Due(bool, Option<DateTime<Utc>>, TicketId),
    /// Latest update first, then id.
    Updated(std::cmp::Reverse<DateTime<Utc>>, TicketId),
}

/// The sort key of `row` in `order`.
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketQuery {
    /// Which tickets.
    pub filter: Filter,
    /// In which order.
    pub order: Order,
    /// Start after this cursor (from the previous page).
    pub after: Option<Cursor>,
    /// At most this many rows (1 to 1,000).
    pub limit: u32,
}

impl TicketQuery {
    /// The first page of up to `limit` tickets matching `filter` in `order`.
    pub fn new(filter: Filter, order: Order, limit: u32) -> Self {
        Self {
            filter,
            order,
            after: None,
            limit,
        }
    }
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page {
    /// The rows, in order.
    pub rows: Vec<TicketRow>,
    /// Where the next page starts; `None` on the last page.
    pub next: Option<Cursor>,
}
