//! Reading a journey folder: `journey.toml` and one Markdown file per entry.
//! Everything is validated before anything is returned; every problem is
//! reported with its file and line.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{DefaultHasher, Hasher};
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use serde::Deserialize;

use crate::error::{ContentError, ContentErrors};
use crate::markdown::{plain_text, render_markdown, render_markdown_after};
use crate::model::{
    Author, CitationKind, Entry, EntryCitation, EntryKind, ImageFile, Journey, Practice, Tag,
    Visibility, Week,
};
use crate::slug::{is_slug, slugify};

/// What loading needs from the site.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// The site's time zone: dates without a time or offset are read in it.
    pub time_zone: TimeZone,
    /// "Now": the publish time of entries that give none.
    pub now: Timestamp,
}

impl Default for LoadOptions {
    fn default() -> Self {
        Self {
            time_zone: TimeZone::UTC,
            now: Timestamp::now(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JourneyFile {
    title: String,
    slug: Option<String>,
    summary: String,
    cover: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    visibility: Option<String>,
    /// The date of week 1's first day; entries without `publish` follow it.
    start: Option<toml::value::Datetime>,
    /// The default author of the entries.
    author: Option<String>,
    #[serde(default)]
    weeks: Vec<WeekFile>,
    #[serde(default)]
    authors: BTreeMap<String, AuthorFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WeekFile {
    number: u32,
    theme: String,
    #[serde(default)]
    introduction: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AuthorFile {
    name: String,
    #[serde(default)]
    bio: String,
}

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

/// Collects problems as they are found.
struct Problems(Vec<ContentError>);

impl Problems {
    fn add(&mut self, file: &Path, line: Option<usize>, message: impl Into<String>) {
        self.0.push(ContentError::new(file, line, message));
    }
}

/// Reads and validates the journey in `dir`. Returns every problem found, each
/// with its file and line, or the whole journey: never half of one.
pub fn load_journey(dir: &Path, options: &LoadOptions) -> Result<Journey, ContentErrors> {
    let mut problems = Problems(Vec::new());
    let journey_path = dir.join("journey.toml");
    let shown_journey = PathBuf::from("journey.toml");
    let journey_text = match std::fs::read_to_string(&journey_path) {
        Ok(text) => text,
        Err(e) => {
            problems.add(
                &display_path(dir, &journey_path),
                None,
                format!("cannot read: {e}"),
            );
            return Err(ContentErrors(problems.0));
        }
    };
    let mut hasher = DefaultHasher::new();
    hasher.write(journey_text.as_bytes());
    let file: JourneyFile = match toml::from_str(&journey_text) {
        Ok(f) => f,
        Err(e) => {
            let line = e.span().map(|s| line_of(&journey_text, s.start));
            problems.add(&shown_journey, line, toml_message(&e));
            return Err(ContentErrors(problems.0));
        }
    };
    let field_line = |key: &str| find_key_line(&journey_text, key);

    let slug = file.slug.clone().unwrap_or_else(|| slugify(&file.title));
    if !is_slug(&slug) {
        problems.add(
            &shown_journey,
            field_line("slug"),
            format!("slug {slug:?} must be lowercase letters, digits and hyphens"),
        );
    }
    if file.title.trim().is_empty() {
        problems.add(&shown_journey, field_line("title"), "title is empty");
    }
    let visibility = match file.visibility.as_deref() {
        None => Visibility::Public,
        Some(v) => Visibility::parse(v).unwrap_or_else(|| {
            problems.add(
                &shown_journey,
                field_line("visibility"),
                format!("visibility {v:?}: expected \"public\", \"unlisted\" or \"members\""),
            );
            Visibility::Public
        }),
    };
    let start = match file.start {
        None => None,
        Some(dt) => match (dt.date, dt.time, dt.offset) {
            (Some(d), None, None) => Date::new(
                i16::try_from(d.year).unwrap_or(0),
                d.month as i8,
                d.day as i8,
            )
            .ok(),
            _ => {
                problems.add(
                    &shown_journey,
                    field_line("start"),
                    "start must be a date like 2026-01-05 (no time)",
                );
                None
            }
        },
    };
    let mut cover_url = None;
    let mut cover_file = None;
    if let Some(cover) = &file.cover {
        let is_url =
            cover.starts_with("https://") || cover.starts_with("http://") || cover.starts_with('/');
        if is_url {
            cover_url = Some(cover.clone());
        } else {
            match read_image(dir, cover) {
                Ok(image) => {
                    hasher.write(&image.bytes);
                    cover_file = Some(image);
                }
                Err(message) => problems.add(&shown_journey, field_line("cover"), message),
            }
        }
    }

    let mut weeks = Vec::new();
    let mut week_numbers = HashSet::new();
    for week in &file.weeks {
        if week.number == 0 || !week_numbers.insert(week.number) {
            problems.add(
                &shown_journey,
                find_value_line(&journey_text, "number", &week.number.to_string()),
                format!("week number {} is zero or repeated", week.number),
            );
        }
        weeks.push(Week {
            number: week.number,
            theme: week.theme.trim().to_owned(),
            introduction_html: render_markdown(&week.introduction, 0).html,
        });
    }
    weeks.sort_by_key(|w| w.number);

    let mut authors = Vec::new();
    for (slug, author) in &file.authors {
        if !is_slug(slug) {
            problems.add(
                &shown_journey,
                field_line(&format!("authors.{slug}")),
                format!("author key {slug:?} must be a slug (lowercase, hyphens)"),
            );
        }
        authors.push(Author {
            slug: slug.clone(),
            name: author.name.trim().to_owned(),
            bio_html: render_markdown(&author.bio, 0).html,
        });
    }
    let author_known = |a: &str| file.authors.contains_key(a);
    if let Some(a) = &file.author
        && !author_known(a)
    {
        problems.add(
            &shown_journey,
            field_line("author"),
            format!("author {a:?} is not described under [authors]"),
        );
    }

    // The entries.
    let mut files = Vec::new();
    collect_markdown(dir, dir, &mut files, &mut problems);
    files.sort();
    let mut entries = Vec::new();
    for path in &files {
        let shown = display_path(dir, path);
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                problems.add(&shown, None, format!("cannot read: {e}"));
                continue;
            }
        };
        hasher.write(shown.to_string_lossy().as_bytes());
        hasher.write(text.as_bytes());
        if let Some(entry) = load_entry(&shown, &text, &file, &week_numbers, options, &mut problems)
        {
            entries.push(entry);
        }
    }

    // Across entries: unique slugs, one entry per day, publish times.
    let mut slugs: HashMap<String, String> = HashMap::new();
    let mut days: HashMap<(u32, EntryKind, u32), String> = HashMap::new();
    for entry in &entries {
        let shown = PathBuf::from(&entry.source_path);
        if let Some(first) = slugs.insert(entry.slug.clone(), entry.source_path.clone()) {
            problems.add(
                &shown,
                find_key_line(&entry_front(&entry.source_path, dir), "slug").or(Some(1)),
                format!("duplicate slug {:?}: {first} has it already", entry.slug),
            );
        }
        if let Some(first) = days.insert(
            (entry.week, entry.kind, entry.day),
            entry.source_path.clone(),
        ) {
            let what = match entry.kind {
                EntryKind::Day => format!("week {} day {}", entry.week, entry.day),
                other => format!("the {} of week {}", other.as_str(), entry.week),
            };
            problems.add(&shown, Some(1), format!("{what} is already {first}"));
        }
    }
    if !problems.0.is_empty() {
        return Err(ContentErrors(problems.0));
    }

    // Recaps come after the week's last day; publish times follow `start`.
    let last_day: HashMap<u32, u32> =
        entries
            .iter()
            .filter(|e| e.kind == EntryKind::Day)
            .fold(HashMap::new(), |mut m, e| {
                let d = m.entry(e.week).or_insert(0);
                *d = (*d).max(e.day);
                m
            });
    for entry in &mut entries {
        if entry.kind == EntryKind::Recap {
            entry.day = last_day.get(&entry.week).copied().unwrap_or(0) + 1;
        }
    }
    for entry in &mut entries {
        if entry.publish_at == Timestamp::UNIX_EPOCH {
            entry.publish_at = match start {
                Some(start) => {
                    let offset =
                        i64::from(entry.week - 1) * 7 + i64::from(entry.day.saturating_sub(1));
                    start
                        .checked_add(offset.days())
                        .ok()
                        .and_then(|d| d.to_zoned_datetime(options.time_zone.clone()).ok())
                        .map_or(options.now, |z| z.timestamp())
                }
                None => options.now,
            };
        }
    }
    entries.sort_by_key(|e| (e.week, e.day, e.kind));
    let tags = file.tags.iter().map(|t| Tag::new(t)).collect();
    Ok(Journey {
        slug,
        title: file.title.trim().to_owned(),
        summary: file.summary.trim().to_owned(),
        cover_image: cover_url,
        cover_file,
        tags,
        visibility,
        weeks,
        entries,
        authors,
        source_hash: format!("{:016x}", hasher.finish()),
    })
}

/// Reads one entry file; problems go to `problems`.
fn load_entry(
    shown: &Path,
    text: &str,
    journey: &JourneyFile,
    weeks: &HashSet<u32>,
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
    if !weeks.contains(&fm.week) {
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

    let going_deeper_source = match (&fm.going_deeper, sections.going_deeper) {
        (Some(_), Some((_, line))) => {
            problems.add(
                shown,
                Some(line_of(text, body_start + line)),
                "Going Deeper is given twice: in the front matter and as a ## heading",
            );
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
            problems.add(
                shown,
                Some(line_of(text, body_start + at)),
                "Application is given twice: in the front matter and as a ## heading",
            );
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
            problems.add(
                shown,
                Some(line_of(text, body_start + at)),
                "Questions are given twice: in the front matter and as a ## heading",
            );
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

    let author = fm.author.clone().or_else(|| journey.author.clone());
    if let Some(a) = &fm.author
        && !journey.authors.contains_key(a)
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
    // A members-only entry's text is not public, so its summary is only what the
    // author chose to show.
    let summary = match &fm.summary {
        Some(summary) => summary.trim().to_owned(),
        None if fm.members_only => String::new(),
        None => summarize(&plain_text(reflection)),
    };
    let mut hasher = DefaultHasher::new();
    hasher.write(text.as_bytes());
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
        source_hash: format!("{:016x}", hasher.finish()),
        word_count: words,
    })
}

/// The front matter of an already validated entry, for locating a key.
fn entry_front(source_path: &str, dir: &Path) -> String {
    std::fs::read_to_string(dir.join(source_path))
        .ok()
        .and_then(|t| split_front_matter(&t).map(|(f, ..)| format!("+++\n{f}")))
        .unwrap_or_default()
}

/// `(front matter, its first line, body, body's byte offset)`.
fn split_front_matter(text: &str) -> Option<(&str, usize, &str, usize)> {
    let text_start = usize::from(text.starts_with('\u{feff}')) * 3;
    let rest = &text[text_start..];
    let first_end = rest.find('\n')?;
    if rest[..first_end].trim_end() != "+++" {
        return None;
    }
    let front_from = text_start + first_end + 1;
    let mut at = front_from;
    for line in text[front_from..].split_inclusive('\n') {
        if line.trim_end() == "+++" {
            let body_start = at + line.len();
            return Some((&text[front_from..at], 2, &text[body_start..], body_start));
        }
        at += line.len();
    }
    None
}

fn front_offset(text: &str) -> usize {
    text.find('\n').map_or(0, |i| i + 1)
}

struct Sections<'a> {
    reflection: &'a str,
    going_deeper: Option<(&'a str, usize)>,
    application: Option<(&'a str, usize)>,
    questions: Option<(&'a str, usize)>,
}

/// Splits the body at the `## Going Deeper`, `## Application` and
/// `## Question(s)` headings (outside code fences). Each section is returned
/// with its offset in the body.
fn split_sections(body: &str) -> Sections<'_> {
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
fn items(section: &str) -> Vec<String> {
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
fn practice(text: &str, context: &str) -> Practice {
    let (text, minutes) = match (text.rfind('{'), text.rfind('}')) {
        (Some(open), Some(close)) if open < close => match parse_minutes(&text[open + 1..close]) {
            Some(m) => (format!("{}{}", &text[..open], &text[close + 1..]), Some(m)),
            None => (text.to_owned(), None),
        },
        _ => (text.to_owned(), None),
    };
    Practice {
        html: inline_html(text.trim(), context),
        minutes,
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
fn inline_html(source: &str, context: &str) -> String {
    let html = render_markdown_after(source, 0, context).html;
    let html = html.trim_end();
    html.strip_prefix("<p>")
        .and_then(|h| h.strip_suffix("</p>"))
        .unwrap_or(html)
        .to_owned()
}

/// Largest image accepted from a journey folder.
const MAX_IMAGE_BYTES: usize = 5 << 20;

/// Reads an image of the journey folder, checking that it is one that browsers
/// and link previews show (JPEG, PNG, WebP), by its first bytes.
fn read_image(dir: &Path, name: &str) -> Result<ImageFile, String> {
    let path = dir.join(name);
    if name.contains("..") {
        return Err(format!(
            "cover image {name:?}: must be inside the journey folder"
        ));
    }
    let bytes = std::fs::read(&path).map_err(|e| format!("cover image {name:?}: {e}"))?;
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(format!(
            "cover image {name:?} is {} bytes; at most {MAX_IMAGE_BYTES}",
            bytes.len()
        ));
    }
    let content_type = if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        "image/jpeg"
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        "image/png"
    } else if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        "image/webp"
    } else {
        return Err(format!(
            "cover image {name:?} is not a JPEG, PNG or WebP image"
        ));
    };
    let file_name = Path::new(name)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| name.to_owned());
    Ok(ImageFile {
        name: slugify_file_name(&file_name),
        content_type,
        bytes,
    })
}

/// `Cover Photo.JPG` -> `cover-photo.jpg`.
fn slugify_file_name(name: &str) -> String {
    match name.rsplit_once('.') {
        Some((stem, ext)) => format!("{}.{}", slugify(stem), ext.to_ascii_lowercase()),
        None => slugify(name),
    }
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

fn to_timestamp(dt: &toml::value::Datetime, tz: &TimeZone) -> Option<Timestamp> {
    let s = dt.to_string();
    match (dt.date, dt.time, dt.offset) {
        (Some(_), Some(_), Some(_)) => s.parse::<Timestamp>().ok(),
        (Some(_), Some(_), None) => s
            .parse::<jiff::civil::DateTime>()
            .ok()?
            .to_zoned_datetime(tz.clone())
            .ok()
            .map(|z| z.timestamp()),
        (Some(_), None, None) => s
            .parse::<Date>()
            .ok()?
            .to_zoned_datetime(tz.clone())
            .ok()
            .map(|z| z.timestamp()),
        _ => None,
    }
}

fn collect_markdown(root: &Path, dir: &Path, out: &mut Vec<PathBuf>, problems: &mut Problems) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            problems.add(
                &display_path(root, dir),
                None,
                format!("cannot read folder: {e}"),
            );
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || name.starts_with('_') {
            continue;
        }
        if path.is_dir() {
            collect_markdown(root, &path, out, problems);
        } else if name.ends_with(".md") && !name.eq_ignore_ascii_case("README.md") {
            out.push(path);
        }
    }
}

fn display_path(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
}

/// 1-based line of byte `offset` in `text`.
fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Byte offset where 1-based `line` starts.
fn offset_of_line(text: &str, line: usize) -> usize {
    text.split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum()
}

/// The 1-based line on which `key = ...` (or a `[key]` table) appears.
fn find_key_line(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            let l = l.trim_start();
            l.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
                || l.trim() == format!("[{key}]")
        })
        .map(|i| i + 1)
}

/// The 1-based line on which `key = value` appears.
fn find_value_line(text: &str, key: &str, value: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            let l = l.trim_start();
            l.strip_prefix(key)
                .and_then(|r| r.trim_start().strip_prefix('='))
                .is_some_and(|v| v.trim() == value)
        })
        .map(|i| i + 1)
}

/// A TOML error's message on one line, without the drawn excerpt.
fn toml_message(e: &toml::de::Error) -> String {
    e.message()
        .lines()
        .next()
        .unwrap_or("invalid TOML")
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

    #[test]
    fn summaries_end_at_a_sentence() {
        let long = "This is the first sentence of a fairly long reflection. ".repeat(8);
        let s = summarize(&long);
        assert!(s.ends_with('.') && s.chars().count() <= 200, "{s}");
    }
}
