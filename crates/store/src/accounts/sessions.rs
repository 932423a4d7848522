use std::time::Duration;

use sqlx::Row as _;

use crate::accounts::error::AccountError;
use crate::accounts::secret::{RawToken, hash_hex};
use crate::accounts::users::{USER_COLUMNS, User, user_from_row};
use crate::db::{Store, Tx};
use crate::error::StoreError;
use crate::time::millis;

/// `last_seen_at` is written at most this often per session, so that reading
/// pages does not turn every request into a write.
const TOUCH_EVERY_MS: i64 = 60_000;

/// Longest user-agent summary kept, in characters.
const MAX_USER_AGENT_CHARS: usize = 200;

/// Most sessions [`Store::user_sessions`] lists: the most recently seen.
pub const MAX_LISTED_SESSIONS: usize = 50;

/// The name of a session in a form: derived from its stored hash (which
/// never leaves the database), 128 bits, and useless for signing in.
fn handle_of(token_hash: &str) -> String {
    let mut handle = hash_hex(format!("abide session handle:{token_hash}").as_bytes());
    handle.truncate(32);
    handle
}

/// A session just created: the token goes into the cookie, and this is the
/// only time anyone sees it.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// For the cookie.
    pub token: RawToken,
    /// When it stops working (ms); the cookie's expiry.
    pub expires_at: i64,
}

/// A signed-in visitor: a live session and its (enabled) account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Who.
    pub user: User,
    /// Signed in at (ms).
    pub created_at: i64,
    /// Last request seen, to the minute (ms).
    pub last_seen_at: i64,
    /// When it stops working (ms).
    pub expires_at: i64,
    /// What they signed in with ("Firefox on Android").
    pub user_agent: Option<String>,
    /// Names this session in the list of the account's sessions
    /// ([`SessionSummary::handle`]).
    pub handle: String,
}

/// One live session of an account, as a list of one's devices shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SessionSummary {
    /// Names the session in a form that ends it ([`Store::end_session`]);
    /// not its token, nor its stored hash.
    pub handle: String,
    /// Signed in at (ms).
    pub created_at: i64,
    /// Last request seen, to the minute (ms).
    pub last_seen_at: i64,
    /// When it stops working (ms).
    pub expires_at: i64,
    /// What they signed in with ("Firefox on Android"), as stored: plain text.
    pub user_agent: Option<String>,
}

impl Store {
    /// Signs `user_id` in: a new session lasting `ttl`. Returns its token, the
    /// only copy; the database keeps its hash. Fails for an unknown or a
    /// disabled account.
    pub async fn create_session(
        &self,
        user_id: i64,
        ttl: Duration,
        user_agent: Option<&str>,
    ) -> Result<NewSession, StoreError> {
        let mut tx = self.begin_write().await?;
        let session = self
            .insert_session(&mut tx, user_id, ttl, user_agent)
            .await?;
        tx.commit().await?;
        Ok(session)
    }

    async fn insert_session(
        &self,
        tx: &mut Tx,
        user_id: i64,
        ttl: Duration,
        user_agent: Option<&str>,
    ) -> Result<NewSession, StoreError> {
        let (token, hash) = RawToken::generate()?;
        let now = self.now_ms();
        let expires_at = now.saturating_add(millis(ttl));
        let user_agent =
            user_agent.map(|ua| ua.chars().take(MAX_USER_AGENT_CHARS).collect::<String>());
        // Through the users table, so that a disabled account gets no session.
        let done = sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, user_agent)
             SELECT $1, id, $2, $2, $3, $4 FROM users WHERE id = $5 AND disabled = 0",
        )
        .bind(hash)
        .bind(now)
        .bind(expires_at)
        .bind(user_agent)
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(match self.user(user_id).await? {
                Some(user) => AccountError::Disabled(user.email),
                None => AccountError::UnknownUser(format!("id {user_id}")),
            }
            .into());
        }
        Ok(NewSession { token, expires_at })
    }

    /// The live session whose cookie carries `token`, with its account; `None`
    /// when the token is unknown, expired, or its account is disabled. Notes
    /// the visit in `last_seen_at`, at most once a minute.
    pub async fn session(&self, token: &RawToken) -> Result<Option<Session>, StoreError> {
        let Some(hash) = token.hash() else {
            return Ok(None);
        };
        let now = self.now_ms();
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS}, s.created_at AS session_created_at, s.last_seen_at,
                 s.expires_at, s.user_agent
             FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled = 0"
        )))
        .bind(&hash)
        .bind(now)
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let mut session = Session {
            user: user_from_row(&row)?,
            created_at: row.try_get("session_created_at")?,
            last_seen_at: row.try_get("last_seen_at")?,
            expires_at: row.try_get("expires_at")?,
            user_agent: row.try_get("user_agent")?,
            handle: handle_of(&hash),
        };
        if now - session.last_seen_at >= TOUCH_EVERY_MS {
            sqlx::query(
                "UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2 AND last_seen_at <= $3",
            )
            .bind(now)
            .bind(&hash)
            .bind(now - TOUCH_EVERY_MS)
            .execute(self.pool())
            .await?;
            session.last_seen_at = now;
        }
        Ok(Some(session))
    }

    /// Signs one session out. Returns whether there was one.
    pub async fn delete_session(&self, token: &RawToken) -> Result<bool, StoreError> {
        let Some(hash) = token.hash() else {
            return Ok(false);
        };
        let done = sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(hash)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Signs an account out everywhere. Returns how many sessions ended.
    pub async fn delete_user_sessions(&self, user_id: i64) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected())
    }

    /// Replaces a live session by a new one for the same account (a fresh token
    /// and `ttl`), in one transaction: after signing in again or a change of
    /// role, an old token someone may have seen stops working. `None` when
    /// `token` names no live session of an enabled account.
    pub async fn rotate_session(
        &self,
        token: &RawToken,
        ttl: Duration,
    ) -> Result<Option<NewSession>, StoreError> {
        let Some(hash) = token.hash() else {
            return Ok(None);
        };
        let mut tx = self.begin_write().await?;
        let old = sqlx::query(
            "DELETE FROM sessions WHERE token_hash = $1 AND expires_at > $2
             RETURNING user_id, user_agent",
        )
        .bind(hash)
        .bind(self.now_ms())
        .fetch_optional(&mut *tx)
        .await?;
        let Some(old) = old else {
            return Ok(None);
        };
        let user_id: i64 = old.try_get("user_id")?;
        let user_agent: Option<String> = old.try_get("user_agent")?;
        let new = match self
            .insert_session(&mut tx, user_id, ttl, user_agent.as_deref())
            .await
        {
            Ok(new) => new,
            Err(StoreError::Account(AccountError::Disabled(_))) => return Ok(None),
            Err(e) => return Err(e),
        };
        tx.commit().await?;
        Ok(Some(new))
    }

    /// An account's live sessions, most recently seen first, at most
    /// [`MAX_LISTED_SESSIONS`] of them.
    pub async fn user_sessions(&self, user_id: i64) -> Result<Vec<SessionSummary>, StoreError> {
        let rows = sqlx::query(
            "SELECT token_hash, created_at, last_seen_at, expires_at, user_agent FROM sessions
             WHERE user_id = $1 AND expires_at > $2
             ORDER BY last_seen_at DESC, created_at DESC, token_hash
             LIMIT $3",
        )
        .bind(user_id)
        .bind(self.now_ms())
        .bind(i64::try_from(MAX_LISTED_SESSIONS).unwrap_or(i64::MAX))
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(SessionSummary {
                    handle: handle_of(&row.try_get::<String, _>("token_hash")?),
                    created_at: row.try_get("created_at")?,
                    last_seen_at: row.try_get("last_seen_at")?,
                    expires_at: row.try_get("expires_at")?,
                    user_agent: row.try_get("user_agent")?,
                })
            })
            .collect()
    }

    /// Ends the session of `user_id` that `handle` names (from
    /// [`Store::user_sessions`]). Returns whether there was one: a handle of
    /// another account's session names nothing here, and changes nothing.
    pub async fn end_session(&self, user_id: i64, handle: &str) -> Result<bool, StoreError> {
        // Handles are not stored: the account's sessions are few, and each
        // is hashed again to find the one meant.
        let hashes: Vec<String> =
            sqlx::query_scalar("SELECT token_hash FROM sessions WHERE user_id = $1")
                .bind(user_id)
                .fetch_all(self.pool())
                .await?;
        let Some(hash) = hashes.into_iter().find(|h| handle_of(h) == handle) else {
            return Ok(false);
        };
        let done = sqlx::query("DELETE FROM sessions WHERE token_hash = $1 AND user_id = $2")
            .bind(hash)
            .bind(user_id)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// How many live sessions an account has.
    pub async fn live_sessions(&self, user_id: i64) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM sessions WHERE user_id = $1 AND expires_at > $2",
        )
        .bind(user_id)
        .bind(self.now_ms())
        .fetch_one(self.pool())
        .await?)
    }

    /// Deletes sessions and links past their expiry, and rate-limit counters
    /// whose window closed more than `rate_window` ago: housekeeping for a
    /// periodic job. Returns how many rows went.
    pub async fn purge_expired_sign_ins(&self, rate_window: Duration) -> Result<u64, StoreError> {
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let mut purged = 0;
        for (sql, before) in [
            ("DELETE FROM sessions WHERE expires_at <= $1", now),
            ("DELETE FROM login_tokens WHERE expires_at <= $1", now),
            (
                "DELETE FROM rate_limits WHERE window_start <= $1",
                now - millis(rate_window),
            ),
        ] {
            purged += sqlx::query(sql)
                .bind(before)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        }
        tx.commit().await?;
        Ok(purged)
    }
}
