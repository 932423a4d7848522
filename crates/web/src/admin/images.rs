//! What happens to an uploaded image before it is kept: its type is read
//! from its bytes (never its name nor the type the browser declared), it is
//! decoded within [`limits`] (no decompression bombs), turned upright by its
//! EXIF orientation, and re-encoded from its pixels alone, so nothing of the
//! file survives but the picture: no EXIF (GPS position, camera, time), no
//! comments, no ICC profile, no bytes an HTML or script reader could find.
//!
//! Each image is kept in the sizes pages use ([`SIZES`]): a 1200×630 cover
//! (the link-preview size; scaled and centre-cropped) and widths for images in
//! text. Nothing is made larger than it was. JPEG (quality [`JPEG_QUALITY`])
//! for pictures without transparency, PNG for those with.

use std::io::Cursor;

use abide_store::NewMediaFile;
use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

/// The largest side decoded, in pixels.
pub(crate) const MAX_SIDE: u32 = 12_000;

/// The most pixels decoded (40 megapixels).
pub(crate) const MAX_PIXELS: u64 = 40_000_000;

/// The most memory the decoder may hold (a 40-megapixel picture with an
/// alpha channel at 8 bits per sample is 160 MB).
const MAX_ALLOC: u64 = 256 << 20;

/// JPEG quality of every size kept.
pub(crate) const JPEG_QUALITY: u8 = 82;

/// The cover's size: what link previews show.
pub(crate) const COVER: (u32, u32) = (1200, 630);

/// The widths kept for images in text: `w800` (what the Markdown uses) and
/// `w1600` (for wide and high-density screens), each only when the image is
/// wider; an image narrower than 800 is kept at its own width as `w800`.
pub(crate) const WIDTHS: [(&str, u32); 2] = [("w800", 800), ("w1600", 1600)];

/// The names of the sizes, in the order they are kept.
pub(crate) const SIZES: [&str; 3] = ["cover", "w800", "w1600"];

/// Why an upload is not an image Abide keeps; each says what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// Not JPEG, PNG, WebP or GIF by its bytes (SVG, HTML, a PDF...).
    NotAnImage,
    /// Starts like one of them but does not decode (cut short, damaged).
    Damaged,
    /// More pixels than [`MAX_SIDE`] or [`MAX_PIXELS`] allow.
    TooManyPixels {
        /// What the file declares.
        width: u32,
        /// What the file declares.
        height: u32,
    },
}

impl Refusal {
    /// The sentence the library page shows.
    pub(crate) fn message(&self) -> String {
        match self {
            Self::NotAnImage => "This file is not a JPEG, PNG, WebP or GIF image (judged by its content, not its name), so it was not kept. SVG and other formats that can carry scripts are not accepted: export the picture as PNG or JPEG and upload that.".into(),
            Self::Damaged => "This file looks like an image but could not be read to the end (it may be cut short or damaged), so it was not kept. Export it again and upload the new file.".into(),
            Self::TooManyPixels { width, height } => format!(
                "This image is {width}×{height} pixels, more than the {MAX_SIDE} pixels a side and {} megapixels accepted, so it was not kept. Make it smaller and upload it again.",
                MAX_PIXELS / 1_000_000
            ),
        }
    }
}

/// An upload, decoded and re-encoded in its sizes.
#[derive(Debug)]
pub(crate) struct Processed {
    /// Upright, in pixels.
    pub(crate) width: u32,
    /// Upright, in pixels.
    pub(crate) height: u32,
    /// The sizes, in the order of [`SIZES`] (`w1600` only when the image is
    /// wider than 800).
    pub(crate) files: Vec<NewMediaFile>,
}

fn limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    limits
}

/// Decodes `bytes` and makes its sizes. CPU-heavy: call it off the async
/// threads.
pub(crate) fn process(bytes: &[u8]) -> Result<Processed, Refusal> {
    let format = image::guess_format(bytes).map_err(|_| Refusal::NotAnImage)?;
    if !matches!(
        format,
        ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP | ImageFormat::Gif
    ) {
        return Err(Refusal::NotAnImage);
    }
    // The JPEG decoder reads a file cut short without complaint (grey where
    // the data stops); a whole JPEG's last scan ends with its EOI marker.
    if format == ImageFormat::Jpeg && !jpeg_is_whole(bytes) {
        return Err(Refusal::Damaged);
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits());
    let mut decoder = reader.into_decoder().map_err(|_| Refusal::Damaged)?;
    let (width, height) = decoder.dimensions();
    if width > MAX_SIDE || height > MAX_SIDE || u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(Refusal::TooManyPixels { width, height });
    }
    let orientation = decoder.orientation().ok();
    let mut picture = DynamicImage::from_decoder(decoder).map_err(|e| match e {
        image::ImageError::Limits(_) => Refusal::TooManyPixels { width, height },
        _ => Refusal::Damaged,
    })?;
    if let Some(orientation) = orientation {
        picture.apply_orientation(orientation);
    }
    if picture.width() == 0 || picture.height() == 0 {
        return Err(Refusal::Damaged);
    }
    let transparent = picture.color().has_alpha() && {
        let rgba = picture.to_rgba8();
        rgba.pixels().any(|p| p.0[3] < u8::MAX)
    };
    let mut files = Vec::with_capacity(SIZES.len());
    files.push(encode("cover", &cover(&picture), transparent)?);
    for (i, (name, width)) in WIDTHS.iter().enumerate() {
        if i > 0 && picture.width() <= WIDTHS[i - 1].1 {
            break;
        }
        files.push(encode(name, &narrower(&picture, *width), transparent)?);
    }
    Ok(Processed {
        width: picture.width(),
        height: picture.height(),
        files,
    })
}

/// Whether a JPEG's last scan is followed by its end marker (`FF D9`):
/// inside entropy-coded data an `FF` byte is always followed by `00` or a
/// restart marker, so the pair cannot appear there by chance.
fn jpeg_is_whole(bytes: &[u8]) -> bool {
    let last_scan = bytes.windows(2).rposition(|w| w == [0xFF, 0xDA]);
    last_scan.is_some_and(|at| bytes[at..].windows(2).any(|w| w == [0xFF, 0xD9]))
}

/// The cover: the largest centred part of the picture in the cover's
/// proportions, scaled down to [`COVER`] (never up).
fn cover(picture: &DynamicImage) -> DynamicImage {
    let (w, h) = (u64::from(picture.width()), u64::from(picture.height()));
    let (cw, ch) = (u64::from(COVER.0), u64::from(COVER.1));
    // The crop: full width when the picture is taller than the cover's
    // proportions, full height when it is wider.
    let (crop_w, crop_h) = if w * ch <= h * cw {
        (w, (w * ch / cw).max(1))
    } else {
        ((h * cw / ch).max(1), h)
    };
    let x = (w - crop_w) / 2;
    let y = (h - crop_h) / 2;
    let cropped = picture.crop_imm(
        u32::try_from(x).unwrap_or(0),
        u32::try_from(y).unwrap_or(0),
        u32::try_from(crop_w).unwrap_or(1),
        u32::try_from(crop_h).unwrap_or(1),
    );
    if crop_w > cw {
        cropped.resize_exact(COVER.0, COVER.1, FilterType::CatmullRom)
    } else {
        cropped
    }
}

/// The picture at `width` wide (never wider than it is).
fn narrower(picture: &DynamicImage, width: u32) -> DynamicImage {
    if picture.width() <= width {
        return picture.clone();
    }
    let height =
        (u64::from(picture.height()) * u64::from(width) / u64::from(picture.width())).max(1);
    picture.resize_exact(
        width,
        u32::try_from(height).unwrap_or(1),
        FilterType::CatmullRom,
    )
}

/// One size, encoded from its pixels alone.
fn encode(name: &str, picture: &DynamicImage, transparent: bool) -> Result<NewMediaFile, Refusal> {
    let mut bytes = Vec::new();
    let content_type = if transparent {
        let encoder = image::codecs::png::PngEncoder::new_with_quality(
            &mut bytes,
            image::codecs::png::CompressionType::Default,
            image::codecs::png::FilterType::Adaptive,
        );
        picture
            .to_rgba8()
            .write_with_encoder(encoder)
            .map_err(|_| Refusal::Damaged)?;
        "image/png"
    } else {
        let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, JPEG_QUALITY);
        picture
            .to_rgb8()
            .write_with_encoder(encoder)
            .map_err(|_| Refusal::Damaged)?;
        "image/jpeg"
    };
    Ok(NewMediaFile {
        name: name.to_owned(),
        width: picture.width(),
        height: picture.height(),
        content_type,
        bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgb, RgbImage, Rgba, RgbaImage};

    fn jpeg(width: u32, height: u32) -> Vec<u8> {
        let picture = RgbImage::from_fn(width, height, |x, y| {
            Rgb([(x % 256) as u8, (y % 256) as u8, 128])
        });
        let mut out = Vec::new();
        picture
            .write_with_encoder(image::codecs::jpeg::JpegEncoder::new_with_quality(
                &mut out, 90,
            ))
            .unwrap();
        out
    }

    #[test]
    fn a_photo_gets_its_sizes_as_jpeg_never_larger() {
        let done = process(&jpeg(2000, 1500)).unwrap();
        let sizes: Vec<_> = done
            .files
            .iter()
            .map(|f| (f.name.as_str(), f.width, f.height, f.content_type))
            .collect();
        assert_eq!(
            sizes,
            [
                ("cover", 1200, 630, "image/jpeg"),
                ("w800", 800, 600, "image/jpeg"),
                ("w1600", 1600, 1200, "image/jpeg"),
            ]
        );
        let small = process(&jpeg(640, 480)).unwrap();
        let sizes: Vec<_> = small
            .files
            .iter()
            .map(|f| (f.name.as_str(), f.width, f.height))
            .collect();
        assert_eq!(sizes, [("cover", 640, 336), ("w800", 640, 480)]);
    }

    #[test]
    fn transparency_is_kept_as_png() {
        let picture = RgbaImage::from_fn(300, 200, |x, _| Rgba([0, 0, 0, (x % 256) as u8]));
        let mut png = Vec::new();
        picture
            .write_with_encoder(image::codecs::png::PngEncoder::new(&mut png))
            .unwrap();
        let done = process(&png).unwrap();
        assert!(done.files.iter().all(|f| f.content_type == "image/png"));
        // An alpha channel that is opaque everywhere is a photo.
        let opaque = RgbaImage::from_pixel(300, 200, Rgba([9, 9, 9, 255]));
        let mut png = Vec::new();
        opaque
            .write_with_encoder(image::codecs::png::PngEncoder::new(&mut png))
            .unwrap();
        let done = process(&png).unwrap();
        assert!(done.files.iter().all(|f| f.content_type == "image/jpeg"));
    }

    #[test]
    fn what_is_not_a_whole_image_is_refused() {
        let whole = jpeg(64, 64);
        assert_eq!(
            process(&whole[..whole.len() / 2]).unwrap_err(),
            Refusal::Damaged
        );
        for bytes in [
            &b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"[..],
            b"<!doctype html><script>alert(1)</script>",
            b"GIF89a",
            b"",
        ] {
            assert!(process(bytes).is_err(), "{bytes:?}");
        }
    }
}
