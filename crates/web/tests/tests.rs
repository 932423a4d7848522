//! HTTP tests: the router driven in-process (no socket) over a real database,
//! on SQLite and PostgreSQL.
#![expect(
    clippy::unwrap_used,
    reason = "a test fails loudly on any unexpected error"
)]

mod accounts;
mod admin;
mod agent;
mod bounces;
mod cache;
mod content;
mod devices;
mod limits;
mod media;
mod members;
mod pages;
mod passages;
mod practices;
mod proxy;
mod reader;
mod rendered;
mod search;
mod server;
mod slugs;
mod subscriptions;
mod timer;
mod util;
