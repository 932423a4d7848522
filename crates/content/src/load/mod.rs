//! Reading a journey folder: `journey.toml` and one Markdown file per entry.
//! Everything is validated before anything is returned; every problem is
//! reported with its file and line.
//!
//! `journey.rs` reads `journey.toml`, `entry.rs` one entry file (its front
//! matter, `front_matter.rs`, and its sections, `sections.rs`), `images.rs`
//! the cover image, `schedule.rs` the days and publish times; this module
//! walks the folder and checks what spans entries.

mod entry;
mod front_matter;
mod images;
mod journey;
mod schedule;
mod sections;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::error::{ContentError, ContentErrors};
use crate::fingerprint::Fingerprint;
use crate::model::{EntryKind, Journey, Tag};
use entry::load_entry;
use front_matter::{entry_front, find_key_line};
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
    let mut problems = Problems(Vec::new());
    let journey_path = dir.join("journey.toml");
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
    // What the journey was loaded from: journey.toml, the cover, and each
    // entry file's path and text, as fields so that no two differ alike.
    let mut hasher = Fingerprint::new();
    hasher.field(journey_text.as_bytes());
    let Some(journey) = read_journey(dir, &journey_text, &mut problems) else {
        return Err(ContentErrors(problems.0));
    };
    if let Some(image) = &journey.cover_file {
        hasher.field(&image.bytes);
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
        hasher.field(shown.to_string_lossy().as_bytes());
        hasher.field(text.as_bytes());
        if let Some(entry) = load_entry(&shown, &text, &journey, options, &mut problems) {
            entries.push(entry);
        }
    }

    // Across entries: unique slugs, one entry per day.
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

    schedule::place(&mut entries, journey.start, options);
    let file = journey.file;
    Ok(Journey {
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
        source_hash: hasher.hex(),
        // Canonical first: `abide import .` names the folder too.
        folder: dir
            .canonicalize()
            .unwrap_or_else(|_| dir.to_owned())
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
    })
}

/// Every Markdown file under `dir` but READMEs, skipping names that start
/// with `.` or `_`.
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

/// `path` relative to the journey folder, as problems name it.
fn display_path(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
}
