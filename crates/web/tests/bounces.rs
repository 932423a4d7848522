//! `POST /mail/bounces`: a bearer token, a body bound, and a report applied
//! once: 204 applied, 202 not a report, 400 not a message, 401, 404 unset.

use std::time::Duration;

use abide_store::{
    Email, Preferences, Store, Subscribed, SubscriptionRequest, outbox_message_id_local,
};
use abide_testkit::{TestDb, store_test};
use abide_web::{AppState, Theme, WebConfig};
use axum::body::Body;
use axum::http::{Request, StatusCode};

use crate::util::{library, send};

const TOKEN: &str = "s3cret-bounce-token-0123456789";

fn state(store: &Store, token: Option<&str>) -> AppState {
    let config = WebConfig {
        base_url: "http://abide.test".into(),
        request_timeout: Duration::from_secs(5),
        bounce_token: token.map(str::to_owned),
        ..WebConfig::default()
    };
    AppState::new(store.clone(), library(), Theme::load(None).unwrap(), config)
}

async fn post(state: &AppState, token: Option<&str>, body: Vec<u8>) -> StatusCode {
    let mut request = Request::post("/mail/bounces").header("content-type", "message/rfc822");
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    send(state, request.body(Body::from(body)).unwrap())
        .await
        .status()
}

/// A Postfix-style bounce of the message with this Message-ID.
fn dsn(report_id: &str, email: &str, message_id: &str) -> Vec<u8> {
    format!(
        "From: MAILER-DAEMON@mx.example\r\nMessage-Id: <{report_id}@mx.example>\r\n\
         Content-Type: multipart/report; report-type=delivery-status;\r\n\tboundary=\"B/mx\"\r\n\r\n\
         --B/mx\r\nContent-Type: text/plain\r\n\r\nNo such user.\r\n\
         --B/mx\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example\r\n\r\n\
         Final-Recipient: rfc822; {email}\r\nAction: failed\r\nStatus: 5.1.1\r\n\
         Diagnostic-Code: smtp; 550 5.1.1 unknown user\r\n\r\n\
         --B/mx\r\nContent-Type: text/rfc822-headers\r\n\r\nTo: {email}\r\nMessage-ID: {message_id}\r\n\r\n\
         --B/mx--\r\n"
    )
    .into_bytes()
}

/// Subscribes `email` and sends its confirmation; returns that message's
/// Message-ID as the composer writes it.
async fn mailed(store: &Store, email: &str) -> String {
    let outcome = store
        .subscribe(SubscriptionRequest {
            email: Email::parse(email).unwrap(),
            preferences: Preferences::default(),
            journey: None,
            tags: Vec::new(),
            member: None,
        })
        .await
        .unwrap();
    assert_eq!(outcome, Subscribed::ConfirmationQueued);
    let claimed = store.claim_mail(10, Duration::from_secs(60)).await.unwrap();
    assert_eq!(claimed.len(), 1);
    assert!(store.mail_sent(&claimed[0]).await.unwrap());
    format!(
        "<{}@abide.test>",
        outbox_message_id_local(&claimed[0].idempotency_key)
    )
}

async fn bounces_need_the_token(db: TestDb) {
    let store = db.store;
    let body = dsn("r0", "a@example.org", "<x@abide.test>");
    // Not configured: not there at all.
    assert_eq!(
        post(&state(&store, None), Some(TOKEN), body.clone()).await,
        StatusCode::NOT_FOUND
    );
    let app = state(&store, Some(TOKEN));
    assert_eq!(
        post(&app, None, body.clone()).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        post(&app, Some("s3cret-bounce-token-012345678"), body.clone()).await,
        StatusCode::UNAUTHORIZED
    );
    assert!(!store.is_suppressed("a@example.org").await.unwrap());
    // Bounded: more than a MiB is refused before it is read.
    let mut big = body.clone();
    big.resize(1 << 21, b'a');
    assert_eq!(
        post(&app, Some(TOKEN), big).await,
        StatusCode::PAYLOAD_TOO_LARGE
    );
}
store_test!(bounces_need_the_token);

async fn a_bounce_marks_the_message_and_suppresses_once(db: TestDb) {
    let store = db.store;
    let app = state(&store, Some(TOKEN));
    let message_id = mailed(&store, "gone@example.org").await;

    let body = dsn("r1", "Gone@example.org", &message_id);
    assert_eq!(
        post(&app, Some(TOKEN), body.clone()).await,
        StatusCode::NO_CONTENT
    );
    assert!(store.is_suppressed("gone@example.org").await.unwrap());
    let counts = store.outbox_counts(None).await.unwrap();
    assert_eq!((counts.sent, counts.bounced), (0, 1));
    // The MTA hands it over again: nothing more changes.
    assert_eq!(post(&app, Some(TOKEN), body).await, StatusCode::NO_CONTENT);
    assert_eq!(store.outbox_counts(None).await.unwrap(), counts);

    // An auto-reply is no report; garbage is no message.
    let reply = b"From: someone@example.org\r\nSubject: Away\r\n\r\nOn retreat.\r\n".to_vec();
    assert_eq!(post(&app, Some(TOKEN), reply).await, StatusCode::ACCEPTED);
    assert_eq!(
        post(&app, Some(TOKEN), Vec::new()).await,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        post(&app, Some(TOKEN), b"\x00\x01\x02".to_vec()).await,
        StatusCode::BAD_REQUEST
    );
}
store_test!(a_bounce_marks_the_message_and_suppresses_once);
