//! Appends on their way to the disk, by ticket, so a load of a ticket
//! waits for them, and the tickets they wrote, kept decoded.
//!
//! Without this, a command that lost a version race reloads the ticket
//! while the winner's append is still committing, decides on the old
//! version again, and is bound to lose again. Waiting for the appends in
//! flight makes every reload see the newest committed version, which
//! halves the attempts of contended commands.
//!
//! An append's ticket is kept before the loads waiting for it are woken,
//! so that they find it kept instead of reading and decoding it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use helpdesk_core::{TenantId, Ticket, TicketId};
use helpdesk_engine::store::TicketCache;
use tokio::sync::Notify;

type Key = (TenantId, TicketId);

/// Appends in flight per ticket, and the tickets appends and loads left.
pub(crate) struct InFlight {
    tickets: Mutex<HashMap<Key, Entry>>,
    kept: TicketCache,
}

struct Entry {
    count: usize,
    done: Arc<Notify>,
}

impl InFlight {
    /// Keeps up to twice `cached_tickets` tickets decoded.
    pub(crate) fn new(cached_tickets: usize) -> Self {
        Self {
            tickets: Mutex::default(),
            kept: TicketCache::new(cached_tickets),
        }
    }

    /// The tickets kept decoded: those the last appends wrote and the
    /// last loads read, once durable.
    pub(crate) fn kept(&self) -> &TicketCache {
        &self.kept
    }

    fn tickets(&self) -> MutexGuard<'_, HashMap<Key, Entry>> {
        self.tickets.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Notes an append to `key` on its way to the writer.
    pub(crate) fn start(&self, key: Key) {
        self.tickets()
            .entry(key)
            .or_insert_with(|| Entry {
                count: 0,
                done: Arc::new(Notify::new()),
            })
            .count += 1;
    }

    /// Notes that an append to `key` was committed or failed; `wrote`, the
    /// ticket it left once durable, is kept before any load waiting for
    /// it is woken.
    pub(crate) fn finish(&self, key: Key, wrote: Option<Ticket>) {
        if let Some(ticket) = wrote {
            self.kept.put(key, ticket);
        }
        let mut tickets = self.tickets();
        if let Some(entry) = tickets.get_mut(&key) {
            entry.count = entry.count.saturating_sub(1);
            if entry.count == 0 {
                if let Some(entry) = tickets.remove(&key) {
                    entry.done.notify_waiters();
                }
            }
        }
    }

    /// Forgets every append (the writer stopped), waking all waiters.
    pub(crate) fn clear(&self) {
        for (_, entry) in self.tickets().drain() {
            entry.done.notify_waiters();
        }
    }

    /// Waits until no append to `key` is in flight.
    pub(crate) async fn settled(&self, key: Key) {
        loop {
            let done = match self.tickets().get(&key) {
                Some(entry) => entry.done.clone(),
                None => return,
            };
            let mut notified = std::pin::pin!(done.notified());
            notified.as_mut().enable();
            // The last append may have finished between the lookup and
            // `enable`: look again before sleeping.
            let same = self
                .tickets()
                .get(&key)
                .is_some_and(|entry| Arc::ptr_eq(&entry.done, &done));
            if !same {
                continue;
            }
            notified.await;
        }
    }
}
