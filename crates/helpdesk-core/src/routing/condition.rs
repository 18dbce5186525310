//! [`Condition`]: what a routing rule asks of a ticket.

use serde::{Deserialize, Serialize};

use crate::channel::Channel;
use crate::field::FieldValue;
use crate::priority::Priority;
use crate::routing::{Facts, Keywords};
use crate::ticket_type::TicketType;

/// A custom field condition: the field has exactly this value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldIs {
    /// The field's key.
    pub key: String,
    /// The value it must have.
    pub equals: FieldValue,
}

/// A condition on a ticket, combined with `all`, `any` and `not`. In JSON
/// or TOML each condition is a one-key table:
///
/// ```
/// use helpdesk_core::routing::Condition;
/// let when: Condition = serde_json::from_str(r#"{"all": [
///     {"channel": ["email", "portal"]},
///     {"any": [{"subject_has": ["vpn"]}, {"tag": ["network"]}]},
///     {"not": {"requester_domain": ["contractor.example"]}}
/// ]}"#).unwrap();
/// assert!(matches!(when, Condition::All(ref parts) if parts.len() == 3));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    /// Every part holds (an empty list always holds).
    All(Vec<Condition>),
    /// At least one part holds (an empty list never holds).
    Any(Vec<Condition>),
    /// The part does not hold.
    Not(Box<Condition>),
    /// The ticket came in through one of these channels.
    Channel(Vec<Channel>),
    /// The ticket is of one of these types.
    TicketType(Vec<TicketType>),
    /// The subject contains one of these keywords.
    SubjectHas(Keywords),
    /// The description contains one of these keywords.
    DescriptionHas(Keywords),
    /// The subject or the description contains one of these keywords.
    TextHas(Keywords),
    /// The requester's email address is at one of these domains (or a
    /// subdomain of one).
    RequesterDomain(Keywords),
    /// The requester belongs to one of these organisations.
    Organization(Vec<String>),
    /// The ticket has one of these tags.
    Tag(Vec<String>),
    /// The ticket has one of these priorities.
    Priority(Vec<Priority>),
    /// A custom field has a value.
    Field(FieldIs),
    /// The ticket was opened within the working hours of this calendar.
    InHours(String),
}

impl Default for Condition {
    fn default() -> Self {
        Condition::All(Vec::new())
    }
}

impl Condition {
    /// Whether the condition holds for the ticket.
    pub fn matches(&self, facts: &Facts<'_>) -> bool {
        let ticket = facts.ticket;
        match self {
            Condition::All(parts) => parts.iter().all(|c| c.matches(facts)),
            Condition::Any(parts) => parts.iter().any(|c| c.matches(facts)),
            Condition::Not(part) => !part.matches(facts),
            Condition::Channel(channels) => channels.contains(&ticket.channel()),
            Condition::TicketType(types) => types.contains(&ticket.ticket_type()),
            Condition::SubjectHas(words) => words.any_in(&facts.subject),
            Condition::DescriptionHas(words) => words.any_in(&facts.description),
            Condition::TextHas(words) => {
                words.any_in(&facts.subject) || words.any_in(&facts.description)
            }
            Condition::RequesterDomain(domains) => facts
                .domain
                .as_deref()
                .is_some_and(|d| in_domains(domains, d)),
            Condition::Organization(orgs) => ticket
                .organization()
                .is_some_and(|org| orgs.iter().any(|o| o == org)),
            Condition::Tag(tags) => ticket
                .tags()
                .iter()
                .any(|t| tags.iter().any(|wanted| wanted == t.as_str())),
            Condition::Priority(priorities) => priorities.contains(&ticket.priority()),
            Condition::Field(field) => ticket.fields().get(&field.key) == Some(&field.equals),
            Condition::InHours(calendar) => facts
                .config
                .calendars
                .get(calendar)
                .is_some_and(|c| c.is_open(ticket.created_at())),
        }
    }

    /// Whether the condition holds, and why, in words: for `helpdesk
    /// explain`.
    pub fn explain(&self, facts: &Facts<'_>) -> (bool, String) {
        let ticket = facts.ticket;
        let held = self.matches(facts);
        let yes_no = if held { "yes" } else { "no" };
        let why = match self {
            Condition::All(parts) if parts.is_empty() => "always".to_owned(),
            Condition::All(parts) | Condition::Any(parts) => {
                let word = if matches!(self, Condition::All(_)) {
                    "all"
                } else {
                    "any"
                };
                let inner: Vec<String> = parts.iter().map(|p| p.explain(facts).1).collect();
                format!("{word} of [{}]: {yes_no}", inner.join("; "))
            }
            Condition::Not(part) => format!("not ({}): {yes_no}", part.explain(facts).1),
            Condition::Channel(list) => {
                format!(
                    "channel {} in [{}]: {yes_no}",
                    ticket.channel(),
                    names(list)
                )
            }
            Condition::TicketType(list) => {
                format!(
                    "type {} in [{}]: {yes_no}",
                    ticket.ticket_type(),
                    names(list)
                )
            }
            Condition::SubjectHas(words) => found("subject", words, &facts.subject),
            Condition::DescriptionHas(words) => found("description", words, &facts.description),
            Condition::TextHas(words) => {
                let hit = words
                    .first_in(&facts.subject)
                    .or_else(|| words.first_in(&facts.description));
                match hit {
                    Some(word) => format!("text has {word:?}: yes"),
                    None => format!("text has none of {:?}: no", words.as_slice()),
                }
            }
            Condition::RequesterDomain(domains) => format!(
                "requester domain {} in {:?}: {yes_no}",
                facts.domain.as_deref().unwrap_or("(none)"),
                domains.as_slice()
            ),
            Condition::Organization(list) => format!(
                "organization {} in {list:?}: {yes_no}",
                ticket.organization().unwrap_or("(none)")
            ),
            Condition::Tag(list) => format!("a tag in {list:?}: {yes_no}"),
            Condition::Priority(list) => {
                format!(
                    "priority {} in [{}]: {yes_no}",
                    ticket.priority(),
                    names(list)
                )
            }
            Condition::Field(field) => format!(
                "field {} = {}: {yes_no} (it is {})",
                field.key,
                field.equals,
                ticket
                    .fields()
                    .get(&field.key)
                    .map_or("unset".to_owned(), ToString::to_string)
            ),
            Condition::InHours(calendar) => format!(
                "opened within {calendar} hours ({}): {yes_no}",
                ticket.created_at().format("%Y-%m-%d %H:%M UTC")
            ),
        };
        (held, why)
    }

    /// Whether the condition holds for every ticket (no condition at all).
    pub fn is_always(&self) -> bool {
        match self {
            Condition::All(parts) => parts.iter().all(Condition::is_always),
            Condition::Any(parts) => parts.iter().any(Condition::is_always),
            _ => false,
        }
    }

    /// Whether every ticket that meets `self` also meets `earlier`, judged
    /// on conjunctions of simple conditions (a sound but partial check: a
    /// `false` answer proves nothing).
    pub fn implies(&self, earlier: &Condition) -> bool {
        if earlier.is_always() {
            return true;
        }
        let mine = conjuncts(self);
        conjuncts(earlier)
            .iter()
            .all(|needed| mine.iter().any(|have| narrows(have, needed)))
    }
}

/// The parts of a conjunction, flattened.
fn conjuncts(condition: &Condition) -> Vec<&Condition> {
    match condition {
        Condition::All(parts) => parts.iter().flat_map(conjuncts).collect(),
        other => vec![other],
    }
}

/// Whether meeting `have` means meeting `needed`.
fn narrows(have: &Condition, needed: &Condition) -> bool {
    fn subset<T: PartialEq>(a: &[T], b: &[T]) -> bool {
        a.iter().all(|x| b.contains(x))
    }
    match (have, needed) {
        (Condition::Channel(a), Condition::Channel(b)) => subset(a, b),
        (Condition::TicketType(a), Condition::TicketType(b)) => subset(a, b),
        (Condition::Priority(a), Condition::Priority(b)) => subset(a, b),
        (Condition::Tag(a), Condition::Tag(b)) => subset(a, b),
        (Condition::Organization(a), Condition::Organization(b)) => subset(a, b),
        (Condition::SubjectHas(a), Condition::SubjectHas(b))
        | (Condition::DescriptionHas(a), Condition::DescriptionHas(b))
        | (Condition::TextHas(a), Condition::TextHas(b))
        | (Condition::SubjectHas(a), Condition::TextHas(b))
        | (Condition::DescriptionHas(a), Condition::TextHas(b))
        | (Condition::RequesterDomain(a), Condition::RequesterDomain(b)) => a.is_subset_of(b),
        (a, b) => a == b,
    }
}

fn in_domains(domains: &Keywords, domain: &str) -> bool {
    domains.as_slice().iter().any(|d| {
        domain == d
            || domain
                .strip_suffix(d.as_str())
                .is_some_and(|rest| rest.ends_with('.'))
    })
}

/// `a, b, c` of the items' display names.
fn names<T: std::fmt::Display>(list: &[T]) -> String {
    list.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn found(what: &str, words: &Keywords, text: &str) -> String {
    match words.first_in(text) {
        Some(word) => format!("{what} has {word:?}: yes"),
        None => format!("{what} has none of {:?}: no", words.as_slice()),
    }
}
