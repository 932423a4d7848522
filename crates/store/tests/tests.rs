//! Store tests. Every test runs on SQLite and on PostgreSQL (`store_test!`).
#![expect(
    clippy::unwrap_used,
    reason = "a test fails loudly on any unexpected error"
)]

mod accounts;
mod bounces;
mod content;
mod email_props;
mod jobs;
mod media;
mod migrations;
mod reading;
mod schedule_props;
mod settings;
mod slugs;
mod sources;
mod subscriptions;
mod util;
