//! Checks on the plain parts of a configuration: statuses, fields,
//! calendars, the directory of groups and agents, and SLA policies.

use std::collections::BTreeSet;

use crate::calendar::Calendar;
use crate::config::{DeskConfig, Diagnostic};
use crate::field::FieldKind;
use crate::sla::{SlaPolicy, Span, Warning};
use crate::status::StatusCategory;
use crate::suggest::did_you_mean;

/// Reports `key` unless it is 1-64 characters of a-z, 0-9 and '_',
/// starting with a letter.
pub(crate) fn key(out: &mut Vec<Diagnostic>, path: String, key: &str) {
    let ok = key.len() <= 64
        && key.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !ok {
        out.push(Diagnostic::error(
            path,
            format!("{key:?} is not a key: use 1-64 characters of a-z, 0-9 and '_', starting with a letter"),
        ));
    }
}

/// Reports a reference to an unknown `what`, suggesting the closest known
/// key.
pub(crate) fn reference<'a>(
    out: &mut Vec<Diagnostic>,
    path: String,
    what: &str,
    key: &str,
    known: impl Iterator<Item = &'a str> + Clone,
) {
    if !known.clone().any(|k| k == key) {
        out.push(Diagnostic::error(
            path,
            format!("unknown {what} {key:?}{}", did_you_mean(key, known)),
        ));
    }
}

/// Reports a rule's name when it is blank (`why` says what needs it) or
/// already in `seen`, and adds it to `seen`.
pub(crate) fn rule_name<'a>(
    out: &mut Vec<Diagnostic>,
    path: String,
    name: &'a str,
    seen: &mut BTreeSet<&'a str>,
    why: &str,
) {
    if name.trim().is_empty() {
        out.push(Diagnostic::error(path, format!("must not be empty: {why}")));
    } else if !seen.insert(name) {
        out.push(Diagnostic::error(
            path,
            format!("{name:?} is used by another rule"),
        ));
    }
}

pub(crate) fn statuses(config: &DeskConfig, out: &mut Vec<Diagnostic>) {
    let mut seen = BTreeSet::new();
    for (i, def) in config.statuses.iter().enumerate() {
        key(out, format!("statuses[{i}].key"), &def.key);
        if !seen.insert(def.key.as_str()) {
            out.push(Diagnostic::error(
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
            out.push(Diagnostic::error(
                format!("statuses[{i}].category"),
                format!(
                    "a sub-status must belong to open, pending, on_hold or resolved, not {}",
                    def.category
                ),
            ));
        }
    }
}

pub(crate) fn fields(config: &DeskConfig, out: &mut Vec<Diagnostic>) {
    let mut seen = BTreeSet::new();
    for (i, def) in config.fields.iter().enumerate() {
        key(out, format!("fields[{i}].key"), &def.key);
        if !seen.insert(def.key.as_str()) {
            out.push(Diagnostic::error(
                format!("fields[{i}].key"),
                format!("{:?} is defined twice", def.key),
            ));
        }
        if def.host_only && def.requester_editable {
            out.push(Diagnostic::error(
                format!("fields[{i}].host_only"),
                "a host_only field cannot be requester_editable: only the host sets it",
            ));
        }
        match &def.kind {
            FieldKind::Choice { options } | FieldKind::Choices { options } => {
                if options.is_empty() {
                    out.push(Diagnostic::error(
                        format!("fields[{i}].kind.options"),
                        "a choice field needs at least one option",
                    ));
                }
                let unique: BTreeSet<&String> = options.iter().collect();
                if unique.len() != options.len() {
                    out.push(Diagnostic::error(
                        format!("fields[{i}].kind.options"),
                        "lists an option twice",
                    ));
                }
            }
            FieldKind::Integer {
                min: Some(min),
                max: Some(max),
            } if min > max => out.push(Diagnostic::error(
                format!("fields[{i}].kind"),
                format!("min {min} is greater than max {max}"),
            )),
            _ => {}
        }
    }
}

/// Warns about calendars that only dated exceptions open: after the last
/// of them, they are never open.
pub(crate) fn calendars(config: &DeskConfig, out: &mut Vec<Diagnostic>) {
    for (name, calendar) in &config.calendars {
        if calendar.weekly_hours().is_zero()
            && let Some(last) = calendar.last_dated_opening()
        {
            out.push(Diagnostic::warning(
                format!("calendars.{name}.week"),
                format!(
                    "has no weekly hours: only dated exceptions open the calendar, and after {last} it is never open; add weekly hours"
                ),
            ));
        }
    }
}

pub(crate) fn directory(config: &DeskConfig, out: &mut Vec<Diagnostic>) {
    let agents = || config.agents.keys().map(String::as_str);
    let groups = || config.groups.keys().map(String::as_str);
    let mut ids = BTreeSet::new();
    for (name, group) in &config.groups {
        key(out, format!("groups.{name}"), name);
        if !ids.insert(group.id.as_uuid()) {
            out.push(Diagnostic::error(
                format!("groups.{name}.id"),
                format!("id {} is used by another group", group.id),
            ));
        }
        for (i, manager) in group.managers.iter().enumerate() {
            reference(
                out,
                format!("groups.{name}.managers[{i}]"),
                "agent",
                manager,
                agents(),
            );
        }
    }
    let mut ids = BTreeSet::new();
    for (name, agent) in &config.agents {
        key(out, format!("agents.{name}"), name);
        if !ids.insert(agent.id.as_uuid()) {
            out.push(Diagnostic::error(
                format!("agents.{name}.id"),
                format!("id {} is used by another agent", agent.id),
            ));
        }
        for (i, group) in agent.groups.iter().enumerate() {
            reference(
                out,
                format!("agents.{name}.groups[{i}]"),
                "group",
                group,
                groups(),
            );
        }
        if let Some(calendar) = &agent.calendar {
            reference(
                out,
                format!("agents.{name}.calendar"),
                "calendar",
                calendar,
                config.calendars.keys().map(String::as_str),
            );
        }
        if agent.capacity == 0 {
            out.push(Diagnostic::warning(
                format!("agents.{name}.capacity"),
                "is 0: the agent is never assigned a ticket",
            ));
        }
    }
}

pub(crate) fn sla(config: &DeskConfig, out: &mut Vec<Diagnostic>) {
    let mut seen = BTreeSet::new();
    for (i, policy) in config.sla_policies.iter().enumerate() {
        let at = |field: &str| format!("sla_policies[{i}].{field}");
        key(out, at("key"), &policy.key);
        if !seen.insert(policy.key.as_str()) {
            out.push(Diagnostic::error(
                at("key"),
                format!("{:?} is defined twice", policy.key),
            ));
        }
        if let Some(calendar) = &policy.calendar {
            reference(
                out,
                at("calendar"),
                "calendar",
                calendar,
                config.calendars.keys().map(String::as_str),
            );
            if let Some(found) = config.calendars.get(calendar) {
                reachable_targets(out, &at, policy, calendar, found);
            }
        }
        for (j, group) in policy.when.groups.iter().enumerate() {
            reference(
                out,
                at(&format!("when.groups[{j}]")),
                "group",
                group,
                config.groups.keys().map(String::as_str),
            );
        }
        for key in policy.when.fields.keys() {
            reference(
                out,
                at(&format!("when.fields.{key}")),
                "field",
                key,
                config.fields.iter().map(|f| f.key.as_str()),
            );
        }
        if policy
            .targets
            .values()
            .all(|by_priority| by_priority.is_empty())
        {
            out.push(Diagnostic::error(at("targets"), "sets no target at all"));
        }
        for (j, warning) in policy.warnings.iter().enumerate() {
            if let Warning::Before(span) = warning
                && let Some((metric, priority, target)) = policy
                    .targets
                    .iter()
                    .flat_map(|(m, by)| by.iter().map(move |(p, t)| (m, p, t)))
                    .find(|(_, _, target)| *target <= span)
            {
                out.push(Diagnostic::warning(
                    at(&format!("warnings[{j}]")),
                    format!(
                        "{span} before breach is due the moment the clock starts for {metric} at {priority} (target {target})"
                    ),
                ));
            }
            if let Warning::Percent(p) = warning
                && !(1..=99).contains(p)
            {
                out.push(Diagnostic::error(
                    at(&format!("warnings[{j}]")),
                    format!("{p}% is not a warning threshold: use 1 to 99"),
                ));
            }
        }
    }
    if let Some(i) = config
        .sla_policies
        .iter()
        .position(|p| p.when == Default::default())
        .filter(|i| i + 1 < config.sla_policies.len())
    {
        out.push(Diagnostic::warning(
            format!("sla_policies[{}]", i + 1),
            format!(
                "can never apply: sla_policies[{i}] ({:?}) has no conditions and matches every ticket first",
                config.sla_policies[i].key
            ),
        ));
    }
}

/// Reports targets a clock on `calendar` might not reach: all of them when
/// the calendar has no weekly hours, else those longer than the business
/// time it surely provides within the 400 years a deadline is searched.
fn reachable_targets(
    out: &mut Vec<Diagnostic>,
    at: &dyn Fn(&str) -> String,
    policy: &SlaPolicy,
    name: &str,
    calendar: &Calendar,
) {
    if calendar.weekly_hours().is_zero() {
        let last = calendar
            .last_dated_opening()
            .map_or_else(String::new, |date| format!(", the last on {date}"));
        out.push(Diagnostic::error(
            at("calendar"),
            format!(
                "calendar {name:?} (calendars.{name}) has no weekly hours, only dated exceptions{last}: a clock started after them never falls due; add weekly hours to the calendar or count this policy on another"
            ),
        ));
        return;
    }
    let assured = calendar.assured_business_time();
    let weekly = Span::from_seconds(calendar.weekly_hours().num_seconds())
        .map_or_else(String::new, |span| format!(" ({span} a week)"));
    for (metric, by_priority) in &policy.targets {
        for (priority, target) in by_priority {
            if target.as_delta() > assured {
                out.push(Diagnostic::error(
                    at(&format!("targets.{metric}.{priority}")),
                    format!(
                        "{target} of business time on calendar {name:?}{weekly} may not be reached within 400 years; use a shorter target or give the calendar more weekly hours"
                    ),
                ));
            }
        }
    }
}
