//! The formats, by name on the command line and guessed from a file.

use std::fmt;
use std::path::Path;
use std::str::FromStr;

use super::ImportError;

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
