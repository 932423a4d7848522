use jiff::civil::Date;
use sqlx::Row as _;

use crate::db::Store;
use crate::error::StoreError;
use crate::reading::error::ReadingError;
use crate::reading::schedule::check_date;

impl Store {
    /// Marks a step done on `local_date` (the member's date: it feeds their
    /// streak). The entry must be a published day of a journey the member
    /// follows. Idempotent: returns whether the mark is new; marking a done
    /// step again keeps its first date. One statement, so any number of
    /// members (or tabs) may mark at once.
    pub async fn mark_done(
        &self,
        user_id: i64,
        journey_slug: &str,
        entry_slug: &str,
        local_date: Date,
    ) -> Result<bool, StoreError> {
        let day = check_date(local_date)?.to_string();
        let now = self.now_ms();
        let done = sqlx::query(include_str!("sql/mark_done.sql"))
            .bind(user_id)
            .bind(journey_slug)
            .bind(entry_slug)
            .bind(day)
            .bind(now)
            .execute(self.pool())
            .await?;
        if done.rows_affected() > 0 {
            return Ok(true);
        }
        self.check_step(user_id, journey_slug, entry_slug, now)
            .await?;
        Ok(false)
    }

    /// Takes a done mark back. Returns whether there was one; fails like
    /// [`Store::mark_done`] for an entry that is not a step the member
    /// follows.
    pub async fn mark_not_done(
        &self,
        user_id: i64,
        journey_slug: &str,
        entry_slug: &str,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "DELETE FROM step_done WHERE user_id = $1 AND entry_id IN (
                 SELECT e.id FROM entries e JOIN journeys j ON j.id = e.journey_id
                 WHERE j.slug = $2 AND e.slug = $3)",
        )
        .bind(user_id)
        .bind(journey_slug)
        .bind(entry_slug)
        .execute(self.pool())
        .await?;
        if done.rows_affected() > 0 {
            return Ok(true);
        }
        self.check_step(user_id, journey_slug, entry_slug, self.now_ms())
            .await?;
        Ok(false)
    }

    /// Succeeds when the entry is a published step of a journey the member
    /// follows; otherwise says which of those it is not.
    async fn check_step(
        &self,
        user_id: i64,
        journey_slug: &str,
        entry_slug: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        let row = sqlx::query(include_str!("sql/step_status.sql"))
            .bind(user_id)
            .bind(journey_slug)
            .bind(entry_slug)
            .fetch_optional(self.pool())
            .await?;
        let journey = || journey_slug.to_owned();
        let Some(row) = row else {
            return Err(ReadingError::UnknownJourney(journey()).into());
        };
        if row.try_get::<i64, _>("following")? == 0 {
            return Err(ReadingError::NotFollowing(journey()).into());
        }
        let kind: Option<String> = row.try_get("kind")?;
        let publish_at: Option<i64> = row.try_get("publish_at")?;
        let entry = || entry_slug.to_owned();
        match (kind.as_deref(), publish_at) {
            (Some(kind), Some(at)) if at <= now => {
                if kind == "day" {
                    Ok(())
                } else {
                    Err(ReadingError::NotAStep {
                        journey: journey(),
                        entry: entry(),
                    }
                    .into())
                }
            }
            _ => Err(ReadingError::UnknownEntry {
                journey: journey(),
                entry: entry(),
            }
            .into()),
        }
    }
}
