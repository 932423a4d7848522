//! USFX: USFM's markers as XML elements (`<book id="GEN">`, `<c id="1"/>`,
//! `<v id="1"/>`, `<p>`, `<q>`, `<s>`, `<d>`, `<f>`, `<wj>`, ...). Kept and
//! dropped as for USFM.

use abide_scripture::BookId;

use super::collect::Collector;
use super::elements::{Elements, Undo};
use super::xml::{self, Ev};
use super::{Hints, Located, book_from_usfm};

/// What a capture's text becomes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Cap {
    Heading,
    Title,
    Note,
}

/// Reads a USFX document into `c`.
pub(crate) fn read(src: &str, c: &mut Collector) -> Result<Hints, Located> {
    let mut hints = Hints::default();
    let mut book: Option<BookId> = None;
    let mut in_book = false;
    let mut chapter = 0u16;
    let mut seen_root = false;
    let mut elements: Elements<Cap> = Elements::new();
    let mut skipped: Vec<String> = Vec::new();
    xml::walk_document(src, |ev, at| {
        let (t, open) = match ev {
            Ev::Open(t) => (t, true),
            Ev::Empty(t) => (t, false),
            Ev::Close(name) => {
                elements.close(name, c, |cap, text, c| match cap {
                    _ if !in_book => {}
                    Cap::Heading => c.heading(&text),
                    Cap::Title => c.title(&text),
                    Cap::Note => c.note(&text),
                });
                return Ok(());
            }
            Ev::Text(text) => {
                if let Some(text) = elements.text(&text)
                    && in_book
                {
                    c.text(text);
                }
                return Ok(());
            }
        };
        if !seen_root {
            if t.name != "usfx" {
                return Err(format!("expected a <usfx> document, found <{}>", t.name));
            }
            seen_root = true;
            if let Some(lang) = t.attr("lang") {
                hints.language.get_or_insert(lang);
            }
            return Ok(());
        }
        let mut undo = Undo::Nothing;
        match t.name {
            "languageCode" => undo = elements.capture(None),
            "book" => {
                let code = t.attr("id").unwrap_or_default();
                c.end_verse();
                book = book_from_usfm(&code);
                in_book = book.is_some();
                chapter = 0;
                if book.is_none() && !code.is_empty() && !skipped.contains(&code) {
                    skipped.push(code);
                }
            }
            "c" => {
                let id = t.attr("id").unwrap_or_default();
                chapter = id
                    .trim()
                    .parse::<u16>()
                    .ok()
                    .filter(|n| (1..=999).contains(n))
                    .ok_or_else(|| format!("expected a chapter number in <c id>, found {id:?}"))?;
                c.end_verse();
            }
            "v" => {
                let id = t.attr("id").unwrap_or_default();
                let digits: String = id.trim().chars().take_while(char::is_ascii_digit).collect();
                let verse = digits
                    .parse::<u16>()
                    .ok()
                    .filter(|n| (1..=999).contains(n))
                    .ok_or_else(|| format!("expected a verse number in <v id>, found {id:?}"))?;
                if chapter == 0 {
                    return Err("expected <c> before the first <v>".into());
                }
                if let (Some(b), true) = (book, in_book) {
                    c.start_verse(b, chapter, verse, at)
                        .map_err(|d| d.message(&format!("{} {chapter}:{verse}", b.osis())))?;
                }
            }
            "ve" => c.end_verse(),
            "p" | "m" | "li" | "pi" | "mi" | "pc" | "pr" | "cls" | "tr" if in_book => {
                c.paragraph();
            }
            "q" | "qc" | "qr" | "qm" | "b" if in_book => c.line_break(),
            "s" | "ms" | "qa" => undo = elements.capture(Some(Cap::Heading)),
            "d" => {
                let cap = if book.is_some_and(|b| b.osis() == "Ps") {
                    Cap::Title
                } else {
                    Cap::Heading
                };
                undo = elements.capture(Some(cap));
            }
            "f" | "fe" | "ef" => undo = elements.capture(Some(Cap::Note)),
            "x" | "ex" => undo = elements.cross_reference(),
            "fr" | "fig" | "id" | "ide" | "h" | "toc" | "rem" | "mt" | "mt1" | "mt2" | "cl"
            | "cp" | "va" | "vp" | "ca" | "sp" | "r" | "mr" | "ip" | "is" | "io" | "imt"
            | "iot" | "rq" | "periph" => undo = elements.capture(None),
            "wj" => {
                c.red(true);
                undo = Undo::Red;
            }
            _ => {}
        }
        elements.opened(t.name.to_owned(), undo, !open, c);
        Ok(())
    })
    .map_err(|(at, message)| Located { at, message })?;
    c.end_verse();
    if !seen_root {
        return Err(Located {
            at: 0,
            message: "expected a <usfx> document".into(),
        });
    }
    hints.left_out_books(skipped);
    Ok(hints)
}
