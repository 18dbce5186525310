//! Checks on notification rules and endpoints.

use std::collections::BTreeSet;
use std::fmt::Display;

use crate::actor::Role;
use crate::config::{DeskConfig, Diagnostic, key, reference, rule_name};
use crate::notification::Audience;

/// Reports endpoints without a target or with a bad key, and rules with
/// no name or a name used before, nothing to fire on or nobody to tell,
/// unknown endpoints or endpoints of another channel, a template that is
/// not a key, or the requester among those told of events requesters may
/// not see.
pub(crate) fn diagnose(config: &DeskConfig, out: &mut Vec<Diagnostic>) {
    for (name, endpoint) in &config.endpoints {
        key(out, format!("endpoints.{name}"), name);
        if endpoint.target.trim().is_empty() {
            out.push(Diagnostic::error(
                format!("endpoints.{name}.target"),
                format!("must not be empty: say where {} delivers", endpoint.via),
            ));
        }
    }
    let mut names = BTreeSet::new();
    for (i, rule) in config.notification_rules.iter().enumerate() {
        let at = |field: &str| format!("notification_rules[{i}].{field}");
        rule_name(
            out,
            at("name"),
            &rule.name,
            &mut names,
            "deliveries name the rule that planned them",
        );
        if rule.on.is_empty() {
            out.push(Diagnostic::error(
                at("on"),
                "lists no event: the rule never fires",
            ));
        }
        if rule.to.is_empty() {
            out.push(Diagnostic::error(
                at("to"),
                "names nobody: the rule never sends anything",
            ));
        }
        repeats(out, &at, "on", "lists", &rule.on);
        repeats(out, &at, "to", "names", &rule.to);
        for (j, to) in rule.to.iter().enumerate() {
            match to {
                Audience::Requester => {
                    for hidden in rule
                        .on
                        .iter()
                        .filter(|on| !on.is_visible_to(Role::Requester))
                        .collect::<BTreeSet<_>>()
                    {
                        out.push(Diagnostic::error(
                            at(&format!("to[{j}]")),
                            format!(
                                "a requester is never sent {}: remove \"requester\" from to, or {hidden} from on",
                                hidden.with_article()
                            ),
                        ));
                    }
                }
                Audience::Endpoint(endpoint) => {
                    let path = at(&format!("to[{j}].endpoint"));
                    match config.endpoints.get(endpoint) {
                        Some(def) if def.via != rule.via => out.push(Diagnostic::error(
                            path,
                            format!(
                                "endpoint {endpoint:?} takes {} (endpoints.{endpoint}.via), but the rule sends by {}",
                                def.via, rule.via
                            ),
                        )),
                        Some(_) => {}
                        None => reference(
                            out,
                            path,
                            "endpoint",
                            endpoint,
                            config.endpoints.keys().map(String::as_str),
                        ),
                    }
                }
                Audience::Assignee | Audience::GroupMembers | Audience::GroupManagers => {}
            }
        }
        if let Some(template) = &rule.template {
            key(out, at("template"), template);
        }
    }
}

/// Warns about each entry of `items` (the rule's `field`) that repeats an
/// earlier one.
fn repeats<T: Ord + Display>(
    out: &mut Vec<Diagnostic>,
    at: &dyn Fn(&str) -> String,
    field: &str,
    verb: &str,
    items: &[T],
) {
    let mut seen = BTreeSet::new();
    for (j, item) in items.iter().enumerate() {
        if !seen.insert(item) {
            out.push(Diagnostic::warning(
                at(&format!("{field}[{j}]")),
                format!("{verb} {item} twice"),
            ));
        }
    }
}
