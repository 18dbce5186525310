//! Metrics from the event log: what each ticket's history says about how it
//! was served ([`TicketFacts`]), the figures of a period per group and per
//! day or week ([`report`]), recurring problems on the rise ([`trends`]),
//! and a projection that keeps it all current one committed event at a
//! time ([`Metrics`]).
//!
//! Everything here is pure: instants come from the events, "now" is the end
//! of the period asked about, and business time is counted on the
//! calendar of the ticket's SLA policy (its policy when the time ended;
//! 24x7 without a policy or a policy without a calendar).
//!
//! # Definitions
//!
//! Words follow Zendesk's (Explore) and Jira Service Management's reports
//! where they agree; where they differ, the table says which is followed.
//! "The desk" is an agent, supervisor or admin; the system role
//! (automations, acknowledgements) never counts as a response or a touch,
//! as in the SLA clocks. Times are in milliseconds; medians and 90th
//! percentiles are nearest-rank ([`percentile`]).
//!
//! | metric | formula | edge cases |
//! |--------|---------|------------|
//! | first response time | first public desk reply − creation | A requester's reply before any desk reply changes nothing (Zendesk and Jira agree). A ticket an agent opened is measured the same way: the opening is not a reply (Jira's rule; Zendesk leaves agent-created tickets out, which hides slow first answers to phoned-in tickets). Counted in the period of the reply. |
//! | next response time | each desk public reply − the oldest requester public reply not yet answered, after the first response | Zendesk's "next reply time". Several requester replies in a row start one wait, at the first. A resolution ends the wait unanswered. Counted in the period of the answer. |
//! | full resolution time | last resolution − creation, while resolved or closed | Zendesk's "full resolution time". Reopened twice and resolved three times: the third resolution counts, once. Reopened and not resolved again: not counted (not resolved). Cancelled or merged: never counted. Counted in the period of the last resolution. Also in business time on the SLA calendar. |
//! | first resolution time | first resolution − creation | Counted even if reopened since, in the period of the first resolution. |
//! | replies before resolution | desk public replies up to the last resolution | Internal notes are not replies. |
//! | agent touches | distinct (desk actor, instant) pairs among the ticket's events | One command by one agent is one touch, whatever events it caused (Freshdesk's "agent interactions"; Jira has no such figure). |
//! | first contact resolution | resolved or closed now, exactly one desk public reply before the resolution, never reopened | Zendesk's "one-touch tickets" with Jira's "not reopened". Zero replies (resolved silently) is not first contact. Cohort: tickets first resolved in the period. |
//! | reopen count, reopen rate | `Reopened` events; rate = reopened at least once / first resolved in the period | A merge or cancellation is not a reopening. |
//! | reassignments | assignee changes from one agent to another | Assigning an unassigned ticket or unassigning one is not a reassignment (Zendesk's "assignee stations" − 1). |
//! | escalations, escalation rate | escalation rules fired; rate = escalated / created in the period | Tier changes by routing are not escalations. |
//! | SLA compliance | per metric, cycles met / (met + breached), in the period the result was settled | Each cycle counts (every next response, every reopened resolution). A cycle still running past its deadline counts as breached at the deadline (Zendesk's "achieved/breached", Jira's "breached" on an open cycle); cancelled cycles (merged, cancelled tickets) count for neither. |
//! | created, resolved, closed, cancelled, merged | tickets with that event in the period | A ticket resolved twice in a period counts once in it (and once in each bucket it was resolved in). |
//! | backlog at `t` | tickets unresolved just before `t`: created before it, not resolved, closed, cancelled or merged since, or reopened since | So backlog at the end = backlog at the start + created + reopened − ended in the period. Age = `t` − creation. |
//! | agent load | tickets in the backlog at the period's end assigned to the agent now | |
//! | agent throughput | resolutions in the period credited to the agent: the assignee when resolved, else who resolved | A ticket resolved twice is two resolutions. |
//!
//! Grouping dimensions (group, tier, assignee, priority, channel, type,
//! tags, assets, organization) are taken as they stand after the ticket's
//! last event, as Zendesk and Jira group by a ticket's current fields; a
//! ticket with several tags counts in the group of each.
//!
//! # Feeding
//!
//! [`Metrics`] takes the log's events one at a time in commit order (the
//! engine's `Store::feed` reads them with their positions) and answers
//! reports without reading history again. As it folds each event into the
//! ticket's facts, it adds what the event changes of the ticket's figures
//! to per-group sums of the local day each figure falls on (times kept
//! sorted, so medians and 90th percentiles stay exact); a report over whole
//! local days in the projection's zone, ungrouped or grouped by group,
//! adds up the days of its period instead of visiting every ticket.

mod facts;
mod projection;
mod ranked;
mod report;
mod rollup;
mod stats;
mod trend;

pub use facts::{
    CycleFact, CycleResult, DeskReply, Dimensions, FactsError, Resolution, TicketFacts, Unresolved,
};
pub use projection::Metrics;
pub use report::{
    AgentLoad, Compliance, Dimension, Figures, GroupReport, Interval, Point, Report, ReportError,
    ReportSpec, report,
};
pub use stats::{Bin, Ratio, Times, percentile};
pub use trend::{
    Cluster, Rising, TrendDimension, TrendError, TrendSpec, Trends, keywords, poisson_at_least,
    trends,
};
