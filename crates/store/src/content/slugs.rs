//! Slugs that change. A journey or entry keeps the slugs it had, so that its
//! old addresses answer 301 to the current one (410 for an entry since
//! removed), and a slug once published goes to another journey or entry only
//! when the owner says so. The import and a rename from the back office go
//! through the same functions here.

use sqlx::{AnyConnection, Row};

use crate::db::Store;
use crate::error::StoreError;

/// Where an address that is no longer current leads.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Moved {
    /// To the journey's current slug and, when the address named an entry, the
    /// entry's current slug (or the same segment, when it names no entry).
    To {
        /// The journey's current slug.
        journey: String,
        /// The entry's current slug, if the address had a second segment.
        entry: Option<String>,
    },
    /// The entry it named was removed.
    Gone,
}

impl Store {
    /// Where `/journeys/{journey}[/{entry}]` leads when it names a slug that
    /// is no longer current: `None` when both are current (or unknown), so
    /// that a miss there is a plain 404.
    pub async fn moved(
        &self,
        journey: &str,
        entry: Option<&str>,
    ) -> Result<Option<Moved>, StoreError> {
        let mut conn = self.pool().acquire().await?;
        let current = sqlx::query("SELECT id, slug FROM journeys WHERE slug = $1")
            .bind(journey)
            .fetch_optional(&mut *conn)
            .await?;
        let (journey_id, journey_slug, journey_moved) = match current {
            Some(row) => (row.try_get::<i64, _>("id")?, journey.to_owned(), false),
            None => {
                let old = sqlx::query(
                    "SELECT j.id, j.slug FROM journey_slug_history h
                     JOIN journeys j ON j.id = h.journey_id WHERE h.slug = $1",
                )
                .bind(journey)
                .fetch_optional(&mut *conn)
                .await?;
                match old {
                    Some(row) => (row.try_get("id")?, row.try_get("slug")?, true),
                    None => return Ok(None),
                }
            }
        };
        let Some(entry) = entry else {
            return Ok(journey_moved.then_some(Moved::To {
                journey: journey_slug,
                entry: None,
            }));
        };
        let is_current: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM entries WHERE journey_id = $1 AND slug = $2")
                .bind(journey_id)
                .bind(entry)
                .fetch_one(&mut *conn)
                .await?;
        let old = if is_current > 0 {
            None
        } else {
            sqlx::query(
                "SELECT e.slug FROM entry_slug_history h LEFT JOIN entries e ON e.id = h.entry_id
                 WHERE h.journey_id = $1 AND h.slug = $2",
            )
            .bind(journey_id)
            .bind(entry)
            .fetch_optional(&mut *conn)
            .await?
        };
        Ok(match old {
            Some(row) => match row.try_get::<Option<String>, _>("slug")? {
                Some(slug) => Some(Moved::To {
                    journey: journey_slug,
                    entry: Some(slug),
                }),
                None => Some(Moved::Gone),
            },
            // A current entry, or a segment that names none (`progress`):
            // it moves only with its journey.
            None => journey_moved.then(|| Moved::To {
                journey: journey_slug,
                entry: Some(entry.to_owned()),
            }),
        })
    }

    /// Gives entry `from` of journey `journey` the slug `to`, as an import does
    /// when an entry's slug changes: `from`'s addresses then lead to `to`, a
    /// member's journal on it follows, and `to` must not have been published
    /// for another entry unless `reuse`. False when there is no such entry.
    pub async fn rename_entry(
        &self,
        journey: &str,
        from: &str,
        to: &str,
        reuse: bool,
    ) -> Result<bool, StoreError> {
        check_slug(to)?;
        if abide_content::RESERVED_ENTRY_SLUGS.contains(&to) {
            return Err(StoreError::BadSlug {
                slug: to.to_owned(),
                reason: "it is the address of one of the site's own pages of a journey",
            });
        }
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "SELECT e.id, e.journey_id, e.publish_at FROM entries e
             JOIN journeys j ON j.id = e.journey_id WHERE j.slug = $1 AND e.slug = $2",
        )
        .bind(journey)
        .bind(from)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            return Ok(false);
        };
        if from == to {
            return Ok(true);
        }
        let journey_id: i64 = row.try_get("journey_id")?;
        let taken: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM entries WHERE journey_id = $1 AND slug = $2")
                .bind(journey_id)
                .bind(to)
                .fetch_one(&mut *tx)
                .await?;
        if taken > 0 {
            return Err(StoreError::BadSlug {
                slug: to.to_owned(),
                reason: "another entry of the journey has it",
            });
        }
        let publish_at: i64 = row.try_get("publish_at")?;
        let entry = EntrySlug {
            journey_id,
            journey,
            id: Some(row.try_get("id")?),
            what: &format!("entry {from} of journey {journey}"),
        };
        change_entry_slug(&mut tx, &entry, from, to, publish_at <= now, reuse, now).await?;
        super::import::bump_content_version(&mut tx, now).await?;
        tx.commit().await?;
        self.forget_content();
        Ok(true)
    }

    /// Gives journey `from` the slug `to`: its addresses and its entries' then
    /// lead to `to`'s. `to` must not have been another journey's unless
    /// `reuse`. False when there is no such journey.
    pub async fn rename_journey(
        &self,
        from: &str,
        to: &str,
        reuse: bool,
    ) -> Result<bool, StoreError> {
        check_slug(to)?;
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let Some(id) = sqlx::query_scalar::<_, i64>("SELECT id FROM journeys WHERE slug = $1")
            .bind(from)
            .fetch_optional(&mut *tx)
            .await?
        else {
            return Ok(false);
        };
        if from == to {
            return Ok(true);
        }
        let taken: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM journeys WHERE slug = $1")
            .bind(to)
            .fetch_one(&mut *tx)
            .await?;
        if taken > 0 {
            return Err(StoreError::BadSlug {
                slug: to.to_owned(),
                reason: "another journey has it",
            });
        }
        change_journey_slug(&mut tx, id, from, to, reuse, now).await?;
        super::import::bump_content_version(&mut tx, now).await?;
        tx.commit().await?;
        self.forget_content();
        Ok(true)
    }
}

fn check_slug(slug: &str) -> Result<(), StoreError> {
    if slug.is_empty() || abide_content::slugify(slug) != slug {
        return Err(StoreError::BadSlug {
            slug: slug.to_owned(),
            reason: "a slug is lowercase letters, digits and hyphens",
        });
    }
    Ok(())
}

/// Fails unless journey slug `slug` is free for journey `id` (`None`: a new
/// journey): never another journey's, or `reuse`. Frees it from the history.
pub(crate) async fn claim_journey_slug(
    tx: &mut AnyConnection,
    id: Option<i64>,
    slug: &str,
    reuse: bool,
) -> Result<(), StoreError> {
    let holder = sqlx::query(
        "SELECT h.journey_id, j.slug FROM journey_slug_history h
         JOIN journeys j ON j.id = h.journey_id WHERE h.slug = $1",
    )
    .bind(slug)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(holder) = holder else {
        return Ok(());
    };
    if Some(holder.try_get::<i64, _>("journey_id")?) != id && !reuse {
        let current: String = holder.try_get("slug")?;
        return Err(StoreError::SlugReserved {
            what: format!("journey {slug}"),
            slug: slug.to_owned(),
            owner: format!("the journey now at /journeys/{current}"),
        });
    }
    sqlx::query("DELETE FROM journey_slug_history WHERE slug = $1")
        .bind(slug)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// Gives journey `id` the slug `new` in place of `old`, which its history
/// keeps. `new` must be no other journey's current slug (the caller knows).
pub(crate) async fn change_journey_slug(
    tx: &mut AnyConnection,
    id: i64,
    old: &str,
    new: &str,
    reuse: bool,
    now: i64,
) -> Result<(), StoreError> {
    claim_journey_slug(tx, Some(id), new, reuse).await?;
    sqlx::query(
        "INSERT INTO journey_slug_history (slug, journey_id, retired_at) VALUES ($1, $2, $3)
         ON CONFLICT (slug) DO UPDATE SET journey_id = excluded.journey_id, retired_at = excluded.retired_at",
    )
    .bind(old)
    .bind(id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE journeys SET slug = $2, updated_at = $3 WHERE id = $1")
        .bind(id)
        .bind(new)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// An entry whose slug is being given or changed.
pub(crate) struct EntrySlug<'a> {
    pub(crate) journey_id: i64,
    /// The journey's slug, for messages.
    pub(crate) journey: &'a str,
    /// None for an entry not stored yet.
    pub(crate) id: Option<i64>,
    /// The entry, for messages (`01-be-still.md in journey come-and-rest`).
    pub(crate) what: &'a str,
}

/// Fails unless `slug` is free for `entry` within its journey: never
/// published for another entry, or `reuse`. Frees it from the history.
pub(crate) async fn claim_entry_slug(
    tx: &mut AnyConnection,
    entry: &EntrySlug<'_>,
    slug: &str,
    reuse: bool,
) -> Result<(), StoreError> {
    let holder = sqlx::query(
        "SELECT h.entry_id, e.slug FROM entry_slug_history h LEFT JOIN entries e ON e.id = h.entry_id
         WHERE h.journey_id = $1 AND h.slug = $2",
    )
    .bind(entry.journey_id)
    .bind(slug)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(holder) = holder else {
        return Ok(());
    };
    let holder_id: Option<i64> = holder.try_get("entry_id")?;
    if (holder_id.is_none() || holder_id != entry.id) && !reuse {
        let owner = match holder.try_get::<Option<String>, _>("slug")? {
            Some(current) => format!("the entry now at /journeys/{}/{current}", entry.journey),
            None => "an entry since removed (its address answers 410 Gone)".to_owned(),
        };
        return Err(StoreError::SlugReserved {
            what: entry.what.to_owned(),
            slug: slug.to_owned(),
            owner,
        });
    }
    sqlx::query("DELETE FROM entry_slug_history WHERE journey_id = $1 AND slug = $2")
        .bind(entry.journey_id)
        .bind(slug)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// Gives a stored entry the slug `new` in place of `old`: `old` goes to its
/// history when it was published, and a member's journal and practice log,
/// keyed by slug, follow. `new` must be no other entry's current slug in the
/// journey (the caller knows).
pub(crate) async fn change_entry_slug(
    tx: &mut AnyConnection,
    entry: &EntrySlug<'_>,
    old: &str,
    new: &str,
    published: bool,
    reuse: bool,
    now: i64,
) -> Result<(), StoreError> {
    let id = entry.id.ok_or_else(|| StoreError::BadSlug {
        slug: new.to_owned(),
        reason: "the entry is not stored",
    })?;
    claim_entry_slug(tx, entry, new, reuse).await?;
    if published {
        sqlx::query(
            "INSERT INTO entry_slug_history (journey_id, slug, entry_id, retired_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (journey_id, slug) DO UPDATE SET entry_id = excluded.entry_id, retired_at = excluded.retired_at",
        )
        .bind(entry.journey_id)
        .bind(old)
        .bind(id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query("UPDATE entries SET slug = $2, updated_at = $3 WHERE id = $1")
        .bind(id)
        .bind(new)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    // What a member wrote goes with the entry. A row the member already has
    // under the new slug (the same item, from an entry once removed) wins and
    // the other stays where it was: nothing a person wrote is dropped.
    sqlx::query(
        "UPDATE journal SET entry_slug = $3
         WHERE journey_id = $1 AND entry_slug = $2
           AND NOT EXISTS (SELECT 1 FROM journal k WHERE k.user_id = journal.user_id
               AND k.journey_id = journal.journey_id AND k.entry_slug = $3 AND k.item = journal.item)",
    )
    .bind(entry.journey_id)
    .bind(old)
    .bind(new)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE practice_log SET entry_slug = $3 WHERE journey_id = $1 AND entry_slug = $2",
    )
    .bind(entry.journey_id)
    .bind(old)
    .bind(new)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Before a stored entry is deleted: its addresses, when published, will
/// answer 410 Gone, and its slug stays reserved.
pub(crate) async fn retire_entry(
    tx: &mut AnyConnection,
    journey_id: i64,
    id: i64,
    slug: &str,
    published: bool,
    now: i64,
) -> Result<(), StoreError> {
    if published {
        sqlx::query(
            "INSERT INTO entry_slug_history (journey_id, slug, entry_id, retired_at) VALUES ($1, $2, NULL, $3)
             ON CONFLICT (journey_id, slug) DO UPDATE SET entry_id = NULL, retired_at = excluded.retired_at",
        )
        .bind(journey_id)
        .bind(slug)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    // The foreign key does this too; said here, where it matters.
    sqlx::query("UPDATE entry_slug_history SET entry_id = NULL WHERE entry_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    Ok(())
}
