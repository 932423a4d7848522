//! OSIS reference strings: writing ranges in their shortest form and reading
//! them back.
//!
//! Ranges are written the way the JavaScript bible-passage-reference-parser
//! writes them with its default options: a whole book as `Gen`, whole books
//! as `Gen-Exod`, whole chapters as `Luke.15` or `Isa.40-Isa.55`, otherwise
//! `John.3.16` or `Gen.21.16-Gen.21.19`; a list is comma-joined.

use crate::canon::{BookId, Versification};
use crate::error::OsisError;
use crate::verse::{Precision, Range, VerseRef};
use std::fmt::{self, Write};

/// How much of a range's ends can be left out.
fn write_end(out: &mut impl Write, verse: VerseRef, precision: Precision) -> fmt::Result {
    match precision {
        Precision::Book => out.write_str(verse.book.osis()),
        Precision::Chapter => write!(out, "{}.{}", verse.book.osis(), verse.chapter),
        Precision::Verse => write!(out, "{verse}"),
    }
}

/// Writes `range` as OSIS in its shortest form.
pub(crate) fn write_range(out: &mut impl Write, range: Range, v: &Versification) -> fmt::Result {
    let p = range.precision(v);
    write_end(out, range.start, p)?;
    let same = match p {
        Precision::Book => range.start.book == range.end.book,
        Precision::Chapter => {
            range.start.book == range.end.book && range.start.chapter == range.end.chapter
        }
        Precision::Verse => range.start == range.end,
    };
    if !same {
        out.write_char('-')?;
        write_end(out, range.end, p)?;
    }
    Ok(())
}

/// Writes ranges as one comma-joined OSIS string.
pub(crate) fn write_ranges(
    out: &mut impl Write,
    ranges: &[Range],
    v: &Versification,
) -> fmt::Result {
    for (i, &range) in ranges.iter().enumerate() {
        if i > 0 {
            out.write_char(',')?;
        }
        write_range(out, range, v)?;
    }
    Ok(())
}

/// The OSIS form of `range` in the default versification, e.g. `"Gen.21.16-Gen.21.19"`,
/// `"Luke.15"`, `"Gen"`.
///
/// ```
/// use abide_scripture::{BookId, Range, VerseRef, to_osis};
/// let john = BookId::from_osis("John").unwrap();
/// let range = Range::new(VerseRef::new(john, 3, 16), VerseRef::new(john, 3, 18)).unwrap();
/// assert_eq!(to_osis(&[range]), "John.3.16-John.3.18");
/// ```
pub fn to_osis(ranges: &[Range]) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = write_ranges(&mut out, ranges, Versification::kjv());
    out
}

/// Reads one OSIS end (`Gen`, `Gen.1`, `Gen.1.1`); returns its first and
/// last verse.
fn parse_end(s: &str, v: &Versification) -> Result<(VerseRef, VerseRef), OsisError> {
    let bad = || OsisError::Syntax(s.to_owned());
    let mut parts = s.split('.');
    let book_id = parts.next().ok_or_else(bad)?;
    let book =
        BookId::from_osis(book_id).ok_or_else(|| OsisError::UnknownBook(book_id.to_owned()))?;
    let number = |p: Option<&str>| -> Result<Option<u16>, OsisError> {
        match p {
            None => Ok(None),
            Some(t) if !t.is_empty() && t.len() <= 3 && t.bytes().all(|b| b.is_ascii_digit()) => {
                t.parse().map(Some).map_err(|_| bad())
            }
            Some(_) => Err(bad()),
        }
    };
    let chapter = number(parts.next())?;
    let verse = number(parts.next())?;
    if parts.next().is_some() {
        return Err(bad());
    }
    let missing = || OsisError::NotInVersification(s.to_owned());
    match (chapter, verse) {
        (None, _) => {
            let r = Range::book(book, v);
            Ok((r.start, r.end))
        }
        (Some(c), None) => {
            let r = Range::chapter(book, c, v).ok_or_else(missing)?;
            Ok((r.start, r.end))
        }
        (Some(c), Some(n)) => {
            let verse = VerseRef::new(book, c, n);
            if verse.is_valid(v) {
                Ok((verse, verse))
            } else {
                Err(missing())
            }
        }
    }
}

/// Parses one OSIS reference (`John.3.16`, `Gen.1-Gen.2`, `Gen-Exod`) into a
/// range of the default versification.
pub fn parse_osis_range(s: &str) -> Result<Range, OsisError> {
    let v = Versification::kjv();
    let (first, last) = match s.split_once('-') {
        None => parse_end(s, v)?,
        Some((a, b)) => (parse_end(a, v)?.0, parse_end(b, v)?.1),
    };
    Range::new(first, last).ok_or_else(|| OsisError::Reversed(s.to_owned()))
}

/// Parses a comma-joined list of OSIS references, as `abide refs` prints
/// them, into ranges of the default versification. An empty string is an
/// empty list.
///
/// ```
/// let ranges = abide_scripture::parse_osis("Gen.21.16-Gen.21.19,Luke.15,Jude").unwrap();
/// assert_eq!(ranges.len(), 3);
/// assert_eq!(ranges[0].keys(), (1_021_016, 1_021_019));
/// assert_eq!(ranges[1].keys(), (42_015_001, 42_015_032));
/// assert_eq!(ranges[2].keys(), (65_001_001, 65_001_025));
/// ```
pub fn parse_osis(s: &str) -> Result<Vec<Range>, OsisError> {
    if s.is_empty() {
        return Ok(Vec::new());
    }
    s.split(',').map(parse_osis_range).collect()
}
