//! Property tests of a member's schedule: catching up never moves day 1 back,
//! leaves nothing missed, and puts the first step not done on today.

use abide_store::{JournalKey, Schedule, Streak, Today};
use jiff::civil::{Date, date};
use proptest::prelude::*;

/// A date from 2000 to about 2080.
fn a_date() -> impl Strategy<Value = Date> {
    (0i64..30_000).prop_map(|days| {
        date(2000, 1, 1)
            .checked_add(jiff::Span::new().days(days))
            .unwrap()
    })
}

fn a_schedule() -> impl Strategy<Value = Schedule> {
    (a_date(), proptest::collection::vec(any::<bool>(), 0..60))
        .prop_map(|(start, done)| Schedule::new(start, done))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn catching_up_moves_forward_and_leaves_nothing_missed(
        schedule in a_schedule(),
        offset in -100i64..200,
    ) {
        let today = schedule.start.checked_add(jiff::Span::new().days(offset)).unwrap();
        let start = schedule.caught_up(today);
        prop_assert!(start >= schedule.start);
        let after = Schedule::new(start, schedule.done.clone());
        prop_assert!(after.missed(today).is_empty());
        if schedule.missed(today).is_empty() {
            prop_assert_eq!(start, schedule.start);
        } else {
            let current = after.current().unwrap();
            prop_assert_eq!(after.date_of(current), today);
            prop_assert_eq!(after.today(today), Today::Scheduled { step: current });
        }
        // Catching up twice is catching up once.
        prop_assert_eq!(after.caught_up(today), start);
    }

    #[test]
    fn today_agrees_with_the_dates_of_the_steps(
        schedule in a_schedule(),
        offset in -100i64..200,
    ) {
        let today = schedule.start.checked_add(jiff::Span::new().days(offset)).unwrap();
        match schedule.today(today) {
            Today::NotStarted { days_until } => {
                prop_assert!(days_until > 0);
                prop_assert_eq!(offset, -days_until);
            }
            Today::Scheduled { step } => prop_assert_eq!(schedule.date_of(step), today),
            Today::Finished => prop_assert!(schedule.all_done()),
            Today::Behind { remaining } => {
                prop_assert!(remaining > 0);
                prop_assert!(schedule.end_date().unwrap() < today);
            }
        }
        for step in schedule.missed(today) {
            prop_assert!(!schedule.done[step - 1]);
            prop_assert!(schedule.date_of(step) < today);
        }
    }

    #[test]
    fn the_streak_never_shrinks_as_days_pass(
        walked in proptest::collection::vec(a_date(), 0..30),
        later in 0i64..400,
    ) {
        let today = walked.iter().max().copied().unwrap_or(date(2030, 1, 1));
        let then = Streak::new(walked.clone(), today);
        let now = Streak::new(walked, today.checked_add(jiff::Span::new().days(later)).unwrap());
        prop_assert_eq!(then.days, now.days);
        prop_assert_eq!(now.paused, then.days > 0 && later > 1);
    }

    #[test]
    fn journal_items_round_trip(input in "[qpnote0-9]{0,6}") {
        if let Ok(key) = JournalKey::parse(&input) {
            prop_assert_eq!(key.to_string(), input);
        }
    }
}
