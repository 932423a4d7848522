//! Turning time into mail: each journey step, digest and scheduled newsletter
//! whose moment has come becomes outbox rows, in the same transaction that
//! moves its schedule on. Nodes may run this at once: a schedule row moves
//! only from the value it was read with, and outbox keys are unique, so each
//! message is queued once.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use sqlx::Row as _;

use crate::db::Store;
use crate::error::StoreError;
use crate::reading::schedule::days_between;
use crate::subscriptions::newsletters::queue_message_in;
use crate::subscriptions::outbox::{MailKind, insert_mail};
use crate::subscriptions::schedule::{local_date, next_slot, next_weekly_slot, weekday};
use crate::subscriptions::subscribers::zone;

/// What one pass queued.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DueReport {
    /// Days of journeys.
    pub days: usize,
    /// Weekly digests.
    pub digests: usize,
    /// Copies of scheduled newsletters.
    pub newsletter_copies: u64,
    /// Schedules looked at (a full batch means: run again).
    pub looked_at: usize,
}

/// Seven days, in milliseconds: what a digest covers.
const WEEK_MS: i64 = 7 * 24 * 3600 * 1000;

fn instant(ms: i64) -> Timestamp {
    Timestamp::from_millisecond(ms).unwrap_or(Timestamp::UNIX_EPOCH)
}

impl Store {
    /// Queues the mail whose time has come: at most `batch` journey steps and
    /// `batch` digests per call, and every scheduled newsletter that is due.
    /// A schedule that was late (the workers were stopped) sends its one due
    /// step and goes on from the next send time: late, never in a burst.
    pub async fn queue_due_mail(&self, batch: usize) -> Result<DueReport, StoreError> {
        let mut report = DueReport::default();
        let now = self.now_ms();
        let limit = i64::try_from(batch.clamp(1, 10_000)).unwrap_or(500);
        let rows = sqlx::query(
            "SELECT m.id, m.subscriber_id, m.journey_id, m.start_date, m.last_step, m.next_send_at,
                s.email, s.time_zone, s.send_minute, s.status, s.wants_daily,
                (SELECT n.start_date FROM enrolments n WHERE n.user_id = s.user_id AND n.journey_id = m.journey_id) AS member_start
             FROM email_journeys m JOIN subscribers s ON s.id = m.subscriber_id
             WHERE m.next_send_at IS NOT NULL AND m.next_send_at <= $1
             ORDER BY m.next_send_at LIMIT $2",
        )
        .bind(now)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        report.looked_at = rows.len();
        for row in rows {
            if self.queue_step(&row, now).await? {
                report.days += 1;
            }
        }
        let rows = sqlx::query(
            "SELECT id, email, time_zone, send_minute, digest_weekday, next_digest_at, status, wants_digest
             FROM subscribers WHERE next_digest_at IS NOT NULL AND next_digest_at <= $1
             ORDER BY next_digest_at LIMIT $2",
        )
        .bind(now)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        report.looked_at += rows.len();
        for row in rows {
            if self.queue_digest(&row, now).await? {
                report.digests += 1;
            }
        }
        let due: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM mail_messages WHERE state = 'scheduled' AND send_at <= $1 ORDER BY send_at",
        )
        .bind(now)
        .fetch_all(self.pool())
        .await?;
        for id in due {
            let mut tx = self.begin_write().await?;
            let state: String = sqlx::query_scalar("SELECT state FROM mail_messages WHERE id = $1")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
            if state == "scheduled" {
                report.newsletter_copies += queue_message_in(&mut tx, id, now).await?;
                tx.commit().await?;
            }
        }
        Ok(report)
    }

    /// One journey schedule whose time came. Returns whether a day was queued.
    async fn queue_step(&self, row: &sqlx::any::AnyRow, now: i64) -> Result<bool, StoreError> {
        let id: i64 = row.try_get("id")?;
        let subscriber: i64 = row.try_get("subscriber_id")?;
        let journey: i64 = row.try_get("journey_id")?;
        let slot_ms: i64 = row.try_get("next_send_at")?;
        let last_step: i64 = row.try_get("last_step")?;
        let mut tx = self.begin_write().await?;
        let active = row.try_get::<String, _>("status")? == "active"
            && row.try_get::<i64, _>("wants_daily")? != 0;
        let zone = match zone(&row.try_get::<String, _>("time_zone")?) {
            Ok(zone) if active => zone,
            _ => {
                sqlx::query(
                    "UPDATE email_journeys SET next_send_at = NULL WHERE id = $1 AND next_send_at = $2",
                )
                .bind(id)
                .bind(slot_ms)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                return Ok(false);
            }
        };
        let minute = u16::try_from(row.try_get::<i64, _>("send_minute")?).unwrap_or(360);
        let slot_date = local_date(&zone, instant(slot_ms));
        let steps: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM entries WHERE journey_id = $1 AND kind = 'day'",
        )
        .bind(journey)
        .fetch_one(&mut *tx)
        .await?;
        // A member's own schedule decides their step, so that the mail and
        // the site agree; others walk one step per send.
        let member_start: Option<Date> = row
            .try_get::<Option<String>, _>("member_start")?
            .and_then(|s| s.parse().ok());
        let start_text: String = row.try_get("start_date")?;
        let (step, start_key) = match member_start {
            Some(start) => (days_between(start, slot_date) + 1, start.to_string()),
            None => (last_step + 1, start_text),
        };
        let mut new_last = last_step;
        let mut finished = steps > 0 && step > steps;
        let mut queued = false;
        if (1..=steps).contains(&step) && (member_start.is_some() || step > last_step) {
            let entry = sqlx::query(
                "SELECT e.id, e.slug, e.publish_at, j.slug AS journey_slug FROM entries e
                 JOIN journeys j ON j.id = e.journey_id
                 WHERE e.journey_id = $1 AND e.kind = 'day'
                 ORDER BY e.week, e.day, e.id LIMIT 1 OFFSET $2",
            )
            .bind(journey)
            .bind(step - 1)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(entry) = entry {
                let publish_at: i64 = entry.try_get("publish_at")?;
                // A day not published yet waits for a later morning.
                if publish_at <= now {
                    let payload = serde_json::json!({
                        "journey": entry.try_get::<String, _>("journey_slug")?,
                        "entry": entry.try_get::<String, _>("slug")?,
                        "entry_id": entry.try_get::<i64, _>("id")?,
                        "step": step,
                        "steps": steps,
                    })
                    .to_string();
                    let email: String = row.try_get("email")?;
                    queued = insert_mail(
                        &mut tx,
                        now,
                        &format!("daily:{subscriber}:{journey}:{start_key}:{step}"),
                        Some(subscriber),
                        &email,
                        MailKind::Daily,
                        None,
                        &payload,
                    )
                    .await?;
                    new_last = step;
                    finished = member_start.is_none() && step >= steps;
                }
            }
        }
        let next = (!finished).then(|| next_slot(&zone, minute, instant(now.max(slot_ms))).1);
        let moved = sqlx::query(
            "UPDATE email_journeys SET last_step = $1, next_send_at = $2, updated_at = $3
             WHERE id = $4 AND next_send_at = $5",
        )
        .bind(new_last)
        .bind(next.map(|t| t.as_millisecond()))
        .bind(now)
        .bind(id)
        .bind(slot_ms)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if moved == 0 {
            // Another node moved it first; its transaction queued the day.
            tx.rollback().await?;
            return Ok(false);
        }
        tx.commit().await?;
        Ok(queued)
    }

    /// One digest whose time came. Returns whether one was queued (a week
    /// with nothing published sends nothing).
    async fn queue_digest(&self, row: &sqlx::any::AnyRow, now: i64) -> Result<bool, StoreError> {
        let id: i64 = row.try_get("id")?;
        let slot_ms: i64 = row.try_get("next_digest_at")?;
        let mut tx = self.begin_write().await?;
        let wanted = row.try_get::<String, _>("status")? == "active"
            && row.try_get::<i64, _>("wants_digest")? != 0;
        let zone = match zone(&row.try_get::<String, _>("time_zone")?) {
            Ok(zone) if wanted => zone,
            _ => {
                sqlx::query(
                    "UPDATE subscribers SET next_digest_at = NULL WHERE id = $1 AND next_digest_at = $2",
                )
                .bind(id)
                .bind(slot_ms)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                return Ok(false);
            }
        };
        let minute = u16::try_from(row.try_get::<i64, _>("send_minute")?).unwrap_or(360);
        let day = weekday(row.try_get("digest_weekday")?);
        let published: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM entries WHERE publish_at > $1 AND publish_at <= $2",
        )
        .bind(slot_ms - WEEK_MS)
        .bind(slot_ms)
        .fetch_one(&mut *tx)
        .await?;
        let mut queued = false;
        if published > 0 {
            let date = local_date(&zone, instant(slot_ms));
            let payload =
                serde_json::json!({ "from": slot_ms - WEEK_MS, "to": slot_ms }).to_string();
            let email: String = row.try_get("email")?;
            queued = insert_mail(
                &mut tx,
                now,
                &format!("digest:{id}:{date}"),
                Some(id),
                &email,
                MailKind::Digest,
                None,
                &payload,
            )
            .await?;
        }
        let next = next_weekly_slot(&zone, minute, day, instant(now.max(slot_ms))).1;
        let moved = sqlx::query(
            "UPDATE subscribers SET next_digest_at = $1 WHERE id = $2 AND next_digest_at = $3",
        )
        .bind(next.as_millisecond())
        .bind(id)
        .bind(slot_ms)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if moved == 0 {
            tx.rollback().await?;
            return Ok(false);
        }
        tx.commit().await?;
        Ok(queued)
    }
}
