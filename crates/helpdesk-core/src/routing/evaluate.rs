//! [`route`]: which rules match a ticket, and what they decide together.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::assignment::Strategy;
use crate::config::DeskConfig;
use crate::field::FieldValue;
use crate::priority::Priority;
use crate::routing::Facts;
use crate::ticket::Ticket;

/// A decision and the index of the rule that made it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ByRule<T> {
    /// What was decided.
    pub value: T,
    /// The index of the rule in `routing_rules`.
    pub rule: usize,
}

/// What the matching rules decide together: later rules override earlier
/// ones (when earlier ones let routing continue), tags and fields add up.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Routing {
    /// The indexes of the rules that matched, in order.
    pub matched: Vec<usize>,
    /// The group, by key.
    pub group: Option<ByRule<String>>,
    /// The escalation tier, by key.
    pub tier: Option<ByRule<String>>,
    /// The priority.
    pub priority: Option<ByRule<Priority>>,
    /// Tags to add.
    pub tags: Vec<ByRule<String>>,
    /// Custom fields to set.
    pub fields: BTreeMap<String, ByRule<FieldValue>>,
    /// The assignment strategy.
    pub assign: Option<ByRule<Strategy>>,
    /// Skills the assignee must have.
    pub skills: BTreeSet<String>,
}

/// Runs `ticket` through the configuration's routing rules, in order.
/// Pure and deterministic.
///
/// ```
/// use helpdesk_core::routing::route;
/// use helpdesk_core::*;
/// # use chrono::{TimeZone, Utc};
/// let config: DeskConfig = serde_json::from_str(r#"{
///     "groups": {"network": {"id": "00000000-0000-0000-0000-00000000000a", "name": "Network"}},
///     "routing_rules": [
///         {"name": "VPN", "when": {"subject_has": ["vpn"]}, "then": {"group": "network", "tags": ["vpn"]}},
///         {"name": "Everything else", "then": {"tags": ["triage"]}}
///     ]
/// }"#).unwrap();
/// # let requester = Actor::requester(ActorId::from_u128(1), TenantId::from_u128(1));
/// # let ctx = Context::new(&requester, Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap(), &config);
/// # let events = decide(&Ticket::new(TicketId::from_u128(1)),
/// #     Command::Open(NewTicket::new(requester.id, "VPN keeps dropping", "")), &ctx).unwrap();
/// let ticket = Ticket::replay(TicketId::from_u128(1), &events);
/// let routing = route(&ticket, &config);
/// assert_eq!(routing.matched, [0]);
/// assert_eq!(routing.group.unwrap().value, "network");
/// ```
pub fn route(ticket: &Ticket, config: &DeskConfig) -> Routing {
    let facts = Facts::new(ticket, config);
    let mut routing = Routing::default();
    for (index, rule) in config.routing_rules.iter().enumerate() {
        if !rule.when.matches(&facts) {
            continue;
        }
        routing.matched.push(index);
        let then = &rule.then;
        let by = |value| ByRule { value, rule: index };
        if let Some(group) = &then.group {
            routing.group = Some(by(group.clone()));
        }
        if let Some(tier) = &then.tier {
            routing.tier = Some(ByRule {
                value: tier.clone(),
                rule: index,
            });
        }
        if let Some(priority) = then.priority {
            routing.priority = Some(ByRule {
                value: priority,
                rule: index,
            });
        }
        for tag in &then.tags {
            if !routing.tags.iter().any(|t| &t.value == tag) {
                routing.tags.push(ByRule {
                    value: tag.clone(),
                    rule: index,
                });
            }
        }
        for (key, value) in &then.fields {
            routing.fields.insert(
                key.clone(),
                ByRule {
                    value: value.clone(),
                    rule: index,
                },
            );
        }
        if let Some(strategy) = then.assign {
            routing.assign = Some(ByRule {
                value: strategy,
                rule: index,
            });
        }
        routing.skills.extend(then.skills.iter().cloned());
        if rule.stop {
            break;
        }
    }
    routing
}

/// How one rule fared in [`explain`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleTrace {
    /// The rule's index.
    pub index: usize,
    /// The rule's name.
    pub name: String,
    /// Whether it matched; `None` when routing had stopped before it.
    pub matched: Option<bool>,
    /// Why, condition by condition.
    pub why: String,
}

/// Every rule, whether it matched and why: for `helpdesk explain`.
pub fn explain(ticket: &Ticket, config: &DeskConfig) -> Vec<RuleTrace> {
    let facts = Facts::new(ticket, config);
    let mut stopped_by: Option<usize> = None;
    config
        .routing_rules
        .iter()
        .enumerate()
        .map(|(index, rule)| {
            let (held, why) = rule.when.explain(&facts);
            let trace = match stopped_by {
                Some(stopper) => RuleTrace {
                    index,
                    name: rule.name.clone(),
                    matched: None,
                    why: format!("not reached: routing_rules[{stopper}] matched and stops"),
                },
                None => RuleTrace {
                    index,
                    name: rule.name.clone(),
                    matched: Some(held),
                    why,
                },
            };
            if stopped_by.is_none() && held && rule.stop {
                stopped_by = Some(index);
            }
            trace
        })
        .collect()
}
