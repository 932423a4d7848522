use std::time::Duration;

use sqlx::Row as _;

use crate::db::Store;
use crate::error::StoreError;
use crate::time::millis;

/// The answer of [`Store::hit_rate_limit`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateLimit {
    /// Go ahead; this many more are allowed in the current window.
    Allowed {
        /// Hits left in this window.
        remaining: u32,
    },
    /// Too many: try again after this long (the `Retry-After` of a 429).
    Limited {
        /// Until the window closes.
        retry_after: Duration,
    },
}

impl Store {
    /// Counts one attempt under `key` (e.g. `sign-in:ip:203.0.113.9` or
    /// `sign-in:email:ruth@example.org`) and says whether it is within `limit`
    /// per `window`. Fixed windows, counted in the database, so every node of
    /// a cluster shares them; one statement, so concurrent hits are all
    /// counted. A burst can reach twice `limit` across a window's edge, which
    /// is fine for slowing down guessing and mail floods.
    pub async fn hit_rate_limit(
        &self,
        key: &str,
        limit: u32,
        window: Duration,
    ) -> Result<RateLimit, StoreError> {
        let now = self.now_ms();
        let window = millis(window).max(1);
        let row = sqlx::query(include_str!("sql/rate_limit_hit.sql"))
            .bind(key)
            .bind(now)
            .bind(now - window)
            .fetch_one(self.pool())
            .await?;
        let window_start: i64 = row.try_get("window_start")?;
        let hits: i64 = row.try_get("hits")?;
        Ok(if hits <= i64::from(limit) {
            RateLimit::Allowed {
                remaining: u32::try_from(i64::from(limit) - hits).unwrap_or(0),
            }
        } else {
            let left = (window_start + window - now).max(1);
            RateLimit::Limited {
                retry_after: Duration::from_millis(u64::try_from(left).unwrap_or(1)),
            }
        })
    }
}
