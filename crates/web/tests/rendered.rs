//! Every page of the default theme, rendered from the test journey at a fixed
//! moment, compared whole with its snapshot in `tests/snapshots/`: a template
//! or handler change shows its whole effect in review. The assertions about
//! intent stay in the other test files.
//!
//! To accept a change: `INSTA_UPDATE=always cargo test -p abide-web rendered`,
//! then read the diff of `tests/snapshots/` before committing it.

use std::path::Path;

use abide_content::{LoadOptions, load_journey};
use abide_store::Clock;
use abide_testkit::{TestDb, store_test};
use axum::http::StatusCode;

use crate::util::{get, state, text};

/// The pages, by name, and the status each answers.
const PAGES: &[(&str, &str, StatusCode)] = &[
    ("home", "/", StatusCode::OK),
    ("journeys", "/journeys", StatusCode::OK),
    ("journey", "/journeys/learning-to-wait", StatusCode::OK),
    (
        "entry",
        "/journeys/learning-to-wait/the-long-night",
        StatusCode::OK,
    ),
    (
        "entry_members_only",
        "/journeys/learning-to-wait/hannahs-prayer",
        StatusCode::OK,
    ),
    (
        "practice",
        "/journeys/learning-to-wait/the-long-night/practice/1",
        StatusCode::OK,
    ),
    ("tags", "/tags", StatusCode::OK),
    ("tag", "/tags/prayer", StatusCode::OK),
    ("author", "/authors/ada-lin", StatusCode::OK),
    ("bible", "/bible", StatusCode::OK),
    ("passage", "/bible/Ps.130", StatusCode::OK),
    (
        "passage_kjv",
        "/bible/John.11.35?translation=kjv",
        StatusCode::OK,
    ),
    (
        "passage_too_long",
        "/bible/Ps",
        StatusCode::UNPROCESSABLE_ENTITY,
    ),
    (
        "lookup_problem",
        "/bible?ref=John+22%3A1",
        StatusCode::UNPROCESSABLE_ENTITY,
    ),
    ("not_found", "/no/such/page", StatusCode::NOT_FOUND),
    ("rss", "/feed.xml", StatusCode::OK),
    ("atom", "/atom.xml", StatusCode::OK),
    ("json_feed", "/feed.json", StatusCode::OK),
    ("sitemap", "/sitemap.xml", StatusCode::OK),
    ("robots", "/robots.txt", StatusCode::OK),
    ("api_passage", "/api/passages/Ps.46.10", StatusCode::OK),
];

async fn every_page_matches_its_snapshot(db: TestDb) {
    let clock = Clock::simulated("2027-01-04T06:00:00Z".parse().unwrap());
    let store = db.store.with_clock(clock.clone());
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../content/tests/fixtures/journey");
    let options = LoadOptions {
        now: clock.now(),
        ..LoadOptions::default()
    };
    let journey = load_journey(&dir, &options).unwrap();
    store.import_journeys(&[journey]).await.unwrap();
    let state = state(&store);
    for (name, uri, status) in PAGES {
        let response = get(&state, uri).await;
        assert_eq!(response.status(), *status, "{uri}");
        let body = text(response).await;
        insta::with_settings!({ description => *uri, omit_expression => true }, {
            insta::assert_snapshot!(*name, body);
        });
    }
}
store_test!(every_page_matches_its_snapshot);
