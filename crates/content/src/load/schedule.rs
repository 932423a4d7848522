//! When entries appear: recaps after their week's last day, and publish
//! times for entries that give none, counted from the journey's start.

use std::collections::HashMap;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

use super::LoadOptions;
use crate::model::{Entry, EntryKind};

/// Numbers the recaps after their week's last day, fills in the publish time
/// of entries that give none (week 1 day 1 is `start`, in the site's time
/// zone; without a start, "now"), and sorts the entries by week and day.
pub(super) fn place(entries: &mut [Entry], start: Option<Date>, options: &LoadOptions) {
    let last_day: HashMap<u32, u32> =
        entries
            .iter()
            .filter(|e| e.kind == EntryKind::Day)
            .fold(HashMap::new(), |mut m, e| {
                let d = m.entry(e.week).or_insert(0);
                *d = (*d).max(e.day);
                m
            });
    for entry in entries.iter_mut() {
        if entry.kind == EntryKind::Recap {
            entry.day = last_day.get(&entry.week).copied().unwrap_or(0) + 1;
        }
    }
    for entry in entries.iter_mut() {
        if entry.publish_at == Timestamp::UNIX_EPOCH {
            entry.publish_at = match start {
                Some(start) => {
                    let offset =
                        i64::from(entry.week - 1) * 7 + i64::from(entry.day.saturating_sub(1));
                    start
                        .checked_add(offset.days())
                        .ok()
                        .and_then(|d| d.to_zoned_datetime(options.time_zone.clone()).ok())
                        .map_or(options.now, |z| z.timestamp())
                }
                None => options.now,
            };
        }
    }
    entries.sort_by_key(|e| (e.week, e.day, e.kind));
}

/// A `publish` value as an instant: a date or a local time in the site's
/// time zone, or an instant with its offset.
pub(super) fn to_timestamp(dt: &toml::value::Datetime, tz: &TimeZone) -> Option<Timestamp> {
    let s = dt.to_string();
    match (dt.date, dt.time, dt.offset) {
        (Some(_), Some(_), Some(_)) => s.parse::<Timestamp>().ok(),
        (Some(_), Some(_), None) => s
            .parse::<jiff::civil::DateTime>()
            .ok()?
            .to_zoned_datetime(tz.clone())
            .ok()
            .map(|z| z.timestamp()),
        (Some(_), None, None) => s
            .parse::<Date>()
            .ok()?
            .to_zoned_datetime(tz.clone())
            .ok()
            .map(|z| z.timestamp()),
        _ => None,
    }
}
