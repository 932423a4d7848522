use std::time::Duration;

use rand::Rng as _;
use serde::Serialize;
use sqlx::{AnyConnection, Row as _};

use crate::db::{Backend, Store};
use crate::error::StoreError;
use crate::time::millis;

/// Attempts before a message that keeps failing for a passing reason is
/// given up.
const MAX_ATTEMPTS: i64 = 10;

/// What a message of the outbox is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MailKind {
    /// The link that confirms a subscription.
    Confirm,
    /// The link that confirms a new address.
    ChangeEmail,
    /// "You are subscribed already": the preferences link, to an address
    /// someone tried to subscribe again.
    Notice,
    /// One day of a journey.
    Daily,
    /// The weekly digest.
    Digest,
    /// A newsletter (or an event announcement) to many.
    Newsletter,
}

impl MailKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Confirm => "confirm",
            Self::ChangeEmail => "change_email",
            Self::Notice => "notice",
            Self::Daily => "daily",
            Self::Digest => "digest",
            Self::Newsletter => "newsletter",
        }
    }

    /// The kind with this stored name.
    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Confirm,
            Self::ChangeEmail,
            Self::Notice,
            Self::Daily,
            Self::Digest,
            Self::Newsletter,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }

    /// Whether it goes only to active subscribers (everything but the links
    /// that make or move a subscription).
    pub fn needs_consent(self) -> bool {
        !matches!(self, Self::Confirm | Self::ChangeEmail)
    }
}

/// A message claimed by a worker, to render and send.
#[derive(Debug, Clone)]
pub struct ClaimedMail {
    /// Outbox row id.
    pub id: i64,
    /// Names the (recipient, message) pair; a stable Message-ID comes from it.
    pub idempotency_key: String,
    /// The recipient, when a subscriber.
    pub subscriber_id: Option<i64>,
    /// The address.
    pub email: String,
    /// What it is.
    pub kind: MailKind,
    /// The newsletter, for [`MailKind::Newsletter`].
    pub message_id: Option<i64>,
    /// What to render (JSON).
    pub payload: String,
    /// This attempt, from 1.
    pub attempt: i64,
    /// Proof of the lease.
    pub lease_token: String,
}

/// Why a send failed.
#[derive(Debug, Clone)]
pub struct SendFailure {
    /// Trying again later may work (4xx, connection lost).
    pub transient: bool,
    /// What the server or the renderer said.
    pub error: String,
}

/// Why an address is never mailed again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuppressionReason {
    /// A permanent delivery failure (DSN 5.x.x).
    HardBounce,
    /// The recipient reported the mail as spam.
    Complaint,
    /// The owner said so.
    Manual,
}

impl SuppressionReason {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::HardBounce => "hard_bounce",
            Self::Complaint => "complaint",
            Self::Manual => "manual",
        }
    }
}

/// Messages per state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct OutboxCounts {
    /// Waiting.
    pub queued: i64,
    /// Claimed by a worker.
    pub sending: i64,
    /// Accepted by the SMTP server.
    pub sent: i64,
    /// Given up.
    pub failed: i64,
    /// Not sent: the recipient unsubscribed or is suppressed.
    pub skipped: i64,
    /// Sent, then bounced.
    pub bounced: i64,
}

/// Queues one message in the caller's transaction; a second message with the
/// same key is ignored. Returns whether it was new.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn insert_mail(
    conn: &mut AnyConnection,
    now: i64,
    key: &str,
    subscriber_id: Option<i64>,
    email: &str,
    kind: MailKind,
    message_id: Option<i64>,
    payload: &str,
) -> Result<bool, StoreError> {
    let inserted = sqlx::query(
        "INSERT INTO outbox (idempotency_key, subscriber_id, email, kind, message_id, payload, state, attempts, run_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'queued', 0, $7, $7, $7)
         ON CONFLICT (idempotency_key) DO NOTHING",
    )
    .bind(key)
    .bind(subscriber_id)
    .bind(email)
    .bind(kind.as_str())
    .bind(message_id)
    .bind(payload)
    .bind(now)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(inserted > 0)
}

/// Puts `email` (trimmed, lower case) on the suppression list, unless it is
/// there already, and skips what is queued for it, in the caller's
/// transaction. `reason` is a [`SuppressionReason`]'s stored name.
pub(crate) async fn suppress_in(
    conn: &mut AnyConnection,
    email: &str,
    reason: &str,
    detail: &str,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO suppressions (email, reason, detail, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (email) DO NOTHING",
    )
    .bind(email)
    .bind(reason)
    .bind(detail)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "UPDATE outbox SET state = 'skipped', last_error = 'suppressed', updated_at = $1
         WHERE email = $2 AND state = 'queued'",
    )
    .bind(now)
    .bind(email)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

impl Store {
    /// Claims up to `batch` messages that are due (or whose worker's lease ran
    /// out) for `lease`. Messages whose recipient unsubscribed or is
    /// suppressed meanwhile are marked skipped instead of being handed out.
    pub async fn claim_mail(
        &self,
        batch: usize,
        lease: Duration,
    ) -> Result<Vec<ClaimedMail>, StoreError> {
        let now = self.now_ms();
        let token = format!("{:032x}", rand::rng().random::<u128>());
        let limit = i64::try_from(batch.clamp(1, 1000)).unwrap_or(100);
        let mut tx = self.begin_write().await?;
        // Out of attempts with a lapsed lease: the worker died on it each time.
        sqlx::query(
            "UPDATE outbox SET state = 'failed', last_error = 'the worker stopped while sending, too often', updated_at = $1
             WHERE state = 'sending' AND locked_until < $1 AND attempts >= $2",
        )
        .bind(now)
        .bind(MAX_ATTEMPTS)
        .execute(&mut *tx)
        .await?;
        let lock = match self.backend() {
            Backend::Sqlite => "",
            Backend::Postgres => "FOR UPDATE SKIP LOCKED",
        };
        let claim = format!(
            "UPDATE outbox SET state = 'sending', attempts = attempts + 1, lease_token = $1,
                locked_until = $2, updated_at = $3
             WHERE id IN (
                SELECT id FROM outbox
                WHERE (state = 'queued' AND run_at <= $3) OR (state = 'sending' AND locked_until < $3)
                ORDER BY run_at, id
                LIMIT $4 {lock})"
        );
        sqlx::query(sqlx::AssertSqlSafe(claim))
            .bind(&token)
            .bind(now.saturating_add(millis(lease)))
            .bind(now)
            .bind(limit)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "UPDATE outbox SET state = 'skipped', lease_token = NULL, updated_at = $2,
                last_error = CASE WHEN EXISTS (SELECT 1 FROM suppressions x WHERE x.email = outbox.email)
                    THEN 'suppressed' ELSE 'not subscribed' END
             WHERE lease_token = $1 AND (
                EXISTS (SELECT 1 FROM suppressions x WHERE x.email = outbox.email)
                OR (kind NOT IN ('confirm', 'change_email') AND subscriber_id IS NOT NULL AND NOT EXISTS (
                    SELECT 1 FROM subscribers s WHERE s.id = outbox.subscriber_id AND s.status = 'active')))",
        )
        .bind(&token)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let rows = sqlx::query(
            "SELECT id, idempotency_key, subscriber_id, email, kind, message_id, payload, attempts
             FROM outbox WHERE lease_token = $1 AND state = 'sending' ORDER BY run_at, id",
        )
        .bind(&token)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        rows.iter()
            .map(|row| {
                let kind: String = row.try_get("kind")?;
                Ok(ClaimedMail {
                    id: row.try_get("id")?,
                    idempotency_key: row.try_get("idempotency_key")?,
                    subscriber_id: row.try_get("subscriber_id")?,
                    email: row.try_get("email")?,
                    kind: MailKind::parse(&kind).ok_or(StoreError::BadValue {
                        column: "outbox.kind",
                        value: kind.clone(),
                    })?,
                    message_id: row.try_get("message_id")?,
                    payload: row.try_get("payload")?,
                    attempt: row.try_get("attempts")?,
                    lease_token: token.clone(),
                })
            })
            .collect()
    }

    /// Records `mail` as sent. False when this worker no longer held it (its
    /// lease ran out and another took it). The mail worker calls this when
    /// the message is with the SMTP server but for its final `.`, which it
    /// sends only once this is recorded; the lease token stays on the row so
    /// that a refusal of that `.` can still be recorded
    /// ([`Store::mail_failed`]), and [`Store::mail_delivered`] follows a
    /// success.
    pub async fn mail_sent(&self, mail: &ClaimedMail) -> Result<bool, StoreError> {
        let sent = self
            .mails_sent(&[(mail.id, mail.lease_token.clone())])
            .await?;
        Ok(sent.first().copied().unwrap_or(false))
    }

    /// [`Store::mail_sent`] for several messages, given as (id, lease
    /// token), in one transaction: a worker sending many at once records
    /// them with one commit. Returns, for each, whether it was still held.
    /// Recording one again is true: a commit whose answer was lost is tried
    /// again, and must not then read as a lost lease.
    pub async fn mails_sent(&self, mails: &[(i64, String)]) -> Result<Vec<bool>, StoreError> {
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let mut out = Vec::with_capacity(mails.len());
        for (id, token) in mails {
            let done = sqlx::query(
                "UPDATE outbox SET state = 'sent', sent_at = $1, updated_at = $1
                 WHERE id = $2 AND lease_token = $3 AND state IN ('sending', 'sent')",
            )
            .bind(now)
            .bind(id)
            .bind(token)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            out.push(done > 0);
        }
        tx.commit().await?;
        Ok(out)
    }

    /// The SMTP server confirmed `mail`: the links of a confirmation are
    /// dropped from its row (other messages keep their payload, and need no
    /// second write).
    pub async fn mail_delivered(&self, mail: &ClaimedMail) -> Result<(), StoreError> {
        if mail.kind.needs_consent() {
            return Ok(());
        }
        sqlx::query(
            "UPDATE outbox SET payload = '{}', lease_token = NULL
             WHERE id = $1 AND lease_token = $2 AND state = 'sent'",
        )
        .bind(mail.id)
        .bind(&mail.lease_token)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Records a failed send: a passing failure is tried again after
    /// `retry_after` (ten attempts in all), a permanent one is final. Also
    /// for a message recorded as sent whose final `.` the server refused.
    pub async fn mail_failed(
        &self,
        mail: &ClaimedMail,
        failure: &SendFailure,
        retry_after: Duration,
    ) -> Result<(), StoreError> {
        let now = self.now_ms();
        let error: String = failure.error.chars().take(500).collect();
        let give_up = !failure.transient || mail.attempt >= MAX_ATTEMPTS;
        sqlx::query(
            "UPDATE outbox SET state = $1, run_at = $2, last_error = $3, lease_token = NULL,
                locked_until = NULL, sent_at = NULL, updated_at = $4
             WHERE id = $5 AND lease_token = $6",
        )
        .bind(if give_up { "failed" } else { "queued" })
        .bind(now.saturating_add(millis(retry_after)))
        .bind(error)
        .bind(now)
        .bind(mail.id)
        .bind(&mail.lease_token)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Gives claimed messages back unsent (a worker stopping): due again at once.
    pub async fn release_mail(&self, mail: &ClaimedMail) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE outbox SET state = 'queued', attempts = attempts - 1, lease_token = NULL,
                locked_until = NULL WHERE id = $1 AND lease_token = $2",
        )
        .bind(mail.id)
        .bind(&mail.lease_token)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Puts `email` on the suppression list (or leaves it there) and drops
    /// what is queued for it. A hard bounce or complaint also marks the last
    /// message sent to it as bounced.
    pub async fn suppress(
        &self,
        email: &str,
        reason: SuppressionReason,
        detail: &str,
    ) -> Result<(), StoreError> {
        let email = email.trim().to_lowercase();
        let now = self.now_ms();
        let detail: String = detail.chars().take(500).collect();
        let mut tx = self.begin_write().await?;
        suppress_in(&mut tx, &email, reason.as_str(), &detail, now).await?;
        if reason != SuppressionReason::Manual {
            sqlx::query(
                "UPDATE outbox SET state = 'bounced', updated_at = $1 WHERE id = (
                    SELECT id FROM outbox WHERE email = $2 AND state = 'sent' ORDER BY sent_at DESC, id DESC LIMIT 1)",
            )
            .bind(now)
            .bind(&email)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Whether `email` is on the suppression list.
    pub async fn is_suppressed(&self, email: &str) -> Result<bool, StoreError> {
        let found: Option<String> =
            sqlx::query_scalar("SELECT reason FROM suppressions WHERE email = $1")
                .bind(email.trim().to_lowercase())
                .fetch_optional(self.pool())
                .await?;
        Ok(found.is_some())
    }

    /// Messages per state: of one newsletter, or of the whole outbox.
    pub async fn outbox_counts(&self, message_id: Option<i64>) -> Result<OutboxCounts, StoreError> {
        let rows =
            match message_id {
                Some(id) => sqlx::query(
                    "SELECT state, COUNT(*) AS n FROM outbox WHERE message_id = $1 GROUP BY state",
                )
                .bind(id)
                .fetch_all(self.pool())
                .await?,
                None => {
                    sqlx::query("SELECT state, COUNT(*) AS n FROM outbox GROUP BY state")
                        .fetch_all(self.pool())
                        .await?
                }
            };
        let mut counts = OutboxCounts::default();
        for row in rows {
            let state: String = row.try_get("state")?;
            let n: i64 = row.try_get("n")?;
            match state.as_str() {
                "queued" => counts.queued = n,
                "sending" => counts.sending = n,
                "sent" => counts.sent = n,
                "failed" => counts.failed = n,
                "skipped" => counts.skipped = n,
                "bounced" => counts.bounced = n,
                _ => {}
            }
        }
        Ok(counts)
    }
}
