use std::time::Duration;

use sqlx::Row as _;

use crate::accounts::email::Email;
use crate::accounts::secret::hash_hex;
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

/// The rate-limit key of attempts on an address, e.g. `sign-in:email:` and
/// the SHA-256 (hex) of the normalised address: counters are kept per
/// address, yet the table never names anyone, so nothing of a person stays
/// behind in it (and [`Store::delete_user`] finds theirs by the same hash).
pub fn email_rate_limit_key(scope: &str, email: &Email) -> String {
    format!("{scope}:email:{}", email_hash(email.as_str()))
}

/// SHA-256 (hex) of a normalised address, as rate-limit keys carry it.
/// Unsalted, so that every node finds the same key: whoever holds the
/// database and a list of addresses can still test them. The point is that
/// the table names no one, and that the key goes with the account.
pub(crate) fn email_hash(email: &str) -> String {
    hash_hex(email.as_bytes())
}

impl Store {
    /// Counts one attempt under `key` (e.g. `sign-in:ip:203.0.113.9`, or for
    /// an address [`email_rate_limit_key`], which does not store it in clear)
    /// and says whether it is within `limit` per `window`. Fixed windows,
    /// counted in the database, so every node of a cluster shares them; one
    /// statement, so concurrent hits are all counted. A burst can reach twice
    /// `limit` across a window's edge, which is fine for slowing down guessing
    /// and mail floods.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_for_an_address_do_not_name_it() {
        let email = Email::parse("Ruth@Example.org").unwrap();
        let key = email_rate_limit_key("sign-in", &email);
        assert!(key.starts_with("sign-in:email:"), "{key}");
        assert!(!key.contains("ruth") && !key.contains("example"), "{key}");
        assert_eq!(key.len(), "sign-in:email:".len() + 64);
        // One address, one counter, whatever its case as typed.
        let again = Email::parse("ruth@example.org").unwrap();
        assert_eq!(email_rate_limit_key("sign-in", &again), key);
        assert_ne!(email_rate_limit_key("magic-link", &again), key);
    }
}
