//! Bounces and complaints applied to the outbox and the suppression list.
//!
//! A bounce names an address and, when the report returned the original
//! headers, the `Message-ID` of the message that bounced. That Message-ID is
//! derived from the outbox row's idempotency key
//! ([`outbox_message_id_local`]), so the row is found among those sent to
//! the address; without a match, the last message sent there answers.

use sha2::{Digest as _, Sha256};
use sqlx::Row as _;

use crate::db::Store;
use crate::error::StoreError;

/// Soft bounces, on the last messages sent to an address one after another,
/// that suppress it as if it had bounced hard.
pub const SOFT_BOUNCES_TO_SUPPRESS: i64 = 3;

/// Messages sent to one address searched for the Message-ID a bounce names.
const MATCH_WINDOW: i64 = 1000;

/// The local part (before `@`) of the `Message-ID` of the outbox message with
/// this idempotency key: 32 hex digits, the same for every send of it. The
/// composer puts it in every message and a bounce finds its message by it.
pub fn outbox_message_id_local(idempotency_key: &str) -> String {
    let digest = Sha256::digest(idempotency_key.as_bytes());
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// What a bounce says about an address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BounceKind {
    /// Permanent failure: the address is suppressed.
    Hard,
    /// Passing failure: recorded; [`SOFT_BOUNCES_TO_SUPPRESS`] in a row
    /// suppress the address.
    Soft,
    /// Not delivered yet, still tried: recorded only.
    Delayed,
    /// A spam (or fraud, virus) report: the address is suppressed.
    Complaint,
}

impl BounceKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Hard => "hard",
            Self::Soft => "soft",
            Self::Delayed => "delayed",
            Self::Complaint => "complaint",
        }
    }
}

/// One address's bounce or complaint, read from a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomingBounce {
    /// Names the report: its own Message-ID, or a digest of its bytes. With
    /// the address it makes the bounce's identity: the same (report,
    /// address) is applied once.
    pub report_key: String,
    /// The address that bounced.
    pub email: String,
    /// What it means.
    pub kind: BounceKind,
    /// The `Message-ID` of the message that bounced, when returned.
    pub original_message_id: Option<String>,
    /// The enhanced status code (`5.1.1`), when reported.
    pub status: Option<String>,
    /// For people: the status and the remote server's words.
    pub detail: String,
}

/// What applying a bounce did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BounceOutcome {
    /// The same bounce was applied before: nothing changed.
    pub duplicate: bool,
    /// The outbox message it answers, when one was sent to the address.
    pub outbox_id: Option<i64>,
    /// The address is on the suppression list because of it.
    pub suppressed: bool,
}

impl Store {
    /// Applies one bounce: the outbox message it answers (by Message-ID among
    /// those sent to the address, else the last sent there) is marked
    /// bounced; a hard bounce or a complaint puts the address on the
    /// suppression list and skips what is queued for it; a soft bounce is
    /// recorded, and the last [`SOFT_BOUNCES_TO_SUPPRESS`] messages sent to
    /// the address all bouncing suppresses it as a hard bounce. A delay is
    /// only noted on the message. Applying the same bounce again changes
    /// nothing.
    pub async fn apply_bounce(&self, bounce: &IncomingBounce) -> Result<BounceOutcome, StoreError> {
        let email = bounce.email.trim().to_lowercase();
        let now = self.now_ms();
        let detail: String = bounce.detail.chars().take(500).collect();
        let status: Option<String> = bounce.status.as_ref().map(|s| s.chars().take(32).collect());
        let key = {
            let mut h = Sha256::new();
            h.update(bounce.report_key.as_bytes());
            h.update(b"\n");
            h.update(email.as_bytes());
            h.finalize()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        };
        let wanted = bounce
            .original_message_id
            .as_deref()
            .and_then(message_id_local);

        let mut tx = self.begin_write().await?;
        let sent = sqlx::query(
            "SELECT id, idempotency_key FROM outbox
             WHERE email = $1 AND state IN ('sent', 'bounced')
             ORDER BY sent_at DESC, id DESC LIMIT $2",
        )
        .bind(&email)
        .bind(MATCH_WINDOW)
        .fetch_all(&mut *tx)
        .await?;
        let mut outbox_id = None;
        if let Some(wanted) = &wanted {
            for row in &sent {
                let k: String = row.try_get("idempotency_key")?;
                if outbox_message_id_local(&k) == *wanted {
                    outbox_id = Some(row.try_get::<i64, _>("id")?);
                    break;
                }
            }
        }
        if outbox_id.is_none()
            && let Some(last) = sent.first()
        {
            outbox_id = Some(last.try_get("id")?);
        }

        let inserted = sqlx::query(
            "INSERT INTO bounces (report_key, email, kind, outbox_id, status, detail, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (report_key) DO NOTHING",
        )
        .bind(&key)
        .bind(&email)
        .bind(bounce.kind.as_str())
        .bind(outbox_id)
        .bind(&status)
        .bind(&detail)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted == 0 {
            tx.rollback().await?;
            return Ok(BounceOutcome {
                duplicate: true,
                outbox_id,
                suppressed: false,
            });
        }

        if let Some(id) = outbox_id {
            let sql = if bounce.kind == BounceKind::Delayed {
                "UPDATE outbox SET last_error = $1, updated_at = $2 WHERE id = $3 AND state = 'sent'"
            } else {
                "UPDATE outbox SET state = 'bounced', last_error = $1, updated_at = $2
                 WHERE id = $3 AND state IN ('sent', 'bounced')"
            };
            sqlx::query(sql)
                .bind(format!("{}: {detail}", bounce.kind.as_str()))
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }

        let suppress = match bounce.kind {
            BounceKind::Hard => Some(("hard_bounce", detail.clone())),
            BounceKind::Complaint => Some(("complaint", detail.clone())),
            BounceKind::Soft if soft_streak(&mut tx, &email).await? => Some((
                "hard_bounce",
                format!("{SOFT_BOUNCES_TO_SUPPRESS} soft bounces in a row; the last: {detail}")
                    .chars()
                    .take(500)
                    .collect(),
            )),
            BounceKind::Soft | BounceKind::Delayed => None,
        };
        if let Some((reason, why)) = &suppress {
            super::outbox::suppress_in(&mut tx, &email, reason, why, now).await?;
        }
        tx.commit().await?;
        Ok(BounceOutcome {
            duplicate: false,
            outbox_id,
            suppressed: suppress.is_some(),
        })
    }
}

/// Whether each of the last [`SOFT_BOUNCES_TO_SUPPRESS`] messages sent to
/// `email` bounced (there being that many).
async fn soft_streak(tx: &mut crate::db::Tx, email: &str) -> Result<bool, StoreError> {
    let rows = sqlx::query(
        "SELECT (SELECT COUNT(*) FROM bounces b WHERE b.outbox_id = o.id AND b.kind IN ('soft', 'hard')) AS bounced
         FROM outbox o WHERE o.email = $1 AND o.state IN ('sent', 'bounced')
         ORDER BY o.sent_at DESC, o.id DESC LIMIT $2",
    )
    .bind(email)
    .bind(SOFT_BOUNCES_TO_SUPPRESS)
    .fetch_all(&mut **tx)
    .await?;
    let mut bounced = 0;
    for row in &rows {
        if row.try_get::<i64, _>("bounced")? > 0 {
            bounced += 1;
        }
    }
    Ok(bounced == SOFT_BOUNCES_TO_SUPPRESS)
}

/// The lower-cased part between `<` and `@` of a Message-ID.
fn message_id_local(id: &str) -> Option<String> {
    let id = id.trim().trim_start_matches('<');
    let (local, _) = id.split_once('@')?;
    (!local.is_empty()).then(|| local.to_ascii_lowercase())
}
