//! Parsing one date's list of windows and checking that windows do not
//! overlap, on that date or across midnight from the date before.

use super::error::CalendarError;
use super::window::{DAY_SECONDS, Window, WindowParseError};

/// A parsed window with the field path and text it came from, kept while a
/// calendar is being checked so errors can name both.
#[derive(Debug, Clone)]
pub(crate) struct LabeledWindow {
    pub(crate) window: Window,
    pub(crate) field: String,
    pub(crate) text: String,
}

/// Parses the windows at `field[0]`, `field[1]`, ... and sorts them by start.
/// Checks that they do not overlap one another.
pub(crate) fn parse_day(
    field: &str,
    texts: &[String],
) -> Result<Vec<LabeledWindow>, CalendarError> {
    let mut day = Vec::with_capacity(texts.len());
    for (index, text) in texts.iter().enumerate() {
        let field = format!("{field}[{index}]");
        let window = Window::parse(text).map_err(|error| match error {
            WindowParseError::Malformed => CalendarError::MalformedWindow {
                field: field.clone(),
                value: text.clone(),
            },
            WindowParseError::Empty => CalendarError::EmptyWindow {
                field: field.clone(),
                value: text.clone(),
            },
        })?;
        day.push(LabeledWindow {
            window,
            field,
            text: text.clone(),
        });
    }
    day.sort_by_key(|labeled| labeled.window.start);
    for pair in day.windows(2) {
        if let [earlier, later] = pair {
            if earlier.window.end > later.window.start {
                return Err(overlap(later, earlier));
            }
        }
    }
    Ok(day)
}

/// The window of a sorted, checked day that runs past midnight, if any (only
/// the last one can).
pub(crate) fn overnight(day: &[LabeledWindow]) -> Option<&LabeledWindow> {
    day.last().filter(|labeled| labeled.window.is_overnight())
}

/// Checks that the overnight part of the previous date's window ends before
/// the first window of `day` starts.
pub(crate) fn check_spill(
    previous_overnight: Option<&LabeledWindow>,
    day: &[LabeledWindow],
) -> Result<(), CalendarError> {
    if let (Some(previous), Some(first)) = (previous_overnight, day.first()) {
        if previous.window.end - DAY_SECONDS > first.window.start {
            return Err(overlap(first, previous));
        }
    }
    Ok(())
}

fn overlap(later: &LabeledWindow, earlier: &LabeledWindow) -> CalendarError {
    CalendarError::OverlappingWindows {
        field: later.field.clone(),
        value: later.text.clone(),
        other_field: earlier.field.clone(),
        other_value: earlier.text.clone(),
    }
}

/// The plain windows of a checked day.
pub(crate) fn windows(day: &[LabeledWindow]) -> Vec<Window> {
    day.iter().map(|labeled| labeled.window).collect()
}
