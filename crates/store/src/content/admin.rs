//! What the back office reads: every journey whatever its visibility, every
//! entry whatever its publish time.

use abide_content::Visibility;
use serde::Serialize;
use sqlx::Row;

use super::query::{CARD, card, stored};
use crate::db::Store;
use crate::error::StoreError;
use crate::{EntryCard, StoredSource};

/// A journey as the back office lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JourneyAdmin {
    /// Row id.
    pub id: i64,
    /// Its slug.
    pub slug: String,
    /// Its title.
    pub title: String,
    /// Who may see it.
    pub visibility: Visibility,
    /// Files kept (0: imported before files were kept; not editable here).
    pub files: i64,
    /// Entries, published or scheduled.
    pub total: i64,
    /// Entries published.
    pub published: i64,
    /// The newest published entry: today's.
    pub today: Option<EntryCard>,
    /// The next one scheduled.
    pub next: Option<EntryCard>,
}

/// An entry of a journey with the file it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntryAdmin {
    /// As lists show it.
    #[serde(flatten)]
    pub card: EntryCard,
    /// Its file, relative to the journey folder.
    pub source_path: String,
}

impl Store {
    /// Every journey, by title, with today's entry and the next.
    pub async fn admin_journeys(&self, now: i64) -> Result<Vec<JourneyAdmin>, StoreError> {
        let rows = sqlx::query(
            "SELECT j.id, j.slug, j.title, j.visibility,
                    (SELECT COUNT(*) FROM source_files f WHERE f.journey_id = j.id) AS files,
                    (SELECT COUNT(*) FROM entries e WHERE e.journey_id = j.id) AS total,
                    (SELECT COUNT(*) FROM entries e WHERE e.journey_id = j.id AND e.publish_at <= $1) AS published
             FROM journeys j ORDER BY j.title, j.id",
        )
        .bind(now)
        .fetch_all(self.pool())
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let id: i64 = row.try_get("id")?;
            let today = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT {CARD} WHERE e.journey_id = $1 AND e.publish_at <= $2 \
                 ORDER BY e.publish_at DESC, e.id DESC LIMIT 1"
            )))
            .bind(id)
            .bind(now)
            .fetch_optional(self.pool())
            .await?;
            let next = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT {CARD} WHERE e.journey_id = $1 AND e.publish_at > $2 \
                 ORDER BY e.publish_at, e.id LIMIT 1"
            )))
            .bind(id)
            .bind(now)
            .fetch_optional(self.pool())
            .await?;
            out.push(JourneyAdmin {
                id,
                slug: row.try_get("slug")?,
                title: row.try_get("title")?,
                visibility: stored(&row, "visibility", Visibility::parse)?,
                files: row.try_get("files")?,
                total: row.try_get("total")?,
                published: row.try_get("published")?,
                today: today.as_ref().map(card).transpose()?,
                next: next.as_ref().map(card).transpose()?,
            });
        }
        Ok(out)
    }

    /// Every entry of journey `journey_id`, published or not, in reading
    /// order, with its file.
    pub async fn journey_entries_admin(
        &self,
        journey_id: i64,
    ) -> Result<Vec<EntryAdmin>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT e.source_path AS source_path, {CARD} WHERE e.journey_id = $1 \
             ORDER BY e.week, e.day, e.kind, e.id"
        )))
        .bind(journey_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(EntryAdmin {
                    card: card(row)?,
                    source_path: row.try_get("source_path")?,
                })
            })
            .collect()
    }

    /// Entries scheduled after `now`, soonest first.
    pub async fn scheduled_entries(
        &self,
        now: i64,
        limit: i64,
    ) -> Result<Vec<EntryCard>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {CARD} WHERE e.publish_at > $1 ORDER BY e.publish_at, e.id LIMIT $2"
        )))
        .bind(now)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        Ok(rows.iter().map(card).collect::<Result<_, _>>()?)
    }

    /// Every address of content, published or not, whoever may read it:
    /// journeys, entries, tags and authors (what links in an entry may lead
    /// to).
    pub async fn content_paths(&self) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query(
            "SELECT '/journeys/' || slug AS path FROM journeys
             UNION ALL SELECT '/journeys/' || j.slug || '/' || e.slug FROM entries e JOIN journeys j ON j.id = e.journey_id
             UNION ALL SELECT '/tags/' || slug FROM tags
             UNION ALL SELECT '/authors/' || slug FROM authors",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| Ok(r.try_get::<String, _>(0)?))
            .collect()
    }

    /// The drafts (`draft = true`) among the kept files of every journey:
    /// `(journey, path, title)`.
    pub async fn drafts(&self) -> Result<Vec<(StoredSourceRef, String, String)>, StoreError> {
        let mut out = Vec::new();
        for journey in self.all_sources().await? {
            for path in journey.source.entry_paths() {
                let Some(text) = journey.source.text(path) else {
                    continue;
                };
                if let Ok(form) = abide_content::EntryForm::from_file(text)
                    && form.draft
                {
                    out.push((StoredSourceRef::of(&journey), path.to_owned(), form.title));
                }
            }
        }
        Ok(out)
    }
}

/// A journey named by a list of the back office.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredSourceRef {
    /// Row id.
    pub id: i64,
    /// Slug.
    pub slug: String,
    /// Title.
    pub title: String,
}

impl StoredSourceRef {
    fn of(source: &StoredSource) -> Self {
        Self {
            id: source.journey_id,
            slug: source.slug.clone(),
            title: source.title.clone(),
        }
    }
}
