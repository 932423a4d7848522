//! `journey.toml`: the journey's title, slug, summary, cover, visibility,
//! start date, weeks and authors.

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;

use jiff::civil::Date;
use serde::Deserialize;

use super::Problems;
use super::front_matter::{find_key_line, find_value_line, line_of, toml_message};
use super::images::read_image;
use crate::markdown::render_markdown;
use crate::model::{Author, ImageFile, Visibility, Week};
use crate::slug::{is_slug, slugify};
use crate::source::JourneySource;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct JourneyFile {
    pub(super) title: String,
    slug: Option<String>,
    pub(super) summary: String,
    cover: Option<String>,
    #[serde(default)]
    pub(super) tags: Vec<String>,
    #[serde(default)]
    visibility: Option<String>,
    /// The date of week 1's first day; entries without `publish` follow it.
    start: Option<toml::value::Datetime>,
    /// The default author of the entries.
    pub(super) author: Option<String>,
    #[serde(default)]
    weeks: Vec<WeekFile>,
    #[serde(default)]
    pub(super) authors: BTreeMap<String, AuthorFile>,
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
pub(super) struct AuthorFile {
    name: String,
    #[serde(default)]
    bio: String,
}

/// A read `journey.toml`: what its fields became, checked.
pub(super) struct JourneyToml {
    /// The file as written, for what entries take from it (authors, tags).
    pub(super) file: JourneyFile,
    pub(super) slug: String,
    pub(super) visibility: Visibility,
    /// The date of week 1's first day.
    pub(super) start: Option<Date>,
    pub(super) cover_url: Option<String>,
    pub(super) cover_file: Option<ImageFile>,
    pub(super) weeks: Vec<Week>,
    pub(super) week_numbers: HashSet<u32>,
    pub(super) authors: Vec<Author>,
}

/// Reads `journey.toml` (its text; the folder holds the cover). Problems go to
/// `problems`; `None` when the file is not TOML of the expected shape.
pub(super) fn read_journey(
    source: &JourneySource,
    text: &str,
    problems: &mut Problems,
) -> Option<JourneyToml> {
    let shown_journey = PathBuf::from("journey.toml");
    let file: JourneyFile = match toml::from_str(text) {
        Ok(f) => f,
        Err(e) => {
            let line = e.span().map(|s| line_of(text, s.start));
            problems.add(&shown_journey, line, toml_message(&e));
            return None;
        }
    };
    let field_line = |key: &str| find_key_line(text, key);

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
            match read_image(source, cover) {
                Ok(image) => cover_file = Some(image),
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
                find_value_line(text, "number", &week.number.to_string()),
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
    Some(JourneyToml {
        file,
        slug,
        visibility,
        start,
        cover_url,
        cover_file,
        weeks,
        week_numbers,
        authors,
    })
}
