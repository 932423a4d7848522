use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row as _};

use crate::db::Store;
use crate::error::StoreError;
use crate::subscriptions::error::SubscriptionError;
use crate::subscriptions::outbox::{MailKind, OutboxCounts, insert_mail};
use crate::subscriptions::subscribers::clean_tags;

/// Longest subject, in characters.
const MAX_SUBJECT_CHARS: usize = 200;
/// Longest body, in bytes.
const MAX_BODY_BYTES: usize = 512 * 1024;

/// Who receives a newsletter: the active subscribers who want this kind of
/// mail and, when tags are given, have at least one of them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Audience {
    /// `newsletters` (the default) or `events`.
    #[serde(default)]
    pub preference: String,
    /// Any of these tags; empty: everyone with the preference.
    #[serde(default)]
    pub tags: Vec<String>,
}

impl Audience {
    fn column(&self) -> Result<&'static str, SubscriptionError> {
        match self.preference.as_str() {
            "" | "newsletters" => Ok("wants_newsletters"),
            "events" => Ok("wants_events"),
            other => Err(SubscriptionError::BadMessage(format!(
                "unknown audience {other:?}: newsletters or events"
            ))),
        }
    }
}

/// A newsletter to write down.
#[derive(Debug, Clone)]
pub struct NewMessage {
    /// The subject line.
    pub subject: String,
    /// The body, in Markdown.
    pub body: String,
    /// Who receives it.
    pub audience: Audience,
    /// When it goes out (UTC ms); `None`: a draft, sent when queued.
    pub send_at: Option<i64>,
}

/// A newsletter as stored.
#[derive(Debug, Clone, Serialize)]
pub struct MailMessage {
    /// Row id.
    pub id: i64,
    /// The subject line.
    pub subject: String,
    /// The body, in Markdown.
    pub body: String,
    /// Who receives it.
    pub audience: Audience,
    /// draft | scheduled | queued
    pub state: String,
    /// When it is to go out (ms).
    pub send_at: Option<i64>,
    /// When its copies were queued (ms).
    pub queued_at: Option<i64>,
    /// Created (ms).
    pub created_at: i64,
}

/// A newsletter's copies per state, with its audience at queueing.
pub type MessageCounts = OutboxCounts;

fn message_from_row(row: &AnyRow) -> Result<MailMessage, StoreError> {
    let audience: String = row.try_get("audience")?;
    Ok(MailMessage {
        id: row.try_get("id")?,
        subject: row.try_get("subject")?,
        body: row.try_get("body")?,
        audience: serde_json::from_str(&audience).map_err(|_| StoreError::BadValue {
            column: "mail_messages.audience",
            value: audience.clone(),
        })?,
        state: row.try_get("state")?,
        send_at: row.try_get("send_at")?,
        queued_at: row.try_get("queued_at")?,
        created_at: row.try_get("created_at")?,
    })
}

impl Store {
    /// Writes down a newsletter: a draft, or scheduled when it has a time.
    pub async fn create_message(&self, new: &NewMessage) -> Result<MailMessage, StoreError> {
        let subject = new.subject.trim();
        if subject.is_empty() || subject.chars().count() > MAX_SUBJECT_CHARS {
            return Err(SubscriptionError::BadMessage(
                "the subject must have 1 to 200 characters".into(),
            )
            .into());
        }
        if subject.chars().any(char::is_control) {
            return Err(
                SubscriptionError::BadMessage("the subject must be one line".into()).into(),
            );
        }
        if new.body.trim().is_empty() || new.body.len() > MAX_BODY_BYTES {
            return Err(SubscriptionError::BadMessage(
                "the body must have some text and at most 512 KiB".into(),
            )
            .into());
        }
        new.audience.column()?;
        let audience = Audience {
            preference: if new.audience.preference.is_empty() {
                "newsletters".into()
            } else {
                new.audience.preference.clone()
            },
            tags: clean_tags(&new.audience.tags)?,
        };
        let now = self.now_ms();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO mail_messages (kind, subject, body, audience, state, send_at, created_at, updated_at)
             VALUES ('newsletter', $1, $2, $3, $4, $5, $6, $6) RETURNING id",
        )
        .bind(subject)
        .bind(&new.body)
        .bind(serde_json::to_string(&audience).map_err(|e| {
            SubscriptionError::BadMessage(format!("audience: {e}"))
        })?)
        .bind(if new.send_at.is_some() { "scheduled" } else { "draft" })
        .bind(new.send_at)
        .bind(now)
        .fetch_one(self.pool())
        .await?;
        self.message(id)
            .await?
            .ok_or_else(|| SubscriptionError::BadMessage(format!("message {id} vanished")).into())
    }

    /// The newsletter with this id.
    pub async fn message(&self, id: i64) -> Result<Option<MailMessage>, StoreError> {
        sqlx::query("SELECT * FROM mail_messages WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .map(|row| message_from_row(&row))
            .transpose()
    }

    /// Newsletters, newest first.
    pub async fn messages(&self, limit: usize) -> Result<Vec<MailMessage>, StoreError> {
        let limit = i64::try_from(limit.clamp(1, 500)).unwrap_or(50);
        let rows =
            sqlx::query("SELECT * FROM mail_messages ORDER BY created_at DESC, id DESC LIMIT $1")
                .bind(limit)
                .fetch_all(self.pool())
                .await?;
        rows.iter().map(message_from_row).collect()
    }

    /// Queues one copy of a draft or scheduled newsletter per recipient, in
    /// one transaction, and marks it queued. Returns how many copies. A
    /// newsletter queued already is refused: copies are made once.
    pub async fn queue_message(&self, id: i64) -> Result<u64, StoreError> {
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let n = queue_message_in(&mut tx, id, now).await?;
        tx.commit().await?;
        Ok(n)
    }

    /// Queues a test copy of a newsletter for `email` (who need not be a
    /// subscriber): the message as recipients will see it.
    pub async fn queue_test_message(
        &self,
        id: i64,
        email: &crate::Email,
    ) -> Result<(), StoreError> {
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        insert_mail(
            &mut tx,
            now,
            &format!("test:{id}:{}:{now}", email.as_str()),
            None,
            email.as_str(),
            MailKind::Newsletter,
            Some(id),
            "{\"test\":true}",
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Copies of newsletter `id` for its audience, in the caller's transaction.
pub(crate) async fn queue_message_in(
    conn: &mut AnyConnection,
    id: i64,
    now: i64,
) -> Result<u64, StoreError> {
    let row = sqlx::query("SELECT * FROM mail_messages WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| SubscriptionError::BadMessage(format!("no newsletter {id}")))?;
    let message = message_from_row(&row)?;
    if message.state == "queued" {
        return Err(
            SubscriptionError::BadMessage(format!("newsletter {id} was queued already")).into(),
        );
    }
    let column = message.audience.column()?;
    let mut sql = format!(
        "INSERT INTO outbox (idempotency_key, subscriber_id, email, kind, message_id, payload, state, attempts, run_at, created_at, updated_at)
         SELECT $1 || CAST(s.id AS TEXT), s.id, s.email, 'newsletter', $2, '{{}}', 'queued', 0, $3, $3, $3
         FROM subscribers s
         WHERE s.status = 'active' AND s.{column} = 1
           AND NOT EXISTS (SELECT 1 FROM suppressions x WHERE x.email = s.email)"
    );
    for (i, _) in message.audience.tags.iter().enumerate() {
        if i == 0 {
            sql.push_str(" AND s.id IN (SELECT subscriber_id FROM subscriber_tags WHERE tag IN (");
        } else {
            sql.push_str(", ");
        }
        sql.push_str(&format!("${}", i + 4));
    }
    if !message.audience.tags.is_empty() {
        sql.push_str("))");
    }
    sql.push_str(" ON CONFLICT (idempotency_key) DO NOTHING");
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(format!("newsletter:{id}:"))
        .bind(id)
        .bind(now);
    for tag in &message.audience.tags {
        query = query.bind(tag.clone());
    }
    let n = query.execute(&mut *conn).await?.rows_affected();
    sqlx::query(
        "UPDATE mail_messages SET state = 'queued', queued_at = $1, updated_at = $1 WHERE id = $2",
    )
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(n)
}
