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
    mails: Mutex<HashMap<String, Arc<TurnLock<()>>>>,
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
            mails.entry(identity.to_owned()).or_default().clone()
        };
        Turn {
            in_flight: self,
            identity: identity.to_owned(),
            guard: Some(lock.lock_owned().await),
        }
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
    /// Ends the turn, and forgets the identity once no copy holds or waits
    /// for it (each holds the lock's `Arc` until its turn ends).
    fn drop(&mut self) {
        let mut mails = (self.in_flight.mails.lock()).unwrap_or_else(PoisonError::into_inner);
        self.guard = None;
        if mails
            .get(&self.identity)
            .is_some_and(|lock| Arc::strong_count(lock) == 1)
        {
            mails.remove(&self.identity);
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
}
