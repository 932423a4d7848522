use jiff::civil::Date;
use serde::Serialize;
use sqlx::Row as _;
use sqlx::any::AnyRow;

use std::collections::HashMap;

use crate::accounts::AccountError;
use crate::content::Outline;
use crate::db::{Store, Tx};
use crate::error::StoreError;
use crate::reading::error::ReadingError;
use crate::reading::practice::PracticeLogItem;
use crate::reading::schedule::{Schedule, Streak, Today, add_days, check_date};

/// One step of a followed journey: a day entry and the member's date for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StepView {
    /// Position in the journey, from 1.
    pub number: usize,
    /// The entry's slug.
    pub entry_slug: String,
    /// The entry's title.
    pub title: String,
    /// The week it belongs to: the week's introduction and recap go beside
    /// its first and last step.
    pub week: i64,
    /// Day within the week.
    pub day: i64,
    /// The member's local date for it.
    pub date: Date,
    /// When the entry is (or was) published (ms): a step ahead of the
    /// ministry's calendar cannot be read or marked before then.
    pub publish_at: i64,
    /// The member's local date when they marked it done.
    pub done_on: Option<Date>,
    /// When they marked it done (ms).
    pub done_at: Option<i64>,
}

/// A followed journey as the member's home page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JourneyProgress {
    /// The journey's slug.
    pub journey_slug: String,
    /// The journey's title.
    pub journey_title: String,
    /// The member's day 1.
    pub start_date: Date,
    /// The member's date of the last step; `None` when there are no steps.
    pub end_date: Option<Date>,
    /// Where they stand today.
    pub today: Today,
    /// The step scheduled today, if one is.
    pub todays_step: Option<StepView>,
    /// Steps in all.
    pub total_steps: usize,
    /// Steps done.
    pub steps_done: usize,
    /// The first step not done: where "resume" goes. `None` when all are done.
    pub current_step: Option<StepView>,
    /// Steps scheduled before today and not done, in order.
    pub missed: Vec<StepView>,
    /// Whether every step is done.
    pub all_done: bool,
    /// The gentle streak (see [`STREAK_RULE`](crate::STREAK_RULE)).
    pub streak: Streak,
    /// When they began following (ms).
    pub followed_at: i64,
}

/// A followed journey's own page: its progress, every step and the practice
/// log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JourneyDetail {
    /// The summary.
    #[serde(flatten)]
    pub progress: JourneyProgress,
    /// Every step, in order.
    pub steps: Vec<StepView>,
    /// Time given to the journey's practices, oldest first.
    pub practice_log: Vec<PracticeLogItem>,
}

/// A member's part of one entry (see [`Store::entry_step`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntryStep {
    /// Whether they follow the entry's journey.
    pub following: bool,
    /// The entry as a step of their schedule; `None` when they do not follow
    /// the journey or the entry is not a day (an introduction, a recap).
    pub step: Option<StepView>,
}

/// A followed journey read from the database: everything the views derive from.
pub(crate) struct Followed {
    pub(crate) journey_id: i64,
    pub(crate) journey_slug: String,
    pub(crate) journey_title: String,
    pub(crate) start_date: Date,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
    pub(crate) steps: Vec<StepView>,
}

impl Followed {
    fn schedule(&self) -> Schedule {
        Schedule::new(
            self.start_date,
            self.steps.iter().map(|s| s.done_on.is_some()).collect(),
        )
    }

    fn progress(&self, today: Date) -> JourneyProgress {
        progress_of(
            Head {
                journey_slug: &self.journey_slug,
                journey_title: &self.journey_title,
                start_date: self.start_date,
                created_at: self.created_at,
            },
            &self.schedule(),
            |n| self.steps.get(n.wrapping_sub(1)).cloned(),
            self.steps.iter().filter_map(|s| s.done_on),
            today,
        )
    }
}

/// What a progress view says of its journey besides the steps.
struct Head<'a> {
    journey_slug: &'a str,
    journey_title: &'a str,
    start_date: Date,
    created_at: i64,
}

/// The progress view of one followed journey on `today`, from its schedule,
/// a way to get step n (from 1; only today's, the current one and the
/// missed ones are asked for) and the dates the member walked.
fn progress_of(
    head: Head<'_>,
    schedule: &Schedule,
    step: impl Fn(usize) -> Option<StepView>,
    walked: impl IntoIterator<Item = Date>,
    today: Date,
) -> JourneyProgress {
    let position = schedule.today(today);
    JourneyProgress {
        journey_slug: head.journey_slug.to_owned(),
        journey_title: head.journey_title.to_owned(),
        start_date: head.start_date,
        end_date: schedule.end_date(),
        today: position,
        todays_step: match position {
            Today::Scheduled { step: n } => step(n),
            _ => None,
        },
        total_steps: schedule.len(),
        steps_done: schedule.steps_done(),
        current_step: schedule.current().and_then(&step),
        missed: schedule
            .missed(today)
            .into_iter()
            .filter_map(&step)
            .collect(),
        all_done: schedule.all_done(),
        streak: Streak::new(walked, today),
        followed_at: head.created_at,
    }
}

/// A stored local date.
pub(crate) fn stored_date(text: &str, column: &'static str) -> Result<Date, StoreError> {
    text.parse().map_err(|_| StoreError::BadValue {
        column,
        value: text.to_owned(),
    })
}

/// A member's done marks: entry id → (their local date, when).
type Marks = HashMap<i64, (Date, Option<i64>)>;

/// The member's done marks, from the rows of `sql/marks.sql`.
fn marks_from_rows(rows: &[AnyRow]) -> Result<Marks, StoreError> {
    let mut marks = HashMap::with_capacity(rows.len());
    for row in rows {
        let on: String = row.try_get("done_on")?;
        marks.insert(
            row.try_get::<i64, _>("entry_id")?,
            (
                stored_date(&on, "step_done.done_on")?,
                row.try_get::<Option<i64>, _>("done_at")?,
            ),
        );
    }
    Ok(marks)
}

/// An enrolment: a row of `sql/followed_heads.sql`.
struct Enrolment {
    journey_id: i64,
    start_date: Date,
    created_at: i64,
    updated_at: i64,
}

fn enrolment_from_row(row: &AnyRow) -> Result<Enrolment, StoreError> {
    let start: String = row.try_get("start_date")?;
    Ok(Enrolment {
        journey_id: row.try_get("journey_id")?,
        start_date: stored_date(&start, "enrolments.start_date")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

/// Step `n` (from 1) of `outline` on a schedule from `start`, with the
/// member's mark.
fn step_of(outline: &Outline, start: Date, marks: &Marks, n: usize) -> Option<StepView> {
    let day = outline.days.get(n.checked_sub(1)?)?;
    let mark = marks.get(&day.id);
    Some(StepView {
        number: n,
        entry_slug: day.slug.clone(),
        title: day.title.clone(),
        week: day.week,
        day: day.day,
        date: add_days(start, i64::try_from(n - 1).unwrap_or(i64::MAX)),
        publish_at: day.publish_at,
        done_on: mark.map(|(on, _)| *on),
        done_at: mark.and_then(|(_, at)| *at),
    })
}

/// A followed journey, every step, from its outline and the member's marks.
fn followed_of(outline: &Outline, enrolment: &Enrolment, marks: &Marks) -> Followed {
    Followed {
        journey_id: enrolment.journey_id,
        journey_slug: outline.slug().to_owned(),
        journey_title: outline.title().to_owned(),
        start_date: enrolment.start_date,
        created_at: enrolment.created_at,
        updated_at: enrolment.updated_at,
        steps: (1..=outline.days.len())
            .filter_map(|n| step_of(outline, enrolment.start_date, marks, n))
            .collect(),
    }
}

impl Store {
    /// Today's date where `time_zone` (an IANA name) is, by this store's clock:
    /// the `today` that the reading views take.
    pub fn local_date(&self, time_zone: &str) -> Result<Date, StoreError> {
        let zone = jiff::tz::TimeZone::get(time_zone)
            .map_err(|_| AccountError::UnknownTimeZone(time_zone.to_owned()))?;
        Ok(zone.to_datetime(self.clock().now()).date())
    }

    /// The member's part of one entry: whether they follow its journey, and
    /// the entry as a step of their schedule (its number, date and done mark).
    /// The journey's outline (kept in memory) and one query for the member's
    /// own rows, however long the journey: what an entry page asks. `None`
    /// for an unknown journey or entry.
    pub async fn entry_step(
        &self,
        user_id: i64,
        journey_slug: &str,
        entry_slug: &str,
    ) -> Result<Option<EntryStep>, StoreError> {
        let Some(outline) = self.outline_by_slug(journey_slug).await? else {
            return Ok(None);
        };
        let Some((entry_id, _)) = outline.entry(entry_slug) else {
            return Ok(None);
        };
        let row = sqlx::query(include_str!("sql/entry_step.sql"))
            .bind(user_id)
            .bind(outline.id())
            .bind(entry_id)
            .fetch_optional(self.pool())
            .await?;
        let Some(row) = row else {
            return Ok(Some(EntryStep {
                following: false,
                step: None,
            }));
        };
        let Some(index) = outline.day_of(entry_id) else {
            return Ok(Some(EntryStep {
                following: true,
                step: None,
            }));
        };
        let start: String = row.try_get("start_date")?;
        let start = stored_date(&start, "enrolments.start_date")?;
        let mut marks = Marks::new();
        if let Some(on) = row.try_get::<Option<String>, _>("done_on")? {
            marks.insert(
                entry_id,
                (
                    stored_date(&on, "step_done.done_on")?,
                    row.try_get::<Option<i64>, _>("done_at")?,
                ),
            );
        }
        Ok(Some(EntryStep {
            following: true,
            step: step_of(&outline, start, &marks, index + 1),
        }))
    }

    /// Follows a published journey with day 1 on `start_date` (the member's
    /// local date). Following it already, the member keeps their done marks
    /// and only the schedule moves. Returns whether they were not following it
    /// before. Members-only journeys are open to every account.
    pub async fn start_journey(
        &self,
        user_id: i64,
        journey_slug: &str,
        start_date: Date,
    ) -> Result<bool, StoreError> {
        self.enrol(user_id, journey_slug, start_date, false).await
    }

    /// Starts a journey again from scratch: day 1 on `start_date` and every
    /// done mark of its steps cleared, and with them the streak. Follows the
    /// journey when the member did not yet. Returns whether they were not
    /// following it before.
    pub async fn restart_journey(
        &self,
        user_id: i64,
        journey_slug: &str,
        start_date: Date,
    ) -> Result<bool, StoreError> {
        self.enrol(user_id, journey_slug, start_date, true).await
    }

    async fn enrol(
        &self,
        user_id: i64,
        journey_slug: &str,
        start_date: Date,
        clear: bool,
    ) -> Result<bool, StoreError> {
        let start = check_date(start_date)?.to_string();
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let user: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await?;
        if user.is_none() {
            return Err(AccountError::UnknownUser(format!("id {user_id}")).into());
        }
        let journey_id = published_journey(&mut tx, journey_slug, now).await?;
        let created = sqlx::query(
            "INSERT INTO enrolments (user_id, journey_id, start_date, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $4)
             ON CONFLICT (user_id, journey_id) DO NOTHING",
        )
        .bind(user_id)
        .bind(journey_id)
        .bind(&start)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            > 0;
        if !created {
            sqlx::query(
                "UPDATE enrolments SET start_date = $1, updated_at = $2
                 WHERE user_id = $3 AND journey_id = $4",
            )
            .bind(&start)
            .bind(now)
            .bind(user_id)
            .bind(journey_id)
            .execute(&mut *tx)
            .await?;
        }
        if clear {
            clear_marks(&mut tx, user_id, journey_id).await?;
        }
        tx.commit().await?;
        Ok(created)
    }

    /// Stops following a journey. Its done marks go with it (following it
    /// again starts afresh); the journal and practice log stay. Returns
    /// whether the member was following it.
    pub async fn stop_following(
        &self,
        user_id: i64,
        journey_slug: &str,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let journey_id: Option<i64> = sqlx::query_scalar(
            "SELECT journey_id FROM enrolments n JOIN journeys j ON j.id = n.journey_id
             WHERE n.user_id = $1 AND j.slug = $2",
        )
        .bind(user_id)
        .bind(journey_slug)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(journey_id) = journey_id else {
            return Ok(false);
        };
        clear_marks(&mut tx, user_id, journey_id).await?;
        sqlx::query("DELETE FROM enrolments WHERE user_id = $1 AND journey_id = $2")
            .bind(user_id)
            .bind(journey_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Every journey the member follows, in the order they began, as seen on
    /// `today` (their local date).
    pub async fn enrolments(
        &self,
        user_id: i64,
        today: Date,
    ) -> Result<Vec<JourneyProgress>, StoreError> {
        // The member's own rows (enrolments, done marks) from the database;
        // the journeys' days from their outlines in memory: however long a
        // journey, only the member's few rows are read per request.
        let heads = self.enrolment_rows(user_id, None).await?;
        let marks = self.marks(user_id).await?;
        let mut out = Vec::with_capacity(heads.len());
        for head in &heads {
            let Some(outline) = self.outline(head.journey_id).await? else {
                continue;
            };
            let schedule = Schedule::new(
                head.start_date,
                outline
                    .days
                    .iter()
                    .map(|d| marks.contains_key(&d.id))
                    .collect(),
            );
            out.push(progress_of(
                Head {
                    journey_slug: outline.slug(),
                    journey_title: outline.title(),
                    start_date: head.start_date,
                    created_at: head.created_at,
                },
                &schedule,
                |n| step_of(&outline, head.start_date, &marks, n),
                outline
                    .days
                    .iter()
                    .filter_map(|d| marks.get(&d.id).map(|(on, _)| *on)),
                today,
            ));
        }
        Ok(out)
    }

    /// The member's enrolments, in the order they began; of one journey only
    /// when `journey_id` is given.
    async fn enrolment_rows(
        &self,
        user_id: i64,
        journey_id: Option<i64>,
    ) -> Result<Vec<Enrolment>, StoreError> {
        sqlx::query(include_str!("sql/followed_heads.sql"))
            .bind(user_id)
            .bind(journey_id)
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(enrolment_from_row)
            .collect()
    }

    /// Every done mark of the member.
    async fn marks(&self, user_id: i64) -> Result<Marks, StoreError> {
        let rows = sqlx::query(include_str!("sql/marks.sql"))
            .bind(user_id)
            .fetch_all(self.pool())
            .await?;
        marks_from_rows(&rows)
    }

    /// One followed journey, whole, as seen on `today`; `None` when the
    /// member does not follow it.
    pub async fn journey_progress(
        &self,
        user_id: i64,
        journey_slug: &str,
        today: Date,
    ) -> Result<Option<JourneyDetail>, StoreError> {
        let Some(followed) = self.followed(user_id, journey_slug).await? else {
            return Ok(None);
        };
        let practice_log = self
            .practice_log_rows(user_id, Some(followed.journey_id), None)
            .await?;
        Ok(Some(JourneyDetail {
            progress: followed.progress(today),
            steps: followed.steps,
            practice_log,
        }))
    }

    /// Moves the member's day 1 forward so that the days they missed vanish:
    /// afterwards the first step not done falls on `today` and nothing is
    /// missed. Never moves day 1 back; changes nothing when nothing is missed.
    /// Returns the start date, new or unchanged.
    pub async fn catch_up(
        &self,
        user_id: i64,
        journey_slug: &str,
        today: Date,
    ) -> Result<Date, StoreError> {
        check_date(today)?;
        // The outline before the transaction: reading it may need a
        // connection of its own.
        let Some(outline) = self.outline_by_slug(journey_slug).await? else {
            return Err(ReadingError::NotFollowing(journey_slug.to_owned()).into());
        };
        let mut tx = self.begin_write().await?;
        let head = sqlx::query(include_str!("sql/followed_heads.sql"))
            .bind(user_id)
            .bind(outline.id())
            .fetch_optional(&mut *tx)
            .await?;
        let Some(head) = head.as_ref().map(enrolment_from_row).transpose()? else {
            return Err(ReadingError::NotFollowing(journey_slug.to_owned()).into());
        };
        let marks = sqlx::query(include_str!("sql/marks.sql"))
            .bind(user_id)
            .fetch_all(&mut *tx)
            .await?;
        let followed = followed_of(&outline, &head, &marks_from_rows(&marks)?);
        let start = followed.schedule().caught_up(today);
        if start != followed.start_date {
            sqlx::query(
                "UPDATE enrolments SET start_date = $1, updated_at = $2
                 WHERE user_id = $3 AND journey_id = $4",
            )
            .bind(start.to_string())
            .bind(self.now_ms())
            .bind(user_id)
            .bind(followed.journey_id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(start)
    }

    /// A followed journey with its steps, or `None`.
    pub(crate) async fn followed(
        &self,
        user_id: i64,
        journey_slug: &str,
    ) -> Result<Option<Followed>, StoreError> {
        let Some(outline) = self.outline_by_slug(journey_slug).await? else {
            return Ok(None);
        };
        let Some(head) = self
            .enrolment_rows(user_id, Some(outline.id()))
            .await?
            .into_iter()
            .next()
        else {
            return Ok(None);
        };
        let marks = self.marks(user_id).await?;
        Ok(Some(followed_of(&outline, &head, &marks)))
    }

    /// Every followed journey with its steps, for the export.
    pub(crate) async fn all_followed(&self, user_id: i64) -> Result<Vec<Followed>, StoreError> {
        let heads = self.enrolment_rows(user_id, None).await?;
        let marks = self.marks(user_id).await?;
        let mut out = Vec::with_capacity(heads.len());
        for head in &heads {
            if let Some(outline) = self.outline(head.journey_id).await? {
                out.push(followed_of(&outline, head, &marks));
            }
        }
        Ok(out)
    }
}

/// The id of the journey with this slug if anything of it is published by
/// `now` (the rule of the journey pages), or why not.
async fn published_journey(tx: &mut Tx, slug: &str, now: i64) -> Result<i64, StoreError> {
    let id: Option<i64> = sqlx::query_scalar(
        "SELECT j.id FROM journeys j WHERE j.slug = $1
         AND EXISTS (SELECT 1 FROM entries e WHERE e.journey_id = j.id AND e.publish_at <= $2)",
    )
    .bind(slug)
    .bind(now)
    .fetch_optional(&mut **tx)
    .await?;
    id.ok_or_else(|| ReadingError::UnknownJourney(slug.to_owned()).into())
}

/// Deletes the member's done marks on a journey's steps.
async fn clear_marks(tx: &mut Tx, user_id: i64, journey_id: i64) -> Result<(), StoreError> {
    sqlx::query(
        "DELETE FROM step_done WHERE user_id = $1
         AND entry_id IN (SELECT id FROM entries WHERE journey_id = $2)",
    )
    .bind(user_id)
    .bind(journey_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
