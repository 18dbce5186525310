//! The events of [`Command::Route`](crate::Command::Route): the routing
//! decision applied to a ticket, each change caused by its rule.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::assignment::{AgentSnapshot, AssignmentPolicy, AssignmentRequest, pick};
use crate::context::Context;
use crate::error::{DomainError, ValidationError};
use crate::event::{Cause, Change, Event};
use crate::id::{ActorId, GroupId};
use crate::priority::PriorityReason;
use crate::routing::route;
use crate::stamp::Stamp;
use crate::status::{Status, StatusCategory};
use crate::tag::Tag;
use crate::ticket::Ticket;

/// What routing needs from outside: the agents who could be assigned, with
/// their load and presence now, and who got each group's previous ticket
/// (for round robin). Both may be empty when no rule assigns.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct RouteInput {
    /// The candidate agents.
    #[serde(default)]
    #[cfg_attr(feature = "arbitrary", arbitrary(default))]
    pub agents: Vec<AgentSnapshot>,
    /// Each group's previous assignee.
    #[serde(default)]
    pub last_assignees: BTreeMap<GroupId, ActorId>,
}

/// The events that route `ticket`.
pub(crate) fn route_events(
    ticket: &Ticket,
    input: &RouteInput,
    ctx: &Context<'_>,
) -> Result<Vec<Event>, DomainError> {
    let config = ctx.config;
    let routing = route(ticket, config);
    let mut out = Vec::new();
    let mut push = |change: Change, rule: usize| {
        let name = config
            .routing_rules
            .get(rule)
            .map(|r| r.name.clone())
            .unwrap_or_default();
        out.push(Stamp::caused_by(ctx, Cause::RoutingRule { rule: name }).event(change));
    };
    let unknown = |rule: usize, field: &str, what: &str, key: &str| {
        DomainError::from(ValidationError::new(
            format!("routing_rules[{rule}].then.{field}"),
            format!("unknown {what} {key:?}; check the configuration with DeskConfig::validate"),
        ))
    };
    let mut group = ticket.group();
    if let Some(by) = &routing.group {
        let def = config
            .groups
            .get(&by.value)
            .ok_or_else(|| unknown(by.rule, "group", "group", &by.value))?;
        if group != Some(def.id) {
            push(
                Change::GroupChanged {
                    from: group,
                    to: Some(def.id),
                },
                by.rule,
            );
            group = Some(def.id);
        }
    }
    if let Some(by) = &routing.tier {
        if config.tier(&by.value).is_none() {
            return Err(unknown(by.rule, "tier", "tier", &by.value));
        }
        if ticket.tier() != Some(by.value.as_str()) {
            push(
                Change::TierChanged {
                    from: ticket.tier().map(str::to_owned),
                    to: Some(by.value.clone()),
                },
                by.rule,
            );
        }
    }
    if let Some(by) = &routing.priority
        && by.value != ticket.priority()
    {
        let rule = config
            .routing_rules
            .get(by.rule)
            .map(|r| r.name.clone())
            .unwrap_or_default();
        push(
            Change::PriorityChanged {
                from: ticket.priority(),
                to: by.value,
                reason: PriorityReason::Rule { rule },
            },
            by.rule,
        );
    }
    let mut tags = ticket.tags().len();
    for by in &routing.tags {
        let tag = Tag::new_at(
            &format!("routing_rules[{}].then.tags", by.rule),
            by.value.clone(),
        )?;
        if !ticket.tags().contains(&tag) && tags < config.limits.max_tags {
            tags += 1;
            push(Change::Tagged { tag }, by.rule);
        }
    }
    for (key, by) in &routing.fields {
        let def = config
            .field(key)
            .ok_or_else(|| unknown(by.rule, &format!("fields.{key}"), "field", key))?;
        let path = format!("routing_rules[{}].then.fields.{key}", by.rule);
        if def.host_only {
            return Err(ValidationError::new(
                path,
                format!("field {key:?} is host_only: only the host sets it, through Vouched"),
            )
            .into());
        }
        def.check(&path, &by.value)?;
        if ticket.fields().get(key) != Some(&by.value) {
            push(
                Change::FieldChanged {
                    key: key.clone(),
                    value: Some(by.value.clone()),
                },
                by.rule,
            );
        }
    }
    if let (Some(by), Some(group), None) = (&routing.assign, group, ticket.assignee()) {
        let policy = AssignmentPolicy {
            strategy: by.value,
            weights: config.load_weights,
        };
        let request = AssignmentRequest {
            group,
            required_skills: routing.skills.clone(),
            last_assignee: input.last_assignees.get(&group).copied(),
        };
        if let Some(agent) = pick(&policy, &request, &input.agents) {
            push(
                Change::AssigneeChanged {
                    from: None,
                    to: Some(agent),
                },
                by.rule,
            );
            if ticket.status().category == StatusCategory::New {
                push(
                    Change::StatusChanged {
                        from: ticket.status().clone(),
                        to: Status::from(StatusCategory::Open),
                    },
                    by.rule,
                );
            }
        }
    }
    Ok(out)
}
