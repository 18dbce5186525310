//! What an explanation holds: serialized as is for `--format json`, and
//! rendered by [`text()`](fn@super::text) for people.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::render;

/// A configured thing: its key, and the name people know it by.
#[derive(Serialize)]
pub(super) struct Named {
    pub(super) key: String,
    pub(super) name: String,
}

/// What made a decision.
#[derive(Serialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub(super) enum By {
    /// A routing rule.
    Rule { index: usize, name: String },
    /// The priority matrix.
    Matrix { impact: String, urgency: String },
    /// The ticket as it was opened.
    Ticket,
}

impl By {
    pub(super) fn describe(&self) -> String {
        match self {
            By::Rule { index, name } => format!("by rule [{index}] {name}"),
            By::Matrix { impact, urgency } => {
                format!("impact {impact} x urgency {urgency}")
            }
            By::Ticket => "as opened".to_owned(),
        }
    }
}

#[derive(Serialize)]
pub(super) struct Decided<T> {
    pub(super) value: T,
    #[serde(flatten)]
    pub(super) by: By,
}

/// The `--format json` form of an explanation; the text form renders the
/// same.
#[derive(Serialize)]
pub(super) struct Report {
    #[serde(serialize_with = "render::ser::at")]
    pub(super) at: DateTime<Utc>,
    pub(super) ticket: TicketView,
    pub(super) rules: Vec<RuleView>,
    pub(super) result: ResultView,
    pub(super) assignment: Option<AssignmentView>,
    pub(super) sla: SlaView,
    pub(super) escalation: EscalationView,
}

#[derive(Serialize)]
pub(super) struct TicketView {
    pub(super) subject: String,
    pub(super) ticket_type: String,
    pub(super) channel: String,
    pub(super) impact: String,
    pub(super) urgency: String,
    #[serde(serialize_with = "render::ser::at")]
    pub(super) opened_at: DateTime<Utc>,
}

#[derive(Serialize)]
pub(super) struct RuleView {
    pub(super) index: usize,
    pub(super) name: String,
    pub(super) matched: Option<bool>,
    pub(super) why: String,
}

#[derive(Serialize)]
pub(super) struct ResultView {
    pub(super) group: Option<Decided<Named>>,
    pub(super) tier: Option<Decided<Named>>,
    pub(super) priority: Decided<String>,
    pub(super) tags: Vec<String>,
    pub(super) fields: BTreeMap<String, String>,
    pub(super) assignee: Option<Decided<Named>>,
    /// Escalation rules that fired while the ticket was opened and routed.
    pub(super) escalated: Vec<String>,
}

#[derive(Serialize)]
pub(super) struct AssignmentView {
    pub(super) strategy: String,
    pub(super) group: Named,
    pub(super) required_skills: Vec<String>,
    pub(super) rule: By,
    pub(super) candidates: Vec<CandidateView>,
}

#[derive(Serialize)]
pub(super) struct CandidateView {
    pub(super) agent: Named,
    pub(super) chosen: bool,
    pub(super) eligible: bool,
    pub(super) in_group: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) open: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) load: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) reason: Option<String>,
}

#[derive(Serialize)]
pub(super) struct SlaView {
    pub(super) policy: Option<PolicyView>,
    pub(super) clocks: Vec<ClockView>,
}

#[derive(Serialize)]
pub(super) struct PolicyView {
    pub(super) key: String,
    pub(super) name: String,
    pub(super) calendar: Option<String>,
}

#[derive(Serialize)]
pub(super) struct ClockView {
    pub(super) metric: String,
    pub(super) cycle: u32,
    pub(super) target: String,
    pub(super) state: String,
    pub(super) warnings: Vec<WarningView>,
    #[serde(serialize_with = "render::ser::opt_at")]
    pub(super) due: Option<DateTime<Utc>>,
}

#[derive(Serialize)]
pub(super) struct WarningView {
    pub(super) warning: String,
    #[serde(serialize_with = "render::ser::at")]
    pub(super) at: DateTime<Utc>,
}

#[derive(Serialize)]
pub(super) struct EscalationView {
    pub(super) tier: Option<Named>,
    pub(super) rules: Vec<EscalationRuleView>,
}

#[derive(Serialize)]
pub(super) struct EscalationRuleView {
    pub(super) name: String,
    pub(super) to: Option<Named>,
    pub(super) trigger: String,
    #[serde(serialize_with = "render::ser::opt_at")]
    pub(super) at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) note: Option<String>,
    pub(super) raise_priority: bool,
    pub(super) notify_managers: bool,
}
