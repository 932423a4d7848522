use std::path::Path;

use abide_store::{Store, StoreOptions};

use crate::util::run;

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../content/tests/fixtures")
        .join(name)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

async fn store(dir: &Path) -> Store {
    let url = format!("sqlite://{}/data/abide.db", dir.display());
    Store::connect(&url, &StoreOptions::default())
        .await
        .unwrap()
}

#[tokio::test]
async fn one_broken_file_names_its_line_and_nothing_is_imported() {
    let dir = tempfile::tempdir().unwrap();
    let journey = dir.path().join("learning-to-wait");
    copy_dir(&fixture("journey"), &journey);
    std::fs::write(
        journey.join("04-broken.md"),
        "+++\ntitle = \"Broken\"\nweek = 1\nday = 4\nkey_passage = \"Jhn 99:1\"\n+++\n\nText.\n\n## Question\n\nWhy?\n",
    )
    .unwrap();

    let output = run(dir.path(), &["import", "learning-to-wait"], &[]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("learning-to-wait/04-broken.md:5: key_passage \"Jhn 99:1\""),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was imported"), "{stderr}");
    let store = store(dir.path()).await;
    let far_future = i64::MAX / 2;
    assert!(store.journeys(far_future).await.unwrap().is_empty());
    assert!(
        store
            .latest_entries(far_future, 100)
            .await
            .unwrap()
            .is_empty()
    );

    // Fixed, it imports whole; again, it changes nothing.
    std::fs::remove_file(journey.join("04-broken.md")).unwrap();
    let output = run(dir.path(), &["import", "."], &[]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "imported 1 journey(s): 4 entries new, 0 changed, 0 unchanged, 0 removed\n"
    );
    let output = run(dir.path(), &["import", "learning-to-wait"], &[]);
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "imported 1 journey(s): 0 entries new, 0 changed, 4 unchanged, 0 removed\n"
    );
    assert_eq!(
        store.latest_entries(far_future, 100).await.unwrap().len(),
        4
    );
}

#[test]
fn a_folder_without_journeys_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(dir.path(), &["import", "."], &[]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr.contains("no journey.toml here or in its sub-folders"),
        "{stderr}"
    );
}

#[tokio::test]
async fn a_published_slug_goes_to_another_entry_only_with_reuse_slugs() {
    let dir = tempfile::tempdir().unwrap();
    let journey = dir.path().join("learning-to-wait");
    copy_dir(&fixture("journey"), &journey);
    assert!(
        run(dir.path(), &["import", "learning-to-wait"], &[])
            .status
            .success()
    );
    std::fs::remove_file(journey.join("03-recap.md")).unwrap();
    assert!(
        run(dir.path(), &["import", "learning-to-wait"], &[])
            .status
            .success()
    );

    // Day two asks for the removed recap's slug.
    let day_two = journey.join("02-day-two.md");
    let text = std::fs::read_to_string(&day_two).unwrap();
    std::fs::write(
        &day_two,
        text.replace("slug = \"hannahs-prayer\"", "slug = \"week-one-in-review\""),
    )
    .unwrap();
    let output = run(dir.path(), &["import", "learning-to-wait"], &[]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert!(
        stderr.contains("02-day-two.md in journey learning-to-wait")
            && stderr.contains("\"week-one-in-review\"")
            && stderr.contains("--reuse-slugs"),
        "{stderr}"
    );

    let output = run(
        dir.path(),
        &["import", "--reuse-slugs", "learning-to-wait"],
        &[],
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        stdout,
        "imported 1 journey(s): 0 entries new, 1 changed, 2 unchanged, 0 removed, \
         1 slug(s) changed (the old addresses redirect)\n"
    );
    let store = store(dir.path()).await;
    assert_eq!(
        store
            .moved("learning-to-wait", Some("hannahs-prayer"))
            .await
            .unwrap(),
        Some(abide_store::Moved::To {
            journey: "learning-to-wait".into(),
            entry: Some("week-one-in-review".into()),
        })
    );
}
