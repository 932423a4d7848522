use std::ops::Range;

use abide_scripture::{Citation, extract};
use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd, html};

/// A citation found in Markdown: where, what, and its verse ranges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundCitation {
    /// Byte span in the Markdown source (plus the offset passed to
    /// [`render_markdown`]).
    pub span: Range<usize>,
    /// The text as written ("Genesis 21:16-19").
    pub text: String,
    /// The citation as OSIS ("Gen.21.16-Gen.21.19").
    pub osis: String,
    /// Its closed ranges of verse keys.
    pub keys: Vec<(u32, u32)>,
}

impl FoundCitation {
    fn from(c: &Citation<'_>, offset: usize) -> Self {
        Self {
            span: c.span.start + offset..c.span.end + offset,
            text: c.text.to_owned(),
            osis: c.osis(),
            keys: c.keys().collect(),
        }
    }
}

/// Markdown rendered to HTML, with what was found in it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Rendered {
    /// The HTML. Raw HTML in the source is shown as text, never passed through.
    pub html: String,
    /// Every citation in the source, in order.
    pub citations: Vec<FoundCitation>,
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_SMART_PUNCTUATION
}

/// Renders `source` to HTML, linking every scripture citation in running text
/// (not in code, and not inside a link the author made) to its passage page,
/// `/bible/OSIS`, with a `data-osis` attribute for the verse popover.
/// `offset` is added to the citations' spans (the source's position in its
/// file).
pub fn render_markdown(source: &str, offset: usize) -> Rendered {
    render_markdown_after(source, offset, "")
}

/// Like [`render_markdown`], with `preceding` text (the entry's key passage,
/// the sections before this one) read first, so that "(v. 7)" at the start of a
/// section resolves against the last citation before it. Citations inside
/// `preceding` are not returned or linked.
pub fn render_markdown_after(source: &str, offset: usize, preceding: &str) -> Rendered {
    // Citations are found once, in the whole source, so that "(v. 17)" resolves
    // against the citation before it even across emphasis or line breaks.
    let found = if preceding.is_empty() {
        extract(source)
    } else {
        let joined = format!("{preceding}\n\n{source}");
        let skip = preceding.len() + 2;
        extract(&joined)
            .into_iter()
            .filter(|c| c.span.start >= skip)
            .map(|c| Citation {
                span: c.span.start - skip..c.span.end - skip,
                text: &source[c.span.start - skip..c.span.end - skip],
                ranges: c.ranges,
                contextual: c.contextual,
            })
            .collect()
    };
    let mut next = 0; // index of the first citation not yet linked or passed
    let mut in_code = 0usize;
    let mut in_link = 0usize;
    let mut events: Vec<Event<'_>> = Vec::new();
    for (event, range) in Parser::new_ext(source, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(_)) => {
                in_code += 1;
                events.push(event);
            }
            Event::End(TagEnd::CodeBlock) => {
                in_code = in_code.saturating_sub(1);
                events.push(event);
            }
            Event::Start(Tag::Link { .. } | Tag::Image { .. }) => {
                in_link += 1;
                events.push(event);
            }
            Event::End(TagEnd::Link | TagEnd::Image) => {
                in_link = in_link.saturating_sub(1);
                events.push(event);
            }
            // No raw HTML from content: it is shown as the text it is.
            Event::Html(raw) | Event::InlineHtml(raw) => events.push(Event::Text(raw)),
            Event::Text(text) if in_code == 0 && in_link == 0 => {
                while next < found.len() && found[next].span.start < range.start {
                    next += 1;
                }
                let html = link_citations(&text, range.clone(), source, &found[next..]);
                match html {
                    Some(html) => events.push(Event::Html(CowStr::from(html))),
                    None => events.push(Event::Text(text)),
                }
            }
            other => events.push(other),
        }
    }
    let mut out = String::with_capacity(source.len() + source.len() / 4);
    html::push_html(&mut out, events.into_iter());
    Rendered {
        html: out,
        citations: found
            .iter()
            .map(|c| FoundCitation::from(c, offset))
            .collect(),
    }
}

/// HTML for one text event with its citations as links, or `None` when it holds
/// none. The event's text is compared with its source span: when they match
/// (the usual case), the citations found in the whole source are used; when
/// they differ (entities, smart punctuation), the text is searched on its own.
fn link_citations(
    text: &str,
    range: Range<usize>,
    source: &str,
    found: &[Citation<'_>],
) -> Option<String> {
    let local: Vec<(Range<usize>, String)> = if source.get(range.clone()) == Some(text) {
        found
            .iter()
            .take_while(|c| c.span.start < range.end)
            .filter(|c| c.span.end <= range.end)
            .map(|c| {
                (
                    c.span.start - range.start..c.span.end - range.start,
                    c.osis(),
                )
            })
            .collect()
    } else {
        extract(text)
            .iter()
            .map(|c| (c.span.clone(), c.osis()))
            .collect()
    };
    if local.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(text.len() + local.len() * 64);
    let mut at = 0;
    for (span, osis) in local {
        escape_into(&mut out, &text[at..span.start]);
        out.push_str("<a class=\"ref\" href=\"/bible/");
        out.push_str(&osis);
        out.push_str("\" data-osis=\"");
        out.push_str(&osis);
        out.push_str("\">");
        escape_into(&mut out, &text[span.clone()]);
        out.push_str("</a>");
        at = span.end;
    }
    escape_into(&mut out, &text[at..]);
    Some(out)
}

fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
}

/// The text of `source` without its Markdown: for summaries, word counts and
/// search. Block ends become spaces.
pub fn plain_text(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    for event in Parser::new_ext(source, options()) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::CodeBlock,
            ) => {
                out.push(' ');
            }
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn citations_become_links() {
        let r = render_markdown("Jesus withdrew to pray (Luke 5:16).", 0);
        assert_eq!(
            r.html,
            "<p>Jesus withdrew to pray (<a class=\"ref\" href=\"/bible/Luke.5.16\" data-osis=\"Luke.5.16\">Luke 5:16</a>).</p>\n"
        );
        assert_eq!(r.citations.len(), 1);
        assert_eq!(r.citations[0].span, 24..33);
    }

    #[test]
    fn context_carries_across_emphasis() {
        let r = render_markdown(
            "Then *Revelation 3:20*: he knocks. Rich yet wretched (v. 17).",
            10,
        );
        let osis: Vec<_> = r.citations.iter().map(|c| c.osis.as_str()).collect();
        assert_eq!(osis, ["Rev.3.20", "Rev.3.17"]);
        assert!(
            r.html
                .contains("<em><a class=\"ref\" href=\"/bible/Rev.3.20\""),
            "{}",
            r.html
        );
        assert!(
            r.html.contains("data-osis=\"Rev.3.17\">v. 17</a>"),
            "{}",
            r.html
        );
        assert_eq!(r.citations[0].span.start, 16);
    }

    #[test]
    fn preceding_text_gives_context_but_is_not_returned() {
        let r = render_markdown_after(
            "The refrain comes twice (vv. 7, 11).",
            100,
            "Psalm 46:10\n\nSee Psalm 46:2-6.",
        );
        assert_eq!(r.citations.len(), 1);
        assert_eq!(r.citations[0].osis, "Ps.46.7,Ps.46.11");
        assert_eq!(r.citations[0].span, 125..134);
        assert!(
            r.html
                .contains("data-osis=\"Ps.46.7,Ps.46.11\">vv. 7, 11</a>"),
            "{}",
            r.html
        );
    }

    #[test]
    fn code_and_links_are_left_alone_but_indexed() {
        let r = render_markdown(
            "See [John 3:16](https://example.org/) and `Romans 8:28`.\n\n    Psalm 23\n",
            0,
        );
        assert!(!r.html.contains("class=\"ref\""), "{}", r.html);
        assert!(
            r.html
                .contains("<a href=\"https://example.org/\">John 3:16</a>")
        );
        assert_eq!(r.citations.len(), 3, "still in the index");
    }

    #[test]
    fn raw_html_is_shown_as_text() {
        let r = render_markdown(
            "Hello <script>alert(1)</script> world\n\n<div onclick=x>hi</div>\n",
            0,
        );
        assert!(!r.html.contains("<script"), "{}", r.html);
        assert!(!r.html.contains("<div"), "{}", r.html);
        assert!(r.html.contains("&lt;script&gt;"), "{}", r.html);
    }

    #[test]
    fn plain_text_drops_markup() {
        assert_eq!(
            plain_text("# Title\n\nSome *emphasis* and `code`.\n\n- one\n- two\n"),
            "Title Some emphasis and code. one two"
        );
    }
}
