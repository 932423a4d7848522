//! Counting, normalising and cutting lists of ranges: what bounds the work a
//! request for a passage can cause.

use abide_scripture::{
    BookId, Range, VerseRef, Versification, first_verses, normalize_ranges, parse_osis, to_osis,
};
use proptest::prelude::*;

fn osis(s: &str) -> Vec<Range> {
    parse_osis(s).unwrap()
}

fn count(s: &str) -> u32 {
    let v = Versification::kjv();
    osis(s).iter().map(|r| r.verse_count(v)).sum()
}

fn normalized(s: &str) -> String {
    to_osis(&normalize_ranges(&osis(s), Versification::kjv()))
}

#[test]
fn verse_counts_follow_the_versification() {
    assert_eq!(count("Gen-Rev"), 31_102);
    assert_eq!(count("Gen"), 1_533);
    assert_eq!(count("Ps"), 2_461);
    assert_eq!(count("Ps.119"), 176);
    assert_eq!(count("John.3.16"), 1);
    assert_eq!(count("John.3.16-John.4.2"), 21 + 2);
    assert_eq!(count("Obad-Jonah"), 21 + 48);
    assert_eq!(count("Jude.1.5,Jude.1.5"), 2);
}

#[test]
fn prev_undoes_next_across_chapters_and_books() {
    let v = Versification::kjv();
    let mut at = VerseRef::new(BookId::from_osis("Gen").unwrap(), 1, 1);
    assert_eq!(at.prev(v), None);
    let mut steps = 0;
    while let Some(next) = at.next(v) {
        assert_eq!(next.prev(v), Some(at), "{at} -> {next}");
        at = next;
        steps += 1;
        if at.book == BookId::from_osis("Rev").unwrap() && at.chapter == 22 && at.verse == 21 {
            break;
        }
    }
    assert_eq!(steps, 31_101);
}

#[test]
fn repeats_and_overlaps_collapse() {
    assert_eq!(normalized(&vec!["Gen-Rev"; 1_000].join(",")), "Gen-Rev");
    assert_eq!(normalized("John.3.16,John.3.17"), "John.3.16-John.3.17");
    assert_eq!(normalized("John.3,John.3.16"), "John.3");
    assert_eq!(
        normalized("John.3.16,John.3"),
        "John.3.16,John.3.1-John.3.15,John.3.17-John.3.36"
    );
    assert_eq!(normalized("Ps.23,Gen.1.1,Ps.23.1-Ps.23.3"), "Ps.23,Gen.1.1");
    let all_verses: Vec<String> = (1..=31).map(|n| format!("Gen.1.{n}")).collect();
    assert_eq!(normalized(&all_verses.join(",")), "Gen.1");
}

#[test]
fn the_first_verses_are_cut_where_the_limit_falls() {
    let v = Versification::kjv();
    let cut = |s: &str, n| to_osis(&first_verses(&osis(s), n, v));
    assert_eq!(cut("Gen-Rev", 9), "Gen.1.1-Gen.1.9");
    assert_eq!(cut("Gen.1.30-Gen.2.5", 3), "Gen.1.30-Gen.2.1");
    assert_eq!(
        cut("John.3.16,Gen.1.1-Gen.1.20", 4),
        "John.3.16,Gen.1.1-Gen.1.3"
    );
    assert_eq!(cut("John.3.16", 9), "John.3.16");
    assert_eq!(cut("John.3.16", 0), "");
}

/// Small ranges in a few neighbouring books, so that expanding them is cheap.
fn small_range() -> impl Strategy<Value = Range> {
    let v = Versification::kjv();
    (39u8..=41, 1u16..=5, 1u16..=40, 0u16..=60).prop_filter_map("valid", move |(b, c, s, len)| {
        let book = BookId::from_number(b)?;
        let chapter = c.min(v.last_chapter(book));
        let start = VerseRef::new(book, chapter, s.min(v.verse_count(book, chapter)?));
        let mut end = start;
        for _ in 0..len {
            end = end.next(v)?;
        }
        Range::new(start, end)
    })
}

fn expand(ranges: &[Range]) -> Vec<VerseRef> {
    let v = Versification::kjv();
    let mut out = Vec::new();
    for r in ranges {
        let mut at = Some(r.start);
        while let Some(verse) = at.filter(|x| *x <= r.end) {
            out.push(verse);
            at = verse.next(v);
        }
    }
    out
}

proptest! {
    #[test]
    fn normalising_keeps_each_verse_once_in_first_order(ranges in prop::collection::vec(small_range(), 0..12)) {
        let v = Versification::kjv();
        let out = normalize_ranges(&ranges, v);
        // The verses of the input, each at its first appearance.
        let mut seen = std::collections::HashSet::new();
        let expected: Vec<VerseRef> = expand(&ranges).into_iter().filter(|x| seen.insert(*x)).collect();
        prop_assert_eq!(expand(&out), expected);
        // Canonical: normalising again changes nothing; no two neighbours could join.
        prop_assert_eq!(normalize_ranges(&out, v), out.clone());
        for pair in out.windows(2) {
            prop_assert!(pair[0].end.next(v) != Some(pair[1].start));
        }
        let total: u32 = out.iter().map(|r| r.verse_count(v)).sum();
        prop_assert_eq!(total as usize, seen.len());
    }

    #[test]
    fn first_verses_are_a_prefix(ranges in prop::collection::vec(small_range(), 0..6), n in 0u32..80) {
        let v = Versification::kjv();
        let cut = first_verses(&ranges, n, v);
        let all = expand(&ranges);
        let want = &all[..all.len().min(n as usize)];
        prop_assert_eq!(expand(&cut), want.to_vec());
    }
}
