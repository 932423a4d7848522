//! A member's own walk over HTTP: following a journey, Today, marking days
//! done, catching up, the private journal and its exports, members-only text
//! for members, and the member's data (download, deletion). On both engines,
//! signed up through the real SMTP server, on a simulated clock.

use std::path::Path;

use abide_content::{LoadOptions, load_journey};
use abide_store::{Email, Role};
use abide_testkit::{TestDb, store_test};
use axum::http::StatusCode;
use jiff::SignedDuration;

use crate::accounts::{address, sign_up, site};
use crate::agent::Agent;

const JOURNEY: &str = "/journeys/learning-to-wait";
const DAY_ONE: &str = "/journeys/learning-to-wait/the-long-night";
const DAY_TWO: &str = "/journeys/learning-to-wait/hannahs-prayer";

async fn import(db: &TestDb) {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../content/tests/fixtures");
    let mut journeys =
        vec![load_journey(&fixtures.join("journey"), &LoadOptions::default()).unwrap()];
    for name in ["open-door", "inner-room"] {
        journeys.push(
            load_journey(
                &fixtures.join("members").join(name),
                &LoadOptions::default(),
            )
            .unwrap(),
        );
    }
    db.store.import_journeys(&journeys).await.unwrap();
}

async fn a_member_walks_a_journey_day_by_day_and_catches_up(db: TestDb) {
    import(&db).await;
    let (state, clock) = site(&db.store);
    let mut ruth = sign_up(&state, &address("ruth"), "Ruth").await;
    // Nothing followed yet: Today offers the journeys.
    let page = ruth.get("/today").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.html.contains("not following a journey yet"),
        "{}",
        page.html
    );
    // The journey page offers to start it.
    let page = ruth.get(JOURNEY).await;
    assert!(page.html.contains("Start this journey"), "{}", page.html);
    let page = ruth
        .post(&format!("{JOURNEY}/follow"), &[("start", "")])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.html);
    let page = ruth.get("/today").await;
    assert!(page.html.contains("Day 1 of 2"), "{}", page.html);
    assert!(page.html.contains("The Long Night"));
    assert!(page.html.contains("Mark today done"));
    // Marked done from the entry page.
    let page = ruth.get(DAY_ONE).await;
    assert!(page.html.contains("Mark this day done"), "{}", page.html);
    assert_eq!(page.headers["cache-control"], "private, no-store");
    let page = ruth
        .post(&format!("{DAY_ONE}/done"), &[("back", "/today")])
        .await;
    assert_eq!(page.location.as_deref(), Some("/today"));
    let page = ruth.get("/today").await;
    assert!(page.html.contains("Done ✓"), "{}", page.html);
    assert!(page.html.contains("1 day walked"));
    // The home page greets her with her day.
    let page = ruth.get("/").await;
    assert!(page.html.contains("Your day"), "{}", page.html);
    // Three days later, day 2 (scheduled tomorrow of day 1) was missed.
    clock.advance(SignedDuration::from_hours(72)).unwrap();
    let page = ruth.get("/today").await;
    assert!(page.html.contains("One day went by"), "{}", page.html);
    assert!(page.html.contains("Catch me up"));
    assert!(page.html.contains("paused"), "{}", page.html);
    let page = ruth.get(&format!("{JOURNEY}/progress")).await;
    assert!(page.html.contains("What you missed"), "{}", page.html);
    assert!(page.html.contains("Hannah"));
    let page = ruth
        .post(&format!("{JOURNEY}/catch-up"), &[("back", "/today")])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let page = ruth.get("/today").await;
    assert!(!page.html.contains("went by"), "{}", page.html);
    assert!(page.html.contains("Day 2 of 2"), "{}", page.html);
    // The streak paused, it did not reset.
    assert!(page.html.contains("1 day walked"));
    ruth.post(&format!("{DAY_TWO}/done"), &[]).await;
    let page = ruth.get(&format!("{JOURNEY}/progress")).await;
    assert!(page.html.contains("2 of 2 days done"), "{}", page.html);
    assert!(page.html.contains("2 days walked"));
    // Marking a day of a journey she does not follow, or a recap, is refused.
    let page = ruth
        .post("/journeys/learning-to-wait/recap/done", &[])
        .await;
    assert!(page.status.is_client_error(), "{}", page.status);
    let page = ruth
        .post("/journeys/the-open-door/the-knock/done", &[])
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
}
store_test!(a_member_walks_a_journey_day_by_day_and_catches_up);

async fn the_journal_is_private_linked_and_exported(db: TestDb) {
    import(&db).await;
    let (state, _) = site(&db.store);
    let mut ruth = sign_up(&state, &address("ruth"), "Ruth").await;
    ruth.post(&format!("{JOURNEY}/follow"), &[]).await;
    let answer = "I am waiting for news, like Psalm 27:14 says.\n\nStill waiting <quietly>.";
    let page = ruth
        .post(
            &format!("{DAY_ONE}/journal"),
            &[("q1", answer), ("p1", "Five minutes, twice."), ("note", "")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.html);
    // The entry page shows it back in the form, escaped.
    let page = ruth.get(DAY_ONE).await;
    assert!(
        page.html.contains("Still waiting &lt;quietly&gt;."),
        "{}",
        page.html
    );
    // The journal page links the citation.
    let page = ruth.get("/journal").await;
    assert!(
        page.html
            .contains("href=\"/bible/Ps.27.14\" data-osis=\"Ps.27.14\">Psalm 27:14</a>"),
        "{}",
        page.html
    );
    // Exports.
    let page = ruth.get("/journal/export.md").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.html.contains("### Question 1"), "{}", page.html);
    assert!(page.html.contains("Still waiting <quietly>."));
    assert!(
        page.headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains("journal.md")
    );
    let page = ruth.get("/journal/export.json").await;
    let json: serde_json::Value = serde_json::from_str(&page.html).unwrap();
    assert_eq!(json["journal"].as_array().unwrap().len(), 2);

    // Another member, even the site's owner, finds none of it anywhere.
    let mut boaz = sign_up(&state, &address("boaz"), "Boaz").await;
    let owner = db
        .store
        .user_by_email(&Email::parse(&address_of(&boaz, &state).await).unwrap())
        .await
        .unwrap()
        .unwrap();
    db.store.set_role(owner.id, Role::Owner).await.unwrap();
    for uri in [
        "/journal",
        "/journal/export.md",
        "/journal/export.json",
        DAY_ONE,
        "/today",
        "/account/data",
        &format!("{JOURNEY}/progress"),
        "/api/passages/Ps.27.14",
        "/bible/Ps.27.14",
    ] {
        let page = boaz.get(uri).await;
        assert!(
            !page.html.contains("Still waiting"),
            "{uri} shows Ruth's journal"
        );
        assert!(!page.html.contains("Five minutes, twice"), "{uri}");
    }
    // Boaz does not follow the journey: its progress page sends him to it.
    let page = boaz.get(&format!("{JOURNEY}/progress")).await;
    assert_eq!(page.location.as_deref(), Some(JOURNEY));
    // A guest is sent to sign in.
    let mut guest = Agent::new(&state);
    for uri in [
        "/journal",
        "/journal/export.json",
        "/today",
        "/account/data",
    ] {
        let page = guest.get(uri).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{uri}");
        assert!(page.location.unwrap().starts_with("/sign-in?next="));
    }
    // Hostile journal input: nothing half-saved.
    let long = "x".repeat(20_001);
    for fields in [
        vec![("q1", long.as_str())],
        vec![("q1", "ok"), ("q9", "no such question")],
        vec![("q1", "ok"), ("bogus", "x")],
        vec![("q1", "bell \u{7} here")],
    ] {
        let page = ruth.post(&format!("{DAY_ONE}/journal"), &fields).await;
        assert_eq!(
            page.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{fields:?}: {}",
            page.html
        );
    }
    let page = ruth.get("/journal").await;
    assert!(
        page.html.contains("Still waiting"),
        "the first answer is intact"
    );
    assert!(
        !page.html.contains("bell \u{7} here") && !page.html.contains("bell  here"),
        "{}",
        page.html
    );
}
store_test!(the_journal_is_private_linked_and_exported);

/// The address of the member an agent is signed in as, read from their account page.
async fn address_of(agent: &Agent, state: &abide_web::AppState) -> String {
    let mut agent = Agent {
        cookies: agent.cookies.clone(),
        ..Agent::new(state)
    };
    let html = agent.get("/account").await.html;
    let start = html.find("<strong>").unwrap() + "<strong>".len();
    html[start..].split('<').next().unwrap().to_owned()
}

async fn members_read_what_is_kept_for_members(db: TestDb) {
    import(&db).await;
    let (state, _) = site(&db.store);
    let mut guest = Agent::new(&state);
    let page = guest.get("/journeys/the-open-door/the-inner-table").await;
    assert!(!page.html.contains("quillmarrow") && !page.html.contains("zentharine"));
    assert!(page.html.contains("For members of"));
    let mut member = sign_up(&state, &address("member"), "Member").await;
    let page = member.get("/journeys/the-open-door/the-inner-table").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.html.contains("For members of"), "{}", page.html);
    assert!(
        ["quillmarrow", "zentharine", "vellicorn", "brimwater"]
            .iter()
            .any(|w| page.html.contains(w)),
        "{}",
        page.html
    );
    assert_eq!(page.headers["cache-control"], "private, no-store");
    // The guest still gets the teaser afterwards: nothing of the member's
    // page was cached.
    let page = guest.get("/journeys/the-open-door/the-inner-table").await;
    assert!(page.html.contains("For members of"));
}
store_test!(members_read_what_is_kept_for_members);

async fn a_member_downloads_their_data_and_deletes_their_account(db: TestDb) {
    import(&db).await;
    let (state, _) = site(&db.store);
    let email = address("leaving");
    let mut member = sign_up(&state, &email, "Leaving Soon").await;
    member.post(&format!("{JOURNEY}/follow"), &[]).await;
    member
        .post(
            &format!("{DAY_ONE}/journal"),
            &[("note", "A private thought.")],
        )
        .await;
    let page = member.get("/account/data").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.headers["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    let data: serde_json::Value = serde_json::from_str(&page.html).unwrap();
    let text = data.to_string();
    assert!(
        text.contains(&email) && text.contains("A private thought."),
        "{text}"
    );
    assert!(!text.contains("token_hash") && !text.contains("password_hash"));
    // A wrong confirmation deletes nothing.
    let page = member.post("/account/delete", &[("confirm", "yes")]).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(member.get("/account").await.status, StatusCode::OK);
    let page = member
        .post("/account/delete", &[("confirm", "delete")])
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.html.contains("Your account is deleted"));
    assert!(member.session().is_none());
    assert!(
        db.store
            .user_by_email(&Email::parse(&email).unwrap())
            .await
            .unwrap()
            .is_none()
    );
    let journal: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM journal")
        .fetch_one(db.store.pool())
        .await
        .unwrap();
    assert_eq!(journal, 0);
}
store_test!(a_member_downloads_their_data_and_deletes_their_account);

/// What every member sees of an entry is kept between their requests; a
/// change of content made by another node shows on the next member's page,
/// the member's own part (their step) read afresh each time.
async fn a_members_entry_page_follows_content_changes(db: TestDb) {
    import(&db).await;
    let (state, _) = site(&db.store);
    let mut ruth = sign_up(&state, &address("ruth"), "Ruth").await;
    let page = ruth.get(DAY_ONE).await;
    assert!(
        page.html.contains("more than watchmen wait"),
        "{}",
        page.html
    );
    assert!(
        page.html.contains("Start the journey today"),
        "{}",
        page.html
    );
    // Kept: the same page again, and the member's part still their own.
    let page = ruth
        .post(&format!("{JOURNEY}/follow"), &[("start", "")])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.html);
    let page = ruth.get(DAY_ONE).await;
    assert!(page.html.contains("more than watchmen wait"));
    assert!(
        !page.html.contains("Start the journey today"),
        "{}",
        page.html
    );
    assert!(page.html.contains("Day 1 of your journey"), "{}", page.html);

    // Another node imports a new text of the day.
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../content/tests/fixtures");
    let dir = tempfile::tempdir().unwrap();
    let journey = dir.path().join("journey");
    std::fs::create_dir(&journey).unwrap();
    for file in std::fs::read_dir(fixtures.join("journey")).unwrap() {
        let file = file.unwrap();
        std::fs::copy(file.path(), journey.join(file.file_name())).unwrap();
    }
    let day = journey.join("01-day-one.md");
    let text = std::fs::read_to_string(&day).unwrap();
    std::fs::write(
        &day,
        text.replace(
            "more than watchmen wait",
            "longer than the lamplighters wait",
        ),
    )
    .unwrap();
    let other = db.another_store().await;
    other
        .import_journeys(&[load_journey(&journey, &LoadOptions::default()).unwrap()])
        .await
        .unwrap();
    let page = ruth.get(DAY_ONE).await;
    assert!(
        page.html.contains("longer than the lamplighters wait"),
        "{}",
        page.html
    );
    assert!(!page.html.contains("more than watchmen wait"));
}
store_test!(a_members_entry_page_follows_content_changes);
