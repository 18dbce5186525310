//! [`TicketCache`]: tickets kept decoded, by tenant and id.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use helpdesk_core::{TenantId, Ticket, TicketId};

/// A ticket's tenant and id.
type Key = (TenantId, TicketId);

/// Tickets kept decoded, by tenant and id, so the next use of one of them
/// needs no read or decoding: at most twice `capacity` tickets, in two
/// generations. Entries go into the young one; when it is full it becomes
/// the old one and the old one is dropped. A hit in the old generation
/// moves the ticket back to the young one, so tickets in use stay. A
/// [`Ticket`]'s clones share its contents, so reading a kept ticket copies
/// none of them.
///
/// A kept ticket may be stale: another desk or process on the same store
/// may have moved it on. Whoever answers from one must say how that is
/// caught:
///
/// - A desk keeps the tickets it executed commands on lately and decides
///   the next command on one without a load. The store refuses an append
///   whose expected version is not the ticket's
///   ([`StoreError::Conflict`](crate::StoreError::Conflict)), and a stale
///   ticket's version is always behind; the desk then forgets the entry
///   and loads the ticket. A command refused on a kept ticket is decided
///   again on a loaded one, since the newer state may allow it.
/// - A store may keep the tickets it wrote and read, and answer a load from
///   one only after checking, in the same read, that the ticket's row is
///   still at its version and time of update (see `docs/ADAPTERS.md`).
///
/// ```
/// use helpdesk_core::{TenantId, Ticket, TicketId};
/// use helpdesk_engine::store::TicketCache;
///
/// let cache = TicketCache::new(100);
/// let key = (TenantId::from_u128(1), TicketId::from_u128(7));
/// cache.put(key, Ticket::new(key.1));
/// assert_eq!(cache.get(key).map(|t| t.id()), Some(key.1));
/// // Another tenant's key finds nothing.
/// assert!(cache.get((TenantId::from_u128(2), key.1)).is_none());
/// cache.forget(key);
/// assert!(cache.get(key).is_none());
/// ```
#[derive(Debug)]
pub struct TicketCache {
    capacity: usize,
    generations: Mutex<Generations>,
}

#[derive(Debug, Default)]
struct Generations {
    young: HashMap<Key, Ticket, foldhash::fast::RandomState>,
    old: HashMap<Key, Ticket, foldhash::fast::RandomState>,
}

impl TicketCache {
    /// A cache of up to twice `capacity` tickets; 0 keeps none.
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            generations: Mutex::default(),
        }
    }

    fn generations(&self) -> MutexGuard<'_, Generations> {
        self.generations
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The ticket kept under `key`, if it is still kept.
    pub fn get(&self, key: Key) -> Option<Ticket> {
        if self.capacity == 0 {
            return None;
        }
        let mut generations = self.generations();
        if let Some(ticket) = generations.young.get(&key) {
            return Some(ticket.clone());
        }
        let ticket = generations.old.remove(&key)?;
        generations.insert(self.capacity, key, ticket.clone());
        Some(ticket)
    }

    /// Keeps `ticket` under `key` (its tenant and id), replacing what was
    /// kept there.
    pub fn put(&self, key: Key, ticket: Ticket) {
        if self.capacity > 0 {
            self.generations().insert(self.capacity, key, ticket);
        }
    }

    /// Keeps `ticket`, as a load read it, under `key`. `kept_before` is
    /// the version kept when the load began. A newer version kept since
    /// (by an append that finished while the load read) stays: the load
    /// must not put the older one back. A ticket read behind `kept_before`
    /// replaces what is kept: the store itself went back (a restored
    /// file), so what is kept is no longer true.
    ///
    /// ```
    /// use chrono::DateTime;
    /// use helpdesk_core::{Actor, ActorId, Command, Context, DeskConfig, NewTicket};
    /// use helpdesk_core::{TenantId, Ticket, TicketId, apply, decide};
    /// use helpdesk_engine::store::TicketCache;
    ///
    /// let admin = Actor::admin(ActorId::from_u128(1), TenantId::from_u128(1));
    /// let config = DeskConfig::default();
    /// let ctx = Context::new(&admin, DateTime::UNIX_EPOCH, &config);
    /// let key = (admin.tenant, TicketId::from_u128(7));
    /// let before = Ticket::new(key.1);
    /// let mut opened = before.clone();
    /// let open = Command::Open(NewTicket::new(admin.id, "Printer jams", ""));
    /// for event in decide(&opened, open, &ctx).expect("a valid command") {
    ///     apply(&mut opened, &event);
    /// }
    ///
    /// let cache = TicketCache::new(10);
    /// // A load began with nothing kept and read the ticket before it was
    /// // opened; meanwhile the open kept what it wrote, which stays.
    /// cache.put(key, opened.clone());
    /// cache.put_loaded(key, before.clone(), None);
    /// assert_eq!(cache.get(key).map(|t| t.version()), Some(opened.version()));
    /// // A load began with the opened ticket kept and read an older one:
    /// // the store went back, and the cache goes with it.
    /// cache.put_loaded(key, before.clone(), Some(opened.version()));
    /// assert_eq!(cache.get(key).map(|t| t.version()), Some(before.version()));
    /// ```
    pub fn put_loaded(&self, key: Key, ticket: Ticket, kept_before: Option<u64>) {
        if self.capacity == 0 {
            return;
        }
        let went_back = kept_before.is_some_and(|kept| kept > ticket.version());
        let mut generations = self.generations();
        let kept = generations
            .young
            .get(&key)
            .or_else(|| generations.old.get(&key));
        if went_back || kept.is_none_or(|kept| kept.version() <= ticket.version()) {
            generations.insert(self.capacity, key, ticket);
        }
    }

    /// Forgets the ticket: the store holds a newer one, or it is unknown
    /// what the store holds.
    pub fn forget(&self, key: Key) {
        if self.capacity > 0 {
            let mut generations = self.generations();
            generations.young.remove(&key);
            generations.old.remove(&key);
        }
    }
}

impl Generations {
    fn insert(&mut self, capacity: usize, key: Key, ticket: Ticket) {
        if self.young.len() >= capacity && !self.young.contains_key(&key) {
            self.old = std::mem::take(&mut self.young);
        }
        self.old.remove(&key);
        self.young.insert(key, ticket);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: u128) -> Key {
        (TenantId::from_u128(1), TicketId::from_u128(n))
    }

    fn ticket(n: u128) -> Ticket {
        Ticket::new(TicketId::from_u128(n))
    }

    #[test]
    fn keeps_at_most_twice_its_capacity_and_what_is_in_use() {
        let recent = TicketCache::new(2);
        for n in 1..=4 {
            recent.put(key(n), ticket(n));
        }
        // 1 and 2 went old when 3 arrived; 1 is used again, so it stays.
        assert!(recent.get(key(1)).is_some());
        recent.put(key(5), ticket(5));
        recent.put(key(6), ticket(6));
        let kept: Vec<u128> = (1..=6).filter(|&n| recent.get(key(n)).is_some()).collect();
        assert!(kept.len() <= 4, "{kept:?}");
        assert!(kept.contains(&5) && kept.contains(&6), "{kept:?}");
        assert!(!kept.contains(&2), "{kept:?}");
    }

    #[test]
    fn forgets_and_keeps_nothing_at_capacity_zero() {
        let recent = TicketCache::new(4);
        recent.put(key(1), ticket(1));
        recent.forget(key(1));
        assert!(recent.get(key(1)).is_none());
        let none = TicketCache::new(0);
        none.put(key(1), ticket(1));
        assert!(none.get(key(1)).is_none());
    }
}
