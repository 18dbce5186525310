//! Turning a claimed outbox message into a [`Notification`]: the
//! recipient looked up, the template rendered.

use std::collections::HashMap;

use helpdesk_core::notification::{NotificationChannel, NotifyOn, Recipient};
use helpdesk_core::{ActorId, Change, DeskConfig, Event, Role, TenantId, Ticket, TicketId};

use crate::notification::{
    Addressee, Contact, Directory, EventVars, Notification, RecipientVars, Templates, TicketVars,
    Vars,
};
use crate::notifier::NotifyError;
use crate::store::{OutboxMessage, Store};

/// What to do with a message.
pub(crate) enum Prepared {
    /// Send this.
    Send(Box<Notification>),
    /// Send nothing: the recipient opted out, or the ticket is gone.
    Skip,
}

/// Prepares the messages of one dispatcher run, looking each ticket and
/// person up once.
pub(crate) struct Preparer<'a, S> {
    pub(crate) config: &'a DeskConfig,
    pub(crate) store: &'a S,
    pub(crate) directory: &'a dyn Directory,
    pub(crate) templates: &'a Templates,
    tickets: HashMap<(TenantId, TicketId), Option<Ticket>>,
    contacts: HashMap<(TenantId, ActorId), Option<Contact>>,
}

const NAME: &str = "dispatcher";

impl<'a, S: Store> Preparer<'a, S> {
    pub(crate) fn new(
        config: &'a DeskConfig,
        store: &'a S,
        directory: &'a dyn Directory,
        templates: &'a Templates,
    ) -> Self {
        Self {
            config,
            store,
            directory,
            templates,
            tickets: HashMap::new(),
            contacts: HashMap::new(),
        }
    }

    /// The notification `message` stands for, or why there is none.
    pub(crate) async fn prepare(
        &mut self,
        message: &OutboxMessage,
    ) -> Result<Prepared, NotifyError> {
        let retry = |reason: String| NotifyError::retryable(NAME, message.id, reason);
        let fail = |reason: String| NotifyError::permanent(NAME, message.id, reason);
        let (tenant, delivery) = (message.tenant, &message.delivery);
        let Some(ticket) = self.ticket(tenant, message.ticket).await.map_err(retry)? else {
            return Ok(Prepared::Skip);
        };
        let kind = NotifyOn::of(&message.event.event.change);
        let mut to = Addressee {
            recipient: delivery.recipient.clone(),
            name: None,
            address: None,
            locale: self.config.locale().to_string(),
        };
        match &delivery.recipient {
            Recipient::Endpoint(key) => {
                let Some(endpoint) = self.config.endpoints.get(key) else {
                    return Err(fail(format!("endpoint {key:?} is no longer configured")));
                };
                to.name = endpoint.description.clone();
                to.address = Some(endpoint.target.clone());
            }
            Recipient::Actor(id) => {
                // The plan left them out already; the ticket may have
                // changed since (a watcher now watching as a requester),
                // so the rule is said again on the ticket as it is now.
                if hidden_from(&ticket, *id, &message.event.event) {
                    return Ok(Prepared::Skip);
                }
                let contact = self.contact(tenant, *id).await.map_err(retry)?;
                let contact = contact.unwrap_or_default();
                if kind.is_some_and(|on| contact.opted_out(on, delivery.channel)) {
                    return Ok(Prepared::Skip);
                }
                to.name = contact.name;
                if let Some(locale) = contact.locale {
                    to.locale = locale;
                }
                if delivery.channel == NotificationChannel::Email {
                    let vouched = (*id == ticket.requester())
                        .then(|| ticket.requester_email().map(str::to_string))
                        .flatten();
                    let Some(address) = contact.email.or(vouched) else {
                        return Err(fail(format!("no email address is known for {id}")));
                    };
                    to.address = Some(address);
                }
            }
        }
        let vars = self
            .vars(message, &ticket, &to, kind)
            .await
            .map_err(retry)?;
        let content = self
            .templates
            .render(delivery.template.as_deref(), &to.locale, &vars)
            .map_err(|e| fail(e.to_string()))?;
        Ok(Prepared::Send(Box::new(Notification {
            id: message.id,
            tenant,
            ticket: message.ticket,
            reference: vars.ticket.reference,
            event: message.event.clone(),
            rule: delivery.rule.clone(),
            channel: delivery.channel,
            to,
            content,
        })))
    }

    async fn ticket(&mut self, tenant: TenantId, id: TicketId) -> Result<Option<Ticket>, String> {
        if let Some(known) = self.tickets.get(&(tenant, id)) {
            return Ok(known.clone());
        }
        let loaded = self
            .store
            .load(tenant, id)
            .await
            .map_err(|e| e.to_string())?;
        self.tickets.insert((tenant, id), loaded.clone());
        Ok(loaded)
    }

    async fn contact(&mut self, tenant: TenantId, id: ActorId) -> Result<Option<Contact>, String> {
        if let Some(known) = self.contacts.get(&(tenant, id)) {
            return Ok(known.clone());
        }
        let found = self
            .directory
            .contact(tenant, id)
            .await
            .map_err(|e| e.to_string())?;
        self.contacts.insert((tenant, id), found.clone());
        Ok(found)
    }

    async fn name(
        &mut self,
        tenant: TenantId,
        id: Option<ActorId>,
    ) -> Result<Option<String>, String> {
        match id {
            None => Ok(None),
            Some(id) => Ok(self.contact(tenant, id).await?.and_then(|c| c.name)),
        }
    }

    /// The template's variables for `message` to `to`.
    async fn vars(
        &mut self,
        message: &OutboxMessage,
        ticket: &Ticket,
        to: &Addressee,
        kind: Option<NotifyOn>,
    ) -> Result<Vars, String> {
        let tenant = message.tenant;
        let event = &message.event.event;
        let by = match event.by.role {
            Role::System => None,
            _ => self.name(tenant, Some(event.by.id)).await?,
        };
        let assignee = self.name(tenant, ticket.assignee()).await?;
        let group = ticket.group().and_then(|id| {
            self.config
                .groups
                .values()
                .find(|def| def.id == id)
                .map(|def| def.name.clone())
        });
        let body = match &event.change {
            Change::Replied { body, .. } | Change::NoteAdded { body, .. } => Some(body.clone()),
            Change::Opened(opened) if !opened.description.is_empty() => {
                Some(opened.description.clone())
            }
            _ => None,
        };
        let summary = summary(
            &event.change,
            by.as_deref(),
            assignee.as_deref(),
            group.as_deref(),
        );
        Ok(Vars {
            ticket: TicketVars {
                id: ticket.id().to_string(),
                number: ticket
                    .number()
                    .map(|n| n.get().to_string())
                    .unwrap_or_default(),
                reference: reference(ticket),
                subject: ticket.subject().to_string(),
                status: ticket.status().to_string(),
                priority: ticket.priority().to_string(),
                group,
                assignee,
                requester: self.name(tenant, Some(ticket.requester())).await?,
            },
            event: EventVars {
                kind: kind.map_or_else(|| event.change.type_name().to_string(), |k| k.to_string()),
                at: event.at.to_rfc3339(),
                by,
                body,
                summary,
            },
            recipient: RecipientVars {
                name: to.name.clone(),
                locale: to.locale.clone(),
            },
        })
    }
}

/// Whether `event` is hidden from `person` on `ticket`: an event
/// requesters may not see, and they are its requester or watch it as a
/// requester.
fn hidden_from(ticket: &Ticket, person: ActorId, event: &Event) -> bool {
    !event.is_visible_to(Role::Requester)
        && (person == ticket.requester()
            || ticket
                .watcher(person)
                .is_some_and(|watcher| watcher.role == Role::Requester))
}

/// A ticket's short reference: its number (`#1042`), or for a ticket
/// opened without one, `#` and the last 8 hex digits of its id (the random
/// part of a v7 id).
pub(crate) fn reference(ticket: &Ticket) -> String {
    match ticket.number() {
        Some(number) => number.to_string(),
        None => {
            let hex = ticket.id().as_uuid().simple().to_string();
            format!("#{}", &hex[hex.len() - 8..])
        }
    }
}

/// One English sentence saying what `change` did.
fn summary(
    change: &Change,
    by: Option<&str>,
    assignee: Option<&str>,
    group: Option<&str>,
) -> String {
    let by = by.unwrap_or("Someone");
    match change {
        Change::Opened(_) => format!("{by} opened the ticket"),
        Change::Replied { .. } => format!("{by} replied"),
        Change::NoteAdded { .. } => format!("{by} added an internal note"),
        Change::AssigneeChanged { to: Some(_), .. } => match assignee {
            Some(name) => format!("The ticket was assigned to {name}"),
            None => "The ticket was assigned".into(),
        },
        Change::GroupChanged { to: Some(_), .. } => match group {
            Some(name) => format!("The ticket moved to {name}"),
            None => "The ticket moved to another group".into(),
        },
        Change::GroupChanged { to: None, .. } => "The ticket left its group".into(),
        Change::StatusChanged { from, to } => format!("The status changed from {from} to {to}"),
        Change::SlaWarned { metric, .. } => {
            format!(
                "The {} target is due soon",
                metric.to_string().replace('_', " ")
            )
        }
        Change::SlaBreached { metric, .. } => {
            format!(
                "The {} target was breached",
                metric.to_string().replace('_', " ")
            )
        }
        Change::Escalated(escalation) => format!("The ticket was escalated: {}", escalation.reason),
        Change::Resolved { .. } => "The ticket was resolved".into(),
        Change::Reopened => "The ticket was reopened".into(),
        Change::Merged { .. } => "The ticket was merged into another".into(),
        other => format!("The ticket changed ({})", other.type_name()),
    }
}
