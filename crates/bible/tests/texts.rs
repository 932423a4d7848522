//! The real texts: the bundled ASV and KJV (from the `bible-lib` crate,
//! cleaned at build time) and the World English Bible from its SWORD module
//! (Debian `sword-text-web`; `scripts/test` installs it).

use abide_bible::Translation;
use abide_scripture::{BookId, Range, VerseRef, Versification};

use crate::util::{bundled, text, verses, web};

fn all() -> [&'static Translation; 3] {
    [bundled("asv"), bundled("kjv"), web()]
}

#[test]
fn john_11_35_in_every_translation() {
    for t in all() {
        assert_eq!(text(t, "John 11:35"), "Jesus wept.", "{}", t.id());
    }
}

#[test]
fn every_book_has_its_first_and_last_verse() {
    let v = Versification::kjv();
    for t in all() {
        let books: Vec<BookId> = t.books().collect();
        assert!(books.len() >= 66, "{}", t.id());
        for book in BookId::all().take(66) {
            let whole = Range::book(book, v);
            for end in [whole.start, whole.end] {
                let found = t.verse_text(end).unwrap_or_default();
                // Or it is absent by a mapping the import reported (the WEB's
                // doxology of Romans is all in 16:25).
                let explained = t.info().absent.contains(&end.key())
                    && t.info()
                        .versification_notes
                        .iter()
                        .any(|n| n.contains(book.book().name));
                assert!(!found.is_empty() || explained, "{} has no {end}", t.id());
            }
        }
    }
}

#[test]
fn every_verse_has_text_or_is_listed_as_absent() {
    let v = Versification::kjv();
    for t in all() {
        let info = t.info();
        let absent: std::collections::HashSet<u32> = info.absent.iter().copied().collect();
        let mut with_text = 0;
        for book in t.books() {
            let mut at = Some(Range::book(book, v).start);
            while let Some(r) = at.filter(|r| r.book == book) {
                let has = t.verse_text(r).is_some_and(|s| !s.is_empty());
                assert!(
                    has != absent.contains(&r.key()),
                    "{} {r}: text {has}, listed absent {}",
                    t.id(),
                    absent.contains(&r.key())
                );
                with_text += usize::from(has);
                at = r.next(v);
            }
        }
        assert_eq!(with_text, info.verse_count as usize, "{}", t.id());
    }
    // The ASV leaves out what the critical text omits; the KJV has everything.
    assert!(bundled("kjv").info().absent.is_empty());
    let asv: Vec<String> = bundled("asv")
        .info()
        .absent_verses()
        .map(|r| r.to_string())
        .collect();
    assert!(asv.contains(&"Acts.8.37".to_owned()), "{asv:?}");
    assert!(asv.contains(&"Matt.17.21".to_owned()), "{asv:?}");
}

#[test]
fn the_bundled_texts_are_clean() {
    let v = Versification::kjv();
    for t in [bundled("asv"), bundled("kjv")] {
        let mut titles = 0;
        for book in t.books() {
            for verse in t.passage(Range::book(book, v)).unwrap().verses {
                let s = &verse.text;
                assert!(
                    !s.contains(['‹', '›', '\r']),
                    "{} {}: {s}",
                    t.id(),
                    verse.reference
                );
                // KJV italics are gone; the ASV keeps its own brackets (1 Sam 13:1 "[forty]").
                if t.id() == "kjv" {
                    assert!(!s.contains(['[', ']']), "kjv {}: {s}", verse.reference);
                } else {
                    assert!(!s.contains("[Selah"), "asv {}: {s}", verse.reference);
                }
                assert!(
                    !s.contains("  ") && s.trim() == s,
                    "{} {}: {s:?}",
                    t.id(),
                    verse.reference
                );
                // "sea.And": a sentence mark glued to the next word.
                let b = s.as_bytes();
                for w in b.windows(3) {
                    let glued = w[0].is_ascii_lowercase()
                        && matches!(w[1], b'.' | b';' | b'!' | b'?')
                        && w[2].is_ascii_uppercase();
                    assert!(!glued, "{} {}: {s}", t.id(), verse.reference);
                }
                titles += usize::from(verse.title.is_some());
            }
        }
        assert!(
            (110..=120).contains(&titles),
            "{}: {titles} psalm titles",
            t.id()
        );
    }
    let kjv = bundled("kjv");
    let ps3 = verses(kjv, "Psalm 3:1");
    assert_eq!(
        ps3[0].title.as_deref(),
        Some("A Psalm of David, when he fled from Absalom his son.")
    );
    assert!(ps3[0].text.starts_with("LORD, how are they increased"));
    let john = verses(kjv, "John 15:5");
    assert_eq!(
        john[0].words_of_jesus.len(),
        2,
        "‹I am the vine, ye› [are] ‹the branches...›"
    );
    assert!(text(kjv, "Acts 8:37").starts_with("And Philip said"));
    let asv = bundled("asv");
    assert!(text(asv, "Psalm 46:10").starts_with("Be still, and know that I am God"));
    assert!(
        text(asv, "Psalm 3:8").ends_with("Selah."),
        "{}",
        text(asv, "Psalm 3:8")
    );
    assert_eq!(
        verses(asv, "Ps 18:1")[0].text,
        "I love thee, O Jehovah, my strength."
    );
    assert!(text(asv, "Psalm 135:1").starts_with("Praise ye Jehovah."));
}

#[test]
fn the_world_english_bible_checks_out() {
    let t = web();
    assert!(text(t, "John 15:5").starts_with(
        "I am the vine. You are the branches. He who remains in me and I in him bears much fruit"
    ));
    let john = verses(t, "John 15:5");
    let whole = 0..john[0].text.len();
    assert_eq!(john[0].words_of_jesus, vec![whole]);
    assert!(text(t, "Psalm 46:10").starts_with("“Be still, and know that I am God."));
    assert!(
        text(t, "Malachi 4:1").starts_with("“For behold, the day comes, burning like a furnace")
    );
    let ps3 = verses(t, "Psalm 3:1");
    assert_eq!(
        ps3[0].title.as_deref(),
        Some("A Psalm by David, when he fled from Absalom his son.")
    );
    // A note between two words stands for a space: "measures of", not "measuresof".
    let luke = verses(t, "Luke 13:21");
    assert!(
        luke[0].text.contains("three measures of flour"),
        "{}",
        luke[0].text
    );
    let note = &luke[0].notes[0];
    assert!(luke[0].text[..note.offset].ends_with("measures"));
    assert!(note.text.starts_with("literally, three sata"));
    // Acts 8:37 is only a footnote in the WEB: no text, listed absent, the note kept.
    let acts = abide_scripture::parse("Acts 8:37").unwrap();
    let passage = t.passage(&acts.ranges).unwrap();
    assert_eq!(passage.absent, [acts.ranges[0].start]);
    assert!(passage.verses[0].text.is_empty());
    assert!(passage.verses[0].notes[0].text.starts_with("TR adds"));
    // Numbering mapped from the module's NRSVA onto the KJV's.
    assert!(text(t, "3 John 14").ends_with("Greet the friends by name."));
    assert!(text(t, "Romans 16:25").starts_with("Now to him who is able to establish you"));
    assert!(text(t, "Romans 14:23").ends_with("whatever is not of faith is sin."));
    assert!(text(t, "Revelation 13:1").starts_with("Then I stood on the sand of the sea."));
    // Poetry keeps its lines; Song of Songs' speaker labels are not verse text.
    assert_eq!(
        text(t, "Psalm 23:1"),
        "Yahweh is my shepherd;\nI shall lack nothing."
    );
    assert!(
        !text(t, "Song of Songs 1:2").contains("Beloved"),
        "{}",
        text(t, "Song 1:2")
    );
    // A cross reference between two words does not glue them ("days of Achan").
    assert!(
        text(t, "2 Esdras 7:37").contains("days of Achan"),
        "{}",
        text(t, "2 Esdras 7:37")
    );
    let v = Versification::kjv();
    for book in t.books() {
        for verse in t.passage(Range::book(book, v)).unwrap().verses {
            let b = verse.text.as_bytes();
            let glued = b
                .windows(2)
                .any(|w| w[0].is_ascii_lowercase() && w[1].is_ascii_uppercase());
            assert!(!glued, "web {}: {}", verse.reference, verse.text);
        }
    }
    let info = t.info();
    assert_eq!(info.abbreviation, "WEB");
    assert_eq!(info.licence, "Public Domain");
    assert!(
        info.statement.contains("if you CHANGE the actual text"),
        "{}",
        info.statement
    );
    assert!(info.source.contains("engWEB2015eb"), "{}", info.source);
    assert!(info.source.contains("sword-text-web"), "{}", info.source);
    let notes = info.versification_notes.join("\n");
    assert!(notes.contains("NRSVA"), "{notes}");
    assert!(notes.contains("Romans 16:25–27"), "{notes}");
}

#[test]
fn a_phrase_finds_the_verse_people_mean() {
    for t in all() {
        let results = t.search("be still", 10).unwrap();
        assert!(results.total >= 10, "{}", t.id());
        let top: Vec<String> = results
            .hits
            .iter()
            .take(3)
            .map(|h| h.reference.to_string())
            .collect();
        assert!(top.contains(&"Ps.46.10".to_owned()), "{}: {top:?}", t.id());
        let hit = results
            .hits
            .iter()
            .find(|h| h.reference.to_string() == "Ps.46.10")
            .unwrap();
        let lit: Vec<&str> = hit
            .highlights
            .iter()
            .map(|r| &hit.text[r.clone()])
            .collect();
        assert_eq!(
            lit[..2]
                .iter()
                .map(|s| s.to_lowercase())
                .collect::<Vec<_>>(),
            ["be", "still"]
        );
        // A word finds its longer forms too: thirst, thirsty, thirsteth.
        let thirst = t.search("thirst", 200).unwrap();
        let refs: Vec<String> = thirst
            .hits
            .iter()
            .map(|h| h.reference.to_string())
            .collect();
        assert!(
            refs.contains(&"John.4.13".to_owned()),
            "{}: {refs:?}",
            t.id()
        );
        assert!(
            thirst.hits.iter().any(|h| h.text.contains("thirsty")),
            "{}",
            t.id()
        );
        // Quoted words must stand together (punctuation between them aside).
        let quoted = t.search("\"still be\"", 50).unwrap();
        assert!(quoted.total > 0, "{}", t.id());
        for hit in &quoted.hits {
            let words: String = hit
                .text
                .to_lowercase()
                .chars()
                .map(|c| if c.is_alphanumeric() { c } else { ' ' })
                .collect();
            let words = words.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(words.contains("still be"), "{}: {}", t.id(), hit.text);
        }
        assert_eq!(t.search("zzzz qqqq", 10).unwrap().total, 0);
        assert_eq!(t.search("   ", 10).unwrap().total, 0);
    }
}

#[test]
fn key_verses_of_the_seed_page() {
    for reference in [
        "James 4:8",
        "Psalm 46:10",
        "Psalm 63:1",
        "Revelation 3:20",
        "John 15:5",
        "Psalm 34:18",
    ] {
        for t in all() {
            assert!(!text(t, reference).is_empty(), "{reference} in {}", t.id());
        }
    }
    assert!(
        text(web(), "James 4:8").starts_with("Draw near to God, and he will draw near to you.")
    );
    let _ = VerseRef::from_key(59_004_008).unwrap();
}
