//! Tests of the `abide` binary as a person or a supervisor runs it: real
//! processes, real sockets, real databases, a real browser.
#![expect(
    clippy::unwrap_used,
    reason = "a test fails loudly on any unexpected error"
)]

mod bible;
mod bounces;
mod browser;
mod check;
mod cli;
mod import;
mod mail;
mod mail_faults;
mod refs;
mod search;
mod serve;
mod user;
mod util;
mod walk;
