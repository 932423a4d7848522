//! Property tests: the same properties as the fuzz target (fuzz/), checkable on
//! stable Rust, plus format → parse and OSIS round trips.

use abide_scripture::{
    BookId, Range, RejectReason, Style, VerseRef, Versification, extract, extract_with_rejected,
    format_range, format_ranges, parse, parse_osis, to_osis,
};
use proptest::prelude::*;

/// What must hold for any text: no panic (by getting here), spans on char
/// boundaries and matching the text, valid ordered ranges, and OSIS that
/// parses back to the same ranges.
fn check_text(text: &str) {
    let v = Versification::kjv();
    let mut last_end = 0;
    for c in extract(text) {
        assert!(text.is_char_boundary(c.span.start) && text.is_char_boundary(c.span.end));
        assert!(
            c.span.start >= last_end,
            "overlapping citations in {text:?}"
        );
        last_end = c.span.end;
        assert_eq!(&text[c.span.clone()], c.text);
        assert!(!c.ranges.is_empty());
        for r in &c.ranges {
            assert!(r.start <= r.end && r.is_valid(v), "{r:?} in {text:?}");
        }
        assert_eq!(parse_osis(&c.osis()).unwrap(), c.ranges, "{text:?}");
    }
    check_rejected(text);
}

/// What must hold for the rejected candidates of any text: spans on char
/// boundaries, within the text, in order, overlapping neither each other nor
/// a citation, a reason that names something that does not exist, and the
/// same citations as `extract`.
pub(crate) fn check_rejected(text: &str) {
    let v = Versification::kjv();
    let (citations, rejected) = extract_with_rejected(text);
    assert_eq!(citations, extract(text), "{text:?}");
    assert_eq!(rejected, abide_scripture::rejected(text), "{text:?}");
    let mut last_end = 0;
    for r in &rejected {
        assert!(
            r.span.start < r.span.end && r.span.end <= text.len(),
            "{r:?} in {text:?}"
        );
        assert!(text.is_char_boundary(r.span.start) && text.is_char_boundary(r.span.end));
        assert_eq!(&text[r.span.clone()], r.text);
        assert!(
            r.span.start >= last_end,
            "overlapping rejections in {text:?}"
        );
        last_end = r.span.end;
        for c in &citations {
            assert!(
                c.span.end <= r.span.start || r.span.end <= c.span.start,
                "{r:?} overlaps {c:?} in {text:?}"
            );
        }
        match r.reason {
            RejectReason::NoChapter { book, chapter } => {
                assert_eq!(v.verse_count(book, chapter), None, "{r:?}");
            }
            RejectReason::NoVerse {
                book,
                chapter,
                verse,
            } => {
                let count = v.verse_count(book, chapter).unwrap();
                assert!(verse == 0 || verse > count, "{r:?}");
            }
            _ => {}
        }
        assert!(!r.reason.to_string().is_empty());
    }
}

/// Pieces that citations are made of, so that random text hits the grammar:
/// names, misspelled names, ordinals in their written forms, prefixes,
/// keywords of relative references and of "chapter 4 of Colossians".
pub(crate) fn citationish() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "John",
        "1 John",
        "Ps",
        "Psalm",
        "Jude",
        "Song",
        "Numbers",
        "Mark",
        "acts",
        "Gen.",
        "Rev",
        "I Cor",
        "Phlm",
        "book of",
        "v.",
        "vv.",
        "verse",
        "ch.",
        "chapter",
        "title",
        "ff",
        "f",
        "a",
        "and",
        "to",
        "cf.",
        "see",
        " ",
        " ",
        " ",
        ":",
        ".",
        ",",
        ";",
        "-",
        "–",
        "—",
        "(",
        ")",
        "0",
        "1",
        "3",
        "16",
        "150",
        "151",
        "176",
        "999",
        "1000",
        "\u{a0}",
        "é",
        "\n",
        "of",
        // issue 12
        "Ecclesiastis",
        "COLOSSANS",
        "Phillipians",
        "Jeremiah",
        "Letter",
        "Leter of",
        "Esther",
        "Additons to",
        "Solomn",
        "Song of",
        "Kingdoms",
        "Kongs",
        "Games",
        "1st.",
        "2ND.",
        "II.",
        "First",
        "FIRST.",
        "first.",
        "3rd",
        "rd",
        "st",
        "th",
        "St.",
        "Saint",
        "The Gospel according to",
        "from",
        "in",
        "the book of",
        "chapters",
        "Pr",
        "Ho",
        "Matt5",
        "\n\n",
        "[",
        "]",
        "Revelatoin",
        "Thessalonains",
        "Zacheraih",
        "Heebrewws",
        "Kings",
        "Jon",
    ]);
    prop::collection::vec(pieces, 0..40).prop_map(|p| p.concat())
}

/// Words of letters, possibly long, before a number: the tolerant path's input.
pub(crate) fn word_before_number() -> impl Strategy<Value = String> {
    (
        prop::collection::vec("[A-Za-z]{1,60}", 1..9),
        "[0-9]{1,4}",
        prop::option::of(":[0-9]{1,3}"),
        "[ .,;a-z]{0,6}",
    )
        .prop_map(|(words, n, v, tail)| {
            format!("{} {n}{}{tail}", words.join(" "), v.unwrap_or_default())
        })
}

/// The written forms of an ordinal, for `1st`-style names.
fn ordinal_forms(n: usize) -> Vec<String> {
    let suffix = ["st", "nd", "rd", "th"][n - 1];
    let roman = ["I", "II", "III", "IV"][n - 1];
    let word = ["First", "Second", "Third", "Fourth"][n - 1];
    vec![
        format!("{n} "),
        format!("{n}{suffix} "),
        format!("{n}{}. ", suffix.to_uppercase()),
        format!("{roman} "),
        format!("{word} "),
        format!("{} ", word.to_uppercase()),
        format!("{word}. "),
    ]
}

fn any_range() -> impl Strategy<Value = Range> {
    let v = Versification::kjv();
    (
        1u8..=84,
        any::<prop::sample::Index>(),
        any::<prop::sample::Index>(),
        0u8..4,
        any::<prop::sample::Index>(),
        any::<prop::sample::Index>(),
    )
        .prop_map(move |(b, ci, vi, kind, ci2, vi2)| {
            let book = BookId::from_number(b).unwrap();
            let first = v.first_chapter(book);
            let c = first + ci.index(usize::from(v.chapter_count(book))) as u16;
            let n = v.verse_count(book, c).unwrap();
            let start = VerseRef::new(book, c, 1 + vi.index(usize::from(n)) as u16);
            let end = match kind {
                0 => start,
                1 => VerseRef::new(
                    book,
                    c,
                    start.verse + vi2.index(usize::from(n - start.verse + 1)) as u16,
                ),
                2 => {
                    let last = v.last_chapter(book);
                    let c2 = c + ci2.index(usize::from(last - c + 1)) as u16;
                    let n2 = v.verse_count(book, c2).unwrap();
                    VerseRef::new(book, c2, 1 + vi2.index(usize::from(n2)) as u16)
                }
                _ => {
                    // whole chapters
                    let last = v.last_chapter(book);
                    let c2 = c + ci2.index(usize::from(last - c + 1)) as u16;
                    return Range::new(
                        VerseRef::new(book, c, 1),
                        VerseRef::chapter_end(book, c2, v).unwrap(),
                    )
                    .unwrap();
                }
            };
            Range::new(start, end.max(start)).unwrap()
        })
}

/// Joins ranges that follow each other, as the parser does.
fn merged(ranges: &[Range]) -> Vec<Range> {
    let v = Versification::kjv();
    let mut out: Vec<Range> = Vec::new();
    for &r in ranges {
        match out.last_mut() {
            Some(last) if last.end.next(v) == Some(r.start) => last.end = r.end,
            _ => out.push(r),
        }
    }
    out
}

proptest! {
    // 2,000 cases each by default; `PROPTEST_CASES=200000` for a longer hunt.
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(2000)
    ))]

    #[test]
    fn any_string(text in any::<String>()) {
        check_text(&text);
    }

    #[test]
    fn any_bytes_as_lossy_utf8(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        check_text(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn citation_like_text(text in citationish()) {
        check_text(&text);
        let _ = parse(&text);
        if let Some(book) = BookId::from_name(&text) {
            // One name looked up is the bare book that parse() reads.
            let parsed = parse(text.trim()).map(|c| c.ranges[0].start.book);
            prop_assert_eq!(parsed, Ok(book), "{:?}", text);
        }
    }

    #[test]
    fn words_before_numbers(text in word_before_number()) {
        check_text(&text);
        let _ = parse(&text);
    }

    #[test]
    fn case_does_not_change_a_citation(range in any_range()) {
        // Capitals change nothing ("ROMANS 8:28" is Romans 8:28); the prose
        // rules only look at lower case.
        let text = format!("As we read in {} this week.", format_range(range, Style::Full));
        let upper = text.to_uppercase();
        let a: Vec<_> = extract(&text).into_iter().map(|c| c.ranges).collect();
        let b: Vec<_> = extract(&upper).into_iter().map(|c| c.ranges).collect();
        prop_assert_eq!(a, b, "{}", upper);
    }

    #[test]
    fn every_written_ordinal_names_the_same_book(range in any_range()) {
        let name = range.start.book.book().name;
        let Some((n, rest)) = name.split_once(' ').filter(|(n, _)| n.len() == 1) else {
            return Ok(());
        };
        let n: usize = n.parse().unwrap();
        let formatted = format_range(range, Style::Full);
        let reference = formatted.strip_prefix(name).unwrap();
        if !reference.contains(|c: char| c.is_ascii_digit()) {
            return Ok(()); // a whole book: not a citation in prose
        }
        for form in ordinal_forms(n) {
            let text = format!("Read {form}{rest}{reference} today.");
            let found = extract(&text);
            prop_assert_eq!(found.len(), 1, "{}", text);
            prop_assert_eq!(&found[0].ranges, &vec![range], "{}", text);
        }
    }

    #[test]
    fn format_then_parse_gives_the_range(range in any_range()) {
        for style in [Style::Full, Style::Short] {
            let text = format_range(range, style);
            let parsed = parse(&text).map(|c| c.ranges);
            prop_assert_eq!(parsed, Ok(vec![range]), "{}", text);
        }
    }

    #[test]
    fn format_list_then_parse_gives_the_ranges(ranges in prop::collection::vec(any_range(), 1..6)) {
        for style in [Style::Full, Style::Short] {
            let text = format_ranges(&ranges, style);
            let parsed = parse(&text).map(|c| c.ranges);
            prop_assert_eq!(parsed, Ok(merged(&ranges)), "{}", text);
        }
    }

    #[test]
    fn osis_round_trip(ranges in prop::collection::vec(any_range(), 0..6)) {
        prop_assert_eq!(parse_osis(&to_osis(&ranges)).unwrap(), ranges);
    }

    #[test]
    fn extract_finds_formatted_citations_in_prose(range in any_range()) {
        // In prose a formatted reference is found again, unless it is one of
        // the forms the prose rules hold back (a bare book, "Song 3", ...).
        let text = format!("As we read in {} this week.", format_range(range, Style::Full));
        let found = extract(&text);
        if let Some(c) = found.first() {
            prop_assert_eq!(&c.ranges, &vec![range], "{}", text);
        }
    }
}
