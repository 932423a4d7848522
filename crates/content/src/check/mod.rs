//! The content check before publishing: what loading lets through but a
//! reader should not see. Placeholder text left by page builders and
//! templates, empty sections, citations of chapters or verses that do not
//! exist, a key passage the site's translation lacks or that is quoted in
//! other words than the translation's (likely a copyrighted translation
//! pasted in), images without alt text, internal links that lead nowhere.
//!
//! Errors block publishing, warnings do not; each [`Finding`] says what,
//! why, and how to fix it, at a file and line. The check reads one file's
//! text at a time, so the editor can run it on a draft before it is saved;
//! what it needs from the site (verse text, which pages exist) comes in a
//! [`CheckContext`].

mod diff;
mod quote;
mod sites;
mod text;

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;

use abide_scripture::{
    Citation, Range as VerseRange, RejectReason, Style, Versification, extract_with_rejected,
    format_ranges, parse, rejected, to_osis,
};
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use self::text::{Lines, key_line, placeholders, prose_only, split_front_matter};
pub use sites::{FIXED_PAGES, SitePaths, resolve};

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth a look; publishing goes ahead.
    Warning,
    /// Blocks publishing until fixed.
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Warning => "warning",
            Self::Error => "error",
        })
    }
}

/// One problem found by the check, at a file and line.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Finding {
    /// Whether it blocks publishing.
    pub severity: Severity,
    /// The file, as the caller named it.
    pub file: String,
    /// 1-based line in the file, when the problem has one.
    pub line: Option<usize>,
    /// What is wrong, why it matters, and how to fix it.
    pub message: String,
}

impl fmt::Display for Finding {
    /// `file:line: error: message`, as compilers write it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(
                f,
                "{}:{line}: {}: {}",
                self.file, self.severity, self.message
            ),
            None => write!(f, "{}: {}: {}", self.file, self.severity, self.message),
        }
    }
}

/// Whether any of `findings` is an error (publishing is blocked).
pub fn has_errors(findings: &[Finding]) -> bool {
    findings.iter().any(|f| f.severity == Severity::Error)
}

/// A passage's text in the site's translation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerseText {
    /// The translation's name or abbreviation, as messages show it ("WEB").
    pub translation: String,
    /// The passage as plain text, its verses joined by spaces. Empty when
    /// the translation has the passage but its text is not at hand: then
    /// quotations are not compared.
    pub text: String,
}

/// What the check needs from the site.
pub struct CheckContext<'a> {
    /// The text of a passage, given as OSIS (one range: `Ps.46.10`,
    /// `Gen.21.16-Gen.21.19`, `Luke.15`), in the site's default translation;
    /// `None` when the translation lacks it.
    pub verse_text: &'a dyn Fn(&str) -> Option<VerseText>,
    /// Whether a link leads somewhere on the site: a site path
    /// (`/journeys/come-and-rest/be-still`, query and fragment removed), or a
    /// relative link as written (`02-the-quiet-place.md`, `../other`), which
    /// the caller resolves against the checked file.
    pub link_exists: &'a dyn Fn(&str) -> bool,
}

impl CheckContext<'static> {
    /// A context that knows nothing of the site: every passage exists (its
    /// text unknown, so quotations are not compared) and every link leads
    /// somewhere. Only what a file shows by itself is checked.
    pub fn permissive() -> Self {
        fn any_passage(_: &str) -> Option<VerseText> {
            Some(VerseText {
                translation: String::new(),
                text: String::new(),
            })
        }
        fn any_link(_: &str) -> bool {
            true
        }
        Self {
            verse_text: &any_passage,
            link_exists: &any_link,
        }
    }
}

impl fmt::Debug for CheckContext<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CheckContext").finish_non_exhaustive()
    }
}

/// Findings of one file, and the lookups of its passages.
struct Check<'a, 't> {
    file: &'a str,
    text: &'t str,
    lines: Lines,
    ctx: &'a CheckContext<'a>,
    found: Vec<Finding>,
    texts: RefCell<HashMap<String, Option<VerseText>>>,
}

impl<'a, 't> Check<'a, 't> {
    fn new(file: &'a str, text: &'t str, ctx: &'a CheckContext<'a>) -> Self {
        Self {
            file,
            text,
            lines: Lines::new(text),
            ctx,
            found: Vec::new(),
            texts: RefCell::new(HashMap::new()),
        }
    }

    fn add(&mut self, severity: Severity, line: Option<usize>, message: String) {
        self.found.push(Finding {
            severity,
            file: self.file.to_owned(),
            line,
            message,
        });
    }

    fn at(&mut self, severity: Severity, offset: usize, message: String) {
        let line = self.lines.of(offset);
        self.add(severity, Some(line), message);
    }

    /// The passage's text, asked once per OSIS.
    fn verse_text(&self, osis: &str) -> Option<VerseText> {
        if let Some(known) = self.texts.borrow().get(osis) {
            return known.clone();
        }
        let found = (self.ctx.verse_text)(osis);
        self.texts
            .borrow_mut()
            .insert(osis.to_owned(), found.clone());
        found
    }

    /// The text of every range, joined; `Err` with the ranges the
    /// translation lacks.
    fn passage_text(&self, ranges: &[VerseRange]) -> Result<(String, String), Vec<VerseRange>> {
        let mut text = String::new();
        let mut name = String::new();
        let mut lacking = Vec::new();
        for r in ranges {
            match self.verse_text(&to_osis(std::slice::from_ref(r))) {
                Some(v) => {
                    if !text.is_empty() && !v.text.is_empty() {
                        text.push(' ');
                    }
                    text.push_str(&v.text);
                    name = v.translation;
                }
                None => lacking.push(*r),
            }
        }
        if lacking.is_empty() {
            Ok((name, text))
        } else {
            Err(lacking)
        }
    }

    /// The name of the site's translation, for messages: learned from any
    /// passage it has (the context gives texts, not the name by itself).
    fn translation_name(&self) -> String {
        let known = self
            .texts
            .borrow()
            .values()
            .flatten()
            .map(|v| v.translation.clone())
            .find(|t| !t.is_empty());
        known
            .or_else(|| {
                ["John.3.16", "Gen.1.1"]
                    .iter()
                    .filter_map(|p| (self.ctx.verse_text)(p))
                    .map(|v| v.translation)
                    .find(|t| !t.is_empty())
            })
            .map_or_else(
                || "the site's translation".to_owned(),
                |t| format!("the site's translation ({t})"),
            )
    }

    fn placeholders(&mut self) {
        let text = self.text;
        for (i, line) in text.lines().enumerate() {
            for r in placeholders(line) {
                self.add(
                    Severity::Error,
                    Some(i + 1),
                    format!(
                        "placeholder text {:?}, left by a page builder or a template: replace it \
                         with what you mean to say, or remove it",
                        &line[r]
                    ),
                );
            }
        }
    }

    /// `key = ""` for keys whose empty value is a mistake.
    fn empty_values(&mut self, keys: &[&str]) {
        let text = self.text;
        for (i, line) in text.lines().enumerate() {
            let Some((key, value)) = line.split_once('=') else {
                continue;
            };
            let key = key.trim();
            let value = value.trim();
            if keys.contains(&key) && matches!(value, "\"\"" | "''" | "\"\"\"\"\"\"" | "''''''") {
                self.add(
                    Severity::Error,
                    Some(i + 1),
                    format!("`{key}` is empty: write it, or remove the line"),
                );
            }
        }
    }

    /// Citations of chapters or verses that do not exist, and cited passages
    /// the translation lacks, in `masked` (see `prose_only`); the key
    /// passage's line (`skip_line`) is checked on its own.
    fn citations<'m>(
        &mut self,
        masked: &'m str,
        skip_line: Option<usize>,
        key: Option<&[VerseRange]>,
    ) -> Vec<Citation<'m>> {
        let (citations, rejects) = extract_with_rejected(masked);
        let v = Versification::kjv();
        for r in rejects {
            let line = self.lines.of(r.span.start);
            if Some(line) == skip_line {
                continue;
            }
            if !r.contextual {
                self.add(
                    Severity::Error,
                    Some(line),
                    format!(
                        "{:?} is not a passage: {}. Correct the reference (it would be shown \
                         without a link or verse text)",
                        r.text, r.reason
                    ),
                );
                continue;
            }
            // "(v. 37)" after another chapter was cited: the author may mean
            // the key passage's chapter, where it exists. Otherwise it is
            // worth a look, not a block: the reader sees the text unlinked.
            let in_key_chapter = match (r.reason, key.and_then(|k| k.first())) {
                (RejectReason::NoVerse { verse, .. }, Some(k)) => v
                    .verse_count(k.start.book, k.start.chapter)
                    .is_some_and(|n| (1..=n).contains(&verse)),
                _ => false,
            };
            if !in_key_chapter {
                self.add(
                    Severity::Warning,
                    Some(line),
                    format!(
                        "{:?} is read against the reference before it, and {}: name the \
                         passage (\"John 3:16\"), or correct the number",
                        r.text, r.reason
                    ),
                );
            }
        }
        let mut asked = std::collections::HashSet::new();
        for c in &citations {
            let line = self.lines.of(c.span.start);
            if Some(line) == skip_line || !asked.insert(c.osis()) {
                continue;
            }
            if let Err(lacking) = self.passage_text(&c.ranges) {
                let name = self.translation_name();
                self.add(
                    Severity::Warning,
                    Some(line),
                    format!(
                        "{name} lacks {} (cited as {:?}): its text cannot be shown; cite \
                         another passage, or install a translation that has it",
                        format_ranges(&lacking, Style::Full),
                        c.text
                    ),
                );
            }
        }
        citations
    }

    /// Images without alt text and internal links that lead nowhere, in the
    /// Markdown `source` at byte `offset` of the file.
    fn markup(&mut self, source: &str, offset: usize) {
        let options = Options::ENABLE_TABLES
            | Options::ENABLE_FOOTNOTES
            | Options::ENABLE_STRIKETHROUGH
            | Options::ENABLE_SMART_PUNCTUATION;
        let mut image: Option<(String, usize, String)> = None; // destination, start, alt
        for (event, range) in Parser::new_ext(source, options).into_offset_iter() {
            let at = offset + range.start;
            match event {
                Event::Start(Tag::Image { dest_url, .. }) => {
                    image = Some((dest_url.to_string(), at, String::new()));
                }
                Event::Text(t) | Event::Code(t) => {
                    if let Some((_, _, alt)) = image.as_mut() {
                        alt.push_str(&t);
                    }
                }
                Event::End(TagEnd::Image) => {
                    if let Some((dest, at, alt)) = image.take()
                        && alt.trim().is_empty()
                    {
                        self.no_alt(at, &dest);
                    }
                }
                Event::Start(Tag::Link { dest_url, .. }) => self.link(at, &dest_url),
                Event::Html(html) | Event::InlineHtml(html) => {
                    for (i, tag) in html_tags(&html) {
                        let lower = tag.to_ascii_lowercase();
                        if lower.starts_with("<img") {
                            if attribute(tag, "alt").is_none_or(|a| a.trim().is_empty()) {
                                let src = attribute(tag, "src").unwrap_or_default();
                                self.no_alt(at + i, &src);
                            }
                        } else if lower.starts_with("<a ")
                            && let Some(href) = attribute(tag, "href")
                        {
                            self.link(at + i, &href);
                        }
                    }
                }
                _ => {}
            }
        }
    }

    fn no_alt(&mut self, at: usize, dest: &str) {
        self.at(
            Severity::Error,
            at,
            format!(
                "the image {dest:?} has no alt text: describe it for readers who cannot see it, \
                 as ![a lamp on a wooden table]({dest})"
            ),
        );
    }

    fn link(&mut self, at: usize, dest: &str) {
        if let Some(path) = internal_path(dest)
            && !(self.ctx.link_exists)(path)
        {
            self.at(
                Severity::Warning,
                at,
                format!(
                    "the link to {dest:?} leads nowhere: no page of the site has that address; \
                     correct it or remove the link"
                ),
            );
        }
    }
}

/// The site path or relative link of a link destination, without query and
/// fragment; `None` for links elsewhere (`https:`, `mailto:`, `//host`) and
/// links within the page (`#notes`).
fn internal_path(dest: &str) -> Option<&str> {
    let dest = dest.trim();
    if dest.is_empty() || dest.starts_with('#') || dest.starts_with("//") {
        return None;
    }
    let end_of_scheme = dest.find([':', '/', '?', '#']);
    if let Some(i) = end_of_scheme
        && dest[i..].starts_with(':')
        && dest[..i]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    {
        return None;
    }
    let path = &dest[..dest.find(['?', '#']).unwrap_or(dest.len())];
    (!path.is_empty()).then_some(path)
}

/// The tags in an HTML fragment, with their offsets.
fn html_tags(html: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = html[from..].find('<') {
        let start = from + i;
        let Some(len) = html[start..].find('>') else {
            break;
        };
        out.push((start, &html[start..=start + len]));
        from = start + len + 1;
    }
    out
}

/// The value of attribute `name` in an HTML tag.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    let mut from = 0;
    while let Some(i) = lower[from..].find(name) {
        let at = from + i;
        from = at + name.len();
        if at == 0 || !bytes[at - 1].is_ascii_whitespace() {
            continue;
        }
        let rest = tag[from..].trim_start();
        let Some(value) = rest.strip_prefix('=') else {
            // An attribute without a value: `<img alt src=...>`.
            if rest.starts_with(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/') {
                return Some(String::new());
            }
            continue;
        };
        let value = value.trim_start();
        return Some(match value.chars().next() {
            Some(q @ ('"' | '\'')) => value[1..].split(q).next().unwrap_or("").to_owned(),
            _ => value
                .split(|c: char| c.is_ascii_whitespace() || c == '>')
                .next()
                .unwrap_or("")
                .to_owned(),
        });
    }
    None
}

/// The headings of a Markdown body outside code fences: `(offset, level, title)`.
fn headings(text: &str, body: usize) -> Vec<(usize, usize, &str)> {
    let mut out = Vec::new();
    let mut fence: Option<&str> = None;
    let mut at = body;
    for line in text[body..].split_inclusive('\n') {
        let trimmed = line.trim();
        if let Some(f) = fence {
            if trimmed.starts_with(f) {
                fence = None;
            }
        } else if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fence = Some(&trimmed[..3]);
        } else if line.len() - line.trim_start_matches(' ').len() <= 3 {
            let hashes = trimmed.bytes().take_while(|&b| b == b'#').count();
            let rest = &trimmed[hashes..];
            if (1..=6).contains(&hashes) && (rest.is_empty() || rest.starts_with([' ', '\t'])) {
                let title = rest.trim().trim_end_matches('#').trim();
                out.push((at, hashes, title));
            }
        }
        at += line.len();
    }
    out
}

/// Which of an entry's sections a heading names.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    Application,
    Questions,
    Other,
}

fn section_of(title: &str) -> Section {
    match title.trim_end_matches(':').to_lowercase().as_str() {
        "application" | "practice" | "practices" => Section::Application,
        "question" | "questions" | "reflection question" | "reflection questions" => {
            Section::Questions
        }
        _ => Section::Other,
    }
}

/// Whether a line is a list item with no text (`- `, `1.`, `- {5 min}`).
fn empty_list_item(line: &str) -> bool {
    let t = line.trim();
    let rest = if let Some(r) = t.strip_prefix(['-', '*', '+']) {
        r
    } else {
        let digits = t.bytes().take_while(u8::is_ascii_digit).count();
        match t[digits..].strip_prefix(['.', ')']) {
            Some(r) if digits > 0 => r,
            _ => return false,
        }
    };
    if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
        return false;
    }
    let rest = rest.trim();
    // A duration alone: "- {5 min}".
    rest.is_empty() || (rest.starts_with('{') && rest.ends_with('}') && !rest[1..].contains('{'))
}

/// Empty sections, headings without text, and empty items of the
/// Application and Question(s) sections, in the body at `body`.
fn sections(check: &mut Check<'_, '_>, body: usize) {
    let text = check.text;
    let heads = headings(text, body);
    for (i, &(at, level, title)) in heads.iter().enumerate() {
        let content_start = at + text[at..].find('\n').map_or(text.len() - at, |n| n + 1);
        let end = heads[i + 1..]
            .iter()
            .find(|&&(_, l, _)| l <= level)
            .map_or(text.len(), |&(a, _, _)| a);
        let content = &text[content_start.min(end)..end];
        if title.is_empty() {
            check.at(
                Severity::Error,
                at,
                "a heading without text: write it, or remove the line".to_owned(),
            );
        } else if content.trim().is_empty() {
            check.at(
                Severity::Error,
                at,
                format!("the section \"{title}\" is empty: write it, or remove the heading"),
            );
        }
        let what = match section_of(title) {
            Section::Application => "an Application item",
            Section::Questions => "a question",
            Section::Other => continue,
        };
        let mut line_at = content_start.min(end);
        for line in content.split_inclusive('\n') {
            if empty_list_item(line) {
                check.at(
                    Severity::Error,
                    line_at,
                    format!("{what} is empty: write it, or remove the line"),
                );
            }
            line_at += line.len();
        }
    }
}

/// What the front matter holds that the check looks at.
fn front_matter_items(check: &mut Check<'_, '_>, front: &str, front_line: usize) {
    let Ok(table) = toml::from_str::<toml::Table>(front) else {
        return; // loading reports it
    };
    let line_of = |key: &str| key_line(front, key).map(|l| front_line + l);
    let empty_string = |v: &toml::Value| v.as_str().is_some_and(|s| s.trim().is_empty());
    for (key, what) in [
        ("questions", "a question in `questions`"),
        ("application", "an item of `application`"),
        ("tags", "a tag in `tags`"),
    ] {
        let Some(items) = table.get(key).and_then(toml::Value::as_array) else {
            continue;
        };
        let empty = items
            .iter()
            .any(|v| empty_string(v) || v.get("text").is_some_and(&empty_string));
        if empty {
            check.add(
                Severity::Error,
                line_of(key),
                format!("{what} is empty: write it, or remove it"),
            );
        }
    }
}

/// Checks one entry file (Markdown with TOML front matter between `+++`
/// lines) named `path` in the findings, with the site's verse texts and
/// pages from `ctx`. What loading reports (the front matter's shape, a
/// missing question) is not repeated here, except a key passage that does
/// not parse, which gets its reason.
pub fn check_entry_file(path: &str, text: &str, ctx: &CheckContext<'_>) -> Vec<Finding> {
    let mut check = Check::new(path, text, ctx);
    check.placeholders();
    // Without front matter the whole file is the body (loading says what is missing).
    let (front, front_at, body) = split_front_matter(text).unwrap_or_default();
    let front_line = check.lines.of(front_at);
    check.empty_values(&["title", "summary", "going_deeper", "key_passage"]);
    if !front.is_empty() {
        front_matter_items(&mut check, front, front_line);
    }
    sections(&mut check, body);

    // The key passage: it parses, the translation has it.
    let key = toml::from_str::<toml::Table>(front)
        .ok()
        .and_then(|t| {
            t.get("key_passage")
                .and_then(|v| v.as_str())
                .map(str::to_owned)
        })
        .filter(|k| !k.trim().is_empty());
    let key_line_no = key_line(front, "key_passage").map(|l| front_line + l);
    let mut key_ranges = None;
    if let Some(key) = &key {
        match parse(key) {
            Ok(c) => key_ranges = Some(c.ranges),
            Err(e) => {
                let reason = rejected(key).first().map_or_else(
                    || e.to_string(),
                    |r| format!("{:?} does not exist: {}", r.text, r.reason),
                );
                check.add(
                    Severity::Error,
                    key_line_no,
                    format!(
                        "key_passage {key:?} is not a passage ({reason}): write a reference \
                         such as \"Psalm 46:10\" or \"John 15:4-5\""
                    ),
                );
            }
        }
    }
    let masked = prose_only(text);
    let citations = check.citations(&masked, key_line_no, key_ranges.as_deref());
    if let Some(ranges) = &key_ranges {
        match check.passage_text(ranges) {
            Err(lacking) => {
                let name = check.translation_name();
                check.add(
                    Severity::Warning,
                    key_line_no,
                    format!(
                        "{name} lacks the key passage {}: readers will see the reference without \
                         its text; choose another key passage, or install a translation that has it",
                        format_ranges(&lacking, Style::Full)
                    ),
                );
            }
            Ok((name, verse)) if !verse.trim().is_empty() => {
                quotations(&mut check, &masked, body, &citations, ranges, &name, &verse);
            }
            Ok(_) => {}
        }
    }
    check.markup(&text[body..], body);
    check.found.sort_by_key(|f| f.line);
    check.found
}

/// Warns about quotations of the key passage that differ from the
/// translation's text `verse`.
fn quotations(
    check: &mut Check<'_, '_>,
    masked: &str,
    body: usize,
    citations: &[Citation<'_>],
    key: &[VerseRange],
    translation: &str,
    verse: &str,
) {
    let key_keys: Vec<(u32, u32)> = key.iter().map(|r| r.keys()).collect();
    let verse_words = diff::words(verse);
    let name = if translation.is_empty() {
        "the translation"
    } else {
        translation
    };
    let passage = format_ranges(key, Style::Full);
    for q in quote::key_quotations(masked, body, citations, &key_keys, &verse_words) {
        let differences = &q.comparison.differences;
        if differences.is_empty() {
            continue;
        }
        let shown = |w: &[String]| {
            if w.is_empty() {
                "(nothing)".to_owned()
            } else {
                format!("'{}'", w.join(" "))
            }
        };
        let mut listed: Vec<String> = differences
            .iter()
            .take(3)
            .map(|d| {
                format!(
                    "quoted: {} — {name}: {}",
                    shown(&d.quoted),
                    shown(&d.translation)
                )
            })
            .collect();
        if differences.len() > 3 {
            listed.push(format!("and {} more", differences.len() - 3));
        }
        check.at(
            Severity::Warning,
            q.at,
            format!(
                "the quotation of {passage} differs from the site's translation ({name}): {}. It \
                 may be from a copyrighted translation: quote {name}'s words, or cite the passage \
                 without quoting it",
                listed.join("; ")
            ),
        );
    }
}

/// Checks a journey's `journey.toml` (its text): placeholders anywhere (title,
/// summary, week themes and introductions, tags, authors), empty titles,
/// summaries and themes, and citations in it that do not exist. Findings
/// name the file `journey.toml`.
pub fn check_journey_toml(text: &str) -> Vec<Finding> {
    let ctx = CheckContext::permissive();
    let mut check = Check::new("journey.toml", text, &ctx);
    check.placeholders();
    check.empty_values(&["title", "summary", "theme", "name"]);
    if let Ok(table) = toml::from_str::<toml::Table>(text)
        && let Some(tags) = table.get("tags").and_then(toml::Value::as_array)
        && tags
            .iter()
            .any(|t| t.as_str().is_some_and(|s| s.trim().is_empty()))
    {
        let line = key_line(text, "tags").map(|l| l + 1);
        check.add(
            Severity::Error,
            line,
            "a tag in `tags` is empty: write it, or remove it".to_owned(),
        );
    }
    for r in rejected(text) {
        let line = check.lines.of(r.span.start);
        check.add(
            Severity::Error,
            Some(line),
            format!(
                "{:?} is not a passage: {}. Correct the reference (it would be shown without a \
                 link or verse text)",
                r.text, r.reason
            ),
        );
    }
    check.found.sort_by_key(|f| f.line);
    check.found
}
