use jiff::civil::Date;
use serde::Serialize;
use sqlx::Row as _;
use sqlx::any::AnyRow;

use crate::accounts::AccountError;
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

/// Groups the rows of `sql/steps.sql` by journey, numbering the steps and
/// giving each its date.
fn followed_from_rows(rows: &[AnyRow]) -> Result<Vec<Followed>, StoreError> {
    let mut out: Vec<Followed> = Vec::new();
    for row in rows {
        let journey_id: i64 = row.try_get("journey_id")?;
        if out.last().is_none_or(|f| f.journey_id != journey_id) {
            let start: String = row.try_get("start_date")?;
            out.push(Followed {
                journey_id,
                journey_slug: row.try_get("journey_slug")?,
                journey_title: row.try_get("journey_title")?,
                start_date: stored_date(&start, "enrolments.start_date")?,
                created_at: row.try_get("created_at")?,
                updated_at: row.try_get("updated_at")?,
                steps: Vec::new(),
            });
        }
        let Some(followed) = out.last_mut() else {
            continue;
        };
        let Some(entry_slug) = row.try_get::<Option<String>, _>("entry_slug")? else {
            continue;
        };
        let done_on: Option<String> = row.try_get("done_on")?;
        let number = followed.steps.len() + 1;
        followed.steps.push(StepView {
            number,
            entry_slug,
            title: row.try_get("entry_title")?,
            week: row.try_get("week")?,
            day: row.try_get("day")?,
            date: add_days(
                followed.start_date,
                i64::try_from(number - 1).unwrap_or(i64::MAX),
            ),
            publish_at: row.try_get("publish_at")?,
            done_on: done_on
                .map(|d| stored_date(&d, "step_done.done_on"))
                .transpose()?,
            done_at: row.try_get("done_at")?,
        });
    }
    Ok(out)
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
    /// One query answered from indexes, however long the journey: what an
    /// entry page asks. `None` for an unknown journey or entry.
    pub async fn entry_step(
        &self,
        user_id: i64,
        journey_slug: &str,
        entry_slug: &str,
    ) -> Result<Option<EntryStep>, StoreError> {
        let row = sqlx::query(include_str!("sql/entry_step.sql"))
            .bind(user_id)
            .bind(journey_slug)
            .bind(entry_slug)
            .fetch_optional(self.pool())
            .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let Some(start) = row.try_get::<Option<String>, _>("start_date")? else {
            return Ok(Some(EntryStep {
                following: false,
                step: None,
            }));
        };
        let kind: String = row.try_get("kind")?;
        if kind != "day" {
            return Ok(Some(EntryStep {
                following: true,
                step: None,
            }));
        }
        let start = stored_date(&start, "enrolments.start_date")?;
        let before: i64 = row.try_get("days_before")?;
        let done_on: Option<String> = row.try_get("done_on")?;
        Ok(Some(EntryStep {
            following: true,
            step: Some(StepView {
                number: usize::try_from(before).unwrap_or(0) + 1,
                entry_slug: row.try_get("entry_slug")?,
                title: row.try_get("entry_title")?,
                week: row.try_get("week")?,
                day: row.try_get("day")?,
                date: add_days(start, before),
                publish_at: row.try_get("publish_at")?,
                done_on: done_on
                    .map(|d| stored_date(&d, "step_done.done_on"))
                    .transpose()?,
                done_at: row.try_get("done_at")?,
            }),
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
        // The journeys and the member's done days, numbered in the database:
        // however long a journey, only the member's marks come back, then the
        // few days the view shows (today's, the current one, the missed).
        let heads = sqlx::query(include_str!("sql/followed_heads.sql"))
            .bind(user_id)
            .fetch_all(self.pool())
            .await?;
        let marks = sqlx::query(include_str!("sql/followed_done.sql"))
            .bind(user_id)
            .fetch_all(self.pool())
            .await?;
        let mut out = Vec::with_capacity(heads.len());
        for head in &heads {
            let journey_id: i64 = head.try_get("journey_id")?;
            let total = usize::try_from(head.try_get::<i64, _>("total")?).unwrap_or(0);
            let start: String = head.try_get("start_date")?;
            let start = stored_date(&start, "enrolments.start_date")?;
            // Step number → (done on, done at).
            let mut done = std::collections::BTreeMap::new();
            for mark in &marks {
                if mark.try_get::<i64, _>("journey_id")? != journey_id {
                    continue;
                }
                let n = usize::try_from(mark.try_get::<i64, _>("n")?).unwrap_or(0);
                let on: String = mark.try_get("done_on")?;
                done.insert(
                    n,
                    (
                        stored_date(&on, "step_done.done_on")?,
                        mark.try_get::<Option<i64>, _>("done_at")?,
                    ),
                );
            }
            let schedule =
                Schedule::new(start, (1..=total).map(|n| done.contains_key(&n)).collect());
            let mut wanted: std::collections::BTreeSet<usize> =
                schedule.missed(today).into_iter().collect();
            wanted.extend(schedule.current());
            if let Today::Scheduled { step } = schedule.today(today) {
                wanted.insert(step);
            }
            let steps = self
                .numbered_steps(journey_id, &wanted, start, &done)
                .await?;
            let journey_slug: String = head.try_get("journey_slug")?;
            let journey_title: String = head.try_get("journey_title")?;
            out.push(progress_of(
                Head {
                    journey_slug: &journey_slug,
                    journey_title: &journey_title,
                    start_date: start,
                    created_at: head.try_get("created_at")?,
                },
                &schedule,
                |n| steps.get(&n).cloned(),
                done.values().map(|(on, _)| *on),
                today,
            ));
        }
        Ok(out)
    }

    /// Days `numbers` (from 1) of a journey as steps of a schedule from
    /// `start`, with the member's `done` marks.
    async fn numbered_steps(
        &self,
        journey_id: i64,
        numbers: &std::collections::BTreeSet<usize>,
        start: Date,
        done: &std::collections::BTreeMap<usize, (Date, Option<i64>)>,
    ) -> Result<std::collections::BTreeMap<usize, StepView>, StoreError> {
        let mut steps = std::collections::BTreeMap::new();
        if numbers.is_empty() {
            return Ok(steps);
        }
        // Integers written here, never text from outside.
        let list = numbers
            .iter()
            .map(usize::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        let sql = include_str!("sql/numbered_steps.sql").replace("NUMBERS", &list);
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(journey_id)
            .fetch_all(self.pool())
            .await?;
        for row in &rows {
            let n = usize::try_from(row.try_get::<i64, _>("n")?).unwrap_or(0);
            let mark = done.get(&n);
            steps.insert(
                n,
                StepView {
                    number: n,
                    entry_slug: row.try_get("entry_slug")?,
                    title: row.try_get("entry_title")?,
                    week: row.try_get("week")?,
                    day: row.try_get("day")?,
                    date: add_days(
                        start,
                        i64::try_from(n.saturating_sub(1)).unwrap_or(i64::MAX),
                    ),
                    publish_at: row.try_get("publish_at")?,
                    done_on: mark.map(|(on, _)| *on),
                    done_at: mark.and_then(|(_, at)| *at),
                },
            );
        }
        Ok(steps)
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
        let mut tx = self.begin_write().await?;
        let rows = sqlx::query(include_str!("sql/steps.sql"))
            .bind(user_id)
            .bind(journey_slug)
            .fetch_all(&mut *tx)
            .await?;
        let Some(followed) = followed_from_rows(&rows)?.into_iter().next() else {
            return Err(ReadingError::NotFollowing(journey_slug.to_owned()).into());
        };
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
        let rows = sqlx::query(include_str!("sql/steps.sql"))
            .bind(user_id)
            .bind(journey_slug)
            .fetch_all(self.pool())
            .await?;
        Ok(followed_from_rows(&rows)?.into_iter().next())
    }

    /// Every followed journey with its steps, for the export.
    pub(crate) async fn all_followed(&self, user_id: i64) -> Result<Vec<Followed>, StoreError> {
        let rows = sqlx::query(include_str!("sql/steps.sql"))
            .bind(user_id)
            .bind(None::<&str>)
            .fetch_all(self.pool())
            .await?;
        followed_from_rows(&rows)
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
