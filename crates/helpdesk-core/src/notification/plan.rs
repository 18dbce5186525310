//! [`plan`]: who is told what about an event, by which channel.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::actor::Role;
use crate::config::DeskConfig;
use crate::event::Event;
use crate::id::ActorId;
use crate::notification::{Audience, NotificationChannel, NotificationRule, NotifyOn};
use crate::ticket::Ticket;

/// Whom a delivery goes to: a person, by id (the engine looks up their
/// address), or an endpoint of the configuration, by key.
///
/// ```
/// use helpdesk_core::ActorId;
/// use helpdesk_core::notification::Recipient;
/// let to = Recipient::Actor(ActorId::from_u128(7));
/// assert_eq!(serde_json::to_string(&to).unwrap(),
///     r#"{"actor":"00000000-0000-0000-0000-000000000007"}"#);
/// assert_eq!(serde_json::to_string(&Recipient::Endpoint("ops".into())).unwrap(),
///     r#"{"endpoint":"ops"}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Recipient {
    /// A person: the requester, an agent, a manager or a watcher.
    Actor(ActorId),
    /// An endpoint, by its key in the configuration's `endpoints`.
    Endpoint(String),
}

/// One notification to send: to whom, by which channel, rendered with
/// which template, and the rule that asked for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    /// The name of the rule that planned it.
    pub rule: String,
    /// Whom to tell.
    pub recipient: Recipient,
    /// How.
    pub channel: NotificationChannel,
    /// The rule's template key, if it names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
}

/// The deliveries an event calls for under the configuration's
/// notification rules, given the ticket as the event left it.
///
/// Every rule whose `on` lists the event's kind ([`NotifyOn::of`]) is
/// taken in the configuration's order, and its `to` resolved in order:
///
/// - `requester`, `assignee`: the ticket's, after the event;
/// - `group_members`: the agents of the configuration in the ticket's
///   group, by key; `group_managers`: that group's managers, in order;
/// - `watchers`: the ticket's watchers, after the event, by id, but never
///   the one who caused the event (a watcher is not told of their own
///   action, whatever `skip_actor` says);
/// - `endpoint`: the endpoint's key, if the configuration defines it for
///   the rule's channel (one that validates always does).
///
/// Then:
///
/// - nobody gets a delivery for an event they may not see: the ticket's
///   requester and every watcher watching as a requester, however a rule
///   named them (even as an agent of a group), are never told of an event
///   [`Event::is_visible_to`] hides from requesters (an internal note),
///   whatever the rules say;
/// - with `skip_actor` (the default), the person who caused the event is
///   left out;
/// - each recipient gets at most one delivery per channel: the first rule
///   that reaches them wins.
///
/// The plan depends on its arguments only, so the same event always plans
/// the same deliveries, in the same order.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use helpdesk_core::notification::{Delivery, NotificationChannel, Recipient, plan};
/// use helpdesk_core::*;
///
/// let config: DeskConfig = serde_json::from_str(r#"{
///     "notification_rules": [
///         {"name": "replies", "on": ["public_reply"], "to": ["requester", "assignee"], "via": "email"},
///         {"name": "notes", "on": ["internal_note"], "to": ["assignee"], "via": "email"}
///     ]
/// }"#).unwrap();
/// let tenant = TenantId::from_u128(1);
/// let alice = Actor::requester(ActorId::from_u128(10), tenant);
/// let bob = Actor::agent(ActorId::from_u128(20), tenant, []);
/// let carol = Actor::agent(ActorId::from_u128(30), tenant, []);
/// let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
///
/// let mut ticket = Ticket::new(TicketId::from_u128(1));
/// let mut run = |ticket: &mut Ticket, actor: &Actor, command: Command| -> Result<Vec<Event>, DomainError> {
///     let events = decide(ticket, command, &Context::new(actor, now, &config))?;
///     events.iter().for_each(|event| apply(ticket, event));
///     Ok(events)
/// };
/// run(&mut ticket, &alice, Command::Open(NewTicket::new(alice.id, "VPN drops", "")))?;
/// run(&mut ticket, &bob, Command::Assign { assignee: bob.id })?;
///
/// // Carol replies: the requester and the assignee are told.
/// let reply = run(&mut ticket, &carol, Command::Reply { comment: CommentId::from_u128(1), body: "Try again".into(), attachments: Vec::new() })?;
/// let to: Vec<Recipient> = plan(&reply[0], &ticket, &config).into_iter().map(|d| d.recipient).collect();
/// assert_eq!(to, [Recipient::Actor(alice.id), Recipient::Actor(bob.id)]);
///
/// // Bob adds a note: he wrote it, so nobody is told, and never the requester.
/// let note = run(&mut ticket, &bob, Command::note(CommentId::from_u128(2), "VIP"))?;
/// assert_eq!(plan(&note[0], &ticket, &config), []);
/// # Ok::<(), DomainError>(())
/// ```
pub fn plan(event: &Event, ticket_after: &Ticket, config: &DeskConfig) -> Vec<Delivery> {
    let Some(kind) = NotifyOn::of(&event.change) else {
        return Vec::new();
    };
    let requester_may_see = event.is_visible_to(Role::Requester);
    let as_requester = |id: ActorId| {
        id == ticket_after.requester()
            || ticket_after
                .watcher(id)
                .is_some_and(|watcher| watcher.role == Role::Requester)
    };
    let mut planned = BTreeSet::new();
    let mut out = Vec::new();
    for rule in config
        .notification_rules
        .iter()
        .filter(|rule| rule.on.contains(&kind))
    {
        for recipient in recipients(rule, event, ticket_after, config) {
            let hidden = matches!(recipient, Recipient::Actor(id) if
                (!requester_may_see && as_requester(id))
                || (id == event.by.id && rule.skip_actor));
            if hidden || !planned.insert((recipient.clone(), rule.via)) {
                continue;
            }
            out.push(Delivery {
                rule: rule.name.clone(),
                recipient,
                channel: rule.via,
                template: rule.template.clone(),
            });
        }
    }
    out
}

/// Everyone `rule` names for `event`, resolved against the ticket and the
/// directory, in order, possibly more than once.
fn recipients(
    rule: &NotificationRule,
    event: &Event,
    ticket: &Ticket,
    config: &DeskConfig,
) -> Vec<Recipient> {
    let group = || {
        let id = ticket.group()?;
        config.groups.iter().find(|(_, def)| def.id == id)
    };
    let mut out = Vec::new();
    for audience in &rule.to {
        match audience {
            Audience::Requester => out.push(Recipient::Actor(ticket.requester())),
            Audience::Assignee => out.extend(ticket.assignee().map(Recipient::Actor)),
            Audience::GroupMembers => {
                if let Some((key, _)) = group() {
                    out.extend(
                        config
                            .agents
                            .values()
                            .filter(|agent| agent.groups.contains(key))
                            .map(|agent| Recipient::Actor(agent.id)),
                    );
                }
            }
            Audience::GroupManagers => {
                if let Some((_, def)) = group() {
                    out.extend(
                        def.managers
                            .iter()
                            .filter_map(|key| config.agents.get(key))
                            .map(|agent| Recipient::Actor(agent.id)),
                    );
                }
            }
            Audience::Watchers => out.extend(
                ticket
                    .watchers()
                    .filter(|watcher| watcher.id != event.by.id)
                    .map(|watcher| Recipient::Actor(watcher.id)),
            ),
            Audience::Endpoint(key) => {
                if config
                    .endpoints
                    .get(key)
                    .is_some_and(|endpoint| endpoint.via == rule.via)
                {
                    out.push(Recipient::Endpoint(key.clone()));
                }
            }
        }
    }
    out
}
