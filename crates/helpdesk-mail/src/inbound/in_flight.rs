//! [`InFlight`]: the mails a channel is taking in, by identity, so that
//! copies of one mail offered at once (delivered to two of the desk's
//! mailboxes, fetched by two sources) are taken in one after the other.
//! The later copy then finds what the first did and is answered the same,
//! as when offered later; taken in side by side, copies that differ in
//! what vouches for them could be decided apart (one a reply, the other a
//! ticket of its own).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::{Mutex as TurnLock, OwnedMutexGuard};

/// The identities being taken in, each with the lock its copies queue on.
#[derive(Debug, Default)]
pub(crate) struct InFlight {
    mails: Mutex<HashMap<String, Copies>>,
}

/// The copies of one mail in flight: the lock they take turns on, and how
/// many hold or wait for it (counted under the map's lock, so an entry is
/// forgotten exactly when the last of them ends, even one dropped while it
/// waited).
#[derive(Debug, Default)]
struct Copies {
    lock: Arc<TurnLock<()>>,
    count: usize,
}

/// A mail's turn: no other copy of it is taken in until it ends (on drop).
pub(crate) struct Turn<'a> {
    in_flight: &'a InFlight,
    identity: String,
    guard: Option<OwnedMutexGuard<()>>,
}

impl InFlight {
    /// Waits until no other copy of the mail `identity` is being taken in,
    /// and answers this one's turn.
    pub(crate) async fn turn(&self, identity: &str) -> Turn<'_> {
        let lock = {
            let mut mails = self.mails.lock().unwrap_or_else(PoisonError::into_inner);
            let copies = mails.entry(identity.to_owned()).or_default();
            copies.count += 1;
            copies.lock.clone()
        };
        // Made before the wait, so that a copy dropped while it waits
        // (its ingest cancelled) is counted out as one that had its turn.
        let mut turn = Turn {
            in_flight: self,
            identity: identity.to_owned(),
            guard: None,
        };
        turn.guard = Some(lock.lock_owned().await);
        turn
    }

    /// How many identities are in flight or waited for.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.mails
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}

impl Drop for Turn<'_> {
    /// Ends the turn (or the wait for it), and forgets the identity once
    /// no copy holds or waits for it.
    fn drop(&mut self) {
        let mut mails = (self.in_flight.mails.lock()).unwrap_or_else(PoisonError::into_inner);
        self.guard = None;
        if let Some(copies) = mails.get_mut(&self.identity) {
            copies.count = copies.count.saturating_sub(1);
            if copies.count == 0 {
                mails.remove(&self.identity);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use futures_util::FutureExt;

    use super::*;

    #[tokio::test]
    async fn a_copy_waits_for_the_turn_of_the_one_before_and_nothing_is_kept_after() {
        // Given one copy of a mail in its turn.
        let in_flight = InFlight::default();
        let first = in_flight.turn("<a@x> 01").await;

        // When a second copy, and another mail, ask for theirs.
        let second = in_flight.turn("<a@x> 01");
        tokio::pin!(second);
        let waits = second.as_mut().now_or_never().is_none();
        let other = in_flight.turn("<b@x> 02").await;

        // Then the copy waits until the first's turn ends, the other mail
        // does not, and no identity is kept once every turn has ended.
        assert!(waits);
        drop(first);
        let second = second.await;
        assert_eq!(in_flight.len(), 2);
        drop((second, other));
        assert_eq!(in_flight.len(), 0);
    }

    #[tokio::test]
    async fn a_copy_dropped_while_it_waits_leaves_nothing_behind() {
        // Given one copy of a mail in its turn, and another waiting.
        let in_flight = InFlight::default();
        let first = in_flight.turn("<a@x> 01").await;
        let mut second = Box::pin(in_flight.turn("<a@x> 01"));
        assert!(second.as_mut().now_or_never().is_none());

        // When the first's turn ends, and the waiting one is dropped (its
        // ingest cancelled) before it runs again.
        drop(first);
        drop(second);

        // Then no identity is kept, and a later copy takes its turn at once.
        assert_eq!(in_flight.len(), 0);
        assert!(in_flight.turn("<a@x> 01").now_or_never().is_some());
    }
}
