//! Published addresses never break (issue 14, item 7): a journey or entry that
//! changes its slug keeps the old one, which leads to the new; a removed
//! entry's address is gone; a published slug goes to another entry only when
//! the owner says so.

use std::path::{Path, PathBuf};

use abide_content::{LoadOptions, load_journey};
use abide_store::{Email, ImportOptions, ImportReport, Moved, NewUser, Role, Store, StoreError};
use abide_testkit::{TestDb, store_test};

const J: &str = "learning-to-wait";

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../content/tests/fixtures/journey")
}

/// A copy of the fixture journey, in a folder of its own name.
fn copy_fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(fixture()).unwrap() {
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

async fn import_with(
    store: &Store,
    dir: &Path,
    reuse_slugs: bool,
) -> Result<ImportReport, StoreError> {
    let journey = load_journey(dir, &LoadOptions::default()).unwrap();
    store
        .import_journeys_with(
            &[journey],
            ImportOptions {
                reuse_slugs,
                ..Default::default()
            },
        )
        .await
}

async fn import(store: &Store, dir: &Path) -> ImportReport {
    import_with(store, dir, false).await.unwrap()
}

fn to(journey: &str, entry: Option<&str>) -> Option<Moved> {
    Some(Moved::To {
        journey: journey.into(),
        entry: entry.map(Into::into),
    })
}

async fn entry_id(store: &Store, journey: &str, slug: &str) -> Option<i64> {
    store
        .entry(journey, slug, i64::MAX)
        .await
        .unwrap()
        .map(|e| e.card.id)
}

async fn a_new_title_renames_the_entry_both_ways(db: TestDb) {
    let store = &db.store;
    let dir = copy_fixture();
    import(store, dir.path()).await;
    let id = entry_id(store, J, "the-long-night").await.unwrap();
    let ruth = store
        .create_user(&NewUser::new(
            Email::parse("ruth@example.org").unwrap(),
            Role::Member,
        ))
        .await
        .unwrap();
    store
        .save_journal(ruth.id, J, "the-long-night", "note", "Waiting, still.")
        .await
        .unwrap();

    // The file keeps its name; the title (so the slug) changes.
    edit(
        dir.path(),
        "01-day-one.md",
        "The Long Night",
        "The Longest Night",
    );
    let report = import(store, dir.path()).await;
    assert_eq!(
        (
            report.created,
            report.updated,
            report.deleted,
            report.renamed
        ),
        (0, 1, 0, 1)
    );
    assert_eq!(
        entry_id(store, J, "the-longest-night").await,
        Some(id),
        "the same entry"
    );
    assert_eq!(entry_id(store, J, "the-long-night").await, None);
    assert_eq!(
        store.moved(J, Some("the-long-night")).await.unwrap(),
        to(J, Some("the-longest-night"))
    );
    assert_eq!(
        store.moved(J, Some("the-longest-night")).await.unwrap(),
        None
    );
    let journal = store
        .journal_for_entry(ruth.id, J, "the-longest-night")
        .await
        .unwrap();
    assert_eq!(journal.items.len(), 1, "the journal follows the entry");

    // And back: the first address is current again, the second leads to it.
    edit(
        dir.path(),
        "01-day-one.md",
        "The Longest Night",
        "The Long Night",
    );
    let report = import(store, dir.path()).await;
    assert_eq!(report.renamed, 1);
    assert_eq!(entry_id(store, J, "the-long-night").await, Some(id));
    assert_eq!(store.moved(J, Some("the-long-night")).await.unwrap(), None);
    assert_eq!(
        store.moved(J, Some("the-longest-night")).await.unwrap(),
        to(J, Some("the-long-night"))
    );
    let journal = store
        .journal_for_entry(ruth.id, J, "the-long-night")
        .await
        .unwrap();
    assert_eq!(journal.items.len(), 1);
    assert!(!import(store, dir.path()).await.changed(), "stable");

    // Away again, then back with a new file name and a new day as well: the
    // entry that had the slug is still the one.
    edit(
        dir.path(),
        "01-day-one.md",
        "The Long Night",
        "The Longest Night",
    );
    import(store, dir.path()).await;
    edit(
        dir.path(),
        "01-day-one.md",
        "The Longest Night",
        "The Long Night",
    );
    edit(dir.path(), "01-day-one.md", "day = 1", "day = 3");
    std::fs::rename(
        dir.path().join("01-day-one.md"),
        dir.path().join("05-night.md"),
    )
    .unwrap();
    let report = import(store, dir.path()).await;
    assert_eq!((report.created, report.deleted, report.renamed), (0, 0, 1));
    assert_eq!(entry_id(store, J, "the-long-night").await, Some(id));
}
store_test!(a_new_title_renames_the_entry_both_ways);

async fn a_new_slug_or_a_new_file_name_renames_too(db: TestDb) {
    let store = &db.store;
    let dir = copy_fixture();
    import(store, dir.path()).await;
    let hannah = entry_id(store, J, "hannahs-prayer").await.unwrap();
    let night = entry_id(store, J, "the-long-night").await.unwrap();

    // The front matter's slug changes; and another file is renamed along with
    // its title (the same place in the journey: week 1, day 1).
    edit(
        dir.path(),
        "02-day-two.md",
        "slug = \"hannahs-prayer\"",
        "slug = \"hannah-prays\"",
    );
    edit(dir.path(), "01-day-one.md", "The Long Night", "Night Watch");
    std::fs::rename(
        dir.path().join("01-day-one.md"),
        dir.path().join("01-night-watch.md"),
    )
    .unwrap();
    let report = import(store, dir.path()).await;
    assert_eq!((report.created, report.deleted, report.renamed), (0, 0, 2));
    assert_eq!(entry_id(store, J, "hannah-prays").await, Some(hannah));
    assert_eq!(entry_id(store, J, "night-watch").await, Some(night));
    assert_eq!(
        store.moved(J, Some("hannahs-prayer")).await.unwrap(),
        to(J, Some("hannah-prays"))
    );
    assert_eq!(
        store.moved(J, Some("the-long-night")).await.unwrap(),
        to(J, Some("night-watch"))
    );
}
store_test!(a_new_slug_or_a_new_file_name_renames_too);

async fn a_removed_entry_is_gone_and_its_slug_reserved(db: TestDb) {
    let store = &db.store;
    let dir = copy_fixture();
    import(store, dir.path()).await;
    std::fs::remove_file(dir.path().join("03-recap.md")).unwrap();
    assert_eq!(import(store, dir.path()).await.deleted, 1);
    assert_eq!(
        store.moved(J, Some("week-one-in-review")).await.unwrap(),
        Some(Moved::Gone)
    );

    // Another entry asks for that slug, while a third is renamed in the same
    // import: it fails, names the conflict, and writes nothing.
    edit(
        dir.path(),
        "02-day-two.md",
        "slug = \"hannahs-prayer\"",
        "slug = \"week-one-in-review\"",
    );
    edit(dir.path(), "01-day-one.md", "The Long Night", "Night Watch");
    let err = import_with(store, dir.path(), false).await.unwrap_err();
    let message = err.to_string();
    assert!(
        matches!(&err, StoreError::SlugReserved { slug, .. } if slug == "week-one-in-review"),
        "{err:?}"
    );
    assert!(message.contains("02-day-two.md"), "{message}");
    assert!(message.contains("removed"), "{message}");
    assert!(
        entry_id(store, J, "hannahs-prayer").await.is_some(),
        "nothing written"
    );
    assert!(
        entry_id(store, J, "the-long-night").await.is_some(),
        "nothing written"
    );

    // The owner says so.
    let report = import_with(store, dir.path(), true).await.unwrap();
    assert_eq!(report.renamed, 2);
    assert!(entry_id(store, J, "week-one-in-review").await.is_some());
    assert_eq!(
        store.moved(J, Some("week-one-in-review")).await.unwrap(),
        None
    );
    assert_eq!(
        store.moved(J, Some("hannahs-prayer")).await.unwrap(),
        to(J, Some("week-one-in-review"))
    );
}
store_test!(a_removed_entry_is_gone_and_its_slug_reserved);

async fn a_renamed_journey_takes_its_entries_addresses_along(db: TestDb) {
    let store = &db.store;
    let dir = copy_fixture();
    import(store, dir.path()).await;
    let night = entry_id(store, J, "the-long-night").await.unwrap();
    edit(
        dir.path(),
        "journey.toml",
        "title = \"Learning to Wait\"",
        "title = \"Learning to Wait Well\"",
    );
    let report = import(store, dir.path()).await;
    assert_eq!((report.created, report.deleted, report.renamed), (0, 0, 1));
    let new = "learning-to-wait-well";
    assert_eq!(entry_id(store, new, "the-long-night").await, Some(night));
    assert_eq!(store.moved(J, None).await.unwrap(), to(new, None));
    assert_eq!(
        store.moved(J, Some("the-long-night")).await.unwrap(),
        to(new, Some("the-long-night"))
    );
    // A path below the journey that names no entry moves with it.
    assert_eq!(
        store.moved(J, Some("progress")).await.unwrap(),
        to(new, Some("progress"))
    );
    assert_eq!(store.moved(new, Some("progress")).await.unwrap(), None);
    assert_eq!(
        store.journeys(i64::MAX).await.unwrap().len(),
        1,
        "no second journey"
    );

    // Another journey's folder may not take the old slug unless told so.
    let other = tempfile::tempdir().unwrap();
    let copy = other.path().join("another");
    std::fs::create_dir(&copy).unwrap();
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), copy.join(entry.file_name())).unwrap();
    }
    edit(
        &copy,
        "journey.toml",
        "title = \"Learning to Wait Well\"",
        "slug = \"learning-to-wait\"\ntitle = \"Learning\"",
    );
    let err = import_with(store, &copy, false).await.unwrap_err();
    assert!(
        matches!(&err, StoreError::SlugReserved { slug, .. } if slug == J),
        "{err:?}"
    );
    import_with(store, &copy, true).await.unwrap();
    assert_eq!(store.moved(J, None).await.unwrap(), None, "taken over");
}
store_test!(a_renamed_journey_takes_its_entries_addresses_along);

async fn a_rename_through_the_store_api_keeps_the_old_address(db: TestDb) {
    let store = &db.store;
    import(store, &fixture()).await;
    let versions = store.search_versions().await.unwrap();
    assert!(
        store
            .rename_entry(J, "the-long-night", "night-watch", false)
            .await
            .unwrap()
    );
    assert_eq!(
        store.moved(J, Some("the-long-night")).await.unwrap(),
        to(J, Some("night-watch"))
    );
    let err = store
        .rename_entry(J, "hannahs-prayer", "the-long-night", false)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::SlugReserved { .. }), "{err:?}");
    assert!(matches!(
        store
            .rename_entry(J, "hannahs-prayer", "Bad Slug", false)
            .await,
        Err(StoreError::BadSlug { .. })
    ));
    assert!(matches!(
        store
            .rename_entry(J, "hannahs-prayer", "night-watch", false)
            .await,
        Err(StoreError::BadSlug { .. })
    ));
    assert!(
        !store
            .rename_entry(J, "no-such-entry", "x", false)
            .await
            .unwrap()
    );

    // The search index learns of it, though no file changed.
    let id = entry_id(store, J, "night-watch").await.unwrap();
    let after = store.search_versions().await.unwrap();
    let of = |v: &[(i64, i64)]| v.iter().find(|(i, _)| *i == id).unwrap().1;
    assert_ne!(of(&versions), of(&after));

    assert!(store.rename_journey(J, "waiting", false).await.unwrap());
    assert_eq!(
        store.moved(J, Some("the-long-night")).await.unwrap(),
        to("waiting", Some("night-watch"))
    );
}
store_test!(a_rename_through_the_store_api_keeps_the_old_address);

async fn a_journey_renamed_and_back_leads_to_its_current_slug(db: TestDb) {
    let store = &db.store;
    let dir = copy_fixture();
    import(store, dir.path()).await;
    let new = "waiting-well";
    edit(
        dir.path(),
        "journey.toml",
        "title = \"Learning to Wait\"",
        "slug = \"waiting-well\"\ntitle = \"Learning to Wait\"",
    );
    assert_eq!(import(store, dir.path()).await.renamed, 1);
    assert_eq!(store.moved(J, None).await.unwrap(), to(new, None));
    edit(dir.path(), "journey.toml", "slug = \"waiting-well\"\n", "");
    let report = import(store, dir.path()).await;
    assert_eq!((report.created, report.deleted, report.renamed), (0, 0, 1));
    assert_eq!(store.moved(J, None).await.unwrap(), None);
    assert_eq!(store.moved(new, None).await.unwrap(), to(J, None));
    assert_eq!(
        store.moved(new, Some("hannahs-prayer")).await.unwrap(),
        to(J, Some("hannahs-prayer"))
    );
    assert_eq!(store.journeys(i64::MAX).await.unwrap().len(), 1);
}
store_test!(a_journey_renamed_and_back_leads_to_its_current_slug);
