//! Subscribing by email over HTTP, with the mail worker delivering to the real
//! SMTP test server: the footer's form, double opt-in, the preference centre,
//! a journey's day at the subscriber's hour, and one-click unsubscribing.

use std::path::Path;
use std::time::Duration;

use abide_content::{LoadOptions, load_journey};
use abide_mail::Mailer;
use abide_store::{Email, Store, SubscriberStatus};
use abide_testkit::{Mailbox, ReceivedMail, TestDb, store_test};
use abide_web::{AppState, MailWorkerOptions, Pace, mail_pass};
use axum::http::StatusCode;

use crate::accounts::{address, site};
use crate::agent::{Agent, ORIGIN, form, link_in};

fn fixture() -> abide_content::Journey {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../content/tests/fixtures/journey");
    load_journey(&dir, &LoadOptions::default()).unwrap()
}

/// Runs the mail worker until the outbox has nothing due.
async fn deliver(state: &AppState) {
    let mailer = Mailer::new(state.config().mail.as_ref().unwrap()).unwrap();
    let options = MailWorkerOptions::default();
    let pace = Pace::new(0);
    while mail_pass(state, &mailer, &options, &pace)
        .await
        .unwrap()
        .is_some()
    {}
}

async fn subscriber_status(store: &Store, email: &str) -> SubscriberStatus {
    store
        .subscriber_by_email(&Email::parse(email).unwrap())
        .await
        .unwrap()
        .unwrap()
        .status
}

/// Posts the footer's form: no anti-forgery token, from the site's origin.
async fn footer_subscribe(
    agent: &mut Agent,
    fields: &[(&str, &str)],
    origin: Option<&str>,
) -> crate::agent::Page {
    agent
        .post_raw("/subscribe", form(fields).into_bytes(), origin)
        .await
}

fn key_of(location: &str) -> String {
    location
        .trim_start_matches("/email/")
        .split('?')
        .next()
        .unwrap()
        .to_owned()
}

async fn one_mail(mailbox: &Mailbox, to: &str, count: usize) -> ReceivedMail {
    let mails = mailbox.wait_for(to, count, Duration::from_secs(10)).await;
    assert_eq!(mails.len(), count, "{to}");
    mails.into_iter().last().unwrap()
}

async fn subscribe_confirm_receive_and_unsubscribe_in_one_click(db: TestDb) {
    db.store.import_journeys(&[fixture()]).await.unwrap();
    let (state, clock) = site(&db.store);
    let store = state.store().clone();
    let mailbox = Mailbox::from_env();
    let email = address("ann");
    let mut agent = Agent::new(&state);

    // Every page's footer has the form.
    let home = agent.get("/").await;
    assert!(home.html.contains("action=\"/subscribe\""), "{}", home.html);

    // From another site: refused, nothing written.
    let page = footer_subscribe(
        &mut agent,
        &[("email", &email)],
        Some("https://evil.example"),
    )
    .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(
        store
            .subscriber_by_email(&Email::parse(&email).unwrap())
            .await
            .unwrap()
            .is_none()
    );

    let fields = [
        ("email", email.as_str()),
        ("time_zone", "Europe/Berlin"),
        ("source", "footer"),
    ];
    let page = footer_subscribe(&mut agent, &fields, Some(ORIGIN)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    assert!(page.html.contains("Check your email"));
    // The same answer for an address that is known already.
    let again = footer_subscribe(&mut agent, &fields, Some(ORIGIN)).await;
    let other = address("unknown");
    let unknown = footer_subscribe(
        &mut agent,
        &[
            ("email", &other),
            ("time_zone", "Europe/Berlin"),
            ("source", "footer"),
        ],
        Some(ORIGIN),
    )
    .await;
    assert_eq!(again.status, unknown.status);
    assert_eq!(
        again.html.replace(&email, "X"),
        unknown.html.replace(&other, "X")
    );
    assert_eq!(
        subscriber_status(&store, &email).await,
        SubscriberStatus::Pending
    );

    // The confirmation, from the SMTP server's copy (the second request
    // queued a second link; either works once).
    deliver(&state).await;
    let confirm = one_mail(&mailbox, &email, 2).await;
    assert!(
        confirm.subject().contains("Confirm your subscription"),
        "{}",
        confirm.subject()
    );
    assert!(confirm.header("List-Unsubscribe").is_none());
    let link = link_in(&confirm.text(), "/subscribe/confirm/");
    // Opening the link (as a mail scanner would) confirms nothing.
    let page = agent.get(&link).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.html.contains("Confirm my subscription"));
    assert_eq!(
        subscriber_status(&store, &email).await,
        SubscriberStatus::Pending
    );
    let page = agent.post_raw(&link, Vec::new(), Some(ORIGIN)).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.html);
    let location = page.location.unwrap();
    assert!(location.ends_with("?welcome=1"), "{location}");
    let key = key_of(&location);
    assert_eq!(
        subscriber_status(&store, &email).await,
        SubscriberStatus::Active
    );
    // Used once.
    let page = agent.post_raw(&link, Vec::new(), Some(ORIGIN)).await;
    assert_eq!(page.status, StatusCode::GONE);

    // The preference centre: private, and its key never leaves as a referrer.
    let page = agent.get(&location).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.html.contains(&email));
    assert!(
        page.html.contains("Learning to Wait"),
        "the footer followed today's journey"
    );
    assert_eq!(page.headers["cache-control"], "private, no-store");
    assert_eq!(page.headers["referrer-policy"], "same-origin");
    let page = agent
        .post_raw(
            &format!("/email/{key}"),
            form(&[
                ("full", "1"),
                ("name", "Ann"),
                ("daily", "on"),
                ("events", "on"),
                ("time", "07:15"),
                ("time_zone", "Europe/Berlin"),
                ("digest_day", "7"),
            ])
            .into_bytes(),
            Some(ORIGIN),
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.html);
    let subscriber = store
        .subscriber_by_email(&Email::parse(&email).unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(subscriber.preferences.send_minute, 7 * 60 + 15);
    assert!(!subscriber.preferences.newsletters);

    // Day 1 at 07:15 in Berlin (06:15 UTC in March), not before.
    clock.set("2027-03-02T06:14:00Z".parse().unwrap()).unwrap();
    deliver(&state).await;
    assert_eq!(mailbox.messages_to(&email).len(), 2);
    clock.set("2027-03-02T06:15:00Z".parse().unwrap()).unwrap();
    deliver(&state).await;
    let day = one_mail(&mailbox, &email, 3).await;
    assert_eq!(day.subject(), "Day 1: The Long Night");
    let text = day.text();
    assert!(text.contains("Dear Ann,"), "{text}");
    assert!(text.contains("Psalm 130:5"), "{text}");
    assert!(
        text.contains("World English Bible") || text.contains("public domain"),
        "{text}"
    );
    let html = day.html().unwrap();
    assert!(html.contains(&format!("href=\"{ORIGIN}/bible/")), "{html}");
    assert!(html.contains("prefers-color-scheme: dark"));
    assert!(!html.contains("<img"), "readable without images");
    let unsubscribe = format!("{ORIGIN}/unsubscribe/{key}");
    assert_eq!(
        day.header("List-Unsubscribe").as_deref(),
        Some(format!("<{unsubscribe}>").as_str())
    );
    assert_eq!(
        day.header("List-Unsubscribe-Post").as_deref(),
        Some("List-Unsubscribe=One-Click")
    );
    assert!(day.header("List-Id").unwrap().contains("daily."));
    let message_id = day.header("Message-ID").unwrap();
    assert!(message_id.ends_with("@abide.test>"), "{message_id}");
    assert!(text.contains(&unsubscribe), "{text}");

    // The mail client's one-click unsubscribe: a cross-site POST with the
    // RFC 8058 body, no cookie, no origin of ours.
    // (Providers send it as multipart/form-data or URL-encoded.)
    let request = axum::http::Request::post(format!("/unsubscribe/{key}"))
        .header("content-type", "multipart/form-data; boundary=b")
        .header("origin", "https://mail.example")
        .body(axum::body::Body::from(
            "--b\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\nOne-Click\r\n--b--\r\n",
        ))
        .unwrap();
    let response = crate::util::send(&state, request).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        crate::util::text(response)
            .await
            .contains("You are unsubscribed")
    );
    assert_eq!(
        subscriber_status(&store, &email).await,
        SubscriberStatus::Unsubscribed
    );
    clock.set("2027-03-03T06:15:00Z".parse().unwrap()).unwrap();
    deliver(&state).await;
    assert_eq!(
        mailbox.messages_to(&email).len(),
        3,
        "nothing after unsubscribing"
    );
}
store_test!(subscribe_confirm_receive_and_unsubscribe_in_one_click);

async fn bad_input_is_refused_and_the_forms_are_bounded(db: TestDb) {
    let (state, _clock) = site(&db.store);
    let mut agent = Agent::new(&state);
    let page = footer_subscribe(&mut agent, &[("email", "not an address")], Some(ORIGIN)).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.html.contains("does not look like an email address"));
    let long = "x".repeat(20_000);
    let page = footer_subscribe(&mut agent, &[("email", &long)], Some(ORIGIN)).await;
    assert_eq!(page.status, StatusCode::PAYLOAD_TOO_LARGE);
    let page = agent
        .post_raw("/subscribe", b"email=%FF%FE".to_vec(), Some(ORIGIN))
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    // A name the store refuses is the visitor's to mend (422), not a 500.
    let page = footer_subscribe(
        &mut agent,
        &[("email", &address("named")), ("name", "Ann\u{7}Lee")],
        Some(ORIGIN),
    )
    .await;
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.html
    );
    for path in [
        "/email/nope",
        "/unsubscribe/nope",
        "/subscribe/confirm/nope",
    ] {
        let page = agent.get(path).await;
        let expected = if path.starts_with("/subscribe") {
            StatusCode::OK
        } else {
            StatusCode::NOT_FOUND
        };
        assert_eq!(page.status, expected, "{path}");
    }
    let page = agent
        .post_raw(
            "/unsubscribe/nope",
            b"List-Unsubscribe=One-Click".to_vec(),
            None,
        )
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    let page = agent
        .post_raw("/subscribe/confirm/nope", Vec::new(), Some(ORIGIN))
        .await;
    assert_eq!(page.status, StatusCode::GONE);
    // Five requests an hour for one address, then 429.
    let email = address("flood");
    for _ in 0..5 {
        let page = footer_subscribe(&mut agent, &[("email", &email)], Some(ORIGIN)).await;
        assert_eq!(page.status, StatusCode::OK);
    }
    let page = footer_subscribe(&mut agent, &[("email", &email)], Some(ORIGIN)).await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(page.headers.contains_key("retry-after"));
    // One confirmation link per request at most, and a single row.
    let (_, total) = state
        .store()
        .subscribers(&abide_store::SubscriberFilter {
            search: Some(email.clone()),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(total, 1);
}
store_test!(bad_input_is_refused_and_the_forms_are_bounded);

async fn a_member_subscribes_their_own_address_in_one_click(db: TestDb) {
    db.store.import_journeys(&[fixture()]).await.unwrap();
    let (state, _clock) = site(&db.store);
    let email = address("member");
    let mut agent = crate::accounts::sign_up(&state, &email, "Ruth").await;
    let page = footer_subscribe(&mut agent, &[("email", &email)], Some(ORIGIN)).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.html);
    assert!(page.location.unwrap().starts_with("/email/"));
    assert_eq!(
        subscriber_status(state.store(), &email).await,
        SubscriberStatus::Active
    );
    // Someone else's address: the usual confirmation.
    let other = address("friend");
    let page = footer_subscribe(&mut agent, &[("email", &other)], Some(ORIGIN)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        subscriber_status(state.store(), &other).await,
        SubscriberStatus::Pending
    );
}
store_test!(a_member_subscribes_their_own_address_in_one_click);
