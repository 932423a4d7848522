use std::time::Duration;

use sqlx::Row as _;

use crate::accounts::email::Email;
use crate::accounts::error::AccountError;
use crate::accounts::secret::RawToken;
use crate::db::Store;
use crate::error::StoreError;
use crate::time::millis;

/// What an emailed link does when it is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenPurpose {
    /// Signs an existing account in (and proves its address).
    SignIn,
    /// Creates the account for an address that has none yet.
    SignUp,
    /// Proves an account's address.
    VerifyEmail,
    /// Moves an account to a new address, confirmed at that address.
    ChangeEmail,
}

impl TokenPurpose {
    /// Every purpose.
    pub const ALL: [Self; 4] = [
        Self::SignIn,
        Self::SignUp,
        Self::VerifyEmail,
        Self::ChangeEmail,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SignIn => "sign_in",
            Self::SignUp => "sign_up",
            Self::VerifyEmail => "verify_email",
            Self::ChangeEmail => "change_email",
        }
    }

    /// The purpose with this stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// How long a link of this purpose works: short for the links that sign
    /// someone in, a day for those that only confirm an address.
    pub fn default_ttl(self) -> Duration {
        match self {
            Self::SignIn | Self::SignUp => Duration::from_secs(15 * 60),
            Self::ChangeEmail => Duration::from_secs(60 * 60),
            Self::VerifyEmail => Duration::from_secs(24 * 60 * 60),
        }
    }
}

/// A link that was just used: what it was for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginToken {
    /// What it does.
    pub purpose: TokenPurpose,
    /// The account; `None` for a sign-up.
    pub user_id: Option<i64>,
    /// The address it was sent to (for a change of address, the new one).
    pub email: String,
    /// Issued at (ms).
    pub created_at: i64,
}

impl Store {
    /// Issues a link token lasting `ttl` (see [`TokenPurpose::default_ttl`]):
    /// for [`TokenPurpose::SignUp`] `user_id` is `None` and `email` is the
    /// address signing up; for a change of address `email` is the new one;
    /// otherwise `email` must be the account's own. Returns the token, the only
    /// copy; the database keeps its hash.
    pub async fn issue_login_token(
        &self,
        purpose: TokenPurpose,
        user_id: Option<i64>,
        email: &Email,
        ttl: Duration,
    ) -> Result<RawToken, StoreError> {
        match (purpose, user_id) {
            (TokenPurpose::SignUp, None) => {}
            (TokenPurpose::SignUp, Some(id)) => {
                return Err(AccountError::UnknownUser(format!(
                    "id {id}: a sign-up link is for an address without an account"
                ))
                .into());
            }
            (_, None) => {
                return Err(AccountError::UnknownUser(email.to_string()).into());
            }
            (purpose, Some(id)) => {
                let user = self
                    .user(id)
                    .await?
                    .ok_or_else(|| AccountError::UnknownUser(format!("id {id}")))?;
                if user.disabled {
                    return Err(AccountError::Disabled(user.email).into());
                }
                if purpose != TokenPurpose::ChangeEmail && user.email != email.as_str() {
                    return Err(AccountError::UnknownUser(email.to_string()).into());
                }
            }
        }
        let (token, hash) = RawToken::generate()?;
        let now = self.now_ms();
        sqlx::query(
            "INSERT INTO login_tokens (token_hash, purpose, user_id, email, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(hash)
        .bind(purpose.as_str())
        .bind(user_id)
        .bind(email.as_str())
        .bind(now)
        .bind(now.saturating_add(millis(ttl)))
        .execute(self.pool())
        .await?;
        Ok(token)
    }

    /// Uses a link token for `purpose`, once: of two concurrent uses, one
    /// succeeds and the other gets [`AccountError::TokenUsed`]. Expired links
    /// fail with [`AccountError::TokenExpired`]; unknown ones, links for another
    /// purpose and links of a disabled account with
    /// [`AccountError::TokenUnknown`] (and stay unused).
    ///
    /// In the same transaction, a sign-in or verification link marks the
    /// account's address verified, and a change-of-address link moves the
    /// account to its new address (failing with [`AccountError::EmailTaken`],
    /// the link unused, when another account took it meanwhile). A sign-up
    /// link only proves the address: the caller creates the account.
    pub async fn consume_login_token(
        &self,
        token: &RawToken,
        purpose: TokenPurpose,
    ) -> Result<LoginToken, StoreError> {
        let Some(hash) = token.hash() else {
            return Err(AccountError::TokenUnknown.into());
        };
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        // One statement decides: only the first use finds `used_at` empty.
        let row = sqlx::query(include_str!("sql/consume_token.sql"))
            .bind(now)
            .bind(&hash)
            .bind(purpose.as_str())
            .fetch_optional(&mut *tx)
            .await?;
        let Some(row) = row else {
            drop(tx);
            return Err(self.why_unusable(&hash, now).await?.into());
        };
        let used = LoginToken {
            purpose,
            user_id: row.try_get("user_id")?,
            email: row.try_get("email")?,
            created_at: row.try_get("created_at")?,
        };
        match (purpose, used.user_id) {
            (TokenPurpose::SignIn | TokenPurpose::VerifyEmail, Some(user_id)) => {
                sqlx::query(
                    "UPDATE users SET email_verified_at = COALESCE(email_verified_at, $1), updated_at = $1
                     WHERE id = $2",
                )
                .bind(now)
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            }
            (TokenPurpose::ChangeEmail, Some(user_id)) => {
                let moved = sqlx::query(
                    "UPDATE users SET email = $1, email_verified_at = $2, updated_at = $2
                     WHERE id = $3 AND NOT EXISTS (SELECT 1 FROM users o WHERE o.email = $1 AND o.id <> $3)",
                )
                .bind(&used.email)
                .bind(now)
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
                if moved.rows_affected() == 0 {
                    // Rolled back: the link stays unused.
                    return Err(AccountError::EmailTaken(used.email).into());
                }
            }
            _ => {}
        }
        tx.commit().await?;
        Ok(used)
    }

    /// Why a link could not be used: unknown, used or expired.
    async fn why_unusable(&self, hash: &str, now: i64) -> Result<AccountError, StoreError> {
        let row = sqlx::query("SELECT used_at, expires_at FROM login_tokens WHERE token_hash = $1")
            .bind(hash)
            .fetch_optional(self.pool())
            .await?;
        let Some(row) = row else {
            return Ok(AccountError::TokenUnknown);
        };
        let used_at: Option<i64> = row.try_get("used_at")?;
        let expires_at: i64 = row.try_get("expires_at")?;
        Ok(if used_at.is_some() {
            AccountError::TokenUsed
        } else if expires_at <= now {
            AccountError::TokenExpired
        } else {
            AccountError::TokenUnknown
        })
    }
}
