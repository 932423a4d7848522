//! The library and passage lookup: ranges of every shape, absent verses,
//! errors, the default translation, the verse of the day, damaged files.

use abide_bible::{ImportOptions, Library, LookupError, Translation, import_file};
use abide_scripture::{BookId, Range, VerseRef, parse};

use crate::util::{bundled, fixture};

fn passage(t: &Translation, reference: &str) -> abide_bible::Passage {
    t.passage(&parse(reference).unwrap().ranges).unwrap()
}

fn keys(p: &abide_bible::Passage) -> Vec<String> {
    p.verses.iter().map(|v| v.reference.to_string()).collect()
}

#[test]
fn every_shape_of_reference_is_a_passage() {
    let kjv = bundled("kjv");
    assert_eq!(keys(&passage(kjv, "John 3:16")), ["John.3.16"]);
    assert_eq!(passage(kjv, "John 3:16-18").verses.len(), 3);
    let cross = passage(kjv, "John 3:35-4:2");
    assert_eq!(
        keys(&cross),
        ["John.3.35", "John.3.36", "John.4.1", "John.4.2"]
    );
    assert_eq!(passage(kjv, "Psalm 23").verses.len(), 6);
    assert_eq!(passage(kjv, "Psalm 1-2").verses.len(), 6 + 12);
    assert_eq!(passage(kjv, "Ruth").verses.len(), 85);
    assert_eq!(passage(kjv, "Jude 5").verses[0].number, 5);
    let list = passage(kjv, "John 3:16, 18; Rom 8:28");
    assert_eq!(keys(&list), ["John.3.16", "John.3.18", "Rom.8.28"]);
    let starts: Vec<bool> = list.verses.iter().map(|v| v.range_start).collect();
    assert_eq!(starts, [false, true, true]);
    assert_eq!(list.reference, "John 3:16, 18; Romans 8:28");
    assert_eq!(list.translation, "kjv");
    let ps = passage(kjv, "Psalm 46:10");
    assert_eq!(ps.plain_text(), ps.verses[0].text);
    // A single Range works as well as a slice of them.
    let r = parse("Gen 1:1").unwrap().ranges[0];
    assert_eq!(kjv.passage(r).unwrap().verses.len(), 1);
}

#[test]
fn a_verse_reads_as_runs_of_text_breaks_and_notes() {
    use abide_bible::Run;
    let (_dir, t) = crate::import::import(&fixture("bible/sample.osis.xml"), None);
    let ps = &passage(&t, "Psalm 3:2").verses[0];
    assert_eq!(
        ps.runs(),
        [
            Run::Text {
                text: "Many say of my soul,",
                jesus: false
            },
            Run::LineBreak,
            Run::Text {
                text: "“There is no help for him.”",
                jesus: false
            },
            Run::Note(0),
            Run::LineBreak,
            Run::Text {
                text: "Selah.",
                jesus: false
            },
        ]
    );
    let john = &passage(&t, "John 15:3").verses[0];
    assert_eq!(
        john.runs(),
        [
            Run::Text {
                text: "Jesus said to them, ",
                jesus: false
            },
            Run::Text {
                text: "“Stay close, and you will grow.”",
                jesus: true
            },
        ]
    );
}

#[test]
fn words_of_jesus_come_as_segments() {
    let john = &passage(bundled("kjv"), "John 15:5").verses[0];
    let segments = john.segments();
    let red: String = segments.iter().filter(|s| s.1).map(|s| s.0).collect();
    assert!(red.starts_with("I am the vine, ye"));
    let all: String = segments.iter().map(|s| s.0).collect();
    assert_eq!(all, john.text);
    let plain = &passage(bundled("asv"), "Gen 1:1").verses[0];
    assert_eq!(plain.segments(), [(plain.text.as_str(), false)]);
}

#[test]
fn absent_verses_are_listed_and_missing_passages_are_errors() {
    let asv = bundled("asv");
    let around = passage(asv, "Acts 8:36-38");
    assert_eq!(keys(&around), ["Acts.8.36", "Acts.8.38"]);
    assert_eq!(around.absent.len(), 1);
    assert_eq!(around.absent[0].to_string(), "Acts.8.37");
    let err = asv
        .passage(&parse("Acts 8:37").unwrap().ranges)
        .unwrap_err();
    assert_eq!(
        err,
        LookupError::NotInTranslation {
            reference: "Acts 8:37".into(),
            translation: "ASV".into(),
        }
    );
    assert_eq!(err.to_string(), "Acts 8:37 is not in the ASV");
    // A book the translation does not have.
    let tobit = asv
        .passage(&parse("Tobit 1:1").unwrap().ranges)
        .unwrap_err();
    assert!(
        matches!(tobit, LookupError::NotInTranslation { .. }),
        "{tobit}"
    );
    // A range outside the versification (built by hand; the parser refuses it).
    let john = BookId::from_osis("John").unwrap();
    let bad = Range::verse(VerseRef::new(john, 22, 1));
    assert!(matches!(
        asv.passage(bad),
        Err(LookupError::NotInVersification(_))
    ));
    assert_eq!(asv.passage(Vec::new()), Err(LookupError::Empty));
}

#[test]
fn the_library_holds_bundled_and_imported_translations() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("none");
    let library = Library::open(&missing).unwrap();
    assert_eq!(library.default_id(), "asv");
    assert!(library.problems().is_empty());
    let info = library.list();
    assert!(
        info.iter()
            .all(|t| t.bundled && t.licence == "Public domain")
    );
    assert_eq!(
        info[0].attribution(),
        "American Standard Version (ASV), public domain"
    );

    // An imported translation joins; one called "web" becomes the default.
    let mut options = ImportOptions::new("web");
    options.name = Some("Test WEB".into());
    import_file(&fixture("bible/sample.osis.xml"), &options, dir.path()).unwrap();
    // A damaged file is skipped and reported, not fatal.
    std::fs::write(
        dir.path().join("broken.bible"),
        b"ABIDEBIB\x01\x00\x00\x00garbage",
    )
    .unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not a translation").unwrap();
    let library = Library::open(dir.path()).unwrap();
    assert_eq!(library.default_id(), "web");
    let ids: Vec<&str> = library.list().iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["asv", "kjv", "web"]);
    assert_eq!(library.problems().len(), 1, "{:?}", library.problems());
    assert!(library.problems()[0].contains("broken.bible"));
    assert_eq!(library.get("WEB").unwrap().info().name, "Test WEB");
    assert!(library.get("nope").is_none());

    let mut library = library;
    assert!(library.set_default("kjv"));
    assert_eq!(library.default_id(), "kjv");
    assert!(!library.set_default("nope"));
}

#[test]
fn a_library_is_shared_across_threads() {
    fn shareable<T: Send + Sync>() {}
    shareable::<Library>();
    shareable::<Translation>();
    let library = std::sync::Arc::new(Library::bundled());
    let threads: Vec<_> = (0..4)
        .map(|i| {
            let library = library.clone();
            std::thread::spawn(move || {
                let t = library.get(if i % 2 == 0 { "asv" } else { "kjv" }).unwrap();
                t.passage(&parse("Psalm 119").unwrap().ranges)
                    .unwrap()
                    .verses
                    .len()
            })
        })
        .collect();
    for t in threads {
        assert_eq!(t.join().unwrap(), 176);
    }
}

#[test]
fn the_verse_of_the_day_is_the_same_all_day_and_editable() {
    let library = Library::bundled();
    let list = library.verse_of_the_day_list();
    assert!(list.len() >= 100);
    // Day 0 is 1970-01-01: the list's first line, then one line a day.
    assert_eq!(library.verse_of_the_day(1970, 1, 1), list[0]);
    assert_eq!(library.verse_of_the_day(1970, 1, 2), list[1]);
    let day = |y, m, d| library.verse_of_the_day(y, m, d);
    assert_eq!(day(2026, 11, 25), day(2026, 11, 25));
    // Every day of a list's cycle differs from the next.
    assert_ne!(day(2026, 11, 25), day(2026, 11, 26));
    // Every reference of the built-in list has text in the bundled translations.
    for range in list {
        for id in ["asv", "kjv"] {
            library.get(id).unwrap().passage(*range).unwrap();
        }
    }

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("verse-of-the-day.txt"),
        "# ours\nJohn 15:5\nnot a reference\nPsalm 46:10 # be still\n",
    )
    .unwrap();
    let library = Library::open(dir.path()).unwrap();
    assert_eq!(library.verse_of_the_day_list().len(), 2);
    assert_eq!(
        library.verse_of_the_day(1970, 1, 1).start.to_string(),
        "John.15.5"
    );
    assert_eq!(
        library.verse_of_the_day(1970, 1, 2).start.to_string(),
        "Ps.46.10"
    );
    assert_eq!(
        library.verse_of_the_day(1970, 1, 3).start.to_string(),
        "John.15.5"
    );
    assert!(
        library.problems()[0].contains("verse-of-the-day.txt:3"),
        "{:?}",
        library.problems()
    );
}

#[test]
fn damaged_translation_files_never_panic() {
    let dir = tempfile::tempdir().unwrap();
    let report = import_file(
        &fixture("bible/sample.osis.xml"),
        &ImportOptions::new("x"),
        dir.path(),
    )
    .unwrap();
    let good = std::fs::read(&report.path).unwrap();
    // Flip bytes all over the file, and cut it short: opening or reading
    // fails with an error, never a panic.
    for i in (0..good.len()).step_by(7) {
        let mut bad = good.clone();
        bad[i] ^= 0x5a;
        if let Ok(t) = Translation::from_bytes(bad) {
            for book in ["Gen 1", "Ps 3", "John 15"] {
                let _ = t.passage(&parse(book).unwrap().ranges);
            }
            let _ = t.search("maker", 5);
        }
    }
    for len in (0..good.len()).step_by(11) {
        if let Ok(t) = Translation::from_bytes(good[..len].to_vec()) {
            let r = t.passage(&parse("Gen 1").unwrap().ranges);
            assert!(r.is_err() || len == good.len());
        }
    }
}

/// Footnote marks run a..z, aa..zz, aaa..: no two notes of a passage share
/// one, however many it has (the CLI's marks used to repeat after 702).
#[test]
fn note_marks_never_repeat() {
    let marks: Vec<String> = (0..20_000).map(abide_bible::note_mark).collect();
    assert_eq!(marks[..3], ["a", "b", "c"]);
    assert_eq!(marks[25..28], ["z", "aa", "ab"]);
    assert_eq!(marks[700..704], ["zy", "zz", "aaa", "aab"]);
    assert_eq!(marks[18_277..18_279], ["zzz", "aaaa"]);
    let unique: std::collections::HashSet<&String> = marks.iter().collect();
    assert_eq!(unique.len(), marks.len());
    assert!(
        marks
            .iter()
            .all(|m| m.bytes().all(|b| b.is_ascii_lowercase()))
    );
}
