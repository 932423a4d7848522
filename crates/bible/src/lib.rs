//! Bible translations: their import from the standard formats, a compact
//! store, passage lookup, search and the verse of the day, with the American
//! Standard Version and the King James Version compiled in. References
//! (books, chapters, verses, ranges, their parser) come from
//! `abide-scripture`. This crate knows nothing of HTTP, databases or mail.
//!
//! Main types: [`Library`] (every translation), [`Translation`] (one, with
//! [`TranslationInfo`]), [`Passage`] and [`Verse`] (text to show),
//! [`SearchResults`]; [`import_file`] and [`import_sword`] with
//! [`ImportOptions`]; [`sword_modules`] and [`find_sword_module`], the
//! installed SWORD modules, where SWORD itself finds them.
//!
//! A [`Library`] holds the translations compiled in (from the `bible-lib`
//! crate, cleaned at build time) and those imported into a folder
//! (`<data_dir>/translations`, one `<id>.bible` file each). The default is the
//! World English Bible (`web`) once imported, otherwise the ASV. A server
//! opens one library at start-up (milliseconds: only headers are read) and
//! shares it in an `Arc`; each book is inflated on first use, the search index
//! built on the first search.
//!
//! ```
//! use abide_bible::Library;
//! use abide_scripture::parse;
//!
//! let library = Library::open(std::path::Path::new("/nonexistent")).unwrap();
//! let t = library.default_translation();
//! let passage = t.passage(&parse("Psalm 23:1-2").unwrap().ranges).unwrap();
//! assert_eq!(passage.reference, "Psalm 23:1–2");
//! assert_eq!(passage.verses[0].number, 1);
//! assert_eq!(passage.verses[0].title.as_deref(), Some("A Psalm of David."));
//! assert!(passage.verses[0].text.starts_with("Jehovah is my shepherd"));
//! println!("{}", t.info().attribution()); // American Standard Version (ASV), public domain
//!
//! let found = t.search("be still", 5).unwrap();
//! assert_eq!(found.hits[0].reference.to_string(), "Ps.46.10");
//! ```
//!
//! Verses are stored under their key in the default (KJV) versification.
//! Importers read OSIS, USFX, Zefania, USFM (one file, a folder or a zip),
//! TSV, SWORD's imp format and installed SWORD modules; they map the known
//! numbering differences (Malachi 3:19–24, Joel 3–4, psalm titles numbered as
//! verses, 3 John 1:15, Revelation 12:18, Romans 14:24–26) and report the rest
//! in [`TranslationInfo::versification_notes`]; verses a translation lacks
//! are listed in [`TranslationInfo::absent`].
#![deny(missing_docs)]

mod import;
mod library;
mod sword;
mod translation;

pub use import::{
    Format, ImportError, ImportOptions, ImportReport, ImportedText, import_file, import_sword,
    read_bytes, read_file,
};
pub use library::{
    Library, LibraryError, PREFERRED_DEFAULT, TRANSLATION_EXTENSION, VERSE_OF_THE_DAY_FILE,
};
pub use sword::{SwordModule, find_sword_module, sword_libraries, sword_modules};
pub use translation::search::{SearchHit, SearchResults};
pub use translation::{
    LookupError, Note, OpenError, Passage, Run, Translation, TranslationInfo, Verse, is_valid_id,
    normalize_id, note_mark,
};
