use jiff::civil::Date;
use serde::Serialize;
use sqlx::Row as _;
use sqlx::any::AnyRow;

use crate::db::Store;
use crate::error::StoreError;
use crate::reading::enrolments::stored_date;
use crate::reading::error::ReadingError;
use crate::reading::schedule::check_date;

/// Longest practice time one log line may hold: a day.
const MAX_PRACTICE_SECONDS: i64 = 86_400;

/// Time a member gave to one of an entry's practices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PracticeLogItem {
    /// Row id.
    pub id: i64,
    /// The journey's slug.
    pub journey_slug: String,
    /// The entry's slug.
    pub entry_slug: String,
    /// The entry's title; `None` when the entry is gone from its journey.
    pub entry_title: Option<String>,
    /// Which practice, from 1.
    pub practice: i64,
    /// How long, in seconds.
    pub seconds: i64,
    /// When it was logged (ms).
    pub logged_at: i64,
    /// The member's local date then.
    pub logged_on: Date,
}

fn practice_item(row: &AnyRow) -> Result<PracticeLogItem, StoreError> {
    let logged_on: String = row.try_get("logged_on")?;
    Ok(PracticeLogItem {
        id: row.try_get("id")?,
        journey_slug: row.try_get("journey_slug")?,
        entry_slug: row.try_get("entry_slug")?,
        entry_title: row.try_get("entry_title")?,
        practice: row.try_get("practice")?,
        seconds: row.try_get("seconds")?,
        logged_at: row.try_get("logged_at")?,
        logged_on: stored_date(&logged_on, "practice_log.logged_on")?,
    })
}

impl Store {
    /// Logs `seconds` (from 1 to 86400) given to one of a published entry's
    /// practices, numbered from 1, on the member's `local_date`. Following
    /// the journey is not needed. Returns the new line of the log.
    pub async fn log_practice(
        &self,
        user_id: i64,
        journey_slug: &str,
        entry_slug: &str,
        practice: u32,
        seconds: i64,
        local_date: Date,
    ) -> Result<PracticeLogItem, StoreError> {
        if !(1..=MAX_PRACTICE_SECONDS).contains(&seconds) {
            return Err(ReadingError::BadDuration(seconds).into());
        }
        let day = check_date(local_date)?;
        let target = self.published_entry(journey_slug, entry_slug).await?;
        if practice == 0 || usize::try_from(practice).is_ok_and(|p| p > target.practices) {
            return Err(ReadingError::NoSuchItem {
                entry: entry_slug.to_owned(),
                item: format!("practice {practice}"),
                questions: target.questions,
                practices: target.practices,
            }
            .into());
        }
        let now = self.now_ms();
        // Through the users table, so that an unknown account writes nothing.
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO practice_log
                 (user_id, journey_id, entry_slug, practice, seconds, logged_at, logged_on)
             SELECT u.id, $2, $3, $4, $5, $6, $7 FROM users u WHERE u.id = $1
             RETURNING id",
        )
        .bind(user_id)
        .bind(target.journey_id)
        .bind(entry_slug)
        .bind(i64::from(practice))
        .bind(seconds)
        .bind(now)
        .bind(day.to_string())
        .fetch_optional(self.pool())
        .await?;
        let Some(id) = id else {
            return Err(crate::AccountError::UnknownUser(format!("id {user_id}")).into());
        };
        Ok(PracticeLogItem {
            id,
            journey_slug: journey_slug.to_owned(),
            entry_slug: entry_slug.to_owned(),
            entry_title: Some(target.entry_title),
            practice: i64::from(practice),
            seconds,
            logged_at: now,
            logged_on: day,
        })
    }

    pub(crate) async fn practice_log_rows(
        &self,
        user_id: i64,
        journey_id: Option<i64>,
        entry_slug: Option<&str>,
    ) -> Result<Vec<PracticeLogItem>, StoreError> {
        let rows = sqlx::query(include_str!("sql/practice_log.sql"))
            .bind(user_id)
            .bind(journey_id)
            .bind(entry_slug)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(practice_item).collect()
    }
}
