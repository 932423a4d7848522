//! Accounts on the web: signing up and in (by emailed link or password),
//! the session cookie, the guard on every form, rate limits, the mail that
//! carries links, and the member's account page.

pub(crate) mod forms;
pub(crate) mod outbox;
pub(crate) mod pages;
pub(crate) mod session;
pub(crate) mod throttle;
