//! When a subscriber's mail goes out: at a local time of day in their own time
//! zone, found again for each date, so a change of clocks (DST) moves the
//! instant and never the local time.

use jiff::Timestamp;
use jiff::civil::{Date, Time, Weekday};
use jiff::tz::TimeZone;

/// 06:00: the morning, unless the subscriber chooses another time.
pub const DEFAULT_SEND_MINUTE: u16 = 6 * 60;

/// The instant of local time `minute` (after midnight) on `date` in `zone`.
/// A time that a change of clocks skips (02:30 on a spring-forward night)
/// comes out as the same distance after the gap (03:30), a time that happens
/// twice as its first occurrence: never no mail, never two.
pub(crate) fn slot_on(zone: &TimeZone, date: Date, minute: u16) -> Timestamp {
    let minute = minute.min(24 * 60 - 1);
    let hour = i8::try_from(minute / 60).unwrap_or(0);
    let minute = i8::try_from(minute % 60).unwrap_or(0);
    // `to_zoned` settles a skipped or repeated local time the "compatible"
    // way (RFC 5545): later for a gap, earlier for a fold.
    date.to_datetime(Time::constant(0, 0, 0, 0))
        .with()
        .hour(hour)
        .minute(minute)
        .build()
        .and_then(|local| zone.to_ambiguous_timestamp(local).compatible())
        .unwrap_or(Timestamp::UNIX_EPOCH)
}

/// The local date of `at` in `zone`.
pub(crate) fn local_date(zone: &TimeZone, at: Timestamp) -> Date {
    zone.to_datetime(at).date()
}

/// The first send time (local `minute` of some date in `zone`) strictly after
/// `after`, and its local date.
pub fn next_slot(zone: &TimeZone, minute: u16, after: Timestamp) -> (Date, Timestamp) {
    let mut date = local_date(zone, after);
    // Two dates suffice: today's slot, else tomorrow's (a third guards a zone
    // that skips a whole day, as Samoa did in 2011).
    for _ in 0..3 {
        let at = slot_on(zone, date, minute);
        if at > after {
            return (date, at);
        }
        date = date.tomorrow().unwrap_or(date);
    }
    (date, slot_on(zone, date, minute))
}

/// The first send time on `weekday` strictly after `after`.
pub(crate) fn next_weekly_slot(
    zone: &TimeZone,
    minute: u16,
    weekday: Weekday,
    after: Timestamp,
) -> (Date, Timestamp) {
    let (mut date, mut at) = next_slot(zone, minute, after);
    for _ in 0..8 {
        if date.weekday() == weekday {
            break;
        }
        date = date.tomorrow().unwrap_or(date);
        at = slot_on(zone, date, minute);
    }
    (date, at)
}

/// ISO weekday number (1 Monday ... 7 Sunday) as jiff's.
pub(crate) fn weekday(number: i64) -> Weekday {
    Weekday::from_monday_one_offset(i8::try_from(number.clamp(1, 7)).unwrap_or(1))
        .unwrap_or(Weekday::Monday)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn zone(name: &str) -> TimeZone {
        TimeZone::get(name).unwrap()
    }

    #[test]
    fn six_in_the_morning_across_the_new_york_changes() {
        let ny = zone("America/New_York");
        // The night clocks spring forward (8 March 2026): 06:00 EDT is 10:00 UTC.
        let (date, at) = next_slot(&ny, 360, ts("2026-03-07T12:00:00Z"));
        assert_eq!(date.to_string(), "2026-03-08");
        assert_eq!(at, ts("2026-03-08T10:00:00Z"));
        // The day before, 06:00 EST was 11:00 UTC.
        let (_, before) = next_slot(&ny, 360, ts("2026-03-06T12:00:00Z"));
        assert_eq!(before, ts("2026-03-07T11:00:00Z"));
        // Falling back (1 November 2026).
        let (_, at) = next_slot(&ny, 360, ts("2026-10-31T12:00:00Z"));
        assert_eq!(at, ts("2026-11-01T11:00:00Z"));
    }

    #[test]
    fn a_skipped_time_goes_out_after_the_gap_and_a_repeated_one_once() {
        let berlin = zone("Europe/Berlin");
        // 02:30 does not exist on 29 March 2026 in Berlin: 03:30 CEST.
        let at = slot_on(&berlin, "2026-03-29".parse().unwrap(), 150);
        assert_eq!(at, ts("2026-03-29T01:30:00Z"));
        // 02:30 happens twice on 25 October 2026: the first (CEST).
        let at = slot_on(&berlin, "2026-10-25".parse().unwrap(), 150);
        assert_eq!(at, ts("2026-10-25T00:30:00Z"));
    }

    #[test]
    fn the_slot_is_strictly_after() {
        let kolkata = zone("Asia/Kolkata");
        let (date, at) = next_slot(&kolkata, 360, ts("2026-05-01T00:30:00Z"));
        assert_eq!(date.to_string(), "2026-05-02");
        assert_eq!(at, ts("2026-05-02T00:30:00Z"));
        let (date, _) = next_slot(&kolkata, 360, ts("2026-05-01T00:29:59Z"));
        assert_eq!(date.to_string(), "2026-05-01");
    }

    #[test]
    fn weekly_slots_fall_on_their_weekday() {
        let auckland = zone("Pacific/Auckland");
        // 2026-11-28 is a Saturday; the next Monday 06:00 NZDT (UTC+13).
        let (date, at) =
            next_weekly_slot(&auckland, 360, Weekday::Monday, ts("2026-11-28T00:00:00Z"));
        assert_eq!(date.to_string(), "2026-11-30");
        assert_eq!(at, ts("2026-11-29T17:00:00Z"));
        assert_eq!(weekday(1), Weekday::Monday);
        assert_eq!(weekday(7), Weekday::Sunday);
        assert_eq!(weekday(99), Weekday::Sunday);
    }
}
