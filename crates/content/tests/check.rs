//! The content check before publishing: each kind of finding, the demo
//! journey clean, and no panic on any text.

use abide_content::check::{
    CheckContext, Finding, Severity, VerseText, check_entry_file, check_journey_toml, has_errors,
};
use proptest::prelude::*;
use std::path::PathBuf;

/// A site with one translation that has a few passages, and a few pages.
fn site_verse(osis: &str) -> Option<VerseText> {
    let text = match osis {
        "Ps.46.10" => {
            "“Be still, and know that I am God. I will be exalted among the nations. I will be exalted in the earth.”"
        }
        "Ps.46.7" => "Yahweh of Armies is with us. The God of Jacob is our refuge. Selah.",
        "John.3.16" => {
            "For God so loved the world, that he gave his only born Son, that whoever believes in him should not perish, but have eternal life."
        }
        "Sir.1.1" | "Tob.1" => return None,
        _ => "",
    };
    Some(VerseText {
        translation: "WEB".to_owned(),
        text: text.to_owned(),
    })
}

fn site_link(path: &str) -> bool {
    [
        "/",
        "/journeys",
        "/journeys/come-and-rest/be-still",
        "02-next.md",
    ]
    .contains(&path)
}

fn check(body: &str) -> Vec<Finding> {
    let ctx = CheckContext {
        verse_text: &site_verse,
        link_exists: &site_link,
    };
    let text = format!(
        "+++\ntitle = \"Be Still\"\nweek = 1\nday = 1\nkey_passage = \"Psalm 46:10\"\ntags = [\"Rest\"]\n+++\n\n{body}"
    );
    check_entry_file("week-1/01-be-still.md", &text, &ctx)
}

/// `(severity, line, message)` of each finding, lines counted in the body
/// (the front matter above takes 8).
fn summary(found: &[Finding]) -> Vec<(Severity, Option<usize>, String)> {
    found
        .iter()
        .map(|f| (f.severity, f.line.map(|l| l - 9), f.message.clone()))
        .collect()
}

fn one(body: &str) -> (Severity, usize, String) {
    let found = check(body);
    assert_eq!(found.len(), 1, "{found:#?}");
    (
        found[0].severity,
        found[0].line.unwrap_or(0).saturating_sub(9),
        found[0].message.clone(),
    )
}

#[test]
fn a_clean_entry_has_no_findings() {
    let body = "Reflection citing John 3:16 and Psalm 46:7.\n\n> Be still, and know that I am God.\n> — Psalm 46:10\n\n## Application\n\n- Sit still. {5 min}\n\n## Question\n\nWhat now?\n";
    assert_eq!(summary(&check(body)), []);
}

#[test]
fn placeholder_text_is_an_error() {
    let (severity, line, message) = one("Reflection.\n\nTags: Add Your Heading Text Here\n");
    assert_eq!((severity, line), (Severity::Error, 2));
    assert!(
        message.contains("\"Add Your Heading Text Here\""),
        "{message}"
    );
    for text in [
        "Lorem ipsum in the body.",
        "A [insert quote] here.",
        "Write this TODO later.",
        "Click here to add your own text and edit me.",
        "TK",
    ] {
        assert!(has_errors(&check(text)), "{text}");
    }
    // Anywhere: the front matter too.
    let ctx = CheckContext::permissive();
    let found = check_entry_file(
        "e.md",
        "+++\ntitle = \"Your Title Here\"\ntags = [\"Heading Text\"]\n+++\nText.\n",
        &ctx,
    );
    assert_eq!(
        found.iter().map(|f| f.line).collect::<Vec<_>>(),
        [Some(2), Some(3)]
    );
}

#[test]
fn empty_sections_and_items_are_errors() {
    let found = check(
        "Reflection.\n\n## Going Deeper\n\n## Application\n\n- \n- Pray. {5 min}\n- {10 min}\n\n## Question\n\n1.\n",
    );
    let got: Vec<_> = summary(&found)
        .into_iter()
        .map(|(s, l, m)| (s, l, m.split(':').next().unwrap_or("").to_owned()))
        .collect();
    assert_eq!(
        got,
        [
            (
                Severity::Error,
                Some(2),
                "the section \"Going Deeper\" is empty".to_owned()
            ),
            (
                Severity::Error,
                Some(6),
                "an Application item is empty".to_owned()
            ),
            (
                Severity::Error,
                Some(8),
                "an Application item is empty".to_owned()
            ),
            (Severity::Error, Some(12), "a question is empty".to_owned()),
        ]
    );
    // A heading with only a subsection under it is not empty.
    assert_eq!(
        summary(&check("Text.\n\n## Part\n\n### One\n\nWords.\n")),
        []
    );
    // Nor is a heading inside a code block a heading.
    assert_eq!(summary(&check("Text.\n\n```\n## Going Deeper\n```\n")), []);
    let ctx = CheckContext::permissive();
    let found = check_entry_file(
        "e.md",
        "+++\ntitle = \"T\"\nquestions = [\"\"]\ngoing_deeper = \"\"\n+++\nText.\n",
        &ctx,
    );
    assert_eq!(
        found.iter().map(|f| f.line).collect::<Vec<_>>(),
        [Some(3), Some(4)]
    );
}

#[test]
fn a_citation_that_does_not_exist_is_an_error_with_the_reason() {
    let (severity, line, message) = one("As Jesus said in John 22:1, we rest.\n");
    assert_eq!((severity, line), (Severity::Error, 0));
    assert!(
        message.starts_with("\"John 22:1\" is not a passage: John has 21 chapters"),
        "{message}"
    );
    let found = check("Gen 1:99 and Ps 152 and Jude 2:3.\n");
    let reasons: Vec<_> = found
        .iter()
        .map(|f| f.message.split('.').next().unwrap_or("").to_owned())
        .collect();
    assert_eq!(
        reasons,
        [
            "\"Gen 1:99\" is not a passage: Genesis 1 has 31 verses",
            "\"Ps 152\" is not a passage: Psalms has 150 chapters",
            "\"Jude 2:3\" is not a passage: Jude has only one chapter"
        ]
    );
    // A relative reference is read against the one before it: where the key
    // passage's chapter has the verse, the author may mean it; otherwise a warning.
    assert_eq!(
        summary(&check("Then Psalm 23:1; and she said it (v. 10).\n")),
        []
    );
    let (severity, _, message) = one("Then John 3:16; and she said it (v. 99).\n");
    assert_eq!(severity, Severity::Warning);
    assert!(message.contains("John 3 has 36 verses"), "{message}");
    // Prose that is no citation at all is not one that fails.
    assert_eq!(
        summary(&check(
            "Numbers 40 of the list came; Job hunting took 45 days.\n"
        )),
        []
    );
    // Nor is code, or a link's address.
    assert_eq!(
        summary(&check(
            "`John 22:1` and [the page](/journeys) of John-22.\n"
        )),
        []
    );
}

#[test]
fn a_key_passage_that_does_not_parse_is_an_error() {
    let ctx = CheckContext::permissive();
    let found = check_entry_file(
        "e.md",
        "+++\ntitle = \"T\"\nkey_passage = \"John 22:1\"\n+++\nText.\n",
        &ctx,
    );
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(
        (found[0].severity, found[0].line),
        (Severity::Error, Some(3))
    );
    assert!(
        found[0].message.contains("John has 21 chapters"),
        "{}",
        found[0].message
    );
    let found = check_entry_file(
        "e.md",
        "+++\ntitle = \"T\"\nkey_passage = \"Hezekiah 3:1\"\n+++\nText.\n",
        &ctx,
    );
    assert_eq!(
        (found[0].severity, found[0].line),
        (Severity::Error, Some(3))
    );
}

#[test]
fn a_passage_the_translation_lacks_is_a_warning() {
    let (severity, line, message) = one("As Sirach 1:1 says.\n");
    assert_eq!((severity, line), (Severity::Warning, 0));
    assert!(
        message.starts_with("the site's translation (WEB) lacks Sirach 1:1"),
        "{message}"
    );
    let ctx = CheckContext {
        verse_text: &site_verse,
        link_exists: &site_link,
    };
    let found = check_entry_file(
        "e.md",
        "+++\ntitle = \"T\"\nkey_passage = \"Tobit 1\"\n+++\nText.\n",
        &ctx,
    );
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(
        (found[0].severity, found[0].line),
        (Severity::Warning, Some(3))
    );
    assert!(
        found[0].message.contains("lacks the key passage Tobit 1"),
        "{}",
        found[0].message
    );
}

#[test]
fn a_quoted_key_verse_in_other_words_is_a_warning_naming_them() {
    for body in [
        "> Cease striving and know that I am God.\n> — Psalm 46:10\n",
        "> Cease striving and know that I am God.\n\nPsalm 46:10 is the verse.\n",
        "God says, “Cease striving and know that I am God” (Psalm 46:10).\n",
        "Psalm 46:10: \"Cease striving and know that I am God.\"\n",
        "> Cease striving and know that I am God (Psalm 46:10).\n",
        "Psalm 46:10 comes next: “Cease striving and know that I am God.”\n",
        "Somewhere:\n\n> Cease striving and know that I am God; I will be exalted among the nations.\n",
    ] {
        let (severity, _, message) = one(body);
        assert_eq!(severity, Severity::Warning, "{body}");
        assert!(
            message.contains("quoted: 'cease striving' — WEB: 'be still'"),
            "{body}: {message}"
        );
        assert!(message.contains("copyrighted translation"), "{message}");
    }
    // The translation's own words, in part, are fine; so is a quotation of
    // something else, away from the reference.
    for body in [
        "“Be still, and know that I am God” (Ps 46:10).\n",
        "Ps 46:10: “know that I am God.”\n",
        "> Be still and know.\n> — Psalm 46:10 (WEB)\n",
        "He said “cease striving” to me, and I did.\n",
        "Psalm 46:10 is loud, and then he said: “cease striving” to me.\n",
        "> A hymn we sang as children, with nothing of it.\n",
    ] {
        assert_eq!(summary(&check(body)), [], "{body}");
    }
}

#[test]
fn an_image_without_alt_text_is_an_error() {
    let (severity, line, message) = one("Text.\n\n![](lake.jpg)\n");
    assert_eq!((severity, line), (Severity::Error, 2));
    assert!(
        message.starts_with("the image \"lake.jpg\" has no alt text"),
        "{message}"
    );
    assert!(has_errors(&check("Text <img src=\"a.png\"> here.\n")));
    assert!(has_errors(&check("<img src=\"a.png\" alt=\"\">\n")));
    assert_eq!(
        summary(&check(
            "![A lake at dawn](lake.jpg) <img alt=\"A cup\" src=b.png>\n"
        )),
        []
    );
}

#[test]
fn an_internal_link_that_leads_nowhere_is_a_warning() {
    let (severity, line, message) =
        one("See [this](/journeys/nowhere) and [that](/journeys/come-and-rest/be-still#top).\n");
    assert_eq!((severity, line), (Severity::Warning, 0));
    assert!(
        message.starts_with("the link to \"/journeys/nowhere\" leads nowhere"),
        "{message}"
    );
    assert_eq!(one("Next: [day 3](03-missing.md).\n").0, Severity::Warning);
    assert_eq!(one("<a href=\"/gone\">gone</a>\n").0, Severity::Warning);
    // External links, mail, anchors and existing pages are not checked or fine.
    assert_eq!(
        summary(&check(
            "[a](https://example.org/x) [b](mailto:a@b.c) [c](#notes) [d](02-next.md) [e](/journeys?page=2)\n"
        )),
        []
    );
}

#[test]
fn findings_print_like_a_compiler() {
    let found = check("Tags: Lorem ipsum\n");
    assert_eq!(
        found[0].to_string(),
        "week-1/01-be-still.md:9: error: placeholder text \"Lorem ipsum\", left by a page builder or a template: replace it with what you mean to say, or remove it"
    );
}

#[test]
fn journey_toml_placeholders_and_empty_themes() {
    let text = "title = \"Come and Rest\"\nsummary = \"Lorem ipsum dolor\"\n\n[[weeks]]\nnumber = 1\ntheme = \"\"\nintroduction = \"\"\"\nAdd your text here. See John 22:1.\n\"\"\"\n";
    let found = check_journey_toml(text);
    let got: Vec<_> = found
        .iter()
        .map(|f| (f.file.as_str(), f.line, f.severity))
        .collect();
    assert_eq!(
        got,
        [
            ("journey.toml", Some(2), Severity::Error),
            ("journey.toml", Some(6), Severity::Error),
            ("journey.toml", Some(8), Severity::Error),
            ("journey.toml", Some(8), Severity::Error),
        ],
        "{found:#?}"
    );
}

fn demo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../abide/demo/come-and-rest")
}

#[test]
fn the_demo_journey_is_clean() {
    let dir = demo();
    let journey = std::fs::read_to_string(dir.join("journey.toml")).unwrap();
    assert_eq!(check_journey_toml(&journey), []);
    let ctx = CheckContext::permissive();
    let mut files = 0;
    for folder in [dir.clone(), dir.join("week-2")] {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "md") {
                let text = std::fs::read_to_string(&path).unwrap();
                let found = check_entry_file(&path.display().to_string(), &text, &ctx);
                assert_eq!(found, [], "{}", path.display());
                files += 1;
            }
        }
    }
    assert!(files >= 9, "{files} demo entries");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Any text is checked without panicking, and every line is in the file.
    #[test]
    fn checking_never_panics(body in ".{0,300}", front in "[a-z_]{0,8} = \"[^\"\n]{0,20}\"") {
        let ctx = CheckContext {
            verse_text: &site_verse,
            link_exists: &site_link,
        };
        for text in [body.clone(), format!("+++\n{front}\nkey_passage = \"Psalm 46:10\"\n+++\n{body}\n> {body}\n“{body}” (Ps 46:10)")] {
            let lines = text.lines().count().max(1);
            for f in check_entry_file("e.md", &text, &ctx) {
                prop_assert!(f.line.is_none_or(|l| l >= 1 && l <= lines + 1), "{f} in {text:?}");
            }
            let _ = check_journey_toml(&text);
        }
    }

    /// Markdown-ish text: the pieces the check looks at, in any order.
    #[test]
    fn checking_markdown_never_panics(pieces in prop::collection::vec(prop::sample::select(vec![
        "## Question\n", "## Application\n", "- ", "1. ", "{5 min}", "\n", "\n\n", "> ", "“", "”", "\"",
        "Psalm 46:10", "John 22:1", "(v. 10)", "![", "](", ")", "<img ", "alt=", ">", "[", "]", "`", "```\n",
        "Lorem ipsum", "[insert ", "é", "Be still", " ", "#", "+++\n", "key_passage = \"Ps 46:10\"\n",
    ]), 0..60)) {
        let text = pieces.concat();
        let ctx = CheckContext {
            verse_text: &site_verse,
            link_exists: &site_link,
        };
        let _ = check_entry_file("e.md", &text, &ctx);
    }
}
