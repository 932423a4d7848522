//! Scripture on pages: a passage looked up in the reader's translation and
//! rendered as HTML (verse numbers, paragraphs, headings, psalm titles, poetry
//! lines, words of Jesus, footnotes), with its attribution.

use abide_bible::{LookupError, Passage, Run, Translation, TranslationInfo};
use abide_scripture::Range;
use serde::Serialize;

use crate::filters::escape_html;

/// A passage ready for a template.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct PassageView {
    /// "Psalm 46:10".
    pub(crate) reference: String,
    /// "Ps.46.10".
    pub(crate) osis: String,
    /// The text as HTML, safe to print.
    pub(crate) html: String,
    /// The text, plain, for descriptions and previews.
    pub(crate) plain: String,
    /// Footnotes, in order, as text.
    pub(crate) notes: Vec<String>,
    /// The translation it is quoted from.
    pub(crate) translation: TranslationView,
    /// A sentence about verses of the passage this translation leaves out.
    pub(crate) absent: Option<String>,
}

/// What pages say about a translation.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct TranslationView {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) abbreviation: String,
    /// "World English Bible (WEB), public domain".
    pub(crate) attribution: String,
    /// The rights holder's statement or terms.
    pub(crate) statement: String,
}

impl TranslationView {
    pub(crate) fn of(info: &TranslationInfo) -> Self {
        Self {
            id: info.id.clone(),
            name: info.name.clone(),
            abbreviation: info.abbreviation.clone(),
            attribution: info.attribution(),
            statement: info.statement.clone(),
        }
    }
}

/// Looks `ranges` up in `translation` and renders them.
pub(crate) fn view(
    translation: &Translation,
    ranges: &[Range],
) -> Result<PassageView, LookupError> {
    let passage = translation.passage(ranges)?;
    Ok(render(&passage, translation.info()))
}

fn render(passage: &Passage, info: &TranslationInfo) -> PassageView {
    let mut html = String::with_capacity(passage.verses.len() * 160);
    let mut notes = Vec::new();
    let mut open = false;
    let mut last_chapter = None;
    for (i, verse) in passage.verses.iter().enumerate() {
        let chapter = (verse.reference.book, verse.reference.chapter);
        let new_chapter = last_chapter.is_some_and(|c| c != chapter);
        if i > 0
            && (verse.paragraph
                || verse.range_start
                || new_chapter
                || !verse.headings.is_empty()
                || verse.title.is_some())
            && open
        {
            html.push_str("</p>\n");
            open = false;
        }
        if (verse.range_start || new_chapter) && i > 0 {
            html.push_str("<p class=\"gap\" aria-hidden=\"true\">…</p>\n");
        }
        last_chapter = Some(chapter);
        for heading in &verse.headings {
            html.push_str("<h3>");
            html.push_str(&escape_html(heading));
            html.push_str("</h3>\n");
        }
        if let Some(title) = &verse.title {
            html.push_str("<p class=\"psalm-title\">");
            html.push_str(&escape_html(title));
            html.push_str("</p>\n");
        }
        if !open {
            html.push_str("<p>");
            open = true;
        } else if verse.text.contains('\n') && !html.ends_with("<p>") {
            // Poetry: every verse starts on a line of its own.
            html.push_str("<br>");
        }
        html.push_str("<span class=\"verse\" id=\"v");
        html.push_str(&verse.key.to_string());
        html.push_str("\"><sup class=\"verse-number\">");
        html.push_str(&verse.number.to_string());
        html.push_str("</sup>");
        for run in verse.runs() {
            match run {
                Run::Text { text, jesus: true } => {
                    html.push_str("<span class=\"words-of-jesus\">");
                    html.push_str(&escape_html(text));
                    html.push_str("</span>");
                }
                Run::Text { text, .. } => html.push_str(&escape_html(text)),
                Run::LineBreak => html.push_str("<br>"),
                Run::Note(n) => {
                    if let Some(note) = verse.notes.get(n) {
                        notes.push(note.text.clone());
                        let k = notes.len();
                        html.push_str(&format!(
                            "<sup class=\"note-mark\"><a href=\"#note-{k}\" id=\"note-ref-{k}\" aria-label=\"Note {k}\">{}</a></sup>",
                            abide_bible::note_mark(k - 1)
                        ));
                    }
                }
                // Anything a later version adds is left out rather than guessed.
                _ => {}
            }
        }
        html.push_str("</span> ");
    }
    if open {
        html.push_str("</p>\n");
    }
    let absent = (!passage.absent.is_empty()).then(|| {
        let refs: Vec<String> = passage
            .absent
            .iter()
            .map(|v| abide_scripture::format_range(Range::verse(*v), abide_scripture::Style::Full))
            .collect();
        format!(
            "The {} does not include {}.",
            info.abbreviation,
            refs.join(", ")
        )
    });
    PassageView {
        reference: passage.reference.clone(),
        osis: abide_scripture::to_osis(&passage.ranges),
        html,
        plain: passage.plain_text(),
        notes,
        translation: TranslationView::of(info),
        absent,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use abide_bible::Library;

    #[test]
    fn a_bundled_passage_renders_with_numbers_and_attribution() {
        let library = Library::bundled();
        let kjv = library.get("kjv").unwrap();
        let ranges = abide_scripture::parse_osis("John.11.35").unwrap();
        let view = view(kjv, &ranges).unwrap();
        assert_eq!(view.reference, "John 11:35");
        assert_eq!(view.plain, "Jesus wept.");
        assert!(
            view.html
                .contains("<sup class=\"verse-number\">35</sup>Jesus wept."),
            "{}",
            view.html
        );
        assert!(
            view.translation.attribution.contains("KJV"),
            "{}",
            view.translation.attribution
        );
    }
}
