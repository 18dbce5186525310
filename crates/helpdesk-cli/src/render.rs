//! Output helpers shared by the commands: the output format, aligned
//! tables, instants and counts for people.

use chrono::{DateTime, SecondsFormat, Timelike, Utc};
use clap::ValueEnum;

/// How a command writes its result.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned text for people.
    #[default]
    Text,
    /// One JSON document, for programs.
    Json,
}

/// `rows` as lines of columns padded to the widest cell of each column
/// (the last column is not padded), each line starting with `indent`.
pub fn table(indent: &str, rows: &[Vec<String>]) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0; columns];
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in rows {
        let mut line = String::from(indent);
        for (i, cell) in row.iter().enumerate() {
            if i + 1 < row.len() {
                line.push_str(cell);
                let pad = widths[i] - cell.chars().count() + 2;
                line.extend(std::iter::repeat_n(' ', pad));
            } else {
                line.push_str(cell);
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// An instant for people: `Mon 2026-03-02 09:00 UTC`, with seconds only
/// when there are some.
pub fn instant(at: DateTime<Utc>) -> String {
    if at.second() == 0 && at.nanosecond() == 0 {
        at.format("%a %Y-%m-%d %H:%M UTC").to_string()
    } else {
        at.format("%a %Y-%m-%d %H:%M:%S UTC").to_string()
    }
}

/// An instant for programs: RFC 3339 in UTC.
pub fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// `n` and `word`, with an `s` unless `n` is one: `2 errors`, `1 warning`.
pub fn count(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Pretty JSON of `value`, with a final newline.
pub fn json<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_string_pretty(value) {
        Ok(text) => text + "\n",
        // Only maps with non-string keys fail, and the reports have none.
        Err(e) => format!("{{\"error\": {:?}}}\n", e.to_string()),
    }
}

/// Instants in JSON output: RFC 3339 in UTC.
pub mod ser {
    use chrono::{DateTime, Utc};
    use serde::Serializer;

    /// Serializes an instant.
    pub fn at<S: Serializer>(at: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::rfc3339(*at))
    }

    /// Serializes an optional instant, `null` when absent.
    pub fn opt_at<S: Serializer>(at: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
        match at {
            Some(at) => s.serialize_str(&super::rfc3339(*at)),
            None => s.serialize_none(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_align_every_column_but_the_last() {
        let rows = vec![
            vec!["a".to_owned(), "long".to_owned(), "x".to_owned()],
            vec!["bbb".to_owned(), "s".to_owned(), "y".to_owned()],
        ];
        assert_eq!(table("  ", &rows), "  a    long  x\n  bbb  s     y\n");
    }

    #[test]
    fn counts_are_plural_unless_one() {
        assert_eq!(count(1, "error"), "1 error");
        assert_eq!(count(0, "warning"), "0 warnings");
    }
}
