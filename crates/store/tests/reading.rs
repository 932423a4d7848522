//! A reader's own journey: following, marking done, catching up, the streak,
//! the journal, the practice log, export and erasure.

use std::path::Path;

use abide_content::{LoadOptions, load_journey};
use abide_store::{
    AccountError, Email, JournalKey, MAX_JOURNAL_CHARS, NewUser, ReadingError, Role, Store,
    StoreError, Today, User, email_rate_limit_key,
};
use abide_testkit::{TestDb, store_test};
use jiff::Timestamp;
use jiff::civil::{Date, date};

use crate::util::on_a_simulated_clock;

/// Writes a journey folder: `journey.toml` and `(file name, text)` entries.
fn write_journey(dir: &Path, toml: &str, entries: &[(&str, &str)]) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("journey.toml"), toml).unwrap();
    for (name, text) in entries {
        std::fs::write(dir.join(name), text).unwrap();
    }
}

/// A day entry: its front matter ends `rest`, which goes on with the body.
/// Days need a key passage and a question: a default one when `rest` has none.
fn day(week: u32, day: u32, title: &str, rest: &str) -> String {
    let question = if rest.contains("## Question") {
        ""
    } else {
        "\n## Question\n\nWhat stays with you?\n"
    };
    format!(
        "+++\ntitle = \"{title}\"\nweek = {week}\nday = {day}\nkey_passage = \"Psalm 46:10\"\n{rest}{question}"
    )
}

/// Imports the test journeys:
///
/// - `still-waters`: week 1 is an introduction, days 1 to 3 and a recap;
///   week 2 days 1 and 2. Five steps, all published. Step 1 has two
///   practices and two questions.
/// - `far-country`: two days, the second published only in 2099.
/// - `coming-soon`: nothing published before 2099.
async fn import_journeys(store: &Store) {
    let root = tempfile::tempdir().unwrap();
    let still = root.path().join("still-waters");
    let practices = "+++\n\nRest.\n\n## Application\n\n- Sit in silence. {5 min}\n- Walk slowly.\n\n\
                     ## Questions\n\n- Where do you rest?\n- What keeps you from it?\n";
    write_journey(
        &still,
        "title = \"Still Waters\"\nsummary = \"Rest and trust.\"\nstart = 2026-03-02\n\
         [[weeks]]\nnumber = 1\ntheme = \"Rest\"\n[[weeks]]\nnumber = 2\ntheme = \"Trust\"\n",
        &[
            (
                "00-intro.md",
                "+++\ntitle = \"Why Rest\"\nkind = \"introduction\"\nweek = 1\n+++\n\nWe begin.\n",
            ),
            ("01.md", &day(1, 1, "Be Still", practices)),
            (
                "02.md",
                &day(
                    1,
                    2,
                    "Green Pastures",
                    "+++\n\nGrass.\n\n## Question\n\nWhat feeds you?\n",
                ),
            ),
            ("03.md", &day(1, 3, "Quiet Waters", "+++\n\nWater.\n")),
            (
                "04-recap.md",
                "+++\ntitle = \"Rest in Review\"\nkind = \"recap\"\nweek = 1\n+++\n\nWe rested.\n",
            ),
            ("05.md", &day(2, 1, "Trust", "+++\n\nTrust.\n")),
            ("06.md", &day(2, 2, "Lean Not", "+++\n\nLean.\n")),
        ],
    );
    let far = root.path().join("far-country");
    write_journey(
        &far,
        "title = \"Far Country\"\nsummary = \"Going home.\"\nstart = 2026-03-02\n\
         [[weeks]]\nnumber = 1\ntheme = \"Home\"\n",
        &[
            ("01.md", &day(1, 1, "Leaving", "+++\n\nGone.\n")),
            (
                "02.md",
                &day(1, 2, "Returning", "publish = 2099-01-01\n+++\n\nBack.\n"),
            ),
        ],
    );
    let soon = root.path().join("coming-soon");
    write_journey(
        &soon,
        "title = \"Coming Soon\"\nsummary = \"Later.\"\nstart = 2099-03-02\n\
         [[weeks]]\nnumber = 1\ntheme = \"Later\"\n",
        &[("01.md", &day(1, 1, "Someday", "+++\n\nSoon.\n"))],
    );
    let journeys: Vec<_> = [still, far, soon]
        .iter()
        .map(|dir| load_journey(dir, &LoadOptions::default()).unwrap())
        .collect();
    store.import_journeys(&journeys).await.unwrap();
}

async fn member(store: &Store, address: &str, name: &str) -> User {
    store
        .create_user(&NewUser {
            display_name: name.into(),
            ..NewUser::new(Email::parse(address).unwrap(), Role::Member)
        })
        .await
        .unwrap()
}

/// A store with the test journeys, on a simulated clock in 2027, and Ruth.
async fn setup(db: &TestDb) -> (Store, User) {
    let (store, _clock) = on_a_simulated_clock(db);
    import_journeys(&store).await;
    let ruth = member(&store, "ruth@example.org", "Ruth Miller").await;
    (store, ruth)
}

fn reading_error(result: Result<impl std::fmt::Debug, StoreError>) -> ReadingError {
    match result {
        Err(StoreError::Reading(e)) => e,
        other => panic!("expected a reading error, got {other:?}"),
    }
}

async fn count(store: &Store, table: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
        .fetch_one(store.pool())
        .await
        .unwrap()
}

const SW: &str = "still-waters";
const STEPS: [&str; 5] = [
    "be-still",
    "green-pastures",
    "quiet-waters",
    "trust",
    "lean-not",
];

async fn start_restart_and_stop(db: TestDb) {
    let (store, ruth) = setup(&db).await;
    let today = date(2026, 3, 28);
    assert!(store.start_journey(ruth.id, SW, today).await.unwrap());
    store
        .mark_done(ruth.id, SW, "be-still", today)
        .await
        .unwrap();

    // Starting again moves the schedule and keeps the marks.
    assert!(
        !store
            .start_journey(ruth.id, SW, date(2026, 4, 1))
            .await
            .unwrap()
    );
    let list = store.enrolments(ruth.id, today).await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].journey_title, "Still Waters");
    assert_eq!(list[0].start_date, date(2026, 4, 1));
    assert_eq!(list[0].steps_done, 1);
    assert_eq!(count(&store, "enrolments").await, 1);

    // Restarting clears them.
    assert!(!store.restart_journey(ruth.id, SW, today).await.unwrap());
    let list = store.enrolments(ruth.id, today).await.unwrap();
    assert_eq!((list[0].start_date, list[0].steps_done), (today, 0));
    assert_eq!(list[0].streak.days, 0);

    // Stopping forgets the marks; stopping twice is no error.
    store
        .mark_done(ruth.id, SW, "be-still", today)
        .await
        .unwrap();
    assert!(store.stop_following(ruth.id, SW).await.unwrap());
    assert!(!store.stop_following(ruth.id, SW).await.unwrap());
    assert!(store.enrolments(ruth.id, today).await.unwrap().is_empty());
    assert!(
        store
            .journey_progress(ruth.id, SW, today)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(count(&store, "step_done").await, 0);

    // What cannot be followed.
    for slug in ["no-such-journey", "coming-soon"] {
        let err = reading_error(store.start_journey(ruth.id, slug, today).await);
        assert_eq!(err, ReadingError::UnknownJourney(slug.into()));
    }
    let err = reading_error(store.start_journey(ruth.id, SW, date(999, 1, 1)).await);
    assert!(matches!(err, ReadingError::DateOutOfRange(_)), "{err}");
    match store.start_journey(ruth.id + 100, SW, today).await {
        Err(StoreError::Account(AccountError::UnknownUser(_))) => {}
        other => panic!("expected an unknown user, got {other:?}"),
    }
    assert_eq!(count(&store, "enrolments").await, 0);
}
store_test!(start_restart_and_stop);

async fn marking_done_is_idempotent_and_only_for_followed_steps(db: TestDb) {
    let (store, ruth) = setup(&db).await;
    let today = date(2026, 3, 28);
    store.start_journey(ruth.id, SW, today).await.unwrap();
    store
        .start_journey(ruth.id, "far-country", today)
        .await
        .unwrap();
    assert!(
        store
            .mark_done(ruth.id, SW, "be-still", today)
            .await
            .unwrap()
    );
    assert!(
        !store
            .mark_done(ruth.id, SW, "be-still", date(2026, 3, 29))
            .await
            .unwrap()
    );
    assert_eq!(count(&store, "step_done").await, 1);
    let detail = store
        .journey_progress(ruth.id, SW, today)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        detail.steps[0].done_on,
        Some(today),
        "the first mark's date stays"
    );

    let cases = [
        (
            SW,
            "why-rest",
            ReadingError::NotAStep {
                journey: SW.into(),
                entry: "why-rest".into(),
            },
        ),
        (
            SW,
            "rest-in-review",
            ReadingError::NotAStep {
                journey: SW.into(),
                entry: "rest-in-review".into(),
            },
        ),
        (
            SW,
            "no-such-day",
            ReadingError::UnknownEntry {
                journey: SW.into(),
                entry: "no-such-day".into(),
            },
        ),
        // Scheduled by the ministry for 2099: not open yet.
        (
            "far-country",
            "returning",
            ReadingError::UnknownEntry {
                journey: "far-country".into(),
                entry: "returning".into(),
            },
        ),
        (
            "coming-soon",
            "someday",
            ReadingError::NotFollowing("coming-soon".into()),
        ),
        (
            "nowhere",
            "be-still",
            ReadingError::UnknownJourney("nowhere".into()),
        ),
    ];
    for (journey, entry, expected) in cases {
        let err = reading_error(store.mark_done(ruth.id, journey, entry, today).await);
        assert_eq!(err, expected, "{journey}/{entry}");
        let err = reading_error(store.mark_not_done(ruth.id, journey, entry).await);
        assert_eq!(err, expected, "{journey}/{entry}");
    }
    // A step of a journey Ruth does not follow (any more).
    store.stop_following(ruth.id, "far-country").await.unwrap();
    let err = reading_error(
        store
            .mark_done(ruth.id, "far-country", "leaving", today)
            .await,
    );
    assert_eq!(err, ReadingError::NotFollowing("far-country".into()));
    assert_eq!(count(&store, "step_done").await, 1);

    assert!(store.mark_not_done(ruth.id, SW, "be-still").await.unwrap());
    assert!(!store.mark_not_done(ruth.id, SW, "be-still").await.unwrap());
    assert_eq!(count(&store, "step_done").await, 0);
}
store_test!(marking_done_is_idempotent_and_only_for_followed_steps);

async fn progress_before_during_and_after_the_schedule(db: TestDb) {
    let (store, ruth) = setup(&db).await;
    // Day 1 on the eve of the clocks changing in London: plain dates, so the
    // short night changes nothing.
    let start = date(2026, 3, 28);
    store.start_journey(ruth.id, SW, start).await.unwrap();

    let before = store.enrolments(ruth.id, date(2026, 3, 26)).await.unwrap();
    let p = &before[0];
    assert_eq!(p.today, Today::NotStarted { days_until: 2 });
    assert!(p.todays_step.is_none() && p.missed.is_empty());
    assert_eq!(p.current_step.as_ref().unwrap().entry_slug, "be-still");
    assert_eq!((p.total_steps, p.steps_done, p.all_done), (5, 0, false));
    assert_eq!(p.end_date, Some(date(2026, 4, 1)));

    let detail = store
        .journey_progress(ruth.id, SW, date(2026, 3, 30))
        .await
        .unwrap()
        .unwrap();
    let dates: Vec<Date> = detail.steps.iter().map(|s| s.date).collect();
    assert_eq!(
        dates,
        [
            date(2026, 3, 28),
            date(2026, 3, 29),
            date(2026, 3, 30),
            date(2026, 3, 31),
            date(2026, 4, 1)
        ]
    );
    let slugs: Vec<&str> = detail.steps.iter().map(|s| s.entry_slug.as_str()).collect();
    assert_eq!(slugs, STEPS);
    let weeks: Vec<i64> = detail.steps.iter().map(|s| s.week).collect();
    assert_eq!(weeks, [1, 1, 1, 2, 2]);
    let p = &detail.progress;
    assert_eq!(p.today, Today::Scheduled { step: 3 });
    assert_eq!(p.todays_step.as_ref().unwrap().title, "Quiet Waters");
    let missed: Vec<usize> = p.missed.iter().map(|s| s.number).collect();
    assert_eq!(missed, [1, 2]);

    store
        .mark_done(ruth.id, SW, "be-still", start)
        .await
        .unwrap();
    let p = store
        .journey_progress(ruth.id, SW, date(2026, 3, 30))
        .await
        .unwrap()
        .unwrap()
        .progress;
    assert_eq!(p.current_step.unwrap().entry_slug, "green-pastures");
    assert_eq!(p.missed.len(), 1);

    // After the last day, with steps left: behind, not finished.
    for slug in ["green-pastures", "quiet-waters"] {
        store
            .mark_done(ruth.id, SW, slug, date(2026, 4, 2))
            .await
            .unwrap();
    }
    let after = &store.enrolments(ruth.id, date(2026, 4, 5)).await.unwrap()[0];
    assert_eq!(after.today, Today::Behind { remaining: 2 });
    let missed: Vec<usize> = after.missed.iter().map(|s| s.number).collect();
    assert_eq!(missed, [4, 5]);
    assert_eq!(after.current_step.as_ref().unwrap().number, 4);

    for slug in ["trust", "lean-not"] {
        store
            .mark_done(ruth.id, SW, slug, date(2026, 4, 5))
            .await
            .unwrap();
    }
    let done = &store.enrolments(ruth.id, date(2026, 4, 5)).await.unwrap()[0];
    assert_eq!(done.today, Today::Finished);
    assert!(done.all_done && done.missed.is_empty() && done.current_step.is_none());
    assert_eq!(done.steps_done, 5);
}
store_test!(progress_before_during_and_after_the_schedule);

async fn today_follows_the_members_time_zone(db: TestDb) {
    let (store, ruth) = setup(&db).await;
    let at = |t: &str| {
        store.clock().set(t.parse::<Timestamp>().unwrap()).unwrap();
    };
    // 23:30 UTC on the 28th is still the 28th in London (GMT)...
    at("2026-03-28T23:30:00Z");
    assert_eq!(
        store.local_date("Europe/London").unwrap(),
        date(2026, 3, 28)
    );
    // ...but a day later, after the clocks went forward, 00:30 on the 30th.
    at("2026-03-29T23:30:00Z");
    assert_eq!(
        store.local_date("Europe/London").unwrap(),
        date(2026, 3, 30)
    );
    assert_eq!(store.local_date("UTC").unwrap(), date(2026, 3, 29));
    store
        .start_journey(ruth.id, SW, date(2026, 3, 28))
        .await
        .unwrap();
    let today = store.local_date("Europe/London").unwrap();
    let p = &store.enrolments(ruth.id, today).await.unwrap()[0];
    assert_eq!(p.today, Today::Scheduled { step: 3 });
    assert!(matches!(
        store.local_date("Mars/Olympus"),
        Err(StoreError::Account(AccountError::UnknownTimeZone(_)))
    ));
}
store_test!(today_follows_the_members_time_zone);

async fn catching_up_moves_the_start_forward_only(db: TestDb) {
    let (store, ruth) = setup(&db).await;
    let start = date(2026, 3, 28);
    store.start_journey(ruth.id, SW, start).await.unwrap();

    // Nothing missed: before day 1, and on day 1 itself.
    for today in [date(2026, 3, 20), start] {
        assert_eq!(store.catch_up(ruth.id, SW, today).await.unwrap(), start);
    }
    // Step 1 done; two days (steps 2 and 3) missed by the 31st.
    store
        .mark_done(ruth.id, SW, "be-still", start)
        .await
        .unwrap();
    let today = date(2026, 3, 31);
    let before = &store.enrolments(ruth.id, today).await.unwrap()[0];
    assert_eq!(before.missed.len(), 2);
    let new_start = store.catch_up(ruth.id, SW, today).await.unwrap();
    assert_eq!(new_start, date(2026, 3, 30), "two days later");
    let after = &store.enrolments(ruth.id, today).await.unwrap()[0];
    assert!(after.missed.is_empty());
    assert_eq!(after.start_date, new_start);
    let current = after.current_step.as_ref().unwrap();
    assert_eq!((current.number, current.date), (2, today));
    assert_eq!(after.today, Today::Scheduled { step: 2 });
    // Again the same day: nothing to do.
    assert_eq!(store.catch_up(ruth.id, SW, today).await.unwrap(), new_start);

    let err = reading_error(store.catch_up(ruth.id, "far-country", today).await);
    assert_eq!(err, ReadingError::NotFollowing("far-country".into()));
}
store_test!(catching_up_moves_the_start_forward_only);

async fn the_streak_pauses_and_never_resets(db: TestDb) {
    let (store, ruth) = setup(&db).await;
    store
        .start_journey(ruth.id, SW, date(2026, 3, 28))
        .await
        .unwrap();
    let streak = |today: Date| {
        let store = store.clone();
        async move { store.enrolments(ruth.id, today).await.unwrap()[0].streak }
    };
    assert_eq!(streak(date(2026, 3, 28)).await.days, 0);
    assert!(!streak(date(2026, 3, 28)).await.paused);

    store
        .mark_done(ruth.id, SW, "be-still", date(2026, 3, 28))
        .await
        .unwrap();
    // Two steps on one day count once.
    store
        .mark_done(ruth.id, SW, "green-pastures", date(2026, 3, 29))
        .await
        .unwrap();
    store
        .mark_done(ruth.id, SW, "quiet-waters", date(2026, 3, 29))
        .await
        .unwrap();
    let s = streak(date(2026, 3, 30)).await;
    assert_eq!((s.days, s.paused), (2, false), "yesterday counts still");
    assert_eq!(s.last_walked, Some(date(2026, 3, 29)));

    // Days go by: paused, not lost.
    let s = streak(date(2026, 4, 3)).await;
    assert_eq!((s.days, s.paused), (2, true));
    store
        .mark_done(ruth.id, SW, "trust", date(2026, 4, 3))
        .await
        .unwrap();
    let s = streak(date(2026, 4, 3)).await;
    assert_eq!((s.days, s.paused), (3, false));
    assert!(abide_store::STREAK_RULE.contains("pauses"));
}
store_test!(the_streak_pauses_and_never_resets);

async fn the_journal_keeps_one_text_per_item(db: TestDb) {
    let (store, ruth) = setup(&db).await;
    let save = |item: &'static str, body: String| {
        let store = store.clone();
        async move {
            store
                .save_journal(ruth.id, SW, "be-still", item, &body)
                .await
        }
    };
    let first = save("q1", "By the lake.\r\nEarly.".into())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first.body, "By the lake.\nEarly.");
    assert_eq!(first.entry_title.as_deref(), Some("Be Still"));
    let second = save("q1", "  By the river. ".into())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(second.body, "By the river.");
    assert_eq!(second.created_at, first.created_at);
    save("note", "A free note.".into()).await.unwrap();
    save("p2", "Slowly indeed.\tYes.".into()).await.unwrap();
    save("q2", "Noise.".into()).await.unwrap();
    assert_eq!(count(&store, "journal").await, 4);

    let entry = store
        .journal_for_entry(ruth.id, SW, "be-still")
        .await
        .unwrap();
    let items: Vec<JournalKey> = entry.items.iter().map(|i| i.item).collect();
    assert_eq!(
        items,
        [
            JournalKey::Question(1),
            JournalKey::Question(2),
            JournalKey::Practice(2),
            JournalKey::Note
        ]
    );
    // An empty text deletes.
    assert!(save("q2", " \n ".into()).await.unwrap().is_none());
    assert_eq!(count(&store, "journal").await, 3);

    // Refused, and nothing written.
    let err = reading_error(save("q3", "x".into()).await);
    assert!(
        matches!(
            err,
            ReadingError::NoSuchItem {
                questions: 2,
                practices: 2,
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("has no q3"), "{err}");
    let err = reading_error(save("p3", "x".into()).await);
    assert!(matches!(err, ReadingError::NoSuchItem { .. }), "{err}");
    for bad in ["Q1", "q0", "answer", ""] {
        let err = reading_error(save(bad, "x".into()).await);
        assert!(matches!(err, ReadingError::BadItem(_)), "{bad:?}: {err}");
    }
    let err = reading_error(save("note", "x".repeat(MAX_JOURNAL_CHARS + 1)).await);
    assert!(matches!(err, ReadingError::TooLong { .. }), "{err}");
    assert!(save("note", "é".repeat(MAX_JOURNAL_CHARS)).await.is_ok());
    let err = reading_error(save("note", "bell\u{7}".into()).await);
    assert_eq!(err, ReadingError::ControlCharacter(7));
    let err = reading_error(save("note", "nul\0".into()).await);
    assert_eq!(err, ReadingError::ControlCharacter(0));
    // An introduction has no questions, but takes a note.
    let err = reading_error(store.save_journal(ruth.id, SW, "why-rest", "q1", "x").await);
    assert!(
        matches!(err, ReadingError::NoSuchItem { questions: 0, .. }),
        "{err}"
    );
    store
        .save_journal(ruth.id, SW, "why-rest", "note", "Ready.")
        .await
        .unwrap();
    // Nothing on what is not published.
    let err = reading_error(
        store
            .save_journal(ruth.id, "far-country", "returning", "note", "x")
            .await,
    );
    assert!(matches!(err, ReadingError::UnknownEntry { .. }), "{err}");
    assert_eq!(count(&store, "journal").await, 4);
}
store_test!(the_journal_keeps_one_text_per_item);

async fn a_whole_journal_form_is_saved_or_nothing_is(db: TestDb) {
    let (store, ruth) = setup(&db).await;
    let saved = store
        .save_journal_items(
            ruth.id,
            SW,
            "be-still",
            &[
                ("q1", "By the lake."),
                ("p1", "Five minutes."),
                ("note", ""),
            ],
        )
        .await
        .unwrap();
    assert_eq!(saved, 3);
    assert_eq!(count(&store, "journal").await, 2);
    // One bad item (a question the entry lacks, a control character, too
    // long): nothing of the form is written, the old answers stay.
    let long = "x".repeat(20_001);
    for bad in [
        vec![("q1", "Changed."), ("q9", "No such question.")],
        vec![("q1", "Changed."), ("q2", "A bell \u{7}.")],
        vec![("q1", "Changed."), ("note", long.as_str())],
        vec![("q1", "Changed."), ("x1", "Not an item.")],
    ] {
        reading_error(
            store
                .save_journal_items(ruth.id, SW, "be-still", &bad)
                .await,
        );
        let journal = store
            .journal_for_entry(ruth.id, SW, "be-still")
            .await
            .unwrap();
        assert_eq!(journal.items[0].body, "By the lake.", "{bad:?}");
        assert_eq!(journal.items.len(), 2);
    }
    // Emptied answers are deleted, in the same form as a new one.
    store
        .save_journal_items(ruth.id, SW, "be-still", &[("q1", " "), ("q2", "Noise.")])
        .await
        .unwrap();
    let journal = store
        .journal_for_entry(ruth.id, SW, "be-still")
        .await
        .unwrap();
    let items: Vec<String> = journal.items.iter().map(|i| i.item.to_string()).collect();
    assert_eq!(items, ["q2", "p1"]);
}
store_test!(a_whole_journal_form_is_saved_or_nothing_is);

async fn an_entrys_step_agrees_with_the_whole_schedule(db: TestDb) {
    let (store, ruth) = setup(&db).await;
    // Not following: nothing of a schedule.
    let part = store
        .entry_step(ruth.id, SW, "be-still")
        .await
        .unwrap()
        .unwrap();
    assert_eq!((part.following, part.step), (false, None));
    let today = date(2026, 3, 30);
    store
        .start_journey(ruth.id, SW, date(2026, 3, 28))
        .await
        .unwrap();
    store
        .mark_done(ruth.id, SW, "be-still", today)
        .await
        .unwrap();
    let detail = store
        .journey_progress(ruth.id, SW, today)
        .await
        .unwrap()
        .unwrap();
    assert!(detail.steps.len() >= 4);
    // Every step as the whole schedule has it, from one entry's query.
    for step in &detail.steps {
        let part = store
            .entry_step(ruth.id, SW, &step.entry_slug)
            .await
            .unwrap()
            .unwrap();
        assert!(part.following);
        assert_eq!(part.step.as_ref(), Some(step), "{}", step.entry_slug);
    }
    // An introduction or a recap is no step; an unknown entry is nothing.
    let intro = store
        .entry_step(ruth.id, SW, "why-rest")
        .await
        .unwrap()
        .unwrap();
    assert_eq!((intro.following, intro.step), (true, None));
    assert!(
        store
            .entry_step(ruth.id, SW, "no-such-entry")
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .entry_step(ruth.id, "no-such-journey", "be-still")
            .await
            .unwrap()
            .is_none()
    );
}
store_test!(an_entrys_step_agrees_with_the_whole_schedule);

/// The Today view reads only the member's marks and the days it shows; it
/// must say exactly what the whole schedule says, whatever the date and the
/// pattern of done days.
async fn todays_view_agrees_with_the_whole_schedule(db: TestDb) {
    let (store, ruth) = setup(&db).await;
    let start = date(2026, 3, 28);
    store.start_journey(ruth.id, SW, start).await.unwrap();
    let check = |label: &'static str| {
        let store = store.clone();
        async move {
            for offset in [-3, 0, 1, 2, 3, 5, 9, 40] {
                let today = start.checked_add(jiff::Span::new().days(offset)).unwrap();
                let views = store.enrolments(ruth.id, today).await.unwrap();
                let whole = store
                    .journey_progress(ruth.id, SW, today)
                    .await
                    .unwrap()
                    .unwrap();
                assert_eq!(views.len(), 1);
                assert_eq!(views[0], whole.progress, "{label}, day {offset}");
            }
        }
    };
    check("nothing done").await;
    store
        .mark_done(ruth.id, SW, "be-still", date(2026, 3, 28))
        .await
        .unwrap();
    check("day 1 done").await;
    let detail = store
        .journey_progress(ruth.id, SW, start)
        .await
        .unwrap()
        .unwrap();
    let last = detail.steps.last().unwrap().entry_slug.clone();
    store
        .mark_done(ruth.id, SW, &last, date(2026, 3, 30))
        .await
        .unwrap();
    check("first and last done").await;
    for step in &detail.steps {
        store
            .mark_done(ruth.id, SW, &step.entry_slug, date(2026, 4, 2))
            .await
            .unwrap();
    }
    check("all done").await;
}
store_test!(todays_view_agrees_with_the_whole_schedule);

/// A journey's card is the same from its outline in memory as from the
/// query that lists journeys, whatever the time.
async fn a_journeys_card_from_memory_agrees_with_the_list(db: TestDb) {
    let (store, _ruth) = setup(&db).await;
    for now in [
        0,
        "2026-03-03T12:00:00Z"
            .parse::<Timestamp>()
            .unwrap()
            .as_millisecond(),
        store.now_ms(),
        "2099-06-01T00:00:00Z"
            .parse::<Timestamp>()
            .unwrap()
            .as_millisecond(),
        i64::MAX,
    ] {
        let listed = store.journeys(now).await.unwrap();
        assert_eq!(listed.len(), 3);
        for card in listed {
            // Twice: read from the database, then from memory.
            for _ in 0..2 {
                let one = store.journey(&card.slug, now).await.unwrap();
                assert_eq!(one.as_ref(), Some(&card), "{} at {now}", card.slug);
            }
        }
    }
    assert!(store.journey("no-such-journey", 0).await.unwrap().is_none());
}
store_test!(a_journeys_card_from_memory_agrees_with_the_list);

/// Today and the journey's card read the journey's days from memory: an
/// import on this node shows at once; one on another node (or by another
/// process) once this node forgets what it keeps (the web layer does when
/// the content version moves).
async fn outlines_follow_imports_here_and_elsewhere(db: TestDb) {
    let (store, ruth) = setup(&db).await;
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("psalms");
    let toml = |summary: &str| {
        format!(
            "title = \"Psalms\"\nsummary = \"{summary}\"\nstart = 2026-03-02\n\
             [[weeks]]\nnumber = 1\ntheme = \"Songs\"\n"
        )
    };
    let import = |store: Store| {
        let dir = dir.clone();
        async move {
            let journey = load_journey(&dir, &LoadOptions::default()).unwrap();
            store.import_journeys(&[journey]).await.unwrap();
        }
    };
    write_journey(
        &dir,
        &toml("Songs."),
        &[
            ("01.md", &day(1, 1, "Shepherd", "+++\n\nLed.\n")),
            ("02.md", &day(1, 2, "Refuge", "+++\n\nHidden.\n")),
        ],
    );
    import(store.clone()).await;
    let today = date(2026, 3, 30);
    store
        .start_journey(ruth.id, "psalms", date(2026, 3, 29))
        .await
        .unwrap();
    let view = |store: Store| async move {
        let views = store.enrolments(ruth.id, today).await.unwrap();
        assert_eq!(views.len(), 1);
        let card = store.journey("psalms", i64::MAX).await.unwrap().unwrap();
        (views[0].total_steps, card.summary, card.total)
    };
    assert_eq!(view(store.clone()).await, (2, "Songs.".into(), 2));

    // Another node adds a day and changes the summary.
    write_journey(
        &dir,
        &toml("Songs of trust."),
        &[("03.md", &day(1, 3, "Dwelling", "+++\n\nHome.\n"))],
    );
    import(db.another_store().await).await;
    assert_eq!(
        view(store.clone()).await,
        (2, "Songs.".into(), 2),
        "kept until this node hears of the change"
    );
    store.forget_content();
    assert_eq!(view(store.clone()).await, (3, "Songs of trust.".into(), 3));
    let detail = store
        .journey_progress(ruth.id, "psalms", today)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(detail.steps[2].entry_slug, "dwelling");
    assert_eq!(detail.steps[2].date, date(2026, 3, 31));

    // An import here shows at once.
    std::fs::remove_file(dir.join("02.md")).unwrap();
    import(store.clone()).await;
    assert_eq!(view(store.clone()).await, (2, "Songs of trust.".into(), 2));
    let part = store
        .entry_step(ruth.id, "psalms", "dwelling")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(part.step.unwrap().number, 2);
    assert!(
        store
            .entry_step(ruth.id, "psalms", "refuge")
            .await
            .unwrap()
            .is_none()
    );
}
store_test!(outlines_follow_imports_here_and_elsewhere);

async fn the_journal_is_paged_newest_first(db: TestDb) {
    let (store, ruth) = setup(&db).await;
    let clock = store.clock().clone();
    for (i, slug) in ["be-still", "green-pastures", "quiet-waters"]
        .iter()
        .enumerate()
    {
        store
            .save_journal(ruth.id, SW, slug, "note", &format!("note {i}"))
            .await
            .unwrap();
        clock.advance(jiff::SignedDuration::from_secs(60)).unwrap();
    }
    let page = store.journal(ruth.id, 2, 0).await.unwrap();
    let bodies: Vec<&str> = page.items.iter().map(|i| i.body.as_str()).collect();
    assert_eq!(bodies, ["note 2", "note 1"]);
    assert_eq!(page.next_offset, Some(2));
    assert_eq!(page.items[0].journey_title, "Still Waters");
    let page = store.journal(ruth.id, 2, 2).await.unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.next_offset, None);
    // A zero limit still returns a bounded page.
    assert_eq!(store.journal(ruth.id, 0, 0).await.unwrap().items.len(), 1);
}
store_test!(the_journal_is_paged_newest_first);

async fn no_one_reads_or_writes_anothers_journal(db: TestDb) {
    let (store, ruth) = setup(&db).await;
    let abel = member(&store, "abel@example.org", "Abel").await;
    store
        .save_journal(ruth.id, SW, "be-still", "q1", "Ruth's answer")
        .await
        .unwrap();
    store
        .log_practice(ruth.id, SW, "be-still", 1, 300, date(2026, 3, 28))
        .await
        .unwrap();
    // Abel writes the same item of the same entry: his own row.
    store
        .save_journal(abel.id, SW, "be-still", "q1", "Abel's answer")
        .await
        .unwrap();
    // And empties it: only his goes.
    store
        .save_journal(abel.id, SW, "be-still", "q1", "")
        .await
        .unwrap();
    let abels = store
        .journal_for_entry(abel.id, SW, "be-still")
        .await
        .unwrap();
    assert!(abels.items.is_empty() && abels.practice_log.is_empty());
    assert!(
        store
            .journal(abel.id, 100, 0)
            .await
            .unwrap()
            .items
            .is_empty()
    );
    let ruths = store
        .journal_for_entry(ruth.id, SW, "be-still")
        .await
        .unwrap();
    assert_eq!(ruths.items.len(), 1);
    assert_eq!(ruths.items[0].body, "Ruth's answer");
    assert_eq!(ruths.practice_log.len(), 1);
    let export = store.export_user_data(abel.id).await.unwrap();
    assert!(export.journal.is_empty() && export.practice_log.is_empty());
    // Nor his done marks hers: taking back a mark is his own too.
    let on = date(2026, 3, 28);
    store.start_journey(ruth.id, SW, on).await.unwrap();
    store.mark_done(ruth.id, SW, "be-still", on).await.unwrap();
    let err = reading_error(store.mark_not_done(abel.id, SW, "be-still").await);
    assert_eq!(err, ReadingError::NotFollowing(SW.into()));
    store.start_journey(abel.id, SW, on).await.unwrap();
    assert!(!store.mark_not_done(abel.id, SW, "be-still").await.unwrap());
    assert_eq!(count(&store, "step_done").await, 1);
}
store_test!(no_one_reads_or_writes_anothers_journal);

async fn practice_logs_are_checked(db: TestDb) {
    let (store, ruth) = setup(&db).await;
    let on = date(2026, 3, 28);
    let item = store
        .log_practice(ruth.id, SW, "be-still", 2, 600, on)
        .await
        .unwrap();
    assert_eq!((item.practice, item.seconds, item.logged_on), (2, 600, on));
    for (practice, seconds) in [(1, 0), (1, 86_401), (1, -5)] {
        let err = reading_error(
            store
                .log_practice(ruth.id, SW, "be-still", practice, seconds, on)
                .await,
        );
        assert_eq!(err, ReadingError::BadDuration(seconds));
    }
    for (entry, practice) in [("be-still", 0), ("be-still", 3), ("quiet-waters", 1)] {
        let err = reading_error(
            store
                .log_practice(ruth.id, SW, entry, practice, 60, on)
                .await,
        );
        assert!(matches!(err, ReadingError::NoSuchItem { .. }), "{err}");
    }
    assert!(
        store
            .log_practice(ruth.id, SW, "be-still", 1, 86_400, on)
            .await
            .is_ok()
    );
    match store
        .log_practice(ruth.id + 100, SW, "be-still", 1, 60, on)
        .await
    {
        Err(StoreError::Account(AccountError::UnknownUser(_))) => {}
        other => panic!("expected an unknown user, got {other:?}"),
    }
    assert_eq!(count(&store, "practice_log").await, 2);

    store.start_journey(ruth.id, SW, on).await.unwrap();
    let detail = store
        .journey_progress(ruth.id, SW, on)
        .await
        .unwrap()
        .unwrap();
    let logged: Vec<i64> = detail.practice_log.iter().map(|p| p.seconds).collect();
    assert_eq!(logged, [600, 86_400]);
}
store_test!(practice_logs_are_checked);

async fn an_export_holds_everything_and_no_secret(db: TestDb) {
    let (store, ruth) = setup(&db).await;
    let on = date(2026, 3, 28);
    store
        .create_session(
            ruth.id,
            std::time::Duration::from_secs(3600),
            Some("Firefox on Android"),
        )
        .await
        .unwrap();
    store
        .set_password_hash(
            ruth.id,
            Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA"),
        )
        .await
        .unwrap();
    store.start_journey(ruth.id, SW, on).await.unwrap();
    store.mark_done(ruth.id, SW, "be-still", on).await.unwrap();
    store
        .save_journal(ruth.id, SW, "be-still", "q1", "By the lake.")
        .await
        .unwrap();
    store
        .log_practice(ruth.id, SW, "be-still", 1, 300, on)
        .await
        .unwrap();

    let export = store.export_user_data(ruth.id).await.unwrap();
    assert_eq!(export.user.email, "ruth@example.org");
    assert!(export.user.has_password);
    assert_eq!(export.sessions.len(), 1);
    assert_eq!(
        export.sessions[0].user_agent.as_deref(),
        Some("Firefox on Android")
    );
    assert_eq!(export.enrolments.len(), 1);
    assert_eq!(export.enrolments[0].start_date, on);
    assert_eq!(export.done.len(), 1);
    assert_eq!(export.done[0].entry_slug, "be-still");
    assert_eq!(export.journal[0].body, "By the lake.");
    assert_eq!(export.practice_log[0].seconds, 300);

    let json = serde_json::to_string(&export).unwrap();
    assert!(json.contains("\"start_date\":\"2026-03-28\""), "{json}");
    assert!(json.contains("\"item\":\"q1\""), "{json}");
    assert!(!json.contains("argon2"), "no password hash: {json}");
    let token_hash: String = sqlx::query_scalar("SELECT token_hash FROM sessions")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert!(!json.contains(&token_hash), "no session hash");
}
store_test!(an_export_holds_everything_and_no_secret);

/// Every (table, column, value) in the database whose text contains one of
/// `needles`, or whose `user_id`-like column holds `user_id`.
async fn traces_of(store: &Store, user_id: i64, needles: &[&str]) -> Vec<String> {
    use sqlx::{Column as _, Row as _};
    let tables: Vec<String> = sqlx::query_scalar(match store.backend() {
        abide_store::Backend::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        }
        abide_store::Backend::Postgres => {
            "SELECT table_name::text FROM information_schema.tables
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
        }
    })
    .fetch_all(store.pool())
    .await
    .unwrap();
    assert!(tables.len() >= 15, "{tables:?}");
    let mut found = Vec::new();
    for table in tables {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT * FROM {table}")))
            .fetch_all(store.pool())
            .await
            .unwrap();
        for row in &rows {
            for column in row.columns() {
                let name = column.name();
                if let Ok(Some(text)) = row.try_get::<Option<String>, _>(column.ordinal()) {
                    for needle in needles {
                        if text.contains(needle) {
                            found.push(format!("{table}.{name} = {text:?}"));
                        }
                    }
                }
                let names_a_user = name == "user_id" || (table == "users" && name == "id");
                if names_a_user
                    && let Ok(Some(id)) = row.try_get::<Option<i64>, _>(column.ordinal())
                    && id == user_id
                {
                    found.push(format!("{table}.{name} = {id}"));
                }
            }
        }
    }
    found
}

async fn deleting_an_account_leaves_nothing_naming_them(db: TestDb) {
    let (store, ruth) = setup(&db).await;
    let abel = member(&store, "abel@example.org", "Abel Stone").await;
    let name = "Zebulon Quartermaine";
    let zeb = member(&store, "zeb.q@example.org", name).await;
    let hour = std::time::Duration::from_secs(3600);
    let on = date(2026, 3, 28);
    for who in [&zeb, &abel] {
        let address = Email::parse(&who.email).unwrap();
        store
            .create_session(who.id, hour, Some("Firefox"))
            .await
            .unwrap();
        store
            .issue_login_token(
                abide_store::TokenPurpose::SignIn,
                Some(who.id),
                &address,
                hour,
            )
            .await
            .unwrap();
        store
            .hit_rate_limit(&email_rate_limit_key("sign-in", &address), 5, hour)
            .await
            .unwrap();
        store.start_journey(who.id, SW, on).await.unwrap();
        store.mark_done(who.id, SW, "be-still", on).await.unwrap();
        store
            .save_journal(who.id, SW, "be-still", "q1", "By the lake.")
            .await
            .unwrap();
        store
            .log_practice(who.id, SW, "be-still", 1, 300, on)
            .await
            .unwrap();
    }
    // Left by older code or other paths: a key with the address in clear, a
    // sign-up link to the address, and mail queued for it.
    store
        .hit_rate_limit("magic-link:email:zeb.q@example.org", 5, hour)
        .await
        .unwrap();
    store
        .issue_login_token(
            abide_store::TokenPurpose::SignUp,
            None,
            &Email::parse("zeb.q@example.org").unwrap(),
            hour,
        )
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO jobs (queue, kind, payload, max_attempts, run_at, created_at, updated_at)
         VALUES ('mail', 'send_link', '{\"to\":\"zeb.q@example.org\"}', 3, 0, 0, 0)",
    )
    .execute(store.pool())
    .await
    .unwrap();
    let needles = ["zeb.q@example.org", name];
    assert!(!traces_of(&store, zeb.id, &needles).await.is_empty());

    store.delete_user(zeb.id).await.unwrap();
    let left = traces_of(&store, zeb.id, &needles).await;
    assert!(left.is_empty(), "{left:#?}");
    let hashed = email_rate_limit_key("sign-in", &Email::parse("zeb.q@example.org").unwrap());
    assert!(traces_of(&store, zeb.id, &[&hashed]).await.is_empty());

    // The others keep everything.
    assert!(store.user(zeb.id).await.unwrap().is_none());
    let abels = store.export_user_data(abel.id).await.unwrap();
    assert_eq!(
        (abels.sessions.len(), abels.journal.len(), abels.done.len()),
        (1, 1, 1)
    );
    assert_eq!(count(&store, "rate_limits").await, 1);
    assert!(store.user(ruth.id).await.unwrap().is_some());

    match store.delete_user(zeb.id).await {
        Err(StoreError::Account(AccountError::UnknownUser(_))) => {}
        other => panic!("expected an unknown user, got {other:?}"),
    }
}
store_test!(deleting_an_account_leaves_nothing_naming_them);

async fn many_members_write_at_once(db: TestDb) {
    let (store, _ruth) = setup(&db).await;
    let other = db.another_store().await.with_clock(store.clock().clone());
    let on = date(2026, 3, 28);
    let mut members = Vec::new();
    for i in 0..50 {
        let m = member(&store, &format!("m{i}@example.org"), "").await;
        store.start_journey(m.id, SW, on).await.unwrap();
        members.push(m.id);
    }
    // 200 tasks on two pools: each member marks two steps (one of them
    // twice) and writes one journal item twice.
    let mut tasks = Vec::new();
    for (i, &id) in members.iter().enumerate() {
        for k in 0..4 {
            let store = if (i + k) % 2 == 0 {
                store.clone()
            } else {
                other.clone()
            };
            tasks.push(tokio::spawn(async move {
                match k {
                    0 | 1 => store.mark_done(id, SW, "be-still", on).await.map(i64::from),
                    2 => store
                        .mark_done(id, SW, "green-pastures", on)
                        .await
                        .map(i64::from),
                    _ => {
                        for body in ["first", "second"] {
                            store.save_journal(id, SW, "be-still", "note", body).await?;
                        }
                        Ok::<i64, StoreError>(0)
                    }
                }
            }));
        }
    }
    assert_eq!(tasks.len(), 200);
    let mut new_marks = 0;
    for task in tasks {
        new_marks += task.await.unwrap().unwrap();
    }
    assert_eq!(
        new_marks, 100,
        "each step marked new exactly once per member"
    );
    assert_eq!(count(&store, "step_done").await, 100);
    assert_eq!(count(&store, "journal").await, 50);
    let bodies: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM journal WHERE body = 'second'")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(bodies, 50);
}
store_test!(many_members_write_at_once);
