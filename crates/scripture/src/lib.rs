//! Scripture references as data: the canon and its versification, the
//! reference parser and extractor, OSIS ids and human formatting. The texts
//! of translations are another crate's job (`abide-bible`), built on this one.
//! This crate knows nothing of HTTP, databases or mail.
//!
//! Main types: [`BookId`] and [`Book`] (the canon), [`Versification`] (chapter
//! and verse counts), [`VerseRef`] (one verse, with a `BBCCCVVV` integer
//! [key](VerseRef::key)), [`Range`] (a closed interval of verses) and
//! [`Citation`] (what [`extract`] finds in text).
//!
//! ```
//! use abide_scripture::{extract, format_range, Style};
//!
//! let text = "Then, Revelation 3:20: he knocks. He spoke to Laodicea (v. 17). \
//!             See Genesis 21:16-19; Luke 15 and 1 Kings 19:12.";
//! let found: Vec<String> = extract(text).iter().map(|c| c.osis()).collect();
//! assert_eq!(
//!     found,
//!     ["Rev.3.20", "Rev.3.17", "Gen.21.16-Gen.21.19,Luke.15,1Kgs.19.12"]
//! );
//!
//! let citation = &extract(text)[2];
//! assert_eq!(citation.text, "Genesis 21:16-19; Luke 15 and 1 Kings 19:12");
//! assert_eq!(citation.ranges[0].keys(), (1_021_016, 1_021_019));
//! assert_eq!(format_range(citation.ranges[0], Style::Short), "Gen 21:16–19");
//! ```
//!
//! # What is a citation
//!
//! [`extract`] finds a book name followed by a chapter, and reads on:
//!
//! - verses `John 3:16`, `John 3.16`, letters dropped (`John 3:16a`);
//! - ranges with `-`, `–`, `—`, `to`, `through`: `John 3:16-18`,
//!   `John 3:16–4:2`, `Genesis 1:1-Exodus 2:3`, `Job 3-Pr 3`, chapters
//!   `Isaiah 40-55`;
//! - `f`/`ff` to the end of the chapter (`Acts 2:38ff`), or of the book after a
//!   chapter;
//! - sequences joined by `,` `;` `&` `and` `see` `cf.` `also`:
//!   `John 3:16, 18; 4:2; Rom 8:28`. A bare number continues at the level of
//!   the reference before it: after a verse it is a verse, after a chapter a
//!   chapter (`Luke 15, 16` are chapters, `John 3:16, 18` verses). A
//!   reference may touch the next: `Matt5John3`;
//! - `verse 16`, `v. 17`, `vv. 7, 11`, `chapter 5`, `ch. 5`: after a chapter
//!   they narrow it (`John 3 verse 16`); elsewhere they are resolved against
//!   the previous citation of the same text only where the cue is strong:
//!   right after it ("the book of Ruth, chapter 2"), alone in brackets
//!   (`Revelation 3:20 … (v. 17)` is `Rev.3.17`), a verse in the same
//!   paragraph that no `of` follows ("Luke 15 is long; verse 20 is the
//!   turn", not "verse 2 of the hymn"), a chapter with its verse ("chapter 20,
//!   verse 29"). "Chapter 4 of the study guide" is nothing;
//! - the chapter named first: `chapter 4 of Colossians`, `chapters 140 to 150
//!   from Psalms`, `the 3rd chapter of John`, `the 23rd Psalm`;
//! - `Ps 3 title` (verse 1, as the JavaScript parser reads it);
//! - one-chapter books: `Jude 5` is Jude 1:5, `Jude 1` the whole book;
//! - whole books only as `the book of Ruth` (the bare word is too often a
//!   name: "James flips that");
//! - `Psalm 151` is the book of that name, not a 151st psalm.
//!
//! Chapters and verses are checked against the [`Versification`]: `John 22:1`
//! and `Ps 152` are not citations, while a range that runs past a chapter's
//! or book's end is clamped to it (`Ps 119:170-180` is `Ps.119.170-Ps.119.176`).
//! [`rejected`] finds what would have been a citation had the chapter or
//! verse existed, with the reason ("John has 21 chapters"), for a content
//! check to report.
//! An ordinal that would make a reference impossible is the chapter of the
//! reference before: in "Song 3 John 3:16" (no 3 John 3) the citation is
//! John 3:16.
//!
//! # How book names are written
//!
//! Names are data (`crates/scripture/data/`, see its README): this project's
//! list and the English names of the JavaScript bible-passage-reference-parser,
//! matched ASCII case-insensitively (`ROMANS 8:28`), with the ordinal in any
//! written form (`1`, `1st`, `1st.`, `I`, `II.`, `First`, `FIRST`, `Second.`),
//! the Septuagint's and Vulgate's names (`3 Kingdoms`, `4 Kings`) and the long
//! forms of the gospels (`The Gospel according to St. John`, `Saint Mark`).
//! "1. John" and "I. John" are items of a list, not 1 John.
//!
//! Where no name ends before a chapter number, a misspelled one is looked
//! for: one letter dropped, added, changed or swapped in a name of five to
//! seven letters, two in longer ones (`Ecclesiates 3:1`, `1 Thesalonians 5:16`,
//! `Song of Solomn 2:4`, `Leter of Jeremiah 12`). Names of four letters or
//! fewer stay exact. A misspelled name needs chapter and verse when it is
//! shorter than seven letters or written in lower case, and is never an
//! English word or a person's name ("Games 3:1", "Either 3 or 4", "Daniels
//! 3"), except after its book's ordinal ("1 Kongs 17:21").
//!
//! # Words that are also book names
//!
//! Some names are ordinary words or names of people: "Mark my words", "Job
//! hunting", "acts of kindness", "Numbers 4 and 5 of the list", "Song 3" in a
//! playlist. The extractor's rules:
//!
//! 1. A book name alone is never a citation (except after "book of").
//! 2. `Song`, `Songs` and `SoS` need chapter *and* verse (`Song 2:4`); the
//!    full `Song of Songs 3` / `Song of Solomon 3` need only a chapter. So do
//!    the singular `Roman`, `Hebrew`, `Lament`, `Galatian` and the short
//!    forms of other parsers (`Ho 3:1`, not `Ho 3`).
//! 3. Names that are English words — Mark, Job, Acts, Numbers, Judges,
//!    Lamentations, Revelation(s), Proverbs, Ex, Wisdom, Sir, Bar — and the
//!    lower-case abbreviations gal, col, mat, hag, nah, lam, tit, pet, rev,
//!    dan, jon, ruth, job:
//!    - written in lower case they need chapter and verse (`acts 2:38`, not
//!      `acts 2`);
//!    - with only a chapter they are not a citation when `of` follows
//!      ("Numbers 4 and 5 of the list", "Acts 2 of the play").
//! 4. A lower-case name of one or two letters (`ex`, `ph`, `jn`) never counts
//!    ("pH 7.4").
//! 5. A number must end where a word ends: `Luke 15th` and `Mark 2pm` are
//!    not citations.
//!
//! [`parse`], which reads a string that is known to be one reference (a
//! search box), applies none of these rules: `parse("Song 3")` is `Song.3`.
//!
//! `crates/scripture/DIFFERENCES.md` lists where the output differs from the
//! JavaScript bible-passage-reference-parser and why.
#![deny(missing_docs)]

mod canon;
mod error;
mod extract;
mod format;
mod names;
mod osis;
mod reject;
mod text;
mod verse;

pub use canon::{Book, BookId, Testament, Versification};
pub use error::{OsisError, ParseError};
pub use extract::{Citation, Extractor, extract, parse};
pub use format::{Style, format_range, format_ranges};
pub use osis::{parse_osis, parse_osis_range, to_osis};
pub use reject::{RejectReason, Rejected, extract_with_rejected, rejected};
pub use verse::{Range, VerseRef, first_verses, normalize_ranges};
