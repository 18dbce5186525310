//! Checks on the free text commands carry: subjects, bodies, reasons,
//! facts.

use crate::config::Limits;
use crate::error::ValidationError;

/// A subject: trimmed, not empty, within the limit, one line.
pub(crate) fn subject(value: &str, limits: &Limits) -> Result<String, ValidationError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(ValidationError::new("subject", "must not be empty"));
    }
    let len = value.chars().count();
    if len > limits.subject_max_chars {
        return Err(ValidationError::new(
            "subject",
            format!(
                "is {len} characters long; the limit is {}",
                limits.subject_max_chars
            ),
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(ValidationError::new(
            "subject",
            "must be one line without control characters",
        ));
    }
    Ok(value.to_owned())
}

/// A body (description, reply, note, note of a resolution, reason): within
/// the byte limit, no NUL characters (databases refuse them), and, unless
/// `may_be_empty`, not blank.
pub(crate) fn body(
    field: &'static str,
    value: &str,
    limits: &Limits,
    may_be_empty: bool,
) -> Result<(), ValidationError> {
    if !may_be_empty && value.trim().is_empty() {
        return Err(ValidationError::new(field, "must not be empty"));
    }
    if value.len() > limits.body_max_bytes {
        return Err(ValidationError::new(
            field,
            format!(
                "is {} bytes long; the limit is {} bytes",
                value.len(),
                limits.body_max_bytes
            ),
        ));
    }
    if value.contains('\0') {
        return Err(ValidationError::new(
            field,
            "must not contain NUL characters",
        ));
    }
    Ok(())
}

/// A fact a ticket records about its requester (organization, email
/// address): within `field_value_max_bytes`.
pub(crate) fn fact(
    field: &'static str,
    value: &str,
    limits: &Limits,
) -> Result<(), ValidationError> {
    if value.len() > limits.field_value_max_bytes {
        return Err(ValidationError::new(
            field,
            format!(
                "is {} bytes long; limits.field_value_max_bytes allows {}",
                value.len(),
                limits.field_value_max_bytes
            ),
        ));
    }
    Ok(())
}
