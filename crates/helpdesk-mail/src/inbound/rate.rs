//! [`SenderRate`]: how many tickets one sender may open in a window, so a
//! runaway sender (a broken script, a loop with a system that ignores
//! `Auto-Submitted`) cannot open hundreds of tickets.

use std::time::Duration;

use chrono::{DateTime, Utc};
use helpdesk_core::{TenantId, TicketId};
use helpdesk_engine::{Store, StoreError};

use super::keys;

/// A limit on the tickets each sender opens in a window, counted in the
/// desk's store: every host of a desk on one database shares the count,
/// and a restart forgets nothing.
///
/// The count lives in places the store binds first-come
/// ([`Store::remember_message`]): a sender's window has `max` places, and
/// a new ticket takes the first one free, or is refused when none is. A
/// place once taken keeps its ticket, so a mail whose ticket then failed
/// to open finds its own place when it is offered again within the window
/// after the one it took it in, and is let in on it without counting
/// twice (offered later, it counts anew).
///
/// The limit is `max` in each window, and the window before weighs in for
/// the part of it still within one window of now, which spreads a
/// sender's tickets over the turn of a window: `max` just before the turn
/// leaves room for about one just after it, half of `max` at the middle
/// of the next window, all of it at its end. The weighing takes the
/// window before's tickets as spread evenly, so a sender who knows the
/// turn can still open up to twice `max` in a span of one window, never
/// more.
///
/// Places are kept under ids at `sender-rate.invalid`, a domain no mail
/// comes from (RFC 2606): the channel never threads a mail or a delivery
/// notice by an id that holds that domain, nor binds a mail under one.
///
/// ```
/// use std::time::Duration;
/// use chrono::{TimeZone, Utc};
/// use helpdesk_core::{TenantId, TicketId};
/// use helpdesk_engine::MemoryStore;
/// use helpdesk_mail::SenderRate;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), helpdesk_engine::StoreError> {
/// let (store, tenant) = (MemoryStore::new(), TenantId::from_u128(1));
/// let rate = SenderRate::new(2, Duration::from_secs(3600));
/// let nine = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
/// let ticket = |n| TicketId::from_u128(n);
///
/// assert!(rate.admit(&store, tenant, "bot@example.com", ticket(1), nine).await?);
/// assert!(rate.admit(&store, tenant, "bot@example.com", ticket(2), nine).await?);
/// // The third within the hour is refused; the second, offered again, is not.
/// assert!(!rate.admit(&store, tenant, "bot@example.com", ticket(3), nine).await?);
/// assert!(rate.admit(&store, tenant, "BOT@example.com", ticket(2), nine).await?);
/// // Others are not held back, nor is the sender in another tenant, nor
/// // two hours on.
/// assert!(rate.admit(&store, tenant, "alice@example.com", ticket(4), nine).await?);
/// let other = TenantId::from_u128(2);
/// assert!(rate.admit(&store, other, "bot@example.com", ticket(6), nine).await?);
/// let eleven = nine + chrono::Duration::hours(2);
/// assert!(rate.admit(&store, tenant, "bot@example.com", ticket(5), eleven).await?);
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct SenderRate {
    max: usize,
    window: Duration,
}

/// What a window's places say about one ticket.
enum Places {
    /// The ticket took one of them.
    Taken,
    /// This many are taken, by other tickets.
    Others(usize),
}

impl SenderRate {
    /// At most `max` tickets per sender in a `window` (of one second at
    /// least).
    pub fn new(max: usize, window: Duration) -> Self {
        Self { max, window }
    }

    /// Whether `sender` (compared without case) may open `ticket` in
    /// `tenant` at `now`; if so, `ticket` takes a place in the count. A
    /// ticket that took a place before is let in again without taking
    /// another.
    ///
    /// Reads up to twice `max` places of the store and binds one.
    ///
    /// # Errors
    ///
    /// The store's, when it could not be read or written.
    pub async fn admit<S: Store>(
        &self,
        store: &S,
        tenant: TenantId,
        sender: &str,
        ticket: TicketId,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let window_ms = i64::try_from(self.window.as_millis())
            .unwrap_or(i64::MAX)
            .max(1_000);
        let at = now.timestamp_millis();
        let current = at.div_euclid(window_ms);
        let sender = keys::rate_sender(sender);
        let before = match self
            .places(store, tenant, ticket, &sender, current - 1)
            .await?
        {
            Places::Taken => return Ok(true),
            Places::Others(n) => n,
        };
        let mut taken = match self.places(store, tenant, ticket, &sender, current).await? {
            Places::Taken => return Ok(true),
            Places::Others(n) => n,
        };
        // The part of the window before still within one window of now.
        let still = 1.0 - at.rem_euclid(window_ms) as f64 / window_ms as f64;
        while (taken as f64) + (before as f64) * still < self.max as f64 {
            if store
                .remember_message(tenant, &keys::rate_place(&sender, current, taken), ticket)
                .await?
                == ticket
            {
                return Ok(true);
            }
            // Another host took the place first.
            taken += 1;
        }
        Ok(false)
    }

    /// The places of `sender`'s count in `window` taken (they fill in
    /// order, from the first), or that `ticket` holds one.
    async fn places<S: Store>(
        &self,
        store: &S,
        tenant: TenantId,
        ticket: TicketId,
        sender: &str,
        window: i64,
    ) -> Result<Places, StoreError> {
        for n in 0..self.max {
            let place = keys::rate_place(sender, window, n);
            match store.ticket_of_message(tenant, &place).await? {
                None => return Ok(Places::Others(n)),
                Some(holder) if holder == ticket => return Ok(Places::Taken),
                Some(_) => {}
            }
        }
        Ok(Places::Others(self.max))
    }
}
