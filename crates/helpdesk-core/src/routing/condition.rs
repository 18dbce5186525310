//! [`Condition`]: what a routing rule asks of a ticket.

use serde::{Deserialize, Deserializer, Serialize};

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
///
/// `all`, `any` and `not` nest at most [`Condition::MAX_DEPTH`] levels
/// deep. Reading a deeper condition fails; one built in code is an error of
/// [`DeskConfig::diagnose`](crate::DeskConfig::diagnose) and never holds.
/// Dropping one of any depth is safe; cloning, comparing, formatting or
/// writing one recurses once per level.
///
/// ```
/// use helpdesk_core::routing::Condition;
/// let mut text = r#"{"tag": ["vip"]}"#.to_owned();
/// for _ in 1..Condition::MAX_DEPTH {
///     text = format!(r#"{{"not": {text}}}"#);
/// }
/// assert!(serde_json::from_str::<Condition>(&text).is_ok());
/// let deeper = format!(r#"{{"any": [{text}]}}"#);
/// let err = serde_json::from_str::<Condition>(&deeper).unwrap_err();
/// assert!(err.to_string().starts_with("conditions nest deeper than 32 levels"), "{err}");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    /// Every part holds (an empty list always holds).
    All(#[serde(deserialize_with = "parts_within_depth")] Vec<Condition>),
    /// At least one part holds (an empty list never holds).
    Any(#[serde(deserialize_with = "parts_within_depth")] Vec<Condition>),
    /// The part does not hold.
    Not(#[serde(deserialize_with = "part_within_depth")] Box<Condition>),
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

impl Drop for Condition {
    /// Takes nested parts apart one by one, so that dropping a condition
    /// nested however deep (built in code) does not recurse.
    fn drop(&mut self) {
        let mut pending = Vec::new();
        take_nested(self, &mut pending);
        while let Some(mut part) = pending.pop() {
            take_nested(&mut part, &mut pending);
        }
    }
}

/// Moves the nested parts of `condition` that have parts of their own to
/// `pending`, leaving only simple conditions behind.
fn take_nested(condition: &mut Condition, pending: &mut Vec<Condition>) {
    match condition {
        Condition::All(parts) | Condition::Any(parts) => {
            for part in parts.iter_mut().filter(|p| p.is_nested()) {
                pending.push(std::mem::take(part));
            }
        }
        Condition::Not(part) if part.is_nested() => pending.push(std::mem::take(&mut **part)),
        _ => {}
    }
}

fn parts_within_depth<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Condition>, D::Error> {
    let parts = Vec::<Condition>::deserialize(d)?;
    if parts.iter().any(|p| p.depth_over(Condition::MAX_DEPTH - 1)) {
        return Err(serde::de::Error::custom(TOO_DEEP));
    }
    Ok(parts)
}

fn part_within_depth<'de, D: Deserializer<'de>>(d: D) -> Result<Box<Condition>, D::Error> {
    let part = Box::<Condition>::deserialize(d)?;
    if part.depth_over(Condition::MAX_DEPTH - 1) {
        return Err(serde::de::Error::custom(TOO_DEEP));
    }
    Ok(part)
}

/// Why a condition is refused for its depth.
pub(crate) const TOO_DEEP: &str =
    "conditions nest deeper than 32 levels (each all, any and not is one); flatten them";

impl Condition {
    /// How many levels `all`, `any` and `not` may nest, the outermost
    /// condition being the first level.
    pub const MAX_DEPTH: usize = 32;

    /// Is it an `all`, `any` or `not` with parts?
    fn is_nested(&self) -> bool {
        match self {
            Condition::All(parts) | Condition::Any(parts) => !parts.is_empty(),
            Condition::Not(_) => true,
            _ => false,
        }
    }

    /// Whether the condition nests more than `limit` levels deep. Recurses
    /// at most `limit` levels, however deep the condition, and allocates
    /// nothing.
    pub(crate) fn depth_over(&self, limit: usize) -> bool {
        let Some(below) = limit.checked_sub(1) else {
            return true;
        };
        match self {
            Condition::All(parts) | Condition::Any(parts) => {
                parts.iter().any(|p| p.depth_over(below))
            }
            Condition::Not(part) => part.depth_over(below),
            _ => false,
        }
    }

    /// Whether it nests deeper than [`MAX_DEPTH`](Self::MAX_DEPTH).
    pub(crate) fn is_too_deep(&self) -> bool {
        self.depth_over(Self::MAX_DEPTH)
    }

    /// Whether the condition holds for the ticket. A condition nested
    /// deeper than [`MAX_DEPTH`](Self::MAX_DEPTH) never holds.
    pub fn matches(&self, facts: &Facts<'_>) -> bool {
        !self.is_too_deep() && self.holds(facts)
    }

    /// Whether the condition holds, on a condition within the depth.
    fn holds(&self, facts: &Facts<'_>) -> bool {
        let ticket = facts.ticket;
        match self {
            Condition::All(parts) => parts.iter().all(|c| c.holds(facts)),
            Condition::Any(parts) => parts.iter().any(|c| c.holds(facts)),
            Condition::Not(part) => !part.holds(facts),
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
        if self.is_too_deep() {
            return (false, format!("{TOO_DEEP}: no"));
        }
        self.explain_within(facts)
    }

    /// [`explain`](Self::explain) on a condition within the depth.
    fn explain_within(&self, facts: &Facts<'_>) -> (bool, String) {
        let ticket = facts.ticket;
        let held = self.holds(facts);
        let yes_no = if held { "yes" } else { "no" };
        let why = match self {
            Condition::All(parts) if parts.is_empty() => "always".to_owned(),
            Condition::All(parts) | Condition::Any(parts) => {
                let word = if matches!(self, Condition::All(_)) {
                    "all"
                } else {
                    "any"
                };
                let inner: Vec<String> = parts.iter().map(|p| p.explain_within(facts).1).collect();
                format!("{word} of [{}]: {yes_no}", inner.join("; "))
            }
            Condition::Not(part) => {
                format!("not ({}): {yes_no}", part.explain_within(facts).1)
            }
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
    /// False for a condition nested too deep, which never holds.
    pub fn is_always(&self) -> bool {
        !self.is_too_deep() && self.always_within()
    }

    /// [`is_always`](Self::is_always) on a condition within the depth.
    fn always_within(&self) -> bool {
        match self {
            Condition::All(parts) => parts.iter().all(Condition::always_within),
            Condition::Any(parts) => parts.iter().any(Condition::always_within),
            _ => false,
        }
    }

    /// Whether every ticket that meets `self` also meets `earlier`, judged
    /// on conjunctions of simple conditions (a sound but partial check: a
    /// `false` answer proves nothing).
    pub fn implies(&self, earlier: &Condition) -> bool {
        if self.is_too_deep() {
            return false;
        }
        if earlier.is_always() {
            return true;
        }
        if earlier.is_too_deep() {
            return false;
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
