//! Reading and parsing the files the commands are given: a desk
//! configuration and a new ticket, as TOML or JSON by their extension.

use std::fmt;
use std::path::Path;

use helpdesk_core::{DeskConfig, NewTicket};
use serde::de::DeserializeOwned;

/// The requester filled in when a ticket file names none: explaining a
/// ticket does not depend on who asked.
pub const PLACEHOLDER_REQUESTER: &str = "00000000-0000-4000-8000-000000000000";

/// Why a file could not be used: the message names the file, and for
/// syntax errors, type errors and unknown keys carries the parser's line
/// and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError(String);

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for LoadError {}

/// How a file is written, by its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Syntax {
    Toml,
    Json,
}

impl Syntax {
    fn of(path: &Path) -> Result<Self, LoadError> {
        let extension = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match extension.as_deref() {
            Some("toml") => Ok(Syntax::Toml),
            Some("json") => Ok(Syntax::Json),
            _ => Err(LoadError(format!(
                "{}: unknown file type: name it .toml or .json",
                path.display()
            ))),
        }
    }
}

fn read(path: &Path) -> Result<String, LoadError> {
    std::fs::read_to_string(path)
        .map_err(|e| LoadError(format!("{}: cannot read: {e}", path.display())))
}

/// Parses `text` as a `T`. Errors, an unknown key among them, carry the
/// parser's line and column.
fn parse<T: DeserializeOwned>(path: &Path, syntax: Syntax, text: &str) -> Result<T, LoadError> {
    let parsed = match syntax {
        Syntax::Toml => toml::from_str(text).map_err(|e| e.to_string()),
        Syntax::Json => serde_json::from_str(text).map_err(|e| e.to_string()),
    };
    parsed.map_err(|message| LoadError(format!("{}: {}", path.display(), message.trim_end())))
}

/// Reads the desk configuration at `path`.
pub fn config(path: &Path) -> Result<DeskConfig, LoadError> {
    parse(path, Syntax::of(path)?, &read(path)?)
}

/// Reads the new ticket at `path`; a missing `requester` is filled with
/// [`PLACEHOLDER_REQUESTER`].
pub fn ticket(path: &Path) -> Result<NewTicket, LoadError> {
    let syntax = Syntax::of(path)?;
    let text = read(path)?;
    match parse(path, syntax, &text) {
        Err(error) if error.0.contains("missing field `requester`") => {
            with_placeholder(syntax, &text).ok_or(error)
        }
        other => other,
    }
}

/// The ticket of `text` with the placeholder requester, when the text is a
/// table that names no requester and is otherwise a valid ticket.
fn with_placeholder(syntax: Syntax, text: &str) -> Option<NewTicket> {
    let requester = PLACEHOLDER_REQUESTER.to_owned();
    match syntax {
        Syntax::Json => {
            let mut value: serde_json::Value = serde_json::from_str(text).ok()?;
            let object = value.as_object_mut()?;
            object
                .entry("requester")
                .or_insert(serde_json::Value::String(requester));
            serde_json::from_value(value).ok()
        }
        Syntax::Toml => {
            let mut table: toml::Table = toml::from_str(text).ok()?;
            table
                .entry("requester")
                .or_insert(toml::Value::String(requester));
            table.try_into().ok()
        }
    }
}
