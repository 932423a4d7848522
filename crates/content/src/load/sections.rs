//! An entry's body: the reflection, then the `## Going Deeper`,
//! `## Application` and `## Question(s)` sections, their items, and
//! practices with their durations.

use crate::markdown::render_markdown_after;
use crate::model::Practice;

pub(crate) struct Sections<'a> {
    pub(crate) reflection: &'a str,
    pub(crate) going_deeper: Option<(&'a str, usize)>,
    pub(crate) application: Option<(&'a str, usize)>,
    pub(crate) questions: Option<(&'a str, usize)>,
}

/// Splits the body at the `## Going Deeper`, `## Application` and
/// `## Question(s)` headings (outside code fences). Each section is returned
/// with its offset in the body.
pub(crate) fn split_sections(body: &str) -> Sections<'_> {
    #[derive(Clone, Copy, PartialEq)]
    enum Which {
        Deeper,
        Application,
        Questions,
    }
    let mut cuts: Vec<(Which, usize, usize)> = Vec::new(); // which, heading start, content start
    let mut fence: Option<&str> = None;
    let mut at = 0;
    for line in body.split_inclusive('\n') {
        let trimmed = line.trim();
        if let Some(f) = fence {
            if trimmed.starts_with(f) {
                fence = None;
            }
        } else if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fence = Some(&trimmed[..3]);
        } else if let Some(heading) = trimmed.strip_prefix("## ") {
            let name = heading
                .trim()
                .trim_end_matches('#')
                .trim()
                .trim_end_matches(':')
                .to_lowercase();
            let which = match name.as_str() {
                "going deeper" => Some(Which::Deeper),
                "application" | "practice" | "practices" => Some(Which::Application),
                "question" | "questions" | "reflection question" | "reflection questions" => {
                    Some(Which::Questions)
                }
                _ => None,
            };
            if let Some(which) = which {
                cuts.push((which, at, at + line.len()));
            }
        }
        at += line.len();
    }
    let mut sections = Sections {
        reflection: &body[..cuts.first().map_or(body.len(), |c| c.1)],
        going_deeper: None,
        application: None,
        questions: None,
    };
    for (i, &(which, _, content)) in cuts.iter().enumerate() {
        let end = cuts.get(i + 1).map_or(body.len(), |c| c.1);
        let part = Some((&body[content..end], content));
        match which {
            Which::Deeper => sections.going_deeper = part,
            Which::Application => sections.application = part,
            Which::Questions => sections.questions = part,
        }
    }
    sections
}

/// The items of a section: its list items, or else its paragraphs.
pub(crate) fn items(section: &str) -> Vec<String> {
    let mut list = Vec::new();
    let mut current: Option<String> = None;
    for line in section.lines() {
        let t = line.trim_start();
        let marker = ["- ", "* ", "+ "]
            .iter()
            .find_map(|m| t.strip_prefix(m))
            .or_else(|| {
                let digits = t.chars().take_while(char::is_ascii_digit).count();
                (digits > 0)
                    .then(|| {
                        t[digits..]
                            .strip_prefix(". ")
                            .or_else(|| t[digits..].strip_prefix(") "))
                    })
                    .flatten()
            });
        if let Some(item) = marker {
            if let Some(done) = current.take() {
                list.push(done);
            }
            current = Some(item.trim().to_owned());
        } else if let Some(cur) = current.as_mut()
            && !t.is_empty()
        {
            cur.push(' ');
            cur.push_str(t.trim());
        }
    }
    if let Some(done) = current {
        list.push(done);
    }
    if !list.is_empty() {
        return list;
    }
    section
        .split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect()
}

/// A practice from its text; a duration in braces ("{5 min}") is taken out.
pub(super) fn practice(text: &str, context: &str) -> Practice {
    let (text, minutes) = split_minutes(text);
    Practice {
        html: inline_html(text.trim(), context),
        minutes,
    }
}

/// A practice's text without its duration in braces ("{5 min}"), and the
/// duration in minutes.
pub(crate) fn split_minutes(text: &str) -> (String, Option<u32>) {
    match (text.rfind('{'), text.rfind('}')) {
        (Some(open), Some(close)) if open < close => match parse_minutes(&text[open + 1..close]) {
            Some(m) => (format!("{}{}", &text[..open], &text[close + 1..]), Some(m)),
            None => (text.to_owned(), None),
        },
        _ => (text.to_owned(), None),
    }
}

fn parse_minutes(s: &str) -> Option<u32> {
    let s = s.trim().to_lowercase();
    let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
    let n: u32 = digits.parse().ok()?;
    let unit = s[digits.len()..].trim();
    match unit {
        "min" | "mins" | "minute" | "minutes" | "m" => Some(n),
        "h" | "hr" | "hour" | "hours" => n.checked_mul(60),
        _ => None,
    }
}

/// Markdown for one line (a question, a practice) as inline HTML, without the
/// paragraph around it; `context` is read first for citations.
pub(super) fn inline_html(source: &str, context: &str) -> String {
    let html = render_markdown_after(source, 0, context).html;
    let html = html.trim_end();
    html.strip_prefix("<p>")
        .and_then(|h| h.strip_suffix("</p>"))
        .unwrap_or(html)
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn practices_take_their_duration_out() {
        let p = practice("Sit in silence before God. {5 min}", "");
        assert_eq!(p.minutes, Some(5));
        assert_eq!(p.html, "Sit in silence before God.");
        assert_eq!(practice("Walk and pray {1 hour}", "").minutes, Some(60));
        assert_eq!(
            practice("Keep {braces} that are not times", "").minutes,
            None
        );
    }

    #[test]
    fn items_are_list_items_or_paragraphs() {
        assert_eq!(items("\n- one\n  more\n- two\n"), ["one more", "two"]);
        assert_eq!(items("\n1. first\n2) second\n"), ["first", "second"]);
        assert_eq!(
            items("\nA question?\n\nAnother one?\n"),
            ["A question?", "Another one?"]
        );
    }

    #[test]
    fn sections_split_at_known_headings_only() {
        let body = "Reflection.\n\n## A subheading\n\nMore.\n\n## Going Deeper\n\nDeep.\n\n```\n## Question\n```\n\n## Questions:\n\nWhy?\n";
        let s = split_sections(body);
        assert!(s.reflection.contains("## A subheading"));
        assert!(s.going_deeper.unwrap().0.contains("## Question\n```"));
        assert_eq!(s.questions.unwrap().0.trim(), "Why?");
        assert!(s.application.is_none());
    }
}
