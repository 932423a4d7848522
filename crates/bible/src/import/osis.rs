//! OSIS XML: whole documents, and the per-verse OSIS fragments of SWORD
//! modules.
//!
//! Verses are `<verse osisID>` containers or `sID`/`eID` milestones; books
//! are `<div type="book" osisID>`. Kept: `<title>` (psalm titles by
//! `type="psalm"`, other titles as section headings; book, chapter and
//! introduction titles are not verse material), paragraphs (`<p>`, paragraph
//! `<div>`s), poetry (`<l>`, `<lg>`, `<lb/>` as line breaks), words of Jesus
//! (`<q who="Jesus">`, container or milestone), footnotes (`<note>`, without
//! their `annotateRef` label; cross-reference notes are dropped). Left out:
//! `<speaker>`, `<figure>`, `<index>`, alternative readings outside notes,
//! introductions and the header (whose title, language and rights become the
//! translation's metadata).

use std::collections::HashSet;

use abide_scripture::BookId;

use super::collect::Collector;
use super::xml::{self, Ev, Tag};
use super::{Hints, Located};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cap {
    Psalm,
    Heading,
    Note,
    Skip,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Undo {
    Nothing,
    Capture,
    Red,
    Intro,
    Header,
    VerseEnd,
    Break,
}

/// The OSIS reader's state; [`Osis::event`] takes one XML event.
pub(crate) struct Osis<'c> {
    pub(crate) c: &'c mut Collector,
    pub(crate) hints: Hints,
    /// Open elements and what closing them undoes.
    stack: Vec<(String, Undo)>,
    caps: Vec<(Cap, String)>,
    red_sids: HashSet<String>,
    intro_sids: HashSet<String>,
    intro: usize,
    header: usize,
    header_field: Option<&'static str>,
    /// In a SWORD fragment the verse is given from outside.
    fragment: bool,
    skipped: Vec<String>,
    book_skipped: bool,
}

fn osis_verse(id: &str) -> Result<Option<(BookId, u16, u16)>, String> {
    let first = id.split_whitespace().next().unwrap_or("");
    let first = first.rsplit(':').next().unwrap_or(first);
    let first = first.split('!').next().unwrap_or(first);
    let bad = || format!("expected an OSIS verse id like John.3.16, found {id:?}");
    let mut parts = first.split('.');
    let (Some(book), Some(c), Some(v), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad());
    };
    let number = |s: &str, min: u16| -> Result<u16, String> {
        s.parse::<u16>()
            .ok()
            .filter(|n| (min..=999).contains(n))
            .ok_or_else(bad)
    };
    let (c, v) = (number(c, 1)?, number(v, 0)?);
    Ok(BookId::from_osis(book).map(|b| (b, c, v)))
}

impl<'c> Osis<'c> {
    pub(crate) fn new(c: &'c mut Collector, fragment: bool) -> Self {
        Self {
            c,
            hints: Hints::default(),
            stack: Vec::new(),
            caps: Vec::new(),
            red_sids: HashSet::new(),
            intro_sids: HashSet::new(),
            intro: 0,
            header: 0,
            header_field: None,
            fragment,
            skipped: Vec::new(),
            book_skipped: false,
        }
    }

    /// Books the source has that the canon does not (their text is left out).
    pub(crate) fn skipped_books(&self) -> &[String] {
        &self.skipped
    }

    /// Marks the start of an introduction in a SWORD fragment (chapter 0).
    pub(crate) fn set_intro(&mut self, on: bool) {
        self.intro = usize::from(on);
    }

    fn capture(&mut self, name: &str, cap: Cap, empty: bool) {
        if !empty {
            self.caps.push((cap, String::new()));
            self.stack.push((name.to_owned(), Undo::Capture));
        }
    }

    fn open(&mut self, tag: &Tag<'_, '_>, empty: bool, at: usize) -> Result<(), String> {
        let name = tag.name;
        let in_note = self.caps.iter().any(|(c, _)| *c == Cap::Note);
        let mut undo = Undo::Nothing;
        match name {
            "header" if !empty => {
                self.header += 1;
                undo = Undo::Header;
            }
            _ if self.header > 0 => {
                self.header_field = match name {
                    "title" => Some("title"),
                    "language" => Some("language"),
                    "rights" => Some("rights"),
                    "identifier" => Some("identifier"),
                    _ => None,
                };
            }
            "osisText" => {
                if let Some(work) = tag.attr("osisIDWork") {
                    self.hints.abbreviation.get_or_insert(work);
                }
                if let Some(lang) = tag.attr("lang") {
                    self.hints.language.get_or_insert(lang);
                }
            }
            "verse" if !self.fragment => {
                if tag.attr("eID").is_some() {
                    self.c.end_verse();
                } else if let Some(id) = tag.attr("osisID") {
                    match osis_verse(&id)? {
                        Some((book, chapter, verse)) if !self.book_skipped => {
                            self.c
                                .start_verse(book, chapter, verse, at)
                                .map_err(|d| d.message(&id))?;
                            if !empty {
                                undo = Undo::VerseEnd;
                            }
                        }
                        Some(_) => self.c.end_verse(),
                        None => {
                            self.c.end_verse();
                            self.skip_book(id.split('.').next().unwrap_or(""));
                        }
                    }
                } else if tag.attr("sID").is_some() || !empty {
                    return Err("a <verse> without osisID".into());
                }
            }
            "div" => {
                let kind = tag.attr("type").unwrap_or_default();
                let end = tag.attr("eID");
                match kind.as_str() {
                    "book" if !self.fragment && end.is_none() => {
                        let id = tag.attr("osisID").unwrap_or_default();
                        self.c.end_verse();
                        self.book_skipped = BookId::from_osis(&id).is_none();
                        if self.book_skipped {
                            self.skip_book(&id);
                        }
                    }
                    "paragraph" | "x-p" if end.is_none() => self.c.paragraph(),
                    "introduction" | "front" | "back" | "preface" | "titlePage" | "colophon"
                    | "glossary" | "x-introduction" => {
                        if let Some(e) = end {
                            if self.intro_sids.remove(&e) {
                                self.intro = self.intro.saturating_sub(1);
                            }
                        } else if let Some(s) = tag.attr("sID") {
                            self.intro_sids.insert(s);
                            self.intro += 1;
                        } else if !empty {
                            self.intro += 1;
                            undo = Undo::Intro;
                        }
                    }
                    _ => {}
                }
            }
            "p" if tag.attr("eID").is_none() => self.c.paragraph(),
            "lg" | "l" | "lb" | "item" => {
                if tag.attr("eID").is_none() {
                    self.c.line_break();
                }
                if name == "lg" && !empty {
                    undo = Undo::Break;
                }
            }
            "title" => {
                let kind = tag.attr("type").unwrap_or_default();
                let cap = match kind.as_str() {
                    "psalm" => Cap::Psalm,
                    "main" | "chapter" | "x-introduction" | "runningHead" | "x-chapterLabel"
                    | "continued" | "scope" => Cap::Skip,
                    _ if tag.attr("level").as_deref() == Some("1") && !self.c.in_verse() => {
                        Cap::Skip
                    }
                    _ => Cap::Heading,
                };
                self.capture(name, cap, empty);
                return Ok(());
            }
            "note" => {
                let kind = tag.attr("type").unwrap_or_default();
                let cap = if kind == "crossReference" || kind == "x-strongsMarkup" {
                    Cap::Skip
                } else {
                    Cap::Note
                };
                self.capture(name, cap, empty);
                return Ok(());
            }
            "reference" if in_note => {
                let kind = tag.attr("type").unwrap_or_default();
                if kind == "annotateRef" || kind == "source" {
                    self.capture(name, Cap::Skip, empty);
                    return Ok(());
                }
            }
            "rdg" if !in_note => {
                self.capture(name, Cap::Skip, empty);
                return Ok(());
            }
            "speaker" | "figure" | "index" | "caption" => {
                self.capture(name, Cap::Skip, empty);
                return Ok(());
            }
            "q" => {
                let jesus = tag
                    .attr("who")
                    .is_some_and(|w| w.eq_ignore_ascii_case("jesus"));
                if let Some(e) = tag.attr("eID") {
                    if self.red_sids.remove(&e) {
                        self.c.red(false);
                    }
                } else if jesus {
                    self.c.red(true);
                    if empty {
                        self.red_sids
                            .insert(tag.attr("sID").unwrap_or_else(|| format!("@{at}")));
                    } else {
                        undo = Undo::Red;
                    }
                }
            }
            _ => {}
        }
        if !empty {
            self.stack.push((name.to_owned(), undo));
        }
        Ok(())
    }

    fn skip_book(&mut self, id: &str) {
        if !id.is_empty() && !self.skipped.iter().any(|s| s == id) {
            self.skipped.push(id.to_owned());
        }
    }

    fn close(&mut self, name: &str) {
        self.header_field = None;
        let Some(i) = self.stack.iter().rposition(|(n, _)| n == name) else {
            return; // an end without a start: fragments have them
        };
        let undone: Vec<(String, Undo)> = self.stack.drain(i..).collect();
        for (element, undo) in undone.into_iter().rev() {
            match undo {
                Undo::Nothing => {}
                Undo::Capture => {
                    if let Some((cap, text)) = self.caps.pop() {
                        if element == "note" && cap == Cap::Skip {
                            self.c.gap();
                        }
                        let wanted = self.intro == 0 && self.header == 0 && !self.book_skipped;
                        match cap {
                            Cap::Psalm if wanted => self.c.title(&text),
                            Cap::Heading if wanted => self.c.heading(&text),
                            Cap::Note if wanted => self.c.note(&text),
                            _ => {}
                        }
                    }
                }
                Undo::Red => self.c.red(false),
                Undo::Intro => self.intro = self.intro.saturating_sub(1),
                Undo::Header => self.header = self.header.saturating_sub(1),
                Undo::VerseEnd => self.c.end_verse(),
                Undo::Break => self.c.line_break(),
            }
        }
    }

    fn text(&mut self, s: &str) {
        if self.header > 0 {
            if let Some(field) = self.header_field {
                let value = s.trim().to_owned();
                if !value.is_empty() {
                    let slot = match field {
                        "title" => &mut self.hints.name,
                        "language" => &mut self.hints.language,
                        "rights" => &mut self.hints.rights,
                        _ => &mut self.hints.identifier,
                    };
                    slot.get_or_insert(value);
                }
            }
            return;
        }
        if !self.caps.is_empty() {
            let skipping = self.caps.iter().any(|(c, _)| *c == Cap::Skip);
            if let Some((_, buf)) = self.caps.last_mut().filter(|_| !skipping) {
                buf.push_str(s);
            }
            return;
        }
        if self.intro > 0 || self.book_skipped {
            return;
        }
        self.c.text(s);
    }

    /// Takes one XML event.
    pub(crate) fn event(&mut self, ev: Ev<'_, '_>, at: usize) -> Result<(), String> {
        match ev {
            Ev::Open(tag) => self.open(&tag, false, at),
            Ev::Empty(tag) => self.open(&tag, true, at),
            Ev::Close(name) => {
                self.close(name);
                Ok(())
            }
            Ev::Text(t) => {
                self.text(&t);
                Ok(())
            }
        }
    }

    /// Ends a SWORD fragment: closes what it left open.
    pub(crate) fn end_fragment(&mut self) {
        while let Some((name, _)) = self.stack.last().cloned() {
            self.close(&name);
        }
        self.caps.clear();
    }
}

/// Reads a whole OSIS document into `c`.
pub(crate) fn read(src: &str, c: &mut Collector) -> Result<Hints, Located> {
    let mut osis = Osis::new(c, false);
    let mut seen_osis = false;
    xml::walk_document(src, |ev, at| {
        if let Ev::Open(t) | Ev::Empty(t) = &ev {
            if t.name == "osis" || t.name == "osisText" {
                seen_osis = true;
            } else if !seen_osis {
                return Err(format!("expected an <osis> document, found <{}>", t.name));
            }
        }
        osis.event(ev, at)
    })
    .map_err(|(at, message)| Located { at, message })?;
    osis.c.end_verse();
    let mut hints = std::mem::take(&mut osis.hints);
    hints.left_out_books(osis.skipped_books());
    if !seen_osis {
        return Err(Located {
            at: 0,
            message: "expected an <osis> document".into(),
        });
    }
    Ok(hints)
}
