//! [`DeskConfig`]: everything a desk decides for itself, passed to every
//! decision through the [`Context`](crate::Context): the priority matrix,
//! custom sub-statuses and fields, input limits, calendars, SLA policies,
//! groups and agents, escalation tiers and rules, routing rules, and
//! notification rules with their endpoints.
//!
//! A configuration is read with serde (JSON, TOML, ...) and checked with
//! [`DeskConfig::diagnose`], which reports every problem at once, each with
//! its path; [`DeskConfig::validate`] fails on errors only. A configuration
//! that validates cannot make a later decision fail.

mod checks;
mod diagnostic;
mod directory;
mod limits;
mod status_def;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::assignment::LoadWeights;
use crate::calendar::Calendar;
use crate::escalation::{EscalationRule, TierDef};
use crate::field::FieldDef;
use crate::id::{ActorId, GroupId};
use crate::notification::{EndpointDef, NotificationRule, TemplateText};
use crate::priority::PriorityMatrix;
use crate::routing::RoutingRule;
use crate::sla::SlaPolicy;

pub(crate) use checks::{key, reference, rule_name};
pub use diagnostic::{Diagnostic, Severity};
pub use directory::{AgentDef, GroupDef};
pub use limits::{Limits, MAX_WATCHERS};
pub use status_def::StatusDef;

/// What a desk decides for itself. Every part has a default, so
/// `DeskConfig::default()` is a working desk (ITIL priorities, no custom
/// statuses or fields, no SLA, no routing, no notifications).
///
/// ```
/// use helpdesk_core::{DeskConfig, Impact, Priority, Urgency};
///
/// let config: DeskConfig = serde_json::from_str(r#"{
///     "statuses": [{"key": "awaiting_parts", "label": "Awaiting parts", "category": "on_hold"}],
///     "fields": [{"key": "site", "label": "Site", "kind": {"type": "choice", "options": ["berlin", "nyc"]}}]
/// }"#).unwrap();
/// config.validate().unwrap();
/// assert_eq!(config.priority_matrix.priority(Impact::High, Urgency::Low), Priority::P3);
/// assert!(config.status("awaiting_parts").is_some());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(default)]
pub struct DeskConfig {
    /// Impact x urgency to priority; ITIL by default.
    pub priority_matrix: PriorityMatrix,
    /// Custom sub-statuses.
    pub statuses: Vec<StatusDef>,
    /// Custom fields.
    pub fields: Vec<FieldDef>,
    /// Input limits.
    pub limits: Limits,
    /// Business calendars by key, for SLA policies, routing conditions and
    /// agents' shifts.
    pub calendars: BTreeMap<String, Calendar>,
    /// SLA policies, in order: the first whose conditions match a ticket
    /// applies to it.
    pub sla_policies: Vec<SlaPolicy>,
    /// Groups by key.
    pub groups: BTreeMap<String, GroupDef>,
    /// Agents by key.
    pub agents: BTreeMap<String, AgentDef>,
    /// Escalation tiers, such as L1, L2, L3.
    pub tiers: Vec<TierDef>,
    /// Escalation rules: the edges between tiers, and when to take them.
    pub escalations: Vec<EscalationRule>,
    /// Routing rules for new tickets, in order.
    pub routing_rules: Vec<RoutingRule>,
    /// What each open ticket weighs in an agent's load, for assignment.
    pub load_weights: LoadWeights,
    /// Notification rules: on which events whom to tell, and how; see
    /// [`notification`](crate::notification).
    ///
    /// ```
    /// use helpdesk_core::DeskConfig;
    /// let config: DeskConfig = serde_json::from_str(r#"{
    ///     "notification_rules": [{
    ///         "name": "New tickets to the group", "on": ["opened"],
    ///         "to": ["group_members"], "via": "email", "template": "new_ticket"
    ///     }],
    ///     "templates": {"new_ticket": {"en": {"subject": "New: {{ ticket.subject }}", "text": "{{ event.body }}"}}}
    /// }"#).unwrap();
    /// config.validate().unwrap();
    /// assert_eq!(config.notification_rules[0].template.as_deref(), Some("new_ticket"));
    /// ```
    pub notification_rules: Vec<NotificationRule>,
    /// Places notifications go to that are not people (a team mailbox, a
    /// webhook URL, a NATS subject), by key; rules name them as
    /// `{"endpoint": "<key>"}`.
    ///
    /// ```
    /// use helpdesk_core::DeskConfig;
    /// let config: DeskConfig = serde_json::from_str(r#"{
    ///     "endpoints": {"ops": {"via": "nats", "target": "helpdesk.ops"}},
    ///     "notification_rules": [
    ///         {"name": "Breaches", "on": ["sla_breach"], "to": [{"endpoint": "ops"}], "via": "email"}
    ///     ]
    /// }"#).unwrap();
    /// assert_eq!(config.validate().unwrap_err()[0].to_string(),
    ///     r#"notification_rules[0].to[0].endpoint: endpoint "ops" takes nats (endpoints.ops.via), but the rule sends by email"#);
    /// ```
    pub endpoints: BTreeMap<String, EndpointDef>,
    /// Notification templates by key, then by locale (a language tag such
    /// as `en` or `de-CH`); rules name them by key. Each template has the
    /// [`default_locale`](Self::default_locale), the fallback of every
    /// other.
    ///
    /// ```
    /// use helpdesk_core::DeskConfig;
    /// let config: DeskConfig = serde_json::from_str(r#"{
    ///     "templates": {"ack": {"de": {"subject": "Danke", "text": "Wir melden uns."}}}
    /// }"#).unwrap();
    /// assert_eq!(config.validate().unwrap_err()[0].to_string(),
    ///     r#"templates.ack: has no "en" text, the default locale's: every other locale falls back to it"#);
    /// ```
    pub templates: BTreeMap<String, BTreeMap<String, TemplateText>>,
    /// The locale of recipients whose locale is not known, and the one
    /// every template must have; `en` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_locale: Option<String>,
}

impl DeskConfig {
    /// The locale of recipients whose locale is not known:
    /// [`default_locale`](Self::default_locale), or `en`.
    ///
    /// ```
    /// use helpdesk_core::DeskConfig;
    /// assert_eq!(DeskConfig::default().locale(), "en");
    /// ```
    pub fn locale(&self) -> &str {
        self.default_locale.as_deref().unwrap_or("en")
    }

    /// The sub-status with `key`.
    pub fn status(&self, key: &str) -> Option<&StatusDef> {
        self.statuses.iter().find(|s| s.key == key)
    }

    /// The custom field with `key`.
    pub fn field(&self, key: &str) -> Option<&FieldDef> {
        self.fields.iter().find(|f| f.key == key)
    }

    /// The SLA policy with `key`.
    pub fn sla_policy(&self, key: &str) -> Option<&SlaPolicy> {
        self.sla_policies.iter().find(|p| p.key == key)
    }

    /// The key of the group with `id`.
    pub fn group_key(&self, id: GroupId) -> Option<&str> {
        self.groups
            .iter()
            .find(|(_, g)| g.id == id)
            .map(|(key, _)| key.as_str())
    }

    /// The key and definition of the agent with `id`.
    pub fn agent_by_id(&self, id: ActorId) -> Option<(&str, &AgentDef)> {
        self.agents
            .iter()
            .find(|(_, a)| a.id == id)
            .map(|(key, a)| (key.as_str(), a))
    }

    /// The tier with `key`.
    pub fn tier(&self, key: &str) -> Option<&TierDef> {
        self.tiers.iter().find(|t| t.key == key)
    }

    /// Every problem of the configuration, errors and warnings, in the
    /// order of the configuration's parts.
    ///
    /// ```
    /// use helpdesk_core::config::Severity;
    /// use helpdesk_core::DeskConfig;
    /// let config: DeskConfig = serde_json::from_str(r#"{
    ///     "groups": {"network": {"id": "00000000-0000-0000-0000-00000000000a", "name": "Network"}},
    ///     "routing_rules": [
    ///         {"name": "VPN", "when": {"subject_has": ["vpn"]}, "then": {"group": "netwrok"}}
    ///     ]
    /// }"#).unwrap();
    /// let found = config.diagnose();
    /// assert_eq!(found[0].severity, Severity::Error);
    /// assert_eq!(found[0].to_string(),
    ///     r#"routing_rules[0].then.group: unknown group "netwrok" (did you mean "network"?)"#);
    /// ```
    pub fn diagnose(&self) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        checks::statuses(self, &mut out);
        checks::fields(self, &mut out);
        limits::diagnose(self, &mut out);
        checks::calendars(self, &mut out);
        checks::directory(self, &mut out);
        checks::sla(self, &mut out);
        crate::escalation::diagnose(self, &mut out);
        crate::routing::diagnose(self, &mut out);
        crate::notification::diagnose(self, &mut out);
        out
    }

    /// Checks the configuration: `Err` with every error (warnings are not
    /// errors) when it cannot be used.
    ///
    /// ```
    /// use helpdesk_core::DeskConfig;
    /// let config: DeskConfig = serde_json::from_str(r#"{
    ///     "statuses": [{"key": "Waiting!", "label": "", "category": "closed"}]
    /// }"#).unwrap();
    /// let errors = config.validate().unwrap_err();
    /// assert_eq!(errors[0].to_string(),
    ///     r#"statuses[0].key: "Waiting!" is not a key: use 1-64 characters of a-z, 0-9 and '_', starting with a letter"#);
    /// assert_eq!(errors[1].to_string(),
    ///     "statuses[0].category: a sub-status must belong to open, pending, on_hold or resolved, not closed");
    /// ```
    pub fn validate(&self) -> Result<(), Vec<Diagnostic>> {
        let errors: Vec<Diagnostic> = self
            .diagnose()
            .into_iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}
