//! The files journeys were loaded from, kept (issue 14, items 3 and 8): every
//! save a revision; export gives back the folder; a folder import never
//! silently overwrites a newer browser edit; two saves cannot both build on
//! the same files.

use std::path::{Path, PathBuf};

use abide_content::{JourneySource, LoadOptions, load_journey, load_journey_source};
use abide_store::{
    Email, ImportOptions, Moved, NewUser, Origin, Role, Store, StoreError, StoredSource,
};
use abide_testkit::{TestDb, store_test};

const J: &str = "learning-to-wait";
const DAY: &str = "01-day-one.md";

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../content/tests/fixtures/journey")
}

async fn import_folder(store: &Store, dir: &Path, overwrite: bool) -> Result<bool, StoreError> {
    let journey = load_journey(dir, &LoadOptions::default()).unwrap();
    let options = ImportOptions {
        overwrite_browser_edits: overwrite,
        ..Default::default()
    };
    Ok(store
        .import_journeys_with(&[journey], options)
        .await?
        .changed())
}

async fn stored(store: &Store) -> StoredSource {
    let id = store.journey(J, i64::MAX).await.unwrap().unwrap().id;
    store.journey_source(id).await.unwrap().unwrap()
}

/// Saves `path` with `text` as the back office does: on the kept files, at
/// the version they were read.
async fn save(
    store: &Store,
    user_id: i64,
    kept: &StoredSource,
    path: &str,
    text: &str,
) -> Result<(), StoreError> {
    let mut source = kept.source.clone();
    source.files.insert(path.into(), text.as_bytes().to_vec());
    let journey = load_journey_source(source, &LoadOptions::default()).unwrap();
    let options = ImportOptions {
        origin: Origin::Browser { user_id },
        expect_version: Some(kept.version),
        ..Default::default()
    };
    store.import_journeys_with(&[journey], options).await?;
    Ok(())
}

async fn editor(store: &Store) -> i64 {
    store
        .create_user(&NewUser::new(
            Email::parse("editor@example.org").unwrap(),
            Role::Editor,
        ))
        .await
        .unwrap()
        .id
}

async fn files_are_kept_and_export_gives_back_the_folder(db: TestDb) {
    let store = &db.store;
    import_folder(store, &fixture(), false).await.unwrap();
    let kept = stored(store).await;
    let read = JourneySource::read(&fixture()).unwrap();
    assert_eq!(kept.source.files, read.files, "every file, byte for byte");
    assert_eq!(kept.source.folder, "journey");
    assert!(kept.files.iter().all(|f| f.origin == "folder"));
    let revisions = store.revisions(kept.journey_id, DAY).await.unwrap();
    assert_eq!(revisions.len(), 1, "the import is the first revision");

    // Export, then import the export: nothing changes.
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join(&kept.source.folder);
    kept.source.write(&dir).unwrap();
    assert!(!import_folder(store, &dir, false).await.unwrap());
    assert_eq!(stored(store).await.version, kept.version);
}
store_test!(files_are_kept_and_export_gives_back_the_folder);

async fn a_folder_import_never_silently_overwrites_a_browser_edit(db: TestDb) {
    let store = &db.store;
    let user = editor(store).await;
    import_folder(store, &fixture(), false).await.unwrap();
    let kept = stored(store).await;
    let text = kept.source.text(DAY).unwrap().to_owned();
    let edited = text.replacen("The Long Night", "The Longest Night", 1);
    assert_ne!(edited, text);
    save(store, user, &kept, DAY, &edited).await.unwrap();

    // The browser's title is on the site; the old address leads to it.
    assert!(
        store
            .entry(J, "the-longest-night", i64::MAX)
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(
        store.moved(J, Some("the-long-night")).await.unwrap(),
        Some(Moved::To {
            journey: J.into(),
            entry: Some("the-longest-night".into())
        })
    );
    let after = stored(store).await;
    assert_eq!(after.version, kept.version + 1);
    let info = after.files.iter().find(|f| f.path == DAY).unwrap();
    assert_eq!(info.origin, "browser");
    assert_eq!(info.updated_by.as_deref(), Some("editor@example.org"));
    let revisions = store.revisions(kept.journey_id, DAY).await.unwrap();
    assert_eq!(revisions.len(), 2);
    assert_eq!(revisions[0].user.as_deref(), Some("editor@example.org"));
    let old = store.revision(revisions[1].id).await.unwrap().unwrap();
    assert_eq!(
        old.bytes.as_deref(),
        Some(text.as_bytes()),
        "the first version stays"
    );

    // The folder still has the old text: its import is refused, whole.
    let err = import_folder(store, &fixture(), false).await.unwrap_err();
    match &err {
        StoreError::SourceConflict { journey, paths } => {
            assert_eq!(journey, J);
            assert_eq!(paths, &[DAY.to_owned()]);
        }
        other => panic!("{other}"),
    }
    assert!(err.to_string().contains("abide export"), "{err}");
    assert!(
        store
            .entry(J, "the-longest-night", i64::MAX)
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(stored(store).await, after, "nothing written");

    // A folder that caught up (the export) imports without a conflict...
    let out = tempfile::tempdir().unwrap();
    after.source.write(out.path()).unwrap();
    assert!(!import_folder(store, out.path(), false).await.unwrap());
    // ... and then an older folder is a change like any other, but only when
    // the owner says so while the browser's edit is newer.
    save(
        store,
        user,
        &stored(store).await,
        DAY,
        &edited.replace("Longest", "Darkest"),
    )
    .await
    .unwrap();
    assert!(import_folder(store, &fixture(), false).await.is_err());
    assert!(import_folder(store, &fixture(), true).await.unwrap());
    assert!(
        store
            .entry(J, "the-long-night", i64::MAX)
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(
        store.revisions(kept.journey_id, DAY).await.unwrap().len(),
        4
    );
}
store_test!(a_folder_import_never_silently_overwrites_a_browser_edit);

async fn a_save_on_files_changed_meanwhile_is_refused(db: TestDb) {
    let store = &db.store;
    let user = editor(store).await;
    import_folder(store, &fixture(), false).await.unwrap();
    let opened = stored(store).await;
    let text = opened.source.text(DAY).unwrap().to_owned();
    save(
        store,
        user,
        &opened,
        DAY,
        &text.replace("The Long Night", "First"),
    )
    .await
    .unwrap();
    // A second editor opened the same files before the first saved.
    let err = save(
        store,
        user,
        &opened,
        DAY,
        &text.replace("The Long Night", "Second"),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, StoreError::SourceChanged { .. }), "{err}");
    assert!(store.entry(J, "first", i64::MAX).await.unwrap().is_some());
    assert!(store.entry(J, "second", i64::MAX).await.unwrap().is_none());
}
store_test!(a_save_on_files_changed_meanwhile_is_refused);

async fn a_change_of_journey_toml_alone_moves_the_content_version(db: TestDb) {
    let store = &db.store;
    import_folder(store, &fixture(), false).await.unwrap();
    let version = store.content_version().await.unwrap();
    let kept = stored(store).await;
    let text = kept.source.text("journey.toml").unwrap().to_owned();
    let retitled = text.replacen(
        "title = \"Learning to Wait\"",
        "title = \"Learning to Wait Well\"",
        1,
    );
    assert_ne!(retitled, text);
    let user = editor(store).await;
    // Another instant, so that the version (a time) can move.
    let clock =
        abide_store::Clock::simulated(jiff::Timestamp::now() + jiff::SignedDuration::from_secs(5));
    save(
        &store.with_clock(clock),
        user,
        &kept,
        "journey.toml",
        &retitled,
    )
    .await
    .unwrap();
    assert_ne!(
        store.content_version().await.unwrap(),
        version,
        "every node's pages go"
    );
    // Its slug follows the title; the old address leads to the new.
    let retitled = store
        .journey("learning-to-wait-well", i64::MAX)
        .await
        .unwrap();
    assert_eq!(retitled.unwrap().title, "Learning to Wait Well");
    assert!(store.moved(J, None).await.unwrap().is_some());
}
store_test!(a_change_of_journey_toml_alone_moves_the_content_version);
