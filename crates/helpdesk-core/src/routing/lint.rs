//! Static checks on routing rules: references, and rules that can never
//! match or repeat another.

use crate::config::{DeskConfig, Diagnostic, reference};
use crate::routing::Condition;
use crate::routing::condition::TOO_DEEP;

/// Reports unknown groups, tiers, fields and calendars, bad tags and field
/// values, rules shadowed by an earlier stopping rule, and duplicates.
pub(crate) fn diagnose(config: &DeskConfig, out: &mut Vec<Diagnostic>) {
    let too_deep: Vec<bool> = config
        .routing_rules
        .iter()
        .map(|rule| rule.when.is_too_deep())
        .collect();
    for (i, rule) in config.routing_rules.iter().enumerate() {
        let at = |field: &str| format!("routing_rules[{i}].{field}");
        if rule.name.trim().is_empty() {
            out.push(Diagnostic::error(
                at("name"),
                "must not be empty: events name the rule that caused them",
            ));
        }
        if too_deep[i] {
            out.push(Diagnostic::error(at("when"), TOO_DEEP));
        } else {
            conditions(config, &rule.when, &at("when"), out);
        }
        let then = &rule.then;
        if let Some(group) = &then.group {
            reference(
                out,
                at("then.group"),
                "group",
                group,
                config.groups.keys().map(String::as_str),
            );
        }
        if let Some(tier) = &then.tier {
            reference(
                out,
                at("then.tier"),
                "tier",
                tier,
                config.tiers.iter().map(|t| t.key.as_str()),
            );
        }
        for (j, tag) in then.tags.iter().enumerate() {
            if let Err(e) = crate::tag::Tag::new_at(&at(&format!("then.tags[{j}]")), tag.clone()) {
                out.push(Diagnostic::error(e.field.into_owned(), e.reason));
            }
        }
        for (key, value) in &then.fields {
            let path = at(&format!("then.fields.{key}"));
            match config.field(key) {
                Some(def) if def.host_only => out.push(Diagnostic::error(
                    path,
                    format!("field {key:?} is host_only: only the host sets it, through Vouched"),
                )),
                Some(def) => {
                    if let Err(e) = def.check(&path, value) {
                        out.push(Diagnostic::error(e.field.into_owned(), e.reason));
                    }
                }
                None => reference(
                    out,
                    path,
                    "field",
                    key,
                    config.fields.iter().map(|f| f.key.as_str()),
                ),
            }
        }
        if then.assign.is_some()
            && then.group.is_none()
            && config.routing_rules[..i]
                .iter()
                .all(|r| r.then.group.is_none())
        {
            out.push(Diagnostic::warning(
                at("then.assign"),
                "assigns without a group: no earlier rule sets one, so only tickets already in a group get an assignee",
            ));
        }
        for (j, earlier) in config.routing_rules[..i].iter().enumerate() {
            if too_deep[i] || too_deep[j] {
                // Comparing two conditions recurses once per level.
                continue;
            }
            if earlier.when == rule.when && earlier.then == rule.then {
                out.push(Diagnostic::warning(
                    at("when"),
                    format!("duplicates routing_rules[{j}] ({:?})", earlier.name),
                ));
                break;
            }
            if earlier.stop && rule.when.implies(&earlier.when) {
                out.push(Diagnostic::warning(
                    at("when"),
                    format!(
                        "can never match: routing_rules[{j}] ({:?}) matches every ticket this rule matches, and stops",
                        earlier.name
                    ),
                ));
                break;
            }
        }
    }
}

fn conditions(config: &DeskConfig, condition: &Condition, path: &str, out: &mut Vec<Diagnostic>) {
    match condition {
        Condition::All(parts) | Condition::Any(parts) => {
            let word = if matches!(condition, Condition::All(_)) {
                "all"
            } else {
                "any"
            };
            if matches!(condition, Condition::Any(_)) && parts.is_empty() {
                out.push(Diagnostic::warning(
                    format!("{path}.any"),
                    "is empty and never holds",
                ));
            }
            for (i, part) in parts.iter().enumerate() {
                conditions(config, part, &format!("{path}.{word}[{i}]"), out);
            }
        }
        Condition::Not(part) => conditions(config, part, &format!("{path}.not"), out),
        Condition::Field(field) => {
            let at = format!("{path}.field");
            match config.field(&field.key) {
                Some(def) => {
                    if let Err(e) = def.check(&format!("{at}.equals"), &field.equals) {
                        out.push(Diagnostic::error(e.field.into_owned(), e.reason));
                    }
                }
                None => reference(
                    out,
                    format!("{at}.key"),
                    "field",
                    &field.key,
                    config.fields.iter().map(|f| f.key.as_str()),
                ),
            }
        }
        Condition::InHours(calendar) => reference(
            out,
            format!("{path}.in_hours"),
            "calendar",
            calendar,
            config.calendars.keys().map(String::as_str),
        ),
        _ => {}
    }
}
