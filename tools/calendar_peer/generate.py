"""Generates the cross-check cases for helpdesk_core::calendar.

Random calendars (five zones, split and overnight windows, holidays biased to
DST transition dates) and random `add` / `between` questions are answered by
the stock `businesstimedelta` library and by the same library with the
corrections of peer.py. Output: JSON lines, see README.md.

    python generate.py [--cases N] [--seed S] [--out PATH]
"""

import argparse
import datetime
import json
import random
import signal
import sys

import peer

ZONES = ("America/New_York", "Europe/Berlin", "Australia/Sydney", "Asia/Kolkata", "UTC")
# DST transition dates of 2026 per zone (local dates).
TRANSITIONS = {
    "America/New_York": ("2026-03-08", "2026-11-01"),
    "Europe/Berlin": ("2026-03-29", "2026-10-25"),
    "Australia/Sydney": ("2026-04-05", "2026-10-04"),
    "Asia/Kolkata": (),
    "UTC": (),
}
GRID = 15  # minutes
FIRST_DAY = datetime.date(2026, 1, 5)
LAST_DAY = datetime.date(2026, 12, 15)
UTC = datetime.timezone.utc


def clock(minutes):
    return "%02d:%02d" % divmod(minutes, 60)


def random_week(rng):
    days = []
    for _ in range(7):
        if rng.random() < 0.3:
            days.append([])
            continue
        count = rng.choice((1, 1, 2, 2, 3))
        # Often keep every boundary in the small hours, where DST transitions are.
        hours = 5 if rng.random() < 0.4 else 24
        points = sorted(rng.sample(range(0, hours * 60 // GRID), 2 * count))
        days.append([(points[2 * i] * GRID, points[2 * i + 1] * GRID) for i in range(count)])
    # Turn some last windows into overnight ones ending before the next day's first start.
    for index, day in enumerate(days):
        if not day or rng.random() >= 0.25:
            continue
        start, _ = day[-1]
        following = days[(index + 1) % 7]
        limit = min(start - GRID, following[0][0]) if following else start - GRID
        if limit < GRID:
            continue
        day[-1] = (start, rng.randrange(1, limit // GRID + 1) * GRID)
    return {
        key: ["%s-%s" % (clock(s), clock(e)) for s, e in day]
        for key, day in zip(peer.WEEKDAYS, days)
    }


def random_date(rng, zone):
    transitions = TRANSITIONS[zone]
    if transitions and rng.random() < 0.5:
        return datetime.date.fromisoformat(rng.choice(transitions)) + datetime.timedelta(
            days=rng.randint(-1, 1))
    return FIRST_DAY + datetime.timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days))


def random_instant(rng, zone):
    day = random_date(rng, zone)
    moment = datetime.datetime.combine(day, datetime.time(0), UTC)
    return moment + datetime.timedelta(seconds=rng.randrange(-12 * 3600, 36 * 3600))


def random_calendar(rng):
    zone = rng.choice(ZONES)
    week = random_week(rng)
    if not any(week.values()):
        week["mon"] = ["09:00-17:00"]
    holidays = sorted({random_date(rng, zone).isoformat() for _ in range(rng.randrange(0, 6))})
    return {"tz": zone, "week": week, "holidays": holidays}


def week_seconds(calendar):
    total = 0
    for windows in calendar["week"].values():
        for window in windows:
            start, end = (int(t[:2]) * 60 + int(t[3:]) for t in window.split("-"))
            total += (end - start) % (24 * 60) * 60
    return total


def random_seconds(rng, calendar):
    # At most 40 hours, and at most about 20 ordinary weeks of this calendar.
    cap = max(1, min(40 * 3600, 20 * week_seconds(calendar)))
    roll = rng.random()
    if roll < 0.05:
        return 0
    if roll < 0.35 and cap >= 15 * 60:
        return rng.randrange(1, cap // (15 * 60) + 1) * 15 * 60
    return rng.randrange(1, cap + 1)


class Timeout(Exception):
    pass


def on_alarm(signum, frame):
    raise Timeout()


def iso(moment):
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def answer(rules, case):
    if case["op"] == "add":
        start = datetime.datetime.fromisoformat(case["start"].replace("Z", "+00:00"))
        return iso(peer.add(rules, start, case["seconds"]))
    start = datetime.datetime.fromisoformat(case["from"].replace("Z", "+00:00"))
    end = datetime.datetime.fromisoformat(case["to"].replace("Z", "+00:00"))
    return peer.between(rules, start, end)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=20260308)
    parser.add_argument("--out", default="-")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    peer.install_fast_holiday_lookup()
    signal.signal(signal.SIGALRM, on_alarm)
    out = sys.stdout if args.out == "-" else open(args.out, "w", encoding="utf-8")
    out.write(json.dumps({"kind": "note", "text": (
        "Cases answered by businesstimedelta (stock) and by the same library with the "
        "corrections in tools/calendar_peer/peer.py. 'peer' is the stock answer, 'expected' "
        "the corrected one; 'peer_wrong' lists the corrections without which the corrected answer would change. "
        "See tools/calendar_peer/README.md.")}) + "\n")
    written = 0
    calendar_id = 0
    skipped = 0
    while written < args.cases:
        calendar = random_calendar(rng)
        calendar_id += 1
        stock = peer.build_rules(calendar)
        fixed = peer.build_rules(calendar, peer.FIXES)
        # Leave-one-out: the corrected peer without each correction in turn.
        single = {fix: peer.build_rules(calendar, [f for f in peer.FIXES if f != fix])
                  for fix in peer.FIXES}
        out.write(json.dumps({"kind": "calendar", "id": calendar_id, "calendar": calendar}) + "\n")
        for _ in range(10):
            if rng.random() < 0.5:
                case = {"op": "add", "start": iso(random_instant(rng, calendar["tz"])),
                        "seconds": random_seconds(rng, calendar)}
            else:
                start = random_instant(rng, calendar["tz"])
                end = start + datetime.timedelta(seconds=rng.randrange(0, 10 * 86400))
                case = {"op": "between", "from": iso(start), "to": iso(end)}
            signal.alarm(5)
            try:
                peer_answer = answer(stock, case)
                expected = answer(fixed, case)
                wrong = [fix for fix, rules in single.items() if answer(rules, case) != expected]
            except Timeout:
                skipped += 1
                continue
            finally:
                signal.alarm(0)
            if expected != peer_answer and not wrong:
                wrong = ["combined"]
            record = {"kind": "case", "calendar": calendar_id, **case,
                      "peer": peer_answer, "expected": expected}
            if expected != peer_answer:
                record["peer_wrong"] = wrong
            out.write(json.dumps(record) + "\n")
            written += 1
    print("written %d cases, skipped %d slow ones" % (written, skipped), file=sys.stderr)


if __name__ == "__main__":
    main()
