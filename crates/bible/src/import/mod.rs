//! Importing translations from the standard formats into Abide's store.
//!
//! Every importer reads the whole input first and writes nothing until it
//! has succeeded; the translation file is then written to a temporary file
//! in the translations folder and renamed into place, so a failed import
//! leaves nothing behind and a reader never sees half a file.

mod collect;
mod osis;
mod sword;
mod tsv;
mod usfm;
mod usfx;
mod xml;
mod zefania;
mod zip;

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use thiserror::Error;

use crate::library::TRANSLATION_EXTENSION;
use crate::translation::store;
use crate::translation::{TranslationInfo, is_valid_id};
use collect::{Collector, Mapped};

/// The formats Abide imports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Format {
    /// OSIS XML (one file).
    Osis,
    /// USFX XML (one file).
    Usfx,
    /// Zefania XML (one file).
    Zefania,
    /// USFM: one file, a folder of book files, or a zip of them.
    Usfm,
    /// Verse per line: `Gen.1.1<TAB>text` or `Gen<TAB>1<TAB>1<TAB>text`.
    Tsv,
    /// An installed SWORD module (read through `mod2imp`).
    Sword,
    /// SWORD's import format, as `mod2imp` writes it: `$$$Book C:V` lines,
    /// each followed by the verse in OSIS markup.
    Imp,
}

impl Format {
    /// Every format, for help texts.
    pub const ALL: [Format; 7] = [
        Format::Osis,
        Format::Usfx,
        Format::Zefania,
        Format::Usfm,
        Format::Tsv,
        Format::Sword,
        Format::Imp,
    ];

    /// The format's name on the command line: `osis`, `usfx`, `zefania`,
    /// `usfm`, `tsv`, `sword`, `imp`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Osis => "osis",
            Format::Usfx => "usfx",
            Format::Zefania => "zefania",
            Format::Usfm => "usfm",
            Format::Tsv => "tsv",
            Format::Sword => "sword",
            Format::Imp => "imp",
        }
    }

    /// Guesses the format of a file or folder: a folder or `.zip` is USFM;
    /// `.usfm`/`.sfm`/`.ptx` USFM; `.tsv`/`.txt` TSV; XML is told apart by its
    /// root element.
    pub fn detect(path: &Path) -> Result<Format, ImportError> {
        if path.is_dir() {
            return Ok(Format::Usfm);
        }
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        match ext.as_str() {
            "zip" | "usfm" | "sfm" | "ptx" => return Ok(Format::Usfm),
            "tsv" | "txt" | "vpl" => return Ok(Format::Tsv),
            "imp" => return Ok(Format::Imp),
            _ => {}
        }
        let head = read_head(path)?;
        let lower = head.to_ascii_lowercase();
        if lower.contains("<osis") {
            Ok(Format::Osis)
        } else if lower.contains("<usfx") {
            Ok(Format::Usfx)
        } else if lower.contains("<xmlbible") {
            Ok(Format::Zefania)
        } else if head.trim_start().starts_with("$$$") {
            Ok(Format::Imp)
        } else if head.trim_start().starts_with("\\id ") {
            Ok(Format::Usfm)
        } else {
            Err(ImportError::UnknownFormat {
                path: path.to_owned(),
            })
        }
    }
}

fn read_head(path: &Path) -> Result<String, ImportError> {
    use std::io::Read;
    let mut head = Vec::with_capacity(4096);
    std::fs::File::open(path)
        .and_then(|f| f.take(4096).read_to_end(&mut head))
        .map_err(|source| ImportError::Io {
            path: path.to_owned(),
            source,
        })?;
    Ok(String::from_utf8_lossy(&head).into_owned())
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Format::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                let names: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
                format!("unknown format {s:?}: expected one of {}", names.join(", "))
            })
    }
}

/// What an import is told; what is not given is taken from the source
/// (its title, language, rights), or defaults.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct ImportOptions {
    /// The new translation's id (see [`is_valid_id`]), e.g. `"web"`.
    pub id: String,
    /// Its full name.
    pub name: Option<String>,
    /// Its abbreviation (default: the id in capitals).
    pub abbreviation: Option<String>,
    /// Its language (default: from the source, else `en`).
    pub language: Option<String>,
    /// The licence in a few words, e.g. `"Public domain"` or `"Used by permission"`.
    pub licence: Option<String>,
    /// The rights statement to show with the text.
    pub statement: Option<String>,
    /// The format; `None` guesses it (see [`Format::detect`]).
    pub format: Option<Format>,
    /// Replace a translation with the same id.
    pub replace: bool,
}

impl ImportOptions {
    /// Options with this id and everything else from the source.
    pub fn new(id: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            ..Self::default()
        }
    }
}

/// What an import did.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ImportReport {
    /// The new translation's metadata.
    pub info: TranslationInfo,
    /// The file written.
    pub path: PathBuf,
    /// Its size in bytes.
    pub bytes: u64,
    /// What the import mapped or left out (versification, unknown books).
    pub notes: Vec<String>,
}

/// Why an import failed. Nothing was written.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ImportError {
    /// A file or folder cannot be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The input is not what its format requires.
    #[error("{path}:{line}: {message}")]
    Syntax {
        /// The file.
        path: PathBuf,
        /// The line (1-based).
        line: usize,
        /// What was expected and what was found.
        message: String,
    },
    /// The input has no verses.
    #[error("{path}: no verses found (is it {format}?)")]
    NoVerses {
        /// The file or folder.
        path: PathBuf,
        /// The format it was read as.
        format: Format,
    },
    /// The format could not be guessed.
    #[error(
        "{path}: cannot tell the format; give it with --format (osis, usfx, zefania, usfm, tsv, imp)"
    )]
    UnknownFormat {
        /// The file.
        path: PathBuf,
    },
    /// The id is not valid.
    #[error("invalid id {0:?}: use 1 to 32 lower-case letters, digits and dashes, e.g. \"web\"")]
    InvalidId(String),
    /// A translation with this id exists.
    #[error("a translation with id {id:?} exists ({what}); pass --replace to replace it")]
    Exists {
        /// The id.
        id: String,
        /// The file, or "bundled".
        what: String,
    },
    /// A SWORD module cannot be read.
    #[error("SWORD module {module}: {message}")]
    Sword {
        /// The module's name.
        module: String,
        /// What went wrong.
        message: String,
    },
}

/// A problem at a byte offset of the input, before it is turned into a line.
#[derive(Debug)]
pub(crate) struct Located {
    pub(crate) at: usize,
    pub(crate) message: String,
}

impl Located {
    fn into_error(self, path: &Path, src: &str) -> ImportError {
        ImportError::Syntax {
            path: path.to_owned(),
            line: line_at(src, self.at),
            message: self.message,
        }
    }
}

/// The 1-based line of byte offset `at`.
pub(crate) fn line_at(src: &str, at: usize) -> usize {
    let at = at.min(src.len());
    memchr::memchr_iter(b'\n', &src.as_bytes()[..at]).count() + 1
}

/// What a source says about itself.
#[derive(Clone, Debug, Default)]
pub(crate) struct Hints {
    pub(crate) name: Option<String>,
    pub(crate) abbreviation: Option<String>,
    pub(crate) language: Option<String>,
    pub(crate) rights: Option<String>,
    pub(crate) licence: Option<String>,
    pub(crate) identifier: Option<String>,
    pub(crate) source: Option<String>,
    pub(crate) notes: Vec<String>,
}

impl Hints {
    /// Notes the books of the source that Abide's canon does not have.
    pub(crate) fn left_out_books<S: std::fmt::Display>(
        &mut self,
        books: impl IntoIterator<Item = S>,
    ) {
        for book in books {
            self.notes
                .push(format!("book {book}: not in Abide's canon; left out"));
        }
    }
}

/// A text read from a source, mapped onto the default versification, not
/// yet written anywhere.
#[derive(Debug)]
pub struct ImportedText {
    mapped: Mapped,
    hints: Hints,
}

impl ImportedText {
    /// The number of verses with text.
    pub fn verse_count(&self) -> usize {
        self.mapped.verse_count
    }

    /// What was mapped or left out.
    pub fn notes(&self) -> Vec<String> {
        let mut notes = self.hints.notes.clone();
        notes.extend(self.mapped.notes.iter().cloned());
        notes
    }

    /// The translation in memory, without writing a file: to look at an
    /// import before keeping it (and for the fuzz target).
    pub fn into_translation(
        self,
        options: &ImportOptions,
    ) -> Result<crate::Translation, crate::OpenError> {
        let (_, bytes) = self.into_file(options);
        crate::Translation::from_bytes(bytes)
    }

    /// Builds the translation file: metadata and compressed books.
    fn into_file(self, options: &ImportOptions) -> (TranslationInfo, Vec<u8>) {
        let notes = self.notes();
        let hints = self.hints;
        let info = TranslationInfo {
            id: options.id.clone(),
            name: options
                .name
                .clone()
                .or(hints.name)
                .unwrap_or_else(|| options.id.to_ascii_uppercase()),
            abbreviation: options
                .abbreviation
                .clone()
                .or(hints.abbreviation)
                .unwrap_or_else(|| options.id.to_ascii_uppercase()),
            language: options
                .language
                .clone()
                .or(hints.language)
                .unwrap_or_else(|| "en".to_owned()),
            licence: options
                .licence
                .clone()
                .or(hints.licence)
                .unwrap_or_default(),
            statement: options
                .statement
                .clone()
                .or(hints.rights)
                .unwrap_or_default(),
            source: hints.source.unwrap_or_default(),
            versification: "kjv".to_owned(),
            versification_notes: notes,
            absent: self.mapped.absent,
            books: self
                .mapped
                .books
                .iter()
                .filter_map(|b| abide_scripture::BookId::from_number(b.number))
                .map(|b| b.osis().to_owned())
                .collect(),
            verse_count: u32::try_from(self.mapped.verse_count).unwrap_or(u32::MAX),
            bundled: false,
        };
        let meta = serde_json::to_string(&info).unwrap_or_default();
        let bytes = store::write(&meta, &self.mapped.books);
        (info, bytes)
    }
}

fn read_text(path: &Path) -> Result<String, ImportError> {
    let bytes = std::fs::read(path).map_err(|source| ImportError::Io {
        path: path.to_owned(),
        source,
    })?;
    decode_utf8(path, bytes)
}

/// UTF-8 (a BOM is dropped); anything else is an error with its line.
fn decode_utf8(path: &Path, bytes: Vec<u8>) -> Result<String, ImportError> {
    match String::from_utf8(bytes) {
        Ok(mut s) => {
            if s.starts_with('\u{feff}') {
                s.drain(..3);
            }
            Ok(s)
        }
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let line = memchr::memchr_iter(b'\n', &bytes[..at]).count() + 1;
            Err(ImportError::Syntax {
                path: path.to_owned(),
                line,
                message: "not UTF-8 text (convert the file to UTF-8)".into(),
            })
        }
    }
}

/// Reads `bytes` (the content of `origin`) as `format`: what the fuzz target
/// and property tests drive. `Format::Sword` and USFM zips are not
/// byte-level formats; they read as USFM text here.
pub fn read_bytes(
    bytes: &[u8],
    format: Format,
    origin: &Path,
) -> Result<ImportedText, ImportError> {
    let src = decode_utf8(origin, bytes.to_vec())?;
    let mut c = Collector::new();
    let hints = read_str(&src, format, origin, &mut c)?;
    finish(c, hints, origin, format)
}

fn read_str(
    src: &str,
    format: Format,
    path: &Path,
    c: &mut Collector,
) -> Result<Hints, ImportError> {
    let result = match format {
        Format::Osis => osis::read(src, c),
        Format::Usfx => usfx::read(src, c),
        Format::Zefania => zefania::read(src, c),
        Format::Usfm | Format::Sword => usfm::read(src, c, &mut usfm::State::default()),
        Format::Tsv => tsv::read(src, c),
        Format::Imp => sword::read_imp(src, c, true, true).map(|(skipped, _)| {
            let mut hints = Hints::default();
            hints.left_out_books(skipped);
            hints
        }),
    };
    result.map_err(|e| e.into_error(path, src))
}

fn finish(
    c: Collector,
    mut hints: Hints,
    path: &Path,
    format: Format,
) -> Result<ImportedText, ImportError> {
    let mapped = c.finish();
    if mapped.verse_count == 0 {
        return Err(ImportError::NoVerses {
            path: path.to_owned(),
            format,
        });
    }
    if hints.source.is_none() {
        let file = path
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        hints.source = Some(format!(
            "{} file {file}",
            format.name().to_ascii_uppercase()
        ));
    }
    Ok(ImportedText { mapped, hints })
}

/// Reads a file (or, for USFM, a folder or zip of book files) without
/// writing anything.
pub fn read_file(path: &Path, format: Option<Format>) -> Result<ImportedText, ImportError> {
    let format = match format {
        Some(f) => f,
        None => Format::detect(path)?,
    };
    match format {
        Format::Sword => Err(ImportError::UnknownFormat {
            path: path.to_owned(),
        }),
        Format::Usfm if path.is_dir() || is_zip(path) => {
            let mut c = Collector::new();
            let hints = usfm::read_many(path, &mut c)?;
            finish(c, hints, path, format)
        }
        _ => {
            let src = read_text(path)?;
            let mut c = Collector::new();
            let hints = read_str(&src, format, path, &mut c)?;
            finish(c, hints, path, format)
        }
    }
}

fn is_zip(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("zip"))
}

/// Imports a file (or USFM folder or zip) into the translations folder `dir`
/// as `<dir>/<id>.bible`.
pub fn import_file(
    path: &Path,
    options: &ImportOptions,
    dir: &Path,
) -> Result<ImportReport, ImportError> {
    check_target(options, dir)?;
    let text = read_file(path, options.format)?;
    write_translation(text, options, dir)
}

/// Imports an installed SWORD module (e.g. `engWEB2015eb`, from the Debian
/// package `sword-text-web`) through `mod2imp` (Debian package
/// `libsword-utils`), into `<dir>/<id>.bible`.
pub fn import_sword(
    module: &str,
    options: &ImportOptions,
    dir: &Path,
) -> Result<ImportReport, ImportError> {
    check_target(options, dir)?;
    let text = sword::read(module)?;
    write_translation(text, options, dir)
}

fn check_target(options: &ImportOptions, dir: &Path) -> Result<(), ImportError> {
    if !is_valid_id(&options.id) {
        return Err(ImportError::InvalidId(options.id.clone()));
    }
    if options.replace {
        return Ok(());
    }
    let target = dir.join(format!("{}.{TRANSLATION_EXTENSION}", options.id));
    if target.exists() {
        return Err(ImportError::Exists {
            id: options.id.clone(),
            what: target.display().to_string(),
        });
    }
    if crate::Library::bundled().get(&options.id).is_some() {
        return Err(ImportError::Exists {
            id: options.id.clone(),
            what: "bundled with Abide".into(),
        });
    }
    Ok(())
}

fn write_translation(
    text: ImportedText,
    options: &ImportOptions,
    dir: &Path,
) -> Result<ImportReport, ImportError> {
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| ImportError::Io { path, source }
    };
    let notes = text.notes();
    let (info, bytes) = text.into_file(options);
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let target = dir.join(format!("{}.{TRANSLATION_EXTENSION}", options.id));
    let temp = dir.join(format!(
        ".{}.{TRANSLATION_EXTENSION}.{}.tmp",
        options.id,
        std::process::id()
    ));
    let written = (|| {
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(&bytes)?;
        file.sync_all()?;
        std::fs::rename(&temp, &target)
    })();
    if let Err(source) = written {
        let _ = std::fs::remove_file(&temp);
        return Err(ImportError::Io {
            path: target,
            source,
        });
    }
    Ok(ImportReport {
        info,
        path: target,
        bytes: bytes.len() as u64,
        notes,
    })
}

/// USFM/USFX book codes, in canon order (`PS2` is Psalm 151).
const USFM_CODES: [(&str, &str); 84] = [
    ("GEN", "Gen"),
    ("EXO", "Exod"),
    ("LEV", "Lev"),
    ("NUM", "Num"),
    ("DEU", "Deut"),
    ("JOS", "Josh"),
    ("JDG", "Judg"),
    ("RUT", "Ruth"),
    ("1SA", "1Sam"),
    ("2SA", "2Sam"),
    ("1KI", "1Kgs"),
    ("2KI", "2Kgs"),
    ("1CH", "1Chr"),
    ("2CH", "2Chr"),
    ("EZR", "Ezra"),
    ("NEH", "Neh"),
    ("EST", "Esth"),
    ("JOB", "Job"),
    ("PSA", "Ps"),
    ("PRO", "Prov"),
    ("ECC", "Eccl"),
    ("SNG", "Song"),
    ("ISA", "Isa"),
    ("JER", "Jer"),
    ("LAM", "Lam"),
    ("EZK", "Ezek"),
    ("DAN", "Dan"),
    ("HOS", "Hos"),
    ("JOL", "Joel"),
    ("AMO", "Amos"),
    ("OBA", "Obad"),
    ("JON", "Jonah"),
    ("MIC", "Mic"),
    ("NAM", "Nah"),
    ("HAB", "Hab"),
    ("ZEP", "Zeph"),
    ("HAG", "Hag"),
    ("ZEC", "Zech"),
    ("MAL", "Mal"),
    ("MAT", "Matt"),
    ("MRK", "Mark"),
    ("LUK", "Luke"),
    ("JHN", "John"),
    ("ACT", "Acts"),
    ("ROM", "Rom"),
    ("1CO", "1Cor"),
    ("2CO", "2Cor"),
    ("GAL", "Gal"),
    ("EPH", "Eph"),
    ("PHP", "Phil"),
    ("COL", "Col"),
    ("1TH", "1Thess"),
    ("2TH", "2Thess"),
    ("1TI", "1Tim"),
    ("2TI", "2Tim"),
    ("TIT", "Titus"),
    ("PHM", "Phlm"),
    ("HEB", "Heb"),
    ("JAS", "Jas"),
    ("1PE", "1Pet"),
    ("2PE", "2Pet"),
    ("1JN", "1John"),
    ("2JN", "2John"),
    ("3JN", "3John"),
    ("JUD", "Jude"),
    ("REV", "Rev"),
    ("TOB", "Tob"),
    ("JDT", "Jdt"),
    ("ESG", "AddEsth"),
    ("WIS", "Wis"),
    ("SIR", "Sir"),
    ("BAR", "Bar"),
    ("LJE", "EpJer"),
    ("S3Y", "PrAzar"),
    ("SUS", "Sus"),
    ("BEL", "Bel"),
    ("1MA", "1Macc"),
    ("2MA", "2Macc"),
    ("3MA", "3Macc"),
    ("4MA", "4Macc"),
    ("MAN", "PrMan"),
    ("1ES", "1Esd"),
    ("2ES", "2Esd"),
    ("PS2", "Ps151"),
];

/// The book with this USFM code (`GEN`, `1CO`, `PS2`), case-insensitive.
pub(crate) fn book_from_usfm(code: &str) -> Option<abide_scripture::BookId> {
    USFM_CODES
        .iter()
        .find(|(c, _)| c.eq_ignore_ascii_case(code))
        .and_then(|(_, osis)| abide_scripture::BookId::from_osis(osis))
}
