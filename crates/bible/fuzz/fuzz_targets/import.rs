//! Arbitrary bytes through every importer (the first byte picks the format):
//! no panic; an error names a line inside the input; whatever imports reads
//! back (every book, search) without panicking, its spans inside its verses.
//!
//! ```sh
//! cargo +nightly fuzz run import   # from crates/bible
//! ```
//! The same properties run on stable in `tests/import_props.rs`.
#![no_main]

use std::path::Path;

use abide_bible::{Format, ImportError, ImportOptions, read_bytes};
use abide_scripture::{Range, Versification};
use libfuzzer_sys::fuzz_target;

const FORMATS: [Format; 6] = [
    Format::Osis,
    Format::Usfx,
    Format::Zefania,
    Format::Usfm,
    Format::Tsv,
    Format::Imp,
];

fuzz_target!(|data: &[u8]| {
    let Some((&first, input)) = data.split_first() else {
        return;
    };
    let format = FORMATS[usize::from(first) % FORMATS.len()];
    match read_bytes(input, format, Path::new("fuzz")) {
        Ok(text) => {
            let t = text
                .into_translation(&ImportOptions::new("fuzz"))
                .expect("an import reads back");
            let v = Versification::kjv();
            let books: Vec<_> = t.books().collect();
            for book in books {
                if let Ok(p) = t.passage(Range::book(book, v)) {
                    for verse in p.verses {
                        for span in &verse.words_of_jesus {
                            assert!(span.start < span.end && span.end <= verse.text.len());
                        }
                        for note in &verse.notes {
                            assert!(note.offset <= verse.text.len());
                        }
                    }
                }
            }
            let _ = t.search("the word", 5);
        }
        Err(ImportError::Syntax { line, .. }) => {
            let lines = input.iter().filter(|&&b| b == b'\n').count() + 1;
            assert!(line >= 1 && line <= lines, "line {line} of {lines}");
        }
        Err(ImportError::NoVerses { .. }) => {}
        Err(e) => panic!("unexpected error kind: {e}"),
    }
});
