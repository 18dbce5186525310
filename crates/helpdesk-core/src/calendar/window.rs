//! One opening window of a day, written `HH:MM-HH:MM`.

use std::fmt;

/// Seconds in a civil day.
pub(crate) const DAY_SECONDS: i64 = 86_400;

/// An opening window of one local date, in seconds after that date's local
/// midnight.
///
/// `start` is in `0..86_400`. `end` is in `start + 1 ..= start + 86_400`: at
/// most `86_400` ("24:00", or an end before midnight), above `86_400` when the
/// window runs overnight into the next date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Window {
    pub(crate) start: i64,
    pub(crate) end: i64,
}

/// Why a window text was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WindowParseError {
    /// Not of the form `HH:MM-HH:MM` with valid clock times.
    Malformed,
    /// Start and end are the same time of day.
    Empty,
}

impl Window {
    /// Parses `HH:MM-HH:MM`. The end may be `24:00`; an end before the start
    /// runs overnight into the next date.
    pub(crate) fn parse(text: &str) -> Result<Self, WindowParseError> {
        let (start, end) = text.split_once('-').ok_or(WindowParseError::Malformed)?;
        let start = parse_clock(start).ok_or(WindowParseError::Malformed)?;
        let end = parse_clock(end).ok_or(WindowParseError::Malformed)?;
        if start == DAY_SECONDS {
            return Err(WindowParseError::Malformed);
        }
        if start == end {
            return Err(WindowParseError::Empty);
        }
        let end = if end < start { end + DAY_SECONDS } else { end };
        Ok(Self { start, end })
    }

    /// Does the window run past midnight into the next date?
    pub(crate) fn is_overnight(self) -> bool {
        self.end > DAY_SECONDS
    }
}

impl fmt::Display for Window {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let end = if self.end > DAY_SECONDS {
            self.end - DAY_SECONDS
        } else {
            self.end
        };
        write_clock(f, self.start)?;
        f.write_str("-")?;
        write_clock(f, end)
    }
}

/// Parses `HH:MM` (exactly two digits each) into seconds after midnight;
/// `24:00` is accepted and gives `86_400`.
fn parse_clock(text: &str) -> Option<i64> {
    let bytes = text.as_bytes();
    if bytes.len() != 5 || bytes[2] != b':' {
        return None;
    }
    let digit = |b: u8| b.is_ascii_digit().then(|| i64::from(b - b'0'));
    let hours = digit(bytes[0])? * 10 + digit(bytes[1])?;
    let minutes = digit(bytes[3])? * 10 + digit(bytes[4])?;
    if minutes > 59 || hours > 24 || (hours == 24 && minutes != 0) {
        return None;
    }
    Some(hours * 3600 + minutes * 60)
}

fn write_clock(f: &mut fmt::Formatter<'_>, seconds: i64) -> fmt::Result {
    write!(f, "{:02}:{:02}", seconds / 3600, (seconds % 3600) / 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_plain_midnight_and_overnight_windows() {
        assert_eq!(
            Window::parse("09:00-17:30"),
            Ok(Window {
                start: 9 * 3600,
                end: 17 * 3600 + 1800
            })
        );
        assert_eq!(
            Window::parse("18:00-24:00"),
            Ok(Window {
                start: 18 * 3600,
                end: DAY_SECONDS
            })
        );
        let overnight = Window::parse("22:00-06:00");
        assert_eq!(
            overnight,
            Ok(Window {
                start: 22 * 3600,
                end: DAY_SECONDS + 6 * 3600
            })
        );
        assert_eq!(overnight.map(Window::is_overnight), Ok(true));
        assert_eq!(
            Window::parse("00:00-24:00"),
            Ok(Window {
                start: 0,
                end: DAY_SECONDS
            })
        );
    }

    #[test]
    fn rejects_malformed_text() {
        for text in [
            "",
            "9:00-17:00",
            "09:00-17:00x",
            "09:00",
            "09:60-10:00",
            "25:00-26:00",
            "24:00-01:00",
            "24:30-01:00",
            "09:00-24:01",
            "09-17",
            "0a:00-10:00",
            "09:00 - 17:00",
        ] {
            assert_eq!(
                Window::parse(text),
                Err(WindowParseError::Malformed),
                "{text}"
            );
        }
        assert_eq!(Window::parse("09:00-09:00"), Err(WindowParseError::Empty));
        assert_eq!(Window::parse("00:00-00:00"), Err(WindowParseError::Empty));
    }

    #[test]
    fn displays_in_the_input_form() {
        for text in ["09:00-17:30", "22:00-06:00", "18:00-24:00", "00:00-24:00"] {
            assert_eq!(
                Window::parse(text).map(|w| w.to_string()),
                Ok(text.to_owned())
            );
        }
        // An overnight window ending at midnight is the same as one ending at 24:00.
        assert_eq!(
            Window::parse("23:00-00:00").map(|w| w.to_string()),
            Ok("23:00-24:00".to_owned())
        );
    }
}
