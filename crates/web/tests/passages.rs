use std::path::Path;

use abide_content::{LoadOptions, load_journey};
use abide_testkit::{TestDb, store_test};
use axum::body::Body;
use axum::http::{Request, StatusCode};

use crate::util::{get, header, send, state, text};

async fn import_fixture(db: &TestDb) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../content/tests/fixtures/journey");
    let journey = load_journey(&dir, &LoadOptions::default()).unwrap();
    db.store.import_journeys(&[journey]).await.unwrap();
}

fn with_cookie(uri: &str, cookie: &str) -> Request<Body> {
    Request::get(uri)
        .header("cookie", cookie)
        .body(Body::empty())
        .unwrap()
}

async fn a_passage_page_has_the_text_and_the_readings_that_cite_it(db: TestDb) {
    import_fixture(&db).await;
    let state = state(&db.store);
    let response = get(&state, "/bible/Ps.130.5-Ps.130.6").await;
    assert_eq!(response.status(), StatusCode::OK);
    let html = text(response).await;
    assert!(
        html.contains("<h1 id=\"passage-title\">Psalm 130:5–6</h1>"),
        "{html}"
    );
    assert!(
        html.contains("<sup class=\"verse-number\">5</sup>"),
        "{html}"
    );
    assert!(
        html.contains("American Standard Version (ASV)"),
        "attribution: {html}"
    );
    assert!(
        html.contains("href=\"/journeys/learning-to-wait/the-long-night\""),
        "citing entry: {html}"
    );
    assert!(html.contains("Read the whole chapter"), "{html}");

    // A whole chapter: chapter navigation, and every entry citing any verse.
    let html = text(get(&state, "/bible/1Sam.1").await).await;
    assert!(html.contains("rel=\"next\""), "{html}");
    let hannah = html.find("hannahs-prayer").unwrap();
    let intro = html.find("/why-wait").unwrap();
    assert!(hannah < intro, "the key-passage citation comes first");

    // Nobody cites Jude.
    let html = text(get(&state, "/bible/Jude.1.24-Jude.1.25").await).await;
    assert!(
        html.contains("No reading discusses Jude 24–25 yet."),
        "{html}"
    );
}
store_test!(a_passage_page_has_the_text_and_the_readings_that_cite_it);

async fn the_translation_can_be_chosen_and_remembered(db: TestDb) {
    import_fixture(&db).await;
    let state = state(&db.store);
    let asv = text(get(&state, "/bible/John.11.35").await).await;
    assert!(asv.contains("(ASV)"), "the default: {asv}");
    let kjv = text(get(&state, "/bible/John.11.35?translation=kjv").await).await;
    assert!(kjv.contains("King James Version"), "{kjv}");
    assert!(kjv.contains("Jesus wept."));

    // Remembered in a cookie, set by a form of this site only.
    let form = Request::post("/preferences")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("host", "abide.test")
        .header("origin", "http://abide.test")
        .body(Body::from(
            "translation=kjv&back=%2Fjourneys%2Flearning-to-wait%2Fthe-long-night",
        ))
        .unwrap();
    let response = send(&state, form).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        header(&response, "location"),
        "/journeys/learning-to-wait/the-long-night"
    );
    let cookie = header(&response, "set-cookie").to_owned();
    assert!(
        cookie.starts_with("translation=kjv;") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );

    let foreign = Request::post("/preferences")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("host", "abide.test")
        .header("origin", "https://evil.example")
        .body(Body::from("translation=kjv&back=%2F"))
        .unwrap();
    assert_eq!(send(&state, foreign).await.status(), StatusCode::FORBIDDEN);
    let offsite = Request::post("/preferences")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("origin", "http://abide.test")
        .body(Body::from("translation=kjv&back=%2F%2Fevil.example"))
        .unwrap();
    assert_eq!(
        header(&send(&state, offsite).await, "location"),
        "/",
        "no open redirect"
    );

    // The entry quotes its key passage in the reader's translation; the page
    // cache keeps one copy per translation.
    let default = text(get(&state, "/journeys/learning-to-wait/the-long-night").await).await;
    assert!(
        default.contains("Scripture quoted from the American Standard Version"),
        "{default}"
    );
    let chosen = text(
        send(
            &state,
            with_cookie(
                "/journeys/learning-to-wait/the-long-night",
                "translation=kjv",
            ),
        )
        .await,
    )
    .await;
    assert!(
        chosen.contains("Scripture quoted from the King James Version"),
        "{chosen}"
    );
    assert!(
        chosen.contains("<sup class=\"verse-number\">5</sup>"),
        "{chosen}"
    );
}
store_test!(the_translation_can_be_chosen_and_remembered);

async fn bad_passages_are_404_and_odd_forms_redirect(db: TestDb) {
    let state = state(&db.store);
    for uri in ["/bible/Nope.1.1", "/bible/John.22.1", "/bible/%20"] {
        assert_eq!(
            get(&state, uri).await.status(),
            StatusCode::NOT_FOUND,
            "{uri}"
        );
    }
    let response = get(&state, "/bible/John.3.16-John.3.16").await;
    assert_eq!(response.status(), StatusCode::PERMANENT_REDIRECT);
    assert_eq!(header(&response, "location"), "/bible/John.3.16");

    let response = get(&state, "/bible?ref=Romans%208%3A28").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(header(&response, "location"), "/bible/Rom.8.28");
    let response = get(&state, "/bible?ref=Hezekiah%203").await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(response).await.contains("aria-invalid=\"true\""));
    let html = text(get(&state, "/bible").await).await;
    assert!(html.contains("Verse for today"), "{html}");
}
store_test!(bad_passages_are_404_and_odd_forms_redirect);

async fn the_passage_api_feeds_the_popovers(db: TestDb) {
    let state = state(&db.store);
    let response = get(&state, "/api/passages/John.11.35?translation=kjv").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, "content-type"), "application/json");
    let json: serde_json::Value = serde_json::from_str(&text(response).await).unwrap();
    assert_eq!(json["reference"], "John 11:35");
    assert_eq!(json["translation"]["abbreviation"], "KJV");
    assert_eq!(json["verses"][0]["number"], 35);
    assert_eq!(json["verses"][0]["text"], "Jesus wept.");
    assert_eq!(json["truncated"], false);

    let json: serde_json::Value =
        serde_json::from_str(&text(get(&state, "/api/passages/Luke.15").await).await).unwrap();
    assert_eq!(json["truncated"], true);
    assert_eq!(json["verses"].as_array().unwrap().len(), 8);

    let response = get(&state, "/api/passages/Nope.1.1").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let json: serde_json::Value = serde_json::from_str(&text(response).await).unwrap();
    assert!(json["error"].as_str().unwrap().contains("not a passage"));
    let response = get(&state, "/api/passages/John.3.16?translation=xyz").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}
store_test!(the_passage_api_feeds_the_popovers);

async fn hostile_input_never_reaches_a_header(db: TestDb) {
    let state = state(&db.store);
    // A line break in ?translation= on a redirect.
    let response = get(
        &state,
        "/bible/John.3.16-John.3.16?translation=kjv%0D%0ASet-Cookie:x=1",
    )
    .await;
    assert_eq!(response.status(), StatusCode::PERMANENT_REDIRECT);
    assert_eq!(header(&response, "location"), "/bible/John.3.16");
    // A line break, or a backslash, in the page to go back to.
    for back in [
        "%2Fa%0D%0ASet-Cookie:x=1",
        "%2F%5Cevil.example",
        "%2Fcaf%C3%A9",
    ] {
        let form = Request::post("/preferences")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("origin", "http://abide.test")
            .body(Body::from(format!("translation=kjv&back={back}")))
            .unwrap();
        let response = send(&state, form).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{back}");
        assert_eq!(header(&response, "location"), "/", "{back}");
    }
}
store_test!(hostile_input_never_reaches_a_header);
