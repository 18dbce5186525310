//! [`State`]: what a [`MemoryStore`](super::MemoryStore) holds, and the
//! atomic append.
//!
//! Every event is kept once, in one log in append order; a ticket keeps the
//! positions of its events in the log, and the outbox the runs of
//! positions of the events it announces (one run while every append
//! announces its events). A store that keeps a million commands therefore
//! holds each event once rather than twice, and growing the log never
//! copies the events already in it.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use helpdesk_core::notification::Delivery;
use helpdesk_core::{SearchText, TenantId, Ticket, TicketId};

use super::commands::Commands;
use super::delivery::Deliveries;
use super::key::Key;
use super::messages::Messages;
use super::numbers::Numbers;
use crate::ids::{CommandId, DeliveryId};
use crate::store::{
    Append, Appended, Claimed, CommandRecord, DeadLetter, Logged, OutboxMessage, Outcome,
    StoreError, StoredEvent, TicketRow,
};

/// A map by tenant and id. Ids come from callers, so the hasher is seeded
/// at random for each map; foldhash rather than SipHash because hashing was
/// a tenth of a command's cost.
pub(super) type Map<V> = HashMap<Key, V, foldhash::fast::RandomState>;

#[derive(Debug, Default)]
pub(super) struct State {
    pub(super) tickets: Map<Entry>,
    commands: Commands,
    /// Every event of every ticket, in append order.
    log: Vec<StoredEvent>,
    /// Oldest first; a message's position is its place in this order.
    outbox: Vec<Outboxed>,
    /// How each message's delivery stands.
    deliveries: Deliveries,
    /// Each tenant's ticket number counter, and the tickets by number.
    pub(super) numbers: Numbers,
    /// The mail message ids bound to tickets.
    pub(super) messages: Messages,
}

#[derive(Debug)]
pub(super) struct Entry {
    /// The positions of the ticket's events in the log, oldest first.
    events: Vec<usize>,
    pub(super) ticket: Ticket,
    pub(super) row: TicketRow,
    /// Every part of search text its appends brought.
    pub(super) text: SearchText,
}

/// Outbox messages: a delivery of an event in the log, by the event's
/// place (what the engine writes), or any other message an append brought.
#[derive(Debug)]
enum Outboxed {
    Of { at: usize, delivery: Box<Delivery> },
    Message(Box<OutboxMessage>),
}

impl State {
    /// The record of a command, if it was executed.
    pub(super) fn command(&self, tenant: TenantId, command: CommandId) -> Option<CommandRecord> {
        self.commands.get(tenant, command)
    }

    /// Up to `limit` events of the log after position `after`, each at
    /// its place in the log, from 1.
    pub(super) fn feed(&self, after: u64, limit: usize) -> Vec<Logged> {
        let start = usize::try_from(after).unwrap_or(usize::MAX);
        self.log
            .iter()
            .enumerate()
            .skip(start)
            .take(limit)
            .map(|(i, event)| Logged {
                position: i as u64 + 1,
                event: event.clone(),
            })
            .collect()
    }

    /// The ticket's events from version `from`.
    pub(super) fn history(&self, key: &Key, from: u64) -> Vec<StoredEvent> {
        let Some(entry) = self.tickets.get(key) else {
            return Vec::new();
        };
        entry
            .events
            .iter()
            .map(|&at| &self.log[at])
            .filter(|event| event.version >= from)
            .cloned()
            .collect()
    }

    /// Every outbox message from position `from` on, with its position
    /// and ticket, built only when asked for.
    fn outbox_from(
        &self,
        from: u64,
    ) -> impl Iterator<Item = (u64, (TenantId, TicketId), impl Fn() -> OutboxMessage + '_)> + '_
    {
        self.outbox
            .iter()
            .zip(0u64..)
            .skip(usize::try_from(from).unwrap_or(usize::MAX))
            .map(move |(outboxed, position)| {
                let log = &self.log;
                let key = match outboxed {
                    Outboxed::Of { at, .. } => (log[*at].tenant, log[*at].ticket),
                    Outboxed::Message(m) => (m.tenant, m.ticket),
                };
                let build = move || match outboxed {
                    Outboxed::Of { at, delivery } => {
                        OutboxMessage::new(&log[*at], (**delivery).clone())
                    }
                    Outboxed::Message(m) => (**m).clone(),
                };
                (position, key, build)
            })
    }

    /// Up to `limit` outbox messages neither delivered nor dead, oldest
    /// first.
    pub(super) fn pending_outbox(&self, limit: usize) -> Vec<OutboxMessage> {
        self.outbox_from(self.deliveries.settled)
            .filter(|(position, _, _)| self.deliveries.get(*position).pending())
            .take(limit)
            .map(|(_, _, build)| build())
            .collect()
    }

    /// Leases up to `limit` due messages to `holder` until `until`, keeping
    /// each ticket's order.
    pub(super) fn claim_outbox(
        &mut self,
        holder: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
        limit: usize,
    ) -> Vec<Claimed> {
        let mut blocked = HashSet::new();
        let mut chosen = Vec::new();
        for (position, ticket, build) in self.outbox_from(self.deliveries.settled) {
            if chosen.len() == limit {
                break;
            }
            let state = self.deliveries.get(position);
            if !state.pending() || blocked.contains(&ticket) {
                continue;
            }
            if !state.due(now) {
                // A later message of this ticket waits for this one.
                blocked.insert(ticket);
                continue;
            }
            chosen.push(Claimed {
                position,
                message: build(),
                attempts: state.count,
                last_error: state.last_error,
            });
        }
        for claimed in &chosen {
            self.deliveries.lease(claimed.position, holder, until);
        }
        chosen
    }

    /// Settles `holder`'s attempt at the message at `position`.
    pub(super) fn settle_outbox(
        &mut self,
        holder: &str,
        position: u64,
        outcome: Outcome,
        now: DateTime<Utc>,
    ) -> bool {
        self.deliveries.settle(position, holder, outcome, now)
    }

    /// Up to `limit` of `tenant`'s dead letters after `after`.
    pub(super) fn dead_letters(
        &self,
        tenant: TenantId,
        after: Option<u64>,
        limit: usize,
    ) -> Vec<DeadLetter> {
        let mut dead: Vec<u64> = self
            .deliveries
            .dead()
            .into_iter()
            .filter(|p| after.is_none_or(|a| *p > a))
            .collect();
        dead.sort_unstable();
        let Some(&first) = dead.first() else {
            return Vec::new();
        };
        self.outbox_from(first)
            .filter(|(position, (owner, _), _)| {
                *owner == tenant && dead.binary_search(position).is_ok()
            })
            .take(limit)
            .map(|(position, _, build)| {
                let state = self.deliveries.get(position);
                DeadLetter {
                    position,
                    message: build(),
                    attempts: state.count,
                    last_error: state.last_error.unwrap_or_default(),
                    died_at: state.died_at.unwrap_or(DateTime::<Utc>::MIN_UTC),
                }
            })
            .collect()
    }

    /// Revives the dead letter at `position` from `at`.
    pub(super) fn revive_dead_letter(
        &mut self,
        tenant: TenantId,
        position: u64,
        at: DateTime<Utc>,
    ) -> bool {
        let owned = self
            .outbox_from(position)
            .next()
            .is_some_and(|(p, (owner, _), _)| p == position && owner == tenant);
        owned && self.deliveries.revive(position, at)
    }

    /// Writes `append` whole, or nothing (see the store contract).
    pub(super) fn append(&mut self, append: Append) -> Result<Appended, StoreError> {
        if let Some(first) = self.commands.get(append.tenant, append.command.command) {
            return Ok(Appended::Duplicate(first));
        }
        let key = Key::ticket(append.tenant, append.command.ticket);
        let stored = self.tickets.get_mut(&key);
        let actual = stored.as_ref().map_or(0, |e| e.ticket.version());
        if actual != append.command.from_version {
            return Err(StoreError::Conflict {
                ticket: append.command.ticket,
                expected: append.command.from_version,
                actual,
            });
        }
        let number = append.row.number.filter(|_| stored.is_none());
        if let Some(number) = number {
            self.numbers
                .check(append.tenant, append.command.ticket, number)?;
        }
        if let Some(message) = &append.message
            && let Some(bound) = self.messages.ticket(append.tenant, message)
            && bound != append.command.ticket
        {
            return Err(StoreError::MessageBound {
                message: message.clone(),
                ticket: append.command.ticket,
                bound,
            });
        }
        self.commands.insert(append.tenant, append.command);
        if let Some(message) = &append.message {
            self.messages
                .remember(append.tenant, message, append.command.ticket);
        }
        if append.events.is_empty() {
            // Only a due instant can move without an event.
            if let Some(entry) = stored {
                entry.row.next_due = append.row.next_due;
            }
            return Ok(Appended::Written);
        }
        let first = self.log.len();
        let positions = first..first + append.events.len();
        for message in append.outbox {
            let of = append
                .events
                .iter()
                .position(|event| is_of(&message, event));
            self.outbox.push(match of {
                Some(i) => Outboxed::Of {
                    at: first + i,
                    delivery: Box::new(message.delivery),
                },
                None => Outboxed::Message(Box::new(message)),
            });
        }
        self.log.extend(append.events);
        match stored {
            Some(entry) => {
                entry.events.extend(positions);
                entry.ticket = append.ticket;
                entry.row = append.row;
                entry.text.extend(append.text);
            }
            None => {
                if let Some(number) = number {
                    self.numbers.hold(append.tenant, append.row.id, number);
                }
                self.tickets.insert(
                    key,
                    Entry {
                        events: positions.collect(),
                        ticket: append.ticket,
                        row: append.row,
                        text: append.text,
                    },
                );
            }
        }
        Ok(Appended::Written)
    }
}

/// Whether `message` is [`OutboxMessage::new`] of `event`.
fn is_of(message: &OutboxMessage, event: &StoredEvent) -> bool {
    message.id
        == DeliveryId::of(
            event.id,
            &message.delivery.recipient,
            message.delivery.channel,
        )
        && message.tenant == event.tenant
        && message.ticket == event.ticket
        && message.event == *event
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use helpdesk_core::{
        ActorId, ActorRef, Change, DeskConfig, Event, Role, Tag, TenantId, Ticket, TicketId, apply,
    };

    use super::*;
    use crate::ids::{CommandId, EventId};
    use crate::store::Fingerprint;
    use helpdesk_core::notification::{NotificationChannel, Recipient};

    const TENANT: TenantId = TenantId::from_u128(1);

    /// An append of `tags.len()` tag events on `ticket`, from `from`.
    fn tagging(ticket: &mut Ticket, tags: &[&str]) -> Append {
        let from = ticket.version();
        let command = CommandId::new();
        let at = Utc
            .with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
            .single()
            .unwrap_or_else(|| panic!("a valid instant"));
        let by = ActorRef {
            id: ActorId::from_u128(2),
            role: Role::Agent,
        };
        let mut events = Vec::new();
        for tag in tags {
            let tag = Tag::new(*tag).unwrap_or_else(|e| panic!("{e}"));
            let event = Event::new(at, by, Change::Tagged { tag });
            apply(ticket, &event);
            events.push(StoredEvent {
                id: EventId::new(),
                tenant: TENANT,
                ticket: ticket.id(),
                version: ticket.version(),
                command,
                event,
            });
        }
        let record = CommandRecord {
            command,
            ticket: ticket.id(),
            actor: by.id,
            fingerprint: Fingerprint::of(&tags),
            from_version: from,
            to_version: ticket.version(),
        };
        let mut append = Append::new(
            TENANT,
            record,
            events,
            ticket.clone(),
            &DeskConfig::default(),
        );
        // Every tag told to an endpoint, as a rule could.
        append.outbox = append
            .events
            .iter()
            .map(|event| OutboxMessage::new(event, audit()))
            .collect();
        append
    }

    fn audit() -> Delivery {
        Delivery {
            rule: "audit".into(),
            recipient: Recipient::Endpoint("audit".into()),
            channel: NotificationChannel::Webhook,
            template: None,
        }
    }

    fn written(state: &mut State, append: Append) {
        match state.append(append) {
            Ok(Appended::Written) => {}
            other => panic!("the append must be written, got {other:?}"),
        }
    }

    #[test]
    fn histories_of_interleaved_tickets_stay_apart_and_in_order() {
        let mut state = State::default();
        let mut a = Ticket::new(TicketId::from_u128(10));
        let mut b = Ticket::new(TicketId::from_u128(11));
        let mut announced = Vec::new();
        for append in [
            tagging(&mut a, &["a1", "a2"]),
            tagging(&mut b, &["b1"]),
            tagging(&mut a, &["a3"]),
        ] {
            announced.extend(append.outbox.clone());
            written(&mut state, append);
        }
        assert_eq!(state.pending_outbox(10), announced);
        assert_eq!(state.pending_outbox(3), announced[..3]);
        let tags = |events: Vec<StoredEvent>| -> Vec<(u64, String)> {
            events
                .into_iter()
                .map(|e| match e.event.change {
                    Change::Tagged { tag } => (e.version, tag.to_string()),
                    other => panic!("unexpected {other:?}"),
                })
                .collect()
        };
        let key_a = Key::ticket(TENANT, a.id());
        assert_eq!(
            tags(state.history(&key_a, 1)),
            [(1, "a1".into()), (2, "a2".into()), (3, "a3".into())]
        );
        assert_eq!(tags(state.history(&key_a, 3)), [(3, "a3".into())]);
        assert_eq!(
            tags(state.history(&Key::ticket(TENANT, b.id()), 1)),
            [(1, "b1".into())]
        );
        assert!(
            state
                .history(&Key::ticket(TENANT, TicketId::from_u128(12)), 1)
                .is_empty()
        );
    }

    #[test]
    fn the_outbox_answers_every_message_as_it_was_appended() {
        let mut state = State::default();
        let mut ticket = Ticket::new(TicketId::from_u128(10));
        let mut append = tagging(&mut ticket, &["vpn", "wifi"]);
        // A message that differs from the event it sits beside, and one
        // more message than there are events: both are kept as given.
        append.outbox[1].id = DeliveryId::from_uuid(uuid::Uuid::nil());
        let extra = OutboxMessage::new(&append.events[0], audit());
        append.outbox.push(extra);
        let expected = append.outbox.clone();
        written(&mut state, append);
        let later = tagging(&mut ticket, &["printer"]);
        let mut all = expected.clone();
        all.extend(later.outbox.clone());
        written(&mut state, later);
        assert_eq!(state.pending_outbox(100), all);
        assert_eq!(state.pending_outbox(2), expected[..2]);
    }
}
