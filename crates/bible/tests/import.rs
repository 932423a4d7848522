//! The importers: the same small text (our own sentences) in OSIS, USFX,
//! Zefania, USFM (folder and zip) and SWORD's imp format reads back the
//! same; versification differences are mapped; broken input fails with its
//! file and line and leaves nothing behind.

use std::path::Path;

use abide_bible::{Format, ImportError, ImportOptions, Translation, import_file, read_file};
use abide_scripture::{BookId, Range, Versification};

use crate::util::fixture;

/// Every verse of a translation, with its structure, one line per item.
pub(crate) fn dump(t: &Translation) -> String {
    let mut out = String::new();
    let v = Versification::kjv();
    let books: Vec<BookId> = t.books().collect();
    for book in books {
        let passage = t.passage(Range::book(book, v)).unwrap();
        for verse in &passage.verses {
            for h in &verse.headings {
                out.push_str(&format!("## {h}\n"));
            }
            if let Some(title) = &verse.title {
                out.push_str(&format!("# title: {title}\n"));
            }
            out.push_str(&format!(
                "{}{} {}\n",
                verse.reference,
                if verse.paragraph { " ¶" } else { "" },
                verse.text.replace('\n', " / ")
            ));
            for span in &verse.words_of_jesus {
                out.push_str(&format!("  red: «{}»\n", &verse.text[span.clone()]));
            }
            for note in &verse.notes {
                let before: String = verse.text[..note.offset]
                    .chars()
                    .rev()
                    .take(8)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect();
                out.push_str(&format!("  note after «{before}»: {}\n", note.text));
            }
        }
    }
    out
}

/// Imports `path` into a fresh folder and opens the result.
pub(crate) fn import(path: &Path, format: Option<Format>) -> (tempfile::TempDir, Translation) {
    let dir = tempfile::tempdir().unwrap();
    let mut options = ImportOptions::new("test");
    options.format = format;
    let report = import_file(path, &options, dir.path())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let t = Translation::open(&report.path).unwrap();
    (dir, t)
}

#[test]
fn every_format_reads_back_the_same() {
    let expected = crate::util::read_fixture("bible/sample.expected");
    for (name, format) in [
        ("bible/sample.osis.xml", None),
        ("bible/milestones.osis.xml", Some(Format::Osis)),
        ("bible/sample.usfx.xml", None),
        ("bible/sample.zefania.xml", None),
        ("bible/usfm", None),
        ("bible/usfm.zip", None),
        ("bible/sample.imp", None),
    ] {
        let (_dir, t) = import(&fixture(name), format);
        assert_eq!(dump(&t), expected, "{name}");
        assert_eq!(t.info().verse_count, 11, "{name}");
    }
}

#[test]
fn the_sources_metadata_is_kept() {
    let (_dir, t) = import(&fixture("bible/sample.osis.xml"), None);
    let info = t.info();
    assert_eq!(info.name, "Abide Test Bible");
    assert_eq!(info.abbreviation, "ATB");
    assert_eq!(info.language, "en");
    assert_eq!(
        info.statement,
        "Written by the Abide team for tests; public domain."
    );
    assert_eq!(info.books, ["Gen", "Ps", "John"]);
    assert!(info.source.contains("sample.osis.xml"), "{}", info.source);
    // What the verses of those books lack is listed, not silently missing.
    assert!(info.absent.contains(&1_001_005));
    assert!(info.absent.contains(&19_003_004));

    let (_dir, t) = import(&fixture("bible/sample.zefania.xml"), None);
    assert_eq!(t.info().name, "Abide Test Bible");
}

#[test]
fn options_override_the_source() {
    let dir = tempfile::tempdir().unwrap();
    let mut options = ImportOptions::new("mine");
    options.name = Some("My Version".into());
    options.abbreviation = Some("MV".into());
    options.licence = Some("Used by permission".into());
    let report = import_file(&fixture("bible/sample.osis.xml"), &options, dir.path()).unwrap();
    assert_eq!(report.path, dir.path().join("mine.bible"));
    let t = Translation::open(&report.path).unwrap();
    assert_eq!(t.info().name, "My Version");
    assert_eq!(
        t.info().attribution(),
        "My Version (MV), Used by permission"
    );
}

#[test]
fn tsv_gives_plain_verses() {
    let (_dir, t) = import(&fixture("bible/sample.tsv"), None);
    let (_d, osis) = import(&fixture("bible/sample.osis.xml"), None);
    let v = Versification::kjv();
    for book in osis.books() {
        let a = t.passage(Range::book(book, v)).unwrap();
        let b = osis.passage(Range::book(book, v)).unwrap();
        let texts = |p: &abide_bible::Passage| -> Vec<String> {
            p.verses.iter().map(|v| v.text.replace('\n', " ")).collect()
        };
        assert_eq!(texts(&a), texts(&b));
        let paragraphs: Vec<bool> = a.verses.iter().map(|v| v.paragraph).collect();
        assert_eq!(
            paragraphs,
            b.verses.iter().map(|v| v.paragraph).collect::<Vec<_>>()
        );
    }
}

#[test]
fn versification_differences_are_mapped_and_reported() {
    let text = read_file(&fixture("bible/versification.osis.xml"), None).unwrap();
    let notes = text.notes().join("\n");
    let (_dir, t) = import(&fixture("bible/versification.osis.xml"), None);
    let verse = |s: &str| {
        let c = abide_scripture::parse(s).unwrap();
        t.passage(&c.ranges).unwrap().verses
    };
    // Malachi 3:19-24 (Hebrew) is 4:1-6.
    assert_eq!(verse("Mal 4:1")[0].text, "The day comes like a hot oven.");
    assert_eq!(
        verse("Mal 4:6")[0].text,
        "He will turn the hearts of parents to children."
    );
    assert!(notes.contains("Malachi 3:19–24"), "{notes}");
    // Hebrew psalm titles are verse 1: the title, and the verses renumbered.
    let ps = verse("Ps 3:1");
    assert_eq!(ps[0].title.as_deref(), Some("A song of the night watch."));
    assert_eq!(ps[0].text, "First line of the song.");
    assert_eq!(verse("Ps 3:8")[0].text, "Last line of the song.");
    assert!(notes.contains("Psalm titles numbered as verses"), "{notes}");
    // Joel 3 and 4 (Hebrew) are 2:28-32 and 3.
    assert_eq!(
        verse("Joel 2:28")[0].text,
        "After this the wind will come to everyone."
    );
    assert_eq!(
        verse("Joel 2:32")[0].text,
        "Whoever calls will be kept safe."
    );
    assert_eq!(
        verse("Joel 3:1")[0].text,
        "In those days the harvest will be gathered."
    );
    // 3 John 1:15 is the end of 1:14.
    assert_eq!(
        verse("3 John 14")[0].text,
        "I hope to see you soon and speak face to face. Peace to you. The friends greet you."
    );
    // Revelation 12:18 is the start of 13:1.
    assert_eq!(
        verse("Rev 13:1")[0].text,
        "It stood on the sand of the sea. Then I saw a beast rise out of the sea."
    );
    // Romans 14:24-26 is 16:25-27.
    assert_eq!(
        verse("Rom 16:27")[0].text,
        "to the only wise One be the glory. Amen."
    );
    assert_eq!(verse("Rom 14:23").len(), 1);
    // A verse the KJV numbering does not have is kept and reported.
    assert_eq!(
        verse("Gen 32:32")[0].text,
        "The travellers ate by the well and slept. At dawn the old man blessed them and went home."
    );
    assert!(
        notes.contains("Genesis 32: the source numbers verses the KJV does not have (33)"),
        "{notes}"
    );
    // A book outside the canon is left out, and said so.
    assert!(notes.contains("1En"), "{notes}");
    assert!(!t.info().books.contains(&"1En".to_owned()));
}

/// `(file, line, what the message must say)` for every broken fixture.
const INVALID: &[(&str, usize, &str)] = &[
    (
        "bad-verse-id.osis.xml",
        5,
        "expected an OSIS verse id like John.3.16, found \"Gen.one.1\"",
    ),
    ("broken.osis.xml", 6, "bad attribute in <verse>"),
    (
        "not-osis.osis.xml",
        2,
        "expected an <osis> document, found <html>",
    ),
    ("duplicate-verse.usfm", 5, "verse Gen 1:1 is given twice"),
    (
        "unclosed-note.usfm",
        5,
        "footnote not closed: expected \\f* before \\v",
    ),
    (
        "verse-before-chapter.usfm",
        3,
        "expected \\c before the first \\v",
    ),
    (
        "bad-number.zefania.xml",
        5,
        "expected a verse number in <VERS vnumber>, found \"one\"",
    ),
    (
        "no-chapter.usfx.xml",
        4,
        "expected <c> before the first <v>",
    ),
    (
        "unclosed.usfx.xml",
        6,
        "expected `</p>`, but `</book>` was found",
    ),
    (
        "truncated.usfx.xml",
        5,
        "<p> is not closed before the end of the file",
    ),
    (
        "bad-fields.tsv",
        3,
        "expected REF<TAB>TEXT or BOOK<TAB>CHAPTER<TAB>VERSE<TAB>TEXT, found 3 field(s)",
    ),
    ("not-utf8.tsv", 2, "not UTF-8 text"),
];

#[test]
fn broken_input_fails_with_file_and_line_and_writes_nothing() {
    for &(name, line, message) in INVALID {
        let path = fixture(&format!("invalid/{name}"));
        let dir = tempfile::tempdir().unwrap();
        let format = name.ends_with(".osis.xml").then_some(Format::Osis);
        let mut options = ImportOptions::new("broken");
        options.format = format;
        let err = import_file(&path, &options, dir.path()).unwrap_err();
        let shown = err.to_string();
        match &err {
            ImportError::Syntax {
                path: p,
                line: l,
                message: m,
            } => {
                assert_eq!(p, &path, "{name}");
                assert_eq!(*l, line, "{name}: {shown}");
                assert!(m.contains(message), "{name}: {shown}");
            }
            other => panic!("{name}: expected a syntax error, got {other}"),
        }
        assert!(
            shown.starts_with(&format!("{}:{line}: ", path.display())),
            "{shown}"
        );
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert!(left.is_empty(), "{name} left files behind");
    }
}

/// A zip bomb (a file that inflates past what an import takes) and a
/// damaged archive fail with the archive's name and what is wrong, and leave
/// nothing in the translations folder.
#[test]
fn hostile_zips_fail_clearly_and_write_nothing() {
    use std::io::Write;
    let work = tempfile::tempdir().unwrap();
    let bomb = work.path().join("bomb.zip");
    {
        let mut zip = zip::ZipWriter::new(std::fs::File::create(&bomb).unwrap());
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("01-GEN.usfm", options).unwrap();
        zip.write_all(b"\\id GEN\n\\c 1\n\\v 1 ").unwrap();
        let zeros = vec![b' '; 1 << 20];
        for _ in 0..64 {
            zip.write_all(&zeros).unwrap();
        }
        zip.finish().unwrap();
    }
    assert!(std::fs::metadata(&bomb).unwrap().len() < 1 << 20);
    let damaged = work.path().join("damaged.zip");
    let mut bytes = std::fs::read(fixture("bible/usfm.zip")).unwrap();
    let end = bytes.len();
    bytes.truncate(end - 30);
    std::fs::write(&damaged, bytes).unwrap();
    for (path, message) in [
        (
            &bomb,
            "01-GEN.usfm is larger than 67108864 bytes once unpacked",
        ),
        (&damaged, "not a readable zip archive"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let err = import_file(path, &ImportOptions::new("zip"), dir.path()).unwrap_err();
        let shown = err.to_string();
        assert!(
            matches!(err, ImportError::Archive { .. }),
            "{}: {shown}",
            path.display()
        );
        assert!(
            shown.starts_with(&format!("{}: ", path.display())) && shown.contains(message),
            "{shown}"
        );
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert!(left.is_empty(), "{} left files behind", path.display());
    }
}

/// The file is renamed into place whole: nothing else is left in the
/// folder, and it is as readable as any file the user creates (not the
/// owner-only mode of a temporary file), so a server running as another
/// user can read it.
#[test]
fn an_import_leaves_one_file_readable_as_created() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let report = import_file(
        &fixture("bible/sample.osis.xml"),
        &ImportOptions::new("sample"),
        dir.path(),
    )
    .unwrap();
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["sample.bible"]);
    let plain = dir.path().join("plain");
    std::fs::write(&plain, b"x").unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&report.path), mode(&plain));
}

#[test]
fn an_existing_id_is_not_overwritten_unless_asked() {
    let dir = tempfile::tempdir().unwrap();
    let path = fixture("bible/sample.osis.xml");
    import_file(&path, &ImportOptions::new("mine"), dir.path()).unwrap();
    let err = import_file(&path, &ImportOptions::new("mine"), dir.path()).unwrap_err();
    assert!(matches!(err, ImportError::Exists { .. }), "{err}");
    let err = import_file(&path, &ImportOptions::new("kjv"), dir.path()).unwrap_err();
    assert!(err.to_string().contains("bundled"), "{err}");
    let err = import_file(&path, &ImportOptions::new("Not An Id"), dir.path()).unwrap_err();
    assert!(matches!(err, ImportError::InvalidId(_)), "{err}");
    let mut replace = ImportOptions::new("mine");
    replace.replace = true;
    import_file(&fixture("bible/sample.usfx.xml"), &replace, dir.path()).unwrap();
    // Only the translation file is there: no temporary files.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["mine.bible"]);
}

#[test]
fn formats_are_detected() {
    for (name, format) in [
        ("bible/sample.osis.xml", Format::Osis),
        ("bible/sample.usfx.xml", Format::Usfx),
        ("bible/sample.zefania.xml", Format::Zefania),
        ("bible/usfm", Format::Usfm),
        ("bible/usfm.zip", Format::Usfm),
        ("bible/usfm/19-PSA.usfm", Format::Usfm),
        ("bible/sample.tsv", Format::Tsv),
        ("bible/sample.imp", Format::Imp),
    ] {
        assert_eq!(Format::detect(&fixture(name)).unwrap(), format, "{name}");
    }
    assert_eq!("USFM".parse::<Format>().unwrap(), Format::Usfm);
    assert!("docx".parse::<Format>().unwrap_err().contains("osis, usfx"));
}
