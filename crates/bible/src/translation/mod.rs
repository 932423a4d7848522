//! Translations: metadata, the compact store, passage lookup and search.

pub(crate) mod search;
pub(crate) mod store;

use std::fmt;
use std::ops;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use abide_scripture::{BookId, Range, Style, VerseRef, Versification, format_ranges};
use store::{BlockRef, RawBook, RawVerse};

/// What a translation says about itself: shown in lists and as the
/// attribution under every quotation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TranslationInfo {
    /// Short lower-case id used in URLs and on the command line, e.g. `"web"`.
    pub id: String,
    /// Full name, e.g. `"World English Bible"`.
    pub name: String,
    /// Abbreviation, e.g. `"WEB"`.
    pub abbreviation: String,
    /// Language as a BCP 47 tag, e.g. `"en"`.
    pub language: String,
    /// The licence in a few words, e.g. `"Public domain"`.
    pub licence: String,
    /// The rights holder's statement or terms of use, to show with the text.
    pub statement: String,
    /// Where the text came from (package, file, module).
    pub source: String,
    /// The versification the verses are stored in (always the default, `"kjv"`).
    pub versification: String,
    /// How the source's numbering was mapped onto the default versification,
    /// and anything the import left out.
    #[serde(default)]
    pub versification_notes: Vec<String>,
    /// Verses of the versification (in the books this translation has) that
    /// have no text in it, as verse keys.
    #[serde(default)]
    pub absent: Vec<u32>,
    /// OSIS ids of the books it has, in canon order.
    pub books: Vec<String>,
    /// The number of verses with text.
    pub verse_count: u32,
    /// True for the translations compiled into Abide.
    #[serde(default)]
    pub bundled: bool,
}

impl TranslationInfo {
    /// The line to show under quoted text, e.g.
    /// `"World English Bible (WEB), public domain"`.
    pub fn attribution(&self) -> String {
        let licence = if self.licence.eq_ignore_ascii_case("public domain") {
            "public domain".to_owned()
        } else {
            self.licence.clone()
        };
        if licence.is_empty() {
            format!("{} ({})", self.name, self.abbreviation)
        } else {
            format!("{} ({}), {licence}", self.name, self.abbreviation)
        }
    }

    /// The verses that have no text in this translation.
    pub fn absent_verses(&self) -> impl Iterator<Item = VerseRef> + '_ {
        self.absent.iter().filter_map(|&k| VerseRef::from_key(k))
    }

    /// Whether the translation has `book`.
    pub fn has_book(&self, book: BookId) -> bool {
        self.books.iter().any(|b| b == book.osis())
    }
}

/// A footnote, kept apart from the verse text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Note {
    /// Byte offset in the verse text where the note's mark belongs.
    pub offset: usize,
    /// The note.
    pub text: String,
}

/// The mark of a passage's footnote number `index` (counting from 0), as
/// printed Bibles letter them: `a` to `z`, then `aa` to `zz`, then `aaa`, and
/// so on; every index has a mark of its own.
///
/// ```
/// use abide_bible::note_mark;
/// assert_eq!([note_mark(0), note_mark(25), note_mark(26)], ["a", "z", "aa"]);
/// assert_eq!([note_mark(701), note_mark(702)], ["zz", "aaa"]);
/// ```
pub fn note_mark(index: usize) -> String {
    // Bijective base 26: after `z` comes `aa`, as after 9 would come 11.
    let mut letters = Vec::new();
    let mut n = index;
    loop {
        letters.push(char::from(b'a' + (n % 26) as u8));
        if n < 26 {
            break;
        }
        n = n / 26 - 1;
    }
    letters.iter().rev().collect()
}

/// One verse of a passage.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Verse {
    /// The verse, in the default versification.
    pub reference: VerseRef,
    /// Its key, `BBCCCVVV` (see [`VerseRef::key`]).
    pub key: u32,
    /// The verse number to print.
    pub number: u16,
    /// The text, without markup; `\n` separates lines of poetry. Empty for a
    /// verse the translation leaves out but annotates (a note says why).
    pub text: String,
    /// True when a paragraph starts here.
    pub paragraph: bool,
    /// True when this verse starts one of the requested ranges after the
    /// first, so that a reader can show the gap (`John 3:16, 18`).
    pub range_start: bool,
    /// A psalm's title (superscription), on its first verse.
    pub title: Option<String>,
    /// Section headings printed before this verse.
    pub headings: Vec<String>,
    /// Byte spans of `text` that are words of Jesus, where the source marks them.
    pub words_of_jesus: Vec<ops::Range<usize>>,
    /// Footnotes, in order.
    pub notes: Vec<Note>,
}

/// One piece of a verse in reading order: what a renderer walks (see
/// [`Verse::runs`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Run<'v> {
    /// Text without line breaks; `jesus` when it is words of Jesus.
    Text {
        /// The text.
        text: &'v str,
        /// Whether these are words of Jesus.
        jesus: bool,
    },
    /// A line break between lines of poetry.
    LineBreak,
    /// The mark of footnote `n` (an index into [`Verse::notes`]).
    Note(usize),
}

impl Verse {
    /// The verse as text runs, line breaks and footnote marks, in reading
    /// order: everything an HTML or terminal renderer needs.
    ///
    /// ```
    /// use abide_bible::{Library, Run};
    /// use abide_scripture::parse;
    /// let library = Library::bundled();
    /// let passage = library.get("kjv").unwrap().passage(&parse("John 11:35").unwrap().ranges).unwrap();
    /// let runs = passage.verses[0].runs();
    /// assert_eq!(runs, [Run::Text { text: "Jesus wept.", jesus: false }]);
    /// ```
    pub fn runs(&self) -> Vec<Run<'_>> {
        let len = self.text.len();
        let mut cuts: Vec<usize> = vec![0, len];
        for span in &self.words_of_jesus {
            cuts.push(span.start.min(len));
            cuts.push(span.end.min(len));
        }
        cuts.extend(self.notes.iter().map(|n| n.offset.min(len)));
        cuts.sort_unstable();
        cuts.dedup();
        let mut runs = Vec::new();
        let notes_at = |at: usize, runs: &mut Vec<Run<'_>>| {
            for (i, note) in self.notes.iter().enumerate() {
                if note.offset.min(len) == at {
                    runs.push(Run::Note(i));
                }
            }
        };
        notes_at(0, &mut runs);
        for pair in cuts.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            let Some(chunk) = self.text.get(a..b) else {
                continue;
            };
            let jesus = self
                .words_of_jesus
                .iter()
                .any(|s| s.start <= a && a < s.end);
            for (i, line) in chunk.split('\n').enumerate() {
                if i > 0 {
                    runs.push(Run::LineBreak);
                }
                if !line.is_empty() {
                    runs.push(Run::Text { text: line, jesus });
                }
            }
            notes_at(b, &mut runs);
        }
        runs
    }

    /// The text cut into runs, each flagged true when it is words of Jesus:
    /// what a renderer needs for red letters.
    pub fn segments(&self) -> Vec<(&str, bool)> {
        let mut out = Vec::new();
        let mut at = 0;
        for span in &self.words_of_jesus {
            if span.start > at {
                out.push((&self.text[at..span.start], false));
            }
            out.push((&self.text[span.clone()], true));
            at = span.end;
        }
        if at < self.text.len() || out.is_empty() {
            out.push((&self.text[at..], false));
        }
        out
    }
}

/// The text of one or more ranges in one translation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Passage {
    /// The id of the translation.
    pub translation: String,
    /// The ranges asked for.
    pub ranges: Vec<Range>,
    /// The ranges in human form, e.g. `"Psalm 46:10"`.
    pub reference: String,
    /// The verses with text (or notes), in order.
    pub verses: Vec<Verse>,
    /// Verses of the ranges that this translation does not have.
    pub absent: Vec<VerseRef>,
}

impl Passage {
    /// The verse texts joined by spaces (poetry lines too): for emails, link
    /// previews and other plain-text uses.
    pub fn plain_text(&self) -> String {
        let mut out = String::new();
        for v in &self.verses {
            for line in v.text.split('\n') {
                if !line.is_empty() {
                    if !out.is_empty() {
                        out.push(' ');
                    }
                    out.push_str(line);
                }
            }
        }
        out
    }
}

/// Why a passage cannot be shown.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum LookupError {
    /// No range was given.
    #[error("no passage given")]
    Empty,
    /// A range names verses the default versification does not have.
    #[error("{0} does not exist")]
    NotInVersification(String),
    /// The translation has none of the verses asked for.
    #[error("{reference} is not in the {translation}")]
    NotInTranslation {
        /// The passage, in human form.
        reference: String,
        /// The translation's abbreviation.
        translation: String,
    },
    /// The translation file is damaged.
    #[error("translation {translation}: damaged file: {detail}")]
    Corrupt {
        /// The translation's id.
        translation: String,
        /// What is wrong.
        detail: String,
    },
}

/// Why a translation file cannot be opened.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum OpenError {
    /// The file cannot be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The file is not a translation file this Abide can read.
    #[error("{path}: {detail}")]
    Format {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        detail: String,
    },
}

/// The bytes of a translation: compiled in, or read from a file.
enum Bytes {
    Static(&'static [u8]),
    Owned(Vec<u8>),
}

impl Bytes {
    fn as_slice(&self) -> &[u8] {
        match self {
            Bytes::Static(b) => b,
            Bytes::Owned(b) => b,
        }
    }
}

/// One book, inflated: its verses by position.
#[derive(Debug)]
pub(crate) struct BookData {
    pub(crate) verses: Vec<RawVerse>,
}

/// One translation, ready for lookups. Cheap to open: the header is read at
/// once, each book is inflated the first time it is read. `Send + Sync`.
pub struct Translation {
    info: TranslationInfo,
    bytes: Bytes,
    /// Per book number (index = number - 1), where its block is.
    blocks: Vec<Option<BlockRef>>,
    books: Vec<OnceLock<Result<BookData, String>>>,
    search: OnceLock<search::Index>,
    path: Option<PathBuf>,
}

impl fmt::Debug for Translation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Translation")
            .field("id", &self.info.id)
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

const BOOK_SLOTS: usize = 84;

impl Translation {
    /// Opens a translation file (`<id>.bible`, as written by the importers).
    pub fn open(path: &Path) -> Result<Translation, OpenError> {
        let bytes = std::fs::read(path).map_err(|source| OpenError::Io {
            path: path.to_owned(),
            source,
        })?;
        let mut t =
            Self::from_bytes_inner(Bytes::Owned(bytes)).map_err(|detail| OpenError::Format {
                path: path.to_owned(),
                detail,
            })?;
        t.path = Some(path.to_owned());
        Ok(t)
    }

    /// A translation from the bytes of a translation file.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Translation, OpenError> {
        Self::from_bytes_inner(Bytes::Owned(bytes)).map_err(|detail| OpenError::Format {
            path: PathBuf::new(),
            detail,
        })
    }

    pub(crate) fn from_static(bytes: &'static [u8]) -> Result<Translation, String> {
        Self::from_bytes_inner(Bytes::Static(bytes))
    }

    fn from_bytes_inner(bytes: Bytes) -> Result<Translation, String> {
        let (info, blocks) = {
            let header = store::read_header(bytes.as_slice()).map_err(|e| e.0)?;
            let info: TranslationInfo =
                serde_json::from_str(header.meta).map_err(|e| format!("metadata: {e}"))?;
            if !is_valid_id(&info.id) {
                return Err(format!("metadata: invalid id {:?}", info.id));
            }
            let mut blocks = vec![None; BOOK_SLOTS];
            for block in header.blocks {
                let slot = usize::from(block.book)
                    .checked_sub(1)
                    .and_then(|i| blocks.get_mut(i))
                    .ok_or_else(|| format!("unknown book number {}", block.book))?;
                *slot = Some(block);
            }
            (info, blocks)
        };
        Ok(Translation {
            info,
            bytes,
            blocks,
            books: (0..BOOK_SLOTS).map(|_| OnceLock::new()).collect(),
            search: OnceLock::new(),
            path: None,
        })
    }

    /// The translation's metadata.
    pub fn info(&self) -> &TranslationInfo {
        &self.info
    }

    /// The translation's id, e.g. `"web"`.
    pub fn id(&self) -> &str {
        &self.info.id
    }

    /// The file it was read from; `None` for a bundled translation.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    pub(crate) fn set_bundled(&mut self) {
        self.info.bundled = true;
    }

    /// The books this translation has, in canon order.
    pub fn books(&self) -> impl Iterator<Item = BookId> + '_ {
        self.blocks
            .iter()
            .flatten()
            .filter_map(|b| BookId::from_number(b.book))
    }

    /// The inflated book, or `None` when the translation does not have it.
    pub(crate) fn book(&self, book: BookId) -> Result<Option<&BookData>, LookupError> {
        let i = usize::from(book.number()) - 1;
        let Some(block) = self.blocks.get(i).copied().flatten() else {
            return Ok(None);
        };
        let loaded = self.books[i].get_or_init(|| {
            let raw = store::inflate(self.bytes.as_slice(), block).map_err(|e| e.0)?;
            let decoded = store::decode_book(block.book, &raw).map_err(|e| e.0)?;
            check_book(decoded)
        });
        match loaded {
            Ok(data) => Ok(Some(data)),
            Err(detail) => Err(LookupError::Corrupt {
                translation: self.info.id.clone(),
                detail: detail.clone(),
            }),
        }
    }

    /// The text of `ranges` (one [`Range`], a slice or a `Vec` of them), with
    /// verse numbers, paragraphs, headings, psalm titles, words of Jesus and
    /// footnotes.
    ///
    /// Verses this translation lacks are listed in [`Passage::absent`]; when
    /// it has none of them the result is [`LookupError::NotInTranslation`].
    ///
    /// ```
    /// use abide_bible::Library;
    /// use abide_scripture::parse;
    /// let library = Library::bundled();
    /// let kjv = library.get("kjv").unwrap();
    /// let passage = kjv.passage(&parse("John 11:35").unwrap().ranges).unwrap();
    /// assert_eq!(passage.verses[0].text, "Jesus wept.");
    /// assert_eq!(passage.reference, "John 11:35");
    /// ```
    pub fn passage(&self, ranges: impl AsRef<[Range]>) -> Result<Passage, LookupError> {
        let ranges = ranges.as_ref();
        if ranges.is_empty() {
            return Err(LookupError::Empty);
        }
        let v = Versification::kjv();
        let reference = format_ranges(ranges, Style::Full);
        let mut verses = Vec::new();
        let mut absent = Vec::new();
        for (i, range) in ranges.iter().enumerate() {
            if !range.is_valid(v) {
                return Err(LookupError::NotInVersification(reference));
            }
            let before = verses.len();
            self.collect(*range, &mut verses, &mut absent)?;
            if i > 0
                && let Some(first) = verses.get_mut(before)
            {
                first.range_start = true;
            }
        }
        if verses.is_empty() {
            return Err(LookupError::NotInTranslation {
                reference,
                translation: self.info.abbreviation.clone(),
            });
        }
        Ok(Passage {
            translation: self.info.id.clone(),
            ranges: ranges.to_vec(),
            reference,
            verses,
            absent,
        })
    }

    /// The text of one verse, `None` when the translation does not have it.
    pub fn verse_text(&self, verse: VerseRef) -> Option<&str> {
        let book = self.book(verse.book).ok()??;
        let key = verse.key();
        let i = book.verses.binary_search_by_key(&key, |v| v.key).ok()?;
        Some(&book.verses[i].text)
    }

    fn collect(
        &self,
        range: Range,
        verses: &mut Vec<Verse>,
        absent: &mut Vec<VerseRef>,
    ) -> Result<(), LookupError> {
        let (start, end) = range.keys();
        let v = Versification::kjv();
        for number in range.start.book.number()..=range.end.book.number() {
            let Some(book) = BookId::from_number(number) else {
                continue;
            };
            let Some(data) = self.book(book)? else {
                // A whole book missing: every verse of the range in it is absent.
                let mut at = Some(if number == range.start.book.number() {
                    range.start
                } else {
                    VerseRef::new(book, v.first_chapter(book), 1)
                });
                while let Some(verse) = at.filter(|x| x.book == book && x.key() <= end) {
                    absent.push(verse);
                    at = verse.next(v);
                }
                continue;
            };
            let from = data.verses.partition_point(|x| x.key < start);
            let to = data.verses.partition_point(|x| x.key <= end);
            // Walk the versification alongside, to list what is missing.
            let mut expected = Some(if number == range.start.book.number() {
                range.start
            } else {
                VerseRef::new(book, v.first_chapter(book), 1)
            });
            for raw in &data.verses[from..to] {
                while let Some(e) = expected.filter(|e| e.book == book && e.key() < raw.key) {
                    absent.push(e);
                    expected = e.next(v);
                }
                let Some(reference) = VerseRef::from_key(raw.key) else {
                    continue;
                };
                expected = reference.next(v);
                if raw.text.is_empty() {
                    absent.push(reference);
                    if raw.notes.is_empty() {
                        continue;
                    }
                }
                verses.push(to_verse(reference, raw));
            }
            while let Some(e) = expected.filter(|e| e.book == book && e.key() <= end) {
                absent.push(e);
                expected = e.next(v);
            }
        }
        Ok(())
    }

    /// Searches the whole translation; see [`SearchResults`](crate::SearchResults).
    pub fn search(&self, query: &str, limit: usize) -> Result<search::SearchResults, LookupError> {
        let index = match self.search.get() {
            Some(index) => index,
            None => {
                let built = search::Index::build(self)?;
                self.search.get_or_init(|| built)
            }
        };
        Ok(index.search(self, query, limit))
    }
}

fn to_verse(reference: VerseRef, raw: &RawVerse) -> Verse {
    Verse {
        reference,
        key: raw.key,
        number: reference.verse,
        text: raw.text.clone(),
        paragraph: raw.paragraph,
        range_start: false,
        title: (!raw.title.is_empty()).then(|| raw.title.clone()),
        headings: raw.headings.clone(),
        words_of_jesus: raw
            .red
            .iter()
            .map(|&(s, e)| s as usize..e as usize)
            .collect(),
        notes: raw
            .notes
            .iter()
            .map(|(at, text)| Note {
                offset: *at as usize,
                text: text.clone(),
            })
            .collect(),
    }
}

/// Checks what lookups rely on, so that they never panic on a damaged file:
/// keys ascending and in the book, spans on character boundaries.
fn check_book(book: RawBook) -> Result<BookData, String> {
    let mut last = 0;
    for v in &book.verses {
        let Some(r) = VerseRef::from_key(v.key) else {
            return Err(format!("bad verse key {}", v.key));
        };
        if r.book.number() != book.number || v.key <= last {
            return Err(format!("verse key {} out of order", v.key));
        }
        last = v.key;
        let ok = |at: u32| v.text.is_char_boundary(at as usize);
        let mut prev_end = 0;
        for &(s, e) in &v.red {
            if s > e || s < prev_end || !ok(s) || !ok(e) {
                return Err(format!("bad span in verse {}", v.key));
            }
            prev_end = e;
        }
        if v.notes.iter().any(|&(at, _)| !ok(at)) {
            return Err(format!("bad note offset in verse {}", v.key));
        }
    }
    Ok(BookData {
        verses: book.verses,
    })
}

/// Whether `id` is a valid translation id: 1 to 32 of `a-z`, `0-9`, `-`,
/// starting with a letter or digit. The one rule for ids, wherever they come
/// from: imports, translation files, URLs, cookies.
///
/// ```
/// assert!(abide_bible::is_valid_id("web"));
/// assert!(!abide_bible::is_valid_id("WEB"));
/// assert!(!abide_bible::is_valid_id("-web"));
/// ```
pub fn is_valid_id(id: &str) -> bool {
    (1..=32).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
}

/// The translation id that `input` names (a query parameter, a cookie): the
/// same letters in lower case, as lookups ignore case, when that is a valid
/// id (see [`is_valid_id`]); `None` otherwise. What comes from outside
/// passes through this before it goes into a link or a cache key.
///
/// ```
/// assert_eq!(abide_bible::normalize_id("KJV").as_deref(), Some("kjv"));
/// assert_eq!(abide_bible::normalize_id("kjv\r\nSet-Cookie: x"), None);
/// ```
pub fn normalize_id(input: &str) -> Option<String> {
    let id = input.to_ascii_lowercase();
    is_valid_id(&id).then_some(id)
}
