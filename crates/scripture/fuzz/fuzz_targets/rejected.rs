//! Arbitrary bytes, read as UTF-8 text (lossily), through `rejected`: no
//! panic, spans on char boundaries, within the text and matching it, in
//! order, overlapping neither each other nor a citation that `extract`
//! returns, the same citations as `extract`, and a reason that names a
//! chapter or verse that does not exist. The text is also put where
//! references are read (after a book name, before a verse keyword).
//!
//! ```sh
//! cargo +nightly fuzz run rejected   # from crates/scripture
//! ```
//! The same properties run on stable in `tests/robustness.rs`.
#![no_main]

use abide_scripture::{RejectReason, Versification, extract, extract_with_rejected};
use libfuzzer_sys::fuzz_target;

fn check(text: &str) {
    let v = Versification::kjv();
    let (citations, rejected) = extract_with_rejected(text);
    assert_eq!(citations, extract(text));
    let mut last_end = 0;
    for r in &rejected {
        assert!(r.span.start < r.span.end && r.span.end <= text.len());
        assert!(text.is_char_boundary(r.span.start) && text.is_char_boundary(r.span.end));
        assert_eq!(&text[r.span.clone()], r.text);
        assert!(r.span.start >= last_end);
        last_end = r.span.end;
        for c in &citations {
            assert!(c.span.end <= r.span.start || r.span.end <= c.span.start);
        }
        match r.reason {
            RejectReason::NoChapter { book, chapter } => {
                assert_eq!(v.verse_count(book, chapter), None);
            }
            RejectReason::NoVerse {
                book,
                chapter,
                verse,
            } => {
                let count = v.verse_count(book, chapter);
                assert!(verse == 0 || count.is_some_and(|n| verse > n));
            }
            _ => {}
        }
        assert!(!r.reason.to_string().is_empty());
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    check(&text);
    for wrapped in [
        format!("John {text}"),
        format!("Read {text} 22:1 today"),
        format!("John 3:16 is short.\n{text} (v. 99), verse 40 of {text}"),
        format!("chapter 30 of {text}"),
    ] {
        check(&wrapped);
    }
});
