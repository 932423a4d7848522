use std::path::Path;
use std::time::Duration;

use abide_content::{LoadOptions, load_journey};
use abide_store::Clock;
use abide_testkit::{TestDb, store_test};
use axum::body::Body;
use axum::http::{Request, StatusCode};

use crate::util::{get, header, send, state, state_with, text};

fn fixture() -> abide_content::Journey {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../content/tests/fixtures/journey");
    load_journey(&dir, &LoadOptions::default()).unwrap()
}

async fn pages_revalidate_with_etags(db: TestDb) {
    db.store.import_journeys(&[fixture()]).await.unwrap();
    let state = state(&db.store);
    let first = get(&state, "/journeys/learning-to-wait").await;
    assert_eq!(first.status(), StatusCode::OK);
    assert_eq!(header(&first, "cache-control"), "public, no-cache");
    let etag = header(&first, "etag").to_owned();
    let last_modified = header(&first, "last-modified").to_owned();
    assert!(
        etag.starts_with('"') && last_modified.ends_with(" GMT"),
        "{etag} {last_modified}"
    );
    let body = text(first).await;

    let again = get(&state, "/journeys/learning-to-wait").await;
    assert_eq!(header(&again, "etag"), etag, "served from the cache");
    assert_eq!(text(again).await, body);

    for (name, value) in [
        ("if-none-match", etag.as_str()),
        ("if-modified-since", last_modified.as_str()),
    ] {
        let request = Request::get("/journeys/learning-to-wait")
            .header(name, value)
            .body(Body::empty())
            .unwrap();
        let response = send(&state, request).await;
        assert_eq!(response.status(), StatusCode::NOT_MODIFIED, "{name}");
        assert_eq!(header(&response, "etag"), etag);
        assert!(text(response).await.is_empty());
    }
    let request = Request::head("/journeys/learning-to-wait")
        .body(Body::empty())
        .unwrap();
    let response = send(&state, request).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(text(response).await.is_empty());
}
store_test!(pages_revalidate_with_etags);

async fn an_import_refreshes_the_pages(db: TestDb) {
    let state = state(&db.store);
    let before = text(get(&state, "/journeys").await).await;
    assert!(before.contains("No journeys have been published yet."));
    db.store.import_journeys(&[fixture()]).await.unwrap();
    let after = text(get(&state, "/journeys").await).await;
    assert!(after.contains("Learning to Wait"), "{after}");

    // A settings change too.
    let mut site = db.store.site_settings().await.unwrap();
    site.title = "Renamed".into();
    db.store.set_site_settings(&site).await.unwrap();
    assert!(
        text(get(&state, "/journeys").await)
            .await
            .contains("<a class=\"brand\" href=\"/\">Renamed</a>")
    );
}
store_test!(an_import_refreshes_the_pages);

async fn a_scheduled_entry_appears_on_time_even_between_checks(db: TestDb) {
    let start: jiff::Timestamp = "2027-01-04T05:00:00Z".parse().unwrap();
    let clock = Clock::simulated(start);
    let store = db.store.with_clock(clock.clone());
    let mut journey = fixture();
    let at = start + jiff::SignedDuration::from_mins(60);
    for e in &mut journey.entries {
        if e.slug == "hannahs-prayer" {
            e.publish_at = at;
        }
    }
    store.import_journeys(&[journey]).await.unwrap();
    // Checks the database only once an hour: the schedule alone must refresh.
    let state = state_with(&store, Duration::from_secs(3600));
    let page = text(get(&state, "/journeys/learning-to-wait").await).await;
    assert!(!page.contains("Hannah"), "not yet");
    clock.advance(jiff::SignedDuration::from_mins(59)).unwrap();
    let page = text(get(&state, "/journeys/learning-to-wait").await).await;
    assert!(!page.contains("Hannah"), "a minute early");
    clock.advance(jiff::SignedDuration::from_mins(1)).unwrap();
    let page = text(get(&state, "/journeys/learning-to-wait").await).await;
    assert!(page.contains("Hannah"), "published on time:\n{page}");
}
store_test!(a_scheduled_entry_appears_on_time_even_between_checks);

async fn cached_pages_are_compressed_once(db: TestDb) {
    db.store.import_journeys(&[fixture()]).await.unwrap();
    let state = state(&db.store);
    let plain = text(get(&state, "/journeys/learning-to-wait/the-long-night").await).await;
    for encoding in ["br", "gzip"] {
        let request = Request::get("/journeys/learning-to-wait/the-long-night")
            .header("accept-encoding", encoding)
            .body(Body::empty())
            .unwrap();
        let response = send(&state, request).await;
        assert_eq!(header(&response, "content-encoding"), encoding);
        let bytes = http_body_util::BodyExt::collect(response.into_body())
            .await
            .unwrap()
            .to_bytes();
        assert!(
            bytes.len() < plain.len() / 2,
            "{encoding}: {} of {}",
            bytes.len(),
            plain.len()
        );
    }
}
store_test!(cached_pages_are_compressed_once);
