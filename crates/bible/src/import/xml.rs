//! A thin layer over quick-xml for the XML importers: local names, attribute
//! values unescaped, entities resolved, byte offsets for messages.

use std::borrow::Cow;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

/// One element start, self-closing or not.
pub(crate) struct Tag<'a, 'e> {
    /// The element's local name (without namespace prefix).
    pub(crate) name: &'a str,
    start: &'a BytesStart<'e>,
}

impl Tag<'_, '_> {
    /// The value of attribute `key` (local name), unescaped.
    pub(crate) fn attr(&self, key: &str) -> Option<String> {
        self.start
            .attributes()
            .with_checks(false)
            .flatten()
            .find_map(|a| {
                let name = a.key.as_ref();
                let local = name.rsplit(':').next().unwrap_or(name);
                (local == key || name == key).then(|| {
                    a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .map(Cow::into_owned)
                        .unwrap_or_else(|_| a.value.clone().into_owned())
                })
            })
    }
}

/// What the walker reports.
pub(crate) enum Ev<'a, 'e> {
    /// `<name ...>`
    Open(Tag<'a, 'e>),
    /// `<name .../>`
    Empty(Tag<'a, 'e>),
    /// `</name>`
    Close(&'a str),
    /// Character data, entities resolved.
    Text(Cow<'a, str>),
}

fn local(name: &str) -> &str {
    name.rsplit(':').next().unwrap_or(name)
}

/// Entities beyond XML's five that Bible files use in practice.
fn entity(name: &str) -> Option<&'static str> {
    Some(match name {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        "nbsp" => "\u{a0}",
        "mdash" => "—",
        "ndash" => "–",
        "lsquo" => "‘",
        "rsquo" => "’",
        "ldquo" => "“",
        "rdquo" => "”",
        "hellip" => "…",
        _ => return None,
    })
}

/// Walks a fragment (a SWORD entry): end tags without a start are allowed,
/// elements may stay open. See [`walk_document`] for whole files.
pub(crate) fn walk(
    src: &str,
    f: impl FnMut(Ev<'_, '_>, usize) -> Result<(), String>,
) -> Result<(), (usize, String)> {
    walk_inner(src, false, f)
}

/// Walks a whole document, calling `f` with each event and its byte offset:
/// end tags must match, attributes must be well-formed, and every element
/// must be closed. Errors carry the byte offset where they happened.
pub(crate) fn walk_document(
    src: &str,
    f: impl FnMut(Ev<'_, '_>, usize) -> Result<(), String>,
) -> Result<(), (usize, String)> {
    walk_inner(src, true, f)
}

fn walk_inner(
    src: &str,
    strict: bool,
    mut f: impl FnMut(Ev<'_, '_>, usize) -> Result<(), String>,
) -> Result<(), (usize, String)> {
    let mut reader = Reader::from_str(src);
    let config = reader.config_mut();
    config.check_end_names = strict;
    config.allow_unmatched_ends = !strict;
    config.expand_empty_elements = false;
    // Open elements (strict only): name and where it started.
    let mut open: Vec<(String, usize)> = Vec::new();
    loop {
        let at = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let event = reader.read_event().map_err(|e| {
            (
                usize::try_from(reader.error_position()).unwrap_or(at),
                format!("not well-formed XML: {e}"),
            )
        })?;
        if strict {
            match &event {
                Event::Start(el) | Event::Empty(el) => {
                    if let Some(Err(err)) = el.attributes().with_checks(true).find(Result::is_err) {
                        return Err((at, format!("bad attribute in <{}>: {err}", el.name().0)));
                    }
                    if let Event::Start(s) = &event {
                        open.push((s.name().0.to_owned(), at));
                    }
                }
                Event::End(_) => {
                    open.pop();
                }
                Event::Eof => {
                    if let Some((name, start)) = open.pop() {
                        return Err((
                            start,
                            format!("<{name}> is not closed before the end of the file"),
                        ));
                    }
                }
                _ => {}
            }
        }
        let result = match &event {
            Event::Start(e) => {
                let name = local(e.name().0);
                f(Ev::Open(Tag { name, start: e }), at)
            }
            Event::Empty(e) => {
                let name = local(e.name().0);
                f(Ev::Empty(Tag { name, start: e }), at)
            }
            Event::End(e) => f(Ev::Close(local(e.name().0)), at),
            Event::Text(t) => f(Ev::Text(t.xml10_content()), at),
            Event::CData(t) => f(Ev::Text(Cow::Owned(AsRef::<str>::as_ref(t).to_owned())), at),
            Event::GeneralRef(r) => match r.resolve_char_ref() {
                Ok(Some(c)) => f(Ev::Text(Cow::Owned(c.to_string())), at),
                Ok(None) => match entity(r.as_ref()) {
                    Some(s) => f(Ev::Text(Cow::Borrowed(s)), at),
                    None => Err(format!(
                        "unknown entity &{}; (use a character reference such as &#160;)",
                        r.as_ref() as &str
                    )),
                },
                Err(e) => Err(format!(
                    "bad character reference &{};: {e}",
                    r.as_ref() as &str
                )),
            },
            Event::Eof => return Ok(()),
            _ => Ok(()),
        };
        result.map_err(|m| (at, m))?;
    }
}
