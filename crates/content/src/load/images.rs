//! A journey's cover image from its folder: checked to be a JPEG, PNG or
//! WebP of reasonable size.

use std::path::Path;

use crate::model::ImageFile;
use crate::slug::slugify;
use crate::source::{JourneySource, is_safe_path};

/// Largest image accepted from a journey folder.
const MAX_IMAGE_BYTES: usize = 5 << 20;

/// Reads an image of the journey folder, checking that it is one that browsers
/// and link previews show (JPEG, PNG, WebP), by its first bytes.
pub(super) fn read_image(source: &JourneySource, name: &str) -> Result<ImageFile, String> {
    let name = name.trim_start_matches("./");
    if !is_safe_path(name) {
        return Err(format!(
            "cover image {name:?}: must be a file inside the journey folder"
        ));
    }
    let bytes = source
        .files
        .get(name)
        .cloned()
        .ok_or_else(|| format!("cover image {name:?}: no such file in the journey folder"))?;
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(format!(
            "cover image {name:?} is {} bytes; at most {MAX_IMAGE_BYTES}",
            bytes.len()
        ));
    }
    let content_type = if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        "image/jpeg"
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        "image/png"
    } else if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        "image/webp"
    } else {
        return Err(format!(
            "cover image {name:?} is not a JPEG, PNG or WebP image"
        ));
    };
    let file_name = Path::new(name)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| name.to_owned());
    Ok(ImageFile {
        name: slugify_file_name(&file_name),
        content_type,
        bytes,
    })
}

/// `Cover Photo.JPG` -> `cover-photo.jpg`.
fn slugify_file_name(name: &str) -> String {
    match name.rsplit_once('.') {
        Some((stem, ext)) => format!("{}.{}", slugify(stem), ext.to_ascii_lowercase()),
        None => slugify(name),
    }
}
