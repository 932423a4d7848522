//! Subscribers in bulk: an import from another service's export (consent
//! kept as it was given there), and an export of every subscriber.

use sqlx::Row as _;

use crate::accounts::{Email, RawToken};
use crate::db::Store;
use crate::error::StoreError;
use crate::subscriptions::subscribers::{
    SUBSCRIBER_COLUMNS, Subscriber, add_tags, clean_tags, subscriber_from_row, zone,
};

/// Rows written per transaction: an import of a million rows holds no more
/// than this in one transaction, and shows progress between them.
const CHUNK: usize = 1000;

/// One subscriber of an import.
#[derive(Debug, Clone)]
pub struct ImportedSubscriber {
    /// The address.
    pub email: Email,
    /// Their name, if the file had one.
    pub name: Option<String>,
    /// Their time zone, if the file had one (an unknown one is ignored).
    pub time_zone: Option<String>,
    /// Tags from the file.
    pub tags: Vec<String>,
    /// When they consented there (UTC ms); `None`: the time of the import.
    pub consent_at: Option<i64>,
    /// The export says they unsubscribed: kept, and never mailed.
    pub unsubscribed: bool,
    /// The export says their address bounced or complained: suppressed.
    pub cleaned: bool,
}

/// What an import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SubscriberImport {
    /// New active subscribers.
    pub added: u64,
    /// Addresses that were subscribers already: tags added, a missing name
    /// filled in; their status and consent are left as they are.
    pub updated: u64,
    /// Rows kept as unsubscribed.
    pub unsubscribed: u64,
    /// Addresses put on the suppression list.
    pub suppressed: u64,
}

impl Store {
    /// Imports `rows` with consent as the export recorded it, `extra_tags` on
    /// every row, in transactions of a thousand rows; `progress` hears the rows
    /// done so far. An address already here keeps its status (an
    /// unsubscribe is never undone by an import).
    pub async fn import_subscribers(
        &self,
        rows: &[ImportedSubscriber],
        default_zone: &str,
        extra_tags: &[String],
        mut progress: impl FnMut(usize),
    ) -> Result<SubscriberImport, StoreError> {
        zone(default_zone)?;
        let extra = clean_tags(extra_tags)?;
        let mut summary = SubscriberImport::default();
        let mut done = 0;
        for chunk in rows.chunks(CHUNK) {
            let now = self.now_ms();
            let mut tx = self.begin_write().await?;
            for row in chunk {
                let mut tags = row.tags.clone();
                tags.extend(extra.iter().cloned());
                // A tag the site would refuse is left out, not the row.
                let tags = clean_tags(&tags).unwrap_or_else(|_| extra.clone());
                let time_zone = row
                    .time_zone
                    .as_deref()
                    .filter(|z| zone(z).is_ok())
                    .unwrap_or(default_zone);
                let name: String = row
                    .name
                    .as_deref()
                    .unwrap_or_default()
                    .chars()
                    .filter(|c| !c.is_control())
                    .take(crate::subscriptions::MAX_NAME_CHARS)
                    .collect();
                let status = if row.unsubscribed || row.cleaned {
                    "unsubscribed"
                } else {
                    "active"
                };
                let inserted: Option<i64> = sqlx::query_scalar(
                    "INSERT INTO subscribers (email, name, time_zone, send_minute, digest_weekday,
                        wants_daily, wants_digest, wants_events, wants_newsletters, status, link_key,
                        consent_at, consent_source, unsubscribed_at, created_at, updated_at)
                     VALUES ($1, $2, $3, 360, 7, 0, 0, 1, 1, $4, $5, $6, 'import', $7, $8, $8)
                     ON CONFLICT (email) DO NOTHING RETURNING id",
                )
                .bind(row.email.as_str())
                .bind(&name)
                .bind(time_zone)
                .bind(status)
                .bind(RawToken::random()?.expose())
                .bind(row.consent_at.unwrap_or(now))
                .bind((status == "unsubscribed").then_some(now))
                .bind(now)
                .fetch_optional(&mut *tx)
                .await?;
                let id = match inserted {
                    Some(id) => {
                        if status == "active" {
                            summary.added += 1;
                        } else {
                            summary.unsubscribed += 1;
                        }
                        id
                    }
                    None => {
                        summary.updated += 1;
                        sqlx::query_scalar(
                            "UPDATE subscribers SET name = CASE WHEN name = '' THEN $1 ELSE name END, updated_at = $2
                             WHERE email = $3 RETURNING id",
                        )
                        .bind(&name)
                        .bind(now)
                        .bind(row.email.as_str())
                        .fetch_one(&mut *tx)
                        .await?
                    }
                };
                add_tags(&mut tx, id, &tags).await?;
                if row.cleaned {
                    let added = sqlx::query(
                        "INSERT INTO suppressions (email, reason, detail, created_at)
                         VALUES ($1, 'hard_bounce', 'cleaned in the imported export', $2)
                         ON CONFLICT (email) DO NOTHING",
                    )
                    .bind(row.email.as_str())
                    .bind(now)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    summary.suppressed += added;
                }
            }
            tx.commit().await?;
            done += chunk.len();
            progress(done);
        }
        Ok(summary)
    }

    /// Every subscriber in the order they came, a thousand at a time, to
    /// `each` (tags included): an export that holds one page in memory.
    pub async fn each_subscriber(
        &self,
        mut each: impl FnMut(Subscriber) -> Result<(), StoreError>,
    ) -> Result<u64, StoreError> {
        let mut after = 0_i64;
        let mut count = 0;
        loop {
            let sql = format!(
                "SELECT {SUBSCRIBER_COLUMNS} FROM subscribers s WHERE s.id > $1 ORDER BY s.id LIMIT {CHUNK}"
            );
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(after)
                .fetch_all(self.pool())
                .await?;
            let Some(last) = rows.last() else {
                return Ok(count);
            };
            after = last.try_get("id")?;
            let first: i64 = rows[0].try_get("id")?;
            let tag_rows = sqlx::query(
                "SELECT subscriber_id, tag FROM subscriber_tags WHERE subscriber_id BETWEEN $1 AND $2
                 ORDER BY subscriber_id, tag",
            )
            .bind(first)
            .bind(after)
            .fetch_all(self.pool())
            .await?;
            let mut tags: std::collections::HashMap<i64, Vec<String>> =
                std::collections::HashMap::new();
            for row in &tag_rows {
                tags.entry(row.try_get("subscriber_id")?)
                    .or_default()
                    .push(row.try_get("tag")?);
            }
            for row in &rows {
                let mut subscriber = subscriber_from_row(row)?;
                subscriber.tags = tags.remove(&subscriber.id).unwrap_or_default();
                each(subscriber)?;
                count += 1;
            }
        }
    }
}
