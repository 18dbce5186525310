//! [`trends`]: recurring problems on the rise, and clusters of
//! near-identical subjects.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Days, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::id::{TenantId, TicketId};
use crate::metrics::facts::TicketFacts;
use crate::number::TicketNumber;

/// What a rising count is counted over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrendDimension {
    /// The ticket type: the category of work.
    Type,
    /// Each tag.
    Tag,
    /// Each asset.
    Asset,
    /// The requester's organization.
    Organization,
    /// Each keyword of the subject ([`keywords`]).
    Keyword,
}

/// What [`trends`] looks at: the window `[from, to)` (at most a week), the
/// time zone its weekdays are in, how many weeks of baseline, and the
/// test's thresholds.
#[derive(Debug, Clone, PartialEq)]
pub struct TrendSpec {
    /// The window's first instant.
    pub from: DateTime<Utc>,
    /// The instant after it.
    pub to: DateTime<Utc>,
    /// The desk's time zone: baseline windows are the same local weekdays
    /// and hours of earlier weeks.
    pub tz: Tz,
    /// How many earlier weeks make the baseline (4 by default).
    pub baseline_weeks: u32,
    /// The family-wise significance level per dimension (0.01 by default),
    /// divided among the values tested (Bonferroni).
    pub alpha: f64,
    /// The fewest tickets in the window for a value to be tested (5).
    pub min_count: u64,
    /// The least ratio of the window's count to the baseline's mean (1.5),
    /// so a tiny but significant rise of a huge value is not reported.
    pub min_ratio: f64,
    /// The least Jaccard similarity of two subjects' keywords for them to
    /// be near-identical (0.5).
    pub similarity: f64,
    /// The fewest tickets a cluster is reported with (3).
    pub min_cluster: usize,
    /// Only this tenant's tickets.
    pub tenant: Option<TenantId>,
}

impl TrendSpec {
    /// The most tickets of a window that are clustered: the most recent
    /// ones, so a storm of tickets cannot make clustering quadratic without
    /// bound.
    pub const MAX_CLUSTERED: usize = 5_000;

    /// A window with the default thresholds.
    pub fn new(from: DateTime<Utc>, to: DateTime<Utc>, tz: Tz) -> Self {
        Self {
            from,
            to,
            tz,
            baseline_weeks: 4,
            alpha: 0.01,
            min_count: 5,
            min_ratio: 1.5,
            similarity: 0.5,
            min_cluster: 3,
            tenant: None,
        }
    }
}

/// A window [`trends`] cannot test.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TrendError {
    /// The window is empty or longer than a week: its baseline windows
    /// would overlap it.
    #[error(
        "a trend window runs from its start to at most a week later, so its baseline weeks do not overlap it; {from} .. {to} is not such a window"
    )]
    Window {
        /// The start given.
        from: DateTime<Utc>,
        /// The end given.
        to: DateTime<Utc>,
    },
    /// No baseline weeks.
    #[error("a trend needs at least one baseline week")]
    NoBaseline,
}

/// A value whose count in the window is significantly above its baseline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rising {
    /// The dimension.
    pub dimension: TrendDimension,
    /// The value, such as a tag.
    pub value: String,
    /// Tickets created in the window with it.
    pub count: u64,
    /// Tickets with it in each baseline window, the most recent week first.
    pub baseline: Vec<u64>,
    /// The expected count: `(sum of baseline + 0.5) / weeks`.
    pub expected: f64,
    /// `P(X >= count)` for `X ~ Poisson(expected)`.
    pub p_value: f64,
}

/// Tickets of the window with near-identical subjects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cluster {
    /// How many.
    pub size: usize,
    /// The keywords at least half of them share, most shared first.
    pub keywords: Vec<String>,
    /// The most common subject among them.
    pub subject: String,
    /// The first one's creation.
    pub first_at: DateTime<Utc>,
    /// The last one's creation.
    pub last_at: DateTime<Utc>,
    /// The tickets, oldest first.
    pub tickets: Vec<TicketId>,
    /// The numbers of those of them that have one, oldest first: what a
    /// person looks them up by.
    #[serde(default)]
    pub numbers: Vec<TicketNumber>,
}

/// What [`trends`] answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trends {
    /// The window's first instant.
    pub from: DateTime<Utc>,
    /// The instant after it.
    pub to: DateTime<Utc>,
    /// The baseline windows, `[from, to)` each, most recent first.
    pub baseline: Vec<(DateTime<Utc>, DateTime<Utc>)>,
    /// Tickets created in the window.
    pub created: u64,
    /// Rising values, most significant first.
    pub rising: Vec<Rising>,
    /// Clusters, largest first.
    pub clusters: Vec<Cluster>,
}

/// Words too common in subjects to say what a ticket is about.
const STOPWORDS: &[&str] = &[
    "a", "an", "and", "any", "are", "as", "at", "be", "but", "by", "can", "cannot", "cant", "for",
    "from", "get", "has", "have", "help", "i", "in", "is", "it", "its", "me", "my", "need", "no",
    "not", "of", "on", "or", "our", "please", "re", "the", "this", "to", "up", "we", "with", "you",
    "fw", "fwd",
];

/// The keywords of a subject: its words lowercased, split at anything but
/// letters and digits, without stopwords, one-letter words and numbers
/// shorter than three digits; each once, in order.
///
/// ```
/// use helpdesk_core::metrics::keywords;
/// assert_eq!(keywords("Re: VPN drops every hour (error 809)"), ["vpn", "drops", "every", "hour", "error", "809"]);
/// ```
pub fn keywords(subject: &str) -> Vec<String> {
    let mut seen = BTreeSet::new();
    subject
        .split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .filter(|w| {
            let digits = w.chars().all(|c| c.is_ascii_digit());
            w.chars().count() >= 2 && !(digits && w.len() < 3) && !STOPWORDS.contains(&w.as_str())
        })
        .filter(|w| seen.insert(w.clone()))
        .collect()
}

/// `P(X >= k)` for `X ~ Poisson(lambda)`, summed from `k` upwards in log
/// space so small tails keep their precision.
///
/// ```
/// use helpdesk_core::metrics::poisson_at_least;
/// assert_eq!(poisson_at_least(0, 3.0), 1.0);
/// assert!((poisson_at_least(1, 2.0) - (1.0 - (-2.0f64).exp())).abs() < 1e-12);
/// assert!(poisson_at_least(20, 2.0) < 1e-10);
/// ```
pub fn poisson_at_least(k: u64, lambda: f64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    if lambda <= 0.0 {
        return 0.0;
    }
    let ln_factorial: f64 = (1..=k).map(|i| (i as f64).ln()).sum();
    let mut term = (-lambda + k as f64 * lambda.ln() - ln_factorial).exp();
    let mut sum = 0.0;
    let mut x = k;
    for _ in 0..1_000_000 {
        sum += term;
        x += 1;
        term *= lambda / x as f64;
        if x as f64 > lambda && term <= sum * 1e-17 {
            break;
        }
    }
    sum.min(1.0)
}

/// `at` moved back by `weeks` local weeks in `tz`: the same weekday and
/// wall-clock time, across offset changes.
fn weeks_before(at: DateTime<Utc>, tz: Tz, weeks: u32) -> DateTime<Utc> {
    let local = at.with_timezone(&tz).naive_local() - Days::new(7 * u64::from(weeks));
    (0..=3)
        .find_map(|hours| {
            tz.from_local_datetime(&(local + chrono::TimeDelta::hours(hours)))
                .earliest()
        })
        .map_or(at - chrono::TimeDelta::weeks(i64::from(weeks)), |t| {
            t.with_timezone(&Utc)
        })
}

/// The values a ticket has in each trend dimension.
fn values(facts: &TicketFacts) -> Vec<(TrendDimension, String)> {
    let d = &facts.dimensions;
    let mut out = vec![(TrendDimension::Type, d.ticket_type.to_string())];
    out.extend(
        d.tags
            .iter()
            .map(|t| (TrendDimension::Tag, t.as_str().to_owned())),
    );
    out.extend(
        d.assets
            .iter()
            .map(|a| (TrendDimension::Asset, a.as_str().to_owned())),
    );
    out.extend(
        d.organization
            .iter()
            .map(|o| (TrendDimension::Organization, o.clone())),
    );
    out.extend(
        keywords(&facts.subject)
            .into_iter()
            .map(|k| (TrendDimension::Keyword, k)),
    );
    out
}

/// Which values rise in `spec`'s window against the same window of each of
/// the `baseline_weeks` weeks before, and which subjects cluster in it.
///
/// **The test.** For each dimension and value, `count` is the number of
/// tickets created in the window with that value, and `b_1 .. b_k` the
/// numbers in the same local weekdays and hours `1 .. k` weeks earlier. A
/// Monday morning is thus compared with Monday mornings, so the weekly
/// rhythm of a desk is no alarm. Under "nothing changed" the count is
/// Poisson with mean `lambda = (b_1 + .. + b_k + 0.5) / k` (the half ticket
/// keeps a value never seen before from being infinitely surprising). The
/// value rises when `count >= min_count`, `count >= min_ratio * lambda`
/// and `P(X >= count) < alpha / m`, where `m` is the number of values of
/// the dimension seen in the window (Bonferroni's correction: with 200
/// tags, a desk is not told of two chance rises a day).
///
/// **Clusters.** Subjects are near-identical when the Jaccard similarity of
/// their [`keywords`] is at least `similarity`; clusters are the connected
/// groups of near-identical subjects among the window's tickets (the
/// [`TrendSpec::MAX_CLUSTERED`] most recent) with at least `min_cluster`
/// tickets.
///
/// ```
/// use chrono::{Duration, TimeZone, Utc};
/// use helpdesk_core::metrics::{TicketFacts, TrendDimension, TrendSpec, trends};
/// use helpdesk_core::*;
///
/// let config = DeskConfig::default();
/// let tenant = TenantId::from_u128(1);
/// let alice = Actor::requester(ActorId::from_u128(10), tenant);
/// let monday = Utc.with_ymd_and_hms(2026, 3, 30, 8, 0, 0).unwrap();
/// let mut facts = Vec::new();
/// let mut open = |n: u128, at, subject: &str| {
///     let ctx = Context::new(&alice, at, &config);
///     let command = Command::Open(NewTicket::new(alice.id, subject, ""));
///     let events = decide(&Ticket::new(TicketId::from_u128(n)), command, &ctx).unwrap();
///     facts.push(TicketFacts::from_events_of(TicketId::from_u128(n), &events, &config).unwrap());
/// };
/// // One printer ticket every Monday morning for four weeks...
/// for week in 1..=4 {
///     open(week, monday - Duration::weeks(week as i64), "Printer jam");
/// }
/// // ...and this Monday, twelve tickets about the VPN.
/// for n in 0..12 {
///     open(100 + n, monday + Duration::minutes(n as i64 * 5), "VPN drops every hour");
/// }
/// let spec = TrendSpec::new(monday, monday + Duration::hours(4), chrono_tz::Europe::Berlin);
/// let found = trends(&facts, &spec).unwrap();
/// assert!(found.rising.iter().any(|r| r.dimension == TrendDimension::Keyword && r.value == "vpn"));
/// assert!(!found.rising.iter().any(|r| r.value == "printer"));
/// assert_eq!(found.clusters[0].size, 12);
/// assert_eq!(found.clusters[0].keywords, ["vpn", "drops", "every", "hour"]);
/// ```
pub fn trends<'a>(
    tickets: impl IntoIterator<Item = &'a TicketFacts>,
    spec: &TrendSpec,
) -> Result<Trends, TrendError> {
    if spec.to <= spec.from || spec.to - spec.from > chrono::TimeDelta::weeks(1) {
        return Err(TrendError::Window {
            from: spec.from,
            to: spec.to,
        });
    }
    if spec.baseline_weeks == 0 {
        return Err(TrendError::NoBaseline);
    }
    let weeks = spec.baseline_weeks as usize;
    let windows: Vec<(DateTime<Utc>, DateTime<Utc>)> = (0..=spec.baseline_weeks)
        .map(|w| {
            (
                weeks_before(spec.from, spec.tz, w),
                weeks_before(spec.to, spec.tz, w),
            )
        })
        .collect();
    let window_of = |at: DateTime<Utc>| windows.iter().position(|(f, t)| *f <= at && at < *t);

    let mut counts: HashMap<(TrendDimension, String), Vec<u64>> = HashMap::new();
    let mut current: Vec<&TicketFacts> = Vec::new();
    for facts in tickets {
        if spec.tenant.is_some_and(|t| t != facts.tenant) {
            continue;
        }
        let Some(w) = window_of(facts.created_at) else {
            continue;
        };
        if w == 0 {
            current.push(facts);
        }
        for value in values(facts) {
            counts.entry(value).or_insert_with(|| vec![0; weeks + 1])[w] += 1;
        }
    }

    let mut seen: BTreeMap<TrendDimension, u64> = BTreeMap::new();
    for ((dimension, _), c) in &counts {
        if c[0] > 0 {
            *seen.entry(*dimension).or_default() += 1;
        }
    }
    let mut rising: Vec<Rising> = counts
        .into_iter()
        .filter(|(_, c)| c[0] >= spec.min_count)
        .filter_map(|((dimension, value), c)| {
            let expected = (c[1..].iter().sum::<u64>() as f64 + 0.5) / weeks as f64;
            let p_value = poisson_at_least(c[0], expected);
            let tests = seen.get(&dimension).copied().unwrap_or(1).max(1) as f64;
            (c[0] as f64 >= spec.min_ratio * expected && p_value < spec.alpha / tests).then(|| {
                Rising {
                    dimension,
                    value,
                    count: c[0],
                    baseline: c[1..].to_vec(),
                    expected,
                    p_value,
                }
            })
        })
        .collect();
    rising.sort_by(|a, b| {
        a.p_value
            .total_cmp(&b.p_value)
            .then(b.count.cmp(&a.count))
            .then(a.dimension.cmp(&b.dimension))
            .then(a.value.cmp(&b.value))
    });

    current.sort_by_key(|f| (f.created_at, f.ticket));
    let created = current.len() as u64;
    let skip = current.len().saturating_sub(TrendSpec::MAX_CLUSTERED);
    let clusters = clusters(&current[skip..], spec.similarity, spec.min_cluster);
    Ok(Trends {
        from: spec.from,
        to: spec.to,
        baseline: windows[1..].to_vec(),
        created,
        rising,
        clusters,
    })
}

/// Connected groups of near-identical subjects among `tickets` (oldest
/// first).
fn clusters(tickets: &[&TicketFacts], similarity: f64, min_size: usize) -> Vec<Cluster> {
    let words: Vec<Vec<String>> = tickets.iter().map(|f| keywords(&f.subject)).collect();
    let mut index: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, w) in words.iter().enumerate() {
        for word in w {
            index.entry(word.as_str()).or_default().push(i);
        }
    }
    let mut parent: Vec<usize> = (0..tickets.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let mut checked = vec![usize::MAX; tickets.len()];
    for (i, w) in words.iter().enumerate() {
        let mine: BTreeSet<&str> = w.iter().map(String::as_str).collect();
        for word in w {
            for &j in index.get(word.as_str()).into_iter().flatten() {
                if j <= i || checked[j] == i {
                    continue;
                }
                checked[j] = i;
                let theirs: BTreeSet<&str> = words[j].iter().map(String::as_str).collect();
                let shared = mine.intersection(&theirs).count();
                let all = mine.union(&theirs).count();
                if all > 0 && shared as f64 / all as f64 >= similarity {
                    let (a, b) = (root(&mut parent, i), root(&mut parent, j));
                    parent[a.max(b)] = a.min(b);
                }
            }
        }
    }
    let mut members: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..tickets.len() {
        let r = root(&mut parent, i);
        members.entry(r).or_default().push(i);
    }
    let mut out: Vec<Cluster> = members
        .into_values()
        .filter(|m| m.len() >= min_size.max(2))
        .map(|m| {
            let mut shared: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
            let mut subjects: BTreeMap<&str, usize> = BTreeMap::new();
            for &i in &m {
                for (pos, word) in words[i].iter().enumerate() {
                    let entry = shared.entry(word.as_str()).or_insert((0, pos));
                    entry.0 += 1;
                }
                *subjects.entry(tickets[i].subject.trim()).or_default() += 1;
            }
            let mut keywords: Vec<(&str, (usize, usize))> = shared
                .into_iter()
                .filter(|(_, (n, _))| n * 2 >= m.len())
                .collect();
            keywords.sort_by_key(|(word, (n, pos))| (std::cmp::Reverse(*n), *pos, *word));
            let subject = subjects
                .iter()
                .max_by_key(|(s, n)| (**n, std::cmp::Reverse(**s)))
                .map(|(s, _)| (*s).to_owned())
                .unwrap_or_default();
            Cluster {
                size: m.len(),
                keywords: keywords.into_iter().map(|(w, _)| w.to_owned()).collect(),
                subject,
                first_at: tickets[m[0]].created_at,
                last_at: tickets[m[m.len() - 1]].created_at,
                tickets: m.iter().map(|&i| tickets[i].ticket).collect(),
                numbers: m.iter().filter_map(|&i| tickets[i].number).collect(),
            }
        })
        .collect();
    out.sort_by_key(|c| (std::cmp::Reverse(c.size), c.first_at));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn poisson_tail_matches_the_closed_form() {
        // P(X >= 3) = 1 - e^-l (1 + l + l^2/2)
        for lambda in [0.3f64, 1.0, 4.5] {
            let closed = 1.0 - (-lambda).exp() * (1.0 + lambda + lambda * lambda / 2.0);
            assert!(
                (poisson_at_least(3, lambda) - closed).abs() < 1e-12,
                "{lambda}"
            );
        }
    }

    #[test]
    fn a_week_back_keeps_the_local_time_across_dst() {
        // Berlin springs forward on 2026-03-29: Monday 08:00 CEST is 06:00
        // UTC, the Monday before at 08:00 CET is 07:00 UTC.
        let at = Utc.with_ymd_and_hms(2026, 3, 30, 6, 0, 0).unwrap();
        let before = weeks_before(at, chrono_tz::Europe::Berlin, 1);
        assert_eq!(before, Utc.with_ymd_and_hms(2026, 3, 23, 7, 0, 0).unwrap());
    }
}
