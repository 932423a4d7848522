//! Published addresses never break (issue 14, item 7): after a rename, the
//! old address answers 301 to the new one on every node, both ways, without
//! a loop; a removed entry's address answers 410; sitemap and feeds list
//! current addresses only.

use std::path::Path;

use abide_content::{LoadOptions, load_journey};
use abide_store::Store;
use abide_testkit::{TestDb, store_test};
use axum::http::StatusCode;

use crate::accounts::{address, sign_up, site};
use crate::util::{get, header, state, text};

const OLD: &str = "/journeys/learning-to-wait/the-long-night";
const NEW: &str = "/journeys/learning-to-wait/the-longest-night";

fn copy_fixture() -> tempfile::TempDir {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("../content/tests/fixtures/journey");
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(fixture).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
    }
    dir
}

fn edit(dir: &Path, file: &str, from: &str, to: &str) {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} has {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

async fn import(store: &Store, dir: &Path) {
    let journey = load_journey(dir, &LoadOptions::default()).unwrap();
    store.import_journeys(&[journey]).await.unwrap();
}

/// Asserts that `from` answers 301 to `to`, and that `to` answers 200.
async fn redirects(node: &abide_web::AppState, from: &str, to: &str) {
    let response = get(node, from).await;
    assert_eq!(response.status(), StatusCode::MOVED_PERMANENTLY, "{from}");
    assert_eq!(header(&response, "location"), to, "{from}");
    assert_eq!(header(&response, "cache-control"), "no-cache", "{from}");
    let path = to.split('?').next().unwrap();
    assert_eq!(get(node, path).await.status(), StatusCode::OK, "{to}");
}

async fn a_renamed_entry_redirects_both_ways_on_every_node(db: TestDb) {
    let dir = copy_fixture();
    import(&db.store, dir.path()).await;
    // Two nodes on one database, each with its own page cache, each holding
    // the page at its first address.
    let nodes = [state(&db.store), state(&db.store)];
    for node in &nodes {
        assert_eq!(get(node, OLD).await.status(), StatusCode::OK);
    }

    edit(
        dir.path(),
        "01-day-one.md",
        "The Long Night",
        "The Longest Night",
    );
    import(&db.store, dir.path()).await;
    for node in &nodes {
        redirects(node, OLD, NEW).await;
        // The pages under an entry move with it.
        redirects(
            node,
            &format!("{OLD}/practice/1"),
            &format!("{NEW}/practice/1"),
        )
        .await;
        redirects(
            node,
            &format!("{OLD}?translation=kjv"),
            &format!("{NEW}?translation=kjv"),
        )
        .await;
        assert_eq!(
            get(node, "/journeys/learning-to-wait/no-such-day")
                .await
                .status(),
            StatusCode::NOT_FOUND
        );
    }
    let sitemap = text(get(&nodes[0], "/sitemap.xml").await).await;
    assert!(sitemap.contains(NEW) && !sitemap.contains(OLD), "{sitemap}");
    let feed = text(get(&nodes[0], "/feed.xml").await).await;
    assert!(!feed.contains(OLD), "{feed}");

    // And back: the first address is the page again, the second leads to it.
    edit(
        dir.path(),
        "01-day-one.md",
        "The Longest Night",
        "The Long Night",
    );
    import(&db.store, dir.path()).await;
    for node in &nodes {
        assert_eq!(get(node, OLD).await.status(), StatusCode::OK);
        redirects(node, NEW, OLD).await;
    }
}
store_test!(a_renamed_entry_redirects_both_ways_on_every_node);

async fn a_renamed_journey_and_a_removed_entry(db: TestDb) {
    let dir = copy_fixture();
    import(&db.store, dir.path()).await;
    let node = state(&db.store);
    edit(
        dir.path(),
        "journey.toml",
        "title = \"Learning to Wait\"",
        "title = \"Waiting Well\"",
    );
    std::fs::remove_file(dir.path().join("03-recap.md")).unwrap();
    import(&db.store, dir.path()).await;

    redirects(
        &node,
        "/journeys/learning-to-wait",
        "/journeys/waiting-well",
    )
    .await;
    redirects(&node, OLD, "/journeys/waiting-well/the-long-night").await;
    let gone = get(&node, "/journeys/waiting-well/week-one-in-review").await;
    assert_eq!(gone.status(), StatusCode::GONE);
    assert!(text(gone).await.contains("This reading was removed"));
    // Under the journey's old address too.
    let gone = get(&node, "/journeys/learning-to-wait/week-one-in-review").await;
    assert_eq!(gone.status(), StatusCode::GONE);
}
store_test!(a_renamed_journey_and_a_removed_entry);

async fn a_form_posted_to_an_old_address_is_sent_on_with_its_method(db: TestDb) {
    let dir = copy_fixture();
    import(&db.store, dir.path()).await;
    let (node, _) = site(&db.store);
    let mut ruth = sign_up(&node, &address("ruth"), "Ruth").await;
    ruth.post("/journeys/learning-to-wait/follow", &[]).await;
    // The page with the journal form was shown; then the entry was renamed.
    assert!(
        db.store
            .rename_entry(
                "learning-to-wait",
                "the-long-night",
                "the-longest-night",
                false
            )
            .await
            .unwrap()
    );
    let fields = [("note", "Still waiting.")];
    let page = ruth.post(&format!("{OLD}/journal"), &fields).await;
    assert_eq!(page.status, StatusCode::PERMANENT_REDIRECT, "{}", page.html);
    let location = format!("{NEW}/journal");
    assert_eq!(page.location.as_deref(), Some(location.as_str()));
    let page = ruth.post(&location, &fields).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.html);
    assert!(ruth.get(NEW).await.html.contains("Still waiting."));
}
store_test!(a_form_posted_to_an_old_address_is_sent_on_with_its_method);
