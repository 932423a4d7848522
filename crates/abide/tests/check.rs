//! `abide import --check DIR`: the content check before publishing, from the
//! command line, on a folder with mistakes and on the demo journey.

use std::path::Path;

use crate::util::run;

const JOURNEY: &str = "title = \"First Light\"\nsummary = \"Mornings with the psalms.\"\nstart = 2026-03-02\n\n[[weeks]]\nnumber = 1\ntheme = \"Waking\"\n";

/// An entry whose lines 11, 13 and 15 hold a placeholder, a citation of a
/// chapter that does not exist and an image without alt text.
const ENTRY: &str = "+++\ntitle = \"Morning\"\nweek = 1\nday = 1\nkey_passage = \"Psalm 5:3\"\ntags = [\"Prayer\"]\n+++\n\nIn the morning he hears us.\n\nTags: Add Your Heading Text Here\n\nAs Jesus said in John 22:1, we wait.\n\n![](sunrise.jpg)\n\n## Question\n\nWhen will you pray tomorrow?\n";

fn write(dir: &Path, journey: &str, entry: &str) {
    let folder = dir.join("first-light");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("journey.toml"), journey).unwrap();
    std::fs::write(folder.join("01-morning.md"), entry).unwrap();
}

#[test]
fn check_reports_mistakes_like_a_compiler_and_imports_nothing() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), JOURNEY, ENTRY);
    let output = run(dir.path(), &["import", "--check", "first-light"], &[]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{stderr}");
    for expected in [
        "first-light/01-morning.md:11: error: placeholder text \"Add Your Heading Text Here\"",
        "first-light/01-morning.md:13: error: \"John 22:1\" is not a passage: John has 21 chapters",
        "first-light/01-morning.md:15: error: the image \"sunrise.jpg\" has no alt text",
        "3 error(s), 0 warning(s)",
    ] {
        assert!(
            stdout.contains(expected),
            "{expected:?} not in:\n{stdout}\n{stderr}"
        );
    }
    // Nothing was imported: no database was even made.
    assert!(!dir.path().join("data/abide.db").exists());
}

#[test]
fn warnings_do_not_fail_the_check_and_load_errors_do() {
    let dir = tempfile::tempdir().unwrap();
    let fixed = ENTRY
        .replace(
            "Tags: Add Your Heading Text Here",
            "See [the psalms](/journeys/nowhere).",
        )
        .replace("John 22:1", "John 15:4")
        .replace("![](sunrise.jpg)", "![The sun over a hill](sunrise.jpg)");
    write(dir.path(), JOURNEY, &fixed);
    let output = run(dir.path(), &["import", "--check", "."], &[]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(
        stdout.contains(
            "first-light/01-morning.md:11: warning: the link to \"/journeys/nowhere\" leads nowhere"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("0 error(s), 1 warning(s)"), "{stdout}");

    // What loading rejects is an error of the check too.
    write(dir.path(), JOURNEY, &fixed.replace("week = 1", "week = 3"));
    let output = run(dir.path(), &["import", "--check", "."], &[]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("01-morning.md:3: error: week 3 is not described"),
        "{stdout}"
    );
}

#[test]
fn the_demo_journey_passes_the_check() {
    let dir = tempfile::tempdir().unwrap();
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("demo/come-and-rest");
    let output = run(
        dir.path(),
        &["import", "--check", demo.to_str().unwrap()],
        &[],
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains("checked 1 journey(s), 10 file(s)"),
        "{stdout}"
    );
    assert!(stdout.contains(": 0 error(s)"), "{stdout}");
}
