//! Text that would be a citation if its chapter or verse existed: the
//! mistyped references a content check reports ("John 22:1", "Gen 1:99").

use crate::canon::{BookId, Versification};
use crate::extract::{Citation, Extractor, Invalid};
use std::fmt;
use std::ops;

/// Why a candidate citation was rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RejectReason {
    /// The book has no such chapter (`John 22`, `Jude 2:3`, `Ps 152`).
    NoChapter {
        /// The book named.
        book: BookId,
        /// The chapter as written.
        chapter: u16,
    },
    /// The chapter has no such verse (`Gen 1:99`, `Jude 30`, `John 3:0`).
    NoVerse {
        /// The book named.
        book: BookId,
        /// The chapter (the book's only one for `Jude 30`).
        chapter: u16,
        /// The verse as written.
        verse: u16,
    },
}

impl fmt::Display for RejectReason {
    /// What a reader can check: "John has 21 chapters", "Genesis 1 has 31
    /// verses", "Jude has only one chapter", "Jude has 25 verses".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = Versification::kjv();
        match *self {
            Self::NoChapter { book, chapter } => {
                let name = book.book().name;
                let (first, last) = (v.first_chapter(book), v.last_chapter(book));
                if chapter == 0 {
                    write!(f, "chapters are numbered from {first}")
                } else if v.is_single_chapter(book) {
                    write!(f, "{name} has only one chapter")
                } else if first != 1 {
                    write!(f, "{name} has chapters {first}\u{2013}{last}")
                } else {
                    write!(f, "{name} has {last} chapters")
                }
            }
            Self::NoVerse {
                book,
                chapter,
                verse,
            } => {
                let name = book.book().name;
                let count = v.verse_count(book, chapter).unwrap_or(0);
                if verse == 0 {
                    write!(f, "verses are numbered from 1")
                } else if v.is_single_chapter(book) {
                    write!(f, "{name} has {count} verses")
                } else {
                    write!(f, "{name} {chapter} has {count} verses")
                }
            }
        }
    }
}

/// Text that [`extract`](crate::extract) would have taken as a citation had
/// its chapter or verse existed in the [`Versification`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejected<'t> {
    /// Byte offsets in the text: from the book name (or keyword) to the end
    /// of the impossible number (`John 22:1`); for a reference that
    /// continues a citation, only that reference (`22:1` in `John 3:16;
    /// 22:1`).
    pub span: ops::Range<usize>,
    /// `&text[span]`.
    pub text: &'t str,
    /// Why it is not a citation.
    pub reason: RejectReason,
    /// True when it names no book (`v. 99`, `chapter 30`) and was read
    /// against the citation before it, as [`Citation::contextual`]: the
    /// author may have meant another passage than that one.
    pub contextual: bool,
}

/// Finds the rejected candidate citations in `text`, in order: text that
/// looks like a citation under the same rules as [`extract`](crate::extract)
/// (a book name and the prose rules for names that are words, "v. 17" with
/// its cues, "chapter 4 of Colossians", "the 23rd Psalm") but names a chapter
/// or verse that does not exist.
///
/// No span overlaps a citation that `extract` returns, nor another
/// rejection: an impossible reference inside a citation that `extract`
/// accepts for its other parts ("John 22:1; 3:16") is not reported.
///
/// ```
/// use abide_scripture::rejected;
///
/// let found = rejected("Read John 22:1 and Gen 1:99, not Numbers 40 of the list.");
/// let found: Vec<_> = found.iter().map(|r| (r.text, r.reason.to_string())).collect();
/// assert_eq!(
///     found,
///     [
///         ("John 22:1", "John has 21 chapters".to_owned()),
///         ("Gen 1:99", "Genesis 1 has 31 verses".to_owned()),
///     ]
/// );
/// ```
pub fn rejected(text: &str) -> Vec<Rejected<'_>> {
    extract_with_rejected(text).1
}

/// [`extract`](crate::extract) and [`rejected`] in one pass over the text.
pub fn extract_with_rejected(text: &str) -> (Vec<Citation<'_>>, Vec<Rejected<'_>>) {
    let mut extractor = Extractor::recording(text);
    let citations: Vec<Citation<'_>> = extractor.by_ref().collect();
    let mut raw = extractor.take_rejected();
    raw.sort_by_key(|r| r.span.start);
    let mut out: Vec<Rejected<'_>> = Vec::new();
    for Invalid {
        span,
        reason,
        contextual,
    } in raw
    {
        let overlaps = |a: &ops::Range<usize>| a.start < span.end && span.start < a.end;
        let fits = span.start < span.end
            && span.end <= text.len()
            && text.is_char_boundary(span.start)
            && text.is_char_boundary(span.end);
        if !fits
            || citations.iter().any(|c| overlaps(&c.span))
            || out.iter().any(|r| overlaps(&r.span))
        {
            continue;
        }
        out.push(Rejected {
            text: &text[span.clone()],
            span,
            reason,
            contextual,
        });
    }
    (citations, out)
}
