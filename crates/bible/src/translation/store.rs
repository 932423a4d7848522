//! The on-disk form of one translation: a small header (magic, format
//! version, metadata as JSON, an index of books) followed by one
//! zlib-compressed block per book.
//!
//! ```text
//! "ABIDEBIB"  u32 version  u32 meta_len  meta (UTF-8 JSON)
//! u32 book_count  book_count x (u8 book, u32 offset, u32 len, u32 raw_len)
//! blocks (zlib; offsets from the start of the file)
//! ```
//!
//! A block, once inflated, is the book's verses in order:
//!
//! ```text
//! u32 count, then per verse: u32 key, u8 flags (1 = paragraph, 2 = extras),
//!   str text, and with extras: str title, u16 n + n x str heading,
//!   u16 n + n x (u32 start, u32 end) words of Jesus,
//!   u16 n + n x (u32 offset, str text) notes
//! str = u32 byte length + UTF-8 bytes; integers little-endian
//! ```
//!
//! Opening reads the header only; a book is inflated the first time it is
//! read. This file is self-contained (std and flate2 only) because the build
//! script includes it to write the bundled translations.

use std::io::{Read, Write};

/// The first bytes of every translation file.
pub(crate) const MAGIC: &[u8; 8] = b"ABIDEBIB";
/// The format version this code writes and reads.
pub(crate) const VERSION: u32 = 1;

/// One verse as importers produce it and the store keeps it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct RawVerse {
    /// `BBCCCVVV` in the default versification.
    pub(crate) key: u32,
    /// The text: no markup; `\n` separates lines of poetry.
    pub(crate) text: String,
    /// Whether a paragraph starts with this verse.
    pub(crate) paragraph: bool,
    /// A psalm's title (superscription), on its first verse; empty if none.
    pub(crate) title: String,
    /// Section headings printed before this verse.
    pub(crate) headings: Vec<String>,
    /// Byte spans of `text` that are words of Jesus.
    pub(crate) red: Vec<(u32, u32)>,
    /// Footnotes: byte offset in `text` where the note's mark stands, and the note.
    pub(crate) notes: Vec<(u32, String)>,
}

impl RawVerse {
    fn has_extras(&self) -> bool {
        !(self.title.is_empty()
            && self.headings.is_empty()
            && self.red.is_empty()
            && self.notes.is_empty())
    }
}

/// One book's verses, in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct RawBook {
    /// The book's number in the canon (Genesis = 1).
    pub(crate) number: u8,
    /// Its verses, ordered by key.
    pub(crate) verses: Vec<RawVerse>,
}

/// What is wrong with a translation file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FormatError(pub(crate) String);

fn bad<T>(what: impl Into<String>) -> Result<T, FormatError> {
    Err(FormatError(what.into()))
}

fn put_u32(out: &mut Vec<u8>, n: u32) {
    out.extend_from_slice(&n.to_le_bytes());
}

fn put_u16(out: &mut Vec<u8>, n: u16) {
    out.extend_from_slice(&n.to_le_bytes());
}

fn len32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn len16(n: usize) -> u16 {
    u16::try_from(n).unwrap_or(u16::MAX)
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_u32(out, len32(s.len()));
    out.extend_from_slice(s.as_bytes());
}

/// The uncompressed block of one book.
fn encode_book(book: &RawBook) -> Vec<u8> {
    let mut out = Vec::with_capacity(book.verses.iter().map(|v| v.text.len() + 16).sum());
    put_u32(&mut out, len32(book.verses.len()));
    for v in &book.verses {
        put_u32(&mut out, v.key);
        let extras = v.has_extras();
        out.push(u8::from(v.paragraph) | (u8::from(extras) << 1));
        put_str(&mut out, &v.text);
        if extras {
            put_str(&mut out, &v.title);
            let headings = &v.headings[..v.headings.len().min(usize::from(u16::MAX))];
            put_u16(&mut out, len16(headings.len()));
            for h in headings {
                put_str(&mut out, h);
            }
            let red = &v.red[..v.red.len().min(usize::from(u16::MAX))];
            put_u16(&mut out, len16(red.len()));
            for &(s, e) in red {
                put_u32(&mut out, s);
                put_u32(&mut out, e);
            }
            let notes = &v.notes[..v.notes.len().min(usize::from(u16::MAX))];
            put_u16(&mut out, len16(notes.len()));
            for (at, note) in notes {
                put_u32(&mut out, *at);
                put_str(&mut out, note);
            }
        }
    }
    out
}

/// Writes a whole translation file: `meta` is the metadata as JSON.
pub(crate) fn write(meta: &str, books: &[RawBook]) -> Vec<u8> {
    let mut blocks = Vec::with_capacity(books.len());
    for book in books {
        let raw = encode_book(book);
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        // Writing into a Vec cannot fail.
        let _ = z.write_all(&raw);
        let packed = z.finish().unwrap_or_default();
        blocks.push((book.number, packed, raw.len()));
    }
    let mut out = Vec::new();
    out.extend_from_slice(MAGIC);
    put_u32(&mut out, VERSION);
    put_str(&mut out, meta);
    put_u32(&mut out, len32(blocks.len()));
    let index_len = blocks.len() * 13;
    let mut offset = out.len() + index_len;
    for (number, packed, raw_len) in &blocks {
        out.push(*number);
        put_u32(&mut out, len32(offset));
        put_u32(&mut out, len32(packed.len()));
        put_u32(&mut out, len32(*raw_len));
        offset += packed.len();
    }
    for (_, packed, _) in &blocks {
        out.extend_from_slice(packed);
    }
    out
}

/// A cursor over bytes that fails instead of panicking.
pub(crate) struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Self { bytes, pos: 0 }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], FormatError> {
        match self.bytes.get(self.pos..self.pos.saturating_add(n)) {
            Some(s) if self.pos.checked_add(n).is_some() => {
                self.pos += n;
                Ok(s)
            }
            _ => bad(format!("truncated at byte {}", self.pos)),
        }
    }

    fn u8(&mut self) -> Result<u8, FormatError> {
        Ok(self.take(1)?[0])
    }

    fn u16(&mut self) -> Result<u16, FormatError> {
        let b = self.take(2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }

    fn u32(&mut self) -> Result<u32, FormatError> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn str(&mut self) -> Result<&'a str, FormatError> {
        let n = self.u32()? as usize;
        let b = self.take(n)?;
        std::str::from_utf8(b).or_else(|_| bad("text is not UTF-8"))
    }
}

/// Where one book's block lies in the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct BlockRef {
    pub(crate) book: u8,
    pub(crate) offset: usize,
    pub(crate) len: usize,
    pub(crate) raw_len: usize,
}

/// The header: metadata JSON and the book index.
#[derive(Debug)]
pub(crate) struct Header<'a> {
    pub(crate) meta: &'a str,
    pub(crate) blocks: Vec<BlockRef>,
}

/// Reads and checks the header of a translation file.
pub(crate) fn read_header(bytes: &[u8]) -> Result<Header<'_>, FormatError> {
    let mut c = Cursor::new(bytes);
    if c.take(8).ok() != Some(&MAGIC[..]) {
        return bad("not an Abide translation file (wrong magic bytes)");
    }
    let version = c.u32()?;
    if version != VERSION {
        return bad(format!(
            "format version {version}; this Abide reads version {VERSION} (re-import the translation)"
        ));
    }
    let meta = c.str()?;
    let count = c.u32()? as usize;
    if count > 255 {
        return bad(format!("{count} books in the index"));
    }
    let mut blocks = Vec::with_capacity(count);
    for _ in 0..count {
        let block = BlockRef {
            book: c.u8()?,
            offset: c.u32()? as usize,
            len: c.u32()? as usize,
            raw_len: c.u32()? as usize,
        };
        if block
            .offset
            .checked_add(block.len)
            .is_none_or(|end| end > bytes.len())
        {
            return bad(format!("book {} lies outside the file", block.book));
        }
        blocks.push(block);
    }
    Ok(Header { meta, blocks })
}

/// Inflates one block.
pub(crate) fn inflate(bytes: &[u8], block: BlockRef) -> Result<Vec<u8>, FormatError> {
    let packed = bytes
        .get(block.offset..block.offset + block.len)
        .ok_or_else(|| FormatError("block outside the file".into()))?;
    // Never trust the stored size further than a generous bound.
    let mut raw = Vec::with_capacity(block.raw_len.min(64 << 20));
    flate2::read::ZlibDecoder::new(packed)
        .take(256 << 20)
        .read_to_end(&mut raw)
        .or_else(|e| bad(format!("book {}: {e}", block.book)))?;
    if raw.len() != block.raw_len {
        return bad(format!("book {}: wrong inflated size", block.book));
    }
    Ok(raw)
}

/// Decodes an inflated block back into verses.
pub(crate) fn decode_book(number: u8, raw: &[u8]) -> Result<RawBook, FormatError> {
    let mut c = Cursor::new(raw);
    let count = c.u32()? as usize;
    let mut verses = Vec::with_capacity(count.min(raw.len() / 9));
    for _ in 0..count {
        let key = c.u32()?;
        let flags = c.u8()?;
        let text = c.str()?.to_owned();
        let mut verse = RawVerse {
            key,
            text,
            paragraph: flags & 1 != 0,
            ..RawVerse::default()
        };
        if flags & 2 != 0 {
            verse.title = c.str()?.to_owned();
            for _ in 0..c.u16()? {
                verse.headings.push(c.str()?.to_owned());
            }
            for _ in 0..c.u16()? {
                let (s, e) = (c.u32()?, c.u32()?);
                verse.red.push((s, e));
            }
            for _ in 0..c.u16()? {
                let at = c.u32()?;
                verse.notes.push((at, c.str()?.to_owned()));
            }
        }
        verses.push(verse);
    }
    if c.pos != raw.len() {
        return bad(format!("book {number}: trailing bytes"));
    }
    Ok(RawBook { number, verses })
}
