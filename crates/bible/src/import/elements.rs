//! The open elements of an XML Bible (USFX, Zefania) and what closing each
//! undoes: text captured for a heading, title or note, words of Jesus, a
//! verse, a cross reference left out.

use super::collect::Collector;

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
    pub(crate) fn new() -> Self {
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
    pub(crate) fn text<'t>(&mut self, text: &'t str) -> Option<&'t str> {
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
    pub(crate) fn opened(&mut self, name: String, undo: Undo, empty: bool, c: &mut Collector) {
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
    pub(crate) fn close(
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
