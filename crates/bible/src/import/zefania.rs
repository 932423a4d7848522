//! Zefania XML: `<XMLBIBLE>`, `<BIBLEBOOK bnumber>`, `<CHAPTER cnumber>`,
//! `<VERS vnumber>`. Kept: `<CAPTION>` (a section heading; in a psalm before
//! its first verse, the psalm's title), `<NOTE>` (footnote), `<BR/>` (a line
//! break; `art="x-p"` a paragraph), `<STYLE>` whose colour is red (words of
//! Jesus, as Zefania Bibles mark them). Dropped: `<XREF>`, `<REMARK>`,
//! `<PROLOG>`, `<MEDIA>`. `<INFORMATION>` gives the name, language and rights.

use abide_scripture::BookId;

use super::collect::Collector;
use super::xml::{self, Ev};
use super::{Hints, Located};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Cap {
    Caption,
    Note,
    Skip,
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
    let mut stack: Vec<(String, u8)> = Vec::new();
    let mut caps: Vec<(Cap, String)> = Vec::new();
    let mut skipped: Vec<String> = Vec::new();
    const CAPTURE: u8 = 1;
    const RED: u8 = 2;
    const VERSE: u8 = 3;
    const XREF: u8 = 4;
    xml::walk_document(src, |ev, at| {
        let (t, open) = match ev {
            Ev::Open(t) => (t, true),
            Ev::Empty(t) => (t, false),
            Ev::Close(name) => {
                let name = name.to_ascii_uppercase();
                let Some(i) = stack.iter().rposition(|(n, _)| *n == name) else {
                    return Ok(());
                };
                let undone: Vec<u8> = stack.drain(i..).map(|(_, u)| u).collect();
                for undo in undone.into_iter().rev() {
                    match undo {
                        RED => c.red(false),
                        VERSE => c.end_verse(),
                        XREF => {
                            caps.pop();
                            c.gap();
                        }
                        CAPTURE => {
                            let Some((cap, text)) = caps.pop() else {
                                continue;
                            };
                            let text = text.trim().to_owned();
                            match cap {
                                _ if !caps.is_empty() => {}
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
                        }
                        _ => {}
                    }
                }
                return Ok(());
            }
            Ev::Text(text) => {
                if caps.iter().any(|(c, _)| *c == Cap::Skip) {
                } else if let Some((_, buf)) = caps.last_mut() {
                    buf.push_str(&text);
                } else if book.is_some() {
                    c.text(&text);
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
        let in_info = stack.iter().any(|(n, _)| n == "INFORMATION");
        let mut undo = 0;
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
                    caps.push((Cap::Info(f), String::new()));
                    undo = CAPTURE;
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
                    undo = VERSE;
                }
            }
            "CAPTION" => {
                caps.push((Cap::Caption, String::new()));
                undo = CAPTURE;
            }
            "NOTE" => {
                caps.push((Cap::Note, String::new()));
                undo = CAPTURE;
            }
            "XREF" => {
                caps.push((Cap::Skip, String::new()));
                undo = XREF;
            }
            "REMARK" | "PROLOG" | "MEDIA" | "INFORMATION" => {
                caps.push((Cap::Skip, String::new()));
                undo = CAPTURE;
                if name == "INFORMATION" {
                    // Its children are read above; only its own text is skipped.
                    caps.pop();
                    undo = 0;
                }
            }
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
                    undo = RED;
                }
            }
            _ => {}
        }
        if open {
            stack.push((name, undo));
        } else if undo == CAPTURE || undo == XREF {
            caps.pop();
        } else if undo == RED {
            c.red(false);
        } else if undo == VERSE {
            c.end_verse();
        }
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
