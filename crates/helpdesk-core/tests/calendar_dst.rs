//! Hand-written cases around DST transitions, holidays and year ends, with
//! the expected instants worked out by hand. All dates are in 2026/2027:
//!
//! | Zone | Spring forward | Fall back |
//! |---|---|---|
//! | America/New_York | Sun 03-08 02:00 EST -> 03:00 EDT | Sun 11-01 02:00 EDT -> 01:00 EST |
//! | Europe/Berlin | Sun 03-29 02:00 CET -> 03:00 CEST | Sun 10-25 03:00 CEST -> 02:00 CET |
//! | Australia/Sydney | Sun 10-04 02:00 AEST -> 03:00 AEDT | Sun 04-05 03:00 AEDT -> 02:00 AEST |
//! | Asia/Kolkata | none (+05:30) | none |
#![allow(clippy::unwrap_used)]

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use helpdesk_core::calendar::Calendar;

fn cal(json: &str) -> Calendar {
    serde_json::from_str(json).unwrap_or_else(|e| panic!("{json}: {e}"))
}

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

fn hours(h: i64) -> TimeDelta {
    TimeDelta::hours(h)
}

fn minutes(m: i64) -> TimeDelta {
    TimeDelta::minutes(m)
}

const WEEKDAYS_9_TO_5: &str = r#""mon": ["09:00-17:00"], "tue": ["09:00-17:00"], "wed": ["09:00-17:00"], "thu": ["09:00-17:00"], "fri": ["09:00-17:00"]"#;

fn every_day(tz: &str, window: &str, holidays: &str) -> Calendar {
    let days: Vec<String> = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        .iter()
        .map(|d| format!(r#""{d}": ["{window}"]"#))
        .collect();
    cal(&format!(
        r#"{{"tz": "{tz}", "week": {{{}}}, "holidays": [{holidays}]}}"#,
        days.join(", ")
    ))
}

mod new_york {
    use super::*;

    #[test]
    fn a_midnight_to_eight_window_holds_7_hours_in_spring_and_9_in_autumn() {
        let c = cal(r#"{"tz": "America/New_York", "week": {"sun": ["00:00-08:00"]}}"#);
        // 00:00 EST = 05:00Z, 08:00 EDT = 12:00Z.
        assert_eq!(
            c.business_time_between(utc(2026, 3, 7, 0, 0), utc(2026, 3, 9, 0, 0)),
            hours(7)
        );
        assert_eq!(
            c.add_business_time(utc(2026, 3, 8, 5, 0), hours(7))
                .unwrap(),
            utc(2026, 3, 8, 12, 0)
        );
        // 00:00 EDT = 04:00Z, 08:00 EST = 13:00Z.
        assert_eq!(
            c.business_time_between(utc(2026, 10, 31, 0, 0), utc(2026, 11, 2, 0, 0)),
            hours(9)
        );
        assert_eq!(
            c.add_business_time(utc(2026, 11, 1, 4, 0), hours(9))
                .unwrap(),
            utc(2026, 11, 1, 13, 0)
        );
        // An ordinary Sunday holds 8.
        assert_eq!(
            c.business_time_between(utc(2026, 3, 14, 0, 0), utc(2026, 3, 16, 0, 0)),
            hours(8)
        );
    }

    #[test]
    fn a_window_ending_in_the_gap_ends_at_the_pre_gap_reading() {
        let c = cal(r#"{"tz": "America/New_York", "week": {"sun": ["00:00-02:30"]}}"#);
        // 02:30 read as EST is 07:30Z, i.e. 03:30 EDT: 2 h 30 min of real time.
        assert_eq!(
            c.add_business_time(utc(2026, 3, 8, 5, 0), minutes(150))
                .unwrap(),
            utc(2026, 3, 8, 7, 30)
        );
        assert!(c.is_open(utc(2026, 3, 8, 7, 29)));
        assert!(!c.is_open(utc(2026, 3, 8, 7, 30)));
        // One second more is one second into next Sunday (00:00 EDT = 04:00Z).
        assert_eq!(
            c.add_business_time(utc(2026, 3, 8, 5, 0), minutes(150) + TimeDelta::seconds(1))
                .unwrap(),
            utc(2026, 3, 15, 4, 0) + TimeDelta::seconds(1)
        );
    }

    #[test]
    fn a_window_starting_in_the_gap_opens_at_the_pre_gap_reading() {
        let c = cal(r#"{"tz": "America/New_York", "week": {"sun": ["02:30-05:00"]}}"#);
        // 02:30 -> 07:30Z (03:30 EDT); 05:00 EDT = 09:00Z.
        assert_eq!(
            c.add_business_time(utc(2026, 3, 8, 0, 0), TimeDelta::zero())
                .unwrap(),
            utc(2026, 3, 8, 7, 30)
        );
        assert_eq!(
            c.business_time_between(utc(2026, 3, 8, 0, 0), utc(2026, 3, 9, 0, 0)),
            minutes(90)
        );
    }

    #[test]
    fn a_window_starting_in_the_overlap_takes_the_earlier_instant() {
        let c = cal(r#"{"tz": "America/New_York", "week": {"sun": ["01:30-03:00"]}}"#);
        // 01:30 EDT = 05:30Z; 03:00 EST = 08:00Z.
        assert_eq!(
            c.add_business_time(utc(2026, 11, 1, 0, 0), TimeDelta::zero())
                .unwrap(),
            utc(2026, 11, 1, 5, 30)
        );
        assert_eq!(
            c.business_time_between(utc(2026, 11, 1, 0, 0), utc(2026, 11, 2, 0, 0)),
            minutes(150)
        );
        // 01:30 EST (06:30Z), the second reading, is inside the window.
        assert!(c.is_open(utc(2026, 11, 1, 6, 30)));
        assert!(!c.is_open(utc(2026, 11, 1, 5, 29)));
    }

    #[test]
    fn overnight_shifts_across_both_transitions() {
        let c = cal(r#"{"tz": "America/New_York", "week": {"sat": ["22:00-06:00"]}}"#);
        // Sat 03-07 22:00 EST = 03-08 03:00Z, Sun 06:00 EDT = 10:00Z: 7 h.
        assert_eq!(
            c.add_business_time(utc(2026, 3, 8, 3, 0), hours(7))
                .unwrap(),
            utc(2026, 3, 8, 10, 0)
        );
        // The eighth hour starts the next Saturday's shift, 22:00 EDT = 03-15 02:00Z.
        assert_eq!(
            c.add_business_time(utc(2026, 3, 8, 3, 0), hours(8))
                .unwrap(),
            utc(2026, 3, 15, 3, 0)
        );
        // Sat 10-31 22:00 EDT = 11-01 02:00Z, Sun 06:00 EST = 11:00Z: 9 h.
        assert_eq!(
            c.business_time_between(utc(2026, 10, 31, 0, 0), utc(2026, 11, 2, 0, 0)),
            hours(9)
        );
        // The part after midnight belongs to Saturday: open at Sunday 05:00 EST.
        assert!(c.is_open(utc(2026, 11, 1, 10, 0)));
    }

    #[test]
    fn a_holiday_on_a_transition_day_closes_23_or_25_hours() {
        let spring = every_day("America/New_York", "00:00-24:00", r#""2026-03-08""#);
        // Saturday 24 h, Sunday closed (05:00Z to 04:00Z next day), Monday 24 h.
        assert_eq!(
            spring.business_time_between(utc(2026, 3, 7, 5, 0), utc(2026, 3, 10, 4, 0)),
            hours(48)
        );
        assert_eq!(
            spring
                .add_business_time(utc(2026, 3, 7, 5, 0), hours(24))
                .unwrap(),
            utc(2026, 3, 8, 5, 0)
        );
        assert_eq!(
            spring
                .add_business_time(utc(2026, 3, 7, 5, 0), hours(24) + TimeDelta::seconds(1))
                .unwrap(),
            utc(2026, 3, 9, 4, 0) + TimeDelta::seconds(1)
        );
        let autumn = every_day("America/New_York", "00:00-24:00", r#""2026-11-01""#);
        // Sunday 11-01 runs from 04:00Z to 05:00Z the next day: 25 h closed.
        assert_eq!(
            autumn.business_time_between(utc(2026, 10, 31, 4, 0), utc(2026, 11, 2, 5, 0)),
            hours(24)
        );
        assert_eq!(
            autumn
                .add_business_time(utc(2026, 11, 1, 4, 0), TimeDelta::zero())
                .unwrap(),
            utc(2026, 11, 2, 5, 0)
        );
    }

    #[test]
    fn deadlines_that_use_up_a_window_end_at_its_close() {
        let c = cal(&format!(
            r#"{{"tz": "America/New_York", "week": {{{WEEKDAYS_9_TO_5}}}}}"#
        ));
        // Fri 03-06 09:00 EST = 14:00Z, plus 8 h: 17:00 EST = 22:00Z, not Monday.
        assert_eq!(
            c.add_business_time(utc(2026, 3, 6, 14, 0), hours(8))
                .unwrap(),
            utc(2026, 3, 6, 22, 0)
        );
        // Fri 16:00 EST plus 2 h crosses the spring-forward weekend: Mon 10:00 EDT = 14:00Z.
        assert_eq!(
            c.add_business_time(utc(2026, 3, 6, 21, 0), hours(2))
                .unwrap(),
            utc(2026, 3, 9, 14, 0)
        );
        assert_eq!(
            c.business_time_between(utc(2026, 3, 6, 21, 0), utc(2026, 3, 9, 14, 0)),
            hours(2)
        );
    }
}

mod berlin {
    use super::*;

    #[test]
    fn spring_forward_windows() {
        let c = cal(r#"{"tz": "Europe/Berlin", "week": {"sun": ["01:00-04:00"]}}"#);
        // 01:00 CET = 00:00Z, 04:00 CEST = 02:00Z.
        assert_eq!(
            c.business_time_between(utc(2026, 3, 28, 0, 0), utc(2026, 3, 30, 0, 0)),
            hours(2)
        );
        // A window lying entirely in the gap holds nothing: 02:00 and 03:00 both resolve to 01:00Z.
        let gap = cal(
            r#"{"tz": "Europe/Berlin", "week": {"sun": ["02:00-03:00"], "mon": ["09:00-10:00"]}}"#,
        );
        assert_eq!(
            gap.business_time_between(utc(2026, 3, 29, 0, 0), utc(2026, 3, 30, 0, 0)),
            TimeDelta::zero()
        );
        // So zero time from Sunday morning is Monday 09:00 CEST = 07:00Z.
        assert_eq!(
            gap.add_business_time(utc(2026, 3, 29, 0, 0), TimeDelta::zero())
                .unwrap(),
            utc(2026, 3, 30, 7, 0)
        );
    }

    #[test]
    fn fall_back_windows() {
        let c = cal(r#"{"tz": "Europe/Berlin", "week": {"sun": ["02:00-03:00"]}}"#);
        // 02:00 CEST (earlier reading) = 00:00Z; 03:00 CET = 02:00Z: two real hours.
        assert_eq!(
            c.add_business_time(utc(2026, 10, 24, 12, 0), hours(2))
                .unwrap(),
            utc(2026, 10, 25, 2, 0)
        );
        let night = cal(r#"{"tz": "Europe/Berlin", "week": {"sat": ["20:00-04:00"]}}"#);
        // Sat 20:00 CEST = 18:00Z, Sun 04:00 CET = 03:00Z: 9 h.
        assert_eq!(
            night.business_time_between(utc(2026, 10, 24, 0, 0), utc(2026, 10, 26, 0, 0)),
            hours(9)
        );
    }

    #[test]
    fn new_year_with_a_short_exception_and_a_holiday() {
        let c = cal(&format!(
            r#"{{"tz": "Europe/Berlin", "week": {{{WEEKDAYS_9_TO_5}}}, "holidays": ["2027-01-01"],
                "exceptions": [{{"date": "2026-12-31", "hours": ["09:00-12:00"]}}]}}"#
        ));
        // Thu 12-31 11:00 CET = 10:00Z: 1 h left that day, Friday is a holiday,
        // Monday 01-04 09:00 CET = 08:00Z plus 1 h.
        assert_eq!(
            c.add_business_time(utc(2026, 12, 31, 10, 0), hours(2))
                .unwrap(),
            utc(2027, 1, 4, 9, 0)
        );
        // Exactly the rest of the exception's window: 12:00 CET = 11:00Z.
        assert_eq!(
            c.add_business_time(utc(2026, 12, 31, 10, 0), hours(1))
                .unwrap(),
            utc(2026, 12, 31, 11, 0)
        );
        assert_eq!(
            c.business_time_between(utc(2026, 12, 28, 0, 0), utc(2027, 1, 4, 0, 0)),
            hours(4 * 8 - 5)
        );
    }

    #[test]
    fn a_holiday_cuts_the_overnight_part_of_the_day_before() {
        let c = cal(
            r#"{"tz": "Europe/Berlin", "week": {"mon": ["09:00-17:00"]}, "holidays": ["2027-01-01"],
                "exceptions": [{"date": "2026-12-31", "hours": ["22:00-02:00"]}]}"#,
        );
        // 22:00 CET = 21:00Z until midnight (23:00Z); the holiday closes 00:00-02:00.
        assert_eq!(
            c.business_time_between(utc(2026, 12, 31, 0, 0), utc(2027, 1, 2, 0, 0)),
            hours(2)
        );
        assert_eq!(
            c.add_business_time(utc(2026, 12, 31, 0, 0), hours(2))
                .unwrap(),
            utc(2026, 12, 31, 23, 0)
        );
        assert_eq!(
            c.add_business_time(utc(2026, 12, 31, 0, 0), hours(3))
                .unwrap(),
            utc(2027, 1, 4, 9, 0)
        );
    }
}

mod sydney {
    use super::*;

    #[test]
    fn fall_back_in_april_and_spring_forward_in_october() {
        let c = cal(r#"{"tz": "Australia/Sydney", "week": {"sun": ["00:00-08:00"]}}"#);
        // Sun 04-05: 00:00 AEDT = 04-04 13:00Z, 08:00 AEST = 04-04 22:00Z: 9 h.
        assert_eq!(
            c.add_business_time(utc(2026, 4, 4, 13, 0), hours(9))
                .unwrap(),
            utc(2026, 4, 4, 22, 0)
        );
        assert_eq!(
            c.business_time_between(utc(2026, 4, 4, 0, 0), utc(2026, 4, 5, 12, 0)),
            hours(9)
        );
        // Sun 10-04: 00:00 AEST = 10-03 14:00Z, 08:00 AEDT = 10-03 21:00Z: 7 h.
        assert_eq!(
            c.business_time_between(utc(2026, 10, 3, 0, 0), utc(2026, 10, 4, 12, 0)),
            hours(7)
        );
    }

    #[test]
    fn windows_touching_the_gap_and_the_overlap() {
        let gap = cal(r#"{"tz": "Australia/Sydney", "week": {"sun": ["00:00-02:30"]}}"#);
        // 02:30 read as AEST = 10-03 16:30Z.
        assert_eq!(
            gap.add_business_time(utc(2026, 10, 3, 14, 0), minutes(150))
                .unwrap(),
            utc(2026, 10, 3, 16, 30)
        );
        let overlap = cal(r#"{"tz": "Australia/Sydney", "week": {"sun": ["02:30-03:00"]}}"#);
        // 02:30 AEDT (earlier) = 04-04 15:30Z; 03:00 AEST = 04-04 17:00Z.
        assert_eq!(
            overlap.business_time_between(utc(2026, 4, 4, 0, 0), utc(2026, 4, 5, 0, 0)),
            minutes(90)
        );
    }

    #[test]
    fn a_holiday_on_the_25_hour_day() {
        let c = every_day("Australia/Sydney", "00:00-24:00", r#""2026-04-05""#);
        // Sat 04-04 00:00 AEDT = 04-03 13:00Z; Sun 04-05 runs 04-04 13:00Z..04-05 14:00Z.
        assert_eq!(
            c.business_time_between(utc(2026, 4, 3, 13, 0), utc(2026, 4, 5, 14, 0)),
            hours(24)
        );
        assert_eq!(
            c.add_business_time(utc(2026, 4, 4, 13, 0), TimeDelta::zero())
                .unwrap(),
            utc(2026, 4, 5, 14, 0)
        );
    }

    #[test]
    fn overnight_shift_across_spring_forward() {
        let c = cal(r#"{"tz": "Australia/Sydney", "week": {"sat": ["22:00-06:00"]}}"#);
        // Sat 10-03 22:00 AEST = 12:00Z; Sun 06:00 AEDT = 10-03 19:00Z: 7 h.
        assert_eq!(
            c.business_time_between(utc(2026, 10, 3, 0, 0), utc(2026, 10, 4, 12, 0)),
            hours(7)
        );
    }

    #[test]
    fn new_year_in_summer_time() {
        let c = cal(&format!(
            r#"{{"tz": "Australia/Sydney", "week": {{{WEEKDAYS_9_TO_5}}}, "holidays": ["2027-01-01"]}}"#
        ));
        // Thu 12-31 16:00 AEDT = 05:00Z; 1 h left, Friday off, Mon 01-04 10:00 AEDT = 01-03 23:00Z.
        assert_eq!(
            c.add_business_time(utc(2026, 12, 31, 5, 0), hours(2))
                .unwrap(),
            utc(2027, 1, 3, 23, 0)
        );
    }
}

mod kolkata {
    use super::*;

    fn office() -> Calendar {
        cal(
            r#"{"tz": "Asia/Kolkata", "holidays": ["2027-01-01"], "week": {
            "mon": ["09:30-18:00"], "tue": ["09:30-18:00"], "wed": ["09:30-18:00"],
            "thu": ["09:30-18:00"], "fri": ["09:30-18:00", "22:00-06:00"]}}"#,
        )
    }

    #[test]
    fn half_hour_offset() {
        // Mon 03-02 17:30 IST = 12:00Z; 1 h: 30 min to the close, then Tue 10:00 IST = 04:30Z.
        assert_eq!(
            office()
                .add_business_time(utc(2026, 3, 2, 12, 0), hours(1))
                .unwrap(),
            utc(2026, 3, 3, 4, 30)
        );
    }

    #[test]
    fn new_year_and_window_end() {
        // Thu 12-31 17:30 IST = 12:00Z: 30 min to the close at 18:00 IST = 12:30Z.
        assert_eq!(
            office()
                .add_business_time(utc(2026, 12, 31, 12, 0), minutes(30))
                .unwrap(),
            utc(2026, 12, 31, 12, 30)
        );
        // 8 h 30 min: Friday is a holiday (and so is its night shift); Mon 17:30 IST = 12:00Z.
        assert_eq!(
            office()
                .add_business_time(utc(2026, 12, 31, 12, 0), minutes(510))
                .unwrap(),
            utc(2027, 1, 4, 12, 0)
        );
    }

    #[test]
    fn friday_night_shift() {
        // Fri 03-06 22:00 IST = 16:30Z to Sat 06:00 IST = 00:30Z.
        let c = office();
        assert_eq!(
            c.business_time_between(utc(2026, 3, 6, 13, 0), utc(2026, 3, 7, 12, 0)),
            hours(8)
        );
        assert!(c.is_open(utc(2026, 3, 7, 0, 29)));
        assert!(!c.is_open(utc(2026, 3, 7, 0, 30)));
    }
}

mod utc_zone {
    use super::*;

    #[test]
    fn a_window_ending_at_24_00_touches_the_next_day() {
        let c = cal(r#"{"tz": "UTC", "week": {"mon": ["18:00-24:00"], "tue": ["00:00-02:00"]}}"#);
        assert_eq!(
            c.add_business_time(utc(2026, 1, 5, 23, 0), hours(2))
                .unwrap(),
            utc(2026, 1, 6, 1, 0)
        );
        assert_eq!(
            c.business_time_between(utc(2026, 1, 5, 0, 0), utc(2026, 1, 7, 0, 0)),
            hours(8)
        );
        // Using up Monday exactly ends at midnight, which is also Tuesday's opening.
        assert_eq!(
            c.add_business_time(utc(2026, 1, 5, 18, 0), hours(6))
                .unwrap(),
            utc(2026, 1, 6, 0, 0)
        );
    }

    #[test]
    fn new_year_crossing_around_the_clock() {
        let c = every_day("UTC", "00:00-24:00", r#""2027-01-01""#);
        assert_eq!(
            c.add_business_time(utc(2026, 12, 31, 22, 0), hours(3))
                .unwrap(),
            utc(2027, 1, 2, 1, 0)
        );
        assert_eq!(
            c.business_time_between(utc(2026, 12, 31, 0, 0), utc(2027, 1, 3, 0, 0)),
            hours(48)
        );
    }
}
