//! [`report`]: the figures of a period, per group and per day or week.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, Days, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::config::DeskConfig;
use crate::id::{ActorId, GroupId, TenantId};
use crate::metrics::facts::{CycleResult, TicketFacts};
use crate::metrics::stats::{AGES, Bin, RESPONSES, Ratio, Times};
use crate::sla::Metric;

/// What tickets are grouped by. Every dimension is taken as it stands after
/// the ticket's last event; a ticket with several tags (or assets) counts
/// once in the group of each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    /// The group, by its key in the configuration.
    Group,
    /// The escalation tier.
    Tier,
    /// The assignee, by their key in the configuration.
    Assignee,
    /// The priority.
    Priority,
    /// The channel it came in through.
    Channel,
    /// The ticket type.
    Type,
    /// Each tag.
    Tag,
    /// Each asset.
    Asset,
    /// The requester's organization.
    Organization,
}

impl Dimension {
    /// Every dimension.
    pub const ALL: [Dimension; 9] = [
        Dimension::Group,
        Dimension::Tier,
        Dimension::Assignee,
        Dimension::Priority,
        Dimension::Channel,
        Dimension::Type,
        Dimension::Tag,
        Dimension::Asset,
        Dimension::Organization,
    ];

    /// The name, such as `"group"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Dimension::Group => "group",
            Dimension::Tier => "tier",
            Dimension::Assignee => "assignee",
            Dimension::Priority => "priority",
            Dimension::Channel => "channel",
            Dimension::Type => "type",
            Dimension::Tag => "tag",
            Dimension::Asset => "asset",
            Dimension::Organization => "organization",
        }
    }

    /// The groups `facts` falls in: one label, or one per tag or asset.
    /// Groups and agents are named by their configuration key (their id
    /// when the configuration does not know them); an absent value is
    /// `"(none)"`.
    ///
    /// ```
    /// # use helpdesk_core::metrics::Dimension;
    /// assert_eq!("group".parse::<Dimension>(), Ok(Dimension::Group));
    /// assert!("grup".parse::<Dimension>().unwrap_err().contains("did you mean \"group\""));
    /// ```
    pub fn labels(self, facts: &TicketFacts, config: &DeskConfig) -> Vec<String> {
        const NONE: &str = "(none)";
        let d = &facts.dimensions;
        let one = |label: Option<String>| vec![label.unwrap_or_else(|| NONE.to_owned())];
        match self {
            Dimension::Group => vec![group_label(d.group, config)],
            Dimension::Tier => one(d.tier.clone()),
            Dimension::Assignee => one(d.assignee.map(|a| agent_label(a, config))),
            Dimension::Priority => one(Some(d.priority.to_string())),
            Dimension::Channel => one(Some(d.channel.to_string())),
            Dimension::Type => one(Some(d.ticket_type.to_string())),
            Dimension::Tag if d.tags.is_empty() => one(None),
            Dimension::Tag => d.tags.iter().map(|t| t.as_str().to_owned()).collect(),
            Dimension::Asset if d.assets.is_empty() => one(None),
            Dimension::Asset => d.assets.iter().map(|a| a.as_str().to_owned()).collect(),
            Dimension::Organization => one(d.organization.clone()),
        }
    }
}

/// A group's key in the configuration, or its id; `"(none)"` without one.
pub(crate) fn group_label(group: Option<GroupId>, config: &DeskConfig) -> String {
    group.map_or_else(
        || "(none)".to_owned(),
        |g| {
            config
                .group_key(g)
                .map_or_else(|| g.to_string(), str::to_owned)
        },
    )
}

/// An agent's key in the configuration, or their id.
pub(crate) fn agent_label(agent: ActorId, config: &DeskConfig) -> String {
    config
        .agent_by_id(agent)
        .map_or_else(|| agent.to_string(), |(key, _)| key.to_owned())
}

impl fmt::Display for Dimension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Dimension {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Dimension::ALL
            .into_iter()
            .find(|d| d.as_str() == s)
            .ok_or_else(|| {
                format!(
                    "unknown grouping {s:?}{}",
                    crate::suggest::did_you_mean(s, Dimension::ALL.iter().map(|d| d.as_str()))
                )
            })
    }
}

/// The length of a time series' buckets, in the desk's time zone: a day
/// runs from local midnight to local midnight, a week from Monday's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Interval {
    /// Local days.
    Day,
    /// Local weeks, Monday to Monday (ISO 8601).
    Week,
}

impl FromStr for Interval {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "day" => Ok(Interval::Day),
            "week" => Ok(Interval::Week),
            other => Err(format!("unknown interval {other:?}: use day or week")),
        }
    }
}

/// What a [`report`] covers: a half-open period `[from, to)`, the time
/// zone its days and weeks are counted in, an optional grouping and
/// series interval, and optionally one tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportSpec {
    /// The period's first instant.
    pub from: DateTime<Utc>,
    /// The instant after the period.
    pub to: DateTime<Utc>,
    /// The desk's time zone, for days and weeks.
    pub tz: Tz,
    /// Group by this dimension.
    pub by: Option<Dimension>,
    /// A time series with buckets of this length.
    pub every: Option<Interval>,
    /// Only this tenant's tickets.
    pub tenant: Option<TenantId>,
}

impl ReportSpec {
    /// The most buckets a series may have.
    pub const MAX_BUCKETS: usize = 1_000;

    /// A report of `[from, to)` in UTC, ungrouped, without series.
    pub fn new(from: DateTime<Utc>, to: DateTime<Utc>) -> Self {
        Self {
            from,
            to,
            tz: Tz::UTC,
            by: None,
            every: None,
            tenant: None,
        }
    }
}

/// A period a [`report`] cannot cover.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    /// The period ends before it starts, or is empty.
    #[error("the period {from} .. {to} is empty: its end must come after its start")]
    EmptyPeriod {
        /// The start given.
        from: DateTime<Utc>,
        /// The end given.
        to: DateTime<Utc>,
    },
    /// The series would have too many buckets.
    #[error(
        "a series of {interval:?} buckets over this period has {buckets} of them, more than {max}: use a longer interval or a shorter period"
    )]
    TooManyBuckets {
        /// The interval asked for.
        interval: Interval,
        /// How many buckets it would take.
        buckets: usize,
        /// The most allowed.
        max: usize,
    },
}

/// SLA compliance of one metric: cycles met and breached.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Compliance {
    /// The metric.
    pub metric: Metric,
    /// Met of met and breached.
    pub met: Ratio,
}

/// The figures of a period (or one bucket of it) for a set of tickets. See
/// the [module documentation](crate::metrics) for each definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    /// Tickets created.
    pub created: u64,
    /// Tickets with at least one resolution.
    pub resolved: u64,
    /// Tickets closed.
    pub closed: u64,
    /// Tickets cancelled.
    pub cancelled: u64,
    /// Tickets merged into another.
    pub merged: u64,
    /// The backlog at the start.
    pub backlog_start: u64,
    /// The backlog at the end.
    pub backlog_end: u64,
    /// First response times, given in the period.
    pub first_response: Times,
    /// First response times in business time.
    pub first_response_business: Times,
    /// Next response times, given in the period.
    pub next_response: Times,
    /// Full resolution times of tickets whose final resolution fell in the
    /// period.
    pub full_resolution: Times,
    /// The same in business time.
    pub full_resolution_business: Times,
    /// First resolution times, of tickets first resolved in the period.
    pub first_resolution: Times,
    /// SLA cycles met of those settled in the period, per metric.
    pub sla: Vec<Compliance>,
    /// Of tickets first resolved in the period, those resolved at first
    /// contact.
    pub first_contact_resolution: Ratio,
    /// Of tickets first resolved in the period, those reopened since.
    pub reopened: Ratio,
    /// Of tickets created in the period, those escalated.
    pub escalated: Ratio,
}

/// One bucket of a time series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Point {
    /// Its first instant (the local midnight, or the period's start).
    pub from: DateTime<Utc>,
    /// The instant after it.
    pub to: DateTime<Utc>,
    /// Its figures.
    pub figures: Figures,
}

/// The figures of one group (or of every ticket, when ungrouped).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupReport {
    /// The group's label; `"all"` for every ticket.
    pub key: String,
    /// The figures of the whole period.
    pub figures: Figures,
    /// Per bucket, when a series was asked for.
    pub series: Vec<Point>,
}

/// One agent's load and throughput.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentLoad {
    /// The agent's key in the configuration, or their id.
    pub agent: String,
    /// Tickets in the backlog at the period's end assigned to them now.
    pub open: u64,
    /// Resolutions in the period credited to them (see
    /// [`Resolution::credited`](crate::metrics::Resolution::credited)).
    pub resolved: u64,
    /// Their public replies in the period.
    pub replies: u64,
}

/// What [`report`] answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The period's first instant.
    pub from: DateTime<Utc>,
    /// The instant after it.
    pub to: DateTime<Utc>,
    /// The time zone of days and weeks.
    pub tz: String,
    /// The grouping.
    pub by: Option<Dimension>,
    /// The series interval.
    pub every: Option<Interval>,
    /// Every ticket.
    pub total: GroupReport,
    /// Per group, by label.
    pub groups: Vec<GroupReport>,
    /// The backlog at the period's end by age.
    pub backlog_ages: Vec<Bin>,
    /// First response times given in the period, binned.
    pub first_response_bins: Vec<Bin>,
    /// Per agent, by label.
    pub agents: Vec<AgentLoad>,
}

/// What the tickets of a group (or bucket) add up to.
#[derive(Debug, Default)]
struct Acc {
    created: u64,
    resolved: u64,
    closed: u64,
    cancelled: u64,
    merged: u64,
    backlog_start: u64,
    backlog_end: u64,
    first_response: Vec<i64>,
    first_response_business: Vec<i64>,
    next_response: Vec<i64>,
    full_resolution: Vec<i64>,
    full_resolution_business: Vec<i64>,
    first_resolution: Vec<i64>,
    sla: BTreeMap<Metric, (u64, u64)>,
    first_resolved: u64,
    fcr: u64,
    reopened: u64,
    escalated: u64,
}

impl Acc {
    fn figures(self) -> Figures {
        Figures {
            created: self.created,
            resolved: self.resolved,
            closed: self.closed,
            cancelled: self.cancelled,
            merged: self.merged,
            backlog_start: self.backlog_start,
            backlog_end: self.backlog_end,
            first_response: Times::of(self.first_response),
            first_response_business: Times::of(self.first_response_business),
            next_response: Times::of(self.next_response),
            full_resolution: Times::of(self.full_resolution),
            full_resolution_business: Times::of(self.full_resolution_business),
            first_resolution: Times::of(self.first_resolution),
            sla: self
                .sla
                .into_iter()
                .map(|(metric, (met, breached))| Compliance {
                    metric,
                    met: Ratio::new(met, met + breached),
                })
                .collect(),
            first_contact_resolution: Ratio::new(self.fcr, self.first_resolved),
            reopened: Ratio::new(self.reopened, self.first_resolved),
            escalated: Ratio::new(self.escalated, self.created),
        }
    }
}

/// The buckets of a period: their bounds, clipped to it.
#[derive(Debug)]
pub(crate) struct Buckets {
    /// `bounds[i]..bounds[i + 1]` is bucket `i`.
    pub(crate) bounds: Vec<DateTime<Utc>>,
}

impl Buckets {
    pub(crate) fn new(spec: &ReportSpec) -> Result<Self, ReportError> {
        let Some(interval) = spec.every else {
            return Ok(Self {
                bounds: vec![spec.from, spec.to],
            });
        };
        let step = match interval {
            Interval::Day => 1,
            Interval::Week => 7,
        };
        let local = spec.from.with_timezone(&spec.tz).date_naive();
        let mut date = match interval {
            Interval::Day => local,
            Interval::Week => local - Days::new(u64::from(local.weekday().num_days_from_monday())),
        };
        let mut bounds = vec![spec.from];
        loop {
            date = date + Days::new(step);
            let start = local_midnight(spec.tz, date);
            if start >= spec.to {
                break;
            }
            if start > spec.from {
                bounds.push(start);
            }
            if bounds.len() > ReportSpec::MAX_BUCKETS {
                let days = (spec.to - spec.from).num_days().max(0) as usize;
                return Err(ReportError::TooManyBuckets {
                    interval,
                    buckets: days / step as usize + 1,
                    max: ReportSpec::MAX_BUCKETS,
                });
            }
        }
        bounds.push(spec.to);
        Ok(Self { bounds })
    }

    fn len(&self) -> usize {
        self.bounds.len() - 1
    }

    /// The bucket holding `at`, if inside the period.
    fn of(&self, at: DateTime<Utc>) -> Option<usize> {
        let (first, last) = (self.bounds[0], self.bounds[self.bounds.len() - 1]);
        if at < first || at >= last {
            return None;
        }
        Some(self.bounds.partition_point(|b| *b <= at) - 1)
    }
}

/// The first instant of `date` in `tz`: its local midnight, or the first
/// instant after a gap that swallows it.
pub(crate) fn local_midnight(tz: Tz, date: NaiveDate) -> DateTime<Utc> {
    let midnight = date.and_time(chrono::NaiveTime::MIN);
    (0..=3)
        .find_map(|hours| {
            tz.from_local_datetime(&(midnight + chrono::TimeDelta::hours(hours)))
                .earliest()
        })
        .map_or_else(|| midnight.and_utc(), |at| at.with_timezone(&Utc))
}

/// Where one ticket's contributions go: the whole period and its bucket.
struct Sink<'a> {
    total: &'a mut Acc,
    series: &'a mut [Acc],
    buckets: &'a Buckets,
}

impl Sink<'_> {
    /// Adds `f` to the period and to the bucket of `at`, if `at` is inside.
    fn at(&mut self, at: DateTime<Utc>, f: impl Fn(&mut Acc)) -> bool {
        let Some(i) = self.buckets.of(at) else {
            return false;
        };
        f(self.total);
        if let Some(bucket) = self.series.get_mut(i) {
            f(bucket);
        }
        true
    }
}

/// The load of agent `id`, added to `agents` when new.
fn agent<'a>(
    agents: &'a mut BTreeMap<String, AgentLoad>,
    id: ActorId,
    config: &DeskConfig,
) -> &'a mut AgentLoad {
    let label = agent_label(id, config);
    agents.entry(label.clone()).or_insert_with(|| AgentLoad {
        agent: label,
        open: 0,
        resolved: 0,
        replies: 0,
    })
}

/// Adds `facts` to the period's and the buckets' accumulators.
fn add(facts: &TicketFacts, sink: &mut Sink<'_>) {
    let created = facts.created_at;
    let escalated = facts.escalations > 0;
    sink.at(created, |a| {
        a.created += 1;
        a.escalated += u64::from(escalated);
    });
    // A ticket resolved twice counts once in the period, and once in each
    // bucket it was resolved in.
    let mut last_bucket = None;
    for r in &facts.resolutions {
        let Some(bucket) = sink.buckets.of(r.at) else {
            continue;
        };
        if last_bucket.is_none() {
            sink.total.resolved += 1;
        }
        if last_bucket != Some(bucket)
            && let Some(acc) = sink.series.get_mut(bucket)
        {
            acc.resolved += 1;
        }
        last_bucket = Some(bucket);
    }
    for (at, acc) in [
        (
            facts.closed_at,
            (|a: &mut Acc| a.closed += 1) as fn(&mut Acc),
        ),
        (facts.cancelled_at, |a: &mut Acc| a.cancelled += 1),
        (facts.merged_at, |a: &mut Acc| a.merged += 1),
    ] {
        if let Some(at) = at {
            sink.at(at, acc);
        }
    }
    if let Some(at) = facts.first_response_at {
        let ms = (at - created).num_milliseconds();
        let business = facts.first_response_business_ms.unwrap_or(ms);
        sink.at(at, |a| {
            a.first_response.push(ms);
            a.first_response_business.push(business);
        });
    }
    for &(at, ms) in &facts.next_responses {
        sink.at(at, |a| a.next_response.push(ms));
    }
    if let Some(last) = facts.final_resolution() {
        let ms = (last.at - created).num_milliseconds();
        let business = facts.resolution_business_ms.unwrap_or(ms);
        sink.at(last.at, |a| {
            a.full_resolution.push(ms);
            a.full_resolution_business.push(business);
        });
    }
    if let Some(first) = facts.resolutions.first() {
        let ms = (first.at - created).num_milliseconds();
        let fcr = facts.first_contact_resolution();
        let reopened = facts.reopens > 0;
        sink.at(first.at, |a| {
            a.first_resolution.push(ms);
            a.first_resolved += 1;
            a.fcr += u64::from(fcr);
            a.reopened += u64::from(reopened);
        });
    }
    for cycle in &facts.sla {
        let (Some(at), met) = (cycle.settled_at, cycle.result == CycleResult::Met) else {
            continue;
        };
        if !matches!(cycle.result, CycleResult::Met | CycleResult::Breached) {
            continue;
        }
        let metric = cycle.metric;
        sink.at(at, |a| {
            let entry = a.sla.entry(metric).or_default();
            if met {
                entry.0 += 1;
            } else {
                entry.1 += 1;
            }
        });
    }
    // The backlog at each bucket's start and end.
    for span in &facts.unresolved {
        let bounds = &sink.buckets.bounds;
        // Bounds b with from < b <= to are in the backlog at b.
        let first = bounds.partition_point(|b| *b <= span.from);
        let last = span
            .to
            .map_or(bounds.len(), |to| bounds.partition_point(|b| *b <= to));
        for i in first..last {
            if i + 1 < bounds.len() {
                if let Some(bucket) = sink.series.get_mut(i) {
                    bucket.backlog_start += 1;
                }
                if i == 0 {
                    sink.total.backlog_start += 1;
                }
            }
            if i > 0 {
                if let Some(bucket) = sink.series.get_mut(i - 1) {
                    bucket.backlog_end += 1;
                }
                if i == bounds.len() - 1 {
                    sink.total.backlog_end += 1;
                }
            }
        }
    }
}

/// The figures of `spec`'s period over `tickets`: in total, per group of
/// `spec.by`, per bucket of `spec.every`, with the backlog's ages, first
/// response times binned, and each agent's load. Pure: the report is as of
/// the facts given, and "now" is the period's end.
///
/// ```
/// use chrono::{Duration, TimeZone, Utc};
/// use helpdesk_core::metrics::{Dimension, Interval, ReportSpec, TicketFacts, report};
/// use helpdesk_core::*;
///
/// let config = DeskConfig::default();
/// let tenant = TenantId::from_u128(1);
/// let alice = Actor::requester(ActorId::from_u128(10), tenant);
/// let bob = Actor::agent(ActorId::from_u128(20), tenant, []);
/// let monday = Utc.with_ymd_and_hms(2026, 3, 2, 8, 0, 0).unwrap();
/// let mut facts = Vec::new();
/// for (n, minutes) in [(1, 10), (2, 50), (3, 120)] {
///     let mut ticket = Ticket::new(TicketId::from_u128(n));
///     let mut history = Vec::new();
///     let mut run = |actor: &Actor, at: i64, command: Command| {
///         let ctx = Context::new(actor, monday + Duration::minutes(at), &config);
///         for event in decide(&ticket, command, &ctx).unwrap() {
///             apply(&mut ticket, &event);
///             history.push(event);
///         }
///     };
///     run(&alice, 0, Command::Open(NewTicket::new(alice.id, "VPN drops", "")));
///     run(&bob, minutes, Command::Reply { comment: CommentId::from_u128(n), body: "On it".into(), attachments: Vec::new() });
///     facts.push(TicketFacts::from_events_of(ticket.id(), &history, &config).unwrap());
/// }
///
/// // The week from Monday midnight, day by day.
/// let week = Utc.with_ymd_and_hms(2026, 3, 2, 0, 0, 0).unwrap();
/// let mut spec = ReportSpec::new(week, week + Duration::days(7));
/// spec.every = Some(Interval::Day);
/// spec.by = Some(Dimension::Channel);
/// let report = report(&facts, &spec, &config).unwrap();
/// let figures = &report.total.figures;
/// assert_eq!((figures.created, figures.backlog_end), (3, 3));
/// assert_eq!(figures.first_response.median_ms, Some(50 * 60_000));
/// assert_eq!(report.total.series.len(), 7);
/// assert_eq!(report.groups[0].key, "portal");
/// ```
pub fn report<'a>(
    tickets: impl IntoIterator<Item = &'a TicketFacts>,
    spec: &ReportSpec,
    config: &DeskConfig,
) -> Result<Report, ReportError> {
    if spec.to <= spec.from {
        return Err(ReportError::EmptyPeriod {
            from: spec.from,
            to: spec.to,
        });
    }
    let buckets = Buckets::new(spec)?;
    let series_len = if spec.every.is_some() {
        buckets.len()
    } else {
        0
    };
    let new_series = || -> Vec<Acc> { (0..series_len).map(|_| Acc::default()).collect() };
    let mut total = (Acc::default(), new_series());
    let mut groups: BTreeMap<String, (Acc, Vec<Acc>)> = BTreeMap::new();
    let mut ages = AGES.empty();
    let mut responses = RESPONSES.empty();
    let mut agents: BTreeMap<String, AgentLoad> = BTreeMap::new();
    let whole = Buckets {
        bounds: vec![spec.from, spec.to],
    };

    for facts in tickets {
        if spec.tenant.is_some_and(|t| t != facts.tenant) || facts.created_at >= spec.to {
            continue;
        }
        add(
            facts,
            &mut Sink {
                total: &mut total.0,
                series: &mut total.1,
                buckets: &buckets,
            },
        );
        if let Some(by) = spec.by {
            for label in by.labels(facts, config) {
                let group = groups
                    .entry(label)
                    .or_insert_with(|| (Acc::default(), new_series()));
                add(
                    facts,
                    &mut Sink {
                        total: &mut group.0,
                        series: &mut group.1,
                        buckets: &buckets,
                    },
                );
            }
        }
        let in_backlog = facts.in_backlog_at(spec.to);
        if in_backlog {
            let age = (spec.to - facts.created_at).num_milliseconds();
            ages[AGES.index(age)].count += 1;
        }
        if let Some(at) = facts.first_response_at
            && whole.of(at).is_some()
        {
            let ms = (at - facts.created_at).num_milliseconds();
            responses[RESPONSES.index(ms)].count += 1;
        }
        if in_backlog && let Some(assignee) = facts.dimensions.assignee {
            agent(&mut agents, assignee, config).open += 1;
        }
        for r in facts
            .resolutions
            .iter()
            .filter(|r| whole.of(r.at).is_some())
        {
            agent(&mut agents, r.credited, config).resolved += 1;
        }
        for reply in facts
            .desk_replies
            .iter()
            .filter(|r| whole.of(r.at).is_some())
        {
            agent(&mut agents, reply.by, config).replies += 1;
        }
    }

    let finish = |key: String, (acc, series): (Acc, Vec<Acc>)| GroupReport {
        key,
        figures: acc.figures(),
        series: series
            .into_iter()
            .enumerate()
            .map(|(i, acc)| Point {
                from: buckets.bounds[i],
                to: buckets.bounds[i + 1],
                figures: acc.figures(),
            })
            .collect(),
    };
    Ok(Report {
        from: spec.from,
        to: spec.to,
        tz: spec.tz.name().to_owned(),
        by: spec.by,
        every: spec.every,
        total: finish("all".to_owned(), total),
        groups: groups
            .into_iter()
            .map(|(key, acc)| finish(key, acc))
            .collect(),
        backlog_ages: ages,
        first_response_bins: responses,
        agents: agents.into_values().collect(),
    })
}
