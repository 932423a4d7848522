//! A person's rights over their data: a copy of everything the store holds
//! about them, and erasure.

use jiff::civil::Date;
use serde::Serialize;
use sqlx::Row as _;

use crate::accounts::{AccountError, User, email_hash};
use crate::db::Store;
use crate::error::StoreError;
use crate::reading::journal::JournalItem;
use crate::reading::practice::PracticeLogItem;

/// Everything the store holds about one person, for them to take away.
/// Secrets stay out: no password hash, no session or link token hashes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserExport {
    /// When this copy was made (ms).
    pub exported_at: i64,
    /// The account (whether a password is set, not its hash).
    pub user: User,
    /// Where they are signed in.
    pub sessions: Vec<SessionRecord>,
    /// Emailed links issued to them.
    pub links: Vec<LinkRecord>,
    /// The journeys they follow.
    pub enrolments: Vec<EnrolmentRecord>,
    /// The steps they marked done.
    pub done: Vec<DoneRecord>,
    /// Their journal, every item, newest first.
    pub journal: Vec<JournalItem>,
    /// Their practice log, oldest first.
    pub practice_log: Vec<PracticeLogItem>,
}

/// A session, without its token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SessionRecord {
    /// Signed in at (ms).
    pub created_at: i64,
    /// Last seen (ms).
    pub last_seen_at: i64,
    /// Stops working at (ms).
    pub expires_at: i64,
    /// What they signed in with.
    pub user_agent: Option<String>,
}

/// An emailed link, without its token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LinkRecord {
    /// What it was for (`sign_in`, `verify_email`, ...).
    pub purpose: String,
    /// The address it went to.
    pub email: String,
    /// Issued at (ms).
    pub created_at: i64,
    /// Expires at (ms).
    pub expires_at: i64,
    /// Used at (ms), if it was.
    pub used_at: Option<i64>,
}

/// A journey followed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnrolmentRecord {
    /// The journey's slug.
    pub journey_slug: String,
    /// The journey's title.
    pub journey_title: String,
    /// Their day 1.
    pub start_date: Date,
    /// Followed since (ms).
    pub created_at: i64,
    /// Schedule last changed (ms).
    pub updated_at: i64,
}

/// A step marked done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DoneRecord {
    /// The journey's slug.
    pub journey_slug: String,
    /// The entry's slug.
    pub entry_slug: String,
    /// Their local date then.
    pub done_on: Date,
    /// When (ms).
    pub done_at: i64,
}

/// `text` with LIKE's wildcards escaped (by `\`), inside `%...%`.
fn contains_pattern(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

impl Store {
    /// A copy of everything the store holds about the account `user_id`.
    pub async fn export_user_data(&self, user_id: i64) -> Result<UserExport, StoreError> {
        let user = self
            .user(user_id)
            .await?
            .ok_or_else(|| AccountError::UnknownUser(format!("id {user_id}")))?;
        let sessions = sqlx::query(
            "SELECT created_at, last_seen_at, expires_at, user_agent FROM sessions
             WHERE user_id = $1 ORDER BY created_at",
        )
        .bind(user_id)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| {
            Ok(SessionRecord {
                created_at: r.try_get("created_at")?,
                last_seen_at: r.try_get("last_seen_at")?,
                expires_at: r.try_get("expires_at")?,
                user_agent: r.try_get("user_agent")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()?;
        let links = sqlx::query(
            "SELECT purpose, email, created_at, expires_at, used_at FROM login_tokens
             WHERE user_id = $1 OR email = $2 ORDER BY created_at",
        )
        .bind(user_id)
        .bind(&user.email)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| {
            Ok(LinkRecord {
                purpose: r.try_get("purpose")?,
                email: r.try_get("email")?,
                created_at: r.try_get("created_at")?,
                expires_at: r.try_get("expires_at")?,
                used_at: r.try_get("used_at")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()?;
        let mut enrolments = Vec::new();
        let mut done = Vec::new();
        for followed in self.all_followed(user_id).await? {
            for step in &followed.steps {
                if let (Some(done_on), Some(done_at)) = (step.done_on, step.done_at) {
                    done.push(DoneRecord {
                        journey_slug: followed.journey_slug.clone(),
                        entry_slug: step.entry_slug.clone(),
                        done_on,
                        done_at,
                    });
                }
            }
            enrolments.push(EnrolmentRecord {
                journey_slug: followed.journey_slug,
                journey_title: followed.journey_title,
                start_date: followed.start_date,
                created_at: followed.created_at,
                updated_at: followed.updated_at,
            });
        }
        Ok(UserExport {
            exported_at: self.now_ms(),
            journal: self.journal_rows(user_id, None, None, i64::MAX, 0).await?,
            practice_log: self.practice_log_rows(user_id, None, None).await?,
            user,
            sessions,
            links,
            enrolments,
            done,
        })
    }

    /// Deletes the account `user_id` and everything that names them, in one
    /// transaction: sessions, emailed links (also those sent to their
    /// address before it had an account), enrolments, done marks, journal,
    /// practice log, the rate-limit counters keyed by their address (in the
    /// hashed form of [`email_rate_limit_key`](crate::email_rate_limit_key),
    /// or in clear as older keys had it), and jobs whose arguments carry the
    /// address (mail still queued for them). Fails with
    /// [`AccountError::UnknownUser`] when there is no such account.
    pub async fn delete_user(&self, user_id: i64) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let email: Option<String> = sqlx::query_scalar("SELECT email FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(email) = email else {
            return Err(AccountError::UnknownUser(format!("id {user_id}")).into());
        };
        let by_address = [
            (
                "DELETE FROM rate_limits WHERE key LIKE $1 ESCAPE '\\'",
                contains_pattern(&email_hash(&email)),
            ),
            (
                "DELETE FROM rate_limits WHERE key LIKE $1 ESCAPE '\\'",
                contains_pattern(&email),
            ),
            (
                "DELETE FROM jobs WHERE payload LIKE $1 ESCAPE '\\'",
                contains_pattern(&email),
            ),
            ("DELETE FROM login_tokens WHERE email = $1", email.clone()),
        ];
        for (sql, value) in by_address {
            sqlx::query(sql).bind(value).execute(&mut *tx).await?;
        }
        // The foreign keys cascade too; naming each table keeps the erasure
        // whole even where they are not enforced.
        for sql in [
            "DELETE FROM step_done WHERE user_id = $1",
            "DELETE FROM practice_log WHERE user_id = $1",
            "DELETE FROM journal WHERE user_id = $1",
            "DELETE FROM enrolments WHERE user_id = $1",
            "DELETE FROM sessions WHERE user_id = $1",
            "DELETE FROM login_tokens WHERE user_id = $1",
            "DELETE FROM users WHERE id = $1",
        ] {
            sqlx::query(sql).bind(user_id).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        tracing::info!(user_id, "account deleted with everything naming it");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::contains_pattern;

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(contains_pattern("a_b%c\\d"), "%a\\_b\\%c\\\\d%");
    }
}
