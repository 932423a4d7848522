//! Writing a translation file: checked first, then written whole to a
//! temporary file in the translations folder and renamed into place
//! (`tempfile`'s persist), so a failed import leaves nothing behind and a
//! reader never sees half a file.

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
    // In the same folder, so that the rename is atomic; a temporary file that
    // is dropped before it is persisted deletes itself.
    let prefix = format!(".{}.", options.id);
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    #[cfg(unix)]
    builder.permissions(readable_as_created());
    let mut temp = builder.tempfile_in(dir).map_err(io(dir))?;
    temp.write_all(&bytes)
        .and_then(|()| temp.as_file().sync_all())
        .map_err(io(&target))?;
    temp.persist(&target).map_err(|e| ImportError::Io {
        path: target.clone(),
        source: e.error,
    })?;
    Ok(ImportReport {
        info,
        path: target,
        bytes: bytes.len() as u64,
        notes,
    })
}

/// The permissions a file gets from `File::create` (0o666 less the umask),
/// rather than tempfile's owner-only default: a translation imported by an
/// operator is read by the server, which may run as another user.
#[cfg(unix)]
fn readable_as_created() -> std::fs::Permissions {
    use std::os::unix::fs::PermissionsExt;
    std::fs::Permissions::from_mode(0o666)
}
