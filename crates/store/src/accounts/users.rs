use sqlx::Row as _;
use sqlx::any::AnyRow;

use crate::accounts::email::Email;
use crate::accounts::error::AccountError;
use crate::accounts::role::Role;
use crate::db::Store;
use crate::error::StoreError;

/// Longest display name, in characters.
const MAX_NAME_CHARS: usize = 80;

/// A person with an account.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct User {
    /// Row id.
    pub id: i64,
    /// The normalised address.
    pub email: String,
    /// The name shown beside what they write.
    pub display_name: String,
    /// IANA time zone: when their days begin.
    pub time_zone: String,
    /// The translation they read in; `None`: the site's default.
    pub translation: Option<String>,
    /// What they may do.
    pub role: Role,
    /// A disabled account cannot sign in and has no sessions.
    pub disabled: bool,
    /// When a link sent to the address was first used (ms), if ever.
    pub email_verified_at: Option<i64>,
    /// Whether they set a password (the hash itself stays in the store:
    /// [`Store::password_hash`]).
    pub has_password: bool,
    /// Created (ms).
    pub created_at: i64,
    /// Last changed (ms).
    pub updated_at: i64,
}

/// What [`Store::create_user`] needs.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// The address, already checked.
    pub email: Email,
    /// The name shown; empty: the part of the address before the `@`.
    pub display_name: String,
    /// IANA time zone name.
    pub time_zone: String,
    /// Preferred translation (the cookie preference of a guest who signs up).
    pub translation: Option<String>,
    /// What they may do.
    pub role: Role,
    /// An argon2id PHC string from [`hash_password`](crate::hash_password).
    pub password_hash: Option<String>,
    /// Whether the address is proven already (a sign-up link was used).
    pub email_verified: bool,
}

impl NewUser {
    /// A member-to-be with `email` and `role`, named after their address, in
    /// UTC, with no password.
    pub fn new(email: Email, role: Role) -> Self {
        Self {
            email,
            display_name: String::new(),
            time_zone: "UTC".into(),
            translation: None,
            role,
            password_hash: None,
            email_verified: false,
        }
    }
}

/// The columns of [`User`], from `users u`.
pub(crate) const USER_COLUMNS: &str = "u.id, u.email, u.display_name, u.time_zone, u.translation, \
     u.role, u.disabled, u.email_verified_at, \
     CAST(CASE WHEN u.password_hash IS NULL THEN 0 ELSE 1 END AS BIGINT) AS has_password, \
     u.created_at, u.updated_at";

pub(crate) fn user_from_row(row: &AnyRow) -> Result<User, StoreError> {
    let role: String = row.try_get("role")?;
    Ok(User {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        display_name: row.try_get("display_name")?,
        time_zone: row.try_get("time_zone")?,
        translation: row.try_get("translation")?,
        role: Role::parse(&role).ok_or(StoreError::BadValue {
            column: "users.role",
            value: role,
        })?,
        disabled: row.try_get::<i64, _>("disabled")? != 0,
        email_verified_at: row.try_get("email_verified_at")?,
        has_password: row.try_get::<i64, _>("has_password")? != 0,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

/// A display name as typed, trimmed, or why it cannot be one.
fn display_name(typed: &str, email: &Email) -> Result<String, AccountError> {
    let name = typed.trim();
    if name.chars().any(char::is_control) {
        return Err(AccountError::BadDisplayName(
            "it contains a control character",
        ));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(AccountError::BadDisplayName(
            "it is longer than 80 characters",
        ));
    }
    Ok(if name.is_empty() {
        email.local_part().to_owned()
    } else {
        name.to_owned()
    })
}

impl Store {
    /// Creates an account. Fails with [`AccountError::EmailTaken`] when the
    /// address has one already, and writes nothing when anything is wrong.
    pub async fn create_user(&self, new: &NewUser) -> Result<User, StoreError> {
        if jiff::tz::TimeZone::get(&new.time_zone).is_err() {
            return Err(AccountError::UnknownTimeZone(new.time_zone.clone()).into());
        }
        let name = display_name(&new.display_name, &new.email)?;
        let now = self.now_ms();
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO users (email, display_name, time_zone, translation, role, disabled,
                 email_verified_at, password_hash, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, 0, $6, $7, $8, $8)
             ON CONFLICT (email) DO NOTHING
             RETURNING id",
        )
        .bind(new.email.as_str())
        .bind(name)
        .bind(&new.time_zone)
        .bind(new.translation.as_deref())
        .bind(new.role.as_str())
        .bind(new.email_verified.then_some(now))
        .bind(new.password_hash.as_deref())
        .bind(now)
        .fetch_optional(self.pool())
        .await?;
        let Some(id) = id else {
            return Err(AccountError::EmailTaken(new.email.to_string()).into());
        };
        self.user(id)
            .await?
            .ok_or_else(|| AccountError::UnknownUser(format!("id {id}")).into())
    }

    /// The account with this id.
    pub async fn user(&self, id: i64) -> Result<Option<User>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS} FROM users u WHERE u.id = $1"
        )))
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    /// The account with this address.
    pub async fn user_by_email(&self, email: &Email) -> Result<Option<User>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS} FROM users u WHERE u.email = $1"
        )))
        .bind(email.as_str())
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    /// Every account, by address.
    pub async fn users(&self) -> Result<Vec<User>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS} FROM users u ORDER BY u.email"
        )))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(user_from_row).collect()
    }

    /// Changes what a member may change of themselves: the name shown, the
    /// time zone their days begin in, and the translation they read (`None`:
    /// the site's). Checks everything before writing anything.
    pub async fn update_profile(
        &self,
        id: i64,
        typed_name: &str,
        time_zone: &str,
        translation: Option<&str>,
    ) -> Result<User, StoreError> {
        let user = self
            .user(id)
            .await?
            .ok_or_else(|| AccountError::UnknownUser(format!("id {id}")))?;
        if jiff::tz::TimeZone::get(time_zone).is_err() {
            return Err(AccountError::UnknownTimeZone(time_zone.chars().take(64).collect()).into());
        }
        let email = Email::parse(&user.email).map_err(AccountError::from)?;
        let name = display_name(typed_name, &email)?;
        let done = sqlx::query(
            "UPDATE users SET display_name = $1, time_zone = $2, translation = $3, updated_at = $4
             WHERE id = $5",
        )
        .bind(name)
        .bind(time_zone)
        .bind(translation)
        .bind(self.now_ms())
        .bind(id)
        .execute(self.pool())
        .await?;
        found(done.rows_affected(), id)?;
        self.user(id)
            .await?
            .ok_or_else(|| AccountError::UnknownUser(format!("id {id}")).into())
    }

    /// Gives an account another role.
    pub async fn set_role(&self, id: i64, role: Role) -> Result<(), StoreError> {
        let done = sqlx::query("UPDATE users SET role = $1, updated_at = $2 WHERE id = $3")
            .bind(role.as_str())
            .bind(self.now_ms())
            .bind(id)
            .execute(self.pool())
            .await?;
        found(done.rows_affected(), id)
    }

    /// Disables or enables an account. Disabling signs them out everywhere and
    /// voids the links sent to them, in the same transaction.
    pub async fn set_disabled(&self, id: i64, disabled: bool) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("UPDATE users SET disabled = $1, updated_at = $2 WHERE id = $3")
            .bind(i64::from(disabled))
            .bind(self.now_ms())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        found(done.rows_affected(), id)?;
        if disabled {
            for sql in [
                "DELETE FROM sessions WHERE user_id = $1",
                "DELETE FROM login_tokens WHERE user_id = $1",
            ] {
                sqlx::query(sql).bind(id).execute(&mut *tx).await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// The stored password hash (a PHC string), if the account has one. Check
    /// it with [`verify_password`](crate::verify_password), off the async threads.
    pub async fn password_hash(&self, id: i64) -> Result<Option<String>, StoreError> {
        let hash: Option<Option<String>> =
            sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
                .bind(id)
                .fetch_optional(self.pool())
                .await?;
        Ok(hash.flatten())
    }

    /// Sets (a PHC string from [`hash_password`](crate::hash_password)) or
    /// removes the account's password.
    pub async fn set_password_hash(&self, id: i64, hash: Option<&str>) -> Result<(), StoreError> {
        let done =
            sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
                .bind(hash)
                .bind(self.now_ms())
                .bind(id)
                .execute(self.pool())
                .await?;
        found(done.rows_affected(), id)
    }
}

fn found(rows: u64, id: i64) -> Result<(), StoreError> {
    if rows == 0 {
        Err(AccountError::UnknownUser(format!("id {id}")).into())
    } else {
        Ok(())
    }
}
