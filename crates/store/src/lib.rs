//! Persistence for Abide: one schema and one set of migrations that run on SQLite
//! (bundled, the zero-configuration default) and on PostgreSQL (the scale-out
//! engine), chosen at run time from the database URL.
//!
//! Main types: [`Store`] (a connection pool plus the engine it talks to),
//! [`SiteSettings`] (site-wide settings kept in the database), accounts
//! ([`User`], [`Role`], [`Email`], sessions and single-use link tokens, stored
//! hashed; argon2id passwords; rate-limit counters), a member's own journey
//! ([`JourneyProgress`], their [`Schedule`] and [`Streak`], the private journal
//! and practice log, the export and erasure of their data), the durable job
//! queue ([`Job`], its operations on [`Store`], and the [`Worker`] that
//! runs jobs), the media library ([`MediaItem`], its sizes kept in `media`),
//! and [`StoreError`].
//!
//! SQL is written once for both engines. Queries use `$1`-style placeholders,
//! which both drivers accept, and plain types (integers, text); instants are
//! stored as UTC milliseconds since the Unix epoch. The few places where the
//! engines differ are named: the dialect words of the migrations
//! ([`migrate`](crate::Store::migrate)), write transactions (`BEGIN IMMEDIATE` on
//! SQLite) and the job claim (`FOR UPDATE SKIP LOCKED` on PostgreSQL).

mod accounts;
mod audit;
mod content;
mod db;
mod error;
mod jobs;
mod media;
mod migrate;
mod reading;
mod settings;
mod subscriptions;
mod time;
mod worker;

pub use accounts::{
    AccountError, Email, EmailError, LoginToken, MAX_EMAIL_BYTES, MAX_LISTED_SESSIONS,
    MAX_PASSWORD_BYTES, NewSession, NewUser, PasswordError, RateLimit, RawToken, Role, Session,
    SessionSummary, TokenPurpose, User, email_rate_limit_key, hash_password, verify_password,
};
pub use audit::{Actor, AuditEntry};
pub use content::{
    AuthorView, CitingEntry, EntryAdmin, EntryCard, EntryView, ImportOptions, ImportReport,
    JourneyAdmin, JourneyCard, Moved, Origin, PracticeView, REVISIONS_KEPT, Revision, RevisionInfo,
    SearchSource, SitemapItem, SourceFileInfo, StoredSource, StoredSourceRef, TagRef, WeekView,
};
pub use db::{Backend, Store, StoreOptions, Tx};
pub use error::{StoreError, redact as redact_url};
pub use jobs::{ClaimedJob, Enqueued, JobState, JobStats, Permanent, backoff};
pub use media::{
    MAX_ALT_CHARS, MediaItem, MediaSize, MediaUse, NewMedia, NewMediaFile,
    display_name as media_display_name,
};
pub use migrate::{MIGRATIONS, Migration, MigrationStatus, schema_fingerprint};
pub use reading::{
    DoneRecord, EnrolmentRecord, EntryJournal, EntryStep, JournalItem, JournalKey, JournalPage,
    JourneyDetail, JourneyProgress, LinkRecord, MAX_JOURNAL_CHARS, MAX_JOURNAL_PAGE,
    PracticeLogItem, ReadingError, STREAK_RULE, Schedule, SessionRecord, StepView, Streak, Today,
    UserExport,
};
pub use settings::{SiteSettings, SocialLink};
pub use subscriptions::{
    Audience, BounceKind, BounceOutcome, ClaimedMail, DEFAULT_SEND_MINUTE, DueReport,
    ImportedSubscriber, IncomingBounce, MAX_NAME_CHARS, MAX_TAGS, MailKind, MailMessage,
    MessageCounts, NewMessage, OutboxCounts, Preferences, SOFT_BOUNCES_TO_SUPPRESS, SendFailure,
    Subscribed, Subscriber, SubscriberFilter, SubscriberImport, SubscriberStatus,
    SubscriptionError, SubscriptionRequest, SuppressionReason, next_slot, outbox_message_id_local,
};
pub use time::{Clock, NotSimulated};
pub use worker::{Job, Worker, WorkerOptions};
