//! The USFM files of a zip archive, read with the `zip` crate (stored and
//! deflated entries; encrypted ones are refused). Archives are outside input:
//! the number of entries, and the bytes the files read inflate to, one by one
//! and together, are bounded whatever the archive claims about itself, so a
//! zip bomb ends in an error naming the bound, with nothing written.

use std::io::{Read, Seek};

use zip::CompressionMethod;

/// How much an archive may hold.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Limits {
    /// Entries in the archive (files and folders, read or not).
    pub(crate) entries: usize,
    /// Bytes one file may inflate to.
    pub(crate) file_bytes: u64,
    /// Bytes the files read may inflate to together.
    pub(crate) total_bytes: u64,
}

impl Limits {
    /// A whole Bible in USFM is about 5 MB in 66 to 90 files; these leave
    /// room for much more and still bound memory.
    pub(crate) const DEFAULT: Limits = Limits {
        entries: 10_000,
        file_bytes: 64 << 20,
        total_bytes: 512 << 20,
    };
}

/// The files of `archive` whose names `wanted` accepts, in archive order:
/// `(name, content)`. Folders and other files are passed over unread.
pub(crate) fn files(
    archive: impl Read + Seek,
    wanted: impl Fn(&str) -> bool,
    limits: Limits,
) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut zip =
        zip::ZipArchive::new(archive).map_err(|e| format!("not a readable zip archive: {e}"))?;
    if zip.len() > limits.entries {
        return Err(format!(
            "zip: {} entries; an archive may have at most {}",
            zip.len(),
            limits.entries
        ));
    }
    let mut out = Vec::new();
    let mut total = 0u64;
    for i in 0..zip.len() {
        let entry = zip
            .by_index_data(i)
            .map_err(|e| format!("zip: entry {}: {e}", i + 1))?;
        let name = entry
            .name()
            .map_err(|e| format!("zip: entry {}: {e}", i + 1))?
            .into_owned();
        if entry.is_dir() || !wanted(&name) {
            continue;
        }
        if entry.encrypted() {
            return Err(format!("zip: {name} is encrypted"));
        }
        let method = entry.compression();
        if !matches!(
            method,
            CompressionMethod::Stored | CompressionMethod::Deflated
        ) {
            return Err(format!(
                "zip: {name} uses compression method {method}; only stored and deflated files are supported"
            ));
        }
        let too_large = || {
            format!(
                "zip: {name} is larger than {} bytes once unpacked",
                limits.file_bytes
            )
        };
        if entry.size() > limits.file_bytes {
            return Err(too_large());
        }
        // The sizes an archive declares are not trusted: reading stops one
        // byte past what is allowed, which tells a bound was crossed.
        let allowed = limits.file_bytes.min(limits.total_bytes - total);
        let capacity = usize::try_from(entry.size().min(allowed).min(1 << 20)).unwrap_or(0);
        let mut content = Vec::with_capacity(capacity);
        zip.by_index(i)
            .map_err(|e| format!("zip: {name}: {e}"))?
            .take(allowed + 1)
            .read_to_end(&mut content)
            .map_err(|e| format!("zip: {name}: {e}"))?;
        let read = content.len() as u64;
        if read > limits.file_bytes {
            return Err(too_large());
        }
        if read > allowed {
            return Err(format!(
                "zip: the files read are larger than {} bytes together once unpacked",
                limits.total_bytes
            ));
        }
        total += read;
        out.push((name, content));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::io::{Cursor, Write};

    use proptest::prelude::*;
    use zip::write::SimpleFileOptions;

    use super::*;

    fn archive(files: &[(&str, &[u8], CompressionMethod)]) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, data, method) in files {
            zip.start_file(
                *name,
                SimpleFileOptions::default().compression_method(*method),
            )
            .unwrap();
            zip.write_all(data).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    fn read(bytes: &[u8], limits: Limits) -> Result<Vec<(String, Vec<u8>)>, String> {
        files(Cursor::new(bytes), |n| n.ends_with(".usfm"), limits)
    }

    const SMALL: Limits = Limits {
        entries: 4,
        file_bytes: 1000,
        total_bytes: 1500,
    };

    #[test]
    fn reads_stored_and_deflated_files_and_passes_over_the_rest() {
        let bytes = archive(&[
            ("a.usfm", b"\\id GEN", CompressionMethod::Stored),
            ("notes.txt", b"not read", CompressionMethod::Deflated),
            ("b.usfm", b"\\id EXO", CompressionMethod::Deflated),
        ]);
        let files = read(&bytes, Limits::DEFAULT).unwrap();
        assert_eq!(
            files,
            [
                ("a.usfm".to_owned(), b"\\id GEN".to_vec()),
                ("b.usfm".to_owned(), b"\\id EXO".to_vec())
            ]
        );
    }

    #[test]
    fn a_bomb_stops_at_its_bound() {
        // 1,001 zeros deflate to a few bytes: one more than a file may hold.
        let zeros = vec![0u8; 1001];
        let one = archive(&[("a.usfm", &zeros, CompressionMethod::Deflated)]);
        let e = read(&one, SMALL).unwrap_err();
        assert!(e.contains("a.usfm is larger than 1000 bytes"), "{e}");
        // Two files within the bound each, beyond it together.
        let half = vec![0u8; 800];
        let two = archive(&[
            ("a.usfm", &half, CompressionMethod::Deflated),
            ("b.usfm", &half, CompressionMethod::Deflated),
        ]);
        let e = read(&two, SMALL).unwrap_err();
        assert!(e.contains("larger than 1500 bytes together"), "{e}");
    }

    #[test]
    fn a_file_that_lies_about_its_size_stops_at_the_bound() {
        let zeros = vec![0u8; 5000];
        let mut bytes = archive(&[("a.usfm", &zeros, CompressionMethod::Deflated)]);
        // Patch the declared size (local header and central directory) to 10.
        let size = 5000u32.to_le_bytes();
        let mut at = 0;
        while let Some(i) = bytes[at..].windows(4).position(|w| w == size) {
            bytes[at + i..at + i + 4].copy_from_slice(&10u32.to_le_bytes());
            at += i + 4;
        }
        // The zip crate checks the declared size too: either way, an error.
        let e = read(&bytes, SMALL).unwrap_err();
        assert!(e.contains("a.usfm"), "{e}");
    }

    #[test]
    fn too_many_entries_are_refused() {
        let names: Vec<String> = (0..5).map(|i| format!("{i}.txt")).collect();
        let files: Vec<(&str, &[u8], CompressionMethod)> = names
            .iter()
            .map(|n| (n.as_str(), &b""[..], CompressionMethod::Stored))
            .collect();
        let e = read(&archive(&files), SMALL).unwrap_err();
        assert!(e.contains("5 entries"), "{e}");
    }

    #[test]
    fn what_is_not_a_zip_is_an_error() {
        let e = read(b"\\id GEN\n\\c 1\n", Limits::DEFAULT).unwrap_err();
        assert!(e.starts_with("not a readable zip archive"), "{e}");
    }

    proptest! {
        /// Any bytes: an error or files, never a panic, never more than allowed.
        #[test]
        fn any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..2000)) {
            if let Ok(files) = read(&bytes, SMALL) {
                let total: usize = files.iter().map(|(_, c)| c.len()).sum();
                prop_assert!(total as u64 <= SMALL.total_bytes);
            }
        }

        /// A real archive damaged in a few places: the same.
        #[test]
        fn damaged_archives(
            content in prop::collection::vec(any::<u8>(), 0..3000),
            damage in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..6),
        ) {
            let mut bytes = archive(&[
                ("a.usfm", &content, CompressionMethod::Deflated),
                ("b.usfm", &content, CompressionMethod::Stored),
            ]);
            for (at, b) in damage {
                let i = at.index(bytes.len());
                bytes[i] = b;
            }
            if let Ok(files) = read(&bytes, SMALL) {
                for (_, c) in &files {
                    prop_assert!(c.len() as u64 <= SMALL.file_bytes);
                }
            }
        }

        /// Undamaged archives read back exactly, within the bounds.
        #[test]
        fn archives_read_back(
            contents in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..400), 0..4),
        ) {
            let names: Vec<String> = (0..contents.len()).map(|i| format!("{i}.usfm")).collect();
            let files: Vec<(&str, &[u8], CompressionMethod)> = names
                .iter()
                .zip(&contents)
                .map(|(n, c)| (n.as_str(), c.as_slice(), CompressionMethod::Deflated))
                .collect();
            let read_back = read(&archive(&files), SMALL).unwrap();
            let expected: Vec<(String, Vec<u8>)> = names.into_iter().zip(contents).collect();
            prop_assert_eq!(read_back, expected);
        }
    }
}
