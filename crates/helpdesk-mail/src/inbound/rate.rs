//! [`SenderRate`]: how many tickets one sender may open in a window, so a
//! runaway sender (a broken script, a loop with a system that ignores
//! `Auto-Submitted`) cannot open hundreds of tickets.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};

/// A sliding-window limit on the tickets each sender address opens, kept
/// in this process (each host of a desk keeps its own).
///
/// ```
/// use std::time::Duration;
/// use chrono::{TimeZone, Utc};
/// use helpdesk_mail::SenderRate;
///
/// let rate = SenderRate::new(2, Duration::from_secs(3600));
/// let nine = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
/// assert!(rate.admit("bot@example.com", nine));
/// assert!(rate.admit("bot@example.com", nine));
/// assert!(!rate.admit("bot@example.com", nine));        // the third within the hour
/// assert!(rate.admit("alice@example.com", nine));       // others are not held back
/// assert!(rate.admit("bot@example.com", nine + chrono::Duration::hours(1)));
/// ```
#[derive(Debug)]
pub struct SenderRate {
    max: usize,
    window: Duration,
    opened: Mutex<HashMap<String, VecDeque<DateTime<Utc>>>>,
}

impl SenderRate {
    /// At most `max` tickets per sender in any `window`.
    pub fn new(max: usize, window: Duration) -> Self {
        Self {
            max,
            window,
            opened: Mutex::new(HashMap::new()),
        }
    }

    /// Whether `sender` (compared without case) may open one more ticket
    /// at `now`; if so, counts it.
    pub fn admit(&self, sender: &str, now: DateTime<Utc>) -> bool {
        let window = chrono::Duration::from_std(self.window).unwrap_or(chrono::Duration::MAX);
        let mut opened = self
            .opened
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // Forget senders whose window has passed, so the map stays small.
        if opened.len() > 4096 {
            opened.retain(|_, times| times.back().is_some_and(|t| now - *t < window));
        }
        let times = opened.entry(sender.to_ascii_lowercase()).or_default();
        while times.front().is_some_and(|t| now - *t >= window) {
            times.pop_front();
        }
        if times.len() >= self.max {
            return false;
        }
        times.push_back(now);
        true
    }

    /// Takes back one ticket `sender` was admitted at `at` that did not
    /// open, so that offering its mail again is not held back by it.
    ///
    /// ```
    /// use std::time::Duration;
    /// use chrono::{TimeZone, Utc};
    /// use helpdesk_mail::SenderRate;
    ///
    /// let rate = SenderRate::new(1, Duration::from_secs(3600));
    /// let nine = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
    /// assert!(rate.admit("ann@example.com", nine));
    /// rate.forget("Ann@example.com", nine);
    /// assert!(rate.admit("ann@example.com", nine));
    /// assert!(!rate.admit("ann@example.com", nine));
    /// ```
    pub fn forget(&self, sender: &str, at: DateTime<Utc>) {
        let mut opened = self
            .opened
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(times) = opened.get_mut(&sender.to_ascii_lowercase()) {
            if let Some(last) = times.iter().rposition(|t| *t == at) {
                times.remove(last);
            }
        }
    }
}
