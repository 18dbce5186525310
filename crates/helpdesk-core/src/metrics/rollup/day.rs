//! [`Day`]: what the tickets of one group add to one local day, and the
//! [`Entry`]s they add it in.

use crate::id::ActorId;
use crate::metrics::ranked::Ranked;
use crate::metrics::stats::RESPONSES;
use crate::sla::Metric;

/// One thing a ticket adds to the day of its instant. A ticket's entries
/// are its whole contribution to reports (see `entries`); each counts
/// where the report scan counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Entry {
    /// It was created.
    Created,
    /// It was created and has been escalated since.
    Escalated,
    /// It was resolved; the day of its resolution before, if any.
    Resolved { earlier: Option<i32> },
    /// The resolution credited to an agent.
    AgentResolved(ActorId),
    /// A public reply by an agent.
    AgentReply(ActorId),
    /// It was closed.
    Closed,
    /// It was cancelled.
    Cancelled,
    /// It was merged into another ticket.
    Merged,
    /// A span unresolved began.
    SpanStart,
    /// A span unresolved ended.
    SpanEnd,
    /// Its first response, in calendar and business milliseconds.
    FirstResponse { ms: i64, business: i64 },
    /// A next response, in milliseconds.
    NextResponse(i64),
    /// Its final resolution, in calendar and business milliseconds.
    FullResolution { ms: i64, business: i64 },
    /// Its first resolution, in milliseconds.
    FirstResolution(i64),
    /// It was first resolved: whether at first contact, whether reopened
    /// since.
    Cohort { fcr: bool, reopened: bool },
    /// An SLA cycle settled: met or breached.
    Sla { metric: Metric, met: bool },
}

/// The kinds of times a day keeps.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Kind {
    FirstResponse,
    FirstResponseBusiness,
    NextResponse,
    FullResolution,
    FullResolutionBusiness,
    FirstResolution,
}

/// How many [`Kind`]s there are.
pub(crate) const KINDS: usize = 6;

/// The bins of first response times.
const RESPONSE_BINS: usize = RESPONSES.0.len() + 1;

/// What the tickets of one group add to one local day. Counts never go
/// below zero: an entry is only taken out after it was put in.
#[derive(Debug, Clone, Default)]
pub(crate) struct Day {
    pub(crate) created: u64,
    pub(crate) escalated: u64,
    /// Resolutions with none before them.
    pub(crate) resolved_first: u64,
    /// The days of the resolutions before the later ones.
    pub(crate) resolved_after: Vec<i32>,
    pub(crate) closed: u64,
    pub(crate) cancelled: u64,
    pub(crate) merged: u64,
    pub(crate) starts: u64,
    pub(crate) ends: u64,
    pub(crate) times: [Ranked; KINDS],
    /// Met and breached cycles, per metric in [`Metric::ALL`]'s order.
    pub(crate) sla: [(u64, u64); 4],
    pub(crate) first_resolved: u64,
    pub(crate) fcr: u64,
    pub(crate) reopened: u64,
    pub(crate) responses: [u64; RESPONSE_BINS],
    /// Per agent: resolutions credited and public replies.
    pub(crate) agents: Vec<(ActorId, u64, u64)>,
}

/// Adds `delta` (+1 or -1) to `count`.
fn bump(count: &mut u64, delta: i64) {
    *count = count.saturating_add_signed(delta);
}

fn metric_index(metric: Metric) -> usize {
    Metric::ALL
        .iter()
        .position(|m| *m == metric)
        .unwrap_or_default()
}

impl Day {
    /// Puts `entry` in (`delta` 1) or takes it out (`delta` -1).
    pub(crate) fn put(&mut self, entry: Entry, delta: i64) {
        let time = |day: &mut Self, kind: Kind, value: i64| {
            let ranked = &mut day.times[kind as usize];
            if delta > 0 {
                ranked.insert(value);
            } else {
                ranked.remove(value);
            }
        };
        match entry {
            Entry::Created => bump(&mut self.created, delta),
            Entry::Escalated => bump(&mut self.escalated, delta),
            Entry::Resolved { earlier: None } => bump(&mut self.resolved_first, delta),
            Entry::Resolved { earlier: Some(day) } => {
                if delta > 0 {
                    self.resolved_after.push(day);
                } else if let Some(at) = self.resolved_after.iter().position(|d| *d == day) {
                    self.resolved_after.swap_remove(at);
                }
            }
            Entry::AgentResolved(agent) => bump(&mut self.agent(agent).1, delta),
            Entry::AgentReply(agent) => bump(&mut self.agent(agent).2, delta),
            Entry::Closed => bump(&mut self.closed, delta),
            Entry::Cancelled => bump(&mut self.cancelled, delta),
            Entry::Merged => bump(&mut self.merged, delta),
            Entry::SpanStart => bump(&mut self.starts, delta),
            Entry::SpanEnd => bump(&mut self.ends, delta),
            Entry::FirstResponse { ms, business } => {
                time(self, Kind::FirstResponse, ms);
                time(self, Kind::FirstResponseBusiness, business);
                bump(&mut self.responses[RESPONSES.index(ms)], delta);
            }
            Entry::NextResponse(ms) => time(self, Kind::NextResponse, ms),
            Entry::FullResolution { ms, business } => {
                time(self, Kind::FullResolution, ms);
                time(self, Kind::FullResolutionBusiness, business);
            }
            Entry::FirstResolution(ms) => time(self, Kind::FirstResolution, ms),
            Entry::Cohort { fcr, reopened } => {
                bump(&mut self.first_resolved, delta);
                if fcr {
                    bump(&mut self.fcr, delta);
                }
                if reopened {
                    bump(&mut self.reopened, delta);
                }
            }
            Entry::Sla { metric, met } => {
                let counts = &mut self.sla[metric_index(metric)];
                bump(if met { &mut counts.0 } else { &mut counts.1 }, delta);
            }
        }
    }

    fn agent(&mut self, agent: ActorId) -> &mut (ActorId, u64, u64) {
        let at = match self.agents.iter().position(|a| a.0 == agent) {
            Some(at) => at,
            None => {
                self.agents.push((agent, 0, 0));
                self.agents.len() - 1
            }
        };
        &mut self.agents[at]
    }
}
