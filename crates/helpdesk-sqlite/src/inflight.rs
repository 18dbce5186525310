//! Appends on their way to the disk, by ticket, so a load of a ticket
//! waits for them.
//!
//! Without this, a command that lost a version race reloads the ticket
//! while the winner's append is still committing, decides on the old
//! version again, and is bound to lose again. Waiting for the appends in
//! flight makes every reload see the newest committed version, which
//! halves the attempts of contended commands.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use helpdesk_core::{TenantId, TicketId};
use tokio::sync::Notify;

type Key = (TenantId, TicketId);

/// Appends in flight per ticket.
#[derive(Default)]
pub(crate) struct InFlight {
    tickets: Mutex<HashMap<Key, Entry>>,
}

struct Entry {
    count: usize,
    done: Arc<Notify>,
}

impl InFlight {
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

    /// Notes that an append to `key` was committed or failed.
    pub(crate) fn finish(&self, key: Key) {
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
