//! The media library (issue: covers and images uploaded): images kept in
//! their sizes under paths the store makes, listed with who uploaded them,
//! alt text changed, deleted, and a file that uses one found.

use std::path::{Path, PathBuf};

use abide_content::{JourneySource, LoadOptions, load_journey, load_journey_source};
use abide_store::{
    Email, ImportOptions, MAX_ALT_CHARS, NewMedia, NewMediaFile, NewUser, Origin, Role, Store,
};
use abide_testkit::{TestDb, store_test};

fn file(name: &str, bytes: &[u8]) -> NewMediaFile {
    NewMediaFile {
        name: name.into(),
        width: 800,
        height: 600,
        content_type: "image/jpeg",
        bytes: bytes.to_vec(),
    }
}

fn upload(name: &str, alt: &str, user: Option<i64>, seed: u8) -> NewMedia {
    NewMedia {
        original_name: name.into(),
        alt: alt.into(),
        width: 2000,
        height: 1500,
        files: vec![
            file("cover", &[seed, 1, 1]),
            file("w800", &[seed, 2, 2]),
            file("w1600", &[seed, 3, 3]),
        ],
        uploaded_by: user,
    }
}

async fn editor(store: &Store) -> i64 {
    let user = store
        .create_user(&NewUser::new(
            Email::parse("editor@example.org").unwrap(),
            Role::Editor,
        ))
        .await
        .unwrap();
    user.id
}

async fn media_library_keeps_lists_edits_and_deletes_images(db: TestDb) {
    let store = &db.store;
    let user = editor(store).await;
    let first = store
        .add_media(&upload(
            "../../Sunrise at Galilee.JPG",
            "  The sun rising over the lake ",
            Some(user),
            1,
        ))
        .await
        .unwrap();
    assert_eq!(first.original_name, "Sunrise at Galilee.JPG");
    assert_eq!(first.alt, "The sun rising over the lake");
    assert_eq!((first.width, first.height), (2000, 1500));
    assert_eq!(first.sizes.len(), 3);
    for size in &first.sizes {
        assert!(size.path.starts_with("library/"), "{}", size.path);
        assert!(
            size.path
                .ends_with(&format!("-sunrise-at-galilee-{}.jpg", size.name)),
            "{}",
            size.path
        );
        let (content_type, bytes) = store.media(&size.path).await.unwrap().unwrap();
        assert_eq!(content_type, "image/jpeg");
        assert_eq!(bytes.len() as u64, size.bytes);
    }
    let uploader = first.uploaded_by.clone();
    assert!(uploader.is_some());

    let second = store
        .add_media(&upload("a/b\\c.png", "Two hands", None, 2))
        .await
        .unwrap();
    assert_eq!(second.original_name, "c.png");
    for size in &second.sizes {
        assert!(size.path.starts_with("library/"), "{}", size.path);
        assert_eq!(size.path.matches('/').count(), 1, "{}", size.path);
        assert!(
            !size.path.contains('\\') && !size.path.contains(".."),
            "{}",
            size.path
        );
    }
    let library = store.media_library().await.unwrap();
    assert_eq!(
        library.iter().map(|m| m.id).collect::<Vec<_>>(),
        [second.id, first.id],
        "newest first"
    );

    // Alt text: trimmed, bounded.
    assert!(
        store
            .set_media_alt(first.id, " Dawn on the water ")
            .await
            .unwrap()
    );
    assert_eq!(
        store.media_item(first.id).await.unwrap().unwrap().alt,
        "Dawn on the water"
    );
    assert!(
        store
            .set_media_alt(first.id, &"x".repeat(MAX_ALT_CHARS + 50))
            .await
            .unwrap()
    );
    assert_eq!(
        store
            .media_item(first.id)
            .await
            .unwrap()
            .unwrap()
            .alt
            .chars()
            .count(),
        MAX_ALT_CHARS
    );
    assert!(!store.set_media_alt(999_999, "nothing").await.unwrap());

    // The same file uploaded twice shares its rows; deleting one copy keeps
    // the other's bytes.
    let again = store
        .add_media(&upload("Sunrise at Galilee.JPG", "Again", Some(user), 1))
        .await
        .unwrap();
    assert_eq!(again.sizes, first.sizes);
    assert!(store.delete_media(again.id).await.unwrap());
    assert!(store.media(&first.sizes[0].path).await.unwrap().is_some());
    assert!(store.delete_media(first.id).await.unwrap());
    for size in &first.sizes {
        assert!(
            store.media(&size.path).await.unwrap().is_none(),
            "{}",
            size.path
        );
    }
    assert!(!store.delete_media(first.id).await.unwrap());
    assert_eq!(store.media_library().await.unwrap().len(), 1);
}
store_test!(media_library_keeps_lists_edits_and_deletes_images);

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../content/tests/fixtures/journey")
}

async fn a_file_that_uses_an_image_is_found(db: TestDb) {
    let store = &db.store;
    let user = editor(store).await;
    let journey = load_journey(&fixture(), &LoadOptions::default()).unwrap();
    store.import_journeys(&[journey]).await.unwrap();
    let item = store
        .add_media(&upload("x.jpg", "An image", Some(user), 7))
        .await
        .unwrap();
    let paths: Vec<String> = item.sizes.iter().map(|s| s.path.clone()).collect();
    assert!(store.media_uses(&paths).await.unwrap().is_empty());

    let id = store
        .journey("learning-to-wait", i64::MAX)
        .await
        .unwrap()
        .unwrap()
        .id;
    let kept = store.journey_source(id).await.unwrap().unwrap();
    let day = "01-day-one.md";
    let mut source: JourneySource = kept.source.clone();
    let text = source.text(day).unwrap().to_owned();
    let with_image = format!("{text}\n![An image]({})\n", item.sizes[1].url());
    source.files.insert(day.into(), with_image.into_bytes());
    let journey = load_journey_source(source, &LoadOptions::default()).unwrap();
    let options = ImportOptions {
        origin: Origin::Browser { user_id: user },
        expect_version: Some(kept.version),
        ..Default::default()
    };
    store
        .import_journeys_with(&[journey], options)
        .await
        .unwrap();
    let uses = store.media_uses(&paths).await.unwrap();
    assert_eq!(uses.len(), 1, "{uses:?}");
    assert_eq!(uses[0].path, day);
    assert_eq!(uses[0].journey_id, id);
}
store_test!(a_file_that_uses_an_image_is_found);
