//! Typed custom fields: the host defines them ([`FieldDef`]) in the desk
//! configuration, tickets hold their [`FieldValue`]s.

use std::collections::BTreeSet;
use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::ValidationError;

/// A custom field's value.
///
/// ```
/// use helpdesk_core::FieldValue;
/// let v: FieldValue = serde_json::from_str(r#"{"choice":"berlin"}"#).unwrap();
/// assert_eq!(v, FieldValue::Choice("berlin".into()));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum FieldValue {
    /// Free text.
    Text(String),
    /// A whole number.
    Integer(i64),
    /// Yes or no.
    Bool(bool),
    /// A calendar date.
    Date(NaiveDate),
    /// One option of a drop-down.
    Choice(String),
    /// Several options of a multi-select.
    Choices(BTreeSet<String>),
}

impl FieldValue {
    /// The bytes of text the value holds (the sum for a multi-select; a
    /// number, a date or a yes/no holds none), as
    /// [`Limits::field_value_max_bytes`](crate::config::Limits::field_value_max_bytes)
    /// counts them.
    pub(crate) fn text_bytes(&self) -> usize {
        match self {
            FieldValue::Text(text) | FieldValue::Choice(text) => text.len(),
            FieldValue::Choices(choices) => choices.iter().map(String::len).sum(),
            FieldValue::Integer(_) | FieldValue::Bool(_) | FieldValue::Date(_) => 0,
        }
    }

    fn type_name(&self) -> &'static str {
        match self {
            FieldValue::Text(_) => "text",
            FieldValue::Integer(_) => "integer",
            FieldValue::Bool(_) => "bool",
            FieldValue::Date(_) => "date",
            FieldValue::Choice(_) => "choice",
            FieldValue::Choices(_) => "choices",
        }
    }
}

/// The type of a custom field and its constraints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FieldKind {
    /// Free text of at most `max_chars` characters.
    Text {
        /// The longest value, in characters.
        #[serde(default = "default_text_max")]
        max_chars: usize,
    },
    /// A whole number, optionally bounded (inclusive).
    Integer {
        /// The smallest value allowed.
        #[serde(default)]
        min: Option<i64>,
        /// The largest value allowed.
        #[serde(default)]
        max: Option<i64>,
    },
    /// Yes or no.
    Bool,
    /// A calendar date.
    Date,
    /// Exactly one of `options`.
    Choice {
        /// The allowed values.
        options: Vec<String>,
    },
    /// Any subset of `options`.
    Choices {
        /// The allowed values.
        options: Vec<String>,
    },
}

fn default_text_max() -> usize {
    1000
}

/// A custom field the desk defines.
///
/// ```
/// use helpdesk_core::{FieldDef, FieldValue};
///
/// let def: FieldDef = serde_json::from_str(
///     r#"{"key":"site","label":"Site","kind":{"type":"choice","options":["berlin","nyc"]}}"#,
/// ).unwrap();
/// assert!(def.check("fields.site", &FieldValue::Choice("nyc".into())).is_ok());
/// let err = def.check("fields.site", &FieldValue::Choice("paris".into())).unwrap_err();
/// assert_eq!(err.to_string(), r#"fields.site: "paris" is not one of the options: berlin, nyc"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldDef {
    /// The key tickets and commands use, such as `"site"`.
    pub key: String,
    /// The name shown to people.
    pub label: String,
    /// The type and its constraints.
    pub kind: FieldKind,
    /// Whether requesters may set it on their own tickets (agents always may).
    #[serde(default)]
    pub requester_editable: bool,
    /// Whether only the host sets it, through the facts it vouches for
    /// ([`Vouched::fields`](crate::Vouched::fields)) when a ticket opens.
    /// No actor, the system included, may set it in a `NewTicket` or with
    /// `SetField`, and no routing rule may set it: it holds what the host's
    /// own records say (a customer's plan, say), so SLA policies and
    /// routing rules can trust it. Cannot be combined with
    /// `requester_editable`.
    #[serde(default)]
    pub host_only: bool,
}

impl FieldDef {
    /// Checks that `value` fits this field; the error names `path`.
    pub fn check(&self, path: &str, value: &FieldValue) -> Result<(), ValidationError> {
        let mismatch = || {
            ValidationError::new(
                path.to_owned(),
                format!(
                    "expected a {} value, got {}",
                    kind_name(&self.kind),
                    value.type_name()
                ),
            )
        };
        match (&self.kind, value) {
            (FieldKind::Text { max_chars }, FieldValue::Text(text)) => {
                let len = text.chars().count();
                if len > *max_chars {
                    return Err(ValidationError::new(
                        path.to_owned(),
                        format!("is {len} characters long; the limit is {max_chars}"),
                    ));
                }
                Ok(())
            }
            (FieldKind::Integer { min, max }, FieldValue::Integer(n)) => {
                if let Some(min) = min.filter(|min| n < min) {
                    return Err(ValidationError::new(
                        path.to_owned(),
                        format!("{n} is below the minimum {min}"),
                    ));
                }
                if let Some(max) = max.filter(|max| n > max) {
                    return Err(ValidationError::new(
                        path.to_owned(),
                        format!("{n} is above the maximum {max}"),
                    ));
                }
                Ok(())
            }
            (FieldKind::Bool, FieldValue::Bool(_)) | (FieldKind::Date, FieldValue::Date(_)) => {
                Ok(())
            }
            (FieldKind::Choice { options }, FieldValue::Choice(choice)) => {
                check_option(path, options, choice)
            }
            (FieldKind::Choices { options }, FieldValue::Choices(choices)) => choices
                .iter()
                .try_for_each(|choice| check_option(path, options, choice)),
            _ => Err(mismatch()),
        }
    }
}

fn kind_name(kind: &FieldKind) -> &'static str {
    match kind {
        FieldKind::Text { .. } => "text",
        FieldKind::Integer { .. } => "integer",
        FieldKind::Bool => "bool",
        FieldKind::Date => "date",
        FieldKind::Choice { .. } => "choice",
        FieldKind::Choices { .. } => "choices",
    }
}

fn check_option(path: &str, options: &[String], choice: &str) -> Result<(), ValidationError> {
    if options.iter().any(|o| o == choice) {
        Ok(())
    } else {
        Err(ValidationError::new(
            path.to_owned(),
            format!(
                "{choice:?} is not one of the options: {}",
                options.join(", ")
            ),
        ))
    }
}

impl fmt::Display for FieldValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FieldValue::Text(text) | FieldValue::Choice(text) => write!(f, "{text:?}"),
            FieldValue::Integer(n) => write!(f, "{n}"),
            FieldValue::Bool(b) => write!(f, "{b}"),
            FieldValue::Date(d) => write!(f, "{d}"),
            FieldValue::Choices(choices) => {
                let list: Vec<&str> = choices.iter().map(String::as_str).collect();
                write!(f, "[{}]", list.join(", "))
            }
        }
    }
}
