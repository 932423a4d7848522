use std::time::Duration;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row as _};

use crate::accounts::{Email, RawToken};
use crate::db::Store;
use crate::error::StoreError;
use crate::subscriptions::error::SubscriptionError;
use crate::subscriptions::outbox::{MailKind, insert_mail};
use crate::subscriptions::schedule::{local_date, next_slot, next_weekly_slot, slot_on, weekday};
use crate::time::millis;

/// Longest name kept, in characters.
pub const MAX_NAME_CHARS: usize = 100;
/// Most tags on one subscriber.
pub const MAX_TAGS: usize = 50;
/// Longest tag, in bytes.
const MAX_TAG_BYTES: usize = 64;
/// How long a confirmation link works.
const CONFIRM_TTL: Duration = Duration::from_secs(7 * 24 * 3600);

/// Where a subscriber stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SubscriberStatus {
    /// Asked, not confirmed: only the confirmation may be sent.
    Pending,
    /// Confirmed: mail goes out as their preferences say.
    Active,
    /// Unsubscribed: nothing is sent.
    Unsubscribed,
}

impl SubscriberStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Active => "active",
            Self::Unsubscribed => "unsubscribed",
        }
    }

    /// The status with this stored name.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Pending, Self::Active, Self::Unsubscribed]
            .into_iter()
            .find(|v| v.as_str() == s)
    }
}

/// What a subscriber wants, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Preferences {
    /// How to greet them; may be empty.
    pub name: String,
    /// IANA time zone of their mornings.
    pub time_zone: String,
    /// Local minutes after midnight when the day's mail goes out.
    pub send_minute: u16,
    /// ISO weekday of the weekly digest (1 Monday ... 7 Sunday).
    pub digest_weekday: u8,
    /// Each day of the journeys they follow by email.
    pub daily: bool,
    /// A weekly digest of what was published.
    pub digest: bool,
    /// Events and gatherings.
    pub events: bool,
    /// Newsletters.
    pub newsletters: bool,
}

impl Default for Preferences {
    fn default() -> Self {
        Self {
            name: String::new(),
            time_zone: "UTC".into(),
            send_minute: crate::subscriptions::DEFAULT_SEND_MINUTE,
            digest_weekday: 7,
            daily: true,
            digest: false,
            events: true,
            newsletters: true,
        }
    }
}

impl Preferences {
    /// Checks every field; the name is trimmed.
    pub(crate) fn checked(mut self) -> Result<Self, SubscriptionError> {
        zone(&self.time_zone)?;
        if self.send_minute >= 24 * 60 {
            return Err(SubscriptionError::BadSendTime);
        }
        if !(1..=7).contains(&self.digest_weekday) {
            return Err(SubscriptionError::BadWeekday);
        }
        self.name = self.name.trim().to_owned();
        if self.name.chars().count() > MAX_NAME_CHARS {
            return Err(SubscriptionError::BadName("it is too long"));
        }
        if self.name.chars().any(char::is_control) {
            return Err(SubscriptionError::BadName(
                "it contains a control character",
            ));
        }
        Ok(self)
    }
}

/// The time zone named `name`, or why not.
pub(crate) fn zone(name: &str) -> Result<TimeZone, SubscriptionError> {
    if name.is_empty() || name.len() > 64 {
        return Err(SubscriptionError::UnknownTimeZone(name.to_owned()));
    }
    TimeZone::get(name).map_err(|_| SubscriptionError::UnknownTimeZone(name.to_owned()))
}

/// Someone asking to subscribe.
#[derive(Debug, Clone)]
pub struct SubscriptionRequest {
    /// Their address.
    pub email: Email,
    /// What they want.
    pub preferences: Preferences,
    /// A journey to follow by email from day 1 (its slug).
    pub journey: Option<String>,
    /// Tags given by the form (e.g. where it was).
    pub tags: Vec<String>,
    /// A signed-in member asking for their own verified address: confirmed at
    /// once, no link needed.
    pub member: Option<i64>,
}

/// What a request to subscribe did. The web layer answers every case alike,
/// so that the answer does not tell whether an address is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subscribed {
    /// A confirmation link was queued for the address.
    ConfirmationQueued,
    /// The address is subscribed already: a message with its preferences link
    /// was queued instead (at most one a day), and nothing was changed.
    AlreadyActive,
    /// A member's own address: active at once.
    Confirmed,
    /// The address is on the suppression list: nothing was queued.
    Suppressed,
}

/// A subscriber as the owner and the preference centre see them.
#[derive(Debug, Clone, Serialize)]
pub struct Subscriber {
    /// Row id.
    pub id: i64,
    /// Their address.
    pub email: String,
    /// Where they stand.
    pub status: SubscriberStatus,
    /// What they want.
    pub preferences: Preferences,
    /// Their account, if they are a member.
    pub user_id: Option<i64>,
    /// The key of their preferences and unsubscribe links.
    #[serde(skip)]
    pub link_key: String,
    /// When they confirmed (ms).
    pub consent_at: Option<i64>,
    /// How they gave consent: form, import, account.
    pub consent_source: Option<String>,
    /// Tags, sorted.
    pub tags: Vec<String>,
    /// Created (ms).
    pub created_at: i64,
    /// Unsubscribed (ms).
    pub unsubscribed_at: Option<i64>,
}

/// Which subscribers an owner lists.
#[derive(Debug, Clone, Default)]
pub struct SubscriberFilter {
    /// Only this status.
    pub status: Option<SubscriberStatus>,
    /// Only with this tag.
    pub tag: Option<String>,
    /// Address or name containing this text.
    pub search: Option<String>,
    /// At most this many (capped at 500).
    pub limit: usize,
    /// Skipping this many.
    pub offset: usize,
}

pub(crate) const SUBSCRIBER_COLUMNS: &str = "s.id, s.email, s.name, s.time_zone, s.send_minute, \
     s.digest_weekday, s.wants_daily, s.wants_digest, s.wants_events, s.wants_newsletters, \
     s.status, s.user_id, s.link_key, s.consent_at, s.consent_source, s.created_at, s.unsubscribed_at";

pub(crate) fn subscriber_from_row(row: &AnyRow) -> Result<Subscriber, StoreError> {
    let status: String = row.try_get("status")?;
    let flag = |name: &str| -> Result<bool, StoreError> { Ok(row.try_get::<i64, _>(name)? != 0) };
    Ok(Subscriber {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        status: SubscriberStatus::parse(&status).ok_or(StoreError::BadValue {
            column: "subscribers.status",
            value: status.clone(),
        })?,
        preferences: Preferences {
            name: row.try_get("name")?,
            time_zone: row.try_get("time_zone")?,
            send_minute: u16::try_from(row.try_get::<i64, _>("send_minute")?).unwrap_or(360),
            digest_weekday: u8::try_from(row.try_get::<i64, _>("digest_weekday")?).unwrap_or(7),
            daily: flag("wants_daily")?,
            digest: flag("wants_digest")?,
            events: flag("wants_events")?,
            newsletters: flag("wants_newsletters")?,
        },
        user_id: row.try_get("user_id")?,
        link_key: row.try_get("link_key")?,
        consent_at: row.try_get("consent_at")?,
        consent_source: row.try_get("consent_source")?,
        tags: Vec::new(),
        created_at: row.try_get("created_at")?,
        unsubscribed_at: row.try_get("unsubscribed_at")?,
    })
}

/// Tags as given: trimmed, lower-cased, deduplicated, checked.
pub(crate) fn clean_tags(tags: &[String]) -> Result<Vec<String>, SubscriptionError> {
    let mut out: Vec<String> = Vec::new();
    for tag in tags {
        let tag = tag.trim().to_lowercase();
        if tag.is_empty() {
            continue;
        }
        if tag.len() > MAX_TAG_BYTES {
            return Err(SubscriptionError::BadTag("longer than 64 bytes"));
        }
        if tag.chars().any(|c| c.is_control() || c == ';' || c == ',') {
            return Err(SubscriptionError::BadTag(
                "a tag cannot hold a control character, ';' or ','",
            ));
        }
        if !out.contains(&tag) {
            out.push(tag);
        }
    }
    if out.len() > MAX_TAGS {
        return Err(SubscriptionError::BadTag("more than 50 tags"));
    }
    out.sort();
    Ok(out)
}

fn instant(ms: i64) -> Timestamp {
    Timestamp::from_millisecond(ms).unwrap_or(Timestamp::UNIX_EPOCH)
}

fn flag(b: bool) -> i64 {
    i64::from(b)
}

impl Store {
    /// Asks for a subscription (see [`Subscribed`] for what happens in each
    /// case). Preferences of an address that is pending or unsubscribed are
    /// replaced (nothing is sent to it before it confirms); those of an active
    /// subscriber are not, unless the request is the member's own.
    pub async fn subscribe(&self, request: SubscriptionRequest) -> Result<Subscribed, StoreError> {
        let preferences = request.preferences.checked()?;
        let tags = clean_tags(&request.tags)?;
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let email = request.email.as_str();
        let suppressed: Option<String> =
            sqlx::query_scalar("SELECT reason FROM suppressions WHERE email = $1")
                .bind(email)
                .fetch_optional(&mut *tx)
                .await?;
        if suppressed.is_some() {
            return Ok(Subscribed::Suppressed);
        }
        let journey = match &request.journey {
            Some(slug) => Some(journey_id(&mut tx, slug).await?),
            None => None,
        };
        let existing = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {SUBSCRIBER_COLUMNS} FROM subscribers s WHERE s.email = $1"
        )))
        .bind(email)
        .fetch_optional(&mut *tx)
        .await?
        .map(|row| subscriber_from_row(&row))
        .transpose()?;
        let own = request.member.is_some();
        let id = match existing {
            Some(found) if found.status == SubscriberStatus::Active && !own => {
                // Somebody (perhaps not its owner) asked again: tell the
                // address, change nothing. One such message a day at most.
                let day = now / 86_400_000;
                insert_mail(
                    &mut tx,
                    now,
                    &format!("notice:{}:{day}", found.id),
                    Some(found.id),
                    &found.email,
                    MailKind::Notice,
                    None,
                    "{}",
                )
                .await?;
                tx.commit().await?;
                return Ok(Subscribed::AlreadyActive);
            }
            Some(found) => {
                write_preferences(&mut tx, found.id, &preferences, now).await?;
                if found.status != SubscriberStatus::Active {
                    sqlx::query(
                        "UPDATE subscribers SET status = 'pending', user_id = COALESCE($1, user_id), updated_at = $2 WHERE id = $3",
                    )
                    .bind(request.member)
                    .bind(now)
                    .bind(found.id)
                    .execute(&mut *tx)
                    .await?;
                }
                found.id
            }
            None => {
                let link_key = RawToken::random()?.expose().to_owned();
                sqlx::query_scalar(
                    "INSERT INTO subscribers (email, name, time_zone, send_minute, digest_weekday,
                        wants_daily, wants_digest, wants_events, wants_newsletters, status, user_id,
                        link_key, created_at, updated_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending', $10, $11, $12, $12)
                     RETURNING id",
                )
                .bind(email)
                .bind(&preferences.name)
                .bind(&preferences.time_zone)
                .bind(i64::from(preferences.send_minute))
                .bind(i64::from(preferences.digest_weekday))
                .bind(flag(preferences.daily))
                .bind(flag(preferences.digest))
                .bind(flag(preferences.events))
                .bind(flag(preferences.newsletters))
                .bind(request.member)
                .bind(link_key)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?
            }
        };
        add_tags(&mut tx, id, &tags).await?;
        if let Some(journey) = journey {
            follow_in(&mut tx, id, journey, now).await?;
        }
        if own {
            activate_in(self, &mut tx, id, "account", now).await?;
            tx.commit().await?;
            return Ok(Subscribed::Confirmed);
        }
        queue_link(&mut tx, id, MailKind::Confirm, email, now).await?;
        tx.commit().await?;
        Ok(Subscribed::ConfirmationQueued)
    }

    /// Uses a confirmation link (for a subscription or a new address), once.
    /// The subscriber becomes active; their journeys by email start on the
    /// next morning of their time zone.
    pub async fn confirm_subscription(&self, token: &str) -> Result<Subscriber, StoreError> {
        let Some(hash) = RawToken::from_client(token).hash() else {
            return Err(SubscriptionError::BadLink.into());
        };
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "UPDATE subscription_tokens SET used_at = $1
             WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1
             RETURNING subscriber_id, purpose, email",
        )
        .bind(now)
        .bind(&hash)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(SubscriptionError::BadLink)?;
        let id: i64 = row.try_get("subscriber_id")?;
        let purpose: String = row.try_get("purpose")?;
        let email: String = row.try_get("email")?;
        if purpose == "change_email" {
            let taken: Option<i64> =
                sqlx::query_scalar("SELECT id FROM subscribers WHERE email = $1 AND id <> $2")
                    .bind(&email)
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?;
            if taken.is_some() {
                return Err(SubscriptionError::EmailTaken(email).into());
            }
            let link_key = RawToken::random()?.expose().to_owned();
            sqlx::query(
                "UPDATE subscribers SET email = $1, link_key = $2, updated_at = $3 WHERE id = $4",
            )
            .bind(&email)
            .bind(link_key)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        } else {
            let status: String = sqlx::query_scalar("SELECT status FROM subscribers WHERE id = $1")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
            if status != "active" {
                activate_in(self, &mut tx, id, "form", now).await?;
            }
        }
        tx.commit().await?;
        self.subscriber(id)
            .await?
            .ok_or_else(|| SubscriptionError::UnknownSubscriber(format!("id {id}")).into())
    }

    /// The subscriber with this id.
    pub async fn subscriber(&self, id: i64) -> Result<Option<Subscriber>, StoreError> {
        self.subscriber_where("s.id = $1", id.to_string(), Some(id))
            .await
    }

    /// The subscriber whose links carry `key`.
    pub async fn subscriber_by_link_key(
        &self,
        key: &str,
    ) -> Result<Option<Subscriber>, StoreError> {
        if key.is_empty() || key.len() > 128 {
            return Ok(None);
        }
        self.subscriber_where("s.link_key = $1", key.to_owned(), None)
            .await
    }

    /// The subscriber with this address.
    pub async fn subscriber_by_email(
        &self,
        email: &Email,
    ) -> Result<Option<Subscriber>, StoreError> {
        self.subscriber_where("s.email = $1", email.as_str().to_owned(), None)
            .await
    }

    async fn subscriber_where(
        &self,
        condition: &str,
        text: String,
        id: Option<i64>,
    ) -> Result<Option<Subscriber>, StoreError> {
        let sql = format!("SELECT {SUBSCRIBER_COLUMNS} FROM subscribers s WHERE {condition}");
        let query = sqlx::query(sqlx::AssertSqlSafe(sql));
        let query = match id {
            Some(id) => query.bind(id),
            None => query.bind(text),
        };
        let Some(row) = query.fetch_optional(self.pool()).await? else {
            return Ok(None);
        };
        let mut subscriber = subscriber_from_row(&row)?;
        subscriber.tags = sqlx::query_scalar(
            "SELECT tag FROM subscriber_tags WHERE subscriber_id = $1 ORDER BY tag",
        )
        .bind(subscriber.id)
        .fetch_all(self.pool())
        .await?;
        Ok(Some(subscriber))
    }

    /// Replaces a subscriber's preferences. Their journeys by email and their
    /// digest move to the new time (from the next slot after now).
    pub async fn set_preferences(
        &self,
        id: i64,
        preferences: Preferences,
    ) -> Result<(), StoreError> {
        let preferences = preferences.checked()?;
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        write_preferences(&mut tx, id, &preferences, now).await?;
        let status: Option<String> =
            sqlx::query_scalar("SELECT status FROM subscribers WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        match status.as_deref() {
            None => return Err(SubscriptionError::UnknownSubscriber(format!("id {id}")).into()),
            Some("active") => reschedule_in(&mut tx, id, now).await?,
            Some(_) => {}
        }
        tx.commit().await?;
        Ok(())
    }

    /// Unsubscribes at once: nothing more is sent, and mail already queued
    /// for them is dropped. Returns whether they were subscribed.
    pub async fn unsubscribe(&self, id: i64) -> Result<bool, StoreError> {
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let changed = sqlx::query(
            "UPDATE subscribers SET status = 'unsubscribed', unsubscribed_at = $1, next_digest_at = NULL, updated_at = $1
             WHERE id = $2 AND status <> 'unsubscribed'",
        )
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        sqlx::query("UPDATE email_journeys SET next_send_at = NULL, updated_at = $1 WHERE subscriber_id = $2")
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "UPDATE outbox SET state = 'skipped', last_error = 'unsubscribed', updated_at = $1
             WHERE subscriber_id = $2 AND state = 'queued'",
        )
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(changed > 0)
    }

    /// Sends a confirmation link to `new_email`; the address changes when it
    /// is used ([`Store::confirm_subscription`]).
    pub async fn request_email_change(&self, id: i64, new_email: &Email) -> Result<(), StoreError> {
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        queue_link(&mut tx, id, MailKind::ChangeEmail, new_email.as_str(), now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Follows the published journey `slug` by email from day 1: for an
    /// active subscriber day 1 goes out at their next send time.
    pub async fn follow_by_email(&self, id: i64, slug: &str) -> Result<(), StoreError> {
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let journey = journey_id(&mut tx, slug).await?;
        follow_in(&mut tx, id, journey, now).await?;
        let status: Option<String> =
            sqlx::query_scalar("SELECT status FROM subscribers WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        if status.as_deref() == Some("active") {
            reschedule_in(&mut tx, id, now).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Stops following `slug` by email.
    pub async fn stop_by_email(&self, id: i64, slug: &str) -> Result<(), StoreError> {
        sqlx::query(
            "DELETE FROM email_journeys WHERE subscriber_id = $1
             AND journey_id = (SELECT id FROM journeys WHERE slug = $2)",
        )
        .bind(id)
        .bind(slug)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Pauses (`true`) or resumes a journey by email. Resuming goes on with
    /// the step after the last one sent, at the next send time.
    pub async fn pause_by_email(&self, id: i64, slug: &str, pause: bool) -> Result<(), StoreError> {
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let journey = journey_id(&mut tx, slug).await?;
        if pause {
            let zone_name: String =
                sqlx::query_scalar("SELECT time_zone FROM subscribers WHERE id = $1")
                    .bind(id)
                    .fetch_one(&mut *tx)
                    .await?;
            let today = local_date(&zone(&zone_name)?, instant(now));
            sqlx::query(
                "UPDATE email_journeys SET paused_on = COALESCE(paused_on, $1), next_send_at = NULL, updated_at = $2
                 WHERE subscriber_id = $3 AND journey_id = $4",
            )
            .bind(today.to_string())
            .bind(now)
            .bind(id)
            .bind(journey)
            .execute(&mut *tx)
            .await?;
        } else {
            sqlx::query(
                "UPDATE email_journeys SET paused_on = NULL, updated_at = $1
                 WHERE subscriber_id = $2 AND journey_id = $3",
            )
            .bind(now)
            .bind(id)
            .bind(journey)
            .execute(&mut *tx)
            .await?;
            reschedule_in(&mut tx, id, now).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The journeys a subscriber follows by email: (slug, title, last step
    /// sent, paused).
    pub async fn email_journeys(
        &self,
        id: i64,
    ) -> Result<Vec<(String, String, i64, bool)>, StoreError> {
        let rows = sqlx::query(
            "SELECT j.slug, j.title, m.last_step, m.paused_on FROM email_journeys m
             JOIN journeys j ON j.id = m.journey_id WHERE m.subscriber_id = $1 ORDER BY j.title",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok((
                    row.try_get("slug")?,
                    row.try_get("title")?,
                    row.try_get("last_step")?,
                    row.try_get::<Option<String>, _>("paused_on")?.is_some(),
                ))
            })
            .collect()
    }

    /// Subscribers matching `filter`, newest first, and how many match in all.
    pub async fn subscribers(
        &self,
        filter: &SubscriberFilter,
    ) -> Result<(Vec<Subscriber>, i64), StoreError> {
        let mut conditions = vec!["1 = 1".to_owned()];
        let mut texts: Vec<String> = Vec::new();
        if let Some(status) = filter.status {
            texts.push(status.as_str().to_owned());
            conditions.push(format!("s.status = ${}", texts.len()));
        }
        if let Some(tag) = &filter.tag {
            texts.push(tag.trim().to_lowercase());
            conditions.push(format!(
                "EXISTS (SELECT 1 FROM subscriber_tags t WHERE t.subscriber_id = s.id AND t.tag = ${})",
                texts.len()
            ));
        }
        if let Some(search) = filter
            .search
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            let escaped: String = search
                .to_lowercase()
                .chars()
                .take(100)
                .flat_map(|c| match c {
                    '%' | '_' | '\\' => vec!['\\', c],
                    c => vec![c],
                })
                .collect();
            texts.push(format!("%{escaped}%"));
            conditions.push(format!(
                "(s.email LIKE ${n} ESCAPE '\\' OR LOWER(s.name) LIKE ${n} ESCAPE '\\')",
                n = texts.len()
            ));
        }
        let condition = conditions.join(" AND ");
        let count_sql = format!("SELECT COUNT(*) FROM subscribers s WHERE {condition}");
        let mut count = sqlx::query_scalar(sqlx::AssertSqlSafe(count_sql));
        for text in &texts {
            count = count.bind(text.clone());
        }
        let total: i64 = count.fetch_one(self.pool()).await?;
        let limit = filter.limit.clamp(1, 500);
        let sql = format!(
            "SELECT {SUBSCRIBER_COLUMNS} FROM subscribers s WHERE {condition}
             ORDER BY s.created_at DESC, s.id DESC LIMIT {limit} OFFSET {}",
            filter.offset.min(10_000_000)
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for text in &texts {
            query = query.bind(text.clone());
        }
        let rows = query.fetch_all(self.pool()).await?;
        let mut out = rows
            .iter()
            .map(subscriber_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        for subscriber in &mut out {
            subscriber.tags = sqlx::query_scalar(
                "SELECT tag FROM subscriber_tags WHERE subscriber_id = $1 ORDER BY tag",
            )
            .bind(subscriber.id)
            .fetch_all(self.pool())
            .await?;
        }
        Ok((out, total))
    }
}

/// Issues a single-use link (a confirmation, or a new address's) for
/// subscriber `id` and queues the message that carries it to `email`, in the
/// caller's transaction. The token is kept in the outbox row until it is
/// sent, then dropped from it; the database keeps only its hash.
async fn queue_link(
    conn: &mut AnyConnection,
    id: i64,
    kind: MailKind,
    email: &str,
    now: i64,
) -> Result<(), StoreError> {
    let token = RawToken::random()?;
    let hash = token.hash().ok_or(SubscriptionError::BadLink)?;
    sqlx::query(
        "INSERT INTO subscription_tokens (token_hash, subscriber_id, purpose, email, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&hash)
    .bind(id)
    .bind(kind.as_str())
    .bind(email)
    .bind(now)
    .bind(now.saturating_add(millis(CONFIRM_TTL)))
    .execute(&mut *conn)
    .await?;
    let payload = serde_json::json!({ "token": token.expose() }).to_string();
    insert_mail(
        conn,
        now,
        &format!("{}:{hash}", kind.as_str()),
        Some(id),
        email,
        kind,
        None,
        &payload,
    )
    .await?;
    Ok(())
}

/// The id of the published, listed journey `slug`.
async fn journey_id(conn: &mut AnyConnection, slug: &str) -> Result<i64, StoreError> {
    let id: Option<i64> = sqlx::query_scalar("SELECT id FROM journeys WHERE slug = $1")
        .bind(slug)
        .fetch_optional(&mut *conn)
        .await?;
    id.ok_or_else(|| SubscriptionError::UnknownJourney(slug.to_owned()).into())
}

async fn write_preferences(
    conn: &mut AnyConnection,
    id: i64,
    preferences: &Preferences,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE subscribers SET name = $1, time_zone = $2, send_minute = $3, digest_weekday = $4,
            wants_daily = $5, wants_digest = $6, wants_events = $7, wants_newsletters = $8, updated_at = $9
         WHERE id = $10",
    )
    .bind(&preferences.name)
    .bind(&preferences.time_zone)
    .bind(i64::from(preferences.send_minute))
    .bind(i64::from(preferences.digest_weekday))
    .bind(flag(preferences.daily))
    .bind(flag(preferences.digest))
    .bind(flag(preferences.events))
    .bind(flag(preferences.newsletters))
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub(crate) async fn add_tags(
    conn: &mut AnyConnection,
    id: i64,
    tags: &[String],
) -> Result<(), StoreError> {
    for tag in tags {
        sqlx::query(
            "INSERT INTO subscriber_tags (subscriber_id, tag) VALUES ($1, $2)
             ON CONFLICT (subscriber_id, tag) DO NOTHING",
        )
        .bind(id)
        .bind(tag)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Follows `journey` by email from day 1 (again, if followed before). Not
/// scheduled yet: [`reschedule_in`] does that for active subscribers.
async fn follow_in(
    conn: &mut AnyConnection,
    id: i64,
    journey: i64,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO email_journeys (subscriber_id, journey_id, start_date, last_step, next_send_at, created_at, updated_at)
         VALUES ($1, $2, '', 0, NULL, $3, $3)
         ON CONFLICT (subscriber_id, journey_id)
         DO UPDATE SET start_date = '', last_step = 0, paused_on = NULL, next_send_at = NULL, updated_at = $3",
    )
    .bind(id)
    .bind(journey)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Makes a subscriber active and schedules what they receive.
async fn activate_in(
    _store: &Store,
    conn: &mut AnyConnection,
    id: i64,
    source: &str,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE subscribers SET status = 'active', consent_at = $1, consent_source = $2,
            unsubscribed_at = NULL, updated_at = $1 WHERE id = $3",
    )
    .bind(now)
    .bind(source)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    reschedule_in(conn, id, now).await
}

/// Sets when an active subscriber's journeys (not paused, not finished) and
/// digest go out next: the first send time after `now`. A journey that has
/// not started yet gets its day 1 on that date.
pub(crate) async fn reschedule_in(
    conn: &mut AnyConnection,
    id: i64,
    now: i64,
) -> Result<(), StoreError> {
    let row = sqlx::query(
        "SELECT time_zone, send_minute, digest_weekday, wants_daily, wants_digest FROM subscribers WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    let zone = zone(&row.try_get::<String, _>("time_zone")?)?;
    let minute = u16::try_from(row.try_get::<i64, _>("send_minute")?).unwrap_or(360);
    let after = instant(now);
    let daily = row.try_get::<i64, _>("wants_daily")? != 0;
    let journeys = sqlx::query(
        "SELECT id, start_date, last_step, next_send_at FROM email_journeys WHERE subscriber_id = $1 AND paused_on IS NULL",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    for journey in journeys {
        let next = if daily {
            // Never a second day on one date: a journey under way that is
            // due on a date keeps that date, at the new time if still to
            // come. One not started yet begins at the first new slot.
            let started = journey.try_get::<i64, _>("last_step")? > 0;
            let (date, at) = match journey.try_get::<Option<i64>, _>("next_send_at")? {
                Some(due) if started => {
                    let date = local_date(&zone, instant(due));
                    let at = slot_on(&zone, date, minute);
                    if at > after {
                        (date, at)
                    } else {
                        next_slot(&zone, minute, after)
                    }
                }
                _ => next_slot(&zone, minute, after),
            };
            let start: String = journey.try_get("start_date")?;
            let start = if start.is_empty() {
                date.to_string()
            } else {
                start
            };
            Some((start, at.as_millisecond()))
        } else {
            None
        };
        sqlx::query(
            "UPDATE email_journeys SET start_date = COALESCE($1, start_date), next_send_at = $2, updated_at = $3 WHERE id = $4",
        )
        .bind(next.as_ref().map(|(start, _)| start.clone()))
        .bind(next.as_ref().map(|(_, at)| *at))
        .bind(now)
        .bind(journey.try_get::<i64, _>("id")?)
        .execute(&mut *conn)
        .await?;
    }
    let digest = if row.try_get::<i64, _>("wants_digest")? != 0 {
        let day = weekday(row.try_get("digest_weekday")?);
        Some(
            next_weekly_slot(&zone, minute, day, after)
                .1
                .as_millisecond(),
        )
    } else {
        None
    };
    sqlx::query("UPDATE subscribers SET next_digest_at = $1 WHERE id = $2")
        .bind(digest)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
