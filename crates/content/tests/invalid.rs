use std::path::Path;

use abide_content::{LoadOptions, load_journey};

fn errors(name: &str) -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/invalid")
        .join(name);
    load_journey(&dir, &LoadOptions::default())
        .unwrap_err()
        .0
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[test]
fn every_problem_is_reported_with_file_and_line() {
    let errors = errors("broken");
    let expected = [
        "day-2.md:5: key_passage \"Jhn 99:1\": \"Jhn 99:1\" names a chapter or verse that does not exist",
        "day-3.md:6: invalid date-time",
        "day-4.md:3: week 3 is not described in journey.toml",
        "day-4.md:2: missing a question",
        "day-5.md:6: unknown field `colour`",
        "day-6.md:1: expected TOML front matter",
        "day-7.md:5: key_passage \"Hezekiah 3:4\": ",
        "week-2/day-8.md:1: duplicate slug \"fine\": day-1.md has it already",
        "day-9.md:3: slug \"progress\" is taken by the site's own pages of a journey",
    ];
    for want in expected {
        assert!(
            errors.iter().any(|e| e.starts_with(want)),
            "missing {want:?} in:\n{}",
            errors.join("\n")
        );
    }
    assert!(
        !errors.iter().any(|e| e.starts_with("day-1.md")),
        "day-1 is fine:\n{}",
        errors.join("\n")
    );
}

#[test]
fn a_cover_that_is_not_an_image_is_refused() {
    let errors = errors("bad-cover");
    assert_eq!(
        errors,
        ["journey.toml:3: cover image \"cover.jpg\" is not a JPEG, PNG or WebP image"]
    );
}

#[test]
fn a_section_given_twice_is_reported_where_its_heading_is() {
    assert_eq!(
        errors("twice"),
        [
            "day-1.md:14: Going Deeper is given twice: in the front matter and as a ## heading",
            "day-1.md:18: Application is given twice: in the front matter and as a ## heading",
            "day-1.md:22: Questions are given twice: in the front matter and as a ## heading",
        ]
    );
}
