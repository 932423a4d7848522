//! What the property tests and the fuzz target share
//! (`fuzz/fuzz_targets/import.rs` includes this file): the formats they
//! drive, and what must hold of any translation an import produced: every
//! book reads back, words-of-Jesus spans and notes lie inside their verse,
//! and a search runs.

use abide_bible::{Format, Translation};
use abide_scripture::{Range, Versification};

/// The formats read from bytes.
pub(crate) const FORMATS: [Format; 6] = [
    Format::Osis,
    Format::Usfx,
    Format::Zefania,
    Format::Usfm,
    Format::Tsv,
    Format::Imp,
];

/// Reads every book of `t` and searches it; panics where a span or a note
/// lies outside its verse.
pub(crate) fn reads_back(t: &Translation) {
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
                let _ = verse.segments();
            }
        }
    }
    let _ = t.search("the", 5);
}
