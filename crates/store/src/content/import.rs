use std::collections::{HashMap, HashSet};

use abide_content::{Entry, Journey, Tag};
use sqlx::{AnyConnection, Row};

use crate::db::Store;
use crate::error::StoreError;

/// What an import changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Journeys imported (new or updated or unchanged).
    pub journeys: usize,
    /// Entries that did not exist.
    pub created: usize,
    /// Entries whose file changed.
    pub updated: usize,
    /// Entries whose file did not change.
    pub unchanged: usize,
    /// Entries that are no longer in their journey's folder.
    pub deleted: usize,
}

impl ImportReport {
    /// True when the import changed anything.
    pub fn changed(&self) -> bool {
        self.created + self.updated + self.deleted > 0
    }
}

/// The settings key of the content version, bumped by every import that
/// changes something, so that every node's page cache knows to drop its pages.
pub(crate) const CONTENT_VERSION_KEY: &str = "content_version";

impl Store {
    /// Imports validated journeys in one transaction: all or nothing. A journey
    /// is matched by its slug, an entry by its journey and slug; entries whose
    /// file did not change are left alone, entries gone from the folder are
    /// deleted. Importing the same folders twice changes nothing the second time.
    pub async fn import_journeys(&self, journeys: &[Journey]) -> Result<ImportReport, StoreError> {
        let mut tx = self.begin_write().await?;
        let mut report = ImportReport::default();
        let now = self.now_ms();
        for journey in journeys {
            import_journey(&mut tx, journey, now, &mut report).await?;
        }
        if report.changed() {
            bump_content_version(&mut tx, now).await?;
        }
        tx.commit().await?;
        Ok(report)
    }

    /// A number that changes whenever imported content changes.
    pub async fn content_version(&self) -> Result<i64, StoreError> {
        Ok(self.setting::<i64>(CONTENT_VERSION_KEY).await?.unwrap_or(0))
    }
}

async fn bump_content_version(tx: &mut AnyConnection, now: i64) -> Result<(), StoreError> {
    // An instant, not a counter: unique enough, and no read-modify-write.
    sqlx::query(
        "INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
    )
    .bind(CONTENT_VERSION_KEY)
    .bind(now.to_string())
    .bind(now)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

async fn import_journey(
    tx: &mut AnyConnection,
    journey: &Journey,
    now: i64,
    report: &mut ImportReport,
) -> Result<(), StoreError> {
    report.journeys += 1;
    let mut author_ids = HashMap::new();
    for author in &journey.authors {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO authors (slug, name, bio_html, updated_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (slug) DO UPDATE SET name = excluded.name, bio_html = excluded.bio_html, updated_at = excluded.updated_at
             RETURNING id",
        )
        .bind(&author.slug)
        .bind(&author.name)
        .bind(&author.bio_html)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        author_ids.insert(author.slug.as_str(), id);
    }

    let cover = match &journey.cover_file {
        Some(image) => Some(store_cover(tx, &journey.slug, image, now).await?),
        None => {
            remove_covers(tx, &journey.slug, None).await?;
            journey.cover_image.clone()
        }
    };
    let journey_id: i64 = sqlx::query_scalar(include_str!("sql/upsert_journey.sql"))
        .bind(&journey.slug)
        .bind(&journey.title)
        .bind(&journey.summary)
        .bind(cover.as_deref())
        .bind(journey.visibility.as_str())
        .bind(&journey.source_hash)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;

    sqlx::query("DELETE FROM weeks WHERE journey_id = $1")
        .bind(journey_id)
        .execute(&mut *tx)
        .await?;
    for week in &journey.weeks {
        sqlx::query("INSERT INTO weeks (journey_id, number, theme, introduction_html) VALUES ($1, $2, $3, $4)")
            .bind(journey_id)
            .bind(i64::from(week.number))
            .bind(&week.theme)
            .bind(&week.introduction_html)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query("DELETE FROM journey_tags WHERE journey_id = $1")
        .bind(journey_id)
        .execute(&mut *tx)
        .await?;
    for tag in unique_tags(&journey.tags) {
        let tag_id = upsert_tag(tx, tag).await?;
        sqlx::query("INSERT INTO journey_tags (journey_id, tag_id) VALUES ($1, $2)")
            .bind(journey_id)
            .bind(tag_id)
            .execute(&mut *tx)
            .await?;
    }

    // Entries: compare with what is stored.
    let rows =
        sqlx::query("SELECT id, slug, source_hash, publish_at FROM entries WHERE journey_id = $1")
            .bind(journey_id)
            .fetch_all(&mut *tx)
            .await?;
    let mut stored: HashMap<String, (i64, String, i64)> = HashMap::new();
    for row in rows {
        stored.insert(
            row.try_get("slug")?,
            (
                row.try_get("id")?,
                row.try_get("source_hash")?,
                row.try_get("publish_at")?,
            ),
        );
    }
    let mut seen = HashSet::new();
    for entry in &journey.entries {
        seen.insert(entry.slug.as_str());
        let author_id = entry
            .author
            .as_deref()
            .and_then(|a| author_ids.get(a).copied());
        let publish_at = entry.publish_at.as_millisecond();
        match stored.get(&entry.slug) {
            Some((_, hash, at)) if *hash == entry.source_hash && *at == publish_at => {
                report.unchanged += 1;
            }
            Some((id, ..)) => {
                write_entry(tx, Some(*id), journey_id, entry, author_id, now).await?;
                report.updated += 1;
            }
            None => {
                write_entry(tx, None, journey_id, entry, author_id, now).await?;
                report.created += 1;
            }
        }
    }
    for (slug, (id, ..)) in &stored {
        if !seen.contains(slug.as_str()) {
            sqlx::query("DELETE FROM entries WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            report.deleted += 1;
        }
    }
    Ok(())
}

/// Stores a journey's cover under a fingerprinted path and returns its URL;
/// older covers of the journey go.
async fn store_cover(
    tx: &mut AnyConnection,
    journey: &str,
    image: &abide_content::ImageFile,
    now: i64,
) -> Result<String, StoreError> {
    let fingerprint = abide_content::Fingerprint::of(&image.bytes).short_hex();
    let path = format!("journeys/{journey}/{fingerprint}-{}", image.name);
    remove_covers(tx, journey, Some(&path)).await?;
    sqlx::query(
        "INSERT INTO media (path, content_type, bytes, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (path) DO NOTHING",
    )
    .bind(&path)
    .bind(image.content_type)
    .bind(image.bytes.as_slice())
    .bind(now)
    .execute(&mut *tx)
    .await?;
    Ok(format!("/media/{path}"))
}

async fn remove_covers(
    tx: &mut AnyConnection,
    journey: &str,
    keep: Option<&str>,
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM media WHERE path LIKE $1 AND path <> $2")
        .bind(format!("journeys/{journey}/%"))
        .bind(keep.unwrap_or(""))
        .execute(&mut *tx)
        .await?;
    Ok(())
}

fn unique_tags(tags: &[Tag]) -> impl Iterator<Item = &Tag> {
    let mut seen = HashSet::new();
    tags.iter()
        .filter(move |t| !t.slug.is_empty() && seen.insert(t.slug.clone()))
}

async fn upsert_tag(tx: &mut AnyConnection, tag: &Tag) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO tags (slug, name) VALUES ($1, $2)
         ON CONFLICT (slug) DO UPDATE SET name = excluded.name
         RETURNING id",
    )
    .bind(&tag.slug)
    .bind(&tag.name)
    .fetch_one(&mut *tx)
    .await?)
}

/// Inserts an entry (`id` None) or replaces one, with its tags and citations.
async fn write_entry(
    tx: &mut AnyConnection,
    id: Option<i64>,
    journey_id: i64,
    entry: &Entry,
    author_id: Option<i64>,
    now: i64,
) -> Result<(), StoreError> {
    let practices = serde_json::to_string(&entry.practices).map_err(|source| StoreError::Json {
        what: format!("entry {} practices", entry.slug),
        source,
    })?;
    let questions = serde_json::to_string(&entry.questions).map_err(|source| StoreError::Json {
        what: format!("entry {} questions", entry.slug),
        source,
    })?;
    let sql = match id {
        None => include_str!("sql/insert_entry.sql"),
        Some(_) => include_str!("sql/update_entry.sql"),
    };
    let entry_id: i64 = sqlx::query_scalar(sql)
        .bind(id.unwrap_or(0))
        .bind(journey_id)
        .bind(&entry.slug)
        .bind(i64::from(entry.week))
        .bind(entry.kind.as_str())
        .bind(i64::from(entry.day))
        .bind(&entry.title)
        .bind(&entry.summary)
        .bind(entry.key_passage.as_deref())
        .bind(entry.key_osis.as_deref())
        .bind(&entry.body_html)
        .bind(entry.going_deeper_html.as_deref())
        .bind(practices)
        .bind(questions)
        .bind(author_id)
        .bind(entry.publish_at.as_millisecond())
        .bind(i64::from(entry.members_only))
        .bind(i64::try_from(entry.word_count).unwrap_or(i64::MAX))
        .bind(&entry.source_path)
        .bind(&entry.source_hash)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;

    sqlx::query("DELETE FROM entry_tags WHERE entry_id = $1")
        .bind(entry_id)
        .execute(&mut *tx)
        .await?;
    for tag in unique_tags(&entry.tags) {
        let tag_id = upsert_tag(tx, tag).await?;
        sqlx::query("INSERT INTO entry_tags (entry_id, tag_id) VALUES ($1, $2)")
            .bind(entry_id)
            .bind(tag_id)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query("DELETE FROM citations WHERE entry_id = $1")
        .bind(entry_id)
        .execute(&mut *tx)
        .await?;
    for c in &entry.citations {
        sqlx::query(
            "INSERT INTO citations (entry_id, start_key, end_key, kind, span_start, span_end, osis)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(entry_id)
        .bind(i64::from(c.start))
        .bind(i64::from(c.end))
        .bind(c.kind.as_str())
        .bind(i64::try_from(c.span.0).unwrap_or(i64::MAX))
        .bind(i64::try_from(c.span.1).unwrap_or(i64::MAX))
        .bind(&c.osis)
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}
