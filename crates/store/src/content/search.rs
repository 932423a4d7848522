//! What the search index is fed: every entry a reader may find (all but those
//! of unlisted journeys, published or scheduled: the index hides an entry
//! until its time), with a version that changes whenever what is indexed
//! changes: a fingerprint of the entry's and its journey's source hashes
//! (the files they were imported from) and slugs, which does not depend on any
//! clock.

use sqlx::Row;

use crate::db::Store;
use crate::error::StoreError;

/// Entries read per query when many are asked for.
const BATCH: usize = 500;

/// The stored parts of an entry that search indexes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchSource {
    /// Row id.
    pub id: i64,
    /// Changes whenever anything below changes.
    pub version: i64,
    /// The journey's slug.
    pub journey_slug: String,
    /// The journey's title.
    pub journey_title: String,
    /// The entry's slug.
    pub slug: String,
    /// Week number.
    pub week: i64,
    /// Day within the week.
    pub day: i64,
    /// Title.
    pub title: String,
    /// The summary everyone may read.
    pub summary: String,
    /// Key passage as written.
    pub key_passage: Option<String>,
    /// Key passage as OSIS.
    pub key_osis: Option<String>,
    /// Publish time (ms).
    pub publish_at: i64,
    /// Whether only members may read its text (the entry or its journey says so).
    pub members_only: bool,
    /// The reflection, HTML.
    pub body_html: String,
    /// Going Deeper, HTML.
    pub going_deeper_html: Option<String>,
    /// Practices, as stored (JSON).
    pub practices_json: String,
    /// Questions, as stored (JSON).
    pub questions_json: String,
    /// Tags: (slug, name).
    pub tags: Vec<(String, String)>,
    /// The author's name.
    pub author: Option<String>,
    /// Citations: (first verse key, last verse key, is the key passage).
    pub citations: Vec<(u32, u32, bool)>,
}

/// The version of an entry's row: its file's and its journey's hashes, and
/// their slugs (a rename from the back office changes no file).
fn version(row: &sqlx::any::AnyRow) -> Result<i64, sqlx::Error> {
    let mut fp = abide_content::Fingerprint::new();
    fp.field(row.try_get::<String, _>("source_hash")?.as_bytes());
    fp.field(row.try_get::<String, _>("journey_hash")?.as_bytes());
    fp.field(row.try_get::<String, _>("slug")?.as_bytes());
    fp.field(row.try_get::<String, _>("journey_slug")?.as_bytes());
    Ok(fp.to_i64())
}

impl Store {
    /// Every entry search may show, with its version: `(id, version)`.
    pub async fn search_versions(&self) -> Result<Vec<(i64, i64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT e.id, e.source_hash, j.source_hash AS journey_hash, e.slug, j.slug AS journey_slug \
             FROM entries e JOIN journeys j ON j.id = e.journey_id WHERE j.visibility <> 'unlisted'",
        )
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .iter()
            .map(|r| Ok::<_, sqlx::Error>((r.try_get("id")?, version(r)?)))
            .collect::<Result<_, _>>()?)
    }

    /// The entries of `ids` that search may show (others are left out).
    pub async fn search_sources(&self, ids: &[i64]) -> Result<Vec<SearchSource>, StoreError> {
        let mut out = Vec::with_capacity(ids.len());
        for batch in ids.chunks(BATCH) {
            self.search_batch(batch, &mut out).await?;
        }
        Ok(out)
    }

    async fn search_batch(
        &self,
        ids: &[i64],
        out: &mut Vec<SearchSource>,
    ) -> Result<(), StoreError> {
        let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        let sql = format!(
            "SELECT e.id, e.source_hash, j.source_hash AS journey_hash, \
             j.slug AS journey_slug, j.title AS journey_title, j.visibility, e.slug, e.week, e.day, e.title, \
             e.summary, e.key_passage, e.key_osis, e.publish_at, e.members_only, e.body_html, \
             e.going_deeper_html, e.practices, e.questions, a.name AS author \
             FROM entries e JOIN journeys j ON j.id = e.journey_id LEFT JOIN authors a ON a.id = e.author_id \
             WHERE j.visibility <> 'unlisted' AND e.id IN ({list}) ORDER BY e.id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(self.pool())
            .await?;
        let first = out.len();
        for r in &rows {
            let visibility: String = r.try_get("visibility")?;
            out.push(SearchSource {
                id: r.try_get("id")?,
                version: version(r)?,
                journey_slug: r.try_get("journey_slug")?,
                journey_title: r.try_get("journey_title")?,
                slug: r.try_get("slug")?,
                week: r.try_get("week")?,
                day: r.try_get("day")?,
                title: r.try_get("title")?,
                summary: r.try_get("summary")?,
                key_passage: r.try_get("key_passage")?,
                key_osis: r.try_get("key_osis")?,
                publish_at: r.try_get("publish_at")?,
                members_only: r.try_get::<i64, _>("members_only")? != 0 || visibility == "members",
                body_html: r.try_get("body_html")?,
                going_deeper_html: r.try_get("going_deeper_html")?,
                practices_json: r.try_get("practices")?,
                questions_json: r.try_get("questions")?,
                author: r.try_get("author")?,
                tags: Vec::new(),
                citations: Vec::new(),
            });
        }
        let by_id: std::collections::HashMap<i64, usize> = out[first..]
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id, first + i))
            .collect();
        let tags = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT et.entry_id, t.slug, t.name FROM entry_tags et JOIN tags t ON t.id = et.tag_id \
             WHERE et.entry_id IN ({list}) ORDER BY et.entry_id, t.name"
        )))
        .fetch_all(self.pool())
        .await?;
        for r in &tags {
            if let Some(&i) = by_id.get(&r.try_get::<i64, _>("entry_id")?) {
                out[i].tags.push((r.try_get("slug")?, r.try_get("name")?));
            }
        }
        let citations = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT entry_id, start_key, end_key, kind FROM citations \
             WHERE entry_id IN ({list}) ORDER BY entry_id, span_start"
        )))
        .fetch_all(self.pool())
        .await?;
        for r in &citations {
            if let Some(&i) = by_id.get(&r.try_get::<i64, _>("entry_id")?) {
                let key = |c: &str| -> Result<u32, sqlx::Error> {
                    u32::try_from(r.try_get::<i64, _>(c)?).map_err(|e| sqlx::Error::ColumnDecode {
                        index: c.to_owned(),
                        source: Box::new(e),
                    })
                };
                let kind: String = r.try_get("kind")?;
                out[i]
                    .citations
                    .push((key("start_key")?, key("end_key")?, kind == "key"));
            }
        }
        Ok(())
    }
}
