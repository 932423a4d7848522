//! Writing ranges back in human form: `John 15:5`, `Gen 21:16–19`,
//! `Romans 8:38–39`, `Luke 15`, `Isaiah 40–55`, `Jude 5`.
//!
//! Whatever is written here, [`crate::parse`] reads back to the same ranges
//! (a property test checks it).

use crate::canon::{BookId, Versification};
use crate::verse::{Precision, Range, VerseRef};
use std::fmt::{self, Write};

/// How book names are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Style {
    /// Full names: `Genesis 21:16–19`, `Psalm 23`, `1 Corinthians 13`.
    #[default]
    Full,
    /// SBL-style abbreviations: `Gen 21:16–19`, `Ps 23`, `1 Cor 13`.
    Short,
}

const DASH: char = '–';

fn is_ps151(book: BookId) -> bool {
    book.osis() == "Ps151"
}

/// The book's name in `style`; `one` says a single psalm is meant ("Psalm 23"
/// rather than "Psalms 23").
fn name(book: BookId, style: Style, one: bool) -> &'static str {
    let b = book.book();
    match style {
        Style::Full if b.osis == "Ps" && one => "Psalm",
        Style::Full => b.name,
        Style::Short => b.short,
    }
}

/// `3:16`, or `16` in a one-chapter book (`Jude 16`), or `151:3` in Psalm 151.
fn write_verse_number(out: &mut impl Write, at: VerseRef, v: &Versification) -> fmt::Result {
    // A lone `Jude 1` means the whole book, so its first verse is `Jude 1:1`.
    if v.is_single_chapter(at.book) && !is_ps151(at.book) && at.verse == 1 {
        write!(out, "1:1")
    } else if is_ps151(at.book) || v.is_single_chapter(at.book) {
        // Psalm 151 is only ever written after its name, like a one-chapter book.
        write!(out, "{}", at.verse)
    } else {
        write!(out, "{}:{}", at.chapter, at.verse)
    }
}

/// The name and the first number(s) of a point: `John 3:16`, `Jude 5`,
/// `Psalm 151:3`, `Luke 15`.
fn write_start(
    out: &mut impl Write,
    at: VerseRef,
    p: Precision,
    style: Style,
    one: bool,
) -> fmt::Result {
    let v = Versification::kjv();
    if is_ps151(at.book) {
        // Psalm 151 is read as chapter 151 of Psalms.
        out.write_str(name(at.book, style, one))?;
        return match p {
            Precision::Verse => write!(out, ":{}", at.verse),
            _ => Ok(()),
        };
    }
    write!(out, "{} ", name(at.book, style, one))?;
    match p {
        Precision::Verse => write_verse_number(out, at, v),
        _ if v.is_single_chapter(at.book) => write!(out, "{}", at.verse),
        _ => write!(out, "{}", at.chapter),
    }
}

/// Writes `r` on its own, with its book name.
fn write_one(out: &mut impl Write, r: Range, style: Style) -> fmt::Result {
    let v = Versification::kjv();
    let p = r.precision(v);
    let (s, e) = (r.start, r.end);
    let same_book = s.book == e.book;
    match p {
        Precision::Book if same_book => out.write_str(name(s.book, style, false)),
        Precision::Chapter if same_book && s.chapter == e.chapter => {
            write_start(out, s, p, style, true)
        }
        Precision::Book | Precision::Chapter if same_book => {
            write_start(out, s, Precision::Chapter, style, false)?;
            write!(out, "{DASH}{}", e.chapter)
        }
        Precision::Book | Precision::Chapter => {
            write_start(out, s, Precision::Chapter, style, true)?;
            out.write_char(DASH)?;
            if v.is_single_chapter(e.book) {
                write_start(out, e, Precision::Verse, style, true)
            } else {
                write_start(out, e, Precision::Chapter, style, true)
            }
        }
        Precision::Verse => {
            write_start(out, s, p, style, true)?;
            write_verse_end(out, s, e, style)
        }
    }
}

/// `–18`, `–4:2`, `–Exodus 2:3` after a verse-precision start (nothing if `e == s`).
fn write_verse_end(out: &mut impl Write, s: VerseRef, e: VerseRef, style: Style) -> fmt::Result {
    let v = Versification::kjv();
    if e == s {
        return Ok(());
    }
    out.write_char(DASH)?;
    if e.book != s.book {
        write_start(out, e, Precision::Verse, style, true)
    } else if e.chapter == s.chapter {
        write!(out, "{}", e.verse)
    } else {
        write_verse_number(out, e, v)
    }
}

/// Writes `range` in human form.
///
/// ```
/// use abide_scripture::{format_range, parse, Style};
/// let range = parse("Genesis 21:16-19").unwrap().ranges[0];
/// assert_eq!(format_range(range, Style::Short), "Gen 21:16–19");
/// assert_eq!(format_range(range, Style::Full), "Genesis 21:16–19");
/// ```
pub fn format_range(range: Range, style: Style) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = write_one(&mut out, range, style);
    out
}

/// Writes a list of ranges the way people write them, naming a book or
/// chapter only when it changes: `John 3:16, 18; 4:2; Romans 8:28`.
///
/// ```
/// use abide_scripture::{format_ranges, parse, Style};
/// let citation = parse("John 3:16, 18; 4:2; Rom 8:28").unwrap();
/// assert_eq!(format_ranges(&citation.ranges, Style::Short), "John 3:16, 18; 4:2; Rom 8:28");
/// ```
pub fn format_ranges(ranges: &[Range], style: Style) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = write_list(&mut out, ranges, style);
    out
}

fn write_list(out: &mut impl Write, ranges: &[Range], style: Style) -> fmt::Result {
    let v = Versification::kjv();
    // What the parser will assume for a bare number: (book, chapter, verse level?).
    let mut ctx: Option<(BookId, u16, bool)> = None;
    for (i, &r) in ranges.iter().enumerate() {
        let p = r.precision(v);
        let (s, e) = (r.start, r.end);
        let continued = match ctx {
            Some((book, chapter, verse_level))
                if book == s.book && s.book == e.book && p != Precision::Book =>
            {
                match p {
                    Precision::Chapter if !verse_level && !v.is_single_chapter(book) => {
                        write!(out, "; {}", s.chapter)?;
                        if e.chapter != s.chapter {
                            write!(out, "{DASH}{}", e.chapter)?;
                        }
                        true
                    }
                    Precision::Verse if verse_level && s.chapter == chapter => {
                        write!(out, ", {}", s.verse)?;
                        write_verse_end(out, s, e, style)?;
                        true
                    }
                    Precision::Verse if !is_ps151(book) && !v.is_single_chapter(book) => {
                        write!(out, "; {}:{}", s.chapter, s.verse)?;
                        write_verse_end(out, s, e, style)?;
                        true
                    }
                    _ => false,
                }
            }
            _ => false,
        };
        if !continued {
            if i > 0 {
                out.write_str("; ")?;
            }
            write_one(out, r, style)?;
        }
        ctx = match p {
            Precision::Book => None,
            Precision::Chapter => Some((e.book, e.chapter, v.is_single_chapter(e.book))),
            Precision::Verse => Some((e.book, e.chapter, true)),
        };
    }
    Ok(())
}
