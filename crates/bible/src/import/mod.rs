//! Importing translations from the standard formats into Abide's store.
//!
//! Every importer reads the whole input first and writes nothing until it
//! has succeeded; the translation file is then written whole (`write.rs`),
//! so a failed import leaves nothing behind and a reader never sees half a
//! file. One file per format reads it into the [`Collector`], which maps the
//! source's numbering onto the default versification (`collect.rs`);
//! `format.rs` names and guesses the formats, `metadata.rs` turns the options
//! and what the source says about itself (`hints.rs`) into the translation's
//! metadata, `error.rs` says what went wrong and where.

mod collect;
mod elements;
mod error;
mod format;
mod hints;
mod metadata;
mod osis;
mod sword;
mod text;
mod tsv;
mod usfm;
mod usfm_codes;
mod usfx;
mod write;
mod xml;
mod zefania;
mod zip;

use std::path::Path;

pub use error::ImportError;
pub use format::Format;
pub use metadata::{ImportOptions, ImportedText};
pub use write::ImportReport;

use collect::Collector;
use error::Located;
use hints::Hints;
use text::{decode_utf8, read_text};
use usfm_codes::book_from_usfm;
use write::{check_target, write_translation};

/// Reads `bytes` (the content of `origin`) as `format`: what the fuzz target
/// and property tests drive. USFM whose `origin` ends in `.zip` is read as a
/// zip of USFM files; `Format::Sword`, not a byte-level format, reads as
/// USFM text.
pub fn read_bytes(
    bytes: &[u8],
    format: Format,
    origin: &Path,
) -> Result<ImportedText, ImportError> {
    if format == Format::Usfm && is_zip(origin) {
        let mut c = Collector::new();
        let hints = usfm::read_zip(std::io::Cursor::new(bytes), origin, &mut c)?;
        return finish(c, hints, origin, format);
    }
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
    Ok(ImportedText::new(mapped, hints))
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
        Format::Usfm if path.is_dir() => {
            let mut c = Collector::new();
            let hints = usfm::read_folder(path, &mut c)?;
            finish(c, hints, path, format)
        }
        Format::Usfm if is_zip(path) => {
            let file = std::fs::File::open(path).map_err(|source| ImportError::Io {
                path: path.to_owned(),
                source,
            })?;
            let mut c = Collector::new();
            let hints = usfm::read_zip(std::io::BufReader::new(file), path, &mut c)?;
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
