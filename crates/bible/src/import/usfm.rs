//! USFM: one file per book (`\id GEN`), alone, in a folder or in a zip
//! (read by `zip.rs`).
//!
//! Kept: `\c`, `\v`, paragraphs (`\p`, `\m`, `\pi`, `\li`, ...), poetry lines
//! (`\q1`..., `\b`), section headings (`\s1`..., `\ms`, `\qa`), psalm titles
//! (`\d`), words of Jesus (`\wj ...\wj*`), footnotes (`\f ...\f*`, without
//! their `\fr` reference). Dropped: cross references (`\x`), figures,
//! introductions, running heads, book titles, alternate and published
//! numbers, word attributes (`\w grace|strong="G5485"\w*` keeps `grace`).

use std::io::{Read, Seek};
use std::path::{Path, PathBuf};

use abide_scripture::BookId;

use super::collect::Collector;
use super::zip;
use super::{Hints, ImportError, Located, book_from_usfm, decode_utf8};

/// Where the reader is; kept across the lines of one file.
#[derive(Default)]
pub(crate) struct State {
    book: Option<BookId>,
    known_book: bool,
    chapter: u16,
    /// A heading or title being read, until the end of its line.
    line_cap: Option<(LineCap, String)>,
    /// Skip text until the end of the line (`\id`, `\h`, `\rem`, ...).
    skip_line: bool,
    /// Inside a footnote: its text, and whether a `\fr` label is being skipped.
    note: Option<(String, bool, usize)>,
    /// Inside `\x ...\x*`, `\fig ...\fig*`, `\va ...\va*` etc.: the end marker.
    skip_until: Option<&'static str>,
    /// Inside `\w ...\w*` after its `|`.
    in_attrs: bool,
    skipped: Vec<String>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum LineCap {
    Heading,
    Title,
}

/// Markers whose line is not verse material.
const SKIP_LINE: &[&str] = &[
    "ide", "h", "h1", "h2", "h3", "toc1", "toc2", "toc3", "toca1", "toca2", "toca3", "rem", "sts",
    "usfm", "restore", "cl", "cp", "cd", "mt", "mt1", "mt2", "mt3", "mt4", "mte", "mte1", "mte2",
    "imt", "imt1", "imt2", "imt3", "is", "is1", "is2", "ip", "ipi", "im", "imi", "ipq", "imq",
    "ipr", "iq", "iq1", "iq2", "iq3", "ib", "ili", "ili1", "ili2", "io", "io1", "io2", "io3",
    "iot", "ior", "iex", "imte", "ie", "mr", "sr", "r", "sp", "periph", "sd", "sd1", "sd2",
];
const HEADING: &[&str] = &["s", "s1", "s2", "s3", "s4", "ms", "ms1", "ms2", "ms3", "qa"];
const PARAGRAPH: &[&str] = &[
    "p", "m", "po", "pr", "cls", "pmo", "pm", "pmc", "pmr", "pi", "pi1", "pi2", "pi3", "mi", "pc",
    "ph", "ph1", "ph2", "ph3", "lit", "li", "li1", "li2", "li3", "li4", "lh", "lf", "tr",
];
const LINE: &[&str] = &[
    "q", "q1", "q2", "q3", "q4", "qr", "qc", "qm", "qm1", "qm2", "qm3", "b", "qd", "lim", "lim1",
    "lim2",
];

impl State {
    fn flush_line(&mut self, c: &mut Collector) {
        if let Some((cap, text)) = self.line_cap.take() {
            if !self.known_book {
                return;
            }
            match cap {
                LineCap::Title => c.title(&text),
                LineCap::Heading => c.heading(&text),
            }
        }
        self.skip_line = false;
    }

    fn text(&mut self, s: &str, c: &mut Collector) {
        let s = if self.in_attrs {
            ""
        } else if let Some(bar) = s.find('|') {
            self.in_attrs = true;
            &s[..bar]
        } else {
            s
        };
        if s.is_empty() || self.skip_until.is_some() || self.skip_line {
            return;
        }
        if let Some((text, skipping, _)) = &mut self.note {
            if !*skipping {
                text.push_str(s);
            }
            return;
        }
        if let Some((_, text)) = &mut self.line_cap {
            text.push_str(s);
            return;
        }
        if self.known_book {
            c.text(s);
        }
    }
}

fn number(s: &str) -> Option<u16> {
    let digits: &str = &s[..s.bytes().take_while(u8::is_ascii_digit).count()];
    digits.parse().ok()
}

/// Reads one USFM file into `c`.
pub(crate) fn read(src: &str, c: &mut Collector, st: &mut State) -> Result<Hints, Located> {
    let bytes = src.as_bytes();
    let mut i = 0;
    let mut seen_id = false;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'\n' {
            st.flush_line(c);
            st.text(" ", c);
            i += 1;
            continue;
        }
        if b != b'\\' {
            let end = memchr::memchr2(b'\\', b'\n', &bytes[i..]).map_or(bytes.len(), |n| i + n);
            st.text(&src[i..end], c);
            i = end;
            continue;
        }
        // A marker: \name, \name*, \+name.
        let at = i;
        let mut j = i + 1;
        while j < bytes.len()
            && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'+' || bytes[j] == b'-')
        {
            j += 1;
        }
        let raw = &src[i + 1..j];
        let is_end = bytes.get(j) == Some(&b'*');
        // `*` ends a closing marker; one space or tab ends an opening one.
        if is_end || bytes.get(j).is_some_and(|b| *b == b' ' || *b == b'\t') {
            j += 1;
        }
        i = j;
        let name = raw.trim_start_matches('+');
        if name.is_empty() {
            if is_end {
                continue; // `\*` closes a milestone
            }
            return Err(Located {
                at,
                message: "expected a marker name after \\".into(),
            });
        }
        // The argument of \id, \c, \v: the next word.
        let word = |from: usize| -> (&str, usize) {
            let rest = &src[from..];
            let start = rest.len() - rest.trim_start_matches([' ', '\t']).len();
            let len = rest[start..]
                .find(|ch: char| ch.is_whitespace() || ch == '\\')
                .unwrap_or(rest.len() - start);
            (&rest[start..start + len], from + start + len)
        };
        if let Some(end) = st.skip_until {
            if is_end && name == end {
                st.skip_until = None;
                if matches!(end, "x" | "ex") {
                    c.gap();
                }
            }
            continue;
        }
        if is_end {
            match name {
                "f" | "fe" | "ef" => {
                    if let Some((text, _, _)) = st.note.take()
                        && st.known_book
                    {
                        c.note(&text);
                    }
                }
                "wj" => c.red(false),
                "w" | "rb" | "jmp" => st.in_attrs = false,
                _ => {}
            }
            continue;
        }
        st.in_attrs = false;
        match name {
            "id" => {
                let (code, next) = word(i);
                let Some(book) = book_from_usfm(code) else {
                    // Front matter, glossaries and books outside the canon.
                    if !code.is_empty()
                        && ![
                            "FRT", "BAK", "OTH", "INT", "CNC", "GLO", "TDX", "NDX", "XXA",
                        ]
                        .contains(&code.to_ascii_uppercase().as_str())
                        && !st.skipped.iter().any(|s| s == code)
                    {
                        st.skipped.push(code.to_owned());
                    }
                    c.end_verse();
                    st.book = None;
                    st.known_book = false;
                    st.skip_line = true;
                    seen_id = true;
                    i = next;
                    continue;
                };
                c.end_verse();
                st.book = Some(book);
                st.known_book = true;
                st.chapter = 0;
                st.skip_line = true;
                seen_id = true;
                i = next;
            }
            "c" => {
                let (n, next) = word(i);
                if !seen_id {
                    return Err(Located {
                        at,
                        message: "expected \\id BOOK before the first \\c".into(),
                    });
                }
                if st.note.is_some() {
                    return Err(Located {
                        at,
                        message: "footnote not closed: expected \\f* before \\c".into(),
                    });
                }
                st.chapter =
                    number(n)
                        .filter(|n| (1..=999).contains(n))
                        .ok_or_else(|| Located {
                            at,
                            message: format!("expected a chapter number after \\c, found {n:?}"),
                        })?;
                st.flush_line(c);
                c.end_verse();
                i = next;
            }
            "v" => {
                let (n, next) = word(i);
                if st.note.is_some() {
                    return Err(Located {
                        at,
                        message: "footnote not closed: expected \\f* before \\v".into(),
                    });
                }
                st.flush_line(c);
                let verse = number(n)
                    .filter(|n| (1..=999).contains(n))
                    .ok_or_else(|| Located {
                        at,
                        message: format!("expected a verse number after \\v, found {n:?}"),
                    })?;
                if st.chapter == 0 {
                    return Err(Located {
                        at,
                        message: "expected \\c before the first \\v".into(),
                    });
                }
                if let (Some(book), true) = (st.book, st.known_book) {
                    c.start_verse(book, st.chapter, verse, at)
                        .map_err(|d| Located {
                            at,
                            message: d.message(&format!("{} {}:{verse}", book.osis(), st.chapter)),
                        })?;
                    // `\v 1-2`: the verses after the first are joined to it.
                }
                i = next;
            }
            "f" | "fe" | "ef" => {
                // The caller (`+`, `-` or a letter) is not text.
                let (_, next) = word(i);
                st.note = Some((String::new(), false, at));
                i = next;
            }
            "fr" | "xo" => {
                if let Some(note) = &mut st.note {
                    note.1 = true;
                }
            }
            "ft" | "fq" | "fqa" | "fk" | "fl" | "fw" | "fp" | "fv" | "fdc" | "fm" => {
                if let Some(note) = &mut st.note {
                    note.1 = false;
                    if !note.0.is_empty() {
                        note.0.push(' ');
                    }
                }
            }
            "x" | "ex" => st.skip_until = Some(if name == "x" { "x" } else { "ex" }),
            "fig" => st.skip_until = Some("fig"),
            "va" => st.skip_until = Some("va"),
            "vp" => st.skip_until = Some("vp"),
            "ca" => st.skip_until = Some("ca"),
            "rq" => st.skip_until = Some("rq"),
            "wj" => c.red(true),
            "d" => {
                st.flush_line(c);
                let cap = if st.book.is_some_and(|b| b.osis() == "Ps") {
                    LineCap::Title
                } else {
                    LineCap::Heading
                };
                st.line_cap = Some((cap, String::new()));
            }
            n if HEADING.contains(&n) => {
                st.flush_line(c);
                st.line_cap = Some((LineCap::Heading, String::new()));
            }
            n if SKIP_LINE.contains(&n) => {
                st.flush_line(c);
                st.skip_line = true;
            }
            n if PARAGRAPH.contains(&n) => {
                st.flush_line(c);
                if st.note.is_none() && st.known_book {
                    c.paragraph();
                }
            }
            n if LINE.contains(&n) => {
                st.flush_line(c);
                if st.note.is_none() && st.known_book {
                    c.line_break();
                }
            }
            _ => {} // character styles (\add, \nd, \qs, \w, ...): their text stays
        }
    }
    st.flush_line(c);
    if let Some((_, _, at)) = st.note {
        return Err(Located {
            at,
            message: "footnote not closed: expected \\f* before the end of the file".into(),
        });
    }
    c.end_verse();
    if !seen_id {
        return Err(Located {
            at: 0,
            message: "expected \\id BOOK at the start of a USFM file".into(),
        });
    }
    let mut hints = Hints::default();
    hints.left_out_books(&st.skipped);
    Ok(hints)
}

fn is_usfm_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".usfm", ".sfm", ".ptx", ".usfm.txt"]
        .iter()
        .any(|e| lower.ends_with(e))
}

/// Reads every USFM file of a folder, in name order.
pub(crate) fn read_folder(path: &Path, c: &mut Collector) -> Result<Hints, ImportError> {
    let io = |p: &Path| {
        let p = p.to_owned();
        move |source| ImportError::Io { path: p, source }
    };
    let mut names: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(io(path))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_file()
                && p.file_name()
                    .is_some_and(|n| is_usfm_name(&n.to_string_lossy()))
        })
        .collect();
    names.sort();
    let mut files = Vec::with_capacity(names.len());
    for name in names {
        let bytes = std::fs::read(&name).map_err(io(&name))?;
        files.push((name, bytes));
    }
    read_all(files, c)
}

/// Reads every USFM file of a zip archive, in name order; `origin` names the
/// archive in messages.
pub(crate) fn read_zip(
    archive: impl Read + Seek,
    origin: &Path,
    c: &mut Collector,
) -> Result<Hints, ImportError> {
    let mut files = zip::files(archive, is_usfm_name, zip::Limits::DEFAULT).map_err(|message| {
        ImportError::Archive {
            path: origin.to_owned(),
            message,
        }
    })?;
    files.sort_by(|a, b| a.0.cmp(&b.0));
    read_all(
        files
            .into_iter()
            .map(|(name, data)| (origin.join(name), data)),
        c,
    )
}

fn read_all(
    files: impl IntoIterator<Item = (PathBuf, Vec<u8>)>,
    c: &mut Collector,
) -> Result<Hints, ImportError> {
    let mut hints = Hints::default();
    for (name, bytes) in files {
        let src = decode_utf8(&name, bytes)?;
        let h = read(&src, c, &mut State::default()).map_err(|e| e.into_error(&name, &src))?;
        hints.notes.extend(h.notes);
    }
    Ok(hints)
}
