//! What one request can make the server spend: passages of any size, the
//! lookup box, the page cache, error pages (issue 10).

use std::path::Path;

use abide_content::{LoadOptions, load_journey};
use abide_testkit::{TestDb, store_test};
use axum::body::Body;
use axum::http::{Request, StatusCode};

use crate::util::{get, header, send, state, text};

async fn repeated_and_overlapping_ranges_have_one_address(db: TestDb) {
    let state = state(&db.store);
    for (asked, canonical) in [
        ("John.3.16,John.3.17", "John.3.16-John.3.17"),
        ("Ps.23,Ps.23.1-Ps.23.3,Ps.23", "Ps.23"),
        ("John.3.16,Gen.1.1,John.3.16", "John.3.16,Gen.1.1"),
    ] {
        let response = get(&state, &format!("/bible/{asked}")).await;
        assert_eq!(response.status(), StatusCode::PERMANENT_REDIRECT, "{asked}");
        assert_eq!(header(&response, "location"), format!("/bible/{canonical}"));
    }
    let many = vec!["Ps.23"; 1_000].join(",");
    let response = get(&state, &format!("/bible/{many}")).await;
    assert_eq!(header(&response, "location"), "/bible/Ps.23");
    // Repeats of a passage too large for a page are refused, not redirected.
    let many = vec!["Gen-Rev"; 1_000].join(",");
    let response = get(&state, &format!("/bible/{many}")).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
}
store_test!(repeated_and_overlapping_ranges_have_one_address);

async fn a_passage_too_large_is_refused_with_a_way_in(db: TestDb) {
    let state = state(&db.store);
    for too_big in ["Gen-Rev", "Ps", "Gen.1-Exod.40"] {
        let response = get(&state, &format!("/bible/{too_big}")).await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{too_big}"
        );
        let html = text(response).await;
        assert!(html.contains("a page shows up to 1,000"), "{html}");
        assert!(html.len() < 40_000, "{} bytes", html.len());
    }
    let html = text(get(&state, "/bible/Ps").await).await;
    assert!(
        html.contains("href=\"/bible/Ps.1\""),
        "a pointer to the first chapter: {html}"
    );

    // Too many separate ranges, even small ones.
    let scattered: Vec<String> = (1..=40).map(|c| format!("Ps.{c}.1")).collect();
    let response = get(&state, &format!("/bible/{}", scattered.join(","))).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(response).await.contains("40 separate passages"));

    // Within the limits: a whole book that fits, shown in full.
    let response = get(&state, "/bible/Ruth").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        text(response)
            .await
            .contains("<sup class=\"verse-number\">22</sup>")
    );
}
store_test!(a_passage_too_large_is_refused_with_a_way_in);

async fn the_lookup_box_stays_within_the_limits(db: TestDb) {
    let state = state(&db.store);
    let huge = vec!["Gen 1-Rev 22"; 50].join("; ");
    let uri = format!("/bible?ref={}", huge.replace(' ', "+").replace(';', "%3B"));
    let response = get(&state, &uri).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(response).await.contains("a page shows up to 1,000"));
    let response = get(&state, "/bible?ref=Ps+23%3B+Ps+23%3A1-3").await;
    assert_eq!(header(&response, "location"), "/bible/Ps.23");
}
store_test!(the_lookup_box_stays_within_the_limits);

async fn the_api_builds_only_what_it_sends(db: TestDb) {
    let state = state(&db.store);
    let many = vec!["Gen-Rev"; 1_000].join(",");
    let response = get(&state, &format!("/api/passages/{many}")).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, "cache-control"), "public, max-age=3600");
    let json: serde_json::Value = serde_json::from_str(&text(response).await).unwrap();
    assert_eq!(json["osis"], "Gen-Rev");
    assert_eq!(json["truncated"], true);
    assert_eq!(json["verses"].as_array().unwrap().len(), 8);
    assert_eq!(json["verses"][7]["osis"], "Gen.1.8");

    let scattered: Vec<String> = (1..=40).map(|c| format!("Ps.{c}.1")).collect();
    let response = get(&state, &format!("/api/passages/{}", scattered.join(","))).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let json: serde_json::Value = serde_json::from_str(&text(response).await).unwrap();
    assert!(
        json["error"]
            .as_str()
            .unwrap()
            .contains("40 separate passages"),
        "{json}"
    );
}
store_test!(the_api_builds_only_what_it_sends);

async fn not_found_pages_do_not_echo_long_paths(db: TestDb) {
    let state = state(&db.store);
    let path = format!("/{}", "a".repeat(65_000));
    let response = get(&state, &path).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let html = text(response).await;
    assert!(html.len() < 20_000, "{} bytes", html.len());
    assert!(
        !html.contains("rel=\"canonical\""),
        "an error page has no canonical address"
    );
}
store_test!(not_found_pages_do_not_echo_long_paths);

async fn tags_and_authors_of_unpublished_entries_have_no_page(db: TestDb) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../content/tests/fixtures/journey");
    let mut journey = load_journey(&dir, &LoadOptions::default()).unwrap();
    // The last entry: scheduled far ahead, with a tag and an author of its own.
    let later = journey.entries.last_mut().unwrap();
    later.publish_at = "2099-01-01T06:00:00Z".parse().unwrap();
    later.tags.push(abide_content::Tag::new("Not Yet"));
    journey.authors.push(abide_content::Author {
        slug: "future-writer".into(),
        name: "Future Writer".into(),
        bio_html: String::new(),
    });
    later.author = Some("future-writer".into());
    db.store.import_journeys(&[journey]).await.unwrap();
    let state = state(&db.store);
    assert_eq!(
        get(&state, "/tags/not-yet").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&state, "/authors/future-writer").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&state, "/tags/not-a-tag").await.status(),
        StatusCode::NOT_FOUND
    );
    // Published ones still have theirs.
    assert_eq!(get(&state, "/tags/prayer").await.status(), StatusCode::OK);
    assert_eq!(
        get(&state, "/authors/ada-lin").await.status(),
        StatusCode::OK
    );
}
store_test!(tags_and_authors_of_unpublished_entries_have_no_page);

async fn forms_need_to_come_from_this_site(db: TestDb) {
    let state = state(&db.store);
    let post = |headers: &[(&str, &str)]| {
        let mut request = Request::post("/preferences")
            .header("content-type", "application/x-www-form-urlencoded");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request
            .body(Body::from("translation=kjv&back=%2F"))
            .unwrap()
    };
    // No Origin, no Sec-Fetch-Site, no Referer: refused.
    assert_eq!(
        send(&state, post(&[])).await.status(),
        StatusCode::FORBIDDEN
    );
    // Origin is compared with the configured base URL, scheme included, not the Host header.
    let forged = post(&[("host", "evil.example"), ("origin", "http://evil.example")]);
    assert_eq!(send(&state, forged).await.status(), StatusCode::FORBIDDEN);
    let https = post(&[("origin", "https://abide.test")]);
    assert_eq!(send(&state, https).await.status(), StatusCode::FORBIDDEN);
    let same = post(&[("sec-fetch-site", "same-origin")]);
    assert_eq!(send(&state, same).await.status(), StatusCode::SEE_OTHER);
}
store_test!(forms_need_to_come_from_this_site);
