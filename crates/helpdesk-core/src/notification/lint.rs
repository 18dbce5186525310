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
                Audience::Assignee
                | Audience::GroupMembers
                | Audience::GroupManagers
                | Audience::Watchers => {}
            }
        }
        if let Some(template) = &rule.template {
            reference(
                out,
                at("template"),
                "template",
                template,
                config.templates.keys().map(String::as_str),
            );
        }
    }
    templates(config, out);
}

/// Reports templates with a bad key or locale, an empty subject or text, or
/// without the default locale, and a default locale or an agent's locale
/// that is not a language tag.
fn templates(config: &DeskConfig, out: &mut Vec<Diagnostic>) {
    if let Some(locale) = &config.default_locale {
        language_tag(out, "default_locale".into(), locale);
    }
    for (name, agent) in &config.agents {
        if let Some(locale) = &agent.locale {
            language_tag(out, format!("agents.{name}.locale"), locale);
        }
    }
    let default = config.locale();
    for (name, locales) in &config.templates {
        key(out, format!("templates.{name}"), name);
        if !locales.contains_key(default) {
            out.push(Diagnostic::error(
                format!("templates.{name}"),
                format!(
                    "has no {default:?} text, the default locale's: every other locale falls back to it"
                ),
            ));
        }
        for (locale, text) in locales {
            let at = format!("templates.{name}.{locale}");
            language_tag(out, at.clone(), locale);
            if text.subject.trim().is_empty() {
                out.push(Diagnostic::error(
                    format!("{at}.subject"),
                    "must not be empty",
                ));
            }
            if text.text.trim().is_empty() {
                out.push(Diagnostic::error(
                    format!("{at}.text"),
                    "must not be empty: every message has a plain text body",
                ));
            }
        }
    }
}

/// Reports `tag` unless it is a language tag such as `en`, `de-CH` or
/// `zh-Hant-TW`: a language of 2 or 3 letters, then subtags of 2 to 8
/// letters or digits.
fn language_tag(out: &mut Vec<Diagnostic>, path: String, tag: &str) {
    let mut parts = tag.split('-');
    let language = parts.next().unwrap_or_default();
    let ok = (2..=3).contains(&language.len())
        && language.chars().all(|c| c.is_ascii_alphabetic())
        && parts
            .all(|p| (2..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()));
    if !ok {
        out.push(Diagnostic::error(
            path,
            format!("{tag:?} is not a language tag such as \"en\" or \"de-CH\""),
        ));
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
