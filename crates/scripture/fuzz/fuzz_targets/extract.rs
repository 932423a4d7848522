//! Arbitrary bytes, read as UTF-8 text (lossily), through the extractor and
//! the parser: no panic, spans on char boundaries and matching the text, valid
//! ranges, OSIS that parses back to the same ranges. The same text is also put
//! where the tolerant and relative paths read it (before a chapter and verse,
//! after an ordinal, after "chapter 4 of", in a paragraph after a citation),
//! and looked up as one book name. (The `abide refs` line contract over the
//! extractor has its property tests in the binary crate.)
//!
//! ```sh
//! cargo +nightly fuzz run extract   # from crates/scripture
//! ```
//! The same properties run on stable in `tests/robustness.rs`.
#![no_main]

use abide_scripture::{BookId, Versification, extract, parse, parse_osis};
use libfuzzer_sys::fuzz_target;

fn check(text: &str) {
    let v = Versification::kjv();
    let mut last_end = 0;
    for c in extract(text) {
        assert!(text.is_char_boundary(c.span.start) && text.is_char_boundary(c.span.end));
        assert!(c.span.start >= last_end);
        last_end = c.span.end;
        assert_eq!(&text[c.span.clone()], c.text);
        assert!(!c.ranges.is_empty());
        for r in &c.ranges {
            assert!(r.start <= r.end && r.is_valid(v));
        }
        assert_eq!(parse_osis(&c.osis()).ok(), Some(c.ranges.clone()));
    }
    if let Ok(c) = parse(text) {
        assert_eq!(parse_osis(&c.osis()).ok(), Some(c.ranges));
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    check(&text);
    // The tolerant and relative paths, fed the same text where they look.
    for wrapped in [
        format!("{text} 3:16"),
        format!("Read 1st. {text} 2:3 today"),
        format!("chapter 4 of {text}"),
        format!("the 3rd chapter of {text}"),
        format!("John 3:16 is short.\n\n{text} (v. 7), verse 8 of {text}"),
    ] {
        check(&wrapped);
    }
    if let Some(book) = BookId::from_name(&text) {
        assert_eq!(parse(text.trim()).ok().map(|c| c.ranges[0].start.book), Some(book));
    }
});
