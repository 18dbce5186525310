//! A report answered from the days of a [`Rollup`]: each figure is the sum
//! of the days of its period, each percentile selected across the days'
//! sorted times.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};

use crate::config::DeskConfig;
use crate::id::ActorId;
use crate::metrics::ranked::{Ranked, times};
use crate::metrics::report::{
    AgentLoad, Buckets, Compliance, Dimension, Figures, GroupReport, Point, Report, ReportSpec,
    agent_label, group_label, local_midnight,
};
use crate::metrics::rollup::day::{Day, KINDS};
use crate::metrics::rollup::{Key, Rollup};
use crate::metrics::stats::{AGES, RESPONSES, Ratio};
use crate::sla::Metric;

type Days = BTreeMap<i32, Day>;

/// What the days of a period add up to.
#[derive(Default)]
struct Sum<'a> {
    created: u64,
    escalated: u64,
    resolved: u64,
    closed: u64,
    cancelled: u64,
    merged: u64,
    times: [Vec<&'a Ranked>; KINDS],
    sla: [(u64, u64); 4],
    first_resolved: u64,
    fcr: u64,
    reopened: u64,
}

impl<'a> Sum<'a> {
    /// The days `[lo, hi)` of every part.
    fn of(parts: &[&'a Days], lo: i32, hi: i32) -> Self {
        let mut sum = Sum::default();
        for part in parts {
            for day in part.range(lo..hi).map(|(_, d)| d) {
                sum.created += day.created;
                sum.escalated += day.escalated;
                // A ticket resolved twice counts once: a later resolution
                // counts only when the one before it was before the period.
                sum.resolved += day.resolved_first
                    + day.resolved_after.iter().filter(|d| **d < lo).count() as u64;
                sum.closed += day.closed;
                sum.cancelled += day.cancelled;
                sum.merged += day.merged;
                for (kind, ranked) in sum.times.iter_mut().zip(&day.times) {
                    if ranked.len() > 0 {
                        kind.push(ranked);
                    }
                }
                for (s, d) in sum.sla.iter_mut().zip(day.sla) {
                    s.0 += d.0;
                    s.1 += d.1;
                }
                sum.first_resolved += day.first_resolved;
                sum.fcr += day.fcr;
                sum.reopened += day.reopened;
            }
        }
        sum
    }

    fn figures(self, backlog_start: u64, backlog_end: u64) -> Figures {
        let [fr, frb, nr, full, fullb, first] = &self.times;
        Figures {
            created: self.created,
            resolved: self.resolved,
            closed: self.closed,
            cancelled: self.cancelled,
            merged: self.merged,
            backlog_start,
            backlog_end,
            first_response: times(fr),
            first_response_business: times(frb),
            next_response: times(nr),
            full_resolution: times(full),
            full_resolution_business: times(fullb),
            first_resolution: times(first),
            sla: Metric::ALL
                .into_iter()
                .zip(self.sla)
                .filter(|(_, (met, breached))| met + breached > 0)
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

/// The backlog at the start of each day of `bounds` (in order): spans
/// begun before it and not ended before it.
fn backlogs(parts: &[&Days], bounds: &[i32]) -> Vec<u64> {
    let mut sums = vec![0i64; bounds.len()];
    let Some(last) = bounds.last() else {
        return Vec::new();
    };
    for part in parts {
        let mut sum = 0i64;
        let mut at = 0;
        for (day, d) in part.range(..last) {
            while bounds.get(at).is_some_and(|b| b <= day) {
                sums[at] += sum;
                at += 1;
            }
            sum += d.starts as i64 - d.ends as i64;
        }
        for total in sums.iter_mut().skip(at) {
            *total += sum;
        }
    }
    sums.into_iter().map(|s| s.max(0) as u64).collect()
}

impl Rollup {
    /// Whether the days answer `spec` exactly: counted in its zone, its
    /// period from local midnight to local midnight, ungrouped or grouped
    /// by group.
    pub(crate) fn answers(&self, spec: &ReportSpec) -> bool {
        let midnight = |at: DateTime<Utc>| {
            local_midnight(self.zone, at.with_timezone(&self.zone).date_naive()) == at
        };
        spec.tz == self.zone
            && matches!(spec.by, None | Some(Dimension::Group))
            && midnight(spec.from)
            && midnight(spec.to)
    }

    /// The report of `spec` (which the days answer, see
    /// [`answers`](Self::answers)) over the bucket bounds `buckets`.
    pub(crate) fn answer(
        &self,
        spec: &ReportSpec,
        buckets: &Buckets,
        config: &DeskConfig,
    ) -> Report {
        let bounds: Vec<i32> = buckets.bounds.iter().map(|b| self.day(*b)).collect();
        let (lo, hi) = (
            bounds.first().copied().unwrap_or_default(),
            bounds.last().copied().unwrap_or_default(),
        );
        let parts: Vec<(&Key, &Days)> = self
            .days
            .iter()
            .filter(|(k, _)| spec.tenant.is_none_or(|t| t == k.0))
            .collect();
        let group = |key: String, parts: &[&Days]| {
            let backlogs = backlogs(parts, &bounds);
            let last = backlogs.len() - 1;
            let series = if spec.every.is_some() {
                bounds
                    .windows(2)
                    .enumerate()
                    .map(|(i, w)| Point {
                        from: buckets.bounds[i],
                        to: buckets.bounds[i + 1],
                        figures: Sum::of(parts, w[0], w[1]).figures(backlogs[i], backlogs[i + 1]),
                    })
                    .collect()
            } else {
                Vec::new()
            };
            GroupReport {
                key,
                figures: Sum::of(parts, lo, hi).figures(backlogs[0], backlogs[last]),
                series,
            }
        };
        let all: Vec<&Days> = parts.iter().map(|(_, d)| *d).collect();
        let total = group("all".to_owned(), &all);
        let mut groups = Vec::new();
        if spec.by == Some(Dimension::Group) {
            let mut labelled: BTreeMap<String, Vec<&Days>> = BTreeMap::new();
            for (key, days) in &parts {
                // A group is in the report once one of its tickets was
                // created before the period's end.
                if days.range(..hi).any(|(_, d)| d.created > 0) {
                    labelled
                        .entry(group_label(key.1, config))
                        .or_default()
                        .push(days);
                }
            }
            groups = labelled
                .into_iter()
                .map(|(label, parts)| group(label, &parts))
                .collect();
        }

        let mut responses = RESPONSES.empty();
        let mut loads: BTreeMap<String, (u64, u64, u64)> = BTreeMap::new();
        for day in all.iter().flat_map(|p| p.range(lo..hi)).map(|(_, d)| d) {
            for (bin, count) in responses.iter_mut().zip(day.responses) {
                bin.count += count;
            }
            for (id, resolved, replies) in &day.agents {
                if resolved + replies > 0 {
                    let load = loads.entry(agent_label(*id, config)).or_default();
                    load.1 += resolved;
                    load.2 += replies;
                }
            }
        }
        let mut ages = AGES.empty();
        let mut open: HashMap<ActorId, u64> = HashMap::new();
        for span in self.backlog.open_at(spec.to) {
            if spec.tenant.is_some_and(|t| t != span.tenant) {
                continue;
            }
            let age = (spec.to - span.created).num_milliseconds();
            ages[AGES.index(age)].count += 1;
            if let Some(assignee) = span.assignee {
                *open.entry(assignee).or_default() += 1;
            }
        }
        for (assignee, count) in open {
            loads.entry(agent_label(assignee, config)).or_default().0 += count;
        }
        Report {
            from: spec.from,
            to: spec.to,
            tz: spec.tz.name().to_owned(),
            by: spec.by,
            every: spec.every,
            total,
            groups,
            backlog_ages: ages,
            first_response_bins: responses,
            agents: loads
                .into_iter()
                .map(|(agent, (open, resolved, replies))| AgentLoad {
                    agent,
                    open,
                    resolved,
                    replies,
                })
                .collect(),
        }
    }
}
