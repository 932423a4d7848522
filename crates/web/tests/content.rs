use std::collections::BTreeSet;
use std::path::Path;

use abide_content::{LoadOptions, load_journey};
use abide_testkit::{TestDb, store_test};
use axum::http::StatusCode;

use crate::util::{get, header, state, text};

async fn import_fixture(db: &TestDb) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../content/tests/fixtures/journey");
    // Publish dates in the past, so every entry shows.
    let journey = load_journey(&dir, &LoadOptions::default()).unwrap();
    db.store.import_journeys(&[journey]).await.unwrap();
}

/// Every page of the site with content in it, and every template of the theme
/// rendered by at least one of them (templates fail at run time, so CI must
/// render them all).
async fn every_page_renders(db: TestDb) {
    import_fixture(&db).await;
    let state = state(&db.store);
    let pages = [
        ("/", "home.html"),
        ("/journeys", "journeys.html"),
        ("/journeys/learning-to-wait", "journey.html"),
        ("/journeys/learning-to-wait/the-long-night", "entry.html"),
        (
            "/journeys/learning-to-wait/the-long-night/practice/1",
            "practice.html",
        ),
        ("/tags", "tags.html"),
        ("/tags/lament", "tag.html"),
        ("/authors/ada-lin", "author.html"),
        ("/feed.xml", "rss.xml"),
        ("/atom.xml", "atom.xml"),
        ("/sitemap.xml", "sitemap.xml"),
        ("/no-such-page", "error.html"),
        ("/bible", "bible.html"),
        ("/bible/Ps.130", "passage.html"),
        ("/sign-in", "sign-in.html"),
        ("/sign-up", "sign-up.html"),
        ("/reset", "reset.html"),
        ("/link/sign-up?token=x", "link.html"),
        ("/search", "search.html"),
        ("/opensearch.xml", "opensearch.xml"),
        ("/subscribe", "subscribe.html"),
        ("/subscribe/confirm/x", "subscribe-confirm.html"),
    ];
    // Pages behind a sign-up or a form, rendered by the tests in accounts.rs.
    let behind_forms = [
        "account.html",
        "check-email.html",
        "link-failed.html",
        // A member's own pages, rendered by the tests in reader.rs.
        "today.html",
        "progress.html",
        "journal.html",
        "goodbye.html",
        // Subscriptions, and the mail itself, rendered by the tests in
        // subscriptions.rs.
        "subscribe-sent.html",
        "email-preferences.html",
        "unsubscribe.html",
        "mail.html",
        "mail.txt",
        // The back office, rendered by the tests in admin.rs (the article
        // of an entry by its page here, and by the editor's preview).
        "entry-article.html",
        "admin/layout.html",
        "admin/dashboard.html",
        "admin/journey.html",
        "admin/editor.html",
        "admin/preview.html",
        "admin/text-editor.html",
        "admin/history.html",
        "admin/media.html",
        "admin/revision.html",
        "admin/restore-failed.html",
        "admin/settings.html",
        "admin/users.html",
        "admin/audit.html",
    ];
    let mut rendered: BTreeSet<String> = ["base.html", "macros.html"]
        .into_iter()
        .chain(behind_forms)
        .map(str::to_owned)
        .collect();
    for (path, template) in pages {
        let response = get(&state, path).await;
        let expected = if template == "error.html" {
            StatusCode::NOT_FOUND
        } else {
            StatusCode::OK
        };
        assert_eq!(response.status(), expected, "{path}");
        let body = text(response).await;
        assert!(!body.is_empty(), "{path}");
        rendered.insert(template.to_owned());
    }
    let all: BTreeSet<String> = state.theme().template_names().into_iter().collect();
    assert_eq!(rendered, all, "a template without a page test");
}
store_test!(every_page_renders);

async fn the_entry_page_has_its_sections_links_and_metadata(db: TestDb) {
    import_fixture(&db).await;
    let state = state(&db.store);
    let html = text(get(&state, "/journeys/learning-to-wait/the-long-night").await).await;
    for needle in [
        "<title>The Long Night · Learning to Wait · Abide</title>",
        "<link rel=\"canonical\" href=\"http://abide.test/journeys/learning-to-wait/the-long-night\">",
        "<meta property=\"og:type\" content=\"article\">",
        "<meta property=\"og:image\" content=\"http://abide.test/media/journeys/learning-to-wait/",
        "<meta name=\"twitter:card\" content=\"summary_large_image\">",
        "<meta property=\"og:title\" content=\"The Long Night\">",
        "\"@type\": \"Article\"",
        "data-osis=\"Ps.130.5-Ps.130.6\">Psalm 130:5-6</a>",
        "href=\"/bible/Isa.40.31\" data-osis=\"Isa.40.31\">Isaiah 40:31</a>",
        "<h2 id=\"deeper-title\">Going Deeper</h2>",
        "Sit in silence before God. <span class=\"duration\">5 min</span>",
        "<h2 id=\"question-title\">Question</h2>",
        "<a class=\"tag\" href=\"/tags/lament\">Lament</a>",
        "by <a href=\"/authors/ada-lin\">Ada Lin</a>",
        "https://www.facebook.com/sharer/sharer.php?u=http%3A//abide.test/journeys/learning-to-wait/the-long-night",
        "rel=\"prev\"",
        "rel=\"next\"",
    ] {
        assert!(
            html.contains(needle),
            "missing {needle:?} in the entry page:\n{html}"
        );
    }
}
store_test!(the_entry_page_has_its_sections_links_and_metadata);

async fn members_only_text_is_not_shown(db: TestDb) {
    import_fixture(&db).await;
    let state = state(&db.store);
    let html = text(get(&state, "/journeys/learning-to-wait/hannahs-prayer").await).await;
    assert!(html.contains("For members of Abide"), "{html}");
    assert!(html.contains("href=\"/sign-up\""), "{html}");
    assert!(
        html.contains("href=\"/sign-in?next=/journeys/learning-to-wait/hannahs-prayer\""),
        "{html}"
    );
    assert!(
        !html.contains("Her waiting became prayer"),
        "the body leaked:\n{html}"
    );
}
store_test!(members_only_text_is_not_shown);

async fn unpublished_and_unknown_entries_are_404(db: TestDb) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../content/tests/fixtures/journey");
    let options = LoadOptions {
        // Import "before" the journey's start: nothing is published yet.
        now: "2026-01-01T00:00:00Z".parse().unwrap(),
        ..LoadOptions::default()
    };
    let mut journey = load_journey(&dir, &options).unwrap();
    for e in &mut journey.entries {
        e.publish_at = "2999-01-01T00:00:00Z".parse().unwrap();
    }
    db.store.import_journeys(&[journey]).await.unwrap();
    let state = state(&db.store);
    let response = get(&state, "/journeys/learning-to-wait/the-long-night").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let response = get(&state, "/journeys/nope/the-long-night").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let html = text(get(&state, "/journeys/learning-to-wait").await).await;
    assert!(html.contains("more readings coming soon"), "{html}");
}
store_test!(unpublished_and_unknown_entries_are_404);

async fn feeds_and_sitemap(db: TestDb) {
    import_fixture(&db).await;
    let state = state(&db.store);
    let response = get(&state, "/feed.xml").await;
    assert_eq!(
        header(&response, "content-type"),
        "application/rss+xml; charset=utf-8"
    );
    let rss = text(response).await;
    assert!(rss.contains("<guid isPermaLink=\"true\">http://abide.test/journeys/learning-to-wait/the-long-night</guid>"), "{rss}");
    assert!(
        rss.contains("<pubDate>Mon, 2 Mar 2026 00:00:00 +0000</pubDate>"),
        "{rss}"
    );

    let atom = text(get(&state, "/atom.xml").await).await;
    assert!(
        atom.contains("<published>2026-03-02T00:00:00Z</published>"),
        "{atom}"
    );

    let response = get(&state, "/feed.json").await;
    assert_eq!(
        header(&response, "content-type"),
        "application/feed+json; charset=utf-8"
    );
    let json: serde_json::Value = serde_json::from_str(&text(response).await).unwrap();
    assert_eq!(json["version"], "https://jsonfeed.org/version/1.1");
    assert_eq!(json["items"].as_array().unwrap().len(), 4);

    let sitemap = text(get(&state, "/sitemap.xml").await).await;
    assert!(
        sitemap.contains("<loc>http://abide.test/journeys/learning-to-wait/the-long-night</loc>")
    );
    assert!(
        !sitemap.contains("hannahs-prayer"),
        "members only is not in the sitemap"
    );

    let robots = text(get(&state, "/robots.txt").await).await;
    assert!(robots.contains("Sitemap: http://abide.test/sitemap.xml"));
}
store_test!(feeds_and_sitemap);

async fn covers_are_served_from_the_database(db: TestDb) {
    import_fixture(&db).await;
    let state = state(&db.store);
    let html = text(get(&state, "/journeys/learning-to-wait").await).await;
    let src = html
        .split("src=\"")
        .filter_map(|s| s.split('"').next())
        .find(|s| s.starts_with("/media/"))
        .expect("the cover on the journey page")
        .to_owned();
    let response = get(&state, &src).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, "content-type"), "image/png");
    assert_eq!(
        header(&response, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    assert_eq!(
        get(&state, "/media/journeys/nope.png").await.status(),
        StatusCode::NOT_FOUND
    );
}
store_test!(covers_are_served_from_the_database);
