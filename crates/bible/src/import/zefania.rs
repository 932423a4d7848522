//! Zefania XML: `<XMLBIBLE>`, `<BIBLEBOOK bnumber>`, `<CHAPTER cnumber>`,
//! `<VERS vnumber>`. Kept: `<CAPTION>` (a section heading; in a psalm before
//! its first verse, the psalm's title), `<NOTE>` (footnote), `<BR/>` (a line
//! break; `art="x-p"` a paragraph), `<STYLE>` whose colour is red (words of
//! Jesus, as Zefania Bibles mark them). Dropped: `<XREF>`, `<REMARK>`,
//! `<PROLOG>`, `<MEDIA>`. `<INFORMATION>` gives the name, language and rights.

use abide_scripture::BookId;

use std::borrow::Cow;

use super::collect::{self, Collector};
use super::elements::{Elements, Undo, XmlBible, read_document};
use super::xml::Tag;
use super::{Hints, Located};

/// What a capture's text becomes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Cap {
    Caption,
    Note,
    /// A field of `<INFORMATION>`.
    Info(&'static str),
}

fn is_red(css: &str) -> bool {
    let css = css.to_ascii_lowercase().replace(' ', "");
    [
        "color:red",
        "color:#f00",
        "color:#ff0000",
        "color:rgb(255,0,0)",
    ]
    .iter()
    .any(|r| css.contains(r))
}

/// Where the reader is.
#[derive(Default)]
struct Zefania {
    book: Option<BookId>,
    chapter: u16,
    /// A verse of this chapter has started (a caption before is a psalm's title).
    verse_seen: bool,
    skipped: Vec<String>,
}

/// Reads a Zefania document into `c`.
pub(crate) fn read(src: &str, c: &mut Collector) -> Result<Hints, Located> {
    read_document(src, c, Zefania::default())
}

impl XmlBible for Zefania {
    type Cap = Cap;
    const ROOT: &'static str = "XMLBIBLE";
    const DOCUMENT: &'static str = "an <XMLBIBLE> document";

    /// Zefania's element names are matched in any case.
    fn name<'n>(&self, name: &'n str) -> Cow<'n, str> {
        Cow::Owned(name.to_ascii_uppercase())
    }

    fn root(&mut self, tag: &Tag<'_, '_>, hints: &mut Hints) {
        if let Some(n) = tag.attr("biblename") {
            hints.name.get_or_insert(n);
        }
    }

    fn open(
        &mut self,
        t: &Tag<'_, '_>,
        name: &str,
        at: usize,
        elements: &mut Elements<Cap>,
        c: &mut Collector,
    ) -> Result<Undo, String> {
        if elements.is_open("INFORMATION") {
            let field = match name {
                "TITLE" => "title",
                "LANGUAGE" => "language",
                "RIGHTS" => "rights",
                "IDENTIFIER" => "identifier",
                _ => return Ok(Undo::Nothing),
            };
            return Ok(elements.capture(Some(Cap::Info(field))));
        }
        let undo = match name {
            "BIBLEBOOK" => {
                c.end_verse();
                let number = t.attr("bnumber").unwrap_or_default();
                let bname = t.attr("bname").unwrap_or_default();
                let n: u8 = number.trim().parse().map_err(|_| {
                    format!("expected a book number in <BIBLEBOOK bnumber>, found {number:?}")
                })?;
                self.book = if (1..=66).contains(&n) {
                    BookId::from_number(n)
                } else {
                    BookId::from_name(&bname)
                };
                if self.book.is_none() {
                    let label = if bname.is_empty() { number } else { bname };
                    if !self.skipped.contains(&label) {
                        self.skipped.push(label);
                    }
                }
                self.chapter = 0;
                Undo::Nothing
            }
            "CHAPTER" => {
                c.end_verse();
                let number = t.attr("cnumber").unwrap_or_default();
                self.chapter = collect::number(&number).ok_or_else(|| {
                    format!("expected a chapter number in <CHAPTER cnumber>, found {number:?}")
                })?;
                self.verse_seen = false;
                Undo::Nothing
            }
            "VERS" => {
                let number = t.attr("vnumber").unwrap_or_default();
                let v = collect::number(&number).ok_or_else(|| {
                    format!("expected a verse number in <VERS vnumber>, found {number:?}")
                })?;
                let chapter = self.chapter;
                if chapter == 0 {
                    return Err("expected <CHAPTER> around <VERS>".into());
                }
                match self.book {
                    Some(b) => {
                        c.start_verse(b, chapter, v, at)
                            .map_err(|d| d.message(&format!("{} {chapter}:{v}", b.osis())))?;
                        self.verse_seen = true;
                        Undo::Verse
                    }
                    None => Undo::Nothing,
                }
            }
            "CAPTION" => elements.capture(Some(Cap::Caption)),
            "NOTE" => elements.capture(Some(Cap::Note)),
            "XREF" => elements.cross_reference(),
            "REMARK" | "PROLOG" | "MEDIA" => elements.capture(None),
            "BR" => {
                if t.attr("art").is_some_and(|a| a == "x-p") {
                    c.paragraph();
                } else {
                    c.line_break();
                }
                Undo::Nothing
            }
            "STYLE" => {
                let css = t.attr("css").unwrap_or_default() + &t.attr("fs").unwrap_or_default();
                if is_red(&css) {
                    c.red(true);
                    Undo::Red
                } else {
                    Undo::Nothing
                }
            }
            // INFORMATION's children are read above; the rest is not verse
            // structure.
            _ => Undo::Nothing,
        };
        Ok(undo)
    }

    fn in_text(&self) -> bool {
        self.book.is_some()
    }

    fn captured(&mut self, cap: Cap, text: String, c: &mut Collector, hints: &mut Hints) {
        let text = text.trim().to_owned();
        match cap {
            Cap::Info(field) if !text.is_empty() => {
                let slot = match field {
                    "title" => &mut hints.name,
                    "language" => &mut hints.language,
                    "rights" => &mut hints.rights,
                    _ => &mut hints.abbreviation,
                };
                slot.get_or_insert(text);
            }
            Cap::Caption if self.book.is_some() => {
                let psalm = self.book.is_some_and(|b| b.osis() == "Ps");
                if psalm && !self.verse_seen {
                    c.title(&text);
                } else {
                    c.heading(&text);
                }
            }
            Cap::Note if self.book.is_some() => c.note(&text),
            _ => {}
        }
    }

    fn skipped(self) -> Vec<String> {
        self.skipped
    }
}
