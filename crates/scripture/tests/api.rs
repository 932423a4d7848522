//! The public API: parse(), extract() details, formatting, OSIS parsing.

use abide_scripture::{
    BookId, Citation, Extractor, ParseError, Range, Style, VerseRef, extract, format_range,
    format_ranges, parse, parse_osis, parse_osis_range, to_osis,
};

fn osis(reference: &str) -> String {
    parse(reference)
        .map(|c| c.osis())
        .unwrap_or_else(|e| format!("error: {e}"))
}

#[test]
fn parse_reads_one_reference_without_prose_rules() {
    for (input, expected) in [
        ("John 3:16", "John.3.16"),
        ("  John 3:16  ", "John.3.16"),
        ("Genesis", "Gen"),
        ("genesis", "Gen"),
        ("1 John", "1John"),
        ("Song 3", "Song.3"),
        ("acts 2", "Acts.2"),
        ("Numbers 4", "Num.4"),
        ("jn 3:16", "John.3.16"),
        ("Rom. 8:28.", "Rom.8.28"),
        ("Rom 8:28; 12:1-2", "Rom.8.28,Rom.12.1-Rom.12.2"),
        ("Gen 1-3", "Gen.1-Gen.3"),
        ("Jude 5", "Jude.1.5"),
        ("Psalm 151", "Ps151"),
        ("Genesis; Exodus 3", "Gen,Exod.3"),
    ] {
        assert_eq!(osis(input), expected, "{input}");
    }
}

#[test]
fn parse_errors() {
    assert_eq!(parse(""), Err(ParseError::Empty));
    assert_eq!(parse("   "), Err(ParseError::Empty));
    assert!(matches!(parse("hello"), Err(ParseError::NoBook(_))));
    assert!(matches!(parse("3:16"), Err(ParseError::NoBook(_))));
    assert!(matches!(
        parse("John 22:1"),
        Err(ParseError::NotInVersification(_))
    ));
    assert!(matches!(
        parse("Ps 152"),
        Err(ParseError::NotInVersification(_))
    ));
    assert!(matches!(
        parse("John 3:16 is love"),
        Err(ParseError::Trailing { .. })
    ));
    assert!(matches!(
        parse("John three"),
        Err(ParseError::Trailing { .. })
    ));
    assert!(parse("John 3:16").is_ok());
}

#[test]
fn citations_carry_span_text_ranges_and_keys() {
    let text = "Read Genesis 21:16-19 tonight.";
    let found = extract(text);
    assert_eq!(found.len(), 1);
    let c: &Citation<'_> = &found[0];
    assert_eq!(c.span, 5..21);
    assert_eq!(c.text, "Genesis 21:16-19");
    assert_eq!(c.osis(), "Gen.21.16-Gen.21.19");
    assert!(!c.contextual);
    let genesis = BookId::from_osis("Gen").unwrap();
    assert_eq!(
        c.ranges,
        vec![
            Range::new(
                VerseRef::new(genesis, 21, 16),
                VerseRef::new(genesis, 21, 19)
            )
            .unwrap()
        ]
    );
    assert_eq!(c.keys().collect::<Vec<_>>(), vec![(1_021_016, 1_021_019)]);
    let mut osis = String::new();
    c.write_osis(&mut osis).unwrap();
    assert_eq!(osis, "Gen.21.16-Gen.21.19");
}

#[test]
fn spans_are_byte_offsets_in_unicode_text() {
    let text = "Über Gnade — “Römer 8:28” und (Johannes) John 3:16 ✝";
    let found = extract(text);
    assert_eq!(found.len(), 1);
    assert_eq!(&text[found[0].span.clone()], "John 3:16");
}

#[test]
fn sequences_are_one_citation_with_several_ranges() {
    let found = extract("See John 3:16, 18; 4:2; Rom 8:28 today");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].text, "John 3:16, 18; 4:2; Rom 8:28");
    assert_eq!(found[0].ranges.len(), 4);
}

#[test]
fn context_citations_are_marked() {
    let found = extract("Revelation 3:20, and later (vv. 17-18).");
    assert_eq!(found.len(), 2);
    assert!(found[1].contextual);
    assert_eq!(found[1].text, "vv. 17-18");
    assert_eq!(found[1].osis(), "Rev.3.17-Rev.3.18");
}

#[test]
fn the_extractor_is_an_iterator() {
    let mut it = Extractor::new("Luke 15. Then John 21.");
    assert_eq!(it.next().map(|c| c.osis()).as_deref(), Some("Luke.15"));
    assert_eq!(it.next().map(|c| c.osis()).as_deref(), Some("John.21"));
    assert!(it.next().is_none());
    assert!(it.next().is_none());
}

#[test]
fn format_full_and_short() {
    for (input, full, short) in [
        ("John 15:5", "John 15:5", "John 15:5"),
        ("Gen 21:16-19", "Genesis 21:16–19", "Gen 21:16–19"),
        ("Rom 8:38-39", "Romans 8:38–39", "Rom 8:38–39"),
        ("Luke 15", "Luke 15", "Luke 15"),
        ("Isaiah 40-55", "Isaiah 40–55", "Isa 40–55"),
        ("Ps 23", "Psalm 23", "Ps 23"),
        ("Ps 120-134", "Psalms 120–134", "Ps 120–134"),
        ("Ps 23:1", "Psalm 23:1", "Ps 23:1"),
        ("John 3:16-4:2", "John 3:16–4:2", "John 3:16–4:2"),
        ("1 Kings 19:12", "1 Kings 19:12", "1 Kgs 19:12"),
        ("Jude 5", "Jude 5", "Jude 5"),
        ("Jude 3-5", "Jude 3–5", "Jude 3–5"),
        ("Jude", "Jude", "Jude"),
        ("Genesis", "Genesis", "Gen"),
        ("Gen 50-Exod 2", "Genesis 50–Exodus 2", "Gen 50–Exod 2"),
        (
            "Gen 1:1-Exod 2:3",
            "Genesis 1:1–Exodus 2:3",
            "Gen 1:1–Exod 2:3",
        ),
        ("Gen 1-Exod 40", "Genesis 1–Exodus 40", "Gen 1–Exod 40"),
        ("Psalm 151", "Psalm 151", "Ps 151"),
        ("Psalm 151:3", "Psalm 151:3", "Ps 151:3"),
        ("Song 2:4", "Song of Songs 2:4", "Song 2:4"),
        ("Add Esth 11:2", "Additions to Esther 11:2", "Add Esth 11:2"),
    ] {
        let range = parse(input).unwrap().ranges[0];
        assert_eq!(format_range(range, Style::Full), full, "{input}");
        assert_eq!(format_range(range, Style::Short), short, "{input}");
        assert_eq!(parse(full).unwrap().ranges[0], range, "{full}");
        assert_eq!(parse(short).unwrap().ranges[0], range, "{short}");
    }
}

#[test]
fn format_lists() {
    for (input, short) in [
        (
            "John 3:16, 18; 4:2; Rom 8:28",
            "John 3:16, 18; 4:2; Rom 8:28",
        ),
        ("Luke 15; 17", "Luke 15; 17"),
        ("John 3:16; John 4", "John 3:16; John 4"),
        ("Jude 5, 7", "Jude 5, 7"),
        ("Gen 1:1-2:3, 5", "Gen 1:1–2:3, 5"),
    ] {
        let c = parse(input).unwrap();
        let text = format_ranges(&c.ranges, Style::Short);
        assert_eq!(text, short, "{input}");
        assert_eq!(parse(&text).unwrap().ranges, c.ranges, "{text}");
    }
}

#[test]
fn osis_parses_back() {
    for s in [
        "John.3.16",
        "Gen.21.16-Gen.21.19",
        "Luke.15",
        "Gen",
        "Gen-Exod",
        "Gen.1-Gen.2",
        "Jude.1.5",
        "Ps151",
        "Gen.50-Exod.2",
        "AddEsth.11.2",
    ] {
        let range = parse_osis_range(s).unwrap();
        assert_eq!(to_osis(&[range]), s);
    }
    let list = parse_osis("John.3.16,John.3.18,John.4.2,Rom.8.28").unwrap();
    assert_eq!(list.len(), 4);
    assert_eq!(to_osis(&list), "John.3.16,John.3.18,John.4.2,Rom.8.28");
    assert_eq!(parse_osis("").unwrap(), vec![]);
    // Equivalent spellings compact to the shortest form.
    assert_eq!(to_osis(&parse_osis("Gen.1.1-Gen.50.26").unwrap()), "Gen");
    assert_eq!(to_osis(&parse_osis("Gen.1.1-Gen.1.31").unwrap()), "Gen.1");
    assert_eq!(to_osis(&parse_osis("Ps.151.1").unwrap_or_default()), "");
}

#[test]
fn osis_errors() {
    assert!(parse_osis_range("John 3:16").is_err());
    assert!(parse_osis_range("Jn.3.16").is_err());
    assert!(parse_osis_range("John.22").is_err());
    assert!(parse_osis_range("John.3.37").is_err());
    assert!(parse_osis_range("John.3.16-John.3.15").is_err());
    assert!(parse_osis_range("John.3.16.1").is_err());
    assert!(parse_osis_range("John.x").is_err());
    assert!(parse_osis_range("").is_err());
    assert!(parse_osis("John.3.16,,Gen").is_err());
}
