use abide_content::{CitationKind, EntryKind, Visibility};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::db::Store;
use crate::error::StoreError;

/// A tag as pages show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TagRef {
    /// For URLs.
    pub slug: String,
    /// As written.
    pub name: String,
}

/// An author as pages show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuthorView {
    /// For URLs.
    pub slug: String,
    /// The name.
    pub name: String,
    /// A short biography, HTML.
    pub bio_html: String,
}

/// A journey in a list, or at the top of its page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JourneyCard {
    /// Row id.
    pub id: i64,
    /// For URLs.
    pub slug: String,
    /// Title.
    pub title: String,
    /// Plain-text summary.
    pub summary: String,
    /// Cover image path or URL.
    pub cover_image: Option<String>,
    /// Who may see it.
    pub visibility: Visibility,
    /// Entries published so far.
    pub published: i64,
    /// Entries in all, published or scheduled.
    pub total: i64,
    /// First entry's publish time (ms), if any.
    pub starts_at: Option<i64>,
    /// Latest published entry's publish time (ms), if any.
    pub latest_at: Option<i64>,
    /// Last change (ms).
    pub updated_at: i64,
    /// Tags.
    pub tags: Vec<TagRef>,
}

/// An entry in a list (home, journey, tag, author, passage pages, feeds).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntryCard {
    /// Row id.
    pub id: i64,
    /// The journey's slug.
    pub journey_slug: String,
    /// The journey's title.
    pub journey_title: String,
    /// The entry's slug.
    pub slug: String,
    /// Week number.
    pub week: i64,
    /// Introduction, day or recap.
    pub kind: EntryKind,
    /// Day within the week (0 for an introduction).
    pub day: i64,
    /// Title.
    pub title: String,
    /// Plain-text summary.
    pub summary: String,
    /// The key passage as written.
    pub key_passage: Option<String>,
    /// The key passage as OSIS.
    pub key_osis: Option<String>,
    /// Publish time (ms).
    pub publish_at: i64,
    /// Last change (ms).
    pub updated_at: i64,
    /// For members only.
    pub members_only: bool,
    /// The journey's visibility.
    pub visibility: Visibility,
}

/// One practice of an entry's Application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PracticeView {
    /// Inline HTML.
    pub html: String,
    /// Suggested minutes.
    pub minutes: Option<u32>,
}

/// An entry's page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntryView {
    /// What lists show.
    #[serde(flatten)]
    pub card: EntryCard,
    /// The week's theme.
    pub week_theme: String,
    /// The reflection, HTML with citations linked.
    pub body_html: String,
    /// Going Deeper, HTML.
    pub going_deeper_html: Option<String>,
    /// Application.
    pub practices: Vec<PracticeView>,
    /// Questions, inline HTML.
    pub questions: Vec<String>,
    /// Tags.
    pub tags: Vec<TagRef>,
    /// Author.
    pub author: Option<AuthorView>,
    /// Words of the text.
    pub word_count: i64,
}

/// A week of a journey with its published entries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WeekView {
    /// 1-based.
    pub number: i64,
    /// Theme.
    pub theme: String,
    /// Introduction, HTML.
    pub introduction_html: String,
    /// Published entries in reading order.
    pub entries: Vec<EntryCard>,
    /// Entries scheduled but not yet published.
    pub upcoming: i64,
}

/// An entry that cites a passage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CitingEntry {
    /// The entry.
    pub entry: EntryCard,
    /// How it cites the passage (key first when both).
    pub kind: CitationKind,
    /// What it cites, as OSIS.
    pub osis: String,
}

/// One address for the sitemap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SitemapItem {
    /// Path from the site root, beginning with `/`.
    pub path: String,
    /// Last change (ms).
    pub updated_at: i64,
}

pub(super) const CARD: &str = "e.id, j.slug AS journey_slug, j.title AS journey_title, e.slug, e.week, e.kind, e.day, \
     e.title, e.summary, e.key_passage, e.key_osis, e.publish_at, e.updated_at, e.members_only, j.visibility \
     FROM entries e JOIN journeys j ON j.id = e.journey_id";

pub(super) fn card(row: &AnyRow) -> Result<EntryCard, sqlx::Error> {
    Ok(EntryCard {
        id: row.try_get("id")?,
        journey_slug: row.try_get("journey_slug")?,
        journey_title: row.try_get("journey_title")?,
        slug: row.try_get("slug")?,
        week: row.try_get("week")?,
        kind: stored(row, "kind", EntryKind::parse)?,
        day: row.try_get("day")?,
        title: row.try_get("title")?,
        summary: row.try_get("summary")?,
        key_passage: row.try_get("key_passage")?,
        key_osis: row.try_get("key_osis")?,
        publish_at: row.try_get("publish_at")?,
        updated_at: row.try_get("updated_at")?,
        members_only: row.try_get::<i64, _>("members_only")? != 0,
        visibility: stored(row, "visibility", Visibility::parse)?,
    })
}

/// A column that holds one of an enum's stored names (see `abide_content`),
/// read as that enum; any other text is a decoding error naming the column.
pub(super) fn stored<T>(
    row: &AnyRow,
    column: &str,
    parse: fn(&str) -> Option<T>,
) -> Result<T, sqlx::Error> {
    let text: String = row.try_get(column)?;
    parse(&text).ok_or_else(|| sqlx::Error::ColumnDecode {
        index: column.to_owned(),
        source: format!("{text:?} is not a known value").into(),
    })
}

fn cards(rows: &[AnyRow]) -> Result<Vec<EntryCard>, sqlx::Error> {
    rows.iter().map(card).collect()
}

fn journey_card(row: &AnyRow) -> Result<JourneyCard, sqlx::Error> {
    Ok(JourneyCard {
        id: row.try_get("id")?,
        slug: row.try_get("slug")?,
        title: row.try_get("title")?,
        summary: row.try_get("summary")?,
        cover_image: row.try_get("cover_image")?,
        visibility: stored(row, "visibility", Visibility::parse)?,
        published: row.try_get("published")?,
        total: row.try_get("total")?,
        starts_at: row.try_get("starts_at")?,
        latest_at: row.try_get("latest_at")?,
        updated_at: row.try_get("updated_at")?,
        tags: Vec::new(),
    })
}

fn json_error(what: String, source: serde_json::Error) -> StoreError {
    StoreError::Json { what, source }
}

impl Store {
    /// The newest published entries of listed journeys, newest first.
    pub async fn latest_entries(&self, now: i64, limit: i64) -> Result<Vec<EntryCard>, StoreError> {
        let sql = format!(
            "SELECT {CARD} WHERE e.publish_at <= $1 AND j.visibility <> 'unlisted' \
             ORDER BY e.publish_at DESC, e.id DESC LIMIT $2"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(now)
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        Ok(cards(&rows)?)
    }

    /// Entries of listed journeys published after `from` and up to `to`
    /// (ms), in publishing order: a weekly digest.
    pub async fn published_between(
        &self,
        from: i64,
        to: i64,
        limit: i64,
    ) -> Result<Vec<EntryCard>, StoreError> {
        let sql = format!(
            "SELECT {CARD} WHERE e.publish_at > $1 AND e.publish_at <= $2 AND j.visibility <> 'unlisted' \
             ORDER BY e.publish_at, e.id LIMIT $3"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(from)
            .bind(to)
            .bind(limit.clamp(1, 500))
            .fetch_all(self.pool())
            .await?;
        Ok(cards(&rows)?)
    }

    /// The current journey and entry slugs of entry `id` (they change when
    /// an entry is renamed), if it still exists.
    pub async fn entry_address(&self, id: i64) -> Result<Option<(String, String)>, StoreError> {
        let row = sqlx::query(
            "SELECT j.slug AS journey, e.slug AS entry FROM entries e JOIN journeys j ON j.id = e.journey_id WHERE e.id = $1",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        row.map(|row| Ok((row.try_get("journey")?, row.try_get("entry")?)))
            .transpose()
    }

    /// Today's reading: the newest published day entry of a listed journey.
    pub async fn todays_entry(&self, now: i64) -> Result<Option<EntryCard>, StoreError> {
        let sql = format!(
            "SELECT {CARD} WHERE e.publish_at <= $1 AND e.kind = 'day' AND j.visibility <> 'unlisted' \
             ORDER BY e.publish_at DESC, e.id DESC LIMIT 1"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(now)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.as_ref().map(card).transpose()?)
    }

    /// Listed journeys (public and members-only), the most recently active
    /// first.
    pub async fn journeys(&self, now: i64) -> Result<Vec<JourneyCard>, StoreError> {
        let rows = sqlx::query(include_str!("sql/journeys.sql"))
            .bind(now)
            .bind(None::<&str>)
            .fetch_all(self.pool())
            .await?;
        let mut journeys: Vec<JourneyCard> =
            rows.iter().map(journey_card).collect::<Result<_, _>>()?;
        for j in &mut journeys {
            j.tags = self.journey_tags(j.id).await?;
        }
        Ok(journeys)
    }

    /// One journey by its slug, listed or not. From the journey's outline
    /// kept in memory (see `content/outline.rs`): the same card as
    /// `sql/journeys.sql` makes, without a query once the outline is read.
    pub async fn journey(&self, slug: &str, now: i64) -> Result<Option<JourneyCard>, StoreError> {
        Ok(self.outline_by_slug(slug).await?.map(|o| o.card(now)))
    }

    async fn journey_tags(&self, journey_id: i64) -> Result<Vec<TagRef>, StoreError> {
        let rows = sqlx::query(
            "SELECT t.slug, t.name FROM journey_tags jt JOIN tags t ON t.id = jt.tag_id
             WHERE jt.journey_id = $1 ORDER BY t.name",
        )
        .bind(journey_id)
        .fetch_all(self.pool())
        .await?;
        tag_refs(&rows)
    }

    /// A journey's weeks with their published entries.
    pub async fn journey_weeks(
        &self,
        journey_id: i64,
        now: i64,
    ) -> Result<Vec<WeekView>, StoreError> {
        let rows = sqlx::query(
            "SELECT number, theme, introduction_html FROM weeks WHERE journey_id = $1 ORDER BY number",
        )
        .bind(journey_id)
        .fetch_all(self.pool())
        .await?;
        let mut weeks = Vec::with_capacity(rows.len());
        for row in rows {
            weeks.push(WeekView {
                number: row.try_get("number")?,
                theme: row.try_get("theme")?,
                introduction_html: row.try_get("introduction_html")?,
                entries: Vec::new(),
                upcoming: 0,
            });
        }
        let sql = format!("SELECT {CARD} WHERE e.journey_id = $1 ORDER BY e.week, e.day, e.id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(journey_id)
            .fetch_all(self.pool())
            .await?;
        for row in &rows {
            let entry = card(row)?;
            if let Some(week) = weeks.iter_mut().find(|w| w.number == entry.week) {
                if entry.publish_at <= now {
                    week.entries.push(entry);
                } else {
                    week.upcoming += 1;
                }
            }
        }
        Ok(weeks)
    }

    /// A published entry of a journey, whole.
    pub async fn entry(
        &self,
        journey: &str,
        slug: &str,
        now: i64,
    ) -> Result<Option<EntryView>, StoreError> {
        let sql = format!(
            "SELECT {CARD_FULL} WHERE j.slug = $1 AND e.slug = $2 AND e.publish_at <= $3",
            CARD_FULL = CARD.replace(
                "FROM entries e JOIN journeys j ON j.id = e.journey_id",
                ", e.body_html, e.going_deeper_html, e.practices, e.questions, e.word_count, e.author_id, \
                 w.theme AS week_theme FROM entries e JOIN journeys j ON j.id = e.journey_id \
                 LEFT JOIN weeks w ON w.journey_id = e.journey_id AND w.number = e.week"
            )
        );
        let Some(row) = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(journey)
            .bind(slug)
            .bind(now)
            .fetch_optional(self.pool())
            .await?
        else {
            return Ok(None);
        };
        let card = card(&row)?;
        let practices: String = row.try_get("practices")?;
        let questions: String = row.try_get("questions")?;
        let author_id: Option<i64> = row.try_get("author_id")?;
        let author = match author_id {
            Some(id) => {
                let row = sqlx::query("SELECT slug, name, bio_html FROM authors WHERE id = $1")
                    .bind(id)
                    .fetch_optional(self.pool())
                    .await?;
                row.map(|r| author_view(&r)).transpose()?
            }
            None => None,
        };
        let tags = sqlx::query(
            "SELECT t.slug, t.name FROM entry_tags et JOIN tags t ON t.id = et.tag_id
             WHERE et.entry_id = $1 ORDER BY t.name",
        )
        .bind(card.id)
        .fetch_all(self.pool())
        .await?;
        Ok(Some(EntryView {
            week_theme: row
                .try_get::<Option<String>, _>("week_theme")?
                .unwrap_or_default(),
            body_html: row.try_get("body_html")?,
            going_deeper_html: row.try_get("going_deeper_html")?,
            practices: serde_json::from_str(&practices)
                .map_err(|e| json_error(format!("entry {slug} practices"), e))?,
            questions: serde_json::from_str(&questions)
                .map_err(|e| json_error(format!("entry {slug} questions"), e))?,
            word_count: row.try_get("word_count")?,
            tags: tag_refs(&tags)?,
            author,
            card,
        }))
    }

    /// The published entries just before and after `entry` in its journey.
    pub async fn neighbours(
        &self,
        entry: &EntryCard,
        now: i64,
    ) -> Result<(Option<EntryCard>, Option<EntryCard>), StoreError> {
        let before = format!(
            "SELECT {CARD} WHERE j.slug = $1 AND e.publish_at <= $2 \
             AND (e.week < $3 OR (e.week = $3 AND e.day < $4)) ORDER BY e.week DESC, e.day DESC LIMIT 1"
        );
        let after = format!(
            "SELECT {CARD} WHERE j.slug = $1 AND e.publish_at <= $2 \
             AND (e.week > $3 OR (e.week = $3 AND e.day > $4)) ORDER BY e.week, e.day LIMIT 1"
        );
        let mut out = [None, None];
        for (slot, sql) in out.iter_mut().zip([before, after]) {
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(&entry.journey_slug)
                .bind(now)
                .bind(entry.week)
                .bind(entry.day)
                .fetch_optional(self.pool())
                .await?;
            *slot = row.as_ref().map(card).transpose()?;
        }
        let [prev, next] = out;
        Ok((prev, next))
    }

    /// A tag and the published entries of listed journeys that carry it.
    pub async fn tag(
        &self,
        slug: &str,
        now: i64,
    ) -> Result<Option<(TagRef, Vec<EntryCard>)>, StoreError> {
        let Some(row) = sqlx::query("SELECT id, slug, name FROM tags WHERE slug = $1")
            .bind(slug)
            .fetch_optional(self.pool())
            .await?
        else {
            return Ok(None);
        };
        let id: i64 = row.try_get("id")?;
        let tag = TagRef {
            slug: row.try_get("slug")?,
            name: row.try_get("name")?,
        };
        let sql = format!(
            "SELECT {CARD} WHERE e.publish_at <= $2 AND j.visibility <> 'unlisted' AND \
             (e.id IN (SELECT entry_id FROM entry_tags WHERE tag_id = $1) \
              OR e.journey_id IN (SELECT journey_id FROM journey_tags WHERE tag_id = $1)) \
             ORDER BY e.publish_at DESC, e.id DESC"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .bind(now)
            .fetch_all(self.pool())
            .await?;
        Ok(Some((tag, cards(&rows)?)))
    }

    /// Every tag in use by a published entry or a listed journey, with counts.
    pub async fn tags(&self, now: i64) -> Result<Vec<(TagRef, i64)>, StoreError> {
        let rows = sqlx::query(include_str!("sql/tags.sql"))
            .bind(now)
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    TagRef {
                        slug: r.try_get("slug")?,
                        name: r.try_get("name")?,
                    },
                    r.try_get("n")?,
                ))
            })
            .collect()
    }

    /// An author and their published entries of listed journeys.
    pub async fn author(
        &self,
        slug: &str,
        now: i64,
    ) -> Result<Option<(AuthorView, Vec<EntryCard>)>, StoreError> {
        let Some(row) = sqlx::query("SELECT id, slug, name, bio_html FROM authors WHERE slug = $1")
            .bind(slug)
            .fetch_optional(self.pool())
            .await?
        else {
            return Ok(None);
        };
        let id: i64 = row.try_get("id")?;
        let sql = format!(
            "SELECT {CARD} WHERE e.author_id = $1 AND e.publish_at <= $2 AND j.visibility <> 'unlisted' \
             ORDER BY e.publish_at DESC, e.id DESC"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .bind(now)
            .fetch_all(self.pool())
            .await?;
        Ok(Some((author_view(&row)?, cards(&rows)?)))
    }

    /// The published entries citing any verse of `start..=end` (verse
    /// keys), each once, key-passage citations first.
    pub async fn entries_citing(
        &self,
        start: u32,
        end: u32,
        now: i64,
    ) -> Result<Vec<CitingEntry>, StoreError> {
        self.entries_citing_any(&[(start, end)], now, usize::MAX)
            .await
    }

    /// Published entries of listed journeys that cite any verse of any of
    /// `ranges` (closed intervals of verse keys): key-passage citations first,
    /// then by date, each entry once with its strongest citation, at most
    /// `limit` of them. The overlap test of the citation index, in one query
    /// however many ranges a passage has.
    pub async fn entries_citing_any(
        &self,
        ranges: &[(u32, u32)],
        now: i64,
        limit: usize,
    ) -> Result<Vec<CitingEntry>, StoreError> {
        if ranges.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let overlaps: Vec<String> = (0..ranges.len())
            .map(|i| {
                format!(
                    "(c.start_key <= ${} AND c.end_key >= ${})",
                    2 * i + 3,
                    2 * i + 2
                )
            })
            .collect();
        // An entry may cite the passage many times: read enough rows to
        // find `limit` entries in all but pathological cases.
        let rows_limit = i64::try_from(limit.saturating_mul(4)).unwrap_or(i64::MAX);
        let sql = format!(
            "SELECT {CARD_CITE} WHERE ({overlaps}) AND e.publish_at <= $1 \
             AND j.visibility <> 'unlisted' \
             ORDER BY CASE c.kind WHEN 'key' THEN 0 ELSE 1 END, e.publish_at DESC, e.id DESC \
             LIMIT {rows_limit}",
            overlaps = overlaps.join(" OR "),
            CARD_CITE = CARD.replace(
                "FROM entries e JOIN journeys j ON j.id = e.journey_id",
                ", c.kind AS citation_kind, c.osis AS cited FROM citations c \
                 JOIN entries e ON e.id = c.entry_id JOIN journeys j ON j.id = e.journey_id"
            )
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(now);
        for &(start, end) in ranges {
            query = query.bind(i64::from(start)).bind(i64::from(end));
        }
        let rows = query.fetch_all(self.pool()).await?;
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::new();
        for row in &rows {
            let entry = card(row)?;
            if seen.insert(entry.id) {
                out.push(CitingEntry {
                    entry,
                    kind: stored(row, "citation_kind", CitationKind::parse)?,
                    osis: row.try_get("cited")?,
                });
                if out.len() == limit {
                    break;
                }
            }
        }
        Ok(out)
    }

    /// A stored image: its content type and bytes.
    pub async fn media(&self, path: &str) -> Result<Option<(String, Vec<u8>)>, StoreError> {
        let row = sqlx::query("SELECT content_type, bytes FROM media WHERE path = $1")
            .bind(path)
            .fetch_optional(self.pool())
            .await?;
        Ok(row
            .map(|r| Ok::<_, sqlx::Error>((r.try_get("content_type")?, r.try_get("bytes")?)))
            .transpose()?)
    }

    /// What rendered pages depend on besides the request: the last change to
    /// content or settings (ms), and the next moment a scheduled entry appears.
    /// Pages rendered before either moves are stale.
    pub async fn freshness(&self, now: i64) -> Result<(i64, Option<i64>), StoreError> {
        let changed: Option<i64> = sqlx::query_scalar("SELECT MAX(updated_at) FROM settings")
            .fetch_one(self.pool())
            .await?;
        let next: Option<i64> =
            sqlx::query_scalar("SELECT MIN(publish_at) FROM entries WHERE publish_at > $1")
                .bind(now)
                .fetch_one(self.pool())
                .await?;
        Ok((changed.unwrap_or(0), next))
    }

    /// Every public address with content, for the sitemap.
    pub async fn sitemap(&self, now: i64) -> Result<Vec<SitemapItem>, StoreError> {
        let mut items = Vec::new();
        let sql = format!(
            "SELECT {CARD} WHERE e.publish_at <= $1 AND j.visibility = 'public' AND e.members_only = 0 \
             ORDER BY e.publish_at"
        );
        for row in sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(now)
            .fetch_all(self.pool())
            .await?
        {
            let e = card(&row)?;
            items.push(SitemapItem {
                path: format!("/journeys/{}/{}", e.journey_slug, e.slug),
                updated_at: e.updated_at,
            });
        }
        for j in self.journeys(now).await? {
            if j.visibility == Visibility::Public {
                items.push(SitemapItem {
                    path: format!("/journeys/{}", j.slug),
                    updated_at: j.updated_at,
                });
            }
        }
        for (tag, _) in self.tags(now).await? {
            items.push(SitemapItem {
                path: format!("/tags/{}", tag.slug),
                updated_at: 0,
            });
        }
        Ok(items)
    }
}

fn author_view(row: &AnyRow) -> Result<AuthorView, sqlx::Error> {
    Ok(AuthorView {
        slug: row.try_get("slug")?,
        name: row.try_get("name")?,
        bio_html: row.try_get("bio_html")?,
    })
}

pub(super) fn tag_refs(rows: &[AnyRow]) -> Result<Vec<TagRef>, StoreError> {
    Ok(rows
        .iter()
        .map(|r| {
            Ok(TagRef {
                slug: r.try_get("slug")?,
                name: r.try_get("name")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()?)
}
