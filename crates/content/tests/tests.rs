//! Content tests: journey folders read from real fixture files.
#![expect(
    clippy::unwrap_used,
    reason = "a test fails loudly on any unexpected error"
)]

mod check;
mod invalid;
mod load;
mod properties;
