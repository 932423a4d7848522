//! Why an import fails, and where in the input.

use std::path::{Path, PathBuf};

use thiserror::Error;

use super::Format;

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
    /// An archive (a zip of USFM files) cannot be read, or unpacks to more
    /// than an import takes: too many entries or too many bytes.
    #[error("{path}: {message}")]
    Archive {
        /// The archive.
        path: PathBuf,
        /// What is wrong.
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
    pub(crate) fn into_error(self, path: &Path, src: &str) -> ImportError {
        ImportError::Syntax {
            path: path.to_owned(),
            line: line_at(src, self.at),
            message: self.message,
        }
    }
}

/// The 1-based line of byte offset `at`.
fn line_at(src: &str, at: usize) -> usize {
    let at = at.min(src.len());
    memchr::memchr_iter(b'\n', &src.as_bytes()[..at]).count() + 1
}
