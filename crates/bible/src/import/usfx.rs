//! USFX: USFM's markers as XML elements (`<book id="GEN">`, `<c id="1"/>`,
//! `<v id="1"/>`, `<p>`, `<q>`, `<s>`, `<d>`, `<f>`, `<wj>`, ...). Kept and
//! dropped as for USFM.

use abide_scripture::BookId;

use super::collect::{self, Collector};
use super::elements::{Elements, Undo, XmlBible, read_document};
use super::xml::Tag;
use super::{Hints, Located, book_from_usfm};

/// What a capture's text becomes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Cap {
    Heading,
    Title,
    Note,
}

/// Where the reader is.
#[derive(Default)]
struct Usfx {
    book: Option<BookId>,
    chapter: u16,
    skipped: Vec<String>,
}

/// Reads a USFX document into `c`.
pub(crate) fn read(src: &str, c: &mut Collector) -> Result<Hints, Located> {
    read_document(src, c, Usfx::default())
}

impl XmlBible for Usfx {
    type Cap = Cap;
    const ROOT: &'static str = "usfx";
    const DOCUMENT: &'static str = "a <usfx> document";

    fn root(&mut self, tag: &Tag<'_, '_>, hints: &mut Hints) {
        if let Some(lang) = tag.attr("lang") {
            hints.language.get_or_insert(lang);
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
        let in_book = self.in_text();
        let undo = match name {
            "languageCode" => elements.capture(None),
            "book" => {
                let code = t.attr("id").unwrap_or_default();
                c.end_verse();
                self.book = book_from_usfm(&code);
                self.chapter = 0;
                if self.book.is_none() && !code.is_empty() && !self.skipped.contains(&code) {
                    self.skipped.push(code);
                }
                Undo::Nothing
            }
            "c" => {
                let id = t.attr("id").unwrap_or_default();
                self.chapter = collect::number(&id)
                    .ok_or_else(|| format!("expected a chapter number in <c id>, found {id:?}"))?;
                c.end_verse();
                Undo::Nothing
            }
            "v" => {
                let id = t.attr("id").unwrap_or_default();
                let digits: String = id.trim().chars().take_while(char::is_ascii_digit).collect();
                let verse = collect::number(&digits)
                    .ok_or_else(|| format!("expected a verse number in <v id>, found {id:?}"))?;
                if self.chapter == 0 {
                    return Err("expected <c> before the first <v>".into());
                }
                if let Some(b) = self.book {
                    let chapter = self.chapter;
                    c.start_verse(b, chapter, verse, at)
                        .map_err(|d| d.message(&format!("{} {chapter}:{verse}", b.osis())))?;
                }
                Undo::Nothing
            }
            "ve" => {
                c.end_verse();
                Undo::Nothing
            }
            "p" | "m" | "li" | "pi" | "mi" | "pc" | "pr" | "cls" | "tr" if in_book => {
                c.paragraph();
                Undo::Nothing
            }
            "q" | "qc" | "qr" | "qm" | "b" if in_book => {
                c.line_break();
                Undo::Nothing
            }
            "s" | "ms" | "qa" => elements.capture(Some(Cap::Heading)),
            "d" if self.book.is_some_and(|b| b.osis() == "Ps") => {
                elements.capture(Some(Cap::Title))
            }
            "d" => elements.capture(Some(Cap::Heading)),
            "f" | "fe" | "ef" => elements.capture(Some(Cap::Note)),
            "x" | "ex" => elements.cross_reference(),
            "fr" | "fig" | "id" | "ide" | "h" | "toc" | "rem" | "mt" | "mt1" | "mt2" | "cl"
            | "cp" | "va" | "vp" | "ca" | "sp" | "r" | "mr" | "ip" | "is" | "io" | "imt"
            | "iot" | "rq" | "periph" => elements.capture(None),
            "wj" => {
                c.red(true);
                Undo::Red
            }
            _ => Undo::Nothing,
        };
        Ok(undo)
    }

    fn in_text(&self) -> bool {
        self.book.is_some()
    }

    fn captured(&mut self, cap: Cap, text: String, c: &mut Collector, _: &mut Hints) {
        match cap {
            _ if !self.in_text() => {}
            Cap::Heading => c.heading(&text),
            Cap::Title => c.title(&text),
            Cap::Note => c.note(&text),
        }
    }

    fn skipped(self) -> Vec<String> {
        self.skipped
    }
}
