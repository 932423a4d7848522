//! Email subscriptions: double opt-in, preferences, unsubscribing, journeys by
//! email at each subscriber's own morning across changes of clocks, digests,
//! newsletters and the outbox's leases.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::time::Duration;

use abide_content::{LoadOptions, load_journey};
use abide_store::{
    Audience, ClaimedMail, Clock, Email, MailKind, NewMessage, NewUser, Preferences, Role,
    SendFailure, Store, StoreError, Subscribed, SubscriberStatus, SubscriptionError,
    SubscriptionRequest, SuppressionReason,
};
use abide_testkit::{TestDb, store_test};
use jiff::Timestamp;
use jiff::tz::TimeZone;

/// Writes and imports `slug`: `days` day entries (five weeks of seven at
/// most), all published long before the tests' clock.
async fn import_journey(store: &Store, slug: &str, days: u32) {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join(slug);
    write_days(&dir, days);
    let journey = load_journey(&dir, &LoadOptions::default()).unwrap();
    store.import_journeys(&[journey]).await.unwrap();
}

fn write_days(dir: &Path, days: u32) {
    std::fs::create_dir_all(dir).unwrap();
    let weeks = days.div_ceil(7);
    let mut toml = String::from(
        "title = \"Forty Mornings\"\nsummary = \"A day at a time.\"\nstart = 2026-01-05\n",
    );
    for w in 1..=weeks {
        toml.push_str(&format!("[[weeks]]\nnumber = {w}\ntheme = \"Week {w}\"\n"));
    }
    std::fs::write(dir.join("journey.toml"), toml).unwrap();
    for n in 0..days {
        let (week, day) = (n / 7 + 1, n % 7 + 1);
        std::fs::write(
            dir.join(format!("{:02}.md", n + 1)),
            format!(
                "+++\ntitle = \"Morning {}\"\nweek = {week}\nday = {day}\nkey_passage = \"Psalm 46:10\"\n+++\n\nWait.\n\n## Question\n\nWhat stays with you?\n",
                n + 1
            ),
        )
        .unwrap();
    }
}

fn at(clock: &Clock, t: &str) {
    clock.set(t.parse::<Timestamp>().unwrap()).unwrap();
}

pub(crate) fn request(address: &str, zone: &str, journey: Option<&str>) -> SubscriptionRequest {
    SubscriptionRequest {
        email: Email::parse(address).unwrap(),
        preferences: Preferences {
            time_zone: zone.into(),
            ..Preferences::default()
        },
        journey: journey.map(str::to_owned),
        tags: vec!["footer".into()],
        member: None,
    }
}

/// Claims everything due and marks it sent and delivered, as the mail worker
/// does around the final "." of each message; returns it.
pub(crate) async fn deliver_all(store: &Store) -> Vec<ClaimedMail> {
    let mut out = Vec::new();
    loop {
        let batch = store
            .claim_mail(100, Duration::from_secs(60))
            .await
            .unwrap();
        if batch.is_empty() {
            return out;
        }
        for mail in batch {
            assert!(store.mail_sent(&mail).await.unwrap());
            store.mail_delivered(&mail).await.unwrap();
            out.push(mail);
        }
    }
}

fn token_of(mail: &ClaimedMail) -> String {
    let payload: serde_json::Value = serde_json::from_str(&mail.payload).unwrap();
    payload["token"].as_str().unwrap().to_owned()
}

pub(crate) async fn subscribe_and_confirm(store: &Store, request: SubscriptionRequest) -> i64 {
    assert_eq!(
        store.subscribe(request).await.unwrap(),
        Subscribed::ConfirmationQueued
    );
    let mails = deliver_all(store).await;
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert_eq!(mails[0].kind, MailKind::Confirm);
    store
        .confirm_subscription(&token_of(&mails[0]))
        .await
        .unwrap()
        .id
}

fn subscription_error(result: Result<impl std::fmt::Debug, StoreError>) -> SubscriptionError {
    match result {
        Err(StoreError::Subscription(e)) => e,
        other => panic!("expected a subscription error, got {other:?}"),
    }
}

async fn double_opt_in_sends_nothing_before_confirmation(db: TestDb) {
    let clock = Clock::simulated("2027-03-01T12:00:00Z".parse().unwrap());
    let store = db.store.with_clock(clock.clone());
    import_journey(&store, "forty-mornings", 10).await;

    let outcome = store
        .subscribe(request(
            "Ann@Example.org",
            "Europe/Berlin",
            Some("forty-mornings"),
        ))
        .await
        .unwrap();
    assert_eq!(outcome, Subscribed::ConfirmationQueued);
    let ann = store
        .subscriber_by_email(&Email::parse("ann@example.org").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(ann.status, SubscriberStatus::Pending);
    assert_eq!(ann.tags, ["footer"]);
    // Mornings pass: only the confirmation leaves.
    at(&clock, "2027-03-05T12:00:00Z");
    store.queue_due_mail(100).await.unwrap();
    let mails = deliver_all(&store).await;
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].kind, MailKind::Confirm);
    assert_eq!(mails[0].email, "ann@example.org");
    // The link was dropped from the outbox once delivered.
    let kept: String = sqlx::query_scalar("SELECT payload FROM outbox WHERE id = $1")
        .bind(mails[0].id)
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(kept, "{}");

    // Unknown and used links fail alike; the right one works once.
    assert!(matches!(
        subscription_error(store.confirm_subscription("nonsense").await),
        SubscriptionError::BadLink
    ));
    let token = token_of(&mails[0]);
    let confirmed = store.confirm_subscription(&token).await.unwrap();
    assert_eq!(confirmed.status, SubscriberStatus::Active);
    assert_eq!(confirmed.consent_source.as_deref(), Some("form"));
    assert!(matches!(
        subscription_error(store.confirm_subscription(&token).await),
        SubscriptionError::BadLink
    ));

    // Asking again for an active address changes nothing and tells the
    // address, once a day however often it is asked.
    let mut other = request("ann@example.org", "Asia/Kolkata", None);
    other.preferences.newsletters = false;
    for _ in 0..3 {
        assert_eq!(
            store.subscribe(other.clone()).await.unwrap(),
            Subscribed::AlreadyActive
        );
    }
    let mails = deliver_all(&store).await;
    assert_eq!(
        mails.iter().map(|m| m.kind).collect::<Vec<_>>(),
        [MailKind::Notice]
    );
    let ann = store.subscriber(ann.id).await.unwrap().unwrap();
    assert_eq!(ann.preferences.time_zone, "Europe/Berlin");
    assert!(ann.preferences.newsletters);

    // A link expires after a week.
    store
        .subscribe(request("bob@example.org", "UTC", None))
        .await
        .unwrap();
    let mails = deliver_all(&store).await;
    at(&clock, "2027-03-16T12:00:00Z");
    assert!(matches!(
        subscription_error(store.confirm_subscription(&token_of(&mails[0])).await),
        SubscriptionError::BadLink
    ));

    // Bad input is refused before anything is written.
    let mut bad = request("cat@example.org", "Mars/Olympus", None);
    assert!(matches!(
        subscription_error(store.subscribe(bad.clone()).await),
        SubscriptionError::UnknownTimeZone(_)
    ));
    bad.preferences.time_zone = "UTC".into();
    bad.preferences.send_minute = 24 * 60;
    assert!(matches!(
        subscription_error(store.subscribe(bad.clone()).await),
        SubscriptionError::BadSendTime
    ));
    bad.preferences.send_minute = 0;
    bad.journey = Some("no-such-journey".into());
    assert!(matches!(
        subscription_error(store.subscribe(bad).await),
        SubscriptionError::UnknownJourney(_)
    ));
    assert!(
        store
            .subscriber_by_email(&Email::parse("cat@example.org").unwrap())
            .await
            .unwrap()
            .is_none()
    );

    // A suppressed address is never mailed, not even a confirmation.
    store
        .suppress(
            "Dan@example.org",
            SuppressionReason::Complaint,
            "spam report",
        )
        .await
        .unwrap();
    assert_eq!(
        store
            .subscribe(request("dan@example.org", "UTC", None))
            .await
            .unwrap(),
        Subscribed::Suppressed
    );
    assert!(deliver_all(&store).await.is_empty());
}
store_test!(double_opt_in_sends_nothing_before_confirmation);

/// The local time of `ms` in `zone`, as "HH:MM", and its date.
fn local(ms: i64, zone: &str) -> (String, String) {
    let t = Timestamp::from_millisecond(ms).unwrap();
    let dt = TimeZone::get(zone).unwrap().to_datetime(t);
    (
        dt.time().strftime("%H:%M").to_string(),
        dt.date().to_string(),
    )
}

async fn each_day_at_six_local_across_the_changes_of_clocks(db: TestDb) {
    // From 1 March to 12 April 2027: New York springs forward on 14 March,
    // Berlin on 28 March, Auckland falls back on 4 April; Kolkata has no
    // change. Forty days of a journey, one a morning at 06:00 local.
    let clock = Clock::simulated("2027-03-01T12:00:00Z".parse().unwrap());
    let store = db.store.with_clock(clock.clone());
    import_journey(&store, "forty-mornings", 35).await;
    let zones = [
        "America/New_York",
        "Europe/Berlin",
        "Asia/Kolkata",
        "Pacific/Auckland",
    ];
    let mut zone_of = BTreeMap::new();
    for (i, zone) in zones.iter().enumerate() {
        let id = subscribe_and_confirm(
            &store,
            request(&format!("s{i}@example.org"), zone, Some("forty-mornings")),
        )
        .await;
        zone_of.insert(id, *zone);
    }
    // The clock jumps to each next moment something is due, as a worker
    // polling the store would find it.
    let mut received: BTreeMap<i64, Vec<(i64, String, String)>> = BTreeMap::new();
    for _ in 0..500 {
        let next: Option<i64> = sqlx::query_scalar("SELECT MIN(next_send_at) FROM email_journeys")
            .fetch_one(store.pool())
            .await
            .unwrap();
        let Some(next) = next else { break };
        clock
            .set(Timestamp::from_millisecond(next).unwrap())
            .unwrap();
        store.queue_due_mail(100).await.unwrap();
        for mail in deliver_all(&store).await {
            assert_eq!(mail.kind, MailKind::Daily);
            let payload: serde_json::Value = serde_json::from_str(&mail.payload).unwrap();
            let id = mail.subscriber_id.unwrap();
            let (time, date) = local(store.now_ms(), zone_of[&id]);
            received
                .entry(id)
                .or_default()
                .push((payload["step"].as_i64().unwrap(), time, date));
        }
    }
    assert_eq!(received.len(), 4);
    for (id, days) in &received {
        let zone = zone_of[id];
        assert_eq!(days.len(), 35, "{zone}: {days:?}");
        let mut dates = HashSet::new();
        for (n, (step, time, date)) in days.iter().enumerate() {
            assert_eq!(*step, i64::try_from(n).unwrap() + 1, "{zone}");
            assert_eq!(time, "06:00", "{zone}: step {step} on {date}");
            assert!(dates.insert(date.clone()), "{zone}: two on {date}");
        }
        // Day 1 on the morning after confirming, then one a day.
        let first = &days[0].2;
        // (In Auckland they confirmed at 01:00 on 2 March: that morning.)
        assert_eq!(first, "2027-03-02", "{zone}");
    }
    // Finished journeys are not scheduled any more.
    let left: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM email_journeys WHERE next_send_at IS NOT NULL")
            .fetch_one(store.pool())
            .await
            .unwrap();
    assert_eq!(left, 0);
}
store_test!(each_day_at_six_local_across_the_changes_of_clocks);

async fn late_joiners_pauses_and_missed_mornings(db: TestDb) {
    let clock = Clock::simulated("2027-03-01T12:00:00Z".parse().unwrap());
    let store = db.store.with_clock(clock.clone());
    import_journey(&store, "forty-mornings", 10).await;
    // The journey's calendar began in January 2026: a subscriber joining now
    // still starts at day 1.
    let id = subscribe_and_confirm(
        &store,
        request("eve@example.org", "UTC", Some("forty-mornings")),
    )
    .await;
    let mut steps = Vec::new();
    let morning = |day: u32| format!("2027-03-{day:02}T06:00:00Z");
    for day in 2..=3 {
        at(&clock, &morning(day));
        store.queue_due_mail(100).await.unwrap();
        for mail in deliver_all(&store).await {
            let payload: serde_json::Value = serde_json::from_str(&mail.payload).unwrap();
            steps.push(payload["step"].as_i64().unwrap());
        }
    }
    assert_eq!(steps, [1, 2]);
    // Paused for three mornings: nothing comes.
    store
        .pause_by_email(id, "forty-mornings", true)
        .await
        .unwrap();
    for day in 4..=6 {
        at(&clock, &morning(day));
        store.queue_due_mail(100).await.unwrap();
        assert!(deliver_all(&store).await.is_empty());
    }
    assert_eq!(
        store.email_journeys(id).await.unwrap(),
        [(
            "forty-mornings".to_owned(),
            "Forty Mornings".to_owned(),
            2,
            true
        )]
    );
    // Resumed at noon: day 3 the next morning.
    at(&clock, "2027-03-06T12:00:00Z");
    store
        .pause_by_email(id, "forty-mornings", false)
        .await
        .unwrap();
    at(&clock, &morning(7));
    store.queue_due_mail(100).await.unwrap();
    let mails = deliver_all(&store).await;
    assert_eq!(mails.len(), 1);
    assert!(mails[0].payload.contains("\"step\":3"));
    // The workers were stopped for three days: one step when they come back,
    // then one a morning again, never a burst.
    at(&clock, "2027-03-10T09:00:00Z");
    store.queue_due_mail(100).await.unwrap();
    store.queue_due_mail(100).await.unwrap();
    let mails = deliver_all(&store).await;
    assert_eq!(mails.len(), 1);
    assert!(mails[0].payload.contains("\"step\":4"));
    at(&clock, "2027-03-11T06:00:00Z");
    store.queue_due_mail(100).await.unwrap();
    let mails = deliver_all(&store).await;
    assert_eq!(mails.len(), 1);
    assert!(mails[0].payload.contains("\"step\":5"));

    // A later send time takes effect from the next slot.
    let subscriber = store.subscriber(id).await.unwrap().unwrap();
    store
        .set_preferences(
            id,
            Preferences {
                send_minute: 19 * 60 + 30,
                ..subscriber.preferences
            },
        )
        .await
        .unwrap();
    at(&clock, "2027-03-12T06:00:00Z");
    store.queue_due_mail(100).await.unwrap();
    assert!(deliver_all(&store).await.is_empty());
    at(&clock, "2027-03-12T19:30:00Z");
    store.queue_due_mail(100).await.unwrap();
    assert_eq!(deliver_all(&store).await.len(), 1);

    // Unsubscribing is immediate: what is queued is dropped, nothing follows.
    at(&clock, "2027-03-13T19:30:00Z");
    store.queue_due_mail(100).await.unwrap();
    assert!(store.unsubscribe(id).await.unwrap());
    assert!(deliver_all(&store).await.is_empty());
    at(&clock, "2027-03-20T19:30:00Z");
    store.queue_due_mail(100).await.unwrap();
    assert!(deliver_all(&store).await.is_empty());
    assert!(!store.unsubscribe(id).await.unwrap());
    let counts = store.outbox_counts(None).await.unwrap();
    assert_eq!(counts.skipped, 1);
}
store_test!(late_joiners_pauses_and_missed_mornings);

async fn a_members_mail_follows_their_own_schedule(db: TestDb) {
    let clock = Clock::simulated("2027-03-01T12:00:00Z".parse().unwrap());
    let store = db.store.with_clock(clock.clone());
    import_journey(&store, "forty-mornings", 10).await;
    let ruth = store
        .create_user(&NewUser::new(
            Email::parse("ruth@example.org").unwrap(),
            Role::Member,
        ))
        .await
        .unwrap();
    // On the site she started on 27 February: 2 March is her day 4.
    store
        .start_journey(ruth.id, "forty-mornings", "2027-02-27".parse().unwrap())
        .await
        .unwrap();
    let mut own = request("ruth@example.org", "UTC", Some("forty-mornings"));
    own.member = Some(ruth.id);
    assert_eq!(store.subscribe(own).await.unwrap(), Subscribed::Confirmed);
    at(&clock, "2027-03-02T06:00:00Z");
    store.queue_due_mail(100).await.unwrap();
    let mails = deliver_all(&store).await;
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert!(
        mails[0].payload.contains("\"step\":4"),
        "{}",
        mails[0].payload
    );
    // She catches up on the site (day 1 moves): the mail moves with her.
    store
        .start_journey(ruth.id, "forty-mornings", "2027-03-02".parse().unwrap())
        .await
        .unwrap();
    at(&clock, "2027-03-03T06:00:00Z");
    store.queue_due_mail(100).await.unwrap();
    let mails = deliver_all(&store).await;
    assert_eq!(mails.len(), 1);
    assert!(
        mails[0].payload.contains("\"step\":2"),
        "{}",
        mails[0].payload
    );
}
store_test!(a_members_mail_follows_their_own_schedule);

async fn newsletters_reach_their_audience_once(db: TestDb) {
    let clock = Clock::simulated("2027-03-01T12:00:00Z".parse().unwrap());
    let store = db.store.with_clock(clock.clone());
    let mut ids = Vec::new();
    for (i, tag) in ["youth", "youth", "elders", "elders"].iter().enumerate() {
        let mut r = request(&format!("n{i}@example.org"), "UTC", None);
        r.tags = vec![(*tag).into()];
        r.preferences.newsletters = i != 3;
        ids.push(subscribe_and_confirm(&store, r).await);
    }
    // Pending and unsubscribed addresses receive nothing.
    store
        .subscribe(request("pending@example.org", "UTC", None))
        .await
        .unwrap();
    deliver_all(&store).await;
    store.unsubscribe(ids[1]).await.unwrap();

    let all = store
        .create_message(&NewMessage {
            subject: "Gathering on Saturday".into(),
            body: "Come and **rest** with us.".into(),
            audience: Audience::default(),
            send_at: None,
        })
        .await
        .unwrap();
    assert_eq!(store.queue_message(all.id).await.unwrap(), 2);
    assert!(store.queue_message(all.id).await.is_err());
    let youth = store
        .create_message(&NewMessage {
            subject: "Youth retreat".into(),
            body: "Bring a friend.".into(),
            audience: Audience {
                preference: "events".into(),
                tags: vec!["Youth".into()],
            },
            send_at: Some(
                "2027-03-05T18:00:00Z"
                    .parse::<Timestamp>()
                    .unwrap()
                    .as_millisecond(),
            ),
        })
        .await
        .unwrap();
    assert_eq!(youth.state, "scheduled");
    store.queue_due_mail(100).await.unwrap();
    let sent = deliver_all(&store).await;
    assert_eq!(sent.len(), 2);
    assert!(sent.iter().all(|m| m.message_id == Some(all.id)));
    at(&clock, "2027-03-05T18:00:00Z");
    let report = store.queue_due_mail(100).await.unwrap();
    assert_eq!(report.newsletter_copies, 1);
    let sent = deliver_all(&store).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].subscriber_id, Some(ids[0]));
    let counts = store.outbox_counts(Some(all.id)).await.unwrap();
    assert_eq!((counts.sent, counts.queued), (2, 0));
    // Bounced: the address is suppressed, the copy counted as bounced.
    store
        .suppress(
            "n0@example.org",
            SuppressionReason::HardBounce,
            "5.1.1 no such user",
        )
        .await
        .unwrap();
    assert!(store.is_suppressed("N0@example.org").await.unwrap());
    let counts = store.outbox_counts(Some(youth.id)).await.unwrap();
    assert_eq!((counts.sent, counts.bounced), (0, 1));
    // Bad newsletters are refused.
    let bad = store
        .create_message(&NewMessage {
            subject: "Two\nlines".into(),
            body: "x".into(),
            audience: Audience::default(),
            send_at: None,
        })
        .await;
    assert!(matches!(
        subscription_error(bad),
        SubscriptionError::BadMessage(_)
    ));
}
store_test!(newsletters_reach_their_audience_once);

async fn leases_hand_each_message_to_one_worker(db: TestDb) {
    let clock = Clock::simulated("2027-03-01T12:00:00Z".parse().unwrap());
    let store = db.store.with_clock(clock.clone());
    for i in 0..200 {
        let mut r = request(&format!("w{i}@example.org"), "UTC", None);
        r.tags = Vec::new();
        store.subscribe(r).await.unwrap();
    }
    // Four workers claim at once: every message once.
    let mut tasks = Vec::new();
    for _ in 0..4 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let mut mine = Vec::new();
            loop {
                let batch = store.claim_mail(7, Duration::from_secs(60)).await.unwrap();
                if batch.is_empty() {
                    return mine;
                }
                for mail in batch {
                    assert!(store.mail_sent(&mail).await.unwrap());
                    mine.push(mail.id);
                }
            }
        }));
    }
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.unwrap());
    }
    assert_eq!(all.len(), 200);
    assert_eq!(all.iter().collect::<HashSet<_>>().len(), 200);

    // A worker that stalls past its lease loses the message to another,
    // and cannot mark it sent afterwards.
    store
        .subscribe(request("late@example.org", "UTC", None))
        .await
        .unwrap();
    let first = store.claim_mail(10, Duration::from_secs(30)).await.unwrap();
    assert_eq!(first.len(), 1);
    assert!(
        store
            .claim_mail(10, Duration::from_secs(30))
            .await
            .unwrap()
            .is_empty()
    );
    clock.advance(jiff::SignedDuration::from_secs(31)).unwrap();
    let second = store.claim_mail(10, Duration::from_secs(30)).await.unwrap();
    assert_eq!(second.len(), 1);
    assert_eq!(second[0].attempt, 2);
    assert!(!store.mail_sent(&first[0]).await.unwrap());
    // A passing failure comes back after the delay; a permanent one does not.
    store
        .mail_failed(
            &second[0],
            &SendFailure {
                transient: true,
                error: "451 try later".into(),
            },
            Duration::from_secs(60),
        )
        .await
        .unwrap();
    assert!(
        store
            .claim_mail(10, Duration::from_secs(30))
            .await
            .unwrap()
            .is_empty()
    );
    clock.advance(jiff::SignedDuration::from_secs(61)).unwrap();
    let third = store.claim_mail(10, Duration::from_secs(30)).await.unwrap();
    assert_eq!(third.len(), 1);
    store
        .mail_failed(
            &third[0],
            &SendFailure {
                transient: false,
                error: "550 no such user".into(),
            },
            Duration::from_secs(60),
        )
        .await
        .unwrap();
    clock
        .advance(jiff::SignedDuration::from_secs(3600))
        .unwrap();
    assert!(
        store
            .claim_mail(10, Duration::from_secs(30))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(store.outbox_counts(None).await.unwrap().failed, 1);

    // Recorded as sent before its final ".": a lapsed lease does not hand
    // it to another worker, and a refusal of the "." puts it back.
    store
        .subscribe(request("dot@example.org", "UTC", None))
        .await
        .unwrap();
    let held = store.claim_mail(10, Duration::from_secs(30)).await.unwrap();
    assert_eq!(held.len(), 1);
    assert!(store.mail_sent(&held[0]).await.unwrap());
    // Recorded again (a commit whose answer was lost): still held.
    assert!(store.mail_sent(&held[0]).await.unwrap());
    clock.advance(jiff::SignedDuration::from_secs(31)).unwrap();
    assert!(
        store
            .claim_mail(10, Duration::from_secs(30))
            .await
            .unwrap()
            .is_empty()
    );
    store
        .mail_failed(
            &held[0],
            &SendFailure {
                transient: true,
                error: "452 out of space".into(),
            },
            Duration::from_secs(60),
        )
        .await
        .unwrap();
    clock.advance(jiff::SignedDuration::from_secs(61)).unwrap();
    let again = store.claim_mail(10, Duration::from_secs(30)).await.unwrap();
    assert_eq!((again.len(), again[0].attempt), (1, 2));
    // The confirmation's link survives the refusal (it is dropped only once
    // delivered).
    assert!(again[0].payload.contains("token"), "{}", again[0].payload);
    assert!(store.mail_sent(&again[0]).await.unwrap());
    store.mail_delivered(&again[0]).await.unwrap();
    let counts = store.outbox_counts(None).await.unwrap();
    assert_eq!((counts.sent, counts.queued, counts.sending), (201, 0, 0));
}
store_test!(leases_hand_each_message_to_one_worker);

async fn imports_keep_consent_and_never_undo_an_unsubscribe(db: TestDb) {
    let clock = Clock::simulated("2027-03-01T12:00:00Z".parse().unwrap());
    let store = db.store.with_clock(clock.clone());
    // Already here: one active, one who unsubscribed.
    let kept = subscribe_and_confirm(&store, request("kept@example.org", "UTC", None)).await;
    let gone = subscribe_and_confirm(&store, request("gone@example.org", "UTC", None)).await;
    store.unsubscribe(gone).await.unwrap();
    let row = |email: &str| abide_store::ImportedSubscriber {
        email: Email::parse(email).unwrap(),
        name: Some("Imported".into()),
        time_zone: None,
        tags: vec!["mailchimp".into()],
        consent_at: Some(1_600_000_000_000),
        unsubscribed: false,
        cleaned: false,
    };
    let mut rows: Vec<_> = (0..2_500)
        .map(|i| row(&format!("i{i}@example.org")))
        .collect();
    rows.push(row("kept@example.org"));
    rows.push(row("gone@example.org"));
    rows.push(abide_store::ImportedSubscriber {
        unsubscribed: true,
        ..row("left@example.org")
    });
    rows.push(abide_store::ImportedSubscriber {
        cleaned: true,
        time_zone: Some("Asia/Kolkata".into()),
        ..row("bounced@example.org")
    });
    let mut seen = Vec::new();
    let summary = store
        .import_subscribers(&rows, "Europe/Berlin", &["spring".into()], |done| {
            seen.push(done)
        })
        .await
        .unwrap();
    assert_eq!(seen, [1000, 2000, 2504]);
    assert_eq!(
        (
            summary.added,
            summary.updated,
            summary.unsubscribed,
            summary.suppressed
        ),
        (2_500, 2, 2, 1)
    );
    let one = store
        .subscriber_by_email(&Email::parse("i7@example.org").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(one.status, SubscriberStatus::Active);
    assert_eq!(one.consent_at, Some(1_600_000_000_000));
    assert_eq!(one.consent_source.as_deref(), Some("import"));
    assert_eq!(one.preferences.time_zone, "Europe/Berlin");
    assert_eq!(one.tags, ["mailchimp", "spring"]);
    let gone = store.subscriber(gone).await.unwrap().unwrap();
    assert_eq!(
        gone.status,
        SubscriberStatus::Unsubscribed,
        "an import never resubscribes"
    );
    let kept = store.subscriber(kept).await.unwrap().unwrap();
    assert_eq!(kept.consent_source.as_deref(), Some("form"));
    assert!(store.is_suppressed("bounced@example.org").await.unwrap());
    // A newsletter reaches the active ones only.
    let message = store
        .create_message(&NewMessage {
            subject: "Hello".into(),
            body: "Hi.".into(),
            audience: Audience::default(),
            send_at: None,
        })
        .await
        .unwrap();
    assert_eq!(store.queue_message(message.id).await.unwrap(), 2_501);
    // The export: everyone, in order, with their tags.
    let mut exported = Vec::new();
    let n = store
        .each_subscriber(|s| {
            exported.push((s.email, s.tags));
            Ok(())
        })
        .await
        .unwrap();
    assert_eq!(n, 2_504);
    assert_eq!(exported[0].0, "kept@example.org");
    assert_eq!(exported[2].1, ["mailchimp", "spring"]);
    // Bad input: nothing written.
    assert!(
        store
            .import_subscribers(&rows, "Mars/Base", &[], |_| {})
            .await
            .is_err()
    );
}
store_test!(imports_keep_consent_and_never_undo_an_unsubscribe);

async fn the_weekly_digest_comes_on_its_weekday_and_only_with_news(db: TestDb) {
    // 1 March 2027 is a Monday.
    let clock = Clock::simulated("2027-03-01T12:00:00Z".parse().unwrap());
    let store = db.store.with_clock(clock.clone());
    let mut r = request("dora@example.org", "America/New_York", None);
    r.preferences.daily = false;
    r.preferences.digest = true;
    r.preferences.digest_weekday = 5;
    let id = subscribe_and_confirm(&store, r).await;
    // Nothing published in the week before Friday 5 March: no digest.
    let due: i64 = sqlx::query_scalar("SELECT next_digest_at FROM subscribers WHERE id = $1")
        .bind(id)
        .fetch_one(store.pool())
        .await
        .unwrap();
    let (time, date) = local(due, "America/New_York");
    assert_eq!((time.as_str(), date.as_str()), ("06:00", "2027-03-05"));
    clock
        .set(Timestamp::from_millisecond(due).unwrap())
        .unwrap();
    store.queue_due_mail(100).await.unwrap();
    assert!(deliver_all(&store).await.is_empty());
    // A journey published during the next week: the digest on Friday the
    // 12th, 06:00 EST (New York changes its clocks on the 14th).
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("week");
    write_days(&dir, 3);
    let toml = std::fs::read_to_string(dir.join("journey.toml"))
        .unwrap()
        .replace("start = 2026-01-05", "start = 2027-03-08");
    std::fs::write(dir.join("journey.toml"), toml).unwrap();
    let journey = load_journey(&dir, &LoadOptions::default()).unwrap();
    store.import_journeys(&[journey]).await.unwrap();
    at(&clock, "2027-03-12T10:59:00Z");
    store.queue_due_mail(100).await.unwrap();
    assert!(deliver_all(&store).await.is_empty());
    at(&clock, "2027-03-12T11:00:00Z");
    let report = store.queue_due_mail(100).await.unwrap();
    assert_eq!(report.digests, 1);
    let mails = deliver_all(&store).await;
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].kind, MailKind::Digest);
    // Next Friday, after New York's change of clocks: 06:00 EDT.
    let due: i64 = sqlx::query_scalar("SELECT next_digest_at FROM subscribers WHERE id = $1")
        .bind(id)
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(
        local(due, "America/New_York"),
        ("06:00".into(), "2027-03-19".into())
    );
    assert_eq!(
        Timestamp::from_millisecond(due).unwrap().to_string(),
        "2027-03-19T10:00:00Z"
    );
}
store_test!(the_weekly_digest_comes_on_its_weekday_and_only_with_news);
