use std::path::{Path, PathBuf};

use abide_content::{LoadOptions, load_journey};
use abide_store::Store;
use abide_testkit::{TestDb, store_test};
use jiff::Timestamp;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../content/tests/fixtures/journey")
}

/// A copy of the fixture journey that a test may edit.
fn copy_fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(fixture()).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
    }
    dir
}

fn ms(t: &str) -> i64 {
    t.parse::<Timestamp>().unwrap().as_millisecond()
}

async fn import(store: &Store, dir: &Path) -> abide_store::ImportReport {
    let journey = load_journey(dir, &LoadOptions::default()).unwrap();
    store.import_journeys(&[journey]).await.unwrap()
}

async fn importing_twice_changes_nothing_the_second_time(db: TestDb) {
    let store = &db.store;
    let first = import(store, &fixture()).await;
    assert_eq!(
        (first.journeys, first.created, first.updated, first.deleted),
        (1, 4, 0, 0)
    );
    let version = store.content_version().await.unwrap();
    assert!(version > 0);

    let second = import(store, &fixture()).await;
    assert_eq!(
        (
            second.created,
            second.updated,
            second.unchanged,
            second.deleted
        ),
        (0, 0, 4, 0)
    );
    assert!(!second.changed());
    assert_eq!(
        store.content_version().await.unwrap(),
        version,
        "no change, same version"
    );
}
store_test!(importing_twice_changes_nothing_the_second_time);

async fn changed_and_removed_files_update_and_delete(db: TestDb) {
    let store = &db.store;
    let dir = copy_fixture();
    import(store, dir.path()).await;
    let path = dir.path().join("01-day-one.md");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replace("The psalmist waits", "The psalmist still waits"),
    )
    .unwrap();
    std::fs::remove_file(dir.path().join("03-recap.md")).unwrap();
    let report = import(store, dir.path()).await;
    assert_eq!(
        (
            report.created,
            report.updated,
            report.unchanged,
            report.deleted
        ),
        (0, 1, 2, 1)
    );

    let now = ms("2027-01-01T00:00:00Z");
    let entry = store
        .entry("learning-to-wait", "the-long-night", now)
        .await
        .unwrap()
        .unwrap();
    assert!(entry.body_html.contains("The psalmist still waits"));
    assert!(
        store
            .entry("learning-to-wait", "week-one-in-review", now)
            .await
            .unwrap()
            .is_none()
    );
}
store_test!(changed_and_removed_files_update_and_delete);

async fn entries_appear_at_their_publish_time(db: TestDb) {
    let store = &db.store;
    import(store, &fixture()).await;
    // The journey starts 2026-03-02 (UTC, the loader's default zone here).
    let before = ms("2026-03-01T23:59:59Z");
    assert!(store.latest_entries(before, 10).await.unwrap().is_empty());
    assert!(store.todays_entry(before).await.unwrap().is_none());
    assert!(
        store
            .entry("learning-to-wait", "the-long-night", before)
            .await
            .unwrap()
            .is_none()
    );

    let day_two = ms("2026-03-03T08:00:00Z");
    let latest = store.latest_entries(day_two, 10).await.unwrap();
    let slugs: Vec<_> = latest.iter().map(|e| e.slug.as_str()).collect();
    assert_eq!(slugs, ["hannahs-prayer", "the-long-night", "why-wait"]);
    assert_eq!(
        store.todays_entry(day_two).await.unwrap().unwrap().slug,
        "hannahs-prayer"
    );

    let journeys = store.journeys(day_two).await.unwrap();
    assert_eq!(journeys.len(), 1);
    let cover = journeys[0].cover_image.clone().unwrap();
    assert!(
        cover.starts_with("/media/journeys/learning-to-wait/")
            && cover.ends_with("-cover-image.png"),
        "{cover}"
    );
    let (content_type, bytes) = store
        .media(cover.strip_prefix("/media/").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(content_type, "image/png");
    assert!(bytes.starts_with(b"\x89PNG"));
    assert_eq!((journeys[0].published, journeys[0].total), (3, 4));
    assert_eq!(journeys[0].tags.len(), 2);

    let weeks = store.journey_weeks(journeys[0].id, day_two).await.unwrap();
    assert_eq!(weeks.len(), 2);
    assert_eq!(weeks[0].entries.len(), 3);
    assert_eq!(weeks[0].upcoming, 1);
}
store_test!(entries_appear_at_their_publish_time);

async fn an_entry_page_has_everything(db: TestDb) {
    let store = &db.store;
    import(store, &fixture()).await;
    let now = ms("2027-01-01T00:00:00Z");
    let entry = store
        .entry("learning-to-wait", "the-long-night", now)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(entry.card.title, "The Long Night");
    assert_eq!(entry.week_theme, "Waiting in the Dark");
    assert_eq!(entry.card.key_osis.as_deref(), Some("Ps.130.5-Ps.130.6"));
    assert_eq!(entry.practices.len(), 2);
    assert_eq!(entry.practices[0].minutes, Some(5));
    assert_eq!(entry.questions.len(), 1);
    assert_eq!(
        entry
            .tags
            .iter()
            .map(|t| t.slug.as_str())
            .collect::<Vec<_>>(),
        ["lament"]
    );
    assert_eq!(entry.author.as_ref().unwrap().name, "Ada Lin");

    let (prev, next) = store.neighbours(&entry.card, now).await.unwrap();
    assert_eq!(prev.unwrap().slug, "why-wait");
    assert_eq!(next.unwrap().slug, "hannahs-prayer");

    let (tag, entries) = store.tag("lament", now).await.unwrap().unwrap();
    assert_eq!(tag.name, "Lament");
    assert_eq!(entries.len(), 1);
    // A journey's tag applies to all its entries.
    let (_, entries) = store.tag("patience", now).await.unwrap().unwrap();
    assert_eq!(entries.len(), 4);
    assert!(store.tag("nothing", now).await.unwrap().is_none());

    let (author, entries) = store.author("sam-okafor", now).await.unwrap().unwrap();
    assert_eq!(author.name, "Sam Okafor");
    assert_eq!(
        entries.iter().map(|e| e.slug.as_str()).collect::<Vec<_>>(),
        ["hannahs-prayer"]
    );
}
store_test!(an_entry_page_has_everything);

/// An entry's stored practices that are not JSON any more say so, as JSON of
/// that entry, not as a setting.
async fn unreadable_stored_json_names_what_it_is(db: TestDb) {
    let store = &db.store;
    import(store, &fixture()).await;
    sqlx::query("UPDATE entries SET practices = $1 WHERE slug = $2")
        .bind("not json")
        .bind("the-long-night")
        .execute(store.pool())
        .await
        .unwrap();
    let now = ms("2027-01-01T00:00:00Z");
    let err = store
        .entry("learning-to-wait", "the-long-night", now)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, abide_store::StoreError::Json { what, .. } if what == "entry the-long-night practices"),
        "{err}"
    );
    assert!(
        err.to_string()
            .starts_with("stored JSON of entry the-long-night practices: "),
        "{err}"
    );
}
store_test!(unreadable_stored_json_names_what_it_is);

async fn the_citation_index_answers_overlaps(db: TestDb) {
    let store = &db.store;
    import(store, &fixture()).await;
    let now = ms("2027-01-01T00:00:00Z");
    // 1 Samuel 1:10-11 is day two's key passage; 1 Samuel 1 is cited in the
    // introduction, 1 Samuel 1:15 in day two's text.
    let chapter = store
        .entries_citing(9_001_001, 9_001_028, now)
        .await
        .unwrap();
    let got: Vec<_> = chapter
        .iter()
        .map(|c| (c.entry.slug.as_str(), c.kind.as_str()))
        .collect();
    assert_eq!(got, [("hannahs-prayer", "key"), ("why-wait", "inline")]);

    // One verse inside a cited range.
    let verse = store
        .entries_citing(19_130_006, 19_130_006, now)
        .await
        .unwrap();
    assert_eq!(verse.len(), 1);
    assert_eq!(verse[0].osis, "Ps.130.5-Ps.130.6");
    // A verse nobody cites.
    assert!(
        store
            .entries_citing(66_022_021, 66_022_021, now)
            .await
            .unwrap()
            .is_empty()
    );
    // Not yet published: not found.
    let early = ms("2026-03-02T12:00:00Z");
    let chapter = store
        .entries_citing(9_001_001, 9_001_028, early)
        .await
        .unwrap();
    assert_eq!(chapter.len(), 1);

    // Several ranges in one query; each entry once; at most the limit.
    let both = store
        .entries_citing_any(&[(19_130_006, 19_130_006), (9_001_010, 9_001_011)], now, 10)
        .await
        .unwrap();
    let mut slugs: Vec<_> = both.iter().map(|c| c.entry.slug.as_str()).collect();
    slugs.sort_unstable();
    slugs.dedup();
    assert_eq!(slugs.len(), both.len());
    assert!(slugs.contains(&"hannahs-prayer"), "{slugs:?}");
    assert_eq!(both[0].kind, abide_content::CitationKind::Key);
    let one = store
        .entries_citing_any(&[(19_130_006, 19_130_006), (9_001_010, 9_001_011)], now, 1)
        .await
        .unwrap();
    assert_eq!(one.len(), 1);
    assert_eq!(one[0].entry.slug, both[0].entry.slug);
}
store_test!(the_citation_index_answers_overlaps);

async fn the_sitemap_lists_public_pages_only(db: TestDb) {
    let store = &db.store;
    import(store, &fixture()).await;
    let items = store.sitemap(ms("2027-01-01T00:00:00Z")).await.unwrap();
    let paths: Vec<_> = items.iter().map(|i| i.path.as_str()).collect();
    assert!(paths.contains(&"/journeys/learning-to-wait/the-long-night"));
    assert!(paths.contains(&"/journeys/learning-to-wait"));
    assert!(paths.contains(&"/tags/lament"));
    assert!(
        !paths.contains(&"/journeys/learning-to-wait/hannahs-prayer"),
        "members only"
    );
}
store_test!(the_sitemap_lists_public_pages_only);
