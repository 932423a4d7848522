use crate::accounts::email::EmailError;

/// Why an operation on accounts was refused. Precise on purpose: the web layer
/// decides what a visitor may learn (the same answer for a known and an
/// unknown address), the command line tells the operator everything.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AccountError {
    /// The address is not one we can send to.
    #[error(transparent)]
    InvalidEmail(#[from] EmailError),
    /// Another account has this address already.
    #[error("a user with email {0} already exists")]
    EmailTaken(String),
    /// No account has this id or address.
    #[error("no user {0}")]
    UnknownUser(String),
    /// A time zone that the time-zone database does not know.
    #[error("unknown time zone {0:?}: use an IANA name like Europe/London")]
    UnknownTimeZone(String),
    /// A display name that cannot be shown.
    #[error("invalid display name: {0}")]
    BadDisplayName(&'static str),
    /// The account is disabled: it cannot sign in.
    #[error("user {0} is disabled")]
    Disabled(String),
    /// The change would leave the site without an enabled owner.
    #[error("the site needs an enabled owner: make another account owner first")]
    LastOwner,
    /// A role name other than member, moderator, editor, owner.
    #[error("unknown role {0:?}: expected member, moderator, editor or owner")]
    UnknownRole(String),
    /// No link was issued with this token, or it was for something else.
    #[error("this link is not valid")]
    TokenUnknown,
    /// The link was used already: links work once.
    #[error("this link was used already")]
    TokenUsed,
    /// The link is older than its lifetime.
    #[error("this link has expired")]
    TokenExpired,
    /// The operating system's random source failed.
    #[error("no randomness from the operating system: {0}")]
    Randomness(String),
}
