//! A practice's own page with its stillness timer, and logging the time a
//! member gave to it.

use std::path::Path;

use abide_content::{LoadOptions, load_journey};
use abide_store::{Clock, Email, Store};
use abide_testkit::{TestDb, store_test};
use abide_web::AppState;
use axum::http::StatusCode;

use crate::accounts::{address, sign_up, site};
use crate::agent::{Agent, ORIGIN, form};

const TIMED: &str = "/journeys/learning-to-wait/the-long-night/practice/1";
const UNTIMED: &str = "/journeys/learning-to-wait/the-long-night/practice/2";
/// A members-only reading of a public journey, and a reading of a
/// members-only journey.
const MEMBERS_ENTRY: &str = "/journeys/the-open-door/the-inner-table/practice/1";
const MEMBERS_JOURNEY: &str = "/journeys/the-inner-room/the-first-room/practice/1";

/// The test journey and the members fixtures, published, on a site that
/// sends mail (to sign up).
async fn practice_site(db: &TestDb) -> (AppState, Clock) {
    let (state, clock) = site(&db.store);
    let options = LoadOptions {
        now: clock.now(),
        ..LoadOptions::default()
    };
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../content/tests/fixtures");
    let journeys: Vec<_> = ["journey", "members/open-door", "members/inner-room"]
        .iter()
        .map(|name| load_journey(&fixtures.join(name), &options).unwrap())
        .collect();
    state.store().import_journeys(&journeys).await.unwrap();
    (state, clock)
}

async fn member_id(store: &Store, email: &str) -> i64 {
    store
        .user_by_email(&Email::parse(email).unwrap())
        .await
        .unwrap()
        .unwrap()
        .id
}

/// The seconds of each line a member logged on the long night's practices.
async fn logged(store: &Store, user_id: i64) -> Vec<(i64, i64)> {
    store
        .journal_for_entry(user_id, "learning-to-wait", "the-long-night")
        .await
        .unwrap()
        .practice_log
        .iter()
        .map(|item| (item.practice, item.seconds))
        .collect()
}

async fn a_guest_sees_the_practice_and_is_asked_to_sign_in(db: TestDb) {
    let (state, _) = practice_site(&db).await;
    let mut guest = Agent::new(&state);
    let page = guest.get(TIMED).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.headers.get("cache-control").unwrap(),
        "private, no-store"
    );
    for needle in [
        "<title>Practice 1 of 2 · The Long Night · Abide</title>",
        "<a href=\"/journeys/learning-to-wait/the-long-night\">The Long Night</a>",
        "<p class=\"practice-text\">Sit in silence before God.</p>",
        "Set aside 5 minutes.",
        // The timer is there for the script to show, and its script.
        "data-timer data-seconds=\"300\" hidden",
        ">05:00</p>",
        "/static/timer.",
        "<a href=\"/sign-in?next=/journeys/learning-to-wait/the-long-night/practice/1\">Sign in to keep a log</a>",
    ] {
        assert!(
            page.html.contains(needle),
            "no {needle:?} in\n{}",
            page.html
        );
    }
    assert!(!page.html.contains("<form method=\"post\" action=\""));

    // A practice without minutes: no timer.
    let page = guest.get(UNTIMED).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.html
            .contains("Write down one thing you are waiting for.")
    );
    assert!(page.html.contains("Take the time it needs."));
    assert!(!page.html.contains("data-timer"), "{}", page.html);
    assert!(!page.html.contains("/static/timer."));

    // The reading links to both.
    let page = guest.get("/journeys/learning-to-wait/the-long-night").await;
    assert!(
        page.html
            .contains(&format!("href=\"{TIMED}\">Open the timer</a>"))
    );
    assert!(
        page.html
            .contains(&format!("href=\"{UNTIMED}\">Log this practice</a>"))
    );
}
store_test!(a_guest_sees_the_practice_and_is_asked_to_sign_in);

async fn unknown_practices_are_not_found(db: TestDb) {
    let (state, _) = practice_site(&db).await;
    let mut guest = Agent::new(&state);
    for uri in [
        "/journeys/learning-to-wait/the-long-night/practice/0",
        "/journeys/learning-to-wait/the-long-night/practice/3",
        "/journeys/learning-to-wait/the-long-night/practice/01",
        "/journeys/learning-to-wait/the-long-night/practice/-1",
        "/journeys/learning-to-wait/the-long-night/practice/4294967296",
        "/journeys/learning-to-wait/the-long-night/practice/99999999999999999999",
        "/journeys/learning-to-wait/the-long-night/practice/one",
        "/journeys/learning-to-wait/no-such-night/practice/1",
        "/journeys/no-such-journey/the-long-night/practice/1",
        // An introduction has no practices; a members-only one counts too.
        "/journeys/learning-to-wait/why-wait/practice/1",
        "/journeys/the-open-door/the-inner-table/practice/2",
    ] {
        let page = guest.get(uri).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{uri}");
    }
}
store_test!(unknown_practices_are_not_found);

async fn members_practices_reach_members_only(db: TestDb) {
    let (state, _) = practice_site(&db).await;
    let mut guest = Agent::new(&state);
    for (uri, secret) in [
        (MEMBERS_ENTRY, "vellicorn"),
        (MEMBERS_JOURNEY, "morrowquill"),
    ] {
        let page = guest.get(uri).await;
        assert_eq!(page.status, StatusCode::OK, "{uri}");
        assert!(!page.html.contains(secret), "{uri}:\n{}", page.html);
        assert!(page.html.contains("For members of Abide"), "{}", page.html);
        assert!(
            page.html
                .contains(&format!("<a href=\"/sign-in?next={uri}\">Sign in</a>")),
            "{}",
            page.html
        );
        assert!(!page.html.contains("data-timer"));
        assert!(!page.html.contains("Set aside"));
    }
    let mut member = sign_up(&state, &address("hannah"), "Hannah").await;
    let page = member.get(MEMBERS_ENTRY).await;
    assert!(page.html.contains("Set a place for the vellicorn guest."));
    assert!(page.html.contains("data-seconds=\"300\""));
    let page = member.get(MEMBERS_JOURNEY).await;
    assert!(page.html.contains("Close the morrowquill door and wait."));
    assert!(page.html.contains("data-seconds=\"600\""));
    assert!(page.html.contains(">10:00</p>"));
}
store_test!(members_practices_reach_members_only);

async fn a_member_logs_a_practice(db: TestDb) {
    let (state, _) = practice_site(&db).await;
    let email = address("anna");
    let mut member = sign_up(&state, &email, "Anna").await;
    let id = member_id(state.store(), &email).await;

    let page = member.get(TIMED).await;
    assert_eq!(page.status, StatusCode::OK);
    for needle in [
        &format!("<form method=\"post\" action=\"{TIMED}/log\""),
        &format!(
            "<input type=\"hidden\" name=\"csrf\" value=\"{}\">",
            member.csrf()
        ),
        "name=\"minutes\" type=\"number\" inputmode=\"numeric\" min=\"1\" max=\"1440\" step=\"1\" required value=\"5\">",
        ">I finished this practice</button>",
    ] {
        assert!(
            page.html.contains(needle),
            "no {needle:?} in\n{}",
            page.html
        );
    }
    assert!(!page.html.contains("Sign in to keep a log"));

    // The minutes as typed.
    let page = member
        .post(&format!("{TIMED}/log"), &[("minutes", "5")])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.html);
    assert_eq!(
        page.location.as_deref(),
        Some(&*format!("{TIMED}?logged=1#log"))
    );
    let page = member.get(&format!("{TIMED}?logged=1")).await;
    assert!(
        page.html
            .contains("<p class=\"notice\" role=\"status\">Logged: 5 minutes. Well done.</p>"),
        "{}",
        page.html
    );
    assert!(
        page.html
            .contains("You have logged this practice once: 5 minutes in all.")
    );

    // The seconds the timer measured win over the minutes.
    let page = member
        .post(
            &format!("{TIMED}/log"),
            &[("minutes", "3"), ("seconds", "200")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.html);
    let page = member.get(&format!("{TIMED}?logged=1")).await;
    assert!(
        page.html
            .contains("Logged: 3 minutes 20 seconds. Well done.")
    );
    assert!(page.html.contains("2 times: 8 minutes 20 seconds in all."));

    // A practice without a suggested time.
    let page = member.get(UNTIMED).await;
    assert!(page.html.contains(">I did this</button>"), "{}", page.html);
    assert!(page.html.contains("required value=\"\">"));
    let page = member
        .post(&format!("{UNTIMED}/log"), &[("minutes", "12")])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.html);

    assert_eq!(
        logged(state.store(), id).await,
        [(1, 300), (1, 200), (2, 720)]
    );
    // Nobody else's log shows the lines.
    let mut other = sign_up(&state, &address("eli"), "Eli").await;
    let page = other.get(TIMED).await;
    assert!(!page.html.contains("You have logged"));
}
store_test!(a_member_logs_a_practice);

async fn bad_logs_are_refused_and_write_nothing(db: TestDb) {
    let (state, _) = practice_site(&db).await;
    let email = address("simeon");
    let mut member = sign_up(&state, &email, "Simeon").await;
    let id = member_id(state.store(), &email).await;
    member.get(TIMED).await;
    let log = format!("{TIMED}/log");
    for fields in [
        &[("minutes", "")][..],
        &[("minutes", "0")],
        &[("minutes", "-5")],
        &[("minutes", "1441")],
        &[("minutes", "2.5")],
        &[("minutes", "five")],
        &[("minutes", "99999999999999999999999")],
        &[("minutes", "5"), ("seconds", "0")],
        &[("minutes", "5"), ("seconds", "86401")],
        &[("minutes", "5"), ("seconds", "soon")],
        &[],
    ] {
        let page = member.post(&log, fields).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
        assert!(
            page.html
                .contains("Please enter the time as a whole number of minutes"),
            "{}",
            page.html
        );
        // The page again, with the practice and the form.
        assert!(page.html.contains("Sit in silence before God."));
        assert!(page.html.contains(&format!("action=\"{log}\"")));
    }
    let page = member.post(&log, &[("minutes", "five")]).await;
    assert!(
        page.html.contains("required value=\"five\">"),
        "kept as typed"
    );

    // Unknown practices are not found, whatever the minutes.
    for uri in [
        "/journeys/learning-to-wait/the-long-night/practice/3/log",
        "/journeys/learning-to-wait/the-long-night/practice/0/log",
        "/journeys/learning-to-wait/nowhere/practice/1/log",
    ] {
        let page = member.post(uri, &[("minutes", "5")]).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{uri}");
    }

    // Without the anti-forgery token, or from elsewhere: refused.
    let body = form(&[("minutes", "5")]);
    let page = member.post_raw(&log, body.into_bytes(), Some(ORIGIN)).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    let body = form(&[("csrf", &member.csrf()), ("minutes", "5")]);
    let page = member
        .post_raw(&log, body.into_bytes(), Some("https://elsewhere.example"))
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);

    // A guest is sent to sign in, and nothing is written.
    let mut guest = Agent::new(&state);
    guest.get(TIMED).await;
    let page = guest.post(&log, &[("minutes", "5")]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(
        page.location.as_deref(),
        Some("/sign-in?next=%2Fjourneys%2Flearning-to-wait%2Fthe-long-night%2Fpractice%2F1%2Flog")
    );

    assert_eq!(logged(state.store(), id).await, []);
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM practice_log")
        .fetch_one(state.store().pool())
        .await
        .unwrap();
    assert_eq!(rows, 0);
}
store_test!(bad_logs_are_refused_and_write_nothing);
