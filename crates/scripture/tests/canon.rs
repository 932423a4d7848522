//! The canon tables: totals, ids, keys.

use abide_scripture::{BookId, Range, Testament, VerseRef, Versification};

fn book(osis: &str) -> BookId {
    BookId::from_osis(osis).unwrap()
}

#[test]
fn kjv_totals_of_the_66_books() {
    let v = Versification::kjv();
    let protestant: Vec<BookId> = BookId::all()
        .filter(|b| b.book().testament != Testament::Deuterocanon)
        .collect();
    assert_eq!(protestant.len(), 66);
    let chapters: u32 = protestant
        .iter()
        .map(|&b| u32::from(v.chapter_count(b)))
        .sum();
    let verses: u32 = protestant
        .iter()
        .flat_map(|&b| (v.first_chapter(b)..=v.last_chapter(b)).map(move |c| (b, c)))
        .map(|(b, c)| u32::from(v.verse_count(b, c).unwrap()))
        .sum();
    assert_eq!(chapters, 1_189);
    assert_eq!(verses, 31_102);
}

#[test]
fn testament_totals() {
    let v = Versification::kjv();
    let count = |t: Testament| -> (u32, u32) {
        BookId::all()
            .filter(|b| b.book().testament == t)
            .flat_map(|b| (v.first_chapter(b)..=v.last_chapter(b)).map(move |c| (b, c)))
            .fold((0, 0), |(c, n), (b, ch)| {
                (c + 1, n + u32::from(v.verse_count(b, ch).unwrap()))
            })
    };
    assert_eq!(count(Testament::Old), (929, 23_145));
    assert_eq!(count(Testament::New), (260, 7_957));
}

#[test]
fn well_known_counts() {
    let v = Versification::kjv();
    assert_eq!(v.chapter_count(book("Ps")), 150);
    assert_eq!(v.verse_count(book("Ps"), 119), Some(176));
    assert_eq!(v.verse_count(book("Ps"), 117), Some(2));
    assert_eq!(v.verse_count(book("John"), 3), Some(36));
    assert_eq!(v.verse_count(book("3John"), 1), Some(14));
    assert_eq!(v.verse_count(book("Rev"), 12), Some(17));
    assert_eq!(v.verse_count(book("Mal"), 4), Some(6));
    assert_eq!(v.chapter_count(book("Isa")), 66);
    assert_eq!(v.verse_count(book("John"), 22), None);
    for single in [
        "Obad", "Phlm", "2John", "3John", "Jude", "EpJer", "PrAzar", "Sus", "Bel", "PrMan", "Ps151",
    ] {
        assert!(v.is_single_chapter(book(single)), "{single}");
    }
    assert!(!v.is_single_chapter(book("Ruth")));
    assert_eq!(
        (
            v.first_chapter(book("AddEsth")),
            v.last_chapter(book("AddEsth"))
        ),
        (10, 16)
    );
}

#[test]
fn the_deuterocanon_is_there() {
    let v = Versification::kjv();
    for (osis, chapters) in [
        ("Tob", 14),
        ("Jdt", 16),
        ("Wis", 19),
        ("Sir", 51),
        ("Bar", 5),
        ("1Macc", 16),
        ("2Macc", 15),
        ("3Macc", 7),
        ("4Macc", 18),
        ("1Esd", 9),
        ("2Esd", 16),
        ("PrMan", 1),
        ("Ps151", 1),
        ("AddEsth", 7),
        ("PrAzar", 1),
        ("Sus", 1),
        ("Bel", 1),
        ("EpJer", 1),
    ] {
        assert_eq!(v.chapter_count(book(osis)), chapters, "{osis}");
        assert_eq!(book(osis).book().testament, Testament::Deuterocanon);
    }
}

#[test]
fn book_ids_round_trip() {
    for b in BookId::all() {
        assert_eq!(BookId::from_osis(b.osis()), Some(b));
        assert_eq!(BookId::from_number(b.number()), Some(b));
        assert_eq!(b.book().id, b);
    }
    assert_eq!(BookId::all().len(), 84);
    assert_eq!(book("Gen").number(), 1);
    assert_eq!(book("Mal").number(), 39);
    assert_eq!(book("Matt").number(), 40);
    assert_eq!(book("Rev").number(), 66);
    assert_eq!(BookId::from_osis("AddPs"), Some(book("Ps151")));
    assert_eq!(BookId::from_osis("genesis"), None);
    assert_eq!(BookId::from_number(0), None);
    assert_eq!(BookId::from_number(85), None);
    assert_eq!(book("1Kgs").book().name, "1 Kings");
    assert_eq!(book("1Kgs").book().short, "1 Kgs");
}

#[test]
fn verse_keys_order_the_canon() {
    let gen11 = VerseRef::new(book("Gen"), 1, 1);
    let gen12 = VerseRef::new(book("Gen"), 1, 2);
    let exod11 = VerseRef::new(book("Exod"), 1, 1);
    assert_eq!(gen11.key(), 1_001_001);
    assert_eq!(VerseRef::new(book("John"), 3, 16).key(), 43_003_016);
    assert_eq!(VerseRef::new(book("Ps"), 119, 176).key(), 19_119_176);
    assert!(gen11.key() < gen12.key() && gen12.key() < exod11.key());
    assert!(gen11 < gen12 && gen12 < exod11);
    assert_eq!(
        VerseRef::from_key(43_003_016),
        Some(VerseRef::new(book("John"), 3, 16))
    );
    assert_eq!(VerseRef::from_key(43_000_016), None);
    assert_eq!(VerseRef::from_key(99_001_001), None);
}

#[test]
fn next_verse_crosses_chapters_and_books() {
    let v = Versification::kjv();
    let next = |o: &str, c, n| VerseRef::new(book(o), c, n).next(v).map(|r| r.to_string());
    assert_eq!(next("John", 3, 16).as_deref(), Some("John.3.17"));
    assert_eq!(next("John", 3, 36).as_deref(), Some("John.4.1"));
    assert_eq!(next("Mal", 4, 6).as_deref(), Some("Matt.1.1"));
    assert_eq!(next("Ps151", 1, 7), None);
}

#[test]
fn ranges_are_closed_intervals_of_keys() {
    let v = Versification::kjv();
    let luke15 = Range::chapter(book("Luke"), 15, v).unwrap();
    assert_eq!(luke15.keys(), (42_015_001, 42_015_032));
    let (start, end): (u32, u32) = luke15.into();
    assert_eq!((start, end), (42_015_001, 42_015_032));
    assert_eq!(Range::from_keys(start, end), Some(luke15));
    let genesis = Range::book(book("Gen"), v);
    assert_eq!(genesis.keys(), (1_001_001, 1_050_026));
    assert!(
        Range::new(
            VerseRef::new(book("John"), 3, 18),
            VerseRef::new(book("John"), 3, 16)
        )
        .is_none()
    );
    assert!(luke15.contains(VerseRef::new(book("Luke"), 15, 20)));
    assert!(!luke15.contains(VerseRef::new(book("Luke"), 16, 1)));
    // The overlap test of the citation index.
    let (a, b) = (
        luke15.keys(),
        Range::verse(VerseRef::new(book("Luke"), 15, 32)).keys(),
    );
    assert!(a.0 <= b.1 && a.1 >= b.0);
}

#[test]
fn book_names_name_their_book() {
    for b in BookId::all() {
        for name in [b.book().name, b.book().short, b.osis()] {
            assert_eq!(BookId::from_name(name), Some(b), "{name:?}");
        }
    }
    for (name, osis) in [
        ("Gen.", "Gen"),
        ("Jn", "John"),
        ("Song of Solomon", "Song"),
        ("1 Cor", "1Cor"),
        ("1st Corinthians", "1Cor"),
        ("Revelation", "Rev"),
        (" 1 kings. ", "1Kgs"),
        ("II Kings", "2Kgs"),
        ("First John", "1John"),
        ("Song of Songs", "Song"),
        ("Psalm 151", "Ps151"),
        ("psalms  151", "Ps151"),
    ] {
        assert_eq!(
            BookId::from_name(name).map(BookId::osis),
            Some(osis),
            "{name:?}"
        );
    }
    for not_a_name in [
        "",
        "John 3",
        "Genesis and Exodus",
        "Psalm 150",
        "3",
        "Johnny",
        "5 John",
    ] {
        assert_eq!(BookId::from_name(not_a_name), None, "{not_a_name:?}");
    }
}
