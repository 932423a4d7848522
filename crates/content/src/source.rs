//! A journey folder in memory: the files a journey is loaded from, which the
//! store keeps so that the back office can edit them and `abide export` can
//! write them back. One format, whichever way an entry was written.

use std::collections::BTreeMap;
use std::path::Path;

use crate::error::{ContentError, ContentErrors};
use crate::fingerprint::Fingerprint;

/// A week's number and theme.
pub type WeekTheme = (u32, String);

/// The largest file of a journey folder that is read: an entry of 1 MiB is
/// a short book; a cover image is checked against its own, smaller limit.
pub const MAX_SOURCE_FILE_BYTES: usize = 8 << 20;

/// The most files a journey folder may hold (entries, `journey.toml`, cover).
pub const MAX_SOURCE_FILES: usize = 2_000;

/// The files of one journey folder, by path relative to it with `/` between
/// folders (`journey.toml`, `01-be-still.md`, `week-2/01-an-ordinary-day.md`,
/// `cover.jpg`): `journey.toml`, every Markdown entry, and the cover image
/// when `journey.toml` names a file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JourneySource {
    /// The folder's name (`come-and-rest`): what identifies the journey when
    /// its slug changes, and the folder `abide export` writes.
    pub folder: String,
    /// The files, by relative path.
    pub files: BTreeMap<String, Vec<u8>>,
}

impl JourneySource {
    /// The text of the file at `path`, if there is one and it is UTF-8.
    pub fn text(&self, path: &str) -> Option<&str> {
        self.files
            .get(path)
            .and_then(|b| std::str::from_utf8(b).ok())
    }

    /// The paths of the entry files (Markdown), in order.
    pub fn entry_paths(&self) -> impl Iterator<Item = &str> {
        self.files
            .keys()
            .map(String::as_str)
            .filter(|p| is_entry_path(p))
    }

    /// A fingerprint of one file's bytes, as the store keeps it.
    pub fn hash_of(bytes: &[u8]) -> String {
        Fingerprint::of(bytes).hex()
    }

    /// The authors `journey.toml` describes (slug, name) and its weeks
    /// (number, theme), as far as it reads; for the editor's choices.
    pub fn authors_and_weeks(&self) -> (Vec<(String, String)>, Vec<WeekTheme>) {
        let Some(table) = self
            .text("journey.toml")
            .and_then(|t| toml::from_str::<toml::Table>(t).ok())
        else {
            return (Vec::new(), Vec::new());
        };
        let authors = table
            .get("authors")
            .and_then(toml::Value::as_table)
            .map(|t| {
                t.iter()
                    .map(|(slug, a)| {
                        let name = a.get("name").and_then(toml::Value::as_str).unwrap_or(slug);
                        (slug.clone(), name.to_owned())
                    })
                    .collect()
            })
            .unwrap_or_default();
        let weeks = table
            .get("weeks")
            .and_then(toml::Value::as_array)
            .map(|weeks| {
                weeks
                    .iter()
                    .filter_map(|w| {
                        let number = u32::try_from(w.get("number")?.as_integer()?).ok()?;
                        let theme = w.get("theme").and_then(toml::Value::as_str).unwrap_or("");
                        Some((number, theme.to_owned()))
                    })
                    .collect()
            })
            .unwrap_or_default();
        (authors, weeks)
    }

    /// Reads the journey folder `dir`: `journey.toml`, the Markdown files
    /// under it (not `README.md`, nor names starting with `.` or `_`), and the
    /// cover image `journey.toml` names. Problems name the file.
    pub fn read(dir: &Path) -> Result<Self, ContentErrors> {
        let mut problems = Vec::new();
        let mut files = BTreeMap::new();
        let folder = dir
            .canonicalize()
            .unwrap_or_else(|_| dir.to_owned())
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut paths = Vec::new();
        collect(dir, "", &mut paths, &mut problems);
        paths.sort();
        let journey_toml = std::fs::read_to_string(dir.join("journey.toml"));
        match &journey_toml {
            Ok(text) => {
                files.insert("journey.toml".to_owned(), text.clone().into_bytes());
                if let Some(cover) = cover_file_name(text) {
                    paths.push(cover);
                }
            }
            Err(e) => problems.push(ContentError::new(
                Path::new("journey.toml"),
                None,
                format!("cannot read: {e}"),
            )),
        }
        if paths.len() > MAX_SOURCE_FILES {
            problems.push(ContentError::new(
                Path::new("."),
                None,
                format!(
                    "{} files: a journey folder holds at most {MAX_SOURCE_FILES}",
                    paths.len()
                ),
            ));
            return Err(ContentErrors(problems));
        }
        for path in paths {
            // The cover is checked (and a missing one reported) when the
            // journey is loaded; here it is only read when it is there.
            let full = dir.join(&path);
            let is_cover = !is_entry_path(&path);
            if is_cover && (!full.is_file() || !is_safe_path(&path)) {
                continue;
            }
            match std::fs::metadata(&full) {
                Ok(m) if m.len() > MAX_SOURCE_FILE_BYTES as u64 => {
                    problems.push(ContentError::new(
                        Path::new(&path),
                        None,
                        format!("{} bytes; at most {MAX_SOURCE_FILE_BYTES}", m.len()),
                    ));
                    continue;
                }
                _ => {}
            }
            match std::fs::read(&full) {
                Ok(bytes) => {
                    files.insert(path, bytes);
                }
                Err(e) => problems.push(ContentError::new(
                    Path::new(&path),
                    None,
                    format!("cannot read: {e}"),
                )),
            }
        }
        if problems.is_empty() {
            Ok(Self { folder, files })
        } else {
            Err(ContentErrors(problems))
        }
    }

    /// Writes the files under `dir` (created if need be): the folder as
    /// `abide export` gives it back.
    pub fn write(&self, dir: &Path) -> std::io::Result<()> {
        for (path, bytes) in &self.files {
            if !is_safe_path(path) {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    format!("{path:?} is not a path inside the journey folder"),
                ));
            }
            let full = dir.join(path);
            if let Some(parent) = full.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(full, bytes)?;
        }
        Ok(())
    }
}

/// Whether `path` is an entry file: Markdown, not a README.
pub fn is_entry_path(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.ends_with(".md") && !name.eq_ignore_ascii_case("README.md")
}

/// Whether `path` names a file inside a journey folder: relative, with `/`
/// between its parts, none of them empty, `.`, `..` or hidden, and no
/// character that means something else on some system.
pub fn is_safe_path(path: &str) -> bool {
    !path.is_empty()
        && path.len() <= 255
        && path.split('/').all(|part| {
            !part.is_empty()
                && !part.starts_with('.')
                && part
                    .chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | ' '))
        })
}

/// The cover `journey.toml` names when it is a file of the folder.
fn cover_file_name(journey_toml: &str) -> Option<String> {
    let value: toml::Table = toml::from_str(journey_toml).ok()?;
    let cover = value.get("cover")?.as_str()?;
    let is_url =
        cover.starts_with("https://") || cover.starts_with("http://") || cover.starts_with('/');
    (!is_url).then(|| cover.trim_start_matches("./").to_owned())
}

/// The Markdown files under `dir`, as paths relative to the journey folder.
fn collect(dir: &Path, prefix: &str, out: &mut Vec<String>, problems: &mut Vec<ContentError>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            problems.push(ContentError::new(
                Path::new(if prefix.is_empty() { "." } else { prefix }),
                None,
                format!("cannot read folder: {e}"),
            ));
            return;
        }
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || name.starts_with('_') {
            continue;
        }
        let relative = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}/{name}")
        };
        let path = entry.path();
        if path.is_dir() {
            collect(&path, &relative, out, problems);
        } else if is_entry_path(&relative) {
            out.push(relative);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_the_folder() {
        for good in [
            "journey.toml",
            "week-2/01-day.md",
            "cover.jpg",
            "Day One.md",
        ] {
            assert!(is_safe_path(good), "{good}");
        }
        for bad in [
            "",
            "/etc/passwd",
            "../x.md",
            "a/../b.md",
            "a//b.md",
            ".hidden.md",
            "a\\b.md",
            "C:x.md",
            "a/./b.md",
        ] {
            assert!(!is_safe_path(bad), "{bad}");
        }
    }

    #[test]
    fn entry_paths_are_markdown_but_readmes() {
        assert!(is_entry_path("week-2/01.md"));
        assert!(!is_entry_path("README.md"));
        assert!(!is_entry_path("week-2/readme.md"));
        assert!(!is_entry_path("cover.jpg"));
    }
}
