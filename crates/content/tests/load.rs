use std::path::Path;

use abide_content::{CitationKind, EntryKind, LoadOptions, Visibility, load_journey};
use jiff::Timestamp;
use jiff::tz::TimeZone;

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn options() -> LoadOptions {
    LoadOptions {
        time_zone: TimeZone::get("America/Chicago").unwrap(),
        now: "2026-01-01T00:00:00Z".parse().unwrap(),
    }
}

#[test]
fn a_journey_folder_loads_whole() {
    let j = load_journey(&fixture("journey"), &options()).unwrap();
    assert_eq!(j.slug, "learning-to-wait");
    assert_eq!(j.visibility, Visibility::Public);
    assert_eq!(
        j.tags.iter().map(|t| t.slug.as_str()).collect::<Vec<_>>(),
        ["patience", "prayer"]
    );
    assert_eq!(j.weeks.len(), 2);
    assert_eq!(j.weeks[0].theme, "Waiting in the Dark");
    assert!(j.weeks[0].introduction_html.contains("<em>well</em>"));
    assert_eq!(j.authors.len(), 2);
    let cover = j.cover_file.as_ref().unwrap();
    assert_eq!(
        (cover.name.as_str(), cover.content_type),
        ("cover-image.png", "image/png")
    );
    assert_eq!(j.cover_image, None);

    // Reading order: introduction, days, recap; README.md is not an entry.
    let order: Vec<_> = j
        .entries
        .iter()
        .map(|e| (e.kind, e.day, e.slug.as_str()))
        .collect();
    assert_eq!(
        order,
        [
            (EntryKind::Introduction, 0, "why-wait"),
            (EntryKind::Day, 1, "the-long-night"),
            (EntryKind::Day, 2, "hannahs-prayer"),
            (EntryKind::Recap, 3, "week-one-in-review"),
        ]
    );
}

#[test]
fn publish_times_follow_the_start_date_in_the_site_time_zone() {
    let j = load_journey(&fixture("journey"), &options()).unwrap();
    let at = |slug: &str| {
        j.entries
            .iter()
            .find(|e| e.slug == slug)
            .unwrap()
            .publish_at
    };
    // 2026-03-02 00:00 in Chicago (CST, UTC-6).
    assert_eq!(
        at("why-wait"),
        "2026-03-02T06:00:00Z".parse::<Timestamp>().unwrap()
    );
    assert_eq!(
        at("the-long-night"),
        "2026-03-02T06:00:00Z".parse::<Timestamp>().unwrap()
    );
    assert_eq!(
        at("hannahs-prayer"),
        "2026-03-03T06:00:00Z".parse::<Timestamp>().unwrap()
    );
    assert_eq!(
        at("week-one-in-review"),
        "2026-03-04T06:00:00Z".parse::<Timestamp>().unwrap()
    );
}

#[test]
fn sections_practices_and_questions() {
    let j = load_journey(&fixture("journey"), &options()).unwrap();
    let day1 = &j.entries[1];
    assert_eq!(day1.key_passage.as_deref(), Some("Psalm 130:5-6"));
    assert_eq!(day1.key_osis.as_deref(), Some("Ps.130.5-Ps.130.6"));
    assert_eq!(
        day1.author.as_deref(),
        Some("ada-lin"),
        "the journey's default author"
    );
    assert!(
        day1.going_deeper_html
            .as_deref()
            .unwrap()
            .contains("Lamentations 3:25-26</a>")
    );
    assert_eq!(day1.practices.len(), 2);
    assert_eq!(day1.practices[0].html, "Sit in silence before God.");
    assert_eq!(day1.practices[0].minutes, Some(5));
    assert_eq!(day1.practices[1].minutes, None);
    assert_eq!(
        day1.questions,
        ["What are you waiting for, and what might God be doing in you meanwhile?"]
    );
    assert!(
        day1.summary.starts_with("The psalmist waits"),
        "{}",
        day1.summary
    );

    let day2 = &j.entries[2];
    assert!(day2.members_only);
    assert_eq!(day2.author.as_deref(), Some("sam-okafor"));
    assert_eq!(day2.questions.len(), 2);
}

#[test]
fn citations_are_linked_and_indexed() {
    let j = load_journey(&fixture("journey"), &options()).unwrap();
    let day1 = &j.entries[1];
    let html = &day1.body_html;
    assert!(
        html.contains(
            "<a class=\"ref\" href=\"/bible/Isa.40.31\" data-osis=\"Isa.40.31\">Isaiah 40:31</a>"
        ),
        "{html}"
    );
    // "v. 6" resolves against the citation before it in the text.
    assert!(html.contains("data-osis=\"Isa.40.6\">v. 6</a>"), "{html}");
    assert!(!html.contains("Ps.23"), "not inside code: {html}");

    let key: Vec<_> = day1
        .citations
        .iter()
        .filter(|c| c.kind == CitationKind::Key)
        .collect();
    assert_eq!(key.len(), 1);
    assert_eq!((key[0].start, key[0].end), (19_130_005, 19_130_006));
    let inline: Vec<_> = day1
        .citations
        .iter()
        .filter(|c| c.kind == CitationKind::Inline)
        .map(|c| c.osis.as_str())
        .collect();
    assert_eq!(
        inline,
        [
            "Isa.40.31",
            "Isa.40.6",
            "Ps.23",
            "Lam.3",
            "Lam.3.25-Lam.3.26"
        ]
    );

    // Spans point into the file.
    let source = std::fs::read_to_string(fixture("journey/01-day-one.md")).unwrap();
    let isaiah = day1
        .citations
        .iter()
        .find(|c| c.osis == "Isa.40.31")
        .unwrap();
    assert_eq!(&source[isaiah.span.0..isaiah.span.1], "Isaiah 40:31");
    let key_span = &source[key[0].span.0..];
    assert!(key_span.starts_with("key_passage"), "{key_span}");
}

#[test]
fn loading_twice_gives_the_same_journey() {
    let a = load_journey(&fixture("journey"), &options()).unwrap();
    let b = load_journey(&fixture("journey"), &options()).unwrap();
    assert_eq!(a, b);
    assert_eq!(a.source_hash, b.source_hash);
}

#[test]
fn members_text_gives_no_summary_unless_one_is_written() {
    let open = load_journey(&fixture("members/open-door"), &options()).unwrap();
    let room = load_journey(&fixture("members/inner-room"), &options()).unwrap();
    assert_eq!(room.visibility, Visibility::Members);
    let summary = |j: &abide_content::Journey, slug: &str| {
        j.entries
            .iter()
            .find(|e| e.slug == slug)
            .unwrap()
            .summary
            .clone()
    };
    // A public reading: the first sentences of its text.
    assert!(summary(&open, "the-knock").starts_with("Everyone may read this"));
    // For members, an authored summary is kept...
    assert_eq!(
        summary(&open, "the-inner-table"),
        "A table is prepared in the presence of enemies. This reading is for members."
    );
    assert_eq!(
        summary(&room, "the-second-room"),
        "Stillness, described for everyone."
    );
    // ...and none is made from the text, though the entry itself is not
    // marked members-only: its journey is.
    assert!(!room.entries[0].members_only);
    assert_eq!(summary(&room, "the-first-room"), "");
}

#[test]
fn an_entry_changes_when_its_journey_becomes_members_only() {
    // The stored summary depends on the journey's visibility, so the entry's
    // fingerprint does too: an import then rewrites it.
    let dir = std::env::temp_dir().join(format!("abide-members-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let room = fixture("members/inner-room");
    for name in ["journey.toml", "01-the-first-room.md"] {
        std::fs::copy(room.join(name), dir.join(name)).unwrap();
    }
    let members = load_journey(&dir, &options()).unwrap();
    let toml = std::fs::read_to_string(dir.join("journey.toml")).unwrap();
    std::fs::write(
        dir.join("journey.toml"),
        toml.replace("visibility = \"members\"", "visibility = \"public\""),
    )
    .unwrap();
    let public = load_journey(&dir, &options()).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(public.visibility, Visibility::Public);
    assert!(public.entries[0].summary.starts_with("Orrinvale"));
    assert_eq!(members.entries[0].summary, "");
    assert_ne!(
        members.entries[0].source_hash,
        public.entries[0].source_hash
    );
}

/// Every entry of the fixtures and the demo, written through the editor's
/// parts and back, renders the same page: the back office edits the same
/// format a folder holds.
#[test]
fn entries_through_the_editor_form_render_the_same() {
    use abide_content::{EntryForm, JourneySource, load_journey_source};
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../abide/demo/come-and-rest");
    for dir in [fixture("journey"), fixture("members/inner-room"), demo] {
        let source = JourneySource::read(&dir).unwrap();
        let mut rewritten = source.clone();
        for path in source.entry_paths() {
            let form = EntryForm::from_file(source.text(path).unwrap()).unwrap();
            let file = form.to_file();
            assert_eq!(
                EntryForm::from_file(&file).unwrap(),
                form,
                "{path}: the form reads back as written"
            );
            rewritten.files.insert(path.to_owned(), file.into_bytes());
        }
        let before = load_journey_source(source, &options()).unwrap();
        let after = load_journey_source(rewritten, &options()).unwrap();
        assert_eq!(before.entries.len(), after.entries.len());
        for (a, b) in before.entries.iter().zip(&after.entries) {
            let strip = |e: &abide_content::Entry| {
                let mut e = e.clone();
                e.source_hash.clear();
                for c in &mut e.citations {
                    c.span = (0, 0);
                }
                e
            };
            assert_eq!(strip(a), strip(b), "{}", a.source_path);
        }
    }
}
