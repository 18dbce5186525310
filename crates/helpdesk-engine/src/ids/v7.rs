//! The process's UUID v7 generator: time-ordered, unique, and cheap enough
//! to stamp every event.
//!
//! Layout (RFC 9562, "fixed bit-length dedicated counter"): 48 bits of Unix
//! milliseconds, a 42-bit counter split around the version and variant
//! bits, then 32 random bits. The counter starts from a random value each
//! millisecond and counts up within it, so ids made in this process sort in
//! the order they were made, even within one millisecond; if it runs out
//! (2^41 ids in a millisecond) the timestamp moves on by one. The random
//! bits come from the operating system's generator through `uuid`, 128 at
//! a time, and cover four ids each.

use std::sync::{Mutex, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use uuid::Uuid;

/// The largest counter value.
const MAX_COUNTER: u64 = (1 << 42) - 1;

/// The random seeds of the counter leave the top bit clear, so at least
/// 2^41 ids fit in each millisecond.
const SEED_MASK: u64 = (1 << 41) - 1;

struct Generator {
    /// The millisecond of the last id.
    millis: u64,
    /// The counter of the last id.
    counter: u64,
    /// Random bits not used yet, 32 per id.
    random: u128,
    /// How many 32-bit words of `random` are left.
    left: u32,
}

static GENERATOR: Mutex<Generator> = Mutex::new(Generator {
    millis: 0,
    counter: 0,
    random: 0,
    left: 0,
});

impl Generator {
    fn random_u32(&mut self) -> u32 {
        if self.left == 0 {
            self.random = random_u128();
            self.left = 4;
        }
        self.left -= 1;
        let word = self.random as u32;
        self.random >>= 32;
        word
    }

    /// The millisecond and counter of the next id, at wall-clock time `now`.
    fn advance(&mut self, now: u64) -> (u64, u64) {
        if now > self.millis {
            self.millis = now;
            self.counter = self.seed();
        } else if self.counter < MAX_COUNTER {
            self.counter += 1;
        } else {
            self.millis += 1;
            self.counter = self.seed();
        }
        (self.millis, self.counter)
    }

    fn seed(&mut self) -> u64 {
        ((u64::from(self.random_u32()) << 32) | u64::from(self.random_u32())) & SEED_MASK
    }
}

/// 128 bits from the operating system's generator (a v4 UUID's 122 random
/// bits, and six fixed ones, which only thin the counter seed a little).
fn random_u128() -> u128 {
    Uuid::new_v4().as_u128()
}

/// A new UUID v7, later than every other this process made.
pub(crate) fn new_v7() -> Uuid {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
    let (millis, counter, random) = {
        let mut generator = GENERATOR.lock().unwrap_or_else(PoisonError::into_inner);
        let (millis, counter) = generator.advance(now);
        (millis, counter, generator.random_u32())
    };
    from_parts(millis, counter, random)
}

/// The v7 UUID of `millis`, `counter` (42 bits) and 32 random bits.
fn from_parts(millis: u64, counter: u64, random: u32) -> Uuid {
    let high = (millis & 0xffff_ffff_ffff) << 16 | 0x7000 | (counter >> 30);
    let low = 0x8000_0000_0000_0000 | (counter & 0x3fff_ffff) << 32 | u64::from(random);
    Uuid::from_u64_pair(high, low)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_version_7_and_carry_the_millisecond() {
        let before = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_else(|e| panic!("the clock is before 1970: {e}"))
            .as_millis();
        let id = new_v7();
        assert_eq!(id.get_version_num(), 7);
        assert_eq!(id.get_variant(), uuid::Variant::RFC4122);
        let (seconds, nanos) = id
            .get_timestamp()
            .map(|t| t.to_unix())
            .unwrap_or_else(|| panic!("a v7 id carries its instant"));
        let millis = u128::from(seconds) * 1000 + u128::from(nanos / 1_000_000);
        assert!(millis >= before, "{millis} < {before}");
    }

    #[test]
    fn ids_made_one_after_another_increase() {
        let ids: Vec<Uuid> = (0..10_000).map(|_| new_v7()).collect();
        assert!(ids.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn ids_from_several_threads_are_unique() {
        let threads: Vec<_> = (0..4)
            .map(|_| std::thread::spawn(|| (0..5_000).map(|_| new_v7()).collect::<Vec<_>>()))
            .collect();
        let mut all = std::collections::HashSet::new();
        for thread in threads {
            for id in thread
                .join()
                .unwrap_or_else(|_| panic!("a generating thread panicked"))
            {
                assert!(all.insert(id), "duplicate id {id}");
            }
        }
        assert_eq!(all.len(), 20_000);
    }

    #[test]
    fn the_counter_lays_out_around_version_and_variant() {
        let id = from_parts(0x0123_4567_89ab, MAX_COUNTER, 0xdead_beef);
        assert_eq!(id.to_string(), "01234567-89ab-7fff-bfff-ffffdeadbeef");
        let id = from_parts(1, 0, 0);
        assert_eq!(id.to_string(), "00000000-0001-7000-8000-000000000000");
    }

    #[test]
    fn a_full_counter_moves_to_the_next_millisecond() {
        let mut generator = Generator {
            millis: 5,
            counter: MAX_COUNTER,
            random: 0,
            left: 0,
        };
        let (millis, counter) = generator.advance(5);
        assert_eq!(millis, 6);
        assert!(counter <= SEED_MASK);
        let (millis, next) = generator.advance(5);
        assert_eq!(
            (millis, next),
            (6, counter + 1),
            "a clock behind keeps counting"
        );
    }
}
