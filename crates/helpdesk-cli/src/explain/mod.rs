//! `helpdesk explain`: what the desk would do with a new ticket, and why.
//!
//! The ticket is opened and routed through the domain exactly as a host
//! would (`Command::Open`, then `Command::Route` with every configured
//! agent at zero load, on shift by their calendars), so what is shown is
//! what would happen.

use std::path::Path;

use crate::render::{self, Format};
use crate::{Outcome, check, load};
use chrono::{DateTime, Utc};
use helpdesk_core::assignment::{
    self, AgentSnapshot, AssignmentPolicy, AssignmentRequest, SkipReason, Verdict,
};
use helpdesk_core::config::Severity;
use helpdesk_core::escalation::Trigger;
use helpdesk_core::routing::{self, RouteInput, Routing};
use helpdesk_core::sla::{CycleState, Metric, SlaCycle, Span};
use helpdesk_core::{
    Actor, ActorId, Command, Context, DeskConfig, Event, GroupId, NewTicket, TenantId, Ticket,
    TicketId, apply, decide,
};

mod text;
mod view;

use text::text;
use view::*;

/// Explains the ticket at `ticket_path` under the configuration at
/// `config_path`, at instant `at`.
pub fn run(config_path: &Path, ticket_path: &Path, at: DateTime<Utc>, format: Format) -> Outcome {
    let config = match load::config(config_path) {
        Ok(config) => config,
        Err(e) => return Outcome::unusable(e),
    };
    let file = config_path.display().to_string();
    let errors: Vec<_> = config
        .diagnose()
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    if !errors.is_empty() {
        let mut out = check::text(&file, &errors);
        out.push_str("the configuration has errors: fix them first (see `helpdesk check`)\n");
        return Outcome::failed(out);
    }
    let new = match load::ticket(ticket_path) {
        Ok(new) => new,
        Err(e) => return Outcome::unusable(e),
    };
    match Explained::new(&config, new, at) {
        Ok(explained) => {
            let report = explained.report();
            let output = match format {
                Format::Text => text(&report),
                Format::Json => render::json(&report),
            };
            Outcome::done(output, false)
        }
        Err(e) => Outcome::unusable(format!("{}: {e}", ticket_path.display())),
    }
}

/// The ticket opened, then routed, and what routing made of it.
struct Explained<'a> {
    config: &'a DeskConfig,
    at: DateTime<Utc>,
    opened: Ticket,
    routed: Ticket,
    routing: Routing,
    traces: Vec<routing::RuleTrace>,
    agents: Vec<AgentSnapshot>,
}

impl<'a> Explained<'a> {
    fn new(
        config: &'a DeskConfig,
        new: NewTicket,
        at: DateTime<Utc>,
    ) -> Result<Self, helpdesk_core::DomainError> {
        let system = Actor::system(ActorId::from_u128(1), TenantId::from_u128(1));
        let ctx = Context::new(&system, at, config);
        let mut ticket = Ticket::new(TicketId::from_u128(1));
        let events = decide(&ticket, Command::Open(new), &ctx)?;
        fold(&mut ticket, &events);
        let opened = ticket.clone();
        let agents = snapshots(config, at);
        let input = RouteInput {
            agents: agents.clone(),
            ..RouteInput::default()
        };
        let events = decide(&ticket, Command::Route(input), &ctx)?;
        fold(&mut ticket, &events);
        Ok(Self {
            config,
            at,
            routing: routing::route(&opened, config),
            traces: routing::explain(&opened, config),
            opened,
            routed: ticket,
            agents,
        })
    }

    fn report(&self) -> Report {
        Report {
            at: self.at,
            ticket: self.ticket(),
            rules: self
                .traces
                .iter()
                .map(|t| RuleView {
                    index: t.index,
                    name: t.name.clone(),
                    matched: t.matched,
                    why: t.why.clone(),
                })
                .collect(),
            result: self.result(),
            assignment: self.assignment(),
            sla: self.sla(),
            escalation: self.escalation(),
        }
    }

    fn ticket(&self) -> TicketView {
        let t = &self.opened;
        TicketView {
            subject: t.subject().to_owned(),
            ticket_type: t.ticket_type().to_string(),
            channel: t.channel().to_string(),
            impact: t.impact().to_string(),
            urgency: t.urgency().to_string(),
            opened_at: t.created_at(),
        }
    }

    fn rule_name(&self, index: usize) -> String {
        self.config
            .routing_rules
            .get(index)
            .map(|r| r.name.clone())
            .unwrap_or_default()
    }

    fn by_rule(&self, index: usize) -> By {
        By::Rule {
            index,
            name: self.rule_name(index),
        }
    }

    fn result(&self) -> ResultView {
        let t = &self.routed;
        let group = t.group().map(|id| Decided {
            value: group_named(self.config, id),
            by: match &self.routing.group {
                Some(by) => self.by_rule(by.rule),
                None => By::Ticket,
            },
        });
        let tier = t.tier().map(|key| Decided {
            value: tier_named(self.config, key),
            by: match &self.routing.tier {
                Some(by) => self.by_rule(by.rule),
                None => By::Ticket,
            },
        });
        let priority = Decided {
            value: t.priority().to_string(),
            by: match &self.routing.priority {
                Some(by) => self.by_rule(by.rule),
                None => By::Matrix {
                    impact: t.impact().to_string(),
                    urgency: t.urgency().to_string(),
                },
            },
        };
        let assignee = t.assignee().map(|id| Decided {
            value: agent_named(self.config, id),
            by: match &self.routing.assign {
                Some(by) => self.by_rule(by.rule),
                None => By::Ticket,
            },
        });
        ResultView {
            group,
            tier,
            priority,
            tags: t.tags().iter().map(|t| t.as_str().to_owned()).collect(),
            fields: t
                .fields()
                .iter()
                .map(|(k, v)| (k.clone(), v.to_string()))
                .collect(),
            assignee,
            escalated: t.escalations().iter().cloned().collect(),
        }
    }

    fn assignment(&self) -> Option<AssignmentView> {
        let by = self.routing.assign.as_ref()?;
        let group = self.routed.group()?;
        if self.opened.assignee().is_some() {
            return None;
        }
        let policy = AssignmentPolicy {
            strategy: by.value,
            weights: self.config.load_weights,
        };
        let request = AssignmentRequest {
            group,
            required_skills: self.routing.skills.clone(),
            last_assignee: None,
        };
        let why = assignment::explain(&policy, &request, &self.agents);
        Some(AssignmentView {
            strategy: why.strategy.to_string(),
            group: group_named(self.config, group),
            required_skills: request.required_skills.iter().cloned().collect(),
            rule: self.by_rule(by.rule),
            candidates: why
                .candidates
                .iter()
                .map(|c| {
                    let (eligible, open, load, reason, in_group) = match &c.verdict {
                        Verdict::Eligible { open, load } => {
                            (true, Some(*open), Some(*load), None, true)
                        }
                        Verdict::Skipped { reason } => (
                            false,
                            None,
                            None,
                            Some(reason.to_string()),
                            *reason != SkipReason::NotInGroup,
                        ),
                    };
                    CandidateView {
                        agent: agent_named(self.config, c.agent),
                        chosen: why.assignee == Some(c.agent),
                        eligible,
                        in_group,
                        open,
                        load,
                        reason,
                    }
                })
                .collect(),
        })
    }

    fn sla(&self) -> SlaView {
        let policy = self.routed.sla_policy().map(|key| {
            let def = self.config.sla_policy(key);
            PolicyView {
                key: key.to_owned(),
                name: def
                    .map(|p| p.name.clone())
                    .filter(|n| !n.is_empty())
                    .unwrap_or_else(|| key.to_owned()),
                calendar: def.and_then(|p| p.calendar.clone()),
            }
        });
        let clocks = self
            .routed
            .sla()
            .filter(|c| c.is_active())
            .map(|c| ClockView {
                metric: c.metric.to_string(),
                cycle: c.cycle,
                target: span_of_ms(c.target_ms),
                state: match c.state {
                    CycleState::Running => "running",
                    CycleState::Paused => "paused",
                    CycleState::Stopped => "stopped",
                    CycleState::Cancelled => "cancelled",
                }
                .to_owned(),
                warnings: {
                    let mut warnings: Vec<WarningView> = c
                        .warnings
                        .iter()
                        .filter_map(|w| {
                            w.at.map(|at| WarningView {
                                warning: w.warning.to_string(),
                                at,
                            })
                        })
                        .collect();
                    warnings.sort_by_key(|w| w.at);
                    warnings
                },
                due: c.due,
            })
            .collect();
        SlaView { policy, clocks }
    }

    fn escalation(&self) -> EscalationView {
        let Some(tier) = self.routed.tier() else {
            return EscalationView {
                tier: None,
                rules: Vec::new(),
            };
        };
        let next_due = self.routed.next_escalation_due(self.config);
        let rules = self
            .config
            .escalations
            .iter()
            .filter(|r| r.from == tier)
            .map(|rule| {
                let (trigger, when) = match &rule.when {
                    Trigger::SlaWarning(metric) => (
                        format!("on the first SLA warning of {metric}"),
                        self.clock(metric).map(|c| {
                            c.warnings.iter().filter_map(|w| w.at).min().map_or(
                                When::Never(format!("the {metric} clock has no warning")),
                                When::At,
                            )
                        }),
                    ),
                    Trigger::SlaBreach(metric) => (
                        format!("on an SLA breach of {metric}"),
                        self.clock(metric).map(|c| {
                            c.due.map_or(
                                When::Never(format!("the {metric} clock is paused")),
                                When::At,
                            )
                        }),
                    ),
                    Trigger::NoAgentResponse(span) => (
                        format!("when no agent answers for {span}"),
                        Some(match &next_due {
                            Some((at, name)) if *name == rule.name => When::At(*at),
                            // Nothing has been answered yet: the timer runs
                            // from the ticket's creation.
                            _ => self
                                .routed
                                .created_at()
                                .checked_add_signed(span.as_delta())
                                .map_or(When::Never("out of range".to_owned()), When::At),
                        }),
                    ),
                    Trigger::Reassigned(n) => (
                        format!("after {}", render::count(*n as usize, "reassignment")),
                        None,
                    ),
                    Trigger::Manual => ("by hand".to_owned(), None),
                };
                let when = if self.routed.escalations().contains(&rule.name) {
                    Some(When::Never("already fired while routing".to_owned()))
                } else {
                    when
                };
                let when = when.unwrap_or_else(|| match &rule.when {
                    Trigger::SlaWarning(metric) | Trigger::SlaBreach(metric) => {
                        When::Never(format!("no {metric} clock runs on this ticket"))
                    }
                    _ => When::Unscheduled,
                });
                EscalationRuleView {
                    name: rule.name.clone(),
                    to: rule.to.as_deref().map(|key| tier_named(self.config, key)),
                    trigger,
                    at: match &when {
                        When::At(at) => Some(*at),
                        _ => None,
                    },
                    note: match when {
                        When::Never(why) => Some(why),
                        _ => None,
                    },
                    raise_priority: rule.raise_priority,
                    notify_managers: rule.notify_managers,
                }
            })
            .collect();
        EscalationView {
            tier: Some(tier_named(self.config, tier)),
            rules,
        }
    }

    /// The active cycle of the metric named `metric`, if one runs.
    fn clock(&self, metric: &str) -> Option<&SlaCycle> {
        let metric: Metric = metric.parse().ok()?;
        self.routed
            .sla()
            .rev()
            .find(|c| c.metric == metric && c.is_active())
    }
}

/// When an escalation would fire.
enum When {
    At(DateTime<Utc>),
    Never(String),
    Unscheduled,
}

fn fold(ticket: &mut Ticket, events: &[Event]) {
    for event in events {
        apply(ticket, event);
    }
}

/// Every configured agent as assignment sees them at `at`: their groups,
/// skills and capacity, no open tickets, on shift by their calendar.
fn snapshots(config: &DeskConfig, at: DateTime<Utc>) -> Vec<AgentSnapshot> {
    config
        .agents
        .values()
        .map(|agent| {
            let mut snapshot = AgentSnapshot::new(agent.id, agent.capacity);
            for key in &agent.groups {
                if let Some(group) = config.groups.get(key) {
                    snapshot = snapshot.in_group(group.id);
                }
            }
            for skill in &agent.skills {
                snapshot = snapshot.with_skill(skill.clone());
            }
            let calendar = agent
                .calendar
                .as_ref()
                .and_then(|k| config.calendars.get(k));
            snapshot.with_shift_from(calendar, at)
        })
        .collect()
}

fn span_of_ms(ms: i64) -> String {
    Span::from_seconds(ms / 1000).map_or_else(|| format!("{ms}ms"), |s| s.to_string())
}

fn group_named(config: &DeskConfig, id: GroupId) -> Named {
    match config.group_key(id) {
        Some(key) => Named {
            key: key.to_owned(),
            name: config
                .groups
                .get(key)
                .map_or(key, |g| g.name.as_str())
                .to_owned(),
        },
        None => Named {
            key: id.to_string(),
            name: id.to_string(),
        },
    }
}

fn tier_named(config: &DeskConfig, key: &str) -> Named {
    Named {
        key: key.to_owned(),
        name: config.tier(key).map_or(key, |t| t.name.as_str()).to_owned(),
    }
}

fn agent_named(config: &DeskConfig, id: ActorId) -> Named {
    match config.agent_by_id(id) {
        Some((key, agent)) => Named {
            key: key.to_owned(),
            name: agent.name.clone(),
        },
        None => Named {
            key: id.to_string(),
            name: id.to_string(),
        },
    }
}
