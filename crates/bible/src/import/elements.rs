//! Reading an XML Bible whose elements each do one thing (USFX, Zefania):
//! one driver, [`read_document`], walks the document, checks its root and
//! keeps the open elements and what closing each undoes (text captured for a
//! heading, title or note, words of Jesus, a verse, a cross reference left
//! out); a format says only what its elements mean ([`XmlBible`]).

use std::borrow::Cow;

use super::collect::Collector;
use super::xml::{self, Ev, Tag};
use super::{Hints, Located};

/// What a format tells [`read_document`].
pub(crate) trait XmlBible {
    /// What a capture's text becomes.
    type Cap: Copy;
    /// The root element's name, as [`name`](Self::name) gives it.
    const ROOT: &'static str;
    /// The document in messages: "a <usfx> document".
    const DOCUMENT: &'static str;

    /// An element's name as the format compares it.
    fn name<'n>(&self, name: &'n str) -> Cow<'n, str> {
        Cow::Borrowed(name)
    }

    /// The root element: what its attributes say about the source.
    fn root(&mut self, tag: &Tag<'_, '_>, hints: &mut Hints);

    /// An element inside the root starts (`at` is its byte offset); returns
    /// what closing it undoes (from [`Elements::capture`] and the like).
    fn open(
        &mut self,
        tag: &Tag<'_, '_>,
        name: &str,
        at: usize,
        elements: &mut Elements<Self::Cap>,
        c: &mut Collector,
    ) -> Result<Undo, String>;

    /// Whether text outside captures is verse text (inside a known book).
    fn in_text(&self) -> bool;

    /// A capture of kept text, not inside another, ended.
    fn captured(&mut self, cap: Self::Cap, text: String, c: &mut Collector, hints: &mut Hints);

    /// The books of the source that Abide's canon does not have.
    fn skipped(self) -> Vec<String>;
}

/// Reads a whole document of format `R` into `c`.
pub(crate) fn read_document<R: XmlBible>(
    src: &str,
    c: &mut Collector,
    mut reader: R,
) -> Result<Hints, Located> {
    let mut hints = Hints::default();
    let mut elements: Elements<R::Cap> = Elements::new();
    let mut seen_root = false;
    xml::walk_document(src, |ev, at| {
        let (tag, empty) = match ev {
            Ev::Open(tag) => (tag, false),
            Ev::Empty(tag) => (tag, true),
            Ev::Close(name) => {
                elements.close(&reader.name(name), c, |cap, text, c| {
                    reader.captured(cap, text, c, &mut hints);
                });
                return Ok(());
            }
            Ev::Text(text) => {
                if let Some(text) = elements.text(&text)
                    && reader.in_text()
                {
                    c.text(text);
                }
                return Ok(());
            }
        };
        let name = reader.name(tag.name);
        if !seen_root {
            if name != R::ROOT {
                return Err(format!("expected {}, found <{}>", R::DOCUMENT, tag.name));
            }
            seen_root = true;
            reader.root(&tag, &mut hints);
            return Ok(());
        }
        let undo = reader.open(&tag, &name, at, &mut elements, c)?;
        elements.opened(name.into_owned(), undo, empty, c);
        Ok(())
    })
    .map_err(|(at, message)| Located { at, message })?;
    c.end_verse();
    if !seen_root {
        return Err(Located {
            at: 0,
            message: format!("expected {}", R::DOCUMENT),
        });
    }
    hints.left_out_books(reader.skipped());
    Ok(hints)
}

/// What closing an element undoes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Undo {
    Nothing,
    /// Ends a capture: its text goes where the capture says.
    Capture,
    /// Ends words of Jesus.
    Red,
    /// Ends the verse (Zefania's `<VERS>` holds its verse).
    Verse,
    /// Ends a cross reference: left out, but it stood between two words.
    CrossReference,
}

/// Open elements, innermost last, and the text captures among them. A capture
/// is `Some(kind)` for text that is kept (a heading, a note, ...) and `None`
/// for text that is left out.
pub(crate) struct Elements<C> {
    open: Vec<(String, Undo)>,
    captures: Vec<(Option<C>, String)>,
}

impl<C: Copy> Elements<C> {
    fn new() -> Self {
        Self {
            open: Vec::new(),
            captures: Vec::new(),
        }
    }

    /// Starts capturing the element's text as `kind` (`None`: left out).
    pub(crate) fn capture(&mut self, kind: Option<C>) -> Undo {
        self.captures.push((kind, String::new()));
        Undo::Capture
    }

    /// Starts a cross reference, whose text is left out.
    pub(crate) fn cross_reference(&mut self) -> Undo {
        self.captures.push((None, String::new()));
        Undo::CrossReference
    }

    /// Whether an element of this name is open.
    pub(crate) fn is_open(&self, name: &str) -> bool {
        self.open.iter().any(|(n, _)| n == name)
    }

    /// Text: into the innermost capture, or nowhere inside a left-out one;
    /// returned when no capture is open.
    fn text<'t>(&mut self, text: &'t str) -> Option<&'t str> {
        if self.captures.iter().any(|(kind, _)| kind.is_none()) {
            return None;
        }
        match self.captures.last_mut() {
            Some((_, buf)) => {
                buf.push_str(text);
                None
            }
            None => Some(text),
        }
    }

    /// An element was opened with `undo` (from [`capture`](Self::capture)
    /// and the like); an empty one (`<x/>`) is closed at once, and what it
    /// captured, being nothing, is dropped.
    fn opened(&mut self, name: String, undo: Undo, empty: bool, c: &mut Collector) {
        if !empty {
            self.open.push((name, undo));
            return;
        }
        match undo {
            Undo::Capture | Undo::CrossReference => {
                self.captures.pop();
            }
            Undo::Red => c.red(false),
            Undo::Verse => c.end_verse(),
            Undo::Nothing => {}
        }
    }

    /// Closes the innermost open element `name` and those inside it (an end
    /// tag without a start is ignored). Each finished capture of kept text
    /// that is not inside another capture goes to `captured`.
    fn close(
        &mut self,
        name: &str,
        c: &mut Collector,
        mut captured: impl FnMut(C, String, &mut Collector),
    ) {
        let Some(i) = self.open.iter().rposition(|(n, _)| n == name) else {
            return;
        };
        let undone: Vec<Undo> = self.open.drain(i..).map(|(_, u)| u).collect();
        for undo in undone.into_iter().rev() {
            match undo {
                Undo::Nothing => {}
                Undo::Red => c.red(false),
                Undo::Verse => c.end_verse(),
                Undo::CrossReference => {
                    self.captures.pop();
                    c.gap();
                }
                Undo::Capture => {
                    if let Some((Some(kind), text)) = self.captures.pop()
                        && self.captures.is_empty()
                    {
                        captured(kind, text, c);
                    }
                }
            }
        }
    }
}
