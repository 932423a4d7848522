//! Writing a translation file: checked first, then written whole to a
//! temporary file in the translations folder and renamed into place, so a
//! failed import leaves nothing behind and a reader never sees half a file.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{ImportError, ImportOptions, ImportedText};
use crate::library::TRANSLATION_EXTENSION;
use crate::translation::{TranslationInfo, is_valid_id};

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

pub(crate) fn check_target(options: &ImportOptions, dir: &Path) -> Result<(), ImportError> {
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

pub(crate) fn write_translation(
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
