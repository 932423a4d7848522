//! Reading input as UTF-8 text.

use std::path::Path;

use super::ImportError;

pub(crate) fn read_text(path: &Path) -> Result<String, ImportError> {
    let bytes = std::fs::read(path).map_err(|source| ImportError::Io {
        path: path.to_owned(),
        source,
    })?;
    decode_utf8(path, bytes)
}

/// UTF-8 (a BOM is dropped); anything else is an error with its line.
pub(crate) fn decode_utf8(path: &Path, bytes: Vec<u8>) -> Result<String, ImportError> {
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
