//! Arbitrary bytes through every importer (the first byte picks the format;
//! the seventh choice is a zip of USFM files): no panic; an error names a
//! line inside the input (or, for a zip, the archive or a file in it);
//! whatever imports reads back (every book, search) without panicking, its
//! spans inside its verses.
//!
//! ```sh
//! cargo +nightly fuzz run import   # from crates/bible
//! ```
//! The same properties run on stable in `tests/import_props.rs`, and the zip
//! reader's own bounds in `src/import/zip.rs`.
#![no_main]

use std::path::Path;

use abide_bible::{Format, ImportError, ImportOptions, read_bytes};
use libfuzzer_sys::fuzz_target;

#[path = "../../tests/readback.rs"]
mod readback;

use readback::FORMATS;

fuzz_target!(|data: &[u8]| {
    let Some((&first, input)) = data.split_first() else {
        return;
    };
    // One more than the formats: a USFM zip.
    let choice = usize::from(first) % (FORMATS.len() + 1);
    let zip = choice == FORMATS.len();
    let (format, origin) = match FORMATS.get(choice) {
        Some(&format) => (format, "fuzz"),
        None => (Format::Usfm, "fuzz.zip"),
    };
    match read_bytes(input, format, Path::new(origin)) {
        Ok(text) => {
            let t = text
                .into_translation(&ImportOptions::new("fuzz"))
                .expect("an import reads back");
            readback::reads_back(&t);
        }
        Err(ImportError::Syntax { line, .. }) if !zip => {
            let lines = input.iter().filter(|&&b| b == b'\n').count() + 1;
            assert!(line >= 1 && line <= lines, "line {line} of {lines}");
        }
        // A file in the archive: its line is in the file, not in the archive.
        Err(ImportError::Syntax { line, .. }) => assert!(line >= 1),
        Err(ImportError::Archive { .. }) if zip => {}
        Err(ImportError::NoVerses { .. }) => {}
        Err(e) => panic!("unexpected error kind: {e}"),
    }
});
