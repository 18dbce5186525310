//! [`SlaPolicy`]: which tickets an SLA applies to, on which calendar, with
//! which targets and warnings.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::channel::Channel;
use crate::config::DeskConfig;
use crate::field::FieldValue;
use crate::priority::Priority;
use crate::sla::{ClockRules, Metric, Span};
use crate::status::StatusCategory;
use crate::ticket::Ticket;
use crate::ticket_type::TicketType;

/// When to warn that a clock is running out.
///
/// ```
/// use helpdesk_core::sla::Warning;
/// let w: Vec<Warning> = serde_json::from_str(r#"[{"percent": 75}, {"before": "30m"}]"#).unwrap();
/// assert_eq!(w[0], Warning::Percent(75));
/// assert_eq!(w[1].to_string(), "30m before breach");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Warning {
    /// When this percentage of the target has elapsed (1 to 99).
    Percent(u8),
    /// When this much of the target is left, counted on the policy's
    /// calendar.
    Before(Span),
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::Percent(p) => write!(f, "{p}% elapsed"),
            Warning::Before(span) => write!(f, "{span} before breach"),
        }
    }
}

/// Which tickets a policy applies to. Every listed condition must hold; an
/// empty list or map places no condition.
///
/// ```
/// use helpdesk_core::sla::PolicyConditions;
/// let when: PolicyConditions = serde_json::from_str(
///     r#"{"priorities": ["P1", "P2"], "tags_any": ["vip"]}"#,
/// ).unwrap();
/// assert_eq!(when.priorities.len(), 2);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(default)]
pub struct PolicyConditions {
    /// The ticket's priority is one of these.
    pub priorities: Vec<Priority>,
    /// The ticket's type is one of these.
    pub ticket_types: Vec<TicketType>,
    /// The ticket is in one of these groups, by key.
    pub groups: Vec<String>,
    /// The ticket came in through one of these channels.
    pub channels: Vec<Channel>,
    /// The ticket has at least one of these tags.
    pub tags_any: Vec<String>,
    /// The ticket's custom fields have these values.
    pub fields: BTreeMap<String, FieldValue>,
}

impl PolicyConditions {
    /// Whether `ticket` meets every condition; `config` resolves group keys.
    pub fn matches(&self, ticket: &Ticket, config: &DeskConfig) -> bool {
        fn within<T: PartialEq>(list: &[T], value: &T) -> bool {
            list.is_empty() || list.contains(value)
        }
        within(&self.priorities, &ticket.priority())
            && within(&self.ticket_types, &ticket.ticket_type())
            && within(&self.channels, &ticket.channel())
            && (self.groups.is_empty()
                || ticket
                    .group()
                    .and_then(|g| config.group_key(g))
                    .is_some_and(|key| self.groups.iter().any(|k| k == key)))
            && (self.tags_any.is_empty()
                || self
                    .tags_any
                    .iter()
                    .any(|t| ticket.tags().iter().any(|tag| tag.as_str() == t)))
            && self
                .fields
                .iter()
                .all(|(key, value)| ticket.fields().get(key) == Some(value))
    }
}

/// A service level agreement: the tickets it applies to, the calendar its
/// targets count on, a target per metric and priority, and when to warn.
///
/// Policies are ordered in the [`DeskConfig`](crate::DeskConfig); the first
/// whose conditions match a ticket applies to it.
///
/// ```
/// use helpdesk_core::sla::{Metric, SlaPolicy, Span};
/// use helpdesk_core::Priority;
///
/// let policy: SlaPolicy = serde_json::from_str(r#"{
///     "key": "standard",
///     "calendar": "berlin",
///     "targets": {
///         "first_response": {"P1": "30m", "P2": "1h", "P3": "4h"},
///         "resolution": {"P1": "4h", "P2": "8h", "P3": "24h"}
///     },
///     "warnings": [{"percent": 75}]
/// }"#).unwrap();
/// assert_eq!(policy.target(Metric::FirstResponse, Priority::P2), Some("1h".parse::<Span>().unwrap()));
/// assert_eq!(policy.target(Metric::FirstResponse, Priority::P5), None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlaPolicy {
    /// The key tickets and events name the policy by, such as `"standard"`.
    pub key: String,
    /// The name shown to people.
    #[serde(default)]
    pub name: String,
    /// Which tickets it applies to.
    #[serde(default)]
    pub when: PolicyConditions,
    /// The key of the calendar in [`DeskConfig::calendars`](crate::DeskConfig::calendars)
    /// that targets count on; calendar time (24x7) when absent.
    #[serde(default)]
    pub calendar: Option<String>,
    /// Targets per metric and priority. A metric or priority without a
    /// target has no clock.
    pub targets: BTreeMap<Metric, BTreeMap<Priority, Span>>,
    /// When to warn, for every clock of the policy.
    #[serde(default)]
    pub warnings: Vec<Warning>,
    /// Status categories that pause a metric, replacing its preset
    /// `pause_in`: `{"resolution": ["on_hold"]}`.
    #[serde(default)]
    pub pause: BTreeMap<Metric, Vec<StatusCategory>>,
    /// Rules replacing a metric's presets entirely.
    #[serde(default)]
    pub rules: BTreeMap<Metric, ClockRules>,
}

impl SlaPolicy {
    /// The target of `metric` at `priority`, if the policy sets one.
    pub fn target(&self, metric: Metric, priority: Priority) -> Option<Span> {
        self.targets.get(&metric)?.get(&priority).copied()
    }

    /// The rules driving `metric`'s clock under this policy.
    pub fn rules(&self, metric: Metric) -> ClockRules {
        let mut rules = self
            .rules
            .get(&metric)
            .cloned()
            .unwrap_or_else(|| ClockRules::preset(metric));
        if let Some(pause) = self.pause.get(&metric) {
            rules.pause_in.clone_from(pause);
        }
        rules
    }
}
