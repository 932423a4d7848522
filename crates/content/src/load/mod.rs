//! Reading a journey folder: `journey.toml` and one Markdown file per entry.
//! Everything is validated before anything is returned; every problem is
//! reported with its file and line.
//!
//! `journey.rs` reads `journey.toml`, `entry.rs` one entry file (its front
//! matter, `front_matter.rs`, and its sections, `sections.rs`), `images.rs`
//! the cover image, `schedule.rs` the days and publish times; this module
//! walks the folder and checks what spans entries.

mod entry;
pub(crate) mod front_matter;
mod images;
mod journey;
mod schedule;
pub(crate) mod sections;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::error::{ContentError, ContentErrors};
use crate::fingerprint::Fingerprint;
use crate::model::{EntryKind, Journey, Tag};
use crate::source::JourneySource;
use entry::load_entry;
use front_matter::{find_key_line, split_front_matter};
use journey::read_journey;

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
    load_journey_source(JourneySource::read(dir)?, options)
}

/// The journey of `source` with only the entry at `path`, read from `text`
/// instead of the file kept there (or as a new file): what the back office's
/// preview renders as the author types. Problems of that entry and of
/// `journey.toml` are reported; the other entries are not read, so what
/// spans entries (a slug or a day given twice) is checked only by
/// [`load_journey_source`]. A draft is read as if it were not one.
pub fn load_entry_preview(
    source: &JourneySource,
    path: &str,
    text: &str,
    options: &LoadOptions,
) -> Result<Journey, ContentErrors> {
    let mut problems = Problems(Vec::new());
    let Some(journey_text) = source.text("journey.toml") else {
        problems.add(Path::new("journey.toml"), None, "missing or not UTF-8");
        return Err(ContentErrors(problems.0));
    };
    let Some(journey) = read_journey(source, journey_text, &mut problems) else {
        return Err(ContentErrors(problems.0));
    };
    let shown = PathBuf::from(path);
    let mut entries = Vec::new();
    let text = entry::without_draft(text);
    if let Some(entry) = load_entry(&shown, &text, &journey, options, &mut problems) {
        entries.push(entry);
    }
    if !problems.0.is_empty() {
        return Err(ContentErrors(problems.0));
    }
    let folder = source.folder.clone();
    Ok(assemble(
        journey,
        entries,
        options,
        String::new(),
        folder,
        JourneySource::default(),
    ))
}

/// Validates the journey of `source` (a folder read into memory, or kept by
/// the store and edited in the back office), as [`load_journey`] does.
pub fn load_journey_source(
    source: JourneySource,
    options: &LoadOptions,
) -> Result<Journey, ContentErrors> {
    let mut problems = Problems(Vec::new());
    let Some(journey_text) = source.text("journey.toml") else {
        let message = if source.files.contains_key("journey.toml") {
            "not UTF-8 text"
        } else {
            "missing: every journey folder has one"
        };
        problems.add(Path::new("journey.toml"), None, message);
        return Err(ContentErrors(problems.0));
    };
    // What the journey was loaded from: journey.toml, the cover, and each
    // entry file's path and text, as fields so that no two differ alike.
    let mut hasher = Fingerprint::new();
    hasher.field(journey_text.as_bytes());
    let Some(journey) = read_journey(&source, journey_text, &mut problems) else {
        return Err(ContentErrors(problems.0));
    };
    if let Some(image) = &journey.cover_file {
        hasher.field(&image.bytes);
    }

    // The entries.
    let mut entries = Vec::new();
    for path in source.entry_paths() {
        let shown = PathBuf::from(path);
        let Some(text) = source.text(path) else {
            problems.add(&shown, None, "not UTF-8 text");
            continue;
        };
        hasher.field(path.as_bytes());
        hasher.field(text.as_bytes());
        if let Some(entry) = load_entry(&shown, text, &journey, options, &mut problems) {
            entries.push(entry);
        }
    }

    // Across entries: unique slugs, one entry per day.
    let mut slugs: HashMap<String, String> = HashMap::new();
    let mut days: HashMap<(u32, EntryKind, u32), String> = HashMap::new();
    for entry in &entries {
        let shown = PathBuf::from(&entry.source_path);
        let front = source
            .text(&entry.source_path)
            .and_then(split_front_matter)
            .map(|(f, ..)| format!("+++\n{f}"))
            .unwrap_or_default();
        if let Some(first) = slugs.insert(entry.slug.clone(), entry.source_path.clone()) {
            problems.add(
                &shown,
                find_key_line(&front, "slug").or(Some(1)),
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

    let folder = source.folder.clone();
    Ok(assemble(
        journey,
        entries,
        options,
        hasher.hex(),
        folder,
        source,
    ))
}

/// The journey of a read `journey.toml` and its loaded entries, placed in
/// time (see `schedule::place`) and in reading order.
fn assemble(
    journey: journey::JourneyToml,
    mut entries: Vec<crate::model::Entry>,
    options: &LoadOptions,
    source_hash: String,
    folder: String,
    source: JourneySource,
) -> Journey {
    schedule::place(&mut entries, journey.start, options);
    let file = journey.file;
    Journey {
        slug: journey.slug,
        title: file.title.trim().to_owned(),
        summary: file.summary.trim().to_owned(),
        cover_image: journey.cover_url,
        cover_file: journey.cover_file,
        tags: file.tags.iter().map(|t| Tag::new(t)).collect(),
        visibility: journey.visibility,
        weeks: journey.weeks,
        entries,
        authors: journey.authors,
        source_hash,
        folder,
        source,
    }
}
