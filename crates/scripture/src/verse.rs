//! Verses as points on one line, and closed ranges of them.

use crate::canon::{BookId, Versification};
use std::fmt;

/// One verse: book, chapter and verse number in the default versification.
///
/// Verses are ordered as they appear in the canon, and each has a compact
/// integer [key](Self::key) with the same order, so that a passage is a closed
/// interval of keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct VerseRef {
    /// The book.
    pub book: BookId,
    /// The chapter number (1-based, as printed).
    pub chapter: u16,
    /// The verse number (1-based, as printed).
    pub verse: u16,
}

impl VerseRef {
    /// A verse reference; it is not checked against a versification (see
    /// [`VerseRef::is_valid`]).
    pub fn new(book: BookId, chapter: u16, verse: u16) -> Self {
        Self {
            book,
            chapter,
            verse,
        }
    }

    /// The verse's key: `book * 1_000_000 + chapter * 1_000 + verse`
    /// (`BBCCCVVV`), e.g. Genesis 1:1 is `1_001_001` and John 3:16 is
    /// `43_003_016`. Keys order verses as the canon does.
    pub fn key(self) -> u32 {
        u32::from(self.book.number()) * 1_000_000
            + u32::from(self.chapter) * 1_000
            + u32::from(self.verse)
    }

    /// The verse with this key, if the key names a book and has chapter and
    /// verse parts; the verse itself is not checked against a versification.
    pub fn from_key(key: u32) -> Option<Self> {
        let book = BookId::from_number(u8::try_from(key / 1_000_000).ok()?)?;
        let chapter = u16::try_from(key / 1_000 % 1_000).ok()?;
        let verse = u16::try_from(key % 1_000).ok()?;
        (chapter > 0 && verse > 0).then_some(Self::new(book, chapter, verse))
    }

    /// Whether this verse exists in `versification`.
    pub fn is_valid(self, versification: &Versification) -> bool {
        self.verse >= 1
            && versification
                .verse_count(self.book, self.chapter)
                .is_some_and(|n| self.verse <= n)
    }

    /// The verse after this one in `versification`, crossing chapter and book
    /// boundaries, or `None` after the last verse of the last book.
    pub fn next(self, versification: &Versification) -> Option<Self> {
        let count = versification.verse_count(self.book, self.chapter)?;
        if self.verse < count {
            return Some(Self::new(self.book, self.chapter, self.verse + 1));
        }
        if self.chapter < versification.last_chapter(self.book) {
            return Some(Self::new(self.book, self.chapter + 1, 1));
        }
        let book = BookId::from_number(self.book.number() + 1)?;
        Some(Self::new(book, versification.first_chapter(book), 1))
    }

    /// The verse before this one in `versification`, crossing chapter and
    /// book boundaries, or `None` before the first verse of the first book.
    pub fn prev(self, versification: &Versification) -> Option<Self> {
        if self.verse > 1 {
            return Some(Self::new(self.book, self.chapter, self.verse - 1));
        }
        if self.chapter > versification.first_chapter(self.book) {
            let chapter = self.chapter - 1;
            let verse = versification.verse_count(self.book, chapter)?;
            return Some(Self::new(self.book, chapter, verse));
        }
        let book = BookId::from_number(self.book.number().checked_sub(1)?)?;
        let chapter = versification.last_chapter(book);
        Some(Self::new(
            book,
            chapter,
            versification.verse_count(book, chapter)?,
        ))
    }

    /// The first verse of `chapter` of `book`.
    pub fn chapter_start(book: BookId, chapter: u16) -> Self {
        Self::new(book, chapter, 1)
    }

    /// The last verse of `chapter` of `book`, or `None` if there is no such
    /// chapter.
    pub fn chapter_end(book: BookId, chapter: u16, versification: &Versification) -> Option<Self> {
        let verse = versification.verse_count(book, chapter)?;
        Some(Self::new(book, chapter, verse))
    }
}

impl fmt::Display for VerseRef {
    /// The OSIS form, e.g. `John.3.16`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.book.osis(), self.chapter, self.verse)
    }
}

/// A closed range of verses, `start..=end`, with `start <= end`.
///
/// Every citation, whatever its form (a verse, a chapter, a whole book, a
/// cross-chapter range), becomes one or more of these.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Range {
    /// The first verse.
    pub start: VerseRef,
    /// The last verse (inclusive).
    pub end: VerseRef,
}

impl Range {
    /// The range `start..=end`; returns `None` when `end` comes before `start`.
    pub fn new(start: VerseRef, end: VerseRef) -> Option<Self> {
        (start <= end).then_some(Self { start, end })
    }

    /// A range of one verse.
    pub fn verse(verse: VerseRef) -> Self {
        Self {
            start: verse,
            end: verse,
        }
    }

    /// The whole of `chapter` of `book`, or `None` if it does not exist.
    pub fn chapter(book: BookId, chapter: u16, versification: &Versification) -> Option<Self> {
        let end = VerseRef::chapter_end(book, chapter, versification)?;
        Some(Self {
            start: VerseRef::chapter_start(book, chapter),
            end,
        })
    }

    /// The whole of `book`.
    pub fn book(book: BookId, versification: &Versification) -> Self {
        let first = versification.first_chapter(book);
        let last = versification.last_chapter(book);
        let count = versification.verse_count(book, last).unwrap_or(1);
        Self {
            start: VerseRef::new(book, first, 1),
            end: VerseRef::new(book, last, count),
        }
    }

    /// The range as a pair of verse keys `(start, end)`, a closed interval:
    /// the form the citation index stores. Two ranges overlap when
    /// `a.0 <= b.1 && a.1 >= b.0`.
    pub fn keys(self) -> (u32, u32) {
        (self.start.key(), self.end.key())
    }

    /// The range with these keys, if both are verse keys in order.
    pub fn from_keys(start: u32, end: u32) -> Option<Self> {
        Self::new(VerseRef::from_key(start)?, VerseRef::from_key(end)?)
    }

    /// Whether both ends exist in `versification`.
    pub fn is_valid(self, versification: &Versification) -> bool {
        self.start.is_valid(versification) && self.end.is_valid(versification)
    }

    /// Whether `verse` lies in this range.
    pub fn contains(self, verse: VerseRef) -> bool {
        self.start <= verse && verse <= self.end
    }

    /// How many verses of `versification` the range holds: what a page or
    /// an API answer showing it would have to build. Counted per chapter, so
    /// it costs at most one step per chapter of the Bible.
    pub fn verse_count(self, versification: &Versification) -> u32 {
        let (end_book, end_chapter) = (self.end.book, self.end.chapter);
        let (mut book, mut chapter) = (self.start.book, self.start.chapter);
        let mut total = 0u32;
        loop {
            let count = versification.verse_count(book, chapter).unwrap_or(0);
            let first = if (book, chapter) == (self.start.book, self.start.chapter) {
                self.start.verse.max(1)
            } else {
                1
            };
            let at_end = (book, chapter) == (end_book, end_chapter);
            let last = if at_end {
                self.end.verse.min(count)
            } else {
                count
            };
            if last >= first {
                total += u32::from(last - first + 1);
            }
            if at_end || (book, chapter) > (end_book, end_chapter) {
                return total;
            }
            if chapter < versification.last_chapter(book) {
                chapter += 1;
            } else {
                match BookId::from_number(book.number() + 1) {
                    Some(next) if next <= end_book => {
                        book = next;
                        chapter = versification.first_chapter(next);
                    }
                    _ => return total,
                }
            }
        }
    }
}

/// `ranges` with every verse kept once, in the order first given: the verses
/// of a range that an earlier range already holds are dropped (what is left
/// of it stays where it was, in one or more pieces), and a range that
/// continues the one before it joins it. The result names the same verses
/// as the input, with no verse twice, so its size is bounded by the Bible's,
/// however the input repeats itself: this is the canonical form of a list of
/// ranges (`Gen-Rev,Gen-Rev` is `Gen-Rev`, `John.3.16,John.3.17` is
/// `John.3.16-John.3.17`, `John.3,John.3.16` is `John.3`).
///
/// ```
/// use abide_scripture::{normalize_ranges, parse_osis, to_osis, Versification};
/// let v = Versification::kjv();
/// let ranges = parse_osis("John.3.16-John.3.18,John.3.17-John.3.20,Gen.1.1,John.3.16").unwrap();
/// assert_eq!(to_osis(&normalize_ranges(&ranges, v)), "John.3.16-John.3.20,Gen.1.1");
/// ```
pub fn normalize_ranges(ranges: &[Range], versification: &Versification) -> Vec<Range> {
    use std::collections::BTreeMap;
    use std::ops::Bound::{Excluded, Included};
    // The verses taken so far, as disjoint closed intervals of keys.
    let mut covered: BTreeMap<u32, u32> = BTreeMap::new();
    let mut out: Vec<Range> = Vec::new();
    let push = |piece: Range, out: &mut Vec<Range>| match out.last_mut() {
        Some(last) if last.end.next(versification) == Some(piece.start) => last.end = piece.end,
        _ => out.push(piece),
    };
    for &range in ranges {
        let (s, e) = range.keys();
        let overlapping: Vec<(u32, u32)> = covered
            .range(..=s)
            .next_back()
            .filter(|&(_, &end)| end >= s)
            .into_iter()
            .chain(covered.range((Excluded(s), Included(e))))
            .map(|(&a, &b)| (a, b))
            .collect();
        // The uncovered pieces, walking past each covered interval.
        let mut cursor = Some(range.start);
        for &(a, b) in &overlapping {
            let Some(at) = cursor else { break };
            if a > at.key()
                && let Some(before) = VerseRef::from_key(a).and_then(|x| x.prev(versification))
                && let Some(piece) = Range::new(at, before)
            {
                push(piece, &mut out);
            }
            cursor = VerseRef::from_key(b)
                .and_then(|x| x.next(versification))
                .filter(|next| next.key() > at.key());
            if b >= e {
                cursor = None;
            }
        }
        if let Some(at) = cursor
            && let Some(piece) = Range::new(at, range.end)
        {
            push(piece, &mut out);
        }
        let lo = overlapping.first().map_or(s, |&(a, _)| a.min(s));
        let hi = overlapping.last().map_or(e, |&(_, b)| b.max(e));
        for (a, _) in &overlapping {
            covered.remove(a);
        }
        covered.insert(lo, hi);
    }
    out
}

/// The first `limit` verses of `ranges`, as ranges: what to build when only
/// that many will be shown.
pub fn first_verses(ranges: &[Range], limit: u32, versification: &Versification) -> Vec<Range> {
    let mut out = Vec::new();
    let mut left = limit;
    for &range in ranges {
        if left == 0 {
            break;
        }
        let count = range.verse_count(versification);
        if count <= left {
            out.push(range);
            left -= count;
            continue;
        }
        // Walk to the last verse that fits (at most `limit` steps).
        let mut end = range.start;
        for _ in 1..left {
            match end.next(versification) {
                Some(next) if next <= range.end => end = next,
                _ => break,
            }
        }
        out.extend(Range::new(range.start, end));
        break;
    }
    out
}

/// How coarsely a range can be named: whole books, whole chapters, or verses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Precision {
    Book,
    Chapter,
    Verse,
}

impl Range {
    /// Whether the range covers whole books (`Gen`), whole chapters
    /// (`Luke 15`) or must be named by its verses.
    pub(crate) fn precision(self, v: &Versification) -> Precision {
        let (s, e) = (self.start, self.end);
        let starts_chapter = s.verse == 1;
        let ends_chapter = v.verse_count(e.book, e.chapter) == Some(e.verse);
        if starts_chapter
            && ends_chapter
            && s.chapter == v.first_chapter(s.book)
            && e.chapter == v.last_chapter(e.book)
        {
            Precision::Book
        } else if starts_chapter && ends_chapter {
            Precision::Chapter
        } else {
            Precision::Verse
        }
    }
}

impl From<Range> for (u32, u32) {
    fn from(range: Range) -> Self {
        range.keys()
    }
}

/// One range as a list of one, so that functions taking ranges
/// (`AsRef<[Range]>`) take a single range too.
impl AsRef<[Range]> for Range {
    fn as_ref(&self) -> &[Range] {
        std::slice::from_ref(self)
    }
}

/// A verse serialises as its OSIS id, e.g. `"John.3.16"`.
impl serde::Serialize for VerseRef {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// A range serialises in its shortest OSIS form, e.g. `"John.3.16-John.3.18"`.
impl serde::Serialize for Range {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&crate::osis::to_osis(std::slice::from_ref(self)))
    }
}
