//! The SLA side of a decision: what a command's events do to the ticket's
//! clocks, which warnings and breaches fall due, and recomputing clocks
//! after the configuration changed.

use chrono::{DateTime, Utc};

use crate::actor::Role;
use crate::apply::apply;
use crate::chunked::Chunked;
use crate::comment::Visibility;
use crate::config::DeskConfig;
use crate::context::Context;
use crate::error::DomainError;
use crate::event::{Change, Event};
use crate::priority::Priority;
use crate::sla::cycle::{apply_sla, next_due};
use crate::sla::timing::{calendar_of, closed_runs_on, elapsed_at, schedule};
use crate::sla::{
    ClockRules, CycleState, Metric, On, Outcome, Retargeted, SlaCycle, SlaPolicy, Started,
};
use crate::stamp::Stamp;
use crate::status::StatusCategory;
use crate::ticket::Ticket;

/// Adds the SLA events a command causes around its `primary` events: first
/// the warnings and breaches due at `now`, then the primary events, then
/// what they do to the clocks. With no policies and no clocks, `primary`
/// is returned as it is.
pub(crate) fn with_sla(
    ticket: &Ticket,
    primary: Vec<Event>,
    recompute: bool,
    ctx: &Context<'_>,
) -> Result<Vec<Event>, DomainError> {
    if ctx.config.sla_policies.is_empty()
        && ticket.state.sla.is_empty()
        && ticket.sla_policy().is_none()
    {
        return Ok(primary);
    }
    if primary.is_empty()
        && !recompute
        && next_due(&ticket.state.sla).is_none_or(|(at, _)| at > ctx.now)
    {
        return Ok(primary);
    }
    let mut work = Work::new(ticket, ctx);
    work.fire_due();
    let due = work.out.len();
    for event in &primary {
        work.react_to(ticket, event)?;
    }
    if recompute {
        work.recompute(ticket)?;
    } else if primary.iter().any(|e| affects_policy(&e.change)) {
        let mut after = ticket.clone();
        for event in &primary {
            apply(&mut after, event);
        }
        work.rematch(&after)?;
    }
    let reactions = work.out.split_off(due);
    let mut all = work.out;
    all.extend(primary);
    all.extend(reactions);
    Ok(all)
}

/// Changes that can make another policy match, or change targets.
fn affects_policy(change: &Change) -> bool {
    matches!(
        change,
        Change::PriorityChanged { .. }
            | Change::GroupChanged { .. }
            | Change::Tagged { .. }
            | Change::Untagged { .. }
            | Change::FieldChanged { .. }
    )
}

/// The first policy of `config` whose conditions `ticket` meets.
pub(crate) fn matching_policy<'a>(
    config: &'a DeskConfig,
    ticket: &Ticket,
) -> Option<&'a SlaPolicy> {
    config
        .sla_policies
        .iter()
        .find(|p| p.when.matches(ticket, config))
}

/// The SLA state as the command's events unfold.
struct Work<'a> {
    ctx: &'a Context<'a>,
    stamp: Stamp<'a>,
    now: DateTime<Utc>,
    cycles: Chunked<SlaCycle>,
    policy: Option<String>,
    status: StatusCategory,
    priority: Priority,
    agent_replied: bool,
    out: Vec<Event>,
}

impl<'a> Work<'a> {
    fn new(ticket: &Ticket, ctx: &'a Context<'a>) -> Self {
        Self {
            ctx,
            stamp: Stamp::new(ctx),
            now: ctx.now,
            cycles: ticket.state.sla.clone(),
            policy: ticket.sla_policy().map(str::to_owned),
            status: ticket.status().category,
            priority: ticket.priority(),
            agent_replied: ticket
                .conversation()
                .any(|c| c.visibility == Visibility::Public && is_agent(c.author.role)),
            out: Vec::new(),
        }
    }

    fn config(&self) -> &'a DeskConfig {
        self.ctx.config
    }

    fn policy(&self) -> Option<&'a SlaPolicy> {
        let key = self.policy.as_deref()?;
        self.config().sla_policies.iter().find(|p| p.key == key)
    }

    fn policy_named(&self, key: &str) -> Option<&'a SlaPolicy> {
        self.config().sla_policies.iter().find(|p| p.key == key)
    }

    fn emit(&mut self, change: Change) {
        let event = self.stamp.event(change);
        apply_sla(&mut self.cycles, &mut self.policy, &event);
        self.out.push(event);
    }

    fn current(&self, metric: Metric) -> Option<&SlaCycle> {
        self.cycles.iter().rev().find(|c| c.metric == metric)
    }

    /// Gives every warning and breach due at `now`, in the order they fell due.
    fn fire_due(&mut self) {
        let mut due: Vec<(DateTime<Utc>, Change)> = Vec::new();
        for cycle in self
            .cycles
            .iter()
            .filter(|c| c.state == CycleState::Running)
        {
            for w in &cycle.warnings {
                if let (Some(at), false) = (w.at, w.fired)
                    && at <= self.now
                {
                    due.push((
                        at,
                        Change::SlaWarned {
                            metric: cycle.metric,
                            cycle: cycle.cycle,
                            warning: w.warning,
                            due: at,
                        },
                    ));
                }
            }
            if let (Some(at), false) = (cycle.due, cycle.breached)
                && at <= self.now
            {
                due.push((
                    at,
                    Change::SlaBreached {
                        metric: cycle.metric,
                        cycle: cycle.cycle,
                        due: at,
                    },
                ));
            }
        }
        due.sort_by_key(|(at, _)| *at);
        for (_, change) in due {
            self.emit(change);
        }
    }

    fn react_to(&mut self, ticket: &Ticket, event: &Event) -> Result<(), DomainError> {
        let triggers = self.triggers(event);
        if let Some(status) = status_after(&event.change) {
            self.status = status;
        }
        if let Change::PriorityChanged { to, .. } = event.change {
            self.priority = to;
        }
        if let Change::Opened(opened) = &event.change {
            self.priority = opened.priority;
            let created = Ticket::replay(ticket.id(), [event]);
            if let Some(policy) = matching_policy(self.config(), &created) {
                self.emit(Change::SlaPolicyChanged {
                    from: None,
                    to: Some(policy.key.clone()),
                });
            }
        }
        let policy = self.policy();
        for metric in Metric::ALL {
            let has_target = policy.is_some_and(|p| p.targets.contains_key(&metric));
            if !has_target && !self.current(metric).is_some_and(SlaCycle::is_active) {
                continue;
            }
            let rules = policy.map_or_else(|| ClockRules::preset(metric), |p| p.rules(metric));
            self.drive(metric, &rules, &triggers, policy)?;
            self.follow_status(metric, &rules)?;
        }
        if triggers.contains(&On::AgentReply) {
            self.agent_replied = true;
        }
        Ok(())
    }

    fn triggers(&self, event: &Event) -> Vec<On> {
        match &event.change {
            Change::Opened(_) => vec![On::Opened],
            Change::Replied { .. } if is_agent(event.by.role) => vec![On::AgentReply],
            Change::Replied { .. } if event.by.role == Role::Requester => {
                if self.agent_replied {
                    vec![On::RequesterReply, On::RequesterFollowUp]
                } else {
                    vec![On::RequesterReply]
                }
            }
            Change::Resolved { .. } => vec![On::Resolved],
            Change::Reopened => vec![On::Reopened],
            Change::Closed => vec![On::Closed],
            Change::Cancelled { .. } => vec![On::Cancelled],
            Change::Merged { .. } => vec![On::Merged],
            _ => vec![],
        }
    }

    /// Applies the start, stop, resume, cancel and reset rules of `metric`.
    fn drive(
        &mut self,
        metric: Metric,
        rules: &ClockRules,
        triggers: &[On],
        policy: Option<&'a SlaPolicy>,
    ) -> Result<(), DomainError> {
        if triggers.is_empty() {
            return Ok(());
        }
        let hit = |list: &[On]| triggers.iter().any(|t| list.contains(t));
        let current = self.current(metric).cloned();
        let active = current.as_ref().is_some_and(SlaCycle::is_active);
        match current {
            Some(cycle) if active && hit(&rules.cancel) => self.cancel(&cycle),
            Some(cycle) if active && hit(&rules.reset) => {
                self.stop(&cycle);
                self.start(metric, policy)?;
            }
            Some(cycle) if active && hit(&rules.stop) => self.stop(&cycle),
            Some(cycle) if cycle.state == CycleState::Stopped && hit(&rules.resume) => {
                self.resume(&cycle)?;
            }
            _ if !active && (hit(&rules.start) || hit(&rules.reset)) => {
                self.start(metric, policy)?
            }
            _ => {}
        }
        Ok(())
    }

    /// Pauses or resumes the active cycle of `metric` after a status move.
    fn follow_status(&mut self, metric: Metric, rules: &ClockRules) -> Result<(), DomainError> {
        let Some(cycle) = self.current(metric).filter(|c| c.is_active()).cloned() else {
            return Ok(());
        };
        let waiting = rules.pause_in.contains(&self.status);
        match cycle.state {
            CycleState::Running if waiting => {
                let calendar = calendar_of(self.config(), self.policy_named(&cycle.policy));
                let elapsed_ms = elapsed_at(calendar, &cycle, self.now);
                self.emit(Change::SlaPaused {
                    metric,
                    cycle: cycle.cycle,
                    elapsed_ms,
                });
            }
            CycleState::Paused if !waiting => self.resume(&cycle)?,
            _ => {}
        }
        Ok(())
    }

    fn start(&mut self, metric: Metric, policy: Option<&'a SlaPolicy>) -> Result<(), DomainError> {
        let Some(policy) = policy else { return Ok(()) };
        let Some(target) = policy.target(metric, self.priority) else {
            return Ok(());
        };
        let target_ms = target.seconds().saturating_mul(1000);
        let calendar = calendar_of(self.config(), Some(policy));
        let schedule = schedule(calendar, self.now, target_ms, 0, &policy.warnings)?;
        let cycle = self.cycles.iter().filter(|c| c.metric == metric).count() as u32 + 1;
        self.emit(Change::SlaStarted(Box::new(Started {
            metric,
            cycle,
            policy: policy.key.clone(),
            target_ms,
            schedule,
        })));
        Ok(())
    }

    fn stop(&mut self, cycle: &SlaCycle) {
        let calendar = calendar_of(self.config(), self.policy_named(&cycle.policy));
        let elapsed_ms = elapsed_at(calendar, cycle, self.now);
        let breached = cycle.breached || elapsed_ms >= cycle.target_ms;
        if breached && !cycle.breached {
            self.emit(Change::SlaBreached {
                metric: cycle.metric,
                cycle: cycle.cycle,
                due: cycle.due.unwrap_or(self.now),
            });
        }
        let outcome = if breached {
            Outcome::Breached
        } else {
            Outcome::Met
        };
        self.emit(Change::SlaStopped {
            metric: cycle.metric,
            cycle: cycle.cycle,
            outcome,
            elapsed_ms,
        });
    }

    fn cancel(&mut self, cycle: &SlaCycle) {
        let calendar = calendar_of(self.config(), self.policy_named(&cycle.policy));
        let elapsed_ms = elapsed_at(calendar, cycle, self.now);
        self.emit(Change::SlaCancelled {
            metric: cycle.metric,
            cycle: cycle.cycle,
            elapsed_ms,
        });
    }

    fn resume(&mut self, cycle: &SlaCycle) -> Result<(), DomainError> {
        let policy = self.policy_named(&cycle.policy);
        let calendar = calendar_of(self.config(), policy);
        let warnings: Vec<_> = cycle.warnings.iter().map(|w| w.warning).collect();
        let schedule = schedule(
            calendar,
            self.now,
            cycle.target_ms,
            cycle.elapsed_ms,
            &warnings,
        )?;
        self.emit(Change::SlaResumed {
            metric: cycle.metric,
            cycle: cycle.cycle,
            schedule,
        });
        Ok(())
    }

    /// Records a policy change when another policy (or none) matches
    /// `ticket` now, and returns the matching policy.
    fn switch_policy(&mut self, ticket: &Ticket) -> Option<&'a SlaPolicy> {
        let matched = matching_policy(self.config(), ticket);
        let key = matched.map(|p| p.key.clone());
        if key != self.policy {
            self.emit(Change::SlaPolicyChanged {
                from: self.policy.clone(),
                to: key,
            });
        }
        matched
    }

    /// After attributes changed: switch policy if another one matches now,
    /// and retarget the active cycles to the new policy or priority.
    fn rematch(&mut self, after: &Ticket) -> Result<(), DomainError> {
        let matched = self.switch_policy(after);
        for cycle in self.cycles.clone().iter().filter(|c| c.is_active()) {
            let old = self.policy_named(&cycle.policy);
            let elapsed_ms = elapsed_at(calendar_of(self.config(), old), cycle, self.now);
            self.retarget(cycle, matched, elapsed_ms, false)?;
        }
        Ok(())
    }

    /// After the calendars or policies changed: match the policy afresh and
    /// recount every active cycle's elapsed time on its (new) calendar.
    fn recompute(&mut self, ticket: &Ticket) -> Result<(), DomainError> {
        let matched = self.switch_policy(ticket);
        for cycle in self.cycles.clone().iter().filter(|c| c.is_active()) {
            let calendar = calendar_of(self.config(), matched);
            let mut recounted = cycle.clone();
            recounted.elapsed_ms = closed_runs_on(calendar, cycle);
            let elapsed_ms = elapsed_at(calendar, &recounted, self.now);
            let unchanged_elapsed = recounted.elapsed_ms == cycle.elapsed_ms;
            self.retarget(&recounted, matched, elapsed_ms, !unchanged_elapsed)?;
        }
        Ok(())
    }

    /// Gives `cycle` the target of `policy` at the current priority, keeping
    /// `elapsed_ms`; cancels it when the policy sets no target for it.
    /// Emits nothing when target, policy and deadline stay the same, unless
    /// `force`.
    fn retarget(
        &mut self,
        cycle: &SlaCycle,
        policy: Option<&'a SlaPolicy>,
        elapsed_ms: i64,
        force: bool,
    ) -> Result<(), DomainError> {
        let Some((policy, target)) =
            policy.and_then(|p| p.target(cycle.metric, self.priority).map(|t| (p, t)))
        else {
            self.emit(Change::SlaCancelled {
                metric: cycle.metric,
                cycle: cycle.cycle,
                elapsed_ms,
            });
            return Ok(());
        };
        let target_ms = target.seconds().saturating_mul(1000);
        let calendar = calendar_of(self.config(), Some(policy));
        let same_terms = policy.key == cycle.policy && target_ms == cycle.target_ms;
        let schedule = match cycle.running_since() {
            Some(since) => {
                let unchanged = schedule(
                    calendar,
                    since,
                    target_ms,
                    cycle.elapsed_ms,
                    &policy.warnings,
                )?;
                if same_terms && !force && Some(unchanged.due) == cycle.due {
                    return Ok(());
                }
                Some(schedule(
                    calendar,
                    self.now,
                    target_ms,
                    elapsed_ms,
                    &policy.warnings,
                )?)
            }
            None => {
                if same_terms && !force {
                    return Ok(());
                }
                None
            }
        };
        self.emit(Change::SlaRetargeted(Box::new(Retargeted {
            metric: cycle.metric,
            cycle: cycle.cycle,
            policy: policy.key.clone(),
            target_ms,
            elapsed_ms,
            schedule,
        })));
        Ok(())
    }
}

fn is_agent(role: Role) -> bool {
    matches!(role, Role::Agent | Role::Supervisor | Role::Admin)
}

/// The status category after `change`, if it moves the status.
fn status_after(change: &Change) -> Option<StatusCategory> {
    Some(match change {
        Change::Opened(_) => StatusCategory::New,
        Change::StatusChanged { to, .. } => to.category,
        Change::Resolved { .. } => StatusCategory::Resolved,
        Change::Reopened => StatusCategory::Open,
        Change::Closed => StatusCategory::Closed,
        Change::Cancelled { .. } => StatusCategory::Cancelled,
        Change::Merged { .. } => StatusCategory::Merged,
        _ => return None,
    })
}
