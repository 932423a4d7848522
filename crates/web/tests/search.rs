//! Search through HTTP: the page, the JSON and the OpenSearch description;
//! the members-only rule for guests and members; the index following imports
//! made through another node of the same database.

use std::time::{Duration, Instant};

use abide_content::{Journey, LoadOptions};
use abide_store::Clock;
use abide_testkit::{TestDb, store_test};
use abide_web::AppState;
use axum::http::StatusCode;

use crate::accounts::sign_up;
use crate::members::fixture;
use crate::util::{get, header, state, text};

/// The test journey and the members fixtures, imported, indexed, on a site
/// that mails (members sign up) and runs on a simulated clock.
async fn site(db: &TestDb) -> (AppState, Clock, Vec<Journey>) {
    let (state, clock) = crate::accounts::site(&db.store);
    let options = LoadOptions {
        now: clock.now(),
        ..LoadOptions::default()
    };
    let journeys = vec![
        fixture("journey", &options),
        fixture("members/open-door", &options),
        fixture("members/inner-room", &options),
    ];
    state.store().import_journeys(&journeys).await.unwrap();
    state.sync_search().await.unwrap();
    (state, clock, journeys)
}

async fn json(state: &AppState, uri: &str) -> serde_json::Value {
    let response = get(state, uri).await;
    assert_eq!(response.status(), StatusCode::OK, "{uri}");
    serde_json::from_str(&text(response).await).unwrap()
}

fn titles(answer: &serde_json::Value) -> Vec<String> {
    answer["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            e["title_html"]
                .as_str()
                .unwrap()
                .replace("<mark>", "")
                .replace("</mark>", "")
        })
        .collect()
}

async fn words_passages_and_filters(db: TestDb) {
    let (state, _, _) = site(&db).await;
    // Words, stemmed: "waits" and "waiting" are in The Long Night.
    let found = json(&state, "/api/search?q=wait+").await;
    assert!(
        titles(&found).contains(&"The Long Night".to_owned()),
        "{found}"
    );
    // A reference, however it is written, finds the entry whose key passage
    // it is, first; and the passage itself.
    for q in ["Psalm+130:5", "ps+130+5", "psalm+130"] {
        let found = json(&state, &format!("/api/search?q={q}")).await;
        assert_eq!(titles(&found)[0], "The Long Night", "{q}: {found}");
        assert_eq!(found["entries"][0]["cites"], "key", "{q}");
        assert!(
            found["passage"]["url"]
                .as_str()
                .unwrap()
                .starts_with("/bible/Ps.130"),
            "{q}"
        );
    }
    // Verses of the default translation, the search `abide bible search` runs.
    let found = json(&state, "/api/search?q=watchmen+morning").await;
    assert!(found["verses_total"].as_u64().unwrap() > 0, "{found}");
    assert!(
        found["verses"][0]["html"]
            .as_str()
            .unwrap()
            .contains("<mark>")
    );
    // A filter by journey leaves the others out.
    let all = json(&state, "/api/search?q=the+").await;
    let one = json(&state, "/api/search?q=the+&journey=the-open-door").await;
    assert!(one["total"].as_u64() < all["total"].as_u64(), "{one} {all}");
    // A date range after everything finds nothing.
    let none = json(&state, "/api/search?q=the+&from=2030-01-01").await;
    assert_eq!(none["total"], 0);
    // Bad paging and dates are ignored, not refused.
    let odd = json(&state, "/api/search?q=the+&page=x&from=nonsense&to=").await;
    assert_eq!(odd["total"], all["total"]);

    // The page, without JavaScript: results, marks escaped input.
    let response = get(&state, "/search?q=%3Cscript%3Ewait").await;
    assert_eq!(response.status(), StatusCode::OK);
    let html = text(response).await;
    assert!(!html.contains("<script>wait"), "the query is escaped");
    assert!(html.contains("&lt;script&gt;wait"));
    let html = text(get(&state, "/search?q=waiting").await).await;
    assert!(html.contains("The Long Night"), "{html}");
    assert!(html.contains("<mark>"), "{html}");
    // An empty query shows the form and nothing else; the JSON refuses it.
    assert_eq!(get(&state, "/search").await.status(), StatusCode::OK);
    assert_eq!(
        get(&state, "/api/search?q=").await.status(),
        StatusCode::BAD_REQUEST
    );

    // Every page links the OpenSearch description, which leads back here.
    let home = text(get(&state, "/").await).await;
    assert!(home.contains(r#"<link rel="search" type="application/opensearchdescription+xml""#));
    assert!(
        home.contains(r#"action="/search""#),
        "a search box in the header"
    );
    let response = get(&state, "/opensearch.xml").await;
    assert!(header(&response, "content-type").starts_with("application/opensearchdescription+xml"));
    let xml = text(response).await;
    assert!(xml.contains("/search?q={searchTerms}\""), "{xml}");
}
store_test!(words_passages_and_filters);

async fn members_text_is_found_by_members_only(db: TestDb) {
    let (state, _, _) = site(&db).await;
    // "quillmarrow" stands only in text for members (see the members tests).
    for q in [
        "quillmarrow",
        "quilmarrow+",
        "quillmarr",
        "%22quillmarrow%22",
    ] {
        let found = json(&state, &format!("/api/search?q={q}")).await;
        assert_eq!(found["total"], 0, "{q}: {found}");
        // The page says the guest's own words back, and finds nothing.
        let html = text(get(&state, &format!("/search?q={q}")).await).await;
        assert!(!html.contains("search-hits"), "{q}: {html}");
        assert!(html.contains("No readings match"), "{q}");
    }
    // Guests find the teaser of such a reading, never its text.
    let found = json(&state, "/api/search?q=table+enemies").await;
    assert!(
        titles(&found).contains(&"The Inner Table".to_owned()),
        "{found}"
    );
    assert!(!found.to_string().to_lowercase().contains("quillmarrow"));

    let mut member = sign_up(&state, &crate::accounts::address("reader"), "Reader").await;
    let page = member.get("/api/search?q=quillmarrow").await;
    let found: serde_json::Value = serde_json::from_str(&page.html).unwrap();
    assert!(found["total"].as_u64().unwrap() >= 1, "{found}");
    assert!(
        found["entries"][0]["snippet_html"]
            .as_str()
            .unwrap()
            .contains("<mark>")
    );
    assert_eq!(page.headers["cache-control"], "private, no-store");
}
store_test!(members_text_is_found_by_members_only);

async fn the_index_follows_another_nodes_import(db: TestDb) {
    let (node_a, clock, mut journeys) = site(&db).await;
    // A second node on the same database, with its own index.
    let node_b = state(&node_a.store().clone());
    // Until its index is brought up to date once, it says so (and starts).
    let response = get(&node_b, "/api/search?q=wait").await;
    if response.status() == StatusCode::SERVICE_UNAVAILABLE {
        assert_eq!(header(&response, "retry-after"), "2");
    }
    let started = Instant::now();
    loop {
        let response = get(&node_b, "/api/search?q=wait").await;
        if response.status() == StatusCode::OK {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "node B never got ready"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // Node A imports a new title; node B finds it, and no longer the old.
    journeys[0].entries[1].title = "The Long Watch of Gladness".into();
    journeys[0].entries[1].source_hash = "changed".into();
    clock.advance(jiff::SignedDuration::from_mins(1)).unwrap();
    node_a.store().import_journeys(&journeys).await.unwrap();
    let started = Instant::now();
    loop {
        let found = json(&node_b, "/api/search?q=gladness+").await;
        if found["total"] == 1 {
            assert!(
                titles(&json(&node_b, "/api/search?q=wait+").await)
                    .iter()
                    .all(|t| t != "The Long Night")
            );
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "node B did not find node A's import within a second"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
store_test!(the_index_follows_another_nodes_import);

async fn passage_pages_and_search_by_reference_agree(db: TestDb) {
    let (state, _, _) = site(&db).await;
    let now = state.store().now_ms();
    for (query, osis) in [
        ("Psalm+130", "Ps.130"),
        ("Obadiah+1%3A4", "Obad.1.4"),
        ("Nahum+1%3A7", "Nah.1.7"),
        ("Isaiah+40%3A31", "Isa.40.31"),
        ("Psalm+23", "Ps.23"),
        ("Revelation+3", "Rev.3"),
    ] {
        let ranges = abide_scripture::parse_osis(osis).unwrap();
        let (start, end) = (ranges[0].keys().0, ranges[ranges.len() - 1].keys().1);
        let mut cited: Vec<String> = state
            .store()
            .entries_citing(start, end, now)
            .await
            .unwrap()
            .into_iter()
            .map(|c| format!("/journeys/{}/{}", c.entry.journey_slug, c.entry.slug))
            .collect();
        let found = json(&state, &format!("/api/search?q={query}")).await;
        let mut searched: Vec<String> = found["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["url"].as_str().unwrap().to_owned())
            .collect();
        assert!(
            !cited.is_empty(),
            "{osis}: the test needs an entry citing it"
        );
        // Key passages first in both.
        assert_eq!(cited[0], searched[0], "{osis}");
        cited.sort();
        searched.sort();
        assert_eq!(cited, searched, "{osis}");
    }
}
store_test!(passage_pages_and_search_by_reference_agree);

async fn a_guests_kept_answer_shows_a_scheduled_entry_on_time(db: TestDb) {
    let start: jiff::Timestamp = "2027-01-04T05:00:00Z".parse().unwrap();
    let clock = Clock::simulated(start);
    let store = db.store.with_clock(clock.clone());
    let options = LoadOptions {
        now: clock.now(),
        ..LoadOptions::default()
    };
    let mut journey = fixture("journey", &options);
    for e in &mut journey.entries {
        if e.slug == "hannahs-prayer" {
            e.publish_at = start + jiff::SignedDuration::from_mins(60);
        }
    }
    store.import_journeys(&[journey]).await.unwrap();
    // Checks the database once an hour: the schedule alone must refresh
    // the answers kept for guests.
    let state = crate::util::state_with(&store, Duration::from_secs(3600));
    state.sync_search().await.unwrap();
    let hannah = |found: &serde_json::Value| {
        found["entries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["url"].as_str().unwrap().ends_with("/hannahs-prayer"))
    };
    for (q, asked) in [
        ("hannah", "hannah"),
        ("%20%20hannah", "  hannah"),
        ("hannah", "hannah"),
    ] {
        let found = json(&state, &format!("/api/search?q={q}")).await;
        assert!(!hannah(&found), "not yet: {found}");
        assert_eq!(found["query"], asked, "said back as asked");
    }
    clock.advance(jiff::SignedDuration::from_mins(59)).unwrap();
    let found = json(&state, "/api/search?q=hannah").await;
    assert!(!hannah(&found), "a minute early");
    clock.advance(jiff::SignedDuration::from_mins(1)).unwrap();
    let found = json(&state, "/api/search?q=hannah").await;
    assert!(hannah(&found), "on time: {found}");
    let html = text(get(&state, "/search?q=hannah").await).await;
    assert!(html.contains("/hannahs-prayer\""), "{html}");
}
store_test!(a_guests_kept_answer_shows_a_scheduled_entry_on_time);
