//! [`StatusDef`]: a host-defined sub-status.

use serde::{Deserialize, Serialize};

use crate::status::StatusCategory;

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
#[serde(deny_unknown_fields)]
pub struct StatusDef {
    /// The key commands and tickets use, such as `"awaiting_parts"`.
    pub key: String,
    /// The name shown to people.
    pub label: String,
    /// The category it belongs to: open, pending, on_hold or resolved.
    pub category: StatusCategory,
}
