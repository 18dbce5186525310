//! [`TicketFacts`]: what one ticket's events say about how it was served.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::actor::Role;
use crate::asset::AssetRef;
use crate::channel::Channel;
use crate::config::DeskConfig;
use crate::event::{Change, Event};
use crate::id::{ActorId, GroupId, TenantId, TicketId};
use crate::number::TicketNumber;
use crate::priority::Priority;
use crate::sla::{Metric, Outcome};
use crate::status::StatusCategory;
use crate::tag::Tag;
use crate::ticket_type::TicketType;

/// Whether an event's actor counts as the help desk answering: a public
/// reply by an agent, a supervisor or an admin. The system's replies
/// (automatic acknowledgements) are no response, as in the SLA clocks'
/// `agent_reply`.
fn is_desk(role: Role) -> bool {
    matches!(role, Role::Agent | Role::Supervisor | Role::Admin)
}

/// A span of time a ticket spent unresolved: from its creation or a
/// reopening to its resolution, closing, cancellation or merge (`to` is
/// `None` while it lasts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unresolved {
    /// When it began.
    pub from: DateTime<Utc>,
    /// When it ended; `None` while the ticket is still unresolved.
    pub to: Option<DateTime<Utc>>,
}

impl Unresolved {
    /// Whether the span holds the instant just before `at`: `from < at <=
    /// to`. The backlog at `at` counts the tickets unresolved just before
    /// it, so the backlog at a period's end is the backlog at its start,
    /// plus the tickets created and reopened in it, less those resolved,
    /// closed, cancelled or merged in it.
    pub fn holds_before(&self, at: DateTime<Utc>) -> bool {
        self.from < at && self.to.is_none_or(|to| at <= to)
    }
}

/// A public reply of the help desk: when, and by whom.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskReply {
    /// When it was written.
    pub at: DateTime<Utc>,
    /// Who wrote it.
    pub by: ActorId,
}

/// One resolution of the ticket: when, and to whom it is credited (the
/// assignee at that moment, or else whoever resolved it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resolution {
    /// When the ticket was resolved.
    pub at: DateTime<Utc>,
    /// The agent credited with it.
    pub credited: ActorId,
}

/// How an SLA cycle stands in the facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CycleResult {
    /// Running or paused, its target not yet used up.
    Active,
    /// Stopped before its deadline.
    Met,
    /// Breached: stopped at or after its deadline, or still running past it.
    Breached,
    /// Ended without an outcome (cancelled, merged, no target any more).
    Cancelled,
}

/// One SLA cycle of the ticket and its result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CycleFact {
    /// The metric measured.
    pub metric: Metric,
    /// The cycle's number for its metric, from 1.
    pub cycle: u32,
    /// The policy whose target applied last.
    pub policy: String,
    /// The target, in milliseconds of the policy's calendar.
    pub target_ms: i64,
    /// How it stands.
    pub result: CycleResult,
    /// When its result was settled: the instant it stopped (met or
    /// breached), or the deadline it passed while still running. `None`
    /// while active or once cancelled.
    pub settled_at: Option<DateTime<Utc>>,
    /// Business time used when it last stopped or paused, in milliseconds.
    pub elapsed_ms: i64,
}

/// The dimensions a ticket is grouped by, as they stand after its last
/// event (Zendesk Explore and Jira's reports group by the ticket's current
/// fields too).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dimensions {
    /// The group.
    pub group: Option<GroupId>,
    /// The escalation tier.
    pub tier: Option<String>,
    /// The assignee.
    pub assignee: Option<ActorId>,
    /// The priority.
    pub priority: Priority,
    /// The channel it came in through.
    pub channel: Channel,
    /// Its type: the category of work.
    pub ticket_type: TicketType,
    /// Its tags.
    pub tags: BTreeSet<Tag>,
    /// The assets it concerns.
    pub assets: BTreeSet<AssetRef>,
    /// The requester's organization.
    pub organization: Option<String>,
}

/// What one ticket's history says about how it was served: the facts every
/// metric of [`metrics`](crate::metrics) is computed from. Built by
/// folding the ticket's events in order with [`TicketFacts::apply`];
/// [`TicketFacts::from_events`] does it for a whole history.
///
/// The fold reads no clock: instants come from the events, and business
/// times are counted on the calendar of the ticket's SLA policy in the
/// [`DeskConfig`] (calendar time when the policy has none, or there is no
/// policy).
///
/// ```
/// use chrono::{Duration, TimeZone, Utc};
/// use helpdesk_core::metrics::TicketFacts;
/// use helpdesk_core::*;
///
/// let config = DeskConfig::default();
/// let tenant = TenantId::from_u128(1);
/// let alice = Actor::requester(ActorId::from_u128(10), tenant);
/// let bob = Actor::agent(ActorId::from_u128(20), tenant, []);
/// let t0 = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
/// let mut ticket = Ticket::new(TicketId::from_u128(1));
/// let mut history = Vec::new();
/// let mut run = |actor: &Actor, minutes: i64, command: Command| {
///     let ctx = Context::new(actor, t0 + Duration::minutes(minutes), &config);
///     for event in decide(&ticket, command, &ctx).unwrap() {
///         apply(&mut ticket, &event);
///         history.push(event);
///     }
/// };
/// run(&alice, 0, Command::Open(NewTicket::new(alice.id, "VPN drops", "")));
/// run(&bob, 30, Command::Reply { comment: CommentId::from_u128(1), body: "Try again?".into(), attachments: Vec::new() });
/// run(&bob, 90, Command::Resolve {
///     resolution: Resolution::new(ResolutionCode::Solved, "Fixed."),
///     sub_status: None,
/// });
///
/// let facts = TicketFacts::from_events(&history, &config).unwrap();
/// assert_eq!(facts.first_response(), Some(Duration::minutes(30)));
/// assert_eq!(facts.full_resolution(), Some(Duration::minutes(90)));
/// assert!(facts.first_contact_resolution());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketFacts {
    /// The tenant.
    pub tenant: TenantId,
    /// The ticket.
    pub ticket: TicketId,
    /// Its number in the tenant, if it was opened with one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<TicketNumber>,
    /// The subject as opened.
    pub subject: String,
    /// Who asked for help.
    pub requester: ActorId,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// The grouping dimensions, as they stand now.
    pub dimensions: Dimensions,
    /// The status category it is in now.
    pub status: StatusCategory,
    /// When the help desk first replied in public.
    pub first_response_at: Option<DateTime<Utc>>,
    /// Business time to the first response, in milliseconds.
    pub first_response_business_ms: Option<i64>,
    /// Each next response: the instant it was given, and how long after the
    /// oldest requester reply it answered, in milliseconds.
    pub next_responses: Vec<(DateTime<Utc>, i64)>,
    /// Every public reply of the help desk, oldest first.
    pub desk_replies: Vec<DeskReply>,
    /// Every resolution, oldest first; a ticket reopened and resolved again
    /// has several.
    pub resolutions: Vec<Resolution>,
    /// Business time from creation to the last resolution, in milliseconds.
    pub resolution_business_ms: Option<i64>,
    /// Business time from creation to the first resolution, in
    /// milliseconds.
    pub first_resolution_business_ms: Option<i64>,
    /// When it was closed.
    pub closed_at: Option<DateTime<Utc>>,
    /// When it was cancelled.
    pub cancelled_at: Option<DateTime<Utc>>,
    /// When it was merged into another ticket.
    pub merged_at: Option<DateTime<Utc>>,
    /// Public help desk replies up to its last resolution.
    pub replies_before_resolution: u32,
    /// Agent touches: commands of agents, supervisors and admins (each
    /// distinct actor and instant once), over its whole life.
    pub touches: u32,
    /// Agent touches up to its last resolution.
    pub touches_before_resolution: u32,
    /// How often it was reopened.
    pub reopens: u32,
    /// How often its assignee changed from one agent to another.
    pub reassignments: u32,
    /// How many escalation rules fired on it.
    pub escalations: u32,
    /// The spans it spent unresolved, oldest first.
    pub unresolved: Vec<Unresolved>,
    /// Every SLA cycle, in the order they started.
    pub sla: Vec<CycleFact>,
    /// The SLA policy applying now.
    pub sla_policy: Option<String>,
    /// The oldest requester reply not yet answered, after the first
    /// response.
    awaiting_since: Option<DateTime<Utc>>,
    /// The last agent touch: its instant and actor.
    last_touch: Option<(DateTime<Utc>, ActorId)>,
}

/// A history [`TicketFacts::from_events`] cannot read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FactsError {
    /// The first event was not the ticket's opening.
    #[error("a ticket's history starts with its opening, not with {found:?}")]
    NotOpened {
        /// The type of the first event.
        found: &'static str,
    },
    /// The history was empty.
    #[error("a ticket's history has at least its opening; this one is empty")]
    Empty,
}

impl TicketFacts {
    /// The facts of a ticket just opened by `event`, or `None` when `event`
    /// is not an opening.
    pub fn opened(ticket: TicketId, event: &Event) -> Option<Self> {
        let Change::Opened(opened) = &event.change else {
            return None;
        };
        let mut facts = Self {
            tenant: opened.tenant,
            ticket,
            number: opened.number,
            subject: opened.subject.clone(),
            requester: opened.requester,
            created_at: event.at,
            dimensions: Dimensions {
                group: opened.group,
                tier: None,
                assignee: None,
                priority: opened.priority,
                channel: opened.channel,
                ticket_type: opened.ticket_type,
                tags: opened.tags.clone(),
                assets: opened.assets.clone(),
                organization: opened.organization.clone(),
            },
            status: StatusCategory::New,
            first_response_at: None,
            first_response_business_ms: None,
            next_responses: Vec::new(),
            desk_replies: Vec::new(),
            resolutions: Vec::new(),
            resolution_business_ms: None,
            first_resolution_business_ms: None,
            closed_at: None,
            cancelled_at: None,
            merged_at: None,
            replies_before_resolution: 0,
            touches: 0,
            touches_before_resolution: 0,
            reopens: 0,
            reassignments: 0,
            escalations: 0,
            unresolved: vec![Unresolved {
                from: event.at,
                to: None,
            }],
            sla: Vec::new(),
            sla_policy: None,
            awaiting_since: None,
            last_touch: None,
        };
        facts.touch(event);
        Some(facts)
    }

    /// The facts of a whole history, oldest event first.
    pub fn from_events<'a>(
        events: impl IntoIterator<Item = &'a Event>,
        config: &DeskConfig,
    ) -> Result<Self, FactsError> {
        Self::from_events_of(TicketId::from_u128(0), events, config)
    }

    /// [`from_events`](Self::from_events) for a ticket whose id is known.
    pub fn from_events_of<'a>(
        ticket: TicketId,
        events: impl IntoIterator<Item = &'a Event>,
        config: &DeskConfig,
    ) -> Result<Self, FactsError> {
        let mut events = events.into_iter();
        let first = events.next().ok_or(FactsError::Empty)?;
        let mut facts = Self::opened(ticket, first).ok_or(FactsError::NotOpened {
            found: first.change.type_name(),
        })?;
        for event in events {
            facts.apply(event, config);
        }
        Ok(facts)
    }

    /// Folds the ticket's next event in. Pure and infallible; an event of
    /// another ticket or a second opening is not checked for.
    pub fn apply(&mut self, event: &Event, config: &DeskConfig) {
        self.touch(event);
        let at = event.at;
        match &event.change {
            Change::Opened(_) => {}
            Change::Replied { .. } if is_desk(event.by.role) => {
                self.desk_replies.push(DeskReply {
                    at,
                    by: event.by.id,
                });
                if self.first_response_at.is_none() {
                    self.first_response_at = Some(at);
                    self.first_response_business_ms =
                        Some(self.business_ms(self.created_at, at, config));
                } else if let Some(since) = self.awaiting_since.take() {
                    self.next_responses
                        .push((at, (at - since).num_milliseconds()));
                }
            }
            Change::Replied { .. } => {
                if event.by.role == Role::Requester
                    && self.first_response_at.is_some()
                    && self.awaiting_since.is_none()
                {
                    self.awaiting_since = Some(at);
                }
            }
            Change::GroupChanged { to, .. } => self.dimensions.group = *to,
            Change::AssigneeChanged { from, to } => {
                if from.is_some() && to.is_some() {
                    self.reassignments += 1;
                }
                self.dimensions.assignee = *to;
            }
            Change::StatusChanged { to, .. } => self.status = to.category,
            Change::PriorityChanged { to, .. } => self.dimensions.priority = *to,
            Change::Tagged { tag } => {
                self.dimensions.tags.insert(tag.clone());
            }
            Change::Untagged { tag } => {
                self.dimensions.tags.remove(tag);
            }
            Change::AssetAdded { asset } => {
                self.dimensions.assets.insert(asset.clone());
            }
            Change::AssetRemoved { asset } => {
                self.dimensions.assets.remove(asset);
            }
            Change::TierChanged { to, .. } => self.dimensions.tier.clone_from(to),
            Change::Escalated(escalated) => {
                self.escalations += 1;
                if escalated.to_tier.is_some() {
                    self.dimensions.tier.clone_from(&escalated.to_tier);
                }
            }
            Change::Resolved { .. } => {
                self.status = StatusCategory::Resolved;
                self.end_unresolved(at);
                self.awaiting_since = None;
                self.resolutions.push(Resolution {
                    at,
                    credited: self.dimensions.assignee.unwrap_or(event.by.id),
                });
                let business = self.business_ms(self.created_at, at, config);
                if self.first_resolution_business_ms.is_none() {
                    self.first_resolution_business_ms = Some(business);
                }
                self.resolution_business_ms = Some(business);
                self.replies_before_resolution = self.desk_replies.len() as u32;
                self.touches_before_resolution = self.touches;
            }
            Change::Reopened => {
                self.status = StatusCategory::Open;
                self.reopens += 1;
                self.unresolved.push(Unresolved { from: at, to: None });
            }
            Change::Closed => {
                self.status = StatusCategory::Closed;
                self.closed_at = Some(at);
                self.end_unresolved(at);
            }
            Change::Cancelled { .. } => {
                self.status = StatusCategory::Cancelled;
                self.cancelled_at = Some(at);
                self.end_unresolved(at);
            }
            Change::Merged { .. } => {
                self.status = StatusCategory::Merged;
                self.merged_at = Some(at);
                self.end_unresolved(at);
            }
            Change::SlaPolicyChanged { to, .. } => self.sla_policy.clone_from(to),
            Change::SlaStarted(started) => self.sla.push(CycleFact {
                metric: started.metric,
                cycle: started.cycle,
                policy: started.policy.clone(),
                target_ms: started.target_ms,
                result: CycleResult::Active,
                settled_at: None,
                elapsed_ms: 0,
            }),
            Change::SlaPaused {
                metric,
                cycle,
                elapsed_ms,
            } => {
                if let Some(c) = self.cycle(*metric, *cycle) {
                    c.elapsed_ms = *elapsed_ms;
                }
            }
            Change::SlaResumed { metric, cycle, .. } => {
                if let Some(c) = self.cycle(*metric, *cycle)
                    && c.result != CycleResult::Breached
                {
                    c.result = CycleResult::Active;
                    c.settled_at = None;
                }
            }
            Change::SlaRetargeted(retargeted) => {
                if let Some(c) = self.cycle(retargeted.metric, retargeted.cycle) {
                    c.policy.clone_from(&retargeted.policy);
                    c.target_ms = retargeted.target_ms;
                    c.elapsed_ms = retargeted.elapsed_ms;
                }
            }
            Change::SlaBreached { metric, cycle, due } => {
                if let Some(c) = self.cycle(*metric, *cycle)
                    && c.result == CycleResult::Active
                {
                    c.result = CycleResult::Breached;
                    c.settled_at = Some(*due);
                }
            }
            Change::SlaStopped {
                metric,
                cycle,
                outcome,
                elapsed_ms,
            } => {
                if let Some(c) = self.cycle(*metric, *cycle) {
                    c.elapsed_ms = *elapsed_ms;
                    match outcome {
                        // Once breached, a cycle stays breached, even if a
                        // later target lets it stop in time.
                        _ if c.result == CycleResult::Breached => {}
                        Outcome::Met => {
                            c.result = CycleResult::Met;
                            c.settled_at = Some(at);
                        }
                        Outcome::Breached => {
                            c.result = CycleResult::Breached;
                            c.settled_at = Some(at);
                        }
                    }
                }
            }
            Change::SlaCancelled {
                metric,
                cycle,
                elapsed_ms,
            } => {
                if let Some(c) = self.cycle(*metric, *cycle) {
                    c.elapsed_ms = *elapsed_ms;
                    if c.result != CycleResult::Breached {
                        c.result = CycleResult::Cancelled;
                        c.settled_at = None;
                    }
                }
            }
            Change::NoteAdded { .. }
            | Change::Attached { .. }
            | Change::ImpactUrgencyChanged { .. }
            | Change::FieldChanged { .. }
            | Change::Watched { .. }
            | Change::Unwatched { .. }
            | Change::MergedFrom { .. }
            | Change::Linked { .. }
            | Change::Unlinked { .. }
            | Change::SlaWarned { .. } => {}
        }
    }

    /// Counts an agent touch for `event`: each distinct agent and instant
    /// once, as the events of one command share both.
    fn touch(&mut self, event: &Event) {
        if !is_desk(event.by.role) {
            return;
        }
        let key = (event.at, event.by.id);
        if self.last_touch != Some(key) {
            self.last_touch = Some(key);
            self.touches += 1;
        }
    }

    fn end_unresolved(&mut self, at: DateTime<Utc>) {
        if let Some(span) = self.unresolved.last_mut().filter(|s| s.to.is_none()) {
            span.to = Some(at);
        }
    }

    fn cycle(&mut self, metric: Metric, cycle: u32) -> Option<&mut CycleFact> {
        self.sla
            .iter_mut()
            .rev()
            .find(|c| c.metric == metric && c.cycle == cycle)
    }

    /// Business milliseconds from `from` to `to` on the calendar of the
    /// ticket's SLA policy; calendar milliseconds without one.
    fn business_ms(&self, from: DateTime<Utc>, to: DateTime<Utc>, config: &DeskConfig) -> i64 {
        let calendar = self
            .sla_policy
            .as_deref()
            .and_then(|key| config.sla_policy(key))
            .and_then(|policy| policy.calendar.as_deref())
            .and_then(|key| config.calendars.get(key));
        match calendar {
            Some(calendar) => calendar.business_time_between(from, to).num_milliseconds(),
            None => (to - from).num_milliseconds(),
        }
    }

    /// First response time: from creation to the first public reply of an
    /// agent, supervisor or admin.
    pub fn first_response(&self) -> Option<chrono::TimeDelta> {
        self.first_response_at.map(|at| at - self.created_at)
    }

    /// The last resolution, if the ticket is resolved or closed now (not
    /// reopened since, nor cancelled or merged).
    pub fn final_resolution(&self) -> Option<&Resolution> {
        match self.status {
            StatusCategory::Resolved | StatusCategory::Closed => self.resolutions.last(),
            _ => None,
        }
    }

    /// Full resolution time: from creation to the last resolution, while
    /// the ticket is resolved or closed.
    pub fn full_resolution(&self) -> Option<chrono::TimeDelta> {
        self.final_resolution().map(|r| r.at - self.created_at)
    }

    /// First resolution time: from creation to the first resolution, even
    /// if the ticket was reopened since.
    pub fn first_resolution(&self) -> Option<chrono::TimeDelta> {
        self.resolutions.first().map(|r| r.at - self.created_at)
    }

    /// First contact resolution: resolved or closed now, with exactly one
    /// public help desk reply before its resolution, and never reopened.
    pub fn first_contact_resolution(&self) -> bool {
        self.final_resolution().is_some()
            && self.reopens == 0
            && self.replies_before_resolution == 1
    }

    /// Whether the ticket is in the backlog at `at`: unresolved just
    /// before it (see [`Unresolved::holds_before`]).
    pub fn in_backlog_at(&self, at: DateTime<Utc>) -> bool {
        self.unresolved.iter().any(|span| span.holds_before(at))
    }
}
