//! Zefania XML: `<XMLBIBLE>`, `<BIBLEBOOK bnumber>`, `<CHAPTER cnumber>`,
//! `<VERS vnumber>`. Kept: `<CAPTION>` (a section heading; in a psalm before
//! its first verse, the psalm's title), `<NOTE>` (footnote), `<BR/>` (a line
//! break; `art="x-p"` a paragraph), `<STYLE>` whose colour is red (words of
//! Jesus, as Zefania Bibles mark them). Dropped: `<XREF>`, `<REMARK>`,
//! `<PROLOG>`, `<MEDIA>`. `<INFORMATION>` gives the name, language and rights.

use abide_scripture::BookId;

use super::collect::Collector;
use super::elements::{Elements, Undo};
use super::xml::{self, Ev};
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

/// Reads a Zefania document into `c`.
pub(crate) fn read(src: &str, c: &mut Collector) -> Result<Hints, Located> {
    let mut hints = Hints::default();
    let mut seen_root = false;
    let mut book: Option<BookId> = None;
    let mut chapter = 0u16;
    let mut verse_seen = false;
    let mut elements: Elements<Cap> = Elements::new();
    let mut skipped: Vec<String> = Vec::new();
    xml::walk_document(src, |ev, at| {
        let (t, open) = match ev {
            Ev::Open(t) => (t, true),
            Ev::Empty(t) => (t, false),
            Ev::Close(name) => {
                elements.close(&name.to_ascii_uppercase(), c, |cap, text, c| {
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
                        Cap::Caption if book.is_some() => {
                            let psalm = book.is_some_and(|b| b.osis() == "Ps");
                            if psalm && !verse_seen {
                                c.title(&text);
                            } else {
                                c.heading(&text);
                            }
                        }
                        Cap::Note if book.is_some() => c.note(&text),
                        _ => {}
                    }
                });
                return Ok(());
            }
            Ev::Text(text) => {
                if let Some(text) = elements.text(&text)
                    && book.is_some()
                {
                    c.text(text);
                }
                return Ok(());
            }
        };
        let name = t.name.to_ascii_uppercase();
        if !seen_root {
            if name != "XMLBIBLE" {
                return Err(format!(
                    "expected an <XMLBIBLE> document, found <{}>",
                    t.name
                ));
            }
            seen_root = true;
            if let Some(n) = t.attr("biblename") {
                hints.name.get_or_insert(n);
            }
            return Ok(());
        }
        let in_info = elements.is_open("INFORMATION");
        let mut undo = Undo::Nothing;
        match name.as_str() {
            _ if in_info => {
                let field = match name.as_str() {
                    "TITLE" => Some("title"),
                    "LANGUAGE" => Some("language"),
                    "RIGHTS" => Some("rights"),
                    "IDENTIFIER" => Some("identifier"),
                    _ => None,
                };
                if let Some(f) = field {
                    undo = elements.capture(Some(Cap::Info(f)));
                }
            }
            "BIBLEBOOK" => {
                c.end_verse();
                let number = t.attr("bnumber").unwrap_or_default();
                let bname = t.attr("bname").unwrap_or_default();
                let n: u8 = number.trim().parse().map_err(|_| {
                    format!("expected a book number in <BIBLEBOOK bnumber>, found {number:?}")
                })?;
                book = if (1..=66).contains(&n) {
                    BookId::from_number(n)
                } else {
                    BookId::from_name(&bname)
                };
                if book.is_none() {
                    let label = if bname.is_empty() { number } else { bname };
                    if !skipped.contains(&label) {
                        skipped.push(label);
                    }
                }
                chapter = 0;
            }
            "CHAPTER" => {
                c.end_verse();
                let number = t.attr("cnumber").unwrap_or_default();
                chapter = number
                    .trim()
                    .parse::<u16>()
                    .ok()
                    .filter(|n| (1..=999).contains(n))
                    .ok_or_else(|| {
                        format!("expected a chapter number in <CHAPTER cnumber>, found {number:?}")
                    })?;
                verse_seen = false;
            }
            "VERS" => {
                let number = t.attr("vnumber").unwrap_or_default();
                let v = number
                    .trim()
                    .parse::<u16>()
                    .ok()
                    .filter(|n| (1..=999).contains(n))
                    .ok_or_else(|| {
                        format!("expected a verse number in <VERS vnumber>, found {number:?}")
                    })?;
                if chapter == 0 {
                    return Err("expected <CHAPTER> around <VERS>".into());
                }
                if let Some(b) = book {
                    c.start_verse(b, chapter, v, at)
                        .map_err(|d| d.message(&format!("{} {chapter}:{v}", b.osis())))?;
                    verse_seen = true;
                    undo = Undo::Verse;
                }
            }
            "CAPTION" => undo = elements.capture(Some(Cap::Caption)),
            "NOTE" => undo = elements.capture(Some(Cap::Note)),
            "XREF" => undo = elements.cross_reference(),
            "REMARK" | "PROLOG" | "MEDIA" => undo = elements.capture(None),
            // Its children are read above (`in_info`).
            "INFORMATION" => {}
            "BR" => {
                if t.attr("art").is_some_and(|a| a == "x-p") {
                    c.paragraph();
                } else {
                    c.line_break();
                }
            }
            "STYLE" => {
                let css = t.attr("css").unwrap_or_default() + &t.attr("fs").unwrap_or_default();
                if is_red(&css) {
                    c.red(true);
                    undo = Undo::Red;
                }
            }
            _ => {}
        }
        elements.opened(name, undo, !open, c);
        Ok(())
    })
    .map_err(|(at, message)| Located { at, message })?;
    c.end_verse();
    if !seen_root {
        return Err(Located {
            at: 0,
            message: "expected an <XMLBIBLE> document".into(),
        });
    }
    hints.left_out_books(skipped);
    Ok(hints)
}
