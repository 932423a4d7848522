//! Finding citations in prose, and parsing one reference.
//!
//! The extractor visits only the ASCII digits of the text (eight bytes at a
//! time) and the phrase "book of". At a digit it looks backwards for a book
//! name ending there (one walk of a reversed trie of all names) or for a
//! `v.`/`verse`/`ch.`/`chapter` keyword; from there a small hand-written
//! grammar reads forwards: chapter, verse, ranges, sequences. Nothing is
//! allocated except the citations it returns.

use crate::canon::{BookId, Versification};
use crate::error::ParseError;
use crate::names::{self, BookMatch};
use crate::osis;
use crate::reject::RejectReason;
use crate::text::{
    dash_len, find_digit, is_word_char_after, is_word_char_before, skip_ws, word_at, ws_len_back,
};
use crate::verse::{Range, VerseRef};
use std::fmt;
use std::ops;
use std::sync::LazyLock;

/// One citation found in text: a book reference and the references that
/// continue it (`John 3:16, 18; 4:2; Rom 8:28` is one citation of four
/// ranges), or a `v. 17` / `chapter 5` resolved against the citation before it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Citation<'t> {
    /// Byte offsets of the citation in the text.
    pub span: ops::Range<usize>,
    /// The text of the citation, `&text[span]`.
    pub text: &'t str,
    /// The verse ranges cited, in order of appearance; ranges that follow
    /// each other (`John 3:16, 17`) are joined into one.
    pub ranges: Vec<Range>,
    /// True when the citation names no book (`v. 17`, `chapter 5`) and was
    /// resolved against the previous citation in the same text.
    pub contextual: bool,
}

impl Citation<'_> {
    /// The OSIS form of the citation, e.g. `John.3.16,John.3.18`.
    pub fn osis(&self) -> String {
        osis::to_osis(&self.ranges)
    }

    /// Writes the OSIS form to `out` without allocating.
    pub fn write_osis(&self, out: &mut impl fmt::Write) -> fmt::Result {
        osis::write_ranges(out, &self.ranges, Versification::kjv())
    }

    /// The ranges as closed intervals of verse keys (see [`VerseRef::key`]).
    pub fn keys(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        self.ranges.iter().map(|r| r.keys())
    }
}

/// Finds every citation in `text`, in order of appearance.
///
/// See the [crate documentation](crate) for the forms understood and the
/// rules for words that are also book names.
pub fn extract(text: &str) -> Vec<Citation<'_>> {
    Extractor::new(text).collect()
}

/// Parses `reference` as one reference, e.g. a search query: `John 3:16`,
/// `Gen 1-3`, `Rom 8:28; 12:1-2`, or a bare book (`Genesis`).
///
/// Unlike [`extract`], this applies none of the prose rules (so `Song 3`,
/// `acts 2` and `Numbers 4` are all references) and fails unless the whole
/// input is read.
pub fn parse(reference: &str) -> Result<Citation<'_>, ParseError> {
    let start = reference.len() - reference.trim_start().len();
    let end = reference.trim_end().len();
    if start >= end {
        return Err(ParseError::Empty);
    }
    let Some(bm) = names::book_at(reference, start).or_else(|| tolerant_book(reference, start))
    else {
        return Err(ParseError::NoBook(reference.to_owned()));
    };
    let mut p = Parser::new(reference, Mode::Single, None);
    let after = p.after_book_name(bm.end);
    let done = if after >= end || !reference.as_bytes()[after].is_ascii_digit() {
        // A bare book: `Genesis`, `1 John.`
        p.items.push(Range::book(bm.book, p.v));
        p.end = bm.end;
        p.cur = bm.end;
        true
    } else {
        p.book_item(bm).is_some()
    };
    if done {
        p.sequence();
    }
    if p.invalid || (p.items.is_empty() && done) {
        return Err(ParseError::NotInVersification(reference.trim().to_owned()));
    }
    let mut stop = p.end;
    // A trailing period ("Rom. 8:28.") is punctuation, not part of the reference.
    if reference.as_bytes().get(stop) == Some(&b'.') {
        stop += 1;
    }
    if !done || p.items.is_empty() || !reference[stop..].trim().is_empty() {
        return Err(ParseError::Trailing {
            rest: reference[p.end.max(bm.end)..].trim().to_owned(),
        });
    }
    Ok(Citation {
        span: bm.start..p.end,
        text: &reference[bm.start..p.end],
        ranges: merge(p.items),
        contextual: false,
    })
}

/// A misspelled book name at `start` of a reference, where a chapter follows
/// it ("Ecclesiates 3:1" in a search box).
fn tolerant_book(reference: &str, start: usize) -> Option<BookMatch> {
    let bytes = reference.as_bytes();
    let digit = find_digit(bytes, start)?;
    let name_end = name_end_before(bytes, digit);
    names::tolerant_before(reference, name_end, start, names::Tolerance::Any)
        .filter(|bm| bm.start == start)
}

/// Steps back from the digit at `d` over the spaces and the period that may
/// stand between a book name and its chapter ("Gen. 1", "Gen.1", "Gen  1").
fn name_end_before(bytes: &[u8], d: usize) -> usize {
    let mut name_end = d;
    while let n @ 1.. = ws_len_back(bytes, name_end) {
        name_end -= n;
    }
    if name_end > 0 && bytes[name_end - 1] == b'.' {
        name_end -= 1;
        while let n @ 1.. = ws_len_back(bytes, name_end) {
            name_end -= n;
        }
    }
    name_end
}

/// Which misspelled names could end at `name_end` before the number at `d`
/// (see [`names::Tolerance`]). Most numbers in prose need no search: "at 7"
/// (a short word), "in 2019" (no chapter), "than 80" (lower case and no
/// verse, so only a one-chapter book could be meant), "1 Corinthans" (the 1
/// is an ordinal: the name is read at the next number).
fn tolerance_at(text: &str, name_end: usize, d: usize) -> Option<names::Tolerance> {
    let bytes = text.as_bytes();
    let (n, e) = number(bytes, d)?;
    if n == 0 {
        return None;
    }
    if matches!(bytes.get(e), Some(b':' | b'.')) && bytes.get(e + 1).is_some_and(u8::is_ascii_digit)
    {
        return Some(names::Tolerance::Any);
    }
    let mut i = name_end;
    while i > 0 && bytes[i - 1].is_ascii_alphabetic() {
        i -= 1;
    }
    if name_end - i < 4 || (n <= 4 && e == d + 1 && names::book_at(text, d).is_some()) {
        return None;
    }
    Some(if bytes[i].is_ascii_lowercase() {
        names::Tolerance::OneChapterBooks
    } else {
        names::Tolerance::Any
    })
}

/// Whether a blank line lies in `bytes`: a paragraph ends there.
fn has_blank_line(bytes: &[u8]) -> bool {
    let mut newline = false;
    for &b in bytes {
        match b {
            b'\n' if newline => return true,
            b'\n' => newline = true,
            b' ' | b'\t' | b'\r' => {}
            _ => newline = false,
        }
    }
    false
}

/// The English ordinal suffix of `n` ("st" for 21, "th" for 11).
fn ordinal_suffix(n: u16) -> &'static str {
    match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    }
}

/// An iterator over the citations in a text; [`extract`] collects it.
#[derive(Debug, Clone)]
pub struct Extractor<'t> {
    text: &'t str,
    /// Where scanning resumes.
    pos: usize,
    /// End of the last citation: a new one cannot start before it.
    floor: usize,
    /// The last citation's book, chapter and level, for `v. 17`.
    ctx: Option<Ctx>,
    /// Start of the next "book of" at or after `pos`, if known.
    book_of: Option<usize>,
    book_of_done: bool,
    /// Candidates that named a chapter or verse that does not exist, when
    /// asked for (see [`crate::rejected`]); `None` for [`extract`].
    rejected: Option<Vec<Invalid>>,
}

impl<'t> Extractor<'t> {
    /// An extractor over `text`.
    pub fn new(text: &'t str) -> Self {
        names::init();
        Self {
            text,
            pos: 0,
            floor: 0,
            ctx: None,
            book_of: None,
            book_of_done: false,
            rejected: None,
        }
    }

    /// An extractor that also keeps the candidates it turned down because a
    /// chapter or verse does not exist; the citations it yields are the same.
    pub(crate) fn recording(text: &'t str) -> Self {
        Self {
            rejected: Some(Vec::new()),
            ..Self::new(text)
        }
    }

    /// The candidates turned down so far (with [`Self::recording`]), in the
    /// order they were met; they may overlap each other and the citations.
    pub(crate) fn take_rejected(&mut self) -> Vec<Invalid> {
        self.rejected
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default()
    }

    /// Keeps `rejects` when recording; the first one's span becomes
    /// `start..` its end when `start` is given (the citation would have
    /// started there: at the book name, the keyword).
    fn note(&mut self, mut rejects: Vec<Invalid>, start: Option<usize>) {
        let Some(rejected) = self.rejected.as_mut() else {
            return;
        };
        if let (Some(first), Some(start)) = (rejects.first_mut(), start) {
            first.span.start = start.min(first.span.start);
        }
        rejected.append(&mut rejects);
    }

    fn next_book_of(&mut self) -> Option<usize> {
        if self.book_of_done {
            return None;
        }
        if let Some(p) = self.book_of
            && p >= self.pos
        {
            return Some(p);
        }
        let bytes = self.text.as_bytes();
        let mut from = self.pos + 1;
        while let Some(i) = bytes.get(from..).and_then(|rest| OOK_OF.find(rest)) {
            let b = from + i - 1;
            if matches!(bytes[b], b'b' | b'B') {
                self.book_of = Some(b);
                return Some(b);
            }
            from += i + 1;
        }
        self.book_of_done = true;
        None
    }

    /// `the book of Ruth`: a whole book, when no chapter follows.
    fn book_of(&mut self, at: usize) -> Option<Citation<'t>> {
        let text = self.text;
        if at < self.floor || is_word_char_before(text, at) {
            return None;
        }
        let name = skip_ws(text.as_bytes(), word_at(text, at, "book")?);
        let name = skip_ws(text.as_bytes(), word_at(text, name, "of")?);
        let bm = names::book_at(text, name)?;
        if bm.weak || bm.needs_verse {
            return None;
        }
        let p = Parser::new(text, Mode::Prose, None);
        let after = p.after_book_name(bm.end);
        if text.as_bytes().get(after).is_some_and(u8::is_ascii_digit) {
            return None; // "the book of Romans 8": found from its digit
        }
        self.ctx = Some(Ctx {
            book: bm.book,
            chapter: 0,
            level: Level::Book,
        });
        Some(self.emit(bm.start, bm.end, vec![Range::book(bm.book, p.v)], false))
    }

    fn emit(
        &mut self,
        start: usize,
        end: usize,
        items: Vec<Range>,
        contextual: bool,
    ) -> Citation<'t> {
        self.floor = end;
        self.pos = end;
        Citation {
            span: start..end,
            text: &self.text[start..end],
            ranges: merge(items),
            contextual,
        }
    }

    /// A citation whose first number is the digit at `d`.
    fn at_digit(&mut self, d: usize) -> Option<Citation<'t>> {
        let text = self.text;
        let bytes = text.as_bytes();
        if d > 0 && bytes[d - 1].is_ascii_digit() {
            return None;
        }
        if let Some(c) = self.ordinal_number(d) {
            return Some(c);
        }
        let name_end = name_end_before(bytes, d);
        if name_end < self.floor.max(1) {
            return None;
        }
        // Fast path: a name as written in the tables.
        let mut candidates = names::book_before(text, name_end, self.floor);
        // ... unless it ends a longer name, misspelled: "Leter of Jeremiah 12".
        if candidates.tail
            && let Some(bm) = names::tolerant_phrase_before(text, name_end, self.floor)
            && let Some(c) = self.book_citation(bm)
        {
            return Some(c);
        }
        let any_name = candidates.any_name;
        let mut any_book = false;
        for bm in candidates.by_ref() {
            any_book = true;
            if let Some(c) = self.book_citation(bm) {
                return Some(c);
            }
        }
        if any_book {
            return None;
        }
        // A misspelled name, where a chapter number follows it.
        if !any_name
            && let Some(tolerance) = tolerance_at(text, name_end, d)
            && let Some(bm) = names::tolerant_before(text, name_end, self.floor, tolerance)
        {
            return self.book_citation(bm);
        }
        self.keyword_citation(name_end)
    }

    /// The citation that starts with the book name `bm`, if the text after
    /// it is a reference that the prose rules let stand.
    fn book_citation(&mut self, bm: BookMatch) -> Option<Citation<'t>> {
        let mut p = Parser::new(self.text, Mode::Prose, None);
        let first = p.first_book_item(bm)?;
        p.sequence();
        let rejects = std::mem::take(&mut p.rejects);
        if p.prose_ok(bm, first) && !p.items.is_empty() {
            self.ctx = Some(p.ctx);
            // Those inside the citation are dropped by `rejected`; the
            // ones after it ("John 3:16; 22:1") are kept.
            self.note(rejects, None);
            return Some(self.emit(bm.start, p.end, p.items, false));
        }
        if p.items.is_empty() && !rejects.is_empty() {
            // Had the numbers existed, the citation would have ended after
            // the last item read: judge it by the same prose rules.
            p.end = p.cur;
            if p.prose_ok(bm, first) {
                self.note(rejects, Some(bm.start));
            }
        }
        None
    }

    /// "the 23rd Psalm", "the 3rd chapter of John": a number written as an
    /// ordinal, at `d`.
    fn ordinal_number(&mut self, d: usize) -> Option<Citation<'t>> {
        let text = self.text;
        let bytes = text.as_bytes();
        let (n, e) = number(bytes, d)?;
        let suffix = ordinal_suffix(n);
        let after = e + suffix.len();
        if n == 0
            || !bytes.get(e..after)?.eq_ignore_ascii_case(suffix.as_bytes())
            || is_word_char_after(text, after)
            || is_word_char_before(text, d)
        {
            return None;
        }
        let k = skip_ws(bytes, after);
        if k == after {
            return None;
        }
        let v = Versification::kjv();
        if let Some(end) = word_at(text, k, "psalm") {
            let (book, c) = if n == 151 {
                (BookId::from_osis("Ps151")?, 1)
            } else {
                (BookId::from_osis("Ps")?, n)
            };
            let Some(range) = Range::chapter(book, c, v) else {
                self.note_chapter(d..end, book, c);
                return None;
            };
            self.ctx = Some(Ctx {
                book,
                chapter: c,
                level: Level::Chapter,
            });
            return Some(self.emit(d, end, vec![range], false));
        }
        let end = word_at(text, k, "chapter")?;
        let bm = book_after_of(text, end)?;
        let Some(range) = Range::chapter(bm.book, n, v) else {
            self.note_chapter(d..bm.end, bm.book, n);
            return None;
        };
        self.ctx = Some(Ctx {
            book: bm.book,
            chapter: n,
            level: Level::Chapter,
        });
        Some(self.emit(d, bm.end, vec![range], false))
    }

    /// Notes "the 152nd Psalm", "the 30th chapter of John" (when recording).
    fn note_chapter(&mut self, span: ops::Range<usize>, book: BookId, chapter: u16) {
        let reason = RejectReason::NoChapter { book, chapter };
        let contextual = false;
        self.note(
            vec![Invalid {
                span,
                reason,
                contextual,
            }],
            None,
        );
    }

    /// A citation that starts with a keyword ending at `name_end`: "chapter 4
    /// of Colossians", or "v. 17", "verses 7-9", "ch. 5" resolved against the
    /// citation before, where the cues are strong enough.
    fn keyword_citation(&mut self, name_end: usize) -> Option<Citation<'t>> {
        let text = self.text;
        let bytes = text.as_bytes();
        let mut kw = name_end;
        while kw > self.floor && bytes[kw - 1].is_ascii_alphabetic() {
            kw -= 1;
        }
        if kw == name_end || is_word_char_before(text, kw) {
            return None;
        }
        if let Some(c) = self.chapter_of_book(kw) {
            return Some(c);
        }
        let ctx = self.ctx?;
        let mut p = Parser::new(text, Mode::Prose, Some(ctx));
        p.cur = kw;
        let verse = p.keyword_item(kw)?;
        p.sequence();
        if p.items.is_empty() || !self.strong_cue(kw, &p, verse) {
            if p.items.is_empty() && !p.rejects.is_empty() {
                p.end = p.cur; // as in `book_citation`
                if self.strong_cue(kw, &p, verse) {
                    let mut rejects = std::mem::take(&mut p.rejects);
                    for r in &mut rejects {
                        r.contextual = true;
                    }
                    self.note(rejects, Some(kw));
                }
            }
            return None;
        }
        self.ctx = Some(p.ctx);
        Some(self.emit(kw, p.end, p.items, true))
    }

    /// Whether a relative reference read by `p` from the keyword at `kw`
    /// (`verse`: it names verses) may be resolved against the citation
    /// before. See DIFFERENCES.md, "Relative references".
    fn strong_cue(&self, kw: usize, p: &Parser<'t>, verse: bool) -> bool {
        let bytes = self.text.as_bytes();
        // (a) right after the citation: "the book of Ruth, chapter 2".
        let mut j = skip_ws(bytes, self.floor);
        if matches!(bytes.get(j), Some(b',' | b';')) {
            j = skip_ws(bytes, j + 1);
        }
        if let Some(e) = word_at(self.text, j, "and") {
            j = skip_ws(bytes, e);
        }
        if j == kw {
            return true;
        }
        // (b) alone in brackets: "(v. 17)", "[vv. 7, 11]".
        let mut open = kw;
        while let n @ 1.. = ws_len_back(bytes, open) {
            open -= n;
        }
        let close = skip_ws(bytes, p.end);
        if open > 0
            && matches!(
                (bytes[open - 1], bytes.get(close)),
                (b'(', Some(b')')) | (b'[', Some(b']'))
            )
        {
            return true;
        }
        // (c), (d) in the same paragraph, not "verse 2 of the hymn", and a
        // chapter only with its verse: "chapter 20, verse 29".
        let paragraph = !has_blank_line(&bytes[self.floor.min(kw)..kw]);
        let of = word_at(self.text, close, "of").is_some();
        paragraph && !of && (verse || p.first_verse || p.first_narrowed)
    }

    /// "chapter 4 of Colossians", "chapters 140 to 150 from Psalms",
    /// "ch. 3 in the book of Ruth": the keyword at `kw`, then the book.
    fn chapter_of_book(&mut self, kw: usize) -> Option<Citation<'t>> {
        let text = self.text;
        // Where the numbers end does not depend on the book: read them once
        // to find the book, then again in that book.
        let mut probe = Parser::new(text, Mode::Prose, None);
        let j = probe.keyword(kw, &CHAPTER_WORDS)?;
        probe.reference(j, true)?;
        let bm = book_after_of(text, probe.cur)?;
        let ctx = Ctx {
            book: bm.book,
            chapter: 0,
            level: Level::Book,
        };
        let mut p = Parser::new(text, Mode::Prose, Some(ctx));
        p.reference(j, true)?;
        if p.invalid || p.items.is_empty() {
            let mut rejects = std::mem::take(&mut p.rejects);
            if let Some(first) = rejects.first_mut() {
                first.span.end = first.span.end.max(bm.end);
            }
            self.note(rejects, Some(kw));
            return None;
        }
        self.ctx = Some(p.ctx);
        Some(self.emit(kw, bm.end, p.items, false))
    }
}

/// "of Colossians", "from Psalms", "in the book of Ruth" at `i` (after
/// spaces): the book, when no number follows it.
fn book_after_of(text: &str, i: usize) -> Option<BookMatch> {
    let bytes = text.as_bytes();
    let k = skip_ws(bytes, i);
    if k == i {
        return None;
    }
    let e = ["of", "from", "in"]
        .iter()
        .find_map(|w| word_at(text, k, w))?;
    let mut b = skip_ws(bytes, e);
    if b == e {
        return None;
    }
    let the_book_of = word_at(text, b, "the")
        .map(|e| skip_ws(bytes, e))
        .and_then(|e| word_at(text, e, "book"))
        .map(|e| skip_ws(bytes, e))
        .and_then(|e| word_at(text, e, "of"))
        .map(|e| skip_ws(bytes, e));
    if let Some(after) = the_book_of {
        b = after;
    }
    let bm = names::book_at(text, b)?;
    let after = skip_ws(
        bytes,
        bm.end + usize::from(bytes.get(bm.end) == Some(&b'.')),
    );
    (!bm.weak && !bytes.get(after).is_some_and(u8::is_ascii_digit)).then_some(bm)
}

impl<'t> Iterator for Extractor<'t> {
    type Item = Citation<'t>;

    fn next(&mut self) -> Option<Citation<'t>> {
        let bytes = self.text.as_bytes();
        loop {
            let digit = find_digit(bytes, self.pos);
            let book_of = self.next_book_of();
            let book_of_first = match (digit, book_of) {
                (None, None) => {
                    self.pos = bytes.len();
                    return None;
                }
                (Some(d), Some(b)) => b < d,
                (None, Some(_)) => true,
                (Some(_), None) => false,
            };
            if book_of_first {
                let b = book_of.unwrap_or(bytes.len());
                if let Some(c) = self.book_of(b) {
                    return Some(c);
                }
                self.pos = b + 1;
            } else {
                let d = digit.unwrap_or(bytes.len());
                if let Some(c) = self.at_digit(d) {
                    return Some(c);
                }
                let mut end = d;
                while end < bytes.len() && bytes[end].is_ascii_digit() {
                    end += 1;
                }
                self.pos = end;
            }
        }
    }
}

impl std::iter::FusedIterator for Extractor<'_> {}

/// Joins ranges that follow each other (`John 3:16, 17` → `John 3:16-17`), in place.
fn merge(mut items: Vec<Range>) -> Vec<Range> {
    let v = Versification::kjv();
    let mut kept = 0;
    for i in 0..items.len() {
        let r = items[i];
        if kept > 0 && items[kept - 1].end.next(v) == Some(r.start) {
            items[kept - 1].end = r.end;
        } else {
            items[kept] = r;
            kept += 1;
        }
    }
    items.truncate(kept);
    items
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Level {
    /// Only a book has been named.
    Book,
    /// The last reference was to whole chapters: a bare number is a chapter.
    Chapter,
    /// The last reference was to verses: a bare number is a verse.
    Verse,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Ctx {
    book: BookId,
    chapter: u16,
    level: Level,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// Finding citations in prose: book names that are also words need more.
    Prose,
    /// The whole input is one reference.
    Single,
}

/// A reference that names a chapter or verse that does not exist, as the
/// parser met it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Invalid {
    pub(crate) span: ops::Range<usize>,
    pub(crate) reason: RejectReason,
    /// Read against the citation before (`v. 99`).
    pub(crate) contextual: bool,
}

/// A number, or a number with a verse, as written.
#[derive(Clone, Copy, Debug)]
enum Point {
    N(u16),
    Cv(u16, u16),
}

/// What the first item after a book told us, for the prose rules.
#[derive(Clone, Copy, Debug)]
struct First {
    /// A verse was named (`3:16`, `Jude 5`, `3 verse 16`).
    verse: bool,
}

fn number(bytes: &[u8], i: usize) -> Option<(u16, usize)> {
    let mut j = i;
    let mut n: u16 = 0;
    while let Some(&b @ b'0'..=b'9') = bytes.get(j) {
        if j - i == 3 {
            return None; // 4+ digits: a year or an amount, not a chapter
        }
        n = n * 10 + u16::from(b - b'0');
        j += 1;
    }
    (j > i).then_some((n, j))
}

/// Finds "ook of" (the "b" may be either case; checked by the caller).
static OOK_OF: LazyLock<memchr::memmem::Finder<'static>> =
    LazyLock::new(|| memchr::memmem::Finder::new(b"ook of"));

const VERSE_WORDS: [&str; 7] = ["verses", "verse", "vv", "vss", "vs", "ver", "v"];
const CHAPTER_WORDS: [&str; 5] = ["chapters", "chapter", "chap", "chs", "ch"];
const SEPARATOR_WORDS: [&str; 5] = ["and", "also", "see", "cf", "compare"];

struct Parser<'t> {
    text: &'t str,
    bytes: &'t [u8],
    mode: Mode,
    v: &'static Versification,
    ctx: Ctx,
    items: Vec<Range>,
    /// End of the last valid item: the end of the citation.
    end: usize,
    /// End of the last item read, valid or not.
    cur: usize,
    /// An item named a chapter or verse that does not exist.
    invalid: bool,
    /// The items that did, with why (only their starts are checked: a
    /// range's end is clamped instead).
    rejects: Vec<Invalid>,
    /// The last item was a bare chapter, at this index of `items`: a verse
    /// keyword right after it (`John 3 verse 16`) narrows it.
    bare_chapter: Option<usize>,
    /// The first item was narrowed that way.
    first_narrowed: bool,
    /// The first item after a chapter keyword named a verse ("chapter 20:29",
    /// "chapter 20, verse 29").
    first_verse: bool,
}

impl<'t> Parser<'t> {
    fn new(text: &'t str, mode: Mode, ctx: Option<Ctx>) -> Self {
        Self {
            text,
            bytes: text.as_bytes(),
            mode,
            v: Versification::kjv(),
            ctx: ctx.unwrap_or(Ctx {
                book: BookId::new_unchecked(1),
                chapter: 0,
                level: Level::Book,
            }),
            items: Vec::new(),
            end: 0,
            cur: 0,
            invalid: false,
            rejects: Vec::new(),
            bare_chapter: None,
            first_narrowed: false,
            first_verse: false,
        }
    }

    /// Skips the optional period and spaces between a book name and its chapter.
    fn after_book_name(&self, mut i: usize) -> usize {
        if self.bytes.get(i) == Some(&b'.') {
            i += 1;
        }
        skip_ws(self.bytes, i)
    }

    fn point(&self, i: usize) -> Option<(Point, usize)> {
        let (n, j) = number(self.bytes, i)?;
        if let Some(&sep @ (b':' | b'.')) = self.bytes.get(j)
            && self.bytes.get(j + 1).is_some_and(u8::is_ascii_digit)
        {
            return match number(self.bytes, j + 1) {
                Some((m, k)) => Some((Point::Cv(n, m), k)),
                // "Romans 8:2800" is no reference; "Romans 8.2000 people" ends at 8.
                None if sep == b':' => None,
                None => Some((Point::N(n), j)),
            };
        }
        Some((Point::N(n), j))
    }

    /// A keyword from `words` at `i`, with its optional period and the spaces
    /// after it; returns where the number should start.
    fn keyword(&self, i: usize, words: &[&str]) -> Option<usize> {
        // All words of a list share their first letter: a cheap early no.
        let first = self.bytes.get(i)?.to_ascii_lowercase();
        if words.first().is_none_or(|w| w.as_bytes()[0] != first) {
            return None;
        }
        let end = words.iter().find_map(|w| word_at(self.text, i, w))?;
        let mut j = end;
        if self.bytes.get(j) == Some(&b'.') {
            j += 1;
        }
        let j = skip_ws(self.bytes, j);
        // "v" and the like must be set off from the number ("v. 17", "v 17").
        (j > end && self.bytes.get(j).is_some_and(u8::is_ascii_digit)).then_some(j)
    }

    /// A separator between references (`,` `;` `&` `and` `see also` `cf.`);
    /// returns the position after it and the spaces that follow.
    fn separator(&self, i: usize) -> Option<usize> {
        let mut j = skip_ws(self.bytes, i);
        let mut found = false;
        loop {
            match self.bytes.get(j) {
                Some(b',' | b';' | b'&') => j += 1,
                Some(b'a' | b'A' | b's' | b'S' | b'c' | b'C') => match SEPARATOR_WORDS
                    .iter()
                    .find_map(|w| word_at(self.text, j, w))
                {
                    Some(end) => {
                        j = end;
                        if self.bytes.get(j) == Some(&b'.') {
                            j += 1;
                        }
                    }
                    None => break,
                },
                _ => break,
            }
            found = true;
            j = skip_ws(self.bytes, j);
        }
        found.then_some(j)
    }

    /// A range separator (`-`, `–`, `—`, ` to `, ` through `); returns the
    /// position of what follows it.
    fn range_separator(&self, i: usize) -> Option<usize> {
        let j = skip_ws(self.bytes, i);
        let dash = dash_len(self.bytes, j);
        if dash > 0 {
            return Some(skip_ws(self.bytes, j + dash));
        }
        if j == i {
            return None;
        }
        let end = ["to", "through", "thru"]
            .iter()
            .find_map(|w| word_at(self.text, j, w))?;
        let k = skip_ws(self.bytes, end);
        (k > end).then_some(k)
    }

    /// Optional verse letter (`16a`): skipped when followed by a non-letter.
    fn partial(&self, i: usize) -> usize {
        match self.bytes.get(i) {
            Some(b'a'..=b'e') if !is_word_char_after(self.text, i + 1) => i + 1,
            _ => i,
        }
    }

    /// `f`, `ff`, `ff.` after a reference; returns its end.
    fn following(&self, i: usize) -> Option<usize> {
        let j = skip_ws(self.bytes, i);
        let end = word_at(self.text, j, "ff").or_else(|| word_at(self.text, j, "f"))?;
        Some(if self.bytes.get(end) == Some(&b'.') {
            end + 1
        } else {
            end
        })
    }

    /// Whether a reference may end at `i`: not in the middle of a word or
    /// number (`Luke 15th`, `Matt 5 1Hi`), unless the next reference
    /// touches it (`Matt5John3`).
    fn ends_cleanly(&self, i: usize) -> bool {
        match self.bytes.get(i) {
            Some(b) if b.is_ascii_digit() => false,
            Some(b) if b.is_ascii_alphabetic() => names::book_at(self.text, i).is_some_and(|bm| {
                !bm.weak
                    && self
                        .bytes
                        .get(self.after_book_name(bm.end))
                        .is_some_and(u8::is_ascii_digit)
            }),
            Some(b) if !b.is_ascii() => !is_word_char_after(self.text, i),
            _ => true,
        }
    }

    /// The first item after a book name found in prose.
    fn first_book_item(&mut self, bm: BookMatch) -> Option<First> {
        if self.mode == Mode::Prose && bm.weak {
            return None;
        }
        self.book_item(bm)
    }

    /// A reference after the book name `bm`: `3`, `3:16`, `3:16-4:2`, `5 title`.
    fn book_item(&mut self, bm: BookMatch) -> Option<First> {
        let i = self.after_book_name(bm.end);
        self.ctx = Ctx {
            book: bm.book,
            chapter: 0,
            level: Level::Book,
        };
        let verse = self.reference(i, true)?;
        Some(First { verse })
    }

    /// Whether the prose rules let a citation that starts with `bm` stand.
    fn prose_ok(&self, bm: BookMatch, first: First) -> bool {
        if self.mode == Mode::Single {
            return true;
        }
        let verse = first.verse || self.first_narrowed;
        if verse {
            return true;
        }
        if bm.needs_verse || bm.lower_word {
            return false;
        }
        // "Numbers 4 and 5 of the list", "Acts 2 of the play": counting, not citing.
        !(bm.prose && word_at(self.text, skip_ws(self.bytes, self.end), "of").is_some())
    }

    /// `verse 17`, `vv. 17-19`, `chapter 5`, `ch. 5` at `i`, in the current
    /// context. Returns whether it named verses.
    fn keyword_item(&mut self, i: usize) -> Option<bool> {
        if let Some(j) = self.keyword(i, &VERSE_WORDS) {
            let mut ctx = self.ctx;
            let narrowing = self.bare_chapter.filter(|_| self.between_is_plain(i));
            if let Some(index) = narrowing {
                // "John 3 verse 16" / "Psalm 46, verses 1-3": the verse narrows the chapter.
                let r = self.items[index];
                ctx = Ctx {
                    book: r.start.book,
                    chapter: r.start.chapter,
                    level: Level::Verse,
                };
            }
            if ctx.level == Level::Book {
                if !self.v.is_single_chapter(ctx.book) {
                    return None;
                }
                ctx.chapter = self.v.first_chapter(ctx.book);
            }
            ctx.level = Level::Verse;
            let saved = (self.ctx, self.items.len());
            self.ctx = ctx;
            if let Some(index) = narrowing {
                let removed = self.items.remove(index);
                if self.reference(j, false).is_none() {
                    self.items.insert(index, removed);
                    self.ctx = saved.0;
                    return None;
                }
                if index == 0 {
                    self.first_narrowed = true;
                }
                return Some(true);
            }
            if self.reference(j, false).is_none() {
                self.ctx = saved.0;
                return None;
            }
            return Some(true);
        }
        let j = self.keyword(i, &CHAPTER_WORDS)?;
        let saved = self.ctx;
        let first = self.items.is_empty();
        self.ctx.level = Level::Book;
        let Some(verse) = self.reference(j, true) else {
            self.ctx = saved;
            return None;
        };
        self.first_verse |= first && verse;
        Some(verse)
    }

    /// Only spaces, a comma or `and` between the last item and `i`
    /// (`John 3, verse 16`, `John 3 and verse 16`).
    fn between_is_plain(&self, i: usize) -> bool {
        let mut j = skip_ws(self.bytes, self.cur.min(i));
        if self.bytes.get(j) == Some(&b',') {
            j = skip_ws(self.bytes, j + 1);
        }
        if let Some(end) = word_at(self.text, j, "and") {
            j = skip_ws(self.bytes, end);
        }
        j == i
    }

    /// Reads the references that continue a citation.
    fn sequence(&mut self) {
        loop {
            let (j, separated) = match self.separator(self.cur) {
                Some(j) => (j, true),
                None => (skip_ws(self.bytes, self.cur), false),
            };
            if self.keyword_item(j).is_some() {
                continue;
            }
            if !separated {
                return;
            }
            if let Some(bm) = names::book_at(self.text, j) {
                if self.mode == Mode::Prose && bm.weak {
                    return;
                }
                let after = self.after_book_name(bm.end);
                if self.mode == Mode::Single
                    && !self.bytes.get(after).is_some_and(u8::is_ascii_digit)
                {
                    // `Genesis 1:1; Philemon`: a whole book, in a single reference only.
                    self.items.push(Range::book(bm.book, self.v));
                    (self.end, self.cur, self.bare_chapter) = (bm.end, bm.end, None);
                    self.ctx = Ctx {
                        book: bm.book,
                        chapter: 0,
                        level: Level::Book,
                    };
                    continue;
                }
                let before = (self.items.len(), self.ctx, self.end, self.cur, self.invalid);
                match self.book_item(bm) {
                    Some(first) if self.prose_ok_nested(bm, first) => continue,
                    _ => {
                        self.items.truncate(before.0);
                        (self.ctx, self.end, self.cur, self.invalid) =
                            (before.1, before.2, before.3, before.4);
                        return;
                    }
                }
            }
            if self.bytes.get(j).is_some_and(u8::is_ascii_digit)
                && self.reference(j, false).is_some()
            {
                continue;
            }
            return;
        }
    }

    fn prose_ok_nested(&self, bm: BookMatch, first: First) -> bool {
        self.mode == Mode::Single || first.verse || !(bm.needs_verse || bm.lower_word)
    }

    /// One reference at `i` in the current context. With `after_book` (or at
    /// book level) a bare number is a chapter; otherwise it follows the
    /// context's level. Returns whether it named a verse, or `None` if the
    /// text at `i` is not a reference (nothing is consumed then).
    fn reference(&mut self, i: usize, after_book: bool) -> Option<bool> {
        let ctx = self.ctx;
        let v = self.v;
        let (start, mut j) = self.point(i)?;
        let mut book = ctx.book;
        // (chapter, verse) as written; verse None = whole chapter.
        let (mut c, mut vs) = match start {
            Point::Cv(c, n) => (c, Some(n)),
            Point::N(n) if after_book || ctx.level != Level::Verse => (n, None),
            Point::N(n) => (ctx.chapter, Some(n)),
        };
        if vs.is_some() {
            j = self.partial(j);
        }
        // Psalm 151 is a book of its own in the KJV-style canon.
        if book.osis() == "Ps" && c == 151 {
            book = BookId::from_osis("Ps151").unwrap_or(book);
            c = 1;
        }
        let single = v.is_single_chapter(book);
        let mut title = false;
        let mut ff = None;
        let mut end: Option<(BookId, Point, usize)> = None;
        if vs.is_none() && book.osis() == "Ps" {
            let k = skip_ws(self.bytes, j);
            if let Some(e) = word_at(self.text, k, "title") {
                title = true;
                j = e;
            }
        }
        if !title {
            if let Some(e) = self.following(j) {
                ff = Some(e);
            } else if let Some(k) = self.range_separator(j) {
                end = self.range_end(k, book);
            }
        }
        // A bare number after a one-chapter book is a verse, except a lone
        // `1` (`Jude 1` is the whole book, as people mean it in a search box).
        if single && vs.is_none() && !(c == 1 && end.is_none() && ff.is_none()) {
            vs = Some(c);
            c = v.first_chapter(book);
        }
        if let Some(f) = ff {
            j = f;
        }
        let stop = end.map_or(j, |e| e.2);
        if !self.ends_cleanly(stop) {
            if end.is_some() && self.ends_cleanly(j) {
                end = None; // keep "John 3:16" of "John 3:16-18th"
            } else {
                return None;
            }
        }
        let stop = end.map_or(j, |e| e.2);
        self.cur = stop;
        self.bare_chapter = None;
        // Validate the start.
        let Some(count) = v.verse_count(book, c) else {
            self.reject(i, stop, RejectReason::NoChapter { book, chapter: c });
            return Some(vs.is_some());
        };
        let first = VerseRef::new(book, c, vs.unwrap_or(1));
        if let Some(verse) = vs.filter(|&n| n == 0 || n > count) {
            self.reject(
                i,
                stop,
                RejectReason::NoVerse {
                    book,
                    chapter: c,
                    verse,
                },
            );
            return Some(true);
        }
        let verse_level = vs.is_some() || title;
        let mut last = match (vs, title, ff.is_some()) {
            (_, true, _) => first,
            (Some(_), _, true) => VerseRef::new(book, c, count),
            (None, _, true) => {
                let lc = v.last_chapter(book);
                VerseRef::new(book, lc, v.verse_count(book, lc).unwrap_or(1))
            }
            (Some(_), _, false) => first,
            (None, _, false) => VerseRef::new(book, c, count),
        };
        let mut ctx_after = Ctx {
            book,
            chapter: c,
            level: if verse_level {
                Level::Verse
            } else {
                Level::Chapter
            },
        };
        let mut reversed = None;
        if let Some((book2, p, _)) = end {
            let (c2, v2) = match p {
                Point::Cv(c2, v2) => (c2, Some(v2)),
                Point::N(n) if book2 != book => {
                    if v.is_single_chapter(book2) {
                        (v.first_chapter(book2), Some(n))
                    } else {
                        (n, None)
                    }
                }
                Point::N(n) if verse_level => (c, Some(n)),
                Point::N(n) => (n, None),
            };
            match self.range_end_verse(book2, c2, v2) {
                Some(e) if e >= first => {
                    last = e;
                    ctx_after = Ctx {
                        book: book2,
                        chapter: e.chapter,
                        level: ctx_after.level,
                    };
                }
                Some(_) => {
                    // "John 3:18-16", "Isaiah 55-40": read as two references.
                    reversed = match v2 {
                        Some(n) if n <= v.verse_count(book2, c2).unwrap_or(0) => {
                            Some(Range::verse(VerseRef::new(book2, c2, n)))
                        }
                        Some(_) => None,
                        None => Range::chapter(book2, c2, v),
                    };
                }
                None => self.invalid = true,
            }
        }
        self.ctx = ctx_after;
        if vs.is_none() && !title && end.is_none() && ff.is_none() {
            self.bare_chapter = Some(self.items.len());
        }
        self.items.push(Range {
            start: first,
            end: last,
        });
        if let Some(r) = reversed {
            self.items.push(r);
        }
        self.end = stop;
        Some(verse_level)
    }

    fn reject(&mut self, start: usize, end: usize, reason: RejectReason) {
        self.invalid = true;
        self.rejects.push(Invalid {
            span: start..end,
            reason,
            contextual: false,
        });
    }

    /// What follows a range separator: `18`, `4:2`, `Exodus 2:3`.
    fn range_end(&self, k: usize, book: BookId) -> Option<(BookId, Point, usize)> {
        let (book2, k) = match names::book_at(self.text, k) {
            Some(bm) if !(self.mode == Mode::Prose && bm.weak) => {
                (bm.book, self.after_book_name(bm.end))
            }
            _ => (book, k),
        };
        let (p, e) = self.point(k)?;
        Some((book2, p, self.partial(e)))
    }

    /// The last verse of a range ending at chapter `c` (verse `vs`) of
    /// `book`, clamped to the end of the chapter or book the way readers mean
    /// `Ps 119:170-180`; `None` if the chapter is before the book's first.
    fn range_end_verse(&self, book: BookId, c: u16, vs: Option<u16>) -> Option<VerseRef> {
        let v = self.v;
        if c < v.first_chapter(book) || vs == Some(0) {
            return None;
        }
        if c > v.last_chapter(book) {
            let lc = v.last_chapter(book);
            return VerseRef::chapter_end(book, lc, v);
        }
        let count = v.verse_count(book, c)?;
        Some(VerseRef::new(book, c, vs.map_or(count, |n| n.min(count))))
    }
}
