//! Journeys' outlines kept in memory: what every signed-in page asks of a
//! journey and what is the same for every reader. A journey's card (title,
//! summary, tags, its entries' publish times) and its days in reading order
//! (each day's id, slug, title, week, day and publish time).
//!
//! A member's pages combine an outline with the member's own few rows
//! (their enrolment, their done marks), instead of reading every day of the
//! journey from the database on every request. An outline holds no instant:
//! what is published "now" is worked out from the publish times each time,
//! so a scheduled entry appears on time without anything being dropped.
//!
//! Outlines are dropped whenever content changes: by this store's own
//! imports and renames once committed, and by [`Store::forget_content`],
//! which a node calls when it sees the content version move (another node or
//! process imported). Only journeys that exist are kept, so the memory is
//! bounded by the content, never by what clients ask for.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use sqlx::Row as _;
use sqlx::any::AnyRow;

use super::query::{JourneyCard, stored, tag_refs};
use crate::db::Store;
use crate::error::StoreError;

/// One day (a step) of a journey.
#[derive(Debug, Clone)]
pub(crate) struct Day {
    /// The entry's row id.
    pub(crate) id: i64,
    pub(crate) slug: String,
    pub(crate) title: String,
    pub(crate) week: i64,
    pub(crate) day: i64,
    pub(crate) publish_at: i64,
}

/// What a journey is for every reader.
#[derive(Debug)]
pub(crate) struct Outline {
    /// The card, its counts and dates left to [`Outline::card`].
    card: JourneyCard,
    /// Every entry's publish time (ms), ascending.
    publish: Vec<i64>,
    /// The days, in reading order (week, day, id): step n is `days[n - 1]`.
    pub(crate) days: Vec<Day>,
    /// Entry id of a day → its index in `days`.
    day_index: HashMap<i64, usize>,
    /// Every entry's slug → (id, whether it is a day).
    entries: HashMap<String, (i64, bool)>,
}

impl Outline {
    /// The journey's row id.
    pub(crate) fn id(&self) -> i64 {
        self.card.id
    }

    /// The journey's slug.
    pub(crate) fn slug(&self) -> &str {
        &self.card.slug
    }

    /// The journey's title.
    pub(crate) fn title(&self) -> &str {
        &self.card.title
    }

    /// The card as `content/sql/journeys.sql` makes it at `now`.
    pub(crate) fn card(&self, now: i64) -> JourneyCard {
        let published = self.publish.partition_point(|&at| at <= now);
        JourneyCard {
            published: i64::try_from(published).unwrap_or(i64::MAX),
            total: i64::try_from(self.publish.len()).unwrap_or(i64::MAX),
            starts_at: self.publish.first().copied(),
            latest_at: published
                .checked_sub(1)
                .and_then(|i| self.publish.get(i).copied()),
            ..self.card.clone()
        }
    }

    /// The index in [`Outline::days`] of the day with entry id `id`.
    pub(crate) fn day_of(&self, id: i64) -> Option<usize> {
        self.day_index.get(&id).copied()
    }

    /// The entry with this slug: its id and whether it is a day.
    pub(crate) fn entry(&self, slug: &str) -> Option<(i64, bool)> {
        self.entries.get(slug).copied()
    }
}

/// The outlines of the journeys asked for since content last changed.
#[derive(Debug, Default)]
pub(crate) struct Outlines {
    slots: RwLock<Slots>,
}

#[derive(Debug, Default)]
struct Slots {
    /// Moves at every clear: an outline read from the database before a
    /// clear is not kept after it.
    generation: u64,
    by_id: HashMap<i64, Arc<Outline>>,
    by_slug: HashMap<String, i64>,
}

impl Outlines {
    fn generation(&self) -> Option<u64> {
        self.slots.read().ok().map(|s| s.generation)
    }

    fn by_id(&self, id: i64) -> Option<Arc<Outline>> {
        self.slots.read().ok()?.by_id.get(&id).cloned()
    }

    fn by_slug(&self, slug: &str) -> Option<Arc<Outline>> {
        let slots = self.slots.read().ok()?;
        slots.by_id.get(slots.by_slug.get(slug)?).cloned()
    }

    /// Keeps `outline` unless content changed since `generation`.
    fn put(&self, generation: u64, outline: &Arc<Outline>) {
        let Ok(mut slots) = self.slots.write() else {
            return;
        };
        if slots.generation != generation {
            return;
        }
        slots
            .by_slug
            .insert(outline.card.slug.clone(), outline.id());
        slots.by_id.insert(outline.id(), Arc::clone(outline));
    }

    /// Drops every outline.
    pub(crate) fn clear(&self) {
        let mut slots = match self.slots.write() {
            Ok(slots) => slots,
            Err(poisoned) => poisoned.into_inner(),
        };
        slots.generation = slots.generation.wrapping_add(1);
        slots.by_id.clear();
        slots.by_slug.clear();
        self.slots.clear_poison();
    }

    /// How many outlines are kept.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.slots.read().map(|s| s.by_id.len()).unwrap_or(0)
    }
}

/// The columns of a journey an outline keeps.
const JOURNEY: &str = "SELECT j.id, j.slug, j.title, j.summary, j.cover_image, j.visibility, \
     j.updated_at FROM journeys j";

impl Store {
    /// Forgets what this store keeps in memory of the content (journeys'
    /// outlines). Its own imports and renames do this when they commit; a
    /// node calls it when it sees that content changed elsewhere (the
    /// content version moved).
    pub fn forget_content(&self) {
        self.outlines().clear();
    }

    /// The outline of the journey with row id `id`; `None` when there is
    /// none.
    pub(crate) async fn outline(&self, id: i64) -> Result<Option<Arc<Outline>>, StoreError> {
        if let Some(outline) = self.outlines().by_id(id) {
            return Ok(Some(outline));
        }
        let generation = self.outlines().generation();
        let row = sqlx::query(sqlx::AssertSqlSafe(format!("{JOURNEY} WHERE j.id = $1")))
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        self.load_outline(row, generation).await
    }

    /// The outline of the journey with this slug (whatever its visibility
    /// and whether anything of it is published); `None` when there is none.
    pub(crate) async fn outline_by_slug(
        &self,
        slug: &str,
    ) -> Result<Option<Arc<Outline>>, StoreError> {
        if let Some(outline) = self.outlines().by_slug(slug) {
            return Ok(Some(outline));
        }
        let generation = self.outlines().generation();
        let row = sqlx::query(sqlx::AssertSqlSafe(format!("{JOURNEY} WHERE j.slug = $1")))
            .bind(slug)
            .fetch_optional(self.pool())
            .await?;
        self.load_outline(row, generation).await
    }

    async fn load_outline(
        &self,
        row: Option<AnyRow>,
        generation: Option<u64>,
    ) -> Result<Option<Arc<Outline>>, StoreError> {
        let Some(row) = row else {
            return Ok(None);
        };
        let mut card = JourneyCard {
            id: row.try_get("id")?,
            slug: row.try_get("slug")?,
            title: row.try_get("title")?,
            summary: row.try_get("summary")?,
            cover_image: row.try_get("cover_image")?,
            visibility: stored(&row, "visibility", abide_content::Visibility::parse)?,
            published: 0,
            total: 0,
            starts_at: None,
            latest_at: None,
            updated_at: row.try_get("updated_at")?,
            tags: Vec::new(),
        };
        let tags = sqlx::query(
            "SELECT t.slug, t.name FROM journey_tags jt JOIN tags t ON t.id = jt.tag_id
             WHERE jt.journey_id = $1 ORDER BY t.name",
        )
        .bind(card.id)
        .fetch_all(self.pool())
        .await?;
        card.tags = tag_refs(&tags)?;
        // From the covering index of migration 6 (`entries_steps`): never
        // the entries' text.
        let rows = sqlx::query(
            "SELECT e.id, e.kind, e.slug, e.title, e.week, e.day, e.publish_at
             FROM entries e WHERE e.journey_id = $1
             ORDER BY e.week, e.day, e.id",
        )
        .bind(card.id)
        .fetch_all(self.pool())
        .await?;
        let mut publish = Vec::with_capacity(rows.len());
        let mut days = Vec::new();
        let mut day_index = HashMap::new();
        let mut entries = HashMap::with_capacity(rows.len());
        for row in &rows {
            let id: i64 = row.try_get("id")?;
            let kind: String = row.try_get("kind")?;
            let slug: String = row.try_get("slug")?;
            let publish_at: i64 = row.try_get("publish_at")?;
            publish.push(publish_at);
            let is_day = kind == "day";
            entries.insert(slug.clone(), (id, is_day));
            if is_day {
                day_index.insert(id, days.len());
                days.push(Day {
                    id,
                    slug,
                    title: row.try_get("title")?,
                    week: row.try_get("week")?,
                    day: row.try_get("day")?,
                    publish_at,
                });
            }
        }
        publish.sort_unstable();
        let outline = Arc::new(Outline {
            card,
            publish,
            days,
            day_index,
            entries,
        });
        if let Some(generation) = generation {
            self.outlines().put(generation, &outline);
        }
        Ok(Some(outline))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outline(id: i64, slug: &str) -> Arc<Outline> {
        Arc::new(Outline {
            card: JourneyCard {
                id,
                slug: slug.into(),
                title: "T".into(),
                summary: String::new(),
                cover_image: None,
                visibility: abide_content::Visibility::Public,
                published: 0,
                total: 0,
                starts_at: None,
                latest_at: None,
                updated_at: 0,
                tags: Vec::new(),
            },
            publish: vec![10, 20, 30],
            days: Vec::new(),
            day_index: HashMap::new(),
            entries: HashMap::new(),
        })
    }

    #[test]
    fn an_outline_read_before_a_clear_is_not_kept() {
        let outlines = Outlines::default();
        let before = outlines.generation().unwrap();
        outlines.put(before, &outline(1, "a"));
        assert!(outlines.by_slug("a").is_some());
        outlines.clear();
        assert_eq!(outlines.len(), 0);
        outlines.put(before, &outline(1, "a"));
        assert!(outlines.by_id(1).is_none(), "stale: read before the clear");
        outlines.put(outlines.generation().unwrap(), &outline(1, "a"));
        assert!(outlines.by_id(1).is_some());
    }

    #[test]
    fn the_card_counts_what_is_published_at_now() {
        let o = outline(1, "a");
        let card = o.card(5);
        assert_eq!((card.published, card.total), (0, 3));
        assert_eq!((card.starts_at, card.latest_at), (Some(10), None));
        let card = o.card(20);
        assert_eq!((card.published, card.latest_at), (2, Some(20)));
        let card = o.card(99);
        assert_eq!((card.published, card.latest_at), (3, Some(30)));
    }
}
