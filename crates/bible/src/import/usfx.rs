//! USFX: USFM's markers as XML elements (`<book id="GEN">`, `<c id="1"/>`,
//! `<v id="1"/>`, `<p>`, `<q>`, `<s>`, `<d>`, `<f>`, `<wj>`, ...). Kept and
//! dropped as for USFM.

use abide_scripture::BookId;

use super::collect::Collector;
use super::xml::{self, Ev};
use super::{Hints, Located, book_from_usfm};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Cap {
    Heading,
    Title,
    Note,
    Skip,
}

/// Reads a USFX document into `c`.
pub(crate) fn read(src: &str, c: &mut Collector) -> Result<Hints, Located> {
    let mut hints = Hints::default();
    let mut book: Option<BookId> = None;
    let mut in_book = false;
    let mut chapter = 0u16;
    let mut seen_root = false;
    // Open elements: name and whether closing it ends a capture / red.
    let mut stack: Vec<(String, u8)> = Vec::new();
    let mut caps: Vec<(Cap, String)> = Vec::new();
    let mut skipped: Vec<String> = Vec::new();
    xml::walk_document(src, |ev, at| {
        let (t, open) = match ev {
            Ev::Open(t) => (t, true),
            Ev::Empty(t) => (t, false),
            Ev::Close(name) => {
                close(name, &mut stack, &mut caps, c, in_book);
                return Ok(());
            }
            Ev::Text(text) => {
                if caps.iter().any(|(c, _)| *c == Cap::Skip) {
                } else if let Some((_, buf)) = caps.last_mut() {
                    buf.push_str(&text);
                } else if in_book {
                    c.text(&text);
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
        {
            {
                let mut undo = 0;
                match t.name {
                    "languageCode" => {
                        caps.push((Cap::Skip, String::new()));
                        undo = CAPTURE;
                    }
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
                            .ok_or_else(|| {
                                format!("expected a chapter number in <c id>, found {id:?}")
                            })?;
                        c.end_verse();
                    }
                    "v" => {
                        let id = t.attr("id").unwrap_or_default();
                        let digits: String =
                            id.trim().chars().take_while(char::is_ascii_digit).collect();
                        let verse = digits
                            .parse::<u16>()
                            .ok()
                            .filter(|n| (1..=999).contains(n))
                            .ok_or_else(|| {
                                format!("expected a verse number in <v id>, found {id:?}")
                            })?;
                        if chapter == 0 {
                            return Err("expected <c> before the first <v>".into());
                        }
                        if let (Some(b), true) = (book, in_book) {
                            c.start_verse(b, chapter, verse, at).map_err(|d| {
                                d.message(&format!("{} {chapter}:{verse}", b.osis()))
                            })?;
                        }
                    }
                    "ve" => c.end_verse(),
                    "p" | "m" | "li" | "pi" | "mi" | "pc" | "pr" | "cls" | "tr" if in_book => {
                        c.paragraph();
                    }
                    "q" | "qc" | "qr" | "qm" | "b" if in_book => c.line_break(),
                    "s" | "ms" | "qa" => {
                        caps.push((Cap::Heading, String::new()));
                        undo = CAPTURE;
                    }
                    "d" => {
                        let cap = if book.is_some_and(|b| b.osis() == "Ps") {
                            Cap::Title
                        } else {
                            Cap::Heading
                        };
                        caps.push((cap, String::new()));
                        undo = CAPTURE;
                    }
                    "f" | "fe" | "ef" => {
                        caps.push((Cap::Note, String::new()));
                        undo = CAPTURE;
                    }
                    "x" | "ex" => {
                        caps.push((Cap::Skip, String::new()));
                        undo = XREF;
                    }
                    "fr" | "fig" | "id" | "ide" | "h" | "toc" | "rem" | "mt" | "mt1" | "mt2"
                    | "cl" | "cp" | "va" | "vp" | "ca" | "sp" | "r" | "mr" | "ip" | "is" | "io"
                    | "imt" | "iot" | "rq" | "periph" => {
                        caps.push((Cap::Skip, String::new()));
                        undo = CAPTURE;
                    }
                    "wj" => {
                        c.red(true);
                        undo = RED;
                    }
                    _ => {}
                }
                if open {
                    stack.push((t.name.to_owned(), undo));
                } else if undo == CAPTURE || undo == XREF {
                    caps.pop();
                } else if undo == RED {
                    c.red(false);
                }
            }
        }
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

const CAPTURE: u8 = 1;
const RED: u8 = 2;
/// A cross reference: left out, but it stood between two words.
const XREF: u8 = 3;

fn close(
    name: &str,
    stack: &mut Vec<(String, u8)>,
    caps: &mut Vec<(Cap, String)>,
    c: &mut Collector,
    in_book: bool,
) {
    let Some(i) = stack.iter().rposition(|(n, _)| n == name) else {
        return;
    };
    let undone: Vec<u8> = stack.drain(i..).map(|(_, u)| u).collect();
    for undo in undone.into_iter().rev() {
        if undo == RED {
            c.red(false);
        } else if undo == XREF {
            caps.pop();
            c.gap();
        } else if undo == CAPTURE
            && let Some((cap, text)) = caps.pop()
        {
            let outer = !caps.is_empty();
            match cap {
                _ if !in_book || outer => {}
                Cap::Heading => c.heading(&text),
                Cap::Title => c.title(&text),
                Cap::Note => c.note(&text),
                Cap::Skip => {}
            }
        }
    }
}
