//! The arithmetic of a member's schedule, apart from the database: which step
//! falls on which of their days, what they missed, where they resume, how
//! catching up moves their start, and their streak. Plain local dates
//! throughout; a time zone's changes never enter (the caller turns "now" into
//! the member's date once, with [`Store::local_date`](crate::Store::local_date)).

use jiff::Span;
use jiff::civil::Date;
use serde::Serialize;

use crate::reading::error::ReadingError;

/// The rule of the streak, in words a page can show beside it.
pub const STREAK_RULE: &str = "Your streak counts the days you walked with this journey. \
     A day you miss pauses it; it never starts over.";

/// Earliest year a stored date may have. Dates are stored as `YYYY-MM-DD`
/// text, so four-digit years keep them in order as text too.
const MIN_YEAR: i16 = 1000;
/// Latest year a member may give; leaves room for a schedule to run on
/// without leaving four-digit years.
const MAX_YEAR: i16 = 9000;

/// `date` if it is one a member may give (a year from 1000 to 9000), or why not.
pub(crate) fn check_date(date: Date) -> Result<Date, ReadingError> {
    if (MIN_YEAR..=MAX_YEAR).contains(&date.year()) {
        Ok(date)
    } else {
        Err(ReadingError::DateOutOfRange(date))
    }
}

/// `date` moved by `days` (back when negative), stopping at the ends of the
/// calendar rather than failing.
pub(crate) fn add_days(date: Date, days: i64) -> Date {
    // Beyond the calendar either way, and small enough for a `Span`.
    let days = days.clamp(-4_000_000, 4_000_000);
    let fallback = if days < 0 { Date::MIN } else { Date::MAX };
    Span::new()
        .try_days(days)
        .ok()
        .and_then(|span| date.checked_add(span).ok())
        .unwrap_or(fallback)
}

/// Days from `from` to `to`: negative when `to` comes first.
pub(crate) fn days_between(from: Date, to: Date) -> i64 {
    to.since(from).map_or(0, |span| i64::from(span.get_days()))
}

/// Where a member stands today against their schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Today {
    /// Their day 1 is still ahead.
    NotStarted {
        /// Days until day 1 (1: it is tomorrow).
        days_until: i64,
    },
    /// Today is the scheduled day of this step (done or not).
    Scheduled {
        /// The step, from 1.
        step: usize,
    },
    /// Every step is done, whatever the date.
    Finished,
    /// The last scheduled day has passed with steps still to do.
    Behind {
        /// Steps not done yet.
        remaining: usize,
    },
}

/// A member's schedule for one journey: their day 1 and, for each step in
/// order, whether it is done. Step `n` (from 1) falls on `start + (n - 1)`
/// days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    /// Local date of step 1.
    pub start: Date,
    /// For each step in order, whether it is done.
    pub done: Vec<bool>,
}

impl Schedule {
    /// A schedule starting on `start` with these done marks.
    pub fn new(start: Date, done: Vec<bool>) -> Self {
        Self { start, done }
    }

    /// How many steps.
    pub fn len(&self) -> usize {
        self.done.len()
    }

    /// Whether the journey has no steps.
    pub fn is_empty(&self) -> bool {
        self.done.is_empty()
    }

    /// The scheduled date of step `step` (from 1; 0 is read as 1).
    pub fn date_of(&self, step: usize) -> Date {
        let offset = i64::try_from(step.saturating_sub(1)).unwrap_or(i64::MAX);
        add_days(self.start, offset)
    }

    /// The date of the last step; `None` for a journey without steps.
    pub fn end_date(&self) -> Option<Date> {
        (!self.is_empty()).then(|| self.date_of(self.len()))
    }

    /// How many steps are done.
    pub fn steps_done(&self) -> usize {
        self.done.iter().filter(|&&d| d).count()
    }

    /// Whether every step is done (true for a journey without steps).
    pub fn all_done(&self) -> bool {
        self.done.iter().all(|&d| d)
    }

    /// The first step not done (from 1): where the member resumes. `None`
    /// when all are done.
    pub fn current(&self) -> Option<usize> {
        self.done.iter().position(|&d| !d).map(|i| i + 1)
    }

    /// Steps (from 1) scheduled before `today` and not done, in order.
    pub fn missed(&self, today: Date) -> Vec<usize> {
        let before = days_between(self.start, today);
        self.done
            .iter()
            .enumerate()
            .filter(|&(i, &done)| !done && i64::try_from(i).is_ok_and(|i| i < before))
            .map(|(i, _)| i + 1)
            .collect()
    }

    /// Where the member stands on `today`.
    pub fn today(&self, today: Date) -> Today {
        if self.all_done() {
            return Today::Finished;
        }
        let offset = days_between(self.start, today);
        if offset < 0 {
            return Today::NotStarted {
                days_until: -offset,
            };
        }
        match usize::try_from(offset) {
            Ok(i) if i < self.len() => Today::Scheduled { step: i + 1 },
            _ => Today::Behind {
                remaining: self.len() - self.steps_done(),
            },
        }
    }

    /// The start date after catching up on `today`: moved forward so that the
    /// first step not done falls today and nothing is missed any more. The
    /// same date when nothing is missed; never earlier.
    pub fn caught_up(&self, today: Date) -> Date {
        let Some(current) = self.current() else {
            return self.start;
        };
        if self.date_of(current) >= today {
            return self.start;
        }
        let offset = i64::try_from(current - 1).unwrap_or(i64::MAX);
        add_days(today, -offset).max(self.start)
    }
}

/// The gentle streak (see [`STREAK_RULE`]): the days on which the member
/// marked at least one step of the journey done. Missing a day pauses it;
/// nothing resets it but starting the journey again from scratch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Streak {
    /// Distinct local dates on which they marked a step done.
    pub days: usize,
    /// The latest of those dates.
    pub last_walked: Option<Date>,
    /// True when they walked before but neither today nor yesterday.
    pub paused: bool,
}

impl Streak {
    /// The streak made of these walked dates (repeats count once), seen on
    /// `today`.
    pub fn new(walked: impl IntoIterator<Item = Date>, today: Date) -> Self {
        let mut days: Vec<Date> = walked.into_iter().collect();
        days.sort_unstable();
        days.dedup();
        let last_walked = days.last().copied();
        Self {
            days: days.len(),
            last_walked,
            paused: last_walked.is_some_and(|last| last < add_days(today, -1)),
        }
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    #[test]
    fn steps_fall_on_consecutive_local_days_across_month_ends() {
        let s = Schedule::new(date(2026, 2, 27), vec![false; 4]);
        assert_eq!(s.date_of(1), date(2026, 2, 27));
        assert_eq!(s.date_of(3), date(2026, 3, 1));
        assert_eq!(s.end_date(), Some(date(2026, 3, 2)));
        assert_eq!(Schedule::new(date(2026, 1, 1), vec![]).end_date(), None);
    }

    #[test]
    fn dates_saturate_at_the_ends_of_the_calendar() {
        assert_eq!(add_days(Date::MAX, 10), Date::MAX);
        assert_eq!(add_days(Date::MIN, -10), Date::MIN);
        assert_eq!(add_days(date(2026, 1, 1), i64::MAX), Date::MAX);
        assert_eq!(days_between(date(2026, 3, 28), date(2026, 4, 2)), 5);
        assert_eq!(days_between(date(2026, 4, 2), date(2026, 3, 28)), -5);
    }

    #[test]
    fn the_streak_pauses_after_a_missed_day() {
        let today = date(2026, 3, 10);
        let none = Streak::new([], today);
        assert_eq!((none.days, none.paused, none.last_walked), (0, false, None));
        let yesterday = Streak::new([date(2026, 3, 9), date(2026, 3, 9)], today);
        assert_eq!((yesterday.days, yesterday.paused), (1, false));
        let earlier = Streak::new([date(2026, 3, 2), date(2026, 3, 8)], today);
        assert_eq!((earlier.days, earlier.paused), (2, true));
        assert_eq!(earlier.last_walked, Some(date(2026, 3, 8)));
    }

    #[test]
    fn dates_outside_four_digit_years_are_refused() {
        assert!(check_date(date(2026, 3, 28)).is_ok());
        assert!(check_date(date(999, 12, 31)).is_err());
        assert!(check_date(date(9001, 1, 1)).is_err());
    }
}
