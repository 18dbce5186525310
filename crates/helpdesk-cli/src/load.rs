//! Reading and parsing the files the commands are given: a desk
//! configuration and a new ticket, as TOML or JSON by their extension.

use std::fmt;
use std::path::Path;

use helpdesk_core::config::Diagnostic;
use helpdesk_core::suggest::closest;
use helpdesk_core::{DeskConfig, NewTicket};
use serde::de::DeserializeOwned;

/// The requester filled in when a ticket file names none: explaining a
/// ticket does not depend on who asked.
pub const PLACEHOLDER_REQUESTER: &str = "00000000-0000-4000-8000-000000000000";

/// Why a file could not be used: the message names the file, and for
/// syntax and type errors carries the parser's line and column.
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

/// Parses `text`, calling `ignored` with the path of every key that `T`
/// does not know (and would silently ignore).
fn parse_noting<T: DeserializeOwned>(
    path: &Path,
    syntax: Syntax,
    text: &str,
    mut ignored: impl FnMut(Vec<Segment>),
) -> Result<T, LoadError> {
    let failed = |message: String| LoadError(format!("{}: {}", path.display(), message.trim_end()));
    let note = |p: serde_ignored::Path<'_>| ignored(segments(&p));
    match syntax {
        Syntax::Toml => serde_ignored::deserialize(toml::Deserializer::new(text), note)
            .map_err(|e| failed(e.to_string())),
        Syntax::Json => {
            let mut de = serde_json::Deserializer::from_str(text);
            let value =
                serde_ignored::deserialize(&mut de, note).map_err(|e| failed(e.to_string()))?;
            de.end().map_err(|e| failed(e.to_string()))?;
            Ok(value)
        }
    }
}

/// One step of a path into a configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Key(String),
    Index(usize),
}

fn segments(path: &serde_ignored::Path<'_>) -> Vec<Segment> {
    use serde_ignored::Path as P;
    match path {
        P::Root => Vec::new(),
        P::Seq { parent, index } => {
            let mut out = segments(parent);
            out.push(Segment::Index(*index));
            out
        }
        P::Map { parent, key } => {
            let mut out = segments(parent);
            out.push(Segment::Key(key.clone()));
            out
        }
        P::Some { parent } | P::NewtypeStruct { parent } | P::NewtypeVariant { parent } => {
            segments(parent)
        }
    }
}

/// `routing_rules[3].then.group`, as diagnostics write paths.
fn display(path: &[Segment]) -> String {
    let mut out = String::new();
    for segment in path {
        match segment {
            Segment::Key(key) if out.is_empty() => out.push_str(key),
            Segment::Key(key) => {
                out.push('.');
                out.push_str(key);
            }
            Segment::Index(index) => out.push_str(&format!("[{index}]")),
        }
    }
    out
}

/// A warning for the unknown key at `path`, with the closest known key at
/// the same place in `known` (the configuration as read) if one is near.
fn unknown_key(path: &[Segment], known: &serde_json::Value) -> Diagnostic {
    let Some((Segment::Key(key), parent)) = path.split_last() else {
        return Diagnostic::warning(display(path), "is not a known key and is ignored");
    };
    let mut place = Some(known);
    for segment in parent {
        place = match segment {
            Segment::Key(k) => place.and_then(|v| v.get(k)),
            Segment::Index(i) => place.and_then(|v| v.get(i)),
        };
    }
    let hint = place
        .and_then(serde_json::Value::as_object)
        .and_then(|fields| closest(key, fields.keys().map(String::as_str)))
        .map(|near| format!(" (did you mean {near:?}?)"))
        .unwrap_or_default();
    Diagnostic::warning(
        display(path),
        format!("unknown key {key:?} is ignored{hint}"),
    )
}

/// Reads the desk configuration at `path`, with a warning for every key
/// it does not know (a misspelt key is otherwise silently ignored).
pub fn config(path: &Path) -> Result<(DeskConfig, Vec<Diagnostic>), LoadError> {
    let syntax = Syntax::of(path)?;
    let mut ignored = Vec::new();
    let config: DeskConfig = parse_noting(path, syntax, &read(path)?, |p| ignored.push(p))?;
    let warnings = if ignored.is_empty() {
        Vec::new()
    } else {
        let known = serde_json::to_value(&config).unwrap_or_default();
        ignored.iter().map(|p| unknown_key(p, &known)).collect()
    };
    Ok((config, warnings))
}

/// Reads the new ticket at `path`, with a warning for every key it does
/// not know; a missing `requester` is filled with [`PLACEHOLDER_REQUESTER`].
pub fn ticket(path: &Path) -> Result<(NewTicket, Vec<Diagnostic>), LoadError> {
    let syntax = Syntax::of(path)?;
    let text = read(path)?;
    let mut ignored = Vec::new();
    let new = match parse_noting::<NewTicket>(path, syntax, &text, |p| ignored.push(p)) {
        Err(error) if error.0.contains("missing field `requester`") => {
            with_placeholder(syntax, &text).ok_or(error)
        }
        other => other,
    }?;
    let known = serde_json::to_value(&new).unwrap_or_default();
    let warnings = ignored.iter().map(|p| unknown_key(p, &known)).collect();
    Ok((new, warnings))
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
