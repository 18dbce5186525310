//! Escalations firing: by hand ([`Command::Escalate`](crate::Command::Escalate))
//! or set off by what a command caused (SLA warnings and breaches,
//! reassignments) and by time (no agent response).

use chrono::{DateTime, Utc};

use crate::actor::Role;
use crate::apply::apply;
use crate::comment::Visibility;
use crate::config::DeskConfig;
use crate::context::Context;
use crate::error::{DomainError, ValidationError};
use crate::escalation::{EscalationRule, Trigger};
use crate::event::{Cause, Change, Escalated, Event};
use crate::id::ActorId;
use crate::priority::{Priority, PriorityReason};
use crate::stamp::Stamp;
use crate::status::StatusCategory;
use crate::ticket::Ticket;

/// The events of escalating `ticket` by `rule`, for `reason`.
fn escalate(
    ticket: &Ticket,
    rule: &EscalationRule,
    reason: String,
    ctx: &Context<'_>,
) -> Vec<Event> {
    let config = ctx.config;
    let stamp = Stamp::caused_by(
        ctx,
        Cause::Escalation {
            rule: rule.name.clone(),
        },
    );
    let event = |change| stamp.event(change);
    let mut notify: Vec<ActorId> = Vec::new();
    if rule.notify_managers
        && let Some(tier) = config.tier(&rule.from)
    {
        let group_managers = config
            .groups
            .get(&tier.group)
            .map(|g| g.managers.as_slice())
            .unwrap_or_default();
        for key in tier.managers.iter().chain(group_managers) {
            if let Some(agent) = config.agents.get(key)
                && !notify.contains(&agent.id)
            {
                notify.push(agent.id);
            }
        }
    }
    let mut out = vec![event(Change::Escalated(Box::new(Escalated {
        rule: rule.name.clone(),
        from_tier: ticket.tier().map(str::to_owned),
        to_tier: rule.to.clone(),
        notify,
        reason,
    })))];
    if let Some(group) = rule
        .to
        .as_deref()
        .and_then(|to| config.tier(to))
        .and_then(|tier| config.groups.get(&tier.group))
        .map(|g| g.id)
        && ticket.group() != Some(group)
    {
        out.push(event(Change::GroupChanged {
            from: ticket.group(),
            to: Some(group),
        }));
        if ticket.assignee().is_some() {
            out.push(event(Change::AssigneeChanged {
                from: ticket.assignee(),
                to: None,
            }));
        }
    }
    if rule.raise_priority
        && let Some(higher) = raised(ticket.priority())
    {
        out.push(event(Change::PriorityChanged {
            from: ticket.priority(),
            to: higher,
            reason: PriorityReason::Rule {
                rule: rule.name.clone(),
            },
        }));
    }
    out
}

fn raised(priority: Priority) -> Option<Priority> {
    match priority {
        Priority::P1 => None,
        Priority::P2 => Some(Priority::P1),
        Priority::P3 => Some(Priority::P2),
        Priority::P4 => Some(Priority::P3),
        Priority::P5 => Some(Priority::P4),
    }
}

/// The rule named `name`, checked for escalating `ticket` by hand.
pub(crate) fn manual(
    ticket: &Ticket,
    name: &str,
    reason: String,
    ctx: &Context<'_>,
) -> Result<Vec<Event>, DomainError> {
    let config = ctx.config;
    let Some(rule) = config.escalations.iter().find(|r| r.name == name) else {
        return Err(ValidationError::new(
            "rule",
            format!(
                "unknown escalation rule {name:?}{}",
                crate::suggest::did_you_mean(
                    name,
                    config.escalations.iter().map(|r| r.name.as_str())
                )
            ),
        )
        .into());
    };
    if rule.when != Trigger::Manual {
        return Err(ValidationError::new(
            "rule",
            format!("rule {name:?} is set off by {}, not by hand", rule.when),
        )
        .into());
    }
    if ticket.tier() != Some(rule.from.as_str()) {
        return Err(ValidationError::new(
            "rule",
            format!(
                "rule {name:?} escalates from tier {:?}; this ticket is on {}",
                rule.from,
                ticket
                    .tier()
                    .map_or("no tier".to_owned(), |t| format!("tier {t:?}"))
            ),
        )
        .into());
    }
    if ticket.escalations().contains(name) {
        return Err(ValidationError::new(
            "rule",
            format!("the ticket was already escalated by rule {name:?}"),
        )
        .into());
    }
    crate::input::body("reason", &reason, &ctx.config.limits, false)?;
    Ok(escalate(ticket, rule, reason, ctx))
}

/// The escalations set off by `events` (just decided for the ticket, whose
/// state after them is `after`) and by time at `ctx.now`. At most one rule
/// fires per command; the next command or check fires the next.
pub(crate) fn automatic(after: &Ticket, events: &[Event], ctx: &Context<'_>) -> Vec<Event> {
    let config = ctx.config;
    let Some(tier) = after.tier() else {
        return Vec::new();
    };
    if !after.status().category.is_active() {
        return Vec::new();
    }
    for rule in config
        .escalations
        .iter()
        .filter(|r| r.from == tier && !after.escalations().contains(&r.name))
    {
        let reason = match &rule.when {
            Trigger::SlaWarning(metric) => events.iter().find_map(|e| match &e.change {
                Change::SlaWarned {
                    metric: m, warning, ..
                } if m.as_str() == metric => Some(format!("SLA {metric} warning: {warning}")),
                _ => None,
            }),
            Trigger::SlaBreach(metric) => events.iter().find_map(|e| match &e.change {
                Change::SlaBreached { metric: m, .. } if m.as_str() == metric => {
                    Some(format!("SLA {metric} breached"))
                }
                _ => None,
            }),
            Trigger::Reassigned(n) => (after.reassignments() >= *n)
                .then(|| format!("reassigned {} times", after.reassignments())),
            Trigger::NoAgentResponse(_) => no_response_due(after, rule)
                .filter(|due| *due <= ctx.now)
                .map(|_| format!("{}", rule.when)),
            Trigger::Manual => None,
        };
        if let Some(reason) = reason {
            return escalate(after, rule, reason, ctx);
        }
    }
    Vec::new()
}

/// When `rule`'s no-response timer runs out on `ticket`, if it has one:
/// its span after the last public agent reply, or after creation.
fn no_response_due(ticket: &Ticket, rule: &EscalationRule) -> Option<DateTime<Utc>> {
    let Trigger::NoAgentResponse(span) = &rule.when else {
        return None;
    };
    if !matches!(
        ticket.status().category,
        StatusCategory::New | StatusCategory::Open
    ) {
        return None;
    }
    let since = ticket
        .conversation()
        .rev()
        .find(|c| {
            c.visibility == Visibility::Public
                && matches!(c.author.role, Role::Agent | Role::Supervisor | Role::Admin)
        })
        .map_or(ticket.created_at(), |c| c.at);
    since.checked_add_signed(span.as_delta())
}

/// The earliest no-response escalation still to fire on `ticket`.
pub(crate) fn next_due(ticket: &Ticket, config: &DeskConfig) -> Option<(DateTime<Utc>, String)> {
    let tier = ticket.tier()?;
    config
        .escalations
        .iter()
        .filter(|r| r.from == tier && !ticket.escalations().contains(&r.name))
        .filter_map(|r| no_response_due(ticket, r).map(|due| (due, r.name.clone())))
        .min()
}

/// Adds the escalations that `events` and the time set off, and what they
/// do to the SLA clocks.
pub(crate) fn with_escalations(
    ticket: &Ticket,
    mut events: Vec<Event>,
    ctx: &Context<'_>,
) -> Result<Vec<Event>, DomainError> {
    if ctx.config.escalations.is_empty() {
        return Ok(events);
    }
    let mut after = ticket.clone();
    for event in &events {
        apply(&mut after, event);
    }
    let fired = automatic(&after, &events, ctx);
    if fired.is_empty() {
        return Ok(events);
    }
    let fired = crate::sla::react::with_sla(&after, fired, false, ctx)?;
    events.extend(fired);
    Ok(events)
}
