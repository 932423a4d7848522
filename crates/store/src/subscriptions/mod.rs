//! Email subscriptions: subscribers and their consent (double opt-in), what
//! they want to receive, the journeys they follow by email at their own
//! morning, newsletters, and the outbox through which every message leaves.
//!
//! Every message is an [`outbox`](Store::claim_mail) row with an idempotency
//! key naming the (recipient, message) pair, written in the same transaction
//! as its cause: a confirmation with the subscription, a day of a journey with
//! the step of the schedule that makes it due, a newsletter's copies with the
//! newsletter's queueing. Workers claim rows under a lease, so a worker that
//! dies loses its rows to another after the lease, and a row is marked sent
//! once.

mod bounces;
mod due;
mod error;
mod newsletters;
mod outbox;
pub(crate) mod schedule;
mod subscribers;
mod transfer;

pub use bounces::{
    BounceKind, BounceOutcome, IncomingBounce, SOFT_BOUNCES_TO_SUPPRESS, outbox_message_id_local,
};
pub use due::DueReport;
pub use error::SubscriptionError;
pub use newsletters::{Audience, MailMessage, MessageCounts, NewMessage};
pub use outbox::{ClaimedMail, MailKind, OutboxCounts, SendFailure, SuppressionReason};
pub use schedule::{DEFAULT_SEND_MINUTE, next_slot};
pub use subscribers::{
    MAX_NAME_CHARS, MAX_TAGS, Preferences, Subscribed, Subscriber, SubscriberFilter,
    SubscriberStatus, SubscriptionRequest,
};
pub use transfer::{ImportedSubscriber, SubscriberImport};
