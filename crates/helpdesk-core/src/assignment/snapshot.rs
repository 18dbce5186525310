//! [`AgentSnapshot`]: what assignment needs to know about one agent, at one
//! moment, as the host saw it.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::load::OpenTickets;
use crate::calendar::Calendar;
use crate::id::{ActorId, GroupId};

/// One agent as assignment sees it: groups, skills, capacity, open tickets,
/// presence and shift.
///
/// The host builds snapshots from its own state; the domain reads no clock,
/// so whether the agent is on shift comes in as a flag, which
/// [`with_shift_from`](AgentSnapshot::with_shift_from) can compute from the
/// agent's calendar and an instant. Ids should be unique within one pool.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use helpdesk_core::assignment::{AgentSnapshot, OpenTickets};
/// use helpdesk_core::calendar::Calendar;
/// use helpdesk_core::{ActorId, GroupId, Priority};
///
/// let calendar: Calendar =
///     serde_json::from_str(r#"{"tz": "UTC", "week": {"mon": ["09:00-17:00"]}}"#)?;
/// let monday_8am = Utc.with_ymd_and_hms(2026, 3, 2, 8, 0, 0).unwrap();
///
/// let alice = AgentSnapshot::new(ActorId::from_u128(1), 10)
///     .in_group(GroupId::from_u128(7))
///     .with_skill("linux")
///     .with_open([Priority::P2, Priority::P4].into_iter().collect())
///     .with_shift_from(Some(&calendar), monday_8am);
/// assert!(!alice.on_shift, "her shift starts at nine");
/// assert!(!alice.at_capacity());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentSnapshot {
    /// The agent.
    pub id: ActorId,
    /// The groups the agent works in.
    #[serde(default)]
    pub groups: BTreeSet<GroupId>,
    /// The agent's skills, compared exactly (case and spelling matter).
    #[serde(default)]
    pub skills: BTreeSet<String>,
    /// The most open tickets the agent may hold; at or above it, the agent
    /// gets no new ticket. Zero means none at all.
    pub capacity: u32,
    /// The agent's open tickets, per priority.
    #[serde(default)]
    pub open: OpenTickets,
    /// The agent marked themselves away (on leave, in a meeting).
    #[serde(default)]
    pub away: bool,
    /// The agent's shift covers the moment of assignment.
    #[serde(default = "on_shift_by_default")]
    pub on_shift: bool,
}

const fn on_shift_by_default() -> bool {
    true
}

impl AgentSnapshot {
    /// An agent with no group, no skill and no open ticket, present and on
    /// shift, who may hold up to `capacity` open tickets.
    pub fn new(id: ActorId, capacity: u32) -> Self {
        Self {
            id,
            groups: BTreeSet::new(),
            skills: BTreeSet::new(),
            capacity,
            open: OpenTickets::NONE,
            away: false,
            on_shift: true,
        }
    }

    /// Adds the agent to `group`.
    #[must_use]
    pub fn in_group(mut self, group: GroupId) -> Self {
        self.groups.insert(group);
        self
    }

    /// Gives the agent `skill`.
    #[must_use]
    pub fn with_skill(mut self, skill: impl Into<String>) -> Self {
        self.skills.insert(skill.into());
        self
    }

    /// Sets the agent's open tickets.
    #[must_use]
    pub fn with_open(mut self, open: OpenTickets) -> Self {
        self.open = open;
        self
    }

    /// Marks the agent away or present.
    #[must_use]
    pub fn with_away(mut self, away: bool) -> Self {
        self.away = away;
        self
    }

    /// Sets whether the agent is on shift.
    #[must_use]
    pub fn with_on_shift(mut self, on_shift: bool) -> Self {
        self.on_shift = on_shift;
        self
    }

    /// Sets [`on_shift`](AgentSnapshot::on_shift) from the agent's working
    /// calendar at instant `at` (see [`on_shift_at`]).
    #[must_use]
    pub fn with_shift_from(mut self, calendar: Option<&Calendar>, at: DateTime<Utc>) -> Self {
        self.on_shift = on_shift_at(calendar, at);
        self
    }

    /// Whether the agent holds as many open tickets as their capacity, or
    /// more.
    pub const fn at_capacity(&self) -> bool {
        self.open.total() >= self.capacity as u64
    }
}

/// Whether an agent with working calendar `calendar` is on shift at `at`: an
/// agent without a calendar always is, otherwise the calendar must be
/// [open](Calendar::is_open) at `at`.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use helpdesk_core::assignment::on_shift_at;
/// use helpdesk_core::calendar::Calendar;
///
/// let nights: Calendar =
///     serde_json::from_str(r#"{"tz": "UTC", "week": {"mon": ["22:00-06:00"]}}"#)?;
/// let tuesday_3am = Utc.with_ymd_and_hms(2026, 3, 3, 3, 0, 0).unwrap();
/// assert!(on_shift_at(Some(&nights), tuesday_3am));
/// assert!(!on_shift_at(Some(&nights), tuesday_3am + chrono::TimeDelta::hours(3)));
/// assert!(on_shift_at(None, tuesday_3am));
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn on_shift_at(calendar: Option<&Calendar>, at: DateTime<Utc>) -> bool {
    calendar.is_none_or(|calendar| calendar.is_open(at))
}
