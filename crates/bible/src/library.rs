//! The library: every translation Abide can show (the bundled ones and those
//! imported into a folder), the default one, and the verse of the day.

use std::path::{Path, PathBuf};

use abide_scripture::{Range, parse};

use crate::translation::{OpenError, Translation, TranslationInfo};

/// The translations compiled into Abide: `(id, translation file bytes)`.
/// Written by the build script from the `bible-lib` crate's texts, cleaned.
static BUNDLED: [(&str, &[u8]); 2] = [
    (
        "asv",
        include_bytes!(concat!(env!("OUT_DIR"), "/asv.bible")),
    ),
    (
        "kjv",
        include_bytes!(concat!(env!("OUT_DIR"), "/kjv.bible")),
    ),
];

/// The bundled translation that is the default when no World English Bible
/// has been imported: the most modern of the bundled texts.
const BUNDLED_DEFAULT: &str = "asv";
/// The id the default translation has when it is imported.
pub const PREFERRED_DEFAULT: &str = "web";
/// The file in the translations folder that replaces the built-in list of
/// verses of the day.
pub const VERSE_OF_THE_DAY_FILE: &str = "verse-of-the-day.txt";
/// The extension of translation files in the translations folder.
pub const TRANSLATION_EXTENSION: &str = "bible";

const DEFAULT_VOTD: &str = include_str!("votd.txt");

/// Every translation Abide can show, opened once and shared: `Send + Sync`,
/// so a server keeps one in an `Arc` for its lifetime. Opening reads only the
/// files' headers (a few milliseconds); each book is inflated on first use.
///
/// ```
/// use abide_bible::Library;
/// use abide_scripture::parse;
/// # let dir = std::env::temp_dir().join("abide-doc-library-none");
/// let library = Library::open(&dir).unwrap(); // a missing folder: the bundled texts only
/// assert_eq!(library.default_id(), "asv");
/// let ids: Vec<&str> = library.list().iter().map(|t| t.id.as_str()).collect();
/// assert_eq!(ids, ["asv", "kjv"]);
/// let passage = library.default_translation().passage(&parse("Psalm 46:10").unwrap().ranges).unwrap();
/// assert!(passage.verses[0].text.starts_with("Be still"));
/// ```
#[derive(Debug)]
pub struct Library {
    translations: Vec<Translation>,
    default: usize,
    dir: PathBuf,
    votd: Vec<Range>,
    problems: Vec<String>,
}

/// Why the library cannot be opened.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LibraryError {
    /// The translations folder exists but cannot be read.
    #[error("{path}: {source}")]
    Io {
        /// The folder or file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

impl Library {
    /// The bundled translations only.
    pub fn bundled() -> Library {
        let mut translations = Vec::new();
        let mut problems = Vec::new();
        for (id, bytes) in BUNDLED {
            match Translation::from_static(bytes) {
                Ok(mut t) => {
                    t.set_bundled();
                    translations.push(t);
                }
                // Only a broken build could get here; report it, don't panic.
                Err(e) => problems.push(format!("bundled translation {id}: {e}")),
            }
        }
        let mut library = Library {
            translations,
            default: 0,
            dir: PathBuf::new(),
            votd: Vec::new(),
            problems,
        };
        library.votd = library.parse_votd(DEFAULT_VOTD, "built-in verse-of-the-day list");
        library.choose_default();
        library
    }

    /// The bundled translations plus every `*.bible` file in `dir` (the
    /// translations folder, `<data_dir>/translations`). A missing folder is
    /// fine. A file that cannot be read is skipped and listed in
    /// [`problems`](Self::problems), so one damaged file does not stop a site.
    /// An imported translation with the id of a bundled one replaces it.
    pub fn open(dir: &Path) -> Result<Library, LibraryError> {
        let mut library = Library::bundled();
        library.dir = dir.to_owned();
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(library),
            Err(source) => {
                return Err(LibraryError::Io {
                    path: dir.to_owned(),
                    source,
                });
            }
        };
        let mut paths: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == TRANSLATION_EXTENSION))
            .collect();
        paths.sort();
        for path in paths {
            match Translation::open(&path) {
                Ok(t) => {
                    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
                    if stem != t.id() {
                        library.problems.push(format!(
                            "{}: holds translation {:?}; the file name must be {}.{TRANSLATION_EXTENSION}",
                            path.display(),
                            t.id(),
                            t.id()
                        ));
                        continue;
                    }
                    library.translations.retain(|old| old.id() != t.id());
                    library.translations.push(t);
                }
                Err(e @ (OpenError::Io { .. } | OpenError::Format { .. })) => {
                    library.problems.push(e.to_string());
                }
            }
        }
        library
            .translations
            .sort_by(|a, b| (!a.info().bundled, a.id()).cmp(&(!b.info().bundled, b.id())));
        let votd_path = dir.join(VERSE_OF_THE_DAY_FILE);
        match std::fs::read_to_string(&votd_path) {
            Ok(text) => {
                let list = library.parse_votd(&text, &votd_path.display().to_string());
                if list.is_empty() {
                    library.problems.push(format!(
                        "{}: no verses in it; using the built-in list",
                        votd_path.display()
                    ));
                } else {
                    library.votd = list;
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => library
                .problems
                .push(format!("{}: {e}", votd_path.display())),
        }
        library.choose_default();
        Ok(library)
    }

    fn choose_default(&mut self) {
        let find = |id: &str| self.translations.iter().position(|t| t.id() == id);
        self.default = find(PREFERRED_DEFAULT)
            .or_else(|| find(BUNDLED_DEFAULT))
            .unwrap_or(0);
    }

    fn parse_votd(&mut self, text: &str, origin: &str) -> Vec<Range> {
        let mut list = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            match parse(line) {
                Ok(c) => list.extend(c.ranges.first().copied()),
                Err(e) => self.problems.push(format!("{origin}:{}: {e}", i + 1)),
            }
        }
        list
    }

    /// The metadata of every translation: bundled ones first, then by id.
    pub fn list(&self) -> Vec<&TranslationInfo> {
        self.translations.iter().map(Translation::info).collect()
    }

    /// Every translation, in the order of [`list`](Self::list).
    pub fn translations(&self) -> &[Translation] {
        &self.translations
    }

    /// The translation with this id (case-insensitive), or `None`.
    pub fn get(&self, id: &str) -> Option<&Translation> {
        self.translations
            .iter()
            .find(|t| t.id().eq_ignore_ascii_case(id))
    }

    /// The id of the default translation: the World English Bible (`web`)
    /// when it has been imported, otherwise the bundled American Standard
    /// Version (`asv`).
    pub fn default_id(&self) -> &str {
        self.default_translation().id()
    }

    /// The default translation (see [`default_id`](Self::default_id)).
    pub fn default_translation(&self) -> &Translation {
        &self.translations[self.default]
    }

    /// Makes `id` the default translation; false when there is no such one.
    pub fn set_default(&mut self, id: &str) -> bool {
        match self
            .translations
            .iter()
            .position(|t| t.id().eq_ignore_ascii_case(id))
        {
            Some(i) => {
                self.default = i;
                true
            }
            None => false,
        }
    }

    /// The translations folder this library was opened from (empty for
    /// [`bundled`](Self::bundled)).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// What could not be read when opening: damaged translation files, lines
    /// of the verse-of-the-day list that are not references.
    pub fn problems(&self) -> &[String] {
        &self.problems
    }

    /// The verse of the day for a calendar date: the same for everyone on
    /// that date, stepping through the list one line a day
    /// (`<translations folder>/verse-of-the-day.txt` when present, otherwise
    /// the built-in list).
    ///
    /// ```
    /// let library = abide_bible::Library::bundled();
    /// let today = library.verse_of_the_day(2026, 11, 25);
    /// assert_eq!(today, library.verse_of_the_day(2026, 11, 25));
    /// assert_ne!(today, library.verse_of_the_day(2026, 11, 26));
    /// ```
    pub fn verse_of_the_day(&self, year: i32, month: u8, day: u8) -> Range {
        let days = days_from_civil(year, month, day);
        let n = self.votd.len().max(1) as i64;
        let i = usize::try_from(days.rem_euclid(n)).unwrap_or(0);
        self.votd.get(i).copied().unwrap_or_else(|| {
            // The built-in list always parses (a test checks it); this is only
            // a fallback for a list that is empty all the same.
            parse("Psalm 46:10")
                .map(|c| c.ranges[0])
                .expect("Psalm 46:10 is a reference")
        })
    }

    /// The list the verse of the day steps through.
    pub fn verse_of_the_day_list(&self) -> &[Range] {
        &self.votd
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`).
fn days_from_civil(year: i32, month: u8, day: u8) -> i64 {
    let m = i64::from(month.clamp(1, 12));
    let d = i64::from(day.clamp(1, 31));
    let y = i64::from(year) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::days_from_civil;

    #[test]
    fn days() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(1969, 12, 31), -1);
    }
}
