//! Small statistics: nearest-rank percentiles, ratios, histograms.

use serde::{Deserialize, Serialize};

/// The `p`-th percentile (0 < p <= 100) of `sorted` by the nearest-rank
/// method: the smallest value with at least `p`% of the values at or below
/// it, `sorted[ceil(p/100 * n) - 1]`. No interpolation, so the answer is
/// always a time that was measured; the median of an even count is the
/// lower of the middle two. `None` for no values.
///
/// ```
/// use helpdesk_core::metrics::percentile;
/// assert_eq!(percentile(&[1, 2, 3, 4], 50), Some(2));
/// assert_eq!(percentile(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90), Some(9));
/// assert_eq!(percentile(&[], 50), None);
/// ```
pub fn percentile(sorted: &[i64], p: u32) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let n = sorted.len() as u64;
    let rank = (u64::from(p.clamp(1, 100)) * n).div_ceil(100).max(1);
    sorted.get((rank - 1) as usize).copied()
}

/// How long something took, over the tickets of a period: how many were
/// measured, and the median and 90th percentile in milliseconds
/// ([`percentile`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Times {
    /// How many were measured.
    pub count: u64,
    /// The median, in milliseconds.
    pub median_ms: Option<i64>,
    /// The 90th percentile, in milliseconds.
    pub p90_ms: Option<i64>,
}

impl Times {
    /// The count, median and 90th percentile of `values` (sorted here).
    pub fn of(mut values: Vec<i64>) -> Self {
        values.sort_unstable();
        Self {
            count: values.len() as u64,
            median_ms: percentile(&values, 50),
            p90_ms: percentile(&values, 90),
        }
    }
}

/// A part of a whole, such as tickets resolved at first contact of those
/// resolved.
///
/// ```
/// use helpdesk_core::metrics::Ratio;
/// assert_eq!(Ratio::new(3, 4).rate, Some(0.75));
/// assert_eq!(Ratio::new(0, 0).rate, None);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Ratio {
    /// The part.
    pub part: u64,
    /// The whole.
    pub whole: u64,
    /// `part / whole`; `None` when the whole is 0.
    pub rate: Option<f64>,
}

impl Ratio {
    /// `part` of `whole`.
    pub fn new(part: u64, whole: u64) -> Self {
        Self {
            part,
            whole,
            rate: (whole > 0).then(|| part as f64 / whole as f64),
        }
    }
}

/// A count per labelled bin, such as backlog ages or response times.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bin {
    /// What the bin holds, such as `"1-3 days"`.
    pub label: String,
    /// How many.
    pub count: u64,
}

/// Upper bounds (exclusive, in milliseconds) and labels of histogram bins;
/// the last bin has no bound.
pub(crate) struct Bins(
    pub(crate) &'static [(i64, &'static str)],
    pub(crate) &'static str,
);

const HOUR: i64 = 3_600_000;
const DAY: i64 = 24 * HOUR;

/// Backlog ages.
pub(crate) const AGES: Bins = Bins(
    &[
        (DAY, "< 1 day"),
        (3 * DAY, "1-3 days"),
        (7 * DAY, "3-7 days"),
        (30 * DAY, "7-30 days"),
    ],
    "30+ days",
);

/// Response times.
pub(crate) const RESPONSES: Bins = Bins(
    &[
        (HOUR / 4, "< 15 min"),
        (HOUR, "15-60 min"),
        (4 * HOUR, "1-4 h"),
        (8 * HOUR, "4-8 h"),
        (DAY, "8-24 h"),
        (3 * DAY, "1-3 days"),
    ],
    "3+ days",
);

impl Bins {
    /// The index of the bin of `ms`.
    pub(crate) fn index(&self, ms: i64) -> usize {
        self.0
            .iter()
            .position(|(bound, _)| ms < *bound)
            .unwrap_or(self.0.len())
    }

    /// Empty bins, labelled.
    pub(crate) fn empty(&self) -> Vec<Bin> {
        self.0
            .iter()
            .map(|(_, label)| *label)
            .chain([self.1])
            .map(|label| Bin {
                label: label.to_owned(),
                count: 0,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_picks_a_measured_value() {
        let values: Vec<i64> = (1..=7).collect();
        assert_eq!(percentile(&values, 50), Some(4));
        assert_eq!(percentile(&values, 90), Some(7));
        assert_eq!(percentile(&[5], 90), Some(5));
    }

    #[test]
    fn bins_put_bounds_in_the_next_bin() {
        assert_eq!(AGES.index(DAY - 1), 0);
        assert_eq!(AGES.index(DAY), 1);
        assert_eq!(AGES.index(100 * DAY), 4);
        assert_eq!(AGES.empty().len(), 5);
    }
}
