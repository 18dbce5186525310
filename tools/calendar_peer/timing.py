"""Times the stock businesstimedelta library on the cases of benches/calendar.rs.

Prints one line per case: the median time per call over several repeats, and
the answer (to compare with helpdesk's).

    python timing.py
"""

import datetime
import statistics
import timeit

import peer

HOLIDAYS = [
    "2026-01-01", "2026-01-06", "2026-02-16", "2026-03-05", "2026-03-12", "2026-03-19",
    "2026-03-26", "2026-04-03", "2026-04-06", "2026-05-01", "2026-05-14", "2026-05-25",
    "2026-06-04", "2026-08-15", "2026-10-03", "2026-10-31", "2026-11-01", "2026-12-24",
    "2026-12-25", "2026-12-26",
]
DAY = ["09:00-12:00", "13:00-17:00"]
# Tuesday 2026-03-03, 10:30 in Berlin.
START = datetime.datetime(2026, 3, 3, 9, 30, tzinfo=datetime.timezone.utc)


def office(holidays):
    return {"tz": "Europe/Berlin",
            "week": {"mon": DAY, "tue": DAY, "wed": DAY, "thu": DAY, "fri": DAY},
            "holidays": HOLIDAYS[:holidays]}


def median_seconds(call, repeats=7):
    timer = timeit.Timer(call)
    number, _ = timer.autorange()
    return statistics.median(t / number for t in timer.repeat(repeat=repeats, number=number))


def main():
    cases = []
    for holidays in (0, 20):
        rules = peer.build_rules(office(holidays))
        for name, hours in (("1h", 1), ("5_business_days", 35), ("60_business_days", 420)):
            cases.append((f"add_business_time/{name}/{holidays}_holidays",
                          lambda rules=rules, hours=hours: peer.add(rules, START, hours * 3600)))
    rules = peer.build_rules(office(20))
    for name, days in (("week", 7), ("quarter", 91)):
        end = START + datetime.timedelta(days=days)
        cases.append((f"business_time_between/{name}/20_holidays",
                      lambda end=end: peer.between(rules, START, end)))
    for name, call in cases:
        seconds = median_seconds(call)
        print(f"{name}\t{seconds * 1e6:.1f} us\t{call()}")


if __name__ == "__main__":
    main()
