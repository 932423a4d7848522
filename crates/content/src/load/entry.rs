//! One entry file: its front matter checked, its key passage parsed, its
//! sections rendered with their citations.

use std::path::Path;

use jiff::Timestamp;
use serde::Deserialize;

use super::front_matter::{
    find_key_line, front_offset, line_of, offset_of_line, split_front_matter, toml_message,
};
use super::journey::JourneyToml;
use super::schedule::to_timestamp;
use super::sections::{inline_html, items, practice, split_sections};
use super::{LoadOptions, Problems};
use crate::fingerprint::Fingerprint;
use crate::markdown::{plain_text, render_markdown_after};
use crate::model::{CitationKind, Entry, EntryCitation, EntryKind, Practice, Tag, Visibility};
use crate::slug::{is_slug, slugify};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    title: String,
    slug: Option<String>,
    kind: Option<String>,
    week: u32,
    day: Option<u32>,
    key_passage: Option<String>,
    summary: Option<String>,
    publish: Option<toml::value::Datetime>,
    #[serde(default)]
    tags: Vec<String>,
    author: Option<String>,
    #[serde(default)]
    members_only: bool,
    #[serde(default)]
    draft: bool,
    #[serde(default)]
    questions: Vec<String>,
    going_deeper: Option<String>,
    #[serde(default)]
    application: Vec<PracticeFile>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum PracticeFile {
    Text(String),
    Full { text: String, minutes: Option<u32> },
}

/// Reads one entry file; problems go to `problems`.
pub(super) fn load_entry(
    shown: &Path,
    text: &str,
    journey: &JourneyToml,
    options: &LoadOptions,
    problems: &mut Problems,
) -> Option<Entry> {
    let before = problems.0.len();
    let Some((front, front_start, body, body_start)) = split_front_matter(text) else {
        problems.add(
            shown,
            Some(1),
            "expected TOML front matter between +++ lines at the top",
        );
        return None;
    };
    let fm: FrontMatter = match toml::from_str(front) {
        Ok(fm) => fm,
        Err(e) => {
            let line = e
                .span()
                .map_or(front_start, |s| line_of(text, front_offset(text) + s.start));
            problems.add(shown, Some(line), toml_message(&e));
            return None;
        }
    };
    let line_of_key = |key: &str| find_key_line(front, key).map(|l| l + front_start - 1);

    let kind = match fm.kind.as_deref() {
        None => EntryKind::Day,
        Some(k) => EntryKind::parse(k).unwrap_or_else(|| {
            problems.add(
                shown,
                line_of_key("kind"),
                format!("kind {k:?}: expected \"day\", \"introduction\" or \"recap\""),
            );
            EntryKind::Day
        }),
    };
    if !journey.week_numbers.contains(&fm.week) {
        problems.add(
            shown,
            line_of_key("week"),
            format!(
                "week {} is not described in journey.toml ([[weeks]] number = {})",
                fm.week, fm.week
            ),
        );
    }
    let day = match (kind, fm.day) {
        (EntryKind::Day, Some(d)) if (1..=7).contains(&d) => d,
        (EntryKind::Day, Some(d)) => {
            problems.add(
                shown,
                line_of_key("day"),
                format!("day {d}: expected 1 to 7"),
            );
            d
        }
        (EntryKind::Day, None) => {
            problems.add(
                shown,
                Some(front_start),
                "missing `day` (1 to 7) for a day entry",
            );
            0
        }
        (_, Some(_)) => {
            problems.add(
                shown,
                line_of_key("day"),
                format!("`day` is for day entries, not for the {}", kind.as_str()),
            );
            0
        }
        (_, None) => 0,
    };
    let file_stem = shown
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let slug = fm.slug.clone().unwrap_or_else(|| slugify(&fm.title));
    let slug = if slug.is_empty() {
        slugify(&file_stem)
    } else {
        slug
    };
    if !is_slug(&slug) {
        problems.add(
            shown,
            line_of_key("slug"),
            format!("slug {slug:?} must be lowercase letters, digits and hyphens"),
        );
    }
    if crate::slug::RESERVED_ENTRY_SLUGS.contains(&slug.as_str()) {
        problems.add(
            shown,
            line_of_key("slug"),
            format!(
                "slug {slug:?} is taken by the site's own pages of a journey (its address would be \
                 a member's {slug} page); give the entry another slug"
            ),
        );
    }
    if fm.title.trim().is_empty() {
        problems.add(shown, line_of_key("title"), "title is empty");
    }

    // The key passage must be a real reference.
    let mut citations = Vec::new();
    let mut key_osis = None;
    if let Some(passage) = &fm.key_passage {
        match abide_scripture::parse(passage) {
            Ok(c) => {
                let line_start = line_of_key("key_passage").map_or(0, |l| offset_of_line(text, l));
                for (start, end) in c.keys() {
                    citations.push(EntryCitation {
                        start,
                        end,
                        kind: CitationKind::Key,
                        span: (line_start, line_start + passage.len()),
                        osis: c.osis(),
                    });
                }
                key_osis = Some(c.osis());
            }
            Err(e) => problems.add(
                shown,
                line_of_key("key_passage"),
                format!("key_passage {passage:?}: {e}"),
            ),
        }
    } else if kind == EntryKind::Day {
        problems.add(
            shown,
            Some(front_start),
            "missing `key_passage` for a day entry (e.g. key_passage = \"James 4:8\")",
        );
    }

    // Sections of the body.
    let sections = split_sections(body);
    let reflection = sections.reflection.trim();
    if reflection.is_empty() {
        problems.add(
            shown,
            Some(line_of(text, body_start)),
            "the entry has no text: write the reflection after the front matter",
        );
    }
    // Each section is read after what comes before it (the key passage first),
    // so that "(v. 7)" at its start resolves against the last citation before.
    let mut context = fm.key_passage.clone().unwrap_or_default();
    let body_rendered = render_markdown_after(sections.reflection, body_start, &context);
    context.push_str("\n\n");
    context.push_str(sections.reflection);
    let mut words = plain_text(sections.reflection).split_whitespace().count();
    let mut inline = body_rendered.citations;

    // A section written both ways: `what` is "Going Deeper is", ...
    let given_twice = |problems: &mut Problems, at: usize, what: &str| {
        problems.add(
            shown,
            Some(line_of(text, body_start + at)),
            format!("{what} given twice: in the front matter and as a ## heading"),
        );
    };
    let going_deeper_source = match (&fm.going_deeper, sections.going_deeper) {
        (Some(_), Some((_, line))) => {
            given_twice(problems, line, "Going Deeper is");
            None
        }
        (Some(text), None) => Some((text.as_str(), None)),
        (None, Some((section, at))) => Some((section, Some(body_start + at))),
        (None, None) => None,
    };
    let going_deeper_html = going_deeper_source.map(|(source, at)| {
        let r = render_markdown_after(source, at.unwrap_or(0), &context);
        words += plain_text(source).split_whitespace().count();
        if at.is_some() {
            inline.extend(r.citations);
        }
        context.push_str("\n\n");
        context.push_str(source);
        r.html
    });

    let mut practices: Vec<Practice> = fm
        .application
        .iter()
        .map(|p| match p {
            PracticeFile::Text(t) => practice(t, &context),
            PracticeFile::Full { text, minutes } => Practice {
                html: inline_html(text, &context),
                minutes: *minutes,
            },
        })
        .collect();
    if let Some((section, at)) = sections.application {
        if !practices.is_empty() {
            given_twice(problems, at, "Application is");
        }
        for item in items(section) {
            practices.push(practice(&item, &context));
        }
        inline.extend(render_markdown_after(section, body_start + at, &context).citations);
        context.push_str("\n\n");
        context.push_str(section);
    }

    let mut questions: Vec<String> = fm
        .questions
        .iter()
        .map(|q| inline_html(q, &context))
        .collect();
    if let Some((section, at)) = sections.questions {
        if !questions.is_empty() {
            given_twice(problems, at, "Questions are");
        }
        for item in items(section) {
            words += plain_text(&item).split_whitespace().count();
            questions.push(inline_html(&item, &context));
        }
        inline.extend(render_markdown_after(section, body_start + at, &context).citations);
    }
    if kind == EntryKind::Day && questions.is_empty() {
        problems.add(
            shown,
            Some(front_start),
            "missing a question: add a `## Question` section (or `questions = [...]`)",
        );
    }

    let author = fm.author.clone().or_else(|| journey.file.author.clone());
    if let Some(a) = &fm.author
        && !journey.file.authors.contains_key(a)
    {
        problems.add(
            shown,
            line_of_key("author"),
            format!("author {a:?} is not described under [authors] in journey.toml"),
        );
    }
    let publish_at = match &fm.publish {
        None => Timestamp::UNIX_EPOCH, // filled in from the journey's start
        Some(dt) => match to_timestamp(dt, &options.time_zone) {
            Some(t) => t,
            None => {
                problems.add(shown, line_of_key("publish"), format!("publish {dt}: expected a date (2026-01-05), a local time (2026-01-05T06:00:00) or an instant (2026-01-05T06:00:00Z)"));
                Timestamp::UNIX_EPOCH
            }
        },
    };
    if fm.draft || problems.0.len() > before {
        return None;
    }

    for c in inline {
        for (start, end) in c.keys {
            citations.push(EntryCitation {
                start,
                end,
                kind: CitationKind::Inline,
                span: (c.span.start, c.span.end),
                osis: c.osis.clone(),
            });
        }
    }
    // The text of a members-only entry, or of any entry of a members-only
    // journey, is not public: its summary, which lists, feeds and link
    // previews show to everyone, is only what the author chose to show.
    let members = fm.members_only || journey.visibility == Visibility::Members;
    let summary = match &fm.summary {
        Some(summary) => summary.trim().to_owned(),
        None if members => String::new(),
        None => summarize(&plain_text(reflection)),
    };
    // The stored summary depends on the journey's visibility too: an entry
    // whose journey becomes members-only must be imported again.
    let mut source_hash = Fingerprint::of(text.as_bytes());
    if journey.visibility == Visibility::Members {
        source_hash.field(b"members");
    }
    Some(Entry {
        slug,
        week: fm.week,
        kind,
        day,
        title: fm.title.trim().to_owned(),
        summary,
        key_passage: fm.key_passage.clone(),
        key_osis,
        body_html: body_rendered.html,
        going_deeper_html,
        practices,
        questions,
        tags: fm.tags.iter().map(|t| Tag::new(t)).collect(),
        author,
        publish_at,
        members_only: fm.members_only,
        citations,
        source_path: shown.to_string_lossy().into_owned(),
        source_hash: source_hash.hex(),
        word_count: words,
    })
}

/// `text` with its front matter's `draft = true` line taken out, so that a
/// draft can be previewed as it will read once published.
pub(super) fn without_draft(text: &str) -> std::borrow::Cow<'_, str> {
    let Some((front, _, _, body_start)) = split_front_matter(text) else {
        return text.into();
    };
    if !front.lines().any(is_draft_line) {
        return text.into();
    }
    let front_start = front_offset(text);
    let mut out = String::with_capacity(text.len());
    out.push_str(&text[..front_start]);
    for line in text[front_start..body_start].split_inclusive('\n') {
        if is_draft_line(line) {
            // A comment of the same length: lines and byte offsets (the
            // citations' spans) stay where they were.
            let end = line.trim_end_matches(['\n', '\r']).len();
            out.push('#');
            out.extend(std::iter::repeat_n(' ', end.saturating_sub(1)));
            out.push_str(&line[end..]);
        } else {
            out.push_str(line);
        }
    }
    out.push_str(&text[body_start..]);
    out.into()
}

#[cfg(test)]
#[test]
fn drafts_are_previewed_with_their_offsets() {
    let text = "+++\ntitle = \"T\"\ndraft = true\n+++\nBody.\n";
    let shown = without_draft(text);
    assert_eq!(shown.len(), text.len());
    assert!(!shown.contains("draft"));
    assert_eq!(shown.find("Body"), text.find("Body"));
}

fn is_draft_line(line: &str) -> bool {
    let line = line.trim();
    line.strip_prefix("draft")
        .and_then(|rest| rest.trim_start().strip_prefix('='))
        .is_some_and(|v| v.trim() == "true")
}

/// The first sentences of `text`, about 200 characters at most.
fn summarize(text: &str) -> String {
    if text.chars().count() <= 200 {
        return text.to_owned();
    }
    let cut: String = text.chars().take(200).collect();
    let end = cut
        .rfind(['.', '!', '?'])
        .filter(|&e| e > 60)
        .map(|e| e + 1);
    match end {
        Some(e) => cut[..e].to_owned(),
        None => format!("{}…", cut[..cut.rfind(' ').unwrap_or(cut.len())].trim_end()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_end_at_a_sentence() {
        let long = "This is the first sentence of a fairly long reflection. ".repeat(8);
        let s = summarize(&long);
        assert!(s.ends_with('.') && s.chars().count() <= 200, "{s}");
    }
}
