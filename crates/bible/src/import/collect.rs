//! What every importer feeds: verses in the source's own numbering, built up
//! from text, line breaks, paragraphs, headings, titles, words of Jesus and
//! notes; then mapped onto the default versification.

use std::collections::BTreeMap;

use abide_scripture::{BookId, Range, Style, VerseRef, Versification, format_range};

use crate::translation::store::{RawBook, RawVerse};

/// A verse as the source numbers it.
#[derive(Clone, Debug, Default)]
pub(crate) struct SrcVerse {
    pub(crate) v: RawVerse,
    /// Offsets in the text where a paragraph starts inside the verse.
    pub(crate) breaks: Vec<u32>,
}

type Key = (u8, u16, u16);

/// Collects verses; parsers call its methods as they read.
#[derive(Debug, Default)]
pub(crate) struct Collector {
    verses: BTreeMap<Key, SrcVerse>,
    /// Where each verse started in the source (a byte offset), for messages.
    origin: BTreeMap<Key, usize>,
    cur: Option<Key>,
    space: bool,
    newline: bool,
    note_gap: bool,
    /// A paragraph marker was read; it starts the next verse, or, when text
    /// of the open verse follows first, breaks that verse.
    paragraph: bool,
    pending_headings: Vec<String>,
    pending_title: String,
    red: u32,
    red_start: Option<usize>,
    /// Things the report should mention (skipped books, joined verses).
    pub(crate) notes: Vec<String>,
}

/// A chapter or verse number as a source writes it: digits, blanks around
/// them ignored, from 1 to 999.
pub(crate) fn number(s: &str) -> Option<u16> {
    s.trim()
        .parse::<u16>()
        .ok()
        .filter(|n| (1..=999).contains(n))
}

/// A verse given twice.
#[derive(Debug)]
pub(crate) struct Duplicate;

impl Duplicate {
    /// The message for the second occurrence of verse `what`.
    pub(crate) fn message(&self, what: &str) -> String {
        format!("verse {what} is given twice")
    }
}

fn is_word_end(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '.' | ',' | ';' | ':' | '!' | '?' | '”' | '’' | ')')
}

impl Collector {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// Whether a verse is open to receive text.
    pub(crate) fn in_verse(&self) -> bool {
        self.cur.is_some()
    }

    /// Starts a verse (ending the one before). `at` is its byte offset in the source.
    pub(crate) fn start_verse(
        &mut self,
        book: BookId,
        chapter: u16,
        verse: u16,
        at: usize,
    ) -> Result<(), Duplicate> {
        self.end_verse();
        let key = (book.number(), chapter, verse);
        if self.origin.contains_key(&key) {
            return Err(Duplicate);
        }
        self.origin.insert(key, at);
        let mut v = SrcVerse::default();
        v.v.paragraph = std::mem::take(&mut self.paragraph);
        v.v.headings = std::mem::take(&mut self.pending_headings);
        v.v.title = std::mem::take(&mut self.pending_title);
        self.verses.insert(key, v);
        self.cur = Some(key);
        self.space = false;
        self.newline = false;
        self.note_gap = false;
        if self.red > 0 {
            self.red_start = Some(0);
        }
        Ok(())
    }

    /// Ends the open verse, if any.
    pub(crate) fn end_verse(&mut self) {
        self.close_red();
        if let Some(v) = self.current() {
            while v.v.text.ends_with([' ', '\n']) {
                v.v.text.pop();
            }
            let len = v.v.text.len() as u32;
            for n in &mut v.v.notes {
                n.0 = n.0.min(len);
            }
            v.breaks.retain(|&b| b < len);
        }
        self.cur = None;
    }

    fn current(&mut self) -> Option<&mut SrcVerse> {
        let key = self.cur?;
        self.verses.get_mut(&key)
    }

    /// Appends text to the open verse (ignored outside verses). Runs of
    /// whitespace become one space.
    pub(crate) fn text(&mut self, s: &str) {
        let Some(key) = self.cur else { return };
        let mut space = self.space;
        let mut newline = self.newline;
        let mut note_gap = self.note_gap;
        let mut paragraph = self.paragraph;
        let red_waiting = self.red > 0 && self.red_start.is_none();
        let mut red_start = None;
        let Some(v) = self.verses.get_mut(&key) else {
            return;
        };
        let text = &mut v.v.text;
        for c in s.chars() {
            if c.is_whitespace() {
                space = true;
                continue;
            }
            if std::mem::take(&mut paragraph) {
                if text.is_empty() {
                    v.v.paragraph = true;
                } else {
                    let at = text.len() as u32;
                    if v.breaks.last() != Some(&at) {
                        v.breaks.push(at);
                    }
                    // Within a verse a paragraph shows as a new line.
                    newline = true;
                }
            }
            if !text.is_empty() {
                if newline {
                    text.push('\n');
                } else if space {
                    text.push(' ');
                } else if note_gap
                    && (c.is_alphanumeric() || matches!(c, '“' | '‘' | '('))
                    && text.chars().next_back().is_some_and(is_word_end)
                {
                    // A note between two words stood for a space ("measures of").
                    text.push(' ');
                }
            }
            if red_waiting && red_start.is_none() {
                red_start = Some(text.len());
            }
            space = false;
            newline = false;
            note_gap = false;
            text.push(c);
        }
        self.space = space;
        self.newline = newline;
        self.note_gap = note_gap;
        self.paragraph = paragraph;
        if red_start.is_some() {
            self.red_start = red_start;
        }
    }

    /// A line break (poetry): the next text starts a new line.
    pub(crate) fn line_break(&mut self) {
        if self.current().is_some_and(|v| !v.v.text.is_empty()) {
            self.newline = true;
        }
    }

    /// A paragraph starts here: with the next verse, or inside the open
    /// verse if its text goes on first.
    pub(crate) fn paragraph(&mut self) {
        self.paragraph = true;
    }

    /// A section heading: before the open verse if it has no text yet,
    /// otherwise before the next verse.
    pub(crate) fn heading(&mut self, s: &str) {
        let s = collapse(s);
        if s.is_empty() {
            return;
        }
        match self.current() {
            Some(v) if v.v.text.is_empty() => v.v.headings.push(s),
            _ => self.pending_headings.push(s),
        }
    }

    /// A psalm title, for the open verse if it has no text yet, otherwise the next.
    pub(crate) fn title(&mut self, s: &str) {
        let s = collapse(s);
        if s.is_empty() {
            return;
        }
        let target = match self.current() {
            Some(v) if v.v.text.is_empty() => &mut v.v.title,
            _ => &mut self.pending_title,
        };
        if !target.is_empty() {
            target.push(' ');
        }
        target.push_str(&s);
    }

    /// Words of Jesus start (`true`) or end (`false`); they may nest and span verses.
    pub(crate) fn red(&mut self, on: bool) {
        if on {
            self.red += 1;
            if self.red == 1 {
                self.red_start = None;
            }
        } else if self.red > 0 {
            self.red -= 1;
            if self.red == 0 {
                self.close_red();
            }
        }
    }

    fn close_red(&mut self) {
        let Some(start) = self.red_start.take() else {
            return;
        };
        if let Some(v) = self.current() {
            let end = v.v.text.len();
            if end > start {
                v.v.red.push((start as u32, end as u32));
            }
        }
    }

    /// A footnote at the current place in the open verse.
    pub(crate) fn note(&mut self, s: &str) {
        let s = collapse(s);
        if s.is_empty() {
            return;
        }
        if let Some(v) = self.current() {
            let at = v.v.text.len() as u32;
            v.v.notes.push((at, s));
            self.note_gap = true;
        }
    }

    /// Something left out between two words (a cross reference) stood for a
    /// space, as a footnote does.
    pub(crate) fn gap(&mut self) {
        if self.cur.is_some() {
            self.note_gap = true;
        }
    }

    /// Maps the collected verses onto the default versification.
    pub(crate) fn finish(mut self) -> Mapped {
        self.end_verse();
        let mut notes = std::mem::take(&mut self.notes);
        let mut verses = std::mem::take(&mut self.verses);
        map_versification(&mut verses, &mut notes);
        let v = Versification::kjv();
        let mut books: Vec<RawBook> = Vec::new();
        let mut absent = Vec::new();
        let mut count = 0;
        let mut extra: BTreeMap<(u8, u16), Vec<u16>> = BTreeMap::new();
        for ((b, c, n), src) in verses {
            let Some(book) = BookId::from_number(b) else {
                continue;
            };
            let mut raw = src.v;
            let valid = VerseRef::new(book, c, n).is_valid(v);
            if !valid {
                extra.entry((b, c)).or_default().push(n);
                // Kept, joined to the last verse of its chapter (or the book).
                let last_chapter = c.min(v.last_chapter(book)).max(v.first_chapter(book));
                let last = v.verse_count(book, last_chapter).unwrap_or(1);
                let target = VerseRef::new(book, last_chapter, last).key();
                if let Some(book_data) = books.last_mut().filter(|d| d.number == b)
                    && let Some(t) = book_data.verses.iter_mut().find(|x| x.key == target)
                {
                    append(t, raw);
                    continue;
                }
                raw.key = target;
            } else {
                raw.key = VerseRef::new(book, c, n).key();
            }
            if books.last().is_none_or(|d| d.number != b) {
                books.push(RawBook {
                    number: b,
                    verses: Vec::new(),
                });
            }
            if let Some(data) = books.last_mut() {
                match data.verses.last_mut() {
                    Some(last) if last.key == raw.key => append(last, raw),
                    _ => data.verses.push(raw),
                }
            }
        }
        for ((b, c), ns) in extra {
            let Some(book) = BookId::from_number(b) else {
                continue;
            };
            let name = book.book().name;
            let listed = ns.iter().map(u16::to_string).collect::<Vec<_>>().join(", ");
            notes.push(match v.verse_count(book, c) {
                None => {
                    let last = v.last_chapter(book);
                    format!(
                        "{name} {c}: a chapter the KJV numbering does not have; its text \
                         is kept at the end of {name} {last}"
                    )
                }
                Some(k) => format!(
                    "{name} {c}: the source numbers verses the KJV does not have ({listed}); \
                     they are kept at the end of {name} {c}:{k}, and this chapter's verse \
                     numbers may not line up with the KJV's"
                ),
            });
        }
        for data in &mut books {
            let Some(book) = BookId::from_number(data.number) else {
                continue;
            };
            // Empty verses without notes carry nothing: drop them; headings move on.
            let mut carry: Vec<String> = Vec::new();
            let mut kept = Vec::with_capacity(data.verses.len());
            for mut raw in std::mem::take(&mut data.verses) {
                if !carry.is_empty() {
                    let mut h = std::mem::take(&mut carry);
                    h.append(&mut raw.headings);
                    raw.headings = h;
                }
                if raw.text.is_empty() && raw.notes.is_empty() {
                    carry = std::mem::take(&mut raw.headings);
                    continue;
                }
                kept.push(raw);
            }
            data.verses = kept;
            let present: std::collections::HashSet<u32> = data
                .verses
                .iter()
                .filter(|x| !x.text.is_empty())
                .map(|x| x.key)
                .collect();
            count += present.len();
            let whole = Range::book(book, v);
            let mut at = Some(whole.start);
            while let Some(r) = at.filter(|r| r.book == book) {
                if !present.contains(&r.key()) {
                    absent.push(r.key());
                }
                at = r.next(v);
            }
        }
        books.retain(|b| !b.verses.is_empty());
        if !absent.is_empty() {
            notes.push(format!(
                "{} verses of the KJV numbering have no text in this translation: {}",
                absent.len(),
                summarize(&absent)
            ));
        }
        Mapped {
            books,
            notes,
            absent,
            verse_count: count,
        }
    }
}

/// The result of [`Collector::finish`].
#[derive(Debug, Default)]
pub(crate) struct Mapped {
    pub(crate) books: Vec<RawBook>,
    pub(crate) notes: Vec<String>,
    pub(crate) absent: Vec<u32>,
    pub(crate) verse_count: usize,
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Appends verse `b` to verse `a` (text, spans and notes shifted).
fn append(a: &mut RawVerse, b: RawVerse) {
    if b.text.is_empty() && b.notes.is_empty() {
        return;
    }
    let shift = if a.text.is_empty() || b.text.is_empty() {
        a.text.len()
    } else {
        a.text.push(' ');
        a.text.len()
    } as u32;
    a.text.push_str(&b.text);
    a.red
        .extend(b.red.iter().map(|&(s, e)| (s + shift, e + shift)));
    a.notes
        .extend(b.notes.into_iter().map(|(at, n)| (at + shift, n)));
    a.headings.extend(b.headings);
}

/// Prepends verse `b` to verse `a`: `a` keeps its key, title and headings.
fn prepend(a: &mut RawVerse, b: RawVerse) {
    let key = a.key;
    let title = std::mem::take(&mut a.title);
    let headings = std::mem::take(&mut a.headings);
    let paragraph = a.paragraph || b.paragraph;
    let rest = std::mem::take(a);
    let mut merged = b;
    append(&mut merged, rest);
    merged.key = key;
    merged.title = title;
    merged.paragraph = paragraph;
    let mut all = headings;
    all.append(&mut merged.headings);
    merged.headings = all;
    *a = merged;
}

/// A short list of verse keys: `Matthew 17:21, Matthew 18:11, ...`.
fn summarize(keys: &[u32]) -> String {
    let shown: Vec<String> = keys
        .iter()
        .take(12)
        .filter_map(|&k| VerseRef::from_key(k))
        .map(|r| format_range(Range::verse(r), Style::Full))
        .collect();
    let more = keys.len().saturating_sub(shown.len());
    if more > 0 {
        format!("{} and {more} more", shown.join(", "))
    } else {
        shown.join(", ")
    }
}

fn id(osis: &str) -> u8 {
    BookId::from_osis(osis).map_or(0, BookId::number)
}

fn has_text(verses: &BTreeMap<Key, SrcVerse>, key: Key) -> bool {
    verses.get(&key).is_some_and(|v| !v.v.text.is_empty())
}

/// Moves verses `from` (book, chapter, first..=last) to start at `to`.
fn shift(
    verses: &mut BTreeMap<Key, SrcVerse>,
    book: u8,
    (c, first, last): (u16, u16, u16),
    (tc, tv): (u16, u16),
) {
    let moved: Vec<(Key, SrcVerse)> = (first..=last)
        .filter_map(|n| {
            verses
                .remove(&(book, c, n))
                .map(|v| ((book, tc, tv + n - first), v))
        })
        .collect();
    for (k, v) in moved {
        verses.insert(k, v);
    }
}

/// Detects the known differences between English (KJV) numbering and the
/// others (Hebrew, NRSV, Luther, ...) and maps them, noting what it did.
fn map_versification(verses: &mut BTreeMap<Key, SrcVerse>, notes: &mut Vec<String>) {
    let v = Versification::kjv();
    let chapter_len = |verses: &BTreeMap<Key, SrcVerse>, b: u8, c: u16| -> u16 {
        verses
            .range((b, c, 0)..=(b, c, u16::MAX))
            .next_back()
            .map_or(0, |(k, _)| k.2)
    };
    let has_chapter = |verses: &BTreeMap<Key, SrcVerse>, b: u8, c: u16| -> bool {
        verses.range((b, c, 0)..=(b, c, u16::MAX)).next().is_some()
    };

    // Malachi 3:19-24 (Hebrew, Luther) is 4:1-6 in English Bibles.
    let mal = id("Mal");
    if chapter_len(verses, mal, 3) == 24 && !has_chapter(verses, mal, 4) {
        shift(verses, mal, (3, 19, 24), (4, 1));
        notes.push("Malachi 3:19–24 (Hebrew numbering) mapped to Malachi 4:1–6.".into());
    }
    // Joel in four chapters (Hebrew): 3:1-5 is 2:28-32, chapter 4 is chapter 3.
    let joel = id("Joel");
    if has_chapter(verses, joel, 4) && chapter_len(verses, joel, 2) == 27 {
        shift(verses, joel, (3, 1, 5), (2, 28));
        let n = chapter_len(verses, joel, 4);
        shift(verses, joel, (4, 1, n), (3, 1));
        notes.push("Joel 3:1–5 and 4 (Hebrew numbering) mapped to Joel 2:28–32 and 3.".into());
    }
    // 2 Esdras 7 with the "missing fragment" (NRSV, 140 verses): 7:36-105 are
    // not in the KJV's Apocrypha, whose 7:36-70 are the source's 7:106-140.
    let esd = id("2Esd");
    if chapter_len(verses, esd, 7) == 140 {
        let fragment: Vec<SrcVerse> = (36..=105)
            .filter_map(|n| verses.remove(&(esd, 7, n)))
            .collect();
        shift(verses, esd, (7, 106, 140), (7, 36));
        if let Some(t) = verses.get_mut(&(esd, 7, 35)) {
            for f in fragment {
                append(&mut t.v, f.v);
            }
        }
        notes.push(
            "2 Esdras 7:106–140 mapped to 7:36–70 as in the KJV; the source's 7:36–105, \
             which the KJV does not have, are kept at the end of 7:35."
                .into(),
        );
    }
    // Baruch 6 is the Letter of Jeremiah, a book of its own here.
    let bar = id("Bar");
    if has_chapter(verses, bar, 6) {
        let n = chapter_len(verses, bar, 6);
        let moved: Vec<(Key, SrcVerse)> = (1..=n)
            .filter_map(|i| {
                verses
                    .remove(&(bar, 6, i))
                    .map(|s| ((id("EpJer"), 1, i), s))
            })
            .collect();
        for (k, s) in moved {
            verses.entry(k).or_insert(s);
        }
        notes.push("Baruch 6 mapped to the Letter of Jeremiah.".into());
    }
    // Psalm titles numbered as verses (Hebrew numbering): the extra leading
    // verses of a psalm are its title.
    let ps = id("Ps");
    let mut titled = Vec::new();
    for c in 1..=150u16 {
        let Some(kjv) = BookId::from_number(ps).and_then(|b| v.verse_count(b, c)) else {
            continue;
        };
        let n = chapter_len(verses, ps, c);
        let extra = n.saturating_sub(kjv);
        let has_title = verses
            .get(&(ps, c, 1))
            .is_some_and(|s| !s.v.title.is_empty());
        if !(1..=2).contains(&extra) || has_title {
            continue;
        }
        let mut title = String::new();
        for i in 1..=extra {
            if let Some(s) = verses.remove(&(ps, c, i)) {
                if !title.is_empty() && !s.v.text.is_empty() {
                    title.push(' ');
                }
                title.push_str(&s.v.text.replace('\n', " "));
            }
        }
        shift(verses, ps, (c, extra + 1, n), (c, 1));
        if let Some(first) = verses.get_mut(&(ps, c, 1)) {
            first.v.title = title;
        }
        titled.push(c);
    }
    if !titled.is_empty() {
        notes.push(format!(
            "Psalm titles numbered as verses (Hebrew numbering) in {} psalms: shown as titles, \
             verses renumbered as in English Bibles.",
            titled.len()
        ));
    }
    // 3 John 1:15 (NRSV, ESV) is the end of 1:14 in the KJV.
    let john3 = id("3John");
    if let Some(s) = verses.remove(&(john3, 1, 15))
        && !s.v.text.is_empty()
    {
        if let Some(t) = verses.get_mut(&(john3, 1, 14)) {
            append(&mut t.v, s.v);
        }
        notes.push("3 John 1:15 joined to 1:14, as in the KJV numbering.".into());
    }
    // Revelation 12:18 (NRSV, ESV) is the start of 13:1 in the KJV.
    let rev = id("Rev");
    if let Some(s) = verses.remove(&(rev, 12, 18))
        && !s.v.text.is_empty()
    {
        match verses.get_mut(&(rev, 13, 1)) {
            Some(t) => prepend(&mut t.v, s.v),
            None => {
                verses.insert((rev, 13, 1), s);
            }
        }
        notes.push("Revelation 12:18 joined to the start of 13:1, as in the KJV numbering.".into());
    }
    // Romans 16:25-27 (the doxology) at 14:24-26, as some editions place it.
    let rom = id("Rom");
    let doxology_missing = (25..=27).all(|n| !has_text(verses, (rom, 16, n)));
    if doxology_missing && (24..=26).all(|n| has_text(verses, (rom, 14, n))) {
        for n in 25..=27 {
            verses.remove(&(rom, 16, n));
        }
        shift(verses, rom, (14, 24, 26), (16, 25));
        notes.push(
            "Romans 14:24–26 (the doxology) mapped to Romans 16:25–27, as in the KJV.".into(),
        );
    } else if doxology_missing
        && chapter_len(verses, rom, 14) == 23
        && verses
            .get(&(rom, 14, 23))
            .is_some_and(|s| !s.breaks.is_empty())
    {
        // The source's 14:24-26 folded into 14:23 (its numbering has no 14:24):
        // the last paragraph of 14:23 is the doxology.
        if let Some(s) = verses.get_mut(&(rom, 14, 23)) {
            let at = *s.breaks.last().unwrap_or(&0) as usize;
            let tail_text = s.v.text[at..].trim_start().to_owned();
            let skipped = s.v.text.len() - at - tail_text.len();
            let tail_start = (at + skipped) as u32;
            let mut tail = RawVerse {
                text: tail_text,
                paragraph: true,
                ..RawVerse::default()
            };
            tail.red =
                s.v.red
                    .iter()
                    .filter(|r| r.0 >= tail_start)
                    .map(|r| (r.0 - tail_start, r.1 - tail_start))
                    .collect();
            tail.notes =
                s.v.notes
                    .iter()
                    .filter(|n| n.0 >= tail_start)
                    .map(|n| (n.0 - tail_start, n.1.clone()))
                    .collect();
            s.v.red.retain(|r| r.1 <= at as u32);
            s.v.notes.retain(|n| n.0 < tail_start);
            s.v.text.truncate(at);
            while s.v.text.ends_with([' ', '\n']) {
                s.v.text.pop();
            }
            let len = s.v.text.len() as u32;
            for n in &mut s.v.notes {
                n.0 = n.0.min(len);
            }
            s.breaks.pop();
            for n in 25..=27 {
                verses.remove(&(rom, 16, n));
            }
            verses.insert(
                (rom, 16, 25),
                SrcVerse {
                    v: tail,
                    breaks: Vec::new(),
                },
            );
            notes.push(
                "Romans 16:25–27 (the doxology): the source has it at the end of 14:23 without \
                 verse numbers; shown as 16:25 (16:26–27 absent)."
                    .into(),
            );
        }
    }
    // Verse 0 (a psalm title or heading given as a verse): a title or heading.
    let zeros: Vec<Key> = verses.keys().filter(|k| k.2 == 0).copied().collect();
    for k in zeros {
        if let Some(s) = verses.remove(&k) {
            let text = s.v.text.replace('\n', " ");
            if let Some(first) = verses.get_mut(&(k.0, k.1, 1)) {
                if k.0 == ps {
                    first.v.title = text;
                } else if !text.is_empty() {
                    first.v.headings.insert(0, text);
                }
            }
        }
    }
}
