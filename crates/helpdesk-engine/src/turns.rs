//! [`Turns`]: the commands a desk executes on one ticket take turns.
//!
//! Two commands on one ticket decided at once decide on the same version,
//! and the store refuses the append of the one that comes second
//! ([`StoreError::Conflict`](crate::StoreError::Conflict)); that one is
//! loaded and decided again, up to
//! [`DeskOptions::max_attempts`](crate::DeskOptions) times before
//! [`DeskError::Contended`](crate::DeskError). Within one desk they wait
//! for each other instead, so a burst of commands on one ticket (replies
//! to a mass incident, say) neither repeats work nor fails: only other
//! desks on the same store can make a command decide again.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use futures_util::lock::{Mutex as Turn, OwnedMutexGuard};
use helpdesk_core::{TenantId, TicketId};

type Key = (TenantId, TicketId);

/// The tickets a desk executes commands on now, each with the turn its
/// commands wait for. A ticket no command holds or waits for is dropped.
#[derive(Debug, Default)]
pub(crate) struct Turns {
    tickets: Mutex<HashMap<Key, Arc<Turn<()>>>>,
}

/// A command's turn on a ticket, given back when dropped.
pub(crate) struct Held<'a> {
    turns: &'a Turns,
    key: Key,
    held: Option<OwnedMutexGuard<()>>,
}

impl Turns {
    /// Waits for the turn on `key`: when every command on it that asked
    /// earlier has given its turn back.
    pub(crate) async fn take(&self, key: Key) -> Held<'_> {
        let turn = self
            .tickets
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(key)
            .or_default()
            .clone();
        Held {
            turns: self,
            key,
            held: Some(turn.lock_owned().await),
        }
    }
}

impl Drop for Held<'_> {
    fn drop(&mut self) {
        drop(self.held.take());
        let mut tickets = self
            .turns
            .tickets
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        // Only the map holds it: no command holds the turn or waits for it
        // (each takes its copy under this lock).
        if tickets
            .get(&self.key)
            .is_some_and(|turn| Arc::strong_count(turn) == 1)
        {
            tickets.remove(&self.key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ticket_is_forgotten_once_no_command_holds_or_waits_for_it() {
        let turns = Turns::default();
        let key = (TenantId::from_u128(1), TicketId::from_u128(1));
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap_or_else(|e| panic!("runtime: {e}"));
        runtime.block_on(async {
            let first = turns.take(key).await;
            assert_eq!(turns.tickets.lock().map(|t| t.len()).unwrap_or(0), 1);
            drop(first);
            assert_eq!(turns.tickets.lock().map(|t| t.len()).unwrap_or(1), 0);
        });
    }
}
