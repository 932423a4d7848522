//! The audit log: every change of the site settings and of accounts made in
//! the back office, with who made it, when, and the value before and after,
//! written in the transaction that makes the change. There is no function
//! that changes or removes an entry.

use serde::Serialize;
use sqlx::{AnyConnection, Row};

use crate::accounts::{AccountError, Email, NewUser, Role, User};
use crate::db::Store;
use crate::error::StoreError;
use crate::settings::SiteSettings;

/// One change, as the audit page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    /// Row id, increasing.
    pub id: i64,
    /// When (ms).
    pub at: i64,
    /// Who, by address at the time.
    pub actor: String,
    /// `settings`, `user.invite`, `user.role`, `user.disable`, `user.enable`.
    pub action: String,
    /// What was changed.
    pub subject: String,
    /// The value before (JSON), if there was one.
    pub before: Option<String>,
    /// The value after (JSON).
    pub after: Option<String>,
}

/// Who makes a change.
#[derive(Debug, Clone, Copy)]
pub struct Actor<'a> {
    /// Their account.
    pub id: i64,
    /// Their address.
    pub email: &'a str,
}

impl<'a> From<&'a User> for Actor<'a> {
    fn from(user: &'a User) -> Self {
        Self {
            id: user.id,
            email: &user.email,
        }
    }
}

async fn record(
    tx: &mut AnyConnection,
    at: i64,
    actor: Actor<'_>,
    action: &str,
    subject: &str,
    before: Option<String>,
    after: Option<String>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor_id, actor, action, subject, before, after)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(at)
    .bind(actor.id)
    .bind(actor.email)
    .bind(action)
    .bind(subject)
    .bind(before)
    .bind(after)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

fn json<T: Serialize>(what: &str, value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|source| StoreError::Json {
        what: what.to_owned(),
        source,
    })
}

impl Store {
    /// The newest changes first, `limit` of them, older than `before` (an
    /// entry id) when given.
    pub async fn audit_log(
        &self,
        limit: i64,
        before: Option<i64>,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, at, actor, action, subject, before, after FROM audit_log
             WHERE id < $1 ORDER BY id DESC LIMIT $2",
        )
        .bind(before.unwrap_or(i64::MAX))
        .bind(limit.clamp(1, 500))
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(AuditEntry {
                    id: r.try_get("id")?,
                    at: r.try_get("at")?,
                    actor: r.try_get("actor")?,
                    action: r.try_get("action")?,
                    subject: r.try_get("subject")?,
                    before: r.try_get("before")?,
                    after: r.try_get("after")?,
                })
            })
            .collect()
    }

    /// Replaces the site settings, noting the change in the audit log (in the
    /// same transaction). Nothing is noted when nothing changes.
    pub async fn change_site_settings(
        &self,
        actor: Actor<'_>,
        settings: &SiteSettings,
    ) -> Result<(), StoreError> {
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let before: Option<String> =
            sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
                .bind(SiteSettings::KEY)
                .fetch_optional(&mut *tx)
                .await?;
        let before_value: SiteSettings = before
            .as_deref()
            .and_then(|b| serde_json::from_str(b).ok())
            .unwrap_or_default();
        if &before_value == settings {
            return Ok(());
        }
        let after = json("site settings", settings)?;
        sqlx::query(
            "INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        )
        .bind(SiteSettings::KEY)
        .bind(&after)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let before = json("site settings", &before_value)?;
        record(
            &mut tx,
            now,
            actor,
            "settings",
            "site settings",
            Some(before),
            Some(after),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Creates an account for `email` with `role` (it signs in by emailed
    /// link), noting who invited it.
    pub async fn invite_user(
        &self,
        actor: Actor<'_>,
        email: &Email,
        role: Role,
    ) -> Result<User, StoreError> {
        let user = self.create_user(&NewUser::new(email.clone(), role)).await?;
        // The account exists from here; the note follows at once. (Creating
        // it inside the same transaction would duplicate create_user's checks.)
        let mut tx = self.begin_write().await?;
        let after = json("invitation", &serde_json::json!({ "role": role.as_str() }))?;
        record(
            &mut tx,
            self.now_ms(),
            actor,
            "user.invite",
            email.as_str(),
            None,
            Some(after),
        )
        .await?;
        tx.commit().await?;
        Ok(user)
    }

    /// Gives account `id` another role, noting it. Refused when it would
    /// leave the site without an enabled owner.
    pub async fn change_role(
        &self,
        actor: Actor<'_>,
        id: i64,
        role: Role,
    ) -> Result<(), StoreError> {
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let (email, old, disabled) = account(&mut tx, id).await?;
        if old == role {
            return Ok(());
        }
        if old == Role::Owner && !disabled && other_owners(&mut tx, id).await? == 0 {
            return Err(AccountError::LastOwner.into());
        }
        sqlx::query("UPDATE users SET role = $1, updated_at = $2 WHERE id = $3")
            .bind(role.as_str())
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        record(
            &mut tx,
            now,
            actor,
            "user.role",
            &email,
            Some(json("role", &old.as_str())?),
            Some(json("role", &role.as_str())?),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Disables (signed out everywhere, its links void) or enables account
    /// `id`, noting it. The last enabled owner cannot be disabled.
    pub async fn change_disabled(
        &self,
        actor: Actor<'_>,
        id: i64,
        disabled: bool,
    ) -> Result<(), StoreError> {
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let (email, role, was) = account(&mut tx, id).await?;
        if was == disabled {
            return Ok(());
        }
        if disabled && role == Role::Owner && other_owners(&mut tx, id).await? == 0 {
            return Err(AccountError::LastOwner.into());
        }
        sqlx::query("UPDATE users SET disabled = $1, updated_at = $2 WHERE id = $3")
            .bind(i64::from(disabled))
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if disabled {
            for sql in [
                "DELETE FROM sessions WHERE user_id = $1",
                "DELETE FROM login_tokens WHERE user_id = $1",
            ] {
                sqlx::query(sql).bind(id).execute(&mut *tx).await?;
            }
        }
        let state = |d: bool| if d { "disabled" } else { "enabled" };
        record(
            &mut tx,
            now,
            actor,
            if disabled {
                "user.disable"
            } else {
                "user.enable"
            },
            &email,
            Some(json("state", &state(was))?),
            Some(json("state", &state(disabled))?),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// An account's address, role and state, or an unknown-account error.
async fn account(tx: &mut AnyConnection, id: i64) -> Result<(String, Role, bool), StoreError> {
    let row = sqlx::query("SELECT email, role, disabled FROM users WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| AccountError::UnknownUser(format!("id {id}")))?;
    let role: String = row.try_get("role")?;
    Ok((
        row.try_get("email")?,
        Role::parse(&role).ok_or_else(|| StoreError::BadValue {
            column: "users.role",
            value: role.clone(),
        })?,
        row.try_get::<i64, _>("disabled")? != 0,
    ))
}

/// Enabled owners other than account `id`.
async fn other_owners(tx: &mut AnyConnection, id: i64) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM users WHERE role = 'owner' AND disabled = 0 AND id <> $1",
    )
    .bind(id)
    .fetch_one(&mut *tx)
    .await?)
}
