"""The peer business calendar: `businesstimedelta` (PyPI), stock and corrected.

`build_rules(calendar, fixes)` turns a calendar in helpdesk's JSON shape
(without exceptions and without "24:00" ends, which the library cannot
express) into a `businesstimedelta.Rules`. With `fixes` empty it is the stock
library. Each name in `fixes` swaps in a correction of one place where the
library's reading differs from the documented semantics of
`helpdesk_core::calendar`:

- "ambiguous": pytz's `localize` defaults to `is_dst=False`, which reads an
  ambiguous local time (fall-back overlap) as the *later* instant. The
  documented rule (RFC 5545, java.time, Temporal "compatible") takes the
  earlier one. Gap times are read with the offset before the gap by both.
- "instant_windows": `WorkDayRule.next` decides whether an instant is still
  before today's window end by comparing wall-clock times. A window whose end
  lies in a spring-forward gap ends at the gap time read with the earlier
  offset, which the clock shows as one hour later: at 03:15 CEST on a Berlin
  spring-forward day, a "00:45-02:30" window is still open (it ends at 03:30
  CEST), but 03:15 > 02:30 on the wall clock, so the library skips it. It also
  hands out windows that resolve to nothing (both ends in the same gap, e.g.
  "02:00-03:00" in Berlin) as periods of negative length. The correction
  compares instants and skips empty windows.
- "holiday_length": a holiday ends at `start + timedelta(days=1)`, which with
  pytz is 24 real hours. On a 23- or 25-hour DST date that ends the holiday an
  hour late or early; the whole local date is closed only if it ends at the
  next local midnight.
- "overnight_resume": when an instant lies in the after-midnight part of the
  previous day's overnight window, `WorkDayRule.next` skips to the next
  opening instead of continuing the window the instant is in.
- "holiday_owns_overnight": (only matters together with "overnight_resume")
  the library has no notion of the date a window belongs to; holidays are
  only masks over their local date. In helpdesk an overnight window belongs to
  the date it starts on, so a holiday on that date cancels all of it, the part
  after midnight included.
- "holiday_cut": `Rules.next` shortens a working period only when a holiday
  lies entirely inside it, so an overnight window running into a holiday keeps
  counting through the holiday's first hours.
"""

import datetime

import pytz
from businesstimedelta import BusinessTimeDelta, HolidayRule, Rules, WorkDayRule

FIXES = ("ambiguous", "instant_windows", "holiday_length", "overnight_resume",
         "holiday_owns_overnight", "holiday_cut")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SENTINEL_HOLIDAY = datetime.date(2029, 12, 31)


def compatible_localize(tz, naive):
    """Local time -> aware datetime, RFC 5545 / Temporal "compatible"."""
    try:
        return tz.localize(naive, is_dst=None)
    except pytz.exceptions.AmbiguousTimeError:
        # The first occurrence is the one still on daylight time.
        return tz.localize(naive, is_dst=True)
    except pytz.exceptions.NonExistentTimeError:
        # Read with the offset in force before the gap (standard time).
        return tz.localize(naive, is_dst=False)


def parse_clock(text):
    hours, minutes = text.split(":")
    return datetime.time(int(hours), int(minutes))


class FixedWorkDayRule(WorkDayRule):
    """WorkDayRule with the selected corrections."""

    def __init__(self, *args, fixes=(), holidays=(), **kwargs):
        self.fixes = fixes
        self.holidays = frozenset(holidays)
        super().__init__(*args, **kwargs)

    def _localize(self, naive):
        if "ambiguous" in self.fixes:
            return compatible_localize(self.tz, naive)
        return self.tz.localize(naive)

    def _window(self, day):
        """The instants of the window that starts on local date `day`."""
        end_day = day + datetime.timedelta(days=1) if self.end_time < self.start_time else day
        return (self._localize(datetime.datetime.combine(day, self.start_time)),
                self._localize(datetime.datetime.combine(end_day, self.end_time)))

    def next(self, dt, reverse=False):
        local = dt.astimezone(self.tz)
        if "overnight_resume" in self.fixes and self.end_time < self.start_time:
            yesterday = local.date() - datetime.timedelta(days=1)
            owner_closed = ("holiday_owns_overnight" in self.fixes
                            and yesterday in self.holidays)
            if yesterday.weekday() in self.working_days and not owner_closed:
                start, end = self._window(yesterday)
                if dt < end:
                    return (max(start, dt), end)
        if "instant_windows" in self.fixes:
            day = local.date()
            while True:
                if day.weekday() in self.working_days:
                    start, end = self._window(day)
                    if end > dt and end > start:
                        return (max(start, dt), end)
                day += datetime.timedelta(days=1)
        # The library's own logic: compares wall-clock times.
        working_date = local.date()
        if not (working_date.weekday() in self.working_days
                and local.time() < max(self.start_time, self.end_time)):
            while True:
                working_date += datetime.timedelta(days=1)
                if working_date.weekday() in self.working_days:
                    break
        start, end = self._window(working_date)
        if start < dt < end:
            start = dt
        return (start, end)


class FixedHolidayRule(HolidayRule):
    """HolidayRule whose holiday ends at the next local midnight."""

    def __init__(self, *args, fixes=(), **kwargs):
        self.fixes = fixes
        super().__init__(*args, **kwargs)

    def next(self, dt, reverse=False):
        if "holiday_length" not in self.fixes:
            return super().next(dt, reverse=reverse)
        local = dt.astimezone(self.tz)
        day = self.next_holiday(local.date())
        start = compatible_localize(self.tz, datetime.datetime.combine(day, datetime.time(0)))
        end = compatible_localize(
            self.tz, datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(0)))
        if start < dt < end:
            start = dt
        return (start, end)


class FixedRules(Rules):
    """Rules that also cut a working period where a holiday starts inside it."""

    def __init__(self, rules, fixes=(), **kwargs):
        self.fixes = fixes
        super().__init__(rules, **kwargs)

    def next(self, dt):
        if "holiday_cut" not in self.fixes:
            return super().next(dt)
        while True:
            min_start = min_end = None
            for rule in self.available_rules:
                start, end = rule.next(dt)
                if min_start is None or start < min_start:
                    min_start, min_end = start, end
            blocked = False
            for rule in self.unavailable_rules:
                start, end = rule.next(min_start)
                if start <= min_start < end:
                    dt = end
                    blocked = True
                    break
            if blocked:
                continue
            for rule in self.unavailable_rules:
                start, _ = rule.next(min_start)
                if start < min_end:
                    min_end = start
            if min_end > min_start:
                return (min_start, min_end)
            dt = min_end


def build_rules(calendar, fixes=()):
    """The peer's rules for `calendar`: the stock library classes when `fixes`
    is empty, else the corrected subclasses."""
    tz = pytz.timezone(calendar["tz"])
    fixes = tuple(fixes)
    if not fixes:
        return _stock_rules(calendar, tz)
    holidays = _holidays(calendar)
    rules = [FixedWorkDayRule(start_time=start, end_time=end, working_days=days, tz=tz,
                              fixes=fixes, holidays=holidays)
             for start, end, days in _windows_by_rule(calendar)]
    if holidays:
        rules.append(FixedHolidayRule(holidays, tz=tz, fixes=fixes))
    return FixedRules(rules, fixes=fixes)


def _windows_by_rule(calendar):
    by_window = {}
    for index, key in enumerate(WEEKDAYS):
        for window in calendar.get("week", {}).get(key, []):
            by_window.setdefault(window, []).append(index)
    for window, days in sorted(by_window.items()):
        start, end = window.split("-")
        yield parse_clock(start), parse_clock(end), days


def _stock_rules(calendar, tz):
    rules = [WorkDayRule(start_time=start, end_time=end, working_days=days, tz=tz)
             for start, end, days in _windows_by_rule(calendar)]
    holidays = _holidays(calendar)
    if holidays:
        rules.append(HolidayRule(holidays, tz=tz))
    return Rules(rules)


def _holidays(calendar):
    """The calendar's holidays plus a far sentinel: the library fails when no
    holiday lies within five years after an instant it looks at. The cases
    never reach the sentinel."""
    holidays = [datetime.date.fromisoformat(d) for d in calendar.get("holidays", [])]
    return holidays + [SENTINEL_HOLIDAY] if holidays else []


def install_fast_holiday_lookup():
    """Replaces HolidayRule.next_holiday's day-by-day scan (up to five years per
    call) with a binary search over the sorted list. Same answers, for lists
    of dates; used when generating cases, not when timing."""
    import bisect

    def next_holiday(self, date, reverse=False, max_days=365 * 5):
        days = sorted(self.holidays)
        if reverse:
            index = bisect.bisect_right(days, date) - 1
            found = days[index] if index >= 0 else None
        else:
            index = bisect.bisect_left(days, date)
            found = days[index] if index < len(days) else None
        if found is None or abs((found - date).days) > max_days:
            return None
        return found

    HolidayRule.next_holiday = next_holiday


def add(rules, start, seconds):
    """start + seconds of business time (start: aware UTC datetime)."""
    return BusinessTimeDelta(rules, seconds=seconds) + start


def between(rules, start, end):
    delta = rules.difference(start, end).timedelta
    return int(delta.total_seconds())
