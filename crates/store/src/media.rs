//! The media library: images uploaded in the back office, each kept in the
//! sizes pages use. The bytes of every size are rows of `media` (what
//! `/media/…` serves, on every node); `media_library` says what they are.
//!
//! Paths are made here, from a fingerprint of the bytes and a slug of the
//! name (`library/3f2a…-sunrise-w800.jpg`): only `[a-z0-9-]`, one dot, under
//! `library/`, so nothing an upload is called can point anywhere else.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::db::Store;
use crate::error::StoreError;

/// The longest alt text kept, in characters.
pub const MAX_ALT_CHARS: usize = 300;

/// The longest original name kept (shown only), in characters.
const MAX_NAME_CHARS: usize = 120;

/// The longest slug of the name in a path.
const MAX_SLUG_CHARS: usize = 40;

/// One size of an image, as it is to be kept.
#[derive(Debug, Clone)]
pub struct NewMediaFile {
    /// What the size is for, a short word of `[a-z0-9-]`: `cover`, `w800`.
    pub name: String,
    /// Pixels.
    pub width: u32,
    /// Pixels.
    pub height: u32,
    /// `image/jpeg` or `image/png`.
    pub content_type: &'static str,
    /// The encoded image.
    pub bytes: Vec<u8>,
}

/// An uploaded image, decoded and resized, to be added to the library.
#[derive(Debug, Clone)]
pub struct NewMedia {
    /// The uploaded file's name as the browser sent it (sanitised here:
    /// shown, never used as a path).
    pub original_name: String,
    /// What the image shows, for those who cannot see it.
    pub alt: String,
    /// The decoded image's size, in pixels.
    pub width: u32,
    /// The decoded image's size, in pixels.
    pub height: u32,
    /// Its sizes.
    pub files: Vec<NewMediaFile>,
    /// Who uploaded it.
    pub uploaded_by: Option<i64>,
}

/// One size of an image of the library, as it is kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaSize {
    /// What the size is for: `cover`, `w800`...
    pub name: String,
    /// Its path under `/media/`.
    pub path: String,
    /// Pixels.
    pub width: u32,
    /// Pixels.
    pub height: u32,
    /// Its `Content-Type`.
    pub content_type: String,
    /// Its length in bytes.
    pub bytes: u64,
}

impl MediaSize {
    /// Its address on the site.
    pub fn url(&self) -> String {
        format!("/media/{}", self.path)
    }
}

/// An image of the library.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MediaItem {
    /// Row id.
    pub id: i64,
    /// The uploaded file's name, sanitised (display only).
    pub original_name: String,
    /// Its alt text.
    pub alt: String,
    /// Pixels, after the EXIF orientation.
    pub width: u32,
    /// Pixels, after the EXIF orientation.
    pub height: u32,
    /// Its sizes, as kept.
    pub sizes: Vec<MediaSize>,
    /// Who uploaded it (their display name), when the account still exists.
    pub uploaded_by: Option<String>,
    /// When (UTC ms).
    pub created_at: i64,
}

impl MediaItem {
    /// The size called `name`.
    pub fn size(&self, name: &str) -> Option<&MediaSize> {
        self.sizes.iter().find(|s| s.name == name)
    }
}

/// A journey's file that uses an image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MediaUse {
    /// The journey's row id.
    pub journey_id: i64,
    /// The journey's title.
    pub journey_title: String,
    /// The file, relative to the journey folder.
    pub path: String,
}

/// The uploaded name made safe to show: no folders (`/` and `\` end one), no
/// control characters, at most `MAX_NAME_CHARS`.
pub fn display_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_NAME_CHARS)
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim();
    if cleaned.is_empty() {
        "image".to_owned()
    } else {
        cleaned.to_owned()
    }
}

/// The path a size is kept under: `library/{fingerprint}-{slug}-{size}.{ext}`,
/// every part made here.
fn media_path(original_name: &str, file: &NewMediaFile) -> String {
    let digest = Sha256::digest(&file.bytes);
    let fingerprint: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    let stem = original_name
        .rsplit_once('.')
        .map_or(original_name, |(stem, _)| stem);
    let mut slug = abide_content::slugify(stem);
    if slug.len() > MAX_SLUG_CHARS {
        slug.truncate(MAX_SLUG_CHARS);
        slug = slug.trim_end_matches('-').to_owned();
    }
    if slug.is_empty() {
        slug.push_str("image");
    }
    let size = abide_content::slugify(&file.name);
    let ext = if file.content_type == "image/png" {
        "png"
    } else {
        "jpg"
    };
    format!("library/{fingerprint}-{slug}-{size}.{ext}")
}

const ITEM: &str = "SELECT m.id, m.original_name, m.alt, m.width, m.height, m.sizes, \
                    m.created_at, u.display_name AS uploader \
                    FROM media_library m LEFT JOIN users u ON u.id = m.uploaded_by";

fn item(row: &AnyRow) -> Result<MediaItem, StoreError> {
    let sizes: String = row.try_get("sizes")?;
    let sizes = serde_json::from_str(&sizes).map_err(|source| StoreError::Json {
        what: "media library sizes".into(),
        source,
    })?;
    let pixels = |name: &str| -> Result<u32, StoreError> {
        let v: i64 = row.try_get(name)?;
        Ok(u32::try_from(v).unwrap_or(0))
    };
    Ok(MediaItem {
        id: row.try_get("id")?,
        original_name: row.try_get("original_name")?,
        alt: row.try_get("alt")?,
        width: pixels("width")?,
        height: pixels("height")?,
        sizes,
        uploaded_by: row.try_get("uploader")?,
        created_at: row.try_get("created_at")?,
    })
}

impl Store {
    /// Adds an image to the library: its sizes to `media` (under paths made
    /// here) and its row, in one transaction.
    pub async fn add_media(&self, new: &NewMedia) -> Result<MediaItem, StoreError> {
        let now = self.now_ms();
        let original_name = display_name(&new.original_name);
        let sizes: Vec<MediaSize> = new
            .files
            .iter()
            .map(|f| MediaSize {
                name: abide_content::slugify(&f.name),
                path: media_path(&original_name, f),
                width: f.width,
                height: f.height,
                content_type: f.content_type.to_owned(),
                bytes: f.bytes.len() as u64,
            })
            .collect();
        let json = serde_json::to_string(&sizes).map_err(|source| StoreError::Json {
            what: "media library sizes".into(),
            source,
        })?;
        let mut tx = self.begin_write().await?;
        for (size, file) in sizes.iter().zip(&new.files) {
            // The same bytes under the same name are the same file: an image
            // uploaded twice shares its rows.
            sqlx::query(
                "INSERT INTO media (path, content_type, bytes, updated_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (path) DO NOTHING",
            )
            .bind(&size.path)
            .bind(file.content_type)
            .bind(file.bytes.as_slice())
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        let alt: String = new.alt.trim().chars().take(MAX_ALT_CHARS).collect();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO media_library
                 (original_name, alt, width, height, sizes, uploaded_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(&original_name)
        .bind(&alt)
        .bind(i64::from(new.width))
        .bind(i64::from(new.height))
        .bind(&json)
        .bind(new.uploaded_by)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        self.media_item(id).await?.ok_or(StoreError::Json {
            what: "a media item just added".into(),
            source: serde::de::Error::custom("not found"),
        })
    }

    /// The library, newest first.
    pub async fn media_library(&self) -> Result<Vec<MediaItem>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{ITEM} ORDER BY m.created_at DESC, m.id DESC"
        )))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(item).collect()
    }

    /// One image of the library.
    pub async fn media_item(&self, id: i64) -> Result<Option<MediaItem>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!("{ITEM} WHERE m.id = $1")))
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(item).transpose()
    }

    /// Changes an image's alt text; `false` when there is no such image.
    pub async fn set_media_alt(&self, id: i64, alt: &str) -> Result<bool, StoreError> {
        let alt: String = alt.trim().chars().take(MAX_ALT_CHARS).collect();
        let done = sqlx::query("UPDATE media_library SET alt = $1 WHERE id = $2")
            .bind(&alt)
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// The journeys' files that name any of `paths` (as `/media/…`), by
    /// journey and file.
    pub async fn media_uses(&self, paths: &[String]) -> Result<Vec<MediaUse>, StoreError> {
        if paths.is_empty() {
            return Ok(Vec::new());
        }
        let rows = sqlx::query(
            "SELECT f.journey_id, j.title, f.path, f.bytes FROM source_files f
             JOIN journeys j ON j.id = f.journey_id ORDER BY j.title, f.path",
        )
        .fetch_all(self.pool())
        .await?;
        let mut out = Vec::new();
        for row in rows {
            let bytes: Vec<u8> = row.try_get("bytes")?;
            let Ok(text) = std::str::from_utf8(&bytes) else {
                continue;
            };
            if paths.iter().any(|p| text.contains(&format!("/media/{p}"))) {
                out.push(MediaUse {
                    journey_id: row.try_get("journey_id")?,
                    journey_title: row.try_get("title")?,
                    path: row.try_get("path")?,
                });
            }
        }
        Ok(out)
    }

    /// Removes an image from the library, and its sizes from `media` unless
    /// another image of the library shares them (the same file uploaded
    /// twice). `false` when there is no such image.
    pub async fn delete_media(&self, id: i64) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let sizes: Option<String> =
            sqlx::query_scalar("SELECT sizes FROM media_library WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some(sizes) = sizes else {
            return Ok(false);
        };
        sqlx::query("DELETE FROM media_library WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let sizes: Vec<MediaSize> =
            serde_json::from_str(&sizes).map_err(|source| StoreError::Json {
                what: "media library sizes".into(),
                source,
            })?;
        let others: Vec<String> = sqlx::query_scalar("SELECT sizes FROM media_library")
            .fetch_all(&mut *tx)
            .await?;
        for size in &sizes {
            let shared = others.iter().any(|o| o.contains(&size.path));
            if !shared && size.path.starts_with("library/") {
                sqlx::query("DELETE FROM media WHERE path = $1")
                    .bind(&size.path)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        tx.commit().await?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str) -> NewMediaFile {
        NewMediaFile {
            name: name.into(),
            width: 1,
            height: 1,
            content_type: "image/jpeg",
            bytes: vec![1, 2, 3],
        }
    }

    #[test]
    fn paths_are_made_here_whatever_the_name() {
        for name in [
            "../../x.png",
            "a/b\\c.png",
            "..",
            "",
            "/etc/passwd",
            "C:\\Windows\\evil.svg",
            "\u{0}\n.png",
        ] {
            let shown = display_name(name);
            let path = media_path(&shown, &file("w800"));
            assert!(path.starts_with("library/"), "{name}: {path}");
            let rest = &path["library/".len()..];
            assert!(
                rest.bytes().all(|b| b.is_ascii_lowercase()
                    || b.is_ascii_digit()
                    || b == b'-'
                    || b == b'.'),
                "{name}: {path}"
            );
            assert_eq!(rest.matches('.').count(), 1, "{name}: {path}");
            assert!(!rest.contains(".."), "{name}: {path}");
            assert!(!shown.contains('/') && !shown.contains('\\'), "{shown}");
        }
        assert_eq!(display_name("../../x.png"), "x.png");
        assert_eq!(display_name("a/b\\c.png"), "c.png");
        assert!(
            media_path("Sunrise at Galilee.JPG", &file("w800"))
                .ends_with("-sunrise-at-galilee-w800.jpg")
        );
    }
}
