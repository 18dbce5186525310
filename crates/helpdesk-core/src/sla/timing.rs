//! Deadlines and elapsed time of SLA cycles on their policy's calendar.

use std::sync::OnceLock;

use chrono::{DateTime, TimeDelta, Utc};

use crate::calendar::{Calendar, CalendarError};
use crate::config::DeskConfig;
use crate::sla::{Schedule, ScheduledWarning, SlaCycle, SlaPolicy, Warning};

/// The calendar `policy` counts on: its named calendar, or 24x7 UTC for
/// calendar time (also when the policy is gone from the configuration).
pub(crate) fn calendar_of<'a>(config: &'a DeskConfig, policy: Option<&SlaPolicy>) -> &'a Calendar {
    static ALWAYS: OnceLock<Calendar> = OnceLock::new();
    policy
        .and_then(|p| p.calendar.as_ref())
        .and_then(|key| config.calendars.get(key))
        .unwrap_or_else(|| ALWAYS.get_or_init(Calendar::twenty_four_seven))
}

fn ms(delta: TimeDelta) -> i64 {
    delta.num_milliseconds()
}

/// The instant at which `threshold_ms` of business time will have elapsed,
/// counting on from `from` with `elapsed_ms` already used; `from` itself if
/// that much has elapsed already.
fn point(
    calendar: &Calendar,
    from: DateTime<Utc>,
    threshold_ms: i64,
    elapsed_ms: i64,
) -> Result<DateTime<Utc>, CalendarError> {
    let remaining = threshold_ms.saturating_sub(elapsed_ms);
    if remaining <= 0 {
        return Ok(from);
    }
    calendar.add_business_time(from, TimeDelta::milliseconds(remaining))
}

/// The deadline and warning instants of a cycle running from `from` with
/// `elapsed_ms` of its `target_ms` used.
pub(crate) fn schedule(
    calendar: &Calendar,
    from: DateTime<Utc>,
    target_ms: i64,
    elapsed_ms: i64,
    warnings: &[Warning],
) -> Result<Schedule, CalendarError> {
    let mut scheduled = Vec::with_capacity(warnings.len());
    for warning in warnings {
        let threshold = match warning {
            Warning::Percent(p) => target_ms.saturating_mul(i64::from(*p)) / 100,
            Warning::Before(span) => target_ms.saturating_sub(span.seconds().saturating_mul(1000)),
        };
        scheduled.push(ScheduledWarning {
            warning: *warning,
            at: point(calendar, from, threshold, elapsed_ms)?,
        });
    }
    Ok(Schedule {
        due: point(calendar, from, target_ms, elapsed_ms)?,
        warnings: scheduled,
    })
}

/// The business time a cycle has used by `now`: its closed runs plus the
/// current one.
pub(crate) fn elapsed_at(calendar: &Calendar, cycle: &SlaCycle, now: DateTime<Utc>) -> i64 {
    match cycle.running_since() {
        Some(since) => cycle
            .elapsed_ms
            .saturating_add(ms(calendar.business_time_between(since, now))),
        None => cycle.elapsed_ms,
    }
}

/// The business time of a cycle's closed runs, counted afresh on `calendar`.
pub(crate) fn closed_runs_on(calendar: &Calendar, cycle: &SlaCycle) -> i64 {
    cycle
        .runs
        .iter()
        .filter_map(|run| {
            run.to
                .map(|to| ms(calendar.business_time_between(run.from, to)))
        })
        .fold(0, i64::saturating_add)
}
