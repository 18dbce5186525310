//! "Did you mean ...?": the closest known name to a misspelt one.
//!
//! Its cost is bounded whatever the input: no suggestion is computed for an
//! input longer than [`MAX_INPUT_CHARS`], at most [`MAX_CANDIDATES`]
//! candidates are looked at, and only those whose length is close enough
//! to the input's to be within reach are compared, so one suggestion costs
//! at most a few million steps.

/// The longest input a suggestion is computed for, in characters: keys of
/// a configuration are at most 64 characters, so a longer input is no
/// typo of one.
pub const MAX_INPUT_CHARS: usize = 64;

/// The most candidates looked at for one suggestion; later ones are not
/// suggested.
pub const MAX_CANDIDATES: usize = 1_000;

/// The candidate closest to `input` by edit distance, if one is close
/// enough to be a likely typo (at most a third of the input's length, and
/// at least one edit). Inputs longer than [`MAX_INPUT_CHARS`] get no
/// suggestion, and only the first [`MAX_CANDIDATES`] candidates are
/// looked at.
///
/// ```
/// use helpdesk_core::suggest::closest;
/// assert_eq!(closest("netwrok", ["network", "desktop"]), Some("network"));
/// assert_eq!(closest("billing", ["network", "desktop"]), None);
/// assert_eq!(closest(&"network".repeat(10), ["network"]), None);
/// ```
pub fn closest<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let len = input.chars().take(MAX_INPUT_CHARS + 1).count();
    if len > MAX_INPUT_CHARS {
        return None;
    }
    let limit = (len / 3).max(1);
    // The edit distance is at least the difference in length, so a
    // candidate much shorter or longer is out of reach without comparing.
    let within_reach =
        |c: &&str| c.len() <= 4 * (len + limit) && c.chars().count().abs_diff(len) <= limit;
    candidates
        .into_iter()
        .take(MAX_CANDIDATES)
        .filter(within_reach)
        .map(|c| (edit_distance(input, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// The Levenshtein distance between `a` and `b`, in characters.
///
/// ```
/// use helpdesk_core::suggest::edit_distance;
/// assert_eq!(edit_distance("kitten", "sitting"), 3);
/// ```
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if ca == *cb {
                diagonal
            } else {
                1 + diagonal.min(above).min(row[j])
            };
            diagonal = above;
        }
    }
    row[b.len()]
}

/// `" (did you mean \"x\"?)"` when there is a close candidate, else `""`.
pub(crate) fn did_you_mean<'a>(
    input: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> String {
    closest(input, candidates)
        .map(|c| format!(" (did you mean {c:?}?)"))
        .unwrap_or_default()
}
