//! Bounces: the message a report answers is marked bounced, hard bounces and
//! complaints suppress the address, soft ones only in a row; the same report
//! twice changes nothing more.

use abide_store::{
    Audience, BounceKind, ClaimedMail, Clock, IncomingBounce, NewMessage, SOFT_BOUNCES_TO_SUPPRESS,
    Store, outbox_message_id_local,
};
use abide_testkit::{TestDb, store_test};

use crate::subscriptions::{deliver_all, request, subscribe_and_confirm};

/// Sends `n` newsletters to everyone; returns the copies, oldest first.
async fn newsletters(store: &Store, clock: &Clock, n: usize) -> Vec<ClaimedMail> {
    let mut out = Vec::new();
    for i in 0..n {
        let m = store
            .create_message(&NewMessage {
                subject: format!("Letter {i}"),
                body: "Grace and peace.".into(),
                audience: Audience::default(),
                send_at: None,
            })
            .await
            .unwrap();
        store.queue_message(m.id).await.unwrap();
        out.extend(deliver_all(store).await);
        clock.advance(jiff::SignedDuration::from_secs(60)).unwrap();
    }
    out
}

fn bounce(
    report: &str,
    email: &str,
    kind: BounceKind,
    mail: Option<&ClaimedMail>,
) -> IncomingBounce {
    IncomingBounce {
        report_key: report.into(),
        email: email.into(),
        kind,
        original_message_id: mail.map(|m| {
            format!(
                "<{}@site.example>",
                outbox_message_id_local(&m.idempotency_key)
            )
        }),
        status: Some(match kind {
            BounceKind::Hard => "5.1.1".into(),
            _ => "4.2.2".into(),
        }),
        detail: "550 5.1.1 no such user".into(),
    }
}

async fn state_of(store: &Store, id: i64) -> String {
    sqlx::query_scalar("SELECT state FROM outbox WHERE id = $1")
        .bind(id)
        .fetch_one(store.pool())
        .await
        .unwrap()
}

async fn hard_bounce_marks_its_message_and_suppresses(db: TestDb) {
    let clock = Clock::simulated("2027-03-01T12:00:00Z".parse().unwrap());
    let store = db.store.with_clock(clock.clone());
    subscribe_and_confirm(&store, request("Gone@example.org", "UTC", None)).await;
    let sent = newsletters(&store, &clock, 2).await;
    assert_eq!(sent.len(), 2);

    // The report names the first letter, not the last one sent.
    let b = bounce(
        "<r1@mx.example>",
        "GONE@example.org ",
        BounceKind::Hard,
        Some(&sent[0]),
    );
    let outcome = store.apply_bounce(&b).await.unwrap();
    assert!(!outcome.duplicate && outcome.suppressed);
    assert_eq!(outcome.outbox_id, Some(sent[0].id));
    assert_eq!(state_of(&store, sent[0].id).await, "bounced");
    assert_eq!(state_of(&store, sent[1].id).await, "sent");
    assert!(store.is_suppressed("gone@example.org").await.unwrap());
    let counts = store.outbox_counts(None).await.unwrap();

    // Again: nothing more.
    let again = store.apply_bounce(&b).await.unwrap();
    assert!(again.duplicate && !again.suppressed);
    assert_eq!(store.outbox_counts(None).await.unwrap(), counts);

    // Every later send respects the list.
    assert!(newsletters(&store, &clock, 1).await.is_empty());
    assert_eq!(store.outbox_counts(None).await.unwrap().sent, counts.sent);
}
store_test!(hard_bounce_marks_its_message_and_suppresses);

async fn soft_bounces_suppress_only_in_a_row(db: TestDb) {
    let clock = Clock::simulated("2027-03-01T12:00:00Z".parse().unwrap());
    let store = db.store.with_clock(clock.clone());
    subscribe_and_confirm(&store, request("full@example.org", "UTC", None)).await;
    let sent = newsletters(&store, &clock, 3).await;
    assert_eq!(SOFT_BOUNCES_TO_SUPPRESS, 3);

    // A delay is noted, nothing more.
    let delayed = bounce(
        "<d1@mx>",
        "full@example.org",
        BounceKind::Delayed,
        Some(&sent[2]),
    );
    let o = store.apply_bounce(&delayed).await.unwrap();
    assert_eq!((o.outbox_id, o.suppressed), (Some(sent[2].id), false));
    assert_eq!(state_of(&store, sent[2].id).await, "sent");

    for (i, mail) in sent.iter().enumerate() {
        let b = bounce(
            &format!("<s{i}@mx>"),
            "full@example.org",
            BounceKind::Soft,
            Some(mail),
        );
        let o = store.apply_bounce(&b).await.unwrap();
        assert_eq!(o.outbox_id, Some(mail.id));
        assert_eq!(state_of(&store, mail.id).await, "bounced");
        // The third in a row suppresses; the same report twice counts once.
        assert_eq!(o.suppressed, i == 2, "bounce {i}");
        assert!(store.apply_bounce(&b).await.unwrap().duplicate);
        assert_eq!(
            store.is_suppressed("full@example.org").await.unwrap(),
            i == 2
        );
    }
    assert_eq!(store.outbox_counts(None).await.unwrap().bounced, 3);
}
store_test!(soft_bounces_suppress_only_in_a_row);

async fn soft_bounces_on_one_message_do_not_make_a_row(db: TestDb) {
    let clock = Clock::simulated("2027-03-01T12:00:00Z".parse().unwrap());
    let store = db.store.with_clock(clock.clone());
    subscribe_and_confirm(&store, request("busy@example.org", "UTC", None)).await;
    let sent = newsletters(&store, &clock, 3).await;
    // Three reports, each without the original headers: each answers the
    // last message sent, so they are one bounce of one message, not a row.
    for i in 0..3 {
        let b = bounce(
            &format!("<x{i}@mx>"),
            "busy@example.org",
            BounceKind::Soft,
            None,
        );
        let o = store.apply_bounce(&b).await.unwrap();
        assert_eq!(o.outbox_id, Some(sent[2].id));
        assert!(!o.suppressed);
    }
    assert!(!store.is_suppressed("busy@example.org").await.unwrap());
    // A Message-ID of someone else's message falls back the same way.
    let mut other = bounce("<y@mx>", "busy@example.org", BounceKind::Soft, None);
    other.original_message_id = Some("<0123456789abcdef0123456789abcdef@elsewhere>".into());
    assert_eq!(
        store.apply_bounce(&other).await.unwrap().outbox_id,
        Some(sent[2].id)
    );
}
store_test!(soft_bounces_on_one_message_do_not_make_a_row);

async fn complaint_suppresses_even_without_a_message(db: TestDb) {
    let store = db.store;
    // Never mailed: the complaint is kept and the address suppressed.
    let b = bounce(
        "<fbl@mx>",
        "stranger@example.org",
        BounceKind::Complaint,
        None,
    );
    let o = store.apply_bounce(&b).await.unwrap();
    assert_eq!(
        (o.outbox_id, o.suppressed, o.duplicate),
        (None, true, false)
    );
    assert!(store.is_suppressed("stranger@example.org").await.unwrap());
    let reason: String = sqlx::query_scalar("SELECT reason FROM suppressions WHERE email = $1")
        .bind("stranger@example.org")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(reason, "complaint");
    assert!(store.apply_bounce(&b).await.unwrap().duplicate);
}
store_test!(complaint_suppresses_even_without_a_message);
