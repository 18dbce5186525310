//! [`Rollup`]: what every ticket adds to reports, summed per group and per
//! local day as events are fed, so a report adds up the days of its period
//! instead of visiting every ticket.
//!
//! A ticket's contribution is a list of [`Entry`]s, each on the local day
//! of its instant (`entries`). When an event changes the facts, the
//! entries it changes are taken out and put in again ([`Mark`]); when it
//! moves the ticket to another group, all of them move. Times are kept
//! sorted per day ([`Ranked`](crate::metrics::ranked::Ranked)), so
//! medians and 90th percentiles stay exact.

mod answer;
mod backlog;
mod day;

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Datelike, Utc};
use chrono_tz::Tz;

use crate::event::{Change, Event};
use crate::id::{ActorId, GroupId, TenantId};
use crate::metrics::facts::{CycleResult, TicketFacts};
use crate::sla::Metric;

use backlog::Backlog;
use day::{Day, Entry};

/// The days of one tenant's group (or of its tickets without a group).
type Key = (TenantId, Option<GroupId>);

/// An entry and the instant whose day it goes on.
type Placed = (DateTime<Utc>, Entry);

/// Per group, per local day of `zone`, what the tickets add to reports;
/// and every span a ticket spent unresolved, for the backlog at a
/// period's end.
#[derive(Debug, Clone)]
pub(crate) struct Rollup {
    zone: Tz,
    days: HashMap<Key, BTreeMap<i32, Day>>,
    backlog: Backlog,
}

/// What of a ticket's facts an event may change, taken before it is
/// applied and compared after.
pub(crate) struct Mark {
    group: Option<GroupId>,
    assignee: Option<ActorId>,
    resolutions: usize,
    next_responses: usize,
    desk_replies: usize,
    first_response: bool,
    closed: bool,
    cancelled: bool,
    merged: bool,
    spans: usize,
    open: bool,
    escalated: bool,
    full: Option<Placed>,
    cohort: Option<Entry>,
    /// The SLA cycle the event names: its index, and its settled entry.
    cycle: Option<(usize, Option<Placed>)>,
}

fn key(facts: &TicketFacts) -> Key {
    (facts.tenant, facts.dimensions.group)
}

/// The entry of the final resolution, and its instant.
fn full(facts: &TicketFacts) -> Option<Placed> {
    facts.final_resolution().map(|last| {
        let ms = (last.at - facts.created_at).num_milliseconds();
        let business = facts.resolution_business_ms.unwrap_or(ms);
        (last.at, Entry::FullResolution { ms, business })
    })
}

/// The first resolution's cohort entry.
fn cohort(facts: &TicketFacts) -> Option<Entry> {
    facts.resolutions.first().map(|_| Entry::Cohort {
        fcr: facts.first_contact_resolution(),
        reopened: facts.reopens > 0,
    })
}

/// The settled entry of cycle `index`.
fn settled(facts: &TicketFacts, index: usize) -> Option<Placed> {
    let cycle = facts.sla.get(index)?;
    let met = match cycle.result {
        CycleResult::Met => true,
        CycleResult::Breached => false,
        CycleResult::Active | CycleResult::Cancelled => return None,
    };
    Some((
        cycle.settled_at?,
        Entry::Sla {
            metric: cycle.metric,
            met,
        },
    ))
}

/// The index of the cycle an SLA event names, as the facts find it.
fn named_cycle(facts: &TicketFacts, event: &Event) -> Option<usize> {
    let (metric, number): (Metric, u32) = match &event.change {
        Change::SlaPaused { metric, cycle, .. }
        | Change::SlaResumed { metric, cycle, .. }
        | Change::SlaBreached { metric, cycle, .. }
        | Change::SlaStopped { metric, cycle, .. }
        | Change::SlaCancelled { metric, cycle, .. } => (*metric, *cycle),
        Change::SlaRetargeted(r) => (r.metric, r.cycle),
        _ => return None,
    };
    facts
        .sla
        .iter()
        .rposition(|c| c.metric == metric && c.cycle == number)
}

impl Mark {
    /// What `event` may change of `facts`, before it is applied.
    pub(crate) fn before(facts: &TicketFacts, event: &Event) -> Self {
        Self {
            group: facts.dimensions.group,
            assignee: facts.dimensions.assignee,
            resolutions: facts.resolutions.len(),
            next_responses: facts.next_responses.len(),
            desk_replies: facts.desk_replies.len(),
            first_response: facts.first_response_at.is_some(),
            closed: facts.closed_at.is_some(),
            cancelled: facts.cancelled_at.is_some(),
            merged: facts.merged_at.is_some(),
            spans: facts.unresolved.len(),
            open: facts.unresolved.last().is_some_and(|s| s.to.is_none()),
            escalated: facts.escalations > 0,
            full: full(facts),
            cohort: cohort(facts),
            cycle: named_cycle(facts, event).map(|i| (i, settled(facts, i))),
        }
    }
}

impl Rollup {
    /// An empty rollup counting days in `zone`.
    pub(crate) fn new(zone: Tz) -> Self {
        Self {
            zone,
            days: HashMap::new(),
            backlog: Backlog::default(),
        }
    }

    /// The zone its days are counted in.
    pub(crate) fn zone(&self) -> Tz {
        self.zone
    }

    /// The local day of `at`, as days from the common era.
    pub(crate) fn day(&self, at: DateTime<Utc>) -> i32 {
        match self.zone {
            Tz::UTC => at.date_naive().num_days_from_ce(),
            zone => at.with_timezone(&zone).date_naive().num_days_from_ce(),
        }
    }

    fn put(&mut self, key: Key, at: DateTime<Utc>, entry: Entry, delta: i64) {
        let day = self.day(at);
        self.days
            .entry(key)
            .or_default()
            .entry(day)
            .or_default()
            .put(entry, delta);
    }

    /// Puts in (`delta` 1) or takes out (`delta` -1) every entry of
    /// `facts`.
    fn put_all(&mut self, key: Key, facts: &TicketFacts, delta: i64) {
        let mut earlier = None;
        let created = facts.created_at;
        self.put(key, created, Entry::Created, delta);
        if facts.escalations > 0 {
            self.put(key, created, Entry::Escalated, delta);
        }
        for r in &facts.resolutions {
            self.put(key, r.at, Entry::Resolved { earlier }, delta);
            self.put(key, r.at, Entry::AgentResolved(r.credited), delta);
            earlier = Some(self.day(r.at));
        }
        for reply in &facts.desk_replies {
            self.put(key, reply.at, Entry::AgentReply(reply.by), delta);
        }
        for (at, entry) in [
            (facts.closed_at, Entry::Closed),
            (facts.cancelled_at, Entry::Cancelled),
            (facts.merged_at, Entry::Merged),
        ] {
            if let Some(at) = at {
                self.put(key, at, entry, delta);
            }
        }
        for span in &facts.unresolved {
            self.put(key, span.from, Entry::SpanStart, delta);
            if let Some(to) = span.to {
                self.put(key, to, Entry::SpanEnd, delta);
            }
        }
        if let Some(at) = facts.first_response_at {
            self.put(key, at, first_response(facts, at), delta);
        }
        for &(at, ms) in &facts.next_responses {
            self.put(key, at, Entry::NextResponse(ms), delta);
        }
        if let Some((at, entry)) = full(facts) {
            self.put(key, at, entry, delta);
        }
        if let (Some(first), Some(entry)) = (facts.resolutions.first(), cohort(facts)) {
            let ms = (first.at - created).num_milliseconds();
            self.put(key, first.at, Entry::FirstResolution(ms), delta);
            self.put(key, first.at, entry, delta);
        }
        for index in 0..facts.sla.len() {
            if let Some((at, entry)) = settled(facts, index) {
                self.put(key, at, entry, delta);
            }
        }
    }

    /// Adds a ticket just opened.
    pub(crate) fn opened(&mut self, facts: &TicketFacts) {
        self.put_all(key(facts), facts, 1);
        self.backlog.opened(facts);
    }

    /// Brings the ticket's entries up to date after an event changed
    /// `facts` from what `before` marked.
    pub(crate) fn update(&mut self, before: &Mark, facts: &TicketFacts) {
        let key = key(facts);
        if before.assignee != facts.dimensions.assignee {
            self.backlog
                .reassigned(facts, before.spans, before.open, before.assignee);
        }
        if before.group != facts.dimensions.group {
            // Only the group changed: every entry moves.
            self.put_all((facts.tenant, before.group), facts, -1);
            self.put_all(key, facts, 1);
            return;
        }
        let created = facts.created_at;
        if !before.escalated && facts.escalations > 0 {
            self.put(key, created, Entry::Escalated, 1);
        }
        if let Some(r) = facts.resolutions.get(before.resolutions) {
            let earlier = before
                .resolutions
                .checked_sub(1)
                .and_then(|i| facts.resolutions.get(i))
                .map(|e| self.day(e.at));
            self.put(key, r.at, Entry::Resolved { earlier }, 1);
            self.put(key, r.at, Entry::AgentResolved(r.credited), 1);
            if before.resolutions == 0 {
                let ms = (r.at - created).num_milliseconds();
                self.put(key, r.at, Entry::FirstResolution(ms), 1);
            }
        }
        if let Some(reply) = facts.desk_replies.get(before.desk_replies) {
            self.put(key, reply.at, Entry::AgentReply(reply.by), 1);
        }
        if !before.first_response
            && let Some(at) = facts.first_response_at
        {
            self.put(key, at, first_response(facts, at), 1);
        }
        if let Some(&(at, ms)) = facts.next_responses.get(before.next_responses) {
            self.put(key, at, Entry::NextResponse(ms), 1);
        }
        for (was, now, entry) in [
            (before.closed, facts.closed_at, Entry::Closed),
            (before.cancelled, facts.cancelled_at, Entry::Cancelled),
            (before.merged, facts.merged_at, Entry::Merged),
        ] {
            if let (false, Some(at)) = (was, now) {
                self.put(key, at, entry, 1);
            }
        }
        self.update_spans(before, facts, key);
        self.replace(key, before.full, full(facts));
        if let Some(first) = facts.resolutions.first() {
            let at = first.at;
            self.replace(
                key,
                before.cohort.map(|e| (at, e)),
                cohort(facts).map(|e| (at, e)),
            );
        }
        if let Some((index, was)) = before.cycle {
            self.replace(key, was, settled(facts, index));
        }
    }

    /// Takes `was` out and puts `now` in, when they differ.
    fn replace(&mut self, key: Key, was: Option<Placed>, now: Option<Placed>) {
        if was == now {
            return;
        }
        if let Some((at, entry)) = was {
            self.put(key, at, entry, -1);
        }
        if let Some((at, entry)) = now {
            self.put(key, at, entry, 1);
        }
    }

    /// Records a span begun or ended by the event.
    fn update_spans(&mut self, before: &Mark, facts: &TicketFacts, key: Key) {
        if before.open
            && let Some(span) = facts.unresolved.get(before.spans - 1)
            && let Some(to) = span.to
        {
            self.put(key, to, Entry::SpanEnd, 1);
            self.backlog.ended(facts, before.spans - 1);
        }
        if let Some(span) = facts.unresolved.get(before.spans) {
            self.put(key, span.from, Entry::SpanStart, 1);
            self.backlog.begun(facts, before.spans);
        }
    }
}

/// The first response's entry.
fn first_response(facts: &TicketFacts, at: DateTime<Utc>) -> Entry {
    let ms = (at - facts.created_at).num_milliseconds();
    Entry::FirstResponse {
        ms,
        business: facts.first_response_business_ms.unwrap_or(ms),
    }
}
