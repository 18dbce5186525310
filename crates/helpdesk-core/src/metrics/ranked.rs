//! [`Ranked`]: a multiset of times kept sorted and counted per bin of
//! magnitude, so that a percentile over many of them is found without
//! sorting them again or searching each.

use crate::metrics::stats::Times;

/// The most values kept in the short run before it is merged into the
/// long one.
const FRESH: usize = 64;

/// How many bins of magnitude the long run's values are counted in.
const BINS: usize = 64;

/// The bin of `ms`: the first holds everything under a second, then two
/// bins per doubling (split at one and a half times its start), and the
/// last everything from about 35 years on. Bins are in the values' order:
/// a bin's values are all below the next bin's.
fn bin(ms: i64) -> usize {
    if ms < 1024 {
        return 0;
    }
    let doubling = 63 - ms.leading_zeros() as usize;
    let upper_half = ((ms >> (doubling - 1)) & 1) as usize;
    (1 + 2 * (doubling - 10) + upper_half).min(BINS - 1)
}

/// A multiset of milliseconds, sorted: a long run and a short one (at
/// most [`FRESH`] values) that new values go into, merged into the long
/// run when full. The long run's values are counted per [`bin`], so the
/// values of a bin are a window of it found by adding counts. Inserting
/// costs a short shift and, every [`FRESH`] values, one merge.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Ranked {
    long: Vec<i64>,
    fresh: Vec<i64>,
    /// How many of the long run's values each bin holds; none until the
    /// first merge, so the many days with few values carry no counts.
    bins: Option<Box<[u32; BINS]>>,
}

impl Ranked {
    /// How many values it holds.
    pub(crate) fn len(&self) -> usize {
        self.long.len() + self.fresh.len()
    }

    /// Adds `value`.
    pub(crate) fn insert(&mut self, value: i64) {
        let at = self.fresh.partition_point(|v| *v <= value);
        self.fresh.insert(at, value);
        if self.fresh.len() >= FRESH {
            self.merge();
        }
    }

    /// Takes one `value` out; `false` when it holds none.
    pub(crate) fn remove(&mut self, value: i64) -> bool {
        if let Ok(at) = self.fresh.binary_search(&value) {
            self.fresh.remove(at);
            return true;
        }
        if let Ok(at) = self.long.binary_search(&value) {
            self.long.remove(at);
            if let Some(count) = self.bins.as_mut().map(|bins| &mut bins[bin(value)]) {
                *count = count.saturating_sub(1);
            }
            return true;
        }
        false
    }

    /// Merges the short run into the long one, from the back, in place.
    fn merge(&mut self) {
        let bins = self.bins.get_or_insert_with(|| Box::new([0; BINS]));
        for value in &self.fresh {
            bins[bin(*value)] += 1;
        }
        let (n, m) = (self.long.len(), self.fresh.len());
        self.long.resize(n + m, 0);
        let (mut i, mut j) = (n, m);
        while j > 0 {
            let k = i + j - 1;
            if i > 0 && self.long[i - 1] > self.fresh[j - 1] {
                self.long[k] = self.long[i - 1];
                i -= 1;
            } else {
                self.long[k] = self.fresh[j - 1];
                j -= 1;
            }
        }
        self.fresh.clear();
    }

    /// Adds how many values each bin holds to `totals`.
    fn count_into(&self, totals: &mut [u64; BINS]) {
        if let Some(bins) = &self.bins {
            for (total, count) in totals.iter_mut().zip(bins.iter()) {
                *total += u64::from(*count);
            }
        }
        for value in &self.fresh {
            totals[bin(*value)] += 1;
        }
    }

    /// Appends the values of bin `b` to `out`.
    fn values_in(&self, b: usize, out: &mut Vec<i64>) {
        if let Some(bins) = &self.bins {
            let from = bins[..b].iter().map(|c| *c as usize).sum::<usize>();
            let to = from + bins[b] as usize;
            out.extend_from_slice(self.long.get(from..to).unwrap_or_default());
        }
        out.extend(self.fresh.iter().filter(|v| bin(**v) == b));
    }
}

/// The [`Times`] of the values of every part together: the same count,
/// median and 90th percentile [`Times::of`] gives for all of them in one
/// list.
pub(crate) fn times(parts: &[&Ranked]) -> Times {
    let count = parts.iter().map(|r| r.len() as u64).sum::<u64>();
    let mut totals = [0; BINS];
    for part in parts {
        part.count_into(&mut totals);
    }
    let rank = |p: u64| (p * count).div_ceil(100).max(1);
    Times {
        count,
        median_ms: select(parts, &totals, rank(50)),
        p90_ms: select(parts, &totals, rank(90)),
    }
}

/// The `rank`-th smallest value of `parts` (from 1), whose values each bin
/// holds `totals` of: the bin it is in is found by adding the totals, and
/// only that bin's values are gathered and selected from.
fn select(parts: &[&Ranked], totals: &[u64; BINS], rank: u64) -> Option<i64> {
    let mut below = 0;
    let b = totals.iter().position(|total| {
        below += total;
        below >= rank
    })?;
    let before = below - totals[b];
    let mut values = Vec::with_capacity(totals[b] as usize);
    for part in parts {
        part.values_in(b, &mut values);
    }
    let at = usize::try_from(rank - before - 1).ok()?;
    (at < values.len()).then(|| *values.select_nth_unstable(at).1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Times near each other, so that some repeat and are taken out
    /// again, spread over a few bins, and over every bin.
    fn value() -> impl Strategy<Value = i64> {
        prop_oneof![
            3 => -5_000i64..5_000,
            2 => 0i64..10_000_000,
            1 => any::<i64>(),
        ]
    }

    #[test]
    fn bins_follow_the_values_order() {
        let edges = [
            i64::MIN,
            -1,
            0,
            1_023,
            1_024,
            1_535,
            1_536,
            2_047,
            2_048,
            1 << 40,
            1 << 41,
            i64::MAX,
        ];
        for pair in edges.windows(2) {
            assert!(bin(pair[0]) <= bin(pair[1]), "{} then {}", pair[0], pair[1]);
        }
        assert_eq!(
            (bin(1_023), bin(1_024), bin(1_536), bin(2_048)),
            (0, 1, 2, 3)
        );
        assert_eq!(bin(i64::MAX), BINS - 1);
    }

    proptest! {
        #[test]
        fn percentiles_of_parts_are_those_of_all_values(
            parts in proptest::collection::vec(proptest::collection::vec(value(), 0..300), 1..6),
            removed in proptest::collection::vec(value(), 0..80),
            taken in proptest::collection::vec(any::<proptest::sample::Index>(), 0..120),
        ) {
            // Given values inserted into several multisets, some taken out again
            let mut ranked: Vec<Ranked> = Vec::new();
            let mut model: Vec<Vec<i64>> = parts.clone();
            for values in &parts {
                let mut r = Ranked::default();
                for v in values {
                    r.insert(*v);
                }
                ranked.push(r);
            }
            for (i, v) in removed.iter().enumerate() {
                let part = i % parts.len();
                let held = model[part].iter().position(|x| x == v);
                prop_assert_eq!(ranked[part].remove(*v), held.is_some());
                if let Some(at) = held {
                    model[part].swap_remove(at);
                }
            }
            for (i, index) in taken.iter().enumerate() {
                let part = i % parts.len();
                let held = model[part].len();
                if held > 0 {
                    let v = model[part].swap_remove(index.index(held));
                    prop_assert!(ranked[part].remove(v));
                }
            }

            // When their percentiles are selected together
            let refs: Vec<&Ranked> = ranked.iter().collect();
            let selected = times(&refs);

            // Then they are those of the values in one sorted list
            prop_assert_eq!(selected, Times::of(model.concat()));
            for (r, m) in ranked.iter().zip(&model) {
                prop_assert_eq!(r.len(), m.len());
            }
        }
    }
}
