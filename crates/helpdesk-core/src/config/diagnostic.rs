//! [`Diagnostic`]: one problem found in a desk configuration.

use std::fmt;

use serde::Serialize;

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The configuration cannot be used.
    Error,
    /// The configuration works, but probably not as meant (a rule that can
    /// never match, a duplicate).
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// One problem in a desk configuration: where (a path such as
/// `routing_rules[3].then.group`), how bad, and what is wrong, with a
/// suggestion where there is one.
///
/// ```
/// use helpdesk_core::config::{Diagnostic, Severity};
/// let d = Diagnostic::error("routing_rules[3].then.group", r#"unknown group "netwrok" (did you mean "network"?)"#);
/// assert_eq!(d.severity, Severity::Error);
/// assert_eq!(d.to_string(), r#"routing_rules[3].then.group: unknown group "netwrok" (did you mean "network"?)"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// How bad.
    pub severity: Severity,
    /// Where, as a path into the configuration.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl Diagnostic {
    /// An error at `path`.
    pub fn error(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            path: path.into(),
            message: message.into(),
        }
    }

    /// A warning at `path`.
    pub fn warning(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            path: path.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

impl std::error::Error for Diagnostic {}
