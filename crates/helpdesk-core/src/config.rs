//! [`DeskConfig`]: what a desk decides for itself (the priority matrix,
//! custom sub-statuses, custom fields and input limits), passed to every
//! decision through the [`Context`](crate::Context).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::calendar::Calendar;
use crate::error::ValidationError;
use crate::field::{FieldDef, FieldKind};
use crate::priority::PriorityMatrix;
use crate::sla::{SlaPolicy, Warning};
use crate::status::StatusCategory;
use crate::suggest::did_you_mean;

/// A host-defined sub-status, shown instead of the bare category (as
/// Zendesk's custom statuses and Jira's statuses in a category).
///
/// ```
/// use helpdesk_core::{config::StatusDef, StatusCategory};
/// let def: StatusDef = serde_json::from_str(
///     r#"{"key":"awaiting_parts","label":"Awaiting parts","category":"on_hold"}"#,
/// ).unwrap();
/// assert_eq!(def.category, StatusCategory::OnHold);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusDef {
    /// The key commands and tickets use, such as `"awaiting_parts"`.
    pub key: String,
    /// The name shown to people.
    pub label: String,
    /// The category it belongs to: open, pending, on_hold or resolved.
    pub category: StatusCategory,
}

/// Size limits on what commands carry. Defaults: subjects up to 250
/// characters, bodies up to 64 KiB, 50 tags, 50 assets, 500 links.
///
/// ```
/// use helpdesk_core::config::Limits;
/// let limits: Limits = serde_json::from_str(r#"{"subject_max_chars": 120}"#).unwrap();
/// assert_eq!(limits.subject_max_chars, 120);
/// assert_eq!(limits.body_max_bytes, 64 * 1024);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Limits {
    /// Longest subject, in characters.
    pub subject_max_chars: usize,
    /// Largest description, reply, note or resolution note, in bytes of UTF-8.
    pub body_max_bytes: usize,
    /// Most tags on one ticket.
    pub max_tags: usize,
    /// Most asset references on one ticket.
    pub max_assets: usize,
    /// Most links on one ticket.
    pub max_links: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            subject_max_chars: 250,
            body_max_bytes: 64 * 1024,
            max_tags: 50,
            max_assets: 50,
            max_links: 500,
        }
    }
}

/// What a desk decides for itself. Every part has a sensible default, so
/// `DeskConfig::default()` is a working desk.
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
    /// Business calendars by key, for SLA policies.
    pub calendars: BTreeMap<String, Calendar>,
    /// SLA policies, in order: the first whose conditions match a ticket
    /// applies to it.
    pub sla_policies: Vec<SlaPolicy>,
}

impl DeskConfig {
    /// The sub-status with `key`.
    pub fn status(&self, key: &str) -> Option<&StatusDef> {
        self.statuses.iter().find(|s| s.key == key)
    }

    /// The custom field with `key`.
    pub fn field(&self, key: &str) -> Option<&FieldDef> {
        self.fields.iter().find(|f| f.key == key)
    }

    /// Checks the configuration and reports every problem at once.
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
    pub fn validate(&self) -> Result<(), Vec<ValidationError>> {
        let mut errors = Vec::new();
        let mut seen = BTreeSet::new();
        for (i, def) in self.statuses.iter().enumerate() {
            check_key(&mut errors, format!("statuses[{i}].key"), &def.key);
            if !seen.insert(def.key.as_str()) {
                errors.push(ValidationError::new(
                    format!("statuses[{i}].key"),
                    format!("{:?} is defined twice", def.key),
                ));
            }
            if !matches!(
                def.category,
                StatusCategory::Open
                    | StatusCategory::Pending
                    | StatusCategory::OnHold
                    | StatusCategory::Resolved
            ) {
                errors.push(ValidationError::new(
                    format!("statuses[{i}].category"),
                    format!(
                        "a sub-status must belong to open, pending, on_hold or resolved, not {}",
                        def.category
                    ),
                ));
            }
        }
        let mut seen = BTreeSet::new();
        for (i, def) in self.fields.iter().enumerate() {
            check_key(&mut errors, format!("fields[{i}].key"), &def.key);
            if !seen.insert(def.key.as_str()) {
                errors.push(ValidationError::new(
                    format!("fields[{i}].key"),
                    format!("{:?} is defined twice", def.key),
                ));
            }
            match &def.kind {
                FieldKind::Choice { options } | FieldKind::Choices { options } => {
                    if options.is_empty() {
                        errors.push(ValidationError::new(
                            format!("fields[{i}].kind.options"),
                            "a choice field needs at least one option",
                        ));
                    }
                    let unique: BTreeSet<&String> = options.iter().collect();
                    if unique.len() != options.len() {
                        errors.push(ValidationError::new(
                            format!("fields[{i}].kind.options"),
                            "lists an option twice",
                        ));
                    }
                }
                FieldKind::Integer {
                    min: Some(min),
                    max: Some(max),
                } if min > max => errors.push(ValidationError::new(
                    format!("fields[{i}].kind"),
                    format!("min {min} is greater than max {max}"),
                )),
                _ => {}
            }
        }
        self.validate_sla(&mut errors);
        if self.limits.subject_max_chars == 0 {
            errors.push(ValidationError::new(
                "limits.subject_max_chars",
                "must be at least 1",
            ));
        }
        if self.limits.body_max_bytes == 0 {
            errors.push(ValidationError::new(
                "limits.body_max_bytes",
                "must be at least 1",
            ));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

impl DeskConfig {
    fn validate_sla(&self, errors: &mut Vec<ValidationError>) {
        let mut seen = BTreeSet::new();
        for (i, policy) in self.sla_policies.iter().enumerate() {
            let at = |field: &str| format!("sla_policies[{i}].{field}");
            check_key(errors, at("key"), &policy.key);
            if !seen.insert(policy.key.as_str()) {
                errors.push(ValidationError::new(
                    at("key"),
                    format!("{:?} is defined twice", policy.key),
                ));
            }
            if let Some(key) = &policy.calendar
                && !self.calendars.contains_key(key)
            {
                errors.push(ValidationError::new(
                    at("calendar"),
                    format!(
                        "unknown calendar {key:?}{}",
                        did_you_mean(key, self.calendars.keys().map(String::as_str))
                    ),
                ));
            }
            if policy
                .targets
                .values()
                .all(|by_priority| by_priority.is_empty())
            {
                errors.push(ValidationError::new(at("targets"), "sets no target at all"));
            }
            for (j, warning) in policy.warnings.iter().enumerate() {
                if let Warning::Percent(p) = warning
                    && !(1..=99).contains(p)
                {
                    errors.push(ValidationError::new(
                        at(&format!("warnings[{j}]")),
                        format!("{p}% is not a warning threshold: use 1 to 99"),
                    ));
                }
            }
        }
    }
}

fn check_key(errors: &mut Vec<ValidationError>, path: String, key: &str) {
    let ok = key.len() <= 64
        && key.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !ok {
        errors.push(ValidationError::new(
            path,
            format!("{key:?} is not a key: use 1-64 characters of a-z, 0-9 and '_', starting with a letter"),
        ));
    }
}
