//! The [`Clock`] port: where the engine gets `now` from.

use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Duration, Utc};

/// Tells the time. The domain never reads a clock; the engine asks this
/// port, so tests and simulations can move time by hand.
///
/// [`SystemClock`] and [`ManualClock`] cover most hosts; another clock is
/// one method:
///
/// ```
/// use chrono::{DateTime, Duration, Utc};
/// use helpdesk_engine::Clock;
///
/// /// The system time, moved by a fixed offset.
/// struct Offset(Duration);
///
/// impl Clock for Offset {
///     fn now(&self) -> DateTime<Utc> {
///         Utc::now() + self.0
///     }
/// }
///
/// let tomorrow = Offset(Duration::days(1)).now();
/// assert!(tomorrow > Utc::now() + Duration::hours(23));
/// ```
pub trait Clock: Send + Sync {
    /// The current instant.
    fn now(&self) -> DateTime<Utc>;
}

/// The system's wall clock.
///
/// ```
/// use helpdesk_engine::{Clock, SystemClock};
/// let before = chrono::Utc::now();
/// assert!(SystemClock.now() >= before);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that stands still until moved. Clones share the same time.
///
/// ```
/// use chrono::{Duration, TimeZone, Utc};
/// use helpdesk_engine::{Clock, ManualClock};
///
/// let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap());
/// let shared = clock.clone();
/// clock.advance(Duration::hours(2));
/// assert_eq!(shared.now(), Utc.with_ymd_and_hms(2026, 3, 2, 11, 0, 0).unwrap());
/// ```
#[derive(Debug, Clone)]
pub struct ManualClock {
    now: Arc<Mutex<DateTime<Utc>>>,
}

impl ManualClock {
    /// A clock showing `now`.
    pub fn new(now: DateTime<Utc>) -> Self {
        Self {
            now: Arc::new(Mutex::new(now)),
        }
    }

    /// Sets the time.
    ///
    /// ```
    /// use chrono::{DateTime, Utc};
    /// use helpdesk_engine::{Clock, ManualClock};
    ///
    /// # fn main() -> Result<(), chrono::ParseError> {
    /// let clock = ManualClock::new(DateTime::UNIX_EPOCH);
    /// let t: DateTime<Utc> = "2026-03-02T09:00:00Z".parse()?;
    /// clock.set(t);
    /// assert_eq!(clock.now(), t);
    /// # Ok(())
    /// # }
    /// ```
    pub fn set(&self, now: DateTime<Utc>) {
        *self.now.lock().unwrap_or_else(PoisonError::into_inner) = now;
    }

    /// Moves the time forward (or back, with a negative duration).
    pub fn advance(&self, by: Duration) {
        let mut now = self.now.lock().unwrap_or_else(PoisonError::into_inner);
        *now = now.checked_add_signed(by).unwrap_or(*now);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.now.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
