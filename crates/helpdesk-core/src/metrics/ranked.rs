//! [`Ranked`]: a multiset of times kept sorted, so that a percentile over
//! many of them is found without sorting anything again.

use crate::metrics::stats::Times;

/// The most values kept in the short run before it is merged into the
/// long one.
const FRESH: usize = 64;

/// A multiset of milliseconds, sorted: a long run and a short one (at
/// most [`FRESH`] values) that new values go into, merged into the long
/// run when full. Inserting costs a short shift and, every [`FRESH`]
/// values, one merge; counting the values up to a bound is two binary
/// searches.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Ranked {
    long: Vec<i64>,
    fresh: Vec<i64>,
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
        for run in [&mut self.fresh, &mut self.long] {
            if let Ok(at) = run.binary_search(&value) {
                run.remove(at);
                return true;
            }
        }
        false
    }

    /// Merges the short run into the long one, from the back, in place.
    fn merge(&mut self) {
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

    fn min(&self) -> Option<i64> {
        match (self.long.first(), self.fresh.first()) {
            (Some(a), Some(b)) => Some(*a.min(b)),
            (a, b) => a.or(b).copied(),
        }
    }

    fn max(&self) -> Option<i64> {
        match (self.long.last(), self.fresh.last()) {
            (Some(a), Some(b)) => Some(*a.max(b)),
            (a, b) => a.or(b).copied(),
        }
    }
}

/// The [`Times`] of the values of every part together: the same count,
/// median and 90th percentile [`Times::of`] gives for all of them in one
/// list.
pub(crate) fn times(parts: &[&Ranked]) -> Times {
    let count = parts.iter().map(|r| r.len()).sum::<usize>();
    Times {
        count: count as u64,
        median_ms: select(parts, count, 50),
        p90_ms: select(parts, count, 90),
    }
}

/// The nearest-rank `p`-th percentile of the `count` values of `parts`:
/// the smallest value with at least `ceil(p/100 * count)` values at or
/// below it, found by bisecting the range of values. Each sorted run keeps
/// the window of positions the answer can still be at, so later steps
/// search ever shorter windows.
fn select(parts: &[&Ranked], count: usize, p: u64) -> Option<i64> {
    let rank = (p * count as u64).div_ceil(100).max(1) as usize;
    let mut lo = parts.iter().filter_map(|r| r.min()).min()?;
    let mut hi = parts.iter().filter_map(|r| r.max()).max()?;
    // Per run: the run, and the window [from, to) of it between lo and hi;
    // values before the window are below lo, values after it above hi.
    let mut runs: Vec<(&[i64], usize, usize)> = parts
        .iter()
        .flat_map(|r| [r.long.as_slice(), r.fresh.as_slice()])
        .filter(|run| !run.is_empty())
        .map(|run| (run, 0, run.len()))
        .collect();
    let mut cuts = vec![0; runs.len()];
    while lo < hi {
        let mid = ((i128::from(lo) + i128::from(hi)).div_euclid(2)) as i64;
        let mut at_most = 0;
        for ((run, from, to), cut) in runs.iter().zip(cuts.iter_mut()) {
            *cut = from
                + run
                    .get(*from..*to)
                    .map_or(0, |w| w.partition_point(|v| *v <= mid));
            at_most += *cut;
        }
        if at_most >= rank {
            hi = mid;
            for ((_, _, to), cut) in runs.iter_mut().zip(&cuts) {
                *to = *cut;
            }
        } else {
            lo = mid + 1;
            for ((_, from, _), cut) in runs.iter_mut().zip(&cuts) {
                *from = *cut;
            }
        }
    }
    Some(lo)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn percentiles_of_parts_are_those_of_all_values(
            parts in proptest::collection::vec(proptest::collection::vec(-5_000i64..5_000, 0..300), 1..6),
            removed in proptest::collection::vec(-5_000i64..5_000, 0..80),
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
