//! Accounts: people ([`User`], their [`Role`]), the sessions that keep them
//! signed in, the single-use links that sign them in or confirm an address,
//! passwords, and rate-limit counters.
//!
//! Secrets are handed out once and stored hashed: a session token or a link
//! token is 32 random bytes ([`RawToken`]), and the database keeps only its
//! SHA-256, so reading the database (a backup, a stolen dump) signs nobody in.
//! Every instant comes from the store's [`Clock`](crate::Clock).

mod email;
mod error;
mod password;
mod rate_limit;
mod role;
mod secret;
mod sessions;
mod tokens;
mod users;

pub use email::{Email, EmailError, MAX_EMAIL_BYTES};
pub use error::AccountError;
pub use password::{MAX_PASSWORD_BYTES, PasswordError, hash_password, verify_password};
pub(crate) use rate_limit::email_hash;
pub use rate_limit::{RateLimit, email_rate_limit_key};
pub use role::Role;
pub use secret::RawToken;
pub use sessions::{MAX_LISTED_SESSIONS, NewSession, Session, SessionSummary};
pub use tokens::{LoginToken, TokenPurpose};
pub use users::{NewUser, User};
