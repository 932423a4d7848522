use crate::accounts::EmailError;

/// Why an operation on subscriptions was refused. Precise, like
/// [`AccountError`](crate::AccountError): the web layer decides what a visitor
/// may learn.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SubscriptionError {
    /// The address is not one we can send to.
    #[error(transparent)]
    InvalidEmail(#[from] EmailError),
    /// A time zone that the time-zone database does not know.
    #[error("unknown time zone {0:?}: use an IANA name like Europe/London")]
    UnknownTimeZone(String),
    /// A send time outside the day.
    #[error("the send time must be between 00:00 and 23:59")]
    BadSendTime,
    /// A weekday other than 1 (Monday) to 7 (Sunday).
    #[error("the digest's weekday must be 1 (Monday) to 7 (Sunday)")]
    BadWeekday,
    /// A name too long or with control characters.
    #[error("invalid name: {0}")]
    BadName(&'static str),
    /// A tag that is empty, too long, or one too many.
    #[error("invalid tag: {0}")]
    BadTag(&'static str),
    /// No subscriber with this id, address or link key.
    #[error("no subscriber {0}")]
    UnknownSubscriber(String),
    /// No published journey with this slug.
    #[error("no journey {0:?} to follow by email")]
    UnknownJourney(String),
    /// The confirmation link is unknown, used already or expired.
    #[error("this link is not valid any more")]
    BadLink,
    /// Another subscriber has this address already.
    #[error("another subscriber has the address {0}")]
    EmailTaken(String),
    /// A newsletter that cannot be sent as asked.
    #[error("newsletter: {0}")]
    BadMessage(String),
}
