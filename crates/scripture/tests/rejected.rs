//! `rejected`: text that would be a citation had its chapter or verse
//! existed. Real cases (fixtures/rejected.tsv), the prose of the negatives set
//! and the seed page (nothing), and properties: an impossible chapter or
//! verse put into a reference that `extract` finds is rejected with the right
//! reason. The properties of any text (no panic, spans, no overlap with a
//! citation) run with every text of `robustness.rs`.

use crate::robustness::check_rejected;
use crate::util::{cases, read_fixture};
use abide_scripture::{BookId, RejectReason, Versification, extract, rejected};
use proptest::prelude::*;

fn described(text: &str) -> String {
    let found: Vec<String> = rejected(text)
        .iter()
        .map(|r| format!("{} = {}", r.text, r.reason))
        .collect();
    found.join(" | ")
}

#[test]
fn real_cases() {
    let mut failures = Vec::new();
    for (line, input, expected) in cases("rejected.tsv") {
        check_rejected(&input);
        let got = described(&input);
        if got != expected {
            failures.push(format!(
                "rejected.tsv:{line}: {input:?}\n  want {expected:?}\n  got  {got:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn prose_with_numbers_has_no_rejections() {
    for line in read_fixture("accuracy/negatives.txt").lines() {
        if !line.trim().is_empty() && !line.starts_with('#') {
            assert_eq!(described(line), "", "{line:?}");
        }
    }
}

#[test]
fn the_seed_page_has_no_rejections() {
    let seed = read_fixture("seed.txt");
    check_rejected(&seed);
    assert_eq!(described(&seed), "");
}

#[test]
fn spans_point_into_the_text() {
    let text = "Dans «Jean 3:16» et — John 22:1 — voilà.";
    let found = rejected(text);
    assert_eq!(found.len(), 1);
    assert_eq!(&text[found[0].span.clone()], "John 22:1");
    assert_eq!(
        found[0].reason,
        RejectReason::NoChapter {
            book: BookId::from_osis("John").unwrap(),
            chapter: 22
        }
    );
}

#[test]
fn relative_references_are_marked_contextual() {
    let found = rejected("John 3:16 says it (v. 99). John 22:1 too.");
    let flags: Vec<_> = found.iter().map(|r| (r.text, r.contextual)).collect();
    assert_eq!(flags, [("v. 99", true), ("John 22:1", false)]);
}

/// A book (not Psalm 151, whose name ends in a number), one of its chapters
/// and a verse of it, by index.
fn book_chapter_verse() -> impl Strategy<Value = (BookId, u16, u16)> {
    (
        1u8..=84,
        any::<prop::sample::Index>(),
        any::<prop::sample::Index>(),
    )
        .prop_filter_map("Psalm 151", |(b, ci, vi)| {
            let v = Versification::kjv();
            let book = BookId::from_number(b)?;
            if book.osis() == "Ps151" {
                return None;
            }
            let c = v.first_chapter(book) + ci.index(usize::from(v.chapter_count(book))) as u16;
            let n = v.verse_count(book, c)?;
            Some((book, c, 1 + vi.index(usize::from(n)) as u16))
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(2000)
    ))]

    #[test]
    fn an_impossible_chapter_is_rejected((book, c, vs) in book_chapter_verse(), past in 1u16..60) {
        let v = Versification::kjv();
        let name = book.book().name;
        let text = format!("As we read in {name} {c}:{vs} this week.");
        // Only where the valid reference is a citation: the same text with
        // another number must be rejected, for the same book.
        prop_assume!(extract(&text).len() == 1);
        let bad = v.last_chapter(book) + past;
        prop_assume!(!(book.osis() == "Ps" && bad == 151));
        let text = format!("As we read in {name} {bad}:{vs} this week.");
        // "Letter of Jeremiah 2:1" is a citation: Jeremiah 2:1.
        prop_assume!(extract(&text).is_empty());
        check_rejected(&text);
        let found = rejected(&text);
        prop_assert_eq!(found.len(), 1, "{}", text);
        prop_assert_eq!(found[0].text, format!("{name} {bad}:{vs}"));
        prop_assert_eq!(found[0].reason, RejectReason::NoChapter { book, chapter: bad });
    }

    #[test]
    fn an_impossible_verse_is_rejected((book, c, vs) in book_chapter_verse(), past in 1u16..60) {
        let v = Versification::kjv();
        let name = book.book().name;
        let text = format!("As we read in {name} {c}:{vs} this week.");
        prop_assume!(extract(&text).len() == 1);
        let bad = v.verse_count(book, c).unwrap() + past;
        let text = format!("As we read in {name} {c}:{bad} this week.");
        prop_assume!(extract(&text).is_empty());
        check_rejected(&text);
        let found = rejected(&text);
        prop_assert_eq!(found.len(), 1, "{}", text);
        prop_assert_eq!(found[0].text, format!("{name} {c}:{bad}"));
        prop_assert_eq!(found[0].reason, RejectReason::NoVerse { book, chapter: c, verse: bad });
    }
}
