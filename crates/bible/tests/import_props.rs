//! Property tests of the importers, which read outside input: arbitrary and
//! half-structured input never panics and fails with a line inside the
//! input; generated texts written in each format, and zipped as USFM, read
//! back exactly; damaged zips fail cleanly.
//! `PROPTEST_CASES=100000` for a longer hunt; `fuzz/` runs the same on
//! nightly with coverage guidance.

use std::io::{Cursor, Write};
use std::path::Path;

use abide_bible::{Format, ImportError, ImportOptions, read_bytes};
use proptest::prelude::*;

use crate::readback::FORMATS;
use zip::CompressionMethod;
use zip::write::SimpleFileOptions;

/// A zip of `files`, deflated.
fn zip_of(files: &[(&str, &str)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, text) in files {
        let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
        zip.start_file(*name, options).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// Every book of an imported text reads back (see [`readback`](crate::readback)).
fn reads_back(text: abide_bible::ImportedText) {
    crate::readback::reads_back(&text.into_translation(&ImportOptions::new("prop")).unwrap());
}

/// Reads `input` as `format`; on success every book of the result reads
/// back, spans and notes inside their verse; on failure the line is in the input.
fn check(input: &str, format: Format) {
    match read_bytes(input.as_bytes(), format, Path::new("input")) {
        Ok(text) => reads_back(text),
        Err(ImportError::Syntax { line, .. }) => {
            assert!(
                line >= 1 && line <= input.lines().count() + 1,
                "line {line}"
            );
        }
        Err(ImportError::NoVerses { .. }) => {}
        Err(e) => panic!("unexpected error kind: {e}"),
    }
}

/// Pieces that look like each format, to get past the first checks.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("\\id GEN\n".to_owned()),
        Just("\\c 1\n".to_owned()),
        (1u16..40).prop_map(|n| format!("\\v {n} ")),
        Just("\\p\n".to_owned()),
        Just("\\q1 ".to_owned()),
        Just("\\s1 Heading\n".to_owned()),
        Just("\\d Title\n".to_owned()),
        Just("\\f + \\fr 1:1 \\ft note".to_owned()),
        Just("\\f*".to_owned()),
        Just("\\wj ".to_owned()),
        Just("\\wj*".to_owned()),
        Just("\\w word|strong=\"H1\"\\w*".to_owned()),
        Just("<osis><osisText>".to_owned()),
        Just("<div type=\"book\" osisID=\"Ps\">".to_owned()),
        (1u16..30, 1u16..30).prop_map(|(c, v)| format!("<verse osisID=\"Ps.{c}.{v}\">")),
        (1u16..30, 1u16..30)
            .prop_map(|(c, v)| format!("<verse sID=\"x\" osisID=\"John.{c}.{v}\"/>")),
        Just("</verse>".to_owned()),
        Just("<verse eID=\"x\"/>".to_owned()),
        Just("<q who=\"Jesus\">".to_owned()),
        Just("</q>".to_owned()),
        Just("<note>n</note>".to_owned()),
        Just("<title type=\"psalm\">t</title>".to_owned()),
        Just("<l>".to_owned()),
        Just("</l>".to_owned()),
        Just("<usfx><book id=\"MAT\">".to_owned()),
        (1u16..30).prop_map(|n| format!("<c id=\"{n}\"/>")),
        (1u16..30).prop_map(|n| format!("<v id=\"{n}\"/>")),
        Just("<wj>".to_owned()),
        Just("</wj>".to_owned()),
        Just("<XMLBIBLE><BIBLEBOOK bnumber=\"43\"><CHAPTER cnumber=\"3\">".to_owned()),
        (1u16..30).prop_map(|n| format!("<VERS vnumber=\"{n}\">")),
        Just("</VERS>".to_owned()),
        Just("<BR/>".to_owned()),
        (1u16..30, 1u16..30).prop_map(|(c, v)| format!("$$$John {c}:{v}\n")),
        (1u16..30, 1u16..30).prop_map(|(c, v)| format!("John.{c}.{v}\t")),
        Just("\n".to_owned()),
        Just("&amp;".to_owned()),
        Just("&bogus;".to_owned()),
        "[a-zA-Z “”’,.;:!?]{0,20}",
        ".{0,8}",
    ]
}

proptest! {
    #[test]
    fn arbitrary_text_never_panics(input in ".{0,400}", f in 0usize..FORMATS.len()) {
        check(&input, FORMATS[f]);
    }

    #[test]
    fn half_structured_input_never_panics(
        pieces in proptest::collection::vec(piece(), 0..60),
        f in 0usize..FORMATS.len(),
    ) {
        check(&pieces.concat(), FORMATS[f]);
    }

    #[test]
    fn arbitrary_bytes_never_panic(input in proptest::collection::vec(any::<u8>(), 0..300), f in 0usize..FORMATS.len()) {
        match read_bytes(&input, FORMATS[f], Path::new("input")) {
            Ok(_) | Err(ImportError::Syntax { .. } | ImportError::NoVerses { .. }) => {}
            Err(e) => panic!("unexpected error kind: {e}"),
        }
    }

    /// Generated verses written as OSIS, USFM, USFX, Zefania and TSV read
    /// back with the same texts.
    #[test]
    fn generated_texts_read_back(
        verses in proptest::collection::btree_map((1u16..=5, 1u16..=20), "[A-Za-z][a-z ,;’“”]{0,40}[a-z.!?]", 1..25),
    ) {
        let clean = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut osis = String::from("<osis><osisText><div type=\"book\" osisID=\"Gen\">");
        let mut usfm = String::from("\\id GEN\n");
        let mut usfx = String::from("<usfx><book id=\"GEN\">");
        let mut zef = String::from("<XMLBIBLE><BIBLEBOOK bnumber=\"1\">");
        let mut tsv = String::new();
        let mut chapter = 0;
        for (&(c, v), text) in &verses {
            osis.push_str(&format!("<verse osisID=\"Gen.{c}.{v}\">{text}</verse>\n"));
            if c != chapter {
                usfm.push_str(&format!("\\c {c}\n\\p\n"));
                usfx.push_str(&format!("<c id=\"{c}\"/>"));
                if chapter != 0 {
                    zef.push_str("</CHAPTER>");
                }
                zef.push_str(&format!("<CHAPTER cnumber=\"{c}\">"));
                chapter = c;
            }
            usfm.push_str(&format!("\\v {v} {text}\n"));
            usfx.push_str(&format!("<v id=\"{v}\"/>{text}<ve/>\n"));
            zef.push_str(&format!("<VERS vnumber=\"{v}\">{text}</VERS>\n"));
            tsv.push_str(&format!("Gen.{c}.{v}\t{text}\n"));
        }
        osis.push_str("</div></osisText></osis>");
        usfx.push_str("</book></usfx>");
        zef.push_str("</CHAPTER></BIBLEBOOK></XMLBIBLE>");
        for (input, format) in [
            (osis, Format::Osis),
            (usfm, Format::Usfm),
            (usfx, Format::Usfx),
            (zef, Format::Zefania),
            (tsv, Format::Tsv),
        ] {
            let t = read_bytes(input.as_bytes(), format, Path::new("gen"))
                .unwrap_or_else(|e| panic!("{format}: {e}\n{input}"))
                .into_translation(&ImportOptions::new("gen"))
                .unwrap();
            for (&(c, v), text) in &verses {
                let r = abide_scripture::VerseRef::new(abide_scripture::BookId::from_number(1).unwrap(), c, v);
                prop_assert_eq!(t.verse_text(r).unwrap_or_default(), clean(text), "{} {}", format, r);
            }
        }
    }

    /// Generated books, zipped as USFM files (with a file that is not
    /// USFM), read back the same; so do they damaged, or they fail cleanly.
    #[test]
    fn usfm_zips_read_back_or_fail_cleanly(
        verses in proptest::collection::btree_map((1u16..=3, 1u16..=9), "[A-Za-z][a-z ,;]{0,30}[a-z.]", 1..12),
        damage in proptest::collection::vec((any::<proptest::sample::Index>(), any::<u8>()), 0..4),
    ) {
        let clean = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut genesis = String::from("\\id GEN\n");
        let mut exodus = String::from("\\id EXO\n");
        let mut chapter = 0;
        for (&(c, v), text) in &verses {
            if c != chapter {
                genesis.push_str(&format!("\\c {c}\n"));
                exodus.push_str(&format!("\\c {c}\n"));
                chapter = c;
            }
            genesis.push_str(&format!("\\v {v} {text}\n"));
            exodus.push_str(&format!("\\v {v} {text}\n"));
        }
        let mut bytes = zip_of(&[("02-EXO.usfm", &exodus), ("README.txt", "not read"), ("01-GEN.SFM", &genesis)]);
        let t = read_bytes(&bytes, Format::Usfm, Path::new("bible.zip"))
            .unwrap()
            .into_translation(&ImportOptions::new("zip"))
            .unwrap();
        for (&(c, v), text) in &verses {
            for book in [1, 2] {
                let r = abide_scripture::VerseRef::new(abide_scripture::BookId::from_number(book).unwrap(), c, v);
                prop_assert_eq!(t.verse_text(r).unwrap_or_default(), clean(text), "{}", r);
            }
        }
        for (at, b) in damage {
            let i = at.index(bytes.len());
            bytes[i] = b;
        }
        match read_bytes(&bytes, Format::Usfm, Path::new("bible.zip")) {
            Ok(text) => reads_back(text),
            Err(ImportError::Archive { .. } | ImportError::Syntax { .. } | ImportError::NoVerses { .. }) => {}
            Err(e) => panic!("unexpected error kind: {e}"),
        }
    }

    /// Any bytes named as a zip: an archive error or a clean import.
    #[test]
    fn arbitrary_bytes_as_a_zip(input in proptest::collection::vec(any::<u8>(), 0..600)) {
        match read_bytes(&input, Format::Usfm, Path::new("input.zip")) {
            Ok(text) => reads_back(text),
            Err(ImportError::Archive { .. } | ImportError::Syntax { .. } | ImportError::NoVerses { .. }) => {}
            Err(e) => panic!("unexpected error kind: {e}"),
        }
    }
}
